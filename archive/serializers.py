"""Plain-dict shapes of the JSON API (no framework: the API is small and read-only)."""

from __future__ import annotations

from django.http import HttpRequest

from archive.models import Article


def province_data(province) -> dict | None:
    if province is None:
        return None
    return {
        "name": province.name,
        "slug": province.slug,
        "successor_2025": province.successor.name if province.successor else None,
    }


def article_summary(article: Article, request: HttpRequest) -> dict:
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "title": article.title,
        "published": article.published_on.isoformat() if article.published_on else None,
        "province": province_data(article.province),
        "outlet": {"name": article.outlet.name, "code": article.outlet.code or None}
        if article.outlet
        else None,
        "needs_review": article.needs_review,
    }


def article_data(article: Article, request: HttpRequest) -> dict:
    return {
        **article_summary(article, request),
        "published_time": article.published_time.strftime("%H:%M") if article.published_time else None,
        "date_precision": article.date_precision or None,
        "district": article.district or None,
        "authors": list(article.authors),
        "officials": [{"name": m.official.name, "position": m.position} for m in article.mentions.all()],
        "events": [
            {
                "kind": e.kind,
                "period": e.period,
                "period_start": e.period_start.isoformat() if e.period_start else None,
                "period_end": e.period_end.isoformat() if e.period_end else None,
                "held_on": e.held_on.isoformat() if e.held_on else None,
                "location": e.location,
                "chair": e.chair.name if e.chair else None,
            }
            for e in article.events.all()
        ],
        "source_file": article.source_file,
        "source_url": article.url or None,
        "review_reasons": list(article.review_reasons),
        "text": article.text,
    }
