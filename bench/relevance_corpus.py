"""Score the corpus for dân vận relevance (docs/relevance.md): counts by score band, and a random
sample of flagged and near-threshold articles to read by hand.

    .venv/bin/python bench/relevance_corpus.py [N=20000] [--sample 50] [--out var/relevance.jsonl]

Streams ../shared/corpus/news-100k.jsonl.gz (never copied); the same scorer ingest uses, on each
record's title, text and address.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.extract import relevance  # noqa: E402
from archive.extract.normalize import normalize_line, normalize_text  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", help="write every record's score and signals here (JSON Lines)")
    args = parser.parse_args()
    rows = []
    started = time.process_time()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if n >= args.n:
                break
            record = json.loads(line)
            title = normalize_line(record.get("title") or "")
            found = relevance.score(
                title=title, text=normalize_text(record.get("text") or ""), url=record.get("url") or ""
            )
            rows.append(
                {
                    "id": record["id"],
                    "score": found.score,
                    "dan_van": found.dan_van,
                    "title": title,
                    "signals": [s["rule"] for s in found.signals],
                    "line": found.signals[0]["line"][:200] if found.signals else "",
                }
            )
    cpu = time.process_time() - started
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    bands = Counter(
        f"flagged (>= {relevance.THRESHOLD})" if r["dan_van"] else "3-5" if r["score"] >= 3 else
        "1-2" if r["score"] else "0"
        for r in rows
    )  # fmt: skip
    print(
        f"{len(rows)} records, {cpu:.1f} CPU s: " + ", ".join(f"{k}: {v}" for k, v in sorted(bands.items()))
    )
    rng = random.Random(args.seed)
    for label, pool in (
        ("flagged", [r for r in rows if r["dan_van"]]),
        ("near the threshold (3-5)", [r for r in rows if not r["dan_van"] and r["score"] >= 3]),
    ):
        print(f"\n--- {label}: {min(args.sample, len(pool))} of {len(pool)} to read")
        for r in rng.sample(pool, min(args.sample, len(pool))):
            print(
                f"[{r['score']:2}] {r['title'][:90]}\n      {'; '.join(r['signals'])[:200]}\n      {r['line'][:160]}"
            )


if __name__ == "__main__":
    main()
