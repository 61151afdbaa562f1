"""A save never waits for the index; the index worker makes it searchable (issue #16, finding 4).

These run in one process with INDEX_DRAIN_ON_COMMIT off, as production runs: the save only queues
its article, and `indexing.work(once=True)` is one round of `manage.py index_worker`. The worker as
a real process, picking up a save within seconds, is in test_index_integrity.py.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from archive.models import Article, IndexPending
from search import backend as search_backend
from search import indexing
from tests.archive._admin_support import browser_form_data, set_value

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _worker_mode(settings):
    settings.INDEX_DRAIN_ON_COMMIT = False


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "", "a-long-test-password"))
    return client


def search_ids(client, q: str) -> set[int]:
    response = client.get("/api/search/", {"q": q})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def save_title(client, article: Article, title: str, capture):
    url = f"/admin/archive/article/{article.pk}/change/"
    data = browser_form_data(client.get(url).content.decode(), form_id="article_form")
    set_value(data, "title", title)
    started = time.monotonic()
    with capture(execute=True):  # on_commit callbacks run, as after a real commit
        response = client.post(url, data, follow=True)
    return response, time.monotonic() - started


def age_queue(seconds: float) -> None:
    IndexPending.objects.update(queued_at=timezone.now() - timedelta(seconds=seconds))


def test_a_save_only_queues_and_the_worker_makes_it_searchable(
    editor_client, seeded, django_capture_on_commit_callbacks
):
    article = seeded["002"]
    response, _ = save_title(
        editor_client, article, "Tin về bản Mường Tè", django_capture_on_commit_callbacks
    )
    assert response.redirect_chain[0][1] == 302
    assert list(IndexPending.objects.values_list("article_id", flat=True).distinct()) == [article.pk]
    assert search_ids(editor_client, "muong te") == set()  # the save did not write the index

    assert indexing.work(once=True) == 1
    assert search_ids(editor_client, "muong te") == {article.pk}
    assert not IndexPending.objects.exists()


def test_a_save_answers_at_once_while_another_process_holds_the_index_lock(
    editor_client, seeded, django_capture_on_commit_callbacks, monkeypatch
):
    """Before: the save waited inside the request for Whoosh's lock (up to WRITE_TIMEOUT, 120 s;
    3 s here), logged LockError and still reported success."""
    monkeypatch.setattr(search_backend, "WRITE_TIMEOUT", 3.0)
    index = indexing.backend().index
    lock = index.lock("WRITELOCK")  # what a writer in another process takes
    assert lock.acquire()
    try:
        response, seconds = save_title(
            editor_client, seeded["003"], "Tin về xã Pà Cò", django_capture_on_commit_callbacks
        )
        assert response.redirect_chain[0][1] == 302
        assert seconds < 1.0
        assert IndexPending.objects.filter(article_id=seeded["003"].pk).exists()
    finally:
        lock.release()
    indexing.work(once=True)
    assert search_ids(editor_client, "pa co") == {seeded["003"].pk}


def test_the_editor_is_told_when_a_save_will_be_searchable_if_the_queue_is_behind(
    editor_client, seeded, django_capture_on_commit_callbacks, settings
):
    settings.INDEX_QUEUE_NOTICE_SECONDS = 5
    response, _ = save_title(editor_client, seeded["001"], "Tin một", django_capture_on_commit_callbacks)
    assert "Chỉ mục tìm kiếm đang chậm" not in response.content.decode()  # an up-to-date queue: no notice

    age_queue(40)  # the worker is 40 s behind
    response, _ = save_title(editor_client, seeded["004"], "Tin hai", django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert "Chỉ mục tìm kiếm đang chậm khoảng 40 giây (2 bài đang chờ)" in page
    assert "this change will be searchable in about 40 s" in page


def test_healthz_reports_the_queue_and_turns_degraded_past_the_limit(client, seeded, settings):
    settings.INDEX_QUEUE_DEGRADED_SECONDS = 30
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["index_queue"] == {"pending": 0, "oldest_seconds": 0.0}

    article = seeded["000"]
    article.title = "Tin về Sín Chải"
    article.save()  # not in a request: no on_commit here either way; queued
    assert client.get("/healthz").json()["status"] == "ok"  # queued for less than the limit
    age_queue(45)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200  # the site serves; search lags
    assert body["status"] == "degraded"
    assert body["index_queue"]["pending"] == 1 and body["index_queue"]["oldest_seconds"] >= 45
    assert "oldest change waits 45 s" in body["reasons"][0]

    indexing.work(once=True)
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["index_queue"]["pending"] == 0
    assert body["index_worker"]["error"] is None
