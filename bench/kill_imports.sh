#!/usr/bin/env bash
# The longer form of tests/hardening/test_kill_imports.py: each importer (IATI, FTS, HXL, HSDS, bulk XLSX) killed
# with SIGKILL at 10 seeded points (CI: 2), re-run, and compared with one clean run; on SQLite, then PostgreSQL.
#   bench/kill_imports.sh [POINTS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export MINGA_KILL_POINTS="${1:-10}" MINGA_KILL_SEED="${2:-15}"
.venv/bin/python -m pytest tests/hardening/test_kill_imports.py -q -p no:cacheprovider
scripts/with-postgres.sh .venv/bin/python -m pytest tests/hardening/test_kill_imports.py -q -p no:cacheprovider
