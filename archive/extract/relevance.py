"""How much an article is dân vận news: a score from named signals, each kept as evidence.

Pure rules, no Django (docs/relevance.md has the weights' rationale and the corpus figures). The
signals, strongest first: the dân vận bodies and campaigns named in words ("Ban Dân vận", "Ban Tuyên
giáo và Dân vận", "dân vận khéo", "công tác dân vận"), the section the page was published in (its own
metadata, or the address's path), the Mặt trận Tổ quốc and "quy chế dân chủ ở cơ sở", then the mass
organisations. A phrase in the title counts double; repeats in the body add a little, capped, so a
long article that names a body in passing once is not outweighed by one that is about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from . import rules
from .normalize import fold

# At or above this score an article is a "dân vận" article (docs/relevance.md: chosen on the corpus).
THRESHOLD = 6
MAX_SCORE = 100


@dataclass(frozen=True)
class Signal:
    key: str
    label: str  # Vietnamese, as the admin shows it
    pattern: re.Pattern[str]
    title: int  # points when the title names it: the article is about it
    body: int  # points for the first time the body names it
    repeats: int = 2  # at most this many more points for naming it again in the body
    group: str = ""  # signals of one group share a cap on their body points (the mass organisations)


def _p(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


# "dân vận" as a word, not "(giúp) dân vận chuyển", "người dân vận hành", "dân vận động".
_DV = r"dân\s+vận(?!\s+(?:chuyển|chuyện|hành|tải|động|dụng|mệnh|may|tốc))"
SIGNALS = (
    Signal("dan_van_kheo", "phong trào “Dân vận khéo”", _p(rf"{_DV}\s+khéo"), 12, 6, 3),
    Signal(
        "ban_dan_van",
        "Ban Dân vận / Ban Tuyên giáo và Dân vận",
        _p(rf"ban\s+(?:tuyên\s+giáo\s+và\s+)?{_DV}"),
        10,
        4,
        3,
    ),
    Signal("cong_tac_dan_van", "“công tác dân vận”", _p(rf"công\s+tác\s+{_DV}"), 10, 3, 3),
    Signal(
        "dan_van_khac",
        "dân vận chính quyền, khối dân vận, cán bộ dân vận…",
        _p(rf"{_DV}\s+(?:chính\s+quyền|của\s+chính\s+quyền)|khối\s+{_DV}|cán\s+bộ\s+{_DV}|tổ\s+{_DV}"),
        10,
        3,
        2,
    ),
    Signal("dan_van", "cụm “dân vận”", _p(_DV), 8, 2, 2),
    Signal(
        "mat_tran",
        "Mặt trận Tổ quốc",
        _p(r"mặt\s+trận\s+tổ\s+quốc|MTTQ(?:VN)?|Ủy\s+ban\s+Mặt\s+trận"),
        6,
        2,
        2,
    ),
    Signal("dan_chu_co_so", "dân chủ ở cơ sở", _p(r"dân\s+chủ\s+ở\s+cơ\s+sở|dân\s+chủ\s+cơ\s+sở"), 6, 2, 2),
    Signal(
        "doan_the",
        "các đoàn thể chính trị - xã hội",
        _p(r"đoàn\s+thể\s+chính\s+trị\s*[-–]\s*xã\s+hội"),
        6,
        2,
        1,
    ),
    Signal("hoi_nong_dan", "Hội Nông dân", _p(r"hội\s+nông\s+dân|Hội\s+ND"), 6, 1, 1, "mass"),
    Signal(
        "hoi_phu_nu",
        "Hội Liên hiệp Phụ nữ",
        _p(r"hội\s+(?:liên\s+hiệp\s+|LH\s*)?phụ\s+nữ|hội\s+LHPN|LHPN"),
        6,
        1,
        1,
        "mass",
    ),
    Signal(
        "doan_thanh_nien",
        "Đoàn Thanh niên",
        _p(
            r"đoàn\s+thanh\s+niên|đoàn\s+TNCS|tỉnh\s+đoàn|huyện\s+đoàn|thành\s+đoàn|"
            r"hội\s+liên\s+hiệp\s+thanh\s+niên|Đại\s+hội\s+Đoàn"
        ),
        6,
        1,
        1,
        "mass",
    ),
    Signal(
        "cuu_chien_binh", "Hội Cựu chiến binh", _p(r"hội\s+cựu\s+chiến\s+binh|hội\s+CCB"), 6, 1, 1, "mass"
    ),
    Signal(
        "cong_doan",
        "Công đoàn",
        # not "tấn công đoàn xe" (an attack on a convoy)
        re.compile(
            r"(?<!\w)(?<!tấn )(?:công\s+đoàn|liên\s+đoàn\s+lao\s+động|LĐLĐ|CĐCS)(?!\w)", re.IGNORECASE
        ),
        6,
        1,
        1,
        "mass",
    ),
)
DAN_VAN_FAMILY = {"dan_van_kheo", "ban_dan_van", "cong_tac_dan_van", "dan_van_khac"}
# A body named as part of a person's post ("Trưởng ban Dân vận Huyện ủy", "Chủ tịch Ủy ban Trung ương
# MTTQ Việt Nam"): a national story lists such posts in passing (guests, careers), so the body is not
# acting in the story; such a mention earns POST_POINTS, and never the lead's points.
_POST_BEFORE = re.compile(
    r"(?<!\w)(?:chủ\s+tịch|trưởng|phó|ủy\s+viên|uỷ\s+viên|bí\s+thư|thư\s+ký|nguyên)\s+(?:[\w.]+\s+){0,4}$",
    re.IGNORECASE,
)
POST_POINTS = 1
GROUP_CAP = {"mass": 3}
# Who acts in a news story is named in its lead: a signal in the body's first LEAD_CHARS characters
# adds LEAD_POINTS once (the Ủy ban MTTQ or the Hội Nông dân that "đã tổ chức…").
LEAD_CHARS = 250
LEAD_POINTS = 4

# The section a page was published in, by its name or by the address's path (folded, lower case).
_SECTION_DAN_VAN = re.compile(r"dan[\s_-]*van|dan-van|danvan", re.IGNORECASE)
_SECTION_FRONT = re.compile(
    r"mat[\s_-]*tran|doan[\s_-]*the|hoi[\s_-]*nong[\s_-]*dan|phu[\s_-]*nu|cuu[\s_-]*chien[\s_-]*binh|"
    r"cong[\s_-]*doan|doan[\s_-]*thanh[\s_-]*nien|dan[\s_-]*chu[\s_-]*co[\s_-]*so",
    re.IGNORECASE,
)
SECTION_POINTS = 5
SECTION_FRONT_POINTS = 2
HOST_POINTS = 4  # the site of a Ban Dân vận (danvan.vn, dvtw…, bandanvan…)
_HOST_DAN_VAN = re.compile(r"danvan|dan-van|dvtw", re.IGNORECASE)


@dataclass
class Relevance:
    score: int = 0
    dan_van: bool = False
    signals: list[dict] = field(default_factory=list)  # {"rule", "words", "line", "points"}

    def evidence(self) -> list[dict]:
        """The rows the admin shows: the verdict first, then each signal with its points."""
        head = {
            "rule": rules.relevance_total(self.score, THRESHOLD, self.dan_van),
            "words": str(self.score),
            "line": "",
            "points": self.score,
        }
        return [head, *self.signals]


def _around(text: str, start: int, end: int) -> str:
    left = max(text.rfind("\n", 0, start) + 1, start - 120)
    right = text.find("\n", end)
    right = min(right if right >= 0 else len(text), end + 120)
    return text[left:right].strip()


def _path_words(url: str) -> tuple[str, str]:
    """(host, path) of an address, the path unquoted and folded (section names live there)."""
    if "://" not in url:
        return "", ""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), fold(unquote(parts.path)).lower()


def score(*, title: str, text: str, section: str = "", url: str = "") -> Relevance:
    """The article's dân vận score and the signals that made it."""
    result = Relevance()
    group_points: dict[str, int] = {}
    family_found = False
    lead_signal = None
    for signal in SIGNALS:
        if signal.key == "dan_van" and family_found:
            continue  # the plain phrase counts only when no named form of it did
        in_title = signal.pattern.search(title)
        body_hits = list(signal.pattern.finditer(text))
        if not in_title and not body_hits:
            continue
        family_found |= signal.key in DAN_VAN_FAMILY
        acting = [h for h in body_hits if not _POST_BEFORE.search(text[max(0, h.start() - 40) : h.start()])]
        if acting:
            body = signal.body + min(len(acting) - 1, signal.repeats)
        else:
            body = POST_POINTS if body_hits else 0
        if signal.group:
            body = max(0, min(body, GROUP_CAP[signal.group] - group_points.get(signal.group, 0)))
            group_points[signal.group] = group_points.get(signal.group, 0) + body
        points = (signal.title if in_title else 0) + body
        if not points:
            continue
        rows = []
        if in_title:
            rows.append((in_title.group(0), title))
        if body_hits:
            first = (acting or body_hits)[0]
            rows.append((first.group(0), _around(text, *first.span())))
            if lead_signal is None and acting and first.start() < LEAD_CHARS:
                lead_signal = (signal, first)
        where = rules.relevance_where(
            in_title=bool(in_title), body=len(body_hits), posts=len(body_hits) - len(acting)
        )
        result.signals.append(
            {
                "rule": rules.relevance_signal(signal.label, where, points),
                "words": rows[0][0],
                "line": rows[0][1][:300],
                "points": points,
            }
        )
        result.score += points
    if lead_signal is not None:
        signal, hit = lead_signal
        result.signals.append(
            {
                "rule": rules.relevance_lead(signal.label, LEAD_POINTS),
                "words": hit.group(0),
                "line": _around(text, *hit.span())[:300],
                "points": LEAD_POINTS,
            }
        )
        result.score += LEAD_POINTS
    folded_section = fold(section).lower()
    host, path = _path_words(url)
    for where, words in ((rules.PAGE_SECTION, folded_section), (rules.ARTICLE_PATH, path)):
        if not words:
            continue
        if m := _SECTION_DAN_VAN.search(words):
            points = SECTION_POINTS
        elif m := _SECTION_FRONT.search(words):
            points = SECTION_FRONT_POINTS
        else:
            continue
        shown = section if where == rules.PAGE_SECTION else url
        result.signals.append(
            {
                "rule": rules.relevance_place(where, points),
                "words": m.group(0),
                "line": shown[:300],
                "points": points,
            }
        )
        result.score += points
        break  # the section named twice (metadata and path) is one signal
    if host and _HOST_DAN_VAN.search(host):
        result.signals.append(
            {
                "rule": rules.relevance_place(rules.DAN_VAN_SITE, HOST_POINTS),
                "words": host,
                "line": url[:300],
                "points": HOST_POINTS,
            }
        )
        result.score += HOST_POINTS
    result.score = min(result.score, MAX_SCORE)
    result.dan_van = result.score >= THRESHOLD
    return result
