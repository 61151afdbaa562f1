"""Reads the views need."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import ExtractYear

from archive.models import Article, ArticleOfficial, Event, Province


def article_list(*, province_slug: str | None = None, year: int | None = None) -> QuerySet[Article]:
    articles = Article.objects.select_related("province__successor", "outlet")
    if province_slug:
        articles = articles.filter(province__slug=province_slug, province__era=Province.Era.BEFORE_2025)
    if year:
        articles = articles.filter(published_on__year=year)
    return articles.prefetch_related(
        Prefetch("mentions", queryset=ArticleOfficial.objects.select_related("official").order_by("id")),
        Prefetch("events", queryset=Event.objects.select_related("chair")),
    ).order_by("-published_on", "-id")


def article_get(*, pk: int) -> Article | None:
    return article_list().filter(pk=pk).first()


def province_get(*, slug: str) -> Province | None:
    return Province.objects.filter(slug=slug, era=Province.Era.BEFORE_2025).first()


def province_counts() -> list[Province]:
    """Provinces that have articles, busiest first, each with its bar width for the chart."""
    provinces = list(
        Province.objects.filter(era=Province.Era.BEFORE_2025)
        .annotate(article_count=Count("articles"))
        .filter(article_count__gt=0)
        .select_related("successor")
        .order_by("-article_count", "name")
    )
    busiest = provinces[0].article_count if provinces else 0
    for province in provinces:
        province.percent = round(100 * province.article_count / busiest)
    return provinces


def year_counts() -> list[dict]:
    """Articles per year, with each bar's width as a share of the busiest year (for the chart)."""
    rows = list(
        Article.objects.exclude(published_on=None)
        .annotate(year=ExtractYear("published_on"))
        .values("year")
        .annotate(count=Count("id"))
        .order_by("year")
    )
    busiest = max((row["count"] for row in rows), default=0)
    for row in rows:
        row["percent"] = round(100 * row["count"] / busiest)
    return rows
