"""The HXL hashtag row of every table Minga gives as CSV (https://hxlstandard.org): one helper for all.

Every CSV download of Minga leaves through ``csv_response`` (or ``csv_bytes`` for a file): UTF-8 with a
byte-order mark, so that Excel in a Spanish or Portuguese Windows reads "Perú", not "PerÃº"; Python's
``utf-8-sig`` and libhxl read it as they read a file without one (the mark precedes the header row, and the
hashtag row is still found under it).

HXL puts a row of hashtags (``#value+funding+total+usd``) under the human headers, so that HDX, libhxl and
the HXL Proxy read the columns whatever the headers' language. ``header_rows`` gives both rows for a writer;
``table_csv`` writes a whole table with them. A column without a hashtag gets an empty cell, as HXL allows.
"""

import csv
import io
import re

from django.http import HttpResponse

from minga.common.text import csv_text

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

HASHTAG = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")


def _checked(hashtags: list[str]) -> list[str]:
    wrong = [tag for tag in hashtags if tag and not HASHTAG.match(tag)]
    if wrong:
        raise ValueError(f"Not HXL hashtags: {', '.join(wrong)}")
    return list(hashtags)


def hashtags_for(headers: list[str], hashtags: dict[str, str] | list[str]) -> list[str]:
    """The hashtag under each header: by header name (a dict), or in column order (a list as long as the headers)."""
    if isinstance(hashtags, dict):
        return _checked([hashtags.get(header, "") for header in headers])
    if len(hashtags) != len(headers):
        raise ValueError(f"{len(hashtags)} hashtags for {len(headers)} columns")
    return _checked(hashtags)


def header_rows(headers: list[str], hashtags: dict[str, str] | list[str]) -> list[list[str]]:
    """The two first rows of an HXL CSV: the headers, then their hashtags."""
    return [list(headers), hashtags_for(headers, hashtags)]


# A number as a page's table is read back for its CSV (``formatting.machine_values``): text, but a number.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _cell(value):
    if value is None:
        return ""
    if not isinstance(value, str) or _PLAIN_NUMBER.fullmatch(value):
        return value  # "-111000.00" (a gap funded beyond its requirement) is a number and runs nothing
    return csv_text(value)


def table_csv(headers: list[str], hashtags: dict[str, str] | list[str], rows, *, lineterminator: str = "\r\n") -> str:
    """A table as an HXL CSV: its headers, their hashtags, then ``rows``; a text cell a spreadsheet would read as
    a formula ("=1+1") is written as text ("'=1+1"), as every CSV writer of Minga does, while a plain number
    read from a page ("-7", "-0.5") stays a number, negative ones included."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerows(header_rows(headers, hashtags))
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def csv_bytes(text: str) -> bytes:
    """A CSV text as the bytes of a download or a file: UTF-8 with one byte-order mark."""
    return (BOM + text.removeprefix(BOM)).encode("utf-8")


def csv_response(text: str, filename: str) -> HttpResponse:
    """A CSV text as a download named ``filename`` (``csv_bytes``: with the byte-order mark)."""
    response = HttpResponse(csv_bytes(text), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
