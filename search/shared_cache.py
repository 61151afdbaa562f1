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


def index_version(searcher) -> str:
    reader = searcher.reader()
    segments = sorted(
        leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if hasattr(leaf, "segment")
    )
    return f"{reader.generation()}:{','.join(segments)}"


def _key(searcher, key) -> str:
    digest = hashlib.blake2b(repr((index_version(searcher), key)).encode(), digest_size=20).hexdigest()
    return f"search:{digest}"


def get(searcher, key):
    try:
        return caches[ALIAS].get(_key(searcher, key))
    except Exception as err:  # noqa: BLE001 — Redis down: search without the shared cache
        log.warning("results cache unavailable: %s", err)
        return None


def put(searcher, key, outcome) -> None:
    try:
        caches[ALIAS].set(_key(searcher, key), outcome)
    except Exception as err:  # noqa: BLE001
        log.warning("results cache unavailable: %s", err)
