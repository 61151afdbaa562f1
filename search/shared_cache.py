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

from django.core.cache import caches

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
