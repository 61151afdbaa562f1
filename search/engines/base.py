"""The one interface every search engine offers (issue #18), and what it answers with.

Views, selectors, health checks, the page cache and the commands talk only to this: a plan
(`search.query`) goes in; hits, totals, facet counts and a trend come out. Engines live in
`search/engines/<name>/` and nothing outside an engine's folder imports what it is built on.
Caching wraps an engine from outside (`search.engines.cached`): an engine's `version()` changes
with every committed write, so a key holding it never serves an older answer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from search.analysis import ParsedQuery
from search.query import SearchPlan


@dataclass
class Hit:
    pk: int
    score: float
    apart: bool = False  # holds every syllable typed, not the words (issue #15)


@dataclass
class SearchOutcome:
    total: int  # word-level matches: what the line means (issue #15)
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    query: ParsedQuery
    widened: bool = False  # a diacritic query also searched the folded form
    page: int = 1
    per_page: int = 20
    elapsed_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    pasted: bool = False  # a long line searched as a pasted passage
    apart: int = 0  # more articles holding every syllable typed, not as the words: listed after
    # The plan's `trend_by` counted in the same evaluation: ([(period, count)] in time order, undated).
    trend: tuple[list[tuple[str, int]], int] | None = None

    @property
    def listed(self) -> int:
        """Every article the results list: the word-level matches, then the syllables apart."""
        return self.total + self.apart

    @property
    def counted(self) -> int:
        """What the facets and the trend count: the word-level matches, or the syllables apart
        when no article holds the words."""
        return self.total or self.apart


@dataclass
class Trend:
    series: list[tuple[str, int]]  # (period, count) in time order, empty periods filled in
    undated: int
    total: int


def fill_periods(counts: Counter, by: str) -> list[tuple[str, int]]:
    """Counts in time order, the periods between the first and the last with none at 0."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if by == "year":
        keys = [str(y) for y in range(int(first), int(last) + 1)]
    else:
        y, m = int(first[:4]), int(first[5:7])
        keys = []
        while f"{y:04d}-{m:02d}" <= last:
            keys.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return [(k, counts.get(k, 0)) for k in keys]


def limit_facets(
    plan: SearchPlan, facets: dict[str, list[tuple[str, int]]]
) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values (most counted first) cut at the plan's `facet_limit`, but for the
    facets it wants whole and the values its filters select (a page shows those whatever their
    count): what every engine answers for a limited plan."""
    if not plan.facet_limit:
        return facets
    selected = plan.filter_map
    out = {}
    for name, ordered in facets.items():
        if name in plan.whole_facets:
            out[name] = ordered
            continue
        keep = set(selected.get(name, ()))
        out[name] = ordered[: plan.facet_limit] + [vn for vn in ordered[plan.facet_limit :] if vn[0] in keep]
    return out


def years_rule(plan: SearchPlan) -> int | None:
    """The plan's `trend_years`, where the year facet it counts is whole (the rule reads it)."""
    if not plan.trend_by or not plan.trend_years or "year" not in plan.facets:
        return None
    if plan.facet_limit and "year" not in plan.whole_facets:
        return None
    return plan.trend_years


def trend_wanted(plan: SearchPlan, facets: dict[str, list[tuple[str, int]]]) -> bool:
    """Whether a plan's trend is counted: always, unless its `trend_years` rule applies and the
    year facet's years (first to last) span more than that, or there are none."""
    most = years_rule(plan)
    if most is None:
        return bool(plan.trend_by)
    years = [int(v) for v, _ in facets.get("year", []) if v.isdigit()]
    return bool(years) and max(years) - min(years) + 1 <= most


# produce() → (prepared documents to add or replace, article ids to delete)
Produce = Callable[[], tuple[list[dict], list[int]]]


class SearchEngine(ABC):
    """What the site needs from a search engine, and nothing more."""

    name: str = ""
    procs: int = 1  # processes a bulk write may use
    # Exceptions meaning "the index cannot be read now" (a 503 with the reason, never a 500).
    unavailable_errors: tuple[type[BaseException], ...] = (OSError,)

    # --- reads ------------------------------------------------------------------------------------

    @abstractmethod
    def search(self, plan: SearchPlan) -> SearchOutcome:
        """One evaluation of the plan: its page of hits, totals, the facets and (if the plan asks
        for it) the trend."""

    @abstractmethod
    def trend(self, plan: SearchPlan) -> Trend:
        """Matches per `plan.trend_by` period (year or month)."""

    def count(self, plan: SearchPlan) -> int:
        """How many articles the plan finds (did-you-mean): no page, no facets."""
        return self.search(plan.counting()).total

    @abstractmethod
    def segment(self, query: ParsedQuery) -> ParsedQuery:
        """The line with its word boundaries decided from what the index holds."""

    @abstractmethod
    def readings(self, word: tuple[str, ...]) -> list[tuple[str, int]]:
        """`chay` → [("cháy", n), ("chạy", n), …]: accented readings the index holds, most used first."""

    @abstractmethod
    def term_counts(self, syllables: Iterable[str]) -> dict[str, int]:
        """{folded syllable: how often the index holds it} for those it holds (spelling suggestions)."""

    @abstractmethod
    def doc_count(self) -> int:
        """Documents in the index."""

    @abstractmethod
    def version(self) -> str:
        """Changes with every committed write: the key of every cache in front of the engine."""

    def warm_up(self) -> float:
        """Read what every search needs before the first request; returns the seconds it took."""
        return 0.0

    def status(self) -> dict:
        """What /healthz adds about the engine beyond its document count: its name, and
        `"index_writable": False` when it serves an index it cannot write."""
        return {"engine": self.name}

    # --- writes -----------------------------------------------------------------------------------

    @abstractmethod
    def setup(self) -> None:
        """Make sure the index exists (an empty one where there is none)."""

    @abstractmethod
    def prepare(self, index, articles: Iterable) -> list[dict]:
        """The documents of these articles, as `search_indexes.ArticleIndex` states them."""

    @abstractmethod
    def write_under_lock(self, produce: Produce, *, procs: int = 1, quick_merge: bool = False) -> int:
        """Take the index's one write lock, call `produce()` while holding it, write and delete
        what it returns in one commit; returns how many documents were written. `produce` reads
        the database under the lock, so no writer commits an older snapshot over a newer one."""

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Around a rebuild of the whole index: an engine may drop what costs per write (the
        PostgreSQL engine's GIN index) and build it once at the end. Searches stay correct inside."""
        yield

    def write(self, docs: list[dict], *, delete: Iterable[int] = ()) -> int:
        deleted = list(delete)
        return self.write_under_lock(lambda: (docs, deleted))

    @abstractmethod
    def clear(self) -> None:
        """Delete every document (the index stays usable, empty)."""

    @abstractmethod
    def digests(self) -> dict[int, str]:
        """{article id: content digest} of every document (docs/index-integrity.md)."""
