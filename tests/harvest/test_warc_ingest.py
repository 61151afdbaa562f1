"""`ingest` reads WARC files made elsewhere (wget --warc-file, a WACZ) as the harvester stores pages."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.models import Article
from tests.harvest.site import Page, make_paragraphs, render


def _page(n: int) -> bytes:
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
