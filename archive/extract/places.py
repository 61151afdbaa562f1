"""Which province an article belongs to, from the pre-2025 gazetteer of vietnamadminunits (MIT).

Evidence, strongest first: the outlet (source code, site, footer), the article's own committee
("Tỉnh ủy Long An"), a district that belongs to one province only ("huyện Kim Bôi"). When pieces of
evidence disagree, or only an ambiguous district is named (Châu Thành is in ten provinces), we leave the
province empty and say why: a wrong province is worse than none for an archive browsed by province.

Matching is exact on diacritics and on word boundaries: folding would make "Bình Đinh" match "Bình
Định", and a bare substring would find "Long An" in "Long Anh".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from . import reasons
from .letters import CAP_WORD, UP

# The legacy table already carries Huế's 2025 city status; the pre-2025 province was "Thừa Thiên Huế".
LEGACY_RENAMED = {"Huế": "Thừa Thiên Huế"}
# Extra spellings seen in print → gazetteer short name.
_ALIASES = {"Thừa Thiên - Huế": "Thừa Thiên Huế", "TP.HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh"}
# Pre-2025 districts missing from the table (it lists Huế's 2025 quận instead).
_EXTRA_DISTRICTS = {"Huế": "Thừa Thiên Huế", "Phong Điền": "Thừa Thiên Huế"}
# Names that are also people or things: only count with an administrative word in front
# ("Chủ tịch Hồ Chí Minh" is the president, "TP Hồ Chí Minh" the city).
_NEEDS_PREFIX = {"Hồ Chí Minh"}

# Outlet source codes printed at the start of a lead ("LSO-", "(LA34)"). Codes reused by several
# outlets ("BTV": Bắc Giang? Bình Thuận? Tây Ninh?) are deliberately absent: we do not guess.
OUTLET_CODES: dict[str, tuple[str, str]] = {
    "LSO": ("Báo Lạng Sơn", "Lạng Sơn"),
    "LA34": ("Đài Phát thanh và Truyền hình Long An", "Long An"),
    "BHB": ("Báo Hòa Bình", "Hòa Bình"),
    "BGĐT": ("Báo Bắc Giang điện tử", "Bắc Giang"),
    "QNO": ("Báo Quảng Nam", "Quảng Nam"),
    "BBĐT": ("Báo Bình Định điện tử", "Bình Định"),
}
# Codes that are national outlets or ambiguous: stripped from the lead, never province evidence.
NATIONAL_CODES = {"TTXVN", "VOV", "VTV", "TTO", "TPO", "BTV", "VNA", "ĐCSVN", "DVTW"}

# Outlet sites → (outlet name, province). Documented, small: add a row per outlet we ingest.
OUTLET_SITES: dict[str, tuple[str, str]] = {
    "la34.com.vn": ("Đài Phát thanh và Truyền hình Long An", "Long An"),
    "baolongan.vn": ("Báo Long An", "Long An"),
    "baolangson.vn": ("Báo Lạng Sơn", "Lạng Sơn"),
    "baohoabinh.com.vn": ("Báo Hòa Bình", "Hòa Bình"),
    "baodaklak.vn": ("Báo Đắk Lắk", "Đắk Lắk"),
    "baobinhdinh.vn": ("Báo Bình Định", "Bình Định"),
    "baoquangninh.vn": ("Báo Quảng Ninh", "Quảng Ninh"),
    "baobacgiang.vn": ("Báo Bắc Giang", "Bắc Giang"),
    "baoquangnam.vn": ("Báo Quảng Nam", "Quảng Nam"),
    "baothuathienhue.vn": ("Báo Thừa Thiên Huế", "Thừa Thiên Huế"),
    "baocantho.com.vn": ("Báo Cần Thơ", "Cần Thơ"),
    "baonghean.vn": ("Báo Nghệ An", "Nghệ An"),
}


_DISAMBIGUATOR = re.compile(r"\s*\([^)]*\)$")


@dataclass(frozen=True)
class Gazetteer:
    provinces: tuple[str, ...]
    districts: dict[str, frozenset[str]]  # district short name → provinces having it
    province_re: re.Pattern[str]
    district_re: re.Pattern[str]


@cache
def gazetteer() -> Gazetteer:
    """Province names and the district → province map, loaded once per process."""
    from vietnamadminunits.database import query  # local import: the SQLite read happens once

    rows = query("SELECT DISTINCT provinceShort, districtShort FROM admin_units_legacy")
    districts: dict[str, set[str]] = {}
    provinces: list[str] = []
    for row in rows:
        prov = LEGACY_RENAMED.get(row["provinceShort"], row["provinceShort"])
        if prov not in provinces:
            provinces.append(prov)
        if row["districtShort"]:
            # "Kỳ Anh (Huyện)" / "Kỳ Anh (Thị xã)": the table disambiguates same-named units of one
            # province; the article prints just "Kỳ Anh".
            name = _DISAMBIGUATOR.sub("", row["districtShort"])
            districts.setdefault(name, set()).add(prov)
    for name, prov in _EXTRA_DISTRICTS.items():
        districts.setdefault(name, set()).add(prov)
    names = sorted({*provinces, *_ALIASES}, key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    # Not glued to another letter on either side ("Long Anh"), not followed by another capitalised
    # syllable ("Hà Nam Ninh", "Thái Bình Dương"); the preceding word is checked in code.
    # Patterns start with the literal alternation (no look-behind) so the regex engine can skip ahead
    # on the first letter: 5× faster on 100k articles. The left word boundary is checked in code.
    province_re = re.compile(rf"({alternation})(?![^\W\d_])(?! {UP})")
    # Spelled-out case variants, not [Hh]: a literal alternation is 4× faster in Python's re.
    district_re = re.compile(
        r"(huyện|Huyện|HUYỆN|thị xã|Thị xã|Thị Xã|thành phố|Thành phố|Thành Phố|TP\.|TP|quận|Quận) ?"
    )
    frozen = {k: frozenset(v) for k, v in districts.items()}
    return Gazetteer(tuple(provinces), frozen, province_re, district_re)


def canonical_province(name: str) -> str:
    return _ALIASES.get(name, LEGACY_RENAMED.get(name, name))


# A capitalised word that may stand before a province name without making it part of a longer proper
# name ("Tỉnh ủy Long An", "Truyền Hình Long An", "UBND Long An"); others ("Nguyễn Thái Bình", "Thái Bình
# Dương") block the match.
_OK_BEFORE = {
    "Tỉnh",
    "Ủy",
    "Thành",
    "Phố",
    "Báo",
    "Hình",
    "Thanh",
    "Đài",
    "Vận",
    "Dân",
    "Tp",
    "Và",
    "Về",
    "Tại",
    "Của",
}
_WORD_BEFORE = re.compile(r"([^\W\d_]+) \Z")
_OWN_COMMITTEE = re.compile(r"(?:Tỉnh|Thành) [Ủủ]y\s*\Z")
# Centrally-run cities have a "Thành ủy", provinces a "Tỉnh ủy".
_CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}
_CITY_PREFIX = re.compile(r"(?:thành phố|tp\.?)\s*\Z", re.IGNORECASE)
_OWN_COMMITTEE_UNNAMED = re.compile(rf"Tỉnh ủy(?! {UP})")  # "Ban Dân vận Tỉnh ủy tổ chức…"
_PROVINCIAL_HINT = re.compile(rf"Tỉnh ủy(?! {UP})|(?:của|toàn|trong|Toàn|Trong|trên địa bàn) tỉnh(?! {UP})")
# Outlet named in a footer or byline: "Báo Long An", "Đài Phát thanh và Truyền hình Long An".
_OUTLET_NAME = re.compile(
    r"(?<![^\W\d_])(Báo|Đài Phát thanh và Truyền hình|Đài Phát thanh - Truyền hình|Đài PT-TH|Đài PTTH)\s+"
    rf"(?:điện tử\s+)?({CAP_WORD}(?: {CAP_WORD}){{0,3}})",
    re.IGNORECASE,
)
_OUTLET_CANON = {
    "báo": "Báo",
    "đài pt-th": "Đài Phát thanh và Truyền hình",
    "đài ptth": "Đài Phát thanh và Truyền hình",
}


_CAP_RUN = re.compile(rf"(?:{CAP_WORD}|\d+)(?: {CAP_WORD}){{0,2}}")


@dataclass
class Mention:
    province: str
    strong: bool  # "Tỉnh ủy X", "thành phố X": about the article's own committee or city
    start: int


def province_mentions(text: str) -> list[Mention]:
    gz = gazetteer()
    out: list[Mention] = []
    for m in gz.province_re.finditer(text):
        if m.start() and text[m.start() - 1].isalpha():
            continue  # glued to a preceding letter
        name = canonical_province(m.group(1))
        before = text[max(0, m.start() - 40) : m.start()]
        prev = _WORD_BEFORE.search(before)
        if prev:
            word = prev.group(1)
            if word[:1].isupper() and not word.isupper() and word.capitalize() not in _OK_BEFORE:
                continue  # part of a longer proper name: "Nguyễn Thái Bình", "Thái Bình Dương"
        city = _CITY_PREFIX.search(before) is not None
        if name in _NEEDS_PREFIX and not city and m.group(1) == name:
            continue
        out.append(Mention(name, _OWN_COMMITTEE.search(before) is not None, m.start()))
    return out


def outlet_in_text(text: str) -> tuple[str, str] | None:
    """(outlet name, province) for "Báo X" / "Đài Phát thanh và Truyền hình X" naming a province."""
    gz = gazetteer()
    for m in _OUTLET_NAME.finditer(text):
        words = m.group(2).split()
        for n in range(len(words), 0, -1):
            cand = canonical_province(" ".join(words[:n]))
            if cand in gz.provinces:
                kind = m.group(1)
                kind = _OUTLET_CANON.get(kind.lower(), kind[:1].upper() + kind[1:].lower())
                if kind.startswith("Đài"):
                    kind = "Đài Phát thanh và Truyền hình"
                return f"{kind} {cand}", cand
    return None


def districts_named(text: str) -> list[tuple[str, str, frozenset[str]]]:
    """[(as printed "huyện Kim Bôi", short name, provinces)] for each district the text names."""
    gz = gazetteer()
    out = []
    for m in gz.district_re.finditer(text):
        if m.start() and text[m.start() - 1].isalpha():
            continue
        run = _CAP_RUN.match(text, m.end())
        if not run:
            continue
        words = run.group(0).split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            provs = gz.districts.get(name)
            if provs:
                out.append((f"{m.group(1).lower()} {name}", name, provs))
                break
    return out


@dataclass
class ProvinceResult:
    province: str = ""
    evidence: str = ""
    district: str = ""
    reasons: list[str] = field(default_factory=list)
    provincial: bool = False  # the text reads like provincial news (own "Tỉnh ủy", "toàn tỉnh")
    committee: bool = False  # mentions a "Tỉnh ủy": worth a review when the province stays unknown


def resolve_province(body: str, outlet: tuple[str, str] | None, *, national: bool = False) -> ProvinceResult:
    """Decide the province from the outlet and the body text.

    `outlet` is the outlet evidence already found (source code, site, footer), as (evidence, province).
    `national`: the source is a national news feed. There a story set in "quận Cầu Giấy" or quoting
    "Bí thư Tỉnh ủy Quảng Nam" is national news about a place, not that province's own news: the text
    must read provincial ("toàn tỉnh", the article's own unnamed "Tỉnh ủy") before names count.
    """
    res = ProvinceResult(
        provincial=_PROVINCIAL_HINT.search(body) is not None,
        committee=_OWN_COMMITTEE_UNNAMED.search(body) is not None,
    )
    votes: list[tuple[str, str]] = []
    if outlet:
        votes.append((outlet[1], outlet[0]))
    if national and not res.provincial:
        if outlet:
            res.province, res.evidence = outlet[1], outlet[0]
        return res

    mentions = province_mentions(body)
    strong = Counter(m.province for m in mentions if m.strong)
    if len(strong) == 1:
        prov = next(iter(strong))
        votes.append((prov, f"named: {'Thành ủy' if prov in _CITIES else 'Tỉnh ủy'} {prov}"))
    elif len(strong) > 1 and not outlet:
        res.reasons.append(f"{reasons.SEVERAL_COMMITTEES} named: " + ", ".join(sorted(strong)))

    district_provs: dict[str, str] = {}
    ambiguous: list[tuple[str, frozenset[str]]] = []
    for _printed, name, provs in districts_named(body):
        if len(provs) == 1:
            district_provs.setdefault(next(iter(provs)), name)
        else:
            ambiguous.append((name, provs))
    if len(district_provs) == 1:
        prov, name = next(iter(district_provs.items()))
        votes.append((prov, f"district {name}"))
        res.district = name

    distinct = list(dict.fromkeys(p for p, _ in votes))
    if len(distinct) == 1:
        res.province = distinct[0]
        res.evidence = "; ".join(ev for _, ev in votes)
        return res
    res.district = ""
    if len(distinct) > 1:
        res.reasons.append(f"{reasons.PROVINCE_DISAGREES}: " + "; ".join(f"{p} ({ev})" for p, ev in votes))
        return res
    # No decisive evidence. A clear majority of mentions counts only for provincial-looking text.
    counts = Counter(m.province for m in mentions)
    if res.provincial and counts:
        ranked = counts.most_common(2)
        top, n = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        if n >= 2 and n >= 3 * second:
            res.province = top
            res.evidence = f"majority of province names ({n} of {sum(counts.values())})"
            return res
    for name, provs in ambiguous:
        res.reasons.append(f"{reasons.AMBIGUOUS_DISTRICT} {name}: " + ", ".join(sorted(provs)))
    if len(district_provs) > 1:
        res.reasons.append(
            f"{reasons.DISTRICTS_OF_SEVERAL_PROVINCES}: "
            + ", ".join(f"{n} ({p})" for p, n in district_provs.items())
        )
    return res
