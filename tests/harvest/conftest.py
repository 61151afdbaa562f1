"""A database and a Whoosh index of the module's own, and `manage.py` run against them as a person
would (the harvester runs Twisted's reactor, which runs once per process: every run is a process)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class Site:
    def __init__(self, tmp: Path, database_url: str, connect) -> None:
        self.tmp = tmp
        self.connect = connect
        self.warc_dir = tmp / "warc"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "WHOOSH_TEST_PATH": str(tmp / "whoosh"),
            "WHOOSH_PROCS": "1",
            "PYTHONPATH": str(ROOT),
            "HARVEST_WARC_DIR": str(self.warc_dir),
            "HARVEST_TIMEOUT": "1.5",
            "HARVEST_MAX_BYTES": "2000000",
            "HARVEST_BACKOFF": "0.5",
            "HARVEST_RETRIES": "1",
            # The spacing the servers see loses up to ~0.11 s to a starved server thread at load
            # average 12 (five engineers' tests on two cores): the margin over the delay covers it.
            "HARVEST_DELAY_MARGIN": "0.2",
        }

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code).stdout

    def load_sources(self, specs: list[dict]) -> None:
        path = self.tmp / f"sources-{uuid.uuid4().hex[:6]}.json"
        path.write_text(json.dumps(specs, ensure_ascii=False), encoding="utf-8")
        self.shell(f"from tests.harvest.probe import load_sources; load_sources({str(path)!r})")

    def report(self) -> dict:
        """What the site's database holds, read directly (a manage.py process per look costs seconds)."""

        def rows(sql: str) -> list[tuple]:
            conn = self.connect()
            try:
                cur = conn.cursor()
                cur.execute(sql)
                return cur.fetchall()
            finally:
                conn.close()

        def js(value):
            return json.loads(value) if isinstance(value, str) else value

        def iso(value):
            return value if value is None or isinstance(value, str) else value.isoformat()

        articles = rows(
            "SELECT id, url, source_file, title, text, published_on, published_time, authors, edited_fields,"
            " evidence FROM archive_article ORDER BY id"
        )
        frontier = rows(
            "SELECT url, kind, state, http_status, article_id, gone_at, note FROM archive_crawlurl ORDER BY id"
        )
        return {
            "articles": [
                dict(
                    zip(
                        ("id", "url", "source_file", "title", "text"),
                        a[:5],
                        strict=True,
                    ),
                    published_on=iso(a[5]),
                    published_time=iso(a[6]),
                    authors=js(a[7]),
                    edited_fields=js(a[8]),
                    evidence=js(a[9]),
                )
                for a in articles
            ],
            "frontier": [
                dict(
                    zip(("url", "kind", "state", "status", "article"), f[:5], strict=True),
                    gone_at=iso(f[5]),
                    note=f[6],
                )
                for f in frontier
            ],
            "runs": [
                {"id": r[0], "status": r[1], "summary": r[2]}
                for r in rows("SELECT id, status, summary FROM archive_harvestrun ORDER BY id")
            ],
        }


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_setup, django_db_blocker):
    tmp = tmp_path_factory.mktemp("harvest")
    if connection.vendor == "sqlite":
        s = Site(
            tmp, f"sqlite:///{tmp / 'db.sqlite3'}", lambda: sqlite3.connect(tmp / "db.sqlite3", timeout=30)
        )
        s.manage("migrate", "--noinput", "-v", "0")
        yield s
        return
    import psycopg

    settings = connection.settings_dict
    name = f"harvest_{uuid.uuid4().hex[:8]}"
    base = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    admin = f"{base}/{settings['NAME']}"
    with django_db_blocker.unblock(), psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    s = Site(tmp, f"{base}/{name}", lambda: psycopg.connect(f"{base}/{name}"))
    try:
        s.manage("migrate", "--noinput", "-v", "0")
        yield s
    finally:
        with django_db_blocker.unblock(), psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
