"""The index follows the database: saves, deletes, inlines, bulk ingest, concurrent writers."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from whoosh import index as whoosh_index

from archive.models import Article, ArticleOfficial, Event, Official
from search import indexing
from search.analysis import parse_query
from search.indexing import backend


def pks(q: str, **kwargs) -> set[int]:
    return {h.pk for h in backend().article_search(parse_query(q), per_page=100, **kwargs).hits}


@pytest.mark.django_db
def test_admin_style_save_and_delete_show_at_once(seeds, django_capture_on_commit_callbacks):
    article = seeds["003"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():  # as the admin's change view does: the article, then its inlines
            article.title = "Hội nghị giao ban ở Lạc Thủy"
            article.save()
            person = Official.objects.create(name="Trần Văn Mới", key="tran van moi")
            ArticleOfficial.objects.create(article=article, official=person, position="Phó Trưởng ban")
            Event.objects.create(article=article, kind="tong_ket")
    assert len(callbacks) >= 1
    assert pks("lac thuy") == {article.pk}
    outcome = backend().article_search(parse_query("lac thuy"))
    assert ("Trần Văn Mới", 1) in outcome.facets["official"]
    assert dict(outcome.facets["kind"]) == {"giao_ban": 1, "tong_ket": 1}

    with django_capture_on_commit_callbacks(execute=True):
        ArticleOfficial.objects.filter(article=article, official=person).delete()
    assert ("Trần Văn Mới", 1) not in backend().article_search(parse_query("lac thuy")).facets["official"]

    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert pks("lac thuy") == set()
    assert pks("dan van kheo") == {a.pk for p, a in seeds.items() if p != "003"}


@pytest.mark.django_db
def test_suspended_then_bulk_index(seeds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with indexing.suspended():
            new = Article.objects.create(
                title="Tin mới về Mường Khương",
                text="Bài viết mới.",
                raw="",
                source_file="x",
                content_hash="x",
            )
    assert pks("muong khuong") == set()  # suspended: nothing written per save
    seen = []
    assert indexing.index_articles([new.pk, 999_999], progress=seen.append) == 1
    assert pks("muong khuong") == {new.pk}
    assert seen == [2]
    indexing.remove_articles([new.pk])
    assert pks("muong khuong") == set()


@pytest.mark.django_db
def test_rebuild_index_and_update_index_remove(seeds, django_capture_on_commit_callbacks):
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert len(pks("dan van kheo")) == 5
    with indexing.suspended():
        seeds["000"].delete()  # deleted behind the index's back
    assert len(pks("dan van kheo")) == 5
    call_command("update_index", remove=True, verbosity=0)
    assert pks("dan van kheo") == {a.pk for p, a in seeds.items() if p != "000"}


def _hold_lock_in_thread(path: str, seconds: float, started: threading.Event) -> None:
    writer = whoosh_index.open_dir(path).writer()
    started.set()
    time.sleep(seconds)
    writer.cancel()


@pytest.mark.django_db
def test_remove_waits_for_a_writer_in_another_thread(seeds):
    """Stock Haystack logs LockError and leaves the deleted document: we wait for the lock."""
    be = backend()
    started = threading.Event()
    holder = threading.Thread(target=_hold_lock_in_thread, args=(be.path, 0.6, started))
    holder.start()
    started.wait(5)
    t0 = time.perf_counter()
    be.remove(f"archive.article.{seeds['001'].pk}")
    waited = time.perf_counter() - t0
    holder.join()
    assert waited > 0.3
    assert seeds["001"].pk not in pks("dan van kheo")


@pytest.mark.django_db
def test_remove_waits_for_a_writer_in_another_process(seeds):
    be = backend()
    code = (
        "import sys, time; from whoosh import index;"
        "w = index.open_dir(sys.argv[1]).writer(); print('locked', flush=True); time.sleep(1.0); w.cancel()"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, be.path], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    indexing.remove_articles([seeds["002"].pk])
    holder.wait(10)
    assert seeds["002"].pk not in pks("dan van kheo")


@pytest.mark.django_db(transaction=True)
def _retry_locked(fn) -> None:
    """Run fn, retrying SQLite's shared-cache "table is locked": the test database is in memory and
    its table locks ignore the busy timeout while another thread writes or reads the table."""
    for _ in range(100):
        try:
            return fn()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.02)
    return fn()


def test_concurrent_writers_lose_no_update(seeds_committed):
    """Two threads re-index and delete articles at the same time; every write lands."""
    ids = [a.pk for a in seeds_committed.values()]
    errors: list[BaseException] = []

    def reindex_many():
        try:
            for _ in range(5):
                _retry_locked(lambda: indexing.index_articles(ids[:3]))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()  # each thread has its own connection: leave none open

    def delete_two():
        try:
            for pk in ids[3:]:
                time.sleep(0.05)
                _retry_locked(lambda pk=pk: Article.objects.filter(pk=pk).delete())
                indexing.remove_articles([pk])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=reindex_many),
        threading.Thread(target=reindex_many),
        threading.Thread(target=delete_two),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert pks("dan van kheo") == set(ids[:3])
