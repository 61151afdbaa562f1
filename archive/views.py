from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from archive import selectors
from archive.http import json_error, json_response
from archive.serializers import article_data, article_summary

API_PAGE_SIZE = 20


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON under /api/ (clients parse it), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error(404, f"no such resource: {request.path}")
    return render(request, "404.html", {"message": str(exception) if exception else ""}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """JSON under /api/, the site's plain error page elsewhere (no template context: it may be broken)."""
    if request.path.startswith("/api/"):
        return json_error(500, "internal error; it has been logged")
    from django.views.defaults import server_error as default

    return default(request)


@require_safe
def api_article_list(request: HttpRequest) -> JsonResponse:
    params = request.GET
    unknown = sorted(set(params) - {"province", "year", "page"})
    if unknown:
        return json_error(400, f"unknown parameter: {', '.join(unknown)}")
    province = params.get("province", "").strip()
    if province and selectors.province_get(slug=province) is None:
        return json_error(400, f"province: no province with slug {province!r} (see /api/provinces/)")
    year_text = params.get("year", "").strip()
    year = None
    if year_text:
        if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
            return json_error(400, f"year: expected four digits (yyyy), got {year_text!r}")
        year = int(year_text)
    page_text = params.get("page", "1").strip()
    # len() first: int() of more than 4,300 digits raises
    if not (page_text.isascii() and page_text.isdigit() and len(page_text) <= 9 and int(page_text) >= 1):
        return json_error(400, f"page: expected a positive whole number, got {page_text!r}")

    paginator = Paginator(selectors.article_list(province_slug=province or None, year=year), API_PAGE_SIZE)
    try:
        page = paginator.page(int(page_text))
    except (EmptyPage, PageNotAnInteger):
        return json_error(404, f"page {page_text} is out of range (1–{paginator.num_pages})")

    def page_url(number: int) -> str:
        query = params.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return json_response(
        {
            "count": paginator.count,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": [article_summary(a, request) for a in page.object_list],
        }
    )


@require_safe
def api_article_detail(request: HttpRequest, pk: int) -> JsonResponse:
    article = selectors.article_get(pk=pk)
    if article is None:
        return json_error(404, f"no article with id {pk}")
    return json_response(article_data(article, request))


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "provinces": selectors.province_counts(),
        "years": selectors.year_counts(),
        "latest": selectors.article_list()[:10],
    }
    return render(request, "archive/home.html", context)


@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_get(pk=pk)
    if article is None:
        raise Http404("Không có bài viết này.")
    # The search terms carry into the article page: highlighted there, and kept in the search box.
    query = request.GET.get("q", "")[:500]
    return render(request, "archive/article_detail.html", {"article": article, "query": query})
