"""The index queue in one process: what queues, what drains, which commands take the bulk path."""

import io

import pytest
from django.core.management import call_command, get_commands
from django.db import transaction

from archive.models import Article, IndexPending, ReviewQueueArticle
from search import indexing
from search.analysis import parse_query

pytestmark = pytest.mark.django_db


def pks(q: str) -> set[int]:
    return {h.pk for h in indexing.backend().article_search(parse_query(q), per_page=100).hits}


def test_a_save_through_the_review_queue_proxy_reaches_the_index(seeded, django_capture_on_commit_callbacks):
    article = ReviewQueueArticle.objects.get(pk=seeded["001"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            article.title = "Tin về Mường Nhé"
            article.save()
            assert IndexPending.objects.filter(article_id=article.pk).exists()  # same transaction
    assert pks("muong nhe") == {article.pk}
    assert not IndexPending.objects.exists()  # drained on commit


def test_a_rolled_back_change_leaves_nothing_queued(seeded):
    with pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.filter(pk=seeded["002"].pk).first().save()
        raise RuntimeError
    assert not IndexPending.objects.exists()


def test_suspended_saves_stay_queued_until_a_drain(seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), indexing.suspended():
        article = seeded["003"]
        article.title = "Tin về Sìn Hồ"
        article.save()
    assert pks("sin ho") == set()
    assert IndexPending.objects.filter(article_id=article.pk).count() == 1
    assert indexing.drain() == 1
    assert pks("sin ho") == {article.pk}
    assert not IndexPending.objects.exists()


def test_progress_counts_each_article_once(seeded, monkeypatch):
    monkeypatch.setattr(indexing, "BATCH", 2)
    monkeypatch.setattr(indexing, "SEGMENT_DOCS", 2)
    seen = []
    ids = sorted(a.pk for a in seeded.values())
    indexing.index_articles(ids, progress=seen.append)
    assert sum(seen) == len(ids) == 5  # a tqdm bar's update(n) adds n: no running total

    seen.clear()
    for article in seeded.values():
        article.save()
    indexing.drain(progress=seen.append, limit=2)
    assert sum(seen) == 5


def test_rebuild_index_and_update_index_are_the_projects_bulk_commands(seeded):
    commands = get_commands()
    assert commands["rebuild_index"] == commands["update_index"] == "search"
    out = io.StringIO()
    call_command("rebuild_index", "--noinput", stdout=out, stderr=io.StringIO())
    assert "Indexed 5 articles." in out.getvalue()
    assert indexing.verify().in_step
    indexing.backend().clear()
    call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
    assert indexing.verify().in_step
