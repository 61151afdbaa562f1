"""Saving or deleting an article, or what it mentions, shows in search at once.

The archive queues the affected article ids in the database, in the change's own transaction
(archive.signals). Here we listen for that and drain those ids when the transaction commits: the
admin saves an article and then its inlines (mentions, events) in one transaction, and the index
is written once (docs/index-integrity.md).
"""

from __future__ import annotations

from haystack.signals import BaseSignalProcessor

from archive.signals import articles_queued
from search import indexing


class ArticleSignalProcessor(BaseSignalProcessor):
    def setup(self):
        articles_queued.connect(self.handle_queued, dispatch_uid="search.drain_on_commit")

    def teardown(self):
        articles_queued.disconnect(self.handle_queued, dispatch_uid="search.drain_on_commit")

    def handle_queued(self, sender, article_ids, **kwargs):
        indexing.schedule(article_ids)
