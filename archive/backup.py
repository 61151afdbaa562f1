"""A lossless copy of the archive in one file, and back (issue 6, finding 5).

`manage.py backup FILE` writes JSON Lines (gzip when FILE ends in .gz): users and groups, then
provinces, outlets, officials and their aliases, articles (with their raw text), mentions, events,
every history table, and the admin log, in an order that loads without forward references. Timestamps keep
their microseconds (Django's own JSON encoder cuts them to milliseconds). `manage.py restore FILE`
loads it into an empty database in one transaction; the search index is then rebuilt.

The harvester's WARC files (issue #17: "Bản lưu gốc" reads the captured page from them) follow the
rows, each file as lines `{"warc_file", "part", "parts", "sha256", "base64"}` (1 MiB a line); restore
writes them back under settings.HARVEST["WARC_DIR"], checks each file's digest, and never writes over a
different file of the same name.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

# Loaded in this order: each model only points at models above it (or at itself).
MODELS = (
    "auth.Group",
    "auth.User",
    "archive.Province",
    "archive.Outlet",
    "archive.Official",
    "archive.OfficialAlias",
    "archive.Article",
    "archive.ArticleOfficial",
    "archive.Event",
    "archive.ReaderReport",  # readers' "Báo lỗi" (issue #19): editors' work in progress
    "archive.HistoricalOutlet",
    "archive.HistoricalOfficial",
    "archive.HistoricalArticle",
    "archive.HistoricalArticleOfficial",
    "archive.HistoricalEvent",
    "archive.Source",  # issue #17: harvesting, its frontier and the captures' WARC pointers
    "archive.HarvestRun",
    "archive.CrawlURL",
    "archive.Capture",
    "admin.LogEntry",
)

# Every other model of the app registry, and why it is not in the backup. A model in neither list
# fails tests/archive/test_backup.py: a new table must be placed in one (issue #16, finding 8: the
# outlet history was silently left out). Proxies (the review queue) share their model's table, and
# many-to-many tables (a user's groups, a group's permissions) travel with the rows that own them.
NOT_BACKED_UP = {
    "contenttypes.ContentType": "written by migrate; the backup names content types by natural key",
    "auth.Permission": "written by migrate; the backup names permissions by natural key",
    "sessions.Session": "logins: a restore must not revive them",
    "archive.IndexPending": "the index queue: restore rebuilds the whole index",
    "axes.AccessAttempt": "login throttling state, expires within the cool-off",
    "axes.AccessAttemptExpiration": "login throttling state, expires within the cool-off",
    "axes.AccessFailureLog": "login throttling log, not archive content",
    "axes.AccessLog": "login throttling log, not archive content",
}


class FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, except that datetimes and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            r = o.isoformat()
            return r.removesuffix("+00:00") + "Z" if r.endswith("+00:00") else r
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


@contextmanager
def _open(path: Path, mode: str) -> Iterator[io.TextIOBase]:
    if path.name.endswith(".gz"):
        with gzip.open(path, mode + "t", encoding="utf-8") as f:
            yield f
    else:
        with path.open(mode, encoding="utf-8") as f:
            yield f


def _models():
    return [apps.get_model(label) for label in MODELS]


WARC_PART_BYTES = 1 << 20  # raw bytes of a WARC file per backup line
WARC_KEY = "warc_file"  # a backup line holding part of a WARC file, not a row
WARC_FILES = "WARC files"  # its count in the counts backup_write and backup_restore return
WARC_MISSING = "WARC files missing"


def warc_folder() -> Path:
    return Path(settings.HARVEST["WARC_DIR"])


def _warc_files_of_captures() -> list[str]:
    Capture = apps.get_model("archive.Capture")
    return sorted(set(Capture.objects.values_list("warc_file", flat=True)))


def _write_warc(stream, name: str, path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    size = path.stat().st_size
    parts = max(1, -(-size // WARC_PART_BYTES))
    with path.open("rb") as f:
        for part in range(parts):
            data = f.read(WARC_PART_BYTES)
            line = {
                WARC_KEY: name,
                "part": part,
                "parts": parts,
                "sha256": digest.hexdigest(),
                "base64": base64.b64encode(data).decode("ascii"),
            }
            stream.write(json.dumps(line) + "\n")


def backup_write(path: Path) -> dict[str, int]:
    """Write every row of MODELS to `path`, then the WARC files the captures point into; returns the
    row count per model, how many WARC files were written and how many the captures name but are gone
    (their rows are kept: "Bản lưu gốc" then says the file is missing, as it did before the backup)."""
    counts = {}
    with transaction.atomic(), _open(path, "w") as stream:  # one consistent snapshot
        for model in _models():
            qs = model._default_manager.order_by("pk")
            serializers.serialize(
                "jsonl",
                qs.iterator(chunk_size=2000),
                stream=stream,
                cls=FullPrecisionEncoder,
                use_natural_foreign_keys=True,  # permissions and content types by name
            )
            counts[model._meta.label] = qs.count()
        folder = warc_folder()
        counts[WARC_FILES] = counts[WARC_MISSING] = 0
        for name in _warc_files_of_captures():
            file = (folder / name).resolve()
            if folder.resolve() not in file.parents or not file.is_file():
                counts[WARC_MISSING] += 1
                continue
            _write_warc(stream, name, file)
            counts[WARC_FILES] += 1
    return counts


class RestoreError(Exception):
    pass


def backup_restore(path: Path) -> dict[str, int]:
    """Load a backup into an empty archive (one transaction: all or nothing); returns the counts."""
    Article = apps.get_model("archive.Article")
    User = apps.get_model("auth.User")
    if Article.objects.exists() or User.objects.exists():
        raise RestoreError("the database is not empty: restore needs a freshly migrated database")
    counts: dict[str, int] = {}
    warcs = _WarcRestore(warc_folder(), path)
    try:
        with transaction.atomic(), _open(path, "r") as stream:
            done = 0
            try:
                for item in serializers.deserialize("jsonl", warcs.rows(stream)):
                    item.save()  # raw save: no signals, nothing re-derived
                    label = item.object._meta.label
                    counts[label] = counts.get(label, 0) + 1
                    done += 1
            except DeserializationError as err:
                if isinstance(err.__cause__, RestoreError):  # a WARC line, named by _WarcRestore
                    raise err.__cause__ from None
                raise RestoreError(f"{path}: after {done} objects: {err}") from None
            warcs.finish()
            # PostgreSQL: the id sequences continue after the restored ids.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), _models()):
                    cursor.execute(sql)
    except BaseException:
        warcs.discard()
        raise
    counts[WARC_FILES] = warcs.commit()
    return counts


class _WarcRestore:
    """The WARC lines of a backup, written beside their final names until the rows are committed."""

    def __init__(self, folder: Path, backup: Path) -> None:
        self.folder, self.backup = folder, backup
        self.open: dict[str, tuple] = {}  # name → (temporary path, handle, sha256, parts, next part)
        self.done: dict[str, Path] = {}  # name → temporary path, complete and checked
        self.same: set[str] = set()  # already in the folder, byte for byte

    def rows(self, stream):
        """The backup's lines that are rows; the WARC lines are written out on the way."""
        for n, line in enumerate(stream, 1):
            if line.startswith('{"' + WARC_KEY + '"'):
                self._part(n, json.loads(line))
            else:
                yield line

    def _error(self, n: int, message: str) -> RestoreError:
        return RestoreError(f"{self.backup}: line {n}: {message}")

    def _part(self, n: int, line: dict) -> None:
        name = line.get(WARC_KEY)
        if not isinstance(name, str) or not name or name.startswith(("/", "\\")) or ".." in Path(name).parts:
            raise self._error(n, f"WARC file name {name!r} is not a plain name under the WARC folder")
        if name not in self.open:
            if line.get("part") != 0 or name in self.done or name in self.same:
                raise self._error(n, f"WARC file {name}: part {line.get('part')} out of order")
            target = self.folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.restoring-{os.getpid()}")
            self.open[name] = (temporary, temporary.open("wb"), hashlib.sha256(), line["parts"], 0)
        temporary, handle, digest, parts, expected = self.open[name]
        if line.get("part") != expected:
            raise self._error(n, f"WARC file {name}: part {line.get('part')} where {expected} was due")
        data = base64.b64decode(line["base64"], validate=True)
        handle.write(data)
        digest.update(data)
        if expected + 1 < parts:
            self.open[name] = (temporary, handle, digest, parts, expected + 1)
            return
        handle.close()
        del self.open[name]
        if digest.hexdigest() != line["sha256"]:
            temporary.unlink()
            raise self._error(n, f"WARC file {name}: its bytes do not match the digest written with it")
        target = self.folder / name
        if target.exists():
            temporary.unlink()
            if hashlib.sha256(target.read_bytes()).hexdigest() != line["sha256"]:
                raise self._error(
                    n,
                    f"WARC file {target} already exists with other content: not written over (move it away)",
                )
            self.same.add(name)
            return
        self.done[name] = temporary

    def finish(self) -> None:
        if self.open:
            raise RestoreError(
                f"{self.backup}: WARC file {sorted(self.open)[0]} is cut short (the backup is incomplete)"
            )

    def discard(self) -> None:
        for temporary, handle, *_ in self.open.values():
            handle.close()
            temporary.unlink(missing_ok=True)
        for temporary in self.done.values():
            temporary.unlink(missing_ok=True)

    def commit(self) -> int:
        for name, temporary in self.done.items():
            temporary.replace(self.folder / name)
        return len(self.done) + len(self.same)
