"""Long posting lists decoded once per index segment, in files every process maps (issue #21).

A common syllable's cost was its decoding: `bị` is in 67,000 of 100,004 articles, and reading its
posting lists block by block (zlib + pickle per 128 postings, `docsets._read_blocks`) took about
half of its cold search; the scoring, facet counts and page that follow are numpy work over arrays
and cost about what a rare word's do. Each worker process decoded the same lists again, and kept
them in its own memory (64 MiB per process).

Here the first process that decodes a list of at least MIN_POSTINGS postings writes it beside the
index (`<index>/decoded/<segment id>/…npy`: local ids as int32, then the weights as float32); every
process, and every later start, maps that file instead of decoding: reading it costs about what a
rare word's postings cost, whatever the list's length, and its pages are the operating system's,
shared by every worker instead of copied into each. A segment never changes once written, so a file
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
from collections import OrderedDict
from pathlib import Path

import numpy as np

MIN_POSTINGS = 2048  # shorter lists decode in a millisecond or two: not worth a file
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


# Per process: the files mapped so far (opening one costs more than a short list's decoding), and the
# lists looked for without a file (this process decodes them, and then writes the file itself).
_mapped: OrderedDict = OrderedDict()
_missing: set = set()
_lock = threading.Lock()
MAPPED_KEPT = 8192


def load(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """The list as (local ids, weights) from its file, mapped (not read into this process's
    memory), or None when there is no file."""
    key = (leaf.segment().segment_id(), fieldname, btext)
    with _lock:
        found = _mapped.get(key)
        if found is not None:
            _mapped.move_to_end(key)
            return found
        if key in _missing:
            return None
    path = _path(leaf, fieldname, btext)
    try:
        if path is None:
            raise FileNotFoundError("not on disk")
        both = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        with _lock:
            if len(_missing) > 100_000:
                _missing.clear()
            _missing.add(key)
        return None
    return _remember(key, (both[0], both[1].view(np.float32)))


def _remember(key, found):
    with _lock:
        _missing.discard(key)
        _mapped[key] = found
        while len(_mapped) > MAPPED_KEPT:
            _mapped.popitem(last=False)
    return found


def store(leaf, fieldname: str, btext: bytes, ids: np.ndarray, weights: np.ndarray) -> bool:
    """Write a decoded list for the other processes (whole, or not at all); whether it was."""
    if len(ids) < MIN_POSTINGS:
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
        for key in [k for k in _mapped if k[0] not in live]:
            del _mapped[key]  # unmapped: a deleted file's space is freed
        _missing.difference_update([k for k in _missing if k[0] not in live])
    for folder in folders:
        root = folder / DIRNAME
        try:
            gone = [entry for entry in root.iterdir() if entry.name not in live]
        except OSError:
            continue
        for entry in gone:
            shutil.rmtree(entry, ignore_errors=True)
