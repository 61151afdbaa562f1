"""Scrapy downloader middlewares: politeness (hosts, Retry-After, backoff, delay floor) and WARC capture."""

from __future__ import annotations

import email.utils
import time

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from twisted.internet import reactor
from twisted.internet.task import deferLater

from archive.harvest.urls import host_allowed

RETRY_STATUSES = {429, 500, 502, 503, 504}


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Retry-After as seconds: "120" or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _sleep(seconds: float):
    return deferLater(reactor, seconds, lambda: None)


class AllowedHostsMiddleware:
    """Drops a request (a redirect to another site, a link out) whose host is not its source's.

    First in the chain (order 50, before robots.txt is fetched for the host): another site's
    server is never contacted at all.
    """

    def process_request(self, request, spider=None):
        allowed = request.meta.get("allowed_hosts")
        if allowed is not None and not host_allowed(request.url, allowed):
            raise IgnoreRequest(f"host not allowed for this source: {request.url}")
        return None


class PoliteMiddleware:
    """One rule set for every request the harvester makes.

    - a host that answered 429/5xx, or timed out, is paused before its next request: for its
      `Retry-After` when it gave one, else `BACKOFF` seconds doubling with each failure in a row;
      the request is retried `RETRIES` times at most, and a `Retry-After` longer than
      `MAX_RETRY_AFTER` leaves the URL for a later run;
    - a host's delay never drops below its source's (AutoThrottle may only lengthen it).
    """

    def __init__(self, crawler, options: dict, floors: dict[str, float]) -> None:
        self.crawler = crawler
        self.retries = options["RETRIES"]
        self.backoff = options["BACKOFF"]
        self.max_retry_after = options["MAX_RETRY_AFTER"]
        self.floors = floors  # hostname → seconds
        self.paused_until: dict[str, float] = {}
        self.failures: dict[str, int] = {}
        self.seen: set[str] = set()
        crawler.signals.connect(self._downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            crawler, crawler.settings.getdict("HARVEST_OPTIONS"), crawler.settings.getdict("HARVEST_FLOORS")
        )

    def _slot(self, request):
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        return key, downloader.slots.get(key)

    def _downloaded(self, response, request, spider=None) -> None:
        """Runs as a response arrives, before the downloader sends the host's next request (the
        middlewares' process_response comes after that): the place to pause the host."""
        key, slot = self._slot(request)
        floor = self.floors.get(key)
        if slot is not None and floor is not None and slot.delay < floor:
            slot.delay = floor  # after AutoThrottle's handler: it may lengthen the delay, never shorten it
        if response.status not in RETRY_STATUSES:
            return
        seconds = retry_after_seconds(response.headers.get(b"Retry-After"))
        if seconds is not None and seconds > self.max_retry_after:
            return
        pause = self._pause(request, seconds)
        if slot is not None:
            # The downloader waits `delay - (now - lastseen)` before the slot's next request.
            if not slot.delay:
                slot.delay = 0.001
            slot.lastseen = max(slot.lastseen, time.monotonic() + pause - slot.delay)

    async def process_request(self, request, spider=None):
        key, _ = self._slot(request)
        if key not in self.seen:
            # A run's first request to a host waits one delay too: the run before it (killed, or on
            # another machine) may have asked that host a moment ago.
            self.seen.add(key)
            self.paused_until[key] = max(
                self.paused_until.get(key, 0.0), time.monotonic() + self.floors.get(key, 0)
            )
        wait = self.paused_until.get(key, 0.0) - time.monotonic()
        if wait > 0:
            await _sleep(wait)
        return None

    def _pause(self, request, seconds: float | None) -> float:
        key, _ = self._slot(request)
        self.failures[key] = self.failures.get(key, 0) + 1
        pause = seconds if seconds is not None else self.backoff * 2 ** (self.failures[key] - 1)
        self.paused_until[key] = max(self.paused_until.get(key, 0.0), time.monotonic() + pause)
        return pause

    def _retry(self, request, reason: str):
        tries = request.meta.get("retry_times", 0) + 1
        if tries > self.retries:
            return None
        retry = request.copy()
        retry.meta["retry_times"] = tries
        retry.meta.setdefault("retry_reasons", []).append(reason)
        retry.dont_filter = True
        retry.priority = request.priority + 1
        self.crawler.stats.inc_value("harvest/retries")
        return retry

    def process_response(self, request, response, spider=None):
        key, _ = self._slot(request)
        if response.status not in RETRY_STATUSES:
            self.failures.pop(key, None)
            return response
        seconds = retry_after_seconds(response.headers.get(b"Retry-After"))
        if seconds is not None and seconds > self.max_retry_after:
            request.meta["gave_up"] = f"Retry-After {seconds:.0f} s is longer than this run waits"
            return response
        return self._retry(request, f"HTTP {response.status}") or response  # paused in _downloaded

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, IgnoreRequest) or "max size" in str(exception):
            return None  # refused, or too large: asking again changes nothing
        self._pause(request, None)
        return self._retry(request, type(exception).__name__)


def _header_pairs(headers) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


class WarcMiddleware:
    """Writes every response the downloader returns, as it came (still compressed), with its request.

    Sits next to the downloader (order 950): it sees redirects, 429s and 5xx before the other
    middlewares act on them. The pointer goes in `request.meta["warc"]` for the spider to store.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        pointer = self.crawler.spider.harvest.warc.write(
            url=response.url,
            method=request.method,
            request_headers=_header_pairs(request.headers),
            request_body=request.body or b"",
            status=response.status,
            reason="",
            response_headers=_header_pairs(response.headers),
            body=response.body,
            protocol=getattr(response, "protocol", None) or "HTTP/1.1",
            ip=str(response.ip_address or ""),
        )
        request.meta["warc"] = pointer
        return response
