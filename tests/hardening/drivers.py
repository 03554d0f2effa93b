"""``python -m tests.hardening.drivers ACTION ...``: what the SIGKILL harness runs in a subprocess besides ``minga``.

- ``prepare``: load the demo (reference data, accounts, illustrative records) into a migrated database.
- ``bulk-file OUT USERNAME ROWS``: the user's own bulk template (in English) with ROWS projects filled in.
- ``bulk FILE USERNAME``: the portfolio's bulk XLSX import of FILE as USERNAME (the service the upload page
  calls; there is no CLI for it, and the harness needs none beyond this); exit 1 when rows were refused.
- ``hsds-package OUT SERVICES``: the HSDS specification's example service, placed in Ecuador, as SERVICES
  services with their own ids in OUT/services.json.
"""

import json
import os
import sys
import uuid
from io import BytesIO
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
HSDS_EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "hsds" / "examples" / "csv"


def prepare() -> None:
    from minga.site.demo import load_demo

    load_demo()


def bulk_file(out: str, username: str, count: int) -> None:
    import openpyxl
    from django.utils import translation

    from minga.accounts.models import User
    from minga.portfolio import bulk
    from minga.reference.selectors import organisation_loaded

    user = User.objects.get(username=username)
    organisation = organisation_loaded("gov-col")
    with translation.override("en"):
        workbook = openpyxl.load_workbook(BytesIO(bulk.build_template(user)))
        letters = {column.key: openpyxl.utils.get_column_letter(index)
                   for index, column in enumerate(bulk.columns(), start=1)}
    sheet = workbook.worksheets[1]
    for number in range(2, count + 2):
        row = {"title_en": f"Reception and integration, site {number - 1}",
               "summary_en": "Temporary reception for people on the move.",
               "proposing_organisation": str(organisation.pk), "is_regional": "no", "countries": "COL",
               "themes:quito-axes": "reception-centres: 100", "budget_amount": 1000 * number,
               "budget_currency": "USD", "budget_value_date": "01/06/2026"}
        for key, value in row.items():
            sheet[f"{letters[key]}{number}"] = value
    workbook.save(out)


def bulk(path: str, username: str) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minga.accounts.models import User
    from minga.portfolio import bulk

    upload = SimpleUploadedFile("projects.xlsx", Path(path).read_bytes())
    result = bulk.import_projects(user=User.objects.get(username=username), uploaded_file=upload)
    print(f"created {len(result.created)}, errors {len(result.errors)}")
    for error in result.errors[:5]:
        print(error)
    return 1 if result.errors else 0


def hsds_package(out: str, count: int) -> None:
    from minga.exchange.hsds.reading import read_package

    [example] = read_package(HSDS_EXAMPLE)
    for location in example.get("service_at_locations") or []:
        place = location.get("location") or {}
        place.update({"latitude": "0.8117", "longitude": "-77.7173"})
        for address in place.get("addresses") or []:
            address.update({"country": "EC", "state_province": "Carchi"})
    services = []
    for number in range(count):
        service = json.loads(json.dumps(example))
        service["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"minga-kill-test/{number}"))
        service["name"] = f"{example['name']} {number + 1}"
        services.append(service)
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / "services.json").write_text(json.dumps(services), encoding="utf-8")


if __name__ == "__main__":
    django.setup()
    action, *arguments = sys.argv[1:]
    if action == "prepare":
        prepare()
    elif action == "bulk-file":
        bulk_file(arguments[0], arguments[1], int(arguments[2]))
    elif action == "bulk":
        sys.exit(bulk(*arguments))
    elif action == "hsds-package":
        hsds_package(arguments[0], int(arguments[1]))
    else:
        sys.exit(f"unknown action {action!r}")
