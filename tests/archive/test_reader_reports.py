"""A reader's "Báo lỗi" (issue #19): no account, lands in the editors' review queue with the note and
the field; CSRF, a honeypot and a rate limit per address; escaped everywhere; editors only see it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from archive.models import Article, ReaderReport
from tests.conftest import SEEDS, run_ingest

pytestmark = pytest.mark.django_db

NOTE = 'Ngày đăng đúng là 28/6/2019 <script>alert("x")</script> & "nguồn" báo in'


@pytest.fixture
def article(seeded):
    return Article.objects.filter(needs_review=False).order_by("pk").first() or Article.objects.first()


def report(client, article, **data):
    data = {"field": "date", "note": NOTE, "website": "", **data}
    return client.post(f"/bai-viet/{article.pk}/bao-loi/", data, REMOTE_ADDR=data.pop("ip", "10.0.0.1"))


@pytest.fixture
def editor_client(db):
    user = get_user_model().objects.create_user("bientap", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Biên tập viên"))
    client = Client()
    client.force_login(user)
    return client


def test_a_report_reaches_the_review_queue_with_its_note_and_field(client, article, editor_client):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'action="/bai-viet/{article.pk}/bao-loi/"' in page and 'name="csrfmiddlewaretoken"' in page
    response = report(client, article)
    assert response.status_code == 200 and "Báo lỗi đã đến biên tập viên" in response.content.decode()
    stored = ReaderReport.objects.get()
    assert (stored.article, stored.field, stored.note, stored.resolved) == (article, "date", NOTE, False)
    article.refresh_from_db()
    assert article.needs_review and "reader report: ngày đăng" in article.review_reasons
    # The editors' queue lists it with the reason; the article's admin page shows the note escaped.
    queue = editor_client.get("/admin/archive/reviewqueuearticle/").content.decode()
    assert (
        f"/admin/archive/reviewqueuearticle/{article.pk}/change/" in queue
        and "Bạn đọc báo lỗi: ngày đăng" in queue
    )
    change = editor_client.get(f"/admin/archive/reviewqueuearticle/{article.pk}/change/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in change and "<script>alert" not in change
    listed = editor_client.get("/admin/archive/readerreport/").content.decode()
    assert "&lt;script&gt;" in listed and "<script>alert" not in listed


def test_an_editor_resolves_it_and_a_reingest_keeps_the_article_in_the_queue(client, article, editor_client):
    report(client, article)
    run_ingest(str(SEEDS))
    article.refresh_from_db()
    assert article.needs_review and any(r.startswith("reader report") for r in article.review_reasons)
    stored = ReaderReport.objects.get()
    response = editor_client.post(
        "/admin/archive/readerreport/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(stored.pk),
            "form-0-resolved": "on",
            "_save": "Lưu",
        },
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.resolved


def test_nobody_but_editors_sees_a_report(client, article):
    report(client, article)
    assert NOTE[:20] not in client.get(article.get_absolute_url()).content.decode()
    assert "/admin/login/" in client.get("/admin/archive/readerreport/")["Location"]
    assert "note" not in client.get(f"/api/articles/{article.pk}/").json()


def test_csrf_is_required(article):
    strict = Client(enforce_csrf_checks=True)
    assert report(strict, article).status_code == 403
    page = strict.get(article.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert report(strict, article, csrfmiddlewaretoken=token).status_code == 200
    assert ReaderReport.objects.count() == 1


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_stored(client, article):
    response = report(client, article, website="http://spam.example/")
    assert response.status_code == 200 and "Báo lỗi đã đến biên tập viên" in response.content.decode()
    assert not ReaderReport.objects.exists()
    article.refresh_from_db()
    assert not any(r.startswith("reader report") for r in article.review_reasons)


def test_bad_input_is_named_and_nothing_is_stored(client, article):
    response = report(client, article, note="ngắn")
    text = response.content.decode()
    assert response.status_code == 400
    assert re.search(
        r'<ul class="errorlist" id="id_note_error"><li>[^<]*10[^<]*</li>', text
    )  # the note, named
    assert report(client, article, field="everything").status_code == 400
    assert report(client, article, note="x" * 2001).status_code == 400
    assert not ReaderReport.objects.exists()
    assert client.get(f"/bai-viet/{article.pk}/bao-loi/").status_code == 405
    assert client.post("/bai-viet/999999/bao-loi/", {"field": "date", "note": NOTE}).status_code == 404


def test_five_reports_an_hour_from_one_address(client, article):
    for _ in range(5):
        assert report(client, article).status_code == 200
    response = report(client, article)
    assert response.status_code == 429 and "thử lại sau" in response.content.decode()
    assert report(client, article, ip="10.0.0.2").status_code == 200  # another reader
    assert ReaderReport.objects.count() == 6
