"""Reading a rendered table back as rows for its CSV (``minga.common.html_tables``): what the templates declare."""

import pytest

from minga.common.html_tables import TableMissing, read_table

PAGE = """<html><body>
<table data-testid="other"><thead><tr><th>Not this one</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>
<table data-testid="flows">
  <caption>Flows</caption>
  <thead>
    <tr><th colspan="4">Grouped heading, not the columns</th><th>x</th></tr>
    <tr><th scope="col" data-hxl="#org+name">Donor <span aria-hidden="true">▲</span></th>
        <th scope="col" data-hxl="#value+usd">Amount</th><th scope="col" hidden data-hxl="#date">As of</th>
        <th scope="col">Note</th><th scope="col" data-csv="omit">Actions</th></tr>
  </thead>
  <tbody>
    <tr><th scope="row"><a href="/o/1">Canada</a></th><td data-value="1234.5">US$ 1.234,50 <span class="note">(2024)</span></td>
        <td hidden>2024-06</td><td>first<br>second <span data-csv="omit">(edit)</span></td><td><button>Edit</button></td></tr>
    <tr><td>Spain</td><td colspan="2">no figure</td><td><input name="n" value="typed"> <select><option>a</option><option selected>b</option></select>
        <select><option value="" selected>---------</option><option value="1">one</option></select>
        <textarea>long   text</textarea> <input type="checkbox" value="on"> <input type="hidden" value="secret"></td><td></td></tr>
    <tr data-empty><td colspan="5">No record matches these filters.</td></tr>
  </tbody>
</table></body></html>"""


def test_the_table_is_read_by_its_test_id_with_its_headers_hashtags_and_cell_values():
    table = read_table(PAGE, "flows")
    assert table.headers == ["Donor", "Amount", "As of", "Note"]
    assert table.hashtags == ["#org+name", "#value+usd", "#date", ""]
    assert table.rows == [
        ["Canada", "1234.5", "2024-06", "first second"],
        ["Spain", "no figure", "", "typed b long text"],
    ]


@pytest.mark.parametrize("page", [PAGE, "<table data-testid='flows'><tbody><tr><td>1</td></tr></tbody></table>"])
def test_a_missing_table_or_one_without_headers_is_refused(page):
    with pytest.raises(TableMissing):
        read_table(page, "absent" if page is PAGE else "flows")


def test_a_table_without_rows_gives_its_headers_alone():
    table = read_table("<table data-testid='t'><thead><tr><th data-hxl='#country'>C</th></tr></thead>"
                       "<tbody><tr data-empty><td>Nothing</td></tr></tbody></table>", "t")
    assert (table.headers, table.hashtags, table.rows) == (["C"], ["#country"], [])
