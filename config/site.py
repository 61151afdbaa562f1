"""What every site is asked for besides its pages (issue #19, item 7): robots.txt, a favicon, a
sitemap of the archive's public pages, and an index of the JSON API."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive.models import Article, Official, Province


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /tim-kiem/ket-qua/",  # "result n of a search": the article pages are listed
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("img/favicon.svg"), permanent=True)


@require_safe
def api_index(request: HttpRequest) -> JsonResponse:
    """GET /api/: what the read-only API offers (README, "JSON API")."""
    endpoints = {
        "articles": (reverse("archive:api_article_list"), "province, year, dan_van, page, page_size"),
        "article": (reverse("archive:api_article_detail", args=[0]).replace("/0/", "/{id}/"), ""),
        "provinces": (reverse("archive:api_province_list"), "era=legacy|2025"),
        "officials": (reverse("archive:api_official_list"), "province, page, page_size"),
        "official": (reverse("archive:api_official_detail", args=[0]).replace("/0/", "/{id}/"), ""),
        "search": (
            reverse("search:api"),
            "q, province, year, kind, official, outlet, dan_van, from, to, sort, page, page_size",
        ),
        "trend": (reverse("search:trend"), "q, by=year|month, format=csv, and the search filters"),
    }
    return JsonResponse(
        {
            "endpoints": {
                # "{id}" stays readable (build_absolute_uri would percent-encode the braces)
                name: {"url": request.build_absolute_uri("/")[:-1] + url, "parameters": params}
                for name, (url, params) in endpoints.items()
            },
            "methods": ["GET", "HEAD"],
            "openapi": request.build_absolute_uri(reverse("api_openapi")),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def api_openapi(request: HttpRequest) -> JsonResponse:
    """GET /api/openapi.json: the API described as OpenAPI 3.1 (config/openapi.py)."""
    from config.openapi import document

    return JsonResponse(
        document(request.build_absolute_uri("/")[:-1]), json_dumps_params={"ensure_ascii": False}
    )


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10_000

    def items(self):
        return Article.objects.only("pk", "updated_at").order_by("pk")

    def lastmod(self, article: Article):
        return article.updated_at


class ProvinceSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(Province.objects.order_by("pk"))


class OfficialSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Official.objects.order_by("pk")


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "archive:home",
            "archive:province_list",
            "archive:year_list",
            "archive:official_list",
            "archive:meeting_list",
            "search:search",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "provinces": ProvinceSitemap,
    "officials": OfficialSitemap,
    "articles": ArticleSitemap,
}
