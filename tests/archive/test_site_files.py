"""robots.txt, the favicon, the sitemap and the API index answer (issue #19, item 7: all four were 404)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_favicon_ico_leads_to_the_icon_the_pages_declare(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")  # served by collectstatic's folder
    assert "<svg" in open(finders.find("img/favicon.svg"), encoding="utf-8").read()
    assert 'rel="icon"' in client.get("/").content.decode()


def test_the_sitemap_lists_every_article_province_and_official(client, seeded):
    from archive.models import Article, Official, Province

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = re.findall(r"<loc>http://testserver(/sitemap-\w+\.xml)</loc>", index.content.decode())
    assert sorted(sections) == [f"/sitemap-{s}.xml" for s in ("articles", "officials", "pages", "provinces")]
    urls = set()
    for section in sections:
        response = client.get(section)
        assert response.status_code == 200
        urls |= set(re.findall(r"<loc>http://testserver([^<]+)</loc>", response.content.decode()))
    expected = {a.get_absolute_url() for a in Article.objects.all()}
    expected |= {p.get_absolute_url() for p in Province.objects.all()}
    expected |= {o.get_absolute_url() for o in Official.objects.all()}
    assert expected <= urls
    for url in sorted(urls)[:40]:  # the pages it lists answer
        assert client.get(url).status_code == 200, url


def test_the_api_index_lists_endpoints_that_answer(client, seeded):
    response = client.get("/api/")
    assert response.status_code == 200
    endpoints = response.json()["endpoints"]
    assert {"articles", "article", "provinces", "officials", "search", "trend"} <= set(endpoints)
    for name in ("articles", "provinces", "officials"):
        assert client.get(endpoints[name]["url"]).status_code == 200, name
    assert client.post("/api/").status_code == 405
