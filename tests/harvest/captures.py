"""A response written to a WARC file and recorded as the harvester records it (a `Capture`), for
the tests that serve "bản lưu gốc" without running a harvest."""

from __future__ import annotations

from django.utils import timezone

from archive.harvest.warc import WarcFiles
from archive.models import Article, Capture, CrawlURL


def store_capture(
    warc: WarcFiles,
    *,
    url: str,
    article: Article,
    row: CrawlURL | None,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    headers: tuple[tuple[str, str], ...] = (),
    kind: str = Capture.Kind.PAGE,
) -> Capture:
    pointer = warc.write(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "DanVanArchive/1.0")],
        request_body=b"",
        status=200,
        reason="",
        response_headers=[("Content-Type", content_type), *headers],
        body=body,
    )
    return Capture.objects.create(
        url=url,
        kind=kind,
        crawl_url=row,
        article=article,
        warc_file=pointer.file,
        offset=pointer.offset,
        length=pointer.length,
        status=200,
        content_type=content_type,
        payload_digest=pointer.payload_digest,
        fetched_at=timezone.now(),
    )
