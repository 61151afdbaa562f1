"""From normalised lines to an ExtractedArticle: title, body, dates, outlet, province, people, event.

The three entry points (plain text, HTML, corpus record) differ only in where the title, the date and
the outlet come from; everything else runs through `build_article`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from urllib.parse import urlsplit

from . import chrome, reasons, relevance, rules
from .dates import (
    EARLIEST_NEWS_YEAR,
    YEAR,
    DateLine,
    date_not_now,
    full_date_of,
    lead_candidates,
    make_date,
    mask_not_now,
    mask_years,
    month_years,
    nearest_year_at,
    parse_date_line,
    year_not_now,
)
from .errors import ExtractError
from .events import find_event_with_evidence
from .letters import LO, UP, UPPER
from .people import find_officials_with_evidence, parse_byline, parse_byline_with_code, parse_top_byline
from .places import OUTLET_CODES, outlet_from_site, outlet_in_text, resolve_province
from .types import PRECISION_DAY, PRECISION_YEAR_INFERRED, ExtractedArticle

MAX_TITLE = 250
# "LSO-Chiều nay", "(BTV) Sáng 09/7", "LA34 - Sáng nay": an outlet code at the start of the lead.
_CODE = rf"[{UPPER}\d]{{2,8}}"
# "(QNO)—Chiều", "(QNO): Sáng" too (issue 20: the code was ignored after an em dash).
_SOURCE_CODE = re.compile(rf"^(?:\(({_CODE})\)\s*[-–—:]?\s*|({_CODE})\s*[-–—]\s*)(?={UP}|\d)")
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
    byline: str = ""  # a byline the page prints outside the body ("Lò Thị Thu | 22/02/2024")
    # What a page's own metadata declares (issue #17): it beats the text rules.
    date_source: str = ""  # "article:published_time", "JSON-LD datePublished", "<time datetime>"
    authors: list[str] = field(default_factory=list)
    authors_source: str = ""
    section: str = ""


def check_text(raw: str) -> None:
    if "\x00" in raw:
        raise ExtractError(f"binary content (NUL byte at offset {raw.index(chr(0))})")
    if not raw:
        raise ExtractError("empty input")
    if not raw.strip():
        raise ExtractError("empty input (whitespace only)")


def paragraphs(text: str) -> list[str]:
    """Non-empty lines of normalised text, wrapped captions re-joined."""
    return [" ".join(lines) for lines in paragraph_lines(text)]


def paragraph_lines(text: str) -> list[list[str]]:
    """The lines of each paragraph: a line that starts in lower case after an unfinished line is
    joined to it (a wrapped caption), so the title can be told apart from what it swallowed."""
    out: list[list[str]] = []
    prev_blank = True
    for line in text.split("\n"):
        if not line:
            prev_blank = True
            continue
        if out and not prev_blank and _STARTS_LOWER.match(line) and out[-1][-1][-1:] not in '.!?:;…"”)':
            out[-1].append(line)
        else:
            out.append([line])
        prev_blank = False
    return out


def _site_of(url: str) -> str:
    if "://" not in url:
        return ""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _ev(rule: str, words: str = "", line: str = "") -> dict:
    """One piece of evidence: the rule that fired, the words it read, the line they stand in."""
    return {"rule": rule, "words": words, "line": line[:300]}


def build_article(raw: str, normalized: str, *, source_name: str, hints: Hints) -> ExtractedArticle:
    grouped = paragraph_lines(normalized)
    paras = [" ".join(lines) for lines in grouped]
    pre_dates: list[DateLine] = []
    header: list[str] = []  # page chrome above the title: banners, menus, the site's clock
    i = 0
    title = hints.title
    if title is None:
        while i < len(paras):
            dl = parse_date_line(paras[i])
            if dl:
                pre_dates.append(dl)
            elif not (
                chrome.is_chrome_line(paras[i])
                or (chrome.is_header_line(paras[i]) and _title_follows(paras, i + 1))
            ):
                break
            header.append(paras[i])
            i += 1
        if i == len(paras):
            raise ExtractError("no title found (only dates or page widgets)")
        if len(grouped[i]) > 1:
            # The title is one line: a lower-case line under it ("image banner", "date 2025-09-26", a
            # teaser) is not its continuation but the next paragraph (issue 20: 6 of 47 real pages).
            paras[i : i + 1] = [grouped[i][0], " ".join(grouped[i][1:])]
        title = paras[i]
        if len(title) > MAX_TITLE:
            raise ExtractError(f"no title found (first line is {len(title)} characters of running text)")
        i += 1
    if not title:
        raise ExtractError("no title found")

    cut = chrome.split_tail(paras, i)
    tail = paras[cut:] + hints.extra_chrome
    title_key = title.casefold()
    posted: list[tuple[int, DateLine, str]] = []  # (index after title, date line, the line)
    body: list[str] = []
    seen: set[str] = set()
    dropped_chrome: list[str] = []
    captions: list[str] = []
    authors: list[str] = []
    author_line = ""
    if hints.byline:
        top = parse_top_byline(hints.byline) or (
            (names, None) if (names := parse_byline(hints.byline)) else None
        )
        if top:
            authors, author_line = top[0], hints.byline
            if top[1]:
                posted.append((0, top[1], hints.byline))
    for k in range(i, cut):
        para = paras[k]
        dl = parse_date_line(para)
        if dl:
            posted.append((len(body), dl, para))
            continue
        if not body and not authors:
            top = parse_top_byline(para)
            if top:  # "Đức Cường | 15/09/2023", "Tin, ảnh: Vàng Thị Dua" between title and lead
                authors, stamp = top
                author_line = para
                if stamp:
                    posted.append((0, stamp, para))
                continue
        if chrome.is_chrome_line(para):
            dropped_chrome.append(para)
            continue
        key = para.casefold()
        if key == title_key or key in seen:
            continue  # repeated title (photo caption) or duplicated paragraph
        if chrome.is_caption(para):
            captions.append(para)  # not body text, but the officials it names are the article's
            continue
        seen.add(key)
        body.append(para)

    # Outlet code at the start of the lead: strip it, remember it.
    outlet_code = ""
    code_line = ""
    if body:
        m = _SOURCE_CODE.match(body[0])
        if m:
            code = m.group(1) or m.group(2)
            if code.isupper() and not code.isdigit():
                outlet_code = code
                code_line = body[0][: m.end()].strip()
                body[0] = body[0][m.end() :]
    # A short paragraph that only repeats part of another one is a caption.
    body = [
        p
        for n, p in enumerate(body)
        if len(p) >= 200
        or not any(n != j and len(q) > len(p) and p.rstrip(".") in q for j, q in enumerate(body))
    ]
    _drop_teasers_after_byline(body, dropped_chrome)
    for _ in range(2):  # the byline, and an outlet credit under it ("Thanh Hà" / "Theo Báo Tuyên Quang")
        found = parse_byline_with_code(body[-1]) if len(body) > 1 else None
        if not found:
            break
        names, code = found
        if names and not authors:
            authors, author_line = names, body[-1]
        if code and not outlet_code:  # "Vân Hà (LSO)", "Alăng Ngước - QNO"
            outlet_code, code_line = code, body[-1]
        body.pop()
        if names:
            break
    if not body:
        raise ExtractError("no article text after the title")
    text = "\n\n".join(body)

    art = ExtractedArticle(source_name=source_name, raw=raw, title=title, text=text, authors=authors)
    art.url = hints.url
    art.outlet_code = outlet_code
    if hints.authors:
        art.authors = list(hints.authors)
        art.evidence["authors"] = _ev(rules.page_metadata(hints.authors_source), ", ".join(hints.authors))
    elif authors:
        art.evidence["authors"] = _ev(rules.BYLINE, ", ".join(authors), author_line)
    if hints.section:
        art.evidence["section"] = _ev(rules.PAGE_METADATA, hints.section)

    lead_date = _lead_date(body, title, hints.default_year, pre_dates)
    _dates(art, hints, pre_dates, posted, lead_date)
    _date_doubts(art, body)
    outlet = _outlet(art, hints, outlet_code, tail + dropped_chrome, header)
    if outlet and code_line and outlet[0].startswith("source code"):
        art.evidence["outlet"]["line"] = code_line

    prov = resolve_province(f"{title}\n{text}", outlet, national=not hints.always_flag_province, title=title)
    art.province, art.province_evidence, art.district = prov.province, prov.evidence, prov.district
    art.review_reasons.extend(prov.reasons)
    if prov.province:
        art.evidence["province"] = _ev(prov.rule, prov.evidence, prov.line)
    if prov.district:
        art.evidence["district"] = _ev(rules.DISTRICT_NAMED, prov.district, prov.district_line)
    if not art.province and not prov.reasons and (hints.always_flag_province or prov.committee):
        art.review_reasons.append(reasons.PROVINCE_UNKNOWN)

    art.officials, official_evidence = find_officials_with_evidence("\n\n".join([text, *captions]))
    if official_evidence:
        art.evidence["officials"] = official_evidence
    unread = [o.name for o in art.officials if not o.position]
    if unread and (hints.always_flag_province or art.province):  # national news names many in passing
        art.review_reasons.append(f"{reasons.POSITION_UNREAD}: " + ", ".join(unread))
    lead = "\n".join(body[:2])
    held = art.published_on if lead_date is None else lead_date[0]
    # Visits, contests, ceremonies as "other" events: for provincial news, not for the national feed.
    other = hints.always_flag_province or bool(art.province)
    found_event = find_event_with_evidence(title, lead, held, art.officials, other=other)
    if found_event:
        event, evidence = found_event
        art.events.append(event)
        art.evidence["meeting"] = evidence
    found = relevance.score(
        title=title, text=text, section=hints.section, url=hints.url or _address(source_name)
    )
    art.relevance, art.dan_van, art.evidence["relevance"] = found.score, found.dan_van, found.evidence()
    return art


def _address(source_name: str) -> str:
    """A harvested page's source name is its address."""
    return source_name if source_name.startswith(("http://", "https://")) else ""


def _is_teaser(para: str) -> bool:
    """A cut-off opening of another article under the byline: short, ending mid-sentence ("…", "...")
    or a headline without a full stop."""
    text = para.rstrip()
    return len(text) < 300 and (text.endswith(("…", "...")) or not text.endswith((".", "!", "?", '"', "”")))


def _drop_teasers_after_byline(body: list[str], dropped: list[str]) -> None:
    """ "Phương Nam" then "Đồng chí …, Phó Chủ tịch UBND tỉnh kiểm tra … tại huyện…": the teaser of the
    next article is page chrome, and its official is not this article's (issue 20)."""
    if len(body) < 3 or parse_byline_with_code(body[-1]):
        return
    for k in (2, 3):
        if len(body) <= k:
            return
        if parse_byline_with_code(body[-k]) and all(_is_teaser(p) for p in body[-k + 1 :]):
            dropped.extend(body[-k + 1 :])
            del body[-k + 1 :]
            return


def _title_follows(paras: list[str], start: int) -> bool:
    """Whether a title-like line (short, not a sentence) follows the header lines from `start`: only
    then is a short line above it a section name rather than the title itself."""
    for line in paras[start : start + 12]:
        if parse_date_line(line) or chrome.is_chrome_line(line) or chrome.is_header_line(line):
            continue
        return len(line) <= 200 and not line.rstrip().endswith((".", "…"))
    return False


_SENTENCE_STOP = re.compile(r"[.!?;](?=\s)|\n")


# A year the lead gives as the period its meeting reviews or plans: "6 tháng cuối năm 2020", "quý II/2024",
# "tổng kết công tác dân vận năm 2018". Other years elsewhere in the lead are not the report's (issue 20).
_PERIOD_YEAR = re.compile(
    r"(?:(?:quý|Quý)\s*(?:I|II|III|IV)\s*/\s*|\d tháng (?:đầu |cuối )?năm\s+"
    r"|(?:tổng kết|sơ kết|Tổng kết|Sơ kết|nhiệm vụ|Nhiệm vụ|công tác|phương hướng|giao ban)[^.;:\n\d]{0,40}? năm\s+)"
    r"((?:19|20)\d\d)(?!\d)"
)


_TARGET_BEFORE = re.compile(r"(?:vào|đến|từ|trước|sau|hết) \Z")


def _period_year(masked: str) -> tuple[int, int] | None:
    """(year, where) of the first period year in the (masked) lead, not a target ("đến hết quý I/2019")."""
    if "năm" not in masked and "uý" not in masked:
        return None
    for m in _PERIOD_YEAR.finditer(masked):
        if int(m.group(1)) > date.today().year or _TARGET_BEFORE.search(
            masked, max(0, m.start() - 6), m.start()
        ):
            continue
        return int(m.group(1)), m.start(1)
    return None


# "Tháng 3/2006 đến 5/2008": a span's start; "(ngày 30-6-2018 hết nhiệm kỳ)": an end.
_SPAN_NEXT = re.compile(r"\s*(?:(?:-|–|đến|tới)\s*(?:tháng\s*|ngày\s*)?\d|\)?\s*(?:hết|kết thúc))")


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for stop in _SENTENCE_STOP.finditer(text, 0, pos):
        start = stop.end()
    end = _SENTENCE_STOP.search(text, pos)
    return start, end.start() if end else len(text)


def _agreeing_year(text: str, month: int) -> tuple[int, int] | None:
    """(year, where) of the first date printed with its year in the same month as `month` or the one
    before or after ("Sáng 25/7" … "Ngày 5-7-2019, UBND …"), not a cited document's, a span's or a plan's."""
    for other, year, start, year_start, year_end in month_years(text):
        if not 1 <= other <= 12 or abs(other - month) > 1 or year < EARLIEST_NEWS_YEAR:
            continue
        if year > date.today().year or year_not_now(text, year_start, year_end):
            continue
        if date_not_now(text, start) or _SPAN_NEXT.match(text, year_end):
            continue
        return year, year_start
    return None


def _around(text: str, pos: int) -> str:
    """The words around a year printed at `pos`, for the evidence an editor reads."""
    return " ".join(text[max(0, pos - 50) : pos + 12].split())


def _lead_paragraphs(body: list[str]) -> list[str]:
    """The lead: the first two paragraphs of running text (short header lines do not count)."""
    return [p for p in body[:6] if len(p) >= 60][:2] or body[:2]


def _lead_date(
    body: list[str], title: str, default_year: int | None, pre_dates: list[DateLine]
) -> tuple[date, str, dict] | None:
    """The date the lead gives its event, the first date not rejected by what surrounds it
    (anniversary spans, cited documents, historical dates): (date, precision, evidence)."""
    for para in _lead_paragraphs(body):
        masked_para = ""
        for cand in lead_candidates(para):
            m = cand.match
            if cand.rejected:
                continue
            if cand.full:
                d = full_date_of(m)
                if d:
                    return d, PRECISION_DAY, _ev(rules.DATED_LEAD, m.group(0), para)
                continue
            day, month = int(m.group(1)), int(m.group(3))
            masked = masked_para = masked_para or mask_years(para)
            year, source, year_words = None, "", ""
            # Only a year that speaks of now counts (issue 20): one printed in the date's own sentence
            # or the title, none that is a birth year, target, term or cited document's; else a date
            # elsewhere in the article within a month of this one. Never the nearest year anywhere.
            a, b = _sentence_bounds(para, m.start())
            found = nearest_year_at(mask_not_now(para[a:b]), m.start() - a)
            if found:
                year, source, year_words = (
                    found[0],
                    rules.YEAR_IN_SENTENCE,
                    _around(para[a:b], found[1]),
                )
            else:
                found = _period_year(mask_not_now(para))
                if found:
                    year, source, year_words = (
                        found[0],
                        rules.YEAR_OF_PERIOD,
                        _around(para, found[1]),
                    )
            if year is None:
                found = nearest_year_at(mask_not_now(title), 0)
                if found:
                    year, source, year_words = found[0], rules.YEAR_IN_TITLE, _around(title, found[1])
            if year is not None and str(year + 1) in masked and month <= 6:
                # "Sáng 12/1 … tổng kết năm 2023, triển khai nhiệm vụ năm 2024": a review of year Y held
                # in the first half of Y+1 (the plan year is printed too).
                year += 1
                source = rules.YEAR_REVIEW
            if year is None:
                joined = "\n".join(body)
                found = _agreeing_year(joined, month)
                if found:
                    year, source, year_words = (
                        found[0],
                        rules.YEAR_SAME_MONTH,
                        _around(joined, found[1]),
                    )
            if year is None and pre_dates:
                year, source = pre_dates[0].day.year, rules.YEAR_OF_DATE_LINE
            if year is None and default_year:
                year, source = default_year, rules.YEAR_DEFAULT
            if year is None:
                return None
            d = make_date(year, month, day)
            if d:
                evidence = _ev(rules.dated_lead(source), m.group(0).strip(), para)
                if year_words:
                    evidence["year_words"] = year_words
                return d, PRECISION_YEAR_INFERRED, evidence
    return None


def _date_doubts(art: ExtractedArticle, body: list[str]) -> None:
    """Flag a date the archive is unsure of: an inferred year, or a date far from the article's others."""
    if art.published_on is None:
        return
    if art.date_precision == PRECISION_YEAR_INFERRED:
        art.review_reasons.append(f"{reasons.YEAR_INFERRED}: {art.published_on.year}")
    text = "\n".join(body)
    year = art.published_on.year
    if any(abs(year - int(y)) <= 2 for y in YEAR.findall(text)):
        return  # a nearby year is printed: cheap exit, no masking needed
    years = [int(y) for y in YEAR.findall(mask_years(text))]
    years = [y for y in years if EARLIEST_NEWS_YEAR <= y <= date.today().year]
    if years:
        art.review_reasons.append(
            f"{reasons.DATE_FAR}: {art.published_on.isoformat()}, the article names {min(years)}–{max(years)}"
        )


def _dates(
    art: ExtractedArticle,
    hints: Hints,
    pre_dates: list[DateLine],
    posted: list[tuple[int, DateLine, str]],
    lead: tuple[date, str, dict] | None,
) -> None:
    """Publication date, strongest evidence first.

    A weekday date above the title is the page's "today" (when it was crawled), never the publication
    date; below the title a labelled or timed date line is the posting stamp; else the dated lead.
    Two posting stamps that disagree leave the date empty and say so.
    """
    if hints.published_on:
        art.published_on, art.published_time = hints.published_on, hints.published_time
        art.date_precision = PRECISION_DAY
        art.evidence["date"] = _ev(rules.page_metadata(hints.date_source), hints.published_on.isoformat())
        return
    near = [(dl, line) for idx, dl, line in posted if idx <= 1]  # right under the title or the lead
    stamps = [(dl, line) for dl, line in near if dl.posted] or [(dl, line) for dl, line in near if dl.at]
    if len({dl.day for dl, _ in stamps}) > 1:
        art.review_reasons.append(
            f"{reasons.DATES_CLOSE}: " + ", ".join(dl.day.isoformat() for dl, _ in stamps)
        )
        return
    if stamps:
        stamp, line = stamps[0]
        art.published_on, art.published_time, art.date_precision = stamp.day, stamp.at, PRECISION_DAY
        art.evidence["date"] = _ev(rules.POSTING_STAMP, stamp.day.isoformat(), line)
        return
    if lead:
        day, precision, evidence = lead
        bound = next((dl.day for dl in pre_dates), None)
        if precision == PRECISION_YEAR_INFERRED and bound and day > bound:
            # an inferred year cannot put the article after the page's own display date
            day = make_date(day.year - 1, day.month, day.day) or day
        art.published_on, art.date_precision = day, precision
        art.evidence["date"] = evidence
        return
    # A weekday date with no time and no label under the title is the site's clock ("thứ tư,
    # 26/11/2025"), the day the page was read: never the publication date (issue 20).
    near = [(dl, line) for dl, line in near if not (dl.weekday and dl.at is None and not dl.posted)]
    if near:  # an undated lead under a plain date line
        dl, line = near[0]
        art.published_on, art.published_time, art.date_precision = dl.day, dl.at, PRECISION_DAY
        art.evidence["date"] = _ev(rules.DATE_LINE, dl.day.isoformat(), line)
        return
    art.review_reasons.append(reasons.NO_DATE)


def _outlet(
    art: ExtractedArticle, hints: Hints, code: str, chrome_lines: list[str], header_lines: list[str]
) -> tuple[str, str] | None:
    """Fill outlet fields; return (evidence, province) when the outlet is a known provincial one.

    Evidence, strongest first: the source code (at the lead or after the byline), the page's own
    address, the outlet's name in the page's chrome (footer, banner above the title), a domain in it.
    """
    art.outlet_name = hints.outlet_name
    art.outlet_site = hints.outlet_site or _site_of(hints.url)
    evidence: tuple[str, str] | None = None
    line = rule = ""
    if code in OUTLET_CODES:
        name, prov = OUTLET_CODES[code]
        art.outlet_name = art.outlet_name or name
        evidence, rule = (f"source code {code} ({name})", prov), rules.source_code(code)
    if evidence is None and art.outlet_site:  # the page's own address
        found = outlet_from_site(art.outlet_site)
        if found:
            art.outlet_name = art.outlet_name or found[0]
            evidence, line = (f"outlet site {art.outlet_site.lower()}", found[1]), hints.url
            rule = rules.outlet_site(art.outlet_site.lower())
    if evidence is None:
        for k, line in enumerate([hints.outlet_name, *chrome_lines, *header_lines]):
            found = outlet_in_text(line) if line else None
            if found:
                art.outlet_name = art.outlet_name or found[0]
                rule = rules.OUTLET_BANNER if k > len(chrome_lines) else rules.OUTLET_FOOTER
                evidence = (f"{rule}: {found[0]}", found[1])
                break
    if not art.outlet_site:
        for chrome_line in [*chrome_lines, *header_lines]:
            dm = next((d for d in _DOMAIN.finditer(chrome_line) if outlet_from_site(d.group(1))), None)
            if dm:
                art.outlet_site, line = dm.group(1).lower(), chrome_line
                break
    if evidence is None and art.outlet_site:
        found = outlet_from_site(art.outlet_site)
        if found:
            art.outlet_name = art.outlet_name or found[0]
            evidence = (f"outlet site {art.outlet_site.lower()}", found[1])
            rule = rules.outlet_site(art.outlet_site.lower())
    if evidence:
        art.evidence["outlet"] = _ev(rule, evidence[0], line or "")
    # An unknown or ambiguous code ("BTV") stays in outlet_code and gives no province.
    return evidence
