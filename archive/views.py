from __future__ import annotations

import calendar
from datetime import date

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from archive import page_cache, selectors
from archive.citation import cite
from archive.export import ExportError, ExportHead, export_format, export_response
from archive.forms import ReaderReportForm
from archive.gazetteer import unknown_province_message
from archive.http import api_page_size, json_error, json_response
from archive.models import Article, Event, Province
from archive.serializers import article_data, article_summary, official_data, official_summary

PAGE_SIZE = 20
MONTHS = [
    "",
    gettext_noop("Tháng 1"),
    gettext_noop("Tháng 2"),
    gettext_noop("Tháng 3"),
    gettext_noop("Tháng 4"),
    gettext_noop("Tháng 5"),
    gettext_noop("Tháng 6"),
    gettext_noop("Tháng 7"),
    gettext_noop("Tháng 8"),
    gettext_noop("Tháng 9"),
    gettext_noop("Tháng 10"),
    gettext_noop("Tháng 11"),
    gettext_noop("Tháng 12"),
]
WEEKDAYS = [gettext_noop(d) for d in ("T2", "T3", "T4", "T5", "T6", "T7", "CN")]
# Labels the templates translate from data (event kinds, regions): listed for makemessages.
_DATA_LABELS = [
    gettext_noop("Sơ kết"),
    gettext_noop("Tổng kết"),
    gettext_noop("Giao ban"),
    gettext_noop("Hội nghị"),
    gettext_noop("Khác"),
    gettext_noop("Trung du và miền núi phía Bắc"),
    gettext_noop("Đồng bằng sông Hồng"),
    gettext_noop("Bắc Trung Bộ và duyên hải miền Trung"),
    gettext_noop("Tây Nguyên"),
    gettext_noop("Đông Nam Bộ"),
    gettext_noop("Đồng bằng sông Cửu Long"),
    gettext_noop("T2"),
    gettext_noop("T3"),
    gettext_noop("T4"),
    gettext_noop("T5"),
    gettext_noop("T6"),
    gettext_noop("T7"),
    gettext_noop("CN"),
]


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """JSON under /api/ (clients parse it), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error(404, f"no such resource: {request.path}")
    # A view's own reason ("Không có bài viết này."), never the resolver's list of tried patterns.
    message = "" if exception is None or isinstance(exception, Resolver404) else str(exception)
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's own 500 page; a static template with no database reads (the fault may be there)."""
    if request.path.startswith("/api/"):
        return json_error(500, "internal error; it has been logged")
    return render(request, "500.html", status=500)


def _page(request: HttpRequest, items, *, count: int | None = None, per_page: int = PAGE_SIZE):
    """The requested page of a list; a known total (cached) saves the paginator's COUNT query."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    try:
        return paginator.page(request.GET.get("page", "1"))
    except PageNotAnInteger as error:
        raise Http404(_("Số trang không hợp lệ.")) from error
    except EmptyPage as error:
        raise Http404(_("Trang này nằm ngoài danh sách.")) from error


def _page_links(request: HttpRequest, page) -> dict:
    """Previous/next and numbered links that keep every other parameter of the query string."""

    def url(n: int) -> str:
        data = request.GET.copy()
        data["page"] = str(n)
        return f"{request.path}?{data.urlencode()}"

    window = sorted(
        {1, page.paginator.num_pages, *range(page.number - 2, page.number + 3)}
        & set(page.paginator.page_range)
    )
    numbers, prev = [], 0
    for n in window:
        if n - prev > 1:
            numbers.append({"number": None})
        numbers.append({"number": n, "url": url(n), "current": n == page.number})
        prev = n
    return {
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "numbers": numbers if page.paginator.num_pages > 1 else [],
    }


def _export(request: HttpRequest, articles, *, title: str, filters: dict) -> HttpResponse | None:
    """`?format=csv|jsonl|ris|bibtex` on a browse list: the whole list as a file (archive/export.py);
    None when the page itself is asked for."""
    try:
        fmt = export_format(request)
    except ExportError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if fmt is None:
        return None
    data = request.GET.copy()
    for name in ("format", "page"):
        data.pop(name, None)
    source = f"{request.path}?{data.urlencode()}" if data else request.path
    head = ExportHead(
        source=request.build_absolute_uri(source),
        title=title,
        filters={k: [str(v)] for k, v in filters.items() if v},
        total=articles.count(),
    )
    return export_response(request, fmt, articles, head)


# Home, province, year, month and day pages show dân vận articles unless `?tat-ca=1` (issue #17,
# docs/relevance.md): the switch is a link, kept by pagination and by the links between these pages.
ALL_PARAM = "tat-ca"


def _everything(request: HttpRequest) -> bool:
    return request.GET.get(ALL_PARAM) == "1"


def _scope(request: HttpRequest) -> dict:
    """The switch's two links (same page, other parameters kept, back to page 1) and which is on."""
    everything = _everything(request)

    def url(on: bool) -> str:
        data = request.GET.copy()
        for name in ("page", ALL_PARAM):
            data.pop(name, None)
        if on:
            data[ALL_PARAM] = "1"
        return f"{request.path}?{data.urlencode()}" if data else request.path

    return {
        "everything": everything,
        "dan_van_url": url(False),
        "all_url": url(True),
        "query": f"?{ALL_PARAM}=1" if everything else "",  # for links to the other browse pages
        "key": "all" if everything else "dv",  # for the templates' cached fragments
    }


def _crumbs(*pairs) -> list[dict]:
    return [{"label": label, "url": url} for label, url in pairs]


# --- pages -------------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    era = "2025" if request.GET.get("ky") == "2025" else "legacy"
    everything = _everything(request)
    table = selectors.province_table(everything=everything)
    context = {
        "scope": _scope(request),
        "totals": selectors.site_totals(),
        "provinces": selectors.province_counts(everything=everything),
        "map_rows": table[era],
        "map_dots": sorted(table[era], key=lambda r: -r["radius"]),  # small dots drawn on top
        "map_outline": selectors.country_outline(),
        "map_labels": selectors.map_labels(table[era]),
        "era": era,
        "years": selectors.year_counts(everything=everything),
        "latest": selectors.latest_dated(limit=10, everything=everything),
        "counts_version": selectors.counts_version(),
    }
    return render(request, "archive/home.html", context)


def warm_up_home() -> None:
    """Build the home page in-process, as a visitor's request would (its template compiled, the
    map's outline drawn, the counts read), as search.views.warm_up_page does for a search page.
    gunicorn runs it in each worker before the worker takes requests: a worker's first home page
    took 3-5 times a cold one's 52 ms over HTTP (issue #21)."""
    from django.contrib.auth.models import AnonymousUser

    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("archive:home")
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
    request.user = AnonymousUser()
    home(request)


@require_safe
def province_list(request: HttpRequest) -> HttpResponse:
    everything = _everything(request)
    table = selectors.province_table(everything=everything)
    context = {
        "scope": _scope(request),
        "regions": selectors.provinces_by_region(table["legacy"]),
        "current": table["2025"],
        "unknown_province": selectors.unknown_province_count(everything=everything),
        "counts_version": selectors.counts_version(),
        "crumbs": _crumbs((_("Trang chủ"), reverse("archive:home")), (_("Tỉnh/thành"), "")),
    }
    return render(request, "archive/province_list.html", context)


@require_safe
def province_detail(request: HttpRequest, ref: str) -> HttpResponse:
    province = selectors.province_get(ref=ref)
    if province is None:
        raise Http404(_("Không có tỉnh/thành này."))
    if ref != province.ref:  # /tinh/Long An/ → /tinh/long-an/: one address per province
        return redirect(province.get_absolute_url(), permanent=True)
    everything = _everything(request)
    head = selectors.province_head(province, everything=everything)
    articles = selectors.province_articles(province, member_ids=head["member_ids"], everything=everything)
    exported = _export(
        request,
        articles,
        title=str(province),
        filters={"province": province.ref, "dan_van": "" if everything else "1"},
    )
    if exported:
        return exported
    page = _page(request, articles, count=head["total"])
    search_data = QueryDict(mutable=True)
    search_data["province"] = province.ref
    context = {
        "scope": _scope(request),
        "province": province,
        "summary": head,
        # Read only when their cached fragments are missing.
        "side": SimpleLazyObject(lambda: selectors.province_side(province, everything=everything)),
        "chart": SimpleLazyObject(lambda: selectors.year_chart(head["years"])),
        "page": page,
        "pages": _page_links(request, page),
        "search_url": f"{reverse('search:search')}?{search_data.urlencode()}",
        "feed_url": f"{reverse('search:feed')}?{search_data.urlencode()}",
        "meetings_url": f"{reverse('archive:meeting_list')}?tinh={province.ref}",
        "counts_version": selectors.counts_version(),
        "crumbs": _crumbs(
            (_("Trang chủ"), reverse("archive:home")),
            (_("Tỉnh/thành"), reverse("archive:province_list")),
            (str(province), ""),
        ),
    }
    return render(request, "archive/province_detail.html", context)


def _plain_list(request: HttpRequest, articles, *, title: str, lead: str, crumb: tuple, count: int):
    """A list of articles with its exports: the province-less and the undated (issue #19, item 5)."""
    exported = _export(request, articles, title=title, filters={})
    if exported:
        return exported
    page = _page(request, articles, count=count)
    context = {
        "scope": _scope(request),
        "title": title,
        "lead": lead,
        "page": page,
        "pages": _page_links(request, page),
        "crumbs": _crumbs((_("Trang chủ"), reverse("archive:home")), crumb, (title, "")),
    }
    return render(request, "archive/article_list.html", context)


@require_safe
def province_unknown(request: HttpRequest) -> HttpResponse:
    everything = _everything(request)
    count = selectors.unknown_province_count(everything=everything)
    return _plain_list(
        request,
        selectors.unknown_province_articles(everything=everything),
        title=_("Không rõ tỉnh"),
        lead=_("Các bài chưa xác định được tỉnh: chờ biên tập viên xem lại."),
        crumb=(_("Tỉnh/thành"), reverse("archive:province_list")),
        count=count,
    )


@require_safe
def undated_list(request: HttpRequest) -> HttpResponse:
    everything = _everything(request)
    count = selectors.site_totals()["undated" if everything else "undated_dan_van"]
    return _plain_list(
        request,
        selectors.undated_articles(everything=everything),
        title=_("Không rõ ngày đăng"),
        lead=_("Các bài không ghi ngày đăng, bài nhập sau cùng trước."),
        crumb=(_("Năm"), reverse("archive:year_list")),
        count=count,
    )


@require_safe
def year_list(request: HttpRequest) -> HttpResponse:
    years = selectors.year_counts(everything=_everything(request))
    context = {
        "scope": _scope(request),
        "years": years,
        "chart": selectors.year_chart(years),
        "totals": selectors.site_totals(),
        "crumbs": _crumbs((_("Trang chủ"), reverse("archive:home")), (_("Năm"), "")),
    }
    return render(request, "archive/year_list.html", context)


def _valid_year(year: int) -> None:
    if not 1900 <= year <= 2100:
        raise Http404(_("Năm ngoài phạm vi lưu trữ."))


@require_safe
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    _valid_year(year)
    everything, scope = _everything(request), _scope(request)
    months = selectors.year_months(year, everything=everything)
    inferred = selectors.year_inferred_count(year, everything=everything)
    total = sum(m["count"] for m in months) + inferred
    for m in months:
        m["label"] = _(MONTHS[m["month"]])
        m["url"] = reverse("archive:month_detail", args=[year, m["month"]]) + scope["query"]
    articles = selectors.year_articles(year, everything=everything)
    exported = _export(
        request, articles, title=str(year), filters={"year": year, "dan_van": "" if everything else "1"}
    )
    if exported:
        return exported
    years = [r["year"] for r in selectors.year_counts(everything=everything)]
    page = _page(request, articles, count=total)
    context = {
        "scope": scope,
        "year": year,
        "months": months,
        "total": total,
        "inferred": inferred,
        "counts_version": selectors.counts_version(),
        "provinces": selectors.year_provinces(year, everything=everything),
        "previous_year": max((y for y in years if y < year), default=None),
        "next_year": min((y for y in years if y > year), default=None),
        "page": page,
        "pages": _page_links(request, page),
        "crumbs": _crumbs(
            (_("Trang chủ"), reverse("archive:home")),
            (_("Năm"), reverse("archive:year_list")),
            (str(year), ""),
        ),
    }
    return render(request, "archive/year_detail.html", context)


@require_safe
def month_detail(request: HttpRequest, year: int, month: int) -> HttpResponse:
    _valid_year(year)
    if not 1 <= month <= 12:
        raise Http404(_("Không có tháng này."))
    everything, scope = _everything(request), _scope(request)
    days = selectors.month_days(year, month, everything=everything)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        cells = []
        for d in week:
            info = days.get(d, {"count": 0}) if d else None
            cells.append(
                {
                    "day": d,
                    "count": info["count"] if info else 0,
                    "url": reverse("archive:day_detail", args=[year, month, d]) + scope["query"]
                    if d and info["count"]
                    else "",
                }
            )
        weeks.append(cells)
    prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    next_month = (year, month + 1) if month < 12 else (year + 1, 1)
    month_label = _(MONTHS[month])
    context = {
        "scope": scope,
        "year": year,
        "month": month,
        "month_label": month_label,
        "weeks": weeks,
        "weekdays": [_(w) for w in WEEKDAYS],
        "total": sum(d["count"] for d in days.values()),
        "inferred": selectors.month_inferred_count(year, month, everything=everything),
        "previous_url": reverse("archive:month_detail", args=prev_month) + scope["query"],
        "next_url": reverse("archive:month_detail", args=next_month) + scope["query"],
        "crumbs": _crumbs(
            (_("Trang chủ"), reverse("archive:home")),
            (_("Năm"), reverse("archive:year_list")),
            (str(year), reverse("archive:year_detail", args=[year])),
            (month_label, ""),
        ),
    }
    return render(request, "archive/month_detail.html", context)


@require_safe
def day_detail(request: HttpRequest, year: int, month: int, day: int) -> HttpResponse:
    _valid_year(year)
    try:
        when = date(year, month, day)
    except ValueError as error:
        raise Http404(_("Không có ngày này.")) from error
    everything = _everything(request)
    articles = selectors.day_articles(when, everything=everything)
    exported = _export(
        request,
        articles,
        title=when.isoformat(),
        filters={"date": when.isoformat(), "dan_van": "" if everything else "1"},
    )
    if exported:
        return exported
    page = _page(request, articles, per_page=50)
    month_label = _(MONTHS[month])
    context = {
        "scope": _scope(request),
        "day": when,
        "page": page,
        "pages": _page_links(request, page),
        "crumbs": _crumbs(
            (_("Trang chủ"), reverse("archive:home")),
            (_("Năm"), reverse("archive:year_list")),
            (str(year), reverse("archive:year_detail", args=[year])),
            (month_label, reverse("archive:month_detail", args=[year, month])),
            (when.strftime("%d/%m/%Y"), ""),
        ),
    }
    return render(request, "archive/day_detail.html", context)


@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A repeated article page is served whole from the shared cache, whichever worker answers
    # (issue #21: ~45 ms of queries and template otherwise, 20 of them reading the article). The
    # key holds the article's own last save (one indexed read), the archive's counts version (any
    # change to what the page shows of other records: related articles, province, outlet) and
    # today's date (the citation's "accessed").
    # Staff see admin links and the source file: never cached. Exports are files: never cached.
    key = None
    if not request.user.is_authenticated and "format" not in request.GET:
        stamp = Article.objects.filter(pk=pk).values_list("updated_at", flat=True).first()
        if stamp is None:
            raise Http404(_("Không có bài viết này."))
        version = ("article", pk, stamp, selectors.counts_version(), timezone.localdate())
        key = page_cache.page_key(version, request)
        cached = page_cache.page_get(key, request)
        if cached is not None:
            return HttpResponse(cached, content_type="text/html; charset=utf-8")
    article = selectors.article_get(pk=pk)
    if article is None:
        raise Http404(_("Không có bài viết này."))
    exported = _export(request, Article.objects.filter(pk=pk), title=article.title, filters={})
    if exported:
        return exported
    response = _article_response(request, article)
    if key and response.status_code == 200:
        page_cache.page_put(key, response.content, timeout=ARTICLE_PAGE_SECONDS)
    return response


# Article pages are many (every visit to another article stores one): kept 15 minutes, a repeat
# visit's span, so that a crawl through the archive does not crowd out the search pages.
ARTICLE_PAGE_SECONDS = 15 * 60


def _article_response(request: HttpRequest, article: Article) -> HttpResponse:
    # The search terms carry into the article page: highlighted there, and kept in the search box.
    query = request.GET.get("q", "")[:500]
    crumbs = [(_("Trang chủ"), reverse("archive:home"))]
    if article.province_id:
        crumbs.append((article.province.name, article.province.get_absolute_url()))
    if article.published_on:
        crumbs.append(
            (str(article.published_on.year), reverse("archive:year_detail", args=[article.published_on.year]))
        )
    crumbs.append((article.title, ""))
    context = {
        "article": article,
        "query": query,
        "related": selectors.related_articles(article=article),
        "result_nav": _result_neighbours(request, article),
        "crumbs": _crumbs(*crumbs),
        "show_source_file": request.user.is_staff,
        "citation": cite(
            article,
            permalink=request.build_absolute_uri(article.get_absolute_url()),
            accessed=timezone.localdate(),
        ),
        "report_form": ReaderReportForm(),
        "export_ris": f"{article.get_absolute_url()}?format=ris",
        "export_bibtex": f"{article.get_absolute_url()}?format=bibtex",
        "capture": selectors.article_capture_info(article=article),  # issue #17: the page as captured
    }
    return render(request, "archive/article_detail.html", context)


REPORTS_PER_HOUR = 5  # "Báo lỗi" reports from one address in an hour; more answer 429


def _report_allowed(request: HttpRequest) -> bool:
    """Count this address's reports in the shared cache (hashed: no address is stored anywhere)."""
    import hashlib

    from django.core.cache import cache

    from config.health import client_ip

    key = "reader-report:" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= REPORTS_PER_HOUR


@require_POST
def article_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A reader's "Báo lỗi" (no account; CSRF, a honeypot and a rate limit per address): the report
    goes to the editors' review queue, never onto a public page."""
    from archive import services

    article = selectors.article_get(pk=pk)
    if article is None:
        raise Http404(_("Không có bài viết này."))
    form = ReaderReportForm(request.POST)
    context = {
        "article": article,
        "form": form,
        "crumbs": _crumbs(
            (_("Trang chủ"), reverse("archive:home")),
            (article.title, article.get_absolute_url()),
            (_("Báo lỗi"), ""),
        ),
    }
    if not _report_allowed(request):
        return render(request, "archive/article_report.html", {**context, "limited": True}, status=429)
    if form.is_bot():  # told it worked, stored nowhere
        return render(request, "archive/article_report.html", {**context, "done": True})
    if not form.is_valid():
        return render(request, "archive/article_report.html", context, status=400)
    services.reader_report_create(
        article=article, field=form.cleaned_data["field"], note=form.cleaned_data["note"]
    )
    return render(request, "archive/article_report.html", {**context, "done": True})


def _result_neighbours(request: HttpRequest, article) -> dict | None:
    """Previous / next result when the reader came from a search.

    The search page's result links carry the whole search (q, filters, sort) with the result's
    rank `n` and the total `t`; the neighbours are the search's own /tim-kiem/ket-qua/ redirect
    with n ± 1 (archive never imports search: it only names the URL).
    """
    data = request.GET.copy()
    n_text, t_text = data.get("n", ""), data.get("t", "")
    if not (n_text.isascii() and n_text.isdigit() and t_text.isascii() and t_text.isdigit()):
        return None
    n, total = int(n_text), int(t_text)
    if not 1 <= n <= total:
        return None

    def result_url(rank: int) -> str:
        d = data.copy()
        d["n"] = str(rank)
        return f"{reverse('search:result')}?{d.urlencode()}"

    back = data.copy()
    for name in ("n", "t"):
        back.pop(name, None)
    per_page = 20
    if n > per_page:
        back["page"] = str((n - 1) // per_page + 1)
    return {
        "n": n,
        "total": total,
        "previous_url": result_url(n - 1) if n > 1 else "",
        "next_url": result_url(n + 1) if n < total else "",
        "results_url": f"{reverse('search:search')}?{back.urlencode()}",
    }


@require_safe
def official_list(request: HttpRequest) -> HttpResponse:
    province = None
    ref = request.GET.get("tinh", "").strip()
    if ref:
        province = selectors.province_get(ref=ref)
        if province is None:
            raise Http404(_("Không có tỉnh/thành này."))
    page = _page(
        request,
        selectors.official_ranking(province=province),
        per_page=50,
    )
    table = selectors.province_table()
    context = {
        "page": page,
        "pages": _page_links(request, page),
        "province": province,
        "province_options": [*table["2025"], *table["legacy"]],
        "crumbs": _crumbs((_("Trang chủ"), reverse("archive:home")), (_("Cán bộ"), "")),
    }
    return render(request, "archive/official_list.html", context)


@require_safe
def official_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    official = selectors.official_get(pk=pk)
    if official is None:
        raise Http404(_("Không có cán bộ này."))
    if slug != official.slug:
        return redirect(official.get_absolute_url(), permanent=True)
    exported = _export(
        request,
        selectors.newest_first(Article.objects.filter(mentions__official=official).distinct()),
        title=official.name,
        filters={"official": official.name},
    )
    if exported:
        return exported
    data = selectors.official_timeline(official)
    search_data = QueryDict(mutable=True)
    search_data["official"] = official.name
    context = {
        "official": official,
        "data": data,
        "search_url": f"{reverse('search:search')}?{search_data.urlencode()}",
        "feed_url": f"{reverse('search:feed')}?{search_data.urlencode()}",
        "counts_version": selectors.counts_version(),
        "crumbs": _crumbs(
            (_("Trang chủ"), reverse("archive:home")),
            (_("Cán bộ"), reverse("archive:official_list")),
            (official.name, ""),
        ),
    }
    return render(request, "archive/official_detail.html", context)


@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    province = None
    ref = request.GET.get("tinh", "").strip()
    if ref:
        province = selectors.province_get(ref=ref)
        if province is None:
            raise Http404(_("Không có tỉnh/thành này."))
    kind = request.GET.get("loai", "").strip()
    kinds = dict(Event.Kind.choices)
    if kind and kind not in kinds:
        raise Http404(_("Không có loại sự kiện này."))
    period = request.GET.get("ky", "").strip()
    context = {
        "province": province,
        "kind": kind,
        "kind_label": kinds.get(kind, ""),
        "period": period,
        "kinds": list(Event.Kind.choices),
        "province_options": [*selectors.province_table()["2025"], *selectors.province_table()["legacy"]],
        "crumbs": _crumbs((_("Trang chủ"), reverse("archive:home")), (_("Hội nghị, sự kiện"), "")),
    }
    if kind and period:
        events = selectors.meeting_events(kind=kind, period=period, province=province)
        exported = _export(
            request,
            selectors.newest_first(Article.objects.filter(pk__in=events.values("article_id"))),
            title=f"{kinds[kind]} {period}",
            filters={"kind": kind, "period": period, "province": province.ref if province else ""},
        )
        if exported:
            return exported
        page = _page(
            request, selectors.meeting_events(kind=kind, period=period, province=province), per_page=50
        )
        context.update({"page": page, "pages": _page_links(request, page)})
    else:
        groups = selectors.meeting_groups(province=province, kind=kind or None)
        for g in groups:
            data = QueryDict(mutable=True)
            if province:
                data["tinh"] = province.ref
            data["loai"] = g["kind"]
            data["ky"] = g["period"]
            g["url"] = f"{request.path}?{data.urlencode()}"
        by_kind: dict[str, dict] = {}
        for g in groups:
            by_kind.setdefault(g["kind"], {"kind": g["kind"], "label": g["label"], "groups": []})[
                "groups"
            ].append(g)
        context["by_kind"] = list(by_kind.values())
    return render(request, "archive/meeting_list.html", context)


# --- JSON API ----------------------------------------------------------------------------------


def _api_page(request: HttpRequest, items, *, count: int | None = None):
    page_text = request.GET.get("page", "1").strip()
    # len() first: int() of more than 4,300 digits raises
    if not (page_text.isascii() and page_text.isdigit() and len(page_text) <= 9 and int(page_text) >= 1):
        return None, json_error(400, f"page: expected a positive whole number, got {page_text!r}")
    size, error = api_page_size(request)
    if error:
        return None, error
    paginator = Paginator(items, size)
    if count is not None:
        paginator.__dict__["count"] = count
    try:
        page = paginator.page(int(page_text))
    except (EmptyPage, PageNotAnInteger):
        return None, json_error(404, f"page {page_text} is out of range (1–{paginator.num_pages})")
    return page, None


def _api_envelope(request: HttpRequest, page, results: list) -> dict:
    def page_url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": page.paginator.count,
        "next": page_url(page.next_page_number()) if page.has_next() else None,
        "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
        "results": results,
    }


def _api_province(request: HttpRequest):
    """The `province=` parameter as (Province or None, error): whatever `archive.gazetteer` resolves,
    as every other API and form takes it."""
    ref = request.GET.get("province", "").strip()
    if not ref:
        return None, None
    province = selectors.province_get(ref=ref)
    if province is None:
        return None, json_error(400, unknown_province_message("province", ref))
    return province, None


@require_safe
def api_article_list(request: HttpRequest) -> JsonResponse:
    params = request.GET
    unknown = sorted(set(params) - {"province", "year", "dan_van", "page", "page_size"})
    if unknown:
        return json_error(400, f"unknown parameter: {', '.join(unknown)}")
    province, error = _api_province(request)
    if error:
        return error
    year_text = params.get("year", "").strip()
    year = None
    if year_text:
        if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
            return json_error(400, f"year: expected four digits (yyyy), got {year_text!r}")
        year = int(year_text)
    dan_van_text = params.get("dan_van", "").strip()
    if dan_van_text not in ("", "0", "1"):
        return json_error(
            400, f"dan_van: expected 1 (dân vận articles) or 0 (the others), got {dan_van_text!r}"
        )
    dan_van = None if not dan_van_text else dan_van_text == "1"
    page, error = _api_page(request, selectors.article_pages(province=province, year=year, dan_van=dan_van))
    if error:
        return error
    return json_response(
        _api_envelope(request, page, [article_summary(a, request) for a in page.object_list])
    )


@require_safe
def api_article_detail(request: HttpRequest, pk: int) -> JsonResponse:
    article = selectors.article_get(pk=pk)
    if article is None:
        return json_error(404, f"no article with id {pk}")
    return json_response(article_data(article, request))


@require_safe
def api_province_list(request: HttpRequest) -> JsonResponse:
    unknown = sorted(set(request.GET) - {"era"})
    if unknown:
        return json_error(400, f"unknown parameter: {', '.join(unknown)}")
    era = request.GET.get("era", "").strip()
    if era not in ("", "legacy", "2025"):
        return json_error(400, f"era: expected 'legacy' or '2025', got {era!r}")
    table = selectors.province_table()
    rows = [*(table["legacy"] if era != "2025" else []), *(table["2025"] if era != "legacy" else [])]

    def shape(r: dict) -> dict:
        out = {
            "slug": r["ref"],
            "name": r["name"],
            "full_name": r["full_name"],
            "era": r["era"],
            "code": r["code"],
            "region": r["region"],
            "article_count": r["count"],
            "url": request.build_absolute_uri(r["url"]),
            "articles": request.build_absolute_uri(
                f"{reverse('archive:api_article_list')}?province={r['ref']}"
            ),
        }
        if r["era"] == Province.Era.BEFORE_2025:
            out["successor_2025"] = r["successor"]["ref"] if r.get("successor") else None
        else:
            out["predecessors"] = [p["ref"] for p in r["predecessors"]]
        return out

    results = [shape(r) for r in rows]
    return json_response({"count": len(results), "next": None, "previous": None, "results": results})


@require_safe
def api_official_list(request: HttpRequest) -> JsonResponse:
    unknown = sorted(set(request.GET) - {"province", "page", "page_size"})
    if unknown:
        return json_error(400, f"unknown parameter: {', '.join(unknown)}")
    province, error = _api_province(request)
    if error:
        return error
    page, error = _api_page(request, selectors.official_ranking(province=province))
    if error:
        return error
    return json_response(
        _api_envelope(request, page, [official_summary(o, request) for o in page.object_list])
    )


@require_safe
def api_official_detail(request: HttpRequest, pk: int) -> JsonResponse:
    official = selectors.official_get(pk=pk)
    if official is None:
        return json_error(404, f"no official with id {pk}")
    return json_response(official_data(official, selectors.official_timeline(official, evidence=50), request))
