"""Load benchmark: N clients for S seconds against gunicorn on loopback, a realistic mix of requests.

    python bench/load.py prepare --db /tmp/danvan-load [--articles 20000]   # seeds + a corpus slice
    python bench/load.py run --db /tmp/danvan-load [--clients 50 --seconds 60 --port 8110] [--no-redis]
    python bench/load.py run --db /tmp/k100 --no-redis     # a search_bench.py --keep folder (100,000)

`run` starts gunicorn with gunicorn.conf.py on 127.0.0.1:PORT (the load never leaves the machine),
waits for /healthz, sends the mix from CLIENTS threads (each one request at a time, no pause, with
keep-alive), stops the server and prints requests/s, latency percentiles, errors and 503s (load shed,
with how long the client waited for them) per kind of request, the worker count and each worker's
memory after the load. The shared result cache is Redis (REDIS_URL, default redis://127.0.0.1:6379/0)
when it answers; with --no-redis the embedded default (a disk cache every worker shares, in a fresh
folder per run). The mix: 45% search page (a third of them with a facet filter: province, year,
kind or outlet), 35% article pages, 20% API (search and article list).
--db also takes a folder kept by `bench/search_bench.py N --keep DIR` (its bench.sqlite3 and whoosh/).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import itertools
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news-100k.jsonl.gz"
PY = str(ROOT / ".venv" / "bin" / "python")
QUERIES = [
    "dân vận", "dân vận khéo", "dan van kheo", "hội nghị", "sơ kết", "tổng kết công tác dân vận",
    "Ban Dân vận Tỉnh ủy", "giao ban", "mặt trận tổ quốc", "đoàn thanh niên", "hội phụ nữ", "nông thôn mới",
    "quy chế dân chủ", "cơ sở", "tôn giáo", "đồng bào dân tộc", "biên giới", "kinh tế", "giáo dục",
    "y tế", "bão lũ", "an ninh trật tự", "cải cách hành chính", "chuyển đổi số", "xóa đói giảm nghèo",
    "học tập và làm theo", "tu tuong ho chi minh", "phong trào thi đua", "công an", "quân đội",
    "Hà Nội", "Đà Nẵng", "Thanh Hóa", "Nghệ An", "Long An", "Hòa Bình", "\"dân vận khéo\"",
    "hội nghị -trực tuyến", "bầu cử", "đại hội",
]  # fmt: skip
FACETS = {"year": [str(y) for y in range(2015, 2025)], "kind": ["hoi_nghi", "so_ket", "tong_ket", "giao_ban"]}


def database(db: Path) -> Path:
    """The folder's SQLite file: prepare's db.sqlite3, or search_bench.py --keep's bench.sqlite3."""
    own = db / "db.sqlite3"
    return db / "bench.sqlite3" if not own.exists() and (db / "bench.sqlite3").exists() else own


def env_for(db: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{database(db)}",
        "WHOOSH_PATH": str(db / "whoosh"),
        "DJANGO_STATIC_ROOT": str(db / "static"),
        "CACHE_URL": f"filecache://{db / 'cache'}?max_entries=50000",  # as make run, in the folder
    }


def prepare(args) -> None:
    db = Path(args.db)
    db.mkdir(parents=True, exist_ok=True)
    piece = db / "slice.jsonl"
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, open(piece, "w", encoding="utf-8") as out:
        out.writelines(itertools.islice(src, args.articles))
    env = env_for(db)
    for command in (
        ["migrate", "-v0"],
        ["ingest", "seeds", str(piece), "--no-progress"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=command[0] != "ingest")
    print(f"prepared {db}")


def targets(db: Path) -> dict[str, list]:
    con = sqlite3.connect(database(db))
    ids = [r[0] for r in con.execute("SELECT id FROM archive_article")]
    provinces = [r[0] for r in con.execute(
        "SELECT DISTINCT p.name FROM archive_province p JOIN archive_article a ON a.province_id = p.id")]  # fmt: skip
    outlets = [r[0] for r in con.execute(
        "SELECT o.name FROM archive_outlet o JOIN archive_article a ON a.outlet_id = o.id "
        "GROUP BY o.id ORDER BY COUNT(*) DESC LIMIT 10")]  # fmt: skip
    return {"ids": ids, "province": provinces, "outlet": outlets, **FACETS}


def request_mix(rnd: random.Random, t: dict) -> tuple[str, str]:
    r = rnd.random()
    if r < 0.45:
        params = {"q": rnd.choice(QUERIES)}
        kind = "search"
        if rnd.random() < 1 / 3:
            facet = rnd.choice(["province", "year", "kind", "outlet"])
            if t[facet]:
                params[facet] = rnd.choice(t[facet])
                kind = "search+facet"
        if rnd.random() < 0.1:
            params["page"] = "2"
        return kind, f"/tim-kiem/?{urlencode(params)}"
    if r < 0.80:
        return "article", f"/bai-viet/{rnd.choice(t['ids'])}/"
    if r < 0.92:
        return "api-search", f"/api/search/?{urlencode({'q': rnd.choice(QUERIES)})}"
    return "api-articles", f"/api/articles/?page={rnd.randint(1, 50)}"


def client(port: int, stop: float, seed: int, t: dict, results: list, lock: threading.Lock) -> None:
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    mine = []
    while time.monotonic() < stop:
        kind, path = request_mix(rnd, t)
        started = time.monotonic()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine.append((kind, status, time.monotonic() - started, started))
    with lock:
        results.extend(mine)


def access_log_size(db: Path) -> int:
    log = db / "access.log"
    return log.stat().st_size if log.exists() else 0


def access_log_by_worker(db: Path, start: int) -> dict[str, tuple[int, int]]:
    """Requests and 503s per worker process since byte `start` of the access log (its last field
    is the worker's pid, gunicorn.conf.py): shows whether the clients' kept-alive connections, and
    the shedding, are spread evenly."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with open(db / "access.log", "rb") as log:
        log.seek(start)
        for line in log.read().decode("utf-8", "replace").splitlines():
            fields = line.rsplit(" ", 1)
            match = re.search(r'" (\d{3}) ', line)
            if len(fields) != 2 or not match:
                continue
            counts[fields[1].strip("<>")][0] += 1
            counts[fields[1].strip("<>")][1] += match.group(1) == "503"
    return {pid: (n, shed) for pid, (n, shed) in counts.items()}


def worker_memory(master: int) -> list[float]:
    """RSS in MiB of each gunicorn worker (the master's children), from /proc."""
    return [m["Rss"] for m in worker_memory_detail(master)]


def worker_memory_detail(master: int) -> list[dict[str, float]]:
    """Each worker's Rss, Pss (shared pages divided among the processes that map them: the index
    files are memory-mapped, and their pages in the page cache are shared) and private memory, MiB."""
    out = []
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        fields = {}
        for line in Path(f"/proc/{child}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0]) / 1024
        private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
        out.append({"Rss": fields.get("Rss", 0), "Pss": fields.get("Pss", 0), "Private": private})
    return out


def memory_line(master: int) -> str:
    return ", ".join(
        f"RSS {m['Rss']:.0f} (PSS {m['Pss']:.0f}, private {m['Private']:.0f})"
        for m in worker_memory_detail(master)
    )


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


@contextlib.contextmanager
def serve(args):
    """gunicorn (gunicorn.conf.py) on 127.0.0.1:PORT over the folder's archive, until the block ends:
    yields (server process, result cache label, environment)."""
    db = Path(args.db)
    env = env_for(db)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    results_dir = Path(tempfile.mkdtemp(prefix="results-cache-", dir=db))  # each run starts cold
    env["RESULTS_CACHE_DIR"] = str(results_dir)
    embedded = "embedded disk cache shared by the workers"
    try:
        if args.no_redis:
            raise RuntimeError("--no-redis")
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=0.5).ping()
        env["REDIS_URL"] = redis_url
        env["RESULTS_CACHE_PREFIX"] = f"load-{os.getpid()}"
        cache = f"Redis ({redis_url})"
    except Exception as why:  # noqa: BLE001
        env.pop("REDIS_URL", None)
        cache = f"{embedded} ({why if args.no_redis else 'Redis not answering'})"
    if not (db / "static" / "staticfiles.json").exists():
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    env.update({"HOST": "127.0.0.1", "PORT": str(args.port), "GUNICORN_ACCESS_LOG": str(db / "access.log")})
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "-c", "gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(db / "gunicorn.err", "w"),
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"server did not start: see {db / 'gunicorn.err'}")
            time.sleep(0.5)
        # Every worker warmed up (post_worker_init logs it) before the load starts: a worker still
        # opening the index accepts no connection, and the first one ready would take every
        # kept-alive client.
        log = db / "gunicorn.err"
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            if text.count("search index opened") + text.count("warm-up failed") >= len(
                worker_memory(server.pid)
            ):
                break
            time.sleep(0.5)
        yield server, cache, env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(results_dir, ignore_errors=True)


def run(args) -> None:
    db = Path(args.db)
    lock = threading.Lock()
    with serve(args) as (server, cache, env):
        t = targets(db)
        articles = len(t["ids"])
        if args.warmup:  # a server that has run a while: caches filled, facet columns loaded
            warm: list = []
            stop = time.monotonic() + args.warmup
            threads = [
                threading.Thread(target=client, args=(args.port, stop, 1000 + n, t, warm, lock))
                for n in range(args.clients)
            ]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        load_before = os.getloadavg()
        log_from = access_log_size(db)
        results: list = []
        stop = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(args.port, stop, n, t, results, lock))
            for n in range(args.clients)
        ]
        began = time.monotonic()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.monotonic() - began
        load_after = os.getloadavg()
        memory = worker_memory(server.pid)
        memory_text = memory_line(server.pid)
        per_worker = access_log_by_worker(db, log_from)

    ok = [r for r in results if 200 <= r[1] < 400 or r[1] == 404]
    shed = [r for r in results if r[1] == 503]
    errors = [r for r in results if r not in ok and r[1] != 503]
    times = [r[2] for r in ok]
    print(
        f"load: {args.clients} clients, {args.seconds} s after {args.warmup} s warm-up, 127.0.0.1:{args.port}, "
        f"{articles} articles ({database(db)}), workers {len(memory)} "
        f"(GUNICORN_WORKERS {env.get('GUNICORN_WORKERS', 'unset')}), threads {env.get('GUNICORN_THREADS', 'default')}, "
        f"active {env.get('DJANGO_MAX_ACTIVE_REQUESTS', 'default')}, queue timeout "
        f"{env.get('DJANGO_QUEUE_TIMEOUT', 'default')}, result cache: {cache}"
    )
    print(f"worker memory after the load, MiB: {memory_text}")
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} "
          f"({os.cpu_count()} cores)")  # fmt: skip
    print(f"requests: {len(results)}  answered: {len(ok)}  shed (503): {len(shed)}  errors: {len(errors)}")
    print(f"throughput: {len(ok) / elapsed:.1f} answered requests/s ({len(results) / elapsed:.1f} incl. 503)")
    print(f"latency of answered: p50 {pct(times, 50) * 1000:.0f} ms  p95 {pct(times, 95) * 1000:.0f} ms  "
          f"p99 {pct(times, 99) * 1000:.0f} ms  max {max(times, default=0) * 1000:.0f} ms")  # fmt: skip
    by_kind = defaultdict(list)
    for kind, _status, took, _ in ok:
        by_kind[kind].append(took)
    total_time = sum(times) or 1
    for kind, values in sorted(by_kind.items()):
        print(f"  {kind:13} {len(values):6} req ({100 * len(values) / max(1, len(ok)):4.1f}%)  "
              f"p50 {pct(values, 50) * 1000:5.0f} ms  p95 {pct(values, 95) * 1000:5.0f} ms  "
              f"{100 * sum(values) / total_time:4.1f}% of time")  # fmt: skip
    if errors:
        print("errors by status:", dict(Counter(r[1] for r in errors)))
    if per_worker:
        print("by worker (access log): " + "; ".join(
            f"pid {pid}: {n} requests, {shed_n} shed ({100 * shed_n / max(1, n):.1f}%)"
            for pid, (n, shed_n) in sorted(per_worker.items())))  # fmt: skip
    if shed:
        waits = [r[2] for r in shed]
        print(f"503s at the client: p50 {pct(waits, 50) * 1000:.0f} ms  p95 {pct(waits, 95) * 1000:.0f} ms  "
              f"max {max(waits) * 1000:.0f} ms; by kind: {dict(Counter(r[0] for r in shed))}")  # fmt: skip


COMMON = ["bị", "dân", "người", "tỉnh", "bi", "dan", "nguoi", "tinh"]  # issue #21: tens of thousands of hits
RARE = ["biên phòng", "Kim Bôi", "sầu riêng", "giao ban", "hiến máu", "cao tốc", "lũ quét", "ngập úng"]


def fetch(port: int, path: str) -> tuple[int, float]:
    """One request on a new connection (so that any worker may take it): (status, seconds)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def probe(args) -> None:
    """One request at a time over HTTP on an idle server, each on a new connection (any worker):
    the issue's single-request rows. Cold = the first request of that URL since the server started
    (its result cache empty); for home and year the browse counts' cache is emptied first."""
    db = Path(args.db)
    rnd = random.Random(21)

    def ms(values: list[float]) -> str:
        return f"p50 {pct(values, 50) * 1000:.1f} / p95 {pct(values, 95) * 1000:.1f} / max {max(values) * 1000:.1f} ms"

    with serve(args) as (server, cache, env):
        con = sqlite3.connect(database(db))
        with_province = [
            r[0] for r in con.execute("SELECT id FROM archive_article WHERE province_id IS NOT NULL")
        ]
        articles = con.execute("SELECT COUNT(*) FROM archive_article").fetchone()[0]
        print(f"probe: {articles} articles ({database(db)}), workers {len(worker_memory(server.pid))}, "
              f"result cache: {cache}; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
        for label, words in (("common syllables", COMMON), ("rare words", RARE)):
            cold, filtered = [], []
            for q in words:
                cold.append(fetch(args.port, f"/tim-kiem/?{urlencode({'q': q})}")[1])
                filtered.append(fetch(args.port, f"/tim-kiem/?{urlencode({'q': q, 'year': '2020'})}")[1])
            print(
                f"search page cold, {label} ({', '.join(words)}): {ms(cold)}; with a year filter {ms(filtered)}"
            )
            print("   each: " + ", ".join(f"{q} {t * 1000:.0f}" for q, t in zip(words, cold, strict=True)))
        repeated = []
        for q in QUERIES[:20]:
            url = f"/tim-kiem/?{urlencode({'q': q, 'kind': 'hoi_nghi'})}"
            fetch(args.port, url)
            repeated += [fetch(args.port, url)[1] for _ in range(6)]
        print(f"search page repeated (20 queries × 6, new connection each: any worker): {ms(repeated)}")
        first, again = [], []
        for pk in rnd.sample(with_province, min(40, len(with_province))):
            first.append(fetch(args.port, f"/bai-viet/{pk}/")[1])
            again += [fetch(args.port, f"/bai-viet/{pk}/")[1] for _ in range(3)]
        print(f"article page with a province, first: {ms(first)}; repeated (× 3): {ms(again)}")
        for url in ("/", "/nam/2024/", "/nam/"):
            cold = []
            for _ in range(5):
                for f in (db / "cache").glob("*.djcache"):
                    f.unlink()
                cold.append(fetch(args.port, url)[1])
            warm = [fetch(args.port, url)[1] for _ in range(10)]
            print(f"{url} cold (counts cache emptied, × 5): {ms(cold)}; repeated {ms(warm)}")
        print(f"worker memory, MiB: {memory_line(server.pid)}; load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--db", required=True)
    p.add_argument("--articles", type=int, default=20_000)
    r = sub.add_parser("run")
    r.add_argument("--db", required=True)
    r.add_argument("--clients", type=int, default=50)
    r.add_argument("--seconds", type=int, default=60)
    r.add_argument("--port", type=int, default=8110)
    r.add_argument("--workers", type=int, default=0)
    r.add_argument("--no-redis", action="store_true", help="the embedded shared cache, even if Redis answers")
    r.add_argument("--warmup", type=int, default=15, help="seconds of the same load before measuring")
    q = sub.add_parser("probe", help="single requests on an idle server: the issue's per-page rows")
    q.add_argument("--db", required=True)
    q.add_argument("--port", type=int, default=8111)
    q.add_argument("--workers", type=int, default=0)
    q.add_argument("--no-redis", action="store_true", help="the embedded shared cache, even if Redis answers")
    args = parser.parse_args()
    if args.command == "run" and not 1 <= args.seconds <= 600:
        parser.error("--seconds: 1 to 600")
    {"prepare": prepare, "run": run, "probe": probe}[args.command](args)


if __name__ == "__main__":
    main()
