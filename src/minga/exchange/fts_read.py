"""Reading OCHA FTS API answers: pages of ``v1/fts/flow/custom-search`` into typed flows, or a clear error.

A page is refused whole when it is not JSON or not the shape of a custom-search answer (nothing of it is
written); a flow whose own fields are wrong is refused alone, with its position and id. Addresses
(http/https) are fetched with a size limit and their ``meta.nextLink`` followed; files are read as given
(their ``nextLink`` names an address that the tests do not fetch).
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from minga.exchange import problems
from minga.exchange.fetch import is_address, is_other_scheme, open_address
from minga.exchange.problems import Problem

MAX_PAGE_BYTES = 64 * 1024 * 1024
MAX_PAGES = 1000
FETCH_SECONDS = 60
STATUSES = ("pledge", "commitment", "paid")
BOUNDARIES = ("incoming", "outgoing", "internal")
ON_BOUNDARY = ("single", "shared")
# The ledger's columns (FtsFlow): flow ids are 64-bit, the version 32-bit. A larger number cannot be stored
# (SQLite raises OverflowError, PostgreSQL DataError, which would stop the whole import), so it refuses its flow.
MAX_FLOW_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1


class FtsInvalid(Exception):
    """A page (or file) that cannot be read; the message (a ``Problem``) says where and why."""


@dataclass(frozen=True)
class Side:
    """One side of a flow: FTS's objects as given, and the parts Minga reads from them."""

    objects: list
    organisations: list  # [{"id", "name", "organizationTypes", "organizationSubTypes"}]
    locations: list  # [{"id", "name", "behavior"}]


@dataclass(frozen=True)
class FtsFlowData:
    id: int
    version: int
    status: str
    amount_usd: Decimal
    original_amount: Decimal | None
    original_currency: str
    boundary: str
    on_boundary: str
    flow_type: str
    parent_id: int | None
    child_ids: list
    on: date
    description: str
    source: Side
    destination: Side


@dataclass
class FtsPage:
    label: str
    meta: dict
    totals: dict  # data.incoming / outgoing / internal as FTS gives them
    flows: list = field(default_factory=list)  # [FtsFlowData]
    problems: list = field(default_factory=list)  # [Problem]: flows refused, with where and why


def _number(value, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(Problem.translated(problems.FTS_NOT_A_NUMBER, name=name))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(Problem.translated(problems.FTS_NOT_A_NUMBER, name=name)) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e15"):
        raise ValueError(Problem.translated(problems.FTS_OUT_OF_RANGE, name=name))
    return number.quantize(Decimal("0.01"))


def _whole(value, name: str, *, optional: bool = False, maximum: int = MAX_FLOW_ID) -> int | None:
    """A whole number from 0 to ``maximum``, or ``ValueError`` naming the field."""
    if value in (None, "") and optional:
        return None
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise ValueError(Problem.translated(problems.FTS_NOT_A_WHOLE_NUMBER, name=name)) from None
    if number < 0 or number > maximum:
        raise ValueError(Problem.translated(problems.FTS_OUT_OF_RANGE, name=name))
    return number


def _side(objects, name: str) -> Side:
    if not isinstance(objects, list) or not all(isinstance(o, dict) and "type" in o for o in objects):
        raise ValueError(Problem.translated(problems.FTS_NOT_A_LIST_OF_OBJECTS, name=name))
    return Side(objects=objects, organisations=[o for o in objects if o["type"] == "Organization"],
                locations=[o for o in objects if o["type"] == "Location"])


def _text(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def parse_flow(raw) -> FtsFlowData:
    """One flow of ``data.flows``, or ``ValueError`` saying which field is wrong."""
    if not isinstance(raw, dict):
        raise ValueError(Problem.translated(problems.FTS_NOT_AN_OBJECT))
    status = raw.get("status")
    if status not in STATUSES:
        raise ValueError(Problem.translated(problems.FTS_STATUS, value=status))
    if raw.get("boundary") not in BOUNDARIES:
        raise ValueError(Problem.translated(problems.FTS_BOUNDARY, value=raw.get("boundary")))
    if raw.get("onBoundary") not in ON_BOUNDARY:
        raise ValueError(Problem.translated(problems.FTS_ON_BOUNDARY, value=raw.get("onBoundary")))
    try:
        on = date.fromisoformat(str(raw.get("date"))[:10])
    except ValueError:
        raise ValueError(Problem.translated(problems.FTS_DATE, value=raw.get("date"))) from None
    currency = raw.get("originalCurrency") or ""
    if not (isinstance(currency, str) and (currency == "" or (len(currency) == 3 and currency.isalpha()))):
        raise ValueError(Problem.translated(problems.FTS_CURRENCY, value=currency))
    original = raw.get("originalAmount")
    children = raw.get("childFlowIds") or []
    if not isinstance(children, list):
        raise ValueError(Problem.translated(problems.FTS_CHILDREN))
    return FtsFlowData(
        id=_whole(raw.get("id"), "id"), version=_whole(raw.get("versionId"), "versionId", maximum=MAX_VERSION),
        status=status,
        amount_usd=_number(raw.get("amountUSD"), "amountUSD"),
        original_amount=None if original is None else _number(original, "originalAmount"),
        original_currency=currency.upper(), boundary=raw["boundary"], on_boundary=raw["onBoundary"],
        flow_type=_text(raw.get("flowType"), 30),
        parent_id=_whole(raw.get("parentFlowId"), "parentFlowId", optional=True),
        child_ids=[_whole(child, "childFlowIds") for child in children], on=on,
        description=_text(raw.get("description"), 2000),
        source=_side(raw.get("sourceObjects"), "sourceObjects"),
        destination=_side(raw.get("destinationObjects"), "destinationObjects"))


def load_json(text: str | bytes, label: str):
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise FtsInvalid(Problem.translated(problems.FTS_NOT_JSON, label=label, error=str(error))) from None


def is_plan_overview(document) -> bool:
    data = document.get("data") if isinstance(document, dict) else None
    return isinstance(data, dict) and isinstance(data.get("plans"), list) and "flows" not in data


def parse_page(text: str | bytes, label: str) -> FtsPage:
    """A custom-search answer; ``FtsInvalid`` when it is not JSON or not that shape."""
    return page_of(load_json(text, label), label)


def page_of(document, label: str) -> FtsPage:
    data = document.get("data") if isinstance(document, dict) else None
    flows = data.get("flows") if isinstance(data, dict) else None
    if not isinstance(flows, list):
        raise FtsInvalid(Problem.translated(problems.FTS_NOT_A_FLOW_SEARCH, label=label))
    meta = document.get("meta") if isinstance(document.get("meta"), dict) else {}
    page = FtsPage(label=label, meta=meta, totals={key: data.get(key) for key in BOUNDARIES if key in data})
    for position, raw in enumerate(flows, start=1):
        try:
            page.flows.append(parse_flow(raw))
        except ValueError as error:
            flow_id = raw.get("id") if isinstance(raw, dict) else None
            page.problems.append(Problem.translated(
                problems.FTS_FLOW_REFUSED, label=label, position=position,
                id=flow_id if flow_id is not None else "?", error=problems.of(error)))
    return page


def read_document(body: bytes, label: str):
    """One file's bytes as read_pages yields it: a v2 plan overview's JSON document, or a flow search page."""
    if len(body) > MAX_PAGE_BYTES:
        raise FtsInvalid(Problem.translated(problems.FTS_TOO_LARGE, label=label, limit=MAX_PAGE_BYTES >> 20))
    document = load_json(body, label)
    return document if is_plan_overview(document) else page_of(document, label)


def _fetch(address: str) -> bytes:
    try:
        with open_address(address, timeout=FETCH_SECONDS, headers={"Accept": "application/json"}) as answer:
            body = answer.read(MAX_PAGE_BYTES + 1)
    except OSError as error:
        raise FtsInvalid(Problem.translated(problems.FTS_NOT_FETCHED, label=address, error=str(error))) from None
    if len(body) > MAX_PAGE_BYTES:
        raise FtsInvalid(Problem.translated(problems.FTS_TOO_LARGE, label=address, limit=MAX_PAGE_BYTES >> 20))
    return body


def read_pages(name: str):
    """The pages of one argument: a file (read as given), or an address and the pages its ``nextLink`` names.

    A v2 plan overview is yielded as its JSON document (``exchange.fts_plans`` reads it)."""
    if is_other_scheme(name):
        raise FtsInvalid(Problem.translated(problems.FTS_ONLY_HTTP, label=name))
    if not is_address(name):
        path = Path(name)
        try:
            if path.stat().st_size > MAX_PAGE_BYTES:
                raise FtsInvalid(Problem.translated(problems.FTS_TOO_LARGE, label=name, limit=MAX_PAGE_BYTES >> 20))
            text = path.read_bytes()
        except OSError as error:
            raise FtsInvalid(Problem.translated(problems.FTS_NOT_READ, label=name, error=error.strerror)) from None
        document = load_json(text, path.name)
        yield document if is_plan_overview(document) else page_of(document, path.name)
        return
    address, seen = name, set()
    while address and address not in seen and len(seen) < MAX_PAGES:
        seen.add(address)
        document = load_json(_fetch(address), address)
        if is_plan_overview(document):
            yield document
            return
        page = page_of(document, address)
        following = page.meta.get("nextLink")
        address = following if isinstance(following, str) and is_address(following) else None
        if isinstance(following, str) and following and address is None:
            page.problems.append(Problem.translated(problems.FTS_NEXT_LINK, label=page.label, link=following))
        yield page
