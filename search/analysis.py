"""Vietnamese analysis for the index and the query: syllables, words (syllable bigrams), two forms.

Vietnamese writes every syllable apart ("dân vận" is one word of two syllables), so a bag of
syllables matches half the corpus for `dan van` (FIELD-NOTES). We index each syllable and each pair
of adjacent syllables (a "bigram", stored as "dân vận" with its space: it cannot collide with a
syllable), and we never pair syllables across punctuation or a line break. Each field comes in two
forms: exact (diacritics kept, lower case) and folded (`fold`: no diacritics, đ → d).

All text goes through `archive.extract.normalize.normalize_text` first (NFC, one tone placement),
so NFD input, "Thuỷ"/"Thủy" and "Hoà"/"Hòa" meet in the same terms.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Analyzer, Token

from archive.extract.normalize import fold, normalize_text

# A syllable is a run of letters or digits (any script): never [a-zA-Z] on Vietnamese (STYLE #3).
_SYLLABLE = re.compile(r"[^\W_]+")
# What may stand between two syllables of one word: spaces only, no punctuation, no line break.
_JOINER = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True, slots=True)
class Syllable:
    text: str  # lower case, with diacritics
    start: int  # character offsets in the normalised text
    end: int
    joined: bool  # True when only spaces separate it from the previous syllable


def syllables(text: str) -> list[Syllable]:
    """The syllables of already-normalised text, lower-cased, with their offsets."""
    out: list[Syllable] = []
    prev_end = None
    for match in _SYLLABLE.finditer(text):
        start = match.start()
        joined = prev_end is not None and _JOINER.fullmatch(text, prev_end, start) is not None
        out.append(Syllable(match.group().lower(), start, match.end(), joined))
        prev_end = match.end()
    return out


# Vietnamese has a few thousand distinct syllables: folding each once per process is enough.
_fold_syllable = lru_cache(maxsize=65536)(fold)

# Indexing splits a text into "chunks" (maximal runs of syllables separated only by spaces), then
# each chunk into syllables on white space: one regex split and one str.split per chunk instead of a
# regex match per syllable. Same result as `syllables()`: a chunk holds only letters, digits and
# the joiner spaces, so its white-space split is exactly its syllables, and syllables of one chunk
# are exactly the pairs `syllables()` marks `joined`.
_BREAK = re.compile(r"[^\w \t\u00a0]+|_+")
_FORMS_MAX = 200_000
_forms: dict[str, tuple[str, str]] = {}  # raw syllable → (lower case, folded)


def _syllable_forms(raw: str) -> tuple[str, str]:
    forms = _forms.get(raw)
    if forms is None:
        low = raw.lower()
        forms = (low, _fold_syllable(low))
        if len(_forms) >= _FORMS_MAX:
            _forms.clear()
        _forms[raw] = forms
    return forms


def analyse(text: str) -> tuple[list[str], list[str]]:
    """Index terms of a text in both forms at once: (exact terms, folded terms).

    Each form lists every syllable and, after it, the bigram with the previous syllable when only
    spaces separate them: the order `index_terms` yields.
    """
    exact: list[str] = []
    folded: list[str] = []
    forms = _forms
    for chunk in _BREAK.split(normalize_text(text)):
        prev_e = prev_f = None
        for raw in chunk.split():
            pair = forms.get(raw) or _syllable_forms(raw)
            e, f = pair
            exact.append(e)
            folded.append(f)
            if prev_e is not None:
                exact.append(f"{prev_e} {e}")
                folded.append(f"{prev_f} {f}")
            prev_e, prev_f = e, f
    return exact, folded


_last: list = [None, None]  # (text, analyse(text)): a field's exact and folded forms come in a row
_last_lock = threading.Lock()


def analysed(text: str) -> tuple[list[str], list[str]]:
    """`analyse(text)`, remembered for the last text (the folded field follows the exact one)."""
    with _last_lock:
        if _last[0] is text or (_last[0] is not None and _last[0] == text):
            return _last[1]
    result = analyse(text)
    with _last_lock:
        _last[0], _last[1] = text, result
    return result


def index_terms(text: str, *, folded: bool) -> Iterator[str]:
    """Terms indexed for a text: each syllable, and each adjacent pair joined by one space."""
    yield from analysed(text)[1 if folded else 0]


class VietnameseAnalyzer(Analyzer):
    """Whoosh analyzer emitting syllables and syllable bigrams, exact or folded.

    Fields using it are indexed without positions (`phrase=False`): phrases are matched as chains
    of bigrams, which is what makes the index affordable (no position lists) and exact for
    two-syllable words.
    """

    def __init__(self, folded: bool = False):
        self.folded = folded

    def __eq__(self, other):
        return type(other) is type(self) and other.folded == self.folded

    def __repr__(self):
        return f"VietnameseAnalyzer(folded={self.folded})"

    def terms(self, value: str) -> list[str]:
        """The index terms of a value, in order (what the tokens' texts would be)."""
        return analysed(value)[1 if self.folded else 0]

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            yield token
            return
        for pos, term in enumerate(self.terms(value)):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token


# --- query syntax ------------------------------------------------------------------------------

MAX_QUERY_CHARS = 1000  # a pasted page is cut here: the first words still search
MAX_RUNS = 32

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lexer: a quoted phrase (the closing quote may be missing), an operator, a word, or a separator.
_LEX = re.compile(
    r'(?P<neg>-)?"(?P<phrase>[^"]*)"?'  # -"phrase" or "phrase"
    r"|(?P<op>\bOR\b|\bHOẶC\b|\|\|?)"  # OR
    r"|(?P<and>\bAND\b|&&?|\+)"
    r"|(?P<negword>(?<![^\s(])-(?=[^\W_]))"  # a minus that starts a word: exclusion
    r"|(?P<word>[^\W_]+)"
    r"|(?P<sep>[^\s])"  # any other punctuation ends a run of syllables
)


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive syllables the user typed: they must match as adjacent words."""

    syllables: tuple[str, ...]  # lower case, normalised, as typed (with or without diacritics)
    quoted: bool = False

    @property
    def has_diacritics(self) -> bool:
        return any(fold(s) != s for s in self.syllables)

    @property
    def text(self) -> str:
        return " ".join(self.syllables)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    required: tuple[tuple[Run, ...], ...]  # AND of groups; each group is an OR of runs
    excluded: tuple[Run, ...]
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.required

    @property
    def runs(self) -> list[Run]:
        return [run for group in self.required for run in group]

    @property
    def has_diacritics(self) -> bool:
        return any(run.has_diacritics for run in self.runs)

    def display(self) -> str:
        """The query as we understood it, for "N kết quả cho …"."""
        parts = []
        for group in self.required:
            parts.append(" OR ".join(f'"{r.text}"' if r.quoted else r.text for r in group))
        parts += [f'-"{r.text}"' if len(r.syllables) > 1 else f"-{r.text}" for r in self.excluded]
        return " ".join(parts)

    def folded(self) -> ParsedQuery:
        def f(run: Run) -> Run:
            return Run(tuple(fold(s) for s in run.syllables), run.quoted)

        return ParsedQuery(
            tuple(tuple(f(r) for r in g) for g in self.required), tuple(f(r) for r in self.excluded)
        )


def parse_query(raw: str) -> ParsedQuery:
    """Parse what a person typed. Never raises: bad syntax degrades to plain words.

    Syntax: words (adjacent ones form a run that must match adjacent in the text), "phrase",
    -word / -"phrase" to exclude, OR between two terms. AND, +, parentheses are accepted and ignored.
    """
    raw = raw or ""
    truncated = len(raw) > MAX_QUERY_CHARS
    text = normalize_text(_CONTROL.sub(" ", raw[:MAX_QUERY_CHARS]).translate(_QUOTES))
    text = " ".join(text.split())

    groups: list[list[Run]] = []
    excluded: list[Run] = []
    current: list[str] = []  # syllables of the unquoted run being read
    pending_or = False
    negate_next = False

    def push(run: Run, negated: bool) -> None:
        nonlocal pending_or
        if negated:
            excluded.append(run)
        elif pending_or and groups:
            groups[-1].append(run)
        else:
            groups.append([run])
        pending_or = False

    def flush() -> None:
        nonlocal current, negate_next
        if current:
            push(Run(tuple(current)), False)
        current = []

    for m in _LEX.finditer(text):
        kind = m.lastgroup
        if kind == "phrase" or m.group("phrase") is not None:
            flush()
            words = tuple(w.lower() for w in _SYLLABLE.findall(m.group("phrase")))
            if words:
                push(Run(words, quoted=True), bool(m.group("neg")) or negate_next)
            negate_next = False
        elif kind == "op":
            flush()
            pending_or = bool(groups)
        elif kind == "and":
            flush()
        elif kind == "negword":
            flush()
            negate_next = True
        elif kind == "word":
            word = m.group("word").lower()
            if negate_next:
                # -word excludes one syllable; -"two words" excludes a phrase.
                push(Run((word,)), True)
                negate_next = False
            else:
                current.append(word)
        else:  # punctuation: ends the run
            flush()
            negate_next = False
    flush()
    groups = groups[:MAX_RUNS]
    excluded = excluded[:MAX_RUNS]
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded), truncated)


def run_terms(run: Run, *, folded: bool) -> list[str]:
    """Index terms a run must all match: its bigrams, or its one syllable."""
    forms = [fold(s) for s in run.syllables] if folded else list(run.syllables)
    if len(forms) == 1:
        return forms
    return [f"{a} {b}" for a, b in zip(forms, forms[1:], strict=False)]
