"""Run inside `manage.py shell` against a test site's database: load sources, edit as an editor would."""

from __future__ import annotations

import json


def load_sources(path: str) -> None:
    from archive.models import Source

    for spec in json.load(open(path, encoding="utf-8")):
        Source.objects.update_or_create(slug=spec["slug"], defaults=spec)


def edit_title(url: str, title: str) -> None:
    """What an editor's save in the admin does to one field: the value, and its protection."""
    from archive import services
    from archive.models import Article

    article = Article.objects.get(url=url)
    article.title = title
    article.save()
    services.article_mark_edited(article=article, fields=["title"])
