"""Memory while reading a large IATI stream: ``python bench/iati_stream.py [--gigabytes 2]``.

Generates the stream lazily (a file object that makes its bytes as they are read; nothing on disk) of small
valid activities, reads it through ``minga.exchange.iati.stream.activities`` (the importer's reader, no database)
and prints the peak resident memory after each tenth of the stream: it stays flat, as each activity is cleared
once read. Issue 15, item 4; the limits for an activity that never ends are tested in
tests/hardening/test_hostile_xml.py.
"""

import argparse
import io
import resource
import time

from minga.exchange.iati import stream as iati_stream

ACTIVITY = (b'<iati-activity default-currency="USD"><iati-identifier>XM-BENCH-%d</iati-identifier>'
            b'<reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>'
            b'<title><narrative>Activity</narrative></title><activity-status code="2"/>'
            b'<recipient-country code="CO"/><transaction><transaction-type code="3"/>'
            b'<transaction-date iso-date="2024-01-10"/><value value-date="2024-01-10">1000</value>'
            b'</transaction></iati-activity>\n')


class Stream(io.RawIOBase):
    def __init__(self, size: int):
        self.size, self.served, self.number, self.closed_root = size, 0, 0, False
        self.pending = b'<iati-activities version="2.03">\n'

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self.pending) < len(buffer) and not self.closed_root:
            if self.served + len(self.pending) >= self.size:
                self.pending += b"</iati-activities>\n"
                self.closed_root = True
            else:
                self.number += 1
                self.pending += ACTIVITY % self.number
        want = min(len(buffer), len(self.pending))
        chunk, self.pending = self.pending[:want], self.pending[want:]
        buffer[:want] = chunk
        self.served += want
        return want


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gigabytes", type=float, default=2.0)
    size = int(parser.parse_args().gigabytes * 1024 ** 3)
    stream, started, mark = Stream(size), time.monotonic(), size // 10
    for count, _record in enumerate(iati_stream.activities(stream), start=1):
        if stream.served >= mark:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"{stream.served / 1024 ** 2:8.0f} MB read, {count:>9,} activities, peak memory {peak} MB, "
                  f"{time.monotonic() - started:6.0f} s", flush=True)
            mark += size // 10


if __name__ == "__main__":
    main()
