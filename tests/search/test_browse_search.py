"""Search as the browse pages use it (issue #9): one spelling of a province across the APIs, the
record's names searchable, previous/next result, "Mới nhất" and the Atom feed with undated articles."""

import json
import re

import pytest

from archive.models import Article
from tests.conftest import run_ingest

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_province_name_official_and_outlet_typed_into_search_find_their_articles(client, seeded):
    # "Hòa Bình" is the province of seed 003 but not written in its text as such.
    assert ids(client.get("/api/search/", {"q": "Hòa Bình"})) >= {seeded["003"].pk}
    assert ids(client.get("/api/search/", {"q": "hoa binh"})) >= {seeded["003"].pk}
    # The 2025 successor's name finds the articles of the provinces merged into it.
    assert ids(client.get("/api/search/", {"q": "Phú Thọ"})) >= {seeded["003"].pk}
    # An outlet and an official.
    assert ids(client.get("/api/search/", {"q": "Đài Phát thanh và Truyền hình Long An"})) >= {
        seeded["004"].pk
    }
    assert seeded["004"].pk in ids(client.get("/api/search/", {"q": "Nguyễn Thị Ngọc Hạnh"}))


def test_one_spelling_of_a_province_across_the_apis(client, seeded):
    long_an = {seeded["002"].pk, seeded["004"].pk}
    by_name = ids(client.get("/api/search/", {"province": "Long An"}))
    assert by_name == long_an
    assert ids(client.get("/api/search/", {"province": "long-an"})) == long_an
    assert ids(client.get("/api/articles/", {"province": "long-an"})) == long_an
    # A 2025 province means everything merged into it: Tây Ninh (2025) holds both Long An seeds.
    assert ids(client.get("/api/search/", {"province": "tay-ninh-2025"})) == long_an
    assert ids(client.get("/api/search/", {"province": "Tây Ninh (2025)"})) == long_an
    assert ids(client.get("/api/articles/", {"province": "tay-ninh-2025"})) == long_an
    # The old Tây Ninh alone has none of the seeds.
    assert ids(client.get("/api/search/", {"province": "tay-ninh"})) == set()
    assert client.get("/api/articles/", {"province": "khong-co"}).status_code == 400


def test_search_results_carry_the_search_to_the_article_and_on_to_the_next_result(client, seeded):
    page = client.get("/tim-kiem/", {"q": "dân vận", "province": "Long An"}).content.decode()
    links = re.findall(r'class="result-title" href="([^"]+)"', page)
    assert len(links) == 2
    first = links[0].replace("&amp;", "&")
    assert "n=1" in first and "t=2" in first and "province=Long+An" in first
    article_page = client.get(first).content.decode()
    assert "Kết quả 1/2" in article_page
    next_url = (
        re.search(r'href="([^"]+)" rel="next">Kết quả sau', article_page).group(1).replace("&amp;", "&")
    )
    assert next_url.startswith("/tim-kiem/ket-qua/?")
    response = client.get(next_url)
    assert response.status_code == 302
    second = links[1].replace("&amp;", "&").split("?")[0]
    assert response.headers["Location"].startswith(second + "?")
    landed = client.get(response.headers["Location"]).content.decode()
    assert "Kết quả 2/2" in landed and "Kết quả sau" not in landed and "Kết quả trước" in landed
    assert client.get("/tim-kiem/ket-qua/?q=d%C3%A2n+v%E1%BA%ADn&n=99").status_code == 404


@pytest.fixture
def with_undated(seeded, tmp_path):
    path = tmp_path / "undated.jsonl"
    record = {
        "id": "u1",
        "title": "Dân vận khéo ở cơ sở, bài không ghi ngày",
        "text": "Phong trào dân vận khéo.",
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    run_ingest(str(path))
    undated = Article.objects.get(source_file__endswith="#u1")
    assert undated.published_on is None
    return undated


def test_newest_first_never_puts_undated_articles_first(client, with_undated):
    results = client.get("/api/search/", {"q": "dân vận", "sort": "newest"}).json()["results"]
    dates = [r["published"] for r in results]
    assert None in dates
    assert dates[0] is not None
    first_none = dates.index(None)
    assert all(d is None for d in dates[first_none:]), dates
    assert dates[:first_none] == sorted(dates[:first_none], reverse=True)


def test_atom_feed_gives_undated_entries_no_invented_date_and_has_an_author(client, with_undated):
    feed = client.get("/tim-kiem/feed/", {"q": "dân vận"}).content.decode()
    head = feed.split("<entry>")[0]
    assert "<author><name>Dân vận Archive</name>" in head
    entries = feed.split("<entry>")[1:]
    undated = [e for e in entries if with_undated.title in e]
    assert len(undated) == 1
    assert "<published>" not in undated[0]
    # Issue #20: a year inferred from the text is no publication date either.
    from archive.models import Article

    inferred = set(Article.objects.filter(date_precision="year_inferred").values_list("title", flat=True))
    assert inferred
    guessed = [e for e in entries if any(t in e for t in inferred)]
    assert guessed and all("<published>" not in e for e in guessed)
    dated = [e for e in entries if with_undated.title not in e and e not in guessed]
    assert dated and all("<published>" in e for e in dated)


def test_oldest_first_puts_undated_articles_last_too(client, with_undated):
    dates = [
        r["published"]
        for r in client.get("/api/search/", {"q": "dân vận", "sort": "oldest"}).json()["results"]
    ]
    assert dates[0] is not None and dates[-1] is None, dates
