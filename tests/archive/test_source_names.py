"""An article's source name is where it came from, never only its file's name: two files of one
name are two articles, a second source claiming a stored name is reported and never stored over
it, and re-ingesting what is stored changes nothing (issue #16)."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article
from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def ingest(*args) -> tuple[str, str, bool]:
    out, err = io.StringIO(), io.StringIO()
    failed = False
    try:
        call_command("ingest", *map(str, args), "--no-progress", "--no-index", stdout=out, stderr=err)
    except CommandError:
        failed = True
    return out.getvalue(), err.getvalue(), failed


@pytest.fixture
def two_of_one_name(tmp_path):
    """a/bai-viet.txt and b/bai-viet.txt: two different articles under one file name."""
    for folder, seed in (("a", SEED_FILES[0]), ("b", SEED_FILES[1])):
        (tmp_path / folder).mkdir()
        shutil.copy(seed, tmp_path / folder / "bai-viet.txt")
    return tmp_path


def titles() -> dict[str, str]:
    return dict(Article.objects.values_list("source_file", "title"))


def seed_title(seed) -> str:
    return seed.read_text(encoding="utf-8").split("\n", 1)[0].strip()


def test_two_files_of_one_name_given_together_are_a_collision_not_an_overwrite(db, two_of_one_name):
    a, b = two_of_one_name / "a" / "bai-viet.txt", two_of_one_name / "b" / "bai-viet.txt"
    out, err, failed = ingest(a, b)
    # Was: "1 new, 1 updated", exit 0, the first article replaced by the second.
    assert failed
    assert "1 new, 0 updated, 0 unchanged, 0 duplicate, 1 failed" in out
    (line,) = err.splitlines()
    assert line.startswith(f"FAILED {b}: source name 'bai-viet.txt' already taken in this run by {a}")
    assert Article.objects.get().origin == str(a.resolve())
    assert list(titles()) == ["bai-viet.txt"]


def test_a_second_file_of_a_stored_name_is_reported_until_overwrite_says_so(db, two_of_one_name):
    a, b = two_of_one_name / "a" / "bai-viet.txt", two_of_one_name / "b" / "bai-viet.txt"
    ingest(a)
    stored = Article.objects.get()
    out, err, failed = ingest(b)
    assert failed and "0 new, 0 updated" in out and "1 failed" in out
    assert (
        f"FAILED {b}: source name 'bai-viet.txt' belongs to a stored article read from {a.resolve()}" in err
    )
    assert "--overwrite" in err
    assert Article.objects.get().title == stored.title  # not stored over
    out, err, failed = ingest(b, "--overwrite")  # the operator says b replaces a
    assert not failed and "1 updated" in out
    article = Article.objects.get()
    assert article.pk == stored.pk and article.origin == str(b.resolve()) and article.title != stored.title


def test_the_folder_above_both_stores_both_under_their_paths(db, two_of_one_name):
    out, err, failed = ingest(two_of_one_name)
    assert not failed, err
    assert "2 new" in out
    assert sorted(titles()) == ["a/bai-viet.txt", "b/bai-viet.txt"]
    out, _, _ = ingest(two_of_one_name)
    assert "0 new, 0 updated, 2 unchanged" in out


def test_a_changed_file_at_its_place_still_updates(db, tmp_path):
    source = tmp_path / "bai.txt"
    shutil.copy(SEED_FILES[2], source)
    ingest(source)
    source.write_text(source.read_text(encoding="utf-8") + "\nĐoạn thêm về công tác dân vận.\n", "utf-8")
    out, err, failed = ingest(source)
    assert not failed and "1 updated" in out


def test_an_export_repeating_an_id_keeps_the_first_and_names_the_second(db, tmp_path):
    export = tmp_path / "export.jsonl"
    records = [
        {"id": "x1", "title": "Tin thứ nhất về dân vận", "text": "Ban Dân vận họp lần một."},
        {"id": "x2", "title": "Tin thứ hai về dân vận", "text": "Ban Dân vận họp lần hai."},
        {"id": "x1", "title": "Tin khác cùng mã", "text": "Một bài khác hẳn, cùng mã x1."},
    ]
    export.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")
    out, err, failed = ingest(export, "--batch-size", "1")  # the repeat in a later batch
    assert failed and "2 new" in out and "1 failed" in out
    assert f"FAILED {export}#3: source name 'export.jsonl#x1' already taken in this run by {export}#1" in err
    assert titles()["export.jsonl#x1"] == "Tin thứ nhất về dân vận"


def test_an_export_delivered_again_elsewhere_updates_by_its_declared_ids(db, tmp_path):
    # A record's declared id names it: the same export name and id from a new delivery folder is
    # the same article with a new text (a line without an id is named by its place instead).
    for folder, version in (("giao-1", "một"), ("giao-2", "hai")):
        (tmp_path / folder).mkdir()
        record = {"id": "x1", "title": "Tin dân vận", "text": f"Ban Dân vận họp, phiên bản {version}."}
        (tmp_path / folder / "export.jsonl").write_text(
            json.dumps(record, ensure_ascii=False) + "\n", "utf-8"
        )
    ingest(tmp_path / "giao-1" / "export.jsonl")
    out, err, failed = ingest(tmp_path / "giao-2" / "export.jsonl")
    assert not failed and "0 new, 1 updated" in out
    assert Article.objects.get(source_file="export.jsonl#x1").text.endswith("phiên bản hai.")


def test_articles_stored_before_origins_are_matched_not_duplicated(db, tmp_path):
    # What `make run` stored before this change: flat seeds under their names, no origin.
    ingest(SEEDS)
    Article.objects.update(origin="")
    before = dict(Article.objects.values_list("source_file", "pk"))
    out, err, failed = ingest(SEEDS)
    assert not failed and "0 new, 0 updated, 5 unchanged, 0 duplicate" in out
    assert dict(Article.objects.values_list("source_file", "pk")) == before
    assert set(Article.objects.values_list("origin", flat=True)) == {str(p.resolve()) for p in SEED_FILES}


def test_a_nested_file_stored_under_its_bare_name_takes_its_path(db, tmp_path):
    # Before, archive/2024/x.txt was stored as "x.txt": the same text is that article, renamed.
    nested = tmp_path / "2024"
    nested.mkdir()
    shutil.copy(SEED_FILES[3], nested / "x.txt")
    ingest(tmp_path)
    Article.objects.update(source_file="x.txt", origin="")
    pk = Article.objects.get().pk
    out, err, failed = ingest(tmp_path)
    assert not failed and "0 new, 0 updated, 1 unchanged, 0 duplicate" in out
    assert dict(Article.objects.values_list("source_file", "pk")) == {"2024/x.txt": pk}


def test_names_with_control_and_bidi_characters_are_stored_and_shown_escaped(db, tmp_path):
    # They were refused ("source file: control character"); the name is shown escaped, as stored.
    odd = ["tin\nFAILED giả.txt", "tin\u202etxt.exe.txt", "tin\x1b[31m.txt"]
    for name, seed in zip(odd, SEED_FILES, strict=False):
        shutil.copy(seed, tmp_path / name)
    out, err, failed = ingest(tmp_path, "-v", "2")
    assert not failed, err
    stored = sorted(titles())
    assert stored == sorted(["tin\\x0aFAILED giả.txt", "tin\\u202etxt.exe.txt", "tin\\x1b[31m.txt"])
    assert "new       tin\\x0aFAILED giả.txt" in out.splitlines()
    assert all(line.isprintable() for line in out.splitlines())


def test_a_link_out_of_the_folder_is_not_followed(db, tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    shutil.copy(SEED_FILES[0], root / "sub" / "a.txt")
    shutil.copy(SEED_FILES[1], tmp_path / "outside.txt")  # in the parent: must not be read
    (root / "sub" / "up").symlink_to("../..", target_is_directory=True)  # to the parent tree
    (root / "sub" / "back").symlink_to("..", target_is_directory=True)  # to the root: a loop
    (root / "secret.txt").symlink_to(tmp_path / "outside.txt")
    (root / "inside.txt").symlink_to(root / "sub" / "a.txt")  # inside: followed
    out, err, failed = ingest(root)
    assert failed
    lines = sorted(err.splitlines())
    assert lines == sorted(
        [
            f"FAILED {root / 'secret.txt'}: symbolic link to a file outside {root} "
            f"(to {tmp_path / 'outside.txt'}); skipped",
            f"FAILED {root / 'sub' / 'back'}: symbolic link loop (back to {root}); skipped",
            f"FAILED {root / 'sub' / 'up'}: symbolic link to a folder outside {root} (to {tmp_path}); skipped",
        ]
    )
    assert "1 new" in out and "1 duplicate" in out  # inside.txt is sub/a.txt again
    assert list(titles()) == ["inside.txt"]  # read first, in sorted order
    assert not Article.objects.filter(title=seed_title(SEED_FILES[1])).exists()
