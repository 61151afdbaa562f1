"""One official, one career (issue 20, item 8): a position's canonical form, kept beside the words as
written, so that "PBTTT huyện ủy", "Phó bí thư thường trực Huyện ủy" and "Phó Bí thư Thường trực
Huyện uỷ" are one post.

The canonical form: abbreviations of party posts spelled out (TVTU, PBTTT, UVBTV…), the common ones of
state organs written the one way the press uses most (UBND, HĐND, MTTQ), each post's words cased as
the party's documents case them, "Ủy viên Thường vụ" → "Ủy viên Ban Thường vụ", "của" between a post
and its organ dropped. Place names and other capitalised words stay as printed. Pure Python.
"""

from __future__ import annotations

import re
from functools import cache

from .normalize import normalize_line

# Party abbreviations spelled out (whole tokens, case as printed).
_EXPAND = {
    "TVTU": "Ủy viên Ban Thường vụ Tỉnh ủy",
    "UVBTV": "Ủy viên Ban Thường vụ",
    "UVTV": "Ủy viên Ban Thường vụ",
    "BTV": "Ban Thường vụ",
    "BCH": "Ban Chấp hành",
    "PBTTT": "Phó Bí thư Thường trực",
    "PBT": "Phó Bí thư",
    "PCTTT": "Phó Chủ tịch Thường trực",
    "PCT": "Phó Chủ tịch",
    "TƯ": "Trung ương",
    "T.Ư": "Trung ương",
    "TW": "Trung ương",
    "UBMTTQ": "Ủy ban MTTQ",
    "BDV": "Ban Dân vận",
    "BDVTU": "Ban Dân vận Tỉnh ủy",
}
# State organs written out → the abbreviation the press uses most (longest first).
_ABBREVIATE = (
    ("ủy ban nhân dân", "UBND"),
    ("hội đồng nhân dân", "HĐND"),
    ("mặt trận tổ quốc việt nam", "MTTQ Việt Nam"),
    ("mặt trận tổ quốc", "MTTQ"),
)
# Words cased as the party's documents case them, matched on lower-case words, longest first.
_CASED = (
    "Phó Trưởng Ban Dân vận",
    "Trưởng Ban Dân vận",
    "Phó Trưởng Ban Tuyên giáo",
    "Trưởng Ban Tuyên giáo",
    "Phó Trưởng Ban Tổ chức",
    "Trưởng Ban Tổ chức",
    "Ủy viên Ban Thường vụ",
    "Ủy viên Ban Chấp hành",
    "Ủy viên Trung ương Đảng",
    "Ban Chấp hành",
    "Ban Thường vụ",
    "Ban Dân vận",
    "Ban Tuyên giáo",
    "Ban Tổ chức",
    "Ban Nội chính",
    "Ban Chỉ huy",
    "Ủy ban Kiểm tra",
    "Ủy ban",
    "Phó Bí thư",
    "Bí thư",
    "Phó Chủ tịch",
    "Chủ tịch",
    "Phó Trưởng Ban",
    "Trưởng Ban",
    "Phó Giám đốc",
    "Giám đốc",
    "Thường trực",
    "Ủy viên",
    "Trung ương",
    "Tỉnh ủy viên",
    "Huyện ủy viên",
    "Thành ủy viên",
    "Đảng ủy viên",
    "Tỉnh ủy",
    "Huyện ủy",
    "Thành ủy",
    "Thị ủy",
    "Quận ủy",
    "Đảng ủy",
    "Chi bộ",
    "Trưởng phòng",
    "Phó Trưởng phòng",
    "Phòng",
    "Chủ nhiệm",
    "Phó Chủ nhiệm",
    "Chỉ huy trưởng",
    "Chính ủy",
    "Phó Chính ủy",
)
_MAX_PHRASE = 5


@cache
def _cased() -> dict[tuple[str, ...], tuple[str, ...]]:
    return {tuple(p.lower().split()): tuple(p.split()) for p in _CASED}


# Ministries and departments as the press abbreviates them, every spelling to one (seen on the corpus:
# "Bộ GD&ĐT", "Bộ GD-ĐT", "Bộ GD - ĐT", "Bộ GDĐT", "Bộ Giáo dục - Đào tạo", "Bộ Giáo dục").
_SECTORS = (
    (r"[Gg]iáo dục(?:\s*(?:và|-|–|&)\s*[Đđ]ào tạo)?|GD\s*(?:&|-|–|và)?\s*ĐT", "GD&ĐT"),
    (
        r"[Ll]ao động\s*[-–,]\s*[Tt]hương binh\s*(?:và|&)\s*[Xx]ã hội|LĐ\s*-?\s*TB\s*(?:&|và|-)?\s*XH",
        "LĐ-TB&XH",
    ),
    (r"[Nn]ông nghiệp\s*(?:và|&|-)\s*[Pp]hát triển nông thôn|NN\s*(?:&|-|và)\s*PTNT", "NN&PTNT"),
    (r"[Tt]ài nguyên\s*(?:và|&|-)\s*[Mm]ôi trường|TN\s*(?:&|-|và)\s*MT", "TN&MT"),
    (r"[Kk]ế hoạch\s*(?:và|&|-)\s*[Đđ]ầu tư|KH\s*(?:&|-|và)\s*ĐT", "KH&ĐT"),
    (r"[Kk]hoa học\s*(?:và|&|-)\s*[Cc]ông nghệ|KH\s*(?:&|-|và)\s*CN", "KH&CN"),
    (r"[Tt]hông tin\s*(?:và|&|-)\s*[Tt]ruyền thông|TT\s*(?:&|-|và)\s*TT", "TT&TT"),
    (r"[Gg]iao thông\s*(?:-\s*)?[Vv]ận tải", "GTVT"),
)
_SECTOR_RES = tuple((re.compile(rf"(?<![^\W\d_])(?:{p})(?![^\W\d_])"), r) for p, r in _SECTORS)
# Cities: "TP.HCM", "TP HCM", "TPHCM", "TP Hồ Chí Minh", "thành phố Hồ Chí Minh" are one; "TP.Hà Nội",
# "thành phố Hà Nội", "TP Hà Nội" are "TP Hà Nội".
_HCM = re.compile(r"(?:(?:TP|Tp|tp)\.?\s*|[Tt]hành phố\s+)?(?:Hồ Chí Minh|HCM)\b|TPHCM\b")
_CITY = re.compile(r"(?:TP|Tp)\.?\s*(?=[A-ZĐÂĂÊÔƠƯ])|[Tt]hành phố (?=[A-ZĐÂĂÊÔƠƯ])")
_BIG_CITIES = ("Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ")
_BARE_CITY = re.compile(rf"(?<=UBND |HĐND )(?=(?:{'|'.join(_BIG_CITIES)})\b)")
# "Chủ tịch Hà Nội", "Chủ tịch TP Hà Nội", "Chủ tịch tỉnh Long An": the chair of its people's committee.
_CHAIR_OF_PLACE = re.compile(rf"\b(Chủ tịch) (?=TP |TP\.HCM|tỉnh [A-ZĐ]|(?:{'|'.join(_BIG_CITIES)})\b)")
# "Bí thư TP.HCM", "Bí thư tỉnh Long An": the secretary of its party committee.
_SECRETARY_OF_PLACE = re.compile(r"\b(Bí thư) (?:(?=TP |TP\.HCM)|tỉnh (?=[A-ZĐ]))")
_MINISTER = re.compile(r"\b((?:Bộ|Thứ) trưởng) (?=(?:GD&ĐT|LĐ-TB&XH|NN&PTNT|TN&MT|KH&ĐT|KH&CN|TT&TT|GTVT)\b)")
_BRACKET_END = re.compile(r"\s*\([^()]*\)\s*$")
_SPACES = re.compile(r"\s+")
_COMMA = re.compile(r"\s*,\s*")
# "Ủy viên Thường vụ Tỉnh ủy" is "Ủy viên Ban Thường vụ Tỉnh ủy"; "Trưởng Ban Dân vận của Tỉnh ủy" the same
# post as "Trưởng Ban Dân vận Tỉnh ủy".
_THUONG_VU = re.compile(r"\bỦy viên Thường vụ\b")
_OF_ORGAN = re.compile(r" của (?=(?:Tỉnh|Huyện|Thành|Thị|Quận|Đảng) ủy\b|UBND|HĐND|Ủy ban MTTQ)")
# Posts inside one position: "A, B", "A kiêm B", "A – B" (a dash before another post).
_POST_SPLIT = re.compile(r"\s*,\s*|\s+kiêm\s+|\s+[-–]\s+(?=(?:Phó |Tổng )?[A-ZĐÂĂÊÔƠƯ])")
_ORGAN_END = re.compile(r"(?:Tỉnh|Huyện|Thành|Thị|Quận|Đảng) ủy(?: [^\W\d_].*)?$")
_NEEDS_ORGAN = re.compile(
    r"(?:Ủy viên Ban Thường vụ|Ủy viên Ban Chấp hành|Phó Bí thư(?: Thường trực)?|Bí thư)$"
)
_RANK = re.compile(r"^(?:Đại|Thượng|Trung|Thiếu) (?:tá|tướng|úy)$")


def _words_cased(words: list[str]) -> list[str]:
    table = _cased()
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
            key = tuple(w.lower() for w in words[i : i + n])
            if key in table:
                out.extend(table[key])
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


@cache
def canonical_position(position: str) -> str:
    """The canonical form of a position as printed ("" for ""); idempotent."""
    text = _SPACES.sub(" ", normalize_line(position).replace("’", "'")).strip(" ,.;")
    if not text:
        return ""
    words = [
        _EXPAND.get(w.rstrip(","), w.rstrip(",")) + ("," if w.endswith(",") else "") for w in text.split(" ")
    ]
    text = " ".join(words)
    lowered = text.lower()
    for long, short in _ABBREVIATE:
        start = lowered.find(long)
        while start >= 0:
            text = text[:start] + short + text[start + len(long) :]
            lowered = text.lower()
            start = lowered.find(long, start + len(short))
    for pattern, short in _SECTOR_RES:
        text = pattern.sub(short, text)
    text = _CITY.sub("TP ", text)
    text = _HCM.sub("TP.HCM", text).replace("TP TP.HCM", "TP.HCM")
    text = _CHAIR_OF_PLACE.sub(r"\1 UBND ", text)
    text = _BARE_CITY.sub("TP ", text)
    text = _SECRETARY_OF_PLACE.sub(
        lambda m: "Bí thư Thành ủy " if m.string.startswith("TP", m.end()) else "Bí thư Tỉnh ủy ", text
    )
    text = _MINISTER.sub(r"\1 Bộ ", text)
    text = _BRACKET_END.sub("", text)  # "… quận Hai Bà Trưng (Hà Nội)": the career row names the province
    text = " ".join(_words_cased(text.split(" ")))
    text = _THUONG_VU.sub("Ủy viên Ban Thường vụ", text).replace("Trưởng phòng Phòng ", "Trưởng phòng ")
    text = _OF_ORGAN.sub(" ", text)
    return _COMMA.sub(", ", text).strip(" ,.;-–")


def posts(position: str) -> list[str]:
    """The posts one canonical position holds, each naming its organ: "Ủy viên Ban Thường vụ, Trưởng Ban
    Dân vận Tỉnh ủy" → ["Ủy viên Ban Thường vụ Tỉnh ủy", "Trưởng Ban Dân vận Tỉnh ủy"]. A rank
    ("Đại tá") is no post."""
    parts = [p.strip() for p in _POST_SPLIT.split(canonical_position(position)) if p.strip()]
    parts = [p for p in parts if not _RANK.match(p)]
    out = []
    for k, part in enumerate(parts):
        if _NEEDS_ORGAN.search(part):
            organ = next((m.group(0) for later in parts[k + 1 :] if (m := _ORGAN_END.search(later))), "")
            organ = organ.split(" ")[:2]  # "Tỉnh ủy", not the place name after it
            if organ:
                part = f"{part} {' '.join(organ)}"
        if part not in out:
            out.append(part)
    return out


def fold_short_posts(all_posts: list[str]) -> dict[str, str]:
    """For one official's posts, the fuller post each shorter spelling stands for: "Thứ trưởng" and
    "Thứ trưởng Bộ GD&ĐT" are one line of a career when no other post starts with "Thứ trưởng".
    A post that could be the start of two different posts stays on its own."""
    unique = sorted(set(all_posts), key=len)
    out: dict[str, str] = {}
    for post in unique:
        longer = [p for p in unique if p.startswith(post + " ")]
        if not longer:
            continue
        longest = max(longer, key=len)
        if all(longest.startswith(p) for p in longer):  # one chain: "Chủ tịch UBND TP" ⊂ "… TP Hà Nội"
            out[post] = longest
    return out
