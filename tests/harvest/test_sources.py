"""Sources, their admin pages, the shipped examples, and the rules a run refuses to break."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from archive.harvest.run import Harvest, HarvestError
from archive.harvest.urls import canonical, host_allowed
from archive.models import CrawlURL, Source


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://BaoLangSon.VN:80/tin/a.html#binh-luan", "http://baolangson.vn/tin/a.html"),
        ("https://x.vn/a?utm_source=zalo&id=5&utm_medium=share", "https://x.vn/a?id=5"),
        ("https://x.vn/a?fbclid=IwAR0&gclid=1&zarsrc=30", "https://x.vn/a"),
        ("https://x.vn/a?b=2&a=1", "https://x.vn/a?a=1&b=2"),
        ("https://x.vn:443/đường-dẫn", "https://x.vn/%C4%91%C6%B0%E1%BB%9Dng-d%E1%BA%ABn"),
        ("http://127.0.0.2:8001/bai", "http://127.0.0.2:8001/bai"),
        ("mailto:toasoan@x.vn", ""),
        ("javascript:void(0)", ""),
    ],
)
def test_one_article_one_address(url, expected):
    assert canonical(url) == expected


def test_hosts_are_matched_with_their_subdomains_not_by_suffix():
    assert host_allowed("https://www.baolangson.vn/a", ["baolangson.vn"])
    assert not host_allowed("https://fakebaolangson.vn/a", ["baolangson.vn"])
    assert host_allowed("http://127.0.0.1:8000/a", ["127.0.0.1:8000"])
    assert not host_allowed("http://127.0.0.1:9000/a", ["127.0.0.1:8000"])


def test_no_delay_below_the_floor_except_on_loopback(db):
    outside = Source.objects.create(name="Ngoài", slug="ngoai", feeds=["https://x.vn/rss"], crawl_delay=0.2)
    with pytest.raises(HarvestError, match="below HARVEST_MIN_DELAY"):
        Harvest(sources=[outside]).delays()
    local = Source.objects.create(
        name="Nội bộ", slug="noi-bo", feeds=["http://127.0.0.1:1/rss"], crawl_delay=0
    )
    assert Harvest(sources=[local]).delays() == {"127.0.0.1": 0}
    slow = Source.objects.create(name="Chậm", slug="cham", feeds=["https://y.vn/rss"], crawl_delay=4)
    assert Harvest(sources=[slow]).delays() == {"y.vn": 4.1}  # and the margin


def test_the_examples_load_paused_once(db, capsys):
    call_command("harvest", "--examples")
    call_command("harvest", "--examples")
    sources = Source.objects.all()
    assert sources.count() >= 5 and not sources.filter(active=True).exists()
    assert all(s.allowed_hosts and s.crawl_delay >= 1 and s.entry_points() for s in sources)
    assert "0 example source(s) added" in capsys.readouterr().out


def test_bad_arguments_are_named(db):
    with pytest.raises(CommandError, match="no such source: nope"):
        call_command("harvest", "--source", "nope")
    with pytest.raises(CommandError, match="not an http"):
        call_command("harvest", "--url", "ftp://x.vn/a")
    with pytest.raises(CommandError, match="no active source"):
        call_command("harvest")


def test_the_admin_lists_sources_with_their_queue_and_the_frontier(client, db):
    admin = get_user_model().objects.create_superuser("quan-tri", "", "a-long-test-password")
    client.force_login(admin)
    source = Source.objects.create(name="Báo Thử", slug="bao-thu", feeds=["http://127.0.0.1:1/rss"])
    CrawlURL.objects.create(
        url="http://127.0.0.1:1/a", host="127.0.0.1:1", kind="article", source=source, state="done"
    )
    CrawlURL.objects.create(url="http://127.0.0.1:1/b", host="127.0.0.1:1", kind="article", source=source)
    page = client.get("/admin/archive/source/")
    assert page.status_code == 200 and ">1 / 1 / 0</a>" in page.content.decode()
    assert client.get(f"/admin/archive/source/{source.pk}/change/").status_code == 200
    frontier = client.get("/admin/archive/crawlurl/?state__exact=queued")
    assert frontier.status_code == 200 and "http://127.0.0.1:1/b" in frontier.content.decode()
    assert client.get("/admin/archive/harvestrun/").status_code == 200
    assert client.get("/admin/archive/capture/").status_code == 200


def test_since_skips_what_the_feed_dates_before_it(db):
    from datetime import date, datetime

    from archive.harvest import frontier

    harvest = Harvest(sources=[], since=date(2024, 3, 1))
    harvest.run = frontier.run_start()
    feed = CrawlURL.objects.create(url="http://127.0.0.1:1/rss", host="127.0.0.1:1", kind="feed")
    harvest._enqueue_articles(
        [
            ("/cu.html", datetime(2024, 2, 28, 23, 0)),
            ("/moi.html", datetime(2024, 3, 1, 7, 0)),
            ("/khong-ngay.html", None),
        ],
        feed,
        "http://127.0.0.1:1/rss",
    )
    queued = sorted(CrawlURL.objects.filter(kind="article").values_list("url", flat=True))
    assert queued == ["http://127.0.0.1:1/khong-ngay.html", "http://127.0.0.1:1/moi.html"]
    assert harvest.counts["older than --since"] == 1
