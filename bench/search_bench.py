"""Search benchmark (issue #3): ingest N corpus articles + the seeds, index them, time queries.

    .venv/bin/python bench/search_bench.py 10000 [--procs 2] [--repeat 5] [--keep DIR]

Everything goes to a throwaway SQLite database and a temporary Whoosh index (deleted at the end
unless --keep). The corpus is streamed from ../shared/corpus/news-100k.jsonl.gz and never copied.
Prints: ingest and index docs/s, index size, peak RSS, and search latency p50/p95 (cold = first run
of each query on an open searcher, repeated = the same query again) for the engine call and for the
whole search page (Django test client, server time), over a fixed query set.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import pathlib
import resource
import shutil
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"

# 1–3 word queries, half typed without diacritics; single syllables are the slow tail.
QUERIES = [
    "dân vận",
    "dan van",
    "dân vận khéo",
    "dan van kheo",
    "kinh tế",
    "kinh te",
    "giáo dục",
    "giao duc",
    "Hà Nội",
    "ha noi",
    "bóng đá",
    "bong da",
    "y tế",
    "y te",
    "an ninh",
    "an ninh trat tu",
    "tai nạn giao thông",
    "tai nan giao thong",
    "biến đổi khí hậu",
    "bien doi khi hau",
    "học sinh",
    "hoc sinh",
    "doanh nghiệp",
    "doanh nghiep",
    "thủ tướng",
    "thu tuong",
    "quốc hội",
    "quoc hoi",
    "giá vàng",
    "gia vang",
    "điện",
    "dien",
    "covid",
    "xe",
    "nông dân",
    "nong dan",
    "Long An",
    "long an",
    "chính quyền",
    "chinh quyen",
]
FILTERS = [{}, {"year": ["2017"]}, {"year": ["2018", "2020"]}]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def rss_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def dir_mib(path: str) -> float:
    return sum(f.stat().st_size for f in pathlib.Path(path).rglob("*") if f.is_file()) / 2**20


def setup_django(workdir: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # temp Whoosh dir, test secret
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ingest(n: int) -> tuple[list[int], float, str]:
    """Store the seeds and the first n corpus articles; returns ids, seconds, method."""
    from archive.models import Article
    from search import indexing

    t0 = time.perf_counter()
    try:
        from archive import services
        from archive.extract import ExtractFailure, iter_path

        services.provinces_load_if_empty()
        lookups = services.IngestLookups()
        items = itertools.chain(iter_path(ROOT / "seeds"), itertools.islice(iter_path(CORPUS), n))
        with indexing.suspended():
            done, shown = 0, time.perf_counter()
            while True:
                batch = [i for i in itertools.islice(items, 500) if not isinstance(i, ExtractFailure)]
                if not batch:
                    break
                services.articles_ingest_batch(items=batch, lookups=lookups)
                done += len(batch)
                if time.perf_counter() - shown > 15:
                    shown = time.perf_counter()
                    print(f"  ingested {done} ({done / (shown - t0):.0f}/s)", flush=True)
        method = "archive ingest (iter_path + articles_ingest_batch)"
    except ImportError as error:  # the ingest machinery is not there yet: minimal rows
        method = f"direct rows ({error})"
        with indexing.suspended(), gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
            rows = []
            for line in itertools.islice(lines, n):
                rec = json.loads(line)
                rows.append(
                    Article(
                        title=rec["title"] or "(không tiêu đề)",
                        text=rec["text"],
                        raw="",
                        source_file=rec["id"],
                        content_hash=rec["id"],
                        published_on=(rec.get("published") or None) and rec["published"][:10],
                    )
                )
            Article.objects.bulk_create(rows, batch_size=1000)
    return list(Article.objects.order_by("pk").values_list("pk", flat=True)), time.perf_counter() - t0, method


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="corpus articles (default 10000)")
    parser.add_argument("--procs", type=int, default=2, help="Whoosh writer processes for the bulk index")
    parser.add_argument("--repeat", type=int, default=5, help="repeated runs per query")
    parser.add_argument("--keep", help="keep the database and index in this directory")
    args = parser.parse_args()

    workdir = args.keep or tempfile.mkdtemp(prefix="danvan-bench-")
    os.makedirs(workdir, exist_ok=True)
    setup_django(workdir)
    from django.conf import settings

    index_path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    try:
        run(args, workdir)
    finally:
        if not args.keep:  # the index can be GBs: never leave it behind, even on failure
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.rmtree(index_path, ignore_errors=True)
            print(f"removed {workdir} and {index_path}", flush=True)


def run(args, workdir: str) -> None:
    from django.conf import settings
    from django.test import Client

    from search import indexing
    from search.analysis import parse_query

    print(f"corpus {CORPUS} · N={args.n} · procs={args.procs} · work dir {workdir}", flush=True)
    ids, ingest_s, method = ingest(args.n)
    print(
        f"ingest: {len(ids)} articles in {ingest_s:.1f} s ({len(ids) / ingest_s:.0f}/s) via {method}",
        flush=True,
    )

    be = indexing.backend()
    be.clear()
    t0 = time.perf_counter()
    last = [0.0]

    def progress(done: int) -> None:
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            print(f"  indexed {done}/{len(ids)} ({done / (last[0] - t0):.0f}/s)", flush=True)

    indexing.index_articles(ids, progress=progress, procs=args.procs)
    index_s = time.perf_counter() - t0
    index_path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    size = dir_mib(index_path)
    segments = len(be.index.refresh().reader().leaf_readers())
    print(
        f"index: {len(ids)} docs in {index_s:.1f} s = {len(ids) / index_s:.0f} docs/s · {size:.0f} MiB · {segments} segments",
        flush=True,
    )

    # A day's ingest: 300 articles re-indexed into the existing index, one process.
    t0 = time.perf_counter()
    indexing.index_articles(ids[-300:], procs=1)
    day_s = time.perf_counter() - t0
    print(f"incremental (a day's ingest): 300 articles re-indexed in {day_s:.1f} s", flush=True)
    print("queries…", flush=True)

    # Queries through the engine (what the page and the API call).
    be.setup()  # drop the searcher: the first query opens it
    t0 = time.perf_counter()
    be.article_search(parse_query("dân vận"), per_page=20)
    open_ms = (time.perf_counter() - t0) * 1000
    cold, warm, hits = [], [], []
    cases = [(q, f) for f in FILTERS for q in QUERIES]
    for q, f in cases:
        parsed = parse_query(q)
        t0 = time.perf_counter()
        out = be.article_search(parsed, filters=f, per_page=20)
        cold.append((time.perf_counter() - t0) * 1000)
        hits.append(out.total)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            be.article_search(parsed, filters=f, per_page=20)
            warm.append((time.perf_counter() - t0) * 1000)
    # The whole faceted search page, server side (Django test client: view + DB + template).
    print("pages…", flush=True)
    be._results.clear()  # the engine phase ran these searches: a cold page must not find them remembered
    client = Client()
    page_cold, page_warm = [], []
    for q, f in cases[: len(QUERIES) * 2]:
        params = {"q": q, **f}
        t0 = time.perf_counter()
        response = client.get("/tim-kiem/", params)
        page_cold.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (q, response.status_code)
        for _ in range(2):
            t0 = time.perf_counter()
            client.get("/tim-kiem/", params)
            page_warm.append((time.perf_counter() - t0) * 1000)

    own, children = rss_mib()
    dv = be.article_search(parse_query("dân vận"), per_page=1, facets=())
    dvf = be.article_search(parse_query("dan van"), per_page=1, facets=())
    print()
    print(
        "| N | index docs/s | build s | index MiB | engine p50/p95 cold ms | engine p50/p95 repeated ms | page p50/p95 cold ms | page p50/p95 repeated ms | peak RSS MiB (main/child) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(ids)} | {len(ids) / index_s:.0f} | {index_s:.0f} | {size:.0f} | {percentile(cold, 0.5):.1f} / {percentile(cold, 0.95):.1f} "
        f"| {percentile(warm, 0.5):.1f} / {percentile(warm, 0.95):.1f} | {percentile(page_cold, 0.5):.1f} / {percentile(page_cold, 0.95):.1f} "
        f"| {percentile(page_warm, 0.5):.1f} / {percentile(page_warm, 0.95):.1f} | {own:.0f} / {children:.0f} |"
    )
    print()
    print(
        f"queries: {len(cases)} engine cases ({len(QUERIES)} queries × {len(FILTERS)} filter sets, all with 5 facets, top 20), "
        f"{len(page_cold)} page cases; searcher open + first query {open_ms:.0f} ms; "
        "repeated = answered from the backend's result cache (cleared on any index change)"
    )
    print(
        f"hits: median {statistics.median(hits):.0f}, max {max(hits)}; 'dân vận' {dv.total} (widened={dv.widened}), 'dan van' {dvf.total}"
    )
    # Words versus syllables: the same query as a bag of syllables (comma-separated), as a folded
    # word, and with its diacritics.
    for word in ("dân vận", "kinh tế", "an ninh", "giáo dục", "tai nạn giao thông"):
        bag = be.count(parse_query(", ".join(word.split())).folded())
        folded = be.count(parse_query(word).folded())
        exact = be.article_search(parse_query(word), per_page=1, facets=())
        print(
            f"precision {word!r}: syllables anywhere {bag} · folded word {folded} · exact word {exact.total}"
            f"{' (widened)' if exact.widened else ''}"
        )
    slow = sorted(zip(cold, cases, strict=False), reverse=True)[:5]
    print("slowest cold: " + "; ".join(f"{q!r} {f or ''} {ms:.0f} ms" for ms, (q, f) in slow))


if __name__ == "__main__":
    main()
