use std::collections::BTreeMap;

use super::*;
use crate::domain::TerritoryLevel;
use crate::domain::indicators::{Figure, by_territory_and_period, figure, latest, trend};
use crate::domain::sheet::tests_support::sheet;
use crate::domain::territory::tests_support::bogota;

const CATALOGUE: &str = "codigo,nombre,definicion,numerador,denominador,unidad,factor,sentido,meta,periodo_meta,fuente,desagregacion
MI-01,Mortalidad infantil,,Muertes < 1 año,Nacidos vivos,por 1.000 nacidos vivos,1000,menor es mejor,8,2026,Datos de ejemplo,localidad
VAC-01,Cobertura de vacunación,,Niños vacunados,Niños de 1 año,%,100,mayor es mejor,95,,Datos de ejemplo,upz
CASOS-01,Casos de dengue,,Casos,,casos,,menor es mejor,,,Datos de ejemplo,localidad";

fn plan(sheets: &[Sheet]) -> ImportPlan {
    plan_import(sheets, None, &BTreeMap::new(), &bogota())
}

fn reasons(plan: &ImportPlan) -> Vec<String> {
    plan.errors.iter().map(ToString::to_string).collect()
}

#[test]
fn a_good_file_plans_its_definitions_and_values() {
    let values = sheet(
        "valores",
        "indicador,territorio,periodo,numerador,denominador,valor
MI-01,07,2026,90,10000,
MI-01,08,2026,,,7.5
VAC-01,UPZ85,2026Q1,950,1000,95
CASOS-01,07,202601,12,,",
    );
    let plan = plan(&[sheet("indicadores", CATALOGUE), values]);
    assert_eq!(reasons(&plan), Vec::<String>::new());
    assert!(plan.is_valid());
    assert_eq!(plan.indicators.len(), 3);
    assert_eq!(plan.indicators[0].disaggregation, TerritoryLevel::Localidad);
    assert_eq!(plan.indicators[2].factor, 1.0);
    assert_eq!(plan.values.len(), 4);
    assert_eq!(plan.values[0].value, 9.0);
    assert_eq!(plan.values[1].numerator, None);
    assert_eq!(plan.values[3].value, 12.0);
    assert_eq!(plan.values[3].period.code(), "202601");
}

#[test]
fn every_bad_row_is_reported_with_line_column_and_reason() {
    let values = sheet(
        "valores",
        "indicador;territorio;periodo;numerador;denominador;valor
MI-01;99;2026;1;10;
MI-01;07;2026-13;1;10;
MI-01;07;2026;12,5;100;
MI-01;07;2025;1;0;
MI-01;07;2024;1;;
MI-01;07;2023;1;1000;5
XX-99;07;2026;1;10;
VAC-01;07;2026;;;90
MI-01;UPZ85;2026;1;100;
CASOS-01;07;2026;3;10;
MI-01;08;2026;1;100;
MI-01;08;2026;2;100;",
    );
    let plan = plan(&[sheet("indicadores", CATALOGUE), values]);
    assert!(!plan.is_valid());
    let found = |line: usize, column: &str, needle: &str| {
        assert!(
            plan.errors.iter().any(|e| e.line == line
                && e.column.as_deref() == Some(column)
                && e.reason.contains(needle)),
            "no error at line {line}, column {column} containing «{needle}»: {:#?}",
            reasons(&plan)
        );
    };
    found(2, "territorio", "territorio «99» desconocido");
    found(3, "periodo", "periodo «2026-13»");
    found(4, "numerador", "coma decimal");
    found(5, "denominador", "es 0");
    found(6, "denominador", "falta el denominador");
    found(7, "valor", "no corresponde");
    found(8, "indicador", "no está en el catálogo");
    // Vaccination is published by UPZ, so a localidad's value is coarser: allowed.
    assert!(!plan.errors.iter().any(|e| e.line == 9));
    found(10, "territorio", "se publica por localidad");
    found(11, "denominador", "es un conteo");
    found(
        13,
        "periodo",
        "repite el indicador «MI-01», territorio «08» y periodo 2026 de la línea 12",
    );
    assert_eq!(plan.errors.len(), 10, "{:#?}", reasons(&plan));
    let shown = plan.errors[0].to_string();
    assert_eq!(
        shown,
        "valores, línea 2, columna «territorio»: territorio «99» desconocido: use el código de la localidad (01 a 20), de la UPZ (UPZ85), de la zona (zona-norte) o «distrito»"
    );
}

#[test]
fn the_catalogue_is_checked_too() {
    let bad = sheet(
        "indicadores",
        "codigo,nombre,unidad,sentido,desagregacion,factor,periodo_meta
MI 01,Mortalidad,por mil,menor,localidad,1000,
A,,%,subiendo,barrio,0,2026Q9
B,Bien,%,mayor,zona,100,
B,Otra vez,%,mayor,zona,100,",
    );
    let plan = plan(&[bad]);
    let text = reasons(&plan).join("\n");
    for needle in [
        "línea 2, columna «codigo»: «MI 01»",
        "línea 3, columna «nombre»: está vacía",
        "línea 3, columna «sentido»",
        "línea 3, columna «desagregacion»",
        "línea 3, columna «factor»: no puede ser 0",
        "línea 3, columna «periodo_meta»",
        "línea 5, columna «codigo»: el indicador «B» ya está definido en la línea 4",
    ] {
        assert!(text.contains(needle), "missing «{needle}» in\n{text}");
    }
    assert_eq!(plan.indicators.len(), 1, "only B is good");
}

#[test]
fn personal_data_and_unknown_layouts_are_refused_as_a_whole() {
    let personal = sheet(
        "valores",
        "indicador,territorio,periodo,valor,numero_documento\nMI-01,07,2026,9,1020304050",
    );
    let plan = plan(&[sheet("indicadores", CATALOGUE), personal]);
    assert!(plan.values.is_empty());
    assert!(
        plan.errors[0]
            .reason
            .contains("«numero_documento» parece un dato personal"),
        "{:?}",
        plan.errors
    );
    let odd = plan_import(
        &[sheet("datos.csv", "a,b\n1,2")],
        None,
        &BTreeMap::new(),
        &bogota(),
    );
    assert!(
        odd.errors[0]
            .reason
            .contains("no se reconoce el encabezado")
    );
    let empty = plan_import(
        &[sheet("valores.csv", "indicador,territorio,periodo,valor")],
        None,
        &BTreeMap::new(),
        &bogota(),
    );
    assert!(empty.errors[0].reason.contains("no tiene filas"));
}

#[test]
fn planning_is_deterministic_so_a_reimport_has_the_same_values() {
    let file = [
        sheet("indicadores", CATALOGUE),
        sheet(
            "valores",
            "indicador,territorio,periodo,numerador,denominador\nMI-01,07,2026,90,10000",
        ),
    ];
    let first = plan(&file);
    // The second import sees its own definitions stored: same values, same definitions.
    let stored: BTreeMap<String, Indicator> = first
        .indicators
        .iter()
        .map(|i| (i.code.clone(), i.clone()))
        .collect();
    let second = plan_import(&file, None, &stored, &bogota());
    assert_eq!(first, second);
}

#[test]
fn a_dhis2_value_set_imports_through_its_mapping() {
    let catalogue = sheet("indicadores", CATALOGUE);
    let set = sheet(
        "dhis2.csv",
        "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup
deMuertes,2026,ouBosa,cocM,HllvX50cXC0,40,admin,,,false
deMuertes,2026,ouBosa,cocF,HllvX50cXC0,50,admin,,,false
deNacidos,2026,ouBosa,cocM,HllvX50cXC0,10000,admin,,,false
deTasa,2026,ouKennedy,HllvX50cXC0,HllvX50cXC0,7.5,admin,,,false
deOtro,2026,ouBosa,x,x,1,admin,,,false",
    );
    let mapping = sheet(
        "mapeo.csv",
        "tipo,dhis2,sala,parte
indicador,deMuertes,MI-01,numerador
indicador,deNacidos,MI-01,denominador
indicador,deTasa,MI-01,valor
territorio,ouBosa,07,
territorio,ouKennedy,08,",
    );
    let plan = plan_import(
        &[catalogue.clone(), set.clone()],
        Some(&mapping),
        &BTreeMap::new(),
        &bogota(),
    );
    assert_eq!(plan.values.len(), 2, "{:?}", plan.errors);
    let bosa = plan.values.iter().find(|v| v.territory == "07").unwrap();
    assert_eq!(
        (bosa.numerator, bosa.denominator),
        (Some(90.0), Some(10000.0))
    );
    assert_eq!(bosa.value, 9.0);
    assert_eq!(plan.errors.len(), 1);
    assert_eq!(plan.errors[0].line, 6);
    assert!(
        plan.errors[0]
            .reason
            .contains("«deOtro» no está en el mapeo")
    );
    let without = plan_import(&[catalogue, set], None, &BTreeMap::new(), &bogota());
    assert!(without.errors[0].reason.contains("archivo de mapeo"));
}

#[test]
fn localidades_roll_up_by_their_parts_never_by_averaging_rates() {
    let index = bogota();
    let catalogue = plan(&[sheet("indicadores", CATALOGUE)]);
    let mi = catalogue.indicators[0].clone();
    let parts = plan(&[
        sheet("indicadores", CATALOGUE),
        sheet(
            "valores",
            // Bosa and Kennedy (Sur Occidente): 90/10,000 and 10/10,000 → 5 per 1,000, not the
            // mean of 9 and 1 weighted otherwise.
            "indicador,territorio,periodo,numerador,denominador
MI-01,07,2026,90,10000
MI-01,08,2026,10,10000
MI-01,20,2026,1,40",
        ),
    ]);
    let values = by_territory_and_period(parts.values.clone());
    let year = Period::Year { year: 2026 };
    let zone = figure(&mi, "zona-sur-occidente", year, &values, &index);
    assert_eq!(
        zone,
        Figure::Computed {
            value: 5.0,
            numerator: 100.0,
            denominator: Some(20000.0),
            from: 2,
            of: 3,
            made_of: TerritoryLevel::Localidad,
        }
    );
    assert_eq!(
        zone.note(),
        "calculado con 2 de 3 localidades (faltan datos)"
    );
    let district = figure(&mi, "distrito", year, &values, &index)
        .value()
        .unwrap();
    assert!((district - 101.0 / 20040.0 * 1000.0).abs() < 1e-9);
    // A rate alone cannot be rolled up.
    let mut with_rate = parts.values.clone();
    with_rate.push(IndicatorValue {
        indicator: "MI-01".into(),
        territory: "09".into(),
        period: year,
        numerator: None,
        denominator: None,
        value: 4.0,
    });
    let values = by_territory_and_period(with_rate);
    let zone = figure(&mi, "zona-sur-occidente", year, &values, &index);
    assert!(matches!(&zone, Figure::NotComputable { reason } if reason.contains("09")));
    assert_eq!(
        figure(&mi, "zona-norte", year, &values, &index),
        Figure::Missing
    );
}

#[test]
fn upz_roll_up_to_their_localidad_and_on_to_the_zone() {
    let index = bogota();
    let parts = plan(&[
        sheet("indicadores", CATALOGUE),
        sheet(
            "valores",
            // Bosa's two UPZ in the test index; Kennedy reports its own localidad figure.
            "indicador,territorio,periodo,numerador,denominador
VAC-01,UPZ85,2026,900,1000
VAC-01,UPZ84,2026,500,1000
VAC-01,08,2026,950,1000",
        ),
    ]);
    let vac = parts.indicators[1].clone();
    let values = by_territory_and_period(parts.values.clone());
    let year = Period::Year { year: 2026 };
    let bosa = figure(&vac, "07", year, &values, &index);
    assert_eq!(bosa.value(), Some(70.0));
    assert_eq!(bosa.note(), "calculado con sus 2 UPZ");
    // The zone adds Bosa's computed parts to Kennedy's reported ones: 2,350 / 3,000.
    let zone = figure(&vac, "zona-sur-occidente", year, &values, &index);
    let Figure::Computed {
        numerator,
        denominator,
        from,
        of,
        ..
    } = zone
    else {
        panic!("the zone is computed: {zone:?}");
    };
    assert_eq!(
        (numerator, denominator, from, of),
        (2350.0, Some(3000.0), 2, 3)
    );
    // A reported localidad figure wins over its UPZ.
    assert_eq!(
        figure(&vac, "08", year, &values, &index).note(),
        "reportado"
    );
    // A UPZ with only its rate: neither Bosa nor its zone can be computed.
    let mut with_rate = parts.values;
    with_rate.retain(|v| v.territory != "UPZ84");
    with_rate.push(IndicatorValue {
        indicator: "VAC-01".into(),
        territory: "UPZ84".into(),
        period: year,
        numerator: None,
        denominator: None,
        value: 50.0,
    });
    let values = by_territory_and_period(with_rate);
    assert!(matches!(
        figure(&vac, "07", year, &values, &index),
        Figure::NotComputable { reason } if reason.contains("UPZ84")
    ));
    assert!(matches!(
        figure(&vac, "zona-sur-occidente", year, &values, &index),
        Figure::NotComputable { reason } if reason.contains("07")
    ));
    // A UPZ has no parts of its own.
    assert_eq!(figure(&vac, "UPZ1", year, &values, &index), Figure::Missing);
}

#[test]
fn a_trend_has_the_territory_its_zone_and_the_district() {
    let index = bogota();
    let parts = plan(&[
        sheet("indicadores", CATALOGUE),
        sheet(
            "valores",
            "indicador,territorio,periodo,numerador,denominador
MI-01,07,2025,100,10000
MI-01,07,2026,90,10000
MI-01,08,2026,10,10000
MI-01,07,202601,1,100",
        ),
    ]);
    let mi = parts.indicators[0].clone();
    let values = by_territory_and_period(parts.values);
    let trend = trend(&mi, "07", &values, &index);
    let codes: Vec<String> = trend.periods.iter().map(|p| p.code()).collect();
    assert_eq!(
        codes,
        ["2025", "2026"],
        "years dominate; the month is left out"
    );
    assert_eq!(trend.lines.len(), 3);
    assert_eq!(trend.lines[0].2, vec![Some(10.0), Some(9.0)]);
    assert_eq!(trend.lines[1].0, "zona-sur-occidente");
    assert_eq!(trend.lines[1].2, vec![Some(10.0), Some(5.0)]);
    assert_eq!(trend.goal, Some(8.0));
    let (period, figure) = latest(&mi, "07", &values, &index).unwrap();
    assert_eq!(period.code(), "2026");
    assert_eq!(
        mi.status(figure.value().unwrap()),
        crate::domain::indicators::GoalStatus::NoCumple
    );
}
