"""An import's problems, and a failed run's reason, stored language-neutral: what each said when it was made
(``message``: what the command line prints, and all an older run's rows hold) and how to say it in the reader's
language (``template``, a msgid, with its ``params``, plain JSON values; a param may itself be a problem, stored
as its own ``{"template", "params"}``, and said in the reader's language too).

The IATI reader runs in a second process (``common.read_ahead``) where no language is active, and reads
activity after activity: it never translates. It gives a ``Problem``, a text (the English message, so that
whatever compares, joins or prints problems as texts goes on doing so) that also carries its template and
params; made only when something is wrong, from the constants below (``gettext_noop``: marked for the
catalogues, nothing looked up). The FTS reader says its problems in the active language (``translated``: the
command line prints them so), with their templates all the same. The run's page translates when it shows a row
(``shown``).
"""

import json

from django.utils.translation import gettext, gettext_noop

from minga.accounts.permissions import Refusal


class Problem(str):
    """A problem's English text, ``template % params``, with its ``template`` and ``params``."""

    def __new__(cls, template: str, **params):
        return cls._made(template % params if params else template, template, params)

    @classmethod
    def translated(cls, template: str, **params) -> "Problem":
        """The same, its text in the active language (what the importer says itself, as it always did)."""
        return cls._made(gettext(template) % params if params else gettext(template), template, params)

    @classmethod
    def _made(cls, text: str, template: str, params: dict) -> "Problem":
        problem = str.__new__(cls, text)
        problem.template, problem.params = template, params
        return problem

    def __reduce__(self):  # sent between processes (pickled) as what it is made of
        return _rebuilt, (str(self), self.template, self.params)


def _rebuilt(text: str, template: str, params: dict) -> Problem:
    return Problem._made(text, template, params)


def of(error: Exception) -> str:
    """What an exception says: the ``Problem`` it was raised with (a permission's ``Refusal`` made one), or its
    text."""
    if isinstance(error, Refusal):
        params = {key: Problem(value) for key, value in error.params.items()}
        return Problem._made(str(error), error.template, params)
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Problem) else str(error)


def restored(stored: dict) -> str:
    """A stored row (or reason) as the ``Problem`` it was, or its message when it has no template."""
    if not stored.get("template"):
        return stored.get("message", "")
    return Problem._made(stored.get("message", ""), stored["template"], stored.get("params") or {})


def stored(message: str) -> dict:
    """How to say ``message`` again, ``{"template", "params"}``, a nested problem as its own; nothing for a plain
    text, or for params JSON cannot hold as they are (a number FTS gave as NaN): then its message is all there is."""
    if not isinstance(message, Problem):
        return {}
    params = {key: stored(value) or value for key, value in message.params.items()}
    try:
        json.dumps(params, allow_nan=False)
    except (TypeError, ValueError):
        return {}
    return {"template": message.template, "params": params}


def row(source: str, message: str, identifier: str = "", line: int = 0) -> dict:
    """A problem as an import run stores it: with ``template`` and ``params`` when ``message`` is a ``Problem``
    (as a plain text: ``message`` may be given translated already, beside its template)."""
    return {"source": source, "identifier": identifier, "line": line, "message": str(message), **stored(message)}


def shown(problem: dict) -> str:
    """The problem in the active language: its template translated with its params (a nested problem's too); its
    message when it has no template (a row stored before templates were) or when the translation does not take
    its params."""
    if not problem.get("template"):
        return problem.get("message", "")
    try:
        return _said(problem)
    except (KeyError, TypeError, ValueError):
        return problem.get("message", "")


def _said(problem: dict) -> str:
    params = {key: _said(value) if _is_problem(value) else value
              for key, value in (problem.get("params") or {}).items()}
    return gettext(problem["template"]) % params if params else gettext(problem["template"])


def _is_problem(value) -> bool:
    return isinstance(value, dict) and set(value) == {"template", "params"} and isinstance(value["template"], str)


# The IATI reader's problems (``iati.reader``, ``iati.stream``). IATI's element names stay as they are.
PERCENTAGE_NOT_A_NUMBER = gettext_noop("%(element)s: percentage %(value)r is not a number")
TRANSACTION_NO_VALUE = gettext_noop("transaction at line %(line)s: no value")
TRANSACTION_VALUE_NOT_A_NUMBER = gettext_noop("transaction at line %(line)s: value %(value)r is not a number")
TRANSACTION_VALUE_TOO_LONG = gettext_noop(
    "transaction at line %(line)s: value %(value)r has more digits than Minga keeps")
TRANSACTION_VALUE_DATE_NOT_A_DATE = gettext_noop("transaction at line %(line)s: value-date %(value)r is not a date")
PLACES_AT_BOTH_LEVELS = gettext_noop(
    "transaction at line %(line)s: recipient-country or recipient-region given for the activity and for its "
    "transactions (IATI 2.03: one or the other); imported, each transaction's own place used")
# A budget is no money in the funding answers: one whose part given is no date or no number is left out, and said.
BUDGET_VALUE_NOT_A_NUMBER = gettext_noop(
    "budget at line %(line)s: value %(value)r is not a number; the activity imported without this budget")
BUDGET_VALUE_DATE_NOT_A_DATE = gettext_noop(
    "budget at line %(line)s: value-date %(value)r is not a date; the activity imported without this budget")
BUDGET_PERIOD_NOT_A_DATE = gettext_noop(
    "budget at line %(line)s: %(element)s %(value)r is not a date; the activity imported without this budget")
TRANSACTION_TYPE_UNKNOWN = gettext_noop(
    "transaction at line %(line)s: transaction type %(code)r is not an IATI transaction type (1-13)")
# What a transaction lacks, by (no type, no currency, no value date): each combination one sentence.
TRANSACTION_MISSING = {
    (True, False, False): gettext_noop("transaction at line %(line)s: no transaction type"),
    (False, True, False): gettext_noop("transaction at line %(line)s: no currency"),
    (False, False, True): gettext_noop("transaction at line %(line)s: no value date"),
    (True, True, False): gettext_noop("transaction at line %(line)s: no transaction type, no currency"),
    (True, False, True): gettext_noop("transaction at line %(line)s: no transaction type, no value date"),
    (False, True, True): gettext_noop("transaction at line %(line)s: no currency, no value date"),
    (True, True, True): gettext_noop("transaction at line %(line)s: no transaction type, no currency, no value date"),
}
NO_IDENTIFIER = gettext_noop("no iati-identifier")
NOT_ONE_REPORTING_ORG = gettext_noop("there must be exactly one reporting-org")
MORE_THAN_ONE_STATUS = gettext_noop("more than one activity-status")
MORE_THAN_ONE_TITLE = gettext_noop("more than one title")
TITLE_WITHOUT_TEXT = gettext_noop("the title has no text")
DESCRIPTION_WITHOUT_TEXT = gettext_noop("a description has no text (line %(line)s)")
SCHEMA_ERROR = gettext_noop("line %(line)s: %(error)s")  # the error as the XML Schema validator gives it (English)
NO_VERSION = gettext_noop("<iati-activities> has no version attribute")
NO_ACTIVITY = gettext_noop("no iati-activity in the file")
DOCTYPE = gettext_noop(
    "the file declares a DOCTYPE (entities or a DTD): an IATI file has none, and nothing was read")
WRONG_ROOT = gettext_noop("the root element is <%(tag)s>, not <iati-activities>")
NOT_WELL_FORMED = gettext_noop("not well-formed XML (line %(line)s): %(error)s")
NOT_READ = gettext_noop("could not be read: %(error)s")
NO_DOCUMENT = gettext_noop("no XML document in the file")
TOO_MANY_ELEMENTS = gettext_noop(
    "line %(line)s: the activity holds more than %(limit)s elements (the largest real activity files hold a few "
    "thousand); nothing more of the file was read")
# The importer's: an activity the database refused (its error as the database or the checks gave it).
NOT_STORED = gettext_noop("not stored: %(error)s")
OWN_ACTIVITIES = gettext_noop("activities reported by this platform itself (%(ref)s) skipped: %(count)s; their "
                              "projects and flows are already here")

# The FTS reader's problems (``fts_read``, ``fts_plans``, ``fts``): said in the active language when made (the
# command line prints them), stored with these. FTS's field names stay as they are.
FTS_NOT_AN_OBJECT = gettext_noop("not an object")
FTS_NOT_A_NUMBER = gettext_noop("%(name)s is not a number")
FTS_NOT_A_WHOLE_NUMBER = gettext_noop("%(name)s is not a whole number")
FTS_OUT_OF_RANGE = gettext_noop("%(name)s is out of range")
FTS_NOT_A_LIST_OF_OBJECTS = gettext_noop("%(name)s is not a list of objects")
FTS_FIELD_NOT_AN_OBJECT = gettext_noop("%(name)s is not an object")
FTS_STATUS = gettext_noop("status %(value)r is not pledge, commitment or paid")
FTS_BOUNDARY = gettext_noop("boundary %(value)r is not incoming, outgoing or internal")
FTS_ON_BOUNDARY = gettext_noop("onBoundary %(value)r is not single or shared")
FTS_DATE = gettext_noop("date %(value)r is not a date")
FTS_CURRENCY = gettext_noop("originalCurrency %(value)r is not a currency code")
FTS_CHILDREN = gettext_noop("childFlowIds is not a list")
# A flow refused: where it is, and why (``error``: one of the above, nested).
FTS_FLOW_REFUSED = gettext_noop("%(label)s, flow %(position)s (id %(id)s): %(error)s")
# A flow the database or the finance checks refused (``error``: their messages, as they gave them).
FTS_FLOW_NOT_STORED = gettext_noop("flow %(id)s: %(error)s")
# A plan of an overview not read (``error``: one of the above, nested, or Python's own words).
FTS_PLAN_NOT_READ = gettext_noop("plan %(id)s: not read (%(error)s)")
# A page (or file) refused whole (``error``: as the JSON parser or the system gave it, in English).
FTS_NOT_JSON = gettext_noop("%(label)s: not JSON (%(error)s).")
FTS_NOT_A_FLOW_SEARCH = gettext_noop("%(label)s: not an FTS flow search (no data.flows list).")
FTS_TOO_LARGE = gettext_noop("%(label)s: larger than %(limit)s MB.")
FTS_NOT_FETCHED = gettext_noop("%(label)s: could not be fetched (%(error)s).")
FTS_NOT_READ = gettext_noop("%(label)s: could not be read (%(error)s).")
FTS_ONLY_HTTP = gettext_noop("%(label)s: only http and https addresses are read.")
FTS_NEXT_LINK = gettext_noop("%(label)s: its nextLink %(link)s is not an http or https address; not followed.")
