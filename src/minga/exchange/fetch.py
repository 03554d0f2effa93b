"""Fetching an import's address: http and https only, with a timeout, never redirected elsewhere.

``urllib`` alone opens ``file:`` and ``ftp:`` addresses and follows a redirect to ``ftp:``; an import given
an address by a person (or a ``nextLink`` given by a page) must read nothing but the web.
"""

import re
import urllib.error
import urllib.request

SCHEMES = ("http://", "https://")
ANY_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def is_address(name: str) -> bool:
    return name.lower().startswith(SCHEMES)


def is_other_scheme(name: str) -> bool:
    """An address Minga does not fetch (``file:``, ``ftp:``, ``data:``…); a path such as ``C:\\x`` is not one."""
    return bool(ANY_SCHEME.match(name)) and not is_address(name) and not WINDOWS_DRIVE.match(name)


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not is_address(newurl):
            raise urllib.error.HTTPError(newurl, code, f"redirect to {newurl} refused: not http or https",
                                         headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.OpenerDirector()
for _handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), urllib.request.HTTPHandler(),
                 urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(), _WebOnlyRedirects(),
                 urllib.request.HTTPErrorProcessor()):
    _OPENER.add_handler(_handler)


def open_address(address: str, *, timeout: float, headers: dict | None = None):
    """The answer to an http(s) address (a context manager); ``ValueError`` for any other scheme, ``OSError``
    (``urllib.error.URLError``, ``TimeoutError``) when it cannot be fetched within ``timeout`` seconds."""
    if not is_address(address):
        raise ValueError(f"{address}: only http and https addresses are fetched")
    request = urllib.request.Request(address, headers={"User-Agent": "minga", **(headers or {})})  # noqa: S310 (checked above)
    return _OPENER.open(request, timeout=timeout)
