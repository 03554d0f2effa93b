"""The text of an uploaded file: .txt, .md, .html or .docx, bounded before it is read.

Every refusal is a ``DocumentRefused`` with a sentence for the reader; nothing here raises anything
else on a malformed file (a broken zip, an HTML fragment, bytes that are not text).
"""

import io
import re
import zipfile

import lxml.etree
import lxml.html
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 2 * 1024 * 1024          # the upload itself
MAX_TEXT_CHARACTERS = 500_000             # the text the checker reads from it
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024     # word/document.xml once unzipped (a zip bomb stops here)
EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocumentRefused(Exception):
    pass


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentRefused(_("The file is not text in UTF-8 or Windows-1252."))


def _html_text(data: bytes) -> str:
    if not data.strip():
        return ""
    # Decoded here (UTF-8, else Windows-1252) rather than by lxml, which takes bytes without a declared charset
    # for Latin-1; an XML declaration is dropped, as lxml refuses one in a decoded string.
    text = XML_DECLARATION.sub("", _decode(data), count=1)
    try:
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
        document = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise DocumentRefused(_("The HTML file could not be read.")) from error
    for element in document.xpath("//script|//style|//template|//noscript"):
        element.drop_tree()
    # Block elements end a line, so that line numbers follow the page's paragraphs.
    for element in document.iter("p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"):
        element.tail = "\n" + (element.tail or "")
    return document.text_content()


def _docx_text(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                info = archive.getinfo("word/document.xml")
            except KeyError as error:
                raise DocumentRefused(_("The .docx file has no document in it.")) from error
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise DocumentRefused(_("The .docx file is too large once unpacked."))
            xml = archive.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as error:
        raise DocumentRefused(_("The .docx file is damaged or is not a Word document.")) from error
    try:
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = lxml.etree.fromstring(xml, parser=parser)
    except lxml.etree.XMLSyntaxError as error:
        raise DocumentRefused(_("The .docx file is damaged or is not a Word document.")) from error
    paragraphs = []
    for paragraph in root.iter(f"{WORD}p"):
        parts = []
        for node in paragraph.iter(f"{WORD}t", f"{WORD}tab", f"{WORD}br"):
            if node.tag == f"{WORD}t":
                parts.append(node.text or "")
            else:
                parts.append("\t" if node.tag == f"{WORD}tab" else "\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def extract_text(name: str, data: bytes) -> str:
    """The text of the file ``name`` holding ``data``; ``DocumentRefused`` saying why not."""
    lowered = (name or "").lower()
    if not lowered.endswith(EXTENSIONS):
        raise DocumentRefused(_("Upload a .txt, .md, .html or .docx file."))
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRefused(_("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)})
    if lowered.endswith(".docx"):
        text = _docx_text(data)
    elif lowered.endswith((".html", ".htm")):
        text = _html_text(data)
    else:
        text = _decode(data)
    if "\x00" in text:
        raise DocumentRefused(_("The file is not text in UTF-8 or Windows-1252."))
    if len(text) > MAX_TEXT_CHARACTERS:
        raise DocumentRefused(_("The text is longer than %(count)s characters: check it in parts.")
                              % {"count": f"{MAX_TEXT_CHARACTERS:,}"})
    return text
