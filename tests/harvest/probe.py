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


def capture_view(url: str) -> None:
    """Print, as JSON, what "bản lưu gốc" of the article at `url` answers, and each archive address
    its HTML points at (status, headers, body as base64)."""
    import base64
    import re

    from django.test import Client
    from django.test.utils import setup_test_environment

    from archive.models import Article

    setup_test_environment()  # "testserver" among the allowed hosts, as under pytest
    article = Article.objects.get(url=url)
    client = Client()

    def get(path: str) -> dict:
        r = client.get(path)
        return {
            "status": r.status_code,
            "headers": dict(r.headers),
            "body": base64.b64encode(r.content).decode(),
        }

    page = get(f"/bai-viet/{article.pk}/ban-luu-goc/")
    html = base64.b64decode(page["body"]).decode("utf-8", "replace")
    local = sorted(set(re.findall(r'(?:src|href)="(/bai-viet/\d+/ban-luu-goc/tai-nguyen/\d+/)"', html)))
    print(json.dumps({"pk": article.pk, "page": page, "resources": {p: get(p) for p in local}}))
