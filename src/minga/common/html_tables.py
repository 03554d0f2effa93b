"""A table of a rendered page read back as rows, for its CSV with an HXL row (``minga.site.middleware``).

Every table of Minga is downloadable as it is shown: same filters, same page, same access, because the CSV is
read from the page the view renders (with ``formatting.machine_values`` on, so that numbers, amounts and dates
come out as 1234.5 and 2026-11-28). What a template declares:

- ``<th data-hxl="#org+name">`` in the last row of ``<thead>``: the column's hashtag (none: an empty cell);
- ``<th data-csv="omit">``: a column left out (buttons, links to actions);
- ``<td data-value="…">``: the cell's value when its text is not it;
- ``<tr data-empty>``: the "nothing matches" row, not a data row;
- ``hidden`` on a ``<th>`` and on its column's ``<td>``: a column of the CSV alone (a figure's date, which the
  page writes beside the figure: "626 885 (diciembre de 2024)" becomes 626885 and 2024-12);
- anything with ``aria-hidden="true"`` or ``data-csv="omit"`` inside a cell is decoration, not text.
"""

import re
from dataclasses import dataclass

import lxml.html

_SPACES = re.compile(r"\s+")
_SKIPPED = {"script", "style", "template", "button"}
_BLOCKS = {"br", "div", "p", "li", "ul", "ol", "dl", "dt", "dd"}  # "a<br>b" reads "a b", not "ab"
_VALUELESS_INPUTS = {"hidden", "submit", "button", "reset", "image", "file", "password"}


class TableMissing(LookupError):
    """The page holds no table with that data-testid."""


@dataclass(frozen=True)
class TableRows:
    headers: list[str]
    hashtags: list[str]
    rows: list[list[str]]


def read_table(html: bytes | str, testid: str) -> TableRows:
    page = lxml.html.fromstring(html)
    tables = page.xpath("//table[@data-testid=$testid]", testid=testid)
    if not tables:
        raise TableMissing(testid)
    table = tables[0]
    header_cells = _spread(table.xpath("./thead/tr[last()]/*[self::th or self::td]"))
    if not header_cells:
        raise TableMissing(testid)
    kept = [index for index, cell in enumerate(header_cells) if cell is None or cell.get("data-csv") != "omit"]
    headers = [_text(cell) if cell is not None else "" for cell in header_cells]
    hashtags = [(cell.get("data-hxl") or "") if cell is not None else "" for cell in header_cells]
    rows = []
    for row in body_rows(table):
        cells = [_value(cell) if cell is not None else "" for cell in _spread(row.xpath("./th | ./td"))]
        cells += [""] * (len(header_cells) - len(cells))
        rows.append([cells[index] for index in kept])
    return TableRows([headers[index] for index in kept], [hashtags[index] for index in kept], rows)


def body_rows(table) -> list:
    """The table's data rows: those of its body, without the "nothing matches" row."""
    return table.xpath("(./tbody/tr | ./tr[td])[not(@data-empty)]")


def _spread(cells) -> list:
    """One entry per column: a cell spanning three columns, then two empty places."""
    spread = []
    for cell in cells:
        spread.append(cell)
        spread.extend([None] * (_span(cell) - 1))
    return spread


def _span(cell) -> int:
    try:
        return max(1, min(int(cell.get("colspan") or 1), 100))
    except ValueError:
        return 1


def _value(cell) -> str:
    if cell.get("data-value") is not None:
        return cell.get("data-value")
    return _text(cell)


def _text(element) -> str:
    return _SPACES.sub(" ", "".join(_pieces(element))).strip()


def _pieces(element):
    """The text a reader sees in ``element``, with what a form field holds in place of the field."""
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and not _left_out(child):
            yield from _field_or_text(child)
        if child.tail:
            yield child.tail


def _field_or_text(node):
    if node.tag == "input":
        kind = node.get("type") or "text"
        if kind not in _VALUELESS_INPUTS and (kind not in ("checkbox", "radio") or node.get("checked") is not None):
            yield f" {node.get('value', '')} "
    elif node.tag == "select":
        # an empty value is the "choose one" placeholder: nothing chosen, an empty cell
        yield from (f" {option.text_content()} " for option in node.iter("option")
                    if option.get("selected") is not None and option.get("value") != "")
    elif node.tag == "textarea":
        yield f" {node.text_content()} "
    else:
        spacer = " " if node.tag in _BLOCKS else ""
        yield spacer
        yield from _pieces(node)
        yield spacer


def _left_out(node) -> bool:
    return node.tag in _SKIPPED or node.get("aria-hidden") == "true" or node.get("data-csv") == "omit"
