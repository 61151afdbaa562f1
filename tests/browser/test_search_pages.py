import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_typed_without_diacritics_filters_and_opens_a_highlighted_article(page, site):
    page.goto(site + "/")
    page.fill("#site-q", "dan van kheo")
    page.press("#site-q", "Enter")
    page.wait_for_url(re.compile(r"/tim-kiem/\?q=dan\+van\+kheo"))
    assert page.locator(".search-summary").inner_text().startswith("5 kết quả cho")
    assert page.locator(".search-hits > li").count() == 5
    assert page.locator(".search-hits mark").count() > 0

    province_facet = page.locator(".facet-province li")
    assert [t.split("\n")[0] for t in province_facet.all_inner_texts()] == ["Long An", "Hòa Bình", "Lạng Sơn"]
    page.locator(".facet-province a", has_text="Long An").click()
    page.wait_for_load_state()
    assert page.locator(".search-summary").inner_text().startswith("2 kết quả")
    chip = page.locator(".chips li").first
    assert "Long An" in chip.inner_text()

    page.locator(".search-hits .result-title").first.click()
    page.wait_for_load_state()
    assert "/bai-viet/" in page.url
    marks = page.locator(".article-text mark").all_inner_texts()
    assert marks and all(m.lower() in ("dân vận khéo", "dân vận", "khéo") for m in marks), marks

    page.go_back()
    chip = page.locator(".chips li a", has_text="Long An")
    chip.click()
    page.wait_for_load_state()
    assert page.locator(".search-summary").inner_text().startswith("5 kết quả")


def test_year_chart_on_the_search_page(page, site):
    page.goto(site + "/tim-kiem/?q=d%C3%A2n+v%E1%BA%ADn")
    bars = page.locator(".facet-year .bar")
    assert bars.count() == 4
    widths = [b.evaluate("e => e.getBoundingClientRect().width") for b in bars.all()]
    assert max(widths) > 0 and widths.count(max(widths)) == 1  # 2024 has two articles


def test_home_page_year_link_lands_on_the_year_page(page, site):
    page.goto(site + "/")
    page.locator("[aria-label='Số bài theo năm'] a", has_text="2024").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Năm 2024"
    assert page.locator(".results > li").count() == 2
