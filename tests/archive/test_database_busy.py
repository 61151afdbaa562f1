"""SQLite settings for several workers, and what a person sees if a save still cannot get the lock."""

import sqlite3

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory

from archive.middleware import DatabaseBusyMiddleware


def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_a_busy_timeout():
    from config.settings import base

    options = base.DATABASES["default"].get("OPTIONS", {})
    if base.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("PostgreSQL: unchanged")
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20


def test_a_file_database_opened_with_these_settings_is_in_wal_mode(tmp_path, django_db_blocker):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("PostgreSQL: unchanged")
    from config.settings import base

    wrapper = DatabaseWrapper(
        {**base.DATABASES["default"], "NAME": str(tmp_path / "w.sqlite3"), "TIME_ZONE": None}, "wal-check"
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        wrapper.close()
    assert sqlite3.connect(tmp_path / "w.sqlite3").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_save_that_cannot_get_the_lock_says_so():
    def view(request):
        raise OperationalError("database is locked")

    middleware = DatabaseBusyMiddleware(view)
    request = RequestFactory().post("/admin/archive/article/1/change/")
    response = middleware.process_exception(request, OperationalError("database is locked"))
    assert response.status_code == 503
    assert "CHƯA được lưu" in response.content.decode()
    assert response["Retry-After"] == "30"
    assert (
        "CHƯA được lưu"
        in middleware.process_exception(request, OperationalError("no such table: x")).content.decode()
    )
    assert (
        middleware.process_exception(RequestFactory().get("/"), OperationalError("no such table: x")) is None
    )


def test_a_save_the_database_refuses_tells_the_editor_nothing_was_saved(editor_client, seeded, monkeypatch):
    """Issue #16, finding 5: with the database's disk full the editor got a bare 500."""
    from archive.models import Article, IndexPending
    from tests.archive._admin_support import browser_form_data, set_value

    article = seeded["002"]
    url = f"/admin/archive/article/{article.pk}/change/"
    data = browser_form_data(editor_client.get(url).content.decode(), form_id="article_form")
    set_value(data, "title", "Tiêu đề mới không lưu được")
    history, queued = article.history.count(), IndexPending.objects.count()

    def disk_full(self, *args, **kwargs):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(Article, "save", disk_full)
    response = editor_client.post(url, data)
    assert response.status_code == 503
    text = response.content.decode()
    assert "Thay đổi của bạn CHƯA được lưu" in text and "Your change was NOT saved" in text
    assert "database or disk is full" in text
    monkeypatch.undo()
    article.refresh_from_db()
    assert article.title != "Tiêu đề mới không lưu được"
    assert (article.history.count(), IndexPending.objects.count()) == (history, queued)
