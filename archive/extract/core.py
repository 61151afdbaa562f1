"""From normalised lines to an ExtractedArticle: title, body, dates, outlet, province, people, event.

The three entry points (plain text, HTML, corpus record) differ only in where the title, the date and
the outlet come from; everything else runs through `build_article`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from urllib.parse import urlsplit

from . import chrome, reasons
from .dates import DateLine, find_lead_date, full_date_of, make_date, nearest_year, parse_date_line
from .errors import ExtractError
from .events import EVENT, find_event
from .letters import LO, UP, UPPER
from .people import find_officials, parse_byline
from .places import OUTLET_CODES, OUTLET_SITES, outlet_in_text, resolve_province
from .types import PRECISION_DAY, PRECISION_YEAR_INFERRED, ExtractedArticle

MAX_TITLE = 250
# "LSO-Chiều nay", "(BTV) Sáng 09/7", "LA34 - Sáng nay": an outlet code at the start of the lead.
_CODE = rf"[{UPPER}\d]{{2,8}}"
_SOURCE_CODE = re.compile(rf"^(?:\(({_CODE})\)\s*[-–]?\s*|({_CODE})\s*[-–]\s*)(?={UP}|\d)")
# A line continues the previous one when it starts in lower case after an unfinished line (a caption
# wrapped by the page: "…Phó Bí thư Thường trực Tỉnh ủy\nphát biểu tại hội nghị").
_STARTS_LOWER = re.compile(rf"^{LO}")
_DOMAIN = re.compile(r"(?<![\w.-])((?:[a-z0-9-]+\.)+(?:vn|com|net|org))(?![\w-])", re.IGNORECASE)


@dataclass
class Hints:
    """What the container (HTML meta, JSON fields) already told us."""

    title: str | None = None
    published_on: date | None = None
    published_time: time | None = None
    url: str = ""
    outlet_name: str = ""
    outlet_site: str = ""
    default_year: int | None = None
    # Files in this archive are provincial by construction; corpus records are mostly national news,
    # so for them a missing province is only flagged when the text reads provincial.
    always_flag_province: bool = True
    extra_chrome: list[str] = field(default_factory=list)  # footer text outside the article body


def check_text(raw: str) -> None:
    if "\x00" in raw:
        raise ExtractError(f"binary content (NUL byte at offset {raw.index(chr(0))})")
    if not raw:
        raise ExtractError("empty input")
    if not raw.strip():
        raise ExtractError("empty input (whitespace only)")


def paragraphs(text: str) -> list[str]:
    """Non-empty lines of normalised text, wrapped captions re-joined."""
    out: list[str] = []
    prev_blank = True
    for line in text.split("\n"):
        if not line:
            prev_blank = True
            continue
        if out and not prev_blank and _STARTS_LOWER.match(line) and out[-1][-1:] not in '.!?:;…"”)':
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        prev_blank = False
    return out


def _site_of(url: str) -> str:
    if "://" not in url:
        return ""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def build_article(raw: str, normalized: str, *, source_name: str, hints: Hints) -> ExtractedArticle:
    paras = paragraphs(normalized)
    pre_dates: list[DateLine] = []
    i = 0
    title = hints.title
    if title is None:
        while i < len(paras):
            dl = parse_date_line(paras[i])
            if dl:
                pre_dates.append(dl)
            elif not chrome.is_chrome_line(paras[i]):
                break
            i += 1
        if i == len(paras):
            raise ExtractError("no title found (only dates or page widgets)")
        title = paras[i]
        if len(title) > MAX_TITLE:
            raise ExtractError(f"no title found (first line is {len(title)} characters of running text)")
        i += 1
    if not title:
        raise ExtractError("no title found")

    cut = chrome.split_tail(paras, i)
    tail = paras[cut:] + hints.extra_chrome
    title_key = title.casefold()
    posted: list[tuple[int, DateLine]] = []  # (index after title, date line)
    body: list[str] = []
    seen: set[str] = set()
    dropped_chrome: list[str] = []
    for k in range(i, cut):
        para = paras[k]
        dl = parse_date_line(para)
        if dl:
            posted.append((len(body), dl))
            continue
        if chrome.is_chrome_line(para):
            dropped_chrome.append(para)
            continue
        key = para.casefold()
        if key == title_key or key in seen:
            continue  # repeated title (photo caption) or duplicated paragraph
        if chrome.is_caption(para):
            continue
        seen.add(key)
        body.append(para)

    # Outlet code at the start of the lead: strip it, remember it.
    outlet_code = ""
    if body:
        m = _SOURCE_CODE.match(body[0])
        if m:
            code = m.group(1) or m.group(2)
            if code.isupper() and not code.isdigit():
                outlet_code = code
                body[0] = body[0][m.end() :]
    # A short paragraph that only repeats part of another one is a caption.
    body = [
        p
        for n, p in enumerate(body)
        if len(p) >= 200
        or not any(n != j and len(q) > len(p) and p.rstrip(".") in q for j, q in enumerate(body))
    ]
    authors: list[str] = []
    if len(body) > 1:
        names = parse_byline(body[-1])
        if names:
            authors = names
            body.pop()
    if not body:
        raise ExtractError("no article text after the title")
    text = "\n\n".join(body)

    art = ExtractedArticle(source_name=source_name, raw=raw, title=title, text=text, authors=authors)
    art.url = hints.url
    art.outlet_code = outlet_code

    lead_date = _lead_date(body, title, hints.default_year)
    _dates(art, hints, pre_dates, posted, lead_date)
    outlet = _outlet(art, hints, outlet_code, tail + dropped_chrome)

    prov = resolve_province(f"{title}\n{text}", outlet, national=not hints.always_flag_province)
    art.province, art.province_evidence, art.district = prov.province, prov.evidence, prov.district
    art.review_reasons.extend(prov.reasons)
    if not art.province and not prov.reasons and (hints.always_flag_province or prov.committee):
        art.review_reasons.append(reasons.PROVINCE_UNKNOWN)

    art.officials = find_officials(text)
    lead = "\n".join(body[:2])
    source = lead if EVENT.search(lead) else title if EVENT.search(title) else ""
    if source:  # the meeting date: the dated lead, else the publication date
        held = art.published_on if lead_date is None else lead_date[0]
        event = find_event(source, held, art.officials)
        if event:
            art.events.append(event)
    return art


def _lead_date(body: list[str], title: str, default_year: int | None) -> tuple[date, str] | None:
    for para in body[:2]:
        found = find_lead_date(para)
        if not found:
            continue
        m, full = found
        if full:
            d = full_date_of(m)
            if d:
                return d, PRECISION_DAY
            continue
        year = nearest_year(para, m.start()) or nearest_year(title, 0)
        if year is not None and str(year + 1) in para and int(m.group(2)) <= 6:
            # "Sáng 12/1 … tổng kết năm 2023, triển khai nhiệm vụ năm 2024": a review of year Y held
            # in the first half of Y+1 (the plan year is printed too).
            year += 1
        if year is None:
            year = nearest_year("\n".join(body), m.start()) or default_year
        if year is None:
            return None
        d = make_date(year, int(m.group(2)), int(m.group(1)))
        if d:
            return d, PRECISION_YEAR_INFERRED
    return None


def _dates(
    art: ExtractedArticle,
    hints: Hints,
    pre_dates: list[DateLine],
    posted: list[tuple[int, DateLine]],
    lead: tuple[date, str] | None,
) -> None:
    """Publication date, strongest evidence first.

    A weekday date above the title is the page's "today" (when it was crawled), never the publication
    date; below the title a labelled or timed date line is the posting stamp; else the dated lead.
    """
    if hints.published_on:
        art.published_on, art.published_time = hints.published_on, hints.published_time
        art.date_precision = PRECISION_DAY
        return
    near = [dl for idx, dl in posted if idx <= 1]  # right under the title or the lead
    stamp = next((dl for dl in near if dl.posted), None) or next((dl for dl in near if dl.at), None)
    if stamp:
        art.published_on, art.published_time, art.date_precision = stamp.day, stamp.at, PRECISION_DAY
        return
    if lead:
        day, precision = lead
        bound = next((dl.day for dl in pre_dates), None)
        if precision == PRECISION_YEAR_INFERRED and bound and day > bound:
            # an inferred year cannot put the article after the page's own display date
            day = make_date(day.year - 1, day.month, day.day) or day
        art.published_on, art.date_precision = day, precision
        return
    if near:  # an undated lead under a plain date line
        art.published_on, art.published_time, art.date_precision = near[0].day, near[0].at, PRECISION_DAY
        return
    art.review_reasons.append(reasons.NO_DATE)


def _outlet(
    art: ExtractedArticle, hints: Hints, code: str, chrome_lines: list[str]
) -> tuple[str, str] | None:
    """Fill outlet fields; return (evidence, province) when the outlet is a known provincial one."""
    art.outlet_name = hints.outlet_name
    art.outlet_site = hints.outlet_site or _site_of(hints.url)
    evidence: tuple[str, str] | None = None
    if code in OUTLET_CODES:
        name, prov = OUTLET_CODES[code]
        art.outlet_name = art.outlet_name or name
        evidence = (f"source code {code} ({name})", prov)
    if evidence is None and art.outlet_site.lower() in OUTLET_SITES:  # the page's own address
        name, prov = OUTLET_SITES[art.outlet_site.lower()]
        art.outlet_name = art.outlet_name or name
        evidence = (f"outlet site {art.outlet_site.lower()}", prov)
    if evidence is None:
        for line in [hints.outlet_name, *chrome_lines]:
            found = outlet_in_text(line) if line else None
            if found:
                art.outlet_name = art.outlet_name or found[0]
                evidence = (f"outlet footer: {found[0]}", found[1])
                break
    if not art.outlet_site:
        for line in chrome_lines:
            for dm in _DOMAIN.finditer(line):
                if dm.group(1).lower() in OUTLET_SITES:
                    art.outlet_site = dm.group(1).lower()
                    break
    site = art.outlet_site.lower()
    if evidence is None and site in OUTLET_SITES:
        name, prov = OUTLET_SITES[site]
        art.outlet_name = art.outlet_name or name
        evidence = (f"outlet site {site}", prov)
    # An unknown or ambiguous code ("BTV") stays in outlet_code and gives no province.
    return evidence
