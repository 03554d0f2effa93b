#!/usr/bin/env python3
"""Split the admin-1 TopoJSON into one file per country, so that a page loads only the boundaries it shows.

Called by ``scripts/build_boundaries.py`` after it writes ``admin1.topo.json`` (and checked by its
``--check``); runs on its own too, with nothing but Python (no npm, no pycountry)::

    python scripts/split_boundaries.py          # write static/minga/geo/admin1/<ISO3>.topo.json
    python scripts/split_boundaries.py --check  # exit 1 if a committed file differs from a fresh split

Each country's file keeps the geometries of that country (object ``admin1``, same ids and properties) and
only the arcs they use, renumbered in their first-use order. The quantization ``transform`` is kept as
it is, so every coordinate is exactly the one of the whole file (quantized arcs are delta-encoded from
their own first point, so an arc carries over unchanged); ``bbox`` is that country's.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "src" / "minga" / "static" / "minga" / "geo"
ADMIN1_SOURCE = GEO_DIR / "admin1.topo.json"
PER_COUNTRY_DIR = GEO_DIR / "admin1"


def _arc_indexes(arcs) -> list[int]:
    """The arc indexes of a Polygon's or MultiPolygon's ``arcs``, in order (~i for a reversed arc)."""
    if isinstance(arcs, int):
        return [arcs]
    return [index for item in arcs for index in _arc_indexes(item)]


def _renumber(arcs, mapping: dict[int, int]):
    if isinstance(arcs, int):
        return mapping[arcs] if arcs >= 0 else ~mapping[~arcs]
    return [_renumber(item, mapping) for item in arcs]


def _bbox(arcs: list, transform: dict) -> list[float]:
    (scale_x, scale_y), (translate_x, translate_y) = transform["scale"], transform["translate"]
    xs, ys = [], []
    for arc in arcs:
        x = y = 0
        for dx, dy in arc:
            x, y = x + dx, y + dy
            xs.append(x)
            ys.append(y)
    return [min(xs) * scale_x + translate_x, min(ys) * scale_y + translate_y,
            max(xs) * scale_x + translate_x, max(ys) * scale_y + translate_y]


def split(topology: dict) -> dict[str, dict]:
    """Country alpha-3 → its own topology (object ``admin1``), from the whole quantized admin-1 topology."""
    transform = topology["transform"]
    by_country: dict[str, list[dict]] = {}
    for geometry in topology["objects"]["admin1"]["geometries"]:
        by_country.setdefault(geometry["properties"]["country"], []).append(geometry)
    result = {}
    for iso3, geometries in sorted(by_country.items()):
        mapping: dict[int, int] = {}
        for geometry in geometries:
            for index in _arc_indexes(geometry["arcs"]):
                mapping.setdefault(index if index >= 0 else ~index, len(mapping))
        arcs = [None] * len(mapping)
        for old, new in mapping.items():
            arcs[new] = topology["arcs"][old]
        result[iso3] = {
            "type": "Topology",
            "bbox": _bbox(arcs, transform),
            "transform": transform,
            "objects": {"admin1": {"type": "GeometryCollection", "geometries": [
                {**geometry, "arcs": _renumber(geometry["arcs"], mapping)} for geometry in geometries]}},
            "arcs": arcs,
        }
    return result


def serialise(topology: dict) -> str:
    return json.dumps(topology, ensure_ascii=False, separators=(",", ":"))


def expected_files(source: Path = ADMIN1_SOURCE) -> dict[Path, str]:
    topology = json.loads(source.read_text(encoding="utf-8"))
    return {PER_COUNTRY_DIR / f"{iso3}.topo.json": serialise(part) for iso3, part in split(topology).items()}


def write(source: Path = ADMIN1_SOURCE) -> dict[Path, str]:
    files = expected_files(source)
    PER_COUNTRY_DIR.mkdir(parents=True, exist_ok=True)
    for stale in set(PER_COUNTRY_DIR.glob("*.topo.json")) - set(files):
        stale.unlink()
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return files


def problems(source: Path = ADMIN1_SOURCE) -> list[str]:
    """What differs between the committed per-country files and a fresh split of ``source``."""
    files = expected_files(source)
    found = []
    for stale in sorted(set(PER_COUNTRY_DIR.glob("*.topo.json")) - set(files)):
        found.append(f"{stale.name}: no such country in {source.name}")
    for path, text in files.items():
        if not path.exists():
            found.append(f"{path.name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"{path.name}: differs from a fresh split of {source.name}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare the committed files with a fresh split")
    args = parser.parse_args()
    if args.check:
        found = problems()
        for problem in found:
            print(f"PROBLEM: {problem}", file=sys.stderr)
        if found:
            sys.exit(1)
        print(f"{len(expected_files())} per-country files match {ADMIN1_SOURCE.name}")
        return
    for path, text in write().items():
        print(f"wrote {path.relative_to(ROOT)} ({len(text.encode()):,} bytes)")


if __name__ == "__main__":
    main()
