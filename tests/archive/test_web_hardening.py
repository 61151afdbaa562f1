"""Issue 11, "Web: denial of service and error paths" and "Deployment": each finding, end to end
through Django's test client on the real database and index."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import ROOT

HUGE_PAGE = "9" * 4400  # more digits than int() accepts by default (4,300)


@pytest.mark.parametrize(
    "url", ["/tim-kiem/?q=dân+vận&page=", "/api/search/?q=dân+vận&page=", "/api/articles/?page="]
)
def test_huge_page_numbers_are_400_not_500(client, seeded, url):
    response = client.get(url + HUGE_PAGE)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "page" in response.json()["error"]


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch", "options"])
@pytest.mark.parametrize("url", ["/api/articles/", "/api/search/?q=x", "/api/articles/1/", "/api/nothing/"])
def test_writes_to_the_api_are_405_json(seeded, method, url):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {
        "error": f"method {method.upper()} not allowed: this API is read-only (GET)",
        "status": 405,
    }


def test_a_500_under_the_api_is_json(seeded, monkeypatch):
    from archive import selectors

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "article_get", broken)
    client = Client(raise_request_exception=False)
    pk = seeded["000"].pk  # an article that exists (ids are not 1, 2, … on PostgreSQL)
    response = client.get(f"/api/articles/{pk}/")
    assert response.status_code == 500
    assert response.json() == {"error": "internal error; it has been logged", "status": 500}
    page = client.get(f"/bai-viet/{pk}/")
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")


def test_did_you_mean_is_bounded(seeded, monkeypatch):
    """A 302-character query of unknown words costs a few count searches, not one per word group."""
    from search.engines.whoosh import backend as backend_module

    calls = {"count": 0, "suggest": 0}
    real_count = backend_module.VietnameseWhooshBackend.count

    def counting(self, *args, **kwargs):
        calls["count"] += 1
        return real_count(self, *args, **kwargs)

    monkeypatch.setattr(backend_module.VietnameseWhooshBackend, "count", counting)
    words = [f"xq{chr(97 + i % 26)}{chr(97 + i // 26)}z" for i in range(80)]
    # word groups (commas) of two syllables each: the costliest shape for the suggestions
    query = (
        ", ".join(f"{a} {b}" for a, b in zip(words[::2], words[1::2], strict=True))[:301].rstrip(", ") + "q"
    )
    query = query.ljust(302, "q")
    assert len(query) == 302
    response = Client().get("/tim-kiem/", {"q": query})
    assert response.status_code == 200
    assert calls["count"] <= 8


def test_healthz_reports_database_and_index(client, seeded):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok" and data["database"] == "ok" and data["index"] == "ok"
    assert data["index_documents"] == 5


def test_security_headers_on_every_page(client, seeded):
    for url in ("/", "/tim-kiem/?q=dân+vận", "/api/articles/", "/khong-co/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("style-src-attr")[0]  # no inline script or <style>
        assert "camera=()" in response["Permissions-Policy"]


def test_admin_login_is_throttled(db, django_user_model):
    django_user_model.objects.create_superuser("admin", "", "the-right-password-42")
    client = Client()
    statuses = []
    for n in range(30):
        r = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": f"wrong-{n}"})
        statuses.append(r.status_code)
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[5:]) == {429}  # locked after 5 failures
    r = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "the-right-password-42"})
    assert r.status_code == 429  # even the right password waits for the cool-off


def _clean_environ() -> dict:
    """The test process's environment without what the browser tests set for themselves."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _run(code: str, **env) -> subprocess.CompletedProcess:
    environment = {**_clean_environ(), "DJANGO_SECRET_KEY": "x" * 60, **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_missing_static_manifest_stops_the_start(tmp_path):
    result = _run(
        "import config.wsgi",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_STATIC_ROOT=str(tmp_path / "never-collected"),
    )
    assert result.returncode != 0
    assert "staticfiles.json is missing; run `python manage.py collectstatic`" in result.stderr


def test_check_deploy_is_clean_with_the_documented_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--settings=config.settings.prod"],
        cwd=ROOT,
        env={
            **_clean_environ(),
            "DJANGO_SECRET_KEY": "k" * 20 + "Q9#v" * 10 + "z" * 20,
            "DJANGO_ALLOWED_HOSTS": "archive.example.vn",
            "DJANGO_BEHIND_TLS_PROXY": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


def test_overload_is_a_clear_503_not_a_queue(settings):
    """Issue 11, "Load": a request that cannot start within QUEUE_TIMEOUT gets 503 with Retry-After."""
    import json
    import threading
    import time

    from django.http import HttpResponse
    from django.test import RequestFactory

    from config.health import LoadShedMiddleware

    settings.MAX_ACTIVE_REQUESTS, settings.QUEUE_TIMEOUT = 1, 0.2
    release, started = threading.Event(), threading.Event()

    def slow_view(request):
        started.set()
        release.wait(10)
        return HttpResponse("ok")

    middleware = LoadShedMiddleware(slow_view)
    factory = RequestFactory()
    first = threading.Thread(target=middleware, args=(factory.get("/tim-kiem/?q=a"),))
    first.start()
    assert started.wait(5)
    began = time.monotonic()
    shed = middleware(factory.get("/api/search/?q=b"))
    waited = time.monotonic() - began
    page = middleware(factory.get("/tim-kiem/?q=c"))
    health = LoadShedMiddleware(lambda request: HttpResponse("healthy"))(factory.get("/healthz"))
    release.set()
    first.join()
    assert shed.status_code == 503 and shed["Retry-After"] == "5"
    assert json.loads(shed.content) == {
        "error": "server overloaded; retry after a few seconds",
        "status": 503,
    }
    assert 0.2 <= waited < 5
    assert page.status_code == 503 and "quá tải" in page.content.decode()
    assert health.status_code == 200
    assert middleware(factory.get("/tim-kiem/?q=d")).status_code == 200  # the slot is free again


def test_the_static_manifest_is_not_served_but_static_files_are(settings, tmp_path):
    """Issue #16, finding 9: collectstatic's staticfiles.json lists every file of the server."""
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.abc123.css").write_text("body{}", encoding="utf-8")
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.abc123.css"}}')
    settings.STATIC_ROOT = str(tmp_path)
    client = Client()  # a new handler: the static middleware reads STATIC_ROOT when it starts
    assert client.get("/static/css/site.abc123.css").status_code == 200
    response = client.get("/static/staticfiles.json")
    assert response.status_code == 404
    assert b"css/site.abc123.css" not in response.content


def test_a_login_with_a_foreign_next_lands_on_the_admin_index(db, django_user_model):
    django_user_model.objects.create_superuser("admin", "", "the-right-password-42")
    client = Client()
    for target in ("https://evil.example/", "//evil.example/admin/"):
        response = client.post(
            f"/admin/login/?next={target}", {"username": "admin", "password": "the-right-password-42"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
        assert client.get(response["Location"]).status_code == 200
        client.logout()
