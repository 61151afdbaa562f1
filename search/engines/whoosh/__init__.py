"""The Whoosh engine: the archive's index in one machine's folder (issue #3, #8, #15, #16).

Everything that touches Whoosh lives under this folder: the Haystack backend (`backend.py`: the
schema, the forked segment writers, the query reading, the exclusion matcher), whole-set evaluation
(`docsets.py`), the compact postings codec (`codec.py`), the decoded posting lists shared between
processes (`decoded.py`) and the analyzer as Whoosh takes it (`analyzer.py`). No other module of the
project imports Whoosh (tests/search/test_engine_seam.py). This module adapts the backend to the one
interface of `search.engines.base`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from haystack import connections
from haystack.constants import DJANGO_ID, ID
from whoosh.filedb.filestore import StorageError
from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError

from search.analysis import ParsedQuery
from search.engines.base import SearchEngine, SearchOutcome, Trend, limit_facets, trend_wanted
from search.query import SearchPlan

FOLDED_TEXT = "text_f"  # the folded syllables of the full text (spelling suggestions count them)


def whoosh_id(pk: int) -> str:
    return f"archive.article.{pk}"


class WhooshEngine(SearchEngine):
    name = "whoosh"
    unavailable_errors = (OSError, WhooshIndexError, StorageError, LockError)

    def __init__(self, alias: str = "default"):
        self.alias = alias

    @property
    def backend(self):
        """The Haystack backend holding the index (one per process and connection)."""
        return connections[self.alias].get_backend()

    @property
    def procs(self) -> int:
        return self.backend.procs

    # --- reads ------------------------------------------------------------------------------------

    def search(self, plan: SearchPlan) -> SearchOutcome:
        outcome = self.backend.article_search(
            plan.query,
            filters=plan.filter_map,
            date_from=plan.date_from,
            date_to=plan.date_to,
            sort=plan.sort,
            page=plan.page,
            per_page=plan.per_page,
            facets=plan.facets,
            trend_by=plan.trend_by,
        )
        # Every value is counted (the cut is a slice of the counts): cut as every engine cuts,
        # and the trend left out where the plan's rule leaves it out.
        trend = outcome.trend if trend_wanted(plan, outcome.facets) else None
        return replace(outcome, facets=limit_facets(plan, outcome.facets), trend=trend)

    def trend(self, plan: SearchPlan) -> Trend:
        series, undated, total = self.backend.trend(
            plan.query,
            by=plan.trend_by or "year",
            filters=plan.filter_map,
            date_from=plan.date_from,
            date_to=plan.date_to,
        )
        return Trend(series, undated, total)

    def segment(self, query: ParsedQuery) -> ParsedQuery:
        return self.backend.segment_query(query)

    def readings(self, word: tuple[str, ...]) -> list[tuple[str, int]]:
        return self.backend.readings(word)

    def term_counts(self, syllables: Iterable[str]) -> dict[str, int]:
        reader = self.backend.searcher().reader()
        found = {}
        for key in syllables:
            n = reader.frequency(FOLDED_TEXT, key)
            if n > 0:
                found[key] = n
        return found

    def doc_count(self) -> int:
        return self.backend.searcher().doc_count()

    def version(self) -> str:
        from search.engines.whoosh.backend import index_version

        return index_version(self.backend.searcher())

    def warm_up(self) -> float:
        return self.backend.warm_up()

    def status(self) -> dict:
        status = {"engine": self.name}
        if getattr(self.backend, "read_only", False):
            status["index_writable"] = False
        return status

    # --- writes -----------------------------------------------------------------------------------

    def setup(self) -> None:
        be = self.backend
        if not be.setup_complete:
            be.setup()

    def prepare(self, index, articles: Iterable) -> list[dict]:
        return list(self.backend._prepared(index, articles))

    def write_under_lock(self, produce, *, procs: int = 1, quick_merge: bool = False) -> int:
        def produce_ids():
            docs, delete = produce()
            return docs, [whoosh_id(pk) for pk in delete]

        self.setup()
        return self.backend.write_under_lock(produce_ids, procs=procs, quick_merge=quick_merge)

    def clear(self) -> None:
        be = self.backend
        be.clear()
        be.setup()

    def digests(self) -> dict[int, str]:
        self.setup()
        found: dict[int, str] = {}
        with self.backend.open_searcher() as searcher:
            for stored in searcher.reader().all_stored_fields():
                if stored.get(ID, "").startswith("archive.article."):
                    found[int(stored[DJANGO_ID])] = stored.get("digest", "")
        return found
