"""The rules extraction names in an article's evidence (its "rule"), issue #10; labelled in #19.

A rule is stored as the short English code below, exactly as extraction has written it since issue
#10 ("own committee", "dated lead, year printed in the title", "meeting: giao_ban"): records keep
their codes, and the admin shows each in the editor's language through `archive.rule_labels`.
Every rule the extractors write is built here, from these names and functions, so the list of
rules is this module: a rule added here without a label fails tests/archive/test_evidence.py, and
a rule written as a bare string in an extractor fails the same test's source check.
"""

from __future__ import annotations

# Publication date
PAGE_METADATA = "page metadata"  # also "page metadata (<tag>)": page_metadata()
DATED_LEAD = "dated lead"  # also "dated lead, <where the year came from>": dated_lead()
POSTING_STAMP = "posting stamp under the title"
DATE_LINE = "date line under the title"

# Where the year of a dated lead with no year ("Ngày 11/4, …") came from
YEAR_IN_SENTENCE = "year printed in the date's sentence"
YEAR_OF_PERIOD = "period reported in the lead"
YEAR_IN_TITLE = "year printed in the title"
YEAR_REVIEW = "review of the year before"
YEAR_SAME_MONTH = "a date of the same month printed in the article"
YEAR_OF_DATE_LINE = "year of the page's own date line"
YEAR_DEFAULT = "default year"
YEAR_SOURCES = (
    YEAR_IN_SENTENCE,
    YEAR_OF_PERIOD,
    YEAR_IN_TITLE,
    YEAR_REVIEW,
    YEAR_SAME_MONTH,
    YEAR_OF_DATE_LINE,
    YEAR_DEFAULT,
)

# Authors
BYLINE = "byline"

# Province (the strongest vote behind it) and district
OUTLET = "outlet"
OWN_COMMITTEE = "own committee"
NAMED_UNIT = "named as a unit or venue"
IN_TITLE = "in the title"
DISTRICT = "district"
DISTRICT_COMMITTEE = "district committee"
NAMED = "named"
DISTRICT_NAMED = "district named"

# Outlet (also "source code <code>" and "outlet site <domain>": source_code(), outlet_site())
OUTLET_BANNER = "outlet banner"
OUTLET_FOOTER = "outlet footer"

# Event (also "meeting: <kind>": meeting())
OTHER_EVENT = "other event"
MEETING_KINDS = ("so_ket", "tong_ket", "giao_ban", "hoi_nghi")

# Officials: where the position stood, and how the name was found: "<where> (<how>)", official()
POSITION_AFTER = "position after the name"
POSITION_BEFORE = "position before the name"
CHAIRED = "chaired"
OFFICIAL_WHERE = (POSITION_AFTER, POSITION_BEFORE, CHAIRED)
BY_SURNAME = "surname"
BY_HONORIFIC = "honorific"
OFFICIAL_HOW = (BY_SURNAME, BY_HONORIFIC)

# Dân vận relevance (issue #17): the verdict, then each signal with its points
PAGE_SECTION = "page section"
ARTICLE_PATH = "article path"
DAN_VAN_SITE = "Ban Dan van site"
RELEVANCE_PLACES = (PAGE_SECTION, ARTICLE_PATH, DAN_VAN_SITE)


def relevance_total(score: int, threshold: int, dan_van: bool) -> str:
    return f"relevance total {score} (threshold {threshold}): {'dan van' if dan_van else 'not dan van'}"


def relevance_where(*, in_title: bool, body: int, posts: int) -> str:
    """Where a signal was found: "title", "body 3", "body 3, 1 in posts", joined by "; "."""
    parts = ["title"] if in_title else []
    if body:
        parts.append(f"body {body}" + (f", {posts} in posts" if posts else ""))
    return "; ".join(parts)


def relevance_signal(label: str, where: str, points: int) -> str:
    """A signal (`label` is its Vietnamese name, e.g. "Ban Dân vận"), where (relevance_where)."""
    return f"relevance signal: {label} ({where}) +{points}"


def relevance_lead(label: str, points: int) -> str:
    return f"relevance lead: {label} +{points}"


def relevance_place(place: str, points: int) -> str:
    """The page's section, the article's path or the site (one of RELEVANCE_PLACES)."""
    return f"relevance {place} +{points}"


# The fixed codes (no argument), in the admin's order
FIXED = (
    PAGE_METADATA,
    DATED_LEAD,
    POSTING_STAMP,
    DATE_LINE,
    BYLINE,
    OUTLET,
    OWN_COMMITTEE,
    NAMED_UNIT,
    IN_TITLE,
    DISTRICT,
    DISTRICT_COMMITTEE,
    NAMED,
    DISTRICT_NAMED,
    OUTLET_BANNER,
    OUTLET_FOOTER,
    OTHER_EVENT,
)


def page_metadata(source: str) -> str:
    """The page's own metadata; `source` names the tag ("article:published_time", "JSON-LD author")."""
    return f"{PAGE_METADATA} ({source})" if source else PAGE_METADATA


def dated_lead(year_source: str) -> str:
    """A date in the lead with no year, the year taken from `year_source` (one of YEAR_SOURCES)."""
    return f"{DATED_LEAD}, {year_source}"


def source_code(code: str) -> str:
    return f"source code {code}"


def outlet_site(site: str) -> str:
    return f"outlet site {site}"


def meeting(kind: str) -> str:
    """A meeting of a known kind (one of MEETING_KINDS)."""
    return f"meeting: {kind}"


def official(where: str, how: str) -> str:
    """Where an official's position stood (OFFICIAL_WHERE), how the name was found (OFFICIAL_HOW)."""
    return f"{where} ({how})"


# Examples of the open arguments (shown as they are inside their label), for the enumeration below
_EXAMPLE_METADATA = ("article:published_time", "pubdate", "date", "JSON-LD datePublished", "<time datetime>")
_EXAMPLE_AUTHOR_METADATA = ("JSON-LD author", "article:author", "meta author")


def every_rule() -> list[str]:
    """Every rule the extractors can write (open arguments by example): what needs a label."""
    out = list(FIXED)
    out += [page_metadata(s) for s in (*_EXAMPLE_METADATA, *_EXAMPLE_AUTHOR_METADATA)]
    out += [dated_lead(s) for s in YEAR_SOURCES]
    out += [source_code("LSO"), outlet_site("baolangson.vn")]
    out += [meeting(k) for k in MEETING_KINDS]
    out += [official(w, h) for w in OFFICIAL_WHERE for h in OFFICIAL_HOW]
    out += [relevance_total(32, 6, True), relevance_total(2, 6, False)]
    for where in (
        relevance_where(in_title=True, body=0, posts=0),
        relevance_where(in_title=False, body=3, posts=0),
        relevance_where(in_title=True, body=2, posts=1),
    ):
        out.append(relevance_signal("Ban Dân vận", where, 9))
    out.append(relevance_lead("công tác dân vận", 4))
    out += [relevance_place(p, 5) for p in RELEVANCE_PLACES]
    return out
