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
    r"từ khóa:?.*",
    r"tags?(?::.*)?",  # "TAGS" alone on a line, the keywords on the next: never a byline
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
    # the outlet's address as a footer line: "baophutho.vn - Cơ quan của Đảng bộ tỉnh"
    r"(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org)\b(?:\s*[-–|].*)?",
]
# Footer lines are short: a long paragraph that starts with a footer word ("Giấy phép kinh doanh là
# thủ tục đầu tiên …") is article text (issue 10).
MAX_TAIL_LINE = 200

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
    # widgets a reader's copy of the page keeps (issue 20): an image's alternative text, a back link
    r"image(?: banner)?|banner|hình ảnh|ảnh minh họa",
    r"[‹«<←]?\s*(?:trở về|quay lại|quay về)(?: trang trước)?\s*[›»>]?",
    r"về đầu trang|lên đầu trang",
]

# Page chrome that stands above the title: site banners, menus, clocks, log-in and weather widgets.
HEADER_PATTERNS: list[str] = [
    r"(?:hotline|đường dây nóng|thời tiết|tỷ giá|giá vàng)\b.*",
    r"(?:đăng nhập|đăng ký|tìm kiếm|english|rss|liên hệ|quảng cáo|video|podcast|emagazine)(?:\s*[|/]\s*.*)?",
    r"tin (?:mới|mới nhất|nóng|nổi bật|tiêu điểm|vắn|mới cập nhật|tổng hợp)",
    r"tin tức(?:\s*[-–|/]\s*[^\W\d_]+(?: [^\W\d_]+)?)?",  # "Tin tức - Sự kiện"
    r"(?:cổng thông tin|trang thông tin)\b.{0,80}",
]
# An outlet's name as a header line: "Báo Đồng Tháp điện tử", "BÁO NINH THUẬN", "Yên Bái Online".
_OUTLET_HEAD = {"báo", "đài", "tạp"}
_OUTLET_FILLER = {"điện", "tử", "online", "và", "phát", "thanh", "truyền", "hình", "-", "chí"}
_MENU_SEP = re.compile(r"\s+[|»>/]\s+")

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
_HEADER = _compile(HEADER_PATTERNS)


def is_tail_marker(line: str) -> bool:
    return len(line) <= MAX_TAIL_LINE and _TAIL.match(line) is not None


def is_chrome_line(line: str) -> bool:
    return _LINE.match(line) is not None or is_tail_marker(line)


def is_header_line(line: str) -> bool:
    """A line above the title that belongs to the site, not the article (issue 10: 4 of 5 titles came
    out as chrome). Only asked about lines before the title is found."""
    words = line.split()
    if len(words) <= 3 and len(line) < 40:  # section names: "Chính trị", "Xây dựng Đảng", "Yên Bái Online"
        return True
    if _HEADER.match(line) and len(line) <= 120:
        return True
    if len(words) <= 8 and (words[0].lower() in _OUTLET_HEAD or words[-1].lower() in ("online", "tử")):
        # every other word capitalised or an outlet word: "Báo chí với công tác dân vận" is a title
        if all(w[:1].isupper() or w.lower() in _OUTLET_FILLER for w in words[1:]):
            return True
    parts = _MENU_SEP.split(line)
    if len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts):  # "Trang chủ | Thời sự | Kinh tế"
        return True
    letters = [ch for ch in line if ch.isalpha()]
    # an all-caps banner naming the outlet ("BÁO ĐIỆN TỬ ĐẢNG BỘ TỈNH HÀ GIANG")
    return bool(letters) and line.upper() == line and bool(_BANNER_WORD.search(line))


_BANNER_WORD = re.compile(r"\b(?:BÁO|ĐÀI|ONLINE|ĐIỆN TỬ|CỔNG|TẠP CHÍ|ĐẢNG BỘ|CƠ QUAN)\b")


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
        if is_tail_marker(line):
            after = sum(len(x) for x in lines[i + 1 :])
            if after <= before or after < 400:
                return i
        before += len(line)
    return len(lines)
