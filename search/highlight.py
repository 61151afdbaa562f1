"""Highlighting with the index's own analysis: the same syllables, the same exact/folded forms.

The stock Haystack highlighter re-analyses with the English stemmer and marks nothing for
`dan van` (issue #3). Output is HTML-escaped text in which only `<mark>` tags are markup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from archive.extract.normalize import fold, normalize_text
from search.analysis import ParsedQuery, parse_query

SNIPPET_CHARS = 260
# A snippet looks for matches in the first SCAN_CHARS of the text first, and reads the rest only
# when there are none there: the search page builds 20 snippets and most matches come early.
SCAN_CHARS = 6000


def _letter_classes() -> dict[str, str]:
    """Folded letter → every precomposed letter that folds to it: "d" → "dDđĐ", "a" → "aàá…Ặ"."""
    classes: dict[str, list[str]] = {}
    for code in (*range(0x30, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        folded = fold(char)
        if len(folded) == 1 and folded.isascii() and folded.isalnum():
            classes.setdefault(folded, []).append(char)
    return {k: "".join(sorted(set(v))) for k, v in classes.items()}


_CLASSES = _letter_classes()


@lru_cache(maxsize=1024)
def _run_pattern(syls: tuple[str, ...], exact: bool) -> re.Pattern[str]:
    """One regex for a run of adjacent syllables, whole syllables only, as the index matches them.

    Exact: the syllables as typed, any case. Folded: each letter stands for all its accented forms.
    One C-level regex search replaces splitting the text into syllables (the search page's cost).
    """
    if exact:
        parts = [re.escape(s) for s in syls]
    else:
        parts = [
            "".join(f"[{_CLASSES[c]}]" if c in _CLASSES else re.escape(c) for c in fold(s)) for s in syls
        ]
    # Between syllables: spaces, or one hyphen or dot inside a word (analysis._JOINER).
    joiner = r"(?:[ \t\u00a0]+|[-\u2010\u2011.])"
    return re.compile(r"(?<![^\W_])" + joiner.join(parts) + r"(?![^\W_])", re.IGNORECASE)


def word_pattern(word: tuple[str, ...], exact: bool) -> re.Pattern[str]:
    """The regex that finds one word of a query in normalised text, as the index matches it."""
    return _run_pattern(tuple(word), exact)


def match_spans(text: str, query: ParsedQuery, *, widened: bool = False) -> list[tuple[int, int]]:
    """Character spans of `text` (normalised) where a required run of the query matches.

    A run typed with diacritics matches the exact form unless the search was widened to the folded
    form; a run typed without diacritics matches the folded form. Syllables must be adjacent
    (spaces only between them), as in the index.
    """
    if not text or query.empty:
        return []
    spans: list[tuple[int, int]] = []
    for run in query.runs:
        for word in run.words:
            exact = any(fold(s) != s for s in word) and not widened
            spans.extend(m.span() for m in _run_pattern(tuple(word), exact).finditer(text))
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
    return _snippet(text or "", query, widened, size)


@lru_cache(maxsize=1024)  # a repeated search page rebuilds the same 20 snippets
def _snippet(text: str, query: ParsedQuery, widened: bool, size: int) -> str:
    # Stored text is normalised at ingest; this only unifies white space for the extract.
    text = " ".join(text.split())
    spans = []
    for scope in (text[:SCAN_CHARS], text) if len(text) > SCAN_CHARS else (text,):
        spans = match_spans(scope, query, widened=widened)
        if not spans and not widened and query.has_diacritics:
            spans = match_spans(scope, query, widened=True)
        if spans:
            break
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
