"""Export of any search or browse list (issue #19): `&format=csv|jsonl|ris|bibtex` on the list's own
URL, streamed, to a cap, each file stating its query, filters and date; every field read back by
the tools researchers use (csv, json, rispy, bibtexparser) equals what the archive stores."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.utils import timezone

from archive import export
from archive.models import Article, Official
from tests.archive.browse_fixtures import ingest_corpus_like
from tests.conftest import run_ingest

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = 'Giao ban {50% & #1_x} \\ "dân vận" ~ $ ^ ở Long An'


@pytest.fixture
def listed(seeded, tmp_path):
    """The seeds, 21 corpus-like articles, and one whose title and author hold every character
    that CSV, RIS or BibTeX treat specially."""
    ingest_corpus_like(tmp_path, 21)
    record = {
        "id": "export-hostile",
        "title": HOSTILE_TITLE,
        "text": "Sáng 12/3/2024, Ban Dân vận Tỉnh ủy Long An tổ chức giao ban.\n\nNội dung, có dấu phẩy; và\nxuống dòng.",
        "published": "2024-03-12",
        "url": "https://example.vn/bai/hostile?a=1&b=2",
        "outlet": "Báo Long An",
    }
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    run_ingest(str(path))
    article = Article.objects.get(title=HOSTILE_TITLE)
    article.authors = ["Nguyễn Văn {A}", "Trần Thị B"]
    article.district = "Cần Giuộc"
    article.save()
    return article


def expected(articles, *, with_text=False) -> list[dict]:
    """What the archive stores, in the list's order, as every export names it."""
    out = []
    for a in articles:
        successor = a.province.successor if a.province_id else None
        record = {
            "id": a.pk,
            "title": a.title,
            "published": a.published_on.isoformat() if a.published_on else "",
            "date_precision": a.date_precision or "",
            "province": a.province.name if a.province_id else "",
            "province_2025": successor.name if successor else "",
            "district": a.district,
            "outlet": a.outlet.name if a.outlet_id else "",
            "authors": list(a.authors),
            "source_url": a.url,
            "permalink": f"http://testserver/bai-viet/{a.pk}/",
            "dan_van": a.dan_van,
            "needs_review": a.needs_review,
        }
        if with_text:
            record["text"] = a.text
        out.append(record)
    return out


def long_an_articles():
    from archive.selectors import newest_first

    return list(
        newest_first(Article.objects.filter(province__slug="long-an", province__era="legacy", dan_van=True))
    )


def body(response) -> str:
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def read_csv(text: str) -> tuple[list[str], list[dict]]:
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8
    lines = text[1:].splitlines(keepends=True)
    head = [line[2:].strip() for line in lines if line.startswith("# ")]
    rows = list(csv.DictReader(io.StringIO("".join(line for line in lines if not line.startswith("# ")))))
    return head, rows


def test_a_province_list_as_csv_holds_every_article_and_field_and_says_what_it_is(client, listed):
    before = timezone.now().replace(microsecond=0)
    response = client.get("/tinh/long-an/", {"format": "csv", "page": "2"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="danvan-')
    head, rows = read_csv(body(response))
    want = expected(long_an_articles())
    assert len(want) == 2 + 7 + 1
    assert head[0] == "Dân vận Archive export: Long An"
    assert head[1] == "source: http://testserver/tinh/long-an/"  # format and page dropped
    # The province page lists dân vận articles unless ?tat-ca=1 (issue #17); the file says so.
    assert head[3] == "filters: province=long-an; dan_van=1"
    exported = datetime.fromisoformat(head[4].removeprefix("exported: "))
    assert before <= exported <= timezone.now() + timedelta(seconds=1)
    assert head[5] == f"articles: {len(want)} of {len(want)}"
    assert list(rows[0]) == list(export.CSV_FIELDS)
    for row, article in zip(rows, want, strict=True):
        assert row == {
            **{k: str(v) for k, v in article.items()},
            "authors": "; ".join(article["authors"]),
            "dan_van": str(int(article["dan_van"])),
            "needs_review": str(int(article["needs_review"])),
        }


def test_a_search_exports_as_json_lines_in_the_pages_order_with_the_text(client, listed):
    params = {"q": "giao ban", "province": "long-an", "sort": "newest"}
    page = client.get("/tim-kiem/", params).content.decode()
    lines = body(client.get("/tim-kiem/", {**params, "format": "jsonl"})).splitlines()
    head, records = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert head["query"] == "giao ban" and head["filters"] == {"province": ["Long An"], "sort": ["newest"]}
    assert head["source"].startswith("http://testserver/tim-kiem/?") and "format" not in head["source"]
    assert head["total"] == len(records) > 3
    by_pk = {a.pk: a for a in Article.objects.filter(pk__in=[r["id"] for r in records])}
    assert records == expected([by_pk[r["id"]] for r in records], with_text=True)
    first_hits = [int(pk) for pk in __import__("re").findall(r'href="/bai-viet/(\d+)/\?', page)]
    assert [r["id"] for r in records][: len(first_hits)] == first_hits


def test_ris_reads_back_in_rispy_field_by_field(client, listed):
    text = body(client.get("/tinh/long-an/", {"format": "ris"}))
    assert text.startswith("# Dân vận Archive export: Long An\n")
    entries = rispy.loads(text)
    want = expected(long_an_articles())
    assert len(entries) == len(want)
    for entry, article in zip(entries, want, strict=True):
        assert entry["type_of_reference"] == "NEWS"
        assert entry["id"] == str(article["id"])
        assert entry["title"] == article["title"]
        assert entry.get("authors", []) == article["authors"]
        if article["published"]:
            y, m, d = article["published"].split("-")
            assert entry["year"] == y and entry["date"] == f"{y}/{m}/{d}/"
        else:
            assert "date" not in entry
        assert entry.get("secondary_title", "") == article["outlet"]
        assert entry.get("place_published", "") == article["province"]
        assert entry["urls"] == [article["permalink"]]
        assert entry.get("file_attachments2", "") == article["source_url"]
        notes = dict(n.split(": ", 1) for n in entry.get("notes", []))
        assert notes.get("province_2025", "") == article["province_2025"]
        assert notes.get("district", "") == article["district"]
        assert notes.get("date_precision", "") == article["date_precision"]
        assert ("needs_review" in notes) == article["needs_review"]


def read_bibtex(text: str):
    """bibtexparser with LaTeX decoding; pylatexenc reads `\\textasciicircum{}` (what LaTeX prints
    as ^) as the modifier letter ˆ: put the caret back."""
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    for entry in library.entries:
        for f in entry.fields:
            f.value = f.value.replace("\u02c6", "^")
    return library


def test_bibtex_reads_back_in_bibtexparser_field_by_field(client, listed):
    text = body(client.get("/tinh/long-an/", {"format": "bibtex"}))
    library = read_bibtex(text)
    assert not library.failed_blocks
    assert library.comments[0].comment.startswith("Dân vận Archive export: Long An")
    want = expected(long_an_articles())
    assert [e.key for e in library.entries] == [f"danvan{a['id']}" for a in want]
    for entry, article in zip(library.entries, want, strict=True):
        fields = {name: f.value for name, f in entry.fields_dict.items()}
        assert entry.entry_type == "article"
        assert fields["title"] == article["title"]
        assert fields.get("author", "") == " and ".join(article["authors"])
        assert fields.get("journal", "") == article["outlet"]
        assert fields.get("date", "") == article["published"]
        assert fields["url"] == article["permalink"]
        assert fields.get("howpublished", "") == article["source_url"]
        assert fields.get("province", "") == article["province"]
        assert fields.get("province2025", "") == article["province_2025"]
        assert fields.get("district", "") == article["district"]
        assert fields.get("dateprecision", "") == article["date_precision"]
        assert ("note" in fields) == article["needs_review"]


def test_the_hostile_title_survives_every_format(client, listed):
    pk = listed.pk
    rows = read_csv(body(client.get("/tinh/long-an/", {"format": "csv"})))[1]
    assert next(r for r in rows if r["id"] == str(pk))["title"] == HOSTILE_TITLE
    ris = rispy.loads(body(client.get("/tinh/long-an/", {"format": "ris"})))
    assert next(e for e in ris if e["id"] == str(pk))["authors"] == ["Nguyễn Văn {A}", "Trần Thị B"]
    bib = read_bibtex(body(client.get("/tinh/long-an/", {"format": "bibtex"})))
    assert bib.entries_dict[f"danvan{pk}"].fields_dict["title"].value == HOSTILE_TITLE


@pytest.mark.parametrize(
    "url",
    ["/nam/2024/", "/nam/2024/3/12/", "/hoi-nghi/", "official", "/tim-kiem/"],
)
def test_every_list_exports_what_it_shows(client, listed, url):
    if url == "official":
        url = Official.objects.get(name="Trần Thị Mai").get_absolute_url()
    params = {
        "/tim-kiem/": {"q": "giao ban"},
        "/hoi-nghi/": {"loai": "giao_ban", "ky": "quý I/2024"},
    }.get(url, {})
    lines = body(client.get(url, {**params, "format": "jsonl"})).splitlines()
    head = json.loads(lines[0])
    assert head["total"] == len(lines) - 1 > 0, url
    page = client.get(url, params).content.decode()
    for record in map(json.loads, lines[1:21]):
        assert f"/bai-viet/{record['id']}/" in page or head["total"] > 20, url
    assert "format=csv" in page and "format=bibtex" in page  # the page offers its exports


def test_an_unknown_format_is_named_and_the_cap_is_stated(client, listed, monkeypatch):
    response = client.get("/tinh/long-an/", {"format": "xlsx"})
    assert response.status_code == 400 and "format" in response.content.decode()
    assert client.get("/tim-kiem/", {"q": "x", "format": "xml"}).status_code == 400
    assert client.get("/tim-kiem/", {"format": "csv"}).status_code == 400  # nothing searched
    monkeypatch.setattr(export, "EXPORT_CAP", 3)
    head, rows = read_csv(body(client.get("/tinh/long-an/", {"format": "csv"})))
    assert len(rows) == 3
    assert "articles: 3 of 10 (cut at the export cap of 3)" in head
    lines = body(client.get("/tim-kiem/", {"q": "giao ban", "format": "jsonl"})).splitlines()
    assert len(lines) == 1 + 3 and json.loads(lines[0])["cap"] == 3
