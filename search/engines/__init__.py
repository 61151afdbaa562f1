"""Search engines behind one interface (issue #18): `engine()` is the one the settings name.

SEARCH_ENGINE=whoosh (the default: an index folder on this machine, beside the embedded SQLite) or
SEARCH_ENGINE=postgres (the index in the PostgreSQL database the archive uses, so several web
machines serve one archive). docs/search-engines.md says how each is deployed.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.module_loading import import_string

from search.engines.base import Hit, SearchEngine, SearchOutcome, Trend, fill_periods

__all__ = ["ENGINES", "Hit", "SearchEngine", "SearchOutcome", "Trend", "engine", "fill_periods"]

ENGINES = {
    "whoosh": "search.engines.whoosh.WhooshEngine",
    "postgres": "search.engines.postgres.PostgresEngine",
}
_engines: dict[tuple[str, str], SearchEngine] = {}
_lock = threading.Lock()


def engine_name() -> str:
    name = getattr(settings, "SEARCH_ENGINE", "whoosh")
    if name not in ENGINES:
        raise ValueError(f"SEARCH_ENGINE: expected one of {', '.join(ENGINES)}, got {name!r}")
    return name


def engine(alias: str = "default") -> SearchEngine:
    """The configured engine, one per process (it keeps the index open between requests)."""
    key = (engine_name(), alias)
    found = _engines.get(key)
    if found is None:
        with _lock:
            found = _engines.get(key)
            if found is None:
                found = _engines[key] = import_string(ENGINES[key[0]])(alias)
    return found
