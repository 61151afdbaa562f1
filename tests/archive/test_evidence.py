"""Issue 10: each extracted field keeps its evidence (rule, words, line); ingest stores it on the
Article, re-ingest refreshes it, the admin shows it read-only beside the fields."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article
from tests.conftest import run_ingest

pytestmark = pytest.mark.django_db

DEVSET = Path(__file__).resolve().parents[1] / "data" / "extract" / "devset"


def test_ingest_stores_evidence_and_reingest_refreshes_it(tmp_path):
    source = tmp_path / "d03_cited_resolution.txt"
    shutil.copy(DEVSET / source.name, source)
    run_ingest(str(source))
    article = Article.objects.get(source_file=source.name)
    ev = article.evidence
    assert ev["date"]["rule"].startswith("dated lead")
    assert ev["date"]["words"] == "chiều 15-10"  # not the cited "ngày 3/6/2013"
    assert "Nghị quyết số 25-NQ/TW" in ev["date"]["line"]
    assert ev["province"] == {
        "rule": "own committee",
        "words": "named: Tỉnh ủy Tây Ninh",
        "line": ev["province"]["line"],
    }
    assert "Tỉnh ủy Tây Ninh tổ chức" in ev["province"]["line"]
    assert ev["meeting"]["rule"] == "meeting: tong_ket"
    (official,) = ev["officials"]
    assert official["name"] == "Nguyễn Thành Tâm"
    assert official["position"] == "Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy"
    assert official["rule"].startswith("position after the name")

    # The page is re-saved with an outlet code after the byline: evidence follows the new extraction.
    raw = source.read_text(encoding="utf-8")
    source.write_text(raw.replace("Hoàng Yến", "Hoàng Yến (LSO)"), encoding="utf-8")
    out, _ = run_ingest(str(source))
    assert "1 updated" in out
    article.refresh_from_db()
    assert article.evidence["outlet"]["rule"] == "source code LSO"
    assert article.evidence["outlet"]["line"] == "Hoàng Yến (LSO)"
    # A file that did not change leaves the stored evidence as it is.
    out, _ = run_ingest(str(source))
    assert "1 unchanged" in out


def test_admin_shows_evidence_read_only(client, django_user_model, tmp_path):
    shutil.copy(DEVSET / "p01_guest_delegation.txt", tmp_path / "p01.txt")
    run_ingest(str(tmp_path / "p01.txt"))
    article = Article.objects.get(source_file="p01.txt")
    client.force_login(django_user_model.objects.create_superuser("ed", "", "pw-long-enough-1"))
    page = client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert "Bằng chứng trích xuất" in page
    assert 'class="evidence"' in page
    assert "named: Tỉnh ủy Quảng Trị" in page
    assert "Hầu Minh Lợi: Trưởng Ban Dân vận Tỉnh ủy Hà Giang" in page
    assert 'name="evidence' not in page  # shown, not editable
    assert "guest delegation: Hà Giang" in " ".join(article.review_reasons)


def test_score_extraction_command(capsys):
    call_command("score_extraction", str(DEVSET), gold=str(DEVSET / "gold.json"))
    out = capsys.readouterr().out
    assert out.startswith("86 articles scored")
    assert "officials  P 1.000" in out


def test_score_extraction_bad_gold_names_the_file(tmp_path):
    bad = tmp_path / "gold.json"
    bad.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(CommandError, match=r"gold\.json: not valid JSON"):
        call_command("score_extraction", str(DEVSET), gold=str(bad))
    bad.write_text(json.dumps([1]), encoding="utf-8")
    with pytest.raises(CommandError, match="must be a JSON object"):
        call_command("score_extraction", str(DEVSET), gold=str(bad))
    with pytest.raises(CommandError, match="cannot read the gold file"):
        call_command("score_extraction", str(DEVSET), gold=str(tmp_path / "none.json"))
