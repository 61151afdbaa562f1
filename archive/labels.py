"""Words the archive writes into its own data, shown in the reader's language (issue #19, item 3).

A meeting's period ("6 tháng đầu năm 2019", "quý I/2019") and an aggregator's outlet name
("baomoi.com (trang tổng hợp, không ghi cơ quan gốc)") are written by extraction in one fixed
Vietnamese form; a province's full name starts with its kind ("Tỉnh", "Thành phố"). They stay
stored in Vietnamese (what the archive says, searchable); an English page translates them here.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

AGGREGATOR_SUFFIX = " (trang tổng hợp, không ghi cơ quan gốc)"
_PERIODS = (
    (re.compile(r"^6 tháng cuối năm (\d{4})$"), "second half of {0}"),
    (re.compile(r"^6 tháng đầu năm (\d{4})$"), "first half of {0}"),
    (re.compile(r"^9 tháng đầu năm (\d{4})$"), "first nine months of {0}"),
    (re.compile(r"^quý (IV|III|II|I)/(\d{4})$"), "Q{q} {1}"),
    (re.compile(r"^tháng (\d{1,2})/(\d{4})$"), "{month} {1}"),
    (re.compile(r"^năm (\d{4})$"), "year {0}"),
)
_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}
_MONTHS = ("January February March April May June July August September October November December").split()


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def period_label(period: str) -> str:
    """ "quý I/2019" → "Q1 2019" on an English page; as stored otherwise (and when unknown)."""
    if not period or not _english():
        return period
    for pattern, form in _PERIODS:
        m = pattern.match(period)
        if m:
            groups = m.groups()
            month = ""
            if "{month}" in form:
                if not 1 <= int(groups[0]) <= 12:
                    return period
                month = _MONTHS[int(groups[0]) - 1]
            return form.format(*groups, q=_QUARTERS.get(groups[0], 0), month=month)
    return period


def outlet_label(name: str) -> str:
    """An aggregator's outlet says in the reader's language that the original outlet is unnamed."""
    if name and name.endswith(AGGREGATOR_SUFFIX):
        note = _("trang tổng hợp, không ghi cơ quan gốc")
        return f"{name[: -len(AGGREGATOR_SUFFIX)]} ({note})"
    return name


def province_full_name(full_name: str, name: str) -> str:
    """ "Tỉnh Long An" → "Long An province" on an English page."""
    if not _english():
        return full_name
    if full_name.startswith("Tỉnh "):
        return _("tỉnh %(name)s") % {"name": name}
    if full_name.startswith("Thành phố "):
        return _("thành phố %(name)s") % {"name": name}
    return name


def review_reason_label(reason: str) -> str:
    """A stored review reason ("year inferred: 1995") as the reader's language names it."""
    from archive.extract.reasons import LABELS, reason_code, reason_detail

    code = reason_code(reason)
    if not code:
        return reason
    label, detail = _(LABELS[code]), reason_detail(reason)
    return f"{label}: {detail}" if detail else label


# The review reasons' labels (archive/extract/reasons.py, which imports no Django), for makemessages.
_REASON_LABELS = [
    gettext_noop("Không có ngày đăng"),
    gettext_noop("Không rõ tỉnh"),
    gettext_noop("Huyện trùng tên ở nhiều tỉnh"),
    gettext_noop("Nêu huyện của nhiều tỉnh"),
    gettext_noop("Nêu tỉnh ủy của nhiều tỉnh"),
    gettext_noop("Bằng chứng về tỉnh mâu thuẫn"),
    gettext_noop("Tỉnh không có trong danh mục"),
    gettext_noop("Biên tập viên đánh dấu"),
    gettext_noop("Năm đăng suy ra từ nội dung"),
    gettext_noop("Ngày đăng cách xa các ngày khác trong bài"),
    gettext_noop("Nhiều ngày đăng khác nhau"),
    gettext_noop("Tỉnh khác tỉnh của cơ quan báo"),
    gettext_noop("Có đoàn khách từ tỉnh khác"),
    gettext_noop("Không đọc được chức vụ của cán bộ"),
    gettext_noop("Bạn đọc báo lỗi"),
]
