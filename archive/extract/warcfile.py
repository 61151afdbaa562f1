"""WARC files made elsewhere (wget --warc-file, Browsertrix's WACZ, our own harvester): every HTML
page they captured with a 200 becomes an article, named by its canonical address, so a crawl made
with another tool lands as the harvester's would (issue #17). No Django here."""

from __future__ import annotations

import pathlib
import zipfile
from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .errors import ExtractError
from .inputs import Limits, decode_bytes, drop_controls, limit_error, show, time_limit
from .types import ExtractedArticle, ExtractFailure

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _records(stream: IO[bytes], path: pathlib.Path, limits: Limits, where: str = ""):
    from archive.harvest.urls import canonical  # pure: w3lib only

    from . import extract_html

    pages = 0
    try:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            status = record.http_headers.get_statuscode()
            kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
            if status != "200" or kind not in HTML_TYPES:
                continue
            pages += 1
            name = canonical(url) or show(url)[:400]
            body = record.content_stream().read(limits.max_file_bytes + 1)
            at = f"{where}@{records.get_record_offset()}"  # reads the record to its end: after the body
            try:
                if len(body) > limits.max_file_bytes:
                    raise limit_error("page too large", "max_file_bytes", limits.max_file_bytes)
                with time_limit(limits):
                    text = decode_bytes(body, html=True)
                    article = extract_html(drop_controls(text), source_name=name, limits=limits)
                article.url = article.url or name
                article.path = f"{path}{at} {show(url)}"
                article.origin = ""  # named by its address wherever the WARC file is read from
                yield article
            except ExtractError as err:
                yield ExtractFailure(source_name=name, reason=err.reason, path=f"{path}{at} {show(url)}")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as err:
        yield ExtractFailure(
            source_name=path.name, reason=f"unreadable WARC after {pages} page(s): {err}", path=str(path)
        )
        return
    if not pages:
        yield ExtractFailure(
            source_name=path.name, reason="no HTML page captured with HTTP 200", path=f"{path}{where}"
        )


def iter_warc(path: pathlib.Path, limits: Limits) -> Iterator[ExtractedArticle | ExtractFailure]:
    """The pages of a .warc, .warc.gz or .wacz file (the WARC files inside a WACZ's archive/ folder)."""
    if path.name.lower().endswith(".wacz"):
        try:
            with zipfile.ZipFile(path) as wacz:
                members = [m for m in wacz.namelist() if m.lower().endswith((".warc", ".warc.gz"))]
                if not members:
                    yield ExtractFailure(
                        source_name=path.name, reason="WACZ without WARC files", path=str(path)
                    )
                for member in members:
                    with wacz.open(member) as stream:
                        yield from _records(stream, path, limits, where=f"!{member}")
        except zipfile.BadZipFile as err:
            yield ExtractFailure(
                source_name=path.name, reason=f"not a WACZ (zip) file: {err}", path=str(path)
            )
        return
    with open(path, "rb") as stream:
        yield from _records(stream, path, limits)
