"""Citing an article (issue #19): the "Trích dẫn" block (APA, Chicago, the Vietnamese form, the
permalink) and the meta tags reference managers read (Highwire citation_*, Dublin Core, Open Graph,
canonical), read back from the page and compared with the stored article."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from archive.citation import cite, description_of, family_first
from archive.models import Article, Outlet

pytestmark = pytest.mark.django_db


class _Head(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.append((a.get("name") or a.get("property"), a.get("content", "")))
        if tag == "link" and a.get("rel"):
            self.links[a["rel"]] = a.get("href", "")


def head_of(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    return parser


def check_meta(html: str, article: Article) -> None:
    """Every tag a reference manager reads says what the archive stores, and nothing it does not."""
    head = head_of(html)
    meta = head.meta
    values = lambda name: [v for n, v in meta if n == name]  # noqa: E731
    one = lambda name: (values(name) or [""])[0] if len(values(name)) <= 1 else pytest.fail(name)  # noqa: E731
    permalink = f"http://testserver/bai-viet/{article.pk}/"
    assert head.links["canonical"] == permalink
    assert one("citation_title") == one("DC.title") == one("og:title") == " ".join(article.title.split())
    authors = [a for a in article.authors if a.strip()]
    assert values("DC.creator") == authors
    # "Family, Given" for Zotero (Vietnamese names put the family name first), the words unchanged
    assert values("citation_author") == [family_first(a) for a in authors]
    assert [v.replace(",", "") for v in values("citation_author")] == [" ".join(a.split()) for a in authors]
    sure = article.published_on if article.date_precision == "day" else None
    assert one("citation_publication_date") == (sure.strftime("%Y/%m/%d") if sure else "")
    assert one("DC.date") == one("article:published_time") == (sure.isoformat() if sure else "")
    outlet = article.outlet.name if article.outlet_id else ""
    # not citation_journal_title: Zotero then saves a journal article instead of a newspaper article
    assert values("citation_journal_title") == []
    assert one("prism.publicationName") == one("DC.publisher") == outlet
    assert one("DC.type") == "News Item"
    assert one("DC.identifier") == one("og:url") == one("citation_public_url") == permalink
    assert one("DC.source") == article.url
    assert one("DCTERMS.spatial") == (article.province.name if article.province_id else "")
    assert values("DC.coverage") == []  # Zotero stores it as the "location in archive"
    assert values("article:section") == []  # Zotero stores it as the newspaper's section
    assert one("citation_language") == one("DC.language") == "vi"
    assert one("og:type") == "article" and one("og:site_name") == "Dân vận Archive"
    description = one("description")
    assert description == one("og:description") == description_of(article.text)
    flat = " ".join(article.text.split())
    assert len(description) <= 200
    assert flat.startswith(description.removesuffix("…"))
    assert description == flat or (description.endswith("…") and flat[len(description) - 1] in " ,;:–-")


def test_every_seed_article_page_carries_its_citation_metadata(client, seeded):
    for article in Article.objects.select_related("province", "outlet"):
        html = client.get(article.get_absolute_url()).content.decode()
        check_meta(html, article)
        assert 'id="cite"' in html


@pytest.fixture
def article(seeded):
    a = Article.objects.exclude(outlet=None).select_related("outlet", "province").first()
    a.title = "Dân vận khéo ở Kim Bôi"
    a.authors = ["Bùi Minh", "Trần Thị Lan"]
    a.published_on, a.date_precision = datetime.date(2019, 6, 27), "day"
    a.outlet = Outlet.objects.create(name="Báo Hòa Bình & <Đời sống>")
    a.save()
    return a


ACCESSED = datetime.date(2026, 12, 5)
LINK = "https://archive.example/bai-viet/7/"


def test_the_three_forms_with_authors_outlet_and_date(article):
    c = cite(article, permalink=LINK, accessed=ACCESSED)
    assert c.apa == (
        "Bùi Minh, &amp; Trần Thị Lan (2019, June 27). Dân vận khéo ở Kim Bôi. "
        "<i>Báo Hòa Bình &amp; &lt;Đời sống&gt;</i>. Dân vận Archive. " + LINK
    )
    assert c.chicago == (
        "Bùi Minh and Trần Thị Lan. “Dân vận khéo ở Kim Bôi.” "
        "<i>Báo Hòa Bình &amp; &lt;Đời sống&gt;</i>, June 27, 2019. " + LINK + "."
    )
    assert c.vietnamese == (
        "Bùi Minh, Trần Thị Lan (2019), “Dân vận khéo ở Kim Bôi”, <i>Báo Hòa Bình &amp; &lt;Đời sống&gt;</i>, "
        "ngày 27/6/2019, " + LINK + ", truy cập ngày 5/12/2026."
    )


def test_no_author_no_date_and_an_inferred_year_are_said_not_guessed(article):
    article.authors = []
    article.published_on = None
    c = cite(article, permalink=LINK, accessed=ACCESSED)
    assert c.apa.startswith("Dân vận khéo ở Kim Bôi. (n.d.). <i>")
    assert (
        c.chicago.startswith("“Dân vận khéo ở Kim Bôi.” <i>") and "Accessed December 5, 2026. " in c.chicago
    )
    assert c.vietnamese.startswith(
        "Báo Hòa Bình &amp; &lt;Đời sống&gt; (không rõ năm), “Dân vận khéo ở Kim Bôi”, http"
    )
    article.published_on, article.date_precision = datetime.date(2019, 6, 27), "year_inferred"
    c = cite(article, permalink=LINK, accessed=ACCESSED)
    assert "(2019, June 27 [year inferred])" in c.apa and "ngày 27/6/2019 (năm suy ra)" in c.vietnamese
    assert not [m for m in c.meta if m[1] in ("citation_publication_date", "DC.date")]


def test_the_article_page_shows_the_block_and_its_own_ris_and_bibtex(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    check_meta(html, article)
    block = re.search(r'<section class="citation".*?</section>', html, re.S).group(0)
    today = timezone.localdate()
    assert f"truy cập ngày {today.day}/{today.month}/{today.year}" in block
    assert "<i>Báo Hòa Bình &amp; &lt;Đời sống&gt;</i>" in block  # escaped, once
    ris = b"".join(client.get(article.get_absolute_url(), {"format": "ris"}).streaming_content).decode()
    assert "TI  - Dân vận khéo ở Kim Bôi" in ris and ris.count("TY  - NEWS") == 1
    client.cookies["django_language"] = "en"
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="cite">Cite</h2>' in html


def test_family_first_and_description_of():
    assert family_first("Phạm Tiến") == "Phạm, Tiến"
    assert family_first("Nguyễn Thị  Minh Khai") == "Nguyễn, Thị Minh Khai"
    assert family_first("TTXVN") == "TTXVN"
    assert description_of("Ngắn gọn.") == "Ngắn gọn."
    long = "Sáng 27/6, Ban Dân vận Tỉnh ủy tổ chức hội nghị giao ban " * 10
    cut = description_of(long)
    assert len(cut) <= 200 and cut.endswith("…") and not cut.endswith(" …")
    assert long.startswith(cut[:-1]) and long[len(cut) - 1] in " ,;:–-"  # cut between words
