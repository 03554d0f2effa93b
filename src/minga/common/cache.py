"""What only changes on a write, kept in Django's cache and dropped by the writes themselves.

Each domain whose data public pages show has a generation: a random token stored in the cache
(``generation(name)``). Every cached entry's key includes the generations it depends on; a write
replaces its domain's token (``bump(name)``, or the ``@invalidates(name)`` decorator on a service),
so every entry built before is never read again and expires on its own. No key is ever enumerated.

The token lives in the shared cache (the database cache by default, Redis or Memcached when a
deployment configures one: ``MINGA_CACHE_URL``), so every worker of every machine sees a write at its
next request. A token, not a counter: two writers bumping at once never leave the same value behind.
``bump`` replaces it at once (with the database cache, inside the write's own transaction, so a
rolled-back write leaves the cache as it was) and again when the transaction commits, so that a
reader who filled an entry between the two, from the data not yet committed, is not believed.
"""

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils.translation import get_language

log = logging.getLogger(__name__)
T = TypeVar("T")

# The domains public pages read. Pages depend on all of them (a page of one domain shows figures of another).
REFERENCE, FINANCE, PORTFOLIO, PROCESS, SERVICES, RESULTS = "reference", "finance", "portfolio", "process", "services", "results"
DOMAINS = (REFERENCE, FINANCE, PORTFOLIO, PROCESS, SERVICES, RESULTS)
# Entries outlive no change made around the services (the admin, a shell) by more than this.
ENTRY_SECONDS = 60 * 60
_MISSING = object()


def _generation_key(name: str) -> str:
    return f"minga:generation:{name}"


def generations(names: Iterable[str]) -> dict[str, str]:
    """The current token of each domain (one cache read); a domain without one (a new or emptied cache) gets one."""
    names = tuple(names)
    found = quietly(cache.get_many, [_generation_key(name) for name in names])
    if found is None:  # no cache to be had: tokens of this request alone, so that nothing is kept or found
        return {name: uuid.uuid4().hex for name in names}
    tokens = {name: found.get(_generation_key(name)) for name in names}
    for name, token in tokens.items():
        if token is None:
            new = uuid.uuid4().hex
            # add(): of two processes starting a domain at once, the first one's token stays
            tokens[name] = new if quietly(cache.add, _generation_key(name), new, None, default=False) else (
                cache.get(_generation_key(name)) or new)
    return tokens


def generation(name: str) -> str:
    return generations((name,))[name]


def bump(*names: str) -> None:
    """Everything cached from the data of these domains is stale: called by each write, after it is made."""
    for name in names:
        cache.set(_generation_key(name), uuid.uuid4().hex, None)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: [cache.set(_generation_key(name), uuid.uuid4().hex, None) for name in names])


def invalidates(*names: str, public: Callable[[dict, object], bool] | None = None
                ) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate a service that writes data of these domains: each successful call bumps them.

    ``public(arguments, result)``, when given, says whether the write touched what the anonymous public sees
    (the record before the call, from the keyword ``arguments``, or the one it returns): a call that did not
    (a draft created or edited) bumps nothing. Only the public's pages are kept (``page_cache``,
    ``cached_for_public``), so a hidden record's writes need not drop them; without this, every officer's
    draft saved would empty every public page's entry at once.
    """
    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            result = function(*args, **kwargs)
            if public is None or public(kwargs, result):
                bump(*names)
            return result
        wrapper.invalidates = names
        return wrapper
    return decorate


def cache_key(name: str, parts: Iterable[object], depends: Iterable[str]) -> str:
    """A short key (any backend: no spaces, under 250 characters) for ``parts`` in the reader's language."""
    tokens = generations(depends)
    text = "\x1f".join([get_language() or "", *map(repr, parts), *(f"{d}={t}" for d, t in sorted(tokens.items()))])
    return f"minga:{name}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"


def cached(name: str, parts: Iterable[object], build: Callable[[], T], *, depends: Iterable[str] = DOMAINS,
           seconds: int = ENTRY_SECONDS) -> T:
    """``build()``'s value, kept under ``name`` and ``parts`` per language until a write to ``depends``."""
    key = cache_key(name, parts, depends)
    value = quietly(cache.get, key, _MISSING, default=_MISSING)
    if value is _MISSING or value is None:
        value = build()
        quietly(cache.set, key, value, seconds)
    return value


def cached_for_public(name: str, *, depends: Iterable[str] = DOMAINS, seconds: int = ENTRY_SECONDS):
    """Decorate a selector ``f(user, *args)`` whose arguments after the user are plain values: what it
    returns to the anonymous public is kept (per language and arguments); a signed-in user's call,
    which may see more, is never cached."""
    depends = tuple(depends)

    def decorate(function):
        @functools.wraps(function)
        def wrapper(user, *args, **kwargs):
            if user is not None and user.is_authenticated:
                return function(user, *args, **kwargs)
            return cached(name, (*args, *sorted(kwargs.items())), lambda: function(user, *args, **kwargs),
                          depends=depends, seconds=seconds)
        return wrapper
    return decorate


def quietly(operation, *args, default=None):
    """A cache that cannot be read or written (a locked SQLite file, Redis away) costs speed, never the page."""
    try:
        return operation(*args)
    except DatabaseError:
        log.warning("cache %s failed", operation.__name__, exc_info=True)
        return default
