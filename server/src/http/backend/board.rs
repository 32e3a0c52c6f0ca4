//! The board as the backend reads it: live (with a time limit), frozen into the acta when the
//! session closes, and replayed from the stored log for the review.

use app::domain::board::BoardView;
use app::domain::board::acta::Acta;
use app::domain::board::approval::ActaCycle;
use app::domain::{Session, bogota, format_bogota};
use app::error::AppError;
use chrono::Utc;

use super::StoreBackend;
use crate::projection::Changed;

impl StoreBackend {
    pub(super) async fn live_board(
        &self,
        session_id: i64,
        durable: bool,
    ) -> Result<BoardView, AppError> {
        tokio::time::timeout(
            std::time::Duration::from_secs(15),
            self.sync.board_view(session_id, durable),
        )
        .await
        .map_err(|_| {
            tracing::error!(session_id, durable, "the board did not answer in 15 s");
            AppError::Internal("el tablero no respondió; intente de nuevo".into())
        })?
        .map_err(AppError::from)
    }

    /// The session was just closed: freeze its board and write the acta from what it holds.
    pub(super) async fn record_acta(&self, session: &Session) -> Result<i64, AppError> {
        self.sync.freeze(session.id).await?;
        // Records nobody wrote in are not part of the official record (nor of the dashboards).
        let mut board = self.live_board(session.id, true).await?.with_content();
        // Follow-ups are board records anyone could have altered: only reviews of commitments
        // this session really carried over count, with their origin as the store knows it.
        let carried = self.store.open_commitments_before(session.id).await?;
        board
            .followups
            .retain_mut(|f| match carried.iter().find(|c| c.commitment.id == f.id) {
                Some(c) => {
                    f.origin_session = c.session_id;
                    f.origin_seq = c.session_seq;
                    true
                }
                None => false,
            });
        let mesa = self
            .store
            .mesa_detail(&session.mesa_code, Utc::now())
            .await?;
        let closed = session.closed_at.unwrap_or_else(Utc::now);
        let closed_on = closed.with_timezone(&bogota()).date_naive();
        // Results come from the store's closed polls, not from the document's `outcome`.
        let polls = self
            .store
            .polls_of_session(session.id, &app::domain::board::quorum(0, 0))
            .await?;
        app::domain::board::vote::settle_outcomes(&mut board.agreements, &polls);
        // Uploads stop with the freeze above: this is the list the acta keeps.
        let evidence = self.store.evidence_of_session(session.id).await?;
        let acta = Acta {
            number: 0,
            session_id: session.id,
            session_seq: session.seq,
            mesa_code: mesa.mesa.code.clone(),
            mesa_name: mesa.mesa.name.clone(),
            held_at: format_bogota(session.started_at.unwrap_or(session.scheduled_at)),
            closed_at: format_bogota(closed),
            closed_on,
            place: session.place.clone(),
            mode: session.mode.label().to_owned(),
            members: mesa.members.len(),
            assets: self.asset_names(&board).await?,
            board,
            // a draft, observed for the working days that follow its closing
            cycle: ActaCycle::draft(closed_on),
            evidence,
        };
        let number = self.store.record_acta(&acta, Utc::now()).await?;
        // The closed board's projection is its official record, whatever was pending.
        self.store.project_board(session, &acta.board).await?;
        self.projections.announce(Changed {
            session_id: session.id,
            mesa_code: session.mesa_code.clone(),
        });
        Ok(number)
    }
}
