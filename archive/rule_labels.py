"""The evidence's rules in the editor's language (issue #19, item 6: "the evidence's rule column is
English").

Extraction stores each rule as a stable English code (`archive.extract.rules`); the admin shows it
through `rule_label`: Vietnamese, or English when the admin is in English (locale/en). The stored
codes do not change, so every record keeps its evidence; a code this module does not know (one
written by an older or newer version) is shown as it is.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from archive.extract import rules as r

FIXED = {
    r.PAGE_METADATA: _("siêu dữ liệu của trang"),
    r.DATED_LEAD: _("ngày ở đoạn mở đầu"),
    r.POSTING_STAMP: _("dấu thời gian đăng dưới tiêu đề"),
    r.DATE_LINE: _("dòng ngày dưới tiêu đề"),
    r.BYLINE: _("dòng ký tên tác giả"),
    r.OUTLET: _("cơ quan báo chí của tỉnh"),
    r.OWN_COMMITTEE: _("Tỉnh ủy/Thành ủy của tỉnh được nêu tên"),
    r.NAMED_UNIT: _("nêu tên như một đơn vị hoặc nơi tổ chức"),
    r.IN_TITLE: _("có trong tiêu đề"),
    r.DISTRICT: _("huyện thuộc tỉnh"),
    r.DISTRICT_COMMITTEE: _("huyện ủy thuộc tỉnh"),
    r.NAMED: _("được nhắc tên trong bài"),
    r.DISTRICT_NAMED: _("tên huyện được nêu"),
    r.OUTLET_BANNER: _("tên cơ quan ở đầu trang"),
    r.OUTLET_FOOTER: _("tên cơ quan ở chân trang"),
    r.OTHER_EVENT: _("sự kiện khác"),
}
YEAR_SOURCES = {
    r.YEAR_IN_SENTENCE: _("năm in trong câu có ngày"),
    r.YEAR_OF_PERIOD: _("kỳ báo cáo nêu ở đoạn mở đầu"),
    r.YEAR_IN_TITLE: _("năm in trong tiêu đề"),
    r.YEAR_REVIEW: _("tổng kết năm trước, họp đầu năm sau"),
    r.YEAR_SAME_MONTH: _("một ngày cùng tháng in trong bài"),
    r.YEAR_OF_DATE_LINE: _("dòng ngày của chính trang"),
    r.YEAR_DEFAULT: _("năm mặc định khi nhập"),
}
MEETING_KINDS = {
    "so_ket": _("hội nghị sơ kết"),
    "tong_ket": _("hội nghị tổng kết"),
    "giao_ban": _("hội nghị giao ban"),
    "hoi_nghi": _("hội nghị loại khác"),
}
OFFICIAL_WHERE = {
    r.POSITION_AFTER: _("chức vụ sau tên"),
    r.POSITION_BEFORE: _("chức vụ trước tên"),
    r.CHAIRED: _("chủ trì"),
}
OFFICIAL_HOW = {
    r.BY_SURNAME: _("nhận ra theo họ"),
    r.BY_HONORIFIC: _("nhận ra theo danh xưng"),
}

RELEVANCE_PLACES = {
    "page section": _("chuyên mục của trang"),
    "article path": _("đường dẫn bài"),
    "Ban Dan van site": _("trang của Ban Dân vận"),
}
_RELEVANCE_TOTAL = re.compile(
    r"^relevance total (?P<score>\d+) \(threshold (?P<threshold>\d+)\): (?P<verdict>dan van|not dan van)$"
)
_RELEVANCE_SIGNAL = re.compile(r"^relevance signal: (?P<label>.+) \((?P<where>[^()]+)\) \+(?P<points>\d+)$")
_RELEVANCE_LEAD = re.compile(r"^relevance lead: (?P<label>.+) \+(?P<points>\d+)$")
_RELEVANCE_PLACE = re.compile(
    r"^relevance (?P<place>page section|article path|Ban Dan van site) \+(?P<points>\d+)$"
)
_WHERE_BODY = re.compile(r"^body (?P<n>\d+)(?:, (?P<posts>\d+) in posts)?$")


def _signal_name(name: str) -> str:
    """A signal's name (a body or phrase, "Ban Dân vận"): as written in Vietnamese, without its
    diacritics in another language (the English admin shows no Vietnamese letters)."""
    from django.utils.translation import get_language

    from archive.extract.normalize import fold

    return name if (get_language() or "vi").startswith("vi") else fold(name)


def _relevance_where(where: str) -> str | None:
    parts = []
    for part in where.split("; "):
        if part == "title":
            parts.append(str(_("tiêu đề")))
        elif m := _WHERE_BODY.match(part):
            text = str(_("nội dung, %(n)s lần") % {"n": m["n"]})
            if m["posts"]:
                text += str(_(", %(n)s lần trong chức danh") % {"n": m["posts"]})
            parts.append(text)
        else:
            return None
    return "; ".join(parts)


def _relevance_label(code: str) -> str | None:
    if m := _RELEVANCE_TOTAL.match(code):
        verdict = _("bài dân vận") if m["verdict"] == "dan van" else _("không phải bài dân vận")
        return str(
            _("tổng điểm %(score)s (ngưỡng %(threshold)s): %(verdict)s")
            % {**m.groupdict(), "verdict": verdict}
        )
    if (m := _RELEVANCE_SIGNAL.match(code)) and (where := _relevance_where(m["where"])) is not None:
        return f"{_signal_name(m['label'])} ({where}) +{m['points']}"
    if m := _RELEVANCE_LEAD.match(code):
        return str(
            _("%(label)s ở đoạn mở đầu +%(points)s") % {**m.groupdict(), "label": _signal_name(m["label"])}
        )
    if m := _RELEVANCE_PLACE.match(code):
        return f"{RELEVANCE_PLACES[m['place']]} +{m['points']}"
    return None


_PAGE_METADATA = re.compile(rf"^{re.escape(r.PAGE_METADATA)} \((?P<source>.+)\)$")
_DATED_LEAD = re.compile(rf"^{re.escape(r.DATED_LEAD)}, (?P<source>.+)$")
_SOURCE_CODE = re.compile(r"^source code (?P<code>\S+)$")
_OUTLET_SITE = re.compile(r"^outlet site (?P<site>\S+)$")
_MEETING = re.compile(r"^meeting: (?P<kind>\w+)$")
_OFFICIAL = re.compile(r"^(?P<where>.+) \((?P<how>\w+)\)$")


def rule_label(code: str) -> str:
    """The rule `code` in the active language; an unknown code as it is."""
    code = code or ""
    if code in FIXED:
        return str(FIXED[code])
    if code.startswith("relevance ") and (label := _relevance_label(code)) is not None:
        return label
    if m := _PAGE_METADATA.match(code):  # the tag's name is technical: shown as it is
        return str(_("siêu dữ liệu của trang (%(source)s)") % {"source": m["source"]})
    if (m := _DATED_LEAD.match(code)) and m["source"] in YEAR_SOURCES:
        return str(_("ngày ở đoạn mở đầu, năm lấy từ: %(source)s") % {"source": YEAR_SOURCES[m["source"]]})
    if m := _SOURCE_CODE.match(code):
        return str(_("mã nguồn tin %(code)s") % {"code": m["code"]})
    if m := _OUTLET_SITE.match(code):
        return str(_("địa chỉ trang của cơ quan: %(site)s") % {"site": m["site"]})
    if (m := _MEETING.match(code)) and m["kind"] in MEETING_KINDS:
        return str(MEETING_KINDS[m["kind"]])
    if (m := _OFFICIAL.match(code)) and m["where"] in OFFICIAL_WHERE and m["how"] in OFFICIAL_HOW:
        where, how = OFFICIAL_WHERE[m["where"]], OFFICIAL_HOW[m["how"]]
        return f"{where} ({how})"
    return code


def is_labelled(code: str) -> bool:
    """Whether `code` has a label (not shown as it is)."""
    return rule_label(code) != code or code in FIXED
