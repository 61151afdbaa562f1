"""Run inside `manage.py shell -c` by tests/search/test_index_integrity.py, on a database and an
index of the test's own: the index compared with the database, and the concurrent editor."""

from __future__ import annotations

import json
import random
import sys
import time

from django.db import OperationalError, transaction

from archive.models import Article, Event, IndexPending, ReviewQueueArticle
from search import indexing
from search.analysis import parse_query


def report() -> None:
    """Print what the index holds against what the database holds, as JSON."""
    be = indexing.backend()
    diff = indexing.verify()
    indexed = indexing.indexed_digests()

    titles = dict(Article.objects.values_list("pk", "title"))
    # Every article's digest is compared above; the searches check a sample of 150 by their words.
    sample = random.Random(6).sample(sorted(titles), min(150, len(titles)))

    def hits(q: str) -> list[int]:
        return sorted(h.pk for h in be.article_search(parse_query(q), per_page=100_000, facets=()).hits)

    print(
        json.dumps(
            {
                "articles": sorted(Article.objects.values_list("pk", flat=True)),
                "indexed": sorted(indexed),
                "missing": diff.missing,
                "stale": diff.stale,
                "extra": diff.extra,
                "pending": IndexPending.objects.count(),
                "hits_v1": hits('"phiên bản một"'),
                "hits_v2": hits('"phiên bản hai"'),
                "titles": titles,
                "hits_by_title_marker": {
                    str(pk): hits(f'"{titles[pk].split("|")[-1].strip()}"') for pk in sample
                },
            }
        )
    )


def edit(seed: int, ops: int, ids: list[int]) -> None:
    """One editor: `ops` saves and deletes as the admin makes them, with searches in between."""
    rng = random.Random(seed)
    failed, saved, deleted, searched, waited = [], 0, 0, 0, 0.0
    be = indexing.backend()
    for i in range(ops):
        pk = rng.choice(ids)
        roll = rng.random()
        started = time.monotonic()
        try:
            if roll < 0.1:
                with transaction.atomic():
                    found = Article.objects.filter(pk=pk).first()
                    if found:
                        found.delete()
                        deleted += 1
            else:
                with transaction.atomic():  # the admin's change view: the article, then inlines
                    model = ReviewQueueArticle if roll < 0.3 else Article  # the review queue's proxy
                    article = model.objects.filter(pk=pk).first()
                    if article is None:
                        continue
                    marker = f"mốc {seed} {i}"
                    article.title = f"Bài đã sửa | {marker}"
                    article.text = f"{article.text.split('|')[0]}| phiên bản hai {marker}"
                    article.save()
                    if roll > 0.8:
                        Event.objects.create(article=article, kind="giao_ban")
                    saved += 1
        except OperationalError as err:
            failed.append(str(err))
        waited = max(waited, time.monotonic() - started)
        if rng.random() < 0.5:
            be.article_search(parse_query(rng.choice(["phiên bản", "mốc", "bài đã sửa -mốc", "tin"])))
            searched += 1
    print(
        json.dumps(
            {"failed": failed, "saved": saved, "deleted": deleted, "searched": searched, "max_wait": waited}
        )
    )
    sys.stdout.flush()


def save_then_wait(pk: int, marker: str, timeout: float) -> None:
    """Save one article as the admin does, then time how long until search finds its new title.

    Run with INDEX_DRAIN_ON_COMMIT off: the save only queues, an `index_worker` process indexes.
    """
    be = indexing.backend()
    started = time.monotonic()
    with transaction.atomic():
        article = Article.objects.get(pk=pk)
        article.title = f"Bài đã sửa | {marker}"
        article.save()
    saved = time.monotonic()
    queued_after_save = IndexPending.objects.filter(article_id=pk).exists()
    found = []
    while time.monotonic() - saved < timeout:
        found = [h.pk for h in be.article_search(parse_query(f'"{marker}"'), facets=()).hits]
        if found:
            break
        time.sleep(0.05)
    print(
        json.dumps(
            {
                "save_seconds": saved - started,
                "queued_after_save": queued_after_save,
                "found": found,
                "searchable_after": time.monotonic() - saved,
            }
        )
    )
    sys.stdout.flush()
