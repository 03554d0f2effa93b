"""Issue 11 ("fast"), third round: the IATI reader parses the file in pieces and has lxml report only the root's
and the activities' events. What it reads must not depend on where the pieces end, the element limit of an
activity must hold exactly (counted only for an activity large enough to reach it), and the root is checked
before any activity is read."""

import io
from pathlib import Path

import pytest

from minga.exchange.iati import reader, stream

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "activities"
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
SMALL = (b'<iati-activity><iati-identifier>XM-P-%d</iati-identifier>'
         b'<reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>'
         b'<title><narrative>Small</narrative></title></iati-activity>\n')


def big(elements: int) -> bytes:
    """An activity of exactly ``elements`` elements inside it (as the limit counts them)."""
    fixed = b'<iati-identifier>XM-P-BIG</iati-identifier><reporting-org ref="XM-DAC-7" type="10">' \
            b'<narrative>Donor</narrative></reporting-org>'  # 3 elements
    return b"<iati-activity>\n" + fixed + b"<tag/>" * (elements - 3) + b"</iati-activity>\n"


def read(data: bytes) -> list[reader.ActivityRecord]:
    return list(stream.activities(io.BytesIO(data)))


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/iati is not beside the repository")
@pytest.mark.parametrize("piece", [1, 7, 100, 4096])
def test_what_is_read_does_not_depend_on_where_the_pieces_end(monkeypatch, piece):
    path = SHARED / "usaid-cl.xml"
    whole = [(record.line, record.data(), record.problems) for record in stream.activities(path)]
    monkeypatch.setattr(stream, "CHUNK", piece)
    assert [(record.line, record.data(), record.problems) for record in stream.activities(path)] == whole
    assert len(whole) > 1


def test_an_activity_of_exactly_the_limit_is_read_and_one_more_element_is_refused():
    ok = read(HEAD + SMALL % 1 + big(stream.MAX_ACTIVITY_ELEMENTS) + SMALL % 2 + b"</iati-activities>")
    assert [record.identifier for record in ok] == ["XM-P-1", "XM-P-BIG", "XM-P-2"]
    records = stream.activities(io.BytesIO(HEAD + SMALL % 1 + big(stream.MAX_ACTIVITY_ELEMENTS + 1) + SMALL % 2
                                           + b"</iati-activities>"))
    assert next(records).identifier == "XM-P-1"
    with pytest.raises(stream.DocumentRefused) as refused:
        next(records)
    assert str(refused.value) == (
        f"line 4: the activity holds more than {stream.MAX_ACTIVITY_ELEMENTS:,} elements (the largest real activity "
        "files hold a few thousand); nothing more of the file was read")


def test_the_root_is_checked_before_any_activity_is_read():
    with pytest.raises(stream.DocumentRefused, match=r"^the root element is <activities>, not <iati-activities>$"):
        read(b"<activities>" + SMALL % 1 + b"</activities>")
    with pytest.raises(stream.DocumentRefused, match="the file declares a DOCTYPE"):
        read(b'<?xml version="1.0"?>\n<!DOCTYPE iati-activities [<!ENTITY a "b">]>\n'
             + HEAD.split(b"\n", 1)[1] + SMALL % 1 + b"</iati-activities>")
    with pytest.raises(stream.DocumentRefused, match=r"^not well-formed XML \(line 0\): no element found$"):
        read(b"")
    with pytest.raises(stream.DocumentRefused, match=r"^not well-formed XML \(line 1\): "):
        read(b"\x00\x01 not xml at all")
