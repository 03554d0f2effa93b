"""The public glossary, the printable guide and the checker page (server-rendered: no JavaScript needed)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minga.narrative import printing, selectors
from minga.narrative.documents import MAX_FILE_BYTES, MAX_TEXT_CHARACTERS, DocumentRefused, extract_text
from minga.narrative.models import LANGUAGES, Category

CHECK_LANGUAGES = ("auto", *selectors.LANGUAGE_CODES)


def _reader_language() -> str:
    language = (get_language() or "es")[:2]
    return language if language in selectors.LANGUAGE_CODES else "es"


def _bad(request, field: str, message: str):
    return render(request, "400.html", {"message": f"{field}: {message}"}, status=400)


def glossary(request):
    language = request.GET.get("language") or _reader_language()
    category = request.GET.get("category", "")
    if language not in selectors.LANGUAGE_CODES:
        return _bad(request, "language", _("Choose es, pt or en."))
    if category and category not in Category.values:
        return _bad(request, "category", _("Unknown category."))
    entries = selectors.glossary(request.user, language=language, category=category)
    return render(request, "narrative/glossary.html", {
        "entries": entries, "language": language, "category": category, "languages": LANGUAGES,
        "categories": Category.choices, "category_help": selectors.CATEGORY_HELP,
    })


def guide_print(request, language):
    """The whole guide of one language on one page, laid out for printing (and for ``minga guide-pdf``)."""
    if language not in selectors.LANGUAGE_CODES:
        return _bad(request, "language", _("Choose es, pt or en."))
    return render(request, "narrative/guide_print.html", selectors.printable_guide(request.user, language))


def guide_pdf(request, language):
    """The printable guide as a PDF download, in the language of its terms."""
    if language not in selectors.LANGUAGE_CODES:
        return _bad(request, "language", _("Choose es, pt or en."))
    response = HttpResponse(printing.guide_pdf(request.user, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{printing.guide_filename(language)}"'
    return response


@require_http_methods(["GET", "POST"])
def check(request):
    context = {"languages": LANGUAGES, "chosen": "auto", "text": "", "max_mb": MAX_FILE_BYTES // (1024 * 1024),
               "max_characters": MAX_TEXT_CHARACTERS}
    if request.method == "GET":
        return render(request, "narrative/check.html", context)
    chosen = request.POST.get("language", "auto")
    if chosen not in CHECK_LANGUAGES:
        return _bad(request, "language", _("Choose auto, es, pt or en."))
    context["chosen"] = chosen
    upload = request.FILES.get("file")
    text = request.POST.get("text", "")
    error = None
    if upload:
        try:
            text = extract_text(upload.name, upload.read(MAX_FILE_BYTES + 1))
        except DocumentRefused as refused:
            error = str(refused)
        context["file_name"] = upload.name
    elif len(text) > MAX_TEXT_CHARACTERS:
        error = _("The text is longer than %(count)s characters: check it in parts.") % {"count": f"{MAX_TEXT_CHARACTERS:,}"}
    elif not text.strip():
        error = _("Paste a text or choose a file.")
    if error:
        context.update(error=error, text=text if len(text) <= MAX_TEXT_CHARACTERS else "")
        return render(request, "narrative/check.html", context, status=422)
    language = selectors.resolve_language(text, chosen, default=_reader_language())
    text, findings = selectors.check(text, language)
    context.update(text=text, checked=True, language=language, language_label=dict(LANGUAGES)[language],
                   findings=findings, segments=selectors.segments(text, findings))
    return render(request, "narrative/check.html", context)
