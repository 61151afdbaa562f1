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

from archive.gazetteer import ALIASES, canonical_province, legacy_units

from . import reasons, rules
from .letters import CAP_WORD, UP
from .normalize import fold_key

# The names, the aliases and the table itself come from the one gazetteer (issue #18).
_ALIASES = ALIASES
# Pre-2025 districts missing from the table (it lists Huế's 2025 quận instead), and districts abolished
# or merged before the table was made that older articles still name (issue 10: "Đất Đỏ").
_EXTRA_DISTRICTS = {
    "Huế": "Thừa Thiên Huế",
    "Phong Điền": "Thừa Thiên Huế",
    "Nam Đông": "Thừa Thiên Huế",
    "Đất Đỏ": "Bà Rịa - Vũng Tàu",
    "Long Điền": "Bà Rịa - Vũng Tàu",
    "Đăk Tô": "Kon Tum",
    "Đắk Tô": "Kon Tum",
}
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
    districts: dict[str, set[str]] = {}
    provinces: list[str] = []
    for prov, district in legacy_units():
        if prov not in provinces:
            provinces.append(prov)
        if district:
            # "Kỳ Anh (Huyện)" / "Kỳ Anh (Thị xã)": the table disambiguates same-named units of one
            # province; the article prints just "Kỳ Anh".
            name = _DISAMBIGUATOR.sub("", district)
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
    # "Huyện ủy Lục Ngạn", "Thị ủy Long Mỹ" name a district by its party committee (issue 10).
    district_re = re.compile(
        r"(Huyện ủy|Thị ủy|Quận ủy|Thành ủy|huyện|Huyện|HUYỆN|thị xã|Thị xã|Thị Xã|thành phố|Thành phố|"
        r"Thành Phố|TP\.|TP|quận|Quận|ở|tại) ?"
    )
    frozen = {k: frozenset(v) for k, v in districts.items()}
    return Gazetteer(tuple(provinces), frozen, province_re, district_re)


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
# The article's own unnamed city committee ("Ban Dân vận Thành ủy tổ chức …"): a centrally-run city
# named bare in the same article is that committee's (issue 20: "Hải Phòng" beside "Thành ủy" gave none).
_OWN_CITY_COMMITTEE = re.compile(rf"Thành ủy(?! {UP})")
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


def _outlet_in_text(text: str) -> tuple[str, str] | None:
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
    return [(printed, name, provs) for printed, name, provs, _ in districts_found(text)]


_LOOSE_PREFIX = {"ở", "tại"}


def districts_found(text: str) -> list[tuple[str, str, frozenset[str], int]]:
    """districts_named with the position of each. After "ở"/"tại" (no "huyện") only a district name of
    two syllables or more that belongs to one province and is no province's name counts."""
    gz = gazetteer()
    out = []
    for m in gz.district_re.finditer(text):
        if m.start() and text[m.start() - 1].isalpha():
            continue
        run = _CAP_RUN.match(text, m.end())
        if not run:
            continue
        words = run.group(0).split()
        loose = m.group(1) in _LOOSE_PREFIX
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            provs = gz.districts.get(name)
            if provs:
                if loose and (n < 2 or len(provs) > 1 or canonical_province(name) in gz.provinces):
                    break
                out.append((f"{m.group(1).lower()} {name}", name, provs, m.start()))
                break
    return out


@cache
def _site_slugs() -> list[tuple[str, str]]:
    """(folded province name without spaces, province), longest first: "bariavungtau", "longan"."""
    gz = gazetteer()
    rows = [("".join(re.findall(r"[a-z0-9]", fold_key(p))), p) for p in gz.provinces]
    return sorted(rows, key=lambda r: len(r[0]), reverse=True)


def outlet_from_site(site: str) -> tuple[str, str] | None:
    """(outlet name, province) for an outlet's domain: the documented table first, then the provincial
    papers' common pattern "bao<province>.vn" ("baophutho.vn", "baobariavungtau.com.vn")."""
    site = site.lower().removeprefix("www.")
    if site in OUTLET_SITES:
        return OUTLET_SITES[site]
    label = site.split(".")[0]
    if not label.startswith("bao") or not site.endswith(".vn"):
        return None
    rest = label[3:]
    for slug, prov in _site_slugs():
        if rest == slug or (rest.startswith(slug) and len(rest) - len(slug) <= 3):  # "dienbienphu"
            return f"Báo {prov}", prov
    return None


def _title_case(line: str) -> str:
    """ "BÁO NINH THUẬN" → "Báo Ninh Thuận" (banners are printed in capitals)."""
    return " ".join(w.capitalize() for w in line.split())


_BANNER_PROVINCE = re.compile(r"\b(?:Tỉnh|Thành Phố)\s+(.+)$")


def outlet_in_text(text: str) -> tuple[str, str] | None:
    """(outlet name, province) for "Báo X" / "Đài Phát thanh và Truyền hình X" naming a province, also
    in an all-caps banner ("BÁO ĐIỆN TỬ ĐẢNG CỘNG SẢN VIỆT NAM TỈNH CAO BẰNG")."""
    found = _outlet_in_text(text)
    if found or not any(ch.isalpha() for ch in text) or text.upper() != text:
        return found
    titled = _title_case(text)
    found = _outlet_in_text(titled)
    if found:
        return found
    m = _BANNER_PROVINCE.search(titled)
    if m and titled.split()[0] in ("Báo", "Đài"):
        gz = gazetteer()
        words = m.group(1).split()
        for n in range(min(len(words), 4), 0, -1):
            cand = canonical_province(" ".join(words[:n]))
            if cand in gz.provinces:
                return f"Báo {cand}", cand
    return None


@dataclass
class ProvinceResult:
    province: str = ""
    evidence: str = ""
    district: str = ""
    reasons: list[str] = field(default_factory=list)
    provincial: bool = False  # the text reads like provincial news (own "Tỉnh ủy", "toàn tỉnh")
    committee: bool = False  # mentions a "Tỉnh ủy": worth a review when the province stays unknown
    rule: str = ""  # the strongest rule behind the province ("outlet", "own committee", …)
    line: str = ""  # the sentence that named it
    district_line: str = ""
    scores: dict[str, float] = field(default_factory=dict)


# A visiting delegation: "đoàn công tác Ban Dân vận Tỉnh ủy Hà Giang do …", "… Hà Giang làm trưởng đoàn".
# The province in those words is the guest's, not the one the article reports on (issue 10).
# Two patterns, each opening with literals so the regex engine can skip ahead; the words that may not
# stand before "đoàn" ("Tỉnh đoàn", "đại đoàn kết") are checked in code.
_GUEST = re.compile(
    r"(?:Đoàn|đoàn) (?!viên|kết|thể|thanh niên|Thanh niên|TNCS|trưởng)"
    r"(?:công tác |đại biểu |khảo sát |cán bộ |kiểm tra |giám sát )?(?:của )?"
    r"[^.;:,\n]{0,90}?(?=\s+(?:do|đến|thăm|đã|về|làm việc|học tập|tới|sang|tham quan)\b|[,.;:\n]|$)"
)
_GUEST_LEADER = re.compile(r"do (?:đồng chí|ông|bà) [^.;\n]{0,160}?(?:làm [Tt]rưởng đoàn|dẫn đầu)")
_NOT_GUEST_BEFORE = re.compile(r"(?:Tỉnh|tỉnh|Huyện|huyện|Đại|đại|Thị|thị|Thành|thành) \Z")
# The article's own committee receives the delegation: "tiếp và làm việc với đoàn", "tiếp đoàn", "đón đoàn".
_HOSTS = re.compile(r"(?:tiếp|đón|Tiếp|Đón)(?: và làm việc với| và làm việc cùng)? (?:các )?đoàn")
# Weights of each kind of evidence for a province. Two provinces within CLOSE of each other: none is
# stored, the article is flagged (a wrong province is worse than none for an archive browsed by it).
W_OUTLET, W_COMMITTEE, W_DISTRICT, W_NAMED_UNIT, W_TITLE, W_MENTION = 3.0, 3.0, 2.0, 1.5, 1.0, 0.5
CLOSE = 1.5
_DISTRICT_COMMITTEES = ("huyện ủy", "thị ủy", "quận ủy", "thành ủy")
# "tỉnh Sóc Trăng", "điểm cầu Cà Mau", "thành phố Cần Thơ": the province named as a unit or a venue.
_NAMED_UNIT = re.compile(r"(?:tỉnh|Tỉnh|điểm cầu|Điểm cầu|thành phố|Thành phố|TP\.?)\s*\Z")


def _sentence_at(text: str, pos: int) -> str:
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    stop = re.search(r"\.(?:\s|$)|\n", text[pos:])
    return text[start : pos + (stop.end() if stop else len(text) - pos)].strip()


def resolve_province(
    body: str, outlet: tuple[str, str] | None, *, national: bool = False, title: str = ""
) -> ProvinceResult:
    """Decide the province by scoring every candidate on its evidence, not by the first match.

    `outlet` is the outlet evidence already found (source code, site, name on the page), as (evidence,
    province). Candidates score by what names them: the outlet, the article's own committee ("Tỉnh ủy
    X", "Huyện ủy <district of X>"), a district of X, "tỉnh X"/"điểm cầu X", the title, plain mentions.
    A guest delegation's province does not count. Two candidates within CLOSE: none, with the reason.

    `national`: the source is a national news feed. There a story set in "quận Cầu Giấy" or quoting
    "Bí thư Tỉnh ủy Quảng Nam" is national news about a place, not that province's own news: the text
    must read provincial ("toàn tỉnh", the article's own unnamed "Tỉnh ủy") before names count.
    """
    res = ProvinceResult(
        provincial=_PROVINCIAL_HINT.search(body) is not None,
        committee=_OWN_COMMITTEE_UNNAMED.search(body) is not None,
    )
    if national and not res.provincial:
        if outlet:
            res.province, res.evidence, res.rule = outlet[1], outlet[0], rules.OUTLET
        return res

    guest_spans = [
        (m.start(), m.end())
        for m in _GUEST.finditer(body)
        if not (m.start() and body[m.start() - 1].isalpha())
        and not _NOT_GUEST_BEFORE.search(body[max(0, m.start() - 8) : m.start()])
    ]
    guest_spans += [
        (m.start(), m.end())
        for m in _GUEST_LEADER.finditer(body)
        if not (m.start() and body[m.start() - 1].isalpha())
    ]

    def in_guest(pos: int) -> bool:
        return any(a <= pos < b for a, b in guest_spans)

    scores: dict[str, float] = {}
    why: dict[str, list[tuple[float, str, str, int]]] = {}  # province → [(weight, rule, words, pos)]
    guests: set[str] = set()

    def vote(prov: str, weight: float, rule: str, words: str, pos: int) -> None:
        if any(r == rule for _, r, _, _ in why.get(prov, [])):
            return  # each kind of evidence counts once per province
        scores[prov] = scores.get(prov, 0.0) + weight
        why.setdefault(prov, []).append((weight, rule, words, pos))

    if outlet:
        vote(outlet[1], W_OUTLET, rules.OUTLET, outlet[0], -1)
    mentions = province_mentions(body)
    title_end = len(title)
    plain: Counter[str] = Counter()
    title_votes: list[Mention] = []
    for m in mentions:
        if in_guest(m.start):
            guests.add(m.province)
            continue
        if m.start < title_end:
            title_votes.append(m)
            continue
        if m.strong:
            kind = "Thành ủy" if m.province in _CITIES else "Tỉnh ủy"
            vote(m.province, W_COMMITTEE, rules.OWN_COMMITTEE, f"named: {kind} {m.province}", m.start)
        elif _NAMED_UNIT.search(body[max(0, m.start - 12) : m.start]):
            vote(m.province, W_NAMED_UNIT, rules.NAMED_UNIT, m.province, m.start)
        plain[m.province] += 1
    for m in title_votes:  # a guest's name in the title ("Đoàn … Lâm Đồng thăm Quảng Trị") does not count
        if m.province in guests:
            continue
        if m.strong:
            kind = "Thành ủy" if m.province in _CITIES else "Tỉnh ủy"
            vote(m.province, W_COMMITTEE, rules.OWN_COMMITTEE, f"named: {kind} {m.province}", m.start)
        vote(m.province, W_TITLE, rules.IN_TITLE, m.province, m.start)
    lead_district = _title_district(title)
    if lead_district:  # "Cù Lao Dung vận động …", "Đất Đỏ: …": a district opening the title
        vote(lead_district[1], W_DISTRICT, rules.DISTRICT, f"district {lead_district[0]}", 0)
    if _OWN_CITY_COMMITTEE.search(body):
        cities = [p for p in plain if p in _CITIES]
        if len(cities) == 1:
            vote(cities[0], W_COMMITTEE, rules.OWN_COMMITTEE, f"named: Thành ủy, {cities[0]}", -1)
    if res.provincial:
        total = sum(plain.values())
        for prov, n in plain.items():
            vote(prov, min(n * W_MENTION, 1.5), rules.NAMED, f"named {n} of {total} times", -1)

    ambiguous: list[tuple[str, frozenset[str], int]] = []
    for printed, name, provs, pos in districts_found(body):
        if in_guest(pos):
            continue
        if len(provs) == 1:
            prov = next(iter(provs))
            committee = printed.startswith(_DISTRICT_COMMITTEES)
            weight = W_COMMITTEE if committee else W_DISTRICT
            vote(
                prov,
                weight,
                rules.DISTRICT_COMMITTEE if committee else rules.DISTRICT,
                f"district {name}",
                pos,
            )
        else:
            ambiguous.append((name, provs, pos))
    res.scores = dict(scores)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    # A delegation from the article's own province visiting its own district is no guest.
    guests -= {ranked[0][0]} if ranked else set()
    if guests:
        res.reasons.append(f"{reasons.GUEST_DELEGATION}: " + ", ".join(sorted(guests)))
    committees = [p for p, _ in ranked if any(r == rules.OWN_COMMITTEE for _, r, _, _ in why[p])]
    if len(committees) > 1 and not outlet:  # "Tỉnh ủy Hà Tĩnh và Tỉnh ủy Quảng Bình tổ chức …"
        detail = "; ".join(f"{p} ({', '.join(w for _, _, w, _ in why[p])})" for p in committees)
        res.reasons.append(f"{reasons.COMMITTEES_SEVERAL} named: {detail}")
        return res
    if not ranked and len(guests) == 1 and not _HOSTS.search(body):
        # the only province named is the delegation's: its own officials visiting (flagged above).
        # Not when the article is the host's ("Ban Dân vận Tỉnh ủy tiếp đoàn công tác … Sơn La"):
        # the host's province is then unnamed, and the guest's is the wrong one (issue 20).
        ranked = [(next(iter(guests)), W_NAMED_UNIT)]
        why[ranked[0][0]] = [(W_NAMED_UNIT, "delegation", ranked[0][0], -1)]
    if not ranked:
        for name, provs, _ in ambiguous:
            res.reasons.append(f"{reasons.AMBIGUOUS_DISTRICT} {name}: " + ", ".join(sorted(provs)))
        return res
    top, top_score = ranked[0]
    if len(ranked) > 1 and top_score - ranked[1][1] < CLOSE:
        second = ranked[1][0]
        both_committees = all(
            any(r in (rules.OWN_COMMITTEE, rules.DISTRICT_COMMITTEE) for _, r, _, _ in why[p])
            for p in (top, second)
        )
        detail = "; ".join(f"{p} ({', '.join(w for _, _, w, _ in why[p])})" for p, _ in ranked[:3])
        if both_committees and not outlet:
            res.reasons.append(f"{reasons.COMMITTEES_SEVERAL} named: {detail}")
        elif (
            all(
                any(r in (rules.DISTRICT, rules.DISTRICT_COMMITTEE) for _, r, _, _ in why[p])
                for p in (top, second)
            )
            and not outlet
        ):
            res.reasons.append(f"{reasons.DISTRICTS_SEVERAL}: {detail}")
        else:
            res.reasons.append(f"{reasons.PROVINCE_DISAGREES}: {detail}")
        return res
    if top_score < W_NAMED_UNIT and not res.provincial:
        return res  # a lone title or plain mention in text that does not read provincial
    res.province = top
    best = max(why[top], key=lambda e: e[0])
    res.rule = best[1]
    strong = [w for weight, _, w, _ in why[top] if weight >= W_NAMED_UNIT]
    res.evidence = "; ".join(strong or [w for _, _, w, _ in why[top]])
    res.line = _sentence_at(body, best[3]) if best[3] >= 0 else ""
    if outlet and outlet[1] != top:
        res.reasons.append(f"{reasons.PROVINCE_NOT_OUTLETS}: {top} in the text, {outlet[1]} ({outlet[0]})")
    if lead_district and lead_district[1] == top:
        res.district, res.district_line = lead_district[0], title
        return res
    for _printed, name, provs, pos in districts_found(body):
        if top in provs and not in_guest(pos):
            res.district, res.district_line = name, _sentence_at(body, pos)
            break
    return res


_TITLE_HEAD = re.compile(rf"({CAP_WORD}(?: {CAP_WORD}){{1,2}})(?=:| [^\W\d_])")


def _title_district(title: str) -> tuple[str, str] | None:
    """(district, province) when the title opens with a district of one province ("Xín Mần sơ kết …")."""
    m = _TITLE_HEAD.match(title)
    if not m:
        return None
    gz = gazetteer()
    words = m.group(1).split()
    for n in range(len(words), 1, -1):
        name = " ".join(words[:n])
        provs = gz.districts.get(name)
        if provs and len(provs) == 1 and canonical_province(name) not in gz.provinces:
            return name, next(iter(provs))
    return None
