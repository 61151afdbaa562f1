"""An article deleted while another editor adds a meeting to it (PostgreSQL: SQLite has one writer).

Found by tests/search/test_index_integrity.py under load in CI: the delete collected the meetings it
could see, waited on the article, and failed at COMMIT on the new meeting's foreign key.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction

from archive.models import Article, Event

pytestmark = pytest.mark.django_db(transaction=True)


def needs_postgresql():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("SQLite takes one writer at a time: the two transactions cannot overlap")


def article(n: int) -> Article:
    return Article.objects.create(
        title=f"Bài {n}",
        text=f"Nội dung {n}.",
        raw=f"Nội dung {n}.",
        source_file=f"f{n}",
        content_hash=f"h{n}",
    )


def race(delete) -> tuple[list[BaseException], threading.Thread]:
    """Editor A saves the article and adds a meeting, and holds its transaction open; `delete` runs
    in a second thread meanwhile; A commits once the delete is waiting on it."""
    errors: list[BaseException] = []
    pk = Article.objects.order_by("pk").values_list("pk", flat=True).first()

    def deleter():
        try:
            delete()
        except BaseException as err:  # noqa: BLE001 - reported by the test
            errors.append(err)
        finally:
            connection.close()

    with transaction.atomic():
        found = Article.objects.get(pk=pk)
        found.title = "Bài đã sửa"
        found.save()
        Event.objects.create(article=found, kind="giao_ban")
        thread = threading.Thread(target=deleter)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive()  # the delete waits for the save's transaction
    thread.join(timeout=30)
    assert not thread.is_alive()
    return errors, thread


def test_deleting_an_article_while_a_meeting_is_added_to_it_deletes_both():
    needs_postgresql()
    first = article(1)
    errors, _ = race(lambda: Article.objects.get(pk=first.pk).delete())
    assert errors == []
    assert not Article.objects.filter(pk=first.pk).exists()
    assert not Event.objects.filter(article_id=first.pk).exists()


def test_the_admin_bulk_delete_waits_the_same_way():
    needs_postgresql()
    first, second = article(1), article(2)
    errors, _ = race(lambda: Article.objects.filter(pk__in=[first.pk, second.pk]).delete())
    assert errors == []
    assert not Article.objects.exists()
    assert not Event.objects.exists()


def test_a_delete_alone_still_removes_the_meetings_and_reports_the_counts():
    first = article(1)
    Event.objects.create(article=first, kind="giao_ban")
    deleted, per_model = Article.objects.filter(pk=first.pk).delete()
    assert per_model["archive.Article"] == 1
    assert per_model["archive.Event"] == 1
    assert deleted >= 2
