#!/usr/bin/env python3
"""Build ``src/minga/reference/data/dac_sectors.json``: the DAC 5-digit sector names, from IATI's Sector codelist.

Maintainer tool. ``minga setup`` and ``minga load_reference`` name the ``dac-5`` vocabulary's codes
from the committed JSON, so that a new installation shows names, not bare codes, without the codelist
file beside it. Rebuild it when IATI publishes a new Sector codelist::

    .venv/bin/python scripts/build_dac_sectors.py ../shared/data/iati/codelists/Sector.xml
    .venv/bin/python scripts/build_dac_sectors.py ../shared/data/iati/codelists/Sector.xml --check

The codelist is read with Minga's own reader (``minga.exchange.iati.codelists.read_codelist``: no
entities, no DTD, no network), the one ``minga load_codelist`` uses. The output keeps, per code, its
name in each language the codelist gives (English, and French for most) and whether it is withdrawn;
descriptions and categories are left out. ``--check`` exits 1 when the committed file differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from minga.exchange.iati.codelists import read_codelist  # noqa: E402

OUTPUT = ROOT / "src" / "minga" / "reference" / "data" / "dac_sectors.json"
SOURCE = {
    "codelist": "Sector (DAC 5 Digit Sector), a non-embedded codelist of the IATI Standard, as used with version 2.03",
    "repository": "https://github.com/IATI/IATI-Codelists-NonEmbedded",
    "file": "xml/Sector.xml",
    "url": "https://iatistandard.org/en/iati-standard/203/codelists/sector/",
    "licence": "IATI codelists are open data; the repository is published under the MIT licence. "
               "The names replicate the OECD DAC/CRS purpose codes.",
    "built_by": "scripts/build_dac_sectors.py",
}


def build(codelist: Path) -> tuple[str, int]:
    """The file's text (one line per code, so that a new codelist shows as a readable diff) and the count."""
    name, items = read_codelist(codelist)
    if name != "Sector":
        raise SystemExit(f"{codelist}: codelist {name!r}, not 'Sector'")
    lines = []
    for item in sorted(items, key=lambda row: row.code):
        entry = {language: item.names[language] for language in sorted(item.names)}
        if item.status != "active":
            entry["status"] = item.status
        lines.append(f"  {json.dumps(item.code)}: {json.dumps(entry, ensure_ascii=False)}")
    source = json.dumps(SOURCE, ensure_ascii=False, indent=2).replace("\n", "\n ")
    text = '{\n "source": ' + source + ',\n "sectors": {\n' + ",\n".join(lines) + "\n }\n}\n"
    json.loads(text)  # what is written is JSON
    return text, len(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codelist", type=Path, help="IATI Sector.xml (e.g. ../shared/data/iati/codelists/Sector.xml)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with the committed file; write nothing")
    arguments = parser.parse_args(argv)
    text, count = build(arguments.codelist)
    if arguments.check:
        current = arguments.output.read_text(encoding="utf-8") if arguments.output.is_file() else ""
        if current != text:
            print(f"{arguments.output} is not what {arguments.codelist} gives: rebuild it", file=sys.stderr)
            return 1
        print(f"{arguments.output}: up to date")
        return 0
    arguments.output.write_text(text, encoding="utf-8")
    print(f"{arguments.output}: {count} sectors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
