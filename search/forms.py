"""Search parameters from a query string, validated once for the page, the API and the feed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy

from archive.extract.normalize import normalize_line
from archive.models import Event
from search.analysis import ParsedQuery, parse_query
from search.query import SORTS

FACETS = ("province", "year", "kind", "official", "outlet", "dan_van")
FACET_LABELS = {
    "province": gettext_lazy("Tỉnh/thành"),
    "year": gettext_lazy("Năm"),
    "kind": gettext_lazy("Loại sự kiện"),
    "official": gettext_lazy("Cán bộ"),
    "outlet": gettext_lazy("Cơ quan báo chí"),
    "dan_van": gettext_lazy("Dân vận"),
}
# The dan_van facet's values (search/search_indexes.py): "1" dân vận articles, "0" the others.
DAN_VAN_LABELS = {"1": gettext_lazy("Bài dân vận"), "0": gettext_lazy("Bài khác")}
# Facets whose values are the archive's content (names as the articles print them), not interface.
CONTENT_FACETS = {"province", "official", "outlet"}
SORT_LABELS = {
    "relevance": gettext_lazy("Phù hợp nhất"),
    "newest": gettext_lazy("Mới nhất"),
    "oldest": gettext_lazy("Cũ nhất"),
}
KIND_LABELS = dict(Event.Kind.choices)
PARAMS = {"q", *FACETS, "from", "to", "sort", "page", "page_size", "format", "by"}
MAX_VALUES = 20  # values of one facet in one search
_YEAR = re.compile(r"^\d{4}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


class SearchParamsError(ValueError):
    """A parameter the search cannot use; the message names it and says why."""


@dataclass
class SearchParams:
    q: str = ""
    query: ParsedQuery = field(default_factory=lambda: parse_query(""))
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1

    @property
    def active(self) -> bool:
        """Is there anything to search for (words, a filter or a date)?"""
        return (
            not self.query.empty
            or bool(self.query.excluded)
            or any(self.filters.values())
            or bool(self.date_from or self.date_to)
        )


def province_filter_values(values: list[str]) -> list[str]:
    """`province=` values → the names the index holds (the pre-2025 name an article gave): whatever
    the one gazetteer resolves ("Long An", "long-an", "long an", "tay-ninh-2025", "Tây Ninh (2025)"
    meaning every province merged into it), as every API and form takes it. An unknown value is an
    error naming the parameter, as in /api/articles/."""
    from archive.gazetteer import province_member_names, province_resolve, unknown_province_message

    out: list[str] = []
    for value in values:
        province = province_resolve(value)
        if province is None:
            raise SearchParamsError(unknown_province_message("province", value))
        out += [n for n in province_member_names(province) if n not in out]
    return out


def facet_label(name: str, value: str) -> str:
    """A facet value as the reader sees it, in the page's language where the archive wrote it."""
    from archive.labels import outlet_label

    if name == "kind":
        return gettext(KIND_LABELS[value]) if value in KIND_LABELS else value
    if name == "dan_van":
        return str(DAN_VAN_LABELS.get(value, value))
    return outlet_label(value) if name == "outlet" else value


def _parse_date(name: str, text: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise SearchParamsError(f"{name}: expected a date as YYYY-MM-DD or dd/mm/yyyy, got {text!r}")


def parse_params(data: QueryDict, *, strict: bool = False) -> SearchParams:
    """Read search parameters. `strict` (the API) also rejects unknown parameter names."""
    if strict:
        unknown = sorted(set(data) - PARAMS)
        if unknown:
            raise SearchParamsError(f"unknown parameter: {', '.join(unknown)}")
    q = data.get("q", "")
    params = SearchParams(q=q, query=parse_query(q))
    for name in FACETS:
        values = []
        for raw in data.getlist(name):
            value = normalize_line(raw.replace("\x00", ""))
            if value and value not in values:
                values.append(value)
        if len(values) > MAX_VALUES:
            raise SearchParamsError(f"{name}: at most {MAX_VALUES} values, got {len(values)}")
        if name == "year":
            bad = [v for v in values if not _YEAR.match(v)]
            if bad:
                raise SearchParamsError(f"year: expected four digits (yyyy), got {bad[0]!r}")
        if name == "province":
            values = province_filter_values(values)
        if name == "dan_van":
            bad = [v for v in values if v not in DAN_VAN_LABELS]
            if bad:
                raise SearchParamsError(
                    f"dan_van: expected 1 (dân vận articles) or 0 (the others), got {bad[0]!r}"
                )
        if name == "kind":
            # Accept the code (giao_ban) or the Vietnamese label (Giao ban).
            by_label = {label.lower(): code for code, label in KIND_LABELS.items()}
            codes = []
            for v in values:
                code = v if v in KIND_LABELS else by_label.get(v.lower())
                if code is None:
                    raise SearchParamsError(f"kind: expected one of {', '.join(KIND_LABELS)}, got {v!r}")
                codes.append(code)
            values = codes
        if values:
            params.filters[name] = values
    for name, attr in (("from", "date_from"), ("to", "date_to")):
        text = data.get(name, "").strip()
        if text:
            setattr(params, attr, _parse_date(name, text))
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise SearchParamsError("from: the start date is after the end date (to)")
    sort = data.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        raise SearchParamsError(f"sort: expected one of {', '.join(SORTS)}, got {sort!r}")
    params.sort = sort
    page = data.get("page", "").strip() or "1"
    # len() first: int() of more than 4,300 digits raises (issue 11)
    if not (page.isascii() and page.isdigit() and len(page) <= 6 and 1 <= int(page) <= 100_000):
        raise SearchParamsError(f"page: expected a positive whole number, got {page!r}")
    params.page = int(page)
    return params
