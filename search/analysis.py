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

from archive.extract.normalize import fold, normalize_text
from search import abbreviations

# The index's format: bump it whenever analysis or the schema changes what an indexed document means.
# It is part of every document's digest, so `ensure_index` (run by `make run`) finds an index written
# in an older format stale and rebuilds it (docs/index-integrity.md). What each bump changed:
# - 2026-11-26b: words (syllable pairs) in two forms, `-` and `.` inside a word join (issue #8),
#   a django_id column, short posting lists inline (compact entries).
# - 2026-12-04: a dotted abbreviation before a capital or digit joins the next word, `TP. HCM` =
#   `TP.HCM` (issue #15, search/abbreviations.py).
# - 2026-12-06: a `dan_van` facet ("1"/"0", issue #17: the article's dân vận flag).
INDEX_FORMAT = (
    "2026-12-06 words+hyphens+dotted abbreviations+django_id, compact inline postings, dan_van facet"
)

# A syllable is a run of letters or digits (any script): never [a-zA-Z] on Vietnamese (STYLE #3).
_SYLLABLE = re.compile(r"[^\W_]+")
# What may stand between two syllables of one word: spaces, or one hyphen or dot inside a word
# (Jong-un, COVID-19, TP.HCM, Bà Rịa-Vũng Tàu: issue #8), never other punctuation or a line break.
_JOINER = re.compile(r"[ \t\u00a0]+|[-\u2010\u2011.]")
# A hyphen or dot with a letter or digit on both sides reads as a space, in the index and the query.
_INWORD = re.compile(r"(?<=[^\W_])[-\u2010\u2011.](?=[^\W_])")
# Dotted abbreviations of Vietnamese news, followed by a space and a capital or a digit, join the
# next word the same way (issue #15): `TP. HCM` = `TP.HCM` = `TP HCM`, `Q. 1`, `P. Bến Nghé`. A
# capital or digit must follow, so "ông Nguyễn Văn P. cho biết" keeps its sentence break.
_ABBREVIATION = re.compile(r"(" + "|".join(abbreviations.DOTTED) + r")\.[ \t\u00a0]+(?=[^\W_])")


def _join_abbreviation(m: re.Match) -> str:
    text, start = m.string, m.start()
    if start and (text[start - 1].isalnum()):  # "ATP. Hà" is not "TP."
        return m.group()
    following = text[m.end()]
    return m.group(1) + " " if following.isupper() or following.isdigit() else m.group()


def join_inword(text: str) -> str:
    """`Kim Jong-un` → `Kim Jong un`, `TP.HCM` and `TP. HCM` → `TP HCM`: one reading for index and
    query."""
    if "." in text:
        text = _ABBREVIATION.sub(_join_abbreviation, text)
    return _INWORD.sub(" ", text)


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
_BREAK_KEEP = re.compile(f"({_BREAK.pattern})")  # the same, keeping the punctuation
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
    for chunk in _BREAK.split(join_inword(normalize_text(text))):
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


# --- query syntax ------------------------------------------------------------------------------

MAX_QUERY_CHARS = 2000  # a pasted page is cut here (at a word boundary): the first words still search
MAX_SYLLABLES = 64  # syllables a query searches for at most: a longer paste keeps its first 64
MAX_RUNS = 32

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lexer: a quoted phrase (the closing quote may be missing), an operator, a word, or a separator.
# `or` / `hoặc` count as OR in any case (issue #8): neither is a word anyone searches for alone.
_LEX = re.compile(
    r'(?P<neg>-)?"(?P<phrase>[^"]*)"?'  # -"phrase" or "phrase"
    r"|(?P<op>(?<![^\W_])(?i:or|hoặc)(?![^\W_])|\|\|?)"  # OR
    r"|(?P<and>\bAND\b|&&?|\+)"
    r"|(?P<negword>(?<![^\s(])-(?=[^\W\d_]))"  # a minus that starts a word: exclusion (never -400)
    r"|(?P<word>[^\W_]+)"
    r"|(?P<space>\s+)"
    r"|(?P<sep>[^\s])"  # any other punctuation ends a run of syllables
)


@dataclass(frozen=True, slots=True)
class Run:
    """Syllables the user typed together. Between two cuts they must match as adjacent syllables
    (one word); across a cut (a word boundary, or punctuation inside quotes) they need not."""

    syllables: tuple[str, ...]  # lower case, normalised, as typed (with or without diacritics)
    quoted: bool = False
    cuts: tuple[int, ...] = ()  # i in cuts: syllables i and i+1 belong to different words
    # Quoted runs only: the punctuation typed at each cut, in the order of `cuts` ("" for none).
    # A quoted phrase is literal (issue #15): `"Hà Nội, Đà Nẵng"` needs the comma in the text.
    seps: tuple[str, ...] = ()

    @property
    def literal(self) -> bool:
        """A quoted phrase with punctuation inside: matched against the stored text."""
        return self.quoted and any(self.seps)

    @property
    def has_diacritics(self) -> bool:
        return any(fold(s) != s for s in self.syllables)

    @property
    def text(self) -> str:
        return " ".join(self.syllables)

    @property
    def words(self) -> list[tuple[str, ...]]:
        """The run's words: syllables between cuts."""
        out, start = [], 0
        for cut in sorted(self.cuts):
            out.append(self.syllables[start : cut + 1])
            start = cut + 1
        out.append(self.syllables[start:])
        return [w for w in out if w]

    def word_runs(self) -> list[Run]:
        return [Run(w, self.quoted) for w in self.words]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    required: tuple[tuple[Run, ...], ...]  # AND of groups; each group is an OR of runs
    excluded: tuple[Run, ...]
    truncated: bool = False
    segmented: bool = False  # word boundaries decided (from the index): see `segment`

    @property
    def empty(self) -> bool:
        return not self.required

    @property
    def runs(self) -> list[Run]:
        return [run for group in self.required for run in group]

    @property
    def has_diacritics(self) -> bool:
        return any(run.has_diacritics for run in self.runs)

    @property
    def syllable_count(self) -> int:
        return sum(len(r.syllables) for r in self.runs)

    def display(self) -> str:
        """The query as we understood it, for "N kết quả cho …"."""
        parts = []
        for group in self.required:
            parts.append(" OR ".join(f'"{r.text}"' if r.quoted else r.text for r in group))
        parts += [f'-"{r.text}"' if len(r.syllables) > 1 else f"-{r.text}" for r in self.excluded]
        return " ".join(parts)

    def folded(self) -> ParsedQuery:
        def f(run: Run) -> Run:
            return Run(tuple(fold(s) for s in run.syllables), run.quoted, run.cuts, run.seps)

        return ParsedQuery(
            tuple(tuple(f(r) for r in g) for g in self.required),
            tuple(f(r) for r in self.excluded),
            self.truncated,
            self.segmented,
        )


_TRAILING_SYLLABLE = re.compile(r"[^\W_]+$")


def _cut_at_word(text: str, limit: int) -> str:
    """The first `limit` characters, without a syllable cut in half at the end."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if _SYLLABLE.match(text, limit):  # the limit falls inside a syllable: drop its first half
        cut = _TRAILING_SYLLABLE.sub("", cut)
    return cut


def parse_query(raw: str) -> ParsedQuery:
    """Parse what a person typed. Never raises: bad syntax degrades to plain words.

    Syntax: words (syllables typed together form a run; `segment` later splits a run into words),
    "phrase" (punctuation inside breaks it as indexing does), -word / -"phrase" to exclude (`-Hà Nội`
    excludes the word Hà Nội: `segment` decides where the excluded word ends), OR / or / hoặc between
    two terms. AND, +, parentheses are accepted and ignored. At most MAX_SYLLABLES syllables count.
    """
    raw = raw or ""
    truncated = len(raw) > MAX_QUERY_CHARS
    text = normalize_text(_CONTROL.sub(" ", _cut_at_word(raw, MAX_QUERY_CHARS)).translate(_QUOTES))
    text = join_inword(" ".join(text.split()))

    groups: list[list[Run]] = []
    excluded: list[Run] = []
    current: list[str] = []  # syllables of the unquoted run being read
    current_negated = False
    pending_or = False
    negate_next = False
    budget = [MAX_SYLLABLES]

    def take(words: list[str]) -> list[str]:
        nonlocal truncated
        if len(words) > budget[0]:
            truncated = True
        kept = words[: max(0, budget[0])]
        budget[0] -= len(kept)
        return kept

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
        nonlocal current, current_negated
        kept = take(current)
        if kept:
            push(Run(tuple(kept)), current_negated)
        current = []
        current_negated = False

    for m in _LEX.finditer(text):
        kind = m.lastgroup
        if kind == "space":
            continue
        if kind == "phrase" or m.group("phrase") is not None:
            flush()
            # Punctuation inside the quotes breaks the phrase exactly where indexing does.
            syls: list[str] = []
            cuts: list[int] = []
            seps: list[str] = []
            sep = ""
            for k, piece in enumerate(_BREAK_KEEP.split(m.group("phrase"))):
                if k % 2:  # the punctuation between two pieces
                    sep += piece
                    continue
                words = [w.lower() for w in _SYLLABLE.findall(piece)]
                if words and syls:
                    cuts.append(len(syls) - 1)
                    seps.append(sep)
                if words:
                    sep = ""
                syls += words
            kept = take(syls)
            if kept:
                keep = [i for i, c in enumerate(cuts) if c < len(kept) - 1]
                run = Run(
                    tuple(kept),
                    quoted=True,
                    cuts=tuple(cuts[i] for i in keep),
                    seps=tuple(seps[i] for i in keep),
                )
                push(run, bool(m.group("neg")) or negate_next)
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
                # -Hà Nội: the excluded run takes the syllables typed with it; `segment` keeps
                # its first word excluded and gives the rest back to the search.
                flush()
                current_negated = True
                negate_next = False
            current.append(word)
        else:  # punctuation: ends the run
            flush()
            negate_next = False
    flush()
    groups = groups[:MAX_RUNS]
    excluded = excluded[:MAX_RUNS]
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded), truncated)


# --- words from syllables: boundaries read off the index ------------------------------------------

WEAK_PAIR = 0.5  # a pair this much rarer than its neighbouring pair is a word boundary


def _is_number(syllable: str) -> bool:
    return syllable.isdigit()


def word_cuts(syls: tuple[str, ...], pair_count) -> tuple[int, ...]:
    """Where a run of typed syllables splits into words, from how often each pair stands together.

    `pair_count(a, b)` is the number of documents holding the two syllables side by side. A pair
    that never stands together is a boundary ("Đà Nẵng | ma túy"); so is a pair next to a number,
    and a pair found in at most WEAK_PAIR times as many documents as the weaker of its neighbouring
    pairs ("giáo dục | Hà Nội": "dục hà" is rare beside "giáo dục" and "hà nội"). A syllable at
    either end is split off only at a pair that never occurs: "Bộ Công an" stays one term.
    """
    n = len(syls)
    if n < 2:
        return ()
    counts = [pair_count(syls[i], syls[i + 1]) for i in range(n - 1)]
    cuts = []
    for i, c in enumerate(counts):
        if c == 0 or _is_number(syls[i]) or _is_number(syls[i + 1]):
            cuts.append(i)
            continue
        neighbours = [counts[j] for j in (i - 1, i + 1) if 0 <= j < len(counts)]
        if not neighbours or i == 0 or i == n - 2:
            continue  # a soft boundary never leaves one syllable alone at an end
        if c <= WEAK_PAIR * min(neighbours):
            cuts.append(i)
    return tuple(cuts)


def segment(parsed: ParsedQuery, pair_count) -> ParsedQuery:
    """Decide the words of every unquoted run (`word_cuts`), and resolve what they mean:
    an unquoted run is its words joined by AND; `-Hà Nội giáo dục` excludes the first word only;
    `A B or C D` means A AND (B OR C) AND D."""
    if parsed.segmented:
        return parsed

    def cut(run: Run) -> Run:
        if run.quoted:
            return run
        return Run(run.syllables, False, word_cuts(run.syllables, pair_count))

    def words(run: Run) -> list[Run]:
        return [Run(w) for w in cut(run).words] if not run.quoted else [run]

    required: list[tuple[Run, ...]] = []
    excluded: list[Run] = []
    for group in parsed.required:
        if len(group) == 1:
            required.append((cut(group[0]),))
            continue
        alternatives = []
        for k, run in enumerate(group):
            ws = words(run)
            if len(ws) > 1 and k > 0:
                # The OR takes the first word on its right: the rest stand on their own.
                required.extend((w,) for w in ws[1:])
                ws = ws[:1]
            if len(ws) > 1 and k < len(group) - 1:
                required.extend((w,) for w in ws[:-1])
                ws = ws[-1:]
            alternatives.extend(ws)
        required.append(tuple(alternatives))
    for run in parsed.excluded:
        ws = words(run)
        excluded.append(ws[0])
        required.extend((w,) for w in ws[1:])
    return ParsedQuery(tuple(required), tuple(excluded), parsed.truncated, segmented=True)


def word_terms(word: tuple[str, ...], *, folded: bool) -> list[str]:
    """Index terms a word must all match: its bigrams, or its one syllable."""
    forms = [fold(s) for s in word] if folded else list(word)
    if len(forms) == 1:
        return forms
    return [f"{a} {b}" for a, b in zip(forms, forms[1:], strict=False)]


def run_terms(run: Run, *, folded: bool) -> list[str]:
    """Index terms a run must all match: each word's bigrams (or its one syllable)."""
    out: list[str] = []
    for word in run.words:
        out += [t for t in word_terms(word, folded=folded) if t not in out]
    return out


def adjacency_terms(run: Run, *, folded: bool) -> list[str]:
    """Bigrams across the run's word boundaries: optional, a document holding them ranks higher."""
    forms = [fold(s) for s in run.syllables] if folded else list(run.syllables)
    return [f"{forms[i]} {forms[i + 1]}" for i in run.cuts if i + 1 < len(forms)]


# --- unaccented readings ----------------------------------------------------------------------------

_BASES = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = set("aăâeêioôơuưy")


_MODIFIED = set("ăâêôơư")


def _tone_slots(letters: tuple[str, ...]) -> list[int]:
    """Where a tone mark may sit in this spelling: the vowel the rules put it on (one tone placement
    is what `normalize_text` keeps), both vowels of an open two-vowel nucleus (oa/òa styles)."""
    start = 0
    if len(letters) > 2 and letters[:2] in (("g", "i"), ("q", "u")) and letters[2] in _VOWELS:
        start = 2  # "gi", "qu": the i / u belongs to the consonant
    nucleus = [i for i in range(start, len(letters)) if letters[i] in _VOWELS]
    if not nucleus:
        return []
    modified = [i for i in nucleus if letters[i] in _MODIFIED]
    if modified:
        return [modified[-1]]  # ươ → ơ, ê, ô, â …
    if nucleus[-1] != len(letters) - 1 or len(nucleus) == 1:
        return [nucleus[-1]]  # closed syllable, or one vowel
    if len(nucleus) == 3:
        return [nucleus[1]]
    return nucleus[:2]


@lru_cache(maxsize=4096)
def accented_forms(syllable: str) -> tuple[str, ...]:
    """Spellings with diacritics that fold to this unaccented syllable (most are not words), the
    tone on the vowel the spelling rules allow."""
    import itertools
    import unicodedata

    if not syllable.isascii() or not syllable.isalpha() or len(syllable) > 7:
        return (syllable,)
    choices = [_BASES.get(c, c) for c in syllable]
    out: set[str] = set()
    for letters in itertools.product(*choices):
        out.add("".join(letters))
        for i in _tone_slots(letters):
            for tone in _TONES[1:]:
                marked = list(letters)
                marked[i] = unicodedata.normalize("NFC", marked[i] + tone)
                out.add(normalize_text("".join(marked)))
    return tuple(sorted(out))


def __getattr__(name: str):
    """`search.analysis.VietnameseAnalyzer`, as indexes written before issue #18 pickled it: the
    Whoosh analyzer lives in the Whoosh engine now, loaded only when such an index is opened."""
    if name == "VietnameseAnalyzer":
        from search.engines.whoosh.analyzer import VietnameseAnalyzer

        return VietnameseAnalyzer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
