from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from minga.common.errors import ParameterInvalid
from minga.common.languages import LANGUAGES
from minga.common.page_cache import public_page
from minga.process import selectors
from minga.process.models import DocumentKind, Meeting, ProcessDocument
from minga.reference.models import LINES_OF_WORK, QUITO_AXES


@require_GET
@public_page("process-overview")
def overview(request):
    terms = selectors.presidency_terms()
    return render(request, "process/overview.html", {
        "presidency_terms": terms,
        "latest_presidency": selectors.latest_presidency(terms),
        "secretariat": selectors.organisations_with_role("technical_secretariat"),
        "group_of_friends": selectors.organisations_with_role("group_of_friends"),
        "lines_of_work": selectors.terms_of(LINES_OF_WORK),
        "axes": selectors.terms_of(QUITO_AXES),
        "meetings": selectors.meetings(),
        # Under names a template can read ("-" is not allowed in a variable).
        "sources": {key.replace("-", "_"): source for key, source in
                    selectors.sources_by_key("iom-quito-process-page", "quito-process-members").items()},
    })


@require_GET
@public_page("process-meeting")
def meeting_detail(request, code):
    try:
        meeting = selectors.meeting(code)
    except Meeting.DoesNotExist:
        raise Http404 from None
    return render(request, "process/meeting_detail.html", {"meeting": meeting})


@require_GET
@public_page("process-documents")
def document_list(request):
    try:
        filters = selectors.ArchiveFilters.from_querydict(request.GET)
    except ParameterInvalid as error:  # 400 naming the parameter, as the catalogue answers
        return render(request, "400.html", {"message": f"{error.field}: {error.message}"}, status=400)
    return render(request, "process/document_list.html", {
        "filters": filters,
        "documents": selectors.documents(filters),
        "kinds": DocumentKind.choices,
        "years": selectors.archive_years(),
        "countries": selectors.signatory_countries(),
        "languages": LANGUAGES,
    })


@require_GET
@public_page("process-document")
def document_detail(request, code):
    try:
        document = selectors.document(code)
    except ProcessDocument.DoesNotExist:
        raise Http404 from None
    return render(request, "process/document_detail.html", {"document": document})
