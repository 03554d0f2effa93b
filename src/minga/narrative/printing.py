"""The printable guide of one language as a PDF: the training material itself, from the site or `minga guide-pdf`."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from minga.common.pdf import html_to_pdf
from minga.narrative import selectors


def guide_html(user, language: str) -> str:
    """The printable guide as one self-contained page (styles inline): nothing for the PDF renderer to fetch."""
    with translation.override(language):  # the guide's headings in the language of its terms
        return render_to_string("narrative/guide_print.html", {
            **selectors.printable_guide(user, language),
            "inline_css": Path(finders.find("minga/css/guide-print.css")).read_text(encoding="utf-8"),
        })


def guide_pdf(user, language: str) -> bytes:
    return html_to_pdf(guide_html(user, language))


def guide_filename(language: str) -> str:
    return f"minga-inclusive-language-guide-{language}.pdf"
