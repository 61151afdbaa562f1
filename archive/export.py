"""Export of a list of articles (issue #19): `&format=csv|jsonl|ris|bibtex` on any search or browse
list's own URL gives the whole list, streamed, up to EXPORT_CAP articles.

Every file states what it holds: the list's address, the query and filters, when it was exported,
how many articles it has and whether the cap cut it. CSV carries that in `#` rows above the header
row, each two cells, `# query` and the query, quoted as CSV quotes (a query or filter with a comma
or a quote stays in its row; line breaks become spaces): LibreOffice shows them as the first rows,
pandas' `comment="#"` skips them. JSON Lines in its
first line, RIS in `#` lines before the first record (readers skip text outside a record), BibTeX
in an `@comment` entry. The article fields are the same in all four: one record each.

Reference managers read RIS and BibTeX; CSV opens in a spreadsheet; JSON Lines (with the full text)
is for analysis.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

EXPORT_CAP = 10_000  # articles in one export (README, "Export"); a longer list is cut and says so
BATCH = 500  # articles read from the database at a time
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
}
CSV_FIELDS = (
    "id",
    "title",
    "published",
    "date_precision",
    "province",
    "province_2025",
    "district",
    "outlet",
    "authors",
    "source_url",
    "permalink",
    "dan_van",
    "needs_review",
)


class ExportError(ValueError):
    """A format the export does not know; the message names the parameter."""


@dataclass
class ExportHead:
    """What the file states about itself."""

    source: str  # the list's address, without format=
    title: str  # "Tìm kiếm", "Long An", "Năm 2019"…
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    exported_at: datetime = field(default_factory=timezone.now)
    total: int | None = None  # articles in the list, when known
    cap: int = field(default_factory=lambda: EXPORT_CAP)

    def lines(self) -> list[str]:
        filters = "; ".join(f"{k}={', '.join(v)}" for k, v in self.filters.items() if v) or "—"
        out = [
            f"Dân vận Archive export: {self.title}",
            f"source: {self.source}",
            f"query: {self.query or '—'}",
            f"filters: {filters}",
            f"exported: {self.exported_at.isoformat(timespec='seconds')}",
        ]
        if self.total is not None:
            cut = f" (cut at the export cap of {self.cap:,})" if self.total > self.cap else ""
            out.append(f"articles: {min(self.total, self.cap)} of {self.total}{cut}")
        return out

    def as_dict(self) -> dict:
        return {
            "export": "Dân vận Archive",
            "title": self.title,
            "source": self.source,
            "query": self.query,
            "filters": {k: v for k, v in self.filters.items() if v},
            "exported": self.exported_at.isoformat(timespec="seconds"),
            "total": self.total,
            "cap": self.cap,
        }


def export_format(request: HttpRequest) -> str | None:
    """The format asked for, None for the page itself; ExportError for one we do not make."""
    fmt = request.GET.get("format", "").strip().lower()
    if not fmt or fmt == "atom":
        return None
    if fmt not in FORMATS:
        raise ExportError(f"format: expected one of atom, {', '.join(FORMATS)}; got {fmt!r}")
    return fmt


def article_record(article, request: HttpRequest, *, with_text: bool = False) -> dict:
    """The exported fields of one article (province, outlet and successor loaded with it); JSON
    Lines, made for analysis, carries the text too."""
    province = article.province
    successor = province.successor if province is not None else None
    return {
        "id": article.pk,
        "title": article.title,
        "published": article.published_on.isoformat() if article.published_on else "",
        "date_precision": article.date_precision or "",
        "province": province.name if province is not None else "",
        "province_2025": successor.name if successor is not None else "",
        "district": article.district or "",
        "outlet": article.outlet.name if article.outlet_id else "",
        "authors": list(article.authors or []),
        "source_url": article.url or "",
        "permalink": request.build_absolute_uri(article.get_absolute_url()),
        "dan_van": bool(article.dan_van),  # issue #17: dân vận news (or an editor said so)
        "needs_review": bool(article.needs_review),
        **({"text": article.text} if with_text else {}),
    }


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell a spreadsheet would run as a formula ("=HYPERLINK(…)" in a harvested title)
    gets a leading apostrophe, as OWASP advises against CSV injection: LibreOffice then shows the
    text, apostrophe included, instead of running it. Other values are written as they are."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _csv_row(record: dict) -> list:
    row = dict(
        record,
        authors="; ".join(record["authors"]),
        dan_van=int(record["dan_van"]),
        needs_review=int(record["needs_review"]),
    )
    return [spreadsheet_safe(row[name]) for name in CSV_FIELDS]


def _csv(head: ExportHead, records: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    # A byte-order mark: spreadsheets then read the file as UTF-8 (LibreOffice and Excel alike).
    for line in head.lines():
        key, _, value = line.partition(": ")
        writer.writerow([f"# {key}", re.sub(r"[\r\n]+", " ", value)])
    writer.writerow(CSV_FIELDS)
    yield "\ufeff" + flush()
    for i, record in enumerate(records):
        writer.writerow(_csv_row(record))
        if i % 200 == 199:
            yield flush()
    yield flush()


def _jsonl(head: ExportHead, records: Iterable[dict]) -> Iterator[str]:
    yield json.dumps(head.as_dict(), ensure_ascii=False) + "\n"
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def _ris_value(value: str) -> str:
    return " ".join(str(value).split())  # one line per tag


def _ris(head: ExportHead, records: Iterable[dict]) -> Iterator[str]:
    yield "".join(f"# {line}\n" for line in head.lines()) + "\n"
    for r in records:
        lines = ["TY  - NEWS", f"ID  - {r['id']}", f"TI  - {_ris_value(r['title'])}"]
        lines += [f"AU  - {_ris_value(a)}" for a in r["authors"]]
        if r["published"]:
            y, m, d = r["published"].split("-")
            lines += [f"PY  - {y}", f"DA  - {y}/{m}/{d}/"]
        if r["outlet"]:
            lines.append(f"T2  - {_ris_value(r['outlet'])}")
        if r["province"]:
            lines.append(f"CY  - {_ris_value(r['province'])}")
        lines.append(f"UR  - {r['permalink']}")
        if r["source_url"]:
            lines.append(f"L2  - {r['source_url']}")
        lines += ["DB  - Dân vận Archive", "LA  - vi"]
        notes = []
        if r["province_2025"]:
            notes.append(f"province_2025: {r['province_2025']}")
        if r["district"]:
            notes.append(f"district: {r['district']}")
        if r["date_precision"]:
            notes.append(f"date_precision: {r['date_precision']}")
        notes.append(f"dan_van: {'yes' if r['dan_van'] else 'no'}")
        if r["needs_review"]:
            notes.append("needs_review: yes")
        lines += [f"N1  - {_ris_value(n)}" for n in notes]
        lines.append("ER  - ")
        yield "\n".join(lines) + "\n\n"


_BIBTEX_SPECIAL = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "%": r"\%",
        "&": r"\&",
        "#": r"\#",
        "$": r"\$",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def bibtex_escape(value: str) -> str:
    """A field value safe inside braces; Vietnamese letters stay UTF-8 (biber and Zotero read it)."""
    return " ".join(str(value).split()).translate(_BIBTEX_SPECIAL)


def bibtex_entry(r: dict) -> str:
    fields = [("title", r["title"])]
    if r["authors"]:
        fields.append(("author", " and ".join(r["authors"])))
    if r["outlet"]:
        fields.append(("journal", r["outlet"]))
    if r["published"]:
        y, m, _ = r["published"].split("-")
        fields += [("year", y), ("month", str(int(m))), ("date", r["published"])]
    fields += [("url", r["permalink"])]
    if r["source_url"]:
        fields.append(("howpublished", r["source_url"]))
    for name in ("province", "province_2025", "district", "date_precision"):
        if r[name]:
            fields.append((name.replace("_", ""), r[name]))
    if r["dan_van"]:
        fields.append(("keywords", "dân vận"))
    if r["needs_review"]:
        fields.append(("note", "needs review"))
    fields.append(("language", "vietnamese"))
    body = ",\n".join(f"  {k} = {{{bibtex_escape(v)}}}" for k, v in fields)
    return f"@article{{danvan{r['id']},\n{body}\n}}\n\n"


def _bibtex(head: ExportHead, records: Iterable[dict]) -> Iterator[str]:
    yield "@comment{" + bibtex_escape(" · ".join(head.lines())) + "}\n\n"
    for r in records:
        yield bibtex_entry(r)


WRITERS = {"csv": _csv, "jsonl": _jsonl, "ris": _ris, "bibtex": _bibtex}


def _records(articles, request: HttpRequest, cap: int, *, with_text: bool) -> Iterator[dict]:
    """Articles of a queryset (read in batches) or of a list of ids, as records, at most `cap`."""
    from archive.models import Article

    deferred = ("raw", "evidence") if with_text else ("raw", "evidence", "text")
    if isinstance(articles, list):  # ids in the list's order (a search)
        query = Article.objects.select_related("province__successor", "outlet").defer(*deferred)
        for start in range(0, min(len(articles), cap), BATCH):
            ids = articles[start : min(start + BATCH, cap)]
            found = query.in_bulk(ids)
            for pk in ids:
                if pk in found:  # deleted since the search: left out
                    yield article_record(found[pk], request, with_text=with_text)
        return
    query = articles.select_related("province__successor", "outlet").defer(None).defer(*deferred)
    for article in query[:cap].iterator(chunk_size=BATCH):
        yield article_record(article, request, with_text=with_text)


def export_response(request: HttpRequest, fmt: str, articles, head: ExportHead) -> StreamingHttpResponse:
    """The list as a streamed download: `articles` is a queryset or a list of article ids."""
    content_type, extension = FORMATS[fmt]
    stamp = head.exported_at.strftime("%Y%m%d-%H%M%S")
    records = _records(articles, request, head.cap, with_text=fmt == "jsonl")
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in WRITERS[fmt](head, records)), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="danvan-{stamp}.{extension}"'
    response["X-Export-Cap"] = str(head.cap)
    return response
