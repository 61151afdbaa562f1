"""Export benchmark (issue #19): a list of 10,000 articles (the cap) as CSV, JSON Lines, RIS and BibTeX.

    .venv/bin/python bench/export_bench.py                 # SQLite in /tmp, removed at the end
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dv_19bench .venv/bin/python bench/export_bench.py
    .venv/bin/python bench/export_bench.py --reuse --keep  # keep / reuse an ingested database

Ingests the first --articles corpus articles (`ingest --no-index`: the browse lists read the database)
into a throwaway database, then downloads /nam/khong-ro/ (the undated articles: 82% of the corpus, so
the list passes the cap) and a province's list in each format through Django's test client: in
process, one process, no HTTP. The response is streamed and consumed chunk by chunk, as a client would;
per format it prints the rows, the size, the time to the first chunk and to the last, and the peak of
Python memory allocated while streaming (tracemalloc), with the load averages.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"
PYTHON = sys.executable


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--articles", type=int, default=13_000, help="corpus articles to ingest (default 13,000)"
    )
    parser.add_argument("--reuse", action="store_true", help="skip the ingest if the database has articles")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file / PostgreSQL database")
    args = parser.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="dv19-export-bench-"))
    database_url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/dv19-export-bench.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "0",
        "WHOOSH_PATH": str(tmp / "whoosh"),
        "CACHE_URL": f"filecache://{tmp / 'cache'}",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
    }
    os.environ.update(env)
    postgres = database_url.startswith("postgres")
    db_name = database_url.rsplit("/", 1)[-1]
    print(f"database: {'PostgreSQL ' + db_name if postgres else database_url}; {load()}", flush=True)
    try:
        if postgres:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db_name], capture_output=True)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

        import django

        sys.path.insert(0, str(ROOT))
        django.setup()
        from django.test import Client

        from archive.models import Article

        if not (args.reuse and Article.objects.exists()):
            part = tmp / "part.jsonl"
            with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
                part.write_text("".join(itertools.islice(lines, args.articles)), encoding="utf-8")
            started = time.perf_counter()
            subprocess.run(
                [PYTHON, "manage.py", "ingest", str(part), "--no-index", "--no-progress"],
                cwd=ROOT,
                env=env,
                check=False,
            )
            print(
                f"ingest of {args.articles} corpus articles: {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        undated = Article.objects.filter(published_on=None).count()
        print(f"articles: {Article.objects.count()}, undated: {undated}", flush=True)
        busiest = (
            Article.objects.exclude(province=None)
            .values("province__slug")
            .annotate(n=django.db.models.Count("id"))
            .order_by("-n")
            .first()
        )
        lists = {
            "undated": "/nam/khong-ro/",
            f"province {busiest['province__slug']}": f"/tinh/{busiest['province__slug']}/",
        }
        client = Client(HTTP_HOST="127.0.0.1")
        print(
            f"{'list':<24} {'format':<7} {'rows':>6} {'MiB':>6} {'first ms':>9} {'total s':>8} {'rows/s':>8} {'peak MiB':>9}"
        )
        for name, url in lists.items():
            for fmt in ("csv", "jsonl", "ris", "bibtex"):
                tracemalloc.start()
                started = time.perf_counter()
                response = client.get(url, {"format": fmt})
                first = None
                size = rows = 0
                mark = {"csv": b"\r\n", "jsonl": b"\n", "ris": b"ER  - ", "bibtex": b"@article{"}[fmt]
                tail = b""
                for chunk in response.streaming_content:
                    if first is None:
                        first = time.perf_counter() - started
                    size += len(chunk)
                    joined = tail + chunk  # a mark split between two chunks is counted once
                    rows += joined.count(mark) - tail.count(mark)
                    tail = joined[-(len(mark) - 1) :] if len(mark) > 1 else b""
                total = time.perf_counter() - started
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                rows -= {"csv": 7, "jsonl": 1, "ris": 0, "bibtex": 0}[fmt]  # the head's lines
                print(
                    f"{name:<24} {fmt:<7} {rows:>6} {size / 2**20:>6.1f} {1000 * (first or 0):>9.0f} "
                    f"{total:>8.2f} {rows / total:>8.0f} {peak / 2**20:>9.1f}",
                    flush=True,
                )
        print(f"in-process (Django test client, no HTTP), 1 process; {load()}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
            if postgres:
                from django.db import connections

                connections.close_all()
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", db_name], capture_output=True)
            else:
                pathlib.Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
