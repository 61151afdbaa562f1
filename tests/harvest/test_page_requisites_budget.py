"""A page's stylesheets and images ride along with it: `--max-pages` (and the daily budget) count
pages, so a run bounded to N pages still captures those pages' requisites."""

from __future__ import annotations

from collections import Counter

from tests.harvest.site import STYLESHEET, LoopbackWeb


def test_max_pages_counts_pages_and_their_requisites_ride_along(site):
    web = LoopbackWeb(per_outlet=3, extras=False, resources="c").start()
    try:
        spec = next(s for s in web.sources() if s["slug"] == "thu-c")
        site.load_sources([{**spec, "crawl_delay": 0.05}])
        # one listing page and three articles: four pages
        done = site.manage("harvest", "--no-progress", "--source", "thu-c", "--max-pages", "4")
        asked = Counter(r["path"] for r in web.requests(outlet="c"))
        pages = [p for p in web.outlets["c"].pages.values()]
        assert {p.path for p in pages} <= set(asked)
        assert all(asked[p.image_path] == 1 for p in pages) and asked[STYLESHEET] == 1
        assert "3 new" in done.stdout and "4 page resources" in done.stdout, done.stdout
        assert "0 left in the queue" in done.stdout
    finally:
        web.stop()
