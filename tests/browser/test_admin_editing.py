"""An editor in a real browser: review queue → set the province → save → search finds it by that
province → the history page shows the change (issue #7)."""

import importlib
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group

from archive.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def editors_group() -> Group:
    """The group as its migration makes it: browser tests flush the database between tests, which
    drops what migrations wrote, so run the migration's function again."""
    from django.apps import apps

    migration = importlib.import_module("archive.migrations.0002_editors_aliases_group")
    migration.create_editors_group(apps, None)
    return Group.objects.get(name=migration.EDITORS)


@pytest.fixture
def editor_page(page, site, django_user_model):
    """Logged in as a member of the "Biên tập viên" group (not a superuser), at 1366 px wide."""
    user = django_user_model.objects.create_user("bientap", password="a-long-test-password", is_staff=True)
    user.groups.add(editors_group())
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(site + "/admin/")
    page.fill("#id_username", "bientap")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    return page


def test_review_queue_edit_reaches_search_and_history(editor_page, site):
    page = editor_page
    article = Article.objects.get(source_file="000_7743e18099e4586d.txt")
    page.goto(site + "/admin/archive/reviewqueuearticle/")
    row = page.locator("#result_list tbody tr").first
    assert "Không rõ tỉnh" in row.inner_text()  # the reason in Vietnamese
    row.locator("a").first.click()

    # The province through the admin's autocomplete, as an editor picks it.
    page.locator("#id_province + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("Cà Mau")
    page.locator(".select2-results__option", has_text="Cà Mau").first.click()
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/archive/reviewqueuearticle/**")
    messages = page.locator(".messagelist").inner_text()
    assert "thành công" in messages and "không tồn tại" not in messages

    article.refresh_from_db()
    assert article.province.name == "Cà Mau"
    assert article.edited_fields == ["province"]  # only what the editor changed

    page.goto(f"{site}/tim-kiem/?province={quote('Cà Mau')}")
    results = page.locator(".results")
    assert article.title in results.inner_text()

    page.goto(f"{site}/admin/archive/reviewqueuearticle/{article.pk}/history/")
    history = page.locator("#change-history").inner_text()
    assert "bientap" in history
    assert "Tỉnh" in history and "Cà Mau" in history
    assert "Changed by" not in page.content()


def test_article_list_reads_at_1366px(editor_page, site):
    page = editor_page
    page.goto(site + "/admin/archive/article/")
    title = page.locator("#result_list thead th.column-title").bounding_box()
    assert title["width"] >= 380, title  # room to read a Vietnamese headline
    flags = page.locator("#result_list td.field-review_state").all_inner_texts()
    assert "Cần xem lại" in flags
    assert page.locator("#result_list img[src*='icon-yes']").count() == 0
