"""Issue 20, item 5: which articles get an inferred year, and is it the article's year?

    .venv/bin/python bench/inferred_years.py [--every 50] [--sample 200 --show FILE]

Reads every `--every`-th line of ../shared/corpus/news-100k.jsonl.gz (2,000 lines at 50) plus every
line that carries a date (`published`: 891 lines of the 2012–13 and 2020–21 collections), and
extracts each record as ingest does, except that the record's own date is withheld: the dated lines
then say whether a year inferred from the text is right. In-process, one worker, no HTTP.

Plausible means: the record's own year when it has one; 2017 for `baomoi2017` (crawled Feb–Jul
2017); 2016–2019 for `vietnews` (~2018, no dates recorded). `--show` writes, for a sample of the
articles with an inferred year, the words that gave the year, to read by hand.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pathlib
import random
import sys
import time
from collections import Counter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from archive.extract import extract_record  # noqa: E402
from archive.extract.errors import ExtractError  # noqa: E402

CORPUS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news-100k.jsonl.gz"
WINDOWS = {"baomoi2017": (2017, 2017), "vietnews": (2016, 2019)}


def plausible(record: dict, year: int) -> bool:
    if record.get("published"):
        return int(record["published"][:4]) == year
    low, high = WINDOWS.get(record["collection"], (0, 9999))
    return low <= year <= high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--show", default="", help="write the sample's evidence to this file")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()

    counts: Counter[str] = Counter()
    inferred: list[tuple[dict, object]] = []
    wrong: list[tuple[dict, object]] = []
    start = time.perf_counter()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as stream:
        for lineno, line in enumerate(stream, start=1):
            record = json.loads(line)
            dated = bool(record.get("published"))
            if lineno % args.every and not dated:
                continue
            counts["read"] += 1
            counts["dated" if dated else "undated"] += 1
            plain = dict(record, published=None)
            try:
                art = extract_record(plain, source_name=f"corpus#{lineno}", raw=line)
            except ExtractError:
                counts["failed"] += 1
                continue
            if counts["read"] % 500 == 0:
                print(f"  {counts['read']:,} read ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
            if art.date_precision == "year_inferred":
                counts["inferred"] += 1
                counts["inferred dated" if dated else "inferred undated"] += 1
                ok = plausible(record, art.published_on.year)
                counts["plausible" if ok else "implausible"] += 1
                inferred.append((record, art))
                if not ok:
                    wrong.append((record, art))
            elif art.published_on:
                counts["full date"] += 1
                if dated:
                    counts["full date dated"] += 1
                    counts[
                        "full date right"
                        if record["published"][:10] == art.published_on.isoformat()
                        else "full date wrong"
                    ] += 1
    elapsed = time.perf_counter() - start
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; 1 worker, in-process; {elapsed:.1f} s")
    print(
        f"read {counts['read']:,} ({counts['dated']:,} with their own date withheld, "
        f"{counts['undated']:,} undated); failed {counts['failed']}"
    )
    n = counts["inferred"]
    print(
        f"inferred year: {n:,} ({n / max(1, counts['read']):.1%}); on dated lines {counts['inferred dated']}, "
        f"undated {counts['inferred undated']}"
    )
    print(f"  plausible {counts['plausible']:,}, implausible {counts['implausible']:,}")
    print(
        f"full date read from the text: {counts['full date']:,}; on dated lines "
        f"{counts['full date dated']} ({counts['full date right']} equal to the record's date)"
    )
    by_rule = Counter(
        (a.evidence.get("date", {}).get("rule", ""), plausible(r, a.published_on.year)) for r, a in inferred
    )
    for (rule, ok), k in sorted(by_rule.items()):
        print(f"  {rule:<50} {'plausible' if ok else 'implausible':<12} {k}")
    by_collection = Counter((r["collection"], plausible(r, a.published_on.year)) for r, a in inferred)
    for (collection, ok), k in sorted(by_collection.items()):
        print(f"  {collection:<16} {'plausible' if ok else 'implausible':<12} {k}")
    for record, art in wrong[:15]:
        ev = art.evidence.get("date", {})
        print(
            f"  wrong {art.published_on} [{record['collection']} {record.get('published')}]: {ev.get('rule')}: {ev.get('year_words', '')!r}"
        )
    if args.show:
        random.seed(args.seed)
        sample = random.sample(inferred, min(args.sample, len(inferred)))
        with open(args.show, "w", encoding="utf-8") as out:
            for record, art in sample:
                ev = art.evidence.get("date", {})
                out.write(
                    f"{art.published_on} ok={plausible(record, art.published_on.year)} "
                    f"[{record['collection']} {record.get('published')}] {ev.get('rule')}\n"
                    f"   date: {ev.get('words')!r}  year: {ev.get('year_words', '')!r}\n"
                )
        print(f"sample of {len(sample)} written to {args.show}")


if __name__ == "__main__":
    main()
