"""Article pages saved as HTML: metadata first (og:title, article:published_time, JSON-LD), then text.

html.parser (stdlib) rather than lxml: one dependency fewer, and it is lenient with broken markup.
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag

from .dates import parse_iso
from .normalize import normalize_line, normalize_text

# Elements that never hold the article.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
)
# Containers that usually hold the article body, most specific first.
_BODY_SELECTORS = (
    "[itemprop=articleBody]",
    "article .content",
    "article",
    ".detail-content",
    ".article-body",
    ".article-content",
    ".post-content",
    ".entry-content",
    ".content-detail",
    ".detail",
    "main",
    "body",
)
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "li", "blockquote", "figcaption", "div", "td", "br", "tr")
_TITLE_SEP = re.compile(r"\s+[-|–—]\s+[^-|–—]+$")


def _meta(soup: BeautifulSoup, *keys: str) -> str:
    for key in keys:
        tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
        if isinstance(tag, Tag) and tag.get("content"):
            return str(tag["content"]).strip()
    return ""


_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting"}


def _json_ld(soup: BeautifulSoup) -> dict:
    """The page's JSON-LD article (NewsArticle first), also inside @graph or a list."""
    found: list[dict] = []
    for tag in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(tag.string or "")
        except (ValueError, TypeError, RecursionError):
            continue
        items = (
            data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        )
        found += [item for item in items if isinstance(item, dict)]
    for item in found:
        kinds = item.get("@type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        if kinds & _ARTICLE_TYPES:
            return item
    for item in found:
        if "datePublished" in item or "headline" in item:
            return item
    return {}


def _names(value) -> list[str]:
    """Author names from JSON-LD (a string, a Person, a list of either) or a meta tag."""
    if isinstance(value, str):
        return [n for n in (normalize_line(x) for x in re.split(r"\s*[,;]\s*|\s+-\s+", value)) if n]
    if isinstance(value, dict):
        return _names(value.get("name", ""))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _meta_all(soup: BeautifulSoup, key: str) -> list[str]:
    return [
        str(t["content"]).strip()
        for t in soup.find_all("meta", attrs={"property": key}) + soup.find_all("meta", attrs={"name": key})
        if isinstance(t, Tag) and t.get("content")
    ]


def _authors(soup: BeautifulSoup, ld: dict) -> tuple[list[str], str]:
    """Bylines the page declares, and where: JSON-LD author, article:author, meta author."""
    names = _names(ld.get("author"))
    if names:
        return names, "JSON-LD author"
    names = [n for v in _meta_all(soup, "article:author") if not v.startswith("http") for n in _names(v)]
    if names:
        return names, "article:author"
    names = [n for v in _meta_all(soup, "author") for n in _names(v)]
    return (names, "meta author") if names else ([], "")


def _text_lines(node: Tag) -> str:
    """Block-level text, one block a line (the text pipeline treats lines as paragraphs).

    One walk, building the text: inserting line breaks into the tree (insert_before/after) looks up
    each block's place among its siblings, quadratic: 25,000 <p> took 93 s (issue #16).
    """
    types = node.interesting_string_types or Tag.MAIN_CONTENT_STRING_TYPES
    if isinstance(types, type):
        types = {types}
    out: list[str] = []
    stack: list[PageElement | None] = list(reversed(node.contents))
    while stack:
        element = stack.pop()
        if element is None:  # the end of a block
            out.append("\n")
        elif isinstance(element, NavigableString):
            if type(element) in types:
                out.append(element)
        elif element.name == "br":
            out.append("\n")
        else:
            if element.name in _BLOCKS:
                out.append("\n")
                stack.append(None)
            stack.extend(reversed(element.contents))
    return "".join(out)


def parse_page(raw: str) -> dict:
    """Everything the page tells us besides the body: title, date, outlet, url, body and footer text."""
    soup = BeautifulSoup(raw, "html.parser")
    ld = _json_ld(soup)
    title = _meta(soup, "og:title", "twitter:title") or str(ld.get("headline") or "")
    if not title:
        h1 = soup.find("h1")
        title = h1.get_text(" ") if h1 else ""
    if not title and soup.title:
        title = _TITLE_SEP.sub("", soup.title.get_text(" ").strip())
    title = normalize_line(title)

    published, date_source = "", ""
    for key in ("article:published_time", "pubdate", "date"):
        if value := _meta(soup, key):
            published, date_source = value, key
            break
    if not published and ld.get("datePublished"):
        published, date_source = str(ld["datePublished"]), "JSON-LD datePublished"
    if not published:
        t = soup.find("time", attrs={"datetime": True})
        published = str(t["datetime"]) if isinstance(t, Tag) else ""
        date_source = "<time datetime>" if published else ""
    day, at = parse_iso(published) if published else (None, None)
    if day is None:
        date_source = ""
    authors, authors_source = _authors(soup, ld)
    section = _meta(soup, "article:section") or (
        ", ".join(map(str, ld["articleSection"]))
        if isinstance(ld.get("articleSection"), list)
        else str(ld.get("articleSection") or "")
    )

    publisher = ld.get("publisher")
    outlet_name = _meta(soup, "og:site_name") or (
        str(publisher.get("name", "")) if isinstance(publisher, dict) else ""
    )
    url = _meta(soup, "og:url")
    if not url:
        link = soup.find("link", attrs={"rel": "canonical"})
        url = str(link.get("href", "")) if isinstance(link, Tag) else ""

    footer = " \n".join(f.get_text(" ") for f in soup.find_all("footer"))
    # A byline outside the body container ("<div class=byline>Lò Thị Thu | 22/02/2024</div>").
    byline_tag = soup.select_one("[class*=byline], [class*=author], [rel=author]")
    byline = normalize_line(byline_tag.get_text(" ")) if isinstance(byline_tag, Tag) else ""
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    body = None
    for selector in _BODY_SELECTORS:
        body = soup.select_one(selector)
        if body is not None and body.get_text(strip=True):
            break
    if body is None:
        body = soup
    for h1 in body.find_all("h1"):
        h1.decompose()  # the title is taken from the metadata; the headline is not body text
    return {
        "title": title,
        "published_on": day,
        "published_time": at,
        "outlet_name": normalize_line(outlet_name),
        "url": url,
        "text": normalize_text(_text_lines(body)),
        "footer": [normalize_line(x) for x in footer.split("\n") if x.strip()],
        "byline": byline,
        "date_source": date_source,
        "authors": authors,
        "authors_source": authors_source,
        "section": normalize_line(section),
    }
