"""Spelling suggestions cost a bounded number of look-ups per word (issue #16, finding 7).

A `q=` of one 300-letter word took 3.8 s and 1,000 letters 13.8 s: the spelling look-up compared the
word with every indexed term of its first letter (Damerau-Levenshtein, letters × letters).
"""

import pytest
import whoosh.reading

from search import indexing

pytestmark = pytest.mark.django_db


@pytest.fixture
def distance_calls(monkeypatch):
    """How many edit distances Whoosh computes (its lexicon scan calls this once per term)."""
    calls = []
    real = whoosh.reading.distance

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(whoosh.reading, "distance", counting)
    return calls


@pytest.mark.parametrize("word", ["a" * 1000, "dânvận" * 50, "nghiêng" * 43, "tqwzrtnghiex"])
def test_a_long_or_unknown_word_scans_no_lexicon(client, seeded, distance_calls, word):
    # A second segment, as any save makes: Whoosh then scans the lexicon in Python (MultiReader).
    indexing.index_articles([seeded["001"].pk])
    assert len(indexing.backend().searcher().reader().leaf_readers()) > 1
    response = client.get("/tim-kiem/", {"q": word})
    assert response.status_code == 200
    assert sum(distance_calls) == 0


def test_lookups_per_word_are_bounded_whatever_the_index_holds(seeded, monkeypatch):
    from search.engines import engine
    from search.selectors import SPELL_MAX_LETTERS, _near_syllables

    be = engine()
    looked_up = []
    real = be.term_counts

    def counting(keys):
        keys = list(keys)
        looked_up.extend(keys)
        return real(keys)

    monkeypatch.setattr(be, "term_counts", counting)
    _near_syllables(be, "x" * SPELL_MAX_LETTERS)
    assert len(looked_up) <= 75 * SPELL_MAX_LETTERS  # 36 inserts and 36 replacements a letter


@pytest.mark.parametrize(
    "typo", ["vamm", "khoee", "tinhh", "nghie", "lamg", "dnan", "uyy", "truonh", "cong1"]
)
def test_the_same_suggestions_as_whoosh_s_corrector(seeded, typo):
    from search.selectors import _near_syllables

    reader = indexing.backend().searcher().reader()
    assert reader.frequency("text_f", typo) == 0  # only unknown syllables are corrected
    whoosh_says = [
        w for w in reader.corrector("text_f").suggest(typo, limit=50, maxdist=1, prefix=1) if " " not in w
    ][:5]
    from search.engines import engine

    assert _near_syllables(engine(), typo) == whoosh_says
