"""The hostile corpus through the real ingest command, under a per-file watchdog (issue #16).

    .venv/bin/python bench/hostile_ingest.py [--items 1000] [--seed 16] [--scale 1.0] [--watchdog 120]
                                             [--keep DIR]

Generates `tests/fuzz/hostile.py`'s corpus (unclosed <li> nests, element floods, long words and
lines, 5-19 MB one-line files, lying <meta charset>, names with control characters, two files of one
name, repeated export ids, links to ".." and "/") into a temp dir, migrates a throwaway SQLite
database, then runs `manage.py ingest CORPUS --batch-size 1 -v 2` in a child process: every item
prints one line (new, duplicate or FAILED) as soon as it is done. The watchdog is the time since the
last line: past --watchdog seconds the run is a hang, the child is killed and the next file named.
The ingest's own MAX_FILE_SECONDS is raised above the watchdog, so a slow item shows here instead of
being cut short by it.

Prints wall time (ingest and index; migrate not counted), the child's peak RSS (getrusage), the
slowest items, counts, and every item whose outcome breaks the manifest (stored where it must fail,
a failure without the limit it must name, an "unexpected" error, an item never reported).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")

from tests.fuzz.hostile import generate_hostile, judge  # noqa: E402


def child_env(work: Path, watchdog: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "WHOOSH_PATH": str(work / "whoosh"),
        "CACHE_URL": "locmemcache://",
        "INGEST_MAX_FILE_SECONDS": str(watchdog + 60),
        "PYTHONUNBUFFERED": "1",
    }


def run_ingest(corpus: Path, env: dict, watchdog: int) -> tuple[list[tuple[float, str]], bool, float]:
    """(seconds since start, line) for every output line; whether the watchdog fired; wall time."""
    started = time.monotonic()
    child = subprocess.Popen(
        [PY, "manage.py", "ingest", str(corpus), "--batch-size", "1", "-v", "2", "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    lines: list[tuple[float, str]] = []
    last = [time.monotonic()]

    def read() -> None:
        for line in child.stdout:
            last[0] = time.monotonic()
            lines.append((last[0] - started, line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    hung = False
    while child.poll() is None:
        time.sleep(0.5)
        if time.monotonic() - last[0] > watchdog:
            hung = True
            child.kill()
            break
    child.wait()
    reader.join(timeout=5)
    return lines, hung, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--watchdog", type=int, default=120, help="seconds without output = a hang")
    parser.add_argument("--keep", help="use (and keep) this folder instead of a temp dir")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="danvan-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    try:
        if corpus.exists():
            shutil.rmtree(corpus)
        t0 = time.monotonic()
        manifest = generate_hostile(corpus, args.items, args.seed, args.scale)
        size = sum(f.stat().st_size for f in corpus.rglob("*") if f.is_file() and not f.is_symlink())
        print(
            f"corpus: {len(manifest)} items, {size / 1e6:.0f} MB, generated in {time.monotonic() - t0:.0f} s"
        )
        env = child_env(work, args.watchdog)
        (work / "db.sqlite3").unlink(missing_ok=True)
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

        lines, hung, wall = run_ingest(corpus, env, args.watchdog)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        report(corpus, work, manifest, lines, hung, wall, peak_kib, args.watchdog)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(corpus, work, manifest, lines, hung, wall, peak_kib, watchdog) -> None:
    texts = [line for _, line in lines]
    stored = {
        name
        for (name,) in sqlite3.connect(work / "db.sqlite3").execute("SELECT source_file FROM archive_article")
    }
    verdict = judge(manifest, texts, stored, corpus)
    failed = verdict["failed"]
    summary = next((line for line in reversed(texts) if " new, " in line), "(no summary line)")
    gaps, previous = [], 0.0
    for at, line in lines:
        gaps.append((at - previous, line[:140]))
        previous = at
    kinds = ("MAX_HTML_DEPTH", "MAX_HTML_ELEMENTS", "MAX_TEXT_CHARS", "MAX_FILE_SECONDS", "MAX_FILE_BYTES",
             "MAX_LINE_BYTES", "already taken", "symbolic link", "unexpected")  # fmt: skip
    reasons = Counter(next((k for k in kinds if k in r), "other") for r in failed.values())

    print(f"ingest (extract, store, index): {wall:.1f} s wall; peak RSS {peak_kib / 1024:.0f} MiB")
    print(f"summary: {summary}")
    print(f"stored articles: {len(stored)}; FAILED lines: {len(failed)} {dict(reasons)}")
    print(f"hangs (no output for {watchdog} s): {1 if hung else 0}")
    if hung:
        print(f"  last line before the hang: {texts[-1] if texts else '(none)'}")
    print("slowest items (seconds before their line):")
    for gap, line in sorted(gaps, reverse=True)[:8]:
        print(f"  {gap:6.2f}  {line}")
    print(f"unexpected errors: {len(verdict['unexpected'])}")
    for line in verdict["unexpected"][:20]:
        print(f"  {line}")
    print(f"items breaking the manifest: {len(verdict['problems'])}")
    for line in verdict["problems"][:40]:
        print(f"  {line}")


if __name__ == "__main__":
    sys.exit(main())
