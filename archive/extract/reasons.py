"""Review reasons: the one list of why extraction was unsure, with the admin's Vietnamese labels.

A stored reason is its code, optionally followed by ": detail" ("ambiguous district: Châu Thành …").
The codes are plain ASCII English so the admin filters them the same way on SQLite and PostgreSQL
(`review_reasons__icontains=code`); the labels are what editors read. Add a reason here, nowhere else.
"""

from __future__ import annotations

NO_DATE = "no publication date"
YEAR_INFERRED = "year inferred"
DATE_FAR = "date far from other dates"
DATES_CLOSE = "publication dates disagree"
PROVINCE_UNKNOWN = "province unknown"
AMBIGUOUS_DISTRICT = "ambiguous district"
DISTRICTS_SEVERAL = "districts of several provinces"
COMMITTEES_SEVERAL = "several provincial committees"
PROVINCE_DISAGREES = "province evidence disagrees"
PROVINCE_NOT_OUTLETS = "province differs from the outlet's"
GUEST_DELEGATION = "guest delegation"
POSITION_UNREAD = "official position unread"
NOT_IN_GAZETTEER = "province not in gazetteer"

REVIEW_REASONS: list[tuple[str, str]] = [
    (NO_DATE, "Không có ngày đăng"),
    (YEAR_INFERRED, "Năm đăng suy ra từ nội dung"),
    (DATE_FAR, "Ngày đăng cách xa các ngày khác trong bài"),
    (DATES_CLOSE, "Nhiều ngày đăng ngang nhau"),
    (PROVINCE_UNKNOWN, "Không rõ tỉnh"),
    (AMBIGUOUS_DISTRICT, "Huyện trùng tên ở nhiều tỉnh"),
    (DISTRICTS_SEVERAL, "Huyện của nhiều tỉnh"),
    (COMMITTEES_SEVERAL, "Nhiều tỉnh ủy được nêu"),
    (PROVINCE_DISAGREES, "Bằng chứng về tỉnh mâu thuẫn"),
    (PROVINCE_NOT_OUTLETS, "Tỉnh khác tỉnh của cơ quan báo"),
    (GUEST_DELEGATION, "Có đoàn khách từ tỉnh khác"),
    (POSITION_UNREAD, "Không đọc được chức vụ của cán bộ"),
    (NOT_IN_GAZETTEER, "Tỉnh không có trong danh mục"),
]
_CODES = sorted((code for code, _ in REVIEW_REASONS), key=len, reverse=True)


def reason_code(reason: str) -> str:
    """The code a stored reason starts with ("ambiguous district: Châu Thành" → "ambiguous district")."""
    for code in _CODES:
        if reason.startswith(code):
            return code
    return reason
