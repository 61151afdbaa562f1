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
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None
