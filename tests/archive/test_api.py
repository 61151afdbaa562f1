import pytest

from archive.models import Article

pytestmark = pytest.mark.django_db

# The acceptance table of issue #2, read back through the API.
SEED_TABLE = {
    "000_7743e18099e4586d.txt": {
        "title": "Ban Dân vận Tỉnh ủy triển khai nhiệm vụ 6 tháng cuối năm",
        "published": "2020-07-09",
        "published_time": None,
        "province": None,
        "officials": ["Nguyễn Công Thắng"],
        "authors": ["Thu Hằng", "Phạm Tiến"],
        "needs_review": True,
    },
    "001_ff7892b20fc17d3f.txt": {
        "title": "Tổng kết công tác dân vận năm 2018",
        "published": "2018-12-25",
        "published_time": None,
        "province": "Lạng Sơn",
        "officials": ["Hoàng Văn Nghiệm"],
        "authors": ["Phương Dung"],
        "needs_review": True,  # issue 10: "Chiều nay (25/12)" — the year is inferred, and flagged
    },
    "002_348b0b9081af8c71.txt": {
        "title": "Phong trào thi đua “Dân vận khéo” phải cụ thể, có trọng tâm, trọng điểm",
        "published": "2024-02-13",
        "published_time": "17:38",
        "province": "Long An",
        "officials": ["Phạm Văn Bốn"],
        "authors": ["Thanh Thủy", "Vĩnh Hưng"],
    },
    "003_41f4bdbdfcdba0a7.txt": {
        "title": "Triển khai nhiệm vụ công tác dân vận quý II/ 2024",
        "published": "2024-04-11",
        "published_time": None,
        "province": "Hòa Bình",
        "officials": ["Bùi Tiến Lực"],
        "authors": [],
        "needs_review": True,  # issue 10: "Ngày 11/4" — the year is inferred, and flagged
    },
    "004_7e6dbdb05537f7bd.txt": {
        "title": "Hội nghị giao ban công tác Dân vận 6 tháng đầu năm 2019",
        "published": "2019-06-27",
        "published_time": "15:04",
        "province": "Long An",
        "officials": ["Nguyễn Thị Ngọc Hạnh"],
        "authors": ["Thanh Thủy", "Võ Huy"],
    },
}


@pytest.mark.parametrize("source_file", sorted(SEED_TABLE))
def test_seed_table_holds_through_the_api(client, seeded, source_file):
    expected = SEED_TABLE[source_file]
    article = Article.objects.get(source_file=source_file)
    data = client.get(f"/api/articles/{article.pk}/").json()
    assert data["title"] == expected["title"]
    assert data["published"] == expected["published"]
    assert data["published_time"] == expected["published_time"]
    assert (data["province"] or {}).get("name") == expected["province"]
    assert [o["name"] for o in data["officials"]][:1] == expected["officials"]
    assert all(o["position"] for o in data["officials"])
    assert data["authors"] == expected["authors"]
    assert "source_file" not in data  # staff only (issue #16, finding 6)
    assert data["needs_review"] == expected.get("needs_review", False)
    assert data["url"].endswith(f"/bai-viet/{article.pk}/")
    assert "Gửi bình luận" not in data["text"] and "captcha" not in data["text"]


def test_article_detail_shape(client, seeded):
    article = Article.objects.get(source_file="003_41f4bdbdfcdba0a7.txt")
    data = client.get(f"/api/articles/{article.pk}/").json()
    assert set(data) >= {
        "id",
        "url",
        "title",
        "published",
        "published_time",
        "province",
        "outlet",
        "authors",
        "officials",
        "events",
        "needs_review",
        "text",
    }
    assert data["province"] == {
        "name": "Hòa Bình",
        "slug": "hoa-binh",
        "successor_2025": "Phú Thọ",
        "successor_2025_slug": "phu-tho-2025",
    }
    assert data["officials"][0]["position"].startswith("Ủy viên Ban Thường vụ")
    event = data["events"][0]
    assert event["kind"] == "giao_ban"
    assert event["held_on"] == "2024-04-11"
    assert "Kim Bôi" in event["location"]
    # The lead paragraph appears twice in the file and once in the article.
    assert data["text"].count("Ngày 11/4, tại huyện Kim Bôi") == 1


def test_anonymous_article_fields_are_exactly_the_public_allow_list(client, seeded):
    from archive.serializers import ARTICLE_PUBLIC, ARTICLE_SUMMARY

    article = seeded["000"]  # flagged for review: it has review reasons to leak
    assert article.review_reasons
    data = client.get(f"/api/articles/{article.pk}/").json()
    assert list(data) == list(ARTICLE_PUBLIC)
    assert "source_file" not in data and "review_reasons" not in data
    assert article.source_file not in str(data)
    listed = client.get("/api/articles/").json()["results"]
    assert all(list(row) == list(ARTICLE_SUMMARY) for row in listed)


def test_a_staff_session_also_gets_the_staff_fields(editor_client, seeded):
    article = seeded["000"]
    data = editor_client.get(f"/api/articles/{article.pk}/").json()
    assert data["source_file"] == article.source_file
    assert data["review_reasons"] == list(article.review_reasons)


def test_list_filters_by_province_and_year(client, seeded):
    data = client.get("/api/articles/?province=long-an").json()
    assert data["count"] == 2
    assert [r["published"] for r in data["results"]] == ["2024-02-13", "2019-06-27"]
    assert client.get("/api/articles/?province=long-an&year=2019").json()["count"] == 1
    assert client.get("/api/articles/?year=2024").json()["count"] == 2
    everything = client.get("/api/articles/").json()
    assert everything["count"] == 5 and everything["next"] is None and everything["previous"] is None


def test_list_paginates_with_links_and_page_size(client, seeded):
    first = client.get("/api/articles/?page_size=2").json()
    assert first["count"] == 5 and len(first["results"]) == 2
    assert first["next"].endswith("page_size=2&page=2") and first["previous"] is None
    last = client.get("/api/articles/?page_size=2&page=3").json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert last["previous"].endswith("page=2")
    assert len(client.get("/api/articles/?page_size=100").json()["results"]) == 5
    assert len(client.get("/api/officials/?page_size=1").json()["results"]) == 1
    assert len(client.get("/api/search/?q=d%C3%A2n+v%E1%BA%ADn&page_size=1").json()["results"]) == 1


@pytest.mark.parametrize(
    ("query", "status", "reason"),
    [
        ("?year=20x4", 400, "year"),
        ("?year=99999", 400, "year"),
        ("?province=atlantis", 400, "province"),
        ("?page=0", 400, "page"),
        ("?page=abc", 400, "page"),
        ("?page=99", 404, "out of range"),
        ("?colour=red", 400, "unknown parameter"),
        ("?page_size=0", 400, "page_size"),
        ("?page_size=101", 400, "page_size: expected a whole number from 1 to 100"),
        ("?page_size=x", 400, "page_size"),
    ],
)
def test_list_rejects_bad_parameters_with_json(client, seeded, query, status, reason):
    response = client.get(f"/api/articles/{query}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert reason in response.json()["error"]


def test_unknown_article_is_json_404(client, db):
    response = client.get("/api/articles/999999/")
    assert response.status_code == 404
    assert response.json()["error"] == "no article with id 999999"


def test_api_is_read_only(client, seeded):
    assert client.post("/api/articles/").status_code == 405


def test_any_unknown_api_path_is_json_404(client, db):
    for path in ("/api/articles/abc/", "/api/nothing/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"] == f"no such resource: {path}"
    page = client.get("/khong-co/")
    assert page.status_code == 404 and "Không tìm thấy trang" in page.content.decode()
