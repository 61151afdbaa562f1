"""A captured page's stylesheets and images: which the harvester asks for, and how "bản lưu gốc"
points them at the archive's copies (archive/harvest/requisites.py, pure)."""

from __future__ import annotations

from archive.harvest.requisites import css_references, page_requisites, rewrite_css, rewrite_page

PAGE_URL = "http://bao.example.vn/tin/bai-1.html"
PAGE = """<!doctype html><html><head>
<link rel="stylesheet" href="/css/site.css?v=3"><link rel="Alternate Stylesheet" href="../in.css">
<link rel="icon" href="/favicon.ico"><link rel="canonical" href="/tin/bai-1.html">
</head><body><header><img src="/logo.png" alt="logo"></header>
<article><img src="anh/1.jpg" srcset="anh/1-480.jpg 480w, anh/1-960.jpg 960w" alt="một">
<img src="data:image/gif;base64,R0lGOD" alt="điểm ảnh"><img alt="không có nguồn"></article>
<footer><img src="https://cdn.example.vn/quang-cao.png#x"></footer></body></html>"""


def _finds(copies: dict[str, str]):
    """A finder over `copies` that checks it is asked once, for every address the page names."""
    asked: list[list[str]] = []

    def find(urls: list[str]):
        assert not asked and urls == sorted(set(urls))
        asked.append(urls)
        return copies.get

    return find


def test_stylesheets_then_the_articles_images_then_the_others_each_once():
    assert page_requisites(PAGE, PAGE_URL, limit=50) == [
        "http://bao.example.vn/css/site.css?v=3",
        "http://bao.example.vn/in.css",
        "http://bao.example.vn/tin/anh/1.jpg",
        "http://bao.example.vn/tin/anh/1-480.jpg",
        "http://bao.example.vn/tin/anh/1-960.jpg",
        "http://bao.example.vn/logo.png",
        "https://cdn.example.vn/quang-cao.png",  # the fragment dropped; data: and icons never asked
    ]
    assert page_requisites(PAGE, PAGE_URL, limit=3)[-1] == "http://bao.example.vn/tin/anh/1.jpg"


def test_a_base_element_is_where_relative_references_start():
    html = '<html><head><base href="http://bao.example.vn/goc/"></head><body><img src="a.png"></body></html>'
    assert page_requisites(html, PAGE_URL, limit=5) == ["http://bao.example.vn/goc/a.png"]
    rewritten, count = rewrite_page(html, PAGE_URL, _finds({"http://bao.example.vn/goc/a.png": "/luu/7/"}))
    assert (count, '<img src="/luu/7/"/>' in rewritten, "<base" in rewritten) == (1, True, False)


def test_captured_references_point_at_the_archive_the_others_stay():
    copies = {
        "http://bao.example.vn/css/site.css?v=3": "/luu/1/",
        "http://bao.example.vn/tin/anh/1.jpg": "/luu/2/",
        "http://bao.example.vn/tin/anh/1-960.jpg": "/luu/3/",
    }
    rewritten, count = rewrite_page(PAGE, PAGE_URL, _finds(copies))
    assert count == 3
    assert '<link href="/luu/1/" rel="stylesheet"/>' in rewritten
    assert 'src="/luu/2/"' in rewritten and 'srcset="/luu/3/ 960w"' in rewritten  # 480w had no copy
    assert 'src="/logo.png"' in rewritten and 'href="../in.css"' in rewritten  # never captured: as it was


def test_a_srcset_with_no_copy_is_dropped():
    html = '<img src="a.png" srcset="a-2x.png 2x">'
    rewritten, count = rewrite_page(html, PAGE_URL, _finds({"http://bao.example.vn/tin/a.png": "/luu/9/"}))
    assert (rewritten, count) == ('<img src="/luu/9/"/>', 1)


def test_a_stylesheets_urls_and_imports_point_at_the_archive_where_captured():
    css = (
        "@import 'chu.css';\nbody { background: url( \"../nen.png\" ) }\n"
        ".x { background: url(data:image/png;base64,AAAA) } .y { background: url(/khong-co.png) }"
    )
    url = "http://bao.example.vn/css/site.css"
    assert css_references(css, url) == [
        "http://bao.example.vn/css/chu.css",
        "http://bao.example.vn/nen.png",
        "http://bao.example.vn/khong-co.png",
    ]
    copies = {"http://bao.example.vn/css/chu.css": "/luu/4/", "http://bao.example.vn/nen.png": "/luu/5/"}
    assert rewrite_css(css, url, copies.get) == (
        '@import "/luu/4/";\nbody { background: url("/luu/5/") }\n'
        ".x { background: url(data:image/png;base64,AAAA) } .y { background: url(/khong-co.png) }"
    )
