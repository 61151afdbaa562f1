"""Whole pages shared by every worker process, through Django's cache alias "results" (issue #8 for
search pages, issue #21 for article pages: a repeat under 20 ms whichever worker answers).

A page is stored with its CSRF tokens cut out and compressed (zlib, level 1: a 40-80 KB page becomes
8-15 KB in about 0.2 ms, so five times as many pages fit in the embedded cache's size limit, or in
Redis's memory). On the way out, the request's own token goes back in. The caller's version in the
key (the index version for search pages, the archive's counts version for article pages) does the
invalidating; timeouts only bound stale keys. Only anonymous visitors' pages are ever stored (the
callers check): staff pages show admin links. A cache that does not answer is skipped, never an
error. (The archive app never imports search; search uses this module.)
"""

from __future__ import annotations

import hashlib
import logging
import re
import zlib

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.utils.translation import get_language

ALIAS = "results"
PAGE_TIMEOUT = 3600
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_HOLE = "\x00csrf\x00"

log = logging.getLogger(__name__)


def page_key(version, request) -> str:
    """A page's key: its host and URL, its language, and the caller's version. The host counts
    because pages print absolute URLs (canonical link, permalink, feeds)."""
    parts = ("page-v2", version, request.get_host(), request.get_full_path(), get_language())
    return "page:" + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def page_get(key: str, request) -> bytes | None:
    """The cached page with this request's own CSRF token in it, or None."""
    try:
        stored = caches[ALIAS].get(key)
    except Exception as err:  # noqa: BLE001 — Redis down: build the page
        log.warning("results cache unavailable: %s", err)
        return None
    if not isinstance(stored, bytes):
        return None
    try:
        html = zlib.decompress(stored).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):  # a damaged entry is a miss
        return None
    return html.replace(_CSRF_HOLE, get_token(request)).encode("utf-8")


def page_put(key: str, content: bytes, timeout: int = PAGE_TIMEOUT) -> None:
    html = _CSRF_INPUT.sub(lambda m: m.group(1) + _CSRF_HOLE + m.group(2), content.decode("utf-8"))
    try:
        caches[ALIAS].set(key, zlib.compress(html.encode("utf-8"), 1), timeout)
    except Exception as err:  # noqa: BLE001
        log.warning("results cache unavailable: %s", err)
