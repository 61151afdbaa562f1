"""Dates as Vietnamese news pages print them.

Forms: "27/06/2019", "27/6/2019", "ngày 27 tháng 6 năm 2019", "Đã đăng vào 27/06/2019 lúc 15:04",
"Thứ 3, 13/02/2024 | 17:38:06 [GMT +7]", and partial "Sáng 09/7", "Chiều nay (25/12)", "Ngày 11/4" whose
year comes from context ("năm 2018", "quý II/2024"). A small regex layer: dateparser mis-reads most of
these and adds false hits such as "GMT +7" (FIELD-NOTES, "Vietnamese tools").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

_YEAR = r"(?:19[4-9]\d|20\d\d)"
FULL_DATE = re.compile(
    r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(" + _YEAR + r")(?![\d/])"
    r"|ngày (\d{1,2}) tháng (\d{1,2}) năm (" + _YEAR + r")",
    re.IGNORECASE,
)
TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-3])(?::|\s?h\s?)([0-5]\d)(?::([0-5]\d))?(?![\d:])")
# A partial date needs a cue word, or "3/4" in "đạt 3/4 chỉ tiêu" would become a date. Day and month
# are written with a slash or a dash ("Chiều 15-10", "Ngày 27-5"), a two-day span as "9 và 10-8".
PARTIAL_DATE = re.compile(
    r"(?:sáng|chiều|tối|trưa|ngày|nay|qua)\s*,?\s*\(?\s*(\d{1,2})(?:\s*(?:và|,)\s*\d{1,2})?\s*([/-])\s*"
    r"(\d{1,2})(?![\d/-])\s*\)?",
    re.IGNORECASE,
)
YEAR = re.compile(r"(?<![\d.,])(" + _YEAR + r")(?![\d])")

_WEEKDAY = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|cn)"
WEEKDAY = re.compile(r"^\s*" + _WEEKDAY + r"\b", re.IGNORECASE)
# Explicit "posted on" labels: the strongest evidence of the publication date.
POSTED_LABEL = re.compile(
    r"^(?:đã đăng vào|đăng vào|ngày đăng|đăng ngày|đăng lúc|ngày xuất bản|xuất bản|cập nhật(?: lúc| ngày)?"
    r"|ngày cập nhật|published|date)\b",
    re.IGNORECASE,
)
# An ISO date after a label, as a page's metadata line copies: "date 2025-09-26" (issue 20).
ISO_DATE = re.compile(r"(?<![\d-])(" + _YEAR + r")-(\d{2})-(\d{2})(?![\d-])")
# A site's clock line with a two-digit year: "Thứ bảy, 14-3-26 11:20:01".
SHORT_YEAR_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{2})(?![\d/.-])")
# A time the page glued to its view counter: "28/10/2025 22:584120" is 22:58 and 4,120 views (issue 20).
_TIME_AND_COUNTER = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)()\d{1,7}\s*$")
# A span of days: "Ngày 12-13/10/2023" is held from the 12th (issue 20: the range was not read).
DAY_RANGE = re.compile(r"(\d{1,2})\s*[-–]\s*\d{1,2}\s*([/.])\s*(\d{1,2})\s*\2\s*(" + _YEAR + r")(?![\d/])")
# What may surround a date on a line that holds nothing but a date.
_DATE_LINE_NOISE = re.compile(
    _WEEKDAY + r"|gmt\s*[+-]\s*\d+|đã đăng vào|đăng vào|ngày đăng|đăng ngày|đăng lúc|ngày xuất bản|xuất bản"
    r"|ngày cập nhật|cập nhật|lúc|ngày|published|date|(?<![^\W\d_])a(?![^\W\d_])|[|,:\-–—\[\]()/. ]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateLine:
    """A line that carries only a date (and maybe a time, weekday, label, widgets)."""

    day: date
    at: time | None
    posted: bool  # labelled "Đã đăng vào", "Cập nhật"...
    weekday: bool  # starts with "Thứ bảy," — typical of a page's display date


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full(match: re.Match[str]) -> date | None:
    if match.re is DAY_RANGE:
        return make_date(int(match.group(4)), int(match.group(3)), int(match.group(1)))
    if match.group(1):
        return make_date(int(match.group(4)), int(match.group(3)), int(match.group(1)))
    return make_date(int(match.group(7)), int(match.group(6)), int(match.group(5)))


def parse_date_line(line: str) -> DateLine | None:
    """The date on a line holding only a date (plus time/weekday/labels), else None."""
    if len(line) > 90:
        return None
    m = FULL_DATE.search(line)
    if m:
        day = _full(m)
    elif (iso := ISO_DATE.search(line)) and POSTED_LABEL.match(line):
        m = iso
        day = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    else:
        m = SHORT_YEAR_DATE.search(line) if WEEKDAY.match(line) else None
        if not m:
            return None
        day = make_date(2000 + int(m.group(4)), int(m.group(3)), int(m.group(1)))
    if day is None:
        return None
    rest = line[: m.start()] + " " + line[m.end() :]
    t = TIME.search(rest) or _TIME_AND_COUNTER.search(rest)
    at = None
    if t:
        at = time(int(t.group(1)), int(t.group(2)), int(t.group(3) or 0))
        rest = rest[: t.start()] + " " + rest[t.end() :]
    if _DATE_LINE_NOISE.sub("", rest).strip():
        return None
    return DateLine(day, at, POSTED_LABEL.match(line) is not None, WEEKDAY.match(line) is not None)


def find_lead_date(paragraph: str, window: int = 260) -> tuple[re.Match[str], bool] | None:
    """The first date in the lead's opening: (match, is_full). Only the first `window` characters count:
    a date deep in the lead is usually about something else."""
    head = paragraph[:window]
    full = FULL_DATE.search(head)
    part = PARTIAL_DATE.search(head)
    if full and (not part or full.start() <= part.start()):
        return full, True
    if part:
        return part, False
    return None


def full_date_of(match: re.Match[str]) -> date | None:
    return _full(match)


# A year inferred for an online news report lies in the web era and not in the future: "Tối 14/6 …
# kỷ niệm 60 năm ngày Bác Hồ về thăm quê (14/6/1957 - 14/6/2017)" was held in 2017, not 1957.
EARLIEST_NEWS_YEAR = 1995


def nearest_year(text: str, pos: int, *, latest: int | None = None) -> int | None:
    """The plausible year printed nearest to `pos` in `text` ("năm 2018", "quý II/2024", "2020")."""
    found = nearest_year_at(text, pos, latest=latest)
    return found[0] if found else None


def nearest_year_at(text: str, pos: int, *, latest: int | None = None) -> tuple[int, int] | None:
    """(year, where it is printed) for the plausible year nearest to `pos` in `text`."""
    latest = latest or date.today().year
    best: tuple[int, int, int] | None = None
    for m in YEAR.finditer(text):
        year = int(m.group(1))
        if not EARLIEST_NEWS_YEAR <= year <= latest:
            continue
        dist = abs(m.start() - pos)
        if best is None or dist < best[0]:
            best = (dist, year, m.start())
    return (best[1], best[2]) if best else None


def parse_iso(value: str) -> tuple[date | None, time | None]:
    """ "2024-03-05", "2024-03-05T08:30:00+07:00" → local date and wall-clock time as printed."""
    value = value.strip()
    if not value:
        return None, None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
        return (make_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None) if m else (None, None)
    has_time = "T" in value or " " in value.strip()
    return dt.date(), (dt.time().replace(tzinfo=None) if has_time else None)


# ----- dates in the lead, scored by what surrounds them (issue 10) ------------------------------------

# A document cited by its date: "Nghị quyết số 25-NQ/TW ngày 3/6/2013", "Chỉ thị 16-CT/TU ngày 18/4/2018".
_CITED = re.compile(
    r"(?:Nghị quyết|Chỉ thị|Quyết định|Kết luận|Kế hoạch|Thông tư|Nghị định|Công văn|Hướng dẫn|Quy định|"
    r"Luật|Đề án|Thông báo|Quy chế|Hiến pháp|Sắc lệnh)\b[^.;\n]{0,70}?\bngày\s*\Z"
)
# One end of a span: "(3/2/1930 - 3/2/2023)", "giai đoạn 2018 - 2023".
_SPAN_AFTER = re.compile(r"\s*[-–—]\s*(?:\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*)?(?:19|20)\d\d(?!\d)")
_SPAN_BEFORE = re.compile(r"(?:19|20)\d\d\s*[-–—]\s*\Z")
_YEAR_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)(\s*[-–—]\s*)(?:(?:19|20)\d\d)(?!\d)")
_PLAN_YEAR = re.compile(r"(?:đến|tới|tầm nhìn(?: đến)?)\s+năm\s+((?:19|20)\d\d)", re.IGNORECASE)


def why_not_published(text: str, m: re.Match[str]) -> str:
    """Why a full date found in the lead is not the article's own date ("" when it may be)."""
    day = _full(m)
    if day is None:
        return "not a calendar date"
    if day.year < EARLIEST_NEWS_YEAR:
        return "historical date (before online news)"
    if _SPAN_AFTER.match(text, m.end()) or _SPAN_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
        return "anniversary or period span"
    if _CITED.search(text[max(0, m.start() - 120) : m.start()]):
        return "date of a cited document"
    return ""


@lru_cache(maxsize=512)
def mask_years(text: str) -> str:
    """`text` with the years that say nothing about when it was written blanked out (same length):
    cited documents' and historical dates, the first year of a span, plan years ("đến năm 2030")."""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        chars[start:end] = " " * (end - start)

    if not YEAR.search(text):
        return text
    for m in FULL_DATE.finditer(text):
        why = why_not_published(text, m)
        if (why and not why.startswith("anniversary")) or _SPAN_AFTER.match(text, m.end()):
            blank(m.start(), m.end())
    for m in _YEAR_SPAN.finditer(text):
        blank(m.start(1), m.end(1))
    for m in _PLAN_YEAR.finditer(text):
        blank(m.start(1), m.end(1))
    return "".join(chars)


# Years that say nothing about when the article was written (issue 20: on the corpus an inferred year
# came from these for half the articles): a birth year ("SN 1995", "sinh năm 1995"), a target or a
# start ("vào năm 2025", "đến năm 2030", "từ năm 2010"), a term ("nhiệm kỳ 2015 - 2020"), a
# cited document by number ("Nghị quyết 54/2017", "Luật … số 34/2018/QH14") or by name ("Luật Đất
# đai năm 2013", "Hiến pháp 2013").
_NOT_NOW_BEFORE = re.compile(
    r"(?:(?<![^\W\d_])SN|(?<![^\W\d_])[Ss]inh(?: vào| ra)?(?: năm| ngày [\d/.-]{3,6}| tháng \d{1,2})?|[Nn]ăm sinh"
    r"|(?<![^\W\d_])(?:vào|đến|tới|trước|sau|từ|kể từ|cho đến|hết|(?:vào|đến|tới|trước) cuối) năm|(?<![^\W\d_])(?:từ|đến|tới|trước)"
    r"|[Nn]hiệm kỳ|[Gg]iai đoạn|[Kk]hóa|[Kk]hoá|[Tt]hời kỳ|[Nn]iên khóa|[Mm]ục tiêu|[Tt]ầm nhìn|[Cc]hiến lược"
    r"|[Kk]ế hoạch|[Đđ]ề án|[Cc]hương trình|sửa đổi|bổ sung|vào dịp(?: cuối| đầu)? năm)"
    r"(?: năm)?[\s,:(]*\Z"
)
_CITED_NAME = re.compile(
    r"(?:Luật|luật|Bộ luật|Hiến pháp|Nghị quyết|Nghị định|Quyết định|Chỉ thị|Thông tư|Kết luận|Công văn|"
    r"Thông báo|Pháp lệnh|Quy định|Hướng dẫn|Công ước|Hiệp định|Văn bản|văn bản|BLHS|BLDS|BLTTHS|Điều \d+)\b[^.;:\n()\-–—]{0,50}?\Z"
)
_DOC_NUMBER = re.compile(r"(?<![\d/])\d{1,5}\s*/\s*\Z")  # "54/2017", not "tháng 11/2018"
_MONTH_OR_QUARTER = re.compile(r"(?:tháng|quý|Quý|Tháng)\s*(?:\d{1,2}|I|II|III|IV)\s*/\s*\Z")
_DOC_AFTER = re.compile(r"\s*/\s*[A-ZĐ]")  # "2018/QH14", "2017/NĐ-CP"


_COUNT_OF_YEARS = re.compile(r"\s*năm\b")  # "đồ trang sức Óc Eo 2000 năm tuổi": no year at all
_NUMBER_BEFORE = re.compile(r"(?<![^\W\d_])số\s*\Z")  # "phiếu số 2019-06-15/V": a document's number


def year_not_now(text: str, start: int, end: int) -> str:
    """Why the year printed at text[start:end] is not the year the article was written ("" when it
    may be): a birth year, a target, a term, a cited document."""
    before = text[max(0, start - 70) : start]
    if _COUNT_OF_YEARS.match(text, end):
        return "a count of years"
    if _NUMBER_BEFORE.search(before):
        return "a cited document's number"
    if _DOC_AFTER.match(text, end):
        return "a cited document's number"
    if _DOC_NUMBER.search(before) and not _MONTH_OR_QUARTER.search(before):
        return "a cited document's number"
    if _NOT_NOW_BEFORE.search(before[-30:]):
        return "a birth year, target, start or term"
    if _FUTURE_BEFORE.search(before):
        return "a plan's year"
    if _CITED_NAME.search(before):
        return "a cited document's year"
    return ""


# A term, a school year or a season: both years go ("nhiệm kỳ 2015 - 2020", "năm học 2013-2014").
_SHORT_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)\d\d)(?!\d)")
# A date that opens or closes a span: "từ tháng 5/2015", "(đến ngày 30/6/2018)", "kể từ tháng 11/2008".
SPAN_WORD_BEFORE = re.compile(
    r"(?:(?<![^\W\d_])(?:từ|kể từ|đến|tới|trước|sau|cho đến|hết|hạn|hồi|vào|hẹn|dự kiến|là)|[-–](?=\s*tháng))\s*"
    r"(?:(?:đầu|giữa|cuối|trưa|sáng|chiều|tối|đêm|dịp)\s+)?(?:ngày|tháng|quý)?\s*\Z",
    re.IGNORECASE,
)
# A date that is a cited document's: "văn bản số 3110/UBND-KGVX ngày 27/6/2017", "công văn 5028 ký ngày
# 6-12-2013", "quyết định ghi ngày 21-3-2019", "… phê duyệt ngày 30/05/2017" (seen on the corpus).
DOC_DATE_BEFORE = re.compile(
    r"(?:(?:văn bản|công văn|quyết định|nghị quyết|chỉ thị|thông tư|nghị định|thông báo|tờ trình|biên bản|"
    r"hợp đồng|giấy phép|luật|(?<![^\W\d_])số\s*\S+|\d+/[A-ZĐ]\S*)[^.;\n]{0,40}?"
    r"(?:ký|ban hành|phê duyệt|ghi|đề)?|(?<![^\W\d_])(?:ký|ban hành|phê duyệt))\s*ngày\s*\Z",
    re.IGNORECASE,
)
# A date or a month printed with its year: "5-7-2019", "28/6/2017", "tháng 11/2018", "tháng 11 năm 2018".
# No look-behind in front (Python's re then loses its fast path, FIELD-NOTES): the character before a
# match is checked by `month_years`.
MONTH_YEAR = re.compile(
    r"(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)(?![\d/])|tháng (\d{1,2}) năm ((?:19|20)\d\d)(?!\d)"
)
_DAY_BEFORE = re.compile(r"\d{1,2}\s*[/.-]\s*\Z")


def month_years(text: str):
    """(month, year, where the date starts, where the year starts, where it ends) for each date or
    month printed with its year; a document number ("3110/2017") is none."""
    for m in MONTH_YEAR.finditer(text):
        if m.group(1):
            start = m.start()
            if start and (
                text[start - 1].isdigit() or text[start - 1] == "/" and not _DAY_BEFORE.search(text, 0, start)
            ):
                continue
            day = _DAY_BEFORE.search(text, max(0, start - 6), start)
            yield int(m.group(1)), int(m.group(2)), day.start() if day else start, m.start(2), m.end(2)
        else:
            yield int(m.group(3)), int(m.group(4)), m.start(), m.start(4), m.end(4)


# Words of a plan in the clause before a year: "Mỹ sẽ dời Đại sứ quán về Jerusalem năm 2019".
_FUTURE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:sẽ|dự kiến|phấn đấu|kế hoạch|mục tiêu|hoàn thành|hoàn tất|sẵn sàng|đưa vào)(?![^\W\d_])[^.;!?\n]{0,60}\Z"
)
_TERM_BEFORE = re.compile(
    r"(?:[Nn]hiệm kỳ|[Gg]iai đoạn|[Kk]hóa|[Kk]hoá|[Nn]iên khóa|[Tt]hời kỳ|[Nn]ăm học|[Mm]ùa giải)\s*\Z"
)


def date_not_now(text: str, start: int) -> bool:
    """Whether the date printed at `start` opens or closes a span, is planned, or is a cited document's."""
    before = text[max(0, start - 80) : start]
    return bool(SPAN_WORD_BEFORE.search(before[-24:]) or DOC_DATE_BEFORE.search(before))


@lru_cache(maxsize=512)
def mask_not_now(text: str) -> str:
    """`text` with the years `year_not_now` rejects blanked out (same length), on top of mask_years."""
    if not YEAR.search(text):
        return text
    chars = list(mask_years(text))
    # "sơ kết 5 năm thực hiện Chỉ thị …, giai đoạn 2018 - 2023": a review of the N years that end now
    # is held in the span's last year, which stays.
    reviewed = {int(n) for n in _REVIEW_OF_YEARS.findall(text)}
    keep = {
        m.start(2)
        for m in _SHORT_SPAN.finditer(text)
        if int(m.group(2)) - int(m.group(1)) in reviewed or int(m.group(2)) - int(m.group(1)) > 5
    }
    for m in _SHORT_SPAN.finditer(text):
        gap = int(m.group(2)) - int(m.group(1))
        term = _TERM_BEFORE.search(text[max(0, m.start() - 16) : m.start()]) and gap not in reviewed
        if (m.start(2) not in keep or term) and gap > 0:
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    for _month, _year, start, year_start, year_end in month_years(text):
        if date_not_now(text, start):
            chars[year_start:year_end] = " " * (year_end - year_start)
    for m in YEAR.finditer(text):
        if m.start() not in keep and year_not_now(text, m.start(), m.end()):
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


_REVIEW_OF_YEARS = re.compile(r"(?:sơ kết|tổng kết|Sơ kết|Tổng kết|SƠ KẾT|TỔNG KẾT) (\d{1,2}) năm")


_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class LeadCandidate:
    match: re.Match[str]
    full: bool
    rejected: str  # why it is not the article's date, "" when it may be


def lead_candidates(paragraph: str, window: int = 260) -> list[LeadCandidate]:
    """Every date in the lead's opening, in reading order, each with why it is rejected (if it is)."""
    head = paragraph[:window]
    if not _DIGIT.search(head):
        return []
    out = [LeadCandidate(m, True, why_not_published(head, m)) for m in FULL_DATE.finditer(head)]
    if "-" in head or "–" in head:
        out += [
            LeadCandidate(m, True, why_not_published(head, m))
            for m in DAY_RANGE.finditer(head)
            if not (m.start() and head[m.start() - 1] in "0123456789/.-")
        ]
    out += [LeadCandidate(m, False, "") for m in PARTIAL_DATE.finditer(head)]
    return sorted(out, key=lambda c: c.match.start())
