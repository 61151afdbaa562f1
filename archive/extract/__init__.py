"""Pure extraction: text, HTML or corpus records in, ExtractedArticle / ExtractFailure out.

No Django here: the ingest command calls `iter_path`, services write what it yields.
"""

from __future__ import annotations

import gzip
import json
import pathlib
from collections.abc import Iterator
from typing import IO

from .core import Hints, build_article, check_text
from .dates import parse_iso
from .errors import ExtractError
from .htmlpage import parse_page
from .normalize import normalize_line, normalize_text
from .types import ExtractedArticle, ExtractFailure

__all__ = ["ExtractError", "extract_html", "extract_record", "extract_text", "iter_path"]

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")


def extract_text(raw: str, *, source_name: str, default_year: int | None = None) -> ExtractedArticle:
    """A plain-text article: title on the first meaningful line, then the body."""
    check_text(raw)
    return build_article(
        raw, normalize_text(raw), source_name=source_name, hints=Hints(default_year=default_year)
    )


def extract_html(raw: str, *, source_name: str) -> ExtractedArticle:
    """A saved article page."""
    check_text(raw)
    page = parse_page(raw)
    if not page["text"].strip():
        raise ExtractError("broken HTML: no article text found")
    hints = Hints(
        title=page["title"] or None,
        published_on=page["published_on"],
        published_time=page["published_time"],
        url=page["url"],
        outlet_name=page["outlet_name"],
        extra_chrome=page["footer"],
        byline=page["byline"],
    )
    try:
        return build_article(raw, page["text"], source_name=source_name, hints=hints)
    except ExtractError as err:
        if "no article text" in err.reason:
            raise ExtractError(f"broken HTML: {err.reason}") from None
        raise


def extract_record(record: dict, *, source_name: str, raw: str) -> ExtractedArticle:
    """One corpus JSON object (fields id, collection, title, published, url, outlet, text)."""
    title, text = record.get("title"), record.get("text")
    if not isinstance(title, str) or not title.strip():
        raise ExtractError("record has no title")
    if not isinstance(text, str) or not text.strip():
        raise ExtractError("record has no text")
    day, at = parse_iso(record["published"]) if isinstance(record.get("published"), str) else (None, None)
    hints = Hints(
        title=normalize_line(title),
        published_on=day,
        published_time=at,
        url=record.get("url") or "",
        outlet_name=normalize_line(record.get("outlet") or ""),
        always_flag_province=False,
    )
    return build_article(raw, normalize_text(text), source_name=source_name, hints=hints)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ExtractError(f"binary file (NUL byte at offset {data.index(0)})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ExtractError(f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})") from None


def _suffix(path: pathlib.Path) -> str:
    name = path.name.lower()
    for suffix in (*JSONL_SUFFIXES[::-1], *HTML_SUFFIXES, *TEXT_SUFFIXES):
        if name.endswith(suffix):
            return suffix
    return ""


def _iter_lines(path: pathlib.Path, stream: IO[bytes]) -> Iterator[ExtractedArticle | ExtractFailure]:
    """One item per line; a bad line is reported and the next one read (streaming, line by line)."""
    lineno = 0
    try:
        for lineno, data in enumerate(stream, start=1):
            data = data.rstrip(b"\r\n")
            if not data.strip():
                continue
            name = f"{path.name}#{lineno}"
            try:
                raw = _decode(data)
                try:
                    record = json.loads(raw)
                except ValueError as err:
                    raise ExtractError(
                        f"line {lineno}: not valid JSON ({err.msg} at column {err.colno})"
                    ) from None
                if not isinstance(record, dict):
                    raise ExtractError(f"line {lineno}: not a JSON object")
                if record.get("id") not in (None, ""):
                    name = f"{path.name}#{record['id']}"
                yield extract_record(record, source_name=name, raw=raw)
            except ExtractError as err:
                reason = err.reason if err.reason.startswith("line ") else f"line {lineno}: {err.reason}"
                yield ExtractFailure(source_name=name, reason=reason)
    except (OSError, EOFError) as err:  # truncated or corrupt gzip: report it, stop this file
        yield ExtractFailure(source_name=path.name, reason=f"unreadable after line {lineno}: {err}")


def _iter_file(path: pathlib.Path) -> Iterator[ExtractedArticle | ExtractFailure]:
    suffix = _suffix(path)
    if suffix in JSONL_SUFFIXES:
        opener = gzip.open if suffix == ".jsonl.gz" else open
        try:
            with opener(path, "rb") as stream:
                yield from _iter_lines(path, stream)
        except OSError as err:
            yield ExtractFailure(source_name=path.name, reason=f"cannot read file: {err}")
        return
    if not suffix:
        yield ExtractFailure(
            source_name=path.name, reason=f"unsupported file type {path.suffix or '(no suffix)'!r}"
        )
        return
    try:
        raw = _decode(path.read_bytes())
        if suffix in HTML_SUFFIXES:
            yield extract_html(raw, source_name=path.name)
        else:
            yield extract_text(raw, source_name=path.name)
    except ExtractError as err:
        yield ExtractFailure(source_name=path.name, reason=err.reason)
    except OSError as err:
        yield ExtractFailure(source_name=path.name, reason=f"cannot read file: {err}")


def iter_path(path: pathlib.Path) -> Iterator[ExtractedArticle | ExtractFailure]:
    """Extract a file, or every supported file under a folder (recursively, in sorted order)."""
    path = pathlib.Path(path)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if _suffix(child):
                yield from _iter_file(child)
        return
    if not path.exists():
        yield ExtractFailure(source_name=path.name, reason="no such file or folder")
        return
    yield from _iter_file(path)
