from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.common import formatting, numbers
from minga.site.middleware import TABLE_CSV_PARAMETER

register = template.Library()


def _reader() -> str:
    return (get_language() or "es")[:2]


def _shown(record, field: str) -> tuple[str, str]:
    text, language = record.text_in(field)
    if field == "note":  # numbers in a note are placeholders, written in the reader's format
        text = formatting.render_note(text)
    return text, language


@register.simple_tag
def translated(record, field):
    """{% translated source "title" %}: the text in the reader's language; else another language's, marked
    ``[pt]`` as a project's title is (a visible fallback); else the original (an organisation's registered name)."""
    text, language = _shown(record, field)
    if language and language != _reader():
        return format_html('<span lang="{0}">{1}</span> <span class="fallback" lang="{0}" title="{2}">[{0}]</span>',
                           language, text, _("Not available in your language"))
    return text


@register.filter
def in_reader_language(record, field):
    """The same text, plain (for a title attribute or a page title)."""
    return _shown(record, field)[0]


@register.filter
def amount_input(value):
    """An amount in a text box as the reader's language writes it ("1.000.000,50"): what the box reads back."""
    return "" if value is None else numbers.format_amount_input(value)


@register.filter
def approx_money(value, currency):
    """A rounded amount written as a rounded amount: "110 millones de US$", never "110.000.000,00 US$"."""
    return formatting.format_approximate_money(value, currency)


@register.filter
def approx_number(value):
    return formatting.format_approximate_number(value)


@register.filter
def source_date(source):
    """A source's date as precise as the source gives it: a day, a month, a year, or "undated"."""
    if source.date_precision == "undated":
        return _("undated")
    if source.published_on is None:
        return ""
    if source.date_precision == "month":
        return formatting.format_month(source.published_on)
    if source.date_precision == "year":
        return str(source.published_on.year)
    return formatting.format_date(source.published_on)


@register.filter
def number(value, digits=None):
    return formatting.format_number(value, digits=None if digits is None else int(digits))


@register.filter
def money(value, currency):
    return formatting.format_money(value, currency)


@register.filter
def compact_money(value, currency):
    return formatting.format_compact_money(value, currency)


@register.filter
def long_date(value):
    return formatting.format_date(value)


@register.filter
def short_date(value):
    return formatting.format_date(value, form="medium")


@register.filter
def month(value):
    return formatting.format_month(value)


@register.filter
def as_precise_as(value, precision):
    return formatting.format_date_as_precise_as(value, precision)


@register.filter
def language_name(code):
    return formatting.language_name(code)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def table_csv_link(context, testid):
    """{% table_csv_link "donor-table" %}: the link to that table of this page as CSV with an HXL row, with the
    page's own filters (``TableCsvMiddleware`` answers it)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[TABLE_CSV_PARAMETER] = testid
    path = request.path if request is not None else ""
    return format_html('<p class="table-csv"><a href="{}?{}" data-csv-for="{}" data-testid="{}-csv" download>{}</a></p>',
                       path, query.urlencode(), testid, testid, _("Download this table (CSV)"))


@register.simple_tag(takes_context=True)
def may(context, action, obj):
    """{% may "change" record as allowed %}: asks the permission module for the signed-in user."""
    request = context.get("request")
    return permissions.can(getattr(request, "user", None), action, obj)
