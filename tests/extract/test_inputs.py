"""The public API on each input kind: HTML pages, JSON lines, folders, and bad input."""

from __future__ import annotations

import gzip
import json
import os
from datetime import date, time

import pytest
from _extract_support import DATA, as_json

from archive.extract import ExtractError, extract_html, extract_record, extract_text, iter_path
from archive.extract.types import ExtractedArticle, ExtractFailure

FIXTURES = ["daklak_page.html", "binh_dinh.txt"]  # outlets and provinces not in the seeds


@pytest.mark.parametrize("name", FIXTURES)
def test_second_outlet_fixtures_match_golden(name):
    (item,) = iter_path(DATA / name)
    assert isinstance(item, ExtractedArticle)
    golden = DATA / f"{name.rsplit('.', 1)[0]}.expected.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(as_json(item), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert as_json(item) == json.loads(golden.read_text(encoding="utf-8"))


def test_html_page():
    raw = (DATA / "daklak_page.html").read_text(encoding="utf-8")
    a = extract_html(raw, source_name="daklak_page.html")
    assert a.raw == raw
    assert a.title == "Sơ kết công tác dân vận 9 tháng năm 2023"  # og:title, not "<title> - Báo …"
    assert (a.published_on, a.published_time, a.date_precision) == (date(2023, 10, 5), time(16, 20), "day")
    assert (a.province, a.outlet_name, a.outlet_site) == ("Đắk Lắk", "Báo Đắk Lắk", "baodaklak.vn")
    for chrome in ("Trang chủ", "dataLayer", "Ý kiến", "Giấy phép", "Quang cảnh", "HOÀNG GIA", "A A"):
        assert chrome not in a.text
    assert a.authors == ["Hoàng Gia"]
    assert [(o.name, o.chaired) for o in a.officials] == [("Nguyễn Thị Minh Hòa", True)]  # "Hoà" normalised
    (event,) = a.events
    assert (event.kind, event.period, event.held_on) == ("so_ket", "9 tháng đầu năm 2023", date(2023, 10, 4))


@pytest.mark.parametrize(
    ("html", "title"),
    [
        (
            "<html><head><title>Tin dân vận - Báo X</title></head><body><h1>Tiêu đề H1</h1><p>Nội dung bài.</p></body></html>",
            "Tiêu đề H1",
        ),
        (
            "<html><head><title>Tin dân vận | Báo X</title></head><body><p>Nội dung bài.</p></body></html>",
            "Tin dân vận",
        ),
    ],
)
def test_html_title_fallbacks(html, title):
    assert extract_html(html, source_name="p.html").title == title


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Trang</title></head><body><nav>Trang chủ</nav><script>var x;</script></body></html>",
        "<html><body><div class='detail'",
    ],
)
def test_broken_html(html):
    with pytest.raises(ExtractError, match=r"^broken HTML: "):
        extract_html(html, source_name="p.html")


def test_record_uses_its_fields():
    rec = {
        "id": "r1",
        "collection": "unc_dantri",
        "title": "Tổng kết công tác dân vận",
        "published": "2021-01-05",
        "url": "https://baolangson.vn/a/1.html",
        "outlet": None,
        "text": "Ngày 4/1/2021, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác dân vận năm 2020.\n\nMINH ANH",
    }
    raw = json.dumps(rec, ensure_ascii=False)
    a = extract_record(rec, source_name="f.jsonl#r1", raw=raw)
    assert (a.raw, a.published_on, a.date_precision) == (raw, date(2021, 1, 5), "day")
    assert (a.province, a.outlet_site, a.url) == ("Lạng Sơn", "baolangson.vn", rec["url"])
    assert a.authors == ["Minh Anh"]
    assert a.events[0].kind == "tong_ket" and a.events[0].held_on == date(2021, 1, 4)


# ----- bad input -----------------------------------------------------------------------------------


def failures(path):
    return [(i.source_name, i.reason) for i in iter_path(path) if isinstance(i, ExtractFailure)]


def test_bad_files(tmp_path):
    (tmp_path / "a_latin1.txt").write_bytes(
        "Tiêu đề\n\nNội dung".encode("cp1258", errors="replace") + b"\xff"
    )
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (tmp_path / "d_binary.txt").write_bytes(b"PK\x03\x04\x00\x00abc")
    (tmp_path / "e_notitle.txt").write_text("Thứ bảy, 06/03/2021\n\nA A\n", encoding="utf-8")
    (tmp_path / "f_broken.html").write_text("<html><body><script>x()</script>", encoding="utf-8")
    (tmp_path / "g_notes.pdf").write_bytes(b"%PDF")  # skipped in a folder
    got = dict(failures(tmp_path))
    assert got["a_latin1.txt"].startswith("not UTF-8 (byte 0x")
    assert "at offset" in got["a_latin1.txt"]
    assert got["b_empty.txt"] == "empty input"
    assert got["c_blank.txt"] == "empty input (whitespace only)"
    assert got["d_binary.txt"] == "binary file (NUL byte at offset 4)"
    assert got["e_notitle.txt"].startswith("no title found")
    assert got["f_broken.html"].startswith("broken HTML: ")
    assert "g_notes.pdf" not in got
    assert failures(tmp_path / "g_notes.pdf") == [("g_notes.pdf", "unsupported file type '.pdf'")]


def test_not_utf8_offset(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"Ti\xeau \xc4\x91\xe1\xbb\x81")
    ((name, reason),) = failures(path)
    assert name == "x.txt" and reason.startswith("not UTF-8 (byte 0xea at offset 2)")


def test_no_title_when_first_line_is_running_text():
    with pytest.raises(ExtractError, match="no title found"):
        extract_text("Một câu rất dài " * 30, source_name="t.txt")


JSONL = [
    json.dumps(
        {"id": "a1", "title": "Tin một", "text": "Nội dung tin một.", "published": "2020-01-02"},
        ensure_ascii=False,
    ),
    "{not json",
    "[1, 2]",
    json.dumps({"id": "a4", "title": "", "text": "Không có tiêu đề."}, ensure_ascii=False),
    json.dumps({"id": "a5", "title": "Không có nội dung"}, ensure_ascii=False),
    "",
    json.dumps({"title": "Tin không id", "text": "Nội dung."}, ensure_ascii=False),
]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_bad_lines_do_not_stop_the_file(tmp_path, suffix):
    path = tmp_path / f"export{suffix}"
    data = ("\n".join(JSONL) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    items = list(iter_path(path))
    name = path.name
    assert [(i.source_name, type(i).__name__) for i in items] == [
        (f"{name}#a1", "ExtractedArticle"),
        (f"{name}#2", "ExtractFailure"),
        (f"{name}#3", "ExtractFailure"),
        (f"{name}#a4", "ExtractFailure"),
        (f"{name}#a5", "ExtractFailure"),
        (f"{name}#7", "ExtractedArticle"),
    ]
    reasons = [i.reason for i in items if isinstance(i, ExtractFailure)]
    assert reasons[0].startswith("line 2: not valid JSON")
    assert reasons[1:] == [
        "line 3: not a JSON object",
        "line 4: record has no title",
        "line 5: record has no text",
    ]
    assert items[0].raw == JSONL[0]


def test_jsonl_gz_is_streamed(tmp_path, monkeypatch):
    """The first item comes out after reading only the start of the compressed file."""
    import random

    rnd = random.Random(1)
    path = tmp_path / "big.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for n in range(3000):
            words = " ".join(str(rnd.random()) for _ in range(60))  # poorly compressible
            f.write(json.dumps({"id": n, "title": f"Tin {n}", "text": f"Nội dung {words}"}) + "\n")
    size = path.stat().st_size
    assert size > 1_000_000
    opened = []
    real_open = gzip.open

    def tracking_open(*args, **kwargs):
        stream = real_open(*args, **kwargs)
        opened.append(stream)
        return stream

    monkeypatch.setattr(gzip, "open", tracking_open)
    it = iter_path(path)
    assert next(it).source_name == "big.jsonl.gz#0"
    (stream,) = opened
    assert stream.fileobj.tell() < size / 10  # compressed bytes read so far
    assert sum(1 for _ in it) == 2999


def test_truncated_gzip_is_reported(tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(("\n".join(JSONL[:1] * 200) + "\n").encode())
    path.write_bytes(data[: len(data) // 2])
    items = list(iter_path(path))
    assert isinstance(items[-1], ExtractFailure)
    assert items[-1].reason.startswith("unreadable after line")
