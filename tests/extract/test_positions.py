"""One official, one career (issue 20, item 8): a position's canonical form and its posts."""

from __future__ import annotations

import pytest

from archive.extract.people import find_officials
from archive.extract.positions import canonical_position, fold_short_posts, posts


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("PBTTT huyện ủy Giao Thủy", "Phó Bí thư Thường trực Huyện ủy Giao Thủy"),
        ("Phó bí thư thường trực Huyện ủy Hải Hậu", "Phó Bí thư Thường trực Huyện ủy Hải Hậu"),
        ("Phó Bí thư Thường trực Huyện uỷ", "Phó Bí thư Thường trực Huyện ủy"),
        ("TVTU, Trưởng Ban Dân vận Tỉnh ủy", "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy"),
        (
            "Ủy viên Thường vụ Tỉnh ủy, Trưởng ban dân vận Tỉnh ủy",
            "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy",
        ),
        ("Trưởng Ban Dân vận của Tỉnh ủy", "Trưởng Ban Dân vận Tỉnh ủy"),
        ("Phó Chủ tịch Ủy ban nhân dân tỉnh", "Phó Chủ tịch UBND tỉnh"),
        ("Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"),
        ("Chủ tịch Hà Nội", "Chủ tịch UBND TP Hà Nội"),
        ("Chủ tịch UBND thành phố Hà Nội", "Chủ tịch UBND TP Hà Nội"),
        ("Chủ tịch UBND TP.Hà Nội", "Chủ tịch UBND TP Hà Nội"),
        ("Bí thư Thành ủy TPHCM", "Bí thư Thành ủy TP.HCM"),
        ("Bí thư Thành ủy TP Hồ Chí Minh", "Bí thư Thành ủy TP.HCM"),
        ("Ủy viên Bộ Chính trị, Bí thư TP HCM", "Ủy viên Bộ Chính trị, Bí thư Thành ủy TP.HCM"),
        ("Bí thư Thành ủy -", "Bí thư Thành ủy"),
        ("Thứ trưởng Bộ GD - ĐT", "Thứ trưởng Bộ GD&ĐT"),
        ("Thứ trưởng Bộ Giáo dục và Đào tạo", "Thứ trưởng Bộ GD&ĐT"),
        ("Thứ trưởng GD&ĐT", "Thứ trưởng Bộ GD&ĐT"),
        ("Thứ trưởng Bộ Lao động - Thương binh và Xã hội", "Thứ trưởng Bộ LĐ-TB&XH"),
        ("Trưởng phòng Phòng Giáo dục và Đào tạo quận Hai Bà Trưng", "Trưởng phòng GD&ĐT quận Hai Bà Trưng"),
        ("Trưởng Phòng GD-ĐT quận Hai Bà Trưng (Hà Nội)", "Trưởng phòng GD&ĐT quận Hai Bà Trưng"),
        ("Bí thư T.Ư Đảng", "Bí thư Trung ương Đảng"),
        ("", ""),
    ],
)
def test_canonical_position(written, canonical):
    assert canonical_position(written) == canonical
    assert canonical_position(canonical) == canonical  # idempotent


def test_posts_name_their_organ_and_drop_ranks():
    assert posts("Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Tỉnh ủy") == [
        "Ủy viên Ban Thường vụ Tỉnh ủy",
        "Trưởng Ban Dân vận Tỉnh ủy",
    ]
    assert posts("Đại tá, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh") == [
        "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh"
    ]
    assert posts("Phó Bí thư Tỉnh ủy kiêm Chủ tịch HĐND tỉnh") == ["Phó Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"]


def test_nine_spellings_of_one_post_are_one_career_line():
    written = [
        "Bí thư Thành ủy",
        "Bí thư Thành ủy -",
        "Bí thư Thành ủy TP HCM",
        "Bí thư Thành ủy TP.HCM",
        "Bí thư Thành ủy TPHCM",
        "Ủy viên Bộ Chính trị - Bí thư Thành ủy TP.HCM",
        "Ủy viên Bộ Chính trị, Bí thư TP HCM",
        "Ủy viên Bộ Chính trị, Bí thư Thành ủy",
        "Ủy viên Bộ Chính trị, Bí thư Thành ủy TP.HCM",
    ]
    all_posts = [p for w in written for p in posts(w)]
    folded = fold_short_posts(all_posts)
    assert {folded.get(p, p) for p in all_posts} == {"Bí thư Thành ủy TP.HCM", "Ủy viên Bộ Chính trị"}


def test_a_short_post_that_could_start_two_posts_stays():
    assert fold_short_posts(["Chủ tịch", "Chủ tịch UBND tỉnh", "Chủ tịch HĐND tỉnh"]) == {}


def test_a_position_before_a_name_is_never_a_sentence():
    text = "Hiệu trưởng Trường tiểu học Nam Trung Yên đã báo cáo, báo chí dẫn lời Chủ tịch Nguyễn Văn An cho biết."
    assert [(o.name, o.position) for o in find_officials(text)] == [("Nguyễn Văn An", "Chủ tịch")]


def test_a_name_after_a_city_is_read_whole():
    text = "Ủy viên Bộ Chính trị, Bí thư Thành ủy TP Hồ Chí Minh Đinh La Thăng cho biết những tiếng cồng."
    assert [(o.name, o.position_canonical) for o in find_officials(text)] == [
        ("Đinh La Thăng", "Ủy viên Bộ Chính trị, Bí thư Thành ủy TP.HCM")
    ]
