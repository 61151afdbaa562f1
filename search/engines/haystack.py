"""What remains of Haystack here: `search_indexes.py` states what a document holds, and the
connection carries the Whoosh engine's backend. Haystack's own query path is not offered.

`SearchQuerySet().auto_query("dan van")` answered 0 where the search page answers all 5 seeds
(issue #18): Haystack's query builder reads a line as English words through its own parser, with
none of the plan's readings, widening, exclusions or tiers. Putting the engines behind Haystack's
query interface would mean compiling its SQ trees back into a plan, for no caller; so a
SearchQuerySet refuses to be built, with a message saying what to use (docs/search-engines.md).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery

NOT_OFFERED = (
    "Haystack's SearchQuerySet is not offered: it would answer other than the search page. "
    "Search with search.engines.engine().search(search.query.build_plan(line, ...)) "
    "(docs/search-engines.md)."
)


class NotOffered(ImproperlyConfigured):
    pass


class NotOfferedQuery(BaseSearchQuery):
    def __init__(self, *args, **kwargs):
        raise NotOffered(NOT_OFFERED)


class IndexOnlyBackend(BaseSearchBackend):
    """The Haystack connection when the engine is not Haystack's (SEARCH_ENGINE=postgres): it keeps
    `search_indexes.py` loadable and refuses every Haystack read or write, which go through
    `search.engines.engine()` instead."""

    def update(self, index, iterable, commit=True):
        raise NotOffered(NOT_OFFERED)

    def remove(self, obj_or_string, commit=True):
        raise NotOffered(NOT_OFFERED)

    def clear(self, models=None, commit=True):
        raise NotOffered(NOT_OFFERED)

    def search(self, query_string, **kwargs):
        raise NotOffered(NOT_OFFERED)


class IndexOnlyEngine(BaseEngine):
    backend = IndexOnlyBackend
    query = NotOfferedQuery
