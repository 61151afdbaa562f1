"""A save never waits for the index; the index worker makes it searchable (issue #16, finding 4).

These run in one process with INDEX_DRAIN_ON_COMMIT off, as production runs: the save only queues
its article, and `indexing.work(once=True)` is one round of `manage.py index_worker`. The worker as
a real process, picking up a save within seconds, is in test_index_integrity.py.
"""

from __future__ import annotations

import errno
import re
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
    # 40 s, or 41 when the save itself took over half a second (a loaded machine: load 13 here).
    assert re.search(r"Chỉ mục tìm kiếm đang chậm khoảng 4[01] giây \(2 bài đang chờ\)", page)
    assert re.search(r"this change will be searchable in about 4[01] s", page)


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


# --- faults (issue #16, finding 5) ------------------------------------------------------------------


@pytest.mark.parametrize("where", ["opening the segment", "writing the table of contents"])
def test_with_the_index_disk_full_a_save_stays_queued_and_healthz_says_so(
    editor_client, seeded, django_capture_on_commit_callbacks, monkeypatch, where
):
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    monkeypatch.setattr(search_backend, "WRITE_TIMEOUT", 3.0)  # a leaked lock fails fast, not in 120 s
    article = seeded["004"]
    response, _ = save_title(
        editor_client, article, "Tin về đèo Ô Quy Hồ", django_capture_on_commit_callbacks
    )
    assert response.redirect_chain[0][1] == 302

    def disk_full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    patched = (FileStorage, "create_file") if where == "opening the segment" else (TOC, "write")
    real = getattr(*patched)
    monkeypatch.setattr(*patched, disk_full)
    with pytest.raises(OSError):
        indexing.work(once=True)
    assert IndexPending.objects.filter(article_id=article.pk).exists()  # still queued
    assert search_ids(editor_client, "o quy ho") == set()
    body = editor_client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["index_queue"]["pending"] == 1
    assert "No space left on device" in body["index_worker"]["error"]
    assert any("last drain failed" in reason for reason in body["reasons"])

    monkeypatch.setattr(*patched, real)  # space freed
    assert indexing.work(once=True) == 1  # the failed drain released the index lock
    assert search_ids(editor_client, "o quy ho") == {article.pk}
    assert editor_client.get("/healthz").json()["status"] == "ok"


@pytest.fixture
def fresh_backend():
    """The backend opens the index again on its next use, and once more after the test."""
    be = indexing.backend()
    be.setup_complete = False
    yield be
    be.setup_complete = False


def test_a_read_only_index_folder_serves_the_last_good_index_and_keeps_saves_queued(
    client, seeded, fresh_backend, monkeypatch
):
    """Before: Haystack's setup raised "not writable" and every search answered 500. (The tests run
    as root, who may write anywhere: the folder's mode is simulated where the backends ask it.)"""
    import os

    from haystack.backends import whoosh_backend
    from whoosh.filedb.filestore import ReadOnlyError

    index_path = fresh_backend.path
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if os.fspath(path) == index_path and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(search_backend.os, "access", access)
    monkeypatch.setattr(whoosh_backend.os, "access", access)
    expected = {seeded["002"].pk, seeded["004"].pk}
    response = client.get("/tim-kiem/", {"q": "dân vận khéo"})
    assert response.status_code == 200
    assert search_ids(client, "Long An") >= expected

    article = seeded["001"]
    article.title = "Tin về Mù Cang Chải"
    article.save()
    with pytest.raises(ReadOnlyError):  # the worker cannot write
        indexing.work(once=True)
    assert IndexPending.objects.filter(article_id=article.pk).exists()
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["index_writable"] is False
    assert body["index_queue"]["pending"] == 1

    monkeypatch.setattr(search_backend.os, "access", real_access)  # the folder is writable again
    monkeypatch.setattr(whoosh_backend.os, "access", real_access)
    assert indexing.work(once=True) == 1
    assert search_ids(client, "mu cang chai") == {article.pk}
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_unreadable_index_answers_503_with_the_reason_not_500(client, seeded, fresh_backend, monkeypatch):
    from whoosh.filedb.filestore import FileStorage

    def unreadable(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", "/srv/danvan/var/whoosh_index/_MAIN_1.toc")

    monkeypatch.setattr(FileStorage, "open_index", unreadable)
    page = client.get("/tim-kiem/", {"q": "dân vận"})
    assert page.status_code == 503
    text = page.content.decode()
    assert "Tìm kiếm tạm thời không dùng được" in text and "PermissionError" in text
    assert "/srv/danvan" not in text  # no server path
    assert page["Retry-After"]
    api = client.get("/api/search/", {"q": "dân vận"})
    assert api.status_code == 503
    assert api.json()["error"].startswith("search temporarily unavailable: the search index cannot be read")
    assert client.get("/healthz").status_code == 503  # the index does not open
    assert client.get(f"/bai-viet/{seeded['000'].pk}/").status_code == 200  # the rest of the site serves


def test_the_worker_s_commits_merge_only_a_few_small_segments(seeded, monkeypatch):
    """A drain that merged 3,000 documents (38.6 s) left saves unsearchable for 106 s in
    bench/editors_bench.py: the worker's commits merge at most QUICK_MERGE_TOTAL_MAX documents."""
    monkeypatch.setattr(search_backend, "QUICK_MERGE_TOTAL_MAX", 3)

    def sizes():
        return sorted(seg.doc_count_all() for seg in indexing.backend().index.refresh()._segments())

    assert sizes() == [5]  # the seeds, one segment
    for n in range(search_backend.MERGE_MIN_SEGMENTS):
        Article.objects.create(
            title=f"Tin số {n}", text="Tin.", raw="Tin.", source_file=f"t{n}", content_hash=f"h{n}"
        )
        indexing.work(once=True)  # one new segment of one document each
    # At eight small segments, three one-document segments (3 documents at most) were merged into
    # that commit's own segment (3 + its 1); the seeds' segment, too big for a quick merge, stayed.
    assert sizes() == [1, 1, 1, 1, 4, 5]
    assert indexing.verify().in_step
