"""One article, one address: URL canonicalisation (pure, no Django)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that say how a reader arrived, never which page: dropped before a URL enters the frontier.
TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|zarsrc|"
    r"gidzl|ref|ref_src|source|cmpid|spm|share|s_cid|rss|from|fb_action_ids|fb_action_types)$",
    re.IGNORECASE,
)


def canonical(url: str, base: str | None = None) -> str:
    """The address a URL is stored under: absolute, http(s), lower-case host without default port,
    no fragment, no tracking parameters, the others sorted ("" when it is no web page address)."""
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    names = {name for name, _, _ in (p.partition("=") for p in parts.query.split("&")) if name}
    drop = [n for n in names if TRACKING.match(n)]
    if drop:
        url = url_query_cleaner(url, drop, remove=True, keep_fragments=False)
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port
    netloc = (
        host if port is None or (parts.scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    )
    path = parts.path or "/"
    return f"{parts.scheme}://{netloc}{path}" + (f"?{parts.query}" if parts.query else "")


def host_of(url: str) -> str:
    """ "127.0.0.2:8001" for http://127.0.0.2:8001/x: hosts are told apart by port too."""
    return urlsplit(url).netloc.lower()


def host_allowed(url: str, allowed: list[str]) -> bool:
    """Whether a URL's host (with or without port) is one of the source's hosts or under one of them."""
    parts = urlsplit(url)
    names = {parts.netloc.lower(), (parts.hostname or "").lower()}
    for entry in allowed:
        entry = entry.lower().strip().lstrip(".")
        if not entry:
            continue
        if entry in names or any(n.endswith("." + entry) for n in names):
            return True
    return False


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "localhost" or host.startswith("127.") or host == "::1"
