"""The language check used on every page at real volume (tests/pages.py) finds what it must."""

from tests.pages import leaks


def test_the_language_check_finds_a_stray_interface_string():
    page = '<html lang="en"><p title="Tìm">Search <b>Tìm kiếm</b></p><p lang="vi">Tìm kiếm</p><p>Long An</p>'
    assert leaks(page, "en", ["Long An"], set()) == ["Tìm", "Tìm kiếm"]
    page = '<html lang="vi"><p>Xem: Previous result</p><p lang="en">Previous result</p>'
    assert leaks(page, "vi", [], {"Previous result"}) == ["Previous result"]
