"""The Scrapy spider: takes URLs from the database frontier, hands what it reads to `Harvest`.

Scrapy does the fetching (robots.txt through Protego, per-host slots and delays, AutoThrottle,
redirects, size and time limits); the database, not Scrapy's in-memory scheduler, decides what is
fetched, so a killed run loses nothing and two runs never fetch one URL.
"""

from __future__ import annotations

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from twisted.internet.task import LoopingCall

# Statuses the spider reads itself (others: redirects by Scrapy, 429/5xx retried by PoliteMiddleware).
HANDLED = [304, 400, 401, 403, 404, 410, 429, 451, 500, 502, 503, 504]


class HarvestSpider(scrapy.Spider):
    name = "harvest"

    def __init__(self, *args, harvest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.harvest = harvest
        self.ticker: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _opened(self, spider=None):
        self.ticker = LoopingCall(self._tick)
        self.ticker.start(1.0, now=False)

    def _closed(self, spider=None, reason=None):
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()

    def _tick(self):
        # Keep every host's queue topped up (idle only fires when all are empty) and say we live.
        self.harvest.heartbeat()
        for request in self._requests():
            self.crawler.engine.crawl(request)

    def _requests(self):
        for row in self.harvest.top_up():
            headers = {}
            if row.kind == "article" and row.etag:
                headers["If-None-Match"] = row.etag
            if row.kind == "article" and row.last_modified:
                headers["If-Modified-Since"] = row.last_modified
            yield scrapy.Request(
                row.url,
                callback=self.parse,
                errback=self.failed,
                dont_filter=True,
                headers=headers,
                priority=0 if row.kind == "article" else 10,
                meta={
                    "row": row,
                    "allowed_hosts": self.harvest.allowed_hosts(row),
                    "handle_httpstatus_list": HANDLED,
                    **(
                        {"download_maxsize": self.harvest.options["RESOURCE_MAX_BYTES"]}
                        if row.kind == "resource"
                        else {}
                    ),
                },
            )

    async def start(self):
        for request in self._requests():
            yield request

    def _idle(self, spider=None):
        requests = list(self._requests())
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests or self.harvest.in_flight():
            raise DontCloseSpider

    def parse(self, response):
        self.harvest.handle_response(response)
        yield from self._requests()  # the host's next URLs as soon as one is answered, not at the next tick

    def failed(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest):
            reason = str(failure.value)
            self.harvest.handle_failure(request, reason, blocked="Forbidden by robots.txt" in reason)
        else:
            self.harvest.handle_failure(request, f"{failure.type.__name__}: {failure.getErrorMessage()}")
        yield from self._requests()
