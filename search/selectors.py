"""Reads for the search page, API and feed: index hits joined to database articles, suggestions."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from archive.extract.normalize import fold
from archive.models import Article
from search.analysis import ParsedQuery, Run, parse_query
from search.engines import SearchOutcome, engine
from search.forms import FACETS, SearchParams
from search.highlight import highlight_text, snippet
from search.query import SearchPlan, build_plan, plan_for


@dataclass
class ResultRow:
    article: Article
    title_html: str
    snippet_html: str
    score: float
    apart: bool = False  # holds every syllable typed, not the words (issue #15)


@dataclass
class Reading:
    q: str  # an accented reading of what was typed without diacritics
    count: int  # articles using it


MAX_SUGGESTION_SEARCHES = 6  # counts run to find suggestions for an empty result, at most
SUGGEST_MAX_SYLLABLES = 24  # a longer (pasted) query gets no suggestions: each costs a search
# Spelling (issue #16, finding 7): Whoosh's corrector compared the syllable with every indexed term
# of its first letter, word pairs included (Damerau-Levenshtein, letters × letters each): a
# 300-letter "word" took 3.8 s, 1,000 letters 13.8 s, and a 6-letter typo 0.5 s at 3,000 articles.
# Now the key's own one-edit variants are looked up (`_near_syllables`): at most about 73 × letters
# lookups, whatever the index's size. The longest Vietnamese syllable has 7 letters (nghiêng); a
# longer key is a name or several words run together, and is not corrected.
SPELL_MAX_LETTERS = 12
SPELL_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"  # folded keys (đ → d, no diacritics)


def readings(query: ParsedQuery) -> list[Reading]:
    """`chay` → cháy · chạy · chảy: for a query of one word typed without diacritics, the accented
    readings the index holds, most used first (issue #8). Empty when there are fewer than two."""
    if query.excluded or len(query.required) != 1 or len(query.required[0]) != 1:
        return []
    words = query.required[0][0].words
    if len(words) != 1:
        return []
    found = engine().readings(words[0])
    return [Reading(q, n) for q, n in found] if len(found) > 1 else []


@dataclass
class Suggestion:
    label: str  # what the person sees: the suggested query or what is dropped
    q: str
    drop_filters: bool
    count: int
    note: str = ""  # what the suggestion changes, in the page's language: "(bỏ các bộ lọc)"


def search_plan(params: SearchParams, **options) -> SearchPlan:
    """The plan of the page's, API's or feed's search, counting every facet the sidebar shows;
    `options` are `build_plan`'s (per_page, facet_limit, whole_facets, trend_by, trend_years)."""
    return plan_for(params, facets=FACETS, **options)


def search_articles(params: SearchParams, **options) -> tuple[SearchOutcome, list[ResultRow]]:
    """One evaluation of the search: its page of rows, totals, facets and (asked) the trend;
    `options` as `search_plan`'s."""
    plan = search_plan(params, **options)
    outcome = engine().search(plan)
    pks = [h.pk for h in outcome.hits]
    # The page as received (`raw`) and the extraction's evidence are never shown in a result: left
    # unread (a common word's page read 20 raw pages, 8-50 ms at 100,004 articles, for nothing).
    articles = (
        Article.objects.select_related("province__successor", "outlet").defer("raw", "evidence").in_bulk(pks)
    )
    rows = []
    for hit in outcome.hits:
        article = articles.get(hit.pk)
        if article is None:  # deleted a moment ago; the index catches up on commit
            continue
        rows.append(
            ResultRow(
                article=article,
                title_html=highlight_text(article.title, outcome.query, widened=outcome.widened),
                snippet_html=snippet(article.text, outcome.query, widened=outcome.widened),
                score=hit.score,
                apart=hit.apart,
            )
        )
    return outcome, rows


def _query_text(required: list[tuple[Run, ...]], excluded: tuple[Run, ...]) -> str:
    parsed = ParsedQuery(tuple(required), excluded)
    return parsed.display()


# "Did you mean" costs at most this much (issue 11: a 302-character query took 38.7 s): a few
# count searches, a few spelling look-ups, a time budget; what is left over is not suggested.
SUGGESTION_SEARCHES = 8
SUGGESTION_SPELLINGS = 4
SUGGESTION_SECONDS = 0.3


def suggestions(params: SearchParams, *, limit: int = 3) -> list[Suggestion]:
    """For a search with no results: the nearest broader searches that do find something."""
    be = engine()
    # Each word of the query on its own, as the search read it: dropping one is a suggestion.
    read = be.segment(params.query)
    query = ParsedQuery(
        tuple(
            group2
            for group in read.required
            for group2 in ([(w,) for w in group[0].word_runs()] if len(group) == 1 else [group])
        ),
        read.excluded,
        read.truncated,
    )
    out: list[Suggestion] = []
    has_filters = bool(params.filters or params.date_from or params.date_to)
    budget = {"searches": SUGGESTION_SEARCHES, "until": time.monotonic() + SUGGESTION_SECONDS}

    if query.syllable_count > SUGGEST_MAX_SYLLABLES:
        return []

    def consider(q: str, *, drop_filters: bool, label: str | None = None, note: str = "") -> None:
        if any(s.q == q and s.drop_filters == drop_filters for s in out):
            return
        if budget["searches"] <= 0 or time.monotonic() > budget["until"]:
            return
        budget["searches"] -= 1
        parsed = parse_query(q)
        if parsed.empty and not parsed.excluded:
            return
        count = be.count(
            build_plan(
                parsed,
                filters=None if drop_filters else params.filters,
                date_from=None if drop_filters else params.date_from,
                date_to=None if drop_filters else params.date_to,
            )
        )
        if count:
            out.append(Suggestion(label or q, q, drop_filters, count, note))

    if has_filters and not query.empty:
        consider(params.q, drop_filters=True, label=query.display(), note=_("bỏ các bộ lọc"))
    groups = list(query.required)
    if len(groups) > 1:
        for i in range(len(groups)):
            consider(_query_text(groups[:i] + groups[i + 1 :], query.excluded), drop_filters=False)
    if query.excluded:
        consider(_query_text(groups, ()), drop_filters=False)
    for group in groups:
        for run in group:
            if len(run.syllables) > 1 and not run.quoted:
                # A syllable too many at either end (a stray word typed before or after).
                rest = [g for g in groups if g is not group]
                for part in (run.syllables[1:], run.syllables[:-1]):
                    q = " ".join([_query_text(rest, query.excluded), " ".join(part)]).strip()
                    consider(q, drop_filters=False)
                # The syllables apart (a bag of syllables): broad, but it finds something.
                apart = ", ".join(run.syllables)
                q = " ".join([_query_text(rest, query.excluded), apart]).strip()
                consider(q, drop_filters=False, label=apart, note=_("các âm tiết riêng lẻ"))
    if query.has_diacritics:
        folded = query.folded().display()
        consider(folded, drop_filters=False)
    # Spelling: a folded syllable the index does not know, replaced by the nearest one it does.
    if not out and not query.empty and budget["searches"] > 0 and time.monotonic() < budget["until"]:
        corrected = _spelling(query)
        if corrected and corrected != query.display():
            consider(corrected, drop_filters=False)
    out.sort(key=lambda s: -s.count)
    return out[:limit]


def _spelling(query: ParsedQuery) -> str | None:
    be = engine()
    changed = False
    lookups = SUGGESTION_SPELLINGS
    groups = []
    for group in query.required:
        runs = []
        for run in group:
            syls = []
            for syl in run.syllables:
                key = fold(syl)
                if not 3 <= len(key) <= SPELL_MAX_LETTERS or lookups <= 0 or be.term_counts([key]):
                    syls.append(key)
                    continue
                lookups -= 1
                try:
                    candidates = _near_syllables(be, key)
                except Exception:  # a corrector failure must not break an empty result page
                    candidates = []
                syls.append(candidates[0] if candidates else key)
                changed = changed or bool(candidates)
            runs.append(Run(tuple(syls), run.quoted))
        groups.append(tuple(runs))
    return ParsedQuery(tuple(groups), query.excluded).display() if changed else None


def _near_syllables(be, key: str, *, limit: int = 5) -> list[str]:
    """Indexed syllables one edit (insert, delete, replace a letter) from `key` that keep its first
    letter, most frequent first: what `reader.corrector("text_f").suggest(key, maxdist=1,
    prefix=1)` returned, by looking up the key's variants instead of scanning the lexicon."""
    head, tail = key[:1], key[1:]
    letters = sorted(set(SPELL_ALPHABET) | set(tail))
    variants = set()
    for i in range(len(tail) + 1):
        before, after = tail[:i], tail[i:]
        variants.update(head + before + c + after for c in letters)  # insert
        if after:
            variants.add(head + before + after[1:])  # delete
            variants.update(head + before + c + after[1:] for c in letters)  # replace
    variants.discard(key)
    found = [(f, v) for v, f in be.term_counts(sorted(variants)).items()]
    found.sort(key=lambda item: (-item[0], item[1]))
    return [v for _, v in found[:limit]]
