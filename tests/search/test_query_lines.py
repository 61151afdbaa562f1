"""Issue #8: whole query lines as people type them, over articles ingested by the real command.

`tests/data/search/query_lines.jsonl` holds small articles with the shapes of the issue's table: two
topics in one line (Đà Nẵng + ma túy, giáo dục + Hà Nội), a name written with and without hyphens
or dots (Bà Rịa - Vũng Tàu, Kim Jong-un, TP.HCM), "Bộ Công an" beside "cán bộ công chức … công an",
cháy / chạy / chảy, and a long article to paste from.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import pytest

from archive.models import Article
from tests.conftest import ROOT, run_ingest

DATA = ROOT / "tests" / "data" / "search" / "query_lines.jsonl"

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(db, empty_index, provinces) -> dict[str, Article]:
    """The fixture articles, ingested and indexed by the ingest command, by title."""
    run_ingest(str(DATA))
    return {a.title: a for a in Article.objects.all()}


def api(client, **params) -> dict:
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def found(client, q: str) -> list[str]:
    """The word-level matches (what the line means); articles holding the syllables apart are
    listed after them (issue #15) and left out here."""
    return [r["title"] for r in api(client, q=q)["results"] if not r["apart"]]


DA_NANG_MA_TUY = {
    "Triệt phá đường dây ma túy lớn",
    "Đà Nẵng ra quân phòng chống tội phạm",
    "Cai nghiện tại cộng đồng",
}


@pytest.mark.parametrize("q", ["Đà Nẵng ma túy", "da nang ma tuy", "ma túy Đà Nẵng", "Da Nang, ma tuy"])
def test_two_topics_in_one_line(client, lines, q):
    assert set(found(client, q)) == DA_NANG_MA_TUY


def test_two_words_apart_and_adjacent_adjacent_first(client, lines):
    titles = found(client, "giáo dục Hà Nội")
    assert set(titles) == {
        "Sở Giáo dục Hà Nội công bố điểm chuẩn",
        "Hà Nội đầu tư trường học",
        "Đổi mới giáo dục phổ thông",
        "Khai giảng năm học mới",
    }
    assert titles[0] == "Sở Giáo dục Hà Nội công bố điểm chuẩn"  # the words stand together there


BA_RIA = {
    "Bà Rịa - Vũng Tàu phát triển cảng biển",
    "Du lịch biển Bà Rịa-Vũng Tàu",
    "Nông nghiệp công nghệ cao",
}


def test_punctuation_in_a_phrase_breaks_it_as_in_the_index(client, lines):
    assert set(found(client, "Bà Rịa - Vũng Tàu")) == BA_RIA


@pytest.mark.parametrize("q", ['"Bà Rịa - Vũng Tàu"', '"ba ria - vung tau"'])
def test_punctuation_inside_quotes_is_literal(client, lines, q):
    """Issue #15: the dash typed inside the quotes must stand between the words (with or without
    spaces around it), so "Bà Rịa Vũng Tàu" without it is not found."""
    assert set(found(client, q)) == BA_RIA - {"Nông nghiệp công nghệ cao"}


KIM = {"Hội nghị thượng đỉnh", "Triều Tiên phóng tên lửa", "Quan hệ hai nước"}
HCM = {"Kẹt xe ở TP.HCM", "Mưa lớn gây ngập", "Giá nhà tăng"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"Kim Jong-un"', KIM),
        ("Kim Jong-un", KIM),
        ('"Kim Jong Un"', KIM),
        ('"TP.HCM"', HCM),
        ("TP.HCM", HCM),
        ('"TP HCM"', HCM),
    ],
)
def test_hyphen_and_dot_inside_a_word_read_the_same_in_index_and_query(client, lines, q, expected):
    assert set(found(client, q)) == expected


def test_pasted_paragraph_finds_its_article_first(client, lines):
    source = lines["Sơ kết công tác dân vận sáu tháng đầu năm"]
    words = source.text.split(" ")
    start = 5
    pasted = " ".join(words[start : start + 230])  # crosses paragraph breaks and a heading
    assert "lan tỏa\n\nNhiều" in pasted and len(pasted) > 1000
    data = api(client, q=pasted)
    assert data["count"] >= 1
    assert data["results"][0]["id"] == source.pk
    page = client.get("/tim-kiem/", {"q": pasted})
    assert page.status_code == 200
    assert source.get_absolute_url() in page.content.decode()


def test_excluding_a_two_syllable_word(client, lines):
    titles = set(found(client, "Đà Nẵng -Hà Nội"))
    assert "Đà Nẵng và Hà Nội ký kết hợp tác" not in titles
    # "hà" alone (Hà Giang) and "nội" alone (nội dung) do not exclude an article.
    assert {"Đà Nẵng chỉnh trang sông Hàn", "Đà Nẵng đón đoàn công tác Hà Giang"} <= titles
    assert "Du lịch Đà Nẵng hồi phục" in titles


@pytest.mark.parametrize("q", ["Đắk Lắk or Sơn La", "Đắk Lắk OR Sơn La", "dak lak hoặc son la"])
def test_lower_case_or(client, lines, q):
    assert set(found(client, q)) == {"Cà phê Đắk Lắk được mùa", "Sơn La phát triển cây ăn quả"}


@pytest.mark.parametrize("q", ['Đà Nẵng -"Hà Nội"', "Đà Nẵng -ha noi"])
def test_excluding_a_phrase(client, lines, q):
    titles = set(found(client, q))
    assert "Đà Nẵng và Hà Nội ký kết hợp tác" not in titles
    assert "Đà Nẵng đón đoàn công tác Hà Giang" in titles


@pytest.mark.parametrize("q", ["Bộ Công an", "bo cong an", '"Bộ Công an"'])
def test_three_syllables_match_as_a_whole(client, lines, q):
    assert found(client, q) == ["Bộ Công an họp báo"]


def test_unaccented_syllable_common_reading_first_and_others_offered(client, lines):
    data = api(client, q="chay")
    titles = [r["title"] for r in data["results"]]
    assert len(titles) == 5
    # "cháy" is in three articles, "chạy" and "chảy" in one each: the three come first.
    assert set(titles[:3]) == {"Cháy nhà dân trong đêm", "Cháy rừng ở miền Trung", "Phòng cháy chữa cháy"}
    assert [(r["q"], r["count"]) for r in data["readings"]] == [("cháy", 3), ("chạy", 1), ("chảy", 1)]
    page = client.get("/tim-kiem/", {"q": "chay"}).content.decode()
    for reading in ("cháy", "chạy", "chảy"):
        assert f'href="/tim-kiem/?{urlencode({"q": reading})}"' in page


def test_api_gives_the_page_suggestions_when_nothing_is_found(client, lines):
    data = api(client, q="Đà Nẵng Sơn La")
    assert data["count"] == 0
    page = client.get("/tim-kiem/", {"q": "Đà Nẵng Sơn La"}).content.decode()
    assert data["suggestions"]
    for s in data["suggestions"]:
        assert escape(s["label"]) in page


# --- trends (issue #8): per year or month, overall and per province, JSON, CSV and the page's SVG --


def _db_trend(client, q: str, by: str, **filters) -> dict[str, int]:
    """The same counts the slow way: the matching articles' dates read from the database."""
    ids = [r["id"] for r in api(client, q=q, **filters)["results"]]
    out: dict[str, int] = {}
    for a in Article.objects.filter(pk__in=ids, published_on__isnull=False):
        key = f"{a.published_on:%Y}" if by == "year" else f"{a.published_on:%Y-%m}"
        out[key] = out.get(key, 0) + 1
    return out


@pytest.mark.parametrize("by", ["year", "month"])
def test_trend_json_counts_match_the_articles(client, lines, by):
    response = client.get("/api/search/trend/", {"q": "Đà Nẵng", "by": by})
    assert response.status_code == 200
    data = response.json()
    assert data["by"] == by and data["total"] == 7
    series = {p["period"]: p["count"] for p in data["series"]}
    assert {k: v for k, v in series.items() if v} == _db_trend(client, "Đà Nẵng", by)
    periods = [p["period"] for p in data["series"]]
    assert periods == sorted(periods)
    if by == "month":  # months without a match are there, at 0: a time axis, not a list
        assert periods[0] == "2023-03" and periods[-1] == "2024-09" and len(periods) == 19
        assert series["2023-04"] == 0


def test_trend_per_province_and_csv(client, lines):
    assert lines["Sơn La phát triển cây ăn quả"].province.name == "Sơn La"
    q = "Đắk Lắk or Sơn La"
    overall = client.get("/api/search/trend/", {"q": q, "by": "year"}).json()
    assert [(p["period"], p["count"]) for p in overall["series"]] == [("2023", 1), ("2024", 1)]
    data = client.get("/api/search/trend/", {"q": q, "province": "Sơn La"}).json()
    assert data["total"] == 1
    assert {p["period"]: p["count"] for p in data["series"] if p["count"]} == _db_trend(
        client, q, "year", province="Sơn La"
    )
    assert data["series"] == [{"period": "2024", "count": 1}]
    response = client.get("/api/search/trend/", {"q": q, "by": "year", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().splitlines()
    assert rows[0] == "year,count"
    assert rows[1:] == [f"{p['period']},{p['count']}" for p in overall["series"]]


@pytest.mark.parametrize(
    ("params", "field"), [({"by": "week"}, "by"), ({"format": "xml"}, "format"), ({"bogus": "1"}, "bogus")]
)
def test_trend_rejects_bad_parameters_by_name(client, lines, params, field):
    response = client.get("/api/search/trend/", {"q": "Đà Nẵng", **params})
    assert response.status_code == 400
    assert field in response.json()["error"]


def test_search_page_draws_the_trend_as_svg(client, lines):
    page = client.get("/tim-kiem/", {"q": "Đà Nẵng"}).content.decode()
    assert "<svg" in page and page.count('class="trend-bar"') >= 2
    assert "/api/search/trend/?" in page and "format=csv" in page


@pytest.mark.parametrize("q", ["hội nghị giao ban dân vận", "hoi nghi giao ban dan van"])
def test_a_long_word_no_article_holds_whole_is_searched_as_two(client, lines, q):
    """`giao ban dân vận` reads as one word ("ban dân" is a common pair, from "Ban Dân vận"); no
    article holds it whole, so the search takes it as `giao ban` + `dân vận` instead of finding
    nothing."""
    assert found(client, q) == ["Giao ban công tác dân vận quý III"]
    page = client.get("/tim-kiem/", {"q": q}).content.decode()
    assert lines["Giao ban công tác dân vận quý III"].get_absolute_url() in page
    # Quoted, the phrase is what was asked for: no article holds it.
    assert found(client, '"giao ban dân vận"') == []
