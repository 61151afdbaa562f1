"""The API's OpenAPI 3.1 document, kept by hand beside the views and served at /api/openapi.json.

Why a kept schema and not a schema-first framework (django-ninja, suggested by issue #19): the API
is eight read-only GET views whose behaviour is already pinned by tests (one error shape for 400,
404, 405 and 503 from middleware, allow-listed article fields, staff-only fields, `ensure_ascii`
off); moving them onto ninja means rewriting each view and its error handling around pydantic
models (pydantic + pydantic-core, 9.6 MiB installed here, for eight views) and re-proving all of
that. (openapi-spec-validator, a test-only dependency, brings pydantic into the dev tools only.)
A document kept here costs one file, and `tests/archive/test_openapi.py` keeps it honest: the
document validates as OpenAPI 3.1, every path and parameter it lists is the one the URLconf and the
views take, and real responses of every endpoint and documented status are validated against it
with `additionalProperties: false`, so a field added or dropped in a view without the document
fails the suite. Change a view's output → change this file.
"""

from __future__ import annotations

from archive.export import EXPORT_CAP
from archive.extract.relevance import THRESHOLD
from archive.http import API_MAX_PAGE_SIZE, API_PAGE_SIZE

VERSION = "1.2.0"  # 1.1: page_size on every list; 1.2: dan_van + relevance, the dan_van filter and facet
# Issue #17 (docs/relevance.md): the article's dân vận flag (an editor's choice when set) and score.
DAN_VAN = {
    "type": "boolean",
    "description": "Dân vận news (the score reached the threshold, or an editor said so).",
}
RELEVANCE = {
    "type": "integer",
    "minimum": 0,
    "description": f"The dân vận score read from the article (dân vận from {THRESHOLD}).",
}


def _obj(properties: dict, *, optional: tuple[str, ...] = ()) -> dict:
    """An object with exactly these properties (all required unless named optional)."""
    return {
        "type": "object",
        "properties": properties,
        "required": [p for p in properties if p not in optional],
        "additionalProperties": False,
    }


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
URI = {"type": "string", "format": "uri"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(item: str) -> dict:
    return _obj(
        {
            "count": INT,
            "next": _nullable(URI),
            "previous": _nullable(URI),
            "results": {"type": "array", "items": _ref(item)},
        }
    )


FACET_VALUES = {
    "type": "array",
    "items": {"type": "array", "prefixItems": [STR, INT], "minItems": 2, "maxItems": 2},
}
SCHEMAS = {
    "Error": _obj({"error": STR, "status": INT}),
    "ProvinceRef": _obj(
        {
            "name": STR,
            "slug": STR,
            "successor_2025": _nullable(STR),
            "successor_2025_slug": _nullable(STR),
        }
    ),
    "Outlet": _obj({"name": STR, "code": _nullable(STR)}),
    "ArticleSummary": _obj(
        {
            "id": INT,
            "url": URI,
            "title": STR,
            "published": _nullable(DATE),
            "province": _nullable(_ref("ProvinceRef")),
            "outlet": _nullable(_ref("Outlet")),
            "dan_van": DAN_VAN,
            "relevance": RELEVANCE,
            "needs_review": BOOL,
        }
    ),
    "Article": _obj(
        {
            "id": INT,
            "url": URI,
            "title": STR,
            "published": _nullable(DATE),
            "province": _nullable(_ref("ProvinceRef")),
            "outlet": _nullable(_ref("Outlet")),
            "dan_van": DAN_VAN,
            "relevance": RELEVANCE,
            "needs_review": BOOL,
            "published_time": _nullable({"type": "string", "pattern": r"^\d\d:\d\d$"}),
            "date_precision": _nullable({"enum": ["day", "year_inferred"]}),
            "district": _nullable(STR),
            "authors": {"type": "array", "items": STR},
            "officials": {"type": "array", "items": _obj({"name": STR, "position": STR})},
            "events": {
                "type": "array",
                "items": _obj(
                    {
                        "kind": {"enum": ["so_ket", "tong_ket", "giao_ban", "hoi_nghi", "other"]},
                        "period": STR,
                        "period_start": _nullable(DATE),
                        "period_end": _nullable(DATE),
                        "held_on": _nullable(DATE),
                        "location": STR,
                        "chair": _nullable(STR),
                    }
                ),
            },
            "source_url": _nullable(URI),
            "text": STR,
            # A logged-in staff session only:
            "source_file": STR,
            "review_reasons": {"type": "array", "items": STR},
        },
        optional=("source_file", "review_reasons"),
    ),
    "ArticleList": _list_of("ArticleSummary"),
    "Province": {
        **_obj(
            {
                "slug": STR,
                "name": STR,
                "full_name": STR,
                "era": {"enum": ["legacy", "2025"]},
                "code": STR,
                "region": STR,
                "article_count": INT,
                "url": URI,
                "articles": URI,
                "successor_2025": _nullable(STR),
                "predecessors": {"type": "array", "items": STR},
            },
            optional=("successor_2025", "predecessors"),
        ),
        "description": "`successor_2025` on a legacy province, `predecessors` on a 2025 one.",
    },
    "ProvinceList": _list_of("Province"),
    "OfficialSummary": _obj(
        {"id": INT, "name": STR, "url": URI, "api_url": URI, "article_count": _nullable(INT)}
    ),
    "OfficialList": _list_of("OfficialSummary"),
    "Official": _obj(
        {
            "id": INT,
            "name": STR,
            "url": URI,
            "article_count": INT,
            "provinces": {"type": "array", "items": STR},
            "timeline": {
                "type": "array",
                "items": _obj(
                    {
                        "position": STR,
                        "written": {
                            "type": "array",
                            "items": STR,
                            "description": "the other spellings of the post the articles used (issue #20)",
                        },
                        "province": _nullable(STR),
                        "province_name": _nullable(STR),
                        "first_seen": _nullable(DATE),
                        "last_seen": _nullable(DATE),
                        "article_count": INT,
                        "articles": {
                            "type": "array",
                            "items": _obj(
                                {"id": INT, "title": STR, "url": URI, "published": _nullable(DATE)}
                            ),
                        },
                    }
                ),
            },
            "chaired": {
                "type": "array",
                "items": _obj({"kind": STR, "period": STR, "held_on": _nullable(DATE), "article": URI}),
            },
        }
    ),
    "SearchResult": _obj(
        {
            "id": INT,
            "url": URI,
            "title": STR,
            "published": _nullable(DATE),
            "province": _nullable(STR),
            "dan_van": DAN_VAN,
            "relevance": RELEVANCE,
            "snippet": {"type": "string", "description": "HTML: the matched words in <mark>"},
            "apart": BOOL,
        }
    ),
    "SearchLink": _obj({"q": STR, "count": INT, "url": STR}),
    "Suggestion": _obj(
        {
            "label": STR,
            "query": STR,
            "note": STR,
            "q": STR,
            "count": INT,
            "url": STR,
        }
    ),
    "SearchResponse": _obj(
        {
            "count": INT,
            "apart": INT,
            "page": INT,
            "num_pages": INT,
            "query": STR,
            "results": {"type": "array", "items": _ref("SearchResult")},
            "facets": _obj(
                {name: FACET_VALUES for name in ("province", "year", "kind", "official", "outlet", "dan_van")}
            ),
            "readings": {"type": "array", "items": _ref("SearchLink")},
            "suggestions": {"type": "array", "items": _ref("Suggestion")},
        }
    ),
    "Trend": _obj(
        {
            "q": STR,
            "query": STR,
            "by": {"enum": ["year", "month"]},
            "filters": {"type": "object", "additionalProperties": {"type": "array", "items": STR}},
            "total": INT,
            "undated": INT,
            "series": {"type": "array", "items": _obj({"period": STR, "count": INT})},
        }
    ),
    "ApiIndex": _obj(
        {
            "endpoints": {
                "type": "object",
                "additionalProperties": _obj({"url": STR, "parameters": STR}),
            },
            "methods": {"type": "array", "items": STR},
            "openapi": URI,
        }
    ),
}


def _param(name: str, description: str, schema: dict | None = None, *, where: str = "query", **extra) -> dict:
    return {"name": name, "in": where, "description": description, "schema": schema or STR, **extra}


PAGE = _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1})
PAGE_SIZE = _param(
    "page_size",
    f"Results per page, 1–{API_MAX_PAGE_SIZE} (default {API_PAGE_SIZE}). For more, export the list "
    f"(format=csv|jsonl|ris|bibtex on the page's own URL, up to {EXPORT_CAP:,} articles).",
    {"type": "integer", "minimum": 1, "maximum": API_MAX_PAGE_SIZE, "default": API_PAGE_SIZE},
)
PROVINCE = _param(
    "province",
    "A province's slug from /api/provinces/ (`long-an`); a 2025 one (`tay-ninh-2025`) means every province merged into it.",
)
ID = _param("id", "The record's id.", INT, where="path", required=True)
SEARCH_FILTERS = [
    _param("q", 'The query: words with or without diacritics, "phrases", -exclusions, A OR B.'),
    _param("province", "A province: name, slug or 2025 slug; repeat for several.", explode=True),
    _param("year", "A year (yyyy); repeat for several.", explode=True),
    _param("kind", "A meeting kind: so_ket, tong_ket, giao_ban, hoi_nghi, other."),
    _param("official", "An official's name as listed."),
    _param("outlet", "An outlet's name as listed."),
    _param(
        "dan_van",
        "1: dân vận articles only; 0: the others (facet values, counted in `facets.dan_van`).",
        {"enum": ["0", "1"]},
    ),
    _param("from", "First publication date (yyyy-mm-dd).", DATE),
    _param("to", "Last publication date (yyyy-mm-dd).", DATE),
]


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


ERRORS = {
    "400": _json("Error", "A parameter the endpoint cannot use; `error` names it."),
    "404": _json("Error", "No such record, or a page past the end."),
}


def _get(summary: str, parameters: list, ok: dict, *, errors=("400",), **extra) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": ok, **{code: ERRORS[code] for code in errors}},
            **extra,
        }
    }


def document(server: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dân vận Archive API",
            "version": VERSION,
            "description": (
                "Read-only JSON over GET/HEAD: articles, provinces (63 before and 34 from 1 July 2025), "
                "officials, full-text search and its trend. Any other method answers 405; an "
                'overloaded server 503 with Retry-After; every error is `{"error", "status"}`.'
            ),
        },
        "servers": [{"url": server}],
        "paths": {
            "/api/": _get(
                "The endpoints and their parameters.", [], _json("ApiIndex", "The index."), errors=()
            ),
            "/api/articles/": _get(
                "Articles, newest first.",
                [
                    PROVINCE,
                    _param("year", "Year of publication (yyyy).", {"type": "string", "pattern": r"^\d{4}$"}),
                    _param(
                        "dan_van",
                        "1: dân vận articles only; 0: the others; absent: all.",
                        {"enum": ["0", "1"]},
                    ),
                    PAGE,
                    PAGE_SIZE,
                ],
                _json("ArticleList", "A page of articles."),
                errors=("400", "404"),
            ),
            "/api/articles/{id}/": _get(
                "One article with its text, officials and meetings.",
                [ID],
                _json("Article", "The article; `source_file` and `review_reasons` for staff only."),
                errors=("404",),
            ),
            "/api/provinces/": _get(
                "Provinces of both eras with their article counts.",
                [
                    _param(
                        "era", "legacy (63, before 1 July 2025) or 2025 (34).", {"enum": ["legacy", "2025"]}
                    )
                ],
                _json("ProvinceList", "All provinces (no paging)."),
            ),
            "/api/officials/": _get(
                "Officials, most mentioned first.",
                [PROVINCE, PAGE, PAGE_SIZE],
                _json("OfficialList", "A page of officials."),
                errors=("400", "404"),
            ),
            "/api/officials/{id}/": _get(
                "An official's career as the articles report it.",
                [ID],
                _json("Official", "The official."),
                errors=("404",),
            ),
            "/api/search/": _get(
                "Full-text search with facets.",
                [
                    *SEARCH_FILTERS,
                    _param(
                        "sort",
                        "relevance (default), newest or oldest.",
                        {"enum": ["relevance", "newest", "oldest"]},
                    ),
                    PAGE,
                    PAGE_SIZE,
                ],
                _json("SearchResponse", "A page of results, the facets, readings and suggestions."),
                errors=("400", "404"),
            ),
            "/api/search/trend/": _get(
                "Matching articles per year or month (format=csv for CSV).",
                [
                    *SEARCH_FILTERS,
                    _param("by", "year (default) or month.", {"enum": ["year", "month"]}),
                    _param("format", "json (default) or csv.", {"enum": ["json", "csv"]}),
                ],
                {
                    "description": "The series.",
                    "content": {"application/json": {"schema": _ref("Trend")}, "text/csv": {"schema": STR}},
                },
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
