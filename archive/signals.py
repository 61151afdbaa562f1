"""Every change that alters an article's search document queues the article, in the same transaction;
and cached counts (archive.selectors) are forgotten when anything they count changes.

The archive does not know about search: it records *which* articles changed (IndexPending) and
sends `articles_queued`; the search app listens and drains the queue when the transaction commits
(docs/index-integrity.md). Handlers are connected without a sender and compare the concrete model,
so saves through proxy models (the admin's review queue) are caught as well.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import signals
from django.dispatch import Signal

from archive import selectors
from archive.models import Article, ArticleOfficial, Event, Official, Outlet, Province

# Sent after articles were queued; `article_ids` is the list. Search drains on commit.
articles_queued = Signal()

TRACKED = (Article, ArticleOfficial, Event, Official, Outlet, Province)


def affected_article_ids(instance) -> list[int]:
    """The articles whose search document shows this row."""
    model = instance._meta.concrete_model
    if model is Article:
        return [instance.pk]
    if model in (ArticleOfficial, Event):
        return [instance.article_id]
    if model is Official:
        return list(instance.mentions.values_list("article_id", flat=True))
    if model is Outlet:
        return list(instance.articles.values_list("pk", flat=True))
    if model is Province:
        # A renamed successor changes the province_2025 facet of its predecessors' articles too.
        return list(
            Article.objects.filter(
                province__in=[instance.pk, *instance.predecessors.values_list("pk", flat=True)]
            ).values_list("pk", flat=True)
        )
    return []


def _tracked(sender) -> bool:
    return (
        sender is not None
        and getattr(sender, "_meta", None) is not None
        and (sender._meta.concrete_model in TRACKED)
    )


def _queue(instance) -> None:
    from archive import services

    if instance.pk is None:
        return
    services.articles_queue_for_index(affected_article_ids(instance))


def on_save(sender, instance, raw=False, **kwargs):
    if _tracked(sender) and not raw:  # loaddata (raw) is followed by a full index check
        _queue(instance)


def on_pre_delete(sender, instance, **kwargs):
    # Deleting an outlet sets its articles' outlet to NULL with an UPDATE (no save signals):
    # note the articles before they lose it.
    if _tracked(sender) and instance._meta.concrete_model is Outlet:
        _queue(instance)


def on_delete(sender, instance, **kwargs):
    if not _tracked(sender):
        return
    model = instance._meta.concrete_model
    if model in (Article, ArticleOfficial, Event):
        _queue(instance)  # Official, Outlet, Province: PROTECT / SET_NULL, handled above


def _counts_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance._meta.concrete_model in TRACKED:
        transaction.on_commit(selectors.counts_invalidate)


def connect() -> None:
    signals.post_save.connect(_counts_changed, dispatch_uid="archive-counts-save")
    signals.post_delete.connect(_counts_changed, dispatch_uid="archive-counts-delete")
    signals.post_save.connect(on_save, dispatch_uid="archive.index_queue.save")
    signals.pre_delete.connect(on_pre_delete, dispatch_uid="archive.index_queue.pre_delete")
    signals.post_delete.connect(on_delete, dispatch_uid="archive.index_queue.delete")
