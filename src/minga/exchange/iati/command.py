"""``minga import iati FILE_OR_URL... [--strict] [--only-member-states] [--schema DIR] [--as-user NAME] [--format text|json]``

Streams each file (a path, or an http(s) address fetched to a temporary file just before it is read), prints the
report (read / created / updated / unchanged / skipped / invalid, then each problem with its
activity identifier and line) and a progress bar on a terminal. Exit 1 when a file was refused whole, or could not
be opened or fetched: the other files are imported all the same, and the report names each one refused.
"""

import copy
import json
import shutil
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from minga.exchange.fetch import is_address, is_other_scheme, open_address
from minga.exchange.iati import importer, plans, stream

MAX_DOWNLOAD = 4 * 1024 ** 3  # a larger answer is not an activity file
FETCH_SECONDS = 60  # per read of the answer, not for the whole download
# Files opened at once, read one after the other by one reading process: the next file is read while one is
# written, with far fewer open files than a folder of thousands would need. An address is a group of its own
# (``groups``): fetched when its turn comes, not 64 downloads on disk before the first activity is stored.
FILES_AT_ONCE = 64


def add_arguments(parser) -> None:
    parser.add_argument("sources", nargs="+", metavar="FILE_OR_URL")
    parser.add_argument("--strict", action="store_true", help="refuse a whole file when one activity has a problem")
    parser.add_argument("--only-member-states", action="store_true",
                        help="keep only activities that name a member state, Venezuela or region 489/498")
    parser.add_argument("--schema", metavar="DIR", default=settings.MINGA_IATI_SCHEMA_DIR,
                        help="folder holding iati-activities-schema.xsd: each activity is also validated against it")
    parser.add_argument("--as-user", metavar="USERNAME", help="the account the history names (default: none)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")


def groups(sources: list[str]):
    """``sources`` in their order, in the groups imported together: runs of up to ``FILES_AT_ONCE`` paths, and
    each address alone."""
    paths = []
    for source in sources:
        if is_address(source):
            if paths:
                yield paths
                paths = []
            yield [source]
        else:
            paths.append(source)
            if len(paths) == FILES_AT_ONCE:
                yield paths
                paths = []
    if paths:
        yield paths


@contextmanager
def opened(source: str, fetching=None):
    """A readable binary file for a path or an http(s) address (downloaded whole first, capped in size), telling
    ``fetching(bytes so far, bytes announced or None)`` as a download goes."""
    if is_other_scheme(source):
        raise CommandError(f"{source}: only http and https addresses are read")
    if is_address(source):
        with tempfile.TemporaryFile() as copy:
            try:
                with open_address(source, timeout=FETCH_SECONDS) as answer:
                    announced = _announced_size(answer)
                    if announced is not None and announced > MAX_DOWNLOAD:  # said at once: not downloaded to know
                        raise CommandError(f"{source}: larger than {MAX_DOWNLOAD} bytes")
                    copied = 0
                    while chunk := answer.read(1 << 20):
                        copied += len(chunk)
                        if copied > MAX_DOWNLOAD:
                            raise CommandError(f"{source}: larger than {MAX_DOWNLOAD} bytes")
                        copy.write(chunk)
                        if fetching is not None:
                            fetching(copied, announced)
            except OSError as error:
                raise CommandError(f"{source}: could not be fetched ({error})") from None
            copy.seek(0)
            yield copy
        return
    path = Path(source)
    if not path.is_file():
        raise CommandError(f"{source}: no such file")
    with path.open("rb") as handle:
        yield handle


def _announced_size(answer) -> int | None:
    length = answer.headers.get("Content-Length", "")
    return int(length) if length.isdigit() else None


class Bar:
    """A one-line progress bar on the terminal, by bytes read."""

    def __init__(self, stream, name: str, handle, enabled: bool):
        self.stream, self.name, self.enabled = stream, name, enabled
        handle.seek(0, 2)  # its size; what is read is told to the bar (``__call__``)
        self.total = handle.tell() or 1
        handle.seek(0)

    def __call__(self, read: int) -> None:
        if self.enabled:
            done = min(read / self.total, 1)
            filled = int(done * 30)
            self.stream.write(f"\r{self.name[-30:]:30} [{'#' * filled}{'.' * (30 - filled)}] {done:4.0%}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class FetchLine:
    """While an address downloads (before its bar): how much has come, of how much when the answer says."""

    def __init__(self, stream, name: str, enabled: bool):
        self.stream, self.name, self.enabled, self.shown = stream, name, enabled, False

    def __call__(self, copied: int, announced: int | None) -> None:
        if self.enabled:
            of = f" / {announced / 2 ** 20:.1f}" if announced else ""
            self.stream.write(f"\r{self.name[-30:]:30} fetching {copied / 2 ** 20:.1f}{of} MB")
            self.stream.flush()
            self.shown = True

    def end(self) -> None:
        """A download that failed keeps its line (the file's bar would have written over it)."""
        if self.shown:
            self.stream.write("\n")


def run(command, options: dict) -> None:
    user = None
    if options["as_user"]:
        user = get_user_model().objects.filter(username=options["as_user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['as_user']!r}")
    schema = stream.load_schema(options["schema"]) if options["schema"] else None
    report = importer.Report()
    refused = []
    show_bar = not options["no_progress"] and sys.stderr.isatty() and options["format"] == "text"
    for group in groups(options["sources"]):
        with ExitStack() as files_open:
            files = []
            for source in group:
                fetching = FetchLine(sys.stderr, source, show_bar)
                try:
                    handle = files_open.enter_context(opened(source, fetching))
                except CommandError as error:  # refused like a file refused whole: the others are imported
                    fetching.end()
                    refused.append(str(error))
                    continue
                files.append(importer.File(handle, source, Bar(sys.stderr, source, handle, show_bar)))
            written = _written(report)
            for file, refusal in importer.import_files(files, user=user, strict=options["strict"],
                                                       only_region=options["only_member_states"], schema=schema,
                                                       report=report):
                file.progress.close()
                if refusal is not None:
                    refused.append(str(refusal))
                    # A refused file wrote nothing (its transaction was rolled back): the report must not say that
                    # the activities stored before the problem was found were created or updated.
                    _unwrite(report, written)
                written = _written(report)
    unmatched = report.unmatched_plans()
    if options["format"] == "json":
        command.stdout.write(json.dumps({"counts": report.counts, "transactions": report.transactions,
                                         "flows": report.flows, "pledges": report.pledges,
                                         "problems": [{key: problem[key] for key in PRINTED} for problem in
                                                      report.problems], "refused": refused,
                                         "unmatched_plans": [{"plan": code, "activities": count, "first": first}
                                                             for code, count, first in unmatched]},
                                        indent=2))
    else:
        command.stdout.write(text_report(report, refused, unmatched))
    if refused:
        raise CommandError("; ".join(refused), returncode=1)


WRITTEN = ("created", "updated")
# What the command gives of a problem: its English message (the run's page translates its template and params).
PRINTED = ("source", "identifier", "line", "message")


def _written(report: importer.Report) -> dict:
    return {**{key: report.counts[key] for key in WRITTEN}, "transactions": report.transactions,
            "flows": report.flows, "pledges": report.pledges, "plan_scopes": copy.deepcopy(report.plan_scopes)}


def _unwrite(report: importer.Report, before: dict) -> None:
    for key in WRITTEN:
        report.counts[key] = before[key]
    report.transactions, report.flows, report.pledges = before["transactions"], before["flows"], before["pledges"]
    report.plan_scopes = before["plan_scopes"]


def text_report(report: importer.Report, refused: list[str], unmatched: list | None = None) -> str:
    counts = ", ".join(f"{name} {value}" for name, value in report.counts.items())
    lines = [f"activities: {counts}",
             f"transactions: {report.transactions}, of which flows: {report.flows}, pledges: {report.pledges}"]
    width = shutil.get_terminal_size((100, 20)).columns
    for problem in report.problems:
        where = f"{problem['source']}:{problem['line']}" if problem["line"] else problem["source"]
        identifier = f" {problem['identifier']}" if problem["identifier"] else ""
        lines.append(f"{where}{identifier}: {problem['message']}"[:max(width, 200)])
    lines.extend(f"refused: {message}" for message in refused)
    if unmatched:
        lines.append(plans.unmatched_plans_heading())
        lines.extend(plans.unmatched_plan_line(code, count, first) for code, count, first in unmatched)
    return "\n".join(lines)
