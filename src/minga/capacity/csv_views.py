"""The kit's tables as CSV with an HXL hashtag row (``minga.common.hxl``): the library, the trainings and the
coverage of the priority municipalities, each as its page shows it (same filter, same access)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.capacity import selectors
from minga.capacity.models import ROLES, SEXES, ResourceLanguage
from minga.common.hxl import csv_response, table_csv
from minga.common.page_cache import public_page


def _csv(text: str, filename: str) -> HttpResponse:
    return csv_response(text, filename)


def _illustrative(record) -> str:
    return _("yes") if record.is_illustrative else ""  # an illustrative demo record says so in its CSV too


LIBRARY_HASHTAGS = ["#meta+title", "#meta+type", "#meta+lang", "#meta+audience", "#sector+name", "#meta+version",
                    "#date+published", "#meta+version+older", "#meta+url", "#meta+illustrative"]


@require_GET
@public_page("capacity-library-csv")
def library_csv(request):
    language = request.GET.get("language", "")
    language = language if language in ResourceLanguage.values else ""
    headers = [_("Title"), _("Kind"), _("Language"), _("Audience"), _("Line of work"), _("Current version"),
               _("Published"), _("Older versions"), _("Address"), _("Illustrative")]
    rows = []
    for entry in selectors.library(language):
        resource = entry.current
        rows.append([resource.title, resource.get_kind_display(), resource.get_language_display(),
                     resource.get_audience_display(), resource.line.label if resource.line else "", resource.edition,
                     resource.published_on.isoformat(), " ".join(str(older.edition) for older in entry.older),
                     resource.address, _illustrative(resource)])
    return _csv(table_csv(headers, LIBRARY_HASHTAGS, rows), "minga-kit-library.csv")


DELIVERY_HASHTAGS = ["#date", "#country+name", "#adm1+name", "#adm2+name", "#adm2+code", "#org+name",
                     "#reached+total", "#meta+illustrative"]


@require_GET
@public_page("capacity-deliveries-csv")
def deliveries_csv(request):
    headers = [_("Date"), _("Country"), _("Subdivision"), _("Municipality"), _("Official code (p-code)"),
               _("Organiser"), _("Participants"), _("Illustrative")]
    rows = [[delivery.delivered_on.isoformat(), delivery.municipality.subdivision.country.name,
             delivery.municipality.subdivision.name, delivery.municipality.name, delivery.municipality.pcode,
             delivery.organiser.name, delivery.participants, _illustrative(delivery)]
            for delivery in selectors.deliveries(request.user)]
    return _csv(table_csv(headers, DELIVERY_HASHTAGS, rows), "minga-kit-trainings.csv")


COVERAGE_HASHTAGS = ["#country+name", "#adm1+name", "#adm2+name", "#adm2+code", "#output+trainings+num",
                     "#date+last", "#reached+total", *[f"#reached+{name}" for name, _label in SEXES],
                     *[f"#reached+{name}" for name, _label in ROLES]]


def coverage_header() -> list[str]:
    return [_("Country"), _("Subdivision"), _("Municipality"), _("Official code (p-code)"), _("Trainings"),
            _("Last training"), _("Participants"), *[str(label) for _name, label in SEXES],
            *[str(label) for _name, label in ROLES]]


@require_GET
def coverage_csv(request):
    rows = []
    for row in selectors.coverage().rows:
        municipality = row.municipality
        rows.append([str(value) for value in (
            municipality.subdivision.country.name, municipality.subdivision.name, municipality.name,
            municipality.pcode, row.deliveries, row.last_on.isoformat() if row.last_on else "", row.participants,
            *row.by_sex, *row.by_role)])
    return _csv(table_csv(coverage_header(), COVERAGE_HASHTAGS, rows), "minga-kit-coverage.csv")
