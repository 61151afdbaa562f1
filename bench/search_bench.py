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
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = pathlib.Path(
    os.environ.get("DANVAN_CORPUS") or ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"
)

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
# Whole lines as people type them (issue #8): several words, names with hyphens and dots, OR,
# exclusions, an unaccented ambiguous syllable, three-syllable terms.
MULTI_WORD = [
    "Đà Nẵng ma túy",
    "da nang ma tuy",
    "giáo dục Hà Nội",
    "giao duc ha noi",
    "Long An dân vận khéo",
    "giao ban Hòa Bình 2024",
    "Bộ Công an",
    "bo cong an",
    '"Bà Rịa - Vũng Tàu"',
    '"Kim Jong-un"',
    '"TP.HCM"',
    "Đắk Lắk or Sơn La",
    "Đà Nẵng -Hà Nội",
    "chay",
    "kinh tế Hà Nội",
    "an toàn giao thông Đà Nẵng",
]
# Pasted passages: 200 words from the middle of these corpus lines (0-based; those below N are used).
PASTE_LINES = [7, 1_500, 4_000, 9_000, 30_000, 75_000]
PASTE_WORDS = 200
# Word boundaries (issue #8): the line, and its words with "|" where a split is needed (two topics)
# and "·" where a split does no harm (a compound of dictionary words: AND + adjacency ranking).
# Any other split leaves a lone syllable or a non-word ("bộ | công an"): it costs precision.
SEGMENT_GOLD = [
    ("Đà Nẵng ma túy", "đà nẵng|ma túy"),
    ("da nang ma tuy", "da nang|ma tuy"),
    ("giáo dục Hà Nội", "giáo dục|hà nội"),
    ("giao duc ha noi", "giao duc|ha noi"),
    ("Long An dân vận khéo", "long an|dân vận·khéo"),
    ("giao ban Hòa Bình 2024", "giao ban|hòa bình|2024"),
    ("Bộ Công an", "bộ công an"),
    ("dân vận khéo", "dân vận·khéo"),
    ("kinh tế Hà Nội", "kinh tế|hà nội"),
    ("an toàn giao thông Đà Nẵng", "an toàn·giao thông|đà nẵng"),
    ("tai nạn giao thông", "tai nạn·giao thông"),
    ("Mặt trận Tổ quốc", "mặt trận·tổ quốc"),
    ("biến đổi khí hậu", "biến đổi·khí hậu"),
    ("học sinh Long An", "học sinh|long an"),
    ("nông dân Đắk Lắk cà phê", "nông dân|đắk lắk|cà phê"),
    ("ma túy Đà Nẵng", "ma túy|đà nẵng"),
    ("xây dựng nông thôn mới Sơn La", "xây dựng·nông thôn·mới|sơn la"),
    ("hội nghị giao ban dân vận", "hội nghị|giao ban|dân vận"),
    ("covid 19 Hà Nội", "covid|19|hà nội"),
    ("chính quyền địa phương", "chính quyền·địa phương"),
]


def segmentation_score(words: list[str], gold: str) -> tuple[bool, bool]:
    """(every needed split made, no harmful split made) for a line split into `words`."""
    cuts, at = set(), 0
    for w in words[:-1]:
        at += len(w.split())
        cuts.add(at)
    need, may, at = set(), set(), 0
    for token in re.split(r"([|·])", gold):
        if token == "|":
            need.add(at)
        elif token == "·":
            may.add(at)
        elif token:
            at += len(token.split())
    return need <= cuts, cuts <= need | may


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


KNOWN_ITEM_ARTICLES = 30  # issue #15's known-item lines added to the query set: 3 per article


def known_item_queries() -> list[str]:
    """Titles, unaccented titles and four lead words of KNOWN_ITEM_ARTICLES corpus articles in the
    archive, drawn as `known_items.py` draws them (its quality figures are measured there)."""
    from known_items import make_cases

    from archive.models import Article

    seeds = {path.name for path in (ROOT / "seeds").glob("*.txt")}
    pks = list(Article.objects.exclude(source_file__in=seeds).order_by("pk").values_list("pk", flat=True))
    # Only the drawn articles' texts are read (the whole archive's would hold ~500 MB here).
    drawn = random.Random(8).sample(pks, min(len(pks), 2 * KNOWN_ITEM_ARTICLES))
    rows = list(Article.objects.filter(pk__in=drawn).order_by("pk").values_list("pk", "title", "text"))
    return [c.q for c in make_cases(rows, KNOWN_ITEM_ARTICLES, seed=8)]


def pasted_passages(n: int) -> list[tuple[str, str]]:
    """(corpus id, 200 words from the middle of its text) for each PASTE_LINES line below n."""
    wanted = {i for i in PASTE_LINES if i < n}
    out = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if i > max(wanted, default=-1):
                break
            if i in wanted:
                rec = json.loads(line)
                words = rec["text"].split(" ")
                start = max(0, len(words) // 2 - PASTE_WORDS // 2)
                out.append((rec["id"], " ".join(words[start : start + PASTE_WORDS])))
    return out


def http_phase(args, workdir: str, page_cases: list) -> None:
    """The page over HTTP through gunicorn with 2 workers and the shared (Redis) search cache:
    cold = first request of each case, repeated = 3 more, answered by whichever worker."""
    import signal
    import subprocess
    import urllib.parse
    import urllib.request

    from django.conf import settings

    cache_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "WHOOSH_TEST_PATH": settings.HAYSTACK_CONNECTIONS["default"]["PATH"],
        "REDIS_URL": cache_url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    # A cold page must not be found in the shared cache from an earlier run on the same index.
    import redis

    redis.Redis.from_url(cache_url).flushdb()
    gunicorn = pathlib.Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--config",
            str(ROOT / "gunicorn.conf.py"),  # the project's settings: gthread, warm-up per worker
            "--bind",
            f"127.0.0.1:{args.http}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{workdir}/gunicorn.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{args.http}/tim-kiem/?"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "q=dan+van", timeout=60).read()
                break
            except OSError:
                time.sleep(0.5)
        cold, repeated = [], []
        for q, f in page_cases:
            url = base + urllib.parse.urlencode({"q": q, **f}, doseq=True)
            t0 = time.perf_counter()
            urllib.request.urlopen(url, timeout=60).read()
            cold.append((time.perf_counter() - t0) * 1000)
            for _ in range(3):
                t0 = time.perf_counter()
                urllib.request.urlopen(url, timeout=60).read()
                repeated.append((time.perf_counter() - t0) * 1000)
        print(
            f"HTTP (gunicorn, 2 workers, search cache {cache_url}): page p50/p95 cold "
            f"{percentile(cold, 0.5):.1f} / {percentile(cold, 0.95):.1f} ms · repeated "
            f"{percentile(repeated, 0.5):.1f} / {percentile(repeated, 0.95):.1f} ms ({len(cold)} cases)",
            flush=True,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def segmentation_report(be) -> None:
    """How the index splits typed lines into words, scored against SEGMENT_GOLD."""
    from search.analysis import parse_query

    missed = harmful = 0
    for line, gold in SEGMENT_GOLD:
        parsed = be.segment_query(parse_query(line))
        words = [" ".join(w) for run in parsed.runs for w in run.words]
        needed, harmless = segmentation_score(words, gold)
        missed += not needed
        harmful += not harmless
        flag = ("" if needed else " MISSED A SPLIT") + ("" if harmless else " HARMFUL SPLIT")
        print(f"  segment {line!r}: {' | '.join(words)}{flag}")
    print(
        f"segmentation (index rule), {len(SEGMENT_GOLD)} lines: {missed} miss a needed split, "
        f"{harmful} split a word apart"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="corpus articles (default 10000)")
    parser.add_argument("--procs", type=int, default=2, help="Whoosh writer processes for the bulk index")
    parser.add_argument("--repeat", type=int, default=5, help="repeated runs per query")
    parser.add_argument("--keep", help="keep the database and index in this directory")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep DIR and WHOOSH_TEST_PATH: time the queries on a kept database and index",
    )
    parser.add_argument(
        "--http",
        type=int,
        metavar="PORT",
        help="also time the page over HTTP through gunicorn (2 workers) on this port, with the "
        "results cache in Redis (REDIS_URL, default redis://127.0.0.1:6379/8)",
    )
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


def build(args, be, index_path: str) -> tuple[list[int], float, float]:
    """Ingest, index and re-index a day's worth; returns (ids, index seconds, index MiB)."""
    from search import indexing

    ids, ingest_s, method = ingest(args.n)
    print(
        f"ingest: {len(ids)} articles in {ingest_s:.1f} s ({len(ids) / ingest_s:.0f}/s) via {method}",
        flush=True,
    )
    be.clear()
    t0 = time.perf_counter()
    last = [0.0]

    def progress(done: int) -> None:
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            print(f"  indexed {done}/{len(ids)} ({done / (last[0] - t0):.0f}/s)", flush=True)

    indexing.index_articles(ids, progress=progress, procs=args.procs)
    index_s = time.perf_counter() - t0
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
    return ids, index_s, size


def run(args, workdir: str) -> None:
    from django.conf import settings
    from django.test import Client

    from search import indexing
    from search.analysis import parse_query

    print(f"corpus {CORPUS} · N={args.n} · procs={args.procs} · work dir {workdir}", flush=True)
    be = indexing.backend()
    index_path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    if args.reuse:
        # Queries only, on the database and index a --keep run left (WHOOSH_TEST_PATH names it).
        from archive.models import Article

        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        be.setup()
        size = dir_mib(index_path)
        segments = len(be.index.refresh().reader().leaf_readers())
        print(
            f"reusing {len(ids)} articles and the index at {index_path}: {size:.0f} MiB · {segments} segments"
        )
        index_s = float("nan")
    else:
        ids, index_s, size = build(args, be, index_path)
    print("queries…", flush=True)

    # Queries through the engine (what the page and the API call).
    from django.core.cache import caches

    from search.engines.whoosh import docsets

    be.setup()  # drop the searcher: the first query opens it
    t0 = time.perf_counter()
    be.article_search(parse_query("dân vận"), per_page=20)
    open_ms = (time.perf_counter() - t0) * 1000
    cold, warm, hits = [], [], []
    pastes = pasted_passages(len(ids))
    known = known_item_queries()
    line_queries = MULTI_WORD + [text for _, text in pastes] + known
    cases = [(q, f) for f in FILTERS for q in QUERIES] + [(q, {}) for q in line_queries]
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
    # The engine phase ran these searches: a cold page must not find them remembered, nor their
    # postings decoded.
    be._results.clear()
    caches["results"].clear()
    docsets.forget_postings()
    client = Client()
    page_cold, page_warm = [], []
    page_cases = cases[: len(QUERIES) * 2] + [(q, {}) for q in line_queries]
    one_syllable = []
    for q, f in page_cases:
        params = {"q": q, **f}
        t0 = time.perf_counter()
        response = client.get("/tim-kiem/", params)
        page_cold.append((time.perf_counter() - t0) * 1000)
        if len(parse_query(q).runs) == 1 and len(parse_query(q).runs[0].syllables) == 1:
            one_syllable.append(page_cold[-1])
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
    multi = [ms for ms, (q, _) in zip(page_cold, page_cases, strict=False) if q in MULTI_WORD]
    pasted_ms = [ms for ms, (q, _) in zip(page_cold, page_cases, strict=False) if len(q) > 300]
    known_ms = [ms for ms, (q, _) in zip(page_cold, page_cases, strict=False) if q in set(known)]
    print(
        f"page cold p50/p95 ms: known-item lines (issue #15: titles, unaccented titles, four lead"
        f" words) {percentile(known_ms, 0.5):.1f} / {percentile(known_ms, 0.95):.1f} ({len(known_ms)})"
    )
    print(
        f"page cold p50/p95 ms: one-syllable {percentile(one_syllable, 0.5):.1f} / {percentile(one_syllable, 0.95):.1f}"
        f" ({len(one_syllable)}) · multi-word lines {percentile(multi, 0.5):.1f} / {percentile(multi, 0.95):.1f}"
        f" ({len(multi)}) · pasted 200 words {percentile(pasted_ms, 0.5):.1f} / {percentile(pasted_ms, 0.95):.1f} ({len(pasted_ms)})"
    )
    from archive.models import Article

    for corpus_id, text in pastes:
        out = be.article_search(parse_query(text), per_page=20, facets=())
        pks = [h.pk for h in out.hits]
        mine = Article.objects.filter(source_file__endswith=corpus_id).values_list("pk", flat=True).first()
        if mine is None:
            mine = (
                Article.objects.filter(url__contains=corpus_id.split("_")[-1])
                .values_list("pk", flat=True)
                .first()
            )
        rank = pks.index(mine) + 1 if mine in pks else None
        print(
            f"pasted {corpus_id}: {out.total} hits, its article at rank {rank}, {out.elapsed_ms:.1f} ms (repeat)"
        )
    for q in MULTI_WORD:
        out = be.article_search(parse_query(q), per_page=1, facets=())
        print(
            f"line {q!r}: {out.total} hits · read as {out.query.display()!r} · words {[list(r.words) for r in out.query.runs]}"
        )
    segmentation_report(be)
    if args.http:
        http_phase(args, workdir, page_cases)
    slow = sorted(zip(cold, cases, strict=False), reverse=True)[:5]
    print("slowest cold: " + "; ".join(f"{q[:40]!r} {f or ''} {ms:.0f} ms" for ms, (q, f) in slow))
    slow = sorted(zip(page_cold, page_cases, strict=False), reverse=True)[:5]
    print("slowest cold pages: " + "; ".join(f"{q[:40]!r} {f or ''} {ms:.0f} ms" for ms, (q, f) in slow))


if __name__ == "__main__":
    main()
