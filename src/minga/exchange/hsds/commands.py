"""What ``minga export hsds`` and ``minga import hsds`` do, kept apart from the argument parsing."""

from pathlib import Path

from django.core.management import CommandError

from minga.accounts.permissions import visible
from minga.exchange.hsds.export import write_package
from minga.exchange.hsds.importer import Defaults, ImportReport, import_records
from minga.exchange.hsds.reading import PackageInvalid, read_package
from minga.services.models import Service

FAILED = 1


def export_hsds(directory: Path) -> str:
    """Write what the public sees of the directory into ``directory``; a line saying what was written."""
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory} exists and is not a folder.", returncode=2)
    services = visible(None, Service.objects.select_related("provider", "country", "subdivision", "municipality",
                                                            "project").order_by("pk"))
    counts = write_package(services, directory)
    return f"{counts['services']} services written to {directory} (services.json and {len(counts)} CSV tables)"


def import_hsds(directory: Path, defaults: Defaults) -> ImportReport:
    try:
        records = read_package(directory)
    except PackageInvalid as error:
        raise CommandError(str(error), returncode=FAILED) from None
    return import_records(records, defaults)


def report_lines(report: ImportReport) -> list[str]:
    lines = [f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
             f"refused {len(report.refused)}"]
    for key, errors in report.refused.items():
        for field, messages in errors.items():
            lines.append(f"refused {key}: {field}: {' '.join(str(m) for m in messages)}")
    lines.extend(report.notes)
    return lines
