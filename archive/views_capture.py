"""'Bản lưu gốc': the page as the harvester captured it, served from its WARC record (issue #17).

The captured HTML is the outlet's, not ours: it is served under a sandboxing policy (no script
runs, no form is sent), as its own document, never inside our pages. Its stylesheets and images
are shown where they were captured too: their references are pointed at the archive's copies,
served from the WARC files under one path the policy allows, and nothing else is loaded, from
the outlet or anywhere (a reference never captured stays broken, never fetched live).
"""

from __future__ import annotations

from pathlib import Path

from csp.decorators import csp_exempt
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive import selectors
from archive.extract.errors import ExtractError
from archive.extract.inputs import decode_bytes
from archive.harvest import requisites
from archive.harvest.warc import Captured, read_record


def _resource_path(pk: int) -> str:
    return reverse("archive:article_capture", args=[pk]) + "tai-nguyen/"


def capture_policy(request: HttpRequest, pk: int) -> str:
    """The page's own inline styles and data: images, and the article's captured requisites from
    one path of this site: a host-source with a path (CSP3), since 'self' cannot be narrowed to a
    path, and a sandboxed document's own origin is opaque."""
    allowed = request.build_absolute_uri(_resource_path(pk))
    return (
        f"sandbox; default-src 'none'; style-src 'unsafe-inline' {allowed}; img-src data: {allowed}; "
        f"font-src data: {allowed}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )


def _record(capture) -> Captured:
    folder = Path(settings.HARVEST["WARC_DIR"])
    path = (folder / capture.warc_file).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        raise Http404(_("Tệp lưu của bản này không còn."))
    return read_record(path, capture.offset)


def _content_type(record: Captured, default: str) -> str:
    return dict((k.lower(), v) for k, v in record.headers).get("content-type", default)


def _finder(pk: int):
    """Looks a page's references up among the captured requisites, in one query."""

    def find(urls: list[str]):
        found = selectors.capture_resources(urls=urls)
        base = _resource_path(pk)
        return lambda url: f"{base}{found[url]}/" if url in found else None

    return find


def _sandboxed(response: HttpResponse, policy: str) -> HttpResponse:
    response["Content-Security-Policy"] = policy
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
@csp_exempt()
def article_capture(request: HttpRequest, pk: int) -> HttpResponse:
    wanted = request.GET.get("ban", "")
    capture = selectors.article_capture(
        article_id=pk, capture_id=int(wanted) if wanted.isascii() and wanted.isdigit() else None
    )
    if capture is None:
        raise Http404(_("Bài này không có bản lưu gốc."))
    record = _record(capture)
    content_type = _content_type(record, "text/html")
    body = record.body
    if content_type.split(";")[0].strip().lower() in requisites.HTML_TYPES:
        try:
            html = decode_bytes(body, html=True)
        except ExtractError:  # not text we can read: served as captured
            html = ""
        rewritten, count = requisites.rewrite_page(html, record.url, _finder(pk))
        if count:  # else the bytes as captured, untouched
            body, content_type = rewritten.encode("utf-8"), "text/html; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    return _sandboxed(response, capture_policy(request, pk))


@require_safe
@csp_exempt()
def capture_resource(request: HttpRequest, pk: int, capture_id: int) -> HttpResponse:
    """A captured stylesheet or image, its bytes as captured (a stylesheet's `url(…)` pointed at the
    archive's copies where there are some), with the type it was captured with and `nosniff`."""
    capture = selectors.capture_resource(capture_id=capture_id)
    if capture is None:
        raise Http404(_("Không có bản lưu của tệp này."))
    record = _record(capture)
    content_type = _content_type(record, "application/octet-stream")
    kind = content_type.split(";")[0].strip().lower()
    if not kind.startswith(requisites.RESOURCE_TYPES):
        raise Http404(_("Không có bản lưu của tệp này."))
    body = record.body
    if kind == "text/css":
        try:
            css = decode_bytes(body)
        except ExtractError:
            css = ""
        lookup = _finder(pk)(requisites.css_references(css, capture.url))
        rewritten = requisites.rewrite_css(css, capture.url, lookup)
        if rewritten != css:
            body, content_type = rewritten.encode("utf-8"), "text/css; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    # Opened on its own (an SVG, say) it is as inert as the page: nothing runs, nothing loads.
    return _sandboxed(response, "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
