"""Body cleaning: page chrome, repeated lines, captions, source codes; normalisation variants."""

from __future__ import annotations

import unicodedata

import pytest

from archive.extract import extract_text
from archive.extract.chrome import is_caption, is_chrome_line, split_tail

LEAD = "Ngày 11/4/2024, Ban Dân vận Tỉnh ủy Long An tổ chức hội nghị giao ban công tác dân vận quý I."
PARA = "Các đại biểu thảo luận về công tác dân vận chính quyền và phong trào thi đua “Dân vận khéo”."


def extract(*lines: str):
    return extract_text("\n\n".join(lines), source_name="t.txt")


@pytest.mark.parametrize(
    "line",
    [
        "Ý kiến bạn đọc - Gửi bình luận",
        "Gửi bình luận Nhập lại",
        "reset captcha",
        "Ý kiến ()",
        "0 / 500 ký tự",
        "Guest",
        "Đang tải dữ liệu",
        "Trả lời",
        "Email của bạn sẽ không được hiển thị công khai. Các trường bắt buộc được đánh dấu *",
        "Giấy phép số: 47/GP-TTĐT",
        "Bản quyền của Đài Phát thanh và Truyền hình Long An.",
        "Tổng biên tập: Ông Phạm Văn Dũng.",
        "Địa chỉ: 125 QL1A, Phường 4, TP. Tân An, Tỉnh Long An",
        "ĐT: 0272. 3826244 - Fax: 0272.3823225 - Email: ttdt@la34.com.vn",
        "A A",
    ],
)
def test_chrome_lines(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", [LEAD, PARA, "Trả lời phỏng vấn báo chí, đồng chí cho biết."])
def test_article_lines_are_not_chrome(line):
    assert not is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Đồng chí Bùi Tiến Lực, Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy phát biểu tại hội nghị.",
        "Quang cảnh hội nghị.",
        "Ảnh: Thu Hằng",
    ],
)
def test_captions(line):
    assert is_caption(line)


def test_tail_cut_only_when_tail_is_short():
    lines = ["x" * 500, "Bản quyền thuộc về báo", "Địa chỉ: 1 phố Huế"]
    assert split_tail(lines, 0) == 1
    long_after = ["x" * 100, "Bản quyền tác giả được bảo hộ", "y" * 900]
    assert split_tail(long_after, 0) == 3  # "Bản quyền" inside a long article is not the footer


def test_full_page_cleaning():
    a = extract(
        "Thứ Bảy, 27/07/2024 15:42 (GMT +7)",
        "Giao ban công tác dân vận quý I",
        "Thứ 3, 13/04/2024 | 17:38:06 [GMT +7] A  A",
        f"LA34 - {LEAD}",
        f"LA34 - {LEAD}",  # the page repeats the lead
        "Giao ban công tác dân vận quý I",  # photo caption = title
        PARA,
        "Các đại biểu thảo luận về công tác dân vận chính quyền",  # caption repeating a sentence
        "Thanh Thủy – Võ Huy",
        "Ý kiến bạn đọc - Gửi bình luận",
        "reset captcha",
        "Bản quyền của Đài Phát thanh và Truyền hình Long An.",
    )
    assert a.title == "Giao ban công tác dân vận quý I"
    assert a.text == f"{LEAD}\n\n{PARA}"
    assert a.outlet_code == "LA34"
    assert a.authors == ["Thanh Thủy", "Võ Huy"]
    assert a.province == "Long An"


def test_wrapped_caption_rejoined_and_dropped():
    a = extract(
        "Tiêu đề", LEAD + "\nĐồng chí Hoàng Văn Nghiệm, Phó Bí thư Tỉnh ủy\nphát biểu tại hội nghị", PARA
    )
    assert a.text == f"{LEAD}\n\n{PARA}"


def test_nfd_and_old_tone_placement_give_the_same_extraction():
    text = (
        "Hội nghị dân vận tỉnh Hòa Bình\n\nNgày 11/4/2024, Ban Dân vận Tỉnh ủy Hòa Bình tổ chức hội nghị. "
        "Đồng chí Bùi Thị Thủy, Trưởng Ban Dân vận Tỉnh ủy chủ trì hội nghị.\n\nThu Hằng"
    )
    variants = [
        text,
        unicodedata.normalize("NFD", text),
        text.replace("Hòa", "Hoà").replace("Thủy", "Thuỷ").replace("ủy", "uỷ"),
        "\ufeff" + text.replace(" ", "\u00a0", 3),
    ]
    results = []
    for raw in variants:
        a = extract_text(raw, source_name="t.txt")
        assert a.raw == raw
        a.raw = ""
        results.append(a)
    assert all(r == results[0] for r in results[1:])
    assert results[0].province == "Hòa Bình"
    assert results[0].officials[0].name == "Bùi Thị Thủy"
