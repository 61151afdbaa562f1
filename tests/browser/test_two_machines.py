"""Two web machines, one PostgreSQL (issue #18): two gunicorn instances on two ports, each with its
own folders (no shared disk: own index path, own caches) and SEARCH_ENGINE=postgres, serve identical
answers; an article saved in the admin through one is found through the other at once."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests.conftest import ingest_seeds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _machine(database_url: str, home: str) -> tuple[subprocess.Popen, str]:
    """One gunicorn instance with its own folders, as a second machine would be."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "SEARCH_ENGINE": "postgres",
        "INDEX_DRAIN_ON_COMMIT": "1",  # no index worker here: a save writes its document on commit
        "WHOOSH_TEST_PATH": os.path.join(home, "whoosh"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "4",
        "GUNICORN_ACCESS_LOG": os.path.join(home, "access.log"),
    }
    env.pop("REDIS_URL", None)  # nothing shared but the database: per-process result caches
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(home, "gunicorn.log"), "wb"),  # noqa: SIM115 — closed with the process
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {Path(home, 'gunicorn.log').read_text()[-2000:]}")
        try:
            if _get(url + "/healthz")[0] in (200, 503):
                return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(
        f"gunicorn did not answer within 60 s: {Path(home, 'gunicorn.log').read_text()[-2000:]}"
    )


@pytest.fixture
def two_machines(transactional_db, empty_index, settings):
    if connection.vendor != "postgresql":
        pytest.skip("two machines share one PostgreSQL: needs DATABASE_URL=postgres://…")
    settings.SEARCH_ENGINE = "postgres"
    from search.engines import engine

    engine().clear()
    seeds = ingest_seeds()
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    homes = [tempfile.mkdtemp(prefix=f"danvan-machine-{n}-") for n in "ab"]
    started = []
    try:
        for home in homes:
            started.append(_machine(database_url, home))
        yield seeds, [url for _, url in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _search(url: str, **params) -> dict:
    """The search API's answer, its links made relative (each machine names its own host)."""
    status, body = _get(f"{url}/api/search/?{urlencode(params, doseq=True)}")
    assert status == 200, body[:300]
    return json.loads(body.decode().replace(url, ""))


def test_two_machines_answer_alike_and_see_each_others_saves(two_machines, page, django_user_model):
    seeds, (a, b) = two_machines
    for params in (
        {"q": "dân vận"},
        {"q": "dan van", "province": "Long An"},
        {"q": "kim boi"},
        {"q": "xyzzy"},
    ):
        answer_a, answer_b = _search(a, **params), _search(b, **params)
        assert answer_a == answer_b
    assert _search(a, q="dân vận")["count"] == 5
    for url in (a, b):
        assert json.loads(_get(f"{url}/healthz")[1])["index_documents"] == 5

    # An editor saves a new title through machine A's admin …
    django_user_model.objects.create_superuser("editor", "e@example.org", "a-long-test-password")
    page.goto(a + "/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    article = seeds["001"]
    page.goto(f"{a}/admin/archive/article/{article.pk}/change/")
    page.fill("#id_title", "Hội nghị dân vận ở Tuyên Quang")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/archive/article/**")
    assert "thành công" in page.locator(".messagelist").inner_text()

    # … and machine B finds it at once, by the new words, and no longer by the old ones alone.
    found = _search(b, q='"Tuyên Quang"')
    assert [r["id"] for r in found["results"]] == [article.pk]
    assert _search(a, q='"Tuyên Quang"') == found
    status, html = _get(f"{b}/tim-kiem/?{urlencode({'q': 'Tuyên Quang'})}")
    assert status == 200 and "Tuyên Quang" in html.decode()
