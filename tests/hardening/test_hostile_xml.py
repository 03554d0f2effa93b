"""Issue 15, item 4: a 2 GB IATI XML stream, generated lazily (never written to disk), stops the import with a
clear error at a limit, having read only the first megabytes of it, and writes nothing of the refused activity.

Many activities, each of ordinary size, are read at flat memory (``iati.stream.activities`` clears each one once read;
``bench/iati_stream.py`` measures it over 2 GB). What has no bound in the file's shape is held in limits: one
activity of endless elements (``iati.stream.MAX_ACTIVITY_ELEMENTS``), one endless text (lxml's 10 MB per text node
without ``huge_tree``) and endless nesting (lxml's depth limit of 256)."""

import io
from itertools import repeat

import pytest

from minga.exchange.iati import importer
from minga.exchange.iati.stream import MAX_ACTIVITY_ELEMENTS
from minga.exchange.models import IatiActivity
from minga.finance.tracking import FundingFlow

pytestmark = pytest.mark.django_db

TWO_GB = 2 * 1024 ** 3
BUDGET = 64 * 1024 ** 2  # more than this read means the limit did not hold: the test stops the stream there
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
GOOD = (b'<iati-activity default-currency="USD"><iati-identifier>XM-TEST-GOOD</iati-identifier>'
        b'<reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>'
        b'<title><narrative>Good</narrative></title><activity-status code="2"/>'
        b'<recipient-country code="CO"/></iati-activity>\n')


class Stream(io.RawIOBase):
    """``size`` bytes: ``head``, then ``body`` repeated, read as a file; nothing is kept but a count."""

    def __init__(self, head: bytes, body: bytes, size: int = TWO_GB):
        self.pending, self.parts, self.size, self.served = head, repeat(body), size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.served >= BUDGET:
            raise AssertionError("read past the budget: no limit stopped the stream")
        want = min(len(buffer), self.size - self.served)
        while len(self.pending) < want:
            self.pending += next(self.parts) * 256
        chunk, self.pending = self.pending[:want], self.pending[want:]
        buffer[:want] = chunk
        self.served += want
        return want


def refused(stream: Stream) -> str:
    before = (IatiActivity.all_objects.count(), FundingFlow.all_objects.count())
    report = importer.Report()
    with pytest.raises(importer.ImportRefused) as error:
        importer.import_source(stream, name="stream.xml", report=report)
    assert stream.served < BUDGET
    assert (IatiActivity.all_objects.count(), FundingFlow.all_objects.count()) == (before[0] + 1, before[1])
    assert report.counts["created"] == 1  # the good activity before the endless one stays, whole
    return str(error.value)


def test_an_activity_of_endless_elements_is_refused_at_the_limit():
    stream = Stream(HEAD + GOOD + b'<iati-activity><iati-identifier>XM-TEST-BIG</iati-identifier>',
                    b"<description><narrative>x</narrative></description>")
    assert refused(stream) == (
        f"stream.xml: line 4: the activity holds more than {MAX_ACTIVITY_ELEMENTS:,} elements (the "
        "largest real activity files hold a few thousand); nothing more of the file was read")


def test_an_endless_text_is_refused_at_lxmls_limit():
    stream = Stream(HEAD + GOOD + b"<iati-activity><iati-identifier>XM-TEST-TEXT</iati-identifier><title><narrative>",
                    b"x" * 4096)
    message = refused(stream)
    assert message.startswith("stream.xml: not well-formed XML (line 4): ")
    assert "huge" in message.lower()


def test_endless_nesting_is_refused_at_lxmls_depth_limit():
    stream = Stream(HEAD + GOOD + b"<iati-activity><iati-identifier>XM-TEST-DEEP</iati-identifier>", b"<a>")
    message = refused(stream)
    assert message.startswith("stream.xml: not well-formed XML (line 4): ")
    assert "depth" in message.lower()
