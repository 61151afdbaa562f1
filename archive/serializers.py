"""Plain-dict shapes of the JSON API (no framework: the API is small and read-only).

An article's fields are an allow-list (issue #16, finding 6): ARTICLE_PUBLIC for everyone,
ARTICLE_STAFF (server paths, review reasons) only for a logged-in staff session. A field added to
`article_data` is published only once it is named in one of the two lists.
"""

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
        "successor_2025_slug": province.successor.ref if province.successor else None,
    }


ARTICLE_SUMMARY = (
    "id",
    "url",
    "title",
    "published",
    "province",
    "outlet",
    "dan_van",
    "relevance",
    "needs_review",
)


def article_summary(article: Article, request: HttpRequest) -> dict:
    """One article in an API list: ARTICLE_SUMMARY's fields, all of them public."""
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "title": article.title,
        "published": article.published_on.isoformat() if article.published_on else None,
        "province": province_data(article.province),
        "outlet": {"name": article.outlet.name, "code": article.outlet.code or None}
        if article.outlet
        else None,
        # Dân vận news or not (an editor's choice when they set it), and the score read (issue #17).
        "dan_van": article.dan_van,
        "relevance": article.relevance,
        "needs_review": article.needs_review,
    }


ARTICLE_PUBLIC = (
    *ARTICLE_SUMMARY,
    "published_time",
    "date_precision",
    "district",
    "authors",
    "officials",
    "events",
    "source_url",
    "text",
)
ARTICLE_STAFF = ("source_file", "review_reasons")


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


def article_data(article: Article, request: HttpRequest) -> dict:
    """One article for the API: the public fields, and the staff fields for a staff session."""
    fields = ARTICLE_PUBLIC + ARTICLE_STAFF if _is_staff(request) else ARTICLE_PUBLIC
    data = _article_all_fields(article, request)
    return {name: data[name] for name in fields}


def _article_all_fields(article: Article, request: HttpRequest) -> dict:
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


def official_summary(official, request: HttpRequest) -> dict:
    return {
        "id": official.pk,
        "name": official.name,
        "url": request.build_absolute_uri(official.get_absolute_url()),
        "api_url": request.build_absolute_uri(f"/api/officials/{official.pk}/"),
        "article_count": getattr(official, "article_count", None),
    }


def official_data(official, data: dict, request: HttpRequest) -> dict:
    """An official with the career timeline drawn from the articles (archive.selectors)."""

    def day(d):
        return d.isoformat() if d else None

    return {
        "id": official.pk,
        "name": official.name,
        "url": request.build_absolute_uri(official.get_absolute_url()),
        "article_count": data["count"],
        "provinces": [p["name"] for p in data["provinces"]],
        "timeline": [
            {
                "position": row["position"],  # the canonical post (issue #20)
                "written": list(row["written"]),  # the other spellings the articles used
                "province": row["province"]["ref"] if row["province"] else None,
                "province_name": row["province"]["name"] if row["province"] else None,
                "first_seen": day(row["first"]),
                "last_seen": day(row["last"]),
                "article_count": row["count"],
                "articles": [
                    {
                        "id": a["id"],
                        "title": a["title"],
                        "url": request.build_absolute_uri(a["url"]),
                        "published": None if a["inferred"] else day(a["published"]),
                    }
                    for a in row["articles"]
                ],
            }
            for row in data["timeline"]
        ],
        "chaired": [
            {
                "kind": e["kind"],
                "period": e["period"],
                "held_on": day(e["held_on"]),
                "article": request.build_absolute_uri(e["article"]["url"]),
            }
            for e in data["chaired"]
        ],
    }
