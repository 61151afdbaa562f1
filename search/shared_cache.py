"""Search results shared by every worker process, through Django's cache alias "results".

Configured in settings (CACHES["results"]): Redis when REDIS_URL is set (`make serve-prod`, the load
benchmark), else memory local to the process. A result is keyed by the search *and* the index
version (generation + segment ids), so any commit to the index makes every older entry unreachable:
nothing needs deleting, and a cleared-and-rebuilt index (new random segment ids) never meets an
old entry. A cache that does not answer is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import re

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.utils.translation import get_language

ALIAS = "results"
log = logging.getLogger(__name__)


def _key(version: str, key) -> str:
    digest = hashlib.blake2b(repr((version, key)).encode(), digest_size=20).hexdigest()
    return f"search:{digest}"


def get(version: str, key):
    try:
        return caches[ALIAS].get(_key(version, key))
    except Exception as err:  # noqa: BLE001 — Redis down: search without the shared cache
        log.warning("results cache unavailable: %s", err)
        return None


def put(version: str, key, outcome) -> None:
    try:
        caches[ALIAS].set(_key(version, key), outcome)
    except Exception as err:  # noqa: BLE001
        log.warning("results cache unavailable: %s", err)


# --- whole search pages (issue #8: a repeated search under 20 ms whichever worker answers) --------

PAGE_TIMEOUT = 3600  # the index version in the key does the invalidating; this bounds stale keys
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_HOLE = "\x00csrf\x00"


def page_key(version: str, request) -> str:
    """A search page's key: its URL and language, and the index version. Every change to what a
    result shows (an article, its province, outlet or officials) reaches the index through its
    queue (docs/index-integrity.md), so a new index version is also a new page."""
    parts = (version, request.get_full_path(), get_language())
    return "page:" + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def page_get(key: str, request) -> bytes | None:
    """The cached page with this request's own CSRF token in it (the language switch posts a
    form), or None."""
    try:
        html = caches[ALIAS].get(key)
    except Exception as err:  # noqa: BLE001
        log.warning("results cache unavailable: %s", err)
        return None
    if html is None:
        return None
    return html.replace(_CSRF_HOLE, get_token(request)).encode("utf-8")


def page_put(key: str, content: bytes) -> None:
    html = _CSRF_INPUT.sub(lambda m: m.group(1) + _CSRF_HOLE + m.group(2), content.decode("utf-8"))
    try:
        caches[ALIAS].set(key, html, PAGE_TIMEOUT)
    except Exception as err:  # noqa: BLE001
        log.warning("results cache unavailable: %s", err)
