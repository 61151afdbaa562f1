"""Both search engines and the plain PostgreSQL FTS anchor on the same archive (issue #18).

    createdb -h 127.0.0.1 -U postgres dv_bench
    .venv/bin/python bench/engines_bench.py postgres://postgres@127.0.0.1:5432/dv_bench 20000
    .venv/bin/python bench/engines_bench.py postgres://…/dv_bench 20000 --reuse   # queries only

Ingests the seeds and the first N corpus articles into that PostgreSQL database (once: --reuse
keeps them), builds the Whoosh engine's index (temporary folder, 2 writer processes), the
PostgreSQL engine's table and, beside them, the anchor of ../shared/anchor-bench (`simple` over
`unaccent`-folded text, title weighted A, GIN, `websearch_to_tsquery`, `ts_rank`, facets as GROUP BY).
Prints, for each: build time and docs/s, size; query p50/p95 cold (the first run of each query:
every cache in front of the engines cleared) over search_bench.py's 40 queries × 3 filter sets plus
its known-item lines, in-process, one process; the whole search page (Django test client, server
time) for both engines; known-item success@1/@10 (known_items.py's cases) for each.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def load() -> str:
    return f"load average {os.getloadavg()[0]:.2f}"


class Anchor:
    """The anchor bench's PostgreSQL FTS, with the facets the page counts (year, province)."""

    def __init__(self, dsn: str, table: str = "engines_bench_anchor"):
        import psycopg

        self.conn = psycopg.connect(dsn, autocommit=True)
        self.table = table

    def build(self) -> float:
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
            f"CREATE TABLE {self.table} AS SELECT a.id, a.title, a.text AS body, "
            "extract(year FROM a.published_on)::int AS year, p.name AS province "
            "FROM archive_article a LEFT JOIN archive_province p ON p.id = a.province_id"
        )
        cur.execute(
            f"ALTER TABLE {self.table} ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', anchor_fold(coalesce(title, ''))), 'A') || "
            "to_tsvector('simple', anchor_fold(coalesce(body, '')))) STORED"
        )
        cur.execute(f"CREATE INDEX {self.table}_tsv ON {self.table} USING gin (tsv)")
        cur.execute(f"ANALYZE {self.table}")
        return time.perf_counter() - t0

    def size_mib(self) -> float:
        row = self.conn.execute(f"SELECT pg_total_relation_size('{self.table}')").fetchone()
        return row[0] / 2**20

    def search(self, q: str, limit: int = 20, years: list[str] | None = None) -> tuple[list[int], int]:
        where = "AND d.year = ANY(%(years)s)" if years else ""
        rows = self.conn.execute(
            f"WITH q AS (SELECT websearch_to_tsquery('simple', anchor_fold(%(q)s)) AS q), "
            f"m AS MATERIALIZED (SELECT d.id, d.tsv, d.year, d.province FROM {self.table} d, q "
            f"WHERE d.tsv @@ q.q {where}) "
            "(SELECT 'h', m.id::text, ts_rank(m.tsv, q.q) FROM m, q ORDER BY 3 DESC, m.id LIMIT %(limit)s) "
            "UNION ALL (SELECT 'y', year::text, count(*) FROM m GROUP BY year) "
            "UNION ALL (SELECT 'p', province, count(*) FROM m GROUP BY province)",
            {"q": q, "limit": limit, "years": [int(y) for y in years or []]},
        ).fetchall()
        hits = [int(v) for k, v, _ in rows if k == "h"]
        return hits, int(sum(n for k, _, n in rows if k == "y"))

    def drop(self) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dsn", help="a PostgreSQL database of its own (never postgres or test_postgres)")
    parser.add_argument("n", nargs="?", type=int, default=20_000)
    parser.add_argument(
        "--reuse", action="store_true", help="the articles and both indexes are already built"
    )
    parser.add_argument("--cases", type=int, default=100, help="known-item articles drawn (3 cases each)")
    parser.add_argument(
        "--whoosh", default=None, help="the Whoosh index folder (kept; default: a temporary one)"
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = args.dsn
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    whoosh_dir = args.whoosh or tempfile.mkdtemp(prefix="danvan-engines-bench-")
    os.environ["WHOOSH_TEST_PATH"] = whoosh_dir
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client, override_settings

    from archive.models import Article
    from search import indexing
    from search.engines import engine
    from search.query import build_plan

    call_command("migrate", verbosity=0)
    print(f"{load()} · N={args.n} · in-process, one process · Whoosh index {whoosh_dir}", flush=True)
    if not args.reuse:
        from search_bench import ingest

        Article.objects.all().delete()
        ids, ingest_s, _ = ingest(args.n)
        print(f"ingest: {len(ids)} articles in {ingest_s:.0f} s", flush=True)
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    print(f"{len(ids)} articles", flush=True)

    def progress_printer(name: str):
        state = {"done": 0, "t0": time.perf_counter(), "shown": time.perf_counter()}

        def progress(n: int) -> None:
            state["done"] += n
            if time.perf_counter() - state["shown"] > 15:
                state["shown"] = time.perf_counter()
                rate = state["done"] / (state["shown"] - state["t0"])
                print(f"  {name}: {state['done']}/{len(ids)} ({rate:.0f}/s, {load()})", flush=True)

        return progress

    builds = {}
    for name in ("whoosh", "postgres"):
        with override_settings(SEARCH_ENGINE=name):
            engine().setup()
            if args.reuse and engine().doc_count() == len(ids):
                print(f"{name}: index holds the {len(ids)} articles, reused", flush=True)
                continue
            engine().clear()
            t0 = time.perf_counter()
            with engine().bulk_load():  # as `rebuild_index` builds it
                indexing.index_articles(ids, progress=progress_printer(name), procs=2)
            builds[name] = time.perf_counter() - t0
            print(
                f"build {name}: {len(ids)} docs in {builds[name]:.0f} s = {len(ids) / builds[name]:.0f} docs/s ({load()})",
                flush=True,
            )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE search_document")
        # The table is partitioned: its size is its partitions' (with their TOAST and indexes).
        cur.execute(
            "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
            "WHERE inhparent = 'search_document'::regclass"
        )
        print(f"PostgreSQL engine table: {cur.fetchone()[0] / 2**20:.0f} MiB", flush=True)
    anchor = Anchor(args.dsn)
    anchor_s = anchor.build()
    print(f"build anchor: {anchor_s:.0f} s · {anchor.size_mib():.0f} MiB ({load()})", flush=True)

    from known_items import evaluate, format_table, make_cases
    from search_bench import FILTERS, QUERIES, known_item_queries

    cases = [(q, f) for f in FILTERS for q in QUERIES] + [(q, {}) for q in known_item_queries()]
    print(f"{len(cases)} query cases, {load()}", flush=True)

    def clear_caches() -> None:
        caches["results"].clear()
        try:
            indexing.backend()._results.clear()
        except Exception:  # noqa: BLE001 — the Whoosh backend only
            pass

    timings: dict[str, list[float]] = {}
    for name in ("whoosh", "postgres"):
        with override_settings(SEARCH_ENGINE=name):
            eng = engine()
            eng.search(build_plan("dân vận"))  # open the index: not a cold process
            times, pages = [], []
            client = Client()
            for q, f in cases:
                clear_caches()
                t0 = time.perf_counter()
                eng.search(
                    build_plan(q, filters=f, facets=("province", "year", "kind", "official", "outlet"))
                )
                times.append((time.perf_counter() - t0) * 1000)
                clear_caches()
                t0 = time.perf_counter()
                response = client.get("/tim-kiem/", {"q": q, **f})
                pages.append((time.perf_counter() - t0) * 1000)
                assert response.status_code in (200, 404), (q, response.status_code)
            timings[f"{name} engine"] = times
            timings[f"{name} page"] = pages
    anchor_times = []
    anchor.search("dân vận")
    for q, f in cases:
        t0 = time.perf_counter()
        anchor.search(q, years=f.get("year"))
        anchor_times.append((time.perf_counter() - t0) * 1000)
    timings["anchor (query + 2 facets)"] = anchor_times
    print(f"\n| what ({len(cases)} cases, cold) | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
    for name, values in timings.items():
        print(f"| {name} | {pct(values, 0.5):.1f} | {pct(values, 0.95):.1f} | {max(values):.1f} |")
    print(load(), flush=True)

    every = list(Article.objects.order_by("pk").values_list("pk", "title", "text", "source_file"))
    seeds = {path.name for path in (ROOT / "seeds").glob("*.txt")}
    rows = [(pk, title, text) for pk, title, text, source in every if source not in seeds]
    titles = {pk: title for pk, title, _, _ in every}
    known = make_cases(rows, args.cases)
    del every, rows
    results = {}
    for name in ("whoosh", "postgres"):
        with override_settings(SEARCH_ENGINE=name):

            def ours(q: str, limit: int = 10):
                outcome = engine().search(build_plan(q, per_page=limit, facets=("year", "province")))
                return [h.pk for h in outcome.hits], outcome.listed

            results[f"{name} engine"] = evaluate(known, ours, titles)
    results["PostgreSQL FTS anchor"] = evaluate(known, lambda q, limit=10: anchor.search(q, limit), titles)
    print(format_table(results))
    for name, r in results.items():
        n = sum(s["n"] for s in r.values())
        s10 = sum(s["s@10"] * s["n"] for s in r.values()) / n
        print(f"{name}: success@10 over all {n} cases {s10:.3f}")
    anchor.drop()
    print(load(), flush=True)


if __name__ == "__main__":
    main()
