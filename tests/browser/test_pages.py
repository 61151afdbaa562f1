import pytest

from archive.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_browses_by_year_and_province(page, site):
    page.goto(site + "/")
    assert page.title() == "Dân vận Archive"
    years = page.locator("[aria-label='Số bài theo năm'] li")
    assert [" ".join(t.split()) for t in years.all_inner_texts()] == ["2018 1", "2019 1", "2020 1", "2024 2"]
    long_an = page.locator(".province-tiles li", has_text="Long An").first.inner_text()
    assert " ".join(long_an.split()) == "Long An 2 nay thuộc Tây Ninh"  # the 2025 successor is shown


def test_article_page_shows_the_record(page, site):
    article = Article.objects.get(source_file="003_41f4bdbdfcdba0a7.txt")
    page.goto(f"{site}/bai-viet/{article.pk}/")
    assert page.locator("h1").inner_text() == "Triển khai nhiệm vụ công tác dân vận quý II/ 2024"
    facts = page.locator(".facts").inner_text()
    # Issue #20: day and month as printed, the year said to be inferred (never "11/04/2024")
    assert "ngày 11/04 · năm 2024 (năm suy ra từ nội dung)" in facts and "11/04/2024" not in facts
    assert "Hòa Bình" in facts and "Phú Thọ" in facts
    assert "Bùi Tiến Lực" in facts
    assert page.locator(".article-text").inner_text().count("Ngày 11/4, tại huyện Kim Bôi") == 1


def test_flagged_article_says_why(page, site):
    article = Article.objects.get(source_file="000_7743e18099e4586d.txt")
    page.goto(f"{site}/bai-viet/{article.pk}/")
    assert page.locator(".review-flag").is_visible()


def test_admin_login_and_review_queue(page, site, django_user_model):
    django_user_model.objects.create_superuser("editor", "", "a-long-test-password")
    page.goto(site + "/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(site + "/admin/archive/reviewqueuearticle/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3  # 000 (no province, inferred year), 001 and 003 (inferred years, issue 10)
    assert "6 tháng cuối năm" in rows.first.inner_text()
