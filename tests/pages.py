"""Page checks shared by the tests of every page at real volume (issue #19): the language check
(no interface string of the other language; content set apart by lang="vi" or named in the
database), the link crawl from the home page, and the home tiles adding up to the archive."""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import polib
from django.urls import Resolver404, resolve

LOCALE = Path(__file__).resolve().parents[1] / "locale"
# A letter Vietnamese writes and English does not (precomposed: pages are NFC).
VIETNAMESE_LETTER = re.compile(r"[À-ÖØ-öø-ỹ]")  # not × ÷
# Names that stay as they are in both languages.
PROPER = ("Dân vận Archive", "Tiếng Việt")
CHECKED_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
SKIPPED = ("script", "style")
VOID = {"meta", "link", "input", "img", "br", "hr", "source", "area", "base", "col", "wbr", "rect", "path"}


class _Interface(HTMLParser):
    """The text and labelling attributes of a page, minus what is marked as another language."""

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, set apart)
        self.page_lang = page_lang
        self.texts: list[str] = []

    @property
    def apart(self) -> bool:
        return any(a for _, a in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        apart = tag in SKIPPED or (lang is not None and tag != "html" and lang != self.page_lang)
        if not (apart or self.apart):
            for key in CHECKED_ATTRIBUTES:
                if attrs.get(key):
                    self.texts.append(attrs[key])
        if tag not in VOID:
            self.stack.append((tag, apart))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.apart and data.strip():
            self.texts.append(data)


def interface_texts(html: str, lang: str) -> list[str]:
    parser = _Interface(lang)
    parser.feed(html)
    return parser.texts


def content_names() -> list[str]:
    """What the archive stores and shows as it is: names, positions, places, authors, titles."""
    from archive.models import Article, ArticleOfficial, Event, Official, Outlet, Province

    names: set[str] = set()
    # Not full names ("Tỉnh Long An", "Thành phố Hà Nội"): their first words are interface, and
    # an aggregator's outlet ("baomoi.com (trang tổng hợp, …)") is a site name plus interface.
    names |= set(Province.objects.values_list("name", flat=True))
    names |= {n.split(" (")[0] for n in Outlet.objects.values_list("name", flat=True)}
    names |= set(Official.objects.values_list("name", flat=True))
    names |= set(ArticleOfficial.objects.values_list("position", flat=True))
    names |= set(Event.objects.values_list("location", flat=True))
    for title, district, authors in Article.objects.values_list("title", "district", "authors"):
        names |= {title, title[:79] + "…", district, *(authors or [])}
    return sorted((n for n in names if n and VIETNAMESE_LETTER.search(n)), key=len, reverse=True)


def english_strings() -> set[str]:
    """The English interface: every translation in locale/en (placeholders cut out)."""
    out = set()
    for entry in polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po")):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for part in re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\{\w+\}", text):
                part = part.strip(" .,:;()·—-")
                if len(part) >= 8 and " " in part and not VIETNAMESE_LETTER.search(part):
                    out.add(part)
    return out


def leaks(html: str, lang: str, names: list[str], english: set[str]) -> list[str]:
    """Interface strings of the other language on a page of `lang` (content set apart)."""
    names = [n for n in (*PROPER, *names) if n in html or escape(n) in html]
    english = [e for e in english if e in html or escape(e) in html] if lang == "vi" else []
    found = []
    for text in interface_texts(html, lang):
        text = " ".join(text.split())
        for name in names:
            if name in text:
                text = text.replace(name, " ")
        if lang == "en" and VIETNAMESE_LETTER.search(text):
            found.append(text.strip())
        found += [e for e in english if e in text]
    return found


# --- the crawl ---------------------------------------------------------------------------------

LINK = re.compile(r'<(?:a|link)\b[^>]*?\bhref="([^"#]*)', re.I)
PER_ROUTE = 6  # level-two links followed per (view, parameter names): enough to see every shape


def _route(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ("?", parts.path)
    params = tuple(sorted({p.split("=")[0] for p in parts.query.split("&") if p}))
    return (match.view_name, params)


def crawl(client, lang: str) -> dict[str, tuple[int, str]]:
    """Home page, every link on it, and up to PER_ROUTE links of each shape found on those:
    {url: (status, the page's HTML or "")}."""
    client.cookies["django_language"] = lang
    seen: dict[str, tuple[int, str]] = {}

    def get(url: str) -> str:
        response = client.get(url)
        kind = response.get("Content-Type", "")
        html = response.content.decode() if "html" in kind and response.status_code == 200 else ""
        seen[url] = (response.status_code, html)
        return html

    def links(html: str, base: str) -> list[str]:
        out = []
        for href in LINK.findall(html):
            href = href.replace("&amp;", "&")
            url = urljoin(base, href)
            parts = urlsplit(url)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            if not url.startswith(("/admin/", "/i18n/", "/static/")):
                out.append(url)
        return out

    home = get("/")
    level1 = list(dict.fromkeys(links(home, "/")))
    per_route: dict[tuple, int] = defaultdict(int)
    level2 = []
    pages = {}
    for url in level1:
        if url not in seen:
            pages[url] = get(url)
    for url, html in pages.items():
        for link in links(html, url):
            route = _route(link)
            if link not in seen and link not in level2 and per_route[route] < PER_ROUTE:
                per_route[route] += 1
                level2.append(link)
    for url in level2:
        get(url)
    return seen
