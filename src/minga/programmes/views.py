"""The public catalogue: a list per country and theme, a page per programme (share links, Open Graph card),
Atom feeds per country and per theme, and an embeddable list for partner sites. Thin."""

from urllib.parse import quote

from csp.decorators import csp_replace
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt

from minga.common.page_cache import public_page
from minga.programmes import selectors
from minga.programmes.models import ProgrammeTheme
from minga.reference.models import Country


def _filters(request) -> dict:
    return {"country": request.GET.get("country", "").strip().upper()[:3],
            "theme": request.GET.get("theme", "").strip()[:30]}


@public_page("programmes")
def programme_list(request):
    filters = _filters(request)
    return render(request, "programmes/list.html", {
        "programmes": selectors.programmes(request.user, **filters), "filters": filters,
        "countries": selectors.countries_with_programmes(request.user), "themes": ProgrammeTheme.choices,
    })


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """(label, address) of the places a reader may share a page to: no script, plain links."""
    text, address = quote(title), quote(url, safe="")
    return [
        ("WhatsApp", f"https://wa.me/?text={text}%20{address}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={address}"),
        ("X", f"https://twitter.com/intent/tweet?text={text}&url={address}"),
        (_("E-mail"), f"mailto:?subject={text}&body={address}"),
    ]


@public_page("programme")
def programme_detail(request, code):
    programme = selectors.access_programme(request.user, code)
    url = request.build_absolute_uri(programme.get_absolute_url())
    name = str(programme)
    return render(request, "programmes/detail.html", {
        "programme": programme, "page_url": url, "share_links": share_links(url, name),
        "card_url": request.build_absolute_uri(f"{programme.get_absolute_url()}card.png"),
    })


@cache_control(public=True, max_age=3600)  # an image: not kept by the page cache, which keeps text
def programme_card(request, code):
    from minga.programmes.cards import card_png  # Pillow only when a card is asked for

    programme = selectors.access_programme(request.user, code)
    return card_png(programme)


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@public_page("programme_widget")
def programme_widget(request):
    """The list a partner site puts in an <iframe>: the only page that may be framed, by anyone."""
    filters = _filters(request)
    if filters["country"] and not Country.objects.filter(iso3=filters["country"]).exists():
        raise Http404
    return render(request, "programmes/widget.html", {
        "programmes": selectors.programmes(request.user, **filters), "filters": filters})


def theme_or_404(theme: str) -> str:
    if theme not in ProgrammeTheme.values:
        raise Http404
    return theme


def country_or_404(iso3: str) -> Country:
    return get_object_or_404(Country, iso3=iso3.upper())
