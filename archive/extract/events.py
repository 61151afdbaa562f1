"""The meeting an article reports: sơ kết, tổng kết, giao ban, hội nghị, and the period it reviews.

Only a held meeting counts ("tổ chức hội nghị sơ kết", "Hội nghị giao ban", "chủ trì hội nghị"): the
words alone ("tham mưu sơ kết, tổng kết các chỉ thị") describe work, not an event.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from . import rules
from .letters import CAP_WORD
from .types import EventInfo, OfficialMention

_KINDS = {"sơ kết": "so_ket", "tổng kết": "tong_ket", "giao ban": "giao_ban"}
# Case variants spelled out: with re.IGNORECASE Python's re loses its literal fast path (5× slower).
_HOLD = "(?:tổ chức|Tổ chức|chủ trì|Chủ trì|khai mạc|Khai mạc|diễn ra)"
_MEETING = "(?:hội nghị|Hội nghị|HỘI NGHỊ)"
_KIND = "(sơ kết|tổng kết|giao ban|Sơ kết|Tổng kết|Giao ban|SƠ KẾT|TỔNG KẾT|GIAO BAN)"
# Up to three words may stand between "Hội nghị" and the kind: "Hội nghị trực tuyến tổng kết" (issue 10),
# one of them a bracket ("Hội nghị trực tuyến (toàn quốc) sơ kết"), and the form of the meeting
# ("theo hình thức trực tiếp kết hợp với trực tuyến") besides (issue 20).
_FORM = r"(?:\s+(?:theo hình thức\s+)?trực tiếp(?:\s+kết hợp(?:\s+với)?\s+trực tuyến)?)"
_BETWEEN = rf"(?:\s+(?:\([^()\n]{{1,40}}\)|[^\s,.;:()\"“”]+)){{0,3}}?{_FORM}?"
# An anniversary or a gathering held together with a review: "lễ kỷ niệm 20 năm … và tổng kết 10 năm
# phong trào" is a review (tổng kết), not a plain ceremony (issue 20).
_WITH_REVIEW = (
    r"(?:[Ll]ễ kỷ niệm|[Kk]ỷ niệm|[Hh]ọp mặt|[Gg]ặp mặt)[^.;:\n]{0,140}?\s+(?:và|kết hợp)\s+"
    r"(tổng kết|sơ kết)\s+\d+\s+năm"
)
EVENT = re.compile(
    rf"{_HOLD}\s+(?:{_MEETING}{_BETWEEN}\s+)?{_KIND}|{_MEETING}{_BETWEEN}\s+{_KIND}|{_HOLD}\s+({_MEETING})"
    rf"|{_WITH_REVIEW}"
)
# "họp giao ban", "buổi giao ban", a title that begins "Giao ban": a second pattern, tried only when
# "giao ban" is printed (common first letters such as "h", "b" would slow the main one down 3×).
GIAO_BAN = re.compile(
    r"(?:họp|Họp|buổi|Buổi)\s+(giao ban)|(Giao ban) (?=công tác|khối|[Dd]ân vận|quý|tháng|định kỳ)"
)


_MEETING_WORDS = ("ội nghị", "ỘI NGHỊ", "ơ kết", "Ơ KẾT", "ổng kết", "ỔNG KẾT", "iao ban", "IAO BAN")


def _meeting(text: str) -> re.Match[str] | None:
    if not any(word in text for word in _MEETING_WORDS):  # substring tests in C: most texts stop here
        return None
    m = EVENT.search(text)
    if m is None and "iao ban" in text:
        m = GIAO_BAN.search(text)
    return m


# Not a meeting but an event the archive still files: visits, contests, launches, ceremonies.
# Spelled-out case variants (a literal alternation keeps Python's re on its fast path, see above).
_OTHER_WORDS = (
    "lễ kỷ niệm",
    "lễ trao",
    "lễ ra quân",
    "lễ ra mắt",
    "lễ khánh thành",
    "lễ bàn giao",
    "lễ phát động",
    "lễ tuyên dương",
    "lễ khai mạc",
    "lễ mít tinh",
    "hội thi",
    "cuộc thi",
    "chung kết",
    "ra mắt",
    "ra quân",
    "phát động",
    "kỷ niệm",
    "gặp mặt",
    "giao lưu",
    "ngày hội",
    "đại hội",
    "khánh thành",
    "trao nhà",
    "trao quà",
    "trao tặng",
    "trao giải",
    "tặng quà",
    "tọa đàm",
    "hội thảo",
    "tập huấn",
    "học tập kinh nghiệm",
    "học tập mô hình",
    "về nguồn",
    "diễn đàn",
    "thăm và làm việc",
    "thăm, làm việc",
    "thăm làm việc",
    "thăm, tặng",
    "thăm và tặng",
    "đoàn công tác",
    "đoàn đại biểu",
    "đoàn khảo sát",
    "đoàn kiểm tra",
    "trưởng đoàn",
    "đối thoại",
    "đoàn giám sát",
    "tuyên dương",
    "làm việc với",
    "làm việc tại",
    "đến thăm",
)
OTHER_EVENT = re.compile("|".join(re.escape(v) for w in _OTHER_WORDS for v in (w, w[0].upper() + w[1:])))
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
PERIOD = re.compile(
    r"(6|9) tháng (đầu|cuối)? ?năm(?: (\d{4}))?"
    r"|(9|6) tháng(?: (\d{4}))?"
    r"|quý (IV|III|II|I)(?:\s*/\s*(\d{4})| năm (\d{4}))?"
    r"|tháng (\d{1,2})\s*/\s*(\d{4})"
    r"|năm (\d{4})",
)
_YEAR_AHEAD = re.compile(r"(?<!\d)(\d{4})(?!\d)")
LOCATION = re.compile(
    rf"\btại\s+((?:huyện|thị xã|thành phố|TP\.?|quận|xã|phường|thị trấn|tỉnh)\s+{CAP_WORD}(?: {CAP_WORD}){{0,3}})",
)


def _period(m: re.Match[str], sentence: str, held: date | None) -> tuple[str, date, date] | None:
    g = m.groups()

    def year_of(explicit: str | None) -> int | None:
        if explicit:
            return int(explicit)
        ahead = _YEAR_AHEAD.search(sentence, m.end())  # "6 tháng đầu năm, … 6 tháng cuối năm 2020"
        if ahead:
            return int(ahead.group(1))
        return held.year if held else None

    if g[0]:
        months, half, year = int(g[0]), g[1] or "đầu", year_of(g[2])
        if year is None:
            return None
        if months == 6 and half == "cuối":
            return f"6 tháng cuối năm {year}", date(year, 7, 1), date(year, 12, 31)
        end = date(year, months + 1, 1) - timedelta(days=1)
        return f"{months} tháng đầu năm {year}", date(year, 1, 1), end
    if g[3]:
        months, year = int(g[3]), year_of(g[4])
        if year is None:
            return None
        return (
            f"{months} tháng đầu năm {year}",
            date(year, 1, 1),
            date(year, months + 1, 1) - timedelta(days=1),
        )
    if g[5]:
        q, year = _ROMAN[g[5]], year_of(g[6] or g[7])
        if year is None:
            return None
        start = date(year, 3 * q - 2, 1)
        end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
        return f"quý {g[5]}/{year}", start, end
    if g[8]:
        month, year = int(g[8]), int(g[9])
        if not 1 <= month <= 12:
            return None
        end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
        return f"tháng {month}/{year}", date(year, month, 1), end
    year = int(g[10])
    return f"năm {year}", date(year, 1, 1), date(year, 12, 31)


def find_event(text: str, held: date | None, officials: list[OfficialMention]) -> EventInfo | None:
    """The meeting reported in `text` (title + lead), or None."""
    m = _meeting(text)
    if not m:
        return None
    word = next((g for g in m.groups() if g and not g.lower().startswith("hội nghị")), "")
    kind = _KINDS.get(word.lower(), "hoi_nghi")
    # The sentence holding the event: the review period and the place are printed there.
    start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    stop = re.search(r"\.(?:\s|$)|\n", text[m.end() :])
    sentence = text[start : m.end() + (stop.start() if stop else len(text))]
    rel = m.end() - start
    event = EventInfo(kind=kind, held_on=held)
    p = PERIOD.search(sentence, rel)
    if p and p.start() - rel < 60:  # "tổng kết công tác dân vận năm 2018"
        got = _period(p, sentence, held)
        if got:
            period, pstart, pend = got
            event.period, event.period_start, event.period_end = period, pstart, pend
    loc = LOCATION.search(sentence)
    if loc:
        event.location = loc.group(1)
    chair = next((o.name for o in officials if o.chaired), "")
    event.chair = chair
    return event


# What tells a report of something held from a feature (issue 20: a feature that reports no event was
# filed as `other`): a date or a time word in the lead's opening, or a verb of holding.
_HELD = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}|(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa) nay|[Hh]ôm nay|[Vv]ừa qua|[Mm]ới đây|vừa "
    r"|tổ chức|diễn ra|khai mạc|[Đđ]oàn (?:công tác|đại biểu|khảo sát|kiểm tra|giám sát)"
)


def _held(lead: str) -> bool:
    return any(_HELD.search(para[:200]) for para in lead.split("\n"))


def find_event_with_evidence(
    title: str, lead: str, held: date | None, officials: list[OfficialMention], *, other: bool = True
) -> tuple[EventInfo, dict] | None:
    """The event the article reports, from its lead, else its title: a meeting of a known kind, else a
    visit, contest, launch or ceremony as "other"; with the evidence (rule, words, line)."""
    for source in (lead, title):
        m = _meeting(source)
        if m:
            event = find_event(source, held, officials)
            if event:
                line = source[max(0, source.rfind("\n", 0, m.start()) + 1) :].split("\n")[0]
                return event, {"rule": rules.meeting(event.kind), "words": m.group(0), "line": line[:300]}
    if not other or not _held(lead):
        return None
    for source in (title, lead[:400]):  # the lead's opening says what happened
        m = OTHER_EVENT.search(source)
        if m:
            chair = next((o.name for o in officials if o.chaired), "")
            event = EventInfo(kind="other", held_on=held, chair=chair)
            loc = LOCATION.search(source)
            if loc:
                event.location = loc.group(1)
            line = source[max(0, source.rfind("\n", 0, m.start()) + 1) :].split("\n")[0]
            return event, {"rule": rules.OTHER_EVENT, "words": m.group(0), "line": line[:300]}
    return None
