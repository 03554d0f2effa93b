"""Issue 9: a page loads only the boundaries of the country it shows. The per-country files are generated
from admin1.topo.json by scripts/split_boundaries.py and committed; each is exactly its country's part."""

import importlib.util
import json
from pathlib import Path

import pytest

from minga.reference.models import Subdivision

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("split_boundaries", ROOT / "scripts" / "split_boundaries.py")
split_boundaries = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(split_boundaries)

COUNTRIES = ["ARG", "BRA", "CHL", "COL", "CRI", "DOM", "ECU", "GUY", "MEX", "PAN", "PER", "PRY", "URY", "VEN"]


def decoded(topology: dict, geometry: dict) -> list:
    """The geometry's rings as absolute quantized points, arcs joined as topojson-client joins them."""
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x, y))
        arcs.append(points)

    def ring(indexes):
        points = []
        for index in indexes:
            part = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(part[1:] if points else part)
        return points

    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [[ring(r) for r in polygon] for polygon in polygons]


def test_the_committed_per_country_files_are_a_fresh_split_of_the_whole_file():
    assert split_boundaries.problems() == []
    assert sorted(path.name for path in split_boundaries.PER_COUNTRY_DIR.glob("*.topo.json")) == [
        f"{iso3}.topo.json" for iso3 in COUNTRIES]


def test_each_country_file_draws_exactly_that_countrys_units_with_the_same_points():
    whole = json.loads(split_boundaries.ADMIN1_SOURCE.read_text(encoding="utf-8"))
    by_code = {geometry["id"]: geometry for geometry in whole["objects"]["admin1"]["geometries"]}
    total_arcs = 0
    for iso3 in COUNTRIES:
        part = json.loads((split_boundaries.PER_COUNTRY_DIR / f"{iso3}.topo.json").read_text(encoding="utf-8"))
        geometries = part["objects"]["admin1"]["geometries"]
        assert {geometry["properties"]["country"] for geometry in geometries} == {iso3}
        assert part["transform"] == whole["transform"]
        for geometry in geometries:
            assert decoded(part, geometry) == decoded(whole, by_code[geometry["id"]]), geometry["id"]
        total_arcs += len(part["arcs"])
        west, south, east, north = part["bbox"]  # within the whole file's (up to float rounding)
        assert whole["bbox"][0] - 1e-9 <= west < east <= whole["bbox"][2] + 1e-9
        assert whole["bbox"][1] - 1e-9 <= south < north <= whole["bbox"][3] + 1e-9
    assert sum(1 for _ in by_code) == 304
    # Arcs on a border between two countries are in both files; no file carries an arc it does not use.
    assert total_arcs >= len(whole["arcs"])


@pytest.mark.django_db
def test_every_unit_with_a_boundary_is_in_its_countrys_file():
    drawn = set()
    for iso3 in COUNTRIES:
        part = json.loads((split_boundaries.PER_COUNTRY_DIR / f"{iso3}.topo.json").read_text(encoding="utf-8"))
        drawn |= {(iso3, geometry["id"]) for geometry in part["objects"]["admin1"]["geometries"]}
    assert set(Subdivision.objects.filter(has_geometry=True).values_list("country_id", "code")) == drawn
