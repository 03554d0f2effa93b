"""The one helper that gives Minga's CSV downloads their HXL hashtag row."""

import pytest

from minga.common.hxl import hashtags_for, header_rows, table_csv


def test_the_hashtag_row_goes_under_the_headers_by_name_or_in_order():
    assert table_csv(["key", "label", "other"], {"key": "#country+code", "label": "#country+name"},
                     [["COL", "Colombia", "x"]], lineterminator="\n"
                     ) == "key,label,other\n#country+code,#country+name,\nCOL,Colombia,x\n"
    assert table_csv(["a", "b, c"], ["#org", "#value+usd"], [[1, 2]]) == 'a,"b, c"\r\n#org,#value+usd\r\n1,2\r\n'
    assert header_rows(["Código", "Nombre"], ["#activity+code", "#activity+name"]) == [
        ["Código", "Nombre"], ["#activity+code", "#activity+name"]]


def test_a_wrong_hashtag_or_count_is_refused():
    with pytest.raises(ValueError, match="Not HXL hashtags: #Value, org"):
        hashtags_for(["a", "b", "c"], ["#Value", "org", "#ok"])
    with pytest.raises(ValueError, match="2 hashtags for 3 columns"):
        hashtags_for(["a", "b", "c"], ["#org", "#value"])


def test_a_negative_number_read_from_a_page_stays_a_number_and_formula_text_stays_text():
    """A page's table is read back as text: "-111000.00" (a gap funded beyond its requirement) is a number, not a
    formula, and a spreadsheet must read it as one; "-1+1" and "=1+1" are text."""
    assert table_csv(["Gap", "Note", "Other"], ["#value+funding+gap+usd", "#description", ""],
                     [["-111000.00", "=1+1", "-1+1"], ["-7", "-", "+57 300"], ["12.5", "@x", "-2.5e3"]]) == (
        "Gap,Note,Other\r\n#value+funding+gap+usd,#description,\r\n-111000.00,'=1+1,'-1+1\r\n"
        "-7,'-,'+57 300\r\n12.5,'@x,'-2.5e3\r\n")
