"""The PostgreSQL engine (SEARCH_ENGINE=postgres): the index in the archive's own database, so
several web machines behind a load balancer serve one archive from one PostgreSQL (issue #18).

The analysis is the Whoosh engine's, computed in Python at index time and stored as a tsvector
(`schema.py`); a plan (`search.query`) compiles to one tsquery per tier and one SQL statement that
returns the page of hits, the totals, every facet and the trend: one evaluation per plan. Writes
take a transaction-scoped advisory lock (the one write lock, on every machine), read the database
under it (`produce`), and commit the documents with a new `search_state.version`.

What this engine does as the Whoosh engine does: words as adjacent syllables (exact where typed
with diacritics, folded otherwise), word boundaries read off the index (`analysis.segment`),
widening to the folded form when the exact form finds little, exclusions, the three tiers (the
whole line as typed first, then the words, then every syllable apart), the typed pairs ranking,
readings of an unaccented word, facets with OR within a selected facet, trends, dates, sorting,
digests. What it does not do yet (docs/search-engines.md): quoted phrases with punctuation are
matched as their words (not checked against the stored text), a pasted passage is searched by all its words, and unaccented
words are not ranked by their readings.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError, connections, transaction
from haystack.exceptions import SkipDocument

from archive.extract.normalize import fold
from search.abbreviations import word_groups
from search.analysis import ParsedQuery, Run, accented_forms, adjacency_terms, analyse, segment, word_terms
from search.engines.base import (
    Hit,
    SearchEngine,
    SearchOutcome,
    Trend,
    fill_periods,
    limit_facets,
    trend_wanted,
    years_rule,
)
from search.engines.postgres.schema import CODED, CODED_LISTS, CODES_NUMBER, FACET_BITS, LOCK_KEY
from search.query import SearchPlan

FOLDED = "~"  # folded lexemes are stored behind this mark: "~dan van" beside "dân vận"
FREQ_SHOWN = 3  # positions per syllable in the rank vector: ts_rank's frequency saturates
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_LEXEME_BYTES = 2046  # PostgreSQL's longest lexeme
WEIGHTS = "{0.1, 0.1, 0.1, 0.3}"  # D (text) … A (title): a title term weighs three text terms
WIDEN_BELOW = 5  # as the Whoosh engine: fewer exact matches than this widens to the folded form …
WIDEN_SYLLABLES = 6  # … in a line this short; a longer one widens only when exact finds nothing
READINGS_MAX = 6
READING_SYLLABLE_FORMS = 6
TITLE_COUNT_MAX = 50  # a reading's title use is counted up to this (readings: then by all use)
UNDATED = "0001-01-01"  # the trend's key of an undated article (no article is dated in year 1)
FEATURES_READ_ROWS = 100  # matches up to which the ranking features are read from the rows
FEATURE_ALONE = 5000  # documents up to which a ranking pair is looked up alone (see _evaluate)
RANK_CANDIDATES = 200  # rows of a tier whose rank vectors are read (see _evaluate)
CHUNK = 50  # documents a pool process analyses per task
MAINTENANCE_WORK_MEM = "512MB"  # per GIN build (one per partition at once)
# The columns of a row of `_row`, in its order; COPY writes them and the row's facet codes.
ROW = (
    "article_id tsv rank_tsv published province province_2025 year outlet dan_van kind official digest"
).split()
COPY = f"COPY search_document ({', '.join(ROW)}, fcodes) FROM STDIN"
CODED_AT = {name: ROW.index(name) for name in CODED}  # where each coded facet's values are in a row
PARALLEL_MIN = 1000  # fewer documents than this are analysed in the writing process
# A syllable's counts come from the lexicon (schema.py) once it is whole; a pair's from the GIN index.
# (a syllable the lexicon does not hold is in no document; a pair it does not hold is rare).
LEXICON_WHOLE = "(SELECT lexicon FROM search_state WHERE id = 1)"
COUNTS_MAX = 100_000  # term counts remembered per index version
# The columns a search filters on, True where the column holds a list: the counted facets (CODED)
# and the province's successor after the 2025 merger (indexed by both engines; no page filters on it yet).
FACETS = {name: name in CODED_LISTS for name in (*CODED, "province_2025")}


def _fit(lexeme: str) -> str:
    """A lexeme PostgreSQL takes: one longer than MAX_LEXEME_BYTES is cut there, in the index and
    in the query alike (a 1,100-letter "word" still finds its article)."""
    if len(lexeme) * 4 > MAX_LEXEME_BYTES and len(lexeme.encode("utf-8")) > MAX_LEXEME_BYTES:
        return lexeme.encode("utf-8")[:MAX_LEXEME_BYTES].decode("utf-8", "ignore")
    return lexeme


def _quote(lexeme: str) -> str:
    """A lexeme as tsquery input: quoted, quotes doubled, backslashes escaped."""
    return "'" + _fit(lexeme).replace("\\", "\\\\").replace("'", "''") + "'"


def lexeme(term: str, *, folded: bool) -> str:
    return FOLDED + term if folded else term


def tsvector_literals(text: str, title: str = "") -> tuple[str, str]:
    """What is stored for a document: (the match vector, the rank vector).

    The match vector holds every exact and folded term (syllables and pairs) once, at its first
    position, A when that is in the title (the text starts with it): what the GIN index answers,
    and the title counts of readings. The rank vector holds only the folded syllables, with up to
    FREQ_SHOWN positions so that `ts_rank` sees how often each occurs: a few kB, so ranking
    thousands of matches reads small values, not the match vectors (about 20 kB each). Terms are
    letters, digits and single spaces (`analysis.analyse`): no escaping needed inside the quotes.

    This is the build's Python cost (with `analyse`): written as comprehensions over the first
    positions, `_fit` only where a term could be too long (issue #18: 2.2 of 3.3 ms an article
    went to per-term calls here)."""
    exact, folded = analyse(text)
    n_title = len(analyse(title)[0]) if title else 0
    n = len(exact)
    match = []
    for terms, mark in ((exact, ""), (folded, FOLDED)):
        # {term: first position}: the reversed zip keeps each term's smallest position.
        first = dict(zip(reversed(terms), range(n, 0, -1), strict=True))
        if n > MAX_POSITION or (first and max(map(len, first)) * 4 > MAX_LEXEME_BYTES - 1):
            first = {_fit(mark + t)[len(mark) :]: min(at, MAX_POSITION) for t, at in first.items()}
        match += [f"'{mark}{t}':{at}A" if at <= n_title else f"'{mark}{t}':{at}" for t, at in first.items()]
    first = dict(zip(reversed(folded), range(n, 0, -1), strict=True))
    counts = Counter(folded)
    rank = []
    for term, at in first.items():
        if " " in term:
            continue
        at = min(at, MAX_POSITION)
        more = min(counts[term] - 1, FREQ_SHOWN - 1, MAX_POSITION - at)
        positions = str(at) + ("A" if at <= n_title else "")
        if more:
            positions += "".join(f",{p}" for p in range(at + 1, at + 1 + more))
        rank.append(f"'{_fit(term) if len(term) * 4 > MAX_LEXEME_BYTES else term}':{positions}")
    return " ".join(match), " ".join(rank)


def _and(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


def _or(parts: list[str]) -> str:
    parts = list(dict.fromkeys(p for p in parts if p))
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def _terms(terms: list[str], *, folded: bool) -> str:
    return _and([_quote(lexeme(t, folded=folded)) for t in dict.fromkeys(terms)])


def _all_of(filters: dict[str, tuple[str, list]], *more: str) -> tuple[str, list]:
    """Every filter's condition, then `more`, as one SQL condition, with the filters' parameters."""
    conds = [f"({cond})" for cond, _ in filters.values()] + list(more)
    return " AND ".join(conds) or "true", [v for _, values in filters.values() for v in values]


def _has_diacritics(syllables: Iterable[str]) -> bool:
    return any(fold(s) != s for s in syllables)


class Compiled:
    """A segmented line compiled to tsqueries (text only: filters are SQL of their own)."""

    def __init__(self, parsed: ParsedQuery, *, widened: bool):
        self.widened = widened
        groups_word, groups_every, loosened = [], [], False
        for group in parsed.required:
            words, every = [], []
            for run in group:
                words.append(self.run(run))
                if run.quoted or len(run.syllables) < 2:
                    every.append(self.run(run))
                else:
                    loosened = True
                    every.append(_and([self.syllable(s) for s in dict.fromkeys(run.syllables)]))
            groups_word.append(_or(words))
            groups_every.append(_or(every))
        self.excluded = _or([self.run(r, widened=False) for r in parsed.excluded])
        self.word = _and(groups_word)  # word-level matches
        # Every syllable typed, or the words (an abbreviation's other spelling holds none of the
        # syllables typed): what the search considers at all.
        self.every = _or([_and(groups_every), self.word]) if loosened else self.word
        self.loosened = loosened
        self.line = self._line(parsed)
        self.pairs = self._pairs(parsed)
        # Ranked over the rank vector: the folded syllables typed (any of them).
        self.rank = _or([_quote(fold(syl)) for run in parsed.runs for syl in run.syllables])
        self.exact = Compiled(parsed, widened=False).word if widened else ""

    def word_terms(self, word: tuple[str, ...], *, widened: bool | None = None) -> str:
        widened = self.widened if widened is None else widened
        folded = _terms(word_terms(word, folded=True), folded=True)
        if not _has_diacritics(word):
            return folded
        exact = _terms(word_terms(word, folded=False), folded=False)
        return _or([exact, folded]) if widened else exact

    def run(self, run: Run, *, widened: bool | None = None) -> str:
        """All the run's words; `UBND` also finds "Ủy ban nhân dân", and the other way round."""
        parts = []
        for words, others in word_groups(run):
            typed = _and([self.word_terms(w, widened=widened) for w in words])
            parts.append(_or([typed, *(self.word_terms(o, widened=widened) for o in others)]))
        return _and(parts)

    def syllable(self, syl: str) -> str:
        folded = not _has_diacritics((syl,)) or self.widened
        return _quote(lexeme(fold(syl) if folded else syl, folded=folded))

    def _line(self, parsed: ParsedQuery) -> str:
        """The line as typed (its words and the pairs across their boundaries): holding it ranks
        first. Empty when that is every word-level match (no run was cut into words)."""
        parts, differs = [], False
        for run in parsed.runs:
            if run.quoted:
                continue
            folded = not run.has_diacritics or self.widened
            differs = differs or bool(run.cuts) or any(others for _, others in word_groups(run))
            forms = [fold(s) for s in run.syllables] if folded else list(run.syllables)
            for word in run.words:
                w = [fold(s) for s in word] if folded else list(word)
                parts += [_quote(lexeme(t, folded=folded)) for t in word_terms(tuple(w), folded=folded)]
            parts += [
                _quote(lexeme(t, folded=folded))
                for t in adjacency_terms(Run(tuple(forms), False, run.cuts), folded=folded)
            ]
        return _and(parts) if differs else ""

    def _pairs(self, parsed: ParsedQuery) -> dict[str, str]:
        """{tsquery: lexeme} of the distinct pairs typed side by side in unquoted runs (exact
        where typed with diacritics unless widened): a document ranks by how many it holds."""
        out: dict[str, str] = {}
        for run in parsed.runs:
            if run.quoted or len(run.syllables) < 2:
                continue
            for a, b in zip(run.syllables, run.syllables[1:], strict=False):
                exact = _has_diacritics((a, b)) and not self.widened
                term = lexeme(f"{a} {b}" if exact else f"{fold(a)} {fold(b)}", folded=not exact)
                out[_quote(term)] = term
        return out if len(out) > 1 else {}


class PostgresEngine(SearchEngine):
    name = "postgres"
    unavailable_errors = (OperationalError, InterfaceError)

    def __init__(self, alias: str = "default"):
        from django.conf import settings

        # Processes a bulk write analyses in: the archive's one setting for it (WHOOSH_PROCS).
        self.procs = int(settings.HAYSTACK_CONNECTIONS.get(alias, {}).get("PROCS", 1))
        self.alias = alias  # the Haystack connection (search_indexes.py); the database is "default"
        self.db = "default"
        self._counts: dict[str, int] = {}
        self._counts_version: str | None = None
        self._bulk: dict | None = None  # inside bulk_load: {"pool": analysing processes, "pending": rows}

    # --- plumbing ---------------------------------------------------------------------------------

    @property
    def read_db(self) -> str:
        """Where searches, counts and the version are read: the primary ("default"), or a read
        replica (DATABASE_REPLICA_URL: settings.SEARCH_READ_DATABASE). The version is read where
        the results are, so a replica's lag shows as an older version, and every cache keys what
        it holds by the data it was computed from. Writes, the lock, digests and the build stay on
        the primary."""
        from django.conf import settings

        return getattr(settings, "SEARCH_READ_DATABASE", "default")

    def _cursor(self, db: str | None = None):
        connection = connections[db or self.db]
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                "SEARCH_ENGINE=postgres: the database is not PostgreSQL (set DATABASE_URL=postgres://…)"
            )
        return connection.cursor()

    def _read(self, sql: str, params: list) -> list[tuple]:
        """Rows (k text, v text, x float8, n bigint) of a search statement, in one round trip.

        The statement runs inside `search_read` (schema.py), a function declared with
        `SET enable_seqscan = off`: the planner reads through the GIN index. Its row estimates make
        a common syllable (56% of the rows at 20,000 articles) look cheaper to scan whole, but
        every row scanned detoasts a ~20 kB vector: 2.7 s against 55 ms through the index for
        `dien`. The parameters are bound on this side (psycopg's ClientCursor). Before, a
        transaction with SET LOCAL took four round trips a read: under load, 250 of a long
        line's 390 ms of SQL went to BEGIN, SET and COMMIT (issue #18)."""
        import psycopg

        db = self.read_db
        with self._cursor(db) as cursor:
            statement = psycopg.ClientCursor(connections[db].connection).mogrify(sql, params)
            cursor.execute("SELECT k, v, x, n FROM search_read(%s)", [statement])
            return cursor.fetchall()

    def setup(self) -> None:
        from search.engines.postgres.schema import CREATE

        with self._cursor() as cursor:
            cursor.execute("SELECT to_regclass('search_document') IS NOT NULL")
            if cursor.fetchone()[0]:
                return
            for statement in CREATE:  # `migrate` creates them; a database restored without them too
                cursor.execute(statement)

    # --- reads ------------------------------------------------------------------------------------

    def version(self) -> str:
        with self._cursor(self.read_db) as cursor:
            cursor.execute("SELECT epoch, version FROM search_state WHERE id = 1")
            row = cursor.fetchone()
        return f"pg:{row[0]}:{row[1]}" if row else "pg:none"

    def doc_count(self) -> int:
        with self._cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_document")
            return int(cursor.fetchone()[0])

    def _term_counts(self, lexemes: Iterable[str], *, weight: str = "") -> dict[str, int]:
        """{lexeme: documents holding it} (in the title only with weight "A"), one round trip for
        all, each a GIN look-up; remembered until the index changes."""
        lexemes = list(dict.fromkeys(lexemes))
        wanted = [x for x in lexemes if (weight, x) not in self._counts]
        if not wanted:  # all remembered: still one look at the version (another machine may write)
            version = self.version()
            if version == self._counts_version:
                return {x: self._counts[(weight, x)] for x in lexemes}
            wanted = lexemes
        # The counts and the version they belong to, in one statement.
        # A weighted count (title use) must read the match vectors (the GIN index keeps no
        # weights). Only rows whose title holds the term's folded syllables (`title_rank`, in the
        # row: a necessary condition) are read, and the count stops at TITLE_COUNT_MAX. `dien`'s
        # readings took 2 s at 100,000 articles, `chinh quyen`'s title counts 334 ms with the cap.
        # Each lexeme's count: the lexicon's when it is whole and holds the lexeme (a syllable it
        # does not hold is in no document), otherwise the GIN index's (a pair it does not hold is
        # rare). COALESCE reads the GIN index only for what the lexicon did not answer.
        columns = {"t": wanted, "k": [_fit(x) for x in wanted]}
        if weight:
            held = f"(SELECT LEAST(sum(titles), {TITLE_COUNT_MAX}) FROM search_lexicon WHERE lexeme = k HAVING count(*) > 0)"
            gin = (
                "(SELECT count(*) FROM (SELECT 1 FROM search_document "
                f"WHERE tsv @@ p AND title_rank @@ f AND (tsv @@ q) IS TRUE LIMIT {TITLE_COUNT_MAX}) x)"
            )
            columns["p"] = [_quote(x) for x in wanted]
            columns["f"] = [_and([_quote(fold(syl)) for syl in x.split()]) or "''" for x in wanted]
            columns["q"] = [_quote(x) + ":" + weight for x in wanted]
        else:
            held = "(SELECT sum(docs) FROM search_lexicon WHERE lexeme = k)"
            gin = "(SELECT count(*) FROM search_document WHERE tsv @@ q)"
            columns["q"] = [_quote(x) for x in wanted]
        types = ", ".join("%s::text[]" if name in ("t", "k") else "%s::tsquery[]" for name in columns)
        rows = self._read(
            f"SELECT t, NULL::text, NULL::float8, COALESCE(CASE WHEN {LEXICON_WHOLE} "
            f"THEN COALESCE({held}, CASE WHEN position(' ' IN k) = 0 THEN 0 END) END, {gin}) "
            f"FROM unnest({types}) AS u({', '.join(columns)}) "
            "UNION ALL SELECT NULL, 'pg:' || epoch || ':' || version, NULL, NULL FROM search_state WHERE id = 1",
            list(columns.values()),
        )
        version = next((v for k, v, _, _ in rows if k is None), "pg:none")
        if version != self._counts_version or len(self._counts) > COUNTS_MAX:
            self._counts, self._counts_version = {}, version
        for lex, _, _, n in rows:
            if lex is not None:
                self._counts[(weight, lex)] = int(n)
        if any((weight, x) not in self._counts for x in lexemes):  # the index changed meanwhile
            return self._term_counts(lexemes, weight=weight)
        return {x: self._counts[(weight, x)] for x in lexemes}

    def _remembered(self, lexemes: list[str]) -> dict[str, int]:
        """Counts as remembered, without the version look-up `_term_counts` makes first (one round
        trip): for a choice that cannot change an answer, such as how a ranking feature is looked
        up, right after `segment` read them. A lexeme not remembered is read."""
        if all(("", x) in self._counts for x in lexemes):
            return {x: self._counts[("", x)] for x in lexemes}
        return self._term_counts(lexemes)

    def term_counts(self, syllables: Iterable[str]) -> dict[str, int]:
        keys = list(syllables)
        counts = self._term_counts([lexeme(k, folded=True) for k in keys])
        return {k: n for k in keys if (n := counts[lexeme(k, folded=True)])}

    def segment(self, query: ParsedQuery) -> ParsedQuery:
        if query.segmented:
            return query
        wanted = []
        for run in [*query.runs, *query.excluded]:
            for a, b in zip(run.syllables, run.syllables[1:], strict=False):
                if _has_diacritics((a, b)):
                    wanted.append(lexeme(f"{a} {b}", folded=False))
                wanted.append(lexeme(f"{fold(a)} {fold(b)}", folded=True))
        counts = self._term_counts(wanted) if wanted else {}

        def pair_count(a: str, b: str) -> int:
            if _has_diacritics((a, b)):
                n = counts.get(lexeme(f"{a} {b}", folded=False), 0)
                if n:
                    return n
            return counts.get(lexeme(f"{fold(a)} {fold(b)}", folded=True), 0)

        return segment(query, pair_count)

    def readings(self, word: tuple[str, ...]) -> list[tuple[str, int]]:
        """As the Whoosh engine: every accented spelling of an unaccented word of one or two
        syllables the index holds, headline use first, then use in the text."""
        if not word or len(word) > 2 or _has_diacritics(word):
            return []
        per_syllable = []
        for syl in word:
            forms = accented_forms(syl)
            counts = self._term_counts(forms)
            ranked = sorted(((f, counts[f]) for f in forms if counts[f]), key=lambda fn: (-fn[1], fn[0]))
            per_syllable.append(ranked[:READING_SYLLABLE_FORMS])
        if len(word) == 1:
            candidates = per_syllable[0]
        else:
            pairs = [f"{a} {b}" for a, _ in per_syllable[0] for b, _ in per_syllable[1]]
            counts = self._term_counts(pairs)
            candidates = [(p, counts[p]) for p in pairs if counts[p]]
        titles = self._term_counts([r for r, _ in candidates], weight="A")
        found = sorted(((r, n, titles[r]) for r, n in candidates), key=lambda r: (-r[2], -r[1], r[0]))
        return [(r, n) for r, n, _ in found[:READINGS_MAX]]

    def _filters(self, plan: SearchPlan) -> dict[str, tuple[str, list]]:
        """{facet or "dates": (SQL condition, parameters)} of the plan's filters."""
        out: dict[str, tuple[str, list]] = {}
        for name, values in plan.filters:
            if name not in FACETS:
                continue
            cond = f"{name} && %s::text[]" if FACETS[name] else f"{name} = ANY(%s::text[])"
            out[name] = (cond, [list(values)])
        dates, params = [], []
        if plan.date_from:
            dates.append("published >= %s")
            params.append(plan.date_from)
        if plan.date_to:
            dates.append("published <= %s")
            params.append(plan.date_to)
        if dates:
            out["dates"] = (" AND ".join(dates), params)
        return out

    def _widened(self, plan: SearchPlan, parsed: ParsedQuery, filters) -> bool:
        """Widen to the folded form when the exact form finds too little (as the Whoosh engine)."""
        if not parsed.has_diacritics or plan.ranking.paste:
            return False
        exact = Compiled(parsed, widened=False)
        short = parsed.syllable_count <= WIDEN_SYLLABLES
        need = WIDEN_BELOW if short else 1
        kept, kept_params = _all_of(filters)
        rows = self._read(
            "SELECT NULL::text, NULL::text, NULL::float8, count(*) FROM (SELECT 1 FROM search_document "
            f"WHERE tsv @@ %s::tsquery AND {kept} LIMIT %s) x",
            [_and([exact.every, f"!{exact.excluded}" if exact.excluded else ""]), *kept_params, need],
        )
        return int(rows[0][3]) < need

    def _evaluate(self, plan: SearchPlan) -> dict:
        """The one evaluation of a plan: one SQL statement for hits, totals, facets and trend."""
        parsed = self.segment(plan.query)
        filters = self._filters(plan)
        widened = self._widened(plan, parsed, filters) if not parsed.empty else False
        c = Compiled(parsed, widened=widened)

        # m: every row the text matches, with its tier and each filter as a flag (a selected facet
        # counts without its own filter). No column of m reads a tsvector: the word tier is a GIN
        # look-up of its own (a hashed subplan), and only the rows a page can show are scored.
        # m carries the codes of the row's facet values when the plan counts facets (schema.py;
        # the filters are flags computed as the rows are read).
        counted_facets = [name for name in CODED if name in plan.facets]
        select = ["article_id", "published", *(["fcodes"] if counted_facets else [])]
        params: list = []
        if not parsed.empty and not plan.by_date:
            # The title's rank, computed as the rows are read: carrying `title_rank` itself through
            # m cost more than the rank (dien at 100,000 articles: 17 ms of 60 for m's rows). A title
            # without any syllable typed ranks 0 without ts_rank's work, and so does a row the
            # filters leave out (only the filtered rows are ranked: `dien` in one year is 5,000 of
            # its 57,000 matches).
            kept, kept_params = _all_of(filters, "title_rank @@ %s::tsquery")
            select.append(
                f"CASE WHEN {kept} THEN ts_rank(%s::float4[], title_rank, %s::tsquery, 32) ELSE 0 END AS trank"
            )
            params += [*kept_params, c.rank, WEIGHTS, c.rank]
        # A line whose words were loosened to their syllables (c.loosened: `thu tuong` also finds
        # "thu" and "tuong" apart) reads its word-level matches into m, and the matches holding the
        # syllables apart into ma only where they are shown or counted (the words find nothing, or
        # the page reaches them); their number alone is a count of its own. Before, m held both,
        # each row flagged by a look-up of the words: `thu tuong` read 37,325 rows for 9,237
        # word-level matches at 100,004 articles.
        loosened = c.loosened and not parsed.empty
        excluded = f"!{c.excluded}" if c.excluded else ""
        if parsed.empty:
            where = "true" if not parsed.excluded else "NOT (tsv @@ %s::tsquery)"
            where_params = [c.excluded] if parsed.excluded else []
        else:
            where = "tsv @@ %s::tsquery"
            where_params = [_and([c.word if loosened else c.every, excluded])]
        for name, (cond, values) in filters.items():
            select.append(f"({cond}) AS ok_{name}")
            params += values
        row_params = list(params)  # the columns' own, again for ma's
        params += where_params

        def allowed(without: str | None = None) -> str:
            flags = [f"ok_{n}" for n in filters if n != without]
            return " AND ".join(flags) or "true"

        score, score_params = "0::float8", []
        ctes, ctes_params = [], []
        ranked = not parsed.empty and not plan.by_date
        if ranked:
            # ts_rank reads the small rank vector; each ranking feature is a GIN look-up (a hashed
            # subplan), never a read of the match vector row by row. The look-up asks for the
            # feature AND the line's match: the index intersects them, and the rows read are the
            # matches holding the feature, not every article holding a common pair (a 16-syllable
            # title's 15 pairs read 900 ms of rows at 100,000 articles).
            matching = _and([c.every, f"!{c.excluded}" if c.excluded else ""])

            # Each feature and its weight. With few matches (a long line: every syllable typed),
            # each row's match vector is read once and the features checked in it; with many, each
            # feature is one GIN look-up (a hashed subplan). For a 12-syllable line matching 23
            # articles, the look-ups (each intersecting the line's posting lists again) took 40 of
            # 87 ms at 100,000 articles.
            weighted = [(pair, "") for pair in c.pairs]
            if c.line:
                weighted.append((c.line, f" * {len(c.pairs) + 1}"))
            if c.exact:
                weighted.append((c.exact, " * 0.5"))
            # A looked-up feature's articles are a CTE of their own (p0, p1, …): computed at most
            # once, and only when a tier asks for them, although both tiers rank by them.
            features, feature_params = "0", []
            if weighted:
                looked_up = " + ".join(
                    f"(a.article_id IN (SELECT article_id FROM p{i}))::int" + w
                    for i, (_, w) in enumerate(weighted)
                )
                read = " + ".join("(x.tsv @@ %s::tsquery)::int" + w for _, w in weighted)
                features = (
                    f"CASE WHEN (SELECT total + apart FROM c) <= {FEATURES_READ_ROWS} THEN (SELECT {read} "
                    "FROM search_document x WHERE x.article_id = a.article_id) "
                    f"ELSE {looked_up} END"
                )
                feature_params = [f for f, _ in weighted]
                # A feature's look-up need only hold the matches that have it (they are intersected
                # with the matches). The line as typed and its exact form hold every syllable typed:
                # looked up alone. So is a pair held by few documents: the index reads its one
                # posting list and visits its rows. A common pair is looked up with the line's
                # match, so that only matching rows are visited; the index then reads the posting
                # list of every syllable typed again, once per feature (a 9-syllable line of common
                # words matching 938 articles at 100,004: 7 features × 12 ms, now 52 ms in all).
                # The pairs' counts are the ones `segment` has just read (the lexicon).
                held = self._remembered(list(c.pairs.values()))
                for i, (f, _) in enumerate(weighted):
                    ctes.append(
                        f"p{i} AS MATERIALIZED (SELECT article_id FROM search_document WHERE tsv @@ %s::tsquery)"
                    )
                    common = f in c.pairs and held[c.pairs[f]] > FEATURE_ALONE
                    ctes_params.append(_and([f, matching]) if common else f)
            # The features are computed once a row (the candidates' `feat`), for both orders below.
            score = "(ts_rank(%s::float4[], d.rank_tsv, %s::tsquery, 32) + a.feat)::float8"
            score_params = [WEIGHTS, c.rank]
            # The candidates a tier ranks: its RANK_CANDIDATES best by the same features and the
            # title's syllables (`title_rank`, a few lexemes in the row), so that ts_rank reads the
            # rank vectors of hundreds of rows, not of every match (56% of the archive for `dien`).
            # A title syllable weighs more than three in the text (WEIGHTS): when fewer rows match
            # than there are candidates, the order is exactly the full ranking's.
            first = "(a.trank + a.feat)"
            first_params = []
        if plan.by_date:
            direction = "DESC" if plan.newest_first else "ASC"
            # Undated last, in the order they were indexed (as the Whoosh engine lists them).
            tie = (
                "CASE WHEN s.published IS NULL THEN s.article_id ELSE -s.article_id END"
                if plan.newest_first
                else "s.article_id"
            )
            order = f"s.published {direction} NULLS LAST, {tie}"
        else:
            order = "s.score DESC, s.article_id"
        limit = plan.per_page if plan.page >= 1 else 0
        offset = plan.offset if plan.page >= 1 else 0
        end = offset + limit
        candidates = max(RANK_CANDIDATES, 2 * end)

        def tier(word: bool, window: str) -> tuple[str, list]:
            rows = f"a WHERE {'' if word else 'NOT '}a.word"
            if ranked:
                # Each candidate's rank vector by its key (OFFSET 0 keeps the nested loop: a merge
                # join read the key index up to the largest candidate).
                source = (
                    f"(SELECT * FROM (SELECT a.*, ({features})::float8 AS feat FROM {rows} OFFSET 0) a "
                    f"ORDER BY {first} DESC, a.article_id LIMIT %s) a "
                    "CROSS JOIN LATERAL (SELECT rank_tsv FROM search_document d "
                    "WHERE d.article_id = a.article_id OFFSET 0) d"
                )
                source_params = [*score_params, *feature_params, *first_params, candidates]
            else:
                source, source_params = rows, []
            return (
                f"SELECT 'h', s.article_id::text || ':{int(word)}', s.score, "
                f"{0 if word else 1_000_000_000} + row_number() OVER (ORDER BY {order}) "
                f"FROM (SELECT a.article_id, a.published, {score} AS score FROM {source}) s "
                f"ORDER BY {order} {window}"
            ), source_params

        # What the facets and the trend count (as the Whoosh engine): the word-level matches, or,
        # when the filters leave no word-level match but some articles holding the syllables apart,
        # every article holding the syllables (a facet counted without its own filter then shows
        # the years that hold the words too; before, it counted the syllables apart only, and a
        # year holding the words was not offered). When the filters leave nothing, the word-level
        # matches: each facet is still counted without its own filter, so a person can change a
        # year that finds nothing.
        counted = "m"
        if loosened:
            words_counted = "((SELECT total FROM c) > 0 OR (SELECT apart FROM c) = 0)"
            counted = f"(SELECT * FROM m UNION ALL SELECT * FROM ma WHERE NOT {words_counted}) m"
        words_sql, words_params = tier(True, "LIMIT %s OFFSET %s")
        apart_sql, apart_params = tier(
            False,
            "LIMIT GREATEST(0, %s - GREATEST(%s, (SELECT total FROM c))) "
            "OFFSET GREATEST(0, %s - (SELECT total FROM c))",
        )
        parts = [
            "SELECT 'n' AS k, NULL AS v, total::float8 AS x, apart AS n FROM c",
            # The words first, then the syllables apart; a page reads only the tier(s) it shows.
            words_sql,
            apart_sql,
        ]
        tail_params: list = [*words_params, limit, offset, *apart_params, end, offset, offset]
        facet_part = None
        if counted_facets:
            # Every facet in one pass: the rows' codes unnested, counted in one hash table of
            # integers, then named. A code counts where its facet's filter is left out (a selected
            # facet counts without its own filter): its facet is its low FACET_BITS.
            place = f"(code & {2**FACET_BITS - 1})"
            keep = []
            if len(counted_facets) < len(CODED):
                keep.append(f"{place} IN ({', '.join(str(CODED.index(n)) for n in counted_facets)})")
            if filters:
                flags = ", ".join(f"ok_{n}" for n in filters)
                whens = " ".join(f"WHEN {CODED.index(n)} THEN {allowed(without=n)}" for n in counted_facets)
                keep.append(f"CASE {place} {whens} END")
                coded = f"SELECT unnest(fcodes) AS code, {flags} FROM {counted}"
            else:
                coded = f"SELECT unnest(fcodes) AS code FROM {counted}"
            ctes.append(
                "fc AS (SELECT code, count(*) AS n "
                f"FROM ({coded}) u {'WHERE ' + ' AND '.join(keep) if keep else ''} GROUP BY code)"
            )
            named = "SELECT x.facet, x.value, g.n FROM fc g JOIN search_facet_code x USING (code)"
            if plan.facet_limit:
                # The values a limited plan shows, cut here (`limit_facets`, in the same order:
                # "C" sorts as Python does): a common word counts 6,880 officials at 100,004
                # articles, and a page shows 12.
                ranked = (
                    "SELECT x.facet, x.value, g.n, row_number() OVER (PARTITION BY x.facet "
                    'ORDER BY g.n DESC, x.value COLLATE "C") AS r FROM fc g JOIN search_facet_code x USING (code)'
                )
                named = (
                    f"SELECT facet, value, n FROM ({ranked}) x WHERE r <= %s OR facet = ANY(%s::text[]) "
                    "OR (facet, value) IN (SELECT * FROM unnest(%s::text[], %s::text[]))"
                )
                selected = [
                    (name, v) for name, values in plan.filters if name in counted_facets for v in values
                ]
                tail_params += [
                    plan.facet_limit,
                    list(plan.whole_facets),
                    [name for name, _ in selected],
                    [v for _, v in selected],
                ]
            facet_part = f"SELECT 'f:' || facet, value, NULL, n FROM ({named}) f"
        if plan.trend_by:
            # The period's first day (date arithmetic, not to_char, per row); undated rows as UNDATED.
            part = "doy" if plan.trend_by == "year" else "day"
            fmt = "YYYY" if plan.trend_by == "year" else "YYYY-MM"
            # The plan's rule (`trend_wanted`): counted only when the year facet's years span at
            # most trend_years: a one-time filter, so that the matches are not read again for a
            # trend the page will not chart (a common word spans 20 years).
            most, span = years_rule(plan), ""
            if most is not None:
                span = (
                    " AND (SELECT max(x.value::int) - min(x.value::int) + 1 FROM fc g JOIN search_facet_code x "
                    f"USING (code) WHERE (g.code & {2**FACET_BITS - 1}) = {CODED.index('year')} "
                    f"AND x.value ~ '^[0-9]+$') <= {int(most)}"
                )
            parts.append(
                f"SELECT 't', CASE WHEN k <> DATE '{UNDATED}' THEN to_char(k, '{fmt}') END, NULL, count(*) "
                f"FROM (SELECT COALESCE(published - (extract({part} FROM published)::int - 1), DATE '{UNDATED}') AS k "
                f"FROM {counted} WHERE {allowed()}{span}) t GROUP BY k"
            )
        if facet_part:
            parts.append(facet_part)
        columns = ", ".join(select)
        ctes[:0] = [f"m AS MATERIALIZED (SELECT {columns} FROM search_document WHERE {where})"]
        if loosened:
            every = _and([c.every, excluded])
            kept, kept_params = _all_of(filters)
            ctes[1:1] = [
                f"ma AS MATERIALIZED (SELECT {columns} FROM search_document "
                "WHERE tsv @@ %s::tsquery AND article_id NOT IN (SELECT article_id FROM m))",
                f"a AS NOT MATERIALIZED (SELECT *, true AS word FROM m WHERE {allowed()} "
                f"UNION ALL SELECT *, false AS word FROM ma WHERE {allowed()})",
                # The syllables apart counted without reading them into ma (no rank, no facet codes):
                # every article holding the syllables, less the word-level matches (m is a part of it).
                f"c AS (SELECT t.total, e.n - t.total AS apart FROM (SELECT count(*) AS total FROM m "
                f"WHERE {allowed()}) t, (SELECT count(*) AS n FROM search_document WHERE tsv @@ %s::tsquery "
                f"AND {kept}) e)",
            ]
            params += [*row_params, every, every, *kept_params]  # ma's columns and match, then c's
        else:
            ctes[1:1] = [
                f"a AS NOT MATERIALIZED (SELECT *, true AS word FROM m WHERE {allowed()})",
                f"c AS (SELECT count(*) AS total, 0::bigint AS apart FROM m WHERE {allowed()})",
            ]
        sql = "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(f"({p})" for p in parts)
        rows = self._read(sql, [*params, *ctes_params, *tail_params])
        out = {"total": 0, "apart": 0, "hits": [], "facets": {}, "periods": Counter(), "undated": 0}
        for kind, value, x, n in rows:
            if kind == "n":
                out["total"], out["apart"] = int(x), int(n)
            elif kind == "h":
                pk, word = value.split(":")
                out["hits"].append((int(n), Hit(int(pk), float(x), apart=word == "0")))
            elif kind == "t":
                if value is None:
                    out["undated"] += int(n)
                else:
                    out["periods"][value] = int(n)
            else:
                out["facets"].setdefault(kind[2:], []).append((value, int(n)))
        out["hits"] = [h for _, h in sorted(out["hits"], key=lambda rh: rh[0])]
        out.update(parsed=parsed, widened=widened)
        return out

    def search(self, plan: SearchPlan) -> SearchOutcome:
        started = time.perf_counter()
        found = self._evaluate(plan)
        facets = {
            name: sorted(found["facets"].get(name, []), key=lambda kv: (-kv[1], kv[0]))
            for name in plan.facets
        }
        trend = None
        if trend_wanted(plan, facets):
            trend = (fill_periods(found["periods"], plan.trend_by), found["undated"])
        facets = limit_facets(plan, facets)
        return SearchOutcome(
            total=found["total"],
            apart=found["apart"],
            hits=found["hits"],
            facets=facets,
            query=found["parsed"],
            widened=found["widened"],
            page=plan.page,
            per_page=plan.per_page,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            trend=trend,
        )

    def trend(self, plan: SearchPlan) -> Trend:
        plan = replace(plan, page=0, per_page=0, facets=(), trend_by=plan.trend_by or "year")
        found = self._evaluate(plan)
        series = fill_periods(found["periods"], plan.trend_by)
        total = found["total"] or found["apart"]
        return Trend(series, found["undated"], total)

    # --- writes -----------------------------------------------------------------------------------

    def prepare(self, index, articles: Iterable) -> list[dict]:
        docs = []
        for article in articles:
            try:
                docs.append(index.full_prepare(article))
            except SkipDocument:
                continue
        return docs

    @staticmethod
    def _row(doc: dict) -> tuple:
        published = doc.get("published")
        if isinstance(published, datetime):
            published = published.date()
        elif not isinstance(published, date):
            published = None

        def one(name):
            value = doc.get(name)
            return str(value) if value not in (None, "") else None

        return (
            int(doc["django_id"]),
            *tsvector_literals(doc.get("text") or "", doc.get("title") or ""),
            published,
            one("province"),
            one("province_2025"),
            one("year"),
            one("outlet"),
            one("dan_van"),
            [str(v) for v in doc.get("kind") or [] if v],
            [str(v) for v in doc.get("official") or [] if v],
            doc.get("digest") or "",
        )

    def _rows(self, docs: list[dict], procs: int) -> list[tuple]:
        """The table rows of these documents; the analysis in `procs` forked processes for a bulk
        write (it is the build's cost: about 2.4 ms of Python per article)."""
        if procs <= 1 or len(docs) < PARALLEL_MIN:
            return [self._row(d) for d in docs]
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            return pool.map(self._row, docs, chunksize=CHUNK)

    @staticmethod
    def _facet_values(row: tuple) -> Iterator[tuple[int, str, str]]:
        """(place in CODED, facet, value) of every coded facet value a row of `_row` holds."""
        for i, name in enumerate(CODED):
            value = row[CODED_AT[name]]
            for v in value if name in CODED_LISTS else (value,):
                if v is not None:
                    yield i, name, v

    @classmethod
    def _codes(cls, cursor, rows: list[tuple]) -> dict[tuple[str, str], int]:
        """{(facet, value): code} of every coded facet value these rows hold, the new ones
        numbered (schema.CODES_NUMBER): one statement."""
        wanted = {found for row in rows for found in cls._facet_values(row)}
        if not wanted:
            return {}
        places, names, values = zip(*wanted, strict=True)
        cursor.execute(CODES_NUMBER, [list(places), list(names), list(values)])
        return {(name, value): code for code, name, value in cursor.fetchall()}

    @classmethod
    def _copy(cls, cursor, ids: list[int], rows: Iterable[tuple]) -> None:
        """Replace these documents: delete their ids, then COPY the rows (no statement per row,
        no ON CONFLICT), each with the codes of its facet values. `rows` may be an iterator still
        being computed (a rebuild's pool): its facet values are numbered once it is whole."""
        if not ids:
            return
        rows = list(rows)
        codes = cls._codes(cursor, rows)
        cursor.execute("DELETE FROM search_document WHERE article_id = ANY(%s)", [ids])
        with cursor.cursor.copy(COPY) as copy:
            for row in rows:
                copy.write_row((*row, sorted(codes[name, v] for _, name, v in cls._facet_values(row))))

    def write_under_lock(self, produce, *, procs: int = 1, quick_merge: bool = False) -> int:
        self.setup()
        bulk = self._bulk
        with transaction.atomic(using=self.db), self._cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            docs, delete = produce()
            if bulk is not None and bulk["pool"] is not None:
                # A rebuild: the pool analysed the previous commit's documents while this one read
                # its articles. Hand these to the pool, then write those (COPY as the rows come).
                previous = bulk["pending"]
                ids = [int(d["django_id"]) for d in docs]
                bulk["pending"] = (ids, bulk["pool"].imap(self._row, docs, chunksize=CHUNK))
                if previous is not None:
                    self._copy(cursor, *previous)
                if delete:
                    cursor.execute("DELETE FROM search_document WHERE article_id = ANY(%s)", [list(delete)])
            else:
                ids = [int(d["django_id"]) for d in docs]
                counted = bulk is None and self._lexicon_whole(cursor)
                if counted:  # what the documents replaced or deleted held, taken away
                    self._lexicon_delta(cursor, [*ids, *map(int, delete)], -1)
                if delete:
                    cursor.execute("DELETE FROM search_document WHERE article_id = ANY(%s)", [list(delete)])
                self._copy(cursor, ids, self._rows(docs, procs))
                if counted:
                    self._lexicon_delta(cursor, ids, 1)
            cursor.execute("UPDATE search_state SET version = version + 1 WHERE id = 1")
        return len(docs)

    @staticmethod
    def _lexicon_whole(cursor) -> bool:
        cursor.execute("SELECT lexicon FROM search_state WHERE id = 1")
        row = cursor.fetchone()
        return bool(row and row[0])

    @staticmethod
    def _lexicon_delta(cursor, ids: list[int], sign: int) -> None:
        """Add (sign 1) or take away (-1) what these stored documents hold, under the write lock:
        their syllables, and the pairs the lexicon holds. Read back from the rows' own vectors:
        what is counted is exactly what is stored."""
        if not ids:
            return
        cursor.execute(
            "WITH d AS (SELECT u.lexeme, %s * count(*) AS docs, %s * count(*) FILTER (WHERE 'A' = ANY(u.weights)) AS titles "
            "FROM search_document d, unnest(d.tsv) u WHERE d.article_id = ANY(%s) GROUP BY 1), "
            "pairs AS (UPDATE search_lexicon l SET docs = l.docs + d.docs, titles = l.titles + d.titles FROM d "
            "WHERE l.lexeme = d.lexeme AND l.shard = 0 AND position(' ' IN d.lexeme) > 0) "
            "INSERT INTO search_lexicon (lexeme, shard, docs, titles) "
            "SELECT lexeme, 0, docs, titles FROM d WHERE position(' ' IN lexeme) = 0 "
            "ON CONFLICT (lexeme, shard) DO UPDATE SET docs = search_lexicon.docs + excluded.docs, "
            "titles = search_lexicon.titles + excluded.titles",
            [sign, sign, ids],
        )

    def rebuild_lexicon(self) -> None:
        """Count the lexicon again from every stored vector, under the write lock (writes wait)."""
        from search.engines.postgres import schema

        with transaction.atomic(using=self.db), self._cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
            for statement in schema.lexicon_rebuild(schema.PAIR_MIN):
                cursor.execute(statement)

    def _flush(self, cursor) -> None:
        """Write what the bulk pool has analysed (and wait for it)."""
        pending, self._bulk["pending"] = self._bulk["pending"], None
        if pending is not None:
            self._copy(cursor, *pending)

    def _build_gin(self) -> None:
        """The GIN index, one partition per connection at once (PostgreSQL 15 builds a GIN index in
        one process: 2 partitions on 2 cores take half the time), then the parent's index, which
        attaches them. In one connection when the caller holds a transaction (tests)."""
        from search.engines.postgres.schema import PARTITION_TSV_INDEX, PARTITIONS, TSV_INDEX

        statements = [PARTITION_TSV_INDEX.format(i=i) for i in range(PARTITIONS)]

        def build(statement: str, *, own: bool) -> None:
            try:
                with self._cursor() as cursor:
                    cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
                    cursor.execute(statement)
                    cursor.execute("RESET maintenance_work_mem")
            finally:
                if own:
                    connections[self.db].close()

        def lexicon(*, own: bool) -> None:
            try:
                self.rebuild_lexicon()
            finally:
                if own:
                    connections[self.db].close()

        if connections[self.db].in_atomic_block:
            for statement in statements:
                build(statement, own=False)
            lexicon(own=False)
        else:
            # The lexicon is counted beside the GIN builds (82 s at 100,004 articles).
            with ThreadPoolExecutor(PARTITIONS + 1) as pool:
                tasks = [pool.submit(build, st, own=True) for st in statements]
                tasks.append(pool.submit(lexicon, own=True))
                for done in tasks:
                    done.result()
        with self._cursor() as cursor:
            cursor.execute(TSV_INDEX)
            if connections[self.db].in_atomic_block:
                cursor.execute("ANALYZE search_document")
            else:
                # Statistics and the visibility map written now, not by autovacuum in the middle of
                # the first searches. (A count through the GIN index still reads the rows' pages:
                # 10 ms for 10,084 rows warm, 67 ms cold, checked at 100,000 articles.) The
                # vectors' TOAST table needs no vacuum after a load.
                cursor.execute("VACUUM (ANALYZE, PROCESS_TOAST FALSE) search_document")

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """A rebuild writes the rows without the GIN index and builds it once at the end: inserting
        into it row by row took over 4 minutes for 20,000 articles under load. Inside, each commit
        hands its documents to a pool of `procs` processes and writes the previous commit's rows
        (COPY), so reading articles, analysing them and writing rows overlap; leaving writes the
        last ones, then builds the GIN index a partition per core."""
        self.setup()
        with self._cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS search_document_tsv")
            # Counts come from the GIN index until the rebuild has counted the lexicon again.
            cursor.execute("UPDATE search_state SET lexicon = false WHERE id = 1")
        pool = None
        if self.procs > 1 and not connections[self.db].in_atomic_block:
            pool = multiprocessing.get_context("fork").Pool(self.procs)
        self._bulk = {"pool": pool, "pending": None}
        try:
            yield
            if pool is not None:
                with transaction.atomic(using=self.db), self._cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                    self._flush(cursor)
                    cursor.execute("UPDATE search_state SET version = version + 1 WHERE id = 1")
        finally:
            self._bulk = None
            if pool is not None:
                pool.terminate()
                pool.join()
            self._build_gin()

    def clear(self) -> None:
        self.setup()
        with transaction.atomic(using=self.db), self._cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            cursor.execute("DELETE FROM search_document")
            cursor.execute("DELETE FROM search_lexicon")
            cursor.execute("UPDATE search_state SET lexicon = true WHERE id = 1")
            # A new epoch: no cache can mistake the empty index for an older one.
            cursor.execute("UPDATE search_state SET epoch = gen_random_uuid()::text, version = version + 1")

    def digests(self) -> dict[int, str]:
        self.setup()
        with self._cursor() as cursor:
            cursor.execute("SELECT article_id, digest FROM search_document")
            return {int(pk): digest for pk, digest in cursor.fetchall()}


__all__ = ["PostgresEngine", "tsvector_literals"]
