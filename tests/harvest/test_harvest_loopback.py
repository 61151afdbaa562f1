"""The harvester against a loopback web of three outlets (tests/harvest/site.py), counted from the
servers' own request log: robots.txt, delays, Retry-After, 304s, tracking parameters, a kill -9 and
a rerun, a changed and a vanished article, redirects, bad pages, WARC captures byte for byte, page
metadata, and two runs at once. One scenario, run once per module (each run is a real process)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.harvest.site import STYLESHEET, STYLESHEET_TEXT, LoopbackWeb, image_of

PER_OUTLET = 5
DELAYS = {"a": 0.6, "b": 0.25, "c": 0.25, "d": 0.05}  # bench/harvest_bench.py --spacing measures 1 s


def _wait_for(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def scenario(site):
    web = LoopbackWeb(per_outlet=PER_OUTLET, spare=24).start()
    try:
        site.load_sources([{**spec, "crawl_delay": DELAYS[spec["slug"][-1]]} for spec in web.sources()])
        out: dict = {"web": web, "site": site}
        # Run 1, killed with SIGKILL once it has stored a few articles.
        run1 = site.start("harvest", "--no-progress")
        articles_served = lambda: sum(  # noqa: E731
            1
            for r in web.requests()
            if r["status"] == 200 and ("/bai-" in r["path"] or "/2024/" in r["path"])
        )
        _wait_for(lambda: articles_served() >= 6 or run1.poll() is not None, 90, "run 1 to fetch articles")
        time.sleep(0.3)
        assert run1.poll() is None, f"run 1 ended before it was killed: {run1.communicate()}"
        os.killpg(run1.pid, signal.SIGKILL)
        run1.wait(10)
        out["killed_at"] = len(web.requests())
        out["after_kill"] = site.report()
        # The rerun finishes what the killed run left.
        rerun = site.manage("harvest", "--no-progress")
        out["rerun_stdout"] = rerun.stdout
        out["after_rerun"] = site.report()
        out["run2_from"] = len(web.requests())
        # Between the runs: an editor corrects a title; one article changes, two vanish.
        c = web.outlets["c"]
        pages_c = list(c.pages.values())
        changed, gone404, gone410 = pages_c[1], pages_c[2], pages_c[3]
        out["changed_url"] = f"{c.base}{changed.path}"
        site.shell(
            "from tests.harvest.probe import edit_title; "
            f"edit_title({out['changed_url']!r}, 'Tiêu đề do biên tập viên sửa')"
        )
        changed.version = 2
        gone404.status, gone410.status = 404, 410
        out["gone"] = {f"{c.base}{gone404.path}": 404, f"{c.base}{gone410.path}": 410}
        run2 = site.manage("harvest", "--no-progress")
        out["run2_stdout"] = run2.stdout
        out["after_run2"] = site.report()
        out["run2_to"] = len(web.requests())
        first_c = f"{c.base}{pages_c[0].path}"  # a figure, a forbidden image, one on another site
        out["capture_view"] = json.loads(
            site.shell(f"from tests.harvest.probe import capture_view; capture_view({first_c!r})")
        )
        # A fourth outlet: a run stopped with SIGTERM, then two runs at once finish it.
        site.load_sources([{**web.spare_source(), "crawl_delay": DELAYS["d"]}])
        stopped = site.start("harvest", "--no-progress", "--source", "thu-d")
        _wait_for(
            lambda: len(web.requests(outlet="d")) >= 8 or stopped.poll() is not None, 60, "the run on d"
        )
        stopped.send_signal(signal.SIGTERM)
        out["sigterm"] = stopped.communicate(timeout=60) + (stopped.returncode,)
        out["after_sigterm"] = site.report()
        out["concurrent_from"] = len(web.requests())
        both = [site.start("harvest", "--no-progress", "--source", "thu-d") for _ in range(2)]
        out["concurrent"] = [p.communicate(timeout=120) + (p.returncode,) for p in both]
        out["after_concurrent"] = site.report()
        out["concurrent_to"] = len(web.requests())
        # --loop: a round, a pause, a round…, until SIGTERM.
        runs_before = len(out["after_concurrent"]["runs"])
        looping = site.start(
            "harvest", "--no-progress", "--loop", "--source", "thu-d", HARVEST_LOOP_SECONDS="0.5"
        )
        done = lambda: sum(r["status"] == "done" for r in site.report()["runs"][runs_before:])  # noqa: E731
        _wait_for(lambda: done() >= 2 or looping.poll() is not None, 90, "two rounds of --loop")
        looping.send_signal(signal.SIGTERM)
        out["loop"] = looping.communicate(timeout=60) + (looping.returncode,)
        yield out
    finally:
        web.stop()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_robots_txt_is_obeyed_counted_from_the_servers_log(scenario):
    web = scenario["web"]
    asked = [r["path"] for r in web.requests()]
    assert not [p for p in asked if p.startswith(("/rieng-tu/", "/admin/", "/wp-admin/"))]
    assert asked.count("/robots.txt") >= 3
    blocked = [f for f in scenario["after_run2"]["frontier"] if f["state"] == "blocked"]
    assert sorted(urlsplit(f["url"]).path for f in blocked) == ["/rieng-tu/anh-an.png", "/rieng-tu/bai-an/"]
    assert all(r["ua"].startswith("DanVanArchive/1.0 (+http") for r in web.requests())


def test_requests_to_one_host_are_never_closer_than_its_delay(scenario):
    by_host = defaultdict(list)
    for r in scenario["web"].requests():
        by_host[r["outlet"]].append(r)
    checked = 0
    for outlet, rows in by_host.items():
        if outlet == "d":
            continue  # two runs at once there: see test_two_runs_at_once_never_fetch_one_url_twice
        rows.sort(key=lambda r: r["t"])
        gaps = [b["t"] - a["t"] for a, b in zip(rows, rows[1:], strict=False)]
        worst = min(range(len(gaps)), key=gaps.__getitem__)
        assert gaps[worst] >= DELAYS[outlet], (outlet, gaps[worst], rows[worst], rows[worst + 1])
        checked += len(gaps)
    assert checked > 60
    # Retry-After: 2 s after the 429, 1 s after the 503, before that host is asked anything again.
    rows = sorted(by_host["b"], key=lambda r: r["t"])
    for n, r in enumerate(rows):
        if r["status"] in (429, 503):
            wait = 2 if r["status"] == 429 else 1
            assert rows[n + 1]["t"] - r["t"] >= wait - 0.01, r


def test_every_unchanged_page_costs_a_304_on_the_second_run(scenario):
    web = scenario["web"]
    run2 = web.requests(since=scenario["run2_from"])[: scenario["run2_to"] - scenario["run2_from"]]
    truth = web.truth()
    unchanged = {_path(u) for u in truth if u != scenario["changed_url"] and u not in scenario["gone"]}
    asked = {r["path"]: r for r in run2 if r["path"] in unchanged}
    assert set(asked) == unchanged  # every stored article was asked again (listed again)…
    assert {r["status"] for r in asked.values()} == {304}  # …and cost a 304
    assert all(r["if_none_match"] for r in asked.values())
    assert (
        "0 new" in scenario["run2_stdout"] and f"({len(unchanged)} not modified)" in scenario["run2_stdout"]
    )
    # …and asks for none of their stylesheets and images (nor for the changed page's, captured before)
    assert not [r for r in run2 if r["path"] in _resource_paths(web)]


def _resource_paths(web) -> set[str]:
    return {p.image_path for p in web.outlets["c"].pages.values()} | {STYLESHEET}


def test_a_new_pages_stylesheet_and_images_are_fetched_politely(scenario):
    web = scenario["web"]
    wanted = _resource_paths(web)
    asked = Counter(r["path"] for r in web.requests(outlet="c"))
    assert wanted <= set(asked)
    # the rerun finishes what the killed run left, asking each once; the stylesheet the pages share
    # is one capture, asked once
    rerun = web.requests()[scenario["killed_at"] : scenario["run2_from"]]
    again = Counter(r["path"] for r in rerun if r["path"] in wanted)
    assert not again or max(again.values()) == 1, again
    assert asked["/rieng-tu/anh-an.png"] == 0  # robots.txt forbids it
    assert not web.requests(outlet="x")  # another site's image: never asked
    assert not [r for r in web.requests() if r["outlet"] in "ab" and r["path"] in wanted]


def test_page_resources_are_in_the_warc_byte_for_byte_and_in_the_database(scenario):
    site, web = scenario["site"], scenario["web"]
    conn = site.connect()
    try:
        cur = conn.cursor()
        cur.execute(
            'SELECT c.url, c.warc_file, c."offset", c.content_type, c.article_id, u.article_id'
            " FROM archive_capture c JOIN archive_crawlurl u ON u.id = c.crawl_url_id"
            " WHERE c.kind = 'resource' AND c.status = 200 ORDER BY c.id"
        )
        rows = cur.fetchall()
    finally:
        conn.close()
    by_path = {urlsplit(r[0]).path: r for r in rows}
    assert set(by_path) == _resource_paths(web)
    articles = {a["url"]: a["id"] for a in scenario["after_run2"]["articles"]}
    c = web.outlets["c"]
    for path, (url, warc_file, offset, content_type, article, row_article) in by_path.items():
        expected = STYLESHEET_TEXT.encode() if path == STYLESHEET else image_of(path)
        assert content_type == ("text/css" if path == STYLESHEET else "image/png")
        assert article == row_article and article in articles.values()
        if path != STYLESHEET:  # an image belongs to the page that shows it
            page = next(p for p in c.pages.values() if p.image_path == path)
            assert article == articles[f"{c.base}{page.path}"]
        with open(Path(site.warc_dir) / warc_file, "rb") as handle:
            handle.seek(offset)
            records = ArchiveIterator(handle)
            response = next(records)
            assert (response.rec_type, response.rec_headers.get_header("WARC-Target-URI")) == (
                "response",
                url,
            )
            assert response.content_stream().read() == expected  # byte for byte
            request = next(records)
            assert request.rec_type == "request"
            assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header(
                "WARC-Record-ID"
            )


def test_the_capture_points_its_stylesheet_and_images_at_the_archive(scenario):
    web, view = scenario["web"], scenario["capture_view"]
    page = view["page"]
    assert page["status"] == 200
    html = base64.b64decode(page["body"]).decode("utf-8")
    local = f"/bai-viet/{view['pk']}/ban-luu-goc/tai-nguyen/"
    policy = {
        d.split()[0]: d.split()[1:]
        for d in page["headers"]["Content-Security-Policy"].split(";")
        if d.strip()
    }
    assert policy["sandbox"] == [] and policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["data:", f"http://testserver{local}"]  # this path of this site only
    assert policy["style-src"] == ["'unsafe-inline'", f"http://testserver{local}"]
    assert "script-src" not in policy and "connect-src" not in policy
    first = next(iter(web.outlets["c"].pages.values()))
    assert f'href="{local}' in html and html.count(f'src="{local}') == 1
    assert first.image_path not in html and STYLESHEET not in html
    # never captured: left as the page had them, and the policy blocks them
    assert 'src="/rieng-tu/anh-an.png"' in html and f'src="{web.outlets["x"].base}/anh-ngoai.png"' in html
    served = {r["headers"]["Content-Type"]: base64.b64decode(r["body"]) for r in view["resources"].values()}
    assert served == {"text/css": STYLESHEET_TEXT.encode(), "image/png": image_of(first.image_path)}
    for r in view["resources"].values():
        assert r["status"] == 200 and r["headers"]["X-Content-Type-Options"] == "nosniff"
        assert r["headers"]["Content-Security-Policy"].startswith("sandbox; default-src 'none'")


def test_one_record_per_article_across_tracking_variants(scenario):
    web = scenario["web"]
    articles = scenario["after_run2"]["articles"]
    truth = web.truth()
    ours = [a for a in articles if a["url"] in truth or a["source_file"] in truth]
    assert sorted(a["source_file"] for a in ours) == sorted(truth)
    assert not [r for r in web.requests() if any(k in r["path"] for k in ("utm_", "fbclid", "#"))]
    # the feed lists the first article twice and the listings every page twice: each asked once a run
    rerun = web.requests(since=scenario["killed_at"])[: scenario["run2_from"] - scenario["killed_at"]]
    counts = Counter(  # a 429 or 503 and its retry are one fetch
        r["path"] for r in rerun if r["path"] in {_path(u) for u in truth} and r["status"] not in (429, 503)
    )
    assert counts and max(counts.values()) == 1, counts.most_common(3)


def test_a_run_killed_mid_run_is_finished_by_the_next_without_twins(scenario):
    after_kill, after = scenario["after_kill"], scenario["after_rerun"]
    truth = scenario["web"].truth()
    assert 0 < len(after_kill["articles"]) < len(truth)
    assert any(f["state"] in ("queued", "claimed") for f in after_kill["frontier"])
    assert sorted(a["source_file"] for a in after["articles"]) == sorted(truth)  # each exactly once
    assert not [f for f in after["frontier"] if f["state"] in ("queued", "claimed")]
    assert "reclaimed" in scenario["rerun_stdout"] or not any(
        f["state"] == "claimed" for f in after_kill["frontier"]
    )


def test_a_changed_article_updates_its_record_and_keeps_the_editors_title(scenario):
    url = scenario["changed_url"]
    before = next(a for a in scenario["after_rerun"]["articles"] if a["url"] == url)
    after = next(a for a in scenario["after_run2"]["articles"] if a["url"] == url)
    assert after["id"] == before["id"]
    assert "Cập nhật lần 2" in after["text"] and "Cập nhật lần 2" not in before["text"]
    assert after["title"] == "Tiêu đề do biên tập viên sửa"
    assert after["edited_fields"] == ["title"]
    assert "1 updated" in scenario["run2_stdout"]


def test_a_vanished_article_is_marked_never_deleted(scenario):
    after = scenario["after_run2"]
    ids = {a["url"]: a["id"] for a in after["articles"]}
    for url, status in scenario["gone"].items():
        row = next(f for f in after["frontier"] if f["url"] == url)
        assert (row["state"], row["status"]) == ("gone", status)
        assert row["gone_at"] and row["article"] == ids[url]


def test_redirects_are_followed_within_the_source_and_never_to_another_host(scenario):
    web = scenario["web"]
    assert not web.requests(outlet="x")  # not even its robots.txt
    frontier = {f["url"]: f for f in scenario["after_run2"]["frontier"]}
    off = next(f for u, f in frontier.items() if u.endswith("/bai-viet/9999"))
    assert off["state"] == "skipped" and "host not allowed" in off["note"]
    a = web.outlets["a"]
    moved = next(f for u, f in frontier.items() if "/cu/" in u)
    target = f"{a.base}{list(a.pages.values())[2].path}"
    assert moved["state"] == "done" and frontier[target]["article"] == moved["article"]


def test_bad_pages_are_named_and_the_run_goes_on(scenario):
    notes = {urlsplit(f["url"]).path: f for f in scenario["after_run2"]["frontier"]}
    assert notes["/bai-lon.html"]["state"] == "failed" and "max size" in notes["/bai-lon.html"]["note"]
    assert "took longer" in notes["/bai-cham.html"]["note"] or "Timeout" in notes["/bai-cham.html"]["note"]
    assert "DataLoss" in notes["/bai-cat.html"]["note"]


def test_every_response_is_in_a_warc_file_byte_for_byte(scenario):
    web, site = scenario["web"], scenario["site"]
    records: Counter = Counter()
    for path in sorted(Path(site.warc_dir).glob("*.warc.gz")):
        killed = "-run1-" in path.name
        with open(path, "rb") as handle:
            try:
                for record in ArchiveIterator(handle):
                    if record.rec_type != "response":
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    status = int(record.http_headers.get_statuscode())
                    body = record.raw_stream.read()
                    host = urlsplit(url).hostname
                    records[(killed, host, _path(url), status, hashlib.sha1(body).hexdigest())] += 1
            except Exception:  # noqa: BLE001 — only the killed run's last record may be torn
                assert killed, path
    served: Counter = Counter()
    for n, r in enumerate(web.requests()):
        # sent whole and received: the harvester hangs up on a page too slow or too large
        abandoned = r["path"] in ("/bai-cham.html", "/bai-lon.html")
        if r["complete"] and not abandoned and r["outlet"] != "d" and n >= scenario["killed_at"]:
            served[(False, r["host"], r["path"], r["status"], r["sha1"])] += 1
    assert served and {k: v for k, v in records.items() if not k[0] and k[1] != "127.0.0.5"} == served
    first = Counter(
        (r["host"], r["path"], r["status"], r["sha1"]) for r in web.requests()[: scenario["killed_at"]]
    )
    assert all(first[k[1:]] >= v for k, v in records.items() if k[0])


def test_title_date_and_bylines_come_from_page_metadata(scenario):
    truth = scenario["web"].truth()
    articles = {a["url"]: a for a in scenario["after_run2"]["articles"]}
    for url, page in truth.items():
        got = articles[url]
        if url != scenario["changed_url"]:
            assert got["title"] == page.title, url
        assert got["published_on"] == page.published.date().isoformat(), url
        assert got["published_time"] == page.published.time().isoformat(), url
        assert got["authors"] == page.authors, url
        assert got["evidence"]["date"]["rule"].startswith("page metadata"), url
    styles = {page.style for page in truth.values()}
    assert styles == {"og", "jsonld", "time"}
    cp1258 = next(u for u, p in truth.items() if p.encoding == "windows-1258")
    assert articles[cp1258]["title"] == truth[cp1258].title


def test_two_runs_at_once_never_fetch_one_url_twice(scenario):
    web = scenario["web"]
    for _stdout, stderr, code in scenario["concurrent"]:
        assert code == 0, stderr
    both = web.requests()[scenario["concurrent_from"] : scenario["concurrent_to"]]
    asked = Counter(r["path"] for r in both if r["outlet"] == "d" and r["path"] != "/robots.txt")
    assert asked and max(asked.values()) == 1, asked.most_common(3)
    truth = web.truth("d")
    stored = [a for a in scenario["after_concurrent"]["articles"] if a["url"] in truth]
    assert sorted(a["url"] for a in stored) == sorted(truth)


def test_a_run_stopped_with_sigterm_reports_and_gives_its_urls_back(scenario):
    stdout, stderr, code = scenario["sigterm"]
    assert code == 0, stderr
    assert " new, " in stdout and "left in the queue" in stdout
    after = scenario["after_sigterm"]
    assert not [f for f in after["frontier"] if f["state"] == "claimed"]
    assert any(f["state"] == "queued" for f in after["frontier"])  # stopped before the end…
    assert after["runs"][-1]["status"] == "stopped"  # …and says so


def test_loop_runs_round_after_round_until_stopped(scenario):
    stdout, stderr, code = scenario["loop"]
    assert code == 0, stderr
    rounds = [line for line in stdout.splitlines() if "left in the queue" in line]
    assert len(rounds) >= 2 and all(" 0 new, " in f" {line}" for line in rounds), rounds
