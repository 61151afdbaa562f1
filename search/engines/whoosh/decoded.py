"""Long posting lists decoded once per index segment, in files every process maps (issue #21).

A common syllable's cost was its decoding: `bị` is in 67,000 of 100,004 articles, and reading its
posting lists block by block (zlib + pickle per 128 postings, `docsets._read_blocks`) took about
half of its cold search; the scoring, facet counts and page that follow are numpy work over arrays
and cost about what a rare word's do. Each worker process decoded the same lists again, and kept
them in its own memory (64 MiB per process).

Here the first process that decodes a list of at least MIN_BYTES encoded bytes writes it beside the
index (`<index>/decoded/<segment id>/…npy`: local ids as int32, then the weights as float32); every
process, and every later start, reads that file instead of decoding (one read, about 60 µs for 5,000
postings, where decoding took about a millisecond), and no worker keeps long lists in its memory. A segment never changes once written, so a file
never goes stale; files of segments that merges removed are deleted when a process opens a
searcher on the new segments. Any failure to write (a read-only index folder, a full disk) only
means the list is decoded again next time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np

MIN_BYTES = 8192  # encoded lists shorter than this (about 2,000 postings) decode in under a millisecond
DIRNAME = "decoded"
log = logging.getLogger(__name__)


def _folder(leaf) -> Path | None:
    """The index folder of a segment reader, or None when it is not on disk (RAM storage)."""
    storage = getattr(leaf, "_storage", None)
    storage = getattr(storage, "b", storage)  # a compound segment's OverlayStorage: (files, index)
    folder = getattr(storage, "folder", None)
    return Path(folder) if folder else None


def _path(leaf, fieldname: str, btext: bytes) -> Path | None:
    folder = _folder(leaf)
    if folder is None:
        return None
    name = hashlib.blake2b(fieldname.encode() + b"\x00" + btext, digest_size=12).hexdigest()
    return folder / DIRNAME / leaf.segment().segment_id() / f"{name}.npy"


# Per process: the lists looked for without a file (this process decodes them, then writes the file).
_missing: set = set()
_lock = threading.Lock()


def load(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """The list as (local ids, weights) read from its file, or None when there is no file.

    One read of the whole file: about 60 µs for 5,000 postings where decoding them takes about a
    millisecond, and a quarter of what `np.load` (which parses the header as Python) or a memory map
    costs per list (measured at load 10). Nothing is kept: reading again is cheaper than holding
    every long list in every worker's memory."""
    key = (leaf.segment().segment_id(), fieldname, btext)
    if key in _missing:
        return None
    path = _path(leaf, fieldname, btext)
    try:
        if path is None:
            raise FileNotFoundError("not on disk")
        with open(path, "rb") as f:
            data = f.read()
        # .npy: magic (6 bytes), version (2), header length (2 bytes in version 1, else 4), header
        start = (
            10 + int.from_bytes(data[8:10], "little")
            if data[6] == 1
            else 12 + int.from_bytes(data[8:12], "little")
        )
        both = np.frombuffer(data, dtype="<i4", offset=start)
    except (OSError, ValueError, IndexError):
        with _lock:
            if len(_missing) > 100_000:
                _missing.clear()
            _missing.add(key)
        return None
    n = len(both) // 2
    return both[:n], both[n:].view("<f4")


def worth_a_file(matcher) -> bool:
    """Whether a W3 posting list is long enough to be read from a file rather than decoded."""
    length = matcher._length  # encoded bytes; whoosh 2.7.5 keeps it as a 1-tuple from struct.unpack
    return (length[0] if isinstance(length, tuple) else length) >= MIN_BYTES


def store(leaf, fieldname: str, btext: bytes, ids: np.ndarray, weights: np.ndarray) -> bool:
    """Write a decoded list for the other processes (whole, or not at all); whether it was."""
    if not len(ids):
        return False
    small = weights.astype(np.float32)
    if not np.array_equal(small, weights) or int(ids[-1]) >= 2**31:
        return False  # not exactly representable: this process keeps its own copy
    path = _path(leaf, fieldname, btext)
    if path is None:
        return False
    both = np.empty((2, len(ids)), dtype=np.int32)
    both[0] = ids
    both[1] = small.view(np.int32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            np.save(out, both)
        os.replace(out.name, path)
        with _lock:
            _missing.discard((leaf.segment().segment_id(), fieldname, btext))
        return True
    except OSError as err:
        log.debug("decoded postings not written (%s): %s", path, err)
        try:
            os.unlink(out.name)
        except (OSError, NameError):
            pass
        return False


def forget_other_segments(leaves) -> None:
    """Delete the files of segments that are no longer in the index (merged or cleared away)."""
    folders = {_folder(leaf) for leaf in leaves} - {None}
    live = {leaf.segment().segment_id() for leaf in leaves}
    with _lock:
        _missing.difference_update([k for k in _missing if k[0] not in live])
    for folder in folders:
        root = folder / DIRNAME
        try:
            gone = [entry for entry in root.iterdir() if entry.name not in live]
        except OSError:
            continue
        for entry in gone:
            shutil.rmtree(entry, ignore_errors=True)
