"""Reads the views need.

Counts over the whole archive (per province, year, month, official) are cached in Django's cache
under a version key; any change to articles, mentions, events, officials, outlets or provinces
bumps the version (archive.signals, and services after a bulk ingest), so a page never shows
counts older than the last write.
"""

from __future__ import annotations

import math
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, Max, Min, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from archive.extract.positions import fold_short_posts, posts
from archive.gazetteer import (  # noqa: F401 — province_member_* are read through selectors too
    province_member_ids,
    province_member_names,
    province_resolve,
    province_rows,
)
from archive.models import Article, ArticleOfficial, Event, IndexPending, Official, Province

COUNTS_TIMEOUT = 24 * 3600  # the version key does the invalidating; this only bounds stale keys
VERSION_KEY = "archive:counts:version"


# --- the counts cache --------------------------------------------------------------------------


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex[:12], None)
        version = cache.get(VERSION_KEY) or "0"
    return version


def counts_version() -> str:
    """Changes whenever the counts do: a key for template fragments built from them."""
    return _version()


def counts_invalidate() -> None:
    """Forget every cached count (called when articles or what they mention change)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex[:12], None)


def _cached(name: str, compute):
    key = f"archive:{_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, COUNTS_TIMEOUT)
    return value


# --- which articles the browse pages count (issue #17): dân vận ones unless the reader asks for all --


def scoped(queryset: QuerySet[Article], everything: bool) -> QuerySet[Article]:
    """The dân vận articles of a queryset, or all of them when `everything` (`?tat-ca=1`)."""
    return queryset if everything else queryset.filter(dan_van=True)


def _scope_key(name: str, everything: bool) -> str:
    return name if everything else f"dv:{name}"


def newest_first(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Newest first, undated articles last on every database (PostgreSQL puts NULL first on DESC)."""
    return queryset.order_by(F("published_on").desc(nulls_last=True), "-id")


# --- articles ----------------------------------------------------------------------------------


def article_list(
    *, province_slug: str | None = None, year: int | None = None, province: Province | None = None
) -> QuerySet[Article]:
    articles = Article.objects.select_related("province__successor", "outlet")
    if province_slug:
        province = province_get(ref=province_slug)
        if province is None:
            return articles.none()
    if province is not None:
        articles = articles.filter(province_id__in=province_member_ids(province))
    if year:
        articles = articles.filter(published_on__year=year)
    return newest_first(
        articles.prefetch_related(
            Prefetch("mentions", queryset=ArticleOfficial.objects.select_related("official").order_by("id")),
            Prefetch("events", queryset=Event.objects.select_related("chair")),
        )
    )


class ArticlePages:
    """Articles for a paginator, a page read in two steps: the page's ids from the index the order
    uses (no row is read for the articles skipped), then those articles with their relations. One
    query over whole rows read every skipped article: 36 ms of SQL for page 50 of /api/articles/ at
    100,000 articles, plus an uncached COUNT(*) per request (issue #21)."""

    def __init__(self, queryset: QuerySet[Article], *, count: int):
        self.queryset = queryset
        self.ordered = True
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        found = {a.pk: a for a in self.queryset.filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]


def article_pages(
    *, province: Province | None = None, year: int | None = None, dan_van: bool | None = None
) -> ArticlePages:
    """`article_list` for a paginator, its count cached with the other counts. `dan_van`: only the
    dân vận articles (True), only the others (False), or all (None)."""
    articles = article_list(province=province, year=year)
    if dan_van is not None:
        articles = articles.filter(dan_van=dan_van)
    name = f"article-count:{province.pk if province else ''}:{year or ''}:{'' if dan_van is None else int(dan_van)}"
    return ArticlePages(articles, count=_cached(name, articles.count))


def article_get(*, pk: int) -> Article | None:
    """One article with what its page shows; the page as received (`raw`, as long as the text or
    longer) is left unread: no page or API answer shows it (the admin and "Bản lưu gốc" read it)."""
    return article_list().defer("raw").filter(pk=pk).first()


def article_cards(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """What a list item shows: the article with its province (and successor) and outlet."""
    return queryset.select_related("province__successor", "outlet").defer("raw", "text")


def dated_to_the_day(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Articles whose page prints day, month and year. A year inferred from the text is never shown
    as a date (issue #20): not in "Mới nhất", not on a month's calendar or a day's page."""
    return queryset.filter(date_precision=Article.Precision.DAY).exclude(published_on=None)


def latest_dated(*, limit: int = 10, everything: bool = False) -> list[Article]:
    """The newest articles dated to the day (undated and year-inferred ones never come first)."""
    return _cached(
        _scope_key(f"latest:{limit}", everything),
        lambda: list(
            article_cards(dated_to_the_day(scoped(Article.objects.all(), everything))).order_by(
                "-published_on", "-id"
            )[:limit]
        ),
    )


def related_articles(*, article: Article, limit: int = 5) -> list[Article]:
    """Same province and meeting kind, or shared officials; newest first (undated last).

    Each source is read on its own, newest first and limited, and the few candidates are merged
    here: one query ORing the mentions and events joins made the database sort every article of
    the province and of the officials on each page view (52 ms median, up to 460 ms at 100,000
    articles; issue #21)."""
    official_ids = [m.official_id for m in article.mentions.all()]
    kinds = sorted({e.kind for e in article.events.all()})
    others = Article.objects.exclude(pk=article.pk)
    sources = []
    if official_ids:
        mentioned = ArticleOfficial.objects.filter(official_id__in=official_ids).values("article_id")
        sources.append(others.filter(pk__in=mentioned))
    if article.province_id and kinds:
        same_kind = Event.objects.filter(article_id=OuterRef("pk"), kind__in=kinds)
        sources.append(others.filter(Exists(same_kind), province_id=article.province_id))
    elif article.province_id:
        sources.append(others.filter(province_id=article.province_id))
    candidates: dict[int, date | None] = {}
    for queryset in sources:
        candidates.update(newest_first(queryset).values_list("pk", "published_on")[:limit])
    ids = sorted(candidates, key=lambda pk: _newest_first_key(candidates[pk], pk))[:limit]
    found = article_cards(Article.objects.filter(pk__in=ids)).in_bulk(ids)
    return [found[i] for i in ids if i in found]


def _newest_first_key(published_on: date | None, pk: int) -> tuple:
    """`newest_first`'s order in Python: dated before undated, newest date first, then newest id."""
    return (published_on is None, -(published_on.toordinal() if published_on else 0), -pk)


# --- provinces ---------------------------------------------------------------------------------

# Regions of the General Statistics Office, by the legacy province code.
REGIONS = (
    ("trung-du-mien-nui-phia-bac", "Trung du và miền núi phía Bắc"),
    ("dong-bang-song-hong", "Đồng bằng sông Hồng"),
    ("bac-trung-bo-duyen-hai-mien-trung", "Bắc Trung Bộ và duyên hải miền Trung"),
    ("tay-nguyen", "Tây Nguyên"),
    ("dong-nam-bo", "Đông Nam Bộ"),
    ("dong-bang-song-cuu-long", "Đồng bằng sông Cửu Long"),
)
_RED_RIVER = {"01", "22", "26", "27", "30", "31", "33", "34", "35", "36", "37"}


def region_of(code: str) -> str:
    n = int(code) if code.isdigit() else 0
    if code in _RED_RIVER:
        return REGIONS[1][0]
    if n < 38:
        return REGIONS[0][0]
    if n < 62:
        return REGIONS[2][0]
    if n < 70:
        return REGIONS[3][0]
    if n < 80:
        return REGIONS[4][0]
    return REGIONS[5][0]


def warm_up() -> None:
    """What the first browse page of a process would read once (gunicorn calls it per worker):
    the gazetteer's coordinates, 0.3-1.5 s at 100,000 articles on a busy machine, and the home
    map's outline (≈ 0.3 s, issue #21)."""
    _coordinates()
    country_outline()


@lru_cache(maxsize=1)
def _coordinates() -> dict[tuple[str, str], tuple[float, float]]:
    """(era, code) → (lat, lon) of the province's seat, from the gazetteer the provinces come from."""
    coords = {}
    for era in (Province.Era.FROM_2025, Province.Era.BEFORE_2025):
        for row in province_rows(str(era)):
            if row["lat"] and row["lon"]:
                coords.setdefault((str(era), row["code"]), (row["lat"], row["lon"]))
    return coords


# The map's frame: Vietnam's mainland between these longitudes and latitudes, 40 px a degree.
MAP_WEST, MAP_NORTH, MAP_SCALE = 101.8, 23.6, 40


@lru_cache(maxsize=1)
def country_outline() -> str:
    """The mainland's outline as an SVG path in the map's frame: the concave hull of the
    gazetteer's ~10,000 legacy ward seats (shapely, which the gazetteer package brings), simplified
    to ~50 points. Computed once per process (≈ 0.3 s); islands far offshore are left out."""
    import shapely
    from shapely.geometry import MultiPoint
    from vietnamadminunits.database import get_data

    points = [
        (row["wardLon"], row["wardLat"])
        for row in get_data(["wardLon", "wardLat"], "admin_units_legacy")
        if row["wardLon"] and row["wardLat"] and row["wardLon"] < 109.5  # not the Spratlys/Paracels
    ]
    if len(points) < 3:
        return ""
    hull = shapely.concave_hull(MultiPoint(points), ratio=0.08).simplify(0.04)
    polygons = getattr(hull, "geoms", [hull])
    parts = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        xy = [
            ((lon - MAP_WEST) * MAP_SCALE, (MAP_NORTH - lat) * MAP_SCALE)
            for lon, lat in polygon.exterior.coords
        ]
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + " Z")
    return " ".join(parts)


MAP_LABELS = 12  # provinces named on the map, busiest first, when their label has room


def map_labels(rows: list[dict]) -> list[dict]:
    """Names for the busiest provinces' dots, placed right of the dot, skipped where they would
    overlap a dot's name already placed (the north is crowded)."""
    placed: list[tuple[float, float, float, float]] = []
    labels = []
    for r in sorted((r for r in rows if r["count"] and r["x"] is not None), key=lambda r: -r["count"]):
        if len(labels) == MAP_LABELS:
            break
        x, y = r["x"] + r["radius"] + 2, r["y"] + 3.5
        box = (x - 1, y - 10, x + 5.6 * len(r["name"]) + 1, y + 2)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        labels.append({"x": round(x, 1), "y": round(y, 1), "name": r["name"], "url": r["url"]})
    return labels


def _province_row(province: Province, count: int) -> dict:
    lat, lon = _coordinates().get((province.era, province.code), (None, None))
    return {
        "id": province.pk,
        "ref": province.ref,
        "slug": province.slug,
        "name": province.name,
        "full_name": province.full_name,
        "code": province.code,
        "era": province.era,
        "region": region_of(province.code),
        "count": count,
        "url": province.get_absolute_url(),
        "x": round((lon - MAP_WEST) * MAP_SCALE, 1) if lon else None,
        "y": round((MAP_NORTH - lat) * MAP_SCALE, 1) if lat else None,
    }


def province_table(*, everything: bool = True) -> dict[str, list[dict]]:
    """Both eras with their article counts: {"legacy": [63 rows], "2025": [34 rows]}, by name.

    A legacy row names its successor; a 2025 row lists its predecessors and counts their articles.
    Two queries, cached.
    """

    def compute():
        counts = dict(
            scoped(Article.objects.all(), everything)
            .exclude(province=None)
            .values_list("province_id")
            .annotate(n=Count("*"))  # COUNT(*): from the (dan_van, province) index alone, no row read
            .values_list("province_id", "n")
        )
        provinces = list(Province.objects.order_by("name"))
        by_id = {p.pk: p for p in provinces}
        legacy, current = [], {}
        for p in provinces:
            if p.era == Province.Era.FROM_2025:
                current[p.pk] = {**_province_row(p, 0), "predecessors": []}
        for p in provinces:
            if p.era != Province.Era.BEFORE_2025:
                continue
            row = _province_row(p, counts.get(p.pk, 0))
            successor = by_id.get(p.successor_id)
            row["successor"] = (
                {"ref": successor.ref, "name": successor.name, "url": successor.get_absolute_url()}
                if successor
                else None
            )
            legacy.append(row)
            if successor and successor.pk in current:
                parent = current[successor.pk]
                parent["count"] += row["count"]
                parent["predecessors"].append(
                    {"ref": row["ref"], "name": row["name"], "url": row["url"], "count": row["count"]}
                )
        busiest = max((r["count"] for r in legacy), default=0) or 1
        busiest_2025 = max((r["count"] for r in current.values()), default=0) or 1
        for rows, top in ((legacy, busiest), (current.values(), busiest_2025)):
            for r in rows:
                r["percent"] = round(100 * r["count"] / top)
                # Smaller than before (4–13): the northern provinces' dots overlapped (issue #19).
                r["radius"] = round(3 + 6 * math.sqrt(r["count"] / top), 1) if r["count"] else 2.5
        # In the order of the alphabet without diacritics (Bà Rịa before Bạc Liêu before Bắc Giang).
        legacy.sort(key=lambda r: r["slug"])
        return {"legacy": legacy, "2025": sorted(current.values(), key=lambda r: r["slug"])}

    return _cached(_scope_key("provinces", everything), compute)


def provinces_by_region(rows: list[dict]) -> list[dict]:
    groups = []
    for key, label in REGIONS:
        members = [r for r in rows if r["region"] == key]
        if members:
            groups.append(
                {"key": key, "label": label, "provinces": members, "count": sum(r["count"] for r in members)}
            )
    return groups


def province_get(*, ref: str) -> Province | None:
    """A province by any reference a parameter or URL may hold (see `archive.gazetteer`)."""
    return province_resolve(ref)


def _year_of_published():
    """The year of `published_on` as the database computes it fastest: SQLite stores a date as
    text and extracts a year through a Python function called once per article (230 ms of the home
    page at 100,000 articles, issue #21); the text's first four characters are read natively."""
    if connection.vendor == "sqlite":
        return Cast(Substr("published_on", 1, 4), IntegerField())
    return ExtractYear("published_on")


def _year_rows(queryset: QuerySet[Article]) -> list[dict]:
    rows = list(
        queryset.exclude(published_on=None)
        .annotate(year=_year_of_published())
        .values("year")
        .annotate(count=Count("id"))
        .order_by("year")
    )
    busiest = max((row["count"] for row in rows), default=0) or 1
    for row in rows:
        row["percent"] = round(100 * row["count"] / busiest)
    return rows


LABEL_UNITS = 30  # the room a year label or a count takes on the chart, in SVG units


def year_chart(rows: list[dict], *, width: int = 640, height: int = 160) -> dict:
    """Bars of a per-year chart, laid out for an SVG drawn by the template (no JavaScript)."""
    if not rows:
        return {"bars": [], "width": width, "height": height}
    first, last = rows[0]["year"], rows[-1]["year"]
    years = list(range(first, last + 1))
    counts = {r["year"]: r["count"] for r in rows}
    top = max(counts.values()) or 1
    slot = width / len(years)
    plot = height - 34
    # A label is about 30 units wide ("2024", a count of 4 digits): with narrower bars, label every
    # `step`-th year (and the last) and leave the counts to the bar's tooltip (issue #19, item 4).
    step = max(1, math.ceil(LABEL_UNITS / slot))
    bars = []
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        h = round(plot * n / top, 1) if n else 0
        bars.append(
            {
                "year": year,
                "count": n,
                "x": round(i * slot + slot * 0.12, 1),
                "w": round(slot * 0.76, 1),
                "y": round(plot - h + 14, 1),
                "h": h,
                "cx": round(i * slot + slot / 2, 1),
                "label_y": height - 4,
                "count_y": round(plot - h + 10, 1),
                "show_label": (len(years) - 1 - i) % step == 0,
                "show_count": step == 1,
            }
        )
    return {"bars": bars, "width": width, "height": height}


def province_head(province: Province, *, everything: bool = False) -> dict:
    """What every request of a province page needs, cached and small: the merged provinces' ids,
    counts, per-year counts, and its successor or predecessors (with their counts)."""

    def compute():
        ids = province_member_ids(province)
        articles = scoped(Article.objects.filter(province_id__in=ids), everything)
        table = province_table(everything=everything)
        row = next(
            (r for r in table["2025" if province.is_2025 else "legacy"] if r["ref"] == province.ref), {}
        )
        return {
            "member_ids": ids,
            "total": articles.count(),
            "undated": articles.filter(published_on=None).count(),
            "years": _year_rows(articles),
            "successor": row.get("successor"),
            "predecessors": row.get("predecessors", []),
        }

    return _cached(_scope_key(f"province-head:{province.ref}", everything), compute)


def province_side(province: Province, *, everything: bool = False) -> dict:
    """A province page's side panel, cached: officials with their positions over time, meetings by
    kind and period, outlets, counted over the page's articles (dân vận ones unless `everything`).
    (The page caches the panel's HTML too and reads this only to build it.)"""

    def compute():
        ids = province_member_ids(province)
        of_articles = {"article__province_id__in": ids} | ({} if everything else {"article__dan_van": True})
        officials: OrderedDict[int, dict] = OrderedDict()
        rows = (
            ArticleOfficial.objects.filter(**of_articles)
            .values("official_id", "official__name", "official__key", "position")
            .annotate(n=Count("id"), first=Min("article__published_on"), last=Max("article__published_on"))
            .order_by("-n", "official__name")[:400]
        )
        for r in rows:
            o = officials.setdefault(
                r["official_id"],
                {
                    "id": r["official_id"],
                    "name": r["official__name"],
                    "url": Official(pk=r["official_id"], key=r["official__key"]).get_absolute_url(),
                    "count": 0,
                    "positions": [],
                },
            )
            o["count"] += r["n"]
            o["positions"].append(
                {"position": r["position"], "count": r["n"], "first": r["first"], "last": r["last"]}
            )
        official_list = sorted(officials.values(), key=lambda o: (-o["count"], o["name"]))[:30]
        for o in official_list:
            o["positions"].sort(key=lambda p: p["first"] or date.max)
        events = list(
            Event.objects.filter(**of_articles)
            .values("kind", "period")
            .annotate(n=Count("id"), first=Min("held_on"))
            .order_by("kind", "-n", "period")[:200]
        )
        kinds = OrderedDict()
        labels = dict(Event.Kind.choices)
        for e in events:
            kinds.setdefault(
                e["kind"], {"kind": e["kind"], "label": labels.get(e["kind"], e["kind"]), "periods": []}
            )
            kinds[e["kind"]]["periods"].append({"period": e["period"], "count": e["n"]})
        outlets = list(
            scoped(Article.objects.filter(province_id__in=ids), everything)
            .exclude(outlet=None)
            .values("outlet_id", "outlet__name")
            .annotate(n=Count("id"))
            .order_by("-n", "outlet__name")[:20]
        )
        return {
            "officials": official_list,
            "official_total": len(officials),
            "kinds": list(kinds.values()),
            "outlets": [{"id": o["outlet_id"], "name": o["outlet__name"], "count": o["n"]} for o in outlets],
        }

    return _cached(_scope_key(f"province-side:{province.ref}", everything), compute)


def province_articles(
    province: Province, *, member_ids: list[int] | None = None, everything: bool = False
) -> QuerySet[Article]:
    ids = province_member_ids(province) if member_ids is None else member_ids
    return newest_first(article_cards(scoped(Article.objects.filter(province_id__in=ids), everything)))


# --- years and the calendar --------------------------------------------------------------------


def year_counts(*, everything: bool = True) -> list[dict]:
    """Articles per year, with each bar's width as a share of the busiest year (for the chart)."""
    return _cached(
        _scope_key("years", everything), lambda: _year_rows(scoped(Article.objects.all(), everything))
    )


def _year_calendar(year: int, everything: bool = False) -> dict:
    """One query for a year's page: articles per month dated to the day, and how many have an
    inferred year (issue #20: counted in their year, never in a month)."""

    def compute():
        rows = (
            scoped(Article.objects.filter(published_on__year=year), everything)
            .annotate(month=ExtractMonth("published_on"))
            .values("month", "date_precision")
            .annotate(n=Count("id"))
        )
        months = {m: {"month": m, "count": 0} for m in range(1, 13)}
        inferred = 0
        for r in rows:
            if r["date_precision"] == Article.Precision.DAY:
                months[r["month"]]["count"] += r["n"]
            else:
                inferred += r["n"]
        top = max((m["count"] for m in months.values()), default=0) or 1
        for m in months.values():
            m["percent"] = round(100 * m["count"] / top)
        return {"months": list(months.values()), "inferred": inferred}

    return _cached(_scope_key(f"year:{year}", everything), compute)


def year_months(year: int, *, everything: bool = False) -> list[dict]:
    """Twelve months of a year with their counts of articles dated to the day."""
    return _year_calendar(year, everything)["months"]


def year_inferred_count(year: int, *, everything: bool = False) -> int:
    """Articles filed under `year` whose year was inferred from the text (listed on the year's page,
    marked, never on a month or a day)."""
    return _year_calendar(year, everything)["inferred"]


def _month_calendar(year: int, month: int, everything: bool = False) -> dict:
    def compute():
        rows = (
            scoped(Article.objects.filter(published_on__year=year, published_on__month=month), everything)
            .annotate(day=ExtractDay("published_on"))
            .values("day", "date_precision")
            .annotate(n=Count("id"))
        )
        days: dict[int, dict] = {}
        inferred = 0
        for r in rows:
            if r["date_precision"] == Article.Precision.DAY:
                days.setdefault(r["day"], {"count": 0})["count"] += r["n"]
            else:
                inferred += r["n"]
        return {"days": days, "inferred": inferred}

    return _cached(_scope_key(f"month:{year}:{month}", everything), compute)


def month_days(year: int, month: int, *, everything: bool = False) -> dict[int, dict]:
    """Articles per day of a month, dated to the day only."""
    return _month_calendar(year, month, everything)["days"]


def month_inferred_count(year: int, month: int, *, everything: bool = False) -> int:
    """Articles whose day and month fall in this month but whose year was inferred: not on the calendar."""
    return _month_calendar(year, month, everything)["inferred"]


def unknown_province_count(*, everything: bool = True) -> int:
    """How many articles have no province (cached with the other counts)."""
    return _cached(
        _scope_key("unknown-province", everything),
        lambda: scoped(Article.objects.filter(province=None), everything).count(),
    )


def unknown_province_articles(*, everything: bool = True) -> QuerySet[Article]:
    """Articles no province could be given to (issue #19, item 5): "không rõ tỉnh"."""
    return newest_first(article_cards(scoped(Article.objects.filter(province=None), everything)))


def undated_articles(*, everything: bool = True) -> QuerySet[Article]:
    """Articles without a publication date, newest ingested first."""
    return article_cards(scoped(Article.objects.filter(published_on=None), everything)).order_by(
        "-created_at", "-id"
    )


def day_articles(day: date, *, everything: bool = False) -> QuerySet[Article]:
    return article_cards(
        dated_to_the_day(scoped(Article.objects.filter(published_on=day), everything))
    ).order_by("province__name", "-id")


def year_provinces(year: int, *, limit: int = 12, everything: bool = False) -> list[dict]:
    def compute():
        return list(
            scoped(Article.objects.filter(published_on__year=year), everything)
            .exclude(province=None)
            .values("province__slug", "province__name")
            .annotate(n=Count("id"))
            .order_by("-n", "province__name")[:limit]
        )

    return _cached(_scope_key(f"year-provinces:{year}", everything), compute)


def year_articles(year: int, *, everything: bool = False) -> QuerySet[Article]:
    return article_cards(scoped(Article.objects.filter(published_on__year=year), everything)).order_by(
        "-published_on", "-id"
    )


# --- officials ---------------------------------------------------------------------------------


def official_get(*, pk: int) -> Official | None:
    return Official.objects.filter(pk=pk).first()


def _career_post(post: str, province: Province | None) -> str:
    """A post without the article's own province at its end: "Bí thư Tỉnh ủy Long An" in a Long An
    article is the row "Bí thư Tỉnh ủy" of the career's Long An part."""
    if province is not None and post.endswith(" " + province.name):
        return post[: -len(province.name) - 1]
    return post


def official_timeline(official: Official, *, evidence: int = 5) -> dict:
    """A career from the articles: one row per (post, province), in order of first appearance, with
    first and last seen, the spellings the articles used and the articles as evidence. Posts are the
    canonical form's (issue #20): "PBTTT huyện ủy" and "Phó bí thư thường trực Huyện ủy" are one row,
    and a shorter spelling ("Thứ trưởng") joins the one fuller post it begins. Cached."""

    def compute():
        mentions = (
            ArticleOfficial.objects.filter(official=official)
            .select_related("article__province")
            .only(
                "position",
                "position_canonical",
                "article__id",
                "article__title",
                "article__published_on",
                "article__date_precision",
                "article__province__name",
                "article__province__slug",
                "article__province__era",
            )
            .order_by(F("article__published_on").asc(nulls_last=True), "article_id")
        )
        seen: list[tuple[ArticleOfficial, str]] = []
        by_province: dict[int | None, set[str]] = {}
        total = 0
        for m in mentions:
            total += 1
            province = m.article.province
            for post in posts(m.position_canonical or m.position) or [""]:
                post = _career_post(post, province)
                seen.append((m, post))
                by_province.setdefault(province.pk if province else None, set()).add(post)
        folds = {pk: fold_short_posts(sorted(p for p in found if p)) for pk, found in by_province.items()}
        rows: OrderedDict[tuple, dict] = OrderedDict()
        provinces: dict[str, dict] = {}
        counted: set[tuple] = set()
        for m, post in seen:
            a = m.article
            province = a.province
            pk = province.pk if province else None
            post = folds[pk].get(post, post)
            key = (post, pk)
            row = rows.get(key)
            if row is None:
                row = rows[key] = {
                    "position": post,
                    "province": {
                        "name": province.name,
                        "ref": province.ref,
                        "url": province.get_absolute_url(),
                    }
                    if province
                    else None,
                    "first": None,
                    "last": None,
                    "count": 0,
                    "written": [],
                    "articles": [],
                }
            if m.position and m.position not in row["written"] and m.position != post:
                row["written"].append(m.position)
            if (key, a.pk) in counted:
                continue
            counted.add((key, a.pk))
            row["count"] += 1
            if a.published_on and a.date_precision == Article.Precision.DAY:  # an inferred year is no date
                row["first"] = row["first"] or a.published_on
                row["last"] = a.published_on
            if len(row["articles"]) < evidence:
                row["articles"].append(
                    {
                        "id": a.pk,
                        "title": a.title,
                        "url": a.get_absolute_url(),
                        "published": a.published_on,
                        "inferred": a.date_precision == Article.Precision.YEAR_INFERRED,
                    }
                )
            if province:
                provinces.setdefault(
                    province.ref, {"name": province.name, "url": province.get_absolute_url()}
                )
        timeline = sorted(rows.values(), key=lambda r: (r["first"] or date.max, r["position"]))
        for row in timeline:
            row["written"] = row["written"][:6]
        chaired = list(
            Event.objects.filter(chair=official)
            .select_related("article__province")
            .only(
                "kind",
                "period",
                "held_on",
                "article__id",
                "article__title",
                "article__date_precision",
                "article__province__name",
            )
            .order_by(F("held_on").asc(nulls_last=True), "id")[:50]
        )
        return {
            "timeline": timeline,
            "count": total,
            "provinces": list(provinces.values()),
            "chaired": [
                {
                    "kind": e.get_kind_display(),
                    "period": e.period,
                    "held_on": e.held_on,
                    "inferred": e.article.date_precision == Article.Precision.YEAR_INFERRED,
                    "article": {"title": e.article.title, "url": e.article.get_absolute_url()},
                    "province": e.article.province.name if e.article.province_id else None,
                }
                for e in chaired
            ],
        }

    return _cached(f"official:{official.pk}", compute)


class OfficialRanking:
    """Officials by number of articles (most first), as a sequence a Paginator can slice: the
    ranking (ids and counts) is cached; a page's officials are read in one query."""

    def __init__(self, ranking: list[tuple[int, int]]):
        self.ranking = ranking

    def __len__(self) -> int:
        return len(self.ranking)

    def count(self) -> int:
        return len(self.ranking)

    def __getitem__(self, index):
        rows = self.ranking[index]
        if not isinstance(index, slice):
            rows = [rows]
        found = Official.objects.in_bulk([pk for pk, _ in rows])
        officials = []
        for pk, n in rows:
            if pk in found:
                found[pk].article_count = n
                officials.append(found[pk])
        return officials if isinstance(index, slice) else officials[0]


def official_ranking(*, province: Province | None = None) -> OfficialRanking:
    def compute():
        mentions = ArticleOfficial.objects.all()
        if province is not None:
            mentions = mentions.filter(article__province_id__in=province_member_ids(province))
        return list(
            mentions.values_list("official_id")
            .annotate(n=Count("id"))
            .order_by("-n", "official__name", "official_id")
            .values_list("official_id", "n")
        )

    return OfficialRanking(_cached(f"officials:{province.ref if province else ''}", compute))


# --- meetings ----------------------------------------------------------------------------------


def meeting_groups(*, province: Province | None = None, kind: str | None = None) -> list[dict]:
    """Meetings by kind and period ("Giao ban quý I/2024"), with how many provinces reported them."""

    def compute():
        events = Event.objects.all()
        if province is not None:
            events = events.filter(article__province_id__in=province_member_ids(province))
        if kind:
            events = events.filter(kind=kind)
        rows = (
            events.values("kind", "period")
            .annotate(
                n=Count("id"),
                provinces=Count("article__province", distinct=True),
                first=Min("held_on"),
            )
            .order_by("kind", "-n", "period")[:500]
        )
        labels = dict(Event.Kind.choices)
        return [
            {
                "kind": r["kind"],
                "label": labels.get(r["kind"], r["kind"]),
                "period": r["period"],
                "count": r["n"],
                "provinces": r["provinces"],
            }
            for r in rows
        ]

    return _cached(f"meetings:{province.ref if province else ''}:{kind or ''}", compute)


def meeting_events(*, kind: str, period: str, province: Province | None = None) -> QuerySet[Event]:
    events = Event.objects.filter(kind=kind, period=period)
    if province is not None:
        events = events.filter(article__province_id__in=province_member_ids(province))
    return events.select_related("article__province__successor", "chair").order_by(
        F("held_on").asc(nulls_last=True), "article__province__name", "id"
    )


# --- home --------------------------------------------------------------------------------------


_TOTALS = {
    "first": "SELECT MIN(published_on) FROM {t}",
    "last": "SELECT MAX(published_on) FROM {t}",
    "articles": "SELECT COUNT(*) FROM {t}",
    "undated": "SELECT COUNT(*) FROM {t} WHERE published_on IS NULL",
    "unknown_province": "SELECT COUNT(*) FROM {t} WHERE province_id IS NULL",
    # `dan_van = %s` (True) reads the (dan_van, published_on) index; `+province_id` keeps SQLite from
    # taking the province index (98,000 NULLs at 100,004 articles) for the few dân vận rows
    "dv_articles": "SELECT COUNT(*) FROM {t} WHERE dan_van = %s",
    "dv_undated": "SELECT COUNT(*) FROM {t} WHERE dan_van = %s AND published_on IS NULL",
    "dv_unknown_province": "SELECT COUNT(*) FROM {t} WHERE dan_van = %s AND +province_id IS NULL",
}


def _article_totals() -> dict:
    """The home page's article totals in one statement of scalar subqueries, each answered from an
    index. One aggregate with a FILTER per count read every row of the table (its text inline):
    140 ms at 100,004 articles on SQLite (issue #21)."""
    table = connection.ops.quote_name(Article._meta.db_table)
    sql = "SELECT " + ", ".join(f"({q.format(t=table)})" for q in _TOTALS.values())
    with connection.cursor() as cursor:
        cursor.execute(sql, [True] * sql.count("%s"))
        row = cursor.fetchone()
    found = dict(zip(_TOTALS, row, strict=True))
    for name in ("first", "last"):  # SQLite returns a date of a scalar subquery as text
        if isinstance(found[name], str):
            found[name] = date.fromisoformat(found[name][:10])
    return found


def site_totals() -> dict:
    def compute():
        dates = _article_totals()
        return {
            "articles": dates["articles"],
            "dan_van": dates["dv_articles"],
            "provinces": Article.objects.exclude(province=None).values("province_id").distinct().count(),
            "officials": Official.objects.count(),
            "meetings": Event.objects.count(),
            "first_year": dates["first"].year if dates["first"] else None,
            "last_year": dates["last"].year if dates["last"] else None,
            "undated": dates["undated"],
            "unknown_province": dates["unknown_province"],
            "undated_dan_van": dates["dv_undated"],
            "unknown_province_dan_van": dates["dv_unknown_province"],
        }

    return _cached("totals", compute)


def province_counts(*, everything: bool = True) -> list[dict]:
    """Legacy provinces that have articles, busiest first (kept for the home page's bar chart)."""
    rows = [r for r in province_table(everything=everything)["legacy"] if r["count"]]
    return sorted(rows, key=lambda r: (-r["count"], r["name"]))


# --- the index queue (docs/index-integrity.md): how far search is behind the database -------------


@dataclass(frozen=True)
class IndexQueueStatus:
    pending: int  # distinct articles queued
    oldest_seconds: float  # age of the oldest queue row, 0 when the queue is empty


def index_queue_status(*, before=None) -> IndexQueueStatus:
    """How many articles wait for the index worker, and since when (`before`: only rows queued
    before that moment, e.g. ahead of the save that asks)."""
    rows = IndexPending.objects.all()
    if before is not None:
        rows = rows.filter(queued_at__lt=before)
    found = rows.aggregate(oldest=Min("queued_at"), pending=Count("article_id", distinct=True))
    if not found["oldest"]:
        return IndexQueueStatus(0, 0.0)
    age = (timezone.now() - found["oldest"]).total_seconds()
    return IndexQueueStatus(found["pending"], max(0.0, age))


def officials_for_merge(officials) -> list:
    """The officials an editor is about to merge, each with the positions and provinces the
    articles give them (most frequent first): what tells two namesakes apart (issue #19, item 6)."""
    from collections import Counter

    officials = list(officials)
    rows = ArticleOfficial.objects.filter(official__in=officials).values_list(
        "official_id", "position", "article__province__name"
    )
    positions: dict[int, Counter] = {o.pk: Counter() for o in officials}
    provinces: dict[int, Counter] = {o.pk: Counter() for o in officials}
    for pk, position, province in rows:
        if position:
            positions[pk][position] += 1
        if province:
            provinces[pk][province] += 1
    for o in officials:
        o.merge_positions = [p for p, _ in positions[o.pk].most_common(5)]
        o.merge_provinces = [p for p, _ in provinces[o.pk].most_common()]
    return officials


def article_capture(*, article_id: int, capture_id: int | None = None):
    """The page as the harvester captured it: a chosen capture, or the latest good one (None when
    the article was never fetched by the archive)."""
    from archive.models import Capture

    captures = Capture.objects.filter(article_id=article_id, status=200, kind=Capture.Kind.PAGE)
    if capture_id is not None:
        captures = captures.filter(pk=capture_id)
    return captures.order_by("-fetched_at", "-pk").first()


def capture_resources(*, urls: list[str]) -> dict[str, int]:
    """The latest good capture of each of a page's stylesheets and images, by canonical address
    (whoever captured it: a requisite many pages share is captured once)."""
    from archive.models import Capture

    found: dict[str, int] = {}
    rows = (
        Capture.objects.filter(url__in=urls, kind=Capture.Kind.RESOURCE, status=200)
        .order_by("fetched_at", "pk")
        .values_list("url", "pk")
    )
    for url, pk in rows:
        found[url] = pk  # the latest last
    return found


def capture_resource(*, capture_id: int):
    """One captured stylesheet or image (None when there is no such good capture)."""
    from archive.models import Capture

    return Capture.objects.filter(pk=capture_id, kind=Capture.Kind.RESOURCE, status=200).first()


def article_capture_info(*, article: Article) -> dict | None:
    """What the article page says about the captured page, in one query: when it was last captured,
    how many times, and whether the outlet has since taken it down (marked, never deleted). Read
    from the page's captures (the harvester's, and those of WARC files `ingest` kept), with the
    frontier row each harvested capture came from."""
    from django.db.models import Count, Max, Q

    from archive.models import Capture, CrawlURL

    good = Q(status=200)
    gone = Q(crawl_url__state=CrawlURL.State.GONE)
    found = Capture.objects.filter(article_id=article.pk, kind=Capture.Kind.PAGE).aggregate(
        latest=Max("fetched_at", filter=good),
        count=Count("id", filter=good),
        gone_at=Max("crawl_url__gone_at", filter=gone),
        gone_status=Max("crawl_url__http_status", filter=gone),
    )
    if found["latest"] is None and found["gone_at"] is None:
        return None
    return found
