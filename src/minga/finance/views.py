from django.shortcuts import render

from minga.common.page_cache import public_page
from minga.finance import selectors


@public_page("conferences")
def conference_list(request):
    return render(request, "finance/conference_list.html", {"conferences": selectors.conferences_with_figures()})
