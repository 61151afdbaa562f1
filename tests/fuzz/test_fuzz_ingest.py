"""The fuzz corpus through the real ingest command: every generated file stored correctly or named
with its reason, no uncaught exception, no wrong value stored, memory bounded (issue 11)."""

from __future__ import annotations

import io
import re
import tracemalloc

from django.core.management import call_command
from django.core.management.base import CommandError

from archive.extract.inputs import mojibake_reason, text_problem
from archive.models import Article
from tests.fuzz.generate import generate

FILES = 600  # ~20 s on SQLite; `python tests/fuzz/generate.py DIR 5000` for a longer run
MEMORY_LIMIT = 150_000_000  # bytes Python allocates at the peak of the run


def test_fuzz_corpus_is_stored_or_named(db, empty_index, tmp_path):
    corpus = tmp_path / "fuzz"
    manifest = generate(corpus, FILES, seed=11)
    out, err = io.StringIO(), io.StringIO()
    tracemalloc.start()
    try:
        try:
            call_command("ingest", str(corpus), "--no-progress", stdout=out, stderr=err)
        except CommandError as error:  # failures are expected; any other exception fails the test
            assert "failed; see the messages above" in str(error)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak {peak:,} bytes"

    failed: dict[str, list[str]] = {}
    for line in err.getvalue().splitlines():
        assert line.startswith(f"FAILED {corpus}/"), line  # one line per failure, the full path
        where, reason = line[len(f"FAILED {corpus}/") :].split(": ", 1)
        failed.setdefault(where, []).append(reason)
        # a crash caught by the safety net still counts as a crash
        assert "unexpected" not in reason and "could not be stored" not in reason, line
    duplicates = set(re.findall(r"^duplicate (\S+):", out.getvalue(), re.M))
    stored = {a.source_file: a for a in Article.objects.all()}

    for name, spec in manifest.items():
        if spec["expect"] == "lines":
            # Counted per file: blank lines shift the numbering, ids name the stored ones.
            names_stored = [s for s in stored if s.startswith(f"{name}#")]
            names_failed = [w for w in failed if w.startswith(f"{name}#") or w == name]
            want_stored = spec["lines"].count("stored")
            want_failed = spec["lines"].count("failed")
            if "either" not in spec["lines"]:
                assert (
                    len(names_stored) + len([d for d in duplicates if d.startswith(name)]) == want_stored
                ), (name, names_stored, failed)
                assert len(names_failed) == want_failed or (not spec["lines"] and names_failed == [name]), (
                    name,
                    names_failed,
                    spec,
                )
            else:
                assert names_stored or names_failed, name
            continue
        outcome = "stored" if name in stored else "duplicate" if name in duplicates else None
        if name in failed:
            assert outcome is None, name
            outcome = "failed"
        assert outcome, f"{name}: neither stored nor named"  # every file accounted for
        if spec["expect"] == "stored":
            assert outcome in ("stored", "duplicate"), (name, failed.get(name))
            if outcome == "stored":
                assert stored[name].title == spec["title"], name
        elif spec["expect"] == "failed":
            assert outcome == "failed", name

    for article in stored.values():  # nothing wrong stored
        for value in (article.title, article.text, article.source_file, article.url, article.district):
            assert text_problem(value) is None, article.source_file
        assert not article.url or article.url.startswith(("http://", "https://"))
        assert mojibake_reason(f"{article.title}\n{article.text}") is None
        assert len(article.title) <= 500 and len(article.source_file) <= 500
    assert len(manifest) == FILES
    summary = out.getvalue().splitlines()[-1]
    print(summary, f"; traced peak {peak / 1e6:.0f} MB")
    new, failures = (int(re.search(rf"(\d+) {w}", summary).group(1)) for w in ("new", "failed"))
    assert new > 150 and failures > 300, summary  # the corpus exercises both paths
