"""Browse-page benchmark (issue #9): home, province, year and official pages at 100,000 articles.

    .venv/bin/python bench/pages_bench.py                       # SQLite in /tmp, removed at the end
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt9bench .venv/bin/python bench/pages_bench.py
    .venv/bin/python bench/pages_bench.py --reuse --keep        # keep / reuse an ingested database

Ingests ../shared/corpus/news-100k.jsonl.gz and seeds/ (`ingest --no-index`: the browse pages read
the database, not the search index) into a throwaway database, then requests each page through
Django's test client (server time: URL resolution, views, queries, templates; no network) with the
same file cache `make run` uses. Per page kind it prints the first request (counts not cached yet)
and p50 / p95 / max of the repeated requests (counts cached), with the load averages.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"
PYTHON = sys.executable


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per URL (default 20)")
    parser.add_argument("--reuse", action="store_true", help="skip the ingest if the database has articles")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file / PostgreSQL database")
    parser.add_argument(
        "--corpus", default=str(CORPUS), help="a JSONL export to ingest (default: the shared corpus)"
    )
    args = parser.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="wt9-pages-bench-"))
    database_url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/wt9-pages-bench.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "0",  # no query log (it holds hundreds of MiB during an ingest)
        "WHOOSH_PATH": str(tmp / "whoosh"),
        "CACHE_URL": f"filecache://{tmp / 'cache'}?max_entries=50000",  # as make run
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
    }
    os.environ.update(env)
    postgres = database_url.startswith("postgres")
    db_name = database_url.rsplit("/", 1)[-1]
    print(f"database: {'PostgreSQL ' + db_name if postgres else database_url}", flush=True)
    try:
        if postgres:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db_name], capture_output=True)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )

        import django

        sys.path.insert(0, str(ROOT))
        django.setup()
        from django.core.cache import cache
        from django.db import connection, reset_queries
        from django.db.models import Count
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from archive import selectors
        from archive.models import Article, Official

        corpus = pathlib.Path(args.corpus)
        if not (args.reuse and Article.objects.exists()):
            if not corpus.exists():
                print(f"missing corpus: {corpus}", file=sys.stderr)
                return 2
            started = time.perf_counter()
            subprocess.run(
                [PYTHON, "manage.py", "ingest", str(corpus), "seeds/", "--no-index", "--no-progress"],
                cwd=ROOT,
                env=env,
                check=False,  # the corpus has one line without text: reported, and the rest goes in
            )
            print(f"ingest: {time.perf_counter() - started:.0f} s", flush=True)
        total = Article.objects.count()
        print(f"articles: {total}", flush=True)

        table = selectors.province_table()
        legacy = sorted(table["legacy"], key=lambda r: -r["count"])
        current = sorted(table["2025"], key=lambda r: -r["count"])
        years = [r["year"] for r in selectors.year_counts()]
        busiest_years = [r["year"] for r in sorted(selectors.year_counts(), key=lambda r: -r["count"])[:4]]
        officials = list(
            Official.objects.annotate(n=Count("mentions")).order_by("-n", "pk").values_list("pk", "n")[:10]
        )
        rng = random.Random(9)
        all_ids = list(Official.objects.values_list("pk", flat=True))
        sample = rng.sample(all_ids, min(10, len(all_ids)))
        official_urls = [
            Official.objects.get(pk=pk).get_absolute_url() for pk in [o[0] for o in officials] + sample
        ]
        print(
            f"busiest: {legacy[0]['name']} ({legacy[0]['count']}), {current[0]['name']} 2025 ({current[0]['count']}); "
            f"years {years[0]}–{years[-1]}; officials {len(all_ids)}, most mentioned {officials[0][1] if officials else 0}",
            flush=True,
        )
        pages = {
            "home": ["/", "/?ky=2025"],
            "province": [r["url"] for r in legacy[:5]]
            + [r["url"] for r in current[:3]]
            + ([legacy[0]["url"] + "?page=2"] if legacy[0]["count"] > 20 else [])
            + ([current[0]["url"] + "?page=5"] if current[0]["count"] > 100 else []),
            "year": [f"/nam/{y}/" for y in busiest_years] + [f"/nam/{busiest_years[0]}/6/"],
            "official": official_urls,
            "province list": ["/tinh/"],
            "officials": ["/can-bo/", f"/can-bo/?tinh={legacy[0]['ref']}", "/can-bo/?page=3"],
            "meetings": ["/hoi-nghi/", f"/hoi-nghi/?tinh={current[0]['ref']}"],
            "article": [a.get_absolute_url() for a in Article.objects.order_by("?")[:10]],
        }

        client = Client(HTTP_HOST="127.0.0.1")
        cache.clear()
        print(f"\n{load()}")
        print(
            f"{'page':<14} {'urls':>4} {'first (cold) p50/max ms':>24} {'repeated p50':>13} {'p95':>8} {'max':>8} {'queries':>8}"
        )
        results = {}
        for kind, urls in pages.items():
            cold, warm, queries = [], [], []
            for url in urls:
                started = time.perf_counter()
                response = client.get(url)
                cold.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            for _ in range(args.repeat):
                for url in urls:
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = client.get(url)
                        warm.append((time.perf_counter() - started) * 1000)
                    queries.append(len(captured))
                    assert response.status_code == 200
            reset_queries()
            results[kind] = (cold, warm)
            print(
                f"{kind:<14} {len(urls):>4} {statistics.median(cold):>13.1f} / {max(cold):>7.1f} "
                f"{statistics.median(warm):>13.1f} {pct(warm, 0.95):>8.1f} {max(warm):>8.1f} {max(queries):>8}",
                flush=True,
            )
        print(load())
        target = all(pct(results[k][1], 0.95) < 50 for k in ("home", "province", "year", "official"))
        print(
            f"target p95 < 50 ms (home, province, year, official, counts cached): {'met' if target else 'NOT met'}"
        )
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep:
            if postgres:
                from django.db import connections

                connections.close_all()
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db_name])
            else:
                pathlib.Path(database_url.replace("sqlite:///", "")).unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
