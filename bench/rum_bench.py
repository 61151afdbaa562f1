"""GIN or RUM for the PostgreSQL engine's index (issue #18: "a GIN index, or RUM if it ranks
faster: measure")?

    apt-get install postgresql-15-rum        # Debian's package; the bench only, not the archive
    .venv/bin/python bench/rum_bench.py postgres://postgres@127.0.0.1:5432/dv_bench --n 20000

Needs a database whose PostgreSQL engine table is built (bench/engines_bench.py). Copies the first
N articles' stored vectors into a table of its own, builds a GIN index and a RUM index
(`rum_tsvector_ops`) on the same vectors, and times, for search_bench.py's queries compiled as the
engine compiles them (the words; ranking over the folded syllables typed), the top 20 by rank:
- GIN: the matches through the GIN index, ranked by `ts_rank` over their rank vectors (every match's);
- RUM: the matches through the RUM index, ordered by the index itself (`tsv <=> query`);
and the count of the matches each way. In-process, one connection, each query once cold (after a
first run of every query) and the median of 3 warm; prints the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dsn")
    parser.add_argument("--n", type=int, default=20_000, help="articles copied (the first N by id)")
    parser.add_argument("--keep", action="store_true", help="keep the copied table and its indexes")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.dsn
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    import psycopg
    from search_bench import QUERIES

    from search.analysis import parse_query
    from search.engines.postgres import FOLDED, Compiled, PostgresEngine, _and, _or, _quote

    conn = psycopg.connect(args.dsn, autocommit=True)
    load = lambda: f"load average {os.getloadavg()[0]:.2f}"  # noqa: E731
    print(f"N={args.n} · in-process, one connection · {load()}", flush=True)
    conn.execute("CREATE EXTENSION IF NOT EXISTS rum")
    conn.execute("DROP TABLE IF EXISTS rum_bench_gin, rum_bench_rum")
    for table in ("rum_bench_gin", "rum_bench_rum"):
        conn.execute(
            f"CREATE TABLE {table} AS SELECT article_id, tsv, rank_tsv FROM search_document "
            "WHERE article_id IN (SELECT article_id FROM search_document ORDER BY article_id LIMIT %s)",
            [args.n],
        )
        conn.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (article_id)")
    conn.execute("SET maintenance_work_mem = '512MB'")
    builds = {}
    for table, using in (("rum_bench_gin", "gin (tsv)"), ("rum_bench_rum", "rum (tsv rum_tsvector_ops)")):
        t0 = time.perf_counter()
        conn.execute(f"CREATE INDEX {table}_tsv ON {table} USING {using}")
        conn.execute(f"VACUUM ANALYZE {table}")
        size = conn.execute(f"SELECT pg_relation_size('{table}_tsv')").fetchone()[0] / 2**20
        builds[table] = (time.perf_counter() - t0, size)
        print(
            f"build {using.split()[0].upper()}: {builds[table][0]:.0f} s, index {size:.0f} MiB ({load()})",
            flush=True,
        )

    engine = PostgresEngine()
    cases = []
    for q in QUERIES:
        parsed = engine.segment(parse_query(q))
        if parsed.empty:
            continue
        c = Compiled(parsed, widened=False)
        matching = _and([c.every, f"!{c.excluded}" if c.excluded else ""])
        # RUM orders by the indexed vector: the folded syllables typed, as stored there ("~dan").
        folded = _or([_quote(FOLDED + s.strip("'")) for s in c.rank.strip("()").split(" | ")])
        cases.append((q, matching, c.rank, folded))

    statements = {
        "GIN: ts_rank over every match's rank vector, top 20": (
            "SELECT article_id FROM rum_bench_gin WHERE tsv @@ %s::tsquery "
            "ORDER BY ts_rank(rank_tsv, %s::tsquery) DESC, article_id LIMIT 20",
            lambda m, r, f: [m, r],
        ),
        "RUM: ordered by the index (tsv <=> query), top 20": (
            "SELECT article_id FROM rum_bench_rum WHERE tsv @@ %s::tsquery ORDER BY tsv <=> %s::tsquery LIMIT 20",
            lambda m, r, f: [m, f],
        ),
        "GIN: count of the matches": (
            "SELECT count(*) FROM rum_bench_gin WHERE tsv @@ %s::tsquery",
            lambda m, r, f: [m],
        ),
        "RUM: count of the matches": (
            "SELECT count(*) FROM rum_bench_rum WHERE tsv @@ %s::tsquery",
            lambda m, r, f: [m],
        ),
    }
    conn.execute("SET enable_seqscan = off")
    conn.execute("SET work_mem = '64MB'")
    print(
        f"\n| {len(cases)} queries | first run p50 ms | p95 ms | warm median p50 | p95 |\n|---|---|---|---|---|"
    )
    for name, (sql, bind) in statements.items():
        first, warm = [], []
        for _, m, r, f in cases:
            t0 = time.perf_counter()
            conn.execute(sql, bind(m, r, f)).fetchall()
            first.append((time.perf_counter() - t0) * 1000)
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                conn.execute(sql, bind(m, r, f)).fetchall()
                runs.append((time.perf_counter() - t0) * 1000)
            warm.append(statistics.median(runs))
        print(
            f"| {name} | {pct(first, 0.5):.1f} | {pct(first, 0.95):.1f} | {pct(warm, 0.5):.1f} | {pct(warm, 0.95):.1f} |",
            flush=True,
        )
    print(load())
    if not args.keep:
        conn.execute("DROP TABLE IF EXISTS rum_bench_gin, rum_bench_rum")


if __name__ == "__main__":
    main()
