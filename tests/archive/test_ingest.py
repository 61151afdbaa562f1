import gzip
import json
import shutil
import unicodedata

import pytest
from django.core.management.base import CommandError

from archive.models import Article, Event, Official
from tests.conftest import SEEDS, run_ingest

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(
            Article.objects.values_list("source_file", "content_hash", "updated_at", "title", "province_id")
        ),
        Article.history.count(),
        Official.objects.count(),
        Event.objects.count(),
    )


def test_seeds_ingest_with_summary(db):
    out, err = run_ingest(str(SEEDS))
    # 000 has no province; 000, 001 and 003 give day and month only, their years are inferred (issue 10)
    assert "5 new, 0 updated, 0 unchanged, 0 duplicate, 0 failed, 3 flagged for review" in out
    assert err == ""
    assert Article.objects.count() == 5
    assert Article.objects.get(source_file="000_7743e18099e4586d.txt").review_reasons


def test_reingest_is_a_no_op(seeded):
    before = _snapshot()
    out, _ = run_ingest(str(SEEDS))
    assert "0 new, 0 updated, 5 unchanged" in out
    assert _snapshot() == before


def test_same_text_twice_is_one_article(seeded, tmp_path):
    # The same seed saved in NFD under another name: same normalised text, same article.
    raw = (SEEDS / "002_348b0b9081af8c71.txt").read_text(encoding="utf-8")
    (tmp_path / "copy-nfd.txt").write_text(unicodedata.normalize("NFD", raw), encoding="utf-8")
    out, _ = run_ingest(str(tmp_path))
    assert "0 new" in out and "1 duplicate" in out
    assert Article.objects.count() == 5


def test_changed_file_updates_but_keeps_admin_edits(db, tmp_path):
    from archive import services

    source = tmp_path / "004_7e6dbdb05537f7bd.txt"
    shutil.copy(SEEDS / source.name, source)
    run_ingest(str(source))
    article = Article.objects.get(source_file=source.name)
    article.title = "Tiêu đề do biên tập viên sửa"
    article.save()
    services.article_mark_edited(article=article, fields=["title"])

    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Năm 2019 tiếp tục", "Năm 2019 vẫn tiếp tục"), encoding="utf-8")
    out, _ = run_ingest(str(source))
    assert "1 updated" in out
    article.refresh_from_db()
    assert "vẫn tiếp tục" in article.text
    assert "vẫn tiếp tục" in article.raw
    assert article.title == "Tiêu đề do biên tập viên sửa"

    run_ingest(str(source), "--overwrite")
    article.refresh_from_db()
    assert article.title == "Hội nghị giao ban công tác Dân vận 6 tháng đầu năm 2019"
    assert article.edited_fields == []


def test_dry_run_stores_nothing(db):
    out, _ = run_ingest(str(SEEDS), "--dry-run")
    assert out.startswith("would add") or "DRY RUN" in out
    assert "DRY RUN, nothing stored: would be 5 new" in out
    assert Article.objects.count() == 0
    assert Official.objects.count() == 0


def _bad_files(folder):
    (folder / "latin1.txt").write_bytes(
        "Tiêu đề\n\nNội dung bài viết dân vận.".encode("cp1258", "replace") + b"\xff\xfe"
    )
    (folder / "empty.txt").write_text("  \n\n ", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "broken.html").write_text(
        "<html><head><script>var x=1;</script></head><body><nav>Trang chủ</nav>", encoding="utf-8"
    )
    lines = [
        json.dumps(
            {
                "id": "ok-1",
                "title": "Hội nghị dân vận",
                "text": "Sáng 3/3/2023, Ban Dân vận Tỉnh ủy họp.",
                "published": "2023-03-03",
            },
            ensure_ascii=False,
        ),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"id": "no-title", "text": "Nội dung"}),
    ]
    with gzip.open(folder / "export.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def test_bad_files_are_reported_by_name_and_harmless(seeded, tmp_path):
    _bad_files(tmp_path)
    before = _snapshot()
    with pytest.raises(CommandError, match="failed"):
        run_ingest(str(tmp_path))
    # The good line of the export was stored; nothing else changed.
    assert Article.objects.filter(source_file="export.jsonl.gz#ok-1").exists()
    after = _snapshot()
    assert [row for row in after[0] if row[0] != "export.jsonl.gz#ok-1"] == before[0]


def test_each_failure_names_file_and_reason(db, tmp_path, capsys):
    import io

    from django.core.management import call_command

    _bad_files(tmp_path)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(tmp_path), "--no-progress", stdout=io.StringIO(), stderr=err)
    messages = err.getvalue()
    for name in ("latin1.txt", "empty.txt", "binary.txt", "broken.html", "export.jsonl.gz"):
        assert f"FAILED {tmp_path / name}" in messages, messages  # the full path
    assert "UTF-8" in messages
    assert messages.count(f"FAILED {tmp_path / 'export.jsonl.gz'}#") == 3  # three bad lines, one good


def test_missing_path_stops_the_run(db):
    with pytest.raises(CommandError, match="no such file"):
        run_ingest("/nonexistent/folder")
