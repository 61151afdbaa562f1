"""Officials and bylines.

A person's name is 2–5 capitalised syllables starting with a Vietnamese surname. Officials are the
names the article ties to a position: "Đồng chí X, <position> chủ trì", "<position> X nhấn mạnh",
"Ông/Bà X - <position>". Positions are kept as printed, trimmed of the verb that follows them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from . import rules
from .dates import DateLine, parse_date_line
from .letters import CAP_WORD, LO, UP, UPPER
from .normalize import fold_key
from .places import gazetteer
from .positions import canonical_position
from .types import OfficialMention

# ~100 common Vietnamese surnames, tone placement as normalize_text writes it ("Thủy" style).
SURNAMES: tuple[str, ...] = tuple(
    """
    Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Lò Đào Đoàn Vương Trịnh
    Đinh Lâm Phùng Mai Tô Trương Tạ Hà Lương Lưu Cao Châu Chu Chung Diệp Đàm Giang Hứa Kiều Kim La
    Lạc Lại Lục Mạc Mạch Mã Nông Ninh Phí Quách Quan Quang Tăng Thái Thân Thạch Tiêu Tôn Triệu Từ
    Văn Vi Viên Âu Bạch Bế Cù Đồng Đường Hầu Hàn Khổng Khúc Khương Lã Lăng Lữ Mẫn Nghiêm Ngụy Nhan
    Ô Phó Phương Sầm Tiết Tống Trang Trình Ung Vàng Y Cầm Khuất Đới Thiều Kha Đậu Hán Lộc Mông
    Quàng Sùng Giàng Tòng Ksor Rơ Lù Tẩn Thào Mùa Lầu Hờ Chẻo Ma Sần Siu Niê Byă Êban Mlô Kpă
    Pinăng Chamaléa Bhling Alăng Rah Hmok Điểu
    """.split()
)

# A capitalised syllable that starts a position or an institution, never a given name.
_STOP = {
    "Phó",
    "Bí",
    "Chủ",
    "Trưởng",
    "Ủy",
    "Giám",
    "Tỉnh",
    "Ban",
    "Huyện",
    "Xã",
    "Bộ",
    "Sở",
    "Đảng",
    "Tổng",
    "Chánh",
    "Mặt",
    "Hội",
    "Đồng",
    "Ông",
    "Bà",
    "Tại",
    "Trong",
    "Theo",
    "Sáng",
    "Chiều",
}
# Sentence openers glued to a name when a caption lost its full stop: stops too, but part of a name
# when the name runs on to a comma ("Nguyễn Thực Hiện,"). Not "Văn", "Công", "Thành": common given names.
_OPENERS = {"Qua", "Sau", "Khi", "Với", "Về", "Để", "Nhân", "Dịp", "Cùng", "Ngoài", "Hiện", "Ngày", "Tối"}
_STOP |= _OPENERS
# Names of historical figures used as place and street names: never an official of the article.
_NOT_PEOPLE = {
    fold_key(n) for n in ("Hồ Chí Minh", "Lê Lợi", "Trần Hưng Đạo", "Lý Thường Kiệt", "Nguyễn Huệ")
}
# Countries and regions whose first syllable is also a surname (Hàn, Trung, Thái, Hoa, Đông…):
# "Đại sứ Hàn Quốc" names a country, not a person called "Hàn Quốc". Seen on the corpus.
_PLACE_HEADS = {
    fold_key(n)
    for n in (
        "Hàn Quốc",
        "Trung Quốc",
        "Triều Tiên",
        "Thái Lan",
        "Thái Bình Dương",
        "Nhật Bản",
        "Hoa Kỳ",
        "Đông Nam Á",
        "Đông Á",
        "Trung Đông",
        "Ấn Độ",
        "Ấn Độ Dương",
        "Đại Tây Dương",
        "Biển Đông",
        "Tây Nguyên",
        "Tây Bắc",
        "Đông Bắc",
        "Nam Bộ",
        "Trung Bộ",
        "Bắc Bộ",
        "Việt Nam",
        "Quốc hội",
    )
}

_SURNAME_ALT = "|".join(sorted({s.split()[0] for s in SURNAMES}, key=len, reverse=True))
# No look-behind in front: the engine then skips ahead on the surname's first letter (see places.py).
NAME = re.compile(rf"(?:{_SURNAME_ALT})(?: {CAP_WORD}){{1,4}}(?![^\W\d_])")


@cache
def _key(name: str) -> str:
    return fold_key(name)


POSITION_HEAD = re.compile(
    r"(?:Tỉnh ủy viên|Huyện ủy viên|Thành ủy viên|Đảng ủy viên|TVTU|UVBTV|UVTV|PBTTT|PCTTT|PBT|PCT|"
    # printed in lower case (issue 20): "Phó bí thư thường trực Huyện ủy Hải Hậu Trần Văn Thuấn"
    r"(?:[Pp]hó )?(?:bí thư|chủ tịch)(?= thường trực| [Tt]ỉnh ủy| [Hh]uyện ủy| [Tt]hành ủy| [Đđ]ảng ủy| UBND| HĐND)|"
    r"(?:[Nn]guyên )?(?:Phó |Tổng )?[Tt]rưởng [Bb]an|"
    r"(?:[Nn]guyên )?(?:Phó |Tổng )?(?:Ủy viên|Bí thư|Trưởng|Chủ tịch|Giám đốc|Bộ trưởng|Thứ trưởng|Chánh|"
    r"Thủ tướng|Chủ nhiệm|Đại biểu|Thường trực|Chỉ huy trưởng|Tư lệnh|Chính ủy|"
    r"(?:Đại|Thượng|Trung|Thiếu) (?:tá|tướng)|Hiệu trưởng|Viện trưởng|Cục trưởng|Vụ trưởng|"
    r"Tổng biên tập|Trưởng ban|Người phát ngôn|Phó Chính ủy|Chỉ huy trưởng|Tổng cục trưởng|Tổng Thư ký|"
    r"Thư ký))(?![^\W\d_])"
)
# A rank printed before the name: "Đại tá Nguyễn Văn Hùng, Phó Chính ủy …" → "Đại tá, Phó Chính ủy …".
_RANK_BEFORE = re.compile(r"(?:Đại|Thượng|Trung|Thiếu) (?:tá|tướng)\s*\Z")
# A name tied to a position by an honorific: any capitalised syllables count, so names outside the
# surname list ("A Pớt", "H'Yim Niê", "Bhling Mia") are read when a position follows (issue 10).
_NAME_WORD = rf"{UP}(?:'{UP})?(?:{LO}+|{UP}+)?"
# K'Ho, Ê Đê, Cơ Tu spellings: "K'Thanh", "K’Thanh", "H'Yim", "Bh'riu" (issue 20). A name of one such
# syllable after an honorific is a whole name.
_APOS_WORD = rf"{UP}{LO}*['’]{UP}?{LO}+"
_ANY_NAME_WORD = rf"(?:{_APOS_WORD}|{_NAME_WORD})"
_HONORIFIC_NAME = re.compile(
    r"(?:Đồng chí|đồng chí|Ông|ông|Bà|bà|Đại tá|Thượng tá|Trung tá|Thiếu tá|Thiếu tướng|Trung tướng|"
    rf"Thượng tướng|Đại tướng) ({_ANY_NAME_WORD}(?: {_ANY_NAME_WORD}){{1,3}}|{_APOS_WORD})"
    rf"(?=\s*(?:,|\s[-–]\s)\s*\S|\s+(?:chủ trì|đồng chủ trì))"
)
# Where a position printed after a name ends: the verb of the sentence.
_POSITION_END = re.compile(
    r"\s+(?:chủ trì|đồng chủ trì|tham dự|đến dự|tới dự|cùng dự|dự(?= hội nghị| lễ| buổi| cuộc| và|\s*$)|"
    r"phát biểu|nhấn mạnh|cho biết|khẳng định|đề nghị|yêu cầu|trao|tặng|chỉ đạo|kết luận|báo cáo|"
    r"thăm|làm việc|chúc mừng|ghi nhận|đánh giá|biểu dương|quán triệt|cho rằng|nhấn|đã|cùng|và các|"
    r"tại hội nghị|có|sẽ|vừa|được|bày tỏ|nói|tin tưởng|gửi|phát động|trả lời|chia sẻ|thông tin|"
    r"lưu ý|mong muốn|hướng dẫn|kiểm tra|động viên|thay mặt|làm trưởng đoàn|làm [Tt]rưởng|cảm ơn|"
    r"tiếp đoàn|tiếp và|ân cần|dự và|đến thăm|phát động|trao giải|đồng chủ trì|giới thiệu|trình bày|"
    r"dẫn đầu)\b.*",
    re.DOTALL,
)
# "." ends a sentence only before a space: "Bí thư T.Ư Đảng", "TP.HCM" are one position.
_SENTENCE_END = re.compile(r"[;:!?\"“”(\n]|\.(?=\s|$)|\s[-–]\s")
# What a position may hold across those stops (issue 20): a dash before another post ("Phó Chủ tịch –
# Tổng Thư ký Hội Nhà báo Việt Nam"), a place in brackets ("Phó Trưởng Ban Dân vận Tỉnh ủy (Kiên Giang)").
_PLACE_IN_BRACKETS = re.compile(rf"\({CAP_WORD}(?: {CAP_WORD}){{0,3}}\)")
# Institutions whose name holds a dash: "Bộ Lao động - Thương binh và Xã hội", "Đài Phát thanh - Truyền hình".
_NAME_AFTER_DASH = re.compile(r"(?:Thương binh|Xã hội|Truyền hình|Công nghệ|Thể thao|Du lịch|Hải đảo)\b")
# An organ that names where the post before it sits: "…, Ban Dân vận Trung ương".
_ORGAN = re.compile(r"(?:Ban|Bộ|Tổng cục|Cục|Vụ|Văn phòng) [^\W\d_]")


def _position_stop(rest: str) -> int:
    """Where a position printed after a name stops: the first sentence stop that is not a dash before
    another post nor a place in brackets."""
    pos = 0
    while True:
        stop = _SENTENCE_END.search(rest, pos)
        if stop is None:
            return len(rest)
        if stop.group(0).strip() in ("-", "–") and (
            POSITION_HEAD.match(rest, stop.end()) or _NAME_AFTER_DASH.match(rest, stop.end())
        ):
            pos = stop.end()
            continue
        if stop.group(0) == "(" and (place := _PLACE_IN_BRACKETS.match(rest, stop.start())):
            pos = place.end()
            continue
        return stop.start()


_VERB_BEFORE_NAME = re.compile(
    _POSITION_END.pattern.replace(r"\s+(?:", r"\s+(?:dẫn lời|bức xúc|vì|theo|khi|nói về|", 1),
    re.DOTALL,
)
_HONORIFIC_BEFORE = re.compile(r"(?:đồng chí|ông|bà|Đồng chí|Ông|Bà)\s*\Z")
_CHAIR = re.compile(r"\bchủ trì\b")
# Cheap pre-filter: words that start a position, or "chủ trì" (literal alternation: fast).
_CUE = re.compile(
    "ủy viên|TVTU|UVBTV|UVTV|Ủy viên|Bí thư|Trưởng|Chủ tịch|Giám đốc|Bộ trưởng|Thứ trưởng|Chánh|Thủ tướng|Chủ nhiệm|Đại biểu|"
    "Thường trực|Tư lệnh|Chính ủy|tá|tướng|trưởng|Tổng biên tập|Người phát ngôn|chủ trì|bí thư|chủ tịch|PBT|PCT|"
    "Thư ký"
)


def clean_name(raw: str) -> str | None:
    """Trim a matched name at the first syllable that starts a position; None if not a name."""
    words = raw.replace("’", "'").split()
    if not words:
        return None
    for i, w in enumerate(words[1:], start=1):
        if w in _STOP:
            words = words[:i]
            break
    if not 2 <= len(words) <= 5 and not (len(words) == 1 and "'" in words[0] and len(words[0]) >= 4):
        return None
    name = " ".join(w if not w.isupper() or len(w) == 1 else w.capitalize() for w in words)
    if _key(name) in _NOT_PEOPLE:
        return None
    words = name.split()
    if any(_key(" ".join(words[:k])) in _PLACE_HEADS for k in (2, 3)):
        return None
    return name


def _position_after(text: str, end: int) -> str:
    """ "X, Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy chủ trì" → the position after X."""
    m = re.match(r"\s*(?:,|[-–])\s*", text[end:])
    if not m:
        # A caption without a comma: "Ông Võ Ngọc Chiến Phó Bí thư Thường trực …" (issue 20).
        m = re.match(r" (?=[^\W\d_])", text[end:])
        if not m or not POSITION_HEAD.match(text, end + 1):
            return ""
    rest = text[end + m.end() : end + m.end() + 300]
    rest = rest[: _position_stop(rest)]
    rest = _cut_at_verb(_POSITION_END.sub("", rest))
    chunks = []
    for chunk in rest.split(","):
        chunk = chunk.strip()
        if not chunk or not (
            POSITION_HEAD.match(chunk)
            or (chunks and chunk.startswith("kiêm"))
            or (chunks and _ORGAN.match(chunk))  # "Vụ trưởng Vụ Địa phương 1, Ban Dân vận Trung ương"
        ):
            break
        chunks.append(chunk)
    position = ", ".join(chunks)
    return "" if _names_someone(position) else position


# Lower-case words a position is made of ("Phó Trưởng ban Dân vận Huyện ủy", "Chủ tịch Hội Nông dân
# xã"). A position printed after a name ends at the first other lower-case word: the sentence's verb
# ("… ôn lại", "… trực tiếp chỉ đạo", "… dẫn đầu"), whatever the verb is (issue 10).
_POSITION_WORDS = frozenset(
    """
    ban tỉnh huyện thị xã thành phố quận phường trấn ủy uỷ viên thường vụ dân vận chính quyền trưởng phó
    bí thư chủ tịch nhiệm đảng bộ quân sự chỉ huy đội biên phòng của và kiêm nguyên mặt trận tổ quốc hội
    đồng nhân công tác đoàn thanh niên phụ nữ nông cựu chiến binh liên lao động trung ương khóa khoá đại
    biểu tá tướng văn sở nội an tuyên giáo chức kiểm tra cơ quan đơn vị lực lượng vũ trang khu ấp thôn
    bản buôn làng tổng biên tập báo đài phát truyền hình giám đốc ngành hđnd ubnd mttq các tộc tôn cán
    hưu trí người cao tuổi học sinh doanh nghiệp khối sở miền bắc nam tây đông xây dựng kinh tế hóa hoá
    dục y quốc phòng ninh hành pháp luật lâm sản thủy thuỷ lợi môi trường tài nguyên khoa thông tin
    ngoại giao tải thương nghiệp triển binh tư kế hoạch đầu chính ngân hàng sách tự vệ cấp
    thứ nhất hai ba chi hợp tác xã mặt trận ủy ban kiêm nhiệm dự khuyết trực
    """.split()
)
_WORD_OR_GAP = re.compile(r"\S+|\s+")


# The lower-case second syllable of an institution's capitalised word (issue 20: positions were cut at
# "Bộ Giáo dục và Đào[ tạo]", "Ủy viên Bộ Chính[ trị]", "Vụ Địa[ phương 1]", "Tổng[ cục …]").
_NAME_TAILS = frozenset(
    """
    tạo trị phương cục ký tế thao lịch vụ sát án phòng hiệp cần thuật mưu nghệ thôn hiểm viện lực bạc kê
    thập đỏ luận nguyện học quan chính trường sinh đạo tịch tra
    """.split()
)


def _cut_at_verb(rest: str) -> str:
    kept: list[str] = []
    prev = ""
    prev_capital = False
    for tok in _WORD_OR_GAP.findall(rest):
        word = tok.strip().strip(',.;:()"“”')
        if word and word[:1].islower() and word not in _POSITION_WORDS:
            if not (prev_capital and word in _NAME_TAILS):
                if word == "chí" and prev == "đồng":  # "… và đồng chí X": the next person
                    kept = kept[:-2]
                break
        if word == "trực" and prev != "thường":  # "Thường trực" is a post, "trực tiếp" a verb
            break
        if word:
            prev = word.lower()
            prev_capital = word[:1].isupper()
        kept.append(tok)
    out = "".join(kept).rstrip()
    while out.rsplit(" ", 1)[-1] in _TRAILING_JOINS and " " in out:  # "… Trung ương và"
        out = out.rsplit(" ", 1)[0].rstrip()
    return out


_TRAILING_JOINS = frozenset({"và", "của", "các", "cùng"})


def _position_before(text: str, start: int) -> str:
    """ "…, Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy X" → the position before X."""
    head = text[max(0, start - 300) : start]
    cut = max(head.rfind(". "), head.rfind("\n"), head.rfind(": "), head.rfind("; "))
    head = head[cut + 1 :]
    chunks = head.rstrip().split(",")
    last = chunks[-1]
    # "đồng chí Phó Trưởng ban … Trần Thị Hoa và đồng chí Phó Chủ tịch UBND huyện Nguyễn Văn Tuấn":
    # the position of the second name starts after the last "và" / "đồng chí".
    for sep in (" và ", "đồng chí ", "Đồng chí "):
        if sep in last:
            last = last[last.rindex(sep) + len(sep) :]
    # The first position word from which the words run into the name without a verb: "Hiệu trưởng …
    # dẫn lời Chủ tịch X" is a sentence, the position is "Chủ tịch" (issue 20, seen on the corpus).
    m = next(
        (h for h in POSITION_HEAD.finditer(last) if not _VERB_BEFORE_NAME.search(" " + last[h.start() :])),
        None,
    )
    if not m:
        return ""
    kept = [last[m.start() :].strip()]
    for chunk in reversed(chunks[:-1]):
        chunk = chunk.strip()
        if not POSITION_HEAD.match(chunk) or _VERB_BEFORE_NAME.search(" " + chunk):
            break
        kept.insert(0, chunk)
    position = ", ".join(kept)
    # A verb or another person inside means the words do not run into this name as its title
    # ("Bí thư Thăng cho biết … xã Vĩnh Lộc A").
    if _POSITION_END.search(" " + kept[-1]) or _names_someone(position):
        return ""
    # "đồng chí Trưởng Ban…" names the post, not the person: keep it only when it runs into the name.
    return position if not _HONORIFIC_BEFORE.search(position) else ""


def _names_someone(text: str) -> bool:
    return any(
        clean_name(_skip_place(0, n.group(0))[1]) and not POSITION_HEAD.match(text, n.start())
        for n in NAME.finditer(text)
    )


def find_officials(text: str) -> list[OfficialMention]:
    """Officials tied to a position, once each (merged by fold_key), chair first."""
    return find_officials_with_evidence(text)[0]


def _name_candidates(text: str) -> list[tuple[int, str, str]]:
    """(start, matched words, rule) for every possible name: a known surname, or any capitalised
    syllables after an honorific ("đồng chí A Pớt, …")."""
    out = {m.start(): (m.start(), m.group(0), rules.BY_SURNAME) for m in NAME.finditer(text)}
    for m in _HONORIFIC_NAME.finditer(text):
        if m.start() and text[m.start() - 1].isalpha():
            continue  # "không", "công": not the honorific "ông"
        if m.start(1) not in out or len(out[m.start(1)][1]) < len(m.group(1)):  # "Ksor H'Lan", not "Ksor H"
            out[m.start(1)] = (m.start(1), m.group(1), rules.BY_HONORIFIC)
    return [out[k] for k in sorted(out)]


def find_officials_with_evidence(text: str) -> tuple[list[OfficialMention], list[dict]]:
    """Officials tied to a position, once each (merged by fold_key), chair first, and for each the
    evidence: {"name", "position", "rule", "words"} (rule: where the position stood)."""
    found: dict[str, OfficialMention] = {}
    evidence: dict[str, dict] = {}
    order: list[str] = []
    # Positions of position words and "chủ trì": a name with neither nearby is skipped cheaply.
    cues = [c.start() for c in _CUE.finditer(text)]
    if not cues:
        return [], []
    for m_start, m_text, how in _name_candidates(text):
        if m_start and text[m_start - 1].isalpha():
            continue
        k = bisect_left(cues, m_start - 300)
        if k == len(cues) or cues[k] > m_start + len(m_text) + 300:
            continue
        if POSITION_HEAD.match(text, m_start):
            continue  # "Phó Chính ủy": a position, not a person called "Phó Chính"
        start, matched = _skip_place(m_start, m_text)
        if start != m_start and (again := NAME.match(text, start)):
            # "TP Hồ Chí Minh Đinh La Thăng": the match stopped at five words, inside the person's name
            matched = again.group(0)
        name = clean_name(matched)
        if not name:
            continue
        if len(name.split()) < len(matched.split()) and matched.split()[len(name.split())] in _OPENERS:
            full = " ".join(matched.split()[: len(name.split()) + 1])
            if text[start + len(full) : start + len(full) + 1] == ",":  # "Nguyễn Thực Hiện, Phó Bí thư"
                name = full
        end = start + _prefix_len(matched, name)
        after = _position_after(text, end)
        before = "" if after else _position_before(text, start)
        position = after or before
        rank = _RANK_BEFORE.search(text[max(0, start - 12) : start])
        if rank and after and not after.startswith(rank.group(0).strip()):
            position = f"{rank.group(0).strip()}, {after}"
        tail = text[end : end + 400]
        stop = re.search(r"[.;!?\n]", tail)
        clause = tail[: stop.start()] if stop else tail
        # "chủ trì" belongs to this name unless another person is named in between.
        cut = next((n.start() for n in NAME.finditer(clause) if clean_name(n.group(0))), len(clause))
        chaired = bool(_CHAIR.search(clause[:cut]))
        if not position and not chaired:
            continue
        key = _key(name)
        rule = rules.official(
            rules.POSITION_AFTER if after else rules.POSITION_BEFORE if before else rules.CHAIRED, how
        )
        line_start = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start)) + 1
        words = text[line_start : end + 160].split("\n")[0][:240]
        if key not in found:
            found[key] = OfficialMention(name=name, position=position, chaired=chaired)
            evidence[key] = {"name": name, "position": position, "rule": rule, "words": words}
            order.append(key)
        else:
            prev = found[key]
            if len(position) > len(prev.position):
                prev.position = position
                evidence[key].update(position=position, rule=rule, words=words)
            prev.chaired = prev.chaired or chaired
    mentions = sorted((found[k] for k in order), key=lambda o: not o.chaired)
    for mention in mentions:
        mention.position_canonical = canonical_position(mention.position)
    return mentions, [evidence[_key(o.name)] for o in mentions]


@cache
def _places() -> frozenset[str]:
    gz = gazetteer()
    return frozenset(gz.provinces) | frozenset(gz.districts)


_SURNAME_SET = frozenset(SURNAMES)


def _skip_place(start: int, matched: str) -> tuple[int, str]:
    """ "Hà Nội Đinh Tiến Dũng" (after "Bí thư Thành ủy") → the person starts after the place name.

    Surnames such as Hà, Thái, Đồng also begin place names ("Hà Nội", "Thái Bình", "Đồng Nai").
    """
    words = matched.split(" ")
    for k in (3, 2):
        if len(words) >= k + 2 and " ".join(words[:k]) in _places() and words[k] in _SURNAME_SET:
            head = " ".join(words[:k]) + " "
            return start + len(head), matched[len(head) :]
    if matched in _places():
        return start, ""
    return start, matched


def _prefix_len(matched: str, name: str) -> int:
    """Length in `matched` covered by the (possibly trimmed) name's words."""
    n = len(name.split())
    words = matched.split(" ")
    return len(" ".join(words[:n]))


# ----- bylines -------------------------------------------------------------------------------------

_BYLINE_PREFIX = re.compile(
    r"^(?:(?:bài|tin|ảnh|bài và ảnh|tin và ảnh|bài, ảnh|tin, ảnh|bài/ảnh|tin/ảnh|nhóm phóng viên|pv)\s*:\s*)",
    re.IGNORECASE,
)
_BYLINE_SPLIT = re.compile(r"\s+[-–—]\s+|\s*,\s*|\s+và\s+|\s*[-–—]\s*(?=" + UP + r")")
_NAME_PART = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}")
# An outlet's own credit is no author: "Báo Hà Giang", "Theo Báo Lạng Sơn", "Nguồn: baohagiang.vn".
_CREDIT = re.compile(r"^(?:Báo|Đài|Theo|Nguồn|Tạp chí|Cổng|Trang|Ban [Bb]iên tập|BBT|TTXVN|VOV|VTV)\b")
# An outlet code after the byline: "Vân Hà (LSO)", "Alăng Ngước - QNO".
_TRAILING_CODE = re.compile(rf"\s*(?:\(([{UPPER}\d&]{{2,8}})\)|[-–]\s*([{UPPER}\d&]{{2,8}}))\s*$")
# A byline at the top, under the title: "Đức Cường | 15/09/2023", "Lò Thị Thu - 22/02/2024 09:15".
_TOP_BYLINE = re.compile(r"^(.{3,60}?)\s*[|–-]\s*(\d{1,2}/\d{1,2}/\d{4}.*)$")
_TOP_BYLINE_PIPE = re.compile(r"^(.{3,60}?)\s*\|\s*$")


_CREDIT_FILLER = {"điện", "tử", "online", "theo", "và"}


def _capitalize(word: str) -> str:
    """ "NHIÊN" → "Nhiên", "H'LIM" → "H'Lim" (an Ê Đê name keeps its capital after the apostrophe)."""
    return "'".join(part.capitalize() for part in word.split("'"))


def parse_byline(line: str) -> list[str] | None:
    """["Thu Hằng", "Phạm Tiến"] for "Thu Hằng – Phạm Tiến"; None when the line is not a byline."""
    found = parse_byline_with_code(line)
    return found[0] if found and found[0] else None


def _byline_names(line: str) -> list[str] | None:
    line = _BYLINE_PREFIX.sub("", line.strip()).strip().rstrip(".")
    if not line or len(line) > 70 or any(ch.isdigit() for ch in line) or _CREDIT.match(line):
        return None
    parts = [p.strip() for p in _BYLINE_SPLIT.split(line) if p.strip()]
    if not 1 <= len(parts) <= 4:
        return None
    names = []
    for part in parts:
        if not _NAME_PART.fullmatch(part) or _CREDIT.match(part):
            return None
        names.append(" ".join(_capitalize(w) if w.isupper() and len(w) > 1 else w for w in part.split()))
    return names


def parse_byline_with_code(line: str) -> tuple[list[str], str] | None:
    """(names, outlet code) for a closing byline, the code "" when none; None when not a byline.
    An outlet credit alone ("Báo Hà Giang") is no byline but is dropped as one: (names=[], code="")."""
    if len(line) > 90:
        return None
    code = ""
    m = _TRAILING_CODE.search(line)
    if m and m.start() > 0:
        cand = m.group(1) or m.group(2)
        if cand.isupper() and not cand.isdigit():
            code, line = cand, line[: m.start()]
    names = _byline_names(line)
    if names:
        return names, code
    stripped = line.strip().rstrip(".")
    words = stripped.replace(":", " ").split()
    if (
        _CREDIT.match(stripped)
        and len(stripped) <= 60
        and all(w[:1].isupper() or w.lower() in _CREDIT_FILLER or "." in w for w in words[1:])
    ):
        return [], code
    return None


def parse_top_byline(line: str) -> tuple[list[str], DateLine | None] | None:
    """Authors (and the posting date) from a byline between the title and the lead, else None."""
    m = _TOP_BYLINE.match(line)
    if m:
        names = _byline_names(m.group(1))
        stamp = parse_date_line(m.group(2))
        if names and stamp:
            return names, DateLine(stamp.day, stamp.at, True, False)
        return None
    if _BYLINE_PREFIX.match(line.strip()):
        names = _byline_names(line)
        return (names, None) if names else None
    m = _TOP_BYLINE_PIPE.match(line)
    if m:  # "AN NHIÊN |": the author above the lead, the date widget lost in the copy (issue 20)
        names = _byline_names(m.group(1))
        return (names, None) if names else None
    return None
