"""End to end on real text: the first lines of the shared corpus (read from ../shared, never copied)."""

import gzip
from itertools import islice

import pytest

from archive.models import Article
from tests.conftest import CORPUS, run_ingest

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

LINES = 600


@pytest.fixture
def corpus_sample(tmp_path):
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is missing")
    sample = tmp_path / "sample.jsonl.gz"
    with (
        gzip.open(CORPUS, "rt", encoding="utf-8") as source,
        gzip.open(sample, "wt", encoding="utf-8") as target,
    ):
        target.writelines(islice(source, LINES))
    return sample


def test_corpus_sample_ingests_and_reingests_as_a_no_op(corpus_sample):
    out, err = run_ingest(str(corpus_sample), "--batch-size", "200")
    assert " 0 failed" in out, err
    stored = Article.objects.count()
    duplicates = int(out.split(" duplicate")[0].rsplit(", ", 1)[1])
    assert stored + duplicates == LINES
    assert not Article.objects.filter(title="").exists()
    assert not Article.objects.filter(text="").exists()
    # National news: most articles name no single province, and we do not guess one.
    assert Article.objects.exclude(province=None).count() < stored / 4

    again, _ = run_ingest(str(corpus_sample), "--batch-size", "200")
    assert f"0 new, 0 updated, {stored} unchanged, {duplicates} duplicate, 0 failed" in again
