"""Harvesting (issue #17, docs/harvesting.md): politeness and limits, each overridable from the environment."""

from pathlib import Path

import environ

env = environ.Env()
_VAR = Path(__file__).resolve().parent.parent.parent / "var"

HARVEST = {
    # Who we are: every request says so, with a page explaining the archive and how to reach us.
    "USER_AGENT": env(
        "HARVEST_USER_AGENT",
        default="DanVanArchive/1.0 (+{contact}; lưu trữ tin dân vận, thu thập chậm, tuân thủ robots.txt)",
    ),
    "CONTACT_URL": env("HARVEST_CONTACT_URL", default="https://github.com/danvan-archive/danvan#thu-thap"),
    # Seconds between two requests to one host, at the least: a source may ask for more, never less
    # (only loopback hosts, the tests' and the benchmark's, may go below).
    "MIN_DELAY": env.float("HARVEST_MIN_DELAY", default=1.0),
    # Added to every non-zero delay: at load average 6 the server saw gaps 32 ms short of the delay
    # Scrapy kept between sending two requests (connection set-up, thread scheduling).
    "DELAY_MARGIN": env.float("HARVEST_DELAY_MARGIN", default=0.1),
    "TIMEOUT": env.float("HARVEST_TIMEOUT", default=30.0),  # seconds per response
    "MAX_BYTES": env.int("HARVEST_MAX_BYTES", default=10_000_000),  # per response, after decompression
    "MAX_REDIRECTS": env.int("HARVEST_MAX_REDIRECTS", default=5),
    "RETRIES": env.int("HARVEST_RETRIES", default=3),  # on 429, 5xx, timeouts and broken responses
    "BACKOFF": env.float("HARVEST_BACKOFF", default=10.0),  # first pause after a 429/5xx; doubles
    "MAX_RETRY_AFTER": env.float("HARVEST_MAX_RETRY_AFTER", default=3600.0),  # a longer ask: not this run
    # A new or changed article page's stylesheets and images ("bản lưu gốc" shows them): at most this
    # many a page, each at most this large; an unchanged page (a 304) asks for none.
    "RESOURCES_PER_PAGE": env.int("HARVEST_RESOURCES_PER_PAGE", default=30),
    "RESOURCE_MAX_BYTES": env.int("HARVEST_RESOURCE_MAX_BYTES", default=3_000_000),
    "WARC_DIR": env.path("HARVEST_WARC_DIR", default=str(_VAR / "warc")),
    "WARC_MAX_BYTES": env.int("HARVEST_WARC_MAX_BYTES", default=1_000_000_000),  # then a new file
    # A run that has not said it is alive for this long is dead: its claimed URLs go back to the queue.
    "LEASE_SECONDS": env.float("HARVEST_LEASE_SECONDS", default=120.0),
    "LOOP_SECONDS": env.float("HARVEST_LOOP_SECONDS", default=3600.0),  # --loop: pause between runs
}
