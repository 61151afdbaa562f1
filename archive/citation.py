"""How to cite an article (issue #19): APA 7, Chicago (notes and bibliography) and the form Vietnamese
theses and journals use, each with the archive's permalink; and the metadata reference managers
read from the page (Highwire `citation_*`, Dublin Core, Open Graph).

The forms follow the article's language rules, not the page's: APA and Chicago write English
months, the Vietnamese form Vietnamese dates. Names stay as printed (Vietnamese names are written
family name first; inverting them would invent a "first name"). When the article names no author,
APA and Chicago start with the title and the Vietnamese form with the outlet. A date whose year was
inferred is cited with the mark "[year inferred]" / "[năm suy ra]"; the machine-read meta tags give
no date then, rather than a guess a reference manager would store as fact.

The meta tags were checked against Zotero's own translation-server (Embedded Metadata translator,
docs/zotero-check.md). What it needs: no `citation_journal_title` (it makes every page a journal
article), `DC.type` "News Item" (a newspaper article) and `prism.publicationName` for the outlet; each
`citation_author` as "Family, Given" (Vietnamese names put the family name first; without the comma
Zotero takes the last word as the family name); the place as `DCTERMS.spatial` (Zotero reads
`DC.coverage` as a location in an archive), and no `article:section` (Zotero saves it as the
newspaper's section); a description cut at a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from archive.labels import outlet_label

SITE = "Dân vận Archive"
MONTHS_EN = ("January February March April May June July August September October November December").split()


@dataclass
class Citation:
    apa: SafeString
    chicago: SafeString
    vietnamese: SafeString
    permalink: str
    meta: list[tuple[str, str, str]]  # (attribute, name, content) of <meta> tags


def _sure_date(article) -> date | None:
    return article.published_on if article.published_on and article.date_precision == "day" else None


def _authors_en(authors: list[str]) -> str:
    if not authors:
        return ""
    if len(authors) == 1:
        return authors[0]
    return ", ".join(authors[:-1]) + ", & " + authors[-1]


def _title_sentence(title: str) -> str:
    title = " ".join(title.split())
    return title if title.endswith(("?", "!", ".")) else f"{title}."


def cite(article, *, permalink: str, accessed: date) -> Citation:
    title = " ".join(article.title.split())
    outlet = article.outlet.name if article.outlet_id else ""
    with translation.override("en"):  # APA and Chicago are English: so is an aggregator's note
        outlet_en = outlet_label(outlet)
    authors = [a for a in (article.authors or []) if a.strip()]
    day = article.published_on
    inferred = bool(day) and article.date_precision != "day"

    # APA 7: Author. (2019, June 27). Title. Outlet. URL
    if day:
        apa_date = (
            f"({day.year}, {MONTHS_EN[day.month - 1]} {day.day}{' [year inferred]' if inferred else ''})"
        )
    else:
        apa_date = "(n.d.)"
    outlet_part = format_html(" <i>{}</i>.", outlet_en) if outlet else ""
    if authors:
        apa = format_html(
            "{} {}. {}{} {}. {}",
            _authors_en(authors),
            apa_date,
            _title_sentence(title),
            outlet_part,
            SITE,
            permalink,
        )
    else:
        apa = format_html("{} {}.{} {}. {}", _title_sentence(title), apa_date, outlet_part, SITE, permalink)

    # Chicago 17, bibliography: Author. "Title." Outlet, June 27, 2019. URL.
    chicago_date = ""
    if day:
        chicago_date = f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}" + (
            " [year inferred]" if inferred else ""
        )
    chicago_authors = (
        " and ".join(authors) if len(authors) < 3 else ", ".join(authors[:-1]) + ", and " + authors[-1]
    )
    published = [format_html("<i>{}</i>", outlet_en)] if outlet else []
    published += [chicago_date] if chicago_date else []
    chicago = format_html(
        "{}“{}.” {}{}{}.",
        f"{chicago_authors}. " if authors else "",
        title.rstrip("."),
        format_html("{}. ", _join(published, ", ")) if published else "",
        "" if day else f"Accessed {MONTHS_EN[accessed.month - 1]} {accessed.day}, {accessed.year}. ",
        permalink,
    )

    # Vietnamese, as theses and journals cite news: Tác giả (năm), “Tên bài”, Tên báo, ngày …, địa chỉ,
    # truy cập ngày ….
    year = f"{day.year}" if day else "không rõ năm"
    parts = [format_html("{} ({})", ", ".join(authors) or outlet or SITE, year), format_html("“{}”", title)]
    if outlet and authors:
        parts.append(format_html("<i>{}</i>", outlet))
    if day:
        parts.append(f"ngày {day.day}/{day.month}/{day.year}" + (" (năm suy ra)" if inferred else ""))
    parts += [permalink, f"truy cập ngày {accessed.day}/{accessed.month}/{accessed.year}"]
    vietnamese = format_html("{}.", _join(parts, ", "))

    meta = _meta(article, permalink, title, outlet, authors)
    return Citation(apa=apa, chicago=chicago, vietnamese=vietnamese, permalink=permalink, meta=meta)


def _join(parts: list, sep: str) -> SafeString:
    """Join text and safe HTML, escaping the text."""
    return mark_safe(sep.join(str(conditional_escape(p)) for p in parts))


def family_first(name: str) -> str:
    """ "Phạm Tiến" → "Phạm, Tiến": the family name first, as Vietnamese names are written, marked
    with the comma reference managers read as "Family, Given" (one word stays as it is)."""
    words = name.split()
    return f"{words[0]}, {' '.join(words[1:])}" if len(words) > 1 else " ".join(words)


def description_of(text: str, limit: int = 200) -> str:
    """The text's start, at most `limit` characters, cut at a word with "…" when it is cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,;:–-") + "…"


def _meta(article, permalink: str, title: str, outlet: str, authors: list[str]) -> list[tuple[str, str, str]]:
    """Highwire Press tags (Zotero, Mendeley, Google Scholar), Dublin Core, PRISM and Open Graph."""
    sure = _sure_date(article)
    province = article.province.name if article.province_id else ""
    description = description_of(article.text)
    meta = [("name", "citation_title", title)]
    meta += [("name", "citation_author", family_first(a)) for a in authors]
    if sure:
        meta.append(("name", "citation_publication_date", sure.strftime("%Y/%m/%d")))
    if outlet:
        meta.append(("name", "prism.publicationName", outlet))
    meta += [
        ("name", "citation_language", "vi"),
        ("name", "citation_public_url", permalink),
        ("name", "citation_fulltext_html_url", permalink),
        ("name", "DC.title", title),
    ]
    meta += [("name", "DC.creator", a) for a in authors]
    if sure:
        meta.append(("name", "DC.date", sure.isoformat()))
    if outlet:
        meta.append(("name", "DC.publisher", outlet))
    meta += [
        ("name", "DC.type", "News Item"),  # Zotero: a newspaper article
        ("name", "DC.format", "text/html"),
        ("name", "DC.language", "vi"),
        ("name", "DC.identifier", permalink),
    ]
    if article.url:
        meta.append(("name", "DC.source", article.url))
    if province:
        meta.append(("name", "DCTERMS.spatial", province))
    meta += [
        ("name", "description", description),
        ("property", "og:type", "article"),
        ("property", "og:title", title),
        ("property", "og:url", permalink),
        ("property", "og:site_name", SITE),
        ("property", "og:locale", "vi_VN"),
        ("property", "og:description", description),
    ]
    if sure:
        meta.append(("property", "article:published_time", sure.isoformat()))
    return meta
