"""Reading IATI codelist XML files (e.g. Sector.xml, the DAC 5-digit list) safely."""

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def safe_parser() -> etree.XMLParser:
    # No entity expansion, no DTD, no network: a codelist is data, never instructions.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass
class CodelistItem:
    code: str
    names: dict[str, str]
    status: str


class CodelistError(ValueError):
    pass


def read_codelist(path: Path) -> tuple[str, list[CodelistItem]]:
    """Return the codelist's name attribute and its items, names keyed by language (default 'en')."""
    try:
        root = etree.parse(str(path), safe_parser()).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise CodelistError(f"{path}: not a readable XML file ({error})") from None
    if root.tag != "codelist":
        raise CodelistError(f"{path}: the root element is <{root.tag}>, not <codelist>")
    default_language = root.get(XML_LANG, "en")
    items = []
    for element in root.iterfind("codelist-items/codelist-item"):
        code = (element.findtext("code") or "").strip()
        if not code:
            raise CodelistError(f"{path}: a codelist item has no code (line {element.sourceline})")
        names = {}
        for narrative in element.iterfind("name/narrative"):
            language = narrative.get(XML_LANG, default_language)
            if narrative.text:
                names[language] = narrative.text.strip()
        items.append(CodelistItem(code=code, names=names, status=element.get("status", "active")))
    return root.get("name", ""), items
