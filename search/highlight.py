"""Highlighting with the index's own analysis: the same syllables, the same exact/folded forms.

The stock Haystack highlighter re-analyses with the English stemmer and marks nothing for
`dan van` (issue #3). Output is HTML-escaped text in which only `<mark>` tags are markup.
"""

from __future__ import annotations

from html import escape

from archive.extract.normalize import fold, normalize_text
from search.analysis import ParsedQuery, parse_query, syllables

SNIPPET_CHARS = 260


def match_spans(text: str, query: ParsedQuery, *, widened: bool = False) -> list[tuple[int, int]]:
    """Character spans of `text` (normalised) where a required run of the query matches.

    A run typed with diacritics matches the exact form unless the search was widened to the folded
    form; a run typed without diacritics matches the folded form. Syllables must be adjacent
    (spaces only between them), as in the index.
    """
    syls = syllables(text)
    if not syls or query.empty:
        return []
    exact = [s.text for s in syls]
    folded = [fold(s) for s in exact]
    spans: list[tuple[int, int]] = []
    for run in query.runs:
        use_exact = run.has_diacritics and not widened
        forms = exact if use_exact else folded
        want = list(run.syllables) if use_exact else [fold(s) for s in run.syllables]
        n = len(want)
        for i in range(len(syls) - n + 1):
            if forms[i] != want[0]:
                continue
            if all(forms[i + k] == want[k] and syls[i + k].joined for k in range(1, n)):
                spans.append((syls[i].start, syls[i + n - 1].end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _markup(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    out, pos = [], offset
    for start, end in spans:
        out.append(escape(text[pos:start], quote=False))
        out.append(f"<mark>{escape(text[start:end], quote=False)}</mark>")
        pos = end
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def highlight_text(text: str, query: ParsedQuery | str, *, widened: bool = False) -> str:
    """The whole text, escaped, with every match in `<mark>` (for the article page)."""
    if isinstance(query, str):
        query = parse_query(query)
    text = normalize_text(text or "")
    spans = match_spans(text, query, widened=widened)
    if not spans and not widened and query.has_diacritics:
        spans = match_spans(text, query, widened=True)
    return _markup(text, spans)


def snippet(text: str, query: ParsedQuery | str, *, widened: bool = False, size: int = SNIPPET_CHARS) -> str:
    """An escaped extract of about `size` characters around the densest matches."""
    if isinstance(query, str):
        query = parse_query(query)
    text = " ".join(normalize_text(text or "").split())
    spans = match_spans(text, query, widened=widened)
    if not spans and not widened and query.has_diacritics:
        spans = match_spans(text, query, widened=True)
    if not spans:
        cut = text[:size]
        if len(text) > size:
            cut = cut.rsplit(" ", 1)[0] + " …"
        return escape(cut, quote=False)
    # The window that holds the most matches, starting a little before one of them.
    best_start, best_count = 0, -1
    for start, _ in spans:
        count = sum(1 for s, e in spans if start <= s and e <= start + size)
        if count > best_count:
            best_start, best_count = start, count
    lo = max(0, best_start - 60)
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < best_start else lo
    hi = min(len(text), lo + size)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo else hi
    inside = [(max(s, lo), min(e, hi)) for s, e in spans if s < hi and e > lo]
    body = _markup(text[:hi], inside, offset=lo)
    return ("… " if lo > 0 else "") + body + (" …" if hi < len(text) else "")
