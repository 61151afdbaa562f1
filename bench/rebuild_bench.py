"""rebuild_index against the bulk path, on N corpus articles (issue 6, finding 4).

    nohup .venv/bin/python bench/rebuild_bench.py 100000 > /tmp/wt6-rebuild-100k.log 2>&1 &

Ingests the first N corpus articles with `--no-index` into a throwaway SQLite database once, then
times, each as its own `manage.py` process on that database:
  bulk     the bulk path itself: `search.indexing.index_articles(every id)` into an empty index
  rebuild  `manage.py rebuild_index --noinput` (the project's command, replacing Haystack's)
  verify   `manage.py ensure_index` on the index in step (drain + digest comparison of every article)
Prints seconds, docs/s, the index size and `uptime` load averages. The temp dir is removed at the end.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DANVAN_CORPUS", ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"))
PY = sys.executable

BULK = """
from archive.models import Article
from search import indexing
indexing.backend().clear()
indexing.index_articles(Article.objects.order_by("pk").values_list("pk", flat=True).iterator())
"""


def run(env, *args: str, check: bool = True) -> float:
    started = time.monotonic()
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=check)
    return time.monotonic() - started


def size_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--procs", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wt6-rebuild-bench-"))
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "WHOOSH_PATH": str(tmp / "whoosh"),
            "WHOOSH_PROCS": str(args.procs),
        }
        sample = tmp / "sample.jsonl.gz"
        with (
            gzip.open(CORPUS, "rt", encoding="utf-8") as src,
            gzip.open(sample, "wt", encoding="utf-8") as dst,
        ):
            dst.writelines(islice(src, args.n))
        run(env, "migrate", "--noinput", "-v", "0")
        print(
            f"ingest --no-index: {run(env, 'ingest', str(sample), '--no-index', '--no-progress', check=False):.0f} s",
            flush=True,
        )
        count = subprocess.run(
            [
                PY,
                "manage.py",
                "shell",
                "-c",
                "from archive.models import Article; print(Article.objects.count())",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        print(f"articles: {count}   {uptime()}", flush=True)
        figures = {}
        for name, cmd in (
            ("bulk", ("shell", "--no-imports", "-c", BULK)),
            ("rebuild", ("rebuild_index", "--noinput", "-v", "0")),
            ("verify", ("ensure_index", "-v", "2")),
        ):
            seconds = run(env, *cmd)
            figures[name] = seconds
            print(
                f"{name:8s} {seconds:8.1f} s  {int(count) / seconds:6.0f} docs/s  "
                f"index {size_mib(tmp / 'whoosh'):,.0f} MiB   {uptime()}",
                flush=True,
            )
        print(f"rebuild_index / bulk path = {figures['rebuild'] / figures['bulk']:.2f}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
