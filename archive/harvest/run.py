"""One harvest: the run's state (counts, in-flight URLs, budgets), what becomes of each response, and
the Scrapy settings that make it polite. The management command is a thin shell around `crawl()`."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone

from archive import services
from archive.extract import ExtractError, Limits, extract_html
from archive.extract.inputs import decode_bytes, drop_controls
from archive.harvest import discover, frontier, requisites
from archive.harvest.urls import canonical, host_allowed, host_of, is_loopback
from archive.harvest.warc import WarcFiles
from archive.models import Capture, CrawlURL, Source

Kind, State = CrawlURL.Kind, CrawlURL.State
REACTOR = "twisted.internet.epollreactor.EPollReactor"  # not asyncio: Django's ORM is called from callbacks
PER_HOST = 4  # URLs a run holds per host at once (fetched one at a time)


class HarvestError(Exception):
    pass


class Harvest:
    """What one run knows: which sources, what it claimed, what it counted."""

    def __init__(
        self,
        *,
        sources: list[Source] | None,
        urls: list[str] | None = None,
        max_pages: int | None = None,
        since: date | None = None,
        delay: float | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> None:
        self.options = settings.HARVEST
        self.sources = sources
        self.urls = urls or []
        self.max_pages = max_pages
        self.since = since
        self.delay_override = delay
        self.progress = progress or (lambda n: None)
        self.counts: Counter[str] = Counter()
        self.busy: Counter[str] = Counter()  # host → URLs claimed and not yet answered
        self.claimed = 0
        self.lookups = services.IngestLookups()
        self.limits = Limits.from_mapping(getattr(settings, "INGEST_LIMITS", None))
        self.url_hosts: list[str] = sorted({host_of(canonical(u)) for u in self.urls if canonical(u)})
        self.budget_left: dict[int, int] = {}
        self.started = time.monotonic()
        self.last_beat = 0.0
        self.run = None
        self.warc = None

    # --- setup ---------------------------------------------------------------------------------

    def delays(self) -> dict[str, float]:
        """Seconds between two requests, per hostname (Scrapy's download slots are per hostname)."""
        floor = self.options["MIN_DELAY"]
        out: dict[str, float] = {}
        hosts: list[tuple[str, float]] = []
        for source in self.sources or []:
            for kind_url in source.entry_points():
                hosts.append((kind_url[1], source.crawl_delay))
            for host in [*source.allowed_hosts, *source.resource_hosts]:
                hosts.append((f"http://{host}/", source.crawl_delay))
        hosts += [(u, floor) for u in self.urls]
        for url, wanted in hosts:
            if self.delay_override is not None:
                wanted = self.delay_override
            name = urlsplit(url).hostname or ""
            if not name:
                continue
            if wanted < floor and not is_loopback(url):
                raise HarvestError(
                    f"delay {wanted:g} s for {name} is below HARVEST_MIN_DELAY ({floor:g} s): only loopback "
                    "hosts may be asked faster"
                )
            # A request's set-up (a new connection, a busy machine) can eat into the gap the server
            # sees: the margin keeps the gap it measures at or above the configured delay.
            if wanted > 0:
                wanted += self.options["DELAY_MARGIN"]
            out[name] = max(out.get(name, 0.0), wanted)
        return out

    def begin(self) -> None:
        back = frontier.reclaim_dead()
        if back:
            self.counts["reclaimed"] = back
        self.run = frontier.run_start()
        self.warc = WarcFiles(
            self.options["WARC_DIR"],
            prefix=f"{timezone.now():%Y%m%d%H%M%S}-run{self.run.pk}",
            max_bytes=self.options["WARC_MAX_BYTES"],
        )
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        for source in self.sources or []:
            used = (
                CrawlURL.objects.filter(source=source, fetched_at__gte=midnight)
                .exclude(kind=Kind.RESOURCE)
                .count()
            )
            self.budget_left[source.pk] = max(0, source.daily_budget - used)
            for kind, url in source.entry_points():
                frontier.enqueue([(url, None)], kind=kind, source=source, run=self.run, revisit=True)
        for url in self.urls:
            frontier.enqueue([(url, None)], kind=_guess_kind(url), source=None, run=self.run, revisit=True)

    # --- the frontier ----------------------------------------------------------------------------

    def heartbeat(self) -> None:
        if time.monotonic() - self.last_beat >= 5:
            frontier.run_heartbeat(self.run)
            self.last_beat = time.monotonic()

    def top_up(self) -> list[CrawlURL]:
        # --max-pages counts pages: once they are claimed, the requisites of those pages still come
        requisites_only = self.max_pages is not None and self.claimed >= self.max_pages
        sources = None
        if self.sources is not None:
            sources = [s for s in self.sources if self.budget_left.get(s.pk, 0) > 0]
        rows = frontier.claim(
            run=self.run,
            sources=sources,
            per_host=PER_HOST,
            hosts_busy=self.busy,
            kinds=[Kind.RESOURCE] if requisites_only else None,
        )
        if self.sources is not None and not self.urls:
            rows, extra = (
                [r for r in rows if r.source_id is not None],
                [r for r in rows if r.source_id is None],
            )
            for row in extra:  # another run's one-off URLs: not this run's to fetch
                frontier.mark(row, State.QUEUED)
        # --max-pages and the daily budget count pages: a page's stylesheets and images ride along
        # (bounded per page by RESOURCES_PER_PAGE); once a source's budget is spent, its requisites
        # still queued wait for a later run.
        pages = [r for r in rows if r.kind != Kind.RESOURCE]
        if self.max_pages is not None:
            room = max(0, self.max_pages - self.claimed)
            over = {r.pk for r in pages[room:]}
            for row in pages[room:]:
                frontier.mark(row, State.QUEUED)
            rows = [r for r in rows if r.pk not in over]
        for row in rows:
            self.busy[row.host] += 1
            if row.source_id in self.budget_left and row.kind != Kind.RESOURCE:
                self.budget_left[row.source_id] -= 1
        self.claimed += sum(r.kind != Kind.RESOURCE for r in rows)
        return rows

    def in_flight(self) -> int:
        return sum(self.busy.values())

    def allowed_hosts(self, row: CrawlURL) -> list[str]:
        if row.source is not None and row.source.allowed_hosts:
            hosts = list(row.source.allowed_hosts)
            if row.kind == Kind.RESOURCE:  # a page's images and stylesheets may come from its CDN
                hosts += row.source.resource_hosts
            return hosts
        return [row.host, *self.url_hosts]

    def _done_with(self, row: CrawlURL) -> None:
        self.busy[row.host] -= 1
        if self.busy[row.host] <= 0:
            del self.busy[row.host]
        self.progress(1)

    # --- responses -------------------------------------------------------------------------------

    def handle_response(self, response) -> None:
        row: CrawlURL = response.meta["row"]
        try:
            self._handle(row, response)
        except Exception as err:  # noqa: BLE001 — one page never ends the run unnamed
            self.counts["failed"] += 1
            frontier.mark(
                row, State.FAILED, note=f"{type(err).__name__}: {err}"[:2000], fetched_at=timezone.now()
            )
        finally:
            self._done_with(row)

    def _capture(self, response, row: CrawlURL, article=None) -> None:
        pointer = response.meta.get("warc")
        if pointer is None:
            return
        resource = row.kind == Kind.RESOURCE
        Capture.objects.create(
            # a resource under the address its page named (the page's reference finds it after redirects)
            url=(row.url if resource else response.url)[:1000],
            kind=Capture.Kind.RESOURCE if resource else Capture.Kind.PAGE,
            crawl_url=row,
            article=article,
            run=self.run,
            warc_file=pointer.file,
            offset=pointer.offset,
            length=pointer.length,
            status=response.status,
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1")[:200],
            payload_digest=pointer.payload_digest,
            fetched_at=timezone.now(),
        )

    def _handle(self, row: CrawlURL, response) -> None:
        now = timezone.now()
        status = response.status
        common = {"fetched_at": now, "http_status": status, "attempts": row.attempts + 1}
        if row.kind == Kind.RESOURCE:  # counted apart: "pages fetched" stays pages
            self._resource(row, response, common)
            return
        self.counts["fetched"] += 1
        if status == 304:
            self.counts["not modified"] += 1
            self.counts["unchanged"] += 1
            self._capture(response, row, row.article)
            frontier.mark(row, State.DONE, gone_at=None, **common)
            return
        if status in (404, 410):
            self.counts["gone"] += 1
            self._capture(response, row, row.article)
            frontier.mark(row, State.GONE, gone_at=row.gone_at or now, note=f"HTTP {status}", **common)
            return
        if status >= 400:
            self.counts["failed"] += 1
            self._capture(response, row, row.article)
            reason = response.meta.get("gave_up") or ", ".join(response.meta.get("retry_reasons", [])) or ""
            frontier.mark(row, State.FAILED, note=f"HTTP {status} {reason}".strip(), **common)
            return
        common["etag"] = (response.headers.get(b"ETag") or b"").decode("latin-1")[:300]
        common["last_modified"] = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")[:100]
        common["digest"] = hashlib.sha256(response.body).hexdigest()
        if row.kind == Kind.ARTICLE:
            self._article(row, response, common)
            return
        self._capture(response, row)
        self._discover(row, response)
        frontier.mark(row, State.DONE, **common)

    def _resource(self, row: CrawlURL, response, common: dict) -> None:
        """A page's stylesheet or image: captured, kept for "bản lưu gốc", never read further."""
        self._capture(response, row, row.article)
        if response.status == 200:
            self.counts["page resources"] += 1
            common["digest"] = hashlib.sha256(response.body).hexdigest()
            frontier.mark(row, State.DONE, **common)
        else:
            self.counts["page resources failed"] += 1
            frontier.mark(row, State.FAILED, note=f"HTTP {response.status}", **common)

    def _enqueue_requisites(self, row: CrawlURL, html: str, page_url: str, article) -> None:
        """A new or changed page's stylesheets and images, into the frontier, bounded per page.
        A requisite already captured (a stylesheet every page shares) is not asked again."""
        if article is None or not self.options["RESOURCES_PER_PAGE"]:
            return
        probe = CrawlURL(kind=Kind.RESOURCE, source=row.source, host=row.host)
        allowed = self.allowed_hosts(probe)
        found = requisites.page_requisites(html, page_url, limit=self.options["RESOURCES_PER_PAGE"])
        keep = [(u, None) for u in found if host_allowed(u, allowed)]
        self.counts["off-site links skipped"] += len(found) - len(keep)
        frontier.enqueue(keep, kind=Kind.RESOURCE, source=row.source, run=self.run, article=article)

    def _discover(self, row: CrawlURL, response) -> None:
        source = row.source
        base = response.url
        if row.kind == Kind.FEED:
            found = discover.feed_links(response.body)
            self._enqueue_articles(found, row, base)
        elif row.kind == Kind.SITEMAP:
            pages, children = discover.sitemap_links(response.body)
            self._enqueue_articles(pages, row, base)
            if children:
                frontier.enqueue(
                    [
                        (c, None)
                        for c in children
                        if host_allowed(canonical(c, base), self.allowed_hosts(row))
                    ],
                    kind=Kind.SITEMAP,
                    source=source,
                    run=self.run,
                    base=base,
                    revisit=True,
                )
        elif row.kind == Kind.LISTING:
            html = decode_bytes(response.body, html=True)
            links, following = discover.listing_links(
                html,
                article_selector=source.article_selector if source else "",
                article_pattern=source.article_pattern if source else "",
                next_selector=source.next_selector if source else "",
            )
            self._enqueue_articles([(link, None) for link in links], row, base)
            limit = source.max_listing_pages if source else 5
            if following and row.depth + 1 < limit:
                frontier.enqueue(
                    [(following[0], None)],
                    kind=Kind.LISTING,
                    source=source,
                    run=self.run,
                    base=base,
                    depth=row.depth + 1,
                    revisit=True,
                )

    def _enqueue_articles(self, found: list[tuple[str, datetime | None]], row: CrawlURL, base: str) -> None:
        allowed = self.allowed_hosts(row)
        pattern = row.source.article_pattern if row.source else ""
        keep = []
        for url, listed in found:
            absolute = canonical(url, base)
            if not absolute or not host_allowed(absolute, allowed):
                self.counts["off-site links skipped"] += 1
                continue
            if pattern and row.kind != Kind.LISTING:
                import re

                if not re.search(pattern, absolute):
                    continue
            if self.since and listed is not None and listed.date() < self.since:
                self.counts["older than --since"] += 1
                continue
            keep.append((absolute, listed))
        self.counts["queued"] += frontier.enqueue(keep, kind=Kind.ARTICLE, source=row.source, run=self.run)

    def _article(self, row: CrawlURL, response, common: dict) -> None:
        try:
            html = decode_bytes(response.body, html=True)
            item = extract_html(drop_controls(html), source_name=row.url, limits=self.limits)
        except ExtractError as err:
            self.counts["failed"] += 1
            self._capture(response, row)
            frontier.mark(row, State.FAILED, note=err.reason[:2000], **common)
            return
        name = canonical(response.url)  # after redirects
        page_canonical = canonical(item.url, response.url) if item.url else ""
        if page_canonical and host_allowed(page_canonical, self.allowed_hosts(row)):
            name = page_canonical  # rel=canonical / og:url: one article, one record
        item.source_name = name
        item.url = name
        item.path = response.url
        if row.source is not None and row.source.outlet and not item.outlet_name:
            item.outlet_name = row.source.outlet.name
        if self.since and item.published_on and item.published_on < self.since:
            self.counts["older than --since"] += 1
            self._capture(response, row)
            frontier.mark(row, State.SKIPPED, note=f"published {item.published_on} before --since", **common)
            return
        outcome = services.articles_ingest_batch(items=[item], lookups=self.lookups)[0]
        if outcome.status == services.FAILED:
            self.counts["failed"] += 1
            self._capture(response, row)
            frontier.mark(row, State.FAILED, note=outcome.reason[:2000], **common)
            return
        self.counts[outcome.status] += 1
        if outcome.status in (services.NEW, services.UPDATED) and outcome.article.needs_review:
            self.counts["flagged"] += 1
        article = outcome.article if outcome.article.pk else None
        self._capture(response, row, article)
        if outcome.status in (services.NEW, services.UPDATED):  # before the page counts as done:
            self._enqueue_requisites(row, html, response.url, article)  # a kill between loses none
        frontier.mark(row, State.DONE, article=article, gone_at=None, note="", **common)
        if name != row.url:  # the canonical address counts as fetched: never fetched again on its own
            CrawlURL.objects.update_or_create(
                url=name,
                defaults={
                    "host": host_of(name),
                    "source": row.source,
                    "kind": Kind.ARTICLE,
                    "state": State.DONE,
                    "run": None,
                    "article": article,
                    "fetched_at": common["fetched_at"],
                    "http_status": response.status,
                    "etag": common["etag"],
                    "last_modified": common["last_modified"],
                    "digest": common["digest"],
                },
            )

    def handle_failure(self, request, reason: str, blocked: bool = False) -> None:
        row: CrawlURL | None = request.meta.get("row")
        if row is None:
            return
        try:
            if blocked:
                self.counts["blocked by robots.txt"] += 1
                frontier.mark(row, State.BLOCKED, note=reason[:2000], fetched_at=timezone.now())
            elif "host not allowed" in reason:
                self.counts["redirected off-site"] += 1
                frontier.mark(row, State.SKIPPED, note=reason[:2000], fetched_at=timezone.now())
            else:
                # a page's image that timed out does not make the run a failure; the page's would
                self.counts["page resources failed" if row.kind == Kind.RESOURCE else "failed"] += 1
                tries = request.meta.get("retry_times", 0)
                frontier.mark(
                    row,
                    State.FAILED,
                    note=f"{reason} (after {tries} retries)"[:2000],
                    fetched_at=timezone.now(),
                    attempts=row.attempts + 1,
                )
        finally:
            self._done_with(row)

    # --- the end ---------------------------------------------------------------------------------

    def summary(self) -> str:
        c = self.counts
        elapsed = time.monotonic() - self.started
        left = frontier.pending_count(self.sources if self.sources is not None and not self.urls else None)
        extra = ", ".join(
            f"{c[k]} {k}"
            for k in (
                "page resources",
                "page resources failed",
                "gone",
                "blocked by robots.txt",
                "redirected off-site",
                "older than --since",
                "reclaimed",
            )
            if c[k]
        )
        return (
            f"{c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged, {c['duplicate']} duplicate, "
            f"{c['failed']} failed, {c['flagged']} flagged for review; {c['fetched']} pages fetched "
            f"({c['not modified']} not modified){', ' + extra if extra else ''}, {left} left in the queue "
            f"({elapsed:.1f} s, {c['fetched'] / elapsed if elapsed else 0:.1f} pages/s)"
        )

    def finish(self, *, ok: bool) -> str:
        text = self.summary()
        if self.warc is not None:
            self.warc.close()
        if self.run is not None:
            status = self.run.Status.DONE if ok else self.run.Status.STOPPED
            frontier.run_finish(self.run, status=status, counts=dict(self.counts), summary=text)
        for source in self.sources or []:
            Source.objects.filter(pk=source.pk).update(
                last_run_at=timezone.now(), last_run_ok=ok and not self.counts["failed"], last_run_result=text
            )
        return text


def _guess_kind(url: str) -> str:
    path = urlsplit(url).path.lower()
    if "sitemap" in path and path.endswith((".xml", ".xml.gz")):
        return Kind.SITEMAP
    if path.endswith((".rss", "/rss", "/feed", "/feed/", ".atom", "rss.xml", "atom.xml", "feed.xml")):
        return Kind.FEED
    if path.endswith((".html", ".htm")) and not any(
        k in path for k in ("chuyen-muc", "danh-muc", "category")
    ):
        return Kind.ARTICLE
    return Kind.LISTING


def scrapy_settings(harvest: Harvest, verbosity: int = 1) -> dict:
    options = harvest.options
    delays = harvest.delays()
    floor = min(delays.values(), default=options["MIN_DELAY"])
    return {
        "BOT_NAME": "danvan",
        "USER_AGENT": options["USER_AGENT"].format(contact=options["CONTACT_URL"]),
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_PARSER": "scrapy.robotstxt.ProtegoRobotParser",
        "ROBOTSTXT_USER_AGENT": "DanVanArchive",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "TWISTED_REACTOR": REACTOR,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": floor,
        "DOWNLOAD_DELAY_JITTER": 0,  # a random delay would go below the configured one half the time
        "DOWNLOAD_SLOTS": {host: {"delay": d, "concurrency": 1, "jitter": 0} for host, d in delays.items()},
        "AUTOTHROTTLE_ENABLED": True,  # lengthens a slow host's delay; PoliteMiddleware keeps the floor
        "AUTOTHROTTLE_START_DELAY": floor,
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": options["TIMEOUT"],
        "DOWNLOAD_MAXSIZE": options["MAX_BYTES"],
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_FAIL_ON_DATALOSS": True,
        "REDIRECT_MAX_TIMES": options["MAX_REDIRECTS"],
        "RETRY_ENABLED": False,  # PoliteMiddleware retries, with Retry-After and backoff
        "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",  # the database frontier dedupes
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,  # per source, below
            "archive.harvest.middlewares.AllowedHostsMiddleware": 50,
            "archive.harvest.middlewares.PoliteMiddleware": 540,
            "archive.harvest.middlewares.WarcMiddleware": 950,
        },
        "HARVEST_OPTIONS": {k: options[k] for k in ("RETRIES", "BACKOFF", "MAX_RETRY_AFTER")},
        "HARVEST_FLOORS": delays,
        "LOG_LEVEL": "DEBUG" if verbosity > 2 else "INFO" if verbosity > 1 else "WARNING",
        "STATS_DUMP": verbosity > 1,
    }


def crawl(
    make_harvest: Callable[[], Harvest],
    *,
    on_round_end: Callable[[Harvest, bool], object],
    verbosity: int = 1,
    loop_seconds: float | None = None,
) -> None:
    """Run one crawl in this process, or one every `loop_seconds` (Twisted's reactor runs once per
    process, so rounds share it). `on_round_end(harvest, finished)` reports and indexes each round."""
    from scrapy.utils.log import configure_logging
    from scrapy.utils.reactor import install_reactor

    install_reactor(REACTOR)
    from scrapy.crawler import Crawler, CrawlerRunner
    from twisted.internet import defer, reactor
    from twisted.internet.task import deferLater

    from archive.harvest.spider import HarvestSpider

    # Django's logging prints; Scrapy's own root handler would print every line twice.
    configure_logging(install_root_handler=False)
    level = logging.WARNING if verbosity < 2 else logging.INFO if verbosity == 2 else logging.DEBUG
    for name in ("scrapy", "twisted", "protego"):
        logging.getLogger(name).setLevel(level)
    errors: list[BaseException] = []
    state: dict = {"stopping": False, "crawler": None}

    def stop(signum, frame) -> None:
        # Ctrl-C / SIGTERM: the crawl closes as Scrapy does (requests in flight are answered), the
        # round reports and gives its claimed URLs back; between rounds the loop just ends.
        if state["stopping"]:
            os._exit(130)  # a second signal: now
        state["stopping"] = True
        crawler = state["crawler"]
        reactor.callFromThread(crawler.stop if crawler is not None else reactor.stop)

    @defer.inlineCallbacks
    def rounds():
        try:
            while not state["stopping"]:
                harvest = make_harvest()
                finished = False
                try:
                    settings_ = scrapy_settings(harvest, verbosity)
                    harvest.begin()
                    state["crawler"] = Crawler(HarvestSpider, settings_)
                    yield CrawlerRunner().crawl(state["crawler"], harvest=harvest)
                    finished = not state["stopping"]
                finally:
                    state["crawler"] = None
                    on_round_end(harvest, finished)
                if loop_seconds is None or state["stopping"]:
                    break
                yield deferLater(reactor, loop_seconds, lambda: None)
        except BaseException as err:  # noqa: BLE001 — raised again below, for the command to report
            errors.append(err)
        finally:
            if reactor.running:
                reactor.stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        reactor.callWhenRunning(rounds)
        reactor.run(installSignalHandlers=False)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    connection.close()
    if errors:
        raise errors[0]
