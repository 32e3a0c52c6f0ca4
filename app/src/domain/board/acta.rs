//! The acta: the official minutes of a closed session, numbered per Mesa. The HTML page and the
//! Markdown download are both rendered from this one structure.

use std::fmt::Write;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::approval::{ActaCycle, NextSession};
use super::markdown::{cell, one_line, or_dash, plain};
use super::{BoardView, quorum};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Acta {
    /// Consecutive per Mesa: acta 1, 2, 3 …
    pub number: i64,
    pub session_id: i64,
    pub session_seq: i64,
    pub mesa_code: String,
    pub mesa_name: String,
    /// Bogotá local date and time, already formatted.
    pub held_at: String,
    pub closed_at: String,
    /// Bogotá's calendar date at closing: the commitments' semáforo is judged as of that day.
    pub closed_on: NaiveDate,
    pub place: String,
    pub mode: String,
    /// The Mesa's registered members (quorum is counted against them).
    pub members: usize,
    pub board: BoardView,
    /// The register's names of the assets the board names (actas closed before the register
    /// have none).
    #[serde(default)]
    pub assets: crate::domain::assets::AssetNames,
    /// Draft, observations, corrections and approval (kept apart from the content in the store).
    #[serde(default)]
    pub cycle: ActaCycle,
    /// The evidence files the board's commitments and reviews carry (left out of the JSON when
    /// there are none, so actas approved before evidence existed keep their digest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<super::evidence::Evidence>,
}

/// The acta page: the acta, and what the person reading it may do on it today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActaSheet {
    pub acta: Acta,
    /// May leave an observation now (a participant, while the period is open).
    pub may_observe: bool,
    /// May answer, correct and approve (the coordination, while it is a draft).
    pub may_approve: bool,
    /// Bogotá's date as the server read it (the period and the approval are judged on it).
    pub today: NaiveDate,
    pub next_session: Option<NextSession>,
}

impl Acta {
    pub fn title(&self) -> String {
        format!("Acta n.º {} · {}", self.number, self.mesa_name)
    }

    /// The acta as its digest is taken: its JSON with the digest itself left blank. Field order
    /// is the structs' and every map is ordered, so the same acta always gives the same bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut canonical = self.clone();
        if let Some(approval) = &mut canonical.cycle.approval {
            approval.digest.clear();
        }
        serde_json::to_vec(&canonical).unwrap_or_default()
    }

    pub fn markdown(&self) -> String {
        let b = &self.board;
        let mut md = String::new();
        let q = quorum(b.members_present(), self.members);
        let _ = writeln!(md, "# {}\n", plain(&self.title()));
        let _ = writeln!(md, "- **Sesión:** {}", self.session_seq);
        let _ = writeln!(md, "- **Fecha:** {}", self.held_at);
        let _ = writeln!(md, "- **Lugar:** {}", or_dash(&self.place));
        let _ = writeln!(md, "- **Modalidad:** {}", self.mode);
        let _ = writeln!(md, "- **Cierre:** {}", self.closed_at);
        let _ = writeln!(md, "- **Quórum:** {}", q.describe());
        let _ = writeln!(md, "- **Estado:** {}\n", self.cycle.status_line());

        let _ = writeln!(md, "## Asistencia ({})\n", b.attendance.len());
        if b.attendance.is_empty() {
            let _ = writeln!(md, "Sin asistentes registrados.\n");
        } else {
            let _ = writeln!(md, "| Nombre | Institución | Sector | Rol | Modalidad |");
            let _ = writeln!(md, "|---|---|---|---|---|");
            for a in &b.attendance {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} |",
                    cell(&a.name),
                    cell(&a.institution),
                    cell(&a.sector),
                    a.role.label(),
                    a.mode.label()
                );
            }
            md.push('\n');
        }

        let _ = writeln!(md, "## Orden del día\n");
        for (n, item) in b.agenda.iter().enumerate() {
            let _ = writeln!(
                md,
                "{}. **{}** — {}{}",
                n + 1,
                one_line(&item.title),
                item.status.label(),
                if item.presenter.is_empty() {
                    String::new()
                } else {
                    format!(" · presenta {}", plain(&item.presenter))
                }
            );
            for line in item.notes.lines().filter(|l| !l.trim().is_empty()) {
                let _ = writeln!(md, "   > {}", plain(line.trim()));
            }
        }
        md.push('\n');

        if !b.followups.is_empty() {
            let _ = writeln!(
                md,
                "## Seguimiento de compromisos anteriores ({})\n",
                b.followups.len()
            );
            let _ = writeln!(
                md,
                "| Compromiso | De la sesión | Responsable | Estado en esta sesión | Avance |"
            );
            let _ = writeln!(md, "|---|---|---|---|---|");
            for f in &b.followups {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} |",
                    cell(&f.description),
                    f.origin_seq,
                    cell(&f.responsible),
                    f.status.label(),
                    cell(&f.note)
                );
            }
            md.push('\n');
        }

        let _ = writeln!(md, "## Barreras ({})\n", b.barriers.len());
        for (n, x) in b.barriers.iter().enumerate() {
            let _ = writeln!(
                md,
                "{}. **{}** ({}, severidad {}/5, {}) — {}",
                n + 1,
                x.kind.label(),
                x.status.label(),
                x.severity,
                or_dash(&x.institution),
                one_line(&x.description)
            );
            let mut details = Vec::new();
            if !x.route.is_empty() {
                details.push(format!("ruta o programa: {}", plain(&x.route)));
            }
            if !x.population.is_empty() {
                details.push(format!("población: {}", plain(&x.population)));
            }
            if !x.localidad.is_empty() {
                details.push(
                    format!("territorio: {} {}", plain(&x.localidad), plain(&x.upz))
                        .trim()
                        .to_owned(),
                );
            }
            if !x.assets.is_empty() {
                details.push(format!(
                    "activos movilizados: {}",
                    plain(&self.assets.list(&x.assets))
                ));
            }
            if !details.is_empty() {
                let _ = writeln!(md, "   - {}", details.join(" · "));
            }
        }
        md.push('\n');

        let _ = writeln!(md, "## Acuerdos ({})\n", b.agreements.len());
        for (n, a) in b.agreements.iter().enumerate() {
            let _ = writeln!(
                md,
                "{}. {} _({})_",
                n + 1,
                one_line(&a.statement),
                a.method.label()
            );
            if !a.outcome.is_empty() {
                let _ = writeln!(md, "   - {}", plain(&a.outcome));
            }
        }
        md.push('\n');

        let _ = writeln!(md, "## Compromisos ({})\n", b.commitments.len());
        if !b.commitments.is_empty() {
            let _ = writeln!(
                md,
                "| Compromiso | Responsable | Institución | Activo | Fecha límite | Estado | Semáforo |"
            );
            let _ = writeln!(md, "|---|---|---|---|---|---|---|");
            for c in &b.commitments {
                let light = c.semaforo(self.closed_on).map_or("—", |s| s.label());
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    cell(&c.description),
                    cell(&c.responsible),
                    cell(&c.institutions),
                    c.asset
                        .as_deref()
                        .map_or("—".to_owned(), |code| cell(&self.assets.name(code))),
                    c.due.map_or("—".to_owned(), crate::domain::format_day),
                    c.status.label(),
                    light
                );
            }
        }
        if !self.evidence.is_empty() {
            let _ = writeln!(md, "\n## Evidencias ({})\n", self.evidence.len());
            let _ = writeln!(
                md,
                "| Registro | Archivo | Tipo | Tamaño | SHA-256 | Adjuntada por |"
            );
            let _ = writeln!(md, "|---|---|---|---|---|---|");
            for e in &self.evidence {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | `{}` | {} |",
                    cell(&super::evidence::carrier_label(b, e)),
                    cell(&e.file_name),
                    e.type_label,
                    e.size_label(),
                    e.sha256,
                    cell(&e.uploaded_by)
                );
            }
        }
        self.cycle.write_markdown(&mut md);
        md
    }
}

#[cfg(test)]
mod tests {
    use yrs::{Doc, Transact};

    use super::super::{AGENDA, ATTENDANCE, COMMITMENTS, Field, put_record};
    use super::*;

    #[test]
    fn the_acta_lists_everything_with_its_number() {
        let doc = Doc::new();
        {
            let mut txn = doc.transact_mut();
            put_record(
                &mut txn,
                AGENDA,
                "a",
                &[
                    ("title", Field::Text("Seguimiento de compromisos".into())),
                    ("notes", Field::Text("Se revisaron 3\n\ncompromisos".into())),
                    ("status", Field::Text("tratado".into())),
                ],
                "Ana",
                1.0,
            );
            put_record(
                &mut txn,
                ATTENDANCE,
                "p",
                &[
                    ("name", Field::Text("Ana | Pérez".into())),
                    ("institution", Field::Text("Subred Sur".into())),
                    ("role", Field::Text("titular".into())),
                ],
                "Ana",
                1.0,
            );
            put_record(
                &mut txn,
                COMMITMENTS,
                "c",
                &[
                    ("description", Field::Text("Brigada en Bosa".into())),
                    ("due", Field::Text("2026-11-20".into())),
                    ("status", Field::Text("pendiente".into())),
                    ("asset", Field::Text("07-jac".into())),
                ],
                "Ana",
                1.0,
            );
        }
        let acta = Acta {
            number: 7,
            session_id: 3,
            session_seq: 4,
            mesa_code: "local-07".into(),
            mesa_name: "Mesa Local de Bosa".into(),
            held_at: "2026-11-23 09:00".into(),
            closed_at: "2026-11-23 11:30".into(),
            closed_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            place: String::new(),
            mode: "Mixta".into(),
            members: 1,
            board: BoardView::read(&doc.transact()),
            assets: crate::domain::assets::AssetNames(
                [("07-jac".to_owned(), "JAC San Bernardino".to_owned())].into(),
            ),
            cycle: Default::default(),
            evidence: Vec::new(),
        };
        let md = acta.markdown();
        assert!(md.starts_with("# Acta n.º 7 · Mesa Local de Bosa"));
        assert!(md.contains("**Quórum:** 1 de 1 integrantes · hay quórum"));
        assert!(md.contains("| Ana \\| Pérez | Subred Sur |"), "{md}");
        assert!(md.contains("1. **Seguimiento de compromisos** — Tratado"));
        assert!(md.contains("   > Se revisaron 3\n   > compromisos"));
        assert!(md.contains(
            "| Brigada en Bosa | — | — | JAC San Bernardino | vie 20 nov 2026 | Pendiente | Vencido |"
        ));
        assert!(md.contains("- **Lugar:** —"));
    }

    #[test]
    fn html_typed_into_the_board_reaches_the_acta_as_text() {
        let doc = Doc::new();
        {
            let mut txn = doc.transact_mut();
            put_record(
                &mut txn,
                COMMITMENTS,
                "c1",
                &[(
                    "description",
                    Field::Text("<img src=x onerror=alert(1)> & <script>".into()),
                )],
                "Ana",
                1.0,
            );
            put_record(
                &mut txn,
                AGENDA,
                "a1",
                &[
                    ("title", Field::Text("<b>Punto</b>".into())),
                    ("notes", Field::Text("<iframe src=//x>".into())),
                    ("presenter", Field::Text("<u>Luis</u>".into())),
                ],
                "Ana",
                1.0,
            );
        }
        let acta = Acta {
            number: 1,
            session_id: 1,
            session_seq: 1,
            mesa_code: "local-07".into(),
            mesa_name: "Mesa <Bosa>".into(),
            held_at: String::new(),
            closed_at: String::new(),
            closed_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            place: "<a href=javascript:x>".into(),
            mode: "Mixta".into(),
            members: 1,
            board: BoardView::read(&doc.transact()),
            assets: Default::default(),
            cycle: Default::default(),
            evidence: Vec::new(),
        };
        let md = acta.markdown();
        for raw in [
            "<img", "<script", "<b>", "<iframe", "<u>", "<a href", "<Bosa>",
        ] {
            assert!(!md.contains(raw), "{raw} reached the Markdown: {md}");
        }
        assert!(
            md.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;"),
            "{md}"
        );
    }
}
