"""Our page reading (archive.extract.extract_html) against trafilatura 2.3 + htmldate on the pages we
have the truth for: the loopback outlets' fixture pages (three metadata styles, Windows-1258 too) and
the devset's saved provincial pages with their gold file. Run by hand, never by the suite:

    .venv/bin/python bench/extract_compare.py

trafilatura is a dev-only dependency (requirements-dev.txt): the archive does not use it at run time.
Prints per field: title, date, bylines right; body: share of the article's paragraphs kept, pages with
page chrome (menu, clock line, footer, script) left in the text; milliseconds per page.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from archive.extract import extract_html  # noqa: E402
from archive.extract.inputs import decode_bytes  # noqa: E402
from archive.extract.normalize import normalize_line, normalize_text  # noqa: E402
from tests.harvest.site import LoopbackWeb, encode_1258, render  # noqa: E402

CHROME = ("Trang chủ | Thời sự", "Thứ 2, 05/12/2026", "Ghi rõ nguồn", "document.title")


def cases() -> list[dict]:
    out = []
    web = LoopbackWeb(per_outlet=6, extras=True)
    for outlet in web.outlets.values():
        for page in outlet.pages.values():
            html = render(page, f"http://{outlet.host}:8000", outlet.name)
            raw = encode_1258(html) if page.encoding == "windows-1258" else html.encode()
            out.append(
                {
                    "name": f"loopback/{outlet.key}{page.path}",
                    "raw": raw,
                    "title": page.title,
                    "date": page.published.date().isoformat(),
                    "authors": page.authors,
                    "paragraphs": [normalize_line(p) for p in page.paragraphs],
                }
            )
    gold = json.loads((ROOT / "tests/data/extract/devset/gold.json").read_text(encoding="utf-8"))
    for name, truth in sorted(gold.items()):
        path = ROOT / "tests/data/extract/devset" / name
        if path.suffix != ".html":
            continue
        out.append(
            {
                "name": f"devset/{name}",
                "raw": path.read_bytes(),
                "title": truth.get("title"),
                "date": truth.get("date"),
                "authors": truth.get("authors", []),
                "paragraphs": None,
            }
        )
    return out


def ours(raw: bytes) -> dict:
    item = extract_html(decode_bytes(raw, html=True), source_name="x.html")
    return {
        "title": item.title,
        "date": item.published_on.isoformat() if item.published_on else None,
        "authors": item.authors,
        "text": item.text,
    }


def trafilatura_reading(raw: bytes) -> dict:
    import trafilatura

    doc = trafilatura.bare_extraction(decode_bytes(raw, html=True), with_metadata=True, favor_precision=True)
    if doc is None:
        return {"title": None, "date": None, "authors": [], "text": ""}
    authors = [normalize_line(a) for a in (doc.author or "").split(";") if a.strip()]
    date = doc.date
    if date:
        try:
            date = datetime.fromisoformat(date).date().isoformat()
        except ValueError:
            pass
    return {
        "title": normalize_line(doc.title or ""),
        "date": date,
        "authors": authors,
        "text": normalize_text(doc.text or ""),
    }


def score(reader, pages: list[dict]) -> dict:
    right = {"title": 0, "date": 0, "authors": 0}
    kept, total_paras, chrome_pages, elapsed = 0, 0, 0, 0.0
    misses = []
    reader(pages[0]["raw"])  # imports and first-call set-up are not timed
    for case in pages:
        started = time.perf_counter()
        got = reader(case["raw"])
        elapsed += time.perf_counter() - started
        for field in right:
            want = case[field]
            if (sorted(got[field]) == sorted(want)) if field == "authors" else got[field] == want:
                right[field] += 1
            else:
                misses.append(f"{case['name']} {field}: {got[field]!r} (want {want!r})")
        if case["paragraphs"]:
            total_paras += len(case["paragraphs"])
            kept += sum(1 for p in case["paragraphs"] if p[:80] in got["text"])
            chrome_pages += any(c in got["text"] for c in CHROME)
    n = len(pages)
    with_body = sum(1 for c in pages if c["paragraphs"])
    return {
        "pages": n,
        **{f"{k} right": f"{v}/{n}" for k, v in right.items()},
        "body paragraphs kept": f"{kept}/{total_paras}",
        "pages with chrome in the text": f"{chrome_pages}/{with_body}",
        "ms per page": round(1000 * elapsed / n, 1),
        "misses": misses,
    }


def main() -> None:
    import django

    django.setup()
    pages = cases()
    for name, reader in (
        ("archive (metadata + chrome rules)", ours),
        ("trafilatura 2.3 + htmldate", trafilatura_reading),
    ):
        result = score(reader, pages)
        misses = result.pop("misses")
        print(name, json.dumps(result, ensure_ascii=False))
        for miss in misses[:12]:
            print("   ", miss)


if __name__ == "__main__":
    main()
