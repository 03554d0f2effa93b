from django.shortcuts import render

from minga.finance import selectors


def conference_list(request):
    return render(request, "finance/conference_list.html", {"conferences": selectors.conferences_with_figures()})
