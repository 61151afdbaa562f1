"""Saving or deleting an article, or what it mentions, shows in search at once (issue #3).

The admin saves an article and then its inlines (mentions, events) in one transaction: we collect
the article ids and write the index once, on commit (search.indexing.schedule).
"""

from __future__ import annotations

from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from archive.models import Article, ArticleOfficial, Event, Official, Outlet, Province
from search import indexing


def _article_ids(instance) -> list[int]:
    if isinstance(instance, Article):
        return [instance.pk]
    if isinstance(instance, (ArticleOfficial, Event)):
        return [instance.article_id]
    if isinstance(instance, Official):
        return list(instance.mentions.values_list("article_id", flat=True))
    if isinstance(instance, Outlet):
        return list(instance.articles.values_list("pk", flat=True))
    if isinstance(instance, Province):
        # A renamed successor changes the province_2025 facet of its predecessors' articles too.
        return list(
            Article.objects.filter(
                province__in=[instance.pk, *instance.predecessors.values_list("pk", flat=True)]
            ).values_list("pk", flat=True)
        )
    return []


class ArticleSignalProcessor(BaseSignalProcessor):
    models = (Article, ArticleOfficial, Event, Official, Outlet, Province)

    # Connected without a sender: a proxy (the admin's review queue) sends its own signals, so
    # handlers keyed on Article missed its saves (issue #7). Every model whose concrete model we
    # watch counts, proxies added later included.
    def setup(self):
        signals.post_save.connect(self.handle_save)
        signals.post_delete.connect(self.handle_delete)
        # Deleting an outlet sets its articles' outlet to NULL with an UPDATE (no save signals):
        # note the articles before they lose it.
        signals.pre_delete.connect(self.handle_pre_delete)

    def teardown(self):
        signals.post_save.disconnect(self.handle_save)
        signals.post_delete.disconnect(self.handle_delete)
        signals.pre_delete.disconnect(self.handle_pre_delete)

    def watches(self, sender) -> bool:
        return sender._meta.concrete_model in self.models

    def handle_save(self, sender, instance, raw=False, **kwargs):
        if raw or not self.watches(sender) or indexing.is_suspended():  # fixtures (loaddata), bulk ingest
            return
        indexing.schedule(_article_ids(instance))

    def handle_pre_delete(self, sender, instance, **kwargs):
        if sender._meta.concrete_model is Outlet and not indexing.is_suspended():
            indexing.schedule(_article_ids(instance))

    def handle_delete(self, sender, instance, **kwargs):
        if not self.watches(sender) or indexing.is_suspended():
            return
        if isinstance(instance, (Official, Outlet, Province)):
            return  # PROTECT / SET_NULL: the articles' own saves re-index them
        # index_articles removes ids that are gone from the database.
        indexing.schedule(_article_ids(instance))
