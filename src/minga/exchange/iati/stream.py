"""Reading IATI activity files as a stream: one ``ActivityRecord`` at a time, at flat memory.

The parser never expands an entity, never reads a DTD, never goes to the network and keeps lxml's
limits on huge text nodes (``huge_tree`` off). A document that declares a DOCTYPE is refused before
its first activity is read: an activity file has no use for one, and entities are how XML bombs work.
Each ``iati-activity`` is read (``reader.read_activity``), checked (with a schema, also against the IATI XSD, one
activity at a time) and cleared from memory before the next is read.
"""

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from minga.common.read_ahead import read_ahead
from minga.exchange import problems as said
from minga.exchange.iati.reader import read_activity
from minga.exchange.problems import Problem

# Elements in one activity. The largest in the shared publishers' files holds 1,805; an activity is held whole in
# memory until its end tag, so one that never ends (a 2 GB stream of elements) must stop somewhere.
MAX_ACTIVITY_ELEMENTS = 100_000


class DocumentRefused(Exception):
    """The whole file is refused (not XML, a DTD or entities, an unexpected root): nothing was written. Its one
    argument is the ``Problem`` that says why."""


def _parser_options() -> dict:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


@dataclass
class Header:
    version: str
    attributes: dict
    line: int = 0


def _schema_problems(activity, header: Header, schema) -> list[str]:
    wrapper = etree.Element("iati-activities", header.attributes)
    wrapper.append(activity)  # moves it: the caller clears it afterwards anyway
    if schema.validate(wrapper):
        return []
    return [Problem(said.SCHEMA_ERROR, line=error.line, error=error.message) for error in schema.error_log][:20]


def open_source(source):
    """A path or an open binary file; a URL is fetched by the caller (``importer.fetch``)."""
    return str(source) if isinstance(source, Path) else source


# The file is read and parsed in pieces of this size. An element takes 4 bytes at the least (``<a/>``), so an
# activity within n pieces holds at most n × CHUNK / 4 elements: only one that spans enough pieces to hold more
# than ``MAX_ACTIVITY_ELEMENTS`` has its elements counted (at the end of each piece, and at its end), so the limit
# holds without an event per element.
CHUNK = 64 * 1024
_LEAST_ELEMENT_BYTES = 4
_COUNT_ELEMENTS = etree.XPath("count(.//*[not(self::iati-activity)])")  # as counted: nested activities apart


def _chunks(source):
    """The bytes of ``source`` (a path or an open binary file), piece by piece."""
    opened = open(source, "rb") if isinstance(source, str) else None  # noqa: SIM115 -- closed below
    stream = opened or source
    try:
        while True:
            data = stream.read(CHUNK)
            if not data:
                return
            yield data
    finally:
        if opened is not None:
            opened.close()


def _header(probe) -> Header | None:
    """The document's root as it starts (read by ``probe``, a parser that stops at it), checked; None until then."""
    for _event, element in probe.read_events():
        docinfo = element.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise DocumentRefused(Problem(said.DOCTYPE))
        if element.tag != "iati-activities":
            raise DocumentRefused(Problem(said.WRONG_ROOT, tag=element.tag))
        return Header(version=element.get("version", ""), attributes=dict(element.attrib), line=element.sourceline)
    return None


def activities(source, *, schema=None, document_problems: list | None = None):
    """Yield ``ActivityRecord``s from ``source`` one by one; raise ``DocumentRefused`` for hostile or broken input.

    A syntax error after some activities were read is raised as ``DocumentRefused`` too, with its line:
    the activities before it were whole and stay imported. Problems of the document itself (no version,
    no activity) are appended to ``document_problems`` as ``(line, message)``.

    Speed (issue 11): the parser reports only the root's and the activities' start and end (lxml filters the
    other elements' events in C); a second parser reads the document's start only, to check its root before
    anything else is read. Each activity is read from its subtree once it ends.
    """
    document_problems = [] if document_problems is None else document_problems
    count = 0
    probe = etree.XMLPullParser(events=("start",), **_parser_options())
    parser = etree.XMLPullParser(events=("start", "end"), tag=("iati-activities", "iati-activity"),
                                 **_parser_options())
    header = root = opened = None
    depth = pieces = first = 0  # pieces read; the piece in which the open activity was seen to start
    read_to = 0  # bytes read

    def may_be_too_large() -> bool:
        # Its start may have been held back from the piece before (the parser keeps an unfinished tag).
        return (pieces - first + 2) * CHUNK // _LEAST_ELEMENT_BYTES > MAX_ACTIVITY_ELEMENTS

    try:
        for data in _chunks(open_source(source)):
            pieces += 1
            read_to += len(data)
            if header is None:
                broken = None
                try:
                    probe.feed(data)
                except etree.XMLSyntaxError as error:  # after the root's start: the parser below meets it in turn
                    broken = error
                header = _header(probe)
                if header is None and broken is not None:
                    raise broken
                if header is not None:
                    probe = None
                    if not header.version:
                        document_problems.append((header.line, Problem(said.NO_VERSION)))
            failed = None
            try:
                parser.feed(data)
            except etree.XMLSyntaxError as error:  # the activities that ended before it are read first
                failed = error
            for event, element in parser.read_events():
                if element.tag != "iati-activity":
                    if root is None and event == "start":
                        root = element
                    continue
                depth += 1 if event == "start" else -1
                if event == "start" and depth == 1:
                    opened, first = element, pieces
                if event == "start" or depth:
                    continue  # an activity inside an activity is read with its parent
                if may_be_too_large():
                    _check_size(element, element.sourceline)
                opened = None
                record = read_activity(element)
                record.read_to = read_to
                if schema is not None:
                    record.problems.extend(_schema_problems(element, header, schema))
                count += 1
                _forget(element, root)
                yield record
            if failed is not None:
                raise failed
            if opened is not None and may_be_too_large():
                _check_size(opened, opened.sourceline)
        if header is None:
            probe.close()  # raises what the document's end makes of it (no root: not XML at all)
        parser.close()
    except etree.XMLSyntaxError as error:
        raise DocumentRefused(Problem(said.NOT_WELL_FORMED, line=error.lineno, error=error.msg)) from None
    except OSError as error:
        raise DocumentRefused(Problem(said.NOT_READ, error=str(error))) from None
    if header is None:
        raise DocumentRefused(Problem(said.NO_DOCUMENT))
    if not count:
        document_problems.append((0, Problem(said.NO_ACTIVITY)))


def _check_size(activity, line: int) -> None:
    if _COUNT_ELEMENTS(activity) > MAX_ACTIVITY_ELEMENTS:
        raise DocumentRefused(Problem(said.TOO_MANY_ELEMENTS, line=line, limit=f"{MAX_ACTIVITY_ELEMENTS:,}"))


def _forget(activity, root) -> None:
    """Drop what was read: memory stays flat whatever the file's size. Only elements that have ended are freed
    (the parser may be building the next activity already: the root's last child is left to it)."""
    activity.clear()
    if root is not None:
        while len(root) > 1:
            del root[0]


def load_schema(schema_dir) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(Path(schema_dir) / "iati-activities-schema.xsd"), parser))


@dataclass
class FileRead:
    """Where one file's records end, in ``read_ahead_files``: its document problems (``(line, message)``, as
    ``activities`` gives them), and the ``DocumentRefused`` that stopped it, if any."""

    problems: list
    refused: DocumentRefused | None = None


def read_ahead_files(sources, *, schema=None, prepare=None):
    """The records of each of ``sources`` in turn (paths, or binary files opened before the call), each passed
    through ``prepare`` first, then a ``FileRead``; read by a second process while the caller writes what it
    yields (``minga.common.read_ahead``), one file ahead of it across files. A file refused whole ends with its
    ``FileRead``; the next is read all the same.

    ``prepare`` runs in the reading process: it may compute on the record, never touch the database.
    """
    def produce():
        for source in sources:
            problems = []
            try:
                for record in activities(source, schema=schema, document_problems=problems):
                    yield record if prepare is None else prepare(record)
            except DocumentRefused as error:
                yield FileRead(problems, error)
            else:
                yield FileRead(problems)

    return read_ahead(produce)
