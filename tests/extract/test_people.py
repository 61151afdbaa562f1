"""Officials (name, position, chair) and bylines."""

from __future__ import annotations

import pytest

from archive.extract.people import clean_name, find_officials, parse_byline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Đồng chí Bùi Tiến Lực, Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy, Chủ tịch Ủy ban MTTQ tỉnh chủ trì hội nghị.",
            [
                (
                    "Bùi Tiến Lực",
                    "Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy, Chủ tịch Ủy ban MTTQ tỉnh",
                    True,
                )
            ],
        ),
        (
            "Sáng nay, 27/6/2019, Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy Nguyễn Thị Ngọc Hạnh chủ trì hội nghị.",
            [("Nguyễn Thị Ngọc Hạnh", "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy", True)],
        ),
        (
            'Ông Phạm Văn Bốn - Trưởng Ban Dân vận Tỉnh ủy Long An: "Năm 2024 …"',
            [("Phạm Văn Bốn", "Trưởng Ban Dân vận Tỉnh ủy Long An", False)],
        ),
        (
            "Đồng chí Hoàng Văn Nghiệm, Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh dự hội nghị.",
            [("Hoàng Văn Nghiệm", "Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh", False)],
        ),
        (
            "Kết luận hội nghị, Trưởng Ban Dân vận Tỉnh ủy Nguyễn Công Thắng nhấn mạnh nhiệm vụ.",
            [("Nguyễn Công Thắng", "Trưởng Ban Dân vận Tỉnh ủy", False)],
        ),
        # the chair is listed first; "chủ trì" belongs to the name just before it
        (
            "Dự hội nghị có đồng chí Lê Văn Hòa, Bí thư Huyện ủy. Bà Trần Thị Mai - Phó Chủ tịch UBND tỉnh chủ trì.",
            [("Trần Thị Mai", "Phó Chủ tịch UBND tỉnh", True), ("Lê Văn Hòa", "Bí thư Huyện ủy", False)],
        ),
        # a place name that starts with a surname (Hà, Thái, Đồng) is not part of the person's name
        (
            "Bí thư Thành ủy Hà Nội Đinh Tiến Dũng phát biểu. Phó Chủ tịch UBND tỉnh Thái Bình đã dự.",
            [("Đinh Tiến Dũng", "Bí thư Thành ủy Hà Nội", False)],
        ),
        # a name without a position or a chair role is not an official
        ("Anh Nguyễn Văn Nam, nông dân ở xã, cho biết.", []),
        ("Học tập tư tưởng Chủ tịch Hồ Chí Minh.", []),
    ],
)
def test_officials(text, expected):
    assert [(o.name, o.position, o.chaired) for o in find_officials(text)] == expected


def test_one_official_once_longest_position_kept():
    text = (
        "Đồng chí Nguyễn Công Thắng, Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy chủ trì hội nghị. "
        "Trưởng Ban Dân vận Tỉnh ủy NGUYỄN CÔNG THẮNG nhấn mạnh."
    )
    (o,) = find_officials(text)
    assert (o.name, o.position, o.chaired) == (
        "Nguyễn Công Thắng",
        "Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy",
        True,
    )


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Nguyễn Văn Thành", "Nguyễn Văn Thành"),  # "Thành" and "Văn" are given names here
        ("Trần Công Bí", "Trần Công"),  # cut where a position begins ("Bí thư")
        ("Nguyễn", None),
        ("Hồ Chí Minh", None),
        ("LÊ THỊ HOA", "Lê Thị Hoa"),
        # countries and regions that begin with a surname syllable
        ("Hàn Quốc", None),
        ("Thái Bình Dương", None),
        ("Trung Quốc Tập", None),
        ("Hoàng Trung Hải", "Hoàng Trung Hải"),
    ],
)
def test_clean_name(raw, name):
    assert clean_name(raw) == name


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Thu Hằng – Phạm Tiến", ["Thu Hằng", "Phạm Tiến"]),
        ("PHƯƠNG DUNG", ["Phương Dung"]),
        ("Thanh Thủy - Võ Huy", ["Thanh Thủy", "Võ Huy"]),
        ("Minh Anh, Hoàng Nam và Thu Trang", ["Minh Anh", "Hoàng Nam", "Thu Trang"]),
        ("Bài và ảnh: NGỌC TRÂM", ["Ngọc Trâm"]),
        ("Hội nghị đã thành công tốt đẹp.", None),  # a sentence
        ("Năm 2024", None),
        ("Nguyễn Văn Một Hai Ba Bốn", None),  # more than 4 syllables in one name
        ("", None),
    ],
)
def test_parse_byline(line, names):
    assert parse_byline(line) == names
