"""WARC files made elsewhere (wget --warc-file, Heritrix, a WACZ's WARC files), kept as the
harvester keeps its own (issue #17): a copy under HARVEST_WARC_DIR and a `Capture` per good response,
so the pages `ingest` stored from them get their "bản lưu gốc", with the stylesheets and images the
file captured (found by address, as the harvester's are).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from archive.harvest import requisites
from archive.harvest.urls import canonical
from archive.models import Article, Capture


def _copy_in(source, name: str) -> str:
    """The file's bytes under the WARC folder, named by their digest (a second ingest of the same
    file keeps one copy); returns its name relative to the folder."""
    folder = Path(settings.HARVEST["WARC_DIR"])
    (folder / "ingest").mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=folder / "ingest", delete=False) as spool:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            spool.write(chunk)
    relative = f"ingest/{digest.hexdigest()[:16]}-{Path(name).name}"
    target = folder / relative
    if target.exists():
        Path(spool.name).unlink()
    else:
        shutil.move(spool.name, target)
    return relative


def _when(value: str | None) -> datetime:
    try:
        return datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return timezone.now()


@transaction.atomic
def _record_captures(relative: str) -> int:
    path = Path(settings.HARVEST["WARC_DIR"]) / relative
    known = set(Capture.objects.filter(warc_file=relative).values_list("offset", flat=True))
    found = []
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if record.http_headers.get_statuscode() != "200":
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            kind = content_type.split(";")[0].strip().lower()
            url = canonical(record.rec_headers.get_header("WARC-Target-URI") or "")
            if not url or not (kind in requisites.HTML_TYPES or kind.startswith(requisites.RESOURCE_TYPES)):
                continue
            headers = record.rec_headers
            offset, length = records.get_record_offset(), records.get_record_length()
            if offset not in known:
                found.append((url, kind in requisites.HTML_TYPES, content_type, offset, length, headers))
    pages = dict(
        Article.objects.filter(source_file__in=[f[0] for f in found if f[1]]).values_list("source_file", "pk")
    )
    rows = [
        Capture(
            url=url[:1000],
            kind=Capture.Kind.PAGE if is_page else Capture.Kind.RESOURCE,
            article_id=pages.get(url) if is_page else None,
            warc_file=relative,
            offset=offset,
            length=length,
            status=200,
            content_type=content_type[:200],
            payload_digest=headers.get_header("WARC-Payload-Digest") or "",
            fetched_at=_when(headers.get_header("WARC-Date")),
        )
        for url, is_page, content_type, offset, length, headers in found
        if not is_page or url in pages  # a page no article came from (a duplicate): nothing to show
    ]
    Capture.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def warc_keep(*, path: Path) -> int:
    """Keep a .warc, .warc.gz or .wacz file ingest has read, and record its captures; returns how
    many responses were recorded. Records must be seekable one by one (uncompressed, or one gzip
    member per record, as WARC writers do)."""
    if path.name.lower().endswith(".wacz"):
        count = 0
        with zipfile.ZipFile(path) as wacz:
            for member in wacz.namelist():
                if member.lower().endswith((".warc", ".warc.gz")):
                    with wacz.open(member) as stream:
                        count += _keep_one(stream, member)
        return count
    with open(path, "rb") as stream:
        return _keep_one(stream, path.name)


def _keep_one(stream, name: str) -> int:
    relative = _copy_in(stream, name)
    try:
        return _record_captures(relative)
    finally:
        if not Capture.objects.filter(warc_file=relative).exists():  # nothing to show from it
            (Path(settings.HARVEST["WARC_DIR"]) / relative).unlink(missing_ok=True)
