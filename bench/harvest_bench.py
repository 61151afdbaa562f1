"""Harvest benchmark on a loopback web (tests/harvest/site.py): never run by the test suite.

    .venv/bin/python bench/harvest_bench.py 5000            # delay 0: pages/s, CPU s/page, peak RSS, WARC bytes/page
    .venv/bin/python bench/harvest_bench.py 5000 --sizes 1000,5000   # RSS at two frontier sizes
    .venv/bin/python bench/harvest_bench.py --spacing 20    # 1 s delay over 3 hosts: the measured request spacing
    .venv/bin/python bench/harvest_bench.py 2000 --alternative   # the same pages through a plain requests loop
    .venv/bin/python bench/harvest_bench.py 5000 --resources     # each page with a stylesheet and an image

Each harvest is `manage.py harvest` in its own process (in-process Twisted cannot restart) on a fresh
SQLite database in a temp dir, `--no-index` (the index build is measured by bench/search_bench.py);
figures are in-process for the harvester's work and over HTTP on loopback for the fetches. CPU and
peak RSS come from getrusage of the harvest process; the load average is printed with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harvest.site import LoopbackWeb  # noqa: E402


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Db:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "WHOOSH_TEST_PATH": str(tmp / "whoosh"),
            "HARVEST_WARC_DIR": str(tmp / "warc"),
            "PYTHONPATH": str(ROOT),
        }

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )


def only(web: LoopbackWeb, keys: str) -> None:
    for key in list(web.outlets):
        if key not in keys and key != "x":
            del web.outlets[key]


def harvest_run(n: int, resources: bool = False) -> dict:
    """One harvest of an n-page portal (sitemap index → two sitemaps) at delay 0; with `resources`,
    each page names a stylesheet (one for all) and an image of its own, which the harvest captures."""
    web = LoopbackWeb(per_outlet=n, extras=False, resources="b" if resources else "")
    only(web, "b")
    web.start()
    tmp = Path(tempfile.mkdtemp(prefix="harvest-bench-"))
    try:
        db = Db(tmp)
        db.manage("migrate", "-v", "0")
        spec = {**web.sources()[0], "listings": [], "crawl_delay": 0, "daily_budget": n + 100}
        (tmp / "s.json").write_text(json.dumps([spec], ensure_ascii=False))
        db.manage(
            "shell", "-c", f"from tests.harvest.probe import load_sources; load_sources('{tmp / 's.json'}')"
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        profile = ["-m", "cProfile", "-o", os.environ["PROFILE_TO"]] if os.environ.get("PROFILE_TO") else []
        proc = subprocess.run(
            [sys.executable, *profile, "manage.py", "harvest", "--no-index", "--no-progress", "--delay", "0"],
            cwd=ROOT,
            env=db.env,
            capture_output=True,
            text=True,
        )
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            raise SystemExit(proc.stderr[-3000:])
        warc_bytes = sum(p.stat().st_size for p in (tmp / "warc").glob("*.warc.gz"))
        fetched = len(web.requests())
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {
            "pages": n,
            "requests": fetched,
            "wall_s": round(wall, 1),
            "pages_per_s": round(fetched / wall, 1),
            "cpu_s_per_page": round(cpu / fetched, 4),
            "peak_rss_mib": round(after.ru_maxrss / 1024, 1),
            "warc_bytes_per_page": round(warc_bytes / fetched),
            "warc_bytes_per_article": round(warc_bytes / n),
            "summary": proc.stdout.strip().splitlines()[-1],
            "load": load(),
        }
    finally:
        web.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def spacing_run(per_outlet: int) -> dict:
    web = LoopbackWeb(per_outlet=per_outlet, extras=False, resources="").start()
    tmp = Path(tempfile.mkdtemp(prefix="harvest-bench-"))
    try:
        db = Db(tmp)
        db.manage("migrate", "-v", "0")
        (tmp / "s.json").write_text(
            json.dumps([{**s, "crawl_delay": 1.0} for s in web.sources()], ensure_ascii=False)
        )
        db.manage(
            "shell", "-c", f"from tests.harvest.probe import load_sources; load_sources('{tmp / 's.json'}')"
        )
        started = time.monotonic()
        db.manage("harvest", "--no-index", "--no-progress")
        wall = time.monotonic() - started
        out = {"wall_s": round(wall, 1), "requests": len(web.requests()), "load": load(), "hosts": {}}
        for key in "abc":
            times = sorted(r["t"] for r in web.requests(outlet=key))
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            out["hosts"][key] = {
                "requests": len(times),
                "gap_min_s": round(min(gaps), 3),
                "gap_p50_s": round(statistics.median(gaps), 3),
                "gap_max_s": round(max(gaps), 3),
            }
        return out
    finally:
        web.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def alternative_run(n: int) -> dict:
    """The alternative considered: a plain loop (requests + Protego robots.txt), doing the same per-page
    work (WARC record, extraction, storing through services), in its own process like `harvest`."""
    web = LoopbackWeb(per_outlet=n, extras=False, resources="")
    only(web, "b")
    web.start()
    tmp = Path(tempfile.mkdtemp(prefix="harvest-bench-alt-"))
    try:
        db = Db(tmp)
        db.manage("migrate", "-v", "0")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, __file__, "--alternative-child", web.outlets["b"].base],
            cwd=ROOT,
            env=db.env,
            capture_output=True,
            text=True,
        )
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode:
            raise SystemExit(proc.stderr[-3000:])
        fetched = len(web.requests())
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {
            "pages": n,
            "requests": fetched,
            "stored": int(proc.stdout.strip().splitlines()[-1]),
            "wall_s": round(wall, 1),
            "pages_per_s": round(fetched / wall, 1),
            "cpu_s_per_page": round(cpu / fetched, 4),
            "peak_rss_mib": round(after.ru_maxrss / 1024, 1),
            "load": load(),
        }
    finally:
        web.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def alternative_child(base: str) -> None:
    import django

    django.setup()
    import requests
    from protego import Protego

    from archive import services
    from archive.extract import extract_html
    from archive.extract.inputs import decode_bytes, drop_controls
    from archive.harvest import discover
    from archive.harvest.urls import canonical
    from archive.harvest.warc import WarcFiles
    from search.indexing import suspended

    with suspended():  # as `harvest` does: the index is written once, after (not measured here)
        session = requests.Session()
        session.headers["User-Agent"] = "DanVanArchive/1.0 (bench)"
        robots = Protego.parse(session.get(f"{base}/robots.txt", timeout=30).text)
        warc = WarcFiles(os.environ["HARVEST_WARC_DIR"], "alt")
        lookups = services.IngestLookups()
        _, children = discover.sitemap_links(session.get(f"{base}/sitemap.xml", timeout=30).content)
        urls = []
        for child in children:
            pages, _ = discover.sitemap_links(session.get(child, timeout=30).content)
            urls += [u for u, _ in pages]
        stored = 0
        for url in urls:
            if not robots.can_fetch(url, "DanVanArchive"):
                continue
            response = session.get(url, timeout=30)
            warc.write(
                url=url,
                method="GET",
                request_headers=list(response.request.headers.items()),
                request_body=b"",
                status=response.status_code,
                reason=response.reason,
                response_headers=list(response.headers.items()),
                body=response.content,
            )
            item = extract_html(
                drop_controls(decode_bytes(response.content, html=True)), source_name=canonical(url)
            )
            services.articles_ingest_batch(items=[item], lookups=lookups)
            stored += 1
        warc.close()
    print(stored)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", nargs="?", type=int, default=5000)
    parser.add_argument("--sizes", help="comma-separated page counts, for RSS against the frontier's size")
    parser.add_argument("--spacing", type=int, help="articles per host for the 1 s delay run over 3 hosts")
    parser.add_argument("--alternative", action="store_true", help="the plain requests loop instead")
    parser.add_argument("--alternative-child", help=argparse.SUPPRESS)
    parser.add_argument("--resources", action="store_true", help="pages with a stylesheet and an image")
    args = parser.parse_args()
    if args.alternative_child:
        alternative_child(args.alternative_child)
        return
    print(f"load average before: {load()} (2 cores shared)", flush=True)
    if args.spacing:
        print(json.dumps(spacing_run(args.spacing), ensure_ascii=False), flush=True)
        return
    if args.alternative:
        print(json.dumps(alternative_run(args.pages), ensure_ascii=False), flush=True)
        return
    for n in [int(x) for x in args.sizes.split(",")] if args.sizes else [args.pages]:
        print(json.dumps(harvest_run(n, args.resources), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
