"""Issue #21: a repeated article page comes whole from the shared cache, whichever worker answers,
and is never a stale or another visitor's page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches

from archive import page_cache, selectors
from archive.models import Article

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _no_reading(**kwargs):
    raise AssertionError("the article was read again instead of served from the cache")


@pytest.fixture
def article(seeded):
    return seeded["000"]


def test_a_repeated_article_page_comes_whole_from_the_shared_cache(article, client, monkeypatch):
    url = article.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    before = first.content.decode()
    assert article.title in before and "csrfmiddlewaretoken" in before

    monkeypatch.setattr(selectors, "article_get", _no_reading)
    monkeypatch.setattr(selectors, "related_articles", _no_reading)
    other = client.__class__(enforce_csrf_checks=True)  # another visitor: its own CSRF token
    again = other.get(url)
    assert again.status_code == 200
    body = again.content.decode()
    assert _TOKEN.sub("", body) == _TOKEN.sub("", before)
    tokens = set(_TOKEN.findall(body))
    assert len(tokens) == 1 and tokens.isdisjoint(_TOKEN.findall(before))
    assert "csrftoken" in again.cookies
    # The token put back is this visitor's: the "Báo lỗi" form posts with it.
    monkeypatch.undo()
    posted = other.post(
        f"{url}bao-loi/",
        {"csrfmiddlewaretoken": tokens.pop(), "field": "title", "note": "Tiêu đề sai chính tả"},
    )
    assert posted.status_code == 200, posted.content.decode()[:300]


def test_an_edit_is_a_new_page_at_once(article, client):
    url = article.get_absolute_url()
    assert "Tiêu đề đã sửa" not in client.get(url).content.decode()
    fresh = Article.objects.get(pk=article.pk)
    fresh.title = "Tiêu đề đã sửa"
    fresh.save()  # the admin's path: the article's own time stamp moves
    assert "Tiêu đề đã sửa" in client.get(url).content.decode()


def test_the_page_is_per_language_host_and_query(article, client):
    url = article.get_absolute_url()
    vi = client.get(url).content.decode()
    english = client.__class__()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = english.get(url).content.decode()
    assert '<html lang="vi"' in vi and '<html lang="en"' in en
    other_host = client.get(url, HTTP_HOST="127.0.0.1").content.decode()
    assert "http://127.0.0.1/" in other_host and "http://127.0.0.1/" not in vi
    highlighted = client.get(url, {"q": "dân vận"}).content.decode()
    assert highlighted != vi and 'value="dân vận"' in highlighted


def test_staff_pages_and_exports_are_never_stored(article, client, monkeypatch):
    stored = []
    monkeypatch.setattr(page_cache, "page_put", lambda *args, **kwargs: stored.append(args))
    url = article.get_absolute_url()
    assert client.get(url, {"format": "ris"}).status_code == 200
    staff = get_user_model().objects.create_user("bientap", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert not stored
    client.logout()
    client.get(url)
    assert len(stored) == 1


def test_a_missing_article_is_404_and_not_stored(db, client):
    assert client.get("/bai-viet/987654/").status_code == 404
    assert client.get("/bai-viet/987654/").status_code == 404


def test_a_damaged_entry_is_a_miss(article, client):
    url = article.get_absolute_url()
    client.get(url)
    results = caches[page_cache.ALIAS]
    request = client.get(url).wsgi_request
    version = ("article", article.pk, article.updated_at, selectors.counts_version(), _today())
    key = page_cache.page_key(version, request)
    assert results.get(key) is not None
    results.set(key, b"not zlib")
    again = client.get(url)
    assert again.status_code == 200 and article.title in again.content.decode()


def _today():
    from django.utils import timezone

    return timezone.localdate()


def test_a_change_elsewhere_in_the_archive_is_a_new_page(seeded, client, django_capture_on_commit_callbacks):
    """Related articles are other records: renaming one shows on the page at once."""
    pages = {a.pk: client.get(a.get_absolute_url()).content.decode() for a in seeded.values()}
    pairs = [
        (a, b)
        for a in seeded.values()
        for b in seeded.values()
        if a != b and b.get_absolute_url() in pages[a.pk]
    ]
    assert pairs, "some seeds are related (same province and meeting kind, or shared officials)"
    article, other = pairs[0]
    with django_capture_on_commit_callbacks(execute=True):
        other.title = "Một bài liên quan đã đổi tên"
        other.save()
    assert "Một bài liên quan đã đổi tên" in client.get(article.get_absolute_url()).content.decode()
