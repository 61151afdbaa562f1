"""Search page, search API, Atom feed and OpenSearch description (issue #3)."""

from __future__ import annotations

import csv
import math
from collections import Counter
from datetime import datetime, time

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.timezone import make_aware
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive import page_cache
from archive.export import ExportError, ExportHead, export_format, export_response
from archive.http import api_page_size, json_error, json_response
from search.engines import engine, fill_periods
from search.forms import (
    CONTENT_FACETS,
    FACET_LABELS,
    FACETS,
    SORT_LABELS,
    SearchParamsError,
    facet_label,
    parse_params,
)
from search.query import build_plan
from search.selectors import readings, search_articles, suggestions

PER_PAGE = 20
FEED_ITEMS = 30
FACET_SHOWN = 12  # values per facet in the sidebar (the selected ones always show)


def _dated(article) -> bool:
    """Dated to the day on its page: only then is `published_on` shown as a date (issue #20)."""
    return article.published_on is not None and article.date_precision == "day"


def _url(request: HttpRequest, data: QueryDict, path: str | None = None) -> str:
    query = data.urlencode()
    return f"{path or request.path}?{query}" if query else (path or request.path)


def _without(data: QueryDict, name: str, value: str | None = None) -> QueryDict:
    """The query string minus one value of a parameter (or all of it), back on page 1."""
    data = data.copy()
    data.pop("page", None)
    if value is None:
        data.pop(name, None)
    else:
        data.setlist(name, [v for v in data.getlist(name) if v != value])
    return data


def _with(data: QueryDict, name: str, value: str) -> QueryDict:
    data = data.copy()
    data.pop("page", None)
    if value not in data.getlist(name):
        data.appendlist(name, value)
    return data


def _api_facet(values: list[tuple[str, int]], name: str) -> list[list]:
    """[[value, count], …]: years in time order (they read as a timeline), the rest by count."""
    if name == "year":
        values = sorted(values)
    return [[v, c] for v, c in values]


def _page_window(page: int, num_pages: int, around: int = 2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None stands for the gap."""
    shown = {1, num_pages, *range(page - around, page + around + 1)}
    out: list[int | None] = []
    prev = 0
    for n in sorted(p for p in shown if 1 <= p <= num_pages):
        if n - prev > 1:
            out.append(None)
        out.append(n)
        prev = n
    return out


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "atom":
        return search_feed(request)
    try:
        fmt = export_format(request)
    except ExportError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if fmt:
        return search_export(request, fmt)
    if request.user.is_authenticated:  # staff pages differ (admin links): never cached
        return _search_response(request)
    # A repeated search is served whole from the shared cache, whichever worker answers.
    key = page_cache.page_key(engine().version(), request)
    cached = page_cache.page_get(key, request)
    if cached is not None:
        return HttpResponse(cached, content_type="text/html; charset=utf-8")
    response = _search_response(request)
    if response.status_code == 200:
        page_cache.page_put(key, response.content)
    return response


def warm_up_page() -> None:
    """Build one search page in-process, as a visitor's request would (templates compiled, URLs
    resolved, the database connected, the snippet code loaded), without storing it in the page
    cache. gunicorn runs it in each worker before the worker takes requests."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("search:search")
    request.GET = QueryDict("q=d%C3%A2n+v%E1%BA%ADn")
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
    request.user = AnonymousUser()
    _search_response(request)


def search_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole result list (to the export cap) as CSV, JSON Lines, RIS or BibTeX, in the
    page's order; the file states the query, the filters and when it was made."""
    try:
        params = parse_params(request.GET)
    except SearchParamsError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if not params.active:
        return HttpResponse(
            _("q: nhập từ cần tìm hoặc chọn một bộ lọc trước khi xuất."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    head = ExportHead(source="", title=_("Tìm kiếm"))
    plan = build_plan(
        params.query,
        filters=params.filters,
        date_from=params.date_from,
        date_to=params.date_to,
        sort=params.sort,
        page=1,
        per_page=head.cap,
    )
    outcome = engine().search(plan)
    data = request.GET.copy()
    for name in ("format", "page"):
        data.pop(name, None)
    head.source = request.build_absolute_uri(_url(request, data))
    head.query = params.query.display()
    head.filters = dict(params.filters)
    if params.date_from:
        head.filters["from"] = [params.date_from.isoformat()]
    if params.date_to:
        head.filters["to"] = [params.date_to.isoformat()]
    head.filters["sort"] = [params.sort]
    head.total = outcome.listed
    return export_response(request, fmt, [h.pk for h in outcome.hits], head)


def _search_response(request: HttpRequest) -> HttpResponse:
    """The search page, built."""
    try:
        params = parse_params(request.GET)
    except SearchParamsError as error:
        context = {"query": request.GET.get("q", ""), "error": str(error), "searched": False}
        return render(request, "search/search.html", context, status=400)

    context: dict = {
        "query": params.q,
        "params": params,
        "searched": params.active,
        "sort_options": [(key, label, key == params.sort) for key, label in SORT_LABELS.items()],
        "error": "",
    }
    if not params.active:
        return render(request, "search/search.html", context)
    return _search_page(request, params, context)


def _search_page(request: HttpRequest, params, context: dict) -> HttpResponse:
    # The month trend is counted with the results, in the one evaluation of the search (issue #18:
    # `Kim Bôi` evaluated its query twice, results then months); the chart uses it when it shows months.
    # The sidebar shows FACET_SHOWN values a facet (the selected ones too) and every year (the
    # chart); the months are counted only when the chart shows them (years spanning at most
    # CHART_MONTHS_YEARS: `_trend_chart`).
    outcome, rows = search_articles(
        params,
        per_page=PER_PAGE,
        facet_limit=FACET_SHOWN,
        whole_facets=("year",),
        trend_by="month",
        trend_years=CHART_MONTHS_YEARS,
    )
    num_pages = max(1, math.ceil(outcome.listed / PER_PAGE))
    if params.page > num_pages:
        raise Http404("Trang này nằm ngoài kết quả tìm kiếm.")

    data = request.GET.copy()
    data.pop("format", None)
    facets = []
    for name in FACETS:
        selected = params.filters.get(name, [])
        counts = dict(outcome.facets.get(name, []))
        values = list(outcome.facets.get(name, []))  # cut at FACET_SHOWN by the engine (the plan's)
        if name == "year":
            values.sort()
        shown = {v for v, _ in values}
        values += [(v, counts.get(v, 0)) for v in selected if v not in shown]
        top = max((c for _, c in values), default=0)
        facets.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "chart": name == "year",
                "content": name in CONTENT_FACETS,
                "values": [
                    {
                        "value": v,
                        "label": facet_label(name, v),
                        "count": c,
                        "selected": v in selected,
                        "percent": round(100 * c / top) if top else 0,
                        "url": _url(
                            request, _without(data, name, v) if v in selected else _with(data, name, v)
                        ),
                    }
                    for v, c in values
                ],
            }
        )
    chips = [
        {
            "label": f"{FACET_LABELS[name]}: {facet_label(name, v)}",
            "url": _url(request, _without(data, name, v)),
        }
        for name in FACETS
        for v in params.filters.get(name, [])
    ]
    if params.date_from:
        chips.append(
            {
                "label": _("Từ %(date)s") % {"date": f"{params.date_from:%d/%m/%Y}"},
                "url": _url(request, _without(data, "from")),
            }
        )
    if params.date_to:
        chips.append(
            {
                "label": _("Đến %(date)s") % {"date": f"{params.date_to:%d/%m/%Y}"},
                "url": _url(request, _without(data, "to")),
            }
        )

    def page_url(n: int) -> str:
        d = data.copy()
        d["page"] = str(n)
        return _url(request, d)

    feed_data = data.copy()
    feed_data.pop("page", None)
    context.update(
        {
            "outcome": outcome,
            "total": outcome.total,
            "apart": outcome.apart,
            "shown_query": params.query.display() if not params.query.empty else "",
            "facets": facets,
            "chips": chips,
            "clear_url": _url(request, _only_q(params.q)),
            "pages": [
                {"number": n, "url": page_url(n) if n else "", "current": n == params.page}
                for n in _page_window(params.page, num_pages)
            ],
            "previous_url": page_url(params.page - 1) if params.page > 1 else "",
            "next_url": page_url(params.page + 1) if params.page < num_pages else "",
            "num_pages": num_pages,
            "first_number": (params.page - 1) * PER_PAGE + 1,
            "suggestions": [] if outcome.listed else _suggestion_links(request, params, data),
            "readings": _reading_links(request, outcome.query, data),
            "trend": _trend_chart(request, params, outcome),
            "article_query": _only_q(params.q).urlencode(),
            "rows": _with_result_links(rows, data, params, outcome.listed),
            "feed_url": _url(request, feed_data, reverse("search:feed")),
            "truncated": params.query.truncated,
        }
    )
    return render(request, "search/search.html", context)


def _with_result_links(rows: list, data: QueryDict, params, total: int) -> list:
    """Each result links to its article with the whole search and its rank (n of t): the article
    page highlights the terms and offers the previous / next result (search_result below)."""
    carried = data.copy()
    carried.pop("page", None)
    first = (params.page - 1) * PER_PAGE + 1
    for i, row in enumerate(rows):
        d = carried.copy()
        d["n"] = str(first + i)
        d["t"] = str(total)
        row.url = f"{row.article.get_absolute_url()}?{d.urlencode()}"
    return rows


@require_safe
def search_result(request: HttpRequest) -> HttpResponse:
    """/tim-kiem/ket-qua/?<search>&n=5: the article at rank n of a search, with the search carried."""
    try:
        params = parse_params(request.GET)
    except SearchParamsError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    n_text = request.GET.get("n", "")
    if not (params.active and n_text.isascii() and n_text.isdigit() and int(n_text) >= 1):
        raise Http404("Không rõ kết quả tìm kiếm nào.")
    params.page = int(n_text)
    outcome, rows = search_articles(params, per_page=1)
    if not rows:
        raise Http404("Kết quả này không còn trong danh sách tìm kiếm.")
    data = request.GET.copy()
    data.pop("page", None)
    data["t"] = str(outcome.listed)
    return redirect(f"{rows[0].article.get_absolute_url()}?{data.urlencode()}")


def _only_q(q: str) -> QueryDict:
    data = QueryDict(mutable=True)
    if q:
        data["q"] = q
    return data


def _suggestion_links(request, params, data: QueryDict) -> list[dict]:
    """What the page offers when nothing is found; the API returns the same list."""
    links = []
    for s in suggestions(params):
        d = QueryDict(mutable=True) if s.drop_filters else data.copy()
        d.pop("page", None)
        d.pop("format", None)
        d["q"] = s.q
        links.append(
            {
                "label": f"{s.label} ({s.note})" if s.note else s.label,
                "query": s.label,
                "note": s.note,
                "q": s.q,
                "count": s.count,
                "url": _url(request, d, reverse("search:search")),
            }
        )
    return links


def _reading_links(request, query, data: QueryDict) -> list[dict]:
    """cháy · chạy · chảy for `chay`: each accented reading as a search of its own."""
    links = []
    for r in readings(query):
        d = data.copy()
        d.pop("page", None)
        d.pop("format", None)
        d["q"] = r.q
        links.append({"q": r.q, "count": r.count, "url": _url(request, d, reverse("search:search"))})
    return links


CHART_W, CHART_H = 300, 90  # the search page's trend chart, in SVG user units
CHART_MONTHS_YEARS = 3  # the chart shows months when the matches' years span at most this many


def _trend_chart(request, params, outcome) -> dict | None:
    """Bars per year (per month when the matches span at most three years) for the page's SVG.
    Years come from the year facet the search already counted; months from the trend it counted
    in the same evaluation (`SearchPlan.trend_by`)."""
    counts = Counter({year: n for year, n in outcome.facets.get("year", []) if year.isdigit()})
    series, undated = fill_periods(counts, "year"), max(0, outcome.counted - sum(counts.values()))
    by = "year"
    if 0 < len(series) <= CHART_MONTHS_YEARS:
        by = "month"
        series, undated = outcome.trend
    if not series:
        return None
    top = max(c for _, c in series) or 1
    width = CHART_W / len(series)
    bars = [
        {
            "period": period,
            "count": count,
            "x": round(i * width, 2),
            "width": round(max(width - 1, 0.5), 2),
            "height": round(CHART_H * count / top, 2),
            "y": round(CHART_H - CHART_H * count / top, 2),
        }
        for i, (period, count) in enumerate(series)
    ]
    data = _only_q(params.q)
    for name, values in params.filters.items():
        data.setlist(name, values)
    data["by"] = by
    csv_data = data.copy()
    csv_data["format"] = "csv"
    return {
        "by": by,
        "bars": bars,
        "first": series[0][0],
        "last": series[-1][0],
        "top": top,
        "undated": undated,
        "width": CHART_W,
        "height": CHART_H,
        "json_url": _url(request, data, reverse("search:trend")),
        "csv_url": _url(request, csv_data, reverse("search:trend")),
    }


def search_redirect(request: HttpRequest) -> HttpResponse:
    """/search/ is the English alias of /tim-kiem/: same query string."""
    target = reverse("search:search")
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


# --- API ---------------------------------------------------------------------------------------


@require_safe
def api_search(request: HttpRequest) -> JsonResponse:
    try:
        params = parse_params(request.GET, strict=True)
    except SearchParamsError as error:
        return json_error(400, str(error))
    if not params.active:
        return json_error(
            400,
            "q: give a query, or at least one filter (province, year, kind, official, outlet, dan_van, from, to)",
        )
    per_page, error = api_page_size(request)
    if error:
        return error
    outcome, rows = search_articles(params, per_page=per_page)
    num_pages = max(1, math.ceil(outcome.listed / per_page))
    if params.page > num_pages:
        return json_error(404, f"page {params.page} is out of range (1–{num_pages})")
    results = []
    for row in rows:
        a = row.article
        url = request.build_absolute_uri(a.get_absolute_url())
        if params.q:
            url = f"{url}?{_only_q(params.q).urlencode()}"
        results.append(
            {
                "id": a.pk,
                "url": url,
                "title": a.title,
                # A year inferred from the text is no date (issue #20): the article's own API says it.
                "published": a.published_on.isoformat() if _dated(a) else None,
                "province": a.province.name if a.province_id else None,
                "dan_van": a.dan_van,
                "relevance": a.relevance,
                "snippet": row.snippet_html,
                "apart": row.apart,
            }
        )
    data = request.GET.copy()
    return json_response(
        {
            "count": outcome.total,
            # Listed after the `count` word-level matches: articles holding every syllable typed,
            # not as the words (issue #15); each result says which it is in "apart".
            "apart": outcome.apart,
            "page": params.page,
            "num_pages": num_pages,
            "query": outcome.query.display(),
            "results": results,
            "facets": {name: _api_facet(outcome.facets.get(name, []), name) for name in FACETS},
            # The same offers as the search page: other readings of an unaccented word, and
            # broader searches when nothing is found.
            "readings": _reading_links(request, outcome.query, data),
            "suggestions": [] if outcome.listed else _suggestion_links(request, params, data),
        }
    )


@require_safe
def api_trend(request: HttpRequest) -> HttpResponse:
    """`/api/search/trend/?q=…&by=year|month&province=…[&format=csv]`: matching articles per period."""
    try:
        params = parse_params(request.GET, strict=True)
    except SearchParamsError as error:
        return json_error(400, str(error))
    by = request.GET.get("by", "").strip() or "year"
    if by not in ("year", "month"):
        return json_error(400, f"by: expected year or month, got {by!r}")
    fmt = request.GET.get("format", "").strip() or "json"
    if fmt not in ("json", "csv"):
        return json_error(400, f"format: expected json or csv, got {fmt!r}")
    plan = build_plan(
        params.query, filters=params.filters, date_from=params.date_from, date_to=params.date_to, trend_by=by
    )
    trend = engine().trend(plan)
    series, undated, total = trend.series, trend.undated, trend.total
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="trend-{by}.csv"'
        writer = csv.writer(response)
        writer.writerow([by, "count"])
        writer.writerows(series)
        if undated:
            writer.writerow(["undated", undated])
        return response
    return json_response(
        {
            "q": params.q,
            "query": params.query.display(),
            "by": by,
            "filters": params.filters,
            "total": total,
            "undated": undated,
            "series": [{"period": p, "count": c} for p, c in series],
        }
    )


# --- feeds -------------------------------------------------------------------------------------


@require_safe
def search_feed(request: HttpRequest) -> HttpResponse:
    """An Atom feed of any search, newest first unless another sort is asked for."""
    data = request.GET.copy()
    data.pop("format", None)
    if "sort" not in data:
        data["sort"] = "newest"
    try:
        params = parse_params(data)
    except SearchParamsError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    params.page = 1
    page_link = request.build_absolute_uri(_url(request, data, reverse("search:search")))
    title = f"Dân vận Archive — {params.query.display() or 'tìm kiếm'}"
    feed = feedgenerator.Atom1Feed(
        title=title,
        link=page_link,
        description=title,
        language="vi",
        feed_url=request.build_absolute_uri(),
        author_name="Dân vận Archive",  # Atom requires an author for the feed (or every entry)
        author_link=request.build_absolute_uri("/"),
    )
    if params.active:
        _, rows = search_articles(params, per_page=FEED_ITEMS)
        for row in rows:
            a = row.article
            link = request.build_absolute_uri(a.get_absolute_url())
            if params.q:
                link = f"{link}?{_only_q(params.q).urlencode()}"
            # An undated article gets no invented publication date: Atom's <published> is optional;
            # its <updated> is when the record last changed.
            published = None
            if _dated(a):
                published = make_aware(datetime.combine(a.published_on, a.published_time or time(0, 0)))
            feed.add_item(
                title=a.title,
                link=link,
                description=row.snippet_html,
                pubdate=published,
                updateddate=a.updated_at,
                unique_id=request.build_absolute_uri(a.get_absolute_url()),
                categories=[a.province.name] if a.province_id else None,
            )
    return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    context = {
        "search_url": request.build_absolute_uri(reverse("search:search")),
        "feed_url": request.build_absolute_uri(reverse("search:feed")),
        "api_url": request.build_absolute_uri(reverse("search:api")),
    }
    return render(
        request,
        "search/opensearch.xml",
        context,
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
