"""Page chrome: lines that belong to the website, not to the article.

Each list below is a plain list of regex sources so a new outlet's widgets are one line to add.
Patterns match a whole normalised line (NFC, single spaces), case-insensitively.

- TAIL_PATTERNS start the page's tail (comment form, related links, footer): the line and everything
  after it is chrome, provided the tail is short next to the article (see `split_tail`).
- LINE_PATTERNS are dropped wherever they appear (widgets, share buttons).
- CAPTION_PATTERNS are photo captions ("X phát biểu tại hội nghị"): short one-sentence lines that only
  label a picture.
"""

from __future__ import annotations

import re

TAIL_PATTERNS: list[str] = [
    # comment forms
    r"ý kiến bạn đọc.*",
    r"gửi bình luận.*",
    r"ý kiến \(\d*\)",
    r"bình luận(?: \(\d*\))?",
    r"viết bình luận.*",
    r"trả lời",
    r"email của bạn sẽ không được hiển thị công khai.*",
    r"để lại một bình luận.*",
    # related content
    r"tin liên quan:?",
    r"bài viết liên quan:?",
    r"tin cùng chuyên mục:?",
    r"các tin khác:?",
    r"xem thêm:?",
    r"từ khóa:.*",
    r"tags?:.*",
    # footers
    r"giấy phép(?: số| xuất bản| hoạt động)?\b.*",
    r"website .*giấy phép.*",
    r"bản quyền\b.*",
    r"© .*",
    r"copyright\b.*",
    r"tổng biên tập\s*:.*",
    r"phó tổng biên tập\s*:.*",
    r"cơ quan chủ quản\s*:.*",
    r"chịu trách nhiệm (?:nội dung|xuất bản)\s*:.*",
]

LINE_PATTERNS: list[str] = [
    r"reset captcha",
    r"nhập lại",
    r"(?:gửi bình luận )?nhập lại",
    r"\d+ / \d+ ký tự",
    r"guest",
    r"đang tải dữ liệu.*",
    r"a\s*a(?:\s*a)?",  # font-size widget "A A"
    r"chia sẻ(?: bài viết)?:?",
    r"in bài(?: viết)?",
    r"lượt xem:? ?\d*",
    r"theo dõi (?:chúng tôi|báo).*",
    r"trang chủ(?: [>»/].*)?",
    r"địa chỉ\s*:.*",
    r"(?:đt|điện thoại|tel)\s*:.*(?:fax|email).*",
    r"(?:fax|email|e-mail)\s*:.*",
    r"đang xem:.*",
]

CAPTION_PATTERNS: list[str] = [
    # "Đồng chí Bùi Tiến Lực, …, Chủ tịch Ủy ban MTTQ tỉnh phát biểu tại hội nghị."
    r"[^.!?:;]{0,220} phát biểu (?:tại|chỉ đạo|kết luận)(?: tại)? (?:hội nghị|buổi [^.!?:;]{0,40}|lễ [^.!?:;]{0,40})\.?",
    r"(?:quang|toàn) cảnh (?:hội nghị|buổi [^.!?]{0,60}|lễ [^.!?]{0,60})\.?",
    r"các đại biểu (?:dự|tham dự) (?:hội nghị|buổi [^.!?]{0,60})\.?",
    r"\(?ảnh(?: minh họa)?\s*:[^.!?]{0,60}\)?\.?",
]


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\Z", re.IGNORECASE)


_TAIL = _compile(TAIL_PATTERNS)
_LINE = _compile(LINE_PATTERNS)
_CAPTION = _compile(CAPTION_PATTERNS)


def is_tail_marker(line: str) -> bool:
    return _TAIL.match(line) is not None


def is_chrome_line(line: str) -> bool:
    return _LINE.match(line) is not None or _TAIL.match(line) is not None


def is_caption(line: str) -> bool:
    return len(line) < 260 and _CAPTION.match(line) is not None


def split_tail(lines: list[str], start: int) -> int:
    """Index where the page tail begins (len(lines) when there is none).

    Why the length check: "Địa chỉ:" or "Bản quyền" can occur inside an article (a charity's address);
    only a marker followed by less text than precedes it is taken as the start of the footer.
    """
    before = 0
    for i in range(start, len(lines)):
        line = lines[i]
        if _TAIL.match(line):
            after = sum(len(x) for x in lines[i + 1 :])
            if after <= before or after < 400:
                return i
        before += len(line)
    return len(lines)
