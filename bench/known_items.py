"""Known-item and topical search quality (issue #15), beside PostgreSQL full-text search.

    .venv/bin/python bench/known_items.py /tmp/k100            # a `search_bench.py --keep` archive
    .venv/bin/python bench/known_items.py /tmp/k100 --cases 300 --pg postgres://postgres@127.0.0.1:5432/postgres

A reader looking for an article they have seen types (1) its title, (2) its title without
diacritics, or (3) four words remembered from its lead, with spaces only. Cases are drawn from the
archive's corpus articles (never the seeds) with a fixed seed; a case succeeds at k when the
article, or one with the same title (the corpus repeats some stories), is among the first k
results. Reported: success@1, success@10, MRR@10 and how many found nothing.

Topical queries (`TOPICS`) are judged by rule: a result is relevant when its title or text holds
the phrase as written (diacritics, whole syllables). Reported: precision@10 and @20.

The PostgreSQL anchor is built in the same run on the same articles, as `../shared/anchor-bench`
builds it: `simple` configuration over `unaccent`-folded text, title weighted A, a GIN index,
`websearch_to_tsquery`, ranked by `ts_rank_cd`.

The functions are shared with `tests/search/test_search_recall.py`, which runs them at CI size.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TOPICS = [
    "bảo hiểm xã hội",
    "Ủy ban nhân dân",
    "tai nạn lao động",
    "Bộ Công an",
    "biến đổi khí hậu",
    "an toàn giao thông",
    "ma túy",
    "xuất khẩu lao động",
    "nông thôn mới",
    "thị trường chứng khoán",
    "Đà Nẵng",
    "dân vận",
    "bao hiem xa hoi",
    "da nang",
    "bien doi khi hau",
    "tai nan lao dong",
]
LEAD_SYLLABLES = 60  # "remembered from the lead": the first syllables of the text
_PUNCT = re.compile(r"[^\w\s]|_")


@dataclass
class Case:
    kind: str  # "title", "title-folded", "four-words"
    q: str
    pk: int
    title_key: str  # the target's title, folded: a result with the same title is the same story


@dataclass
class Scores:
    ranks: list[int | None] = field(default_factory=list)  # 1-based rank in the top 10, or None
    empty: int = 0  # queries that found nothing at all
    ms: list[float] = field(default_factory=list)

    def add(self, rank: int | None, found: int, ms: float = 0.0) -> None:
        self.ranks.append(rank)
        self.empty += found == 0
        self.ms.append(ms)

    def summary(self) -> dict:
        n = len(self.ranks) or 1
        return {
            "n": len(self.ranks),
            "s@1": sum(r == 1 for r in self.ranks) / n,
            "s@10": sum(r is not None for r in self.ranks) / n,
            "mrr": sum(1 / r for r in self.ranks if r) / n,
            "none": self.empty,
            "p50_ms": statistics.median(self.ms) if self.ms else 0.0,
        }


def _key(title: str) -> str:
    from archive.extract.normalize import fold

    return " ".join(fold(title).lower().split())


def four_words(text: str, rng: random.Random) -> str | None:
    """Four pairs of adjacent syllables from the lead, in their order, none overlapping, letters
    only: what a reader remembers, typed with spaces (a pair may straddle two words, as typing
    from memory does)."""
    from search.analysis import syllables

    syls = syllables(text[:2000])[:LEAD_SYLLABLES]
    pairs = [
        i
        for i in range(1, len(syls))
        if syls[i].joined and syls[i - 1].text.isalpha() and syls[i].text.isalpha()
    ]
    chosen: list[int] = []
    for i in rng.sample(pairs, len(pairs)):
        if all(abs(i - j) > 1 for j in chosen):
            chosen.append(i)
        if len(chosen) == 4:
            break
    if len(chosen) < 4:
        return None
    return " ".join(f"{syls[i - 1].text} {syls[i].text}" for i in sorted(chosen))


def make_cases(articles: list[tuple[int, str, str]], n: int, seed: int = 15) -> list[Case]:
    """n cases of each kind from (pk, title, text) rows, drawn with a fixed seed."""
    from archive.extract.normalize import fold

    rng = random.Random(seed)
    pool = [a for a in articles if len(a[1].split()) >= 3 and len(a[2]) >= 200]
    picked = rng.sample(pool, min(n, len(pool)))
    cases: list[Case] = []
    for pk, title, text in picked:
        key = _key(title)
        cases.append(Case("title", title, pk, key))
        cases.append(Case("title-folded", fold(title), pk, key))
        words = four_words(text, rng)
        if words:
            cases.append(Case("four-words", words, pk, key))
    return cases


def rank_of(case: Case, ids: list[int], titles: dict[int, str]) -> int | None:
    for i, pk in enumerate(ids[:10], 1):
        if pk == case.pk or _key(titles.get(pk, "")) == case.title_key:
            return i
    return None


def ours(q: str, limit: int = 10) -> tuple[list[int], int]:
    """The archive's search, as the page runs it: (ids of the first `limit` results, how many
    it lists)."""
    from search.analysis import parse_query
    from search.indexing import backend

    outcome = backend().article_search(parse_query(q), per_page=limit, facets=("year", "province"))
    return [h.pk for h in outcome.hits], outcome.listed


class PgAnchor:
    """PostgreSQL FTS over the same articles, built the anchor bench's way (see module doc)."""

    def __init__(self, dsn: str, table: str = "known_items_docs"):
        import psycopg

        self.conn = psycopg.connect(dsn, autocommit=True)
        self.table = table

    def build(self, articles) -> float:
        t0 = time.perf_counter()
        cur = self.conn.cursor()
        cur.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cur.execute(
            "CREATE OR REPLACE FUNCTION anchor_fold(text) RETURNS text LANGUAGE sql IMMUTABLE "
            "PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, "
            "normalize($1, NFC)) $$"
        )
        cur.execute(f"DROP TABLE IF EXISTS {self.table}")
        cur.execute(
            f"CREATE TABLE {self.table} (id int PRIMARY KEY, title text, body text, "
            "tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', anchor_fold(coalesce(title, ''))), 'A') || "
            "to_tsvector('simple', anchor_fold(coalesce(body, '')))) STORED)"
        )
        with cur.copy(f"COPY {self.table} (id, title, body) FROM STDIN") as copy:
            for pk, title, text in articles:
                copy.write_row((pk, title, text))
        cur.execute(f"CREATE INDEX {self.table}_tsv ON {self.table} USING gin (tsv)")
        cur.execute(f"ANALYZE {self.table}")
        return time.perf_counter() - t0

    def search(self, q: str, limit: int = 10) -> tuple[list[int], int]:
        rows = self.conn.execute(
            f"WITH q AS (SELECT websearch_to_tsquery('simple', anchor_fold(%(q)s)) AS q), "
            f"m AS MATERIALIZED (SELECT d.id, d.tsv FROM {self.table} d, q WHERE d.tsv @@ q.q) "
            "SELECT m.id, ts_rank_cd(m.tsv, q.q) AS r, count(*) OVER () FROM m, q "
            "ORDER BY r DESC, m.id LIMIT %(limit)s",
            {"q": q, "limit": limit},
        ).fetchall()
        return [r[0] for r in rows], (rows[0][2] if rows else 0)

    def drop(self) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.conn.close()


def evaluate(cases: list[Case], search, titles: dict[int, str]) -> dict[str, dict]:
    """success@1/@10, MRR@10 and empty results per kind of case, for one engine's `search`."""
    per_kind: dict[str, Scores] = {}
    for case in cases:
        t0 = time.perf_counter()
        ids, found = search(case.q)
        ms = (time.perf_counter() - t0) * 1000
        per_kind.setdefault(case.kind, Scores()).add(rank_of(case, ids, titles), found, ms)
    return {kind: s.summary() for kind, s in per_kind.items()}


def topical(search, texts: dict[int, str], topics=TOPICS) -> dict[str, dict]:
    """Precision@10 and @20 of each topical query, relevant = holds the phrase as written."""
    from archive.extract.normalize import fold, normalize_text

    out = {}
    for topic in topics:
        folded = fold(topic) == topic
        words = topic.split()
        # An unaccented query means its most used reading: judged on the folded text.
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)
        ids, found = search(topic, 20)
        judged = []
        for pk in ids:
            text = normalize_text(texts.get(pk, ""))
            judged.append(bool(pattern.search(fold(text) if folded else text)))
        out[topic] = {
            "found": found,
            "p@10": sum(judged[:10]) / 10,
            "p@20": sum(judged[:20]) / 20,
        }
    return out


def format_table(results: dict[str, dict[str, dict]]) -> str:
    lines = [
        "| case | engine | n | success@1 | success@10 | MRR@10 | found nothing | p50 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    kinds = sorted({k for r in results.values() for k in r})
    for kind in kinds:
        for engine, r in results.items():
            s = r.get(kind)
            if s:
                lines.append(
                    f"| {kind} | {engine} | {s['n']} | {s['s@1']:.3f} | {s['s@10']:.3f} | {s['mrr']:.3f} "
                    f"| {s['none']} | {s['p50_ms']:.1f} |"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("workdir", help="a search_bench.py --keep directory (bench.sqlite3 and whoosh/)")
    parser.add_argument("--cases", type=int, default=300, help="articles drawn (each gives up to 3 cases)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--pg",
        default=os.environ.get("ANCHOR_PG_DSN", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL for the anchor (a table known_items_docs is made and dropped)",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.workdir}/bench.sqlite3"
    os.environ.setdefault("WHOOSH_TEST_PATH", f"{args.workdir}/whoosh")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from archive.models import Article

    print(f"load average {os.getloadavg()[0]:.2f}, one process, in-process (no HTTP)", flush=True)
    every = list(Article.objects.order_by("pk").values_list("pk", "title", "text", "source_file"))
    seeds = {path.name for path in (ROOT / "seeds").glob("*.txt")}
    rows = [(pk, title, text) for pk, title, text, source in every if source not in seeds]
    print(f"{len(every)} articles in {args.workdir}, {len(rows)} from the corpus", flush=True)
    titles = {pk: title for pk, title, _, _ in every}
    cases = make_cases(rows, args.cases, args.seed)
    print(f"{len(cases)} known-item cases; PostgreSQL anchor over all {len(every)}…", flush=True)
    anchor = PgAnchor(args.pg)
    build_s = anchor.build([row[:3] for row in every])
    print(f"  built in {build_s:.0f} s", flush=True)
    try:
        ours("dân vận")  # open the searcher: the first query is not a cold start of the process
        results = {
            "archive": evaluate(cases, ours, titles),
            "PostgreSQL FTS": evaluate(cases, anchor.search, titles),
        }
        print(format_table(results), flush=True)
        texts = {pk: f"{title}\n\n{text}" for pk, title, text, _ in every}
        mine, theirs = topical(ours, texts), topical(anchor.search, texts)
    finally:
        anchor.drop()
    print(
        "\n| topical query | archive found | p@10 | p@20 | PostgreSQL found | p@10 | p@20 |\n|---|---|---|---|---|---|---|"
    )
    for topic in TOPICS:
        a, b = mine[topic], theirs[topic]
        print(
            f"| {topic} | {a['found']} | {a['p@10']:.2f} | {a['p@20']:.2f} | {b['found']} | {b['p@10']:.2f} | {b['p@20']:.2f} |"
        )
    for name, r in (("archive", mine), ("PostgreSQL FTS", theirs)):
        print(
            f"{name}: mean p@10 {statistics.mean(v['p@10'] for v in r.values()):.3f}, "
            f"p@20 {statistics.mean(v['p@20'] for v in r.values()):.3f}"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end", flush=True)


if __name__ == "__main__":
    main()
