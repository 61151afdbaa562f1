"""'Bản lưu gốc': the captured page served from its WARC record, sandboxed (issue #17; here for the
session's one browser)."""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from archive.harvest.warc import WarcFiles
from archive.models import Article, CrawlURL
from tests.harvest.captures import store_capture
from tests.harvest.site import STYLESHEET_TEXT, png


class _Outside(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self):  # noqa: N802
        self.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def outside():
    """Another site on loopback, counting what reaches it."""
    server = ThreadingHTTPServer(("127.0.0.9", 0), _Outside)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.9:{server.server_address[1]}", _Outside.asked
    server.shutdown()
    server.server_close()


def hostile_page(outside: str) -> bytes:
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Trang gốc</title>'
        f'<link rel="stylesheet" href="{outside}/ngoai.css"></head><body>'
        '<h1 style="color: rgb(200, 0, 0)">Hội nghị giao ban công tác dân vận</h1>'
        f'<img src="{outside}/anh.jpg" alt="ảnh">'
        f"<script>document.title = 'script ran'; fetch('{outside}/theo-doi');</script>"
        f'<form action="{outside}/gui"><input name="q"></form></body></html>'
    ).encode()


@pytest.fixture
def captured(db, tmp_path, settings, outside):
    settings.HARVEST = {**settings.HARVEST, "WARC_DIR": str(tmp_path)}
    article = Article.objects.create(
        title="Hội nghị giao ban công tác dân vận",
        text="Nội dung.",
        raw="",
        source_file="http://127.0.0.1:8/bai-viet/1",
        content_hash="x" * 64,
        url="http://127.0.0.1:8/bai-viet/1",
    )
    warc = WarcFiles(tmp_path, "test")
    row = CrawlURL.objects.create(
        url=article.url, host="127.0.0.1:8", kind="article", state="done", article=article
    )
    store_capture(
        warc,
        url=article.url,
        article=article,
        row=row,
        body=gzip.compress(hostile_page(outside[0])),  # stored as it came: gzip content-encoding
        headers=(("Content-Encoding", "gzip"),),
    )
    warc.close()
    return article


def test_the_capture_is_served_as_captured_under_a_sandbox(client, captured, outside):
    page = client.get(f"/bai-viet/{captured.pk}/")
    assert f"/bai-viet/{captured.pk}/ban-luu-goc/".encode() in page.content
    response = client.get(f"/bai-viet/{captured.pk}/ban-luu-goc/")
    assert response.status_code == 200
    assert response.content == hostile_page(outside[0])  # content-decoded, byte for byte
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy and "script-src" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_article_never_fetched_has_no_capture(client, db):
    article = Article.objects.create(title="t", text="x", raw="", source_file="a.txt", content_hash="y" * 64)
    assert client.get(f"/bai-viet/{article.pk}/ban-luu-goc/").status_code == 404
    assert b"ban-luu-goc" not in client.get(f"/bai-viet/{article.pk}/").content


def test_a_vanished_page_is_marked_on_the_article_page(client, captured):
    CrawlURL.objects.filter(article=captured).update(state="gone", http_status=410, gone_at=timezone.now())
    assert "Trang gốc đã bị gỡ (HTTP 410" in client.get(f"/bai-viet/{captured.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_no_script_runs_and_nothing_loads_from_outside_in_a_browser(live_server, browser, captured, outside):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/bai-viet/{captured.pk}/ban-luu-goc/")
    page.wait_for_load_state("networkidle")
    assert page.title() == "Trang gốc"  # the script did not run
    assert (
        page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(200, 0, 0)"
    )  # inline style kept
    context.close()
    assert outside[1] == []  # counted by the outside server itself: no stylesheet, image or beacon


@pytest.fixture
def captured_with_resources(db, tmp_path, settings, outside):
    """A page of the outlet (the counting server on loopback) captured with its stylesheet and one
    of its two images, as the harvester stores them."""
    settings.HARVEST = {**settings.HARVEST, "WARC_DIR": str(tmp_path)}
    base = outside[0]
    page_url = f"{base}/tin/bai-7.html"
    html = (
        '<!doctype html><html><head><meta charset="utf-8"><title>Bản có ảnh</title>'
        '<link rel="stylesheet" href="/giao-dien/bai.css"></head><body>'
        '<h1>Hội nghị giao ban công tác dân vận</h1><article><img id="co" src="../anh/hoi-nghi.png" alt="có">'
        f'<img id="khong" src="{base}/anh/chua-luu.png" alt="không"></article></body></html>'
    ).encode()
    article = Article.objects.create(
        title="Hội nghị giao ban công tác dân vận",
        text="Nội dung.",
        raw="",
        source_file=page_url,
        content_hash="z" * 64,
        url=page_url,
    )
    warc = WarcFiles(tmp_path, "test")
    row = CrawlURL.objects.create(
        url=page_url, host="127.0.0.9", kind="article", state="done", article=article
    )
    for url, kind, content_type, body in [
        (page_url, "page", "text/html; charset=utf-8", html),
        (f"{base}/giao-dien/bai.css", "resource", "text/css", STYLESHEET_TEXT.encode()),
        (f"{base}/anh/hoi-nghi.png", "resource", "image/png", png(40, 30, (200, 0, 0))),
    ]:
        store_capture(
            warc, url=url, article=article, row=row, body=body, content_type=content_type, kind=kind
        )
    warc.close()
    return article


@pytest.mark.django_db(transaction=True)
def test_the_captured_image_and_stylesheet_show_and_nothing_is_asked_of_the_outlet(
    live_server, browser, captured_with_resources, outside
):
    article = captured_with_resources
    outside[1].clear()
    context = browser.new_context()
    page = context.new_page()
    answered: list[str] = []
    failed: list[tuple[str, str]] = []
    page.on("response", lambda response: answered.append(response.url))
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure or "")))
    page.goto(f"{live_server.url}/bai-viet/{article.pk}/ban-luu-goc/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#co").evaluate("e => [e.complete, e.naturalWidth, e.naturalHeight]") == [
        True,
        40,
        30,
    ]
    assert page.locator("#khong").evaluate("e => e.naturalWidth") == 0  # never captured: stays broken
    assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(0, 90, 0)"  # from the copy
    context.close()
    local = f"{live_server.url}/bai-viet/{article.pk}/ban-luu-goc/"
    assert len(answered) == 3 and all(url.startswith(local) for url in answered), answered
    # the image never captured is blocked by the page's policy before it leaves the browser…
    assert [url for url, _ in failed] == [f"{outside[0]}/anh/chua-luu.png"], failed
    assert outside[1] == []  # …as the outlet's server itself counts
