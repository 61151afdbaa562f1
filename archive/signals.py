"""Cached counts (archive.selectors) are forgotten when anything they count changes.

Connected without a sender: saves made through a proxy (the admin's review queue) send their own
signals (FIELD-NOTES), so the handler looks at the concrete model.
"""

from django.db import transaction
from django.db.models import signals

from archive import selectors
from archive.models import Article, ArticleOfficial, Event, Official, Outlet, Province

COUNTED = {Article, ArticleOfficial, Event, Official, Outlet, Province}


def _changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance._meta.concrete_model in COUNTED:
        transaction.on_commit(selectors.counts_invalidate)


def connect() -> None:
    signals.post_save.connect(_changed, dispatch_uid="archive-counts-save")
    signals.post_delete.connect(_changed, dispatch_uid="archive-counts-delete")
