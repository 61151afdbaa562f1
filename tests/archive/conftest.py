"""Fixtures shared by the archive tests."""

import gzip
from itertools import islice

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import CORPUS, SEEDS, run_ingest


@pytest.fixture
def editor(db):
    """A superuser who edits through the admin."""
    return get_user_model().objects.create_superuser("editor", "", "a-long-test-password")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def archive_2000(db, tmp_path):
    """The seeds and the first 2,000 corpus records, in the database only (no index)."""
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is missing")
    sample = tmp_path / "sample.jsonl.gz"
    with (
        gzip.open(CORPUS, "rt", encoding="utf-8") as source,
        gzip.open(sample, "wt", encoding="utf-8") as target,
    ):
        target.writelines(islice(source, 2000))
    run_ingest(str(SEEDS), str(sample), "--no-index")
