"""Highlighting with the index's own analysis: the same syllables, the same exact/folded forms.

The stock Haystack highlighter re-analyses with the English stemmer and marks nothing for
`dan van` (issue #3). Output is HTML-escaped text in which only `<mark>` tags are markup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from archive.extract.normalize import fold, normalize_text
from search import abbreviations
from search.analysis import ParsedQuery, Run, parse_query

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


_JOINER = r"(?:[ \t\u00a0]+|[-\u2010\u2011.])"
_ABBREVIATION_JOINER = r"(?:\.?[ \t\u00a0]+|[-\u2010\u2011.])"
_DOTTED = {fold(a).lower() for a in abbreviations.DOTTED}


@lru_cache(maxsize=1024)
def _run_pattern(syls: tuple[str, ...], exact: bool) -> re.Pattern[str]:
    """One regex for a run of adjacent syllables, whole syllables only, as the index matches them.

    Exact: the syllables as typed, any case. Folded: each letter stands for all its accented forms.
    One C-level regex search replaces splitting the text into syllables (the search page's cost).
    """
    parts = _syllable_patterns(syls, exact)
    # Between syllables: spaces, or one hyphen or dot inside a word (analysis._JOINER); after a
    # dotted abbreviation, also a dot and spaces (`TP. Hồ`: analysis.join_inword).
    out = [_starting(parts[0])]
    for syl, part in zip(syls, parts[1:], strict=False):
        out.append(_ABBREVIATION_JOINER if syl in _DOTTED else _JOINER)
        out.append(part)
    return re.compile("".join(out) + r"(?![^\W_])", re.IGNORECASE)


def _starting(part: str) -> str:
    """A syllable's pattern that starts a match: its first letter, then "no letter or digit
    before it" (a lookbehind over that letter and the one before). The same matches as the
    lookbehind first, but a pattern that starts with a letter or a set of letters lets `re` skip
    to where that letter is, instead of trying the whole pattern at every position: 2-3 times
    faster over news text (the search page's snippets, cold: 50 of a long line's 110 ms)."""
    size = part.index("]") + 1 if part.startswith("[") else 2 if part.startswith("\\") else 1
    return part[:size] + r"(?<![^\W_][\s\S])" + part[size:]


def _syllable_patterns(syls: tuple[str, ...], exact: bool) -> list[str]:
    if exact:
        return [re.escape(s) for s in syls]
    return ["".join(f"[{_CLASSES[c]}]" if c in _CLASSES else re.escape(c) for c in fold(s)) for s in syls]


def word_pattern(word: tuple[str, ...], exact: bool) -> re.Pattern[str]:
    """The regex that finds one word of a query in normalised text, as the index matches it."""
    return _run_pattern(tuple(word), exact)


@lru_cache(maxsize=256)
def literal_pattern(run: Run, exact: bool) -> re.Pattern[str]:
    """A quoted phrase with punctuation inside, literally (issue #15): `"Hà Nội, Đà Nẵng"` needs
    the comma between the two words (spaces around it as they come), `"TP. Hồ Chí Minh"` the dot."""
    parts = _syllable_patterns(run.syllables, exact)
    seps = dict(zip(run.cuts, run.seps, strict=True))
    out = [_starting(parts[0])]
    for i, part in enumerate(parts[1:]):
        sep = seps.get(i, "").strip()
        if i in seps:
            out.append(r"\s*" + re.escape(sep) + r"\s*" if sep else r"\W+")
        else:
            out.append(_ABBREVIATION_JOINER if run.syllables[i] in _DOTTED else _JOINER)
        out.append(part)
    return re.compile("".join(out) + r"(?![^\W_])", re.IGNORECASE)


def match_spans(
    text: str, query: ParsedQuery, *, widened: bool = False, syllables: bool = False
) -> list[tuple[int, int]]:
    """Character spans of `text` (normalised) where a required run of the query matches.

    A run typed with diacritics matches the exact form unless the search was widened to the folded
    form; a run typed without diacritics matches the folded form. Syllables must be adjacent
    (spaces only between them), as in the index. `syllables`: each syllable of an unquoted run
    alone, for an article listed for holding them apart (issue #15).
    """
    if not text or query.empty:
        return []
    spans: list[tuple[int, int]] = []
    for run in query.runs:
        words = [(s,) for s in run.syllables] if syllables and not run.quoted else run.words
        for word in words:
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
    spans = _spans(text, query, widened)
    return _markup(text, spans)


def _spans(text: str, query: ParsedQuery, widened: bool) -> list[tuple[int, int]]:
    """The words' spans, widened to folded forms when the exact ones are not there, and the lone
    syllables when the words are not there at all."""
    for syllables in (False, True):
        spans = match_spans(text, query, widened=widened, syllables=syllables)
        if not spans and not widened and query.has_diacritics:
            spans = match_spans(text, query, widened=True, syllables=syllables)
        if spans:
            return spans
    return []


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
        spans = _spans(scope, query, widened)
        if spans:
            break
    if not spans:
        cut = text[:size]
        if len(text) > size:
            cut = cut.rsplit(" ", 1)[0] + " …"
        return escape(cut, quote=False)
    # The window that holds the most matches, starting a little before one of them.
    # The spans are merged, so starts and ends both increase: the spans inside a window starting
    # at spans[i] are spans[i:j] for the first j whose end passes it (one pass, not one per span).
    best_start, best_count, j = 0, -1, 0
    for i, (start, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= start + size:
            j += 1
        if j - i > best_count:
            best_start, best_count = start, j - i
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
