"""Article links out of feeds, sitemaps and listing pages (pure: bytes in, URLs out; no Django)."""

from __future__ import annotations

import re
import zlib
from datetime import datetime

from parsel import Selector

from archive.extract.dates import parse_iso

MAX_SITEMAP_BYTES = 50_000_000  # the sitemaps protocol's own limit, uncompressed


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime

            value = parsedate_to_datetime(text)  # RSS pubDate
        except (TypeError, ValueError):
            day, _ = parse_iso(text)
            return datetime(day.year, day.month, day.day) if day else None
    return value


def _xml(body: bytes) -> Selector:
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz
        body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_SITEMAP_BYTES)
    sel = Selector(body=body, type="xml")
    sel.remove_namespaces()
    return sel


def feed_links(body: bytes) -> list[tuple[str, datetime | None]]:
    """RSS 2.0 and Atom entries: (link, date)."""
    sel = _xml(body)
    out = []
    for item in sel.xpath("//item"):
        link = item.xpath("link/text()").get() or item.xpath("guid[not(@isPermaLink='false')]/text()").get()
        if link:
            out.append((link.strip(), _when(item.xpath("pubDate/text()").get())))
    for entry in sel.xpath("//entry"):
        link = (
            entry.xpath("link[@rel='alternate']/@href").get()
            or entry.xpath("link[not(@rel)]/@href").get()
            or entry.xpath("link/@href").get()
        )
        if link:
            when = entry.xpath("published/text()").get() or entry.xpath("updated/text()").get()
            out.append((link.strip(), _when(when)))
    return out


def sitemap_links(body: bytes) -> tuple[list[tuple[str, datetime | None]], list[str]]:
    """(pages with their news publication date or lastmod, child sitemaps of a sitemap index)."""
    sel = _xml(body)
    pages = []
    for url in sel.xpath("//urlset/url"):
        loc = url.xpath("loc/text()").get()
        if loc:
            when = url.xpath(".//publication_date/text()").get() or url.xpath("lastmod/text()").get()
            pages.append((loc.strip(), _when(when)))
    children = [loc.strip() for loc in sel.xpath("//sitemapindex/sitemap/loc/text()").getall()]
    return pages, children


def listing_links(
    html: str, *, article_selector: str = "", article_pattern: str = "", next_selector: str = ""
) -> tuple[list[str], list[str]]:
    """(article links, next-page links) of a listing page, as written in it (relative or not)."""
    sel = Selector(text=html)
    if article_selector:
        links = sel.css(article_selector).xpath("descendant-or-self::a/@href").getall()
    else:
        links = sel.css("a::attr(href)").getall()
    if article_pattern:
        pattern = re.compile(article_pattern)
        links = [link for link in links if pattern.search(link)]
    if next_selector:
        following = sel.css(next_selector).xpath("descendant-or-self::a/@href").getall()
    else:
        following = sel.css("link[rel=next]::attr(href), a[rel=next]::attr(href)").getall()
    return list(dict.fromkeys(links)), list(dict.fromkeys(following))
