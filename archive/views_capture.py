"""'Bản lưu gốc': the page as the harvester captured it, served from its WARC record (issue #17).

The captured HTML is the outlet's, not ours: it is served under a sandboxing policy (no script
runs, nothing is loaded from outside, no form is sent), as its own document, never inside our pages.
"""

from __future__ import annotations

from pathlib import Path

from csp.decorators import csp_exempt
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive import selectors
from archive.harvest.warc import read_record

# The outlet's page may show its own inline styles and images written into it (data:); nothing else.
CAPTURE_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


@require_safe
@csp_exempt()
def article_capture(request: HttpRequest, pk: int) -> HttpResponse:
    wanted = request.GET.get("ban", "")
    capture = selectors.article_capture(
        article_id=pk, capture_id=int(wanted) if wanted.isascii() and wanted.isdigit() else None
    )
    if capture is None:
        raise Http404(_("Bài này không có bản lưu gốc."))
    folder = Path(settings.HARVEST["WARC_DIR"])
    path = (folder / capture.warc_file).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        raise Http404(_("Tệp lưu của bản này không còn."))
    record = read_record(path, capture.offset)
    content_type = dict((k.lower(), v) for k, v in record.headers).get("content-type", "text/html")
    response = HttpResponse(record.body, content_type=content_type)
    response["Content-Security-Policy"] = CAPTURE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, max-age=3600"
    return response
