"""Issue 20, item 8: how many spellings of one post an official's career splits into.

    .venv/bin/python bench/positions_bench.py [--lines 3000] [--show 10]

Extracts the first `--lines` records of ../shared/corpus/news-100k.jsonl.gz as ingest does
(in-process, one worker, no HTTP) and, per official (names merged as ingest merges them, by
`fold_key`), counts the distinct positions as written and the distinct canonical posts
(`archive.extract.positions.posts`): a career shows one line per canonical post. Also counts
positions that read like a sentence (more than 12 words). Run it on an older tree to compare
(that tree has no canonical form: only the written counts print).
"""

from __future__ import annotations

import argparse
import itertools
import os
import pathlib
import sys
import time
from collections import defaultdict

sys.path.insert(0, str(pathlib.Path(os.environ.get("TREE", pathlib.Path(__file__).resolve().parents[1]))))

from archive.extract import iter_path  # noqa: E402
from archive.extract.normalize import fold_key  # noqa: E402
from archive.extract.types import ExtractedArticle  # noqa: E402

try:
    from archive.extract.positions import fold_short_posts, posts  # noqa: E402
except ImportError:  # a tree before issue 20
    posts = fold_short_posts = None

CORPUS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news-100k.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args()
    written: dict[str, set[str]] = defaultdict(set)
    canonical: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    long_positions: list[str] = []
    mentions = 0
    start = time.perf_counter()
    for item in itertools.islice(iter_path(CORPUS), args.lines):
        if not isinstance(item, ExtractedArticle):
            continue
        for o in item.officials:
            if not o.position:
                continue
            mentions += 1
            key = fold_key(o.name)
            names.setdefault(key, o.name)
            written[key].add(o.position)
            if len(o.position.split()) > 12:
                long_positions.append(f"{o.name}: {o.position}")
            if posts:
                canonical[key].update(posts(o.position))
    elapsed = time.perf_counter() - start
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; 1 worker, in-process; {elapsed:.1f} s")
    n = len(written)
    total_written = sum(len(v) for v in written.values())
    print(f"{args.lines:,} corpus lines: {mentions:,} mentions with a position, {n:,} officials")
    print(
        f"positions as written: {total_written:,} distinct (official, position) pairs, "
        f"{total_written / max(1, n):.2f} per official, most {max((len(v) for v in written.values()), default=0)}"
    )
    if posts:
        total_posts = sum(len(v) for v in canonical.values())
        print(
            f"canonical posts: {total_posts:,} distinct (official, post) pairs, {total_posts / max(1, n):.2f} "
            f"per official, most {max((len(v) for v in canonical.values()), default=0)}"
        )
        lines = {k: {fold_short_posts(list(v)).get(p, p) for p in v} for k, v in canonical.items()}
        total_lines = sum(len(v) for v in lines.values())
        print(
            f"career lines (short spellings folded into the one fuller post): {total_lines:,}, "
            f"{total_lines / max(1, n):.2f} per official, most {max((len(v) for v in lines.values()), default=0)}"
        )
        canonical = lines
    print(f"positions of more than 12 words: {len(long_positions)}")
    for line in long_positions[: args.show]:
        print(f"  {line}")
    worst = sorted(written, key=lambda k: -len(written[k]))[: args.show]
    for key in worst:
        print(
            f"  {names[key]}: {len(written[key])} written"
            + (f", {len(canonical[key])} posts" if posts else "")
        )
        for p in sorted(written[key]):
            print(f"      {p}")
        if posts:
            for p in sorted(canonical[key]):
                print(f"    → {p}")


if __name__ == "__main__":
    main()
