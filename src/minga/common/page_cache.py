"""Public pages as the anonymous public sees them, rendered once per change of the data.

``@public_page`` on a view (or, through ninja's ``decorate_view``, an API operation) keeps the whole page it
renders for an anonymous visitor (per host, address, language and htmx target) until a write bumps one of
the domains it depends on (``minga.common.cache``). A signed-in user, who may see unpublished records,
always gets a fresh page; so does a visitor with a message waiting (it is shown once) and every request
other than GET/HEAD or answered other than 200.

The one per-visitor part of a public page is the CSRF token (the language form, htmx's header): the
entry holds a placeholder where the render had its token, and each visitor gets their own token in its
place (``get_token``, which also sets their CSRF cookie as a render would).
"""

import functools
import re

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

from minga.common.cache import DOMAINS, ENTRY_SECONDS, cache_key, quietly

PLACEHOLDER = "__minga_csrf_token__"
# Where a page carries its CSRF token: its forms and htmx's header.
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,})"|"X-CSRFToken": "([A-Za-z0-9]{32,})"')
# Headers the view itself sets; the middleware adds the rest (Vary on the language, CSP, …) on each response.
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Vary", "Cache-Control", "HX-Push-Url")


def _cacheable_request(request) -> bool:
    # An API caller with a token is anonymous to the session but may see its own drafts: never the public's copy.
    return (request.method in ("GET", "HEAD") and not request.user.is_authenticated
            and "Authorization" not in request.headers and not len(get_messages(request)))


def _key(request, name: str, depends: tuple[str, ...]) -> str:
    htmx = (request.headers.get("HX-Request", ""), request.headers.get("HX-Target", ""))
    # The host and scheme too: a page with an absolute address in it is kept for the host that asked.
    return cache_key(f"page:{name}", (request.scheme, request.get_host(), request.get_full_path(), *htmx), depends)


def _entry(response) -> dict | None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    body = response.content.decode(response.charset)
    # Usually one token per page; a part rendered apart (its own template context) would carry another.
    for token in {match.group(1) or match.group(2) for match in _TOKEN.finditer(body)}:
        body = body.replace(token, PLACEHOLDER)
    return {"body": body, "headers": {h: response[h] for h in _KEPT_HEADERS if h in response}}


def public_page(name: str, *, depends=DOMAINS, seconds: int = ENTRY_SECONDS):
    """Keep what the view answers the anonymous public; ``name`` names the page in the cache keys."""
    depends = tuple(depends)

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = _key(request, name, depends)
            entry = quietly(cache.get, key)
            if entry is None:
                response = view(request, *args, **kwargs)
                entry = _entry(response)
                if entry is not None:
                    quietly(cache.set, key, entry, seconds)
                return response
            body = entry["body"]
            if PLACEHOLDER in body:
                body = body.replace(PLACEHOLDER, get_token(request))
            response = HttpResponse(body)
            for header, value in entry["headers"].items():
                response[header] = value
            return response
        return wrapper
    return decorate

