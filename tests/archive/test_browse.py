"""Browse pages (issue #9): provinces in both eras, years and calendar, articles, officials, meetings."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import selectors
from archive.models import Article, Official, Province
from tests.archive.browse_fixtures import ingest_corpus_like

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def one_h1(text: str) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    assert len(found) == 1, found
    return re.sub(r"<[^>]+>", "", found[0]).strip()


def title(text: str) -> str:
    return re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()


@pytest.fixture
def browse(seeded, tmp_path):
    """The seeds plus 21 corpus-like articles (3 undated) in Long An, Tây Ninh and Hòa Bình."""
    ingest_corpus_like(tmp_path, 21)
    cache.clear()
    return seeded


# --- provinces ---------------------------------------------------------------------------------


def test_province_list_shows_both_eras_with_successors_and_predecessors(client, browse):
    text = html(client.get("/tinh/"))
    assert one_h1(text) == "Tỉnh/thành"
    assert title(text).startswith("Tỉnh/thành")
    # 63 before the merger (with their region), 34 after, each listed once.
    assert text.count('href="/tinh/long-an/"') == 2  # in its region, and under Tây Ninh (2025)
    assert len(re.findall(r'href="/tinh/[a-z-]+-2025/"', text)) >= 34
    assert "Đồng bằng sông Cửu Long" in text
    long_an = re.search(r'<li><a href="/tinh/long-an/">Long An</a>.*?</li>', text, re.S).group(0)
    assert "nay thuộc" in long_an and "/tinh/tay-ninh-2025/" in long_an
    tay_ninh = re.search(r'<li><a href="/tinh/tay-ninh-2025/">Tây Ninh</a>.*?</li>', text, re.S).group(0)
    assert "gồm" in tay_ninh and "/tinh/long-an/" in tay_ninh and "/tinh/tay-ninh/" in tay_ninh


def test_legacy_province_page(client, browse):
    long_an = Province.objects.get(slug="long-an", era="legacy")
    total = Article.objects.filter(province=long_an).count()
    assert total == 2 + 7
    text = html(client.get("/tinh/long-an/"))
    assert one_h1(text).startswith("Tỉnh Long An")
    assert "trước 1/7/2025" in title(text)
    assert f"{total} bài viết" in text
    assert 'href="/tinh/tay-ninh-2025/"' in text  # its successor
    assert "<svg" in text and 'class="bar"' in text  # the per-year chart, drawn on the server
    # Officials with their positions over time, meetings by kind and period, outlets, search link.
    assert "Trần Thị Mai" in text and "Trưởng Ban Dân vận Tỉnh ủy Long An" in text
    assert "Nguyễn Thị Ngọc Hạnh" in text
    assert "Giao ban" in text and "6 tháng đầu năm 2019" in text
    assert "Báo Long An" in text and "Đài Phát thanh và Truyền hình Long An" in text
    assert 'href="/tim-kiem/?province=long-an"' in text
    # Undated articles come last, never first.
    items = re.findall(r'class="result-title" href="/bai-viet/(\d+)/"', text)
    dated = {a.pk: a.published_on for a in Article.objects.filter(province=long_an)}
    seen_undated = False
    for pk in items:
        if dated[int(pk)] is None:
            seen_undated = True
        else:
            assert not seen_undated, "a dated article after an undated one"


def test_2025_province_page_gathers_its_predecessors_articles(client, browse):
    tay_ninh = Province.objects.get(slug="tay-ninh", era="2025")
    members = Article.objects.filter(province__successor=tay_ninh)
    assert set(members.values_list("province__name", flat=True)) == {"Long An", "Tây Ninh"}
    text = html(client.get("/tinh/tay-ninh-2025/"))
    assert one_h1(text).startswith("Tỉnh Tây Ninh")
    assert "từ 1/7/2025" in title(text)
    assert f"{members.count()} bài viết" in text
    # Every article is marked with the name its province had.
    assert text.count("tỉnh Long An (tên khi đăng)") == members.filter(province__name="Long An").count()
    assert text.count("tỉnh Tây Ninh (tên khi đăng)") == members.filter(province__name="Tây Ninh").count()
    for seed in ("002", "004"):  # the two Long An seeds
        assert f'href="{browse[seed].get_absolute_url()}"' in text
    assert 'href="/tim-kiem/?province=tay-ninh-2025"' in text
    assert "Nguyễn Văn Hùng" in text and "Trần Thị Mai" in text


def test_province_page_paginates_and_the_pages_keep_the_order(client, seeded, tmp_path):
    ingest_corpus_like(tmp_path, 66)
    cache.clear()
    first = html(client.get("/tinh/tay-ninh-2025/"))
    assert 'href="/tinh/tay-ninh-2025/?page=2"' in first
    second = html(client.get("/tinh/tay-ninh-2025/?page=2"))
    ids_1 = re.findall(r'class="result-title" href="/bai-viet/(\d+)/"', first)
    ids_2 = re.findall(r'class="result-title" href="/bai-viet/(\d+)/"', second)
    assert len(ids_1) == 20 and ids_2 and not set(ids_1) & set(ids_2)
    assert client.get("/tinh/tay-ninh-2025/?page=99").status_code == 404
    assert client.get("/tinh/khong-co/").status_code == 404


# --- years and the calendar --------------------------------------------------------------------


def test_year_month_and_day(client, browse):
    text = html(client.get("/nam/"))
    assert one_h1(text) == "Các năm"
    assert 'href="/nam/2024/"' in text
    text = html(client.get("/nam/2024/"))
    assert one_h1(text) == "Năm 2024"
    n_2024 = Article.objects.filter(published_on__year=2024).count()
    assert f"{n_2024} bài viết" in text
    # The Hòa Bình seed (11/4, year inferred from the text) is listed in its year, said to be inferred,
    # and never shown as a date (issue #20): not on the month's calendar, not on the day's page.
    assert "năm suy ra" in text and browse["003"].title in text
    assert "11/04/2024" not in text and 'datetime="2024-04-11"' not in text
    assert 'href="/nam/2024/4/"' in text
    text = html(client.get("/nam/2024/4/"))
    assert one_h1(text) == "Tháng 4/2024"
    assert "<table" in text and 'href="/nam/2024/4/11/"' not in text
    assert 'href="/nam/2024/"' in text and "năm suy ra từ nội dung" in text
    text = html(client.get("/nam/2024/4/11/"))
    assert one_h1(text) == "Ngày 11/04/2024"
    assert browse["003"].title not in text
    assert client.get("/nam/2024/2/30/").status_code == 404
    assert client.get("/nam/2024/13/").status_code == 404


# --- article -----------------------------------------------------------------------------------


def test_article_page_links_every_value_and_hides_the_file_name(client, browse, django_user_model):
    article = browse["004"]  # Long An, outlet, official who chaired a "giao ban"
    text = html(client.get(article.get_absolute_url()))
    assert one_h1(text) == article.title
    assert 'href="/tinh/long-an/"' in text and 'href="/tinh/tay-ninh-2025/"' in text
    assert 'href="/tim-kiem/?outlet=' in text
    official = Official.objects.get(name="Nguyễn Thị Ngọc Hạnh")
    assert f'href="{official.get_absolute_url()}"' in text
    assert "/hoi-nghi/?loai=giao_ban&amp;ky=6%20th%C3%A1ng%20%C4%91%E1%BA%A7u%20n%C4%83m%202019" in text
    assert "chủ trì:" in text
    assert 'href="/nam/2019/"' in text and 'href="/nam/2019/6/27/"' in text
    assert "ngày ghi trên bài" in text  # the date's precision
    assert article.source_file not in text  # internal file names stay private
    assert "sửa trong trang quản trị" not in text
    assert "Bài liên quan" in text

    staff = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    text = html(client.get(article.get_absolute_url()))
    assert article.source_file in text
    assert f'href="/admin/archive/article/{article.pk}/change/"' in text


def test_inferred_date_is_said_on_the_article(client, browse):
    text = html(client.get(browse["003"].get_absolute_url()))
    assert "năm suy ra từ nội dung" in text
    # Issue #20: day and month as printed, the year apart, no link to a day and no machine date.
    assert "ngày 11/04" in text and 'href="/nam/2024/"' in text
    assert 'href="/nam/2024/4/11/"' not in text and 'datetime="2024-04-11"' not in text


def test_latest_never_shows_an_inferred_year(client, browse):
    latest = [a.pk for a in selectors.latest_dated(limit=50)]
    inferred = Article.objects.filter(date_precision="year_inferred")
    assert inferred.exists() and not set(latest) & set(inferred.values_list("pk", flat=True))
    assert latest and all(Article.objects.get(pk=pk).date_precision == "day" for pk in latest)
    text = html(client.get("/"))
    home_latest = text.split('id="latest"', 1)[1]
    assert not any(a.title in home_latest for a in inferred)


# --- officials ---------------------------------------------------------------------------------


def test_official_page_has_a_career_timeline_with_evidence(client, browse):
    official = Official.objects.get(name="Trần Thị Mai")
    mentions = official.mentions.select_related("article")
    text = html(client.get(official.get_absolute_url()))
    assert one_h1(text) == "Trần Thị Mai"
    assert f"Nhắc đến trong {mentions.count()} bài" in text
    assert "Trưởng Ban Dân vận Tỉnh ủy Long An" in text
    dates = sorted(m.article.published_on for m in mentions if m.article.published_on)
    assert dates[0].strftime("%d/%m/%Y") in text and dates[-1].strftime("%d/%m/%Y") in text
    assert 'href="/tinh/long-an/"' in text
    assert text.count('class="evidence"') >= 1
    # /can-bo/<id>/ and a wrong slug redirect to the clean URL.
    assert client.get(f"/can-bo/{official.pk}/").headers["Location"] == official.get_absolute_url()
    assert client.get(f"/can-bo/{official.pk}-sai/").headers["Location"] == official.get_absolute_url()


def test_two_spellings_of_one_official_are_one_page(client, seeded, tmp_path):
    import json
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Bùi Tiến Lực")
    lines = [
        {"id": "sp-1", "title": "Hội nghị dân vận tỉnh Hòa Bình", "published": "2023-05-02",
         "text": f"Ngày 2/5/2023, đồng chí {nfd}, Trưởng Ban Dân vận Tỉnh ủy Hòa Bình chủ trì hội nghị."},
    ]  # fmt: skip
    path = tmp_path / "spellings.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", encoding="utf-8")
    from tests.conftest import run_ingest

    run_ingest(str(path))
    officials = Official.objects.filter(key="bui tien luc")
    assert officials.count() == 1
    text = html(client.get(officials.get().get_absolute_url()))
    assert "Nhắc đến trong 2 bài" in text


def test_official_list_filters_by_province(client, browse):
    text = html(client.get("/can-bo/?tinh=long-an"))
    assert "Trần Thị Mai" in text and "Nguyễn Văn Hùng" not in text
    text = html(client.get("/can-bo/?tinh=tay-ninh-2025"))
    assert "Trần Thị Mai" in text and "Nguyễn Văn Hùng" in text and "Bùi Văn Cửu" not in text
    assert client.get("/can-bo/?tinh=khong-co").status_code == 404


# --- meetings ----------------------------------------------------------------------------------


def test_meetings_by_kind_and_period_filterable_by_province(client, browse):
    text = html(client.get("/hoi-nghi/"))
    assert one_h1(text) == "Hội nghị, sự kiện"
    assert "Giao ban 6 tháng đầu năm 2019" in text and "Tổng kết năm 2018" in text
    text = html(client.get("/hoi-nghi/?tinh=hoa-binh"))
    assert "quý I/2024" in text and "6 tháng đầu năm 2019" not in text
    text = html(client.get("/hoi-nghi/?loai=giao_ban&ky=quý I/2024"))
    assert browse["003"].title in text and "Bùi Tiến Lực" in text
    assert client.get("/hoi-nghi/?loai=khong").status_code == 404


# --- home --------------------------------------------------------------------------------------


def test_home_totals_latest_years_and_both_eras(client, browse):
    text = html(client.get("/"))
    assert one_h1(text) == "Lưu trữ tin dân vận"
    assert title(text) == "Dân vận Archive"
    assert f"<dd>{Article.objects.count()}</dd>" in text
    latest = re.search(r'aria-labelledby="latest">(.*?)</section>', text, re.S).group(1)
    assert "không rõ ngày" not in latest  # "Mới nhất" lists dated articles only
    newest = Article.objects.exclude(published_on=None).order_by("-published_on", "-id").first()
    assert re.findall(r'href="(/bai-viet/\d+/)"', latest)[0] == newest.get_absolute_url()
    assert text.count('class="label">') >= 63  # 63 province tiles (+ years)
    assert 'href="/tinh/long-an/"' in text
    text_2025 = html(client.get("/?ky=2025"))
    assert 'href="/tinh/tay-ninh-2025/"' in text_2025 and 'href="/tinh/long-an/"' not in text_2025
    assert text_2025.count("<circle") == 34 and text.count("<circle") == 63


# --- 404 / 500 ---------------------------------------------------------------------------------


def test_own_404_and_500_pages(client, db, rf):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    assert "tried" not in response.content.decode()
    from archive.views import server_error

    response = server_error(rf.get("/tinh/"))
    assert response.status_code == 500 and "Lỗi máy chủ" in response.content.decode()
    assert server_error(rf.get("/api/provinces/"))["Content-Type"].startswith("application/json")


# --- cached counts -----------------------------------------------------------------------------


def test_counts_are_cached_and_forgotten_when_articles_change(
    client, browse, django_capture_on_commit_callbacks, tmp_path
):
    def tile(name: str) -> str:
        text = html(client.get("/"))
        return re.search(rf'<span class="label">{name}</span> <span class="count">(\d+)</span>', text).group(
            1
        )

    before = selectors.province_table()
    long_an = next(r for r in before["legacy"] if r["ref"] == "long-an")
    assert tile("Long An") == str(long_an["count"])  # the home page's cached fragment
    with CaptureQueriesContext(connection) as queries:
        assert selectors.province_table() == before
    assert len(queries) == 0  # served from the cache
    article = browse["002"]
    with django_capture_on_commit_callbacks(execute=True):
        article.province = Province.objects.get(slug="hoa-binh", era="legacy")
        article.save()
    after = selectors.province_table()
    assert next(r for r in after["legacy"] if r["ref"] == "long-an")["count"] == long_an["count"] - 1
    assert tile("Long An") == str(long_an["count"] - 1)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_corpus_like(tmp_path, 3, start=100, name="later.jsonl")
    assert selectors.site_totals()["articles"] == Article.objects.count()


# --- no N+1 ------------------------------------------------------------------------------------

# Queries per page, cold (nothing cached) and warm (counts cached). The cold figures are the same
# at 21 and at 63 extra articles: no query per article, official or province.
PAGES = {
    "/": (8, 0),
    "/?ky=2025": (8, 0),
    "/tinh/": (3, 0),
    "/tinh/long-an/": (10, 2),
    "/tinh/tay-ninh-2025/": (12, 2),
    "/nam/": (5, 0),
    "/nam/2024/": (4, 1),
    "/nam/2024/4/": (1, 0),
    "/nam/2024/4/12/": (1, 1),
    "/can-bo/": (4, 1),
    "/hoi-nghi/": (3, 0),
    "/api/provinces/": (2, 0),
    "/api/officials/": (2, 1),
    "/api/articles/?province=tay-ninh-2025": (7, 6),  # the count cached; the page: ids, then rows
}


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("extra", [21, 63])
def test_pages_take_a_fixed_number_of_queries(client, seeded, tmp_path, extra):
    ingest_corpus_like(tmp_path, extra)
    article = Article.objects.filter(source_file__contains="browse").order_by("pk").first()
    official = Official.objects.get(name="Trần Thị Mai")
    pages = {
        **PAGES,
        # related articles: one small query per source (officials, province), then the cards;
        # + the captured page's date and state (issue #17); + the article's time stamp, the key of
        # the whole page in the shared cache, which answers the repeat alone (issue #21)
        article.get_absolute_url(): (8, 1),
        official.get_absolute_url(): (3, 1),
        f"/api/officials/{official.pk}/": (3, 1),
        f"/api/articles/{article.pk}/": (3, 3),
    }
    for url, (cold, warm) in pages.items():
        cache.clear()
        assert (_count(client, url), _count(client, url)) == (cold, warm), url


# --- English -----------------------------------------------------------------------------------


def test_the_header_switches_the_pages_to_english_and_back(client, browse):
    text = html(client.get("/tinh/tay-ninh-2025/"))
    assert '<html lang="vi">' in text and 'name="language" value="en"' in text
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tinh/tay-ninh-2025/"})
    assert response.status_code == 302 and response.headers["Location"] == "/tinh/tay-ninh-2025/"
    text = html(client.get("/tinh/tay-ninh-2025/"))
    assert '<html lang="en">' in text
    assert "from 1 July 2025" in title(text)
    assert (
        "Merged from:" in text
        and "Articles by year" in text
        and "Long An province (its name when published)" in text
    )
    assert one_h1(html(client.get("/"))) == "Archive of mass-mobilisation news"
    assert one_h1(html(client.get("/nam/2024/4/"))) == "April 2024"
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert one_h1(html(client.get("/"))) == "Lưu trữ tin dân vận"


def test_pagination_keeps_the_filters(rf):
    from django.core.paginator import Paginator

    from archive.views import _page_links

    request = rf.get("/can-bo/", {"tinh": "tay-ninh-2025", "page": "3"})
    links = _page_links(request, Paginator(range(500), 50).page(3))
    assert links["previous_url"] == "/can-bo/?tinh=tay-ninh-2025&page=2"
    assert links["next_url"] == "/can-bo/?tinh=tay-ninh-2025&page=4"
    numbers = [n["number"] for n in links["numbers"]]
    assert numbers == [1, 2, 3, 4, 5, None, 10]
    assert all("tinh=tay-ninh-2025" in n["url"] for n in links["numbers"] if n["number"])


# --- JSON API ----------------------------------------------------------------------------------


def test_api_provinces_both_eras_with_counts_successors_and_predecessors(client, browse):
    data = client.get("/api/provinces/").json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 97 and len(data["results"]) == 97
    by_slug = {r["slug"]: r for r in data["results"]}
    long_an = by_slug["long-an"]
    assert long_an["era"] == "legacy" and long_an["successor_2025"] == "tay-ninh-2025"
    assert long_an["article_count"] == Article.objects.filter(province__slug="long-an").count()
    tay_ninh = by_slug["tay-ninh-2025"]
    assert tay_ninh["era"] == "2025" and sorted(tay_ninh["predecessors"]) == ["long-an", "tay-ninh"]
    assert tay_ninh["article_count"] == long_an["article_count"] + by_slug["tay-ninh"]["article_count"]
    assert tay_ninh["url"].endswith("/tinh/tay-ninh-2025/")
    assert client.get("/api/provinces/", {"era": "2025"}).json()["count"] == 34
    assert client.get("/api/provinces/", {"era": "legacy"}).json()["count"] == 63
    assert client.get("/api/provinces/", {"era": "x"}).status_code == 400
    assert client.get("/api/provinces/", {"x": "1"}).status_code == 400


def test_api_officials_list_and_detail_with_the_timeline(client, browse):
    data = client.get("/api/officials/").json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == Official.objects.count()
    counts = [r["article_count"] for r in data["results"]]
    assert counts == sorted(counts, reverse=True)
    mai = Official.objects.get(name="Trần Thị Mai")
    only = client.get("/api/officials/", {"province": "long-an"}).json()["results"]
    assert mai.pk in {r["id"] for r in only} and all(r["name"] != "Nguyễn Văn Hùng" for r in only)
    detail = client.get(f"/api/officials/{mai.pk}/").json()
    assert detail["name"] == "Trần Thị Mai" and detail["article_count"] == mai.mentions.count()
    row = detail["timeline"][0]
    # Issue #20: one row per canonical post, the province's own name off its end, the spellings kept.
    assert row["province"] == "long-an" and row["position"] == "Trưởng Ban Dân vận Tỉnh ủy"
    written = {w for r in detail["timeline"] for w in r["written"]}
    assert any(w.endswith("Trưởng Ban Dân vận Tỉnh ủy Long An") for w in written)
    assert row["first_seen"] <= row["last_seen"] and row["articles"]
    assert client.get("/api/officials/999999/").status_code == 404
    assert client.get("/api/officials/", {"province": "khong-co"}).status_code == 400
    assert client.get("/api/officials/", {"page": "99"}).status_code == 404


def test_vietnamese_by_default_whatever_the_browser_asks(client, db):
    text = html(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert '<html lang="vi">' in text and one_h1(text) == "Lưu trữ tin dân vận"
