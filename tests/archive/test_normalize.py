import unicodedata

import pytest

from archive.extract.normalize import fold, fold_key, normalize_line, normalize_text, slugify_vi


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Thanh Thuỷ", "Thanh Thủy"),
        ("Uỷ ban", "Ủy ban"),
        ("tỉnh uỷ", "tỉnh ủy"),
        ("HOÀ BÌNH", "HÒA BÌNH"),
        ("khoẻ", "khỏe"),
        ("thuý", "thúy"),
        (nfd("Hoà Bình"), "Hòa Bình"),
        (nfd("Dân vận khéo"), "Dân vận khéo"),
        # A final consonant keeps the tone on the second vowel in both conventions.
        ("hoàn thành", "hoàn thành"),
        ("khuyến", "khuyến"),
        # "qu" + "y": the tone already sits on the vowel.
        ("quý", "quý"),
        ("Quỳnh", "Quỳnh"),
        ("thuở", "thuở"),
        # NFD orders the dot below before the breve: "hoặc" must not become "họăc".
        (nfd("hoặc ngoặt"), "hoặc ngoặt"),
        ("a\u00a0b\u200bc", "a bc"),
    ],
)
def test_normalize_text(given, expected):
    assert normalize_text(given) == expected


def test_normalize_text_keeps_line_breaks_and_trims_lines():
    assert normalize_text(" một \r\n\r\n hai\u00a0 ba ") == "một\n\nhai ba"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Dân vận khéo", "dan van kheo"),
        ("ĐẮK LẮK", "dak lak"),
        (nfd("Đồng Tháp"), "dong thap"),
        ("Thủy", "thuy"),
    ],
)
def test_fold(given, expected):
    assert fold(given) == expected


def test_fold_key_and_slug_ignore_tone_placement_and_punctuation():
    assert fold_key("Nguyễn Thị Ngọc Hạnh,") == "nguyen thi ngoc hanh"
    assert slugify_vi("Hoà Bình") == slugify_vi("Hòa Bình") == "hoa-binh"
    assert slugify_vi("Bà Rịa - Vũng Tàu") == "ba-ria-vung-tau"
    assert normalize_line("  Long\n An ") == "Long An"
