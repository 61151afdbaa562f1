"""The index's Whoosh codec: W3 with short posting lists written inline, and compactly (issue #8).

Most terms of a words index are bigrams found in one or two articles. W3 writes each such term's
postings into its term-index entry as a pickle (`W3TermInfo.to_bytes`): about 75 bytes of value for
one posting, and at 100,000 articles these entries were most of the 2.65 GiB index. Here a short
list of frequency or existence postings is written as varints instead (8 bytes for one posting):
the flag byte tells the reader which layout follows, so W3 entries (flag 0, a postings block; flag
1, a pickle) still read as before.
"""

from __future__ import annotations

from array import array
from itertools import accumulate

from whoosh.codec.whoosh3 import (
    W3Codec,
    W3FieldCursor,
    W3FieldWriter,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
)
from whoosh.reading import TermNotFound
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.varints import varint

INLINE_LIMIT = 128  # terms with fewer postings live in the term index (no postings block)

_PACKED = [pack_uint(n) for n in range(256)]
_FREQUENCIES = 2  # flag: frequency postings (weight = frequency, value = packed frequency)
_EXISTENCE = 3  # flag: existence postings (weight 1, no value)
_VARINTS = [varint(n) for n in range(1 << 14)]  # most gaps between documents, every frequency


def packed(n: int) -> bytes:
    """A Frequency posting's value: the frequency as Whoosh packs it."""
    return _PACKED[n] if n < 256 else pack_uint(n)


def _varints(data: bytes, pos: int, count: int) -> tuple[list[int], int]:
    out = []
    for _ in range(count):
        n = shift = 0
        while True:
            b = data[pos]
            pos += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                break
            shift += 7
        out.append(n)
    return out, pos


class CompactTermInfo(W3TermInfo):
    """W3TermInfo whose inline postings are varints when they are plain frequencies or existence."""

    def to_bytes(self):
        if self.is_inlined() and self._inlined[0]:
            ids, weights, values = self._inlined
            if not values and all(w == 1.0 for w in weights):
                return compact_entry(ids, None, self._minlength, self._maxlength)
            freqs = [int(w) for w in weights]
            if len(values) == len(ids) and all(
                n == w and n >= 1 and v == packed(n) for n, w, v in zip(freqs, weights, values, strict=True)
            ):
                return compact_entry(ids, freqs, self._minlength, self._maxlength)
        return super().to_bytes()

    @classmethod
    def from_bytes(cls, s):
        flag = s[0]
        if flag not in (_FREQUENCIES, _EXISTENCE):
            return W3TermInfo.from_bytes(s)  # W3's own layouts: a postings block, or a pickle
        (df,), pos = _varints(s, 3, 1)
        numbers, _ = _varints(s, pos, df * (2 if flag == _FREQUENCIES else 1))
        if flag == _FREQUENCIES:
            ids = tuple(accumulate(numbers[0::2]))
            weights = tuple(float(n) for n in numbers[1::2])
            values = tuple(packed(n) for n in numbers[1::2])
        else:
            ids = tuple(accumulate(numbers))
            weights = (1.0,) * df
            values = ()
        ti = cls()
        ti._weight = sum(weights)
        ti._df = df
        ti._minlength = byte_to_length(s[1])
        ti._maxlength = byte_to_length(s[2])
        ti._maxweight = max(weights)
        ti._minid = ids[0]
        ti._maxid = ids[-1]
        ti._inlined = (ids, weights, values)
        return ti


class _CompactCursor(W3FieldCursor):
    def term_info(self):
        if self._pos is None:
            return None
        return CompactTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class CompactTermsReader(W3TermsReader):
    """W3TermsReader reading CompactTermInfo entries (and W3's own)."""

    def _entry(self, fieldname, tbytes) -> bytes:
        key = self._keycoder(fieldname, tbytes)
        try:
            return self._tindex[key]
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def cursor(self, fieldname, fieldobj):
        return _CompactCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        decode, keydecoder = CompactTermInfo.from_bytes, self._keydecoder
        return ((keydecoder(k), decode(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode, keydecoder = CompactTermInfo.from_bytes, self._keydecoder
        prefixbytes = self._keycoder(fieldname, prefix)
        return ((keydecoder(k), decode(v)) for k, v in self._tindex.items_from(prefixbytes))

    def term_info(self, fieldname, tbytes):
        return CompactTermInfo.from_bytes(self._entry(fieldname, tbytes))

    def frequency(self, fieldname, tbytes):
        datapos = self._range_for_key(fieldname, tbytes)[0]
        if self._dbfile.get_byte(datapos) in (_FREQUENCIES, _EXISTENCE):
            return self.term_info(fieldname, tbytes).weight()
        return W3TermInfo.read_weight(self._dbfile, datapos)

    def doc_frequency(self, fieldname, tbytes):
        datapos, datalen = self._range_for_key(fieldname, tbytes)
        if self._dbfile.get_byte(datapos) in (_FREQUENCIES, _EXISTENCE):
            return _varints(self._dbfile.get(datapos + 3, min(datalen - 3, 5)), 0, 1)[0][0]
        return W3TermInfo.read_doc_freq(self._dbfile, datapos)


class _InliningPostingsWriter(W3PostingsWriter):
    """W3PostingsWriter with its inline path fixed (2.7.5 calls a missing `set_inline`).

    A term with fewer than `inlinelimit` postings is stored inside its term-index entry instead of
    as a zlib-compressed block in the postings file: most bigrams occur in one or two articles.
    """

    def finish_postings(self):
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
        else:
            if self._ids:
                self._write_block(last=True)
            startoffset = self._startoffset
            terminfo.set_extent(startoffset, self._postfile.tell() - startoffset)
        self._terminfo = None
        return terminfo


class _FieldWriter(W3FieldWriter):
    """W3FieldWriter whose terms start with a CompactTermInfo (W3's makes a W3TermInfo)."""

    def start_term(self, btext):
        if self._postwriter is None:
            raise RuntimeError("start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, CompactTermInfo())


class DanvanCodec(W3Codec):
    """Whoosh 3 codec writing short posting lists inline, compactly (`CompactTermInfo`).

    Segments keep their codec (it is pickled in the index's table of contents), so every segment
    written with it is read back through `CompactTermsReader`.
    """

    def __init__(self, blocklimit=128, compression=3, inlinelimit=INLINE_LIMIT):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        tilen = storage.file_length(tiname)
        tifile = storage.open_file(tiname)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        return CompactTermsReader(self, tifile, tilen, postfile)


def _decode_postings(postings, decode) -> tuple[array, array, list, float]:
    """Postings → the ids, weights and values arrays a W3 block holds, and its maximum weight."""
    ids = array("I")
    weights = array("f")
    values = []
    maxweight = 0
    for posting in postings:
        docnum, weight, vbytes = decode(posting)
        ids.append(docnum)
        weights.append(weight)
        if weight > maxweight:
            maxweight = weight
        if vbytes:
            values.append(vbytes)
    return ids, weights, values, maxweight


def length_range(ids, lengths) -> tuple[int | None, int]:
    """The (minimum, maximum) field length of these documents, as W3 term info keeps it."""
    found = [n for n in map(lengths.__getitem__, ids) if n] if lengths else []
    return (min(found), max(found)) if found else (None, 0)


def compact_entry(ids, freqs: list[int] | None, minlength: int | None, maxlength: int) -> bytes:
    """The compact term-index entry of a short posting list: document numbers, their frequencies
    (None: existence postings) and the field-length range. The index build writes millions of
    these straight from its postings; `CompactTermInfo.to_bytes` writes the others."""
    flag = _EXISTENCE if freqs is None else _FREQUENCIES
    minbyte = 0 if minlength is None else length_to_byte(minlength)
    table, big = _VARINTS, len(_VARINTS)
    out = [
        bytes((flag, minbyte, length_to_byte(maxlength))),
        table[len(ids)] if len(ids) < big else varint(len(ids)),
    ]
    prev = 0
    if freqs is None:
        for docnum in ids:
            gap = docnum - prev
            out.append(table[gap] if gap < big else varint(gap))
            prev = docnum
    else:
        for docnum, freq in zip(ids, freqs, strict=True):
            gap = docnum - prev
            out.append(table[gap] if gap < big else varint(gap))
            out.append(table[freq] if freq < big else varint(freq))
            prev = docnum
    return b"".join(out)


def inline_terminfo(postings, lengths, decode) -> bytes:
    """The term-index entry of a short posting list stored inline: what the postings writer +
    CompactTermInfo.add_block/set_inlined/to_bytes produce for it, without the per-posting calls."""
    ids, weights, values, maxweight = _decode_postings(postings, decode)
    ti = CompactTermInfo()
    ti._weight = 0 + sum(weights)
    ti._df = len(ids)
    ti._minlength, ti._maxlength = length_range(ids, lengths)
    ti._maxweight = maxweight
    ti._minid = ids[0]
    ti._maxid = ids[-1]
    ti._inlined = (tuple(ids), tuple(weights), tuple(values))
    return ti.to_bytes()


def fill_blocks(pw, postings, lengths, decode) -> None:
    """Feed a long posting list to a W3PostingsWriter a block at a time: each full block written,
    the last one left buffered for `finish_postings`, with the statistics `add_posting` keeps."""
    limit = pw._blocklimit
    for start in range(0, len(postings), limit):
        ids, weights, values, maxweight = _decode_postings(postings[start : start + limit], decode)
        pw._ids, pw._weights, pw._values = ids, weights, values
        pw._maxweight = maxweight
        pw._minlength, pw._maxlength = length_range(ids, lengths)
        if start + limit < len(postings):
            pw._write_block()
