"""Haystack's Whoosh backend, adapted to Vietnamese (issue #3; FIELD-NOTES "Haystack + Whoosh").

What changes from the stock backend, and why:
- Text fields use `VietnameseAnalyzer` in two forms, `<field>` (exact diacritics) and `<field>_f`
  (folded), each holding syllables and adjacent-syllable bigrams; no English stop list or stemmer.
- Facet fields (the index's `Facet*Field`s) are single terms (`ID`; `KEYWORD` split on commas for
  multi-valued ones) with a column, so "Long An" stays one value and counts come from columns.
- Writes wait for Whoosh's one write lock (retry with back-off up to `WRITE_TIMEOUT`) instead of
  failing: stock `remove()` logs LockError and leaves the stale document in the index.
- `article_search()` keeps one searcher open while the index is unchanged (a new searcher per
  query costs ~58 ms on compound segments), writes non-compound segments, and counts facets from
  `docs_for_query` + per-segment column values instead of `groupedby` (which scores every hit).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
import traceback
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from datetime import time as dtime

import numpy as np
from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.fields import FacetField
from haystack.utils import get_identifier
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PerDocReader
from whoosh.fields import DATETIME, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.fields import ID as WHOOSH_ID
from whoosh.formats import Frequency
from whoosh.matching import AndNotMatcher, ReadTooFar
from whoosh.reading import SegmentReader
from whoosh.system import pack_ushort
from whoosh.writing import OPTIMIZE, SegmentWriter

from archive.extract.normalize import fold
from search import abbreviations, shared_cache
from search.analysis import (
    ParsedQuery,
    Run,
    accented_forms,
    adjacency_terms,
    segment,
    word_terms,
)
from search.engines.base import Hit, SearchOutcome, fill_periods
from search.engines.haystack import NotOfferedQuery
from search.engines.whoosh import docsets
from search.engines.whoosh.analyzer import VietnameseAnalyzer
from search.engines.whoosh.codec import (
    DanvanCodec,
    compact_entry,
    fill_blocks,
    inline_terminfo,
    length_range,
    packed,
)
from search.query import SORTS, TREND_BY  # noqa: F401 — read here by older callers

FOLDED_SUFFIX = "_f"
WRITE_TIMEOUT = 120.0  # seconds a writer waits for the lock before giving up loudly
WRITE_DELAY = 0.05
OPEN_ATTEMPTS = 5  # a searcher opened while writers commit: tries before the error is shown
PARALLEL_MIN = 1000  # fewer documents than this are written by one process
MERGE_SEGMENT_MAX = 2_000  # segments this small get merged together ...
MERGE_MIN_SEGMENTS = 8  # ... once there are this many of them ...
MERGE_TOTAL_MAX = 20_000  # ... at most this many documents per merge
# The index worker's commits (issue #16, finding 4) merge at most this many documents: merging costs
# about 13 ms a document (3,000 took 38.6 s), and a drain waiting on a big merge left saves unsearchable
# for 106 s in bench/editors_bench.py. Bigger merges happen in the bulk paths (ingest, update_index).
QUICK_MERGE_TOTAL_MAX = 100
RESULT_CACHE_SIZE = 512  # searches remembered per process, across its threads and index versions

# Repeated searches, remembered once per process, keyed by index version and search. Each thread has
# its own backend (Haystack's connections are per thread); with a memo per backend, every thread of
# a worker held its own copy of the same results: a common syllable's is ~1 MB (7,476 officials in
# its facet at 100,004 articles), 4 threads × 512 of them (issue #21). A commit changes the version,
# so an older entry is never answered; it ages out.
_RESULTS: OrderedDict = OrderedDict()
_RESULTS_LOCK = threading.Lock()
EXACT_BOOST = 4.0  # when a diacritic query is widened to folded, exact matches still come first
WIDEN_BELOW = 5  # "exact finds little": fewer hits than this widens to the folded form ...
WIDEN_SYLLABLES = 6  # ... in a line this short; a longer one widens only when exact finds nothing
ADJACENT_BOOST = 0.5  # words typed together that also stand together in a document rank higher
READING_BOOST = 2.0  # an unaccented word ranks its most used accented reading first
PASTE_SYLLABLES = 24  # a query longer than this is read as a pasted passage (see `paste_query`)
PASTE_TERMS = 12  # ... searched by its rarest word pairs ...
PASTE_MATCH = 0.6  # ... of which a document must hold this share
VERIFY_MAX = 3000  # candidates checked against the stored text for words of 3+ syllables
READINGS_MAX = 6  # accented readings offered for an unaccented word
READINGS_RANKED = 3  # ... of which the most used rank an unaccented word's matches ...
READING_LINE_SYLLABLES = 6  # ... in a line of at most this many syllables
READING_SYLLABLE_FORMS = 6  # accented forms of each syllable tried when reading a two-syllable word
FOLDED_WEIGHT = 0.25  # an unaccented word's folded match, beside its readings' weighted scores
ALTERNATIVE_WEIGHT = 0.5  # `UBND` also finds "Ủy ban nhân dân", ranked after what was typed

logger = logging.getLogger(__name__)

_write_lock = threading.RLock()  # threads of one process queue here; processes on Whoosh's lock


# --- writing fast: Whoosh's per-posting Python work is most of the build (bench/profile_index.py) --


class VietnameseText(TEXT):
    """TEXT whose postings come straight from the analyzer's term list (no Token objects).

    Same postings as TEXT + `Frequency` (weight = frequency × field boost, value = packed
    frequency), computed with one Counter over `VietnameseAnalyzer.terms()`.
    """

    def index(self, value, **kwargs):
        analyzer, fmt = self.analyzer, self.format
        if isinstance(value, str) and isinstance(analyzer, VietnameseAnalyzer) and type(fmt) is Frequency:
            fb = fmt.field_boost
            counts = Counter(analyzer.terms(value))
            return [(t.encode("utf-8"), n, n * fb, packed(n)) for t, n in counts.items()]
        return super().index(value, **kwargs)


class ExclusionMatcher(AndNotMatcher):
    """whoosh-reloaded 2.7.5's AndNotMatcher with its two bugs fixed (issue 6, finding 3).

    1. At the start it only skips when the first ids are equal: with the excluded list positioned
       before the first candidate (`a`=[5], `b`=[3, 5]) it never moves `b` on, and document 5,
       which holds the excluded word, is returned: the first match of a segment leaks through.
    2. `skip_to` and `skip_to_quality` look at `a.id()` after `a` may have run out: IndexError in
       ListMatcher.id (a 500 for a filtered exclusion such as `thu chính -chiến` + kind=giao_ban).
    Both happen on an index written by stock Whoosh (tests/search/test_exclusion.py), so the fix
    is here, not in the inline-postings codec.
    """

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()

    def _find_next(self):
        if not self.a.is_active():
            return False
        return super()._find_next()

    def skip_to(self, id):
        if not self.a.is_active():
            raise ReadTooFar
        if id < self.a.id():
            return
        self.a.skip_to(id)
        if self.a.is_active() and self.b.is_active():
            self.b.skip_to(id)
            self._find_next()

    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        if self.a.is_active() and self.b.is_active():
            self._find_next()
        return skipped


class Exclusion(wq.AndNot):
    """`a` without the documents matching `b`, through ExclusionMatcher."""

    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return ExclusionMatcher(scored, excluded)


_FREQ_BITS = 20
_FREQ_MASK = (1 << _FREQ_BITS) - 1


class _TermPool:
    """In-memory posting pool: postings grouped by field and term as documents arrive.

    Replaces Whoosh's PostingPool, which pickles every posting to sorted runs on disk and merges
    them back: here only the distinct terms are sorted at the end, and each term's postings are
    already in document order (documents, then merged segments, are added in increasing docnum).
    A posting is one int, `docnum << 20 | freq` (Frequency: weight = freq, value = packed freq;
    freq 0 stands for weight 1.0 and no value), or a (docnum, weight, value) tuple for anything
    else; a term with one posting holds it bare, without a list (most bigrams occur once).
    """

    def __init__(self):
        self.fields: dict[str, dict[bytes, object]] = {}
        self.fieldnames: set[str] = set()

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        if docnum < 0:
            return  # Whoosh's spelling-word hack: no spelling fields here
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        if vbytes:
            freq = int(weight)
            if freq == weight and 0 < freq < 256 and vbytes == packed(freq):
                posting = docnum << _FREQ_BITS | freq
            else:
                posting = (docnum, weight, vbytes)
        elif weight == 1.0:
            posting = docnum << _FREQ_BITS
        else:
            posting = (docnum, weight, vbytes or b"")
        held = terms.get(tbytes)
        if held is None:
            terms[tbytes] = posting
        elif type(held) is list:
            held.append(posting)
        else:
            terms[tbytes] = [held, posting]

    @staticmethod
    def decode(posting) -> tuple[int, float, bytes]:
        if type(posting) is int:
            freq = posting & _FREQ_MASK
            if freq:
                return posting >> _FREQ_BITS, float(freq), packed(freq)
            return posting >> _FREQ_BITS, 1.0, b""
        return posting

    def postings(self, fieldname: str, tbytes: bytes) -> list:
        held = self.fields[fieldname][tbytes]
        return held if type(held) is list else [held]

    def iter_postings(self):
        decode = self.decode
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for tbytes in sorted(terms):
                for posting in self.postings(fieldname, tbytes):
                    docnum, weight, vbytes = decode(posting)
                    yield fieldname, tbytes, docnum, weight, vbytes

    def cleanup(self):
        self.fields = {}


def _compact_entry(postings, lengths) -> bytes | None:
    """A short posting list of the pool's plain postings (ints) as its compact term-index entry;
    None for anything else (the general path writes those)."""
    for posting in postings:
        if type(posting) is not int:
            return None
    freqs = [posting & _FREQ_MASK for posting in postings]
    if 0 in freqs:
        if any(freqs):
            return None
        freqs = None
    ids = [posting >> _FREQ_BITS for posting in postings]
    return compact_entry(ids, freqs, *length_range(ids, lengths))


def merge_bounded(writer, segments):
    """Merge policy: fold small segments together, never rewrite big ones.

    Whoosh's MERGE_SMALL eventually merges most of the index in one single-process pass (at ~21
    equal segments); here only segments under MERGE_SEGMENT_MAX documents are merged, once there
    are MERGE_MIN_SEGMENTS of them, and at most MERGE_TOTAL_MAX documents at a time.
    """
    small = sorted(
        (seg for seg in segments if seg.doc_count_all() < MERGE_SEGMENT_MAX),
        key=lambda seg: seg.doc_count_all(),
    )
    if len(small) < MERGE_MIN_SEGMENTS:
        return segments
    chosen, total = [], 0
    for seg in small:
        if len(chosen) >= 2 and total + seg.doc_count_all() > MERGE_TOTAL_MAX:
            break
        chosen.append(seg)
        total += seg.doc_count_all()
    return _merge_chosen(writer, segments, chosen)


def merge_quick(writer, segments):
    """Merge policy of the index worker's commits: the smallest segments, once there are
    MERGE_MIN_SEGMENTS under MERGE_SEGMENT_MAX documents, only while they add up to at most
    QUICK_MERGE_TOTAL_MAX documents (so a commit takes seconds, never minutes)."""
    small = sorted(
        (seg for seg in segments if seg.doc_count_all() < MERGE_SEGMENT_MAX),
        key=lambda seg: seg.doc_count_all(),
    )
    if len(small) < MERGE_MIN_SEGMENTS:
        return segments
    chosen = []
    total = 0
    for seg in small:
        if total + seg.doc_count_all() > QUICK_MERGE_TOTAL_MAX:
            break
        chosen.append(seg)
        total += seg.doc_count_all()
    if len(chosen) < 2:
        return segments
    return _merge_chosen(writer, segments, chosen)


def _merge_chosen(writer, segments, chosen):
    chosen_ids = {seg.segment_id() for seg in chosen}
    for seg in chosen:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if seg.segment_id() not in chosen_ids]


def _release_lock(writer) -> None:
    lock = getattr(writer, "writelock", None)
    if lock is not None and getattr(lock, "fd", None) is not None:
        lock.release()


def _abandon(writer) -> None:
    """Give up a writer after a failure (disk full, read-only folder): never keep its lock."""
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001 — cancelling can fail the same way; the lock must still go
        _release_lock(writer)


class FastSegmentWriter(SegmentWriter):
    """SegmentWriter with the in-memory pool, a term-at-a-time flush, and extra segments.

    `extra_segments` (built by worker processes, see `_build_segment`) join the index in the same
    commit as this writer's own work. Commits use `merge_bounded` unless told otherwise.
    """

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", DanvanCodec())
        try:
            super().__init__(ix, **kwargs)
        except BaseException:
            # Whoosh takes the write lock, then creates the segment's files: with the disk full the
            # lock stayed held and this process's next writer waited for itself (issue #16, finding 5).
            _release_lock(self)
            raise
        self.pool = _TermPool()
        self.extra_segments: list = []

    def commit(self, mergetype=None, optimize=False, merge=True):
        if mergetype is None:  # optimize=True still merges everything (Whoosh ignores it given a mergetype)
            mergetype = OPTIMIZE if optimize else merge_bounded
        super().commit(mergetype=mergetype, optimize=optimize, merge=merge)

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        fw = self.fieldwriter
        ndocs = pdr.doc_count_all() if pdr else 0
        pool = self.pool
        decode = pool.decode
        inlinelimit = getattr(self.codec, "_inlinelimit", 1)
        inline = isinstance(fw, W3FieldWriter) and isinstance(self.codec, DanvanCodec)
        try:
            for fieldname in sorted(pool.fields):
                terms = pool.fields[fieldname]
                if pdr is not None and self.schema[fieldname].scorable:
                    lengths = [pdr.doc_field_length(d, fieldname) for d in range(ndocs)]
                else:
                    lengths = None
                fw.start_field(fieldname, self.schema[fieldname])
                fieldid = pack_ushort(fw._fieldid)
                tindex_add = fw._tindex.add
                for tbytes in sorted(terms):
                    held = terms[tbytes]
                    postings = held if type(held) is list else (held,)
                    if inline and len(postings) < inlinelimit:
                        entry = _compact_entry(postings, lengths) or inline_terminfo(
                            postings, lengths, decode
                        )
                        tindex_add(fieldid + tbytes, entry)
                        continue
                    fw.start_term(tbytes)
                    pw = fw._postwriter
                    if inline:
                        fill_blocks(pw, postings, lengths, decode)
                    else:
                        add = pw.add_posting
                        for posting in postings:
                            docnum, weight, vbytes = decode(posting)
                            add(docnum, weight, vbytes, lengths[docnum] if lengths else 0)
                    fw.finish_term()
                fw.finish_field()
        finally:
            fw.close()
            if pdr:
                pdr.close()

    def _commit_toc(self, segments):
        super()._commit_toc(list(segments) + self.extra_segments)


def _build_segment(storage, indexname, docs, results, kwargs) -> None:
    """Worker process: write these documents as one new segment and send it back (not committed)."""
    try:
        ix = storage.open_index(indexname)
        writer = FastSegmentWriter(ix, _lk=False, **kwargs)
        for doc in docs:
            writer.add_document(**doc)
        segment = writer._finalize_segment()  # the temp dir is shared: the committing writer removes it
        results.put((os.getpid(), segment, None))
    except BaseException:
        results.put((os.getpid(), None, traceback.format_exc()))


_NONE = np.zeros(0, dtype=np.int64)


class PinnedColumns(W3PerDocReader):
    """A segment's per-document reader with every column file opened when the searcher opens.

    Whoosh opens a column file (article ids, facets, field lengths, stored fields) the first time a
    search reads it, and tells whether a column exists by looking for its file. A writer that merges
    the segment away in between deletes those files: the search then read no lengths and no facets
    without a word, or failed on the stored fields (CI, four editors with the index worker merging).
    Held open, a deleted file stays readable (POSIX), and the searcher answers from the generation
    it opened, as a searcher should.
    """

    def __init__(self, storage, segment, files: set[str]):
        super().__init__(storage, segment)
        prefix = segment.make_filename(".")
        for filename in files:
            if filename.startswith(prefix) and filename.endswith(W3Codec.COLUMN_EXT):
                name = filename[len(prefix) : -len(W3Codec.COLUMN_EXT)]
                self._colfiles[name] = (storage.open_file(filename), 0, storage.file_length(filename))
        self._pinned = frozenset(self._colfiles)

    def has_column(self, fieldname):
        return fieldname in self._pinned


def pin_columns(searcher) -> None:
    """Give each file-stored segment of `searcher` a PinnedColumns reader (FileNotFoundError when a
    writer deleted a file since the searcher read the generation: the caller opens the next one)."""
    files = None
    for leaf, _ in searcher.reader().leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if type(perdoc) is not W3PerDocReader:  # already pinned, or another codec
            continue
        if files is None:
            files = set(leaf._storage.list())
        leaf._perdoc = PinnedColumns(leaf._storage, leaf._segment, files)
        perdoc.close()


@dataclass
class Matched:
    """What `_match` found: word-level matches (all, with scores, and those the filters allow),
    the articles holding every syllable but not the words (all, and allowed), and the word-level
    matches holding the whole line as typed."""

    text_ids: np.ndarray
    scores: np.ndarray
    docs: np.ndarray
    widened: bool
    pasted: bool
    query: ParsedQuery
    apart_ids: np.ndarray = field(default_factory=lambda: _NONE)
    apart_docs: np.ndarray = field(default_factory=lambda: _NONE)
    line_ids: np.ndarray | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (field, term): pairs typed together

    @property
    def counted(self) -> tuple[np.ndarray, np.ndarray]:
        """What counts, facets and trends count: the word-level matches (what the line means),
        or the syllables apart when no article holds the words (unfiltered, allowed)."""
        if len(self.docs) or not len(self.apart_docs):
            return self.text_ids, self.docs
        return self.apart_ids, self.apart_docs


def _article_texts(pks: list[int]) -> list[tuple[int, str, str]]:
    """(id, title, text) of these articles, in one plain query: Django's `pk__in` spends about
    30 µs per id preparing the parameters, more than reading the rows."""
    from django.db import connection

    from archive.models import Article

    meta = Article._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in ("id", "title", "text"))
    marks = ", ".join(["%s"] * len(pks))
    key = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {key} IN ({marks})", [int(n) for n in pks])  # noqa: S608
        return cursor.fetchall()


def _spellings(word: tuple[str, ...]) -> tuple[str, ...]:
    """How a text most often writes a word typed in lower case: "bộ công an", "Bộ công an",
    "Bộ Công An", "BỘ CÔNG AN" (and the mixed "Bộ Công an": capitals but the last syllable)."""
    low = " ".join(word)
    caps = [s[:1].upper() + s[1:] for s in word]
    forms = [low, low[:1].upper() + low[1:], " ".join(caps), low.upper(), " ".join([*caps[:-1], word[-1]])]
    return tuple(dict.fromkeys(forms))


class VietnameseWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._searcher = None
        self._search_arrays: docsets.SearchArrays | None = None
        self.text_fields: dict[str, float] = {}  # index field name → boost
        self.facet_fields: dict[str, bool] = {}  # facet field name → multi-valued
        self.procs = int(connection_options.get("PROCS", 1))
        self._results = _RESULTS  # repeated searches: one memo for the whole process

    # --- schema ---------------------------------------------------------------------------------

    def build_schema(self, fields):
        schema_fields = {
            ID: WHOOSH_ID(stored=True, unique=True),
            DJANGO_CT: WHOOSH_ID(stored=True),
            DJANGO_ID: WHOOSH_ID(stored=True, sortable=True),  # a column: ids without stored reads
        }
        content_field_name = ""
        self.text_fields, self.facet_fields = {}, {}
        for _, f in fields.items():
            name = f.index_fieldname
            if not f.indexed:
                schema_fields[name] = STORED()  # kept, never searched (the document digest)
            elif isinstance(f, FacetField) or f.faceted:
                # One term per value, and a column to count from.
                if f.is_multivalued:
                    schema_fields[name] = KEYWORD(
                        stored=True, commas=True, lowercase=False, scorable=False, sortable=True
                    )
                else:
                    schema_fields[name] = WHOOSH_ID(stored=True, sortable=True)
                self.facet_fields[name] = f.is_multivalued
            elif f.field_type in ("date", "datetime"):
                schema_fields[name] = DATETIME(stored=f.stored, sortable=True)
            elif f.field_type == "integer":
                schema_fields[name] = NUMERIC(stored=f.stored, numtype=int, sortable=True)
            else:
                # Not stored: pages and snippets read the article from the database.
                schema_fields[name] = VietnameseText(
                    analyzer=VietnameseAnalyzer(), phrase=False, stored=False
                )
                schema_fields[name + FOLDED_SUFFIX] = VietnameseText(
                    analyzer=VietnameseAnalyzer(folded=True), phrase=False, stored=False
                )
                self.text_fields[name] = float(f.boost or 1.0)
            if f.document:
                content_field_name = name
        return content_field_name, Schema(**schema_fields)

    def setup(self):
        self._searcher = None
        self._search_arrays = None
        self.read_only = False
        if os.path.isdir(self.path) and not os.access(self.path, os.W_OK):
            self._setup_read_only()
            return
        super().setup()

    def _setup_read_only(self):
        """A folder we may not write (issue #16, finding 5): serve the last good index instead of
        answering every search with 500 (Haystack's setup raises). Writes fail, so changes stay
        queued and /healthz says so; the next write tries the folder again."""
        from haystack import connections
        from whoosh.filedb.filestore import FileStorage
        from whoosh.qparser import QueryParser

        self.storage = FileStorage(self.path, readonly=True)
        self.content_field_name, self.schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields()
        )
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        self.index = self.storage.open_index(schema=self.schema)  # no index at all: raises (503)
        self.read_only = True
        self.setup_complete = True
        logger.warning("search index folder %s is not writable: serving it read-only", self.path)

    # --- writes ---------------------------------------------------------------------------------

    def _whoosh_doc(self, doc: dict) -> dict:
        out = {}
        for key, value in doc.items():
            if key == "boost" or value is None or value == [] or value == "":
                continue
            if isinstance(value, (list, tuple)):
                # Commas separate values of a multi-valued field: keep them out of the values.
                value = [str(v).replace(",", " ") for v in value if v]
            out[key] = self._from_python(value)
            if key in self.text_fields:
                out[key + FOLDED_SUFFIX] = out[key]
        return out

    def writer(self):
        """A writer that waits for the lock (Whoosh retries every WRITE_DELAY up to WRITE_TIMEOUT)."""
        if not self.setup_complete or getattr(self, "read_only", False):
            self.setup()  # a read-only folder may have been made writable again
        self.index = self.index.refresh()
        return FastSegmentWriter(self.index, timeout=WRITE_TIMEOUT, delay=WRITE_DELAY, compound=False)

    def _prepared(self, index, iterable):
        for obj in iterable:
            try:
                yield self._whoosh_doc(index.full_prepare(obj))
            except SkipDocument:
                continue

    def update(self, index, iterable, commit=True):
        docs = list(self._prepared(index, iterable))
        if not docs:
            return
        self.write_documents(docs)

    def write_documents(self, docs, *, delete_ids=(), procs: int = 1) -> None:
        """Add or replace prepared documents and delete others, in one commit, never losing a write.

        With `procs` > 1 and at least PARALLEL_MIN documents, `procs` forked workers each write a
        share of the documents as a segment of their own, and this writer commits them together.
        """
        self.write_under_lock(lambda: (docs, delete_ids), procs=procs)

    def write_under_lock(self, produce, *, procs: int = 1, quick_merge: bool = False) -> int:
        """Take the index's write lock, then call `produce()` for (documents, ids to delete) and
        write them in one commit; returns how many documents were written. `quick_merge`: the
        commit merges only a few small segments (`merge_quick`, the index worker's drains).

        `produce` reads the database while this process holds the lock, so no other writer can
        commit an older snapshot of a row after this one (docs/index-integrity.md).
        """
        with _write_lock:
            writer = self.writer()
            try:
                docs, delete_ids = produce()
                for whoosh_id in delete_ids:
                    writer.delete_by_term(ID, whoosh_id)
                if procs > 1 and len(docs) >= PARALLEL_MIN:
                    self._add_in_workers(writer, docs, procs)
                else:
                    for doc in docs:
                        writer.update_document(**doc)
            except BaseException:
                _abandon(writer)
                raise
            try:
                writer.commit(mergetype=merge_quick if quick_merge else None)
            except BaseException:
                _abandon(writer)  # e.g. disk full while writing the segment: the lock is released
                raise
            return len(docs)

    def _add_in_workers(self, writer: FastSegmentWriter, docs: list[dict], procs: int) -> None:
        if any(seg.doc_count() for seg in writer.segments):
            # Replacing, as update_document does: drop the documents' older versions first (only
            # those whose id is in the index: one lexicon read instead of a search per document).
            searcher = writer.searcher()
            present = set(searcher.reader().lexicon(ID))
            for doc in docs:
                if doc[ID].encode("utf-8") in present:
                    writer.delete_by_term(ID, doc[ID], searcher=searcher)
        ctx = multiprocessing.get_context("fork")  # workers inherit the documents: nothing pickled
        results = ctx.Queue()
        size = -(-len(docs) // procs)
        workers = [
            ctx.Process(
                target=_build_segment,
                args=(
                    self.index.storage,
                    self.index.indexname,
                    docs[i : i + size],
                    results,
                    {"compound": False},
                ),
                daemon=True,
            )
            for i in range(0, len(docs), size)
        ]
        for w in workers:
            w.start()
        order = {w.pid: n for n, w in enumerate(workers)}
        segments: dict[int, object] = {}
        try:
            while len(segments) < len(workers):
                try:
                    pid, segment, error = results.get(timeout=1.0)
                except queue.Empty:
                    crashed = [w for w in workers if w.exitcode not in (None, 0)]
                    if crashed:
                        raise RuntimeError(
                            f"index worker {crashed[0].pid} died (exit {crashed[0].exitcode})"
                        ) from None
                    continue
                if error:
                    raise RuntimeError(f"index worker {pid} failed:\n{error}")
                segments[order[pid]] = segment
        finally:
            for w in workers:
                w.join(timeout=30)
                if w.is_alive():
                    w.kill()
            results.close()
        writer.extra_segments.extend(segments[n] for n in sorted(segments))

    def remove(self, obj_or_string, commit=True):
        if not self.setup_complete:
            self.setup()
        self.write_documents([], delete_ids=[get_identifier(obj_or_string)])

    def clear(self, models=None, commit=True):
        if not self.setup_complete:
            self.setup()
        with _write_lock:
            if models is None:
                self.delete_index()
                return
            writer = self.writer()
            for model in models:
                writer.delete_by_term(DJANGO_CT, f"{model._meta.app_label}.{model._meta.model_name}")
            writer.commit()

    # --- reads ----------------------------------------------------------------------------------

    def searcher(self):
        """The open searcher, refreshed only when another writer committed a new generation."""
        if not self.setup_complete:
            self.setup()
        s = self._searcher
        if s is not None and s.up_to_date():
            return s
        # Not `s.refresh()`: Whoosh reuses a segment's reader when the segment id is unchanged,
        # with the old deletion list (Segment.__eq__ compares ids only), so a deleted or replaced
        # document would still be found. A fresh searcher on non-compound segments costs ~1 ms,
        # ~3 ms with its column files opened (100,004 articles: 11 segments, 148 column files).
        if s is not None:
            s.close()
        self._searcher = None
        self._searcher = self.open_searcher()
        return self._searcher

    def open_searcher(self):
        """A searcher on the index's newest generation, its column files held open (`PinnedColumns`)."""
        for _ in range(OPEN_ATTEMPTS - 1):
            try:
                return self._open_pinned()
            except FileNotFoundError:  # a writer committed meanwhile and removed a merged segment
                continue
        return self._open_pinned()

    def _open_pinned(self):
        self.index = self.index.refresh()
        searcher = self.index.searcher()
        try:
            pin_columns(searcher)
        except BaseException:
            searcher.close()
            raise
        return searcher

    def _arrays(self, searcher) -> docsets.SearchArrays:
        """Whole-set evaluation's view of the open searcher (`docsets.py`)."""
        arrays = self._search_arrays
        if arrays is None or arrays.searcher is not searcher:
            arrays = self._search_arrays = docsets.SearchArrays(searcher)
        return arrays

    def warm_up(self) -> float:
        """Open the searcher and read what every search needs from it (facet values, article ids,
        field lengths, dates), so that the first search a worker answers does not pay for it;
        returns the seconds it took. gunicorn calls it in each worker before it takes requests."""
        started = time.perf_counter()
        searcher = self.searcher()
        arrays = self._arrays(searcher)
        for name in self.text_fields:
            arrays.lengths(name)
            arrays.lengths(name + FOLDED_SUFFIX)
        arrays.periods("month")
        for name, multi in self.facet_fields.items():
            arrays.facet_codes(name, multi)
        self._pks(searcher)
        return time.perf_counter() - started

    # --- reading a query line (issue #8) ------------------------------------------------------

    def _current_searcher(self):
        """The searcher this search already opened (`searcher()` checks the index directory for a
        new generation each time: once per search is enough for term statistics)."""
        return self._searcher if self._searcher is not None else self.searcher()

    def _count_cache(self, searcher) -> dict:
        if getattr(self, "_counts_for", None) is not searcher:
            self._counts_for = searcher
            self._counts: dict = {}
        return self._counts

    def doc_count(self, term: str, *, folded: bool, searcher=None) -> int:
        """Documents holding this term (syllable or bigram) in the full text, from the term index."""
        searcher = searcher or self._current_searcher()
        cache = self._count_cache(searcher)
        key = (term, folded)
        n = cache.get(key)
        if n is None:
            n = searcher.reader().doc_frequency(
                self.content_field_name + (FOLDED_SUFFIX if folded else ""), term
            )
            if len(cache) > 100_000:
                cache.clear()
            cache[key] = n
        return n

    def pair_count(self, a: str, b: str, *, searcher=None) -> int:
        """Documents where syllables a and b stand side by side: exact form first, folded as fallback."""
        if fold(a) != a or fold(b) != b:
            n = self.doc_count(f"{a} {b}", folded=False, searcher=searcher)
            if n:
                return n
        return self.doc_count(f"{fold(a)} {fold(b)}", folded=True, searcher=searcher)

    def segment_query(self, parsed: ParsedQuery) -> ParsedQuery:
        """The query with its words decided from the index (`analysis.segment`)."""
        if parsed.segmented:
            return parsed
        if self.is_paste(parsed):  # searched by its rarest pairs: its words need not be known
            return replace(parsed, segmented=True)
        searcher = self._current_searcher()
        return segment(parsed, lambda a, b: self.pair_count(a, b, searcher=searcher))

    def _reading_counts(self, word: tuple[str, ...], searcher) -> list[tuple[str, int, int]]:
        """(reading, articles whose text uses it, articles whose title uses it) for every accented
        spelling of an unaccented word of one or two syllables that the index holds ([] for any
        other word)."""
        if not word or len(word) > 2 or any(fold(s) != s for s in word):
            return []
        cache = self._count_cache(searcher)
        key = ("readings", word)
        found = cache.get(key)
        if found is not None:
            return found
        per_syllable = []
        for syl in word:
            forms = [(f, self.doc_count(f, folded=False, searcher=searcher)) for f in accented_forms(syl)]
            forms = sorted(((f, n) for f, n in forms if n), key=lambda fn: (-fn[1], fn[0]))
            per_syllable.append(forms[:READING_SYLLABLE_FORMS])
        candidates = per_syllable[0] if len(word) == 1 else []
        if len(word) == 2:
            for a, _ in per_syllable[0]:
                for b, _ in per_syllable[1]:
                    n = self.doc_count(f"{a} {b}", folded=False, searcher=searcher)
                    if n:
                        candidates.append((f"{a} {b}", n))
        reader = searcher.reader()
        found = [(r, n, reader.doc_frequency("title", r)) for r, n in candidates]
        # A reading that heads stories is a word; a pair that only meets in running text ("người
        # dân vẫn …" for `dan van`) is not (issue #15): titles first, then the text.
        found.sort(key=lambda r: (-r[2], -r[1], r[0]))
        cache[key] = found
        return found

    def readings(self, word: tuple[str, ...], *, limit: int = READINGS_MAX) -> list[tuple[str, int]]:
        """The accented spellings of an unaccented word of one or two syllables that the index
        holds, the most used as a word first (in titles, then in the text), with the number of
        articles using each: `chay` → [("cháy", 812), ("chạy", 640), ("chảy", 95)]."""
        return [(r, n) for r, n, _ in self._reading_counts(word, self._current_searcher())[:limit]]

    def reading_weights(self, word: tuple[str, ...]) -> list[tuple[str, float]]:
        """The readings an unaccented word ranks by, each with its share of the articles using
        them as a word (titles, or the text when no title uses any): `da nang` → đà nẵng ≈ 0.99."""
        found = self._reading_counts(word, self._current_searcher())
        if len(found) < 2:
            return []
        column = 2 if any(r[2] for r in found) else 1
        total = sum(r[column] for r in found)
        weights = [(r[0], r[column] / total) for r in found[:READINGS_RANKED]]
        return [(r, w) for r, w in weights if w > 0]

    def _fields_query(self, terms_for, *, folded: bool, boost: float = 1.0) -> wq.Query:
        suffix = FOLDED_SUFFIX if folded else ""
        per_field = []
        for name, field_boost in self.text_fields.items():
            terms = [wq.Term(name + suffix, t) for t in terms_for(folded)]
            q = terms[0] if len(terms) == 1 else wq.And(terms)
            per_field.append(wq.Or([q], boost=field_boost * boost) if field_boost != 1 or boost != 1 else q)
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def _content_terms(self, terms: list[str], *, folded: bool, boost: float) -> wq.Query:
        name = self.content_field_name + (FOLDED_SUFFIX if folded else "")
        return wq.Or([wq.Term(name, t) for t in terms], boost=boost)

    @staticmethod
    def word_groups(run: Run) -> list[tuple[list[tuple[str, ...]], list[tuple[str, ...]]]]:
        """The run's words with their other spellings (`abbreviations.word_groups`, shared by the
        engines)."""
        return abbreviations.word_groups(run)

    def word_query(self, word: tuple[str, ...], *, widened: bool, readings: bool = True) -> wq.Query:
        """One word: exact form when typed with diacritics (and, widened, the folded one too);
        typed without, the folded form, ranked by its accented readings, each weighted by its share
        of the articles that use it as a word (issue #15)."""
        has_diacritics = any(fold(s) != s for s in word)

        def terms_for(folded: bool) -> list[str]:
            return word_terms(word, folded=folded)

        if not has_diacritics:
            q = self._fields_query(terms_for, folded=True)
            weights = self.reading_weights(word) if readings else []
            if weights:
                # In the full text only (it holds the title): the folded match above already
                # weighs the title; one more posting list per reading, not one per field.
                ranks = [
                    self._content_terms(
                        word_terms(tuple(r.split(" ")), folded=False), folded=False, boost=READING_BOOST * w
                    )
                    for r, w in weights
                ]
                q = wq.AndMaybe(wq.Or([q], boost=FOLDED_WEIGHT), wq.Or(ranks))
            return q
        exact = self._fields_query(terms_for, folded=False)
        if not widened:
            return exact
        return wq.Or([wq.Or([exact], boost=EXACT_BOOST), self._fields_query(terms_for, folded=True)])

    @staticmethod
    def ranks_readings(parsed: ParsedQuery) -> bool:
        """Whether its unaccented words rank by their readings: in a short line; in a longer one
        (a title typed without diacritics) the other words decide what a word means, and the
        look-ups of every reading of every word would cost more than they rank."""
        return parsed.syllable_count <= READING_LINE_SYLLABLES

    def run_query(self, run: Run, *, widened: bool, readings: bool = True) -> wq.Query:
        """A run: all its words (AND); where the words also stand together, a higher rank."""
        parts = []
        for words, others in self.word_groups(run):
            typed = [self.word_query(w, widened=widened, readings=readings) for w in words]
            q = typed[0] if len(typed) == 1 else wq.And(typed)
            if others:
                # `UBND` also finds "Ủy ban nhân dân", and the other way round; what was typed
                # ranks first (`line_query`).
                alts = [self.word_query(o, widened=widened, readings=readings) for o in others]
                q = wq.Or([q, wq.Or(alts, boost=ALTERNATIVE_WEIGHT)])
            parts.append(q)
        q = parts[0] if len(parts) == 1 else wq.And(parts)
        if run.cuts:
            folded = not run.has_diacritics or widened
            near = adjacency_terms(run, folded=folded)
            if near:
                q = wq.AndMaybe(q, self._content_terms(near, folded=folded, boost=ADJACENT_BOOST))
        return q

    def _full_text_term(self, syllables: tuple[str, ...], *, widened: bool) -> tuple[str, str]:
        """(field, term) of the full text for one syllable or a pair typed side by side: exact where
        typed with diacritics (unless the search was widened), folded otherwise."""
        if any(fold(s) != s for s in syllables) and not widened:
            return self.content_field_name, " ".join(syllables)
        return self.content_field_name + FOLDED_SUFFIX, " ".join(fold(s) for s in syllables)

    def _excluding(self, q: wq.Query, parsed: ParsedQuery) -> wq.Query:
        if not parsed.excluded:
            return q
        return Exclusion(q, wq.Or([self.run_query(r, widened=False) for r in parsed.excluded]))

    def every_syllable(self, parsed: ParsedQuery, *, widened: bool) -> wq.Query | None:
        """Every syllable typed, each anywhere in the record (one term of the full text, which
        holds the title and the record's names too; exact where typed with diacritics, folded
        otherwise): what a guess about where words end must never lose (issue #15). Quoted
        phrases stay whole. Unscored: `apart_scores` and `_order` rank what a page shows. None
        when it would be the word-level query."""
        if not parsed.required:
            return None
        loosened = False
        groups = []
        for group in parsed.required:
            alternatives = []
            for run in group:
                if run.quoted or len(run.syllables) < 2:
                    alternatives.append(self.run_query(run, widened=widened))
                    continue
                loosened = True
                terms = [
                    wq.Term(*self._full_text_term((syl,), widened=widened))
                    for syl in dict.fromkeys(run.syllables)
                ]
                alternatives.append(terms[0] if len(terms) == 1 else wq.And(terms))
            groups.append(alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives))
        if not loosened:
            return None
        return self._excluding(groups[0] if len(groups) == 1 else wq.And(groups), parsed)

    def apart_scores(self, arrays, parsed: ParsedQuery, widened: bool, docs: np.ndarray) -> np.ndarray:
        """BM25F of each syllable typed, title over text, for the given documents only (the
        articles listed for holding the syllables apart, when a page reaches them)."""
        scores = np.zeros(len(docs))
        for syl in dict.fromkeys(s for run in parsed.runs if not run.quoted for s in run.syllables):
            content, term = self._full_text_term((syl,), widened=widened)
            suffix = content[len(self.content_field_name) :]
            for name, boost in self.text_fields.items():
                found, weights = arrays.holding(name + suffix, term, docs)
                if found.any():
                    scores[found] += boost * arrays.term_scores(
                        name + suffix, term, weights[found], docs[found]
                    )
        return scores

    def line_query(self, parsed: ParsedQuery, *, widened: bool) -> wq.Query | None:
        """The line as typed: every unquoted run's words in the spelling typed (not an
        abbreviation's other spelling; a word typed without diacritics in its most used reading)
        and the pairs across its word boundaries. A word-level match holding it ranks first
        (issue #15). None when that is every word-level match."""
        parts = []
        differs = False
        readings = self.ranks_readings(parsed)
        for run in parsed.runs:
            if run.quoted:
                continue
            folded = not run.has_diacritics or widened
            differs = differs or bool(run.cuts)
            differs = differs or any(others for _, others in self.word_groups(run))
            for word in run.words:
                weights = self.reading_weights(word) if readings else []
                if weights:  # typed without diacritics: its most used reading is what was meant
                    differs = True
                    reading = tuple(weights[0][0].split(" "))
                    parts += [
                        self._content_terms([t], folded=False, boost=1.0)
                        for t in word_terms(reading, folded=False)
                    ]
                else:
                    parts += [
                        self._content_terms([t], folded=folded, boost=1.0)
                        for t in word_terms(word, folded=folded)
                    ]
            parts += [
                self._content_terms([t], folded=folded, boost=1.0)
                for t in adjacency_terms(run, folded=folded)
            ]
        if not differs or not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def text_query(self, parsed: ParsedQuery, *, widened: bool) -> wq.Query:
        readings = self.ranks_readings(parsed)
        if parsed.required:
            groups = [
                wq.Or([self.run_query(r, widened=widened, readings=readings) for r in group])
                if len(group) > 1
                else self.run_query(group[0], widened=widened, readings=readings)
                for group in parsed.required
            ]
            q = groups[0] if len(groups) == 1 else wq.And(groups)
        else:
            q = wq.Every()
        return self._excluding(q, parsed)

    def is_paste(self, parsed: ParsedQuery) -> bool:
        return parsed.syllable_count > PASTE_SYLLABLES

    def paste_query(self, parsed: ParsedQuery) -> wq.Query | None:
        """A pasted passage: its PASTE_TERMS rarest word pairs that the index holds, a document
        needing PASTE_MATCH of them; the passage's own article holds them all and ranks first.
        A few short posting lists instead of an AND of a hundred common syllables."""
        searcher = self._current_searcher()
        folded = not parsed.has_diacritics
        seen: dict[str, int] = {}
        for run in parsed.runs:
            syls = [fold(s) for s in run.syllables] if folded else list(run.syllables)
            for a, b in zip(syls, syls[1:], strict=False):
                term = f"{a} {b}"
                if term not in seen:
                    seen[term] = self.doc_count(term, folded=folded, searcher=searcher)
        known = sorted((n, t) for t, n in seen.items() if n)
        if not known:
            return None
        terms = [t for _, t in known[:PASTE_TERMS]]
        name = self.content_field_name + (FOLDED_SUFFIX if folded else "")
        need = max(1, round(PASTE_MATCH * len(terms)))
        return wq.Or([wq.Term(name, t) for t in terms], minmatch=need)

    def _pks(self, searcher):
        """docnum → article id: from the django_id column when the index has one (read once per
        segment), else from the stored fields."""
        reader = searcher.reader()
        cached = getattr(self, "_pk_cache", None)
        if cached is not None and cached[0] is reader:
            return cached[1]
        leaves = reader.leaf_readers()
        if leaves and all(leaf.has_column(DJANGO_ID) for leaf, _ in leaves):
            ids: list = []
            for leaf, _ in leaves:
                ids += docsets.segment_cached(
                    leaf, DJANGO_ID, lambda leaf=leaf: list(leaf.column_reader(DJANGO_ID, translate=True))
                )
            lookup = ids.__getitem__
        else:

            def lookup(docnum):
                return searcher.stored_fields(docnum)[DJANGO_ID]

        self._pk_cache = (reader, lookup)
        return lookup

    def _text_checks(self, parsed: ParsedQuery, widened: bool, *, literal_only: bool = False) -> list:
        """What the index's pairs cannot tell, checked against the stored text: words of three or
        more syllables match as a whole ("cán bộ công chức … công an" is not `Bộ Công an`), and a
        quoted phrase with punctuation inside matches it literally (`"Hà Nội, Đà Nẵng"`, issue #15).
        Each check: (spellings for a quick `str.find`, the patterns any of which must match)."""
        from search.highlight import literal_pattern, word_pattern  # the highlighter's own rules

        checks = []
        for group in parsed.required:
            if len(group) != 1:
                continue
            run = group[0]
            exact = run.has_diacritics and not widened
            if run.literal:
                checks.append(((), [literal_pattern(run, exact)]))
                continue
            if literal_only:
                continue
            for words, others in self.word_groups(run):
                for w in words:
                    if len(w) < 3:
                        continue
                    exact = any(fold(s) != s for s in w) and not widened
                    patterns = [word_pattern(w, exact)] + [word_pattern(o, False) for o in others]
                    checks.append((_spellings(w) if exact else (), patterns))
        return checks

    def _verify(self, searcher, checks: list, docs: list[int]) -> list[int]:
        """The documents whose stored record passes every check (`_text_checks`). Beyond
        VERIFY_MAX candidates the check is skipped (the index's pairs only)."""
        if not checks or not docs or len(docs) > VERIFY_MAX:
            return docs
        # What was checked stays known for the open searcher: the same words with other filters
        # (or a page of the same search) read no text again.
        known = self._count_cache(searcher).setdefault(
            ("verified", tuple((forms, tuple(p.pattern for p in patterns)) for forms, patterns in checks)),
            {},
        )
        unknown = [d for d in docs if d not in known]
        if unknown:
            passed = set(self._verify_texts(searcher, checks, unknown))
            known.update((d, d in passed) for d in unknown)
        return [d for d in docs if known[d]]

    def _verify_texts(self, searcher, checks: list, docs: list[int]) -> list[int]:
        from archive.models import Article

        def holds(text: str) -> bool:
            for forms, patterns in checks:
                # Quick check first: the exact word as most texts write it, found by str.find; the
                # regex (any case, hyphens, folded letters) only where that does not settle it.
                if any((at := text.find(form)) >= 0 and patterns[0].match(text, at) for form in forms):
                    continue
                if not any(p.search(text) for p in patterns):
                    return False
            return True

        pk_of = self._pks(searcher)
        by_pk = {int(pk_of(d)): d for d in docs}
        keep = set()
        unsure = []
        pks = list(by_pk)
        for i in range(0, len(pks), 1000):
            for pk, title, text in _article_texts(pks[i : i + 1000]):
                # Stored text is normalised at ingest and in the admin form (edges only).
                whole = f"{title}\n\n{text}"
                if holds(whole):
                    keep.add(by_pk[pk])
                else:
                    unsure.append((pk, whole))
        # What the index holds for an article besides its text (search_indexes.py): bylines,
        # outlet, province names, officials; read only where the text did not hold the words.
        for i in range(0, len(unsure), 500):
            chunk = dict(unsure[i : i + 500])
            extra: dict[int, list[str]] = {}
            for pk, authors, *names in Article.objects.filter(pk__in=list(chunk)).values_list(
                "pk",
                "authors",
                "outlet__name",
                "province__name",
                "province__successor__name",
                "mentions__official__name",
            ):
                if pk not in extra:  # one row per mention: the byline once
                    extra[pk] = list(authors or [])
                extra[pk].extend(n for n in names if n)
            for pk, whole in chunk.items():
                if holds("\n\n".join([whole, *extra.get(pk, [])])):
                    keep.add(by_pk[pk])
        return [d for d in docs if d in keep]

    def filter_query(
        self,
        filters: dict[str, list[str]],
        date_from: date | None,
        date_to: date | None,
        *,
        without: str | None = None,
    ) -> wq.Query | None:
        parts = []
        for name, values in filters.items():
            if name == without or not values or name not in self.facet_fields:
                continue
            terms = [wq.Term(name, v) for v in values]  # normalised once, at the query edge (forms)
            parts.append(terms[0] if len(terms) == 1 else wq.Or(terms))  # OR within a facet
        if date_from or date_to:
            start = datetime.combine(date_from, dtime.min) if date_from else None
            end = datetime.combine(date_to, dtime.max) if date_to else None
            parts.append(wq.DateRange("published", start, end))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)  # AND across facets

    def _match(self, searcher, parsed: ParsedQuery, filters, date_from, date_to) -> Matched:
        """What a search line and its filters match, in three tiers (issue #15): the word-level
        matches holding the whole line as typed, the other word-level matches, and the articles
        holding every syllable typed but not the words (a guess about where words end orders
        results, it never removes an article)."""
        arrays = self._arrays(searcher)
        fq = self.filter_query(filters, date_from, date_to)
        allowed = docsets.evaluate(fq, arrays, scored=False)[0] if fq is not None else None

        def allow(ids: np.ndarray) -> np.ndarray:
            if allowed is None:
                return ids
            keep, _ = docsets.member(ids, allowed)
            return ids[keep]

        widened = False
        paste = self.paste_query(parsed) if self.is_paste(parsed) else None  # pairs looked up once
        pasted = paste is not None
        text_ids, scores = docsets.evaluate(
            paste if pasted else self.text_query(parsed, widened=False), arrays
        )
        docs = allow(text_ids)
        everies: dict[bool, np.ndarray | None] = {}

        def every(widened: bool) -> np.ndarray | None:
            """Documents holding every syllable (None: that is the word-level query), read once."""
            if widened not in everies:
                q = self.every_syllable(parsed, widened=widened)
                everies[widened] = None if q is None else docsets.evaluate(q, arrays, scored=False)[0]
            return everies[widened]

        short = parsed.syllable_count <= WIDEN_SYLLABLES
        if len(docs) < WIDEN_BELOW and parsed.has_diacritics and not pasted and (short or not len(docs)):
            # Widen when exact finds little, the syllables apart included: a line whose words
            # stand nowhere with these diacritics is still worth its folded words. A longer line
            # (a title) that found its article as typed is not widened: one typo in its
            # diacritics finds nothing, and is widened then.
            exact_all = every(False)
            if exact_all is None or len(allow(exact_all)) < (WIDEN_BELOW if short else 1):
                widened = True
                text_ids, scores = docsets.evaluate(self.text_query(parsed, widened=True), arrays)
                docs = allow(text_ids)
        if pasted:
            return Matched(text_ids, scores, docs, widened=widened, pasted=True, query=parsed)
        checks = self._text_checks(parsed, widened)
        verified = self._verify(searcher, checks, docs.tolist())
        if len(verified) != len(docs):
            if not verified and (split := self._split_long_words(parsed)) is not None:
                # No article holds the long word whole: it was two words ("giao ban | dân
                # vận": its pair "ban dân" is common, from "Ban Dân vận"). Search them apart.
                return self._match(searcher, split, filters, date_from, date_to)
            docs = np.asarray(verified, dtype=np.int64)
        matched = Matched(text_ids, scores, docs, widened=widened, pasted=False, query=parsed)
        loose_ids = every(widened)
        if loose_ids is not None:
            apart_ids = loose_ids[~docsets.member(loose_ids, docs)[0]] if len(docs) else loose_ids
            apart_docs = allow(apart_ids)
            literal = self._text_checks(parsed, widened, literal_only=True)
            if literal and len(apart_docs):  # quotes are literal in every tier
                apart_docs = np.asarray(self._verify(searcher, literal, apart_docs.tolist()), dtype=np.int64)
            matched.apart_ids, matched.apart_docs = apart_ids, apart_docs
        line = self.line_query(parsed, widened=widened)
        if line is not None and len(docs):
            matched.line_ids = docsets.evaluate(line, arrays, scored=False)[0]
        matched.pairs = self._typed_pairs(parsed, widened)
        return matched

    def _typed_pairs(self, parsed: ParsedQuery, widened: bool) -> list[tuple[str, str]]:
        """The distinct pairs of syllables typed side by side in the unquoted runs, as index terms
        of the full text (exact where typed with diacritics): what `_order` counts per document."""
        out: dict[tuple[str, str], None] = {}
        for run in parsed.runs:
            if run.quoted or len(run.syllables) < 2:
                continue
            for pair in zip(run.syllables, run.syllables[1:], strict=False):
                out[self._full_text_term(pair, widened=widened)] = None
        return list(out) if len(out) > 1 else []

    @staticmethod
    def _order(
        arrays, docs, ids, scores, sort, by_date, limit, *, pairs, line_ids=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The first `limit` of `docs` in the order asked: by date (undated last, issue #9), or by
        score (`ids`/`scores`: what the query scored), those holding the whole line as typed
        (`line_ids`) first, then by how many of the typed `pairs` they hold."""
        if not len(docs):
            return _NONE, np.zeros(0)
        if by_date:
            top = docsets.by_date(docs, arrays, limit, newest=sort != "oldest")
            return top, np.zeros(len(top))
        _, at = docsets.member(docs, ids)
        these = scores[at]
        # Ranked first by how the words stand: the whole line as typed (word-level matches), then
        # how many of the pairs typed side by side a document holds (proximity without
        # positions), then the score.
        held = np.zeros(len(docs), dtype=np.float64)
        for fieldname, term in pairs:
            held += arrays.holding(fieldname, term, docs)[0]
        if line_ids is not None:
            held += docsets.member(docs, line_ids)[0] * (len(pairs) + 1)
        if held.any():
            these = these + held * (float(these.max()) + 1.0)
        return docsets.ranked(docs, these, limit)

    def _split_long_words(self, parsed: ParsedQuery) -> ParsedQuery | None:
        """The query with each unquoted word of four or more syllables cut in two at its rarest inner
        pair that leaves two syllables or more on each side; None when there is no such word."""
        searcher = self._current_searcher()
        changed = False
        groups = []
        for group in parsed.required:
            runs = []
            for run in group:
                cuts = set(run.cuts)
                start = 0
                for word in run.words:
                    if not run.quoted and len(word) >= 4:
                        inner = range(start + 1, start + len(word) - 2)
                        syls = run.syllables
                        at = min(
                            inner, key=lambda i: self.pair_count(syls[i], syls[i + 1], searcher=searcher)
                        )
                        cuts.add(at)
                        changed = True
                    start += len(word)
                runs.append(replace(run, cuts=tuple(sorted(cuts))))
            groups.append(tuple(runs))
        return replace(parsed, required=tuple(groups)) if changed else None

    def article_search(
        self,
        parsed: ParsedQuery,
        *,
        filters: dict[str, list[str]] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        facets: tuple[str, ...] | None = None,
        facet_limit: int | None = None,
        trend_by: str | None = None,
    ) -> SearchOutcome:
        started = time.perf_counter()
        filters = {k: v for k, v in (filters or {}).items() if v}
        searcher = self.searcher()
        parsed = self.segment_query(parsed)
        facets = tuple(self.facet_fields) if facets is None else tuple(facets)
        key = (
            parsed,
            tuple(sorted((k, tuple(v)) for k, v in filters.items())),
            date_from,
            date_to,
            sort,
            page,
            per_page,
            facets,
            facet_limit,
            trend_by,
        )
        version = index_version(searcher)
        cached = self._cached_result(version, key)
        if cached is None and per_page > 1:  # not did-you-mean counts: too many, too cheap
            cached = shared_cache.get(version, key)  # another worker's result (issue 11)
            if cached is not None:
                self._remember_result(version, key, cached)
        if cached is not None:
            return replace(
                cached,
                hits=list(cached.hits),
                facets={name: list(values) for name, values in cached.facets.items()},
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )

        arrays = self._arrays(searcher)
        found = self._match(searcher, parsed, filters, date_from, date_to)
        docs, apart_docs = found.docs, found.apart_docs
        total, apart = len(docs), len(apart_docs)
        by_date = sort in ("newest", "oldest") or (sort == "relevance" and parsed.empty)

        hits: list[Hit] = []
        if total + apart and page >= 1:
            limit = page * per_page
            start = (page - 1) * per_page
            top, top_scores = self._order(
                arrays,
                docs,
                found.text_ids,
                found.scores,
                sort,
                by_date,
                limit,
                pairs=found.pairs,
                line_ids=found.line_ids,
            )
            apart_from = len(top)
            if len(top) < limit and apart:
                # The syllables apart come after every word-level match, in the same order.
                loose_scores = (
                    self.apart_scores(arrays, found.query, found.widened, apart_docs) if not by_date else None
                )
                more, more_scores = self._order(
                    arrays,
                    apart_docs,
                    apart_docs,
                    loose_scores,
                    sort,
                    by_date,
                    limit - len(top),
                    pairs=found.pairs,
                )
                top = np.concatenate([top, more])
                top_scores = np.concatenate([top_scores, more_scores])
            pk_of = self._pks(searcher)
            for i in range(start, min(limit, len(top))):
                hits.append(Hit(int(pk_of(int(top[i]))), float(top_scores[i]), apart=i >= apart_from))
        text_ids, docs = found.counted
        widened, pasted, parsed = found.widened, found.pasted, found.query

        counted: dict[str, list[tuple[str, int]]] = {}
        for name in facets:
            if name not in self.facet_fields:
                continue
            these = docs
            if filters.get(name):
                # Count a facet that has a selection without its own filter, so a person can
                # add a second value (OR within a facet).
                own = self.filter_query(filters, date_from, date_to, without=name)
                these = text_ids
                if own is not None:
                    keep, _ = docsets.member(text_ids, docsets.evaluate(own, arrays, scored=False)[0])
                    these = text_ids[keep]
            ordered = arrays.facet_counts(name, self.facet_fields[name], these)
            counted[name] = ordered[:facet_limit] if facet_limit else ordered
        trend = self._periods(arrays, docs, trend_by)[:2] if trend_by else None

        outcome = SearchOutcome(
            total=total,
            apart=apart,
            hits=hits,
            facets=counted,
            query=parsed,
            widened=widened,
            page=page,
            per_page=per_page,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            pasted=pasted,
            trend=trend,
        )
        self._remember_result(version, key, outcome)
        if per_page > 1:
            shared_cache.put(version, key, outcome)
        return outcome

    def trend(
        self,
        parsed: ParsedQuery,
        *,
        by: str = "year",
        filters: dict[str, list[str]] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> tuple[list[tuple[str, int]], int, int]:
        """Matching articles per year or month (issue #8): ([(period, count)] in time order with
        empty periods filled in, undated count, total). Counts come from the matching document
        numbers and the `published` column: no document is loaded."""
        if by not in TREND_BY:
            raise ValueError(f"by: expected one of {', '.join(TREND_BY)}, got {by!r}")
        searcher = self.searcher()
        parsed = self.segment_query(parsed)
        filters = {k: v for k, v in (filters or {}).items() if v}
        key = (
            "trend",
            parsed,
            tuple(sorted((k, tuple(v)) for k, v in filters.items())),
            date_from,
            date_to,
            by,
        )
        version = index_version(searcher)
        found = self._cached_result(version, key)
        if found is None:
            found = shared_cache.get(version, key)
            if found is not None:
                self._remember_result(version, key, found)
        if found is None:
            found = self._trend(searcher, parsed, by, filters, date_from, date_to)
            self._remember_result(version, key, found)
            shared_cache.put(version, key, found)
        series, undated, total = found
        return list(series), undated, total

    def _trend(self, searcher, parsed, by, filters, date_from, date_to):
        docs = self._match(searcher, parsed, filters, date_from, date_to).counted[1]
        return self._periods(self._arrays(searcher), docs, by)

    @staticmethod
    def _periods(arrays, docs, by):
        """(series, undated, total) of these documents per period: from the `published` column,
        no document loaded. The search page asks for it with its results: one evaluation."""
        labels, codes = arrays.periods(by)
        per_doc = codes[docs]
        dated = per_doc[per_doc >= 0]
        found = np.bincount(dated, minlength=len(labels))
        counts = Counter({labels[i]: int(found[i]) for i in np.flatnonzero(found)})
        return fill_periods(counts, by), len(per_doc) - len(dated), len(docs)

    def _cached_result(self, version: str, key) -> SearchOutcome | None:
        """A repeated search on an unchanged index is answered from memory (any commit is a new
        index version, and the version is part of the key)."""
        key = (version, key)
        with _RESULTS_LOCK:
            outcome = _RESULTS.get(key)
            if outcome is not None:
                _RESULTS.move_to_end(key)
            return outcome

    def _remember_result(self, version: str, key, outcome: SearchOutcome) -> None:
        key = (version, key)
        with _RESULTS_LOCK:
            _RESULTS[key] = outcome
            _RESULTS.move_to_end(key)
            while len(_RESULTS) > RESULT_CACHE_SIZE:
                _RESULTS.popitem(last=False)

    def count(self, parsed: ParsedQuery, *, filters=None, date_from=None, date_to=None) -> int:
        """How many articles a search would find (for did-you-mean), without facets."""
        return self.article_search(
            parsed, filters=filters, date_from=date_from, date_to=date_to, per_page=1, page=0, facets=()
        ).total


def index_version(searcher) -> str:
    """The index's version: its generation and segment ids. Any commit changes it, and a
    cleared-and-rebuilt index (new random segment ids) never repeats an older one."""
    reader = searcher.reader()
    segments = sorted(
        leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if hasattr(leaf, "segment")
    )
    return f"{reader.generation()}:{','.join(segments)}"


class VietnameseWhooshEngine(BaseEngine):
    backend = VietnameseWhooshBackend
    query = NotOfferedQuery  # SearchQuerySet is not offered (search/engines/haystack.py)


# Indexes written before issue #18 moved these modules hold pickled references to their old names
# (Whoosh pickles the schema and each segment's codec): they open as they are, no rebuild needed.
def _old_module_names() -> None:
    import sys

    from search.engines.whoosh import codec, decoded

    here = sys.modules[__name__]
    for old, module in (
        ("search.backend", here),
        ("search.codec", codec),
        ("search.docsets", docsets),
        ("search.decoded", decoded),
    ):
        sys.modules.setdefault(old, module)


_old_module_names()
