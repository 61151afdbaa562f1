"""Ingest speed on N corpus lines, this tree against another (issue 20: within 10% of issue 10's).

    .venv/bin/python bench/ingest_speed.py 20000 --other /tmp/main-tree [--rounds 2]

For each round and each tree (a checkout of the code to compare, e.g. `git archive main | tar -x -C
/tmp/main-tree`), migrates a throwaway SQLite database and runs `manage.py ingest --no-index` on the
first N corpus lines in its own process (in-process extraction and writes, one worker, no HTTP).
Prints wall seconds, items/s, the process's CPU seconds (which other work on the machine disturbs
less than wall time) and the load average; trees alternate so both see the same load.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"


def run(tree: Path, env: dict, *args: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=tree, env=env, check=False, stdout=subprocess.DEVNULL
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.monotonic() - started, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--other", type=Path, help="another tree to time the same way")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="danvan-ingest-speed-"))
    try:
        sample = tmp / "sample.jsonl.gz"
        with gzip.open(CORPUS, "rb") as src, gzip.open(sample, "wb", compresslevel=1) as dst:
            for line in islice(src, args.n):
                dst.write(line)
        trees = [("this", ROOT)] + ([("other", args.other.resolve())] if args.other else [])
        for round_ in range(1, args.rounds + 1):
            for label, tree in trees:
                db = tmp / f"{label}-{round_}.sqlite3"
                env = {
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "config.settings.dev",
                    "DATABASE_URL": f"sqlite:///{db}",
                    "WHOOSH_PATH": str(tmp / f"whoosh-{label}-{round_}"),
                    "CACHE_URL": "locmemcache://",
                }
                run(tree, env, "migrate", "--noinput", "-v0")
                wall, cpu = run(tree, env, "ingest", str(sample), "--no-index", "--no-progress")
                load = os.getloadavg()[0]
                print(
                    f"round {round_} {label:<5} {tree}: {args.n:,} items in {wall:.1f} s wall "
                    f"({args.n / wall:.0f} items/s), {cpu:.1f} s CPU ({args.n / cpu:.0f} items/CPU-s), "
                    f"load {load:.2f}",
                    flush=True,
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
