"""``minga export hsds --output DIR``: the service directory as Open Referral HSDS 3.0 (JSON and CSV package).

``minga export xlsx|csv|iati [--country ISO3 …] [--status S …] [--as-user USERNAME] [--include-illustrative] --output FILE``
``minga export iati-activities --output FILE``: the imported IATI activities and their flows (exchange.iati.activity_export).

The catalogue's exports from the command line. Without ``--as-user`` the file holds what the
public sees; with it, what that user sees in the catalogue. The IATI file holds public projects
only, whoever asks, and no illustrative sample unless ``--include-illustrative`` (to try the format with
the demo data: each one is then marked as such in its texts). Every argument is checked before anything is read, and the file is written
whole or not at all (a temporary file beside it, renamed at the end).
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from minga.common.hxl import csv_bytes
from minga.common.languages import LANGUAGES
from minga.exchange import hxl, xlsx
from minga.exchange.hsds.commands import export_hsds
from minga.exchange.iati import activities, activity_export
from minga.portfolio import selectors
from minga.portfolio.models import Status
from minga.reference.models import Country

USAGE_ERROR = 2  # as argparse: the command was called wrongly
FAILED = 1


def _listed(values) -> list[str]:
    items = []
    for raw in values or []:
        items.extend(part.strip() for part in raw.split(",") if part.strip())
    return items


class Command(BaseCommand):
    help = ("Export projects as XLSX, CSV with HXL hashtags, or IATI 2.03 XML (public projects only). "
            "Filters as in the catalogue; without --as-user, what the public sees.")

    def add_arguments(self, parser):
        # iati-activities: the imported IATI activities and their flows (exchange.iati.activity_export).
        parser.add_argument("format", choices=["xlsx", "csv", "iati", "iati-activities", "hsds"])
        parser.add_argument("--country", action="append", metavar="ISO3",
                            help="a country of the projects' territories (ISO 3166-1 alpha-3); repeat for more")
        parser.add_argument("--status", action="append", metavar="STATUS",
                            help=f"a workflow status ({', '.join(Status.values)}); repeat for more")
        parser.add_argument("--as-user", metavar="USERNAME", help="export what this user may see")
        parser.add_argument("--output", required=True, type=Path, metavar="FILE")
        parser.add_argument("--language", choices=LANGUAGES, default=settings.LANGUAGE_CODE[:2],
                            help="language of the headers and labels (default: %(default)s)")
        parser.add_argument("--site-url", default="", metavar="URL",
                            help="the site's address (https://…), for the links and vocabulary URIs in IATI XML")
        parser.add_argument("--include-illustrative", action="store_true",
                            help="IATI only: also write the illustrative sample projects, each marked as not a real "
                                 "project in its title and description (to try the format with the demo data)")

    def handle(self, *args, format, country, status, as_user, output, language, site_url, include_illustrative,
               **options):
        if format == "hsds":  # the service directory, into a folder: minga export hsds --output DIR
            self.stdout.write(export_hsds(output))
            return
        with translation.override(language):
            filters, user = self._checked(country=_listed(country), status=_listed(status), as_user=as_user,
                                          output=output, site_url=site_url)
            if include_illustrative and format != "iati":
                # The spreadsheets already say which rows are illustrative (a column of their own).
                raise CommandError(_("--include-illustrative is for the IATI export only."), returncode=USAGE_ERROR)
            if format == "iati-activities":
                document = activity_export.build()
                for identifier, reason in document.skipped:
                    self.stderr.write(_("%(code)s left out: %(reason)s") % {"code": identifier, "reason": reason})
                if not document.activities:  # the schema asks for one at least: an empty file would not validate
                    raise CommandError(_("No imported IATI activity can be written; an IATI file must hold at least "
                                         "one activity. Nothing was written."), returncode=FAILED)
                self._write(output, document.to_bytes())
                self.stdout.write(_("%(count)s IATI activities written to %(file)s") % {
                    "count": document.activities, "file": output})
                return
            content, count = self._content(format, filters, user, site_url, include_illustrative)
            self._write(output, content)
            self.stdout.write(_("%(count)s projects written to %(file)s") % {"count": count, "file": output})

    def _checked(self, *, country, status, as_user, output, site_url):
        unknown = [value for value in status if value not in Status.values]
        if unknown:
            raise CommandError(_("Unknown status: %(unknown)s. Use one of: %(known)s.") % {
                "unknown": ", ".join(unknown), "known": ", ".join(Status.values)}, returncode=USAGE_ERROR)
        countries = [code.upper() for code in country]
        known = set(Country.objects.filter(iso3__in=countries).values_list("iso3", flat=True))
        unknown = [code for code in countries if code not in known]
        if unknown:
            raise CommandError(_("Unknown country: %(unknown)s. Use ISO 3166-1 alpha-3 codes, e.g. COL, PER, ECU.")
                               % {"unknown": ", ".join(unknown)}, returncode=USAGE_ERROR)
        user = None
        if as_user:
            user = get_user_model().objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(_("No user is named “%(username)s”.") % {"username": as_user},
                                   returncode=USAGE_ERROR)
        if not output.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": output.parent},
                               returncode=USAGE_ERROR)
        if site_url and not site_url.startswith(("https://", "http://")):
            raise CommandError(_("The site's address must start with https:// or http://."), returncode=USAGE_ERROR)
        return selectors.ProjectFilters(country=countries, status=status), user

    def _content(self, format, filters, user, site_url, include_illustrative) -> tuple[bytes, int]:
        if format == "iati":
            # The illustrative ones are read either way, so that the command says which it left out and why.
            document = activities.activities_document(
                selectors.public_projects(filters, include_illustrative=True), site_url=site_url,
                include_illustrative=include_illustrative)
            for code, reason in document.skipped:
                self.stderr.write(_("%(code)s left out: %(reason)s") % {"code": code, "reason": reason})
            if not document.activities:
                raise CommandError(_("No public project matches these filters; an IATI file must hold at least "
                                     "one activity. Nothing was written."), returncode=FAILED)
            return document.to_bytes(), document.activities
        projects = selectors.projects_search(user, filters)
        if format == "csv":
            return csv_bytes(hxl.projects_csv(projects)), projects.count()
        return xlsx.projects_xlsx(projects, filters=filters, audience=xlsx.audience_of(user)), projects.count()

    def _write(self, output: Path, content: bytes) -> None:
        handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
