"""Run inside `manage.py shell` against a test site's database: load sources, report the outcome as JSON."""

from __future__ import annotations

import json
import sys


def load_sources(path: str) -> None:
    from archive.models import Source

    for spec in json.load(open(path, encoding="utf-8")):
        Source.objects.update_or_create(slug=spec["slug"], defaults=spec)


def report() -> None:
    from archive.models import Article, Capture, CrawlURL, HarvestRun

    out = {
        "articles": [
            {
                "id": a.pk,
                "url": a.url,
                "source_file": a.source_file,
                "title": a.title,
                "text": a.text,
                "published_on": a.published_on.isoformat() if a.published_on else None,
                "published_time": a.published_time.isoformat() if a.published_time else None,
                "authors": a.authors,
                "edited_fields": a.edited_fields,
                "evidence": a.evidence,
            }
            for a in Article.objects.order_by("pk")
        ],
        "frontier": [
            {
                "url": c.url,
                "kind": c.kind,
                "state": c.state,
                "status": c.http_status,
                "article": c.article_id,
                "gone_at": c.gone_at.isoformat() if c.gone_at else None,
                "note": c.note,
            }
            for c in CrawlURL.objects.order_by("pk")
        ],
        "runs": [
            {"id": r.pk, "status": r.status, "summary": r.summary} for r in HarvestRun.objects.order_by("pk")
        ],
        "captures": [
            {
                "url": c.url,
                "file": c.warc_file,
                "offset": c.offset,
                "status": c.status,
                "article": c.article_id,
            }
            for c in Capture.objects.order_by("pk")
        ],
    }
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


def edit_title(url: str, title: str) -> None:
    """What an editor's save in the admin does to one field: the value, and its protection."""
    from archive import services
    from archive.models import Article

    article = Article.objects.get(url=url)
    article.title = title
    article.save()
    services.article_mark_edited(article=article, fields=["title"])
