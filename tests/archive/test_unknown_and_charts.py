"""Every article is counted somewhere (issue #19, item 5): the home page's province tiles plus the
"không rõ tỉnh" tile add up to the archive, and the undated articles have a list of their own;
the year chart's labels never collide (item 4)."""

from __future__ import annotations

import re

import pytest

from archive import selectors
from archive.models import Article
from tests.archive.browse_fixtures import ingest_corpus_like

pytestmark = pytest.mark.django_db


def _count(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def tiles_add_up(client) -> None:
    # The home page counts dân vận articles unless ?tat-ca=1 (issue #17): so do its tiles, both ways.
    for query, articles in (("", Article.objects.filter(dan_van=True)), ("?tat-ca=1", Article.objects.all())):
        html = client.get(f"/{query}").content.decode()
        tiles = re.search(r'<ul class="tiles province-tiles">(.*?)</ul>', html, re.S).group(1)
        counts = [_count(c) for c in re.findall(r'<span class="count">([^<]+)</span>', tiles)]
        unknown = articles.filter(province=None).count()
        assert unknown and f'href="/tinh/khong-ro/{query}"><span class="label">Không rõ tỉnh</span>' in tiles
        assert sum(counts) == articles.count()  # the 63 tiles and "không rõ tỉnh"
        undated = articles.filter(published_on=None).count()
        assert f'href="/nam/khong-ro/{query}">{undated} bài không rõ ngày đăng' in html.replace(".", "")


def test_the_home_tiles_add_up_to_the_archive(client, seeded, tmp_path):
    ingest_corpus_like(tmp_path, 21)
    first = Article.objects.order_by("pk")
    Article.objects.filter(pk__in=first.values("pk")[:1]).update(province=None)
    Article.objects.filter(pk__in=first.values("pk")[1:3]).update(published_on=None)
    tiles_add_up(client)


def test_the_province_less_and_the_undated_have_their_lists_and_exports(client, seeded, tmp_path):
    ingest_corpus_like(tmp_path, 21)
    Article.objects.filter(pk__in=Article.objects.order_by("pk").values("pk")[:2]).update(province=None)
    Article.objects.filter(pk__in=Article.objects.order_by("pk").values("pk")[2:5]).update(published_on=None)
    for url, articles in [
        # dân vận articles unless ?tat-ca=1, as the home page's tiles that link here (issue #17)
        ("/tinh/khong-ro/", Article.objects.filter(province=None, dan_van=True)),
        ("/nam/khong-ro/", Article.objects.filter(published_on=None, dan_van=True)),
    ]:
        html = client.get(url).content.decode()
        assert articles.count() >= 2
        assert {int(pk) for pk in re.findall(r'href="/bai-viet/(\d+)/"', html)} == set(
            articles.values_list("pk", flat=True)
        )
        lines = b"".join(client.get(url, {"format": "jsonl"}).streaming_content).decode().splitlines()
        assert len(lines) - 1 == articles.count()
    assert "/tinh/khong-ro/" in client.get("/tinh/").content.decode()
    assert "/nam/khong-ro/" in client.get("/nam/").content.decode()
    client.cookies["django_language"] = "en"
    assert "<h1>Province unknown</h1>" in client.get("/tinh/khong-ro/").content.decode()


@pytest.mark.parametrize("years", [3, 12, 30, 80])
def test_the_year_charts_labels_never_collide(years):
    chart = selectors.year_chart([{"year": 1990 + i, "count": 1000 + i} for i in range(years)])
    labelled = [b["cx"] for b in chart["bars"] if b["show_label"]]
    assert chart["bars"][-1]["show_label"]  # the latest year is always named
    assert min(b - a for a, b in zip(labelled, labelled[1:], strict=False)) >= selectors.LABEL_UNITS
    assert len(labelled) >= min(years, chart["width"] // (2 * selectors.LABEL_UNITS))
    counted = [b for b in chart["bars"] if b["show_count"]]
    assert counted == chart["bars"] if chart["width"] / years >= selectors.LABEL_UNITS else not counted


def test_the_home_map_has_the_outline_clickable_dots_and_names_that_do_not_overlap(client, seeded, tmp_path):
    ingest_corpus_like(tmp_path, 21)
    html = client.get("/").content.decode()
    svg = re.search(r'<svg class="province-map".*?</svg>', html, re.S).group(0)
    outline = re.search(r'<path class="country" d="([^"]+)"', svg).group(1)
    assert outline.count("L") >= 20 and outline.startswith("M") and "," in outline  # decimal points
    dots = re.findall(r'<a href="(/tinh/[a-z-]+/)" tabindex="-1" aria-hidden="true"><circle', svg)
    assert len(dots) == 63 and "/tinh/long-an/" in dots
    radii = [float(r) for r in re.findall(r' r="([\d.]+)"', svg)]
    assert max(radii) <= 9
    table = selectors.province_table()["legacy"]
    labels = selectors.map_labels(table)
    names = re.findall(r'class="map-label">([^<]+)</text>', svg)
    assert names == [label["name"] for label in labels] and "Long An" in names
    boxes = [(lb["x"], lb["y"] - 10, lb["x"] + 5.6 * len(lb["name"]), lb["y"] + 2) for lb in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
