import re
import unicodedata

import pytest
from django.contrib.auth import get_user_model

from archive.models import Article
from tests.conftest import SEEDS, run_ingest

pytestmark = pytest.mark.django_db


def test_admin_pages_render_in_vietnamese(editor_client, seeded):
    for url in [
        "/admin/",
        "/admin/archive/article/",
        "/admin/archive/article/?needs_review__exact=1",
        "/admin/archive/article/?nam=2024",
        "/admin/archive/reviewqueuearticle/",
        "/admin/archive/province/?era=legacy",
        "/admin/archive/outlet/",
        "/admin/archive/official/?q=Nguy%E1%BB%85n",
        "/admin/archive/event/",
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200, url
    page = editor_client.get("/admin/archive/article/").content.decode()
    assert "Chọn bài viết để thay đổi" in page and "Bộ lọc" in page
    article = Article.objects.get(source_file="003_41f4bdbdfcdba0a7.txt")
    change = editor_client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert "Bùi Tiến Lực" in change  # officials inline
    assert "giao_ban" in change  # events inline
    assert 'name="raw"' not in change  # raw text is read-only


def test_review_queue_lists_flagged_articles_with_reasons(editor_client, seeded):
    page = editor_client.get("/admin/archive/reviewqueuearticle/").content.decode()
    assert "Ban Dân vận Tỉnh ủy triển khai nhiệm vụ 6 tháng cuối năm" in page
    assert "Hội nghị giao ban công tác Dân vận 6 tháng đầu năm 2019" not in page  # dated to the day
    flagged = Article.objects.get(source_file="000_7743e18099e4586d.txt")
    assert flagged.review_reasons == ["year inferred: 2020", "province unknown"]  # issue 10 flags the year
    assert "Không rõ tỉnh" in page  # the reason in Vietnamese, not the stored English code
    assert "province unknown" not in page


def test_review_queue_filters_by_reason(editor_client, seeded, tmp_path):
    (tmp_path / "undated.txt").write_text(
        "Hội nghị dân vận tại huyện Kim Bôi\n\nBan Dân vận Tỉnh ủy Hòa Bình tổ chức hội nghị.",
        encoding="utf-8",
    )
    run_ingest(str(tmp_path))
    undated = editor_client.get(
        "/admin/archive/reviewqueuearticle/?ly_do=no+publication+date"
    ).content.decode()
    assert "Hội nghị dân vận tại huyện Kim Bôi" in undated
    assert "6 tháng cuối năm" not in undated
    unknown = editor_client.get("/admin/archive/reviewqueuearticle/?ly_do=province+unknown").content.decode()
    assert "6 tháng cuối năm" in unknown
    assert "Hội nghị dân vận tại huyện Kim Bôi" not in unknown


def test_mark_reviewed_action_survives_reingest(editor_client, seeded):
    flagged = Article.objects.get(source_file="000_7743e18099e4586d.txt")
    response = editor_client.post(
        "/admin/archive/reviewqueuearticle/",
        {"action": "mark_reviewed", "_selected_action": [flagged.pk]},
        follow=True,
    )
    assert "Đã đánh dấu 1 bài" in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.needs_review is False
    run_ingest(str(SEEDS))
    flagged.refresh_from_db()
    assert flagged.needs_review is False


def _change_form_data(client, url):
    """The change form's current values, as the browser would post them back."""
    html = client.get(url).content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*\sname="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name, body in re.findall(r'<textarea[^>]*\sname="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = body.strip("\n")
    for name, options in re.findall(r'<select[^>]*\sname="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(
        r'<input type="checkbox" name="([^"]+)"(?: value="([^"]*)")?[^>]*checked', html
    ):
        data[name] = value or "on"  # a ticked review reason posts its code
    return {k: v for k, v in data.items() if not k.startswith("_")}


def test_admin_edit_keeps_history_and_wins_over_reingest(editor_client, editor, seeded):
    import html

    article = Article.objects.get(source_file="001_ff7892b20fc17d3f.txt")
    url = f"/admin/archive/article/{article.pk}/change/"
    data = {k: html.unescape(v) for k, v in _change_form_data(editor_client, url).items()}
    # Typed with the other tone placement and decomposed: stored as ingest would store it.
    data["title"] = unicodedata.normalize("NFD", "Tổng kết công tác dân vận năm 2018 (Lạng Sơn, Hoà)")
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "Tổng kết công tác dân vận năm 2018 (Lạng Sơn, Hòa)"
    assert "title" in article.edited_fields
    latest = article.history.latest()
    assert latest.history_user == editor
    assert latest.title.endswith("(Lạng Sơn, Hòa)")
    history_page = editor_client.get(f"{url.replace('change/', 'history/')}").content.decode()
    assert "editor" in history_page

    run_ingest(str(SEEDS))
    article.refresh_from_db()
    assert article.title.endswith("(Lạng Sơn, Hòa)")


def test_ensure_admin_prints_a_random_password_once(db):
    import io

    from django.core.management import call_command

    first, second = io.StringIO(), io.StringIO()
    call_command("ensure_admin", stdout=first)
    call_command("ensure_admin", stdout=second)
    password = re.search(r"password '([^']+)'", first.getvalue()).group(1)
    assert len(password) >= 16
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert password not in second.getvalue()
