"""Which first-level subdivision a point lies in, from the vendored TopoJSON boundaries (no GIS library).

The files are those the maps draw (``static/minga/geo/admin1/<ISO3>.topo.json``, quantized arcs with a
transform). A ring is tested by ray casting; a polygon's holes are subtracted. Simplified boundaries can
put a point a few hundred metres off a border on the wrong side: the importer lets a row's own
subdivision code decide, and reports a point that lies elsewhere.
"""

import json
from functools import lru_cache
from pathlib import Path

ADMIN1 = Path(__file__).resolve().parent.parent / "static" / "minga" / "geo" / "admin1"


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points, x, y = [], 0, 0
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((dx, dy))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes: list[int]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(points[1:] if ring else points)
    return ring


@lru_cache(maxsize=16)
def subdivision_polygons(iso3: str) -> tuple[tuple[str, tuple], ...]:
    """(ISO 3166-2 code, polygons) of a country; each polygon a tuple of rings (outer first). () without a file."""
    path = ADMIN1 / f"{iso3.upper()}.topo.json"
    if not path.is_file():
        return ()
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    found = []
    for geometry in topology["objects"]["admin1"]["geometries"]:
        code = (geometry.get("properties") or {}).get("iso_3166_2")
        if not code or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        found.append((code, tuple(tuple(tuple(_ring(arcs, ring)) for ring in polygon) for polygon in polygons)))
    return tuple(found)


def _inside(ring, x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def subdivision_at(iso3: str, latitude: float, longitude: float) -> str | None:
    """The ISO 3166-2 code of the unit of ``iso3`` containing the point, or None (outside, or no boundaries)."""
    for code, polygons in subdivision_polygons(iso3):
        for outer, *holes in polygons:
            if _inside(outer, longitude, latitude) and not any(_inside(hole, longitude, latitude) for hole in holes):
                return code
    return None


@lru_cache(maxsize=1)
def _countries_with_boundaries() -> tuple[str, ...]:
    return tuple(sorted(path.name.split(".")[0] for path in ADMIN1.glob("*.topo.json")))


@lru_cache(maxsize=32)
def _extent(iso3: str) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a country's boundaries: most points are ruled out without a ray cast."""
    xs, ys = [], []
    for _code, polygons in subdivision_polygons(iso3):
        for polygon in polygons:
            xs.extend(x for x, _y in polygon[0])
            ys.extend(y for _x, y in polygon[0])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def load_boundaries() -> None:
    """Read every country's boundaries now: a process about to fork processes that place points (the IATI
    import's reader) reads them once for all of them, which inherit them."""
    for iso3 in _countries_with_boundaries():
        _extent(iso3)


def place_point(latitude: float, longitude: float, *, countries: tuple[str, ...] = ()) -> str | None:
    """The ISO 3166-2 code of the subdivision holding the point, among the countries whose boundaries Minga
    keeps (the member states and Venezuela), trying ``countries`` (alpha-3) first; None when outside all."""
    order = [c for c in countries if c in _countries_with_boundaries()]
    order += [c for c in _countries_with_boundaries() if c not in order]
    for iso3 in order:
        extent = _extent(iso3)
        if extent is None or not (extent[0] <= longitude <= extent[2] and extent[1] <= latitude <= extent[3]):
            continue
        code = subdivision_at(iso3, latitude, longitude)
        if code:
            return code
    return None
