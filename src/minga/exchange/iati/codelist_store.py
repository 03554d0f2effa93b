"""The IATI codelists Minga names codes with: the official lists once loaded, else a small built-in set.

``minga codelists update --from DIR_OR_URL`` loads every ``<Name>.xml`` of a folder (or of an address,
for the lists named in ``WANTED``) into ``exchange.IatiCode``; the Sector list also names the DAC
5-digit terms of the ``dac-5`` vocabulary. ``name(codelist, code, language)`` answers from the loaded
lists, else from ``BUILT_IN`` (transaction types, organisation types, flow types), else the code itself.
"""

import tempfile
from contextlib import closing
from pathlib import Path

from django.db import transaction

from minga.exchange.fetch import open_address
from minga.exchange.iati.codelists import CodelistError, read_codelist
from minga.exchange.models import IatiCode
from minga.reference.models import Term, Vocabulary

WANTED = ("TransactionType", "OrganisationType", "OrganisationRole", "FlowType", "Sector", "SectorVocabulary",
          "ActivityStatus", "ActivityDateType", "Country", "Region", "Currency", "PolicyMarker",
          "PolicySignificance", "HumanitarianScopeType", "HumanitarianScopeVocabulary", "AidType", "FinanceType")
# Codelist data in English as IATI publishes it (names of codes, not interface messages).
BUILT_IN = {
    "TransactionType": {"1": "Incoming Funds", "2": "Outgoing Commitment", "3": "Disbursement", "4": "Expenditure",
                        "5": "Interest Payment", "6": "Loan Repayment", "7": "Reimbursement", "8": "Purchase of Equity",
                        "9": "Sale of Equity", "10": "Credit Guarantee", "11": "Incoming Commitment",
                        "12": "Outgoing Pledge", "13": "Incoming Pledge"},
    "OrganisationType": {"10": "Government", "11": "Local Government", "15": "Other Public Sector",
                         "21": "International NGO", "22": "National NGO", "23": "Regional NGO",
                         "24": "Partner Country based NGO", "30": "Public Private Partnership", "40": "Multilateral",
                         "60": "Foundation", "70": "Private Sector", "71": "Private Sector in Provider Country",
                         "72": "Private Sector in Aid Recipient Country", "73": "Private Sector in Third Country",
                         "80": "Academic, Training and Research", "90": "Other"},
    "FlowType": {"10": "ODA", "20": "OOF", "21": "Non-export credit OOF", "22": "Officially supported export credits",
                 "30": "Private Development Finance", "35": "Private Market", "36": "Private Foreign Direct Investment",
                 "37": "Other Private flows at market terms", "40": "Non flow", "50": "Other flows"},
}
DAC_VOCABULARY = "dac-5"


def name(codelist: str, code: str, language: str = "en") -> str:
    found = IatiCode.objects.filter(codelist=codelist, code=code).values_list("names", flat=True).first()
    if found:
        return found.get(language) or found.get("en") or next(iter(found.values()), code)
    return BUILT_IN.get(codelist, {}).get(code, code)


def _files(origin: str):
    """Each codelist file at ``origin``: a folder, or an address holding ``<Name>.xml`` (fetched into a temporary
    folder that is removed once the files have been read, or the fetch failed)."""
    if origin.startswith(("http://", "https://")):
        with tempfile.TemporaryDirectory(prefix="minga-codelists-") as fetched:
            folder = Path(fetched)
            for wanted in WANTED:
                target = folder / f"{wanted}.xml"
                address = f"{origin.rstrip('/')}/{wanted}.xml"
                try:
                    with open_address(address, timeout=60) as answer:
                        target.write_bytes(answer.read(50 * 1024 * 1024))
                except OSError as error:
                    raise CodelistError(f"{address}: could not be fetched ({error})") from None
            yield from sorted(folder.glob("*.xml"))
        return
    folder = Path(origin)
    if not folder.is_dir():
        raise CodelistError(f"{origin}: not a folder or an http(s) address")
    yield from sorted(folder.glob("*.xml"))


def _dac_names(items) -> int:
    vocabulary = Vocabulary.objects.filter(code=DAC_VOCABULARY).first()
    if vocabulary is None:
        return 0
    named = 0
    for term in Term.all_objects.filter(vocabulary=vocabulary):
        english = next((item.names.get("en", "") for item in items if item.code == term.code), "")
        if english and term.label_en != english:
            term.label_en = english
            term._change_reason = "name from IATI codelist Sector"
            term.save()
            named += 1
    return named


def _read(origin: str) -> dict[str, list]:
    """{codelist: its items, each code once} of every file at ``origin``, all read before anything is written."""
    lists, files = {}, {}
    with closing(_files(origin)) as paths:
        for path in paths:
            codelist, items = read_codelist(path)
            codelist = codelist or path.stem
            if not items:  # an empty (or cut) list would wipe the one loaded
                raise CodelistError(f"{path}: the codelist {codelist} has no codes")
            if codelist in files:
                raise CodelistError(f"{files[codelist].name} and {path.name} both give the codelist {codelist}")
            files[codelist] = path
            longest = IatiCode._meta.get_field("code").max_length
            for item in items:
                if len(item.code) > longest:
                    raise CodelistError(f"{path}: the code {item.code[:40]}… is longer than {longest} characters")
            unique = {}
            for item in items:  # a few official lists repeat a code (withdrawn and current): the first is kept
                unique.setdefault(item.code, item)
            lists[codelist] = list(unique.values())
    return lists


@transaction.atomic
def update(origin: str) -> dict[str, int]:
    """Load every codelist at ``origin``: answers {codelist: number of codes stored}; one bad file refuses all."""
    loaded = {}
    for codelist, items in _read(origin).items():
        IatiCode.objects.filter(codelist=codelist).delete()
        IatiCode.objects.bulk_create(IatiCode(codelist=codelist, code=item.code, names=item.names,
                                              status=item.status[:12]) for item in items)
        if codelist == "Sector":
            _dac_names(items)
        loaded[codelist] = len(items)
    return loaded
