"""Dân vận relevance (issue #17, docs/relevance.md): a score with its evidence at extraction, the flag
stored and protected from re-ingest once an editor sets it, the browse pages' switch, the search
facet and filter, the review queue's order, the API and exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.extract import extract_html, relevance
from archive.models import Article, ReviewQueueArticle
from archive.rule_labels import rule_label
from tests.archive._admin_support import browser_form_data
from tests.conftest import SEEDS, run_ingest

OFF_TOPIC = Path(__file__).resolve().parent.parent / "data" / "relevance"
OFF_TOPIC_TITLES = {
    "Kết quả xổ số kiến thiết Long An ngày 13/2/2024",
    "Câu lạc bộ Long An thắng 2-1 trên sân nhà",
    "Mưa lớn làm ngập nhiều tuyến đường ở Tân An",
}


def vi_label(code: str) -> str:
    """A stored rule as the Vietnamese admin shows it."""
    from django.utils import translation

    with translation.override("vi"):
        return rule_label(code)


@pytest.fixture
def mixed(seeded):
    """The five seeds (dân vận news) and three off-topic articles from Long An, dated 13/2/2024 (as seed 002)."""
    run_ingest(str(OFF_TOPIC))
    off = {a.title: a for a in Article.objects.filter(title__in=OFF_TOPIC_TITLES)}
    assert set(off) == OFF_TOPIC_TITLES
    return {"seeds": seeded, "off": off}


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- the score and its evidence --------------------------------------------------------------------


def test_the_five_seeds_are_dan_van_with_their_evidence_in_vietnamese(mixed):
    for article in mixed["seeds"].values():
        article.refresh_from_db()
        assert article.dan_van, article.title
        assert article.relevance >= relevance.THRESHOLD
        rows = article.evidence["relevance"]
        assert vi_label(rows[0]["rule"]).startswith(
            f"tổng điểm {article.relevance} (ngưỡng {relevance.THRESHOLD})"
        )
        assert vi_label(rows[0]["rule"]).endswith("bài dân vận")
        assert sum(r["points"] for r in rows[1:]) == article.relevance
        # every signal names its words and where they stand
        assert all(r["words"] and r["line"] for r in rows[1:])
    kheo = mixed["seeds"]["002"]
    assert any(
        vi_label(r["rule"]).startswith("phong trào “Dân vận khéo” (tiêu đề")
        for r in kheo.evidence["relevance"]
    )


def test_clearly_off_topic_articles_are_not_dan_van(mixed):
    for article in mixed["off"].values():
        assert not article.dan_van, article.title
        assert article.relevance < relevance.THRESHOLD
        assert vi_label(article.evidence["relevance"][0]["rule"]).endswith("không phải bài dân vận")
    # "giúp người dân vận chuyển đồ đạc" is no "dân vận", and the MTTQ named in a person's post is
    # one point, not the front acting in the story.
    flood = mixed["off"]["Mưa lớn làm ngập nhiều tuyến đường ở Tân An"]
    assert flood.relevance == relevance.POST_POINTS
    assert "trong chức danh" in vi_label(flood.evidence["relevance"][1]["rule"])


def test_the_section_and_the_address_the_page_was_published_under_count():
    html = """<html><head><title>x</title>
    <meta property="article:section" content="Dân vận">
    <link rel="canonical" href="https://baolongan.vn/dan-van/hoi-nghi-abc.html"></head>
    <body><article><h1>Hội nghị sơ kết quý I</h1>
    <p>Sáng 12/3/2024, tại thành phố Tân An, các đại biểu dự hội nghị sơ kết công việc quý I.</p>
    <p>Hội nghị đánh giá kết quả và đề ra nhiệm vụ quý II.</p></article></body></html>"""
    item = extract_html(html, source_name="https://baolongan.vn/dan-van/hoi-nghi-abc.html")
    rules = [vi_label(r["rule"]) for r in item.evidence["relevance"]]
    assert f"chuyên mục của trang +{relevance.SECTION_POINTS}" in rules
    assert not any(r.startswith("đường dẫn bài") for r in rules)  # one section, counted once
    plain = relevance.score(title="Hội nghị sơ kết quý I", text="Các đại biểu dự hội nghị.")
    assert item.relevance == plain.score + relevance.SECTION_POINTS
    by_path = relevance.score(title="x", text="y", url="https://example.vn/chuyen-muc/dan-van/bai-1.html")
    assert vi_label(by_path.signals[0]["rule"]) == f"đường dẫn bài +{relevance.SECTION_POINTS}"


def test_title_weighs_more_than_a_passing_mention():
    in_title = relevance.score(title="Ban Dân vận Tỉnh ủy giao ban quý I", text="Nội dung hội nghị.")
    in_passing = relevance.score(
        title="Khánh thành cây cầu mới",
        text="Dự lễ có bà Nguyễn Thị A, Trưởng Ban Dân vận Tỉnh ủy, cùng lãnh đạo tỉnh.",
    )
    assert in_title.dan_van and not in_passing.dan_van
    assert in_passing.score == relevance.POST_POINTS


# --- pages: dân vận by default, a switch kept in the URL ---------------------------------------------


def titles_on(text: str) -> set[str]:
    return {t for t in OFF_TOPIC_TITLES if t in text}


@pytest.mark.parametrize(
    "url", ["/", "/tinh/", "/tinh/long-an/", "/nam/", "/nam/2024/", "/nam/2024/2/", "/nam/2024/2/13/"]
)
def test_browse_pages_default_to_dan_van_and_switch_to_all(client, mixed, url):
    default = page(client, url)
    everything = page(client, url, **{"tat-ca": "1"})
    for text, current in ((default, "Chỉ bài dân vận"), (everything, "Tất cả bài")):
        switch = re.search(r'<nav class="scope-switch".*?</nav>', text, re.S).group(0)
        assert re.search(rf'aria-current="true">{current}</a>', switch), url
    assert "chỉ tính bài dân vận" in default and "tính mọi bài đã lưu" in everything
    lists_articles = url in ("/tinh/long-an/", "/nam/2024/", "/nam/2024/2/13/")
    if lists_articles:
        assert titles_on(default) == set()
        assert titles_on(everything) == OFF_TOPIC_TITLES


def test_counts_follow_the_switch(client, mixed):
    # The month: 13 February 2024 holds one seed and the three off-topic articles.
    day = re.compile(
        r'href="/nam/2024/2/13/([^"]*)"><span class="day">13</span> <span class="count">(\d+) bài'
    )
    assert day.search(page(client, "/nam/2024/2/")).groups() == ("", "1")
    assert day.search(page(client, "/nam/2024/2/", **{"tat-ca": "1"})).groups() == ("?tat-ca=1", "4")
    home = page(client, "/")
    assert re.search(r"<dt>Bài dân vận</dt><dd>5</dd>", home)
    assert re.search(r'<dt>Bài viết \(tất cả\)</dt><dd><a href="/\?tat-ca=1">8</a>', home)
    long_an = page(client, "/tinh/long-an/")
    assert re.search(r'<p class="lead">\s*2 bài viết', long_an)
    assert re.search(r'<p class="lead">\s*5 bài viết', page(client, "/tinh/long-an/", **{"tat-ca": "1"}))
    # the province's tile on the home page counts the same set
    tile = re.compile(
        r'href="/tinh/long-an/(?:\?tat-ca=1)?"><span class="label">Long An</span> <span class="count">(\d+)'
    )
    assert tile.search(home).group(1) == "2"
    assert tile.search(page(client, "/", **{"tat-ca": "1"})).group(1) == "5"


def test_the_province_list_counts_follow_the_switch_and_its_links_keep_it(client, mixed):
    row = re.compile(r'<a href="/tinh/long-an/([^"]*)">Long An</a> <span class="count">(\d+)</span>')
    assert row.search(page(client, "/tinh/")).groups() == ("", "2")
    everything = page(client, "/tinh/", **{"tat-ca": "1"})
    assert row.search(everything).groups() == ("?tat-ca=1", "5")
    assert re.search(
        r'<a href="/tinh/tay-ninh-2025/\?tat-ca=1">Tây Ninh</a> <span class="count">5</span>', everything
    )


def test_the_province_side_panel_follows_the_switch(client, mixed):
    """The off-topic flood article names a Fatherland Front official of Long An: he is on the
    panel of all articles, not on the dân vận one (nor is the official list's count)."""
    side = re.compile(r'<aside class="detail-side".*?</aside>', re.S)
    default = side.search(page(client, "/tinh/long-an/")).group(0)
    everything = side.search(page(client, "/tinh/long-an/", **{"tat-ca": "1"})).group(0)
    assert "Lê Văn Bình" in everything and "Lê Văn Bình" not in default
    for name in ("Nguyễn Thị Ngọc Hạnh", "Phạm Văn Bốn"):  # named by the seeds: on both
        assert name in default and name in everything


def test_the_switch_reads_in_english_on_english_pages(client, mixed):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = page(client, "/nam/2024/2/13/")
    assert "Mass-mobilisation articles only" in text and "All articles" in text
    assert "Chỉ bài dân vận" not in text and "Tất cả bài" not in text
    assert "search always covers every article" in text


# --- editors: the override, kept by re-ingest and reextract; the queue's order ------------------------


def test_an_editors_choice_survives_reextract_and_reingest(admin_client, mixed):
    article = mixed["seeds"]["003"]
    url = f"/admin/archive/article/{article.pk}/change/"
    form = admin_client.get(url).content.decode()
    assert "Điểm dân vận do máy tính" in form and "bằng chứng" in form
    # the evidence table has the relevance rows, the rule in the editor's language
    assert re.search(r'dân vận</td><td class="rule" data-rule="relevance total \d+[^"]*">tổng điểm', form)
    data = browser_form_data(form, form_id="article_form")
    assert data.pop("dan_van") == ["on"]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert not article.dan_van and "dan_van" in article.edited_fields
    score = article.relevance

    call_command("reextract", "--no-progress", stdout=open("/dev/null", "w"))
    run_ingest(str(SEEDS))
    article.refresh_from_db()
    assert not article.dan_van  # the editor's choice stands
    assert article.relevance == score >= relevance.THRESHOLD  # the score is still the machine's
    # and an off-topic article an editor marks dân vận stays so
    off = mixed["off"]["Câu lạc bộ Long An thắng 2-1 trên sân nhà"]
    url = f"/admin/archive/article/{off.pk}/change/"
    data = browser_form_data(admin_client.get(url).content.decode(), form_id="article_form")
    data["dan_van"] = ["on"]
    assert admin_client.post(url, data).status_code == 302
    run_ingest(str(OFF_TOPIC))
    call_command("reextract", "--no-progress", stdout=open("/dev/null", "w"))
    off.refresh_from_db()
    assert off.dan_van and off.relevance == 0


def test_reextract_fills_the_score_of_records_stored_before_it(mixed):
    Article.objects.update(dan_van=False, relevance=0)
    call_command("reextract", "--no-progress", stdout=open("/dev/null", "w"))
    flagged = set(Article.objects.filter(dan_van=True).values_list("title", flat=True))
    assert flagged == {a.title for a in mixed["seeds"].values()}


def test_the_review_queue_puts_dan_van_articles_first(admin_client, mixed):
    queue = ReviewQueueArticle.objects.filter(needs_review=True)
    # the off-topic ones were ingested after the seeds; make them the oldest in the queue
    Article.objects.filter(title__in=OFF_TOPIC_TITLES).update(needs_review=True, review_reasons=["no date"])
    Article.objects.filter(title__in=OFF_TOPIC_TITLES).update(created_at="2000-01-01T00:00:00Z")
    listed = admin_client.get("/admin/archive/reviewqueuearticle/").content.decode()
    ids = [int(i) for i in re.findall(r"/admin/archive/reviewqueuearticle/(\d+)/change/", listed)]
    ids = list(dict.fromkeys(ids))
    flags = dict(queue.values_list("pk", "dan_van"))
    assert len(ids) == len(flags) and any(not f for f in flags.values()) and any(flags.values())
    order = [flags[i] for i in ids]
    assert order == sorted(order, reverse=True), order  # every dân vận one before the first other


# --- API and exports ---------------------------------------------------------------------------------


def test_the_api_carries_the_flag_and_score_and_filters_by_it(client, mixed):
    rows = client.get("/api/articles/", {"page_size": "50"}).json()["results"]
    assert len(rows) == 8 and all({"dan_van", "relevance"} <= set(r) for r in rows)
    by_title = {r["title"]: r for r in rows}
    assert by_title["Câu lạc bộ Long An thắng 2-1 trên sân nhà"]["dan_van"] is False
    only = client.get("/api/articles/", {"dan_van": "1"}).json()
    assert only["count"] == 5 and all(r["dan_van"] for r in only["results"])
    others = client.get("/api/articles/", {"dan_van": "0"}).json()
    assert {r["title"] for r in others["results"]} == OFF_TOPIC_TITLES
    bad = client.get("/api/articles/", {"dan_van": "yes"})
    assert bad.status_code == 400 and "dan_van" in bad.json()["error"]

    found = client.get("/api/search/", {"province": "long-an"}).json()
    assert dict(found["facets"]["dan_van"]) == {"1": 2, "0": 3}
    assert all({"dan_van", "relevance"} <= set(r) for r in found["results"])
    off = client.get("/api/search/", {"province": "long-an", "dan_van": "0"}).json()
    assert {r["title"] for r in off["results"]} == OFF_TOPIC_TITLES
    assert client.get("/api/search/", {"q": "x", "dan_van": "2"}).status_code == 400


def test_the_search_page_shows_the_facet_with_its_counts(client, mixed):
    text = page(client, "/tim-kiem/", province="long-an")
    facet = re.search(r'<section class="facet facet-dan_van">.*?</section>', text, re.S).group(0)
    assert "Dân vận" in facet and "Bài dân vận" in facet and "Bài khác" in facet
    assert re.search(r"Bài dân vận</span>.*?2", facet, re.S) and re.search(
        r"Bài khác</span>.*?3", facet, re.S
    )


def test_exports_carry_the_flag(client, mixed):
    text = b"".join(client.get("/tinh/long-an/", {"format": "jsonl", "tat-ca": "1"}).streaming_content)
    import json

    lines = [json.loads(line) for line in text.decode().splitlines()]
    records = lines[1:]
    assert "dan_van" not in lines[0]["filters"]  # all articles: no dân vận filter
    assert {r["title"]: r["dan_van"] for r in records} == {
        **{a.title: True for a in mixed["seeds"].values() if a.province and a.province.name == "Long An"},
        **{t: False for t in OFF_TOPIC_TITLES},
    }
