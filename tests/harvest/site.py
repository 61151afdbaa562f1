"""A loopback web that plays several outlets, for the harvester's tests and benchmark.

Real sockets on 127.0.0.x, threaded http.server; every request is logged with its arrival time,
its headers and a digest of the exact bytes sent back, so the tests can count from the server's
side (what was asked, when, and what the harvester was given). Nothing here reaches outside.
"""

from __future__ import annotations

import hashlib
import json
import struct
import threading
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PROVINCES = ["Lạng Sơn", "Long An", "Hòa Bình", "Nghệ An", "Bình Định", "Cà Mau"]
NAMES = [
    "Nguyễn Văn Hùng",
    "Trần Thị Mai",
    "Lê Quang Vinh",
    "Phạm Thu Hà",
    "Hoàng Minh Đức",
    "Đỗ Thị Lan",
    "Vũ Đình Khôi",
    "Bùi Thanh Tâm",
    "Đặng Hải Yến",
    "Ngô Bảo Châu",
    "Hà Văn Sơn",
]
WORDS = (
    "Ban Dân vận Tỉnh ủy phối hợp với Ủy ban Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội tổ chức "
    "hội nghị sơ kết công tác dân vận, phong trào thi đua Dân vận khéo, xây dựng nông thôn mới, chăm lo "
    "đời sống đồng bào dân tộc thiểu số, giải quyết kiến nghị của cử tri và người dân ở cơ sở"
).split()


@dataclass
class Page:
    """One article of the loopback web, and what its page declares (the truth the tests check)."""

    outlet: str  # "a", "b", "c", …
    path: str
    title: str
    published: datetime
    authors: list[str]
    section: str
    province: str
    paragraphs: list[str]
    style: str  # "og" (Open Graph + meta), "jsonld" (JSON-LD only + <time>), "time" (<time> + byline)
    encoding: str = "utf-8"
    version: int = 1
    status: int = 200  # 404 / 410 once it vanished
    images: list[str] = field(default_factory=list)  # <img src> in the article, besides its own figure
    resources: bool = False  # a stylesheet (shared by the outlet's pages) and a figure of its own

    @property
    def image_path(self) -> str:
        return "/anh/" + self.path.strip("/").replace("/", "-") + ".png"

    def text(self) -> str:
        paras = list(self.paragraphs)
        if self.version > 1:
            paras.append(f"Cập nhật lần {self.version}: bài viết đã được bổ sung thông tin mới về kết quả.")
        return "".join(f"<p>{p}</p>\n" for p in paras)


_SHAPES = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: part of the letter in Windows-1258


def encode_1258(text: str) -> bytes:
    """Windows-1258 as old Vietnamese sites wrote it: base letters (â, ơ, ư, …) and a combining tone."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", parts[0] + "".join(m for m in parts[1:] if m in _SHAPES))
        tones = "".join(m for m in parts[1:] if m not in _SHAPES)
        out += (base + tones).encode("cp1258")
    return bytes(out)


def make_paragraphs(n: int, seed: int, province: str, words: int = 60) -> list[str]:
    out = [
        f"Ngày {seed % 27 + 1}/{seed % 12 + 1}, Ban Dân vận Tỉnh ủy {province} tổ chức hội nghị "
        f"giao ban công tác dân vận quý {seed % 4 + 1}, số {seed}."
    ]
    for i in range(1, n):
        chunk = [WORDS[(seed * 7 + i * 13 + k) % len(WORDS)] for k in range(words)]
        out.append(" ".join(chunk).capitalize() + f" (mục {seed}.{i}).")
    return out


def render(page: Page, base: str, outlet_name: str) -> str:
    iso = page.published.strftime("%Y-%m-%dT%H:%M:%S+07:00")
    shown = page.published.strftime("%d/%m/%Y %H:%M")
    canonical = f"{base}{page.path}"
    head = [f'<meta charset="{page.encoding}">', f"<title>{page.title} - {outlet_name}</title>"]
    byline_html = figure = ""
    if page.resources:
        head.append(f'<link rel="stylesheet" href="{STYLESHEET}">')
        images = [page.image_path, *page.images]
        figure = "".join(f'<figure><img src="{src}" alt="Ảnh {n}"></figure>' for n, src in enumerate(images))
    if page.style == "og":
        head += [
            f'<meta property="og:title" content="{page.title}">',
            f'<meta property="og:site_name" content="{outlet_name}">',
            f'<meta property="og:url" content="{canonical}">',
            f'<meta property="article:published_time" content="{iso}">',
            f'<meta property="article:section" content="{page.section}">',
            *(f'<meta property="article:author" content="{a}">' for a in page.authors),
            f'<meta name="author" content="{", ".join(page.authors)}">',
            f'<link rel="canonical" href="{canonical}">',
        ]
    elif page.style == "jsonld":
        data = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "name": outlet_name, "url": base},
                {
                    "@type": "NewsArticle",
                    "headline": page.title,
                    "datePublished": iso,
                    "dateModified": iso,
                    "articleSection": page.section,
                    "author": [{"@type": "Person", "name": a} for a in page.authors],
                    "publisher": {"@type": "Organization", "name": outlet_name},
                    "mainEntityOfPage": canonical,
                },
            ],
        }
        head.append(f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>')
        head.append(f'<link rel="canonical" href="{canonical}">')
    else:
        byline_html = f'<p class="author">{", ".join(page.authors)}</p>'
    return (
        f'<!doctype html>\n<html lang="vi"><head>{"".join(head)}</head><body>\n'
        f'<header><nav><a href="/">Trang chủ</a> | <a href="/thoi-su">Thời sự</a> | Dân vận</nav>'
        f'<div class="clock">Thứ 2, 05/12/2026 | 08:00</div></header>\n'
        f'<main><article><span class="section">{page.section}</span><h1>{page.title}</h1>\n'
        f'<time datetime="{iso}">{shown}</time>{byline_html}\n'
        f'{figure}<div class="content">{page.text()}</div></article></main>\n'
        f"<footer>© {outlet_name} – cơ quan của Đảng bộ tỉnh {page.province}. Ghi rõ nguồn khi phát hành lại."
        f"</footer>\n<script>document.title += '!';</script></body></html>\n"
    )


STYLESHEET = "/giao-dien/bai.css"
# What the captured stylesheet does, for the browser to check: the title's colour, the text's rule.
STYLESHEET_TEXT = "h1 { color: rgb(0, 90, 0); }\n.content p { border-left: 3px solid rgb(0, 0, 200); }\n"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (a browser decodes it: naturalWidth == width)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def image_of(path: str) -> bytes:
    """The loopback outlets' image at `path`: its size follows from its name, so each differs."""
    n = int(hashlib.sha1(path.encode()).hexdigest()[:4], 16)
    return png(8 + n % 40, 6 + n % 20, (200, n % 256, 40))


@dataclass
class Outlet:
    key: str
    name: str
    host: str  # 127.0.0.x
    kind: str  # "wordpress", "portal", "listing", "foreign"
    pages: dict[str, Page] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}"


class LoopbackWeb:
    """The outlets, their servers and one shared request log."""

    def __init__(
        self, per_outlet: int = 8, extras: bool = True, spare: int = 0, resources: str = "c"
    ) -> None:
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.outlets: dict[str, Outlet] = {}
        self.extras = extras
        self.retry_once: dict[str, tuple[int, int]] = {}  # path → (status, Retry-After) answered once
        self.answered_once: set[str] = set()
        self.big_bytes = 3_000_000
        self.slow_seconds = 3.0
        styles = ["og", "jsonld", "time"]
        for n, (key, name, host, kind) in enumerate(
            [
                ("a", "Báo Thử Lạng Sơn", "127.0.0.1", "wordpress"),
                ("b", "Cổng thông tin Thử Long An", "127.0.0.2", "portal"),
                ("c", "Đài Thử Hòa Bình", "127.0.0.3", "listing"),
            ]
        ):
            outlet = Outlet(key, name, host, kind)
            for i in range(per_outlet):
                seed = n * 1000 + i
                province = PROVINCES[n]
                path = {
                    "wordpress": f"/2024/03/bai-{key}-{i}/",
                    "portal": f"/tin-tuc/bai-{key}-{i}.html",
                    "listing": f"/bai-viet/{i}",
                }[kind]
                outlet.pages[path] = Page(
                    outlet=key,
                    path=path,
                    title=f"Hội nghị dân vận số {seed} tại {province}: kết quả quý {i % 4 + 1}",
                    published=datetime(2024, 3, 1, 8, 30) + timedelta(days=i, hours=n),
                    authors=[NAMES[(seed * 3) % len(NAMES)], "Lò Thị Thu"]
                    if i % 2
                    else [NAMES[seed % len(NAMES)]],
                    section="Dân vận" if i % 3 else "Thời sự",
                    province=province,
                    paragraphs=make_paragraphs(4, seed, province),
                    style=styles[(n + i) % 3],
                    resources=key in resources,
                )
            self.outlets[key] = outlet
        self.outlets["x"] = Outlet("x", "Trang ngoài", "127.0.0.4", "foreign")
        if spare:  # a fourth outlet, listing pages only, for runs started side by side
            outlet = Outlet("d", "Báo Thử Cà Mau", "127.0.0.5", "listing")
            for i in range(spare):
                seed = 3000 + i
                outlet.pages[f"/bai-viet/{i}"] = Page(
                    outlet="d",
                    path=f"/bai-viet/{i}",
                    title=f"Dân vận khéo ở Cà Mau, mô hình số {seed}",
                    published=datetime(2024, 5, 1, 7, 0) + timedelta(days=i),
                    authors=[NAMES[seed % len(NAMES)]],
                    section="Dân vận",
                    province="Cà Mau",
                    paragraphs=make_paragraphs(3, seed, "Cà Mau"),
                    style=styles[i % 3],
                )
            self.outlets["d"] = outlet
        if extras:
            a, b = self.outlets["a"], self.outlets["b"]
            first_a = next(iter(a.pages.values()))
            first_a.encoding = "windows-1258"
            pages_b = list(b.pages.values())
            self.retry_once[pages_b[1].path] = (429, 2)
            self.retry_once[pages_b[2].path] = (503, 1)
        self.resources = resources

    # --- serving -----------------------------------------------------------------------------

    def start(self) -> LoopbackWeb:
        for outlet in self.outlets.values():
            handler = type("Handler", (_Handler,), {"web": self, "outlet": outlet})
            outlet.server = ThreadingHTTPServer((outlet.host, 0), handler)
            outlet.server.daemon_threads = True
            threading.Thread(target=outlet.server.serve_forever, daemon=True).start()
        if self.extras and "c" in self.resources:  # an image robots.txt forbids, one on another site
            first_c = next(iter(self.outlets["c"].pages.values()))
            first_c.images = ["/rieng-tu/anh-an.png", f"{self.outlets['x'].base}/anh-ngoai.png"]
        return self

    def stop(self) -> None:
        for outlet in self.outlets.values():
            if outlet.server is not None:
                outlet.server.shutdown()
                outlet.server.server_close()

    def record(self, entry: dict) -> None:
        with self.lock:
            self.log.append(entry)

    def requests(self, *, outlet: str | None = None, since: int = 0) -> list[dict]:
        with self.lock:
            rows = self.log[since:]
        return [r for r in rows if outlet is None or r["outlet"] == outlet]

    # --- what the tests configure as sources ------------------------------------------------

    def sources(self) -> list[dict]:
        specs = []
        for key, extra in (
            ("a", {}),
            (
                "b",
                {
                    "sitemaps": ["/sitemap.xml"],
                    "listings": ["/tin-tuc?page=1"],
                    "article_selector": "ul.news li a.title",
                },
            ),
            ("c", {"listings": ["/chuyen-muc/dan-van?page=1"], "max_listing_pages": 10}),
        ):
            if key not in self.outlets:
                continue
            o = self.outlets[key]
            spec = {
                "name": o.name,
                "slug": f"thu-{key}",
                "allowed_hosts": [f"{o.host}:{o.server.server_address[1]}"],
            }
            if key == "a":
                spec["feeds"] = [f"{o.base}/feed/"]
            else:
                spec["next_selector"] = "a.next"
            if key == "c":
                spec["article_pattern"] = r"/bai-viet/\d+"
            for name, value in extra.items():
                spec[name] = [f"{o.base}{v}" for v in value] if isinstance(value, list) else value
            specs.append(spec)
        return specs

    def spare_source(self) -> dict:
        d = self.outlets["d"]
        return {
            "name": d.name,
            "slug": "thu-d",
            "listings": [f"{d.base}/chuyen-muc/dan-van?page=1"],
            "article_pattern": r"/bai-viet/\d+",
            "next_selector": "a.next",
            "max_listing_pages": 50,
            "allowed_hosts": [f"{d.host}:{d.server.server_address[1]}"],
        }

    def truth(self, keys: str = "abc") -> dict[str, Page]:
        """Every article page of these outlets by its canonical URL."""
        out = {}
        for outlet in (self.outlets[k] for k in keys if k in self.outlets):
            for page in outlet.pages.values():
                out[f"{outlet.base}{page.path}"] = page
        return out


class _Handler(BaseHTTPRequestHandler):
    web: LoopbackWeb
    outlet: Outlet
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        arrived = time.time()
        status, headers, body, complete = self._answer()
        entry = {
            "t": arrived,
            "outlet": self.outlet.key,
            "host": self.outlet.host,
            "path": self.path,
            "ua": self.headers.get("User-Agent", ""),
            "if_none_match": self.headers.get("If-None-Match", ""),
            "if_modified_since": self.headers.get("If-Modified-Since", ""),
            "status": status,
            "sha1": hashlib.sha1(body).hexdigest(),
            "bytes": len(body),
            "complete": complete,
        }
        self.web.record(entry)
        try:
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            if complete:
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:  # truncated: promise more than is sent, then hang up
                self.send_header("Content-Length", str(len(body) * 2))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self) -> tuple[int, list[tuple[str, str]], bytes, bool]:
        web, outlet = self.web, self.outlet
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        html = [("Content-Type", "text/html; charset=utf-8")]
        if outlet.kind == "foreign":
            return 200, html, b"<html><body>another site</body></html>", True
        if path == "/robots.txt":
            rules = "User-agent: *\nDisallow: /wp-admin/\nDisallow: /rieng-tu/\nDisallow: /admin/\n"
            if outlet.kind == "portal":
                rules += f"Sitemap: {outlet.base}/sitemap.xml\n"
            return 200, [("Content-Type", "text/plain")], rules.encode(), True
        if path in web.retry_once and path not in web.answered_once:
            web.answered_once.add(path)
            status, after = web.retry_once[path]
            return status, [*html, ("Retry-After", str(after))], b"<html><body>busy</body></html>", True
        if path == STYLESHEET or path.startswith(("/anh/", "/rieng-tu/anh")):
            if not any(p.resources for p in outlet.pages.values()):
                return 404, html, b"<html><body>404</body></html>", True
            if path == STYLESHEET:
                return 200, [("Content-Type", "text/css")], STYLESHEET_TEXT.encode(), True
            return 200, [("Content-Type", "image/png")], image_of(path), True
        if path == "/feed/" and outlet.kind == "wordpress":
            return 200, [("Content-Type", "application/rss+xml; charset=utf-8")], self._feed(), True
        if outlet.kind == "portal" and path.startswith("/sitemap"):
            return 200, [("Content-Type", "application/xml")], self._sitemap(path), True
        if path in ("/tin-tuc", "/chuyen-muc/dan-van"):
            return 200, html, self._listing(path, int(query.get("page", ["1"])[0])), True
        if web.extras and outlet.kind == "wordpress" and path.startswith("/cu/"):
            return 301, [("Location", "/tam/" + path[len("/cu/") :])], b"", True
        if web.extras and outlet.kind == "wordpress" and path.startswith("/tam/"):
            return 302, [("Location", "/2024/03/" + path[len("/tam/") :])], b"", True
        if web.extras and path == "/bai-viet/9999":
            foreign = web.outlets["x"]
            return 302, [("Location", f"{foreign.base}/bai-ngoai")], b"", True
        if web.extras and path == "/rieng-tu/bai-an/":
            return 200, html, b"<html><body>secret</body></html>", True
        if web.extras and path == "/bai-lon.html":
            filler = "<p>" + "Nội dung rất dài của trang quá lớn. " * 40 + "</p>\n"
            body = ("<html><body><article>" + filler * (web.big_bytes // len(filler.encode()) + 1)).encode()
            return 200, html, body, True
        if web.extras and path == "/bai-cham.html":
            time.sleep(web.slow_seconds)
            return 200, html, b"<html><body><article><p>cham</p></article></body></html>", True
        if web.extras and path == "/bai-cat.html":
            return 200, html, ("<html><body><article><p>" + "cắt " * 500).encode(), False
        page = outlet.pages.get(path)
        if page is None:
            return 404, html, b"<html><body>404</body></html>", True
        if page.status != 200:
            return page.status, html, b"<html><body>Bai viet khong con</body></html>", True
        html_text = render(page, outlet.base, outlet.name)
        body = encode_1258(html_text) if page.encoding == "windows-1258" else html_text.encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = page.published + timedelta(hours=page.version)
        last_modified = (modified - timedelta(hours=7)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        headers = [
            ("Content-Type", f"text/html; charset={page.encoding}"),
            ("ETag", etag),
            ("Last-Modified", last_modified),
        ]
        if self.headers.get("If-None-Match") == etag:
            return 304, headers[1:], b"", True
        return 200, headers, body, True

    def _feed(self) -> bytes:
        outlet, web = self.outlet, self.web
        items = []
        for i, page in enumerate(outlet.pages.values()):
            link = f"{outlet.base}{page.path}"
            if i % 3 == 1:
                link += "?utm_source=rss&utm_medium=feed"  # tracking variant
            if web.extras and i == 2:
                link = f"{outlet.base}/cu/{page.path.split('/')[-2]}/"  # through 301 → 302
            pub = (page.published - timedelta(hours=7)).strftime("%a, %d %b %Y %H:%M:%S GMT")
            items.append(
                f"<item><title>{page.title}</title><link>{link}</link><pubDate>{pub}</pubDate></item>"
            )
            if i == 0:  # the same article twice, once with a fragment and a click id
                items.append(
                    f"<item><title>{page.title}</title><link>{link}?fbclid=abc#comments</link></item>"
                )
        if web.extras:
            items.append(f"<item><title>Ẩn</title><link>{outlet.base}/rieng-tu/bai-an/</link></item>")
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{outlet.name}</title>{''.join(items)}</channel></rss>"
        ).encode()

    def _sitemap(self, path: str) -> bytes:
        outlet, web = self.outlet, self.web
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        news = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        pages = list(outlet.pages.values())
        if path == "/sitemap.xml":
            inner = "".join(
                f"<sitemap><loc>{outlet.base}/{name}</loc></sitemap>"
                for name in ("sitemap-news.xml", "sitemap-pages.xml")
            )
            return f'<?xml version="1.0"?><sitemapindex {ns}>{inner}</sitemapindex>'.encode()
        if path == "/sitemap-news.xml":
            urls = "".join(
                f"<url><loc>{outlet.base}{p.path}</loc><news:news><news:publication_date>"
                f"{p.published:%Y-%m-%dT%H:%M:%S}+07:00</news:publication_date><news:title>{p.title}</news:title>"
                f"</news:news></url>"
                for p in pages[: len(pages) // 2]
            )
            return f'<?xml version="1.0"?><urlset {ns} {news}>{urls}</urlset>'.encode()
        urls = "".join(f"<url><loc>{outlet.base}{p.path}</loc></url>" for p in pages[len(pages) // 2 :])
        if web.extras:
            urls += "".join(
                f"<url><loc>{outlet.base}/{name}</loc></url>"
                for name in ("bai-lon.html", "bai-cham.html", "bai-cat.html")
            )
        return f'<?xml version="1.0"?><urlset {ns}>{urls}</urlset>'.encode()

    def _listing(self, path: str, number: int) -> bytes:
        outlet, web = self.outlet, self.web
        pages = list(outlet.pages.values())
        per = 4
        chunk = pages[(number - 1) * per : number * per]
        links = []
        for i, p in enumerate(chunk):
            href = p.path
            if i == 1:
                href += "?utm_campaign=trang-chu#binh-luan"
            links.append(
                f'<li><a class="title" href="{href}">{p.title}</a> <a href="{p.path}#binh-luan">0 bình luận</a></li>'
            )
        if web.extras and number == 1 and outlet.kind == "listing":
            links.append('<li><a class="title" href="/bai-viet/9999">Bài ở trang khác</a></li>')
        more = (
            f'<a class="next" href="{path}?page={number + 1}">Trang sau</a>'
            if number * per < len(pages)
            else ""
        )
        return (
            f'<html><head><meta charset="utf-8"><title>Dân vận - trang {number}</title></head><body>'
            f'<ul class="news">{"".join(links)}</ul>{more}<a href="/admin/">Quản trị</a></body></html>'
        ).encode()
