"""The admin defects issue #19 (item 6) lists, each reproduced: a corrected date settles the date's
review reasons; an empty previous province is "—" in the history; editors cannot delete articles;
a 403 logs one line, no traceback; merging officials shows their positions and provinces."""

from __future__ import annotations

import io
import logging

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from archive.extract import reasons
from archive.models import Article, Official
from config.logfilters import No403Traceback
from tests.archive._admin_support import browser_form_data, set_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(seeded):
    user = get_user_model().objects.create_user("bientap", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Biên tập viên"))
    client = Client()
    client.force_login(user)
    return client


def save_article(client, article, **values):
    url = f"/admin/archive/reviewqueuearticle/{article.pk}/change/"
    data = browser_form_data(client.get(url).content.decode(), "reviewqueuearticle_form")
    for name, value in values.items():
        set_value(data, name, value)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_corrected_date_settles_the_year_inferred_reason_and_the_public_banner(client, editor_client):
    article = Article.objects.exclude(province=None).order_by("pk").first()
    article.date_precision = Article.Precision.YEAR_INFERRED
    article.review_reasons = [f"{reasons.YEAR_INFERRED}: 2019", f"{reasons.PROVINCE_UNKNOWN}"]
    article.needs_review = True
    article.save()
    assert "Năm đăng suy ra từ nội dung" in client.get(article.get_absolute_url()).content.decode()
    save_article(editor_client, article, published_on="2019-06-28")
    article.refresh_from_db()
    assert str(article.published_on) == "2019-06-28" and article.date_precision == "day"
    assert article.review_reasons == [reasons.PROVINCE_UNKNOWN] and article.needs_review
    assert {"published_on", "date_precision", "review_reasons"} <= set(article.edited_fields)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Năm đăng suy ra" not in page and "năm suy ra từ nội dung" not in page
    # The last date reason gone and nothing else left: the article leaves the queue.
    article.review_reasons = [f"{reasons.YEAR_INFERRED}: 2019"]
    article.save()
    save_article(editor_client, article, published_on="2019-06-29")
    article.refresh_from_db()
    assert article.review_reasons == [] and not article.needs_review


def test_the_history_shows_an_empty_province_as_a_dash_not_a_deleted_one(editor_client):
    article = Article.objects.filter(province=None).first() or Article.objects.first()
    if article.province_id:
        Article.objects.filter(pk=article.pk).update(province=None)
        article.refresh_from_db()
        article.save()  # a history row without a province
    from archive.models import Province

    save_article(editor_client, article, province=str(Province.objects.get(slug="long-an", era="legacy").pk))
    page = editor_client.get(f"/admin/archive/article/{article.pk}/history/").content.decode()
    assert "pk=None" not in page and "Long An" in page


def test_editors_view_and_change_articles_but_do_not_delete_them(editor_client):
    perms = {p.codename for p in Group.objects.get(name="Biên tập viên").permissions.all()}
    assert {"view_article", "change_article", "view_readerreport", "change_readerreport"} <= perms
    assert "delete_article" not in perms
    article = Article.objects.first()
    assert editor_client.get(f"/admin/archive/article/{article.pk}/delete/").status_code == 403


def test_a_403_is_logged_as_one_line_without_a_traceback(editor_client):
    assert "no_403_traceback" in settings.LOGGING["handlers"]["console"]["filters"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(No403Traceback())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        assert editor_client.get("/admin/auth/user/").status_code == 403
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert "Forbidden (Permission denied): /admin/auth/user/" in logged and "Traceback" not in logged


def test_merging_officials_shows_positions_and_provinces_to_decide_by(editor_client, tmp_path):
    from tests.archive.browse_fixtures import ingest_corpus_like

    ingest_corpus_like(tmp_path, 6)
    chosen = Official.objects.filter(name__in=["Trần Thị Mai", "Nguyễn Văn Hùng"])
    page = editor_client.post(
        "/admin/archive/official/", {"action": "merge_officials", "_selected_action": [o.pk for o in chosen]}
    ).content.decode()
    assert "Tỉnh: Long An" in page and "Tỉnh: Tây Ninh" in page
    assert "Trưởng Ban Dân vận Tỉnh ủy Long An" in page and "Trưởng Ban Dân vận Tỉnh ủy Tây Ninh" in page
