"""The topology behind scripts/simplify-geometry.py: a layer's rings as shared arcs, each arc
simplified once (Douglas-Peucker, endpoints fixed), and the checks that keep the result valid.

Points are integers on a 1e-5° grid, so every geometric test here is exact.
"""

import math
import sys
from collections import defaultdict

GRID = 100_000  # quantum of 1e-5° (≈1.1 m): the output's five decimals
KX = math.cos(math.radians(4.6))  # a degree of longitude at Bogotá's latitude, in degrees of latitude
METRES_PER_UNIT = 111_320 / GRID


def area2(pts):
    """Twice the signed area (counter-clockwise positive) of an open ring."""
    s = 0
    n = len(pts)
    for i in range(n):
        x1, y1 = pts[i - 1]
        x2, y2 = pts[i]
        s += x1 * y2 - x2 * y1
    return s


class Topology:
    """Every ring of a layer as a sequence of arcs; an arc shared by two rings is stored once."""

    def __init__(self, regions):
        self.regions = regions
        rings = [ring for r in regions for poly in r.polygons for ring in poly]
        self.junctions = self._junctions(rings)
        self.arcs = []
        self._index = {}
        # refs[region][polygon][ring] = [(arc, reversed)]
        self.refs = [[[self._split(ring) for ring in poly] for poly in r.polygons] for r in regions]
        self.unified = self._unify_twins()

    def users(self):
        found = defaultdict(set)
        for r, region in enumerate(self.regions):
            for poly in self.refs[r]:
                for refs in poly:
                    for i, _ in refs:
                        found[i].add(region.code)
        return found

    def _unify_twins(self, within_m=15.0):
        """One border drawn twice: two arcs of different regions between the same junctions and
        never more than `within_m` apart leave a sliver; both regions take the simpler arc."""
        users = self.users()
        by_ends = defaultdict(list)
        for i, arc in enumerate(self.arcs):
            if arc[0] != arc[-1]:
                by_ends[frozenset((arc[0], arc[-1]))].append(i)
        replace = {}
        for group in by_ends.values():
            for x in range(len(group)):
                for y in range(x + 1, len(group)):
                    a, b = group[x], group[y]
                    if users[a] & users[b] or a in replace or b in replace:
                        continue
                    if hausdorff(self.arcs[a], self.arcs[b]) * METRES_PER_UNIT < within_m:
                        keep, drop = sorted((a, b), key=lambda i: (len(self.arcs[i]), i))
                        replace[drop] = (keep, self.arcs[keep][0] != self.arcs[drop][0])
        for region_refs in self.refs:
            for poly in region_refs:
                for refs in poly:
                    for n, (i, back) in enumerate(refs):
                        if i in replace:
                            keep, flip = replace[i]
                            refs[n] = (keep, back != flip)
        return [(sorted(users[d]), sorted(users[k])) for d, (k, _) in replace.items()]

    @staticmethod
    def _junctions(rings):
        """Vertices met with different neighbours: where the set of rings along a border changes."""
        seen = {}
        junctions = set()
        for ring in rings:
            n = len(ring)
            for i, p in enumerate(ring):
                pair = (ring[i - 1], ring[(i + 1) % n])
                known = seen.get(p)
                if known is None:
                    seen[p] = pair
                elif known != pair and known != (pair[1], pair[0]):
                    junctions.add(p)
        return junctions

    def _arc(self, pts):
        key = tuple(pts)
        if key in self._index:
            return (self._index[key], False)
        back = key[::-1]
        if back in self._index:
            return (self._index[back], True)
        self._index[key] = len(self.arcs)
        self.arcs.append(list(pts))
        return (len(self.arcs) - 1, False)

    def _split(self, ring):
        n = len(ring)
        cuts = [i for i, p in enumerate(ring) if p in self.junctions]
        if not cuts:
            # a ring alone (or shared whole, as La Candelaria inside Santa Fe): start at its
            # smallest point so both copies read as the same arc, one of them reversed
            start = ring.index(min(ring))
            loop = ring[start:] + ring[:start]
            return [self._arc(loop + [loop[0]])]
        rotated = ring[cuts[0]:] + ring[:cuts[0]]
        refs = []
        current = [rotated[0]]
        for p in rotated[1:] + [rotated[0]]:
            current.append(p)
            if p in self.junctions:
                refs.append(self._arc(current))
                current = [p]
        return refs


def hausdorff(a, b):
    def one_way(xs, ys):
        return max(min(seg_dist(p, ys[k], ys[k + 1]) for k in range(len(ys) - 1)) for p in xs)

    return max(one_way(a, b), one_way(b, a))


def seg_dist(p, a, b):
    """Distance from p to segment ab, in the local metric (units of 1e-5° of latitude)."""
    px, py = p[0] * KX, p[1]
    ax, ay = a[0] * KX, a[1]
    bx, by = b[0] * KX, b[1]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def significance(pts):
    """Douglas-Peucker as a ranking: a point survives tolerance t iff its value is above t."""
    n = len(pts)
    sig = [0.0] * n
    sig[0] = sig[-1] = math.inf
    stack = [(0, n - 1, math.inf)]
    while stack:
        a, b, cap = stack.pop()
        if b - a < 2:
            continue
        best, index = -1.0, a + 1
        for i in range(a + 1, b):
            d = seg_dist(pts[i], pts[a], pts[b])
            if d > best:
                best, index = d, i
        value = min(best, cap)
        sig[index] = value
        stack.append((a, index, value))
        stack.append((index, b, value))
    return sig


class Simplifier:
    def __init__(self, topology, tolerance_m):
        self.t = topology
        self.sig = [significance(arc) for arc in topology.arcs]
        self.tol = [tolerance_m / METRES_PER_UNIT] * len(topology.arcs)
        # closed arcs (a whole ring) keep their three most significant points at least
        for i, arc in enumerate(topology.arcs):
            if arc[0] == arc[-1] and len(arc) > 4:
                ranked = sorted(self.sig[i][1:-1], reverse=True)
                self.tol[i] = min(self.tol[i], math.nextafter(ranked[2], 0))

    def kept(self, i):
        arc, sig, tol = self.t.arcs[i], self.sig[i], self.tol[i]
        return [p for p, s in zip(arc, sig) if s > tol]

    def lower(self, i):
        """Keep the next most significant point of arc i; False when it keeps them all."""
        below = [s for s in self.sig[i] if s <= self.tol[i]]
        if not below:
            return False
        self.tol[i] = math.nextafter(max(below), -math.inf)
        return True

    def run(self):
        """Simplified arcs; a defect the source already has at full resolution is not ours to fix
        (it is reported), every other one is undone by keeping more points where it is."""
        tolerances = self.tol
        self.tol = [-math.inf] * len(self.t.arcs)
        full = [self.kept(i) for i in range(len(self.t.arcs))]
        inherited = self._defects(full)
        self.tol = tolerances
        for round_ in range(200):
            arcs = [self.kept(i) for i in range(len(self.t.arcs))]
            defects = self._defects(arcs)
            bad = set()
            for key, involved in defects.items():
                if key not in inherited:
                    bad |= involved
            if not bad:
                return arcs, round_, sorted(inherited)
            if not any([self.lower(i) for i in sorted(bad)]):
                break
        sys.exit("the simplification could not be made valid")

    def _defects(self, arcs):
        """Every defect, keyed by what it is, with the arcs involved."""
        found = self._small_rings(arcs)
        found.update(self._crossings(arcs))
        found.update(self._swallowed(arcs))
        return found

    def _small_rings(self, arcs):
        bad = {}
        for r, region in enumerate(self.t.regions):
            for p, poly in enumerate(region.polygons):
                for k, original in enumerate(poly):
                    refs = self.t.refs[r][p][k]
                    pts = ring_of(refs, arcs)
                    if len(set(pts)) < 3 or abs(area2(pts)) < 0.5 * abs(area2(original)):
                        bad[("small ring", region.code, p, k)] = {i for i, _ in refs}
        return bad

    def _crossings(self, arcs):
        """Arcs whose segments cross or touch another's (exact, on grid integers)."""
        cell = 500
        grid = defaultdict(list)
        segs = []
        for i, arc in enumerate(arcs):
            for a, b in zip(arc, arc[1:]):
                s = len(segs)
                segs.append((a, b, i))
                for gx in range(min(a[0], b[0]) // cell, max(a[0], b[0]) // cell + 1):
                    for gy in range(min(a[1], b[1]) // cell, max(a[1], b[1]) // cell + 1):
                        grid[(gx, gy)].append(s)
        bad = {}
        tested = set()
        for members in grid.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    s, u = members[x], members[y]
                    if (s, u) in tested:
                        continue
                    tested.add((s, u))
                    if conflict(segs[s], segs[u]):
                        key = ("crossing", *sorted((segs[s][:2], segs[u][:2])))
                        bad[key] = {segs[s][2], segs[u][2]}
        return bad

    def _swallowed(self, arcs):
        """Arcs of a region one of whose vertices now lies strictly inside another region."""
        shapes = []
        for r, region in enumerate(self.t.regions):
            rings = [ring_of(refs, arcs) for poly in self.t.refs[r] for refs in poly]
            shapes.append((rings, bbox([p for ring in rings for p in ring])))
        bad = {}
        for r, (rings, box) in enumerate(shapes):
            for q, (other, obox) in enumerate(shapes):
                if q == r or not overlaps(box, obox):
                    continue
                for ring in rings:
                    for p in ring:
                        if in_box(p, obox) and inside_strictly(p, other):
                            involved = {i for poly in self.t.refs[r] for refs in poly for i, _ in refs}
                            involved |= {i for poly in self.t.refs[q] for refs in poly for i, _ in refs}
                            key = ("inside", p, self.t.regions[r].code, self.t.regions[q].code)
                            bad[key] = involved
        return bad


def ring_of(refs, arcs):
    """An open ring from its arcs."""
    pts = []
    for i, back in refs:
        a = arcs[i][::-1] if back else arcs[i]
        pts.extend(a[:-1])
    return pts


def orient(a, b, c):
    v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (v > 0) - (v < 0)


def on_segment(p, a, b):
    """p strictly between a and b on their segment."""
    return (
        p != a and p != b and orient(a, b, p) == 0
        and min(a[0], b[0]) <= p[0] <= max(a[0], b[0])
        and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])
    )


def conflict(s, u):
    (a, b, _), (c, d, _) = s, u
    if {a, b} == {c, d}:
        return True
    if on_segment(c, a, b) or on_segment(d, a, b) or on_segment(a, c, d) or on_segment(b, c, d):
        return True
    if len({a, b, c, d}) < 4:
        return False  # segments meeting at an end
    return orient(a, b, c) * orient(a, b, d) < 0 and orient(c, d, a) * orient(c, d, b) < 0


def bbox(pts):
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def in_box(p, box):
    return box[0] < p[0] < box[2] and box[1] < p[1] < box[3]


def inside_strictly(p, rings):
    """Even-odd containment; a point on any ring's boundary is not inside."""
    inside = False
    for ring in rings:
        n = len(ring)
        for i in range(n):
            a, b = ring[i - 1], ring[i]
            if p == a or on_segment(p, a, b):
                return False
            if (a[1] > p[1]) != (b[1] > p[1]):
                # the crossing's x compared with p's, exactly: sign of the cross product
                side = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1])
                if (side > 0) == (b[1] > a[1]):
                    inside = not inside
    return inside


def assemble(topology, arcs):
    """Regions as GeoJSON polygons: exterior counter-clockwise, holes clockwise (RFC 7946)."""
    out = []
    for r, region in enumerate(topology.regions):
        polys = []
        for poly_refs in topology.refs[r]:
            rings = []
            for k, refs in enumerate(poly_refs):
                pts = ring_of(refs, arcs)
                if (area2(pts) > 0) != (k == 0):
                    pts.reverse()
                rings.append(pts + [pts[0]])
            polys.append(rings)
        out.append(polys)
    return out


def neighbours(topology):
    """Pairs of regions sharing an arc (a border, not just a point)."""
    users = defaultdict(set)
    for r, region in enumerate(topology.regions):
        for poly in topology.refs[r]:
            for refs in poly:
                for i, _ in refs:
                    users[i].add(region.code)
    return sorted({tuple(sorted(u)) for u in users.values() if len(u) == 2})
