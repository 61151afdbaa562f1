"""Editors benchmark (issue #16, finding 4): concurrent admin saves over HTTP with searches running.

    .venv/bin/python bench/editors_bench.py                                   # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_web .venv/bin/python bench/editors_bench.py
    .venv/bin/python bench/editors_bench.py --articles 3000 --editors 8 --saves 100 --searchers 2

A throwaway site: the first N records of ../shared/corpus/news-100k.jsonl.gz (read with gzip into a
temporary export; nothing is copied into the repository) ingested into a fresh database (SQLite in
the temporary folder, or the PostgreSQL database named by DATABASE_URL, dropped and created again),
then gunicorn (gunicorn.conf.py, as `make run`) and `manage.py index_worker` started beside it.

Each editor is a thread with its own HTTP session (urllib, cookies, CSRF) logged in as its own staff
user; it opens an article's admin change form, changes the title and posts the whole form back as a
browser would (inlines included), 10% of its operations being deletes through the admin's delete
confirmation. Editors work on disjoint slices of the articles. Search threads query the search page
and the search API meanwhile. A save's time is its POST until the 302; a 503 (load shedding) is
counted and retried after half a second.

At the end it measures, from the last save's answer, how long until the index queue is empty and
`search.indexing.verify()` finds every document equal to its row (same ids, same digests), and
checks through the search API that each editor's last title finds its article.
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import itertools
import os
import pathlib
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"
PYTHON = sys.executable
PASSWORD = "mat-khau-bench-2026"
QUERIES = [
    "dân vận",
    "dan van kheo",
    "hội nghị giao ban",
    "Long An",
    "bài sửa",
    "mặt trận tổ quốc",
    "công an",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """A browser's cookies and CSRF token, over urllib; redirects are returned, not followed."""

    def __init__(self, base: str, *, retry_shed: bool = True):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.retry_shed = retry_shed
        self.shed = 0  # 503 "overloaded" answers (load shedding), each retried after half a second
        self.seconds = 0.0  # the last request's time (its last try)

    def request(self, path: str, data: dict | list | None = None) -> tuple[int, str, dict]:
        body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        for _ in range(40):
            started = time.perf_counter()
            status, text, headers = self._once(path, body)
            self.seconds = time.perf_counter() - started
            if not (self.retry_shed and status == 503 and "quá tải" in text):
                break
            self.shed += 1
            time.sleep(0.5)
        return status, text, headers

    def _once(self, path: str, body: bytes | None) -> tuple[int, str, dict]:
        req = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(req, timeout=180) as response:
                return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace"), dict(err.headers)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
            return 0, f"no answer: {err}", {}  # e.g. gunicorn killed a worker stuck past its timeout

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, username: str) -> None:
        self.request("/admin/login/")
        status, _, headers = self.request(
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": self.csrf(),
                "username": username,
                "password": PASSWORD,
                "next": "/admin/",
            },
        )
        if status != 302:
            raise RuntimeError(f"login of {username} failed: {status}")


def editor(n: int, base: str, ids: list[int], saves: int, out: dict, rng: random.Random) -> None:
    from tests.archive._admin_support import browser_form_data, set_value

    session = Session(base)
    session.login(f"bench{n}")
    alive = list(ids)
    times, forms, failures, last = [], [], [], {}
    for i in range(saves):
        pk = rng.choice(alive)
        if rng.random() < 0.1 and len(alive) > 1:
            path = f"/admin/archive/article/{pk}/delete/"
            session.request(path)
            status, body, _ = session.request(path, {"csrfmiddlewaretoken": session.csrf(), "post": "yes"})
            seconds = session.seconds
            alive.remove(pk)
            last.pop(pk, None)
        else:
            path = f"/admin/archive/article/{pk}/change/"
            status, page, _ = session.request(path)
            forms.append(session.seconds)
            if status != 200:
                failures.append((pk, "form", status))
                continue
            data = browser_form_data(page, form_id="article_form")
            marker = f"mốc{n}x{i}"
            set_value(data, "title", f"Bài sửa bởi biên tập viên {n} lần {i} {marker}")
            status, body, _ = session.request(path, data)
            seconds = session.seconds
            if status == 302:
                last[pk] = marker
        times.append(seconds)
        if status != 302:
            failures.append((pk, "post", status, body[:200]))
    out[n] = {
        "times": times,
        "forms": forms,
        "failures": failures,
        "shed": session.shed,
        "last": last,
        "end": time.monotonic(),
    }


def searcher(base: str, stop: threading.Event, out: list, rng: random.Random) -> None:
    session = Session(base, retry_shed=False)  # a shed search is counted as a 503
    for i in itertools.count():
        if stop.is_set():
            return
        q = rng.choice(QUERIES)
        path = ("/tim-kiem/?" if i % 2 else "/api/search/?") + urllib.parse.urlencode({"q": q})
        started = time.perf_counter()
        status, _, _ = session.request(path)
        out.append((status, time.perf_counter() - started))


def wait_http(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except Exception:  # noqa: BLE001
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--saves", type=int, default=100, help="operations per editor (10%% deletes)")
    parser.add_argument("--searchers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--before",
        action="store_true",
        help="the design before issue #16: no index worker, each save drains its own change in the request",
    )
    args = parser.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="danvan-editors-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'db.sqlite3'}"
    postgres = database_url.startswith("postgres")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "WHOOSH_PATH": str(tmp / "whoosh"),
        "CACHE_URL": f"filecache://{tmp / 'cache'}?max_entries=50000",  # as make run
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "INDEX_DRAIN_ON_COMMIT": "1" if args.before else "0",
        "HOST": "127.0.0.1",
        "PORT": str(args.port),
        "GUNICORN_ACCESS_LOG": str(tmp / "access.log"),
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    base = f"http://127.0.0.1:{args.port}"
    processes: list[subprocess.Popen] = []
    print(
        f"database: {'PostgreSQL ' + database_url.rsplit('/', 1)[-1] if postgres else 'SQLite'}; {load()}",
        flush=True,
    )
    try:
        if postgres:
            import psycopg

            name = database_url.rsplit("/", 1)[-1]
            with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        run = dict(cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], **run)
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], **run)
        export = tmp / "corpus.jsonl"
        with gzip.open(args.corpus, "rt", encoding="utf-8") as src, export.open("w", encoding="utf-8") as dst:
            for line in itertools.islice(src, args.articles):
                dst.write(line)
        started = time.perf_counter()
        subprocess.run([PYTHON, "manage.py", "ingest", str(export), "--no-progress"], **run)
        print(
            f"ingest and index of {args.articles} articles: {time.perf_counter() - started:.0f} s", flush=True
        )

        import django

        sys.path.insert(0, str(ROOT))
        django.setup()
        from django.contrib.auth import get_user_model

        from archive.models import Article, IndexPending
        from search import indexing

        User = get_user_model()
        for n in range(args.editors):
            User.objects.create_superuser(f"bench{n}", "", PASSWORD)
        ids = sorted(Article.objects.values_list("pk", flat=True))

        worker_log = tmp / "worker.log"
        worker = subprocess.Popen(
            ["sleep", "infinity"] if args.before else [PYTHON, "manage.py", "index_worker", "-v", "2"],
            cwd=ROOT,
            env=env,
            stdout=worker_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(worker)
        gunicorn = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp / "gunicorn.log").open("w"),
        )
        processes.append(gunicorn)
        wait_http(base)
        workers = len(re.findall(r"Booting worker", (tmp / "gunicorn.log").read_text()))
        print(
            f"gunicorn up ({workers} worker processes), index worker pid {worker.pid}; {load()}", flush=True
        )

        stop = threading.Event()
        searches: list = []
        search_threads = [
            threading.Thread(
                target=searcher, args=(base, stop, searches, random.Random(100 + s)), daemon=True
            )
            for s in range(args.searchers)
        ]
        results: dict = {}
        editors = [
            threading.Thread(
                target=editor,
                args=(n, base, ids[n :: args.editors], args.saves, results, random.Random(n)),
            )
            for n in range(args.editors)
        ]
        loads = []
        started = time.monotonic()
        for t in search_threads + editors:
            t.start()
        while any(t.is_alive() for t in editors):
            loads.append(os.getloadavg()[0])
            time.sleep(1)
        for t in editors:
            t.join()
        last_save = max(r["end"] for r in results.values())
        elapsed = last_save - started

        # Index == database: the queue drained, then every document's digest equal to its row's.
        in_step_after = None
        while time.monotonic() - last_save < 60:
            if not IndexPending.objects.exists():
                seen_empty = time.monotonic()
                diff = indexing.verify()
                if diff.in_step:
                    in_step_after = seen_empty - last_save
                    break
                print(f"  not yet in step: {diff}", flush=True)
            time.sleep(0.05)
        stop.set()
        for t in search_threads:
            t.join(timeout=60)

        times = [s for r in results.values() for s in r["times"]]
        forms = [s for r in results.values() for s in r["forms"]]
        failures = [f for r in results.values() for f in r["failures"]]
        shed = sum(r["shed"] for r in results.values())
        found = missed = 0
        session = Session(base)
        import json

        for r in results.values():
            for pk, marker in list(r["last"].items())[-3:]:
                status, body, _ = session.request(
                    "/api/search/?" + urllib.parse.urlencode({"q": f'"{marker}"'})
                )
                hits = [row["id"] for row in json.loads(body)["results"]] if status == 200 else []
                found, missed = (found + 1, missed) if pk in hits else (found, missed + 1)
        search_times = [s for status, s in searches if status == 200]
        search_statuses = {}
        for status, _ in searches:
            search_statuses[status] = search_statuses.get(status, 0) + 1

        print(
            f"\n{args.editors} editors x {args.saves} operations over HTTP (gunicorn {workers} processes, "
            f"{'no index worker, saves drain in the request' if args.before else '1 index worker'}), {args.searchers} search threads, {len(ids)} articles, "
            f"{'PostgreSQL' if postgres else 'SQLite'}"
        )
        print(
            f"  run: {elapsed:.1f} s; load average during the run: mean {statistics.mean(loads):.2f}, max {max(loads):.2f}"
        )
        print(
            f"  save POST: n={len(times)}  p50 {pct(times, 0.5) * 1000:.0f} ms  p90 {pct(times, 0.9) * 1000:.0f} ms  "
            f"p95 {pct(times, 0.95) * 1000:.0f} ms  max {max(times) * 1000:.0f} ms"
        )
        print(f"  change form GET: p50 {pct(forms, 0.5) * 1000:.0f} ms  p95 {pct(forms, 0.95) * 1000:.0f} ms")
        print(f"  failed operations: {len(failures)} {failures[:3]}; load-shed 503s retried: {shed}")
        print(
            f"  searches during the run: {len(searches)} {search_statuses}; "
            f"p50 {pct(search_times, 0.5) * 1000:.0f} ms  p95 {pct(search_times, 0.95) * 1000:.0f} ms"
        )
        rounds = [
            (int(n), float(x))
            for n, x in re.findall(r"indexed (\d+) queued articles in ([\d.]+) s", worker_log.read_text())
        ]
        if rounds:
            drains = [x for _, x in rounds]
            print(
                f"  index worker: {len(rounds)} drains, {sum(n for n, _ in rounds)} articles, "
                f"drain p50 {pct(drains, 0.5) * 1000:.0f} ms  max {max(drains) * 1000:.0f} ms"
            )
        verdict = "never (60 s)" if in_step_after is None else f"{in_step_after:.2f} s"
        print(
            f"  index == database (queue empty, every digest equal to its row) after the last save: {verdict}"
        )
        print(f"  last titles found by search: {found}/{found + missed}")
        ok = (
            in_step_after is not None
            and in_step_after <= 5
            and pct(times, 0.95) < 1
            and not failures
            and not missed
        )
        print(
            f"  target (index in step within 5 s, save p95 < 1 s, no failure): {'met' if ok else 'NOT met'}; {load()}"
        )
        return 0 if ok else 1
    finally:
        for p in reversed(processes):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
