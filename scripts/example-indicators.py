#!/usr/bin/env python3
"""Writes Sala's example indicator files (docs/examples/), DATOS DE EJEMPLO: invented figures
that look plausible, never real ones. They exercise every part of the import: a catalogue,
values with numerator and denominator (yearly, quarterly, monthly), a count, rates given alone
(which cannot be rolled up), values by UPZ, a DHIS2 data value set with its mapping, and a file
with one mistake of each kind.

Standard library only; deterministic (same files on every run):

    python3 scripts/example-indicators.py            # docs/examples/
    python3 scripts/example-indicators.py --rows 100000 --to /tmp/big.csv   # benchmark file
"""

import argparse
import csv
import io
import os
import random
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "docs", "examples")

# Births per year by localidad (invented, in proportion to each localidad's size).
BIRTHS = {
    "01": 4500, "02": 1600, "03": 1300, "04": 5000, "05": 6000, "06": 2300, "07": 11000,
    "08": 14000, "09": 4500, "10": 9000, "11": 13000, "12": 1800, "13": 1400, "14": 1200,
    "15": 1000, "16": 2800, "17": 250, "18": 4800, "19": 10000, "20": 40,
}
UPZ = {
    "07": ["UPZ49", "UPZ84", "UPZ85", "UPZ86", "UPZ87"],
    "08": ["UPZ44", "UPZ45", "UPZ46", "UPZ47", "UPZ48", "UPZ78", "UPZ79", "UPZ80", "UPZ81",
           "UPZ82", "UPZ83", "UPZ113"],
}

CATALOGUE_HEADER = ["codigo", "nombre", "definicion", "numerador", "denominador", "unidad",
                    "factor", "sentido", "meta", "periodo_meta", "fuente", "desagregacion"]
SOURCE = "DATOS DE EJEMPLO (no son cifras reales)"
CATALOGUE = [
    ["MI-01", "Mortalidad infantil",
     "Muertes de menores de un año por cada 1.000 nacidos vivos", "Muertes de menores de 1 año",
     "Nacidos vivos", "por 1.000 nacidos vivos", 1000, "menor es mejor", 8, "2026", SOURCE,
     "localidad"],
    ["BPN-01", "Bajo peso al nacer",
     "Nacidos vivos con menos de 2.500 g sobre el total de nacidos vivos",
     "Nacidos vivos con peso < 2.500 g", "Nacidos vivos", "%", 100, "menor es mejor", 12,
     "2026", SOURCE, "localidad"],
    ["VAC-TV1", "Cobertura de triple viral al año de edad",
     "Niños de un año vacunados con triple viral sobre la población de un año", "Niños vacunados",
     "Población de 1 año", "%", 100, "mayor es mejor", 95, "2026", SOURCE, "upz"],
    ["IRA-05", "Consultas por IRA en menores de 5 años",
     "Consultas por infección respiratoria aguda de niños y niñas menores de 5 años",
     "Consultas por IRA", "", "consultas", "", "menor es mejor", "", "", SOURCE, "localidad"],
    ["AFI-01", "Afiliación al SGSSS",
     "Personas afiliadas al Sistema General de Seguridad Social en Salud sobre la población",
     "Personas afiliadas", "Población total", "%", 100, "mayor es mejor", 98, "2026", SOURCE,
     "localidad"],
    ["FEC-1519", "Fecundidad en mujeres de 15 a 19 años",
     "Nacidos vivos de madres de 15 a 19 años por cada 1.000 mujeres de 15 a 19 años",
     "Nacidos vivos de madres de 15 a 19 años", "Mujeres de 15 a 19 años",
     "por 1.000 mujeres de 15 a 19 años", 1000, "menor es mejor", 30, "2026", SOURCE,
     "localidad"],
]
VALUES_HEADER = ["indicador", "territorio", "periodo", "numerador", "denominador", "valor"]


def values(rng):
    rows = []
    for loc, births in BIRTHS.items():
        base = rng.uniform(6.0, 11.0)
        for year in (2022, 2023, 2024, 2025):
            b = int(births * rng.uniform(0.9, 1.05) * (1 - 0.04 * (year - 2022)))
            rate = base * (1 - 0.05 * (year - 2022)) * rng.uniform(0.9, 1.1)
            rows.append(["MI-01", loc, str(year), round(b * rate / 1000), b, ""])
        for year in (2025, 2026):
            for quarter in (1, 2, 3, 4):
                if year == 2026 and quarter > 2:
                    break
                b = max(1, int(births / 4 * rng.uniform(0.9, 1.1)))
                rows.append(["BPN-01", loc, f"{year}Q{quarter}",
                             round(b * rng.uniform(0.10, 0.15)), b, ""])
        for year in (2024, 2025):
            population = int(births * 0.98)
            coverage = rng.uniform(0.86, 0.99)
            rows.append(["VAC-TV1", loc, str(year), round(population * coverage), population, ""])
        for month in range(1, 13):
            for year in (2025, 2026):
                if year == 2026 and month > 10:
                    continue
                seasonal = 1.5 if month in (3, 4, 5, 10, 11) else 1.0
                rows.append(["IRA-05", loc, f"{year}{month:02d}", "", "",
                             round(births * 0.25 * seasonal * rng.uniform(0.8, 1.2))])
        # Affiliation only as a rate: Sala cannot roll it up, and says so.
        rows.append(["AFI-01", loc, "2025", "", "", round(rng.uniform(88.0, 99.5), 1)])
        women = births * 9
        for year in (2022, 2023, 2024, 2025):
            rate = rng.uniform(18.0, 45.0) * (1 - 0.06 * (year - 2022))
            rows.append(["FEC-1519", loc, str(year), round(women * rate / 1000), women, ""])
    for loc, upzs in UPZ.items():
        for code in upzs:
            population = int(BIRTHS[loc] / len(upzs) * rng.uniform(0.7, 1.3))
            rows.append(["VAC-TV1", code, "2025", round(population * rng.uniform(0.82, 0.99)),
                         population, ""])
    return rows


def write_csv(path, header, rows, delimiter=";"):
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def sheet_xml(rows):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if value == "" or value is None:
                continue
            if isinstance(value, (int, float)):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def write_xlsx(path, sheets):
    """A minimal, valid XLSX (inline strings), readable by Excel, LibreOffice and calamine."""
    names = [name for name, _ in sheets]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1))
        + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, n in enumerate(names, start=1))
                + "</sheets></workbook>")
    workbook_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     + "".join(
                         f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                         for i in range(1, len(sheets) + 1))
                     + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        # Fixed timestamps: the same bytes on every run.
        def put(name, text):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        put("[Content_Types].xml", content_types)
        put("_rels/.rels", rels)
        put("xl/workbook.xml", workbook)
        put("xl/_rels/workbook.xml.rels", workbook_rels)
        for i, (_, rows) in enumerate(sheets, start=1):
            put(f"xl/worksheets/sheet{i}.xml", sheet_xml(rows))


def dhis2(rng):
    """A DHIS2 data value set: births and infant deaths by sex (category option combos)."""
    header = ["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo",
              "value", "storedby", "lastupdated", "comment", "followup"]
    rows = []
    for loc in ("05", "19", "20"):
        for sex in ("cocHombre01", "cocMujer002"):
            births = BIRTHS[loc] // 2
            rows.append(["deNacVivos1", "2025", f"ouBogota{loc}", sex, "HllvX50cXC0", births,
                         "ejemplo", "2026-01-15T10:00:00.000", "", "false"])
            rows.append(["deMuerteM1a", "2025", f"ouBogota{loc}", sex, "HllvX50cXC0",
                         round(births * rng.uniform(0.006, 0.011)), "ejemplo",
                         "2026-01-15T10:00:00.000", "", "false"])
    mapping = [["indicador", "deNacVivos1", "MI-01", "denominador"],
               ["indicador", "deMuerteM1a", "MI-01", "numerador"]]
    mapping += [["territorio", f"ouBogota{loc}", loc, ""] for loc in ("05", "19", "20")]
    return header, rows, ["tipo", "dhis2", "sala", "parte"], mapping


MISTAKES = [
    ["MI-01", "99", "2025", 10, 1000, ""],          # territorio desconocido
    ["MI-01", "Bosa", "2025", 10, 1000, ""],        # un nombre: sugiere el código
    ["MI-01", "07", "2025-13", 10, 1000, ""],       # periodo que no existe
    ["MI-01", "07", "2024", "12,5", 1000, ""],      # coma decimal
    ["MI-01", "07", "2023", 10, 0, ""],             # denominador 0
    ["MI-01", "08", "2025", 10, 1000, 99],          # valor que no corresponde
    ["XX-99", "07", "2025", 1, 10, ""],             # indicador fuera del catálogo
    ["MI-01", "UPZ85", "2025", 1, 100, ""],         # más fino que su desagregación
    ["MI-01", "09", "2025", 10, 1000, ""],
    ["MI-01", "09", "2025", 11, 1000, ""],          # clave repetida
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, help="write a benchmark file of about this many rows")
    parser.add_argument("--to", help="where to write the benchmark file (.csv)")
    args = parser.parse_args()
    rng = random.Random(20261201)
    if args.rows:
        write_benchmark(args.rows, args.to or "/tmp/indicadores-bench.csv", rng)
        return
    os.makedirs(OUT, exist_ok=True)
    rows = values(rng)
    write_csv(os.path.join(OUT, "indicadores-ejemplo-catalogo.csv"), CATALOGUE_HEADER, CATALOGUE)
    write_csv(os.path.join(OUT, "indicadores-ejemplo-valores.csv"), VALUES_HEADER, rows)
    readme = [["DATOS DE EJEMPLO: cifras inventadas para probar Sala. No son datos reales."],
              ["Hojas: «indicadores» (catálogo) y «valores». Esta hoja no se importa."]]
    write_xlsx(os.path.join(OUT, "indicadores-ejemplo.xlsx"),
               [("indicadores", [CATALOGUE_HEADER] + CATALOGUE),
                ("valores", [VALUES_HEADER] + rows),
                ("LEAME", readme)])
    header, set_rows, map_header, mapping = dhis2(rng)
    write_csv(os.path.join(OUT, "dhis2-ejemplo.csv"), header, set_rows, delimiter=",")
    write_csv(os.path.join(OUT, "dhis2-mapeo-ejemplo.csv"), map_header, mapping, delimiter=",")
    write_csv(os.path.join(OUT, "valores-con-errores.csv"), VALUES_HEADER, MISTAKES)
    print(f"{len(rows)} valores de ejemplo en {os.path.relpath(OUT)}")


def write_benchmark(n, path, rng):
    """n rows of the example's ratio indicators, every localidad, month after month (the
    example catalogue must be loaded first)."""
    periods = [f"{y}{m:02d}" for y in range(1900, 2101) for m in range(1, 13)]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(VALUES_HEADER)
        i = 0
        for indicator in ("MI-01", "BPN-01", "FEC-1519"):
            for period in periods:
                for loc in BIRTHS:
                    if i >= n:
                        return
                    num = rng.randint(1, 90)
                    writer.writerow([indicator, loc, period, num, num * 100 + rng.randint(1, 99), ""])
                    i += 1


if __name__ == "__main__":
    main()
