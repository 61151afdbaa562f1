"""Export of any search or browse list (issue #19): `&format=csv|jsonl|ris|bibtex` on the list's own
URL, streamed, to a cap, each file stating its query, filters and date; every field read back by
the tools researchers use (csv, json, rispy, bibtexparser) equals what the archive stores."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
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
    head = [": ".join(next(csv.reader([line])))[2:] for line in lines if line.startswith("# ")]
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


# --- The CSV in LibreOffice (issue #19: "the exports open in LibreOffice") -------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# What LibreOffice's Text Import dialog shows for this file, its defaults but the character set:
# comma, double quote, UTF-8 (76), from line 1, standard cell formats, English (US) (1033), quoted
# fields not forced to text, special numbers (dates) not detected.
LIBREOFFICE_CSV_IMPORT = "CSV:44,34,76,1,,1033,false,false"
TRICKY_TITLE = 'Tổng kết, "Dân vận khéo" năm 2023\nở Cần Giuộc; “ngoặc kép” và dấu phẩy, hết'


def libreoffice_cells(csv_bytes: bytes, tmp_path) -> list[list]:
    """The file as LibreOffice reads it: converted headless to .xlsx, read back with openpyxl.
    A private profile (-env:UserInstallation) so parallel runs do not share one."""
    import openpyxl

    assert SOFFICE, "LibreOffice is not installed: `make libreoffice` (Debian's libreoffice-calc-nogui)"
    source = tmp_path / "export.csv"
    source.write_bytes(csv_bytes)
    out = tmp_path / "lo-out"
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            f"--infilter={LIBREOFFICE_CSV_IMPORT}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = out / "export.xlsx"
    assert done.returncode == 0 and converted.exists(), (done.stdout, done.stderr)
    sheet = openpyxl.load_workbook(converted, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows())
    formulas = [c.value for row in rows for c in row if c.data_type == "f"]
    assert not formulas, f"cells LibreOffice runs as formulas: {formulas}"
    return [[c.value for c in row] for row in rows]


def _as_text(value) -> str:
    """A cell as the text the CSV held: the numbers and ISO dates LibreOffice recognised (as a
    spreadsheet should) back to their digits."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_the_csv_opens_in_libreoffice_with_every_cell_as_exported(client, listed, tmp_path):
    """A real result list (diacritics, commas, quotes and a newline in a title, authors with commas
    and formula-like text, the BOM, a query with a comma and a quote) converted by LibreOffice: every
    cell equals the field the archive stores, the `#` lines hold what the file says about itself."""
    other = Article.objects.filter(province__slug="long-an").exclude(pk=listed.pk).first()
    other.title = TRICKY_TITLE
    other.authors = ["Lê, Văn C", "=1+2", "-Phạm Tiến", '"Thu" Hằng']
    other.save()
    formula = Article.objects.filter(province__slug="long-an").exclude(pk__in=[listed.pk, other.pk]).first()
    formula.title = '=HYPERLINK("http://example.com/?x=1,2";"Bấm vào đây")'
    formula.authors = ["@Phóng viên", "+84 Trần"]
    formula.save()
    raw = b"".join(client.get("/tinh/long-an/", {"format": "csv"}).streaming_content)
    assert raw.startswith("\ufeff".encode())
    head, rows = read_csv(raw.decode("utf-8"))

    cells = libreoffice_cells(raw, tmp_path)
    cells = [[_as_text(v) for v in row] for row in cells]
    width = len(export.CSV_FIELDS)
    start = next(i for i, row in enumerate(cells) if row[:width] == list(export.CSV_FIELDS))
    assert [": ".join(c for c in row if c).removeprefix("# ") for row in cells[:start]] == head
    got = [dict(zip(export.CSV_FIELDS, row[:width], strict=True)) for row in cells[start + 1 :]]
    assert got == rows  # every cell, as Python's csv module reads the same file
    want = expected(long_an_articles())
    assert [r["id"] for r in got] == [str(a["id"]) for a in want]
    tricky = next(r for r in got if r["id"] == str(other.pk))
    assert tricky["title"] == TRICKY_TITLE
    assert tricky["authors"] == 'Lê, Văn C; =1+2; -Phạm Tiến; "Thu" Hằng'
    assert next(r for r in got if r["id"] == str(listed.pk))["title"] == HOSTILE_TITLE
    # a harvested title or byline that a spreadsheet would run is shown as text, marked with "'"
    runs = next(r for r in got if r["id"] == str(formula.pk))
    assert runs["title"] == "'" + formula.title == export.spreadsheet_safe(formula.title)
    assert runs["authors"] == "'@Phóng viên; +84 Trần"


@pytest.mark.parametrize("where", ["search", "official"])
def test_what_the_file_says_about_itself_stays_in_its_rows_in_libreoffice(client, listed, tmp_path, where):
    """A query, or a list title (an official's name as an editor typed it), with a comma and an
    unmatched quote: the `#` rows keep it in one cell and every article row stays whole."""
    if where == "search":
        url, params = "/tim-kiem/", {"q": 'giao ban, "Long An'}
    else:
        official = Official.objects.get(name="Trần Thị Mai")
        official.name = 'Trần Thị Mai,"bà Mai'
        official.save()
        url, params = official.get_absolute_url(), {}
    raw = b"".join(client.get(url, {**params, "format": "csv"}).streaming_content)
    head, rows = read_csv(raw.decode("utf-8"))
    assert rows and any('"' in line for line in head), head
    cells = [[_as_text(v) for v in row] for row in libreoffice_cells(raw, tmp_path)]
    width = len(export.CSV_FIELDS)
    start = next(i for i, row in enumerate(cells) if row[:width] == list(export.CSV_FIELDS))
    assert [": ".join(c for c in row if c).removeprefix("# ") for row in cells[:start]] == head
    assert [dict(zip(export.CSV_FIELDS, row[:width], strict=True)) for row in cells[start + 1 :]] == rows
