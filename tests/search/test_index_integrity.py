"""Nothing lost, nothing stale (issue 6): killed runs and concurrent editors, in real processes.

Each test gets a database and a Whoosh index of its own (a SQLite file, or a PostgreSQL database
next to the test database when the suite runs on PostgreSQL), and drives `manage.py` subprocesses
as a person would: ingest killed with SIGKILL while storing and while indexing, then a rerun or
`ensure_index`; four editors saving and deleting at once with searches running. The verdict always
compares the index with the database: same ids, and the same titles and texts (per-document
digests, and searches for the words each article holds now).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
N_ARTICLES = 600
EDIT_OPS = int(os.environ.get("DANVAN_EDIT_OPS", "40"))  # per editor; the 200: see README


class Site:
    """A database + index of the test's own, and `manage.py` run against them."""

    def __init__(self, tmp_path: Path, database_url: str, raw_connect):
        self.tmp = tmp_path
        self.raw_connect = raw_connect
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "WHOOSH_TEST_PATH": str(tmp_path / "whoosh"),
            "WHOOSH_PROCS": "2",
            "PYTHONPATH": str(ROOT),
        }

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # SIGKILL reaches the forked index workers too
        )

    def scalar(self, sql: str) -> int:
        conn = self.raw_connect()
        try:
            cur = conn.cursor()
            cur.execute(sql)
            return cur.fetchone()[0]
        finally:
            conn.close()

    def report(self) -> dict:
        out = self.manage(
            "shell", "--no-imports", "-c", "from tests.search.integrity_probe import report; report()"
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def site(tmp_path, db, django_db_blocker):
    if connection.vendor == "sqlite":
        path = tmp_path / "db.sqlite3"
        s = Site(tmp_path, f"sqlite:///{path}", lambda: sqlite3.connect(path, timeout=30))
        s.manage("migrate", "--noinput", "-v", "0")
        yield s
        return
    import psycopg

    settings = connection.settings_dict
    name = f"wt6_integrity_{uuid.uuid4().hex[:8]}"
    base = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    admin = f"{base}/{settings['NAME']}"  # the test database (the db fixture created it)
    with django_db_blocker.unblock(), psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    s = Site(tmp_path, f"{base}/{name}", lambda: psycopg.connect(f"{base}/{name}"))
    try:
        s.manage("migrate", "--noinput", "-v", "0")
        yield s
    finally:
        with django_db_blocker.unblock(), psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_articles(path: Path, n: int, version: str) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            record = {
                "id": f"t6-{i}",
                "title": f"Tin dân vận số {i} | mốc {i} gốc",
                "text": f"Nội dung về công tác dân vận khéo số {i} ở xã. | phiên bản {version}",
                "published": "2024-03-02",
                "outlet": "Báo Thử Nghiệm",
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def assert_in_step(report: dict) -> None:
    assert report["pending"] == 0
    assert report["missing"] == report["stale"] == report["extra"] == []
    assert report["indexed"] == report["articles"]
    titles = report["titles"]
    for pk, found in report["hits_by_title_marker"].items():
        # The words each article's title holds now find it (and any article with the same title).
        marker = titles[pk].split("|")[-1]
        assert found == sorted(int(k) for k, t in titles.items() if t.split("|")[-1] == marker), pk


def kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"finished before it could be killed:\n{out.decode()}\n{err.decode()}")
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError("never reached the point to kill at")
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def articles(site: Site) -> int:
    try:
        return site.scalar("SELECT COUNT(*) FROM archive_article")
    except Exception:  # the database is busy or the table is not created yet
        return 0


def queued(site: Site) -> int:
    try:
        return site.scalar("SELECT COUNT(*) FROM archive_indexpending")
    except Exception:
        return 0


def test_ingest_killed_while_storing_then_rerun(site, tmp_path):
    source = write_articles(tmp_path / "v1.jsonl", N_ARTICLES, "một")
    run = site.start("ingest", str(source), "--batch-size", "50", "--no-progress")
    kill_when(run, lambda: articles(site) >= 200)
    stored = articles(site)
    assert 200 <= stored < N_ARTICLES  # killed part-way through storing
    assert queued(site) >= stored  # what was stored is known to be missing from the index

    site.manage("ingest", str(source), "--no-progress")  # the rerun finds them "unchanged"
    report = site.report()
    assert len(report["articles"]) == N_ARTICLES
    assert_in_step(report)
    assert report["hits_v1"] == report["articles"]

    # `ingest --no-index` then `ingest`: the second run finds everything unchanged and still indexes it.
    more = write_articles(tmp_path / "more.jsonl", 100, "ba")  # new texts: new articles
    site.manage("ingest", str(more), "--no-index", "--no-progress")
    assert queued(site) == 100
    assert "100 unchanged" in site.manage("ingest", str(more), "--no-progress").stdout
    assert_in_step(site.report())


def test_ingest_killed_while_indexing_then_rerun_and_update_run_killed_then_ensure_index(site, tmp_path):
    source = write_articles(tmp_path / "v1.jsonl", N_ARTICLES, "một")
    run = site.start("ingest", str(source), "--batch-size", "500", "--no-progress")
    kill_when(run, lambda: articles(site) == N_ARTICLES)  # storing done: the index is being written
    assert queued(site) > 0  # killed before the index commit took the queue rows away
    site.manage("ingest", str(source), "--no-progress")
    report = site.report()
    assert_in_step(report)
    assert report["hits_v1"] == report["articles"]

    # An update run (every text changes) killed while storing, then only `ensure_index`: the index
    # must show the stored new texts, not the old ones, and ensure_index must not call it in step.
    (tmp_path / "v2").mkdir()
    changed = write_articles(tmp_path / "v2" / "v1.jsonl", N_ARTICLES, "hai")  # same names, new texts
    run = site.start("ingest", str(changed), "--batch-size", "50", "--no-progress")
    kill_when(
        run,
        lambda: site.scalar("SELECT COUNT(*) FROM archive_article WHERE text LIKE '%phiên bản hai%'") >= 200,
    )
    out = site.manage("ensure_index").stdout
    assert "queued" in out
    report = site.report()
    assert_in_step(report)
    updated = site.scalar("SELECT COUNT(*) FROM archive_article WHERE text LIKE '%phiên bản hai%'")
    assert 200 <= updated < N_ARTICLES
    assert len(report["hits_v2"]) == updated
    assert len(report["hits_v1"]) == N_ARTICLES - updated

    # Changed behind everyone's back (raw SQL: no signals, no queue): the digests still see it.
    conn = site.raw_connect()
    conn.cursor().execute("UPDATE archive_article SET title = 'Tin khác | mốc lạ' WHERE id = 1")
    conn.commit()
    conn.close()
    assert "1 stale" in site.manage("ensure_index").stdout
    assert_in_step(site.report())


def start_worker(site: Site) -> subprocess.Popen:
    """`manage.py index_worker`, as `make run` starts it; saves from now on only queue."""
    site.env["INDEX_DRAIN_ON_COMMIT"] = "0"
    return site.start("index_worker", "--poll", "0.2")


def stop_worker(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGTERM)  # finishes its round, then exits
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err.decode()
    return out.decode()


def wait_for_empty_queue(site: Site, timeout: float) -> float:
    started = time.monotonic()
    while queued(site):
        assert time.monotonic() - started < timeout, f"{queued(site)} still queued after {timeout} s"
        time.sleep(0.1)
    return time.monotonic() - started


def test_the_index_worker_process_makes_a_save_searchable_within_seconds(site, tmp_path):
    source = write_articles(tmp_path / "v1.jsonl", 120, "một")
    site.manage("ingest", str(source), "--no-progress")
    worker = start_worker(site)
    try:
        pk = site.report()["articles"][7]
        out = site.manage(
            "shell",
            "--no-imports",
            "-c",
            f"from tests.search.integrity_probe import save_then_wait; save_then_wait({pk}, 'mốc xa lạ', 30)",
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        assert result["queued_after_save"]  # the save itself did not write the index
        assert result["found"] == [pk]
        assert result["searchable_after"] < 5.0  # the worker polls every 0.2 s
        assert result["save_seconds"] < 1.0
    finally:
        said = stop_worker(worker)
    assert "1 articles indexed, stopping." in said
    assert_in_step(site.report())


def test_four_editors_saving_and_deleting_with_searches_running(site, tmp_path):
    source = write_articles(tmp_path / "v1.jsonl", 120, "một")
    site.manage("ingest", str(source), "--no-progress")
    ids = json.dumps(site.report()["articles"])
    worker = start_worker(site)  # as in production: saves queue, the worker indexes
    try:
        editors = [
            site.start(
                "shell",
                "--no-imports",
                "-c",
                f"from tests.search.integrity_probe import edit; edit({seed}, {EDIT_OPS}, {ids})",
            )
            for seed in range(4)
        ]
        results = []
        for editor in editors:
            out, err = editor.communicate(timeout=600)
            assert editor.returncode == 0, err.decode()
            results.append(json.loads(out.decode().strip().splitlines()[-1]))
        assert [r["failed"] for r in results] == [[], [], [], []]  # no save failed on the lock
        assert sum(r["saved"] for r in results) > EDIT_OPS * 2
        assert sum(r["deleted"] for r in results) > 0
        assert all(r["searched"] for r in results)
        assert max(r["max_wait"] for r in results) < 10  # no save waits for the index lock
        wait_for_empty_queue(site, timeout=30)
    finally:
        if worker.poll() is None:
            stop_worker(worker)
    report = site.report()
    assert_in_step(report)  # same ids, and each article's latest title finds it
