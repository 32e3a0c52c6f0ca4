use super::import::plan_register;
use super::*;
use crate::domain::sheet::tests_support::sheet as csv;
use crate::domain::territory::tests_support::bogota;

fn draft() -> AssetDraft {
    AssetDraft {
        name: "JAC San Bernardino".into(),
        kind: "organizacion_comunitaria".into(),
        offer: "Salón comunal, convocatoria a jornadas".into(),
        localidad: "07".into(),
        upz: "upz85".into(),
        lon: "-74.1901".into(),
        lat: "4.6183".into(),
        contact: "jac.sanbernardino@example.org".into(),
        ..AssetDraft::default()
    }
}

fn reasons(problems: &[EntryProblem]) -> Vec<(String, String)> {
    problems
        .iter()
        .map(|p| (p.column.clone(), p.reason.clone()))
        .collect()
}

#[test]
fn a_complete_asset_is_accepted_with_a_code_made_from_its_place_and_name() {
    let asset = draft().check(&bogota()).unwrap();
    assert_eq!(asset.code, "07-jac-san-bernardino");
    assert_eq!(asset.kind, AssetKind::OrganizacionComunitaria);
    assert_eq!(asset.upz.as_deref(), Some("UPZ85"));
    assert_eq!(
        asset.point,
        Some(Point {
            lon: -74.1901,
            lat: 4.6183
        })
    );
    // Kinds by label too, however written; a UPZ alone tells the localidad.
    let by_label = AssetDraft {
        kind: "RED".into(),
        localidad: String::new(),
        name: "Red de mujeres de Bosa, año 2026".into(),
        ..draft()
    };
    let asset = by_label.check(&bogota()).unwrap();
    assert_eq!(asset.kind, AssetKind::Red);
    assert_eq!(asset.localidad, "07");
    assert_eq!(asset.code, "07-red-de-mujeres-de-bosa-ano-2026");
}

#[test]
fn every_problem_of_an_asset_is_named_with_its_column() {
    let index = bogota();
    let bad = AssetDraft {
        name: "  ".into(),
        kind: "parque".into(),
        localidad: "7".into(),
        lon: "-74,19".into(),
        lat: "4.61".into(),
        ..draft()
    };
    let problems = reasons(&bad.check(&index).unwrap_err());
    let columns: Vec<&str> = problems.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        columns,
        ["nombre", "tipo", "localidad", "longitud"],
        "{problems:?}"
    );
    assert!(problems[1].1.contains("«parque» no es un tipo conocido"));
    assert!(problems[2].1.contains("«07»"), "{problems:?}");
    assert!(problems[3].1.contains("coma decimal"));

    let swapped = AssetDraft {
        lon: "4.6183".into(),
        lat: "-74.1901".into(),
        ..draft()
    };
    assert!(
        reasons(&swapped.check(&index).unwrap_err())[0]
            .1
            .contains("invertidas")
    );
    let far = AssetDraft {
        lon: "-75.5".into(),
        ..draft()
    };
    assert!(
        reasons(&far.check(&index).unwrap_err())[0]
            .1
            .contains("fuera de Bogotá")
    );
    let half = AssetDraft {
        lat: String::new(),
        ..draft()
    };
    assert_eq!(reasons(&half.check(&index).unwrap_err())[0].0, "latitud");
    let elsewhere = AssetDraft {
        upz: "UPZ1".into(),
        ..draft()
    };
    assert!(
        reasons(&elsewhere.check(&index).unwrap_err())[0]
            .1
            .contains("no está en la localidad 07")
    );
    let zone = AssetDraft {
        localidad: "zona-sur".into(),
        ..draft()
    };
    assert!(
        reasons(&zone.check(&index).unwrap_err())[0]
            .1
            .contains("no una localidad")
    );
    let odd_code = AssetDraft {
        code: "código con espacios".into(),
        ..draft()
    };
    assert_eq!(reasons(&odd_code.check(&index).unwrap_err())[0].0, "codigo");
}

#[test]
fn a_team_covers_localidades_and_upz() {
    let index = bogota();
    let team = TeamDraft {
        name: "Equipo básico extramural 3".into(),
        kind: "Equipo básico extramural".into(),
        institution: "Subred Sur Occidente".into(),
        coverage: "UPZ85; 07, upz84;07".into(),
        ..TeamDraft::default()
    }
    .check(&index)
    .unwrap();
    assert_eq!(team.kind, TeamKind::BasicoExtramural);
    assert_eq!(team.coverage, ["UPZ85", "07", "UPZ84"]);
    assert_eq!(team.localidades(&index), ["07"]);
    assert_eq!(team.code, "upz85-equipo-basico-extramural-3");
    let problems = TeamDraft {
        name: "Equipo".into(),
        kind: "brigada".into(),
        institution: String::new(),
        coverage: "zona-sur".into(),
        ..TeamDraft::default()
    }
    .check(&index)
    .unwrap_err();
    let columns: Vec<String> = problems.into_iter().map(|p| p.column).collect();
    assert_eq!(columns, ["institucion", "tipo_equipo", "cobertura"]);
}

#[test]
fn a_file_is_checked_whole_with_lines_and_repeated_codes() {
    let index = bogota();
    let assets = csv(
        "activos.csv",
        "nombre;tipo;localidad;upz;longitud;latitud\n\
         JAC San Bernardino;organizacion_comunitaria;07;UPZ85;-74.19;4.618\n\
         Colegio Fernando Mazuera;institucion_educativa;07;;;\n\
         ;red;07;;;\n\
         JAC San Bernardino;red;07;;;",
    );
    let plan = plan_register(std::slice::from_ref(&assets), &index);
    assert_eq!(plan.assets.len(), 2);
    let errors: Vec<String> = plan.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        errors[0],
        "activos.csv, línea 4, columna «nombre»: está vacío y es obligatorio"
    );
    assert!(
        errors[1].starts_with("activos.csv, línea 5, columna «codigo»: el código «07-jac-san-bernardino» ya está en activos.csv, línea 2"),
        "{errors:?}"
    );

    let teams = csv(
        "equipos.csv",
        "nombre;tipo_equipo;institucion;cobertura\n\
         EBEI 3;basico_extramural;Subred Sur Occidente;UPZ85;UPZ84",
    );
    // `;` splits this naive CSV, so the coverage's second code lands in an unnamed column.
    let plan = plan_register(&[teams], &index);
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    assert_eq!(plan.teams[0].coverage, ["UPZ85"]);
    assert_eq!(plan.localidades(&index), ["07"]);

    let unknown = csv("otro.csv", "indicador;valor\nx;1");
    let plan = plan_register(&[unknown], &index);
    assert!(plan.errors[0].reason.contains("no se reconoce la hoja"));
    let personal = csv("p.csv", "nombre;tipo;localidad;documento\nA;red;07;123");
    let plan = plan_register(&[personal], &index);
    assert!(
        plan.errors[0].reason.contains("dato personal"),
        "{:?}",
        plan.errors
    );
}
