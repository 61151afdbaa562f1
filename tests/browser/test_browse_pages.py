"""Browsing in a real browser (issue #9): walk home → province → year → article → official → back,
a 2025 province, search → facet → article → next result, the phone layout, and axe-core."""

import re
from pathlib import Path

import pytest

from archive.models import Official

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def test_walk_home_province_year_article_official_and_back(page, site):
    page.goto(site + "/")
    page.locator(".province-tiles a", has_text="Hòa Bình").click()
    page.wait_for_url(re.compile(r"/tinh/hoa-binh/$"))
    assert page.locator("h1").inner_text().startswith("Tỉnh Hòa Bình")
    assert page.title().startswith("Tỉnh Hòa Bình")
    assert page.locator(".breadcrumbs [aria-current=page]").inner_text().startswith("Hòa Bình")

    page.locator(".detail-main .year-list a", has_text="2024").first.wait_for()
    page.goto(site + "/nam/2024/")
    assert page.locator("h1").inner_text() == "Năm 2024"
    page.locator(".month-tiles a", has_text="Tháng 4").click()
    page.wait_for_url(re.compile(r"/nam/2024/4/$"))
    # Issue #20: the seed's 11/4 has an inferred year: not on the calendar; the month page says so and
    # points to the year's page, which lists it.
    assert page.locator(".calendar a").count() == 0
    page.locator("a", has_text="trang năm 2024").click()
    page.wait_for_url(re.compile(r"/nam/2024/$"))
    page.locator(".result-title", has_text="quý II/ 2024").click()
    page.wait_for_url(re.compile(r"/bai-viet/\d+/$"))
    assert page.locator("h1").inner_text() == "Triển khai nhiệm vụ công tác dân vận quý II/ 2024"
    assert "năm suy ra từ nội dung" in page.locator(".facts").inner_text()

    page.locator(".facts a", has_text="Bùi Tiến Lực").first.click()
    page.wait_for_url(re.compile(r"/can-bo/\d+-bui-tien-luc/$"))
    assert page.locator("h1").inner_text() == "Bùi Tiến Lực"
    assert "Trưởng Ban Dân vận Tỉnh ủy" in page.locator(".timeline").inner_text()

    page.go_back()
    page.wait_for_url(re.compile(r"/bai-viet/\d+/$"))
    assert page.locator("h1").inner_text() == "Triển khai nhiệm vụ công tác dân vận quý II/ 2024"
    page.locator(".breadcrumbs a", has_text="Hòa Bình").click()
    page.wait_for_url(re.compile(r"/tinh/hoa-binh/$"))


def test_a_2025_province_lists_its_predecessors_articles(page, site, seeded):
    page.goto(site + "/tinh/")
    page.locator("#current ~ .province-rows a", has_text="Tây Ninh").first.click()
    page.wait_for_url(re.compile(r"/tinh/tay-ninh-2025/$"))
    items = page.locator(".province-articles > li")
    assert items.count() == 2
    texts = items.all_inner_texts()
    assert all("tỉnh Long An (tên khi đăng)" in t for t in texts)
    assert {seeded["002"].title, seeded["004"].title} <= set(
        page.locator(".province-articles .result-title").all_inner_texts()
    )
    page.get_by_role("link", name="Tìm trong Tây Ninh").click()
    page.wait_for_load_state()
    assert page.locator(".search-summary").inner_text().startswith("2 kết quả")


def test_search_facet_article_and_next_result(page, site):
    page.goto(site + "/")
    page.fill("#site-q", "dân vận")
    page.press("#site-q", "Enter")
    page.wait_for_url(re.compile(r"/tim-kiem/"))
    page.locator(".facet-province a", has_text="Long An").click()
    page.wait_for_load_state()
    assert page.locator(".search-summary").inner_text().startswith("2 kết quả")
    titles = page.locator(".search-hits .result-title").all_inner_texts()
    page.locator(".search-hits .result-title").first.click()
    page.wait_for_url(re.compile(r"/bai-viet/\d+/\?"))
    assert page.locator("h1").inner_text() == titles[0]
    assert page.locator(".result-nav").inner_text().count("Kết quả 1/2") == 1
    page.locator(".result-nav a[rel=next]").click()
    page.wait_for_url(re.compile(r"/bai-viet/\d+/\?"))
    assert page.locator("h1").inner_text() == titles[1]
    assert page.locator(".result-nav a[rel=prev]").is_visible()
    assert page.locator(".result-nav a[rel=next]").count() == 0
    assert page.locator(".article-text mark").count() > 0  # the terms still carry over
    page.locator(".result-nav a", has_text="Kết quả 2/2").click()
    page.wait_for_url(re.compile(r"/tim-kiem/\?"))
    assert page.locator(".search-summary").inner_text().startswith("2 kết quả")


def _main_pages(site: str) -> dict[str, str]:
    official = Official.objects.get(name="Bùi Tiến Lực")
    from archive.models import Article

    article = Article.objects.get(source_file="003_41f4bdbdfcdba0a7.txt")
    return {
        "home": "/",
        "home-2025": "/?ky=2025",
        "provinces": "/tinh/",
        "province": "/tinh/long-an/",
        "province-2025": "/tinh/tay-ninh-2025/",
        "years": "/nam/",
        "year": "/nam/2024/",
        "month": "/nam/2024/4/",
        "day": "/nam/2024/4/11/",
        "article": article.get_absolute_url(),
        "official": official.get_absolute_url(),
        "officials": "/can-bo/",
        "meetings": "/hoi-nghi/",
        "search": "/tim-kiem/?q=d%C3%A2n+v%E1%BA%ADn",
        "not-found": "/khong-co/",
    }


def test_phone_layout_has_no_horizontal_scroll_and_results_come_before_facets(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    try:
        for name, path in _main_pages(site).items():
            page.goto(site + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} ({path}) scrolls sideways by {overflow}px at 360px"
        page.goto(site + "/tim-kiem/?q=d%C3%A2n+v%E1%BA%ADn")
        results = page.locator(".search-results").bounding_box()
        facets = page.locator(".facets").bounding_box()
        assert results["y"] < facets["y"], "on a phone the results come before the facets"
    finally:
        context.close()
