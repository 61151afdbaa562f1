"""A search line and its filters → an engine-neutral plan (issue #18).

What a person asked for is decided here, once, without any engine: the words each group requires
(any one of its alternatives), the phrases typed in quotes, the exclusions, the ranking features
(exact diacritics first, syllables typed side by side, the whole line as typed, a pasted passage),
the filters (OR within a facet, AND across facets), the dates, the sort, the page, the facets and
the trend asked for. An engine (`search.engines`) only compiles a plan to its own queries: Whoosh
matchers today, SQL for PostgreSQL. The plan is tested without an engine
(tests/search/test_query_plan.py), as Open ONI tests its form-to-Solr translation without Solr.

A plan is frozen and hashable: it is the key of every cache in front of an engine, and two requests
asking the same thing build equal plans.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from search.analysis import ParsedQuery, Run, parse_query

SORTS = ("relevance", "newest", "oldest")
TREND_BY = ("year", "month")
PASTE_SYLLABLES = 24  # a line longer than this is read as a pasted passage (searched by its pairs)
FACET_NAMES = ("province", "year", "kind", "official", "outlet", "dan_van")  # what search_indexes.py facets


class PlanError(ValueError):
    """A plan that cannot be searched; the message names the field and says why."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """Syllables typed together: each word (syllables between cuts) must stand as typed."""

    syllables: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]
    quoted: bool = False
    literal: bool = False  # quoted with punctuation inside: checked against the stored text
    exact: bool = False  # typed with diacritics: matched with them first, folded only when widened

    @classmethod
    def of(cls, run: Run) -> Phrase:
        return cls(run.syllables, tuple(run.words), run.quoted, run.literal, run.has_diacritics)

    @property
    def text(self) -> str:
        return " ".join(self.syllables)


@dataclass(frozen=True, slots=True)
class Ranking:
    """What orders the matches beyond each term's own weight."""

    exact_first: bool = False  # the line has diacritics: documents with them rank before folded ones
    pairs: tuple[tuple[str, str], ...] = ()  # syllables typed side by side: proximity without positions
    whole_line: tuple[str, ...] = ()  # the line as typed (two syllables or more): holding it ranks first
    paste: bool = False  # a pasted passage: matched by a share of its rarest pairs, not every word


@dataclass(frozen=True, slots=True)
class SearchPlan:
    query: ParsedQuery  # the line as parsed (an engine may decide word boundaries from its index)
    required: tuple[tuple[Phrase, ...], ...] = ()  # AND of groups, each an OR of phrases
    excluded: tuple[Phrase, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (facet, values): OR within, AND across
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: tuple[str, ...] = ()
    # Values per facet, most counted first; a selected value is always counted, and the facets in
    # `whole_facets` (the page's year chart) are never cut.
    facet_limit: int | None = None
    whole_facets: tuple[str, ...] = ()
    trend_by: str | None = None  # also count the matches per period, in the same evaluation
    # Count that trend only when the year facet's years span at most this many (the search page
    # charts months then, years otherwise): `search.engines.base.trend_wanted`.
    trend_years: int | None = None
    ranking: Ranking = Ranking()

    @property
    def browse(self) -> bool:
        """No words: every article the filters allow, newest first."""
        return self.query.empty

    @property
    def by_date(self) -> bool:
        return self.sort in ("newest", "oldest") or (self.sort == "relevance" and self.browse)

    @property
    def newest_first(self) -> bool:
        return self.sort != "oldest"

    @property
    def filter_map(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.filters}

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def counting(self) -> SearchPlan:
        """The same search, asking only how many it finds (did-you-mean): no page, no facets."""
        return replace(self, page=0, per_page=1, **_NOTHING_SHOWN)

    def matching(self) -> SearchPlan:
        """The part that decides which articles match (what an engine evaluates): two plans with
        the same `matching()` find the same articles, whatever page, facets or trend they show."""
        return replace(self, sort="relevance", page=1, per_page=0, **_NOTHING_SHOWN)


# What a plan shows beside its hits: none of it decides what matches.
_NOTHING_SHOWN = {
    "facets": (),
    "facet_limit": None,
    "whole_facets": (),
    "trend_by": None,
    "trend_years": None,
}


def _ranking(parsed: ParsedQuery) -> Ranking:
    pairs: dict[tuple[str, str], None] = {}
    for run in parsed.runs:
        if run.quoted or len(run.syllables) < 2:
            continue
        for pair in zip(run.syllables, run.syllables[1:], strict=False):
            pairs[pair] = None
    runs = parsed.runs
    whole = runs[0].syllables if len(runs) == 1 and len(runs[0].syllables) > 1 else ()
    return Ranking(
        exact_first=parsed.has_diacritics,
        pairs=tuple(pairs) if len(pairs) > 1 else (),
        whole_line=whole,
        paste=parsed.syllable_count > PASTE_SYLLABLES,
    )


def build_plan(
    query: ParsedQuery | str,
    *,
    filters: dict[str, list[str]] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: tuple[str, ...] = (),
    facet_limit: int | None = None,
    whole_facets: tuple[str, ...] = (),
    trend_by: str | None = None,
    trend_years: int | None = None,
) -> SearchPlan:
    """The plan of a parsed line (or a raw one) and its filters. Values arrive normalised (the
    forms read them at the edge); the plan keeps them in a fixed order so equal asks are equal."""
    parsed = parse_query(query) if isinstance(query, str) else query
    if sort not in SORTS:
        raise PlanError(f"sort: expected one of {', '.join(SORTS)}, got {sort!r}")
    if trend_by is not None and trend_by not in TREND_BY:
        raise PlanError(f"by: expected one of {', '.join(TREND_BY)}, got {trend_by!r}")
    unknown = [name for name in (filters or {}) if name not in FACET_NAMES]
    unknown += [name for name in facets if name not in FACET_NAMES]
    if unknown:
        raise PlanError(f"{unknown[0]}: not a facet (expected one of {', '.join(FACET_NAMES)})")
    if page < 0 or per_page < 0:
        raise PlanError(f"page: expected a positive whole number, got {page!r}")
    kept = tuple(sorted((name, tuple(dict.fromkeys(v))) for name, v in (filters or {}).items() if v))
    return SearchPlan(
        query=parsed,
        required=tuple(tuple(Phrase.of(run) for run in group) for group in parsed.required),
        excluded=tuple(Phrase.of(run) for run in parsed.excluded),
        filters=kept,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=page,
        per_page=per_page,
        facets=tuple(facets),
        facet_limit=facet_limit,
        whole_facets=tuple(whole_facets),
        trend_by=trend_by,
        trend_years=trend_years,
        ranking=_ranking(parsed),
    )


def plan_for(params, **options) -> SearchPlan:
    """The plan of validated search parameters (`search.forms.SearchParams`)."""
    return build_plan(
        params.query,
        filters=params.filters,
        date_from=params.date_from,
        date_to=params.date_to,
        sort=params.sort,
        page=params.page,
        **options,
    )
