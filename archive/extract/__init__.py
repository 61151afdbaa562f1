"""Pure extraction: text, HTML or corpus records in, ExtractedArticle / ExtractFailure out.

No Django here: the ingest command calls `iter_path`, services write what it yields.
"""

from __future__ import annotations

import gzip
import json
import os
import pathlib
import zlib
from collections.abc import Iterator
from typing import IO

from .core import Hints, build_article, check_text
from .dates import parse_iso
from .errors import ExtractError
from .htmlpage import parse_page
from .inputs import (
    Limits,
    check_text_size,
    decode_bytes,
    drop_controls,
    limit_error,
    prepare_html,
    read_regular_file,
    regular_stat,
    show,
    text_problem,
    time_limit,
)
from .normalize import normalize_line, normalize_text
from .types import ExtractedArticle, ExtractFailure

__all__ = ["ExtractError", "Limits", "extract_html", "extract_record", "extract_text", "iter_path"]

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".wacz")  # issue #17: crawls made with other tools


def extract_text(
    raw: str, *, source_name: str, default_year: int | None = None, limits: Limits | None = None
) -> ExtractedArticle:
    """A plain-text article: title on the first meaningful line, then the body."""
    check_text_size(raw, limits or Limits())
    check_text(raw)
    return build_article(
        raw, normalize_text(raw), source_name=source_name, hints=Hints(default_year=default_year)
    )


def extract_html(raw: str, *, source_name: str, limits: Limits | None = None) -> ExtractedArticle:
    """A saved article page."""
    limits = limits or Limits()
    check_text(raw)
    page = parse_page(prepare_html(raw, limits))
    if not page["text"].strip():
        raise ExtractError("broken HTML: no article text found")
    check_text_size(page["text"], limits, "article text")
    hints = Hints(
        title=page["title"] or None,
        published_on=page["published_on"],
        published_time=page["published_time"],
        url=page["url"],
        outlet_name=page["outlet_name"],
        extra_chrome=page["footer"],
        byline=page["byline"],
        date_source=page["date_source"],
        authors=page["authors"],
        authors_source=page["authors_source"],
        section=page["section"],
    )
    try:
        return build_article(raw, page["text"], source_name=source_name, hints=hints)
    except ExtractError as err:
        if "no article text" in err.reason:
            raise ExtractError(f"broken HTML: {err.reason}") from None
        raise


def extract_record(
    record: dict, *, source_name: str, raw: str, limits: Limits | None = None
) -> ExtractedArticle:
    """One corpus JSON object (fields id, collection, title, published, url, outlet, text)."""
    title, text = record.get("title"), record.get("text")
    if not isinstance(title, str) or not title.strip():
        raise ExtractError("record has no title")
    if not isinstance(text, str) or not text.strip():
        raise ExtractError("record has no text")
    check_text_size(text, limits or Limits(), "field 'text'")
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


def _suffix(path: pathlib.Path) -> str:
    name = path.name.lower()
    for suffix in (*WARC_SUFFIXES[::-1], *JSONL_SUFFIXES[::-1], *HTML_SUFFIXES, *TEXT_SUFFIXES):
        if name.endswith(suffix):
            return suffix
    return ""


def _failure(path: pathlib.Path, reason: str, name: str | None = None, at: str = "") -> ExtractFailure:
    return ExtractFailure(source_name=name or path.name, reason=reason, path=f"{path}{at}")


_RECORD_TEXT_FIELDS = ("title", "text", "url", "outlet", "published", "collection")


def _clean_record(record: dict) -> dict:
    """The record's fields as text, stray controls out; ExtractError naming a field of the wrong kind."""
    clean = dict(record)
    for key in _RECORD_TEXT_FIELDS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ExtractError(f"field {key!r}: expected text, got {type(value).__name__}")
        value = drop_controls(value)
        problem = text_problem(value)
        if problem:
            raise ExtractError(f"field {key!r}: {problem}")
        clean[key] = value
    ident = record.get("id")
    if ident is not None and not isinstance(ident, (str, int)) or isinstance(ident, bool):
        raise ExtractError(f"field 'id': expected text or a number, got {type(ident).__name__}")
    if isinstance(ident, str) and (text_problem(ident) or len(ident) > 200):
        raise ExtractError("field 'id': control characters or longer than 200 characters")
    return clean


def _read_lines(
    stream: IO[bytes], limits: Limits, compressed: IO[bytes] | None
) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of each line; an over-long line comes back as b"" with lineno < 0.

    ExtractError when the whole file breaks a limit (decompressed size, compression ratio).
    """
    total = 0
    lineno = 0
    cap = limits.max_line_bytes
    while True:
        data = stream.readline(cap + 1)
        if not data:
            return
        lineno += 1
        total += len(data)
        too_long = len(data) > cap and not data.endswith(b"\n")
        while too_long:  # skip the rest of the line, still counting what it costs
            rest = stream.readline(1 << 20)
            total += len(rest)
            if not rest or rest.endswith(b"\n") or total > limits.max_decompressed_bytes:
                break
        if total > limits.max_decompressed_bytes:
            raise limit_error(
                f"more than {limits.max_decompressed_bytes:,} bytes after line {lineno}",
                "max_decompressed_bytes",
                limits.max_decompressed_bytes,
            )
        if compressed is not None and total > 1_000_000:
            ratio = total / max(1, compressed.tell())
            if ratio > limits.max_gzip_ratio:
                raise limit_error(
                    f"decompresses {ratio:,.0f} times its size by line {lineno} (a gzip bomb?)",
                    "max_gzip_ratio",
                    limits.max_gzip_ratio,
                )
        yield (-lineno if too_long else lineno), data


def _iter_lines(
    path: pathlib.Path,
    stream: IO[bytes],
    limits: Limits,
    compressed: IO[bytes] | None = None,
    *,
    key: str,
    origin: str,
):
    """One item per line; a bad line is reported and the next one read (streaming, line by line).

    A line's source name is the file's `key` and "#" and the record's id (its line number without one).
    """
    lineno = 0
    records = 0
    try:
        for numbered, data in _read_lines(stream, limits, compressed):
            lineno = abs(numbered)
            name = f"{key}#{lineno}"
            at = f"#{lineno}"
            if numbered < 0:
                records += 1
                yield _failure(
                    path,
                    f"line {lineno}: {limit_error('line too long', 'max_line_bytes', limits.max_line_bytes)}",
                    name,
                    at,
                )
                continue
            data = data.rstrip(b"\r\n")
            if not data.strip():
                continue
            records += 1
            try:
                with time_limit(limits):
                    raw = _decode_line(data)
                    try:
                        record = json.loads(raw)
                    except json.JSONDecodeError as err:
                        raise ExtractError(f"not valid JSON ({err.msg} at column {err.colno})") from None
                    except RecursionError:
                        raise ExtractError("not valid JSON (nested too deeply)") from None
                    except ValueError as err:  # an integer of thousands of digits
                        raise ExtractError(f"not valid JSON ({err})") from None
                    if not isinstance(record, dict):
                        raise ExtractError("not a JSON object")
                    record = _clean_record(record)
                    if record.get("id") not in (None, ""):
                        name = f"{key}#{record['id']}"
                    article = extract_record(record, source_name=name, raw=raw, limits=limits)
                # For reports and for telling two sources of one name apart: attributes, not compared fields.
                # A record's declared id is its identity wherever the export is read from (a new
                # delivery of the export updates its articles); only lines named by number have an origin.
                article.path = f"{path}{at}"
                article.origin = origin if record.get("id") in (None, "") else ""
                yield article
            except ExtractError as err:
                reason = err.reason if err.reason.startswith("line ") else f"line {lineno}: {err.reason}"
                yield _failure(path, reason, name, at)
            except Exception as err:  # noqa: BLE001 — never let one line end the run unnamed
                yield _failure(path, f"line {lineno}: unexpected {type(err).__name__}: {err}", name, at)
    except ExtractError as err:
        yield _failure(path, f"stopped after line {lineno}: {err.reason}")
        return
    except (OSError, EOFError, zlib.error) as err:  # truncated or corrupt gzip: report it, stop this file
        yield _failure(path, f"unreadable after line {lineno}: {err}")
        return
    if not records:
        yield _failure(path, "empty file (no records)")


def _decode_line(data: bytes) -> str:
    if b"\x00" in data:
        raise ExtractError(f"binary content (NUL byte at offset {data.index(0)})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ExtractError(f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})") from None


def _iter_file(
    path: pathlib.Path, limits: Limits, key: str | None = None
) -> Iterator[ExtractedArticle | ExtractFailure]:
    """The items of one file; `key` is its source name (its path under the ingested folder)."""
    key = key or show(path.name)
    suffix = _suffix(path)
    if not suffix:
        yield _failure(path, f"unsupported file type {path.suffix or '(no suffix)'!r}", key)
        return
    try:
        st = regular_stat(path)
    except ExtractError as err:
        yield _failure(path, err.reason, key)
        return
    origin = os.path.realpath(path)
    if suffix in WARC_SUFFIXES:
        from .warcfile import iter_warc

        yield from iter_warc(path, limits)
        return
    if suffix in JSONL_SUFFIXES:
        try:
            with open(path, "rb") as handle:
                if suffix == ".jsonl.gz":
                    with gzip.open(handle, "rb") as stream:
                        yield from _iter_lines(
                            path, stream, limits, compressed=handle, key=key, origin=origin
                        )
                else:
                    yield from _iter_lines(path, handle, limits, key=key, origin=origin)
        except OSError as err:
            yield _failure(path, f"cannot read file: {err.strerror or err}", key)
        return
    try:
        if suffix in TEXT_SUFFIXES and st.st_size > 4 * limits.max_text_chars + 4:
            # More characters than the limit in any encoding (at most 4 bytes a character): not read.
            raise limit_error(
                f"text too long ({st.st_size:,} bytes)", "max_text_chars", limits.max_text_chars
            )
        with time_limit(limits):
            raw = decode_bytes(read_regular_file(path, limits), html=suffix in HTML_SUFFIXES)
            if suffix in HTML_SUFFIXES:
                article = extract_html(drop_controls(raw), source_name=key, limits=limits)
            else:
                check_text_size(raw, limits)  # before the copies extraction makes
                article = extract_text(drop_controls(raw), source_name=key, limits=limits)
        article.path = str(path)
        article.origin = origin
        yield article
    except ExtractError as err:
        yield _failure(path, err.reason, key)
    except Exception as err:  # noqa: BLE001 — never let one file end the run unnamed
        yield _failure(path, f"unexpected {type(err).__name__}: {err}", key)


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _walk(root: pathlib.Path) -> Iterator[pathlib.Path | ExtractFailure]:
    """Files under a folder in sorted order. Symbolic links are followed only while they stay inside
    the folder (a link to ".." or to /etc is named and skipped, issue #16), and a folder reached
    twice (a link loop, a second link to it) is named and read once."""
    root_real = os.path.realpath(root)
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError as err:
            yield _failure(folder, f"cannot read folder: {err.strerror or err}")
            continue
        real = os.path.realpath(folder)
        if not _inside(real, root_real):
            yield _failure(
                folder, f"symbolic link to a folder outside {show(str(root))} (to {show(real)}); skipped"
            )
            continue
        if (st.st_dev, st.st_ino) in seen:
            yield _failure(folder, f"symbolic link loop (back to {show(real)}); skipped")
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(folder.iterdir())
        except OSError as err:
            yield _failure(folder, f"cannot read folder: {err.strerror or err}")
            continue
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                subfolders.append(entry)
            elif _suffix(entry):
                if entry.is_symlink() and entry.is_file():  # a link to a device is named by _iter_file
                    target = os.path.realpath(entry)
                    if not _inside(target, root_real):
                        yield _failure(
                            entry,
                            f"symbolic link to a file outside {show(str(root))} (to {show(target)}); skipped",
                        )
                        continue
                yield entry
        stack.extend(reversed(subfolders))


def source_key(path: pathlib.Path, root: pathlib.Path | None) -> str:
    """An article's source name: its file's path under the ingested folder ("2024/bai-viet.txt"),
    or the file's name when the file itself was named; control and bidi characters escaped.

    Two files of one name in different folders of one ingest are two articles (issue #16). Flat
    folders give the names ingest used before, so articles stored then keep their names.
    """
    relative = path.relative_to(root).as_posix() if root is not None else path.name
    return show(relative)


def iter_path(
    path: pathlib.Path, limits: Limits | None = None
) -> Iterator[ExtractedArticle | ExtractFailure]:
    """Extract a file, or every supported file under a folder (recursively, in sorted order)."""
    path = pathlib.Path(path)
    limits = limits or Limits()
    if path.is_dir():
        for entry in _walk(path):
            if isinstance(entry, ExtractFailure):
                yield entry
            else:
                yield from _iter_file(entry, limits, source_key(entry, path))
        return
    if not path.exists() and not path.is_symlink():
        yield _failure(path, "no such file or folder")
        return
    yield from _iter_file(path, limits)
