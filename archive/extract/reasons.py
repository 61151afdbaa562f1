"""Why ingest flags an article for review: one fixed list, shared by extraction, the admin and pages.

A stored reason is the code, optionally followed by its detail: "ambiguous district Châu Thành: Long
An, Tiền Giang". The code is the English prefix (ASCII, so a JSON `icontains` filter works alike on
SQLite and PostgreSQL); editors and readers see the Vietnamese label (`reason_label`).
"""

from __future__ import annotations

NO_DATE = "no publication date"
PROVINCE_UNKNOWN = "province unknown"
AMBIGUOUS_DISTRICT = "ambiguous district"
DISTRICTS_OF_SEVERAL_PROVINCES = "districts of several provinces"
SEVERAL_COMMITTEES = "several provincial committees"
PROVINCE_DISAGREES = "province evidence disagrees"
PROVINCE_NOT_IN_GAZETTEER = "province not in gazetteer"
EDITOR_FLAGGED = "flagged by an editor"
# Doubt, not only absence (issue 10): a value was stored but may be wrong, or none was for a reason.
YEAR_INFERRED = "year inferred"
DATE_FAR = "date far from other dates"
DATES_CLOSE = "publication dates disagree"
PROVINCE_NOT_OUTLETS = "province differs from the outlet's"
GUEST_DELEGATION = "guest delegation"
POSITION_UNREAD = "official position unread"
READER_REPORT = "reader report"  # a reader's "Báo lỗi" (issue #19): the field follows
# Earlier names of the same codes, used by extraction.
DISTRICTS_SEVERAL = DISTRICTS_OF_SEVERAL_PROVINCES
COMMITTEES_SEVERAL = SEVERAL_COMMITTEES
NOT_IN_GAZETTEER = PROVINCE_NOT_IN_GAZETTEER

# (code, Vietnamese label), in the order the admin lists them.
REASONS: tuple[tuple[str, str], ...] = (
    (NO_DATE, "Không có ngày đăng"),
    (PROVINCE_UNKNOWN, "Không rõ tỉnh"),
    (AMBIGUOUS_DISTRICT, "Huyện trùng tên ở nhiều tỉnh"),
    (DISTRICTS_OF_SEVERAL_PROVINCES, "Nêu huyện của nhiều tỉnh"),
    (SEVERAL_COMMITTEES, "Nêu tỉnh ủy của nhiều tỉnh"),
    (PROVINCE_DISAGREES, "Bằng chứng về tỉnh mâu thuẫn"),
    (PROVINCE_NOT_IN_GAZETTEER, "Tỉnh không có trong danh mục"),
    (EDITOR_FLAGGED, "Biên tập viên đánh dấu"),
    (YEAR_INFERRED, "Năm đăng suy ra từ nội dung"),
    (DATE_FAR, "Ngày đăng cách xa các ngày khác trong bài"),
    (DATES_CLOSE, "Nhiều ngày đăng khác nhau"),
    (PROVINCE_NOT_OUTLETS, "Tỉnh khác tỉnh của cơ quan báo"),
    (GUEST_DELEGATION, "Có đoàn khách từ tỉnh khác"),
    (POSITION_UNREAD, "Không đọc được chức vụ của cán bộ"),
    (READER_REPORT, "Bạn đọc báo lỗi"),
)
LABELS = dict(REASONS)
# Longest first, so a code that begins another code never takes its place.
_BY_LENGTH = sorted(LABELS, key=len, reverse=True)


def reason_code(reason: str) -> str:
    """The code a stored reason starts with; "" for text that matches none (kept as it is)."""
    for code in _BY_LENGTH:
        if reason == code or reason.startswith((code + " ", code + ":")):
            return code
    return ""


def reason_detail(reason: str) -> str:
    """What follows the code: "Châu Thành: Long An, Tiền Giang"."""
    code = reason_code(reason)
    if not code:
        return reason
    detail = reason[len(code) :].lstrip(" :")
    return detail.removeprefix("named:").lstrip()  # "several provincial committees named: …"


def reason_label(reason: str) -> str:
    """The reason as an editor or reader sees it: the Vietnamese label, then the detail."""
    code = reason_code(reason)
    if not code:
        return reason
    detail = reason_detail(reason)
    return f"{LABELS[code]}: {detail}" if detail else LABELS[code]
