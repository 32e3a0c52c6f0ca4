#!/usr/bin/env python3
"""Sala's own simplified copies of Bogotá's localidades and UPZ, for maps drawn on the server.

Run once, from the repository's root, when the source geometry changes (see
server/assets/geo/SOURCE.md for provenance and licence):

    python3 scripts/simplify-geometry.py \
        --localidades /work/shared/data/bogota_localidades.geojson \
        --upz /work/shared/data/bogota_upz.geojson \
        --names server/data/bogota_territorios.csv \
        --out server/assets/geo

Shared borders stay topologically consistent: each layer becomes a topology (coordinates quantized
to 1e-5°, rings split into arcs at junctions, each shared arc kept once), every arc is simplified
once with Douglas-Peucker (its endpoints fixed), and rings are reassembled from the same arcs, so
neighbours share exactly the same vertices. Where a simplification would make two arcs cross or
touch, leave a ring with under three vertices or half its area, or put a vertex inside another
region, the arcs involved keep their next most significant point, round after round, until none
does; the few such defects the source has at full resolution are kept as they are and reported.
The topology and its checks are in scripts/geo_topology.py. Standard library only.
"""

import argparse
import csv
import json
from collections import defaultdict

from geo_topology import (
    GRID, Simplifier, Topology, assemble, bbox, in_box, inside_strictly, neighbours,
)

# UPZ names come upper case without accents; these words get theirs back.
ACCENTS = {
    "ALAMOS": "Álamos", "ALCAZARES": "Alcázares", "AMERICAS": "Américas", "BARBARA": "Bárbara",
    "BOLIVAR": "Bolívar", "BOTANICO": "Botánico", "BOYACA": "Boyacá", "CAPELLANIA": "Capellanía",
    "CORAZON": "Corazón", "CRISTOBAL": "Cristóbal", "ENGATIVA": "Engativá", "FONTIBON": "Fontibón",
    "GALERIAS": "Galerías", "GARCES": "Garcés", "JARDIN": "Jardín", "JOSE": "José", "LOPEZ": "López",
    "MUZU": "Muzú", "RINCON": "Rincón", "RIO": "Río", "SIMON": "Simón", "SUAREZ": "Suárez",
    "TOBERIN": "Toberín", "USAQUEN": "Usaquén", "CAN": "CAN", "UPR": "UPR",
}
SMALL = {"DE", "DEL", "LA", "LAS", "LOS", "EL", "Y"}


def display_name(upper):
    words = []
    for i, word in enumerate(upper.split()):
        if word in ACCENTS:
            words.append(ACCENTS[word])
        elif i > 0 and word in SMALL:
            words.append(word.lower())
        else:
            words.append(word.capitalize())
    return " ".join(words)


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"unexpected geometry {geometry['type']}")


def quantize(ring):
    """Grid points of a ring, without consecutive repeats, spikes (a, b, a) or the closing copy."""
    pts = []
    for lon, lat in ring:
        p = (round(lon * GRID), round(lat * GRID))
        if not pts or pts[-1] != p:
            pts.append(p)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    changed = True
    while changed and len(pts) >= 3:
        changed = False
        n = len(pts)
        for i in range(n):
            if pts[i - 1] == pts[(i + 1) % n]:
                # drop the spike's tip and one copy of its base
                drop = {i, (i + 1) % n}
                pts = [p for j, p in enumerate(pts) if j not in drop]
                changed = True
                break
    return pts


class Region:
    def __init__(self, code, name, localidad, polygons):
        self.code, self.name, self.localidad = code, name, localidad
        self.polygons = polygons  # [[exterior, hole, …]], each an open ring of grid points


def load_localidades(path, names):
    regions = []
    for feature in json.load(open(path, encoding="utf-8"))["features"]:
        code = feature["properties"]["LocCodigo"]
        polys = [[quantize(r) for r in poly] for poly in polygons_of(feature["geometry"])]
        regions.append(Region(code, names[code], code, polys))
    return sorted(regions, key=lambda r: r.code)


def upz_order(code):
    return (code.startswith("UPR"), int(code[3:]))


def load_upz(path):
    grouped = defaultdict(list)
    names = {}
    for feature in json.load(open(path, encoding="utf-8"))["features"]:
        props = feature["properties"]
        code = props["COD_UPZ"]
        names[code] = display_name(props["UPlNombre"])
        for poly in polygons_of(feature["geometry"]):
            grouped[code].append([quantize(r) for r in poly])
    return [Region(c, names[c], None, grouped[c]) for c in sorted(grouped, key=upz_order)]


def coord(v):
    text = f"{v / GRID:.5f}".rstrip("0").rstrip(".")
    return text


def write_layer(path, name, regions, geometries):
    lines = []
    for region, polys in zip(regions, geometries):
        rings_json = [
            "[" + ",".join("[" + ",".join(f"[{coord(x)},{coord(y)}]" for x, y in ring) + "]"
                           for ring in poly) + "]"
            for poly in polys
        ]
        if len(polys) == 1:
            geometry = '{"type":"Polygon","coordinates":' + rings_json[0] + "}"
        else:
            geometry = '{"type":"MultiPolygon","coordinates":[' + ",".join(rings_json) + "]}"
        props = json.dumps(
            {"code": region.code, "name": region.name, "localidad": region.localidad},
            ensure_ascii=False, separators=(",", ":"),
        )
        lines.append('{"type":"Feature","properties":' + props + ',"geometry":' + geometry + "}")
    text = '{"type":"FeatureCollection","name":"' + name + '","features":[\n' + ",\n".join(lines) + "\n]}\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return len(text.encode("utf-8"))


def join_localidades(upz_geoms, loc_regions, loc_geoms):
    """Each UPZ's localidad: the one holding most of a grid of sample points inside the UPZ."""
    locs = []
    for region, polys in zip(loc_regions, loc_geoms):
        rings = [ring[:-1] for poly in polys for ring in poly]
        locs.append((region.code, rings, bbox([p for ring in rings for p in ring])))
    result = []
    for polys in upz_geoms:
        rings = [ring[:-1] for poly in polys for ring in poly]
        box = bbox([p for ring in rings for p in ring])
        counts = defaultdict(int)
        steps = 24
        while sum(counts.values()) < 200 and steps < 400:
            counts.clear()
            dx = (box[2] - box[0]) / steps
            dy = (box[3] - box[1]) / steps
            for i in range(steps):
                for j in range(steps):
                    p = (box[0] + (i + 0.5) * dx, box[1] + (j + 0.5) * dy)
                    if not inside_strictly(p, rings):
                        continue
                    for code, lrings, lbox in locs:
                        if in_box(p, lbox) and inside_strictly(p, lrings):
                            counts[code] += 1
                            break
            steps *= 2
        total = sum(counts.values())
        best = max(counts, key=counts.get)
        result.append((best, {c: n / total for c, n in counts.items()}))
    return result


def vertex_count(geoms):
    return sum(len(ring) for polys in geoms for poly in polys for ring in poly)


def source_vertices(path):
    feats = json.load(open(path, encoding="utf-8"))["features"]
    return sum(len(r) for f in feats for poly in polygons_of(f["geometry"]) for r in poly)


def report(topology, inherited):
    for dropped, kept in topology.unified:
        print(f"  one border drawn twice: {'/'.join(dropped)} now uses {'/'.join(kept)}'s")
    for defect in inherited:
        print("  kept from the source:", defect)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--localidades", required=True)
    parser.add_argument("--upz", required=True)
    parser.add_argument("--names", required=True, help="the project's bogota_territorios.csv")
    parser.add_argument("--out", required=True)
    parser.add_argument("--tolerance-localidades", type=float, default=30.0, help="metres")
    parser.add_argument("--tolerance-upz", type=float, default=20.0, help="metres")
    args = parser.parse_args()

    with open(args.names, encoding="utf-8") as f:
        names = {row["codigo_localidad"]: row["localidad"] for row in csv.DictReader(f)}

    loc = load_localidades(args.localidades, names)
    loc_topology = Topology(loc)
    loc_arcs, rounds, inherited = Simplifier(loc_topology, args.tolerance_localidades).run()
    report(loc_topology, inherited)
    loc_geoms = assemble(loc_topology, loc_arcs)
    size = write_layer(f"{args.out}/localidades.geojson", "localidades", loc, loc_geoms)
    print(f"localidades: {source_vertices(args.localidades)} → {vertex_count(loc_geoms)} vertices, "
          f"{len(loc_topology.arcs)} arcs, {size} bytes, {rounds} correction rounds")
    print("  neighbours:", " ".join(f"{a}-{b}" for a, b in neighbours(loc_topology)))

    upz = load_upz(args.upz)
    upz_topology = Topology(upz)
    upz_arcs, rounds, inherited = Simplifier(upz_topology, args.tolerance_upz).run()
    report(upz_topology, inherited)
    upz_geoms = assemble(upz_topology, upz_arcs)
    for region, (code, shares) in zip(upz, join_localidades(upz_geoms, loc, loc_geoms)):
        region.localidad = code
        if shares[code] < 0.95:
            split = ", ".join(f"{c} {s:.0%}" for c, s in sorted(shares.items(), key=lambda x: -x[1]))
            print(f"  {region.code} {region.name}: {split}")
    size = write_layer(f"{args.out}/upz.geojson", "upz", upz, upz_geoms)
    print(f"upz: {source_vertices(args.upz)} → {vertex_count(upz_geoms)} vertices, "
          f"{len(upz_topology.arcs)} arcs, {size} bytes, {rounds} correction rounds")


if __name__ == "__main__":
    main()
