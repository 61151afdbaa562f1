"""`ingest` reads WARC files made elsewhere (wget --warc-file, a WACZ) as the harvester stores pages."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.models import Article, Capture
from tests.harvest.site import STYLESHEET, STYLESHEET_TEXT, Page, image_of, make_paragraphs, render


@pytest.fixture(autouse=True)
def warc_dir(tmp_path, settings):
    settings.HARVEST = {**settings.HARVEST, "WARC_DIR": str(tmp_path / "kept")}
    return tmp_path / "kept"


def _page(n: int, resources: bool = False) -> bytes:
    from datetime import datetime

    page = Page(
        outlet="w",
        path=f"/tin/{n}.html",
        title=f"Giao ban công tác dân vận quý {n} tại Nghệ An",
        published=datetime(2023, 6, n, 9, 15),
        authors=["Phạm Thu Hà"],
        section="Dân vận",
        province="Nghệ An",
        paragraphs=make_paragraphs(3, 500 + n, "Nghệ An"),
        style="jsonld",
        resources=resources,
    )
    return render(page, "http://baothu.example.vn", "Báo Thử Nghệ An").encode()


def _warc(gz: bool) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)

    def response(url: str, status: str, kind: str, body: bytes) -> None:
        http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        )

    response(
        "http://baothu.example.vn/tin/1.html?utm_source=zalo", "200 OK", "text/html; charset=utf-8", _page(1)
    )
    response("http://baothu.example.vn/logo.png", "200 OK", "image/png", b"\x89PNG")
    response("http://baothu.example.vn/tin/9.html", "404 Not Found", "text/html", b"<html>404</html>")
    response("http://baothu.example.vn/tin/2.html", "200 OK", "text/html", _page(2))
    return out.getvalue()


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz", "crawl.wacz"])
def test_ingest_reads_the_html_pages_of_a_warc_file(db, tmp_path, name):
    path = tmp_path / name
    if name.endswith(".wacz"):
        with zipfile.ZipFile(path, "w") as wacz:
            wacz.writestr("archive/data.warc.gz", _warc(gz=True))
            wacz.writestr("datapackage.json", "{}")
    else:
        path.write_bytes(_warc(gz=name.endswith(".gz")))
    call_command("ingest", str(path), "--no-index", "--no-progress")
    articles = {a.source_file: a for a in Article.objects.all()}
    assert sorted(articles) == ["http://baothu.example.vn/tin/1.html", "http://baothu.example.vn/tin/2.html"]
    first = articles["http://baothu.example.vn/tin/1.html"]
    assert first.title == "Giao ban công tác dân vận quý 1 tại Nghệ An"
    assert (first.published_on.isoformat(), first.authors) == ("2023-06-01", ["Phạm Thu Hà"])
    # a second read of the same crawl changes nothing
    call_command("ingest", str(path), "--no-index", "--no-progress")
    assert Article.objects.count() == 2


def test_a_broken_warc_file_is_named(db, tmp_path, capsys):
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(b"not a warc at all")
    with pytest.raises(Exception, match="failed"):
        call_command("ingest", str(path), "--no-index", "--no-progress")
    assert "broken.warc.gz" in capsys.readouterr().err


def test_a_warc_made_elsewhere_gives_its_pages_a_capture_with_their_stylesheet_and_image(
    db, tmp_path, client, warc_dir
):
    """A crawl made with another tool (its page, stylesheet and image records): once ingested, the
    page's "bản lưu gốc" shows the stylesheet and image from the file, found by their addresses."""
    site = "http://baothu.example.vn"
    image = "/anh/tin-3.html.png"
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, kind, body in [
        (f"{site}/tin/3.html", "text/html; charset=utf-8", _page(3, resources=True)),
        (f"{site}{STYLESHEET}", "text/css", STYLESHEET_TEXT.encode()),
        (f"{site}{image}", "image/png", image_of(image)),
        (f"{site}/quang-cao.js", "application/javascript", b"alert(1)"),  # not a page requisite we serve
    ]:
        http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        )
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(out.getvalue())
    for _ in range(2):  # a second ingest of the same file keeps one copy and one capture per record
        call_command("ingest", str(path), "--no-index", "--no-progress")
    article = Article.objects.get(source_file=f"{site}/tin/3.html")
    assert sorted(Capture.objects.values_list("kind", "url")) == [
        ("page", f"{site}/tin/3.html"),
        ("resource", f"{site}{image}"),
        ("resource", f"{site}{STYLESHEET}"),
    ]
    assert [p.name.endswith("-crawl.warc.gz") for p in (warc_dir / "ingest").iterdir()] == [True]
    assert f"/bai-viet/{article.pk}/ban-luu-goc/" in client.get(f"/bai-viet/{article.pk}/").content.decode()
    page = client.get(f"/bai-viet/{article.pk}/ban-luu-goc/")
    html = page.content.decode()
    local = f"/bai-viet/{article.pk}/ban-luu-goc/tai-nguyen/"
    assert page.status_code == 200 and html.count(f'="{local}') == 2 and image not in html
    served = {
        r["Content-Type"]: r.content
        for r in (client.get(u) for u in sorted(set(re.findall(rf'"({local}\d+/)"', html))))
    }
    assert served == {"text/css": STYLESHEET_TEXT.encode(), "image/png": image_of(image)}


def test_a_warc_file_with_no_page_stored_is_not_kept(db, tmp_path, warc_dir):
    path = tmp_path / "only-images.warc"
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "http://baothu.example.vn/x", "response", payload=io.BytesIO(b"<p>x</p>"), http_headers=http
        )
    )
    path.write_bytes(out.getvalue())
    with pytest.raises(Exception, match="failed"):
        call_command("ingest", str(path), "--no-index", "--no-progress")
    assert Capture.objects.count() == 0 and not list((warc_dir / "ingest").iterdir())
