"""Whole-result-set work in numpy: matching documents, their BM25F scores, facet counts (issue #8).

Whoosh walks a query's matches one document at a time in Python: for a one-syllable query that
matches 88,000 of 100,000 articles, listing the matches, counting six facets and scoring the top 20
took most of the page's 240 ms p95. Here a query tree made of the node types the backend builds
(Term, And, Or, AndMaybe, Exclusion, Every, DateRange) is evaluated a posting list at a time:
each term's postings are read block by block into arrays (cached per segment), combined with
sorted-array set operations, and scored with the same BM25F formula, statistics and byte-rounded
field lengths as Whoosh's scorer. Any other node falls back to Whoosh. Two differences, both
Whoosh bugs the backend's queries ran into (tests/search/test_exclusion.py shows them):
- a compound query with one part keeps its boost: Whoosh drops it (CompoundQuery.matcher), so the
  title's ×3, an exact spelling's ×4 and the common reading's ×2 never applied;
- `Or(minmatch=k)` keeps documents matching at least k of its parts: Whoosh ignores minmatch, so a
  pasted passage matched any document holding one of its rare pairs.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from datetime import datetime
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.util.times import datetime_to_long

from search.engines.whoosh import decoded

POSTINGS_CACHE_BYTES = 64 * 2**20  # decoded posting lists kept per process, across searchers
SKIP_CANDIDATES = 32  # up to this many candidates in a segment are looked up block by block

_LENGTH_OF_BYTE = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


class _PostingsCache:
    """(segment id, field, term) → (local ids, weights), least recently used out first."""

    def __init__(self, max_bytes: int = POSTINGS_CACHE_BYTES):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
        if found is None:
            return None
        ids, weights = found
        return ids.astype(np.int64), weights.astype(np.float64)

    def put(self, key, value) -> None:
        # Kept in half the memory: segment-local ids fit 32 bits, and weights (frequency × field
        # boost) are exact in float32; a list that is not is kept as it came. Long lines read
        # many common syllables (issue #15): twice as many lists stay decoded.
        ids, weights = value
        small = weights.astype(np.float32)
        value = (ids.astype(np.int32), small if np.array_equal(small, weights) else weights)
        size = value[0].nbytes + value[1].nbytes
        if size > self.max_bytes // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.bytes += size
            while self.bytes > self.max_bytes and self.items:
                _, (ids, weights) = self.items.popitem(last=False)
                self.bytes -= ids.nbytes + weights.nbytes


_postings_cache = _PostingsCache()


def forget_postings() -> None:
    """Empty the decoded postings cache (benchmarks time cold searches after this)."""
    global _postings_cache
    _postings_cache = _PostingsCache()


def _leaf_postings(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """All postings of a term in one segment (deleted documents included): ids, weights."""
    key = (leaf.segment().segment_id(), fieldname, btext)
    found = _postings_cache.get(key)
    if found is not None:
        return found
    try:
        m = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
    except TermNotFound:
        found = (_EMPTY_IDS, _EMPTY_SCORES)
    else:
        if isinstance(m, ListMatcher):
            found = (
                np.asarray(m._ids, dtype=np.int64),
                np.asarray(m._weights if m._weights is not None else [1.0] * len(m._ids), dtype=np.float64),
            )
        elif isinstance(m, W3LeafMatcher):
            long = decoded.worth_a_file(m)  # a long list: decoded once, by any process (issue #21)
            shared = decoded.load(leaf, fieldname, btext) if long else None
            if shared is not None:
                return shared[0].astype(np.int64), shared[1].astype(np.float64)
            found = _read_blocks(m)
            if long and decoded.store(leaf, fieldname, btext, *found):
                return found  # read from its file from now on: not kept here as well
        else:  # not a W3 segment: the generic walk
            ids, weights = [], []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                m.next()
            found = (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64))
    _postings_cache.put(key, found)
    return found


def _read_blocks(m: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """Decode every block of a W3 posting list at once (what W3LeafMatcher does lazily per id)."""
    if m._byteids:
        raise TypeError("byte ids are not document postings")
    ids_parts, weight_parts = [], []
    while not m._atend:
        raw = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
        deltas, weights, _ = loads(zlib.decompress(raw) if m._compression else raw)
        n = m._blocklength
        ids_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))  # deltas from 0 per block
        if weights is None:
            weight_parts.append(np.ones(n))
        elif isinstance(weights, float):
            weight_parts.append(np.full(n, weights))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float64))
        m._next_block()
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


_segment_columns: dict[tuple, object] = {}  # (segment id, column) → values
_segment_columns_lock = threading.Lock()
_EPOCH_US = datetime_to_long(datetime(1970, 1, 1))


def numeric_column(reader, doccount: int) -> np.ndarray | None:
    """A Whoosh numeric column (field lengths, dates) as an array, read in one go; None when the
    column is of another kind."""
    typecode = getattr(reader, "_typecode", None)
    if not isinstance(reader, NumericColumn.Reader) or typecode is None:
        return None
    count = min(reader._count, doccount)
    raw = reader._dbfile.get(reader._basepos, count * reader._fixedlen)
    values = np.frombuffer(raw, dtype=np.dtype(">" + typecode), count=count)
    if count < doccount:  # trailing documents with the default value are not written
        values = np.concatenate([values, np.full(doccount - count, reader._default, dtype=values.dtype)])
    return values


def segment_cached(leaf, name: str, read):
    """`read()` for this segment, remembered by segment id (a segment's columns never change)."""
    key = (leaf.segment().segment_id(), name)
    found = _segment_columns.get(key)
    if found is None:
        found = read()
        with _segment_columns_lock:
            if len(_segment_columns) > 4096:
                _segment_columns.clear()
            _segment_columns[key] = found
    return found


def _segment_codes(leaf, name: str, multi: bool) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """One segment's facet column as (values, codes per document (-1: none), None) or, for a
    multi-valued facet (values joined by commas), (values, owning documents, codes)."""
    if leaf.has_column(name):
        column = list(leaf.column_reader(name, translate=True))
    else:
        column = [""] * leaf.doc_count_all()
    vocab: dict[str, int] = {}
    if multi:
        split = [v.split(",") if v else () for v in column]
        owners = [d for d, vs in enumerate(split) for _ in vs]
        codes = [vocab.setdefault(v, len(vocab)) for vs in split for v in vs]
        return list(vocab), np.asarray(owners, dtype=np.int64), np.asarray(codes, dtype=np.int64)
    codes = [vocab.setdefault(v, len(vocab)) if v else -1 for v in column]
    return list(vocab), np.asarray(codes, dtype=np.int64), None


SHARED_VERSIONS = 2  # index versions whose arrays a process keeps (the open one and the last)
_SHARED: OrderedDict = OrderedDict()
_SHARED_LOCK = threading.Lock()


def _shared_arrays(version: tuple) -> dict:
    """The arrays of one index version, filled by whichever thread reads them first."""
    with _SHARED_LOCK:
        found = _SHARED.get(version)
        if found is None:
            found = _SHARED[version] = {
                "lengths": {},
                "published": [],
                "periods": {},
                "facets": {},
                "ranks": {},
                "lock": threading.Lock(),
            }
            while len(_SHARED) > SHARED_VERSIONS:
                _SHARED.popitem(last=False)
        else:
            _SHARED.move_to_end(version)
        return found


class SearchArrays:
    """What whole-set evaluation needs from one open searcher: segment offsets, live documents,
    field lengths (as the scorer rounds them), publication dates and facet codes, each segment's
    columns read once per process (a new searcher after a commit reads only the new segments)."""

    def __init__(self, searcher):
        self.searcher = searcher
        reader = searcher.reader()
        self.leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
        decoded.forget_other_segments([leaf for leaf, _ in self.leaves])
        self.size = reader.doc_count_all()
        live = np.ones(self.size, dtype=bool)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                dead = np.fromiter(leaf._perdoc.deleted_docs(), dtype=np.int64)
                live[dead + offset] = False
        self.live = live
        # The arrays below depend on the index version only: the threads of a process share them
        # (each thread has its own searcher; ~9 MiB a thread at 100,004 articles, issue #21).
        segments = sorted(leaf.segment().segment_id() for leaf, _ in self.leaves if hasattr(leaf, "segment"))
        shared = _shared_arrays((reader.generation(), self.size, tuple(segments)))
        self._lengths: dict[str, np.ndarray] = shared["lengths"]
        self._published_box: list[np.ndarray] = shared["published"]
        self._periods: dict[str, tuple[list[str], np.ndarray]] = shared["periods"]
        self._facets: dict[str, tuple] = shared["facets"]
        self._facet_ranks: dict[str, np.ndarray] = shared["ranks"]
        self.lock = shared["lock"]

    def lengths(self, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is None:

            def read(leaf):
                doccount = leaf.doc_count_all()
                column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                if column is None:
                    return np.zeros(doccount, dtype=np.uint8)
                values = numeric_column(column, doccount)
                return values if values is not None else np.fromiter(column, dtype=np.uint8, count=doccount)

            parts = [
                segment_cached(leaf, f"len:{fieldname}", lambda leaf=leaf: read(leaf))
                for leaf, _ in self.leaves
            ]
            found = _LENGTH_OF_BYTE[np.concatenate(parts)] if parts else _EMPTY_SCORES
            with self.lock:
                self._lengths[fieldname] = found
        return found

    def published(self) -> np.ndarray:
        """Per document, the `published` column's value (microseconds since year 1); -1 where the
        article has no date (the column's default, a value no datetime gives)."""
        if not self._published_box:

            def read(leaf):
                doccount = leaf.doc_count_all()
                if not leaf.has_column("published"):
                    return np.full(doccount, -1, dtype=np.int64)
                column = leaf.column_reader("published", translate=False)
                values = numeric_column(column, doccount)
                if values is None:
                    values = np.fromiter(
                        (v if v is not None else -1 for v in column), dtype=np.float64, count=doccount
                    )
                out = np.full(doccount, -1, dtype=np.int64)
                dated = (values >= 0) & (values < 2**62)
                out[dated] = values[dated].astype(np.int64)
                return out

            parts = [
                segment_cached(leaf, "published", lambda leaf=leaf: read(leaf)) for leaf, _ in self.leaves
            ]
            found = np.concatenate(parts) if parts else _EMPTY_IDS
            with self.lock:
                if not self._published_box:
                    self._published_box.append(found)
        return self._published_box[0]

    def periods(self, by: str) -> tuple[list[str], np.ndarray]:
        """Period labels ("2024" by year, "2024-03" by month) and each document's period code,
        -1 for undated documents."""
        found = self._periods.get(by)
        if found is None:
            values = self.published()
            dated = values >= 0
            unit = "Y" if by == "year" else "M"
            stamps = (values[dated] - _EPOCH_US).astype("datetime64[us]").astype(f"datetime64[{unit}]")
            labels, codes = np.unique(stamps, return_inverse=True)
            per_doc = np.full(len(values), -1, dtype=np.int64)
            per_doc[dated] = codes
            found = ([str(label) for label in np.datetime_as_string(labels)], per_doc)
            with self.lock:
                self._periods[by] = found
        return found

    def facet_codes(self, name: str, multi: bool) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        """A facet's values and each document's codes: (values, code per document (-1: none),
        None), or for a multi-valued facet (values, owning documents, codes). Each segment's codes
        are worked out once per process; a new searcher only renumbers them."""
        found = self._facets.get(name)
        if found is None:
            vocab: dict[str, int] = {}
            firsts, seconds = [], []
            for leaf, offset in self.leaves:
                local, first, second = segment_cached(
                    leaf, f"facet:{name}", lambda leaf=leaf: _segment_codes(leaf, name, multi)
                )
                to_global = np.asarray(
                    [vocab.setdefault(v, len(vocab)) for v in local] + [-1], dtype=np.int64
                )
                if multi:
                    firsts.append(first + offset)
                    seconds.append(to_global[second])
                else:
                    firsts.append(to_global[first])  # -1 (no value) indexes the trailing -1
            first = np.concatenate(firsts) if firsts else _EMPTY_IDS
            second = (np.concatenate(seconds) if seconds else _EMPTY_IDS) if multi else None
            found = (list(vocab), first, second)
            with self.lock:
                self._facets[name] = found
        return found

    def facet_counts(self, name: str, multi: bool, docs: np.ndarray) -> list[tuple[str, int]]:
        """(value, documents) among these documents, most first, then by value."""
        values, first, second = self.facet_codes(name, multi)
        if second is None:
            codes = first[docs]
            codes = codes[codes >= 0]
        else:
            chosen = np.zeros(self.size, dtype=bool)
            chosen[docs] = True
            codes = second[chosen[first]]
        counts = np.bincount(codes, minlength=len(values))
        present = np.flatnonzero(counts)
        # Most first, then by value: ordered in numpy with each value's rank in string order (a
        # common syllable's 50,000 documents hold thousands of officials and outlets: building and
        # sorting a Python tuple per value took 7 ms a facet, issue #21).
        order = present[np.lexsort((self._facet_rank(name, values)[present], -counts[present]))]
        return list(zip(map(values.__getitem__, order.tolist()), counts[order].tolist(), strict=True))

    def _facet_rank(self, name: str, values: list[str]) -> np.ndarray:
        """Each value's position in string order (the tie-break of `facet_counts`)."""
        rank = self._facet_ranks.get(name)
        if rank is None or len(rank) != len(values):
            rank = np.empty(len(values), dtype=np.int64)
            rank[sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
            with self.lock:
                self._facet_ranks[name] = rank
        return rank

    # --- terms ----------------------------------------------------------------------------------

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Global ids of the live documents holding the term, and the term's weights there."""
        btext = self.searcher.schema[fieldname].to_bytes(text)
        ids_parts, weight_parts = [], []
        for leaf, offset in self.leaves:
            ids, weights = _leaf_postings(leaf, fieldname, btext)
            if len(ids):
                ids_parts.append(ids + offset)
                weight_parts.append(weights)
        if not ids_parts:
            return _EMPTY_IDS, _EMPTY_SCORES
        ids = ids_parts[0] if len(ids_parts) == 1 else np.concatenate(ids_parts)
        weights = weight_parts[0] if len(weight_parts) == 1 else np.concatenate(weight_parts)
        keep = self.live[ids]
        if not keep.all():
            ids, weights = ids[keep], weights[keep]
        return ids, weights

    def holding(self, fieldname: str, text: str, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted live ids `candidates`: whether each holds the term, and the term's weight
        there. A few candidates against a long list decode only the blocks that hold them
        (`skip_to`), not the whole list: a line's common syllables ("của", "đã") checked for the
        handful of articles its rarer words left (issue #15)."""
        btext = self.searcher.schema[fieldname].to_bytes(text)
        found = np.zeros(len(candidates), dtype=bool)
        weights = np.zeros(len(candidates))
        for leaf, offset in self.leaves:
            lo, hi = np.searchsorted(candidates, [offset, offset + leaf.doc_count_all()])
            if lo == hi:
                continue
            local = candidates[lo:hi] - offset
            cached = _postings_cache.get((leaf.segment().segment_id(), fieldname, btext))
            if cached is None and hi - lo <= SKIP_CANDIDATES:
                try:
                    m = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
                except TermNotFound:
                    continue
                for k, docnum in enumerate(local.tolist()):
                    if m.is_active() and m.id() < docnum:
                        m.skip_to(docnum)
                    if not m.is_active():
                        break
                    if m.id() == docnum:
                        found[lo + k] = True
                        weights[lo + k] = m.weight()
                continue
            ids, ws = cached if cached is not None else _leaf_postings(leaf, fieldname, btext)
            hit, at = member(local, ids)
            found[lo:hi] = hit
            weights[lo:hi][hit] = ws[at[hit]]
        return found, weights

    def term_scores(self, fieldname: str, text: str, weights: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """BM25F of the term in each document, as whoosh.scoring.BM25FScorer computes it."""
        searcher = self.searcher
        if not searcher.schema[fieldname].scorable:
            return weights  # WeightScorer: the posting's weight
        weighting = searcher.weighting
        b = weighting._field_B.get(fieldname, weighting.B)
        k1 = weighting.K1
        idf = searcher.idf(fieldname, text)
        avgfl = searcher.avg_field_length(fieldname) or 1
        fl = self.lengths(fieldname)[ids]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))


# --- evaluation -------------------------------------------------------------------------------


def _and(parts):
    parts = sorted(parts, key=lambda p: len(p[0]))
    ids, scores = parts[0]
    for other_ids, other_scores in parts[1:]:
        if not len(ids):
            break
        # The running intersection is never longer than the next part (sorted by length): look
        # each of its ids up in the longer list (binary search) instead of sorting both.
        found, at = member(ids, other_ids)
        ids = ids[found]
        scores = scores[found] + other_scores[at[found]]
    return ids, scores


def _and_terms(terms: list, arrays: SearchArrays) -> tuple[np.ndarray, np.ndarray]:
    """Documents holding every term, unscored: the rarest term's list first, then each next term
    looked up for the documents left (`SearchArrays.holding`), not read whole."""
    reader = arrays.searcher.reader()
    terms = sorted(terms, key=lambda t: reader.doc_frequency(t.fieldname, t.text))
    ids, _ = arrays.postings(terms[0].fieldname, terms[0].text)
    for t in terms[1:]:
        if not len(ids):
            break
        found, _ = arrays.holding(t.fieldname, t.text, ids)
        ids = ids[found]
    return ids, np.zeros(len(ids))


def _or(parts, minmatch: int = 0):
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    if len(parts) == 1 and minmatch <= 1:
        return parts[0]
    all_ids = np.concatenate([p[0] for p in parts])
    all_scores = np.concatenate([p[1] for p in parts])
    ids, inverse = np.unique(all_ids, return_inverse=True)
    scores = np.bincount(inverse, weights=all_scores, minlength=len(ids))
    if minmatch > 1:
        enough = np.bincount(inverse, minlength=len(ids)) >= minmatch
        ids, scores = ids[enough], scores[enough]
    return ids, scores


def member(ids: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each id, whether `other` (sorted) holds it, and where."""
    if not len(other):
        return np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=np.int64)
    at = np.searchsorted(other, ids)
    at_clipped = np.minimum(at, len(other) - 1)
    return other[at_clipped] == ids, at_clipped


def evaluate(q, arrays: SearchArrays, scored: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The live documents matching `q`, sorted, with their scores (not `scored`: the second
    array means nothing, only the documents are wanted)."""
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        ids, weights = arrays.postings(q.fieldname, q.text)
        if not scored:
            return ids, weights
        scores = arrays.term_scores(q.fieldname, q.text, weights, ids)
    elif isinstance(q, wq.AndNot):  # Exclusion included: the positive side, less the other's
        ids, scores = evaluate(q.a, arrays, scored)
        excluded, _ = evaluate(q.b, arrays, scored=False)
        found, _ = member(ids, excluded)
        ids, scores = ids[~found], scores[~found]
    elif isinstance(q, wq.AndMaybe):
        ids, scores = evaluate(q.a, arrays, scored)
        if scored:
            maybe_ids, maybe_scores = evaluate(q.b, arrays, scored)
            found, at = member(ids, maybe_ids)
            scores = scores.copy()
            scores[found] += maybe_scores[at[found]]
    elif isinstance(q, wq.And):
        if not q.subqueries:
            return _EMPTY_IDS, _EMPTY_SCORES
        if not scored and all(isinstance(s, wq.Term) for s in q.subqueries):
            return _and_terms(q.subqueries, arrays)
        ids, scores = _and([evaluate(s, arrays, scored) for s in q.subqueries])
    elif isinstance(q, wq.Or):
        ids, scores = _or([evaluate(s, arrays, scored) for s in q.subqueries], q.minmatch)
    elif isinstance(q, wq.Every) and not q.fieldname:
        ids = np.flatnonzero(arrays.live).astype(np.int64)
        scores = np.ones(len(ids))
    elif isinstance(q, wq.DateRange) and q.fieldname == "published":
        values = arrays.published()
        keep = values >= 0
        if q.start is not None:
            keep &= values > q.start if q.startexcl else values >= q.start
        if q.end is not None:
            keep &= values < q.end if q.endexcl else values <= q.end
        ids = np.flatnonzero(keep & arrays.live).astype(np.int64)
        scores = np.ones(len(ids))
    else:  # a node this module does not know: Whoosh's own walk
        return _whoosh(q, arrays, scored)
    if boost != 1.0 and scored:
        scores = scores * boost
    return ids, scores


def _whoosh(q, arrays: SearchArrays, scored: bool) -> tuple[np.ndarray, np.ndarray]:
    searcher = arrays.searcher
    if not scored:
        ids = np.fromiter(searcher.docs_for_query(q), dtype=np.int64)
        ids.sort()
        return ids, np.zeros(len(ids))
    results = searcher.search(q, limit=None)
    pairs = sorted((docnum, float(score or 0)) for score, docnum in results.top_n)
    return (
        np.asarray([d for d, _ in pairs], dtype=np.int64),
        np.asarray([s for _, s in pairs], dtype=np.float64),
    )


def ranked(ids: np.ndarray, scores: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The best `limit` documents and their scores, highest first, ties by document number (as
    Whoosh's top collector)."""
    if len(ids) > limit * 4:
        cut = np.argpartition(-scores, limit - 1)[:limit] if limit < len(ids) else np.arange(len(ids))
        threshold = scores[cut].min()
        pool = np.flatnonzero(scores >= threshold)
    else:
        pool = np.arange(len(ids))
    order = pool[np.lexsort((ids[pool], -scores[pool]))][:limit]
    return ids[order], scores[order]


def by_date(ids: np.ndarray, arrays: SearchArrays, limit: int, *, newest: bool) -> np.ndarray:
    """The first `limit` documents by publication date (newest or oldest first), undated last,
    ties and undated documents in index order."""
    values = arrays.published()[ids]
    dated = values >= 0
    dated_ids, dated_values = ids[dated], values[dated]
    # Whoosh's sorting collector sorts (date, docnum) pairs, reversed for newest first.
    order = np.lexsort((-dated_ids, -dated_values) if newest else (dated_ids, dated_values))
    out = dated_ids[order[:limit]]
    if len(out) < limit:
        out = np.concatenate([out, ids[~dated][: limit - len(out)]])
    return out
