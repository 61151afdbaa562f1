"""Every response as captured, in WARC files (warcio): write, and read one record back by its pointer.

Each record is its own gzip member, so a record is read by seeking to its offset. The response is
written as it came off the wire (before decompression, so `Content-Encoding` still holds); only
`Transfer-Encoding` is dropped, since the body is stored de-chunked.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


@dataclass
class Pointer:
    file: str  # relative to the WARC folder
    offset: int
    length: int
    payload_digest: str


class WarcFiles:
    """Appends request/response pairs to `<folder>/<prefix>-NNNNN.warc.gz`, a new file past `max_bytes`."""

    def __init__(self, folder: str | os.PathLike, prefix: str, max_bytes: int = 1_000_000_000) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix, self.max_bytes = prefix, max_bytes
        self.seq, self.handle, self.writer, self.name = 0, None, None, ""
        self.bytes_written = 0

    def _open(self) -> None:
        self.close()
        self.seq += 1
        self.name = f"{self.prefix}-{self.seq:05d}.warc.gz"
        self.handle = open(self.folder / self.name, "ab")  # noqa: SIM115 — kept open for the run
        self.writer = WARCWriter(self.handle, gzip=True)
        info = self.writer.create_warcinfo_record(
            self.name, {"software": "Dân vận Archive harvester (Scrapy, warcio)", "format": "WARC/1.1"}
        )
        self.writer.write_record(info)

    def write(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        protocol: str = "HTTP/1.1",
        ip: str = "",
    ) -> Pointer:
        if self.handle is None or self.handle.tell() >= self.max_bytes:
            self._open()
        assert self.writer is not None and self.handle is not None
        date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if not reason:
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = ""
        http = StatusAndHeaders(
            f"{status} {reason}".strip(),
            [(k, v) for k, v in response_headers if k.lower() not in _HOP_BY_HOP],
            protocol=protocol,
        )
        warc_headers = {"WARC-Date": date}
        if ip:
            warc_headers["WARC-IP-Address"] = ip
        response = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=warc_headers
        )
        target = url.split("://", 1)[-1].split("/", 1)
        path = "/" + (target[1] if len(target) > 1 else "")
        req_http = StatusAndHeaders(f"{method} {path} {protocol}", request_headers, is_http_request=True)
        request = self.writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request_body),
            http_headers=req_http,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        offset = self.handle.tell()
        self.writer.write_record(response)
        length = self.handle.tell() - offset
        self.writer.write_record(request)
        self.handle.flush()
        self.bytes_written = self.handle.tell()
        return Pointer(
            self.name, offset, length, response.rec_headers.get_header("WARC-Payload-Digest") or ""
        )

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


@dataclass
class Captured:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # content-decoded (gzip/deflate undone), as a browser would see it


def read_record(path: str | os.PathLike, offset: int) -> Captured:
    """The response record at `offset` of a WARC file."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                raise ValueError(f"{path}@{offset}: a {record.rec_type} record, not a response")
            http = record.http_headers
            return Captured(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode()),
                headers=list(http.headers),
                body=record.content_stream().read(),
            )
    raise ValueError(f"{path}@{offset}: no WARC record there")
