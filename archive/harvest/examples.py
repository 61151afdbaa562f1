"""Example sources shipped with the archive (`manage.py harvest --examples`), added paused.

Real provincial outlets and the Party's mass-mobilisation site, written from their public addresses;
their feed and sitemap paths could not be checked from the machine this was written on (no outside
network): open each in the admin, check the addresses in a browser, then tick "đang hoạt động".
"""

from __future__ import annotations

EXAMPLES = [
    {
        "name": "Ban Dân vận Trung ương (danvan.vn)",
        "slug": "danvan-vn",
        "sitemaps": ["https://danvan.vn/sitemap.xml"],
        "allowed_hosts": ["danvan.vn"],
        "crawl_delay": 5.0,
        "daily_budget": 300,
    },
    {
        "name": "Báo Lạng Sơn",
        "slug": "bao-lang-son",
        "feeds": ["https://baolangson.vn/rss/chinh-tri.rss"],
        "sitemaps": ["https://baolangson.vn/sitemap.xml"],
        "allowed_hosts": ["baolangson.vn"],
        "crawl_delay": 3.0,
        "daily_budget": 300,
    },
    {
        "name": "Báo Long An",
        "slug": "bao-long-an",
        "sitemaps": ["https://baolongan.vn/sitemap.xml"],
        "allowed_hosts": ["baolongan.vn"],
        "crawl_delay": 3.0,
        "daily_budget": 300,
    },
    {
        "name": "Báo Hòa Bình",
        "slug": "bao-hoa-binh",
        "listings": ["https://baohoabinh.com.vn/12/chinh-tri.htm"],
        "article_pattern": r"/\d+/\d+/[^/]+\.htm$",
        "next_selector": "a.next, a[rel=next]",
        "allowed_hosts": ["baohoabinh.com.vn"],
        "crawl_delay": 3.0,
        "daily_budget": 200,
    },
    {
        "name": "Mặt trận Tổ quốc Việt Nam (mattran.org.vn)",
        "slug": "mattran-org-vn",
        "feeds": ["https://mattran.org.vn/rss/home.rss"],
        "allowed_hosts": ["mattran.org.vn"],
        "crawl_delay": 5.0,
        "daily_budget": 200,
    },
]


def load_examples() -> int:
    """Add the examples that are not there yet, paused; returns how many were added."""
    from archive.models import Source

    added = 0
    for spec in EXAMPLES:
        _, created = Source.objects.get_or_create(slug=spec["slug"], defaults={**spec, "active": False})
        added += created
    return added
