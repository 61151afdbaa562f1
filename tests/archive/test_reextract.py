"""Issue #20: canonical positions stored beside the written ones, and `manage.py reextract` bringing
stored articles up to today's rules without touching what an editor protected."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from archive.models import Article, ArticleOfficial, Event
from tests.conftest import run_ingest

PAGE = """Huyện Hải Hậu sơ kết mô hình dân vận khéo

Ngày 12/7/2024, Ban Dân vận Huyện ủy Hải Hậu tổ chức hội nghị sơ kết 6 tháng đầu năm 2024 các mô hình "Dân vận khéo".

Phó bí thư thường trực Huyện ủy Hải Hậu Trần Văn Thuấn chủ trì hội nghị. Dự hội nghị có PBTTT huyện ủy Giao Thủy Phạm Đức Nghị cùng đại diện các xã.

Thu Trang
"""


def _reextract(*args: str) -> str:
    out = io.StringIO()
    call_command("reextract", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_ingest_stores_the_canonical_position_beside_the_written_one(seeded, tmp_path):
    (tmp_path / "hai_hau.txt").write_text(PAGE, encoding="utf-8")
    run_ingest(str(tmp_path))
    rows = dict(
        ArticleOfficial.objects.filter(article__source_file="hai_hau.txt").values_list(
            "official__name", "position"
        )
    )
    canonical = dict(
        ArticleOfficial.objects.filter(article__source_file="hai_hau.txt").values_list(
            "official__name", "position_canonical"
        )
    )
    assert rows == {
        "Trần Văn Thuấn": "Phó bí thư thường trực Huyện ủy Hải Hậu",
        "Phạm Đức Nghị": "PBTTT huyện ủy Giao Thủy",
    }
    assert canonical == {
        "Trần Văn Thuấn": "Phó Bí thư Thường trực Huyện ủy Hải Hậu",
        "Phạm Đức Nghị": "Phó Bí thư Thường trực Huyện ủy Giao Thủy",
    }


def test_reextract_updates_stale_rows_and_keeps_protected_fields(seeded, tmp_path):
    (tmp_path / "hai_hau.txt").write_text(PAGE, encoding="utf-8")
    run_ingest(str(tmp_path))
    article = Article.objects.get(source_file="hai_hau.txt")
    # What the rules before issue #20 stored: no canonical form, another meeting kind; and an editor
    # corrected the title, which re-extraction must keep.
    ArticleOfficial.objects.filter(article=article).update(position_canonical="")
    Event.objects.filter(article=article).update(kind="hoi_nghi")
    Article.objects.filter(pk=article.pk).update(title="Tiêu đề biên tập viên sửa", edited_fields=["title"])

    out = _reextract()

    article.refresh_from_db()
    assert article.title == "Tiêu đề biên tập viên sửa"
    assert list(article.events.values_list("kind", flat=True)) == ["so_ket"]
    assert set(article.mentions.values_list("position_canonical", flat=True)) == {
        "Phó Bí thư Thường trực Huyện ủy Hải Hậu",
        "Phó Bí thư Thường trực Huyện ủy Giao Thủy",
    }
    total = Article.objects.count()
    assert f"1 updated, {total - 1} unchanged, 0 failed ({total} articles" in out
    assert "officials 1" in out and "events 1" in out
    # A second run finds nothing to change.
    assert f"0 updated, {total} unchanged, 0 failed" in _reextract()


def test_reextract_names_an_unknown_province(seeded):
    with pytest.raises(CommandError, match="no article of province 'khong-co'"):
        _reextract("--province", "khong-co")


def test_the_migration_fills_rows_stored_before_it(seeded):
    mention = ArticleOfficial.objects.exclude(position="").first()
    ArticleOfficial.objects.filter(pk=mention.pk).update(position_canonical="")
    module = importlib.import_module("archive.migrations.0006_articleofficial_position_canonical")
    module.fill(apps, None)
    mention.refresh_from_db()
    assert mention.position_canonical and mention.position_canonical != ""
    from archive.extract.positions import canonical_position

    assert mention.position_canonical == canonical_position(mention.position)
