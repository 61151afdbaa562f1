"""The site's own pages pass their Content-Security-Policy in a real browser (issue 11)."""

import pytest

from archive.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_break_no_csp_rule(page, site, django_user_model):
    violations = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.on("pageerror", lambda err: violations.append(str(err)))
    article = Article.objects.get(source_file="003_41f4bdbdfcdba0a7.txt")
    django_user_model.objects.create_superuser("editor", "", "a-long-test-password")
    headers = []
    for path in (
        "/",
        "/tim-kiem/?q=dân+vận&year=2024",
        f"/bai-viet/{article.pk}/?q=dân+vận",
        "/khong-co/",
        "/tinh/",
        "/tinh/long-an/",
        "/tinh/tay-ninh-2025/",
        "/nam/2024/",
        "/can-bo/",
        "/hoi-nghi/",
        "/admin/",
    ):
        response = page.goto(site + path)
        headers.append(response.headers)
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(f"{site}/admin/archive/article/{article.pk}/change/")
    assert page.locator("#id_title").input_value().startswith("Triển khai nhiệm vụ")
    assert all("script-src 'self'" in h["content-security-policy"] for h in headers)
    assert all("camera=()" in h["permissions-policy"] for h in headers)
    # the search page's facet bars still draw (their widths are the one inline style the policy
    # allows); a province's year chart is SVG
    page.goto(site + "/tim-kiem/?q=dân+vận")
    assert page.locator("span.bar").first.bounding_box()["width"] > 0
    page.goto(site + "/tinh/long-an/")
    assert page.locator("svg.year-chart rect.bar").first.bounding_box()["width"] > 0
    assert violations == []
