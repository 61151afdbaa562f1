"""A captured page's requisites (its stylesheets and images): which to fetch, and how "bản lưu gốc"
points them at the archive's copies (pure functions, no Django; issue #17).

The same reading serves both sides: the harvester asks for what `page_requisites` lists, and the
capture view rewrites exactly those references, so what was fetched is what gets shown. A reference
with no captured copy is left as it is: the page's sandboxing policy blocks it (never fetched live).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from archive.extract.warcfile import HTML_TYPES  # noqa: F401 — the pages "bản lưu gốc" reads
from archive.harvest.urls import canonical

# What a captured requisite may be served as: a stylesheet, an image, a font. Anything else a page
# named (a script, a page) is not served as one.
RESOURCE_TYPES = ("text/css", "image/", "font/", "application/font-woff", "application/x-font-woff")

Lookup = Callable[[str], str | None]  # a resource's canonical address → its archive address, or None
Find = Callable[[list[str]], Lookup]  # the addresses a page names → how to look each one up (one query)

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.IGNORECASE)


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _base(soup: BeautifulSoup, page_url: str) -> str:
    tag = soup.find("base", href=True)
    return urljoin(page_url, str(tag["href"]).strip()) if isinstance(tag, Tag) else page_url


def _srcset(value: str) -> list[tuple[str, str]]:
    """(url, descriptor) of each candidate of a srcset."""
    out = []
    for part in value.split(","):
        bits = part.strip().split()
        if bits:
            out.append((bits[0], " ".join(bits[1:])))
    return out


def _is_stylesheet(tag: Tag) -> bool:
    rel = tag.get("rel") or []
    rels = rel if isinstance(rel, list) else str(rel).split()
    return "stylesheet" in [r.lower() for r in rels] and bool(tag.get("href"))


def _references(soup: BeautifulSoup) -> list[tuple[Tag, str, str]]:
    """(tag, attribute, raw reference) in fetch order: stylesheets, then the images of the main
    content (`<article>`, `<main>`), then the page's other images."""
    sheets = [(t, "href", str(t["href"])) for t in soup.find_all("link") if _is_stylesheet(t)]
    main = [t for box in soup.find_all(["article", "main"]) for t in box.find_all("img")]
    seen = {id(t) for t in main}
    images = main + [t for t in soup.find_all("img") if id(t) not in seen]
    refs = list(sheets)
    for tag in images:
        if tag.get("src"):
            refs.append((tag, "src", str(tag["src"])))
        if tag.get("srcset"):
            refs += [(tag, "srcset", url) for url, _ in _srcset(str(tag["srcset"]))]
    return refs


def page_requisites(html: str, page_url: str, *, limit: int) -> list[str]:
    """The canonical addresses of the page's stylesheets and images, at most `limit`, in fetch order."""
    soup = _soup(html)
    base = _base(soup, page_url)
    out: list[str] = []
    for _tag, _attr, ref in _references(soup):
        url = canonical(ref, base)
        if url and url not in out:
            out.append(url)
            if len(out) >= limit:
                break
    return out


def rewrite_page(html: str, page_url: str, find: Find) -> tuple[str, int]:
    """The page with each captured stylesheet and image pointing at the archive's copy, and how many
    references were rewritten (`find` is given every address the page names, once). Candidates of a
    `srcset` with no copy are dropped (the browser could pick one and show nothing where `src` has a
    copy)."""
    soup = _soup(html)
    base = _base(soup, page_url)
    references = _references(soup)
    lookup = find(sorted({u for _t, _a, ref in references if (u := canonical(ref, base))}))
    done = 0
    for tag, attr, ref in references:
        if attr == "srcset":
            continue
        local = lookup(canonical(ref, base))
        if local:
            tag[attr] = local
            done += 1
    for tag in soup.find_all("img", srcset=True):
        kept = []
        for url, descriptor in _srcset(str(tag["srcset"])):
            local = lookup(canonical(url, base))
            if local:
                kept.append(f"{local} {descriptor}".strip())
        done += len(kept)
        if kept:
            tag["srcset"] = ", ".join(kept)
        else:
            del tag["srcset"]
    for tag in soup.find_all("base"):
        tag.decompose()  # every reference left is absolute or the archive's: a base would only mislead
    return str(soup), done


def css_references(css: str, css_url: str) -> list[str]:
    """The canonical addresses a stylesheet refers to (`url(…)`, `@import`)."""
    out = []
    for m in _CSS_URL.finditer(css):
        url = canonical(m.group(2) or m.group(4), css_url)
        if url and url not in out:
            out.append(url)
    return out


def rewrite_css(css: str, css_url: str, lookup: Lookup) -> str:
    """`url(…)` and `@import` of a captured stylesheet pointed at the archive's copies where there
    are some; the others are left (blocked by the page's policy)."""

    def swap(m: re.Match) -> str:
        ref = m.group(2) or m.group(4)
        local = lookup(canonical(ref, css_url))
        if not local:
            return m.group(0)
        return f'url("{local}")' if m.group(2) else f'@import "{local}"'

    return _CSS_URL.sub(swap, css)
