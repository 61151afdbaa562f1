"""The PostgreSQL engine's lexicon (issue #18): a syllable's document and title counts kept beside
the index, so that readings and spelling count without reading the rows. Whatever the writes (new
articles, edits, deletions, a rebuild, a clear), it holds what counting the stored vectors gives,
and the engine answers as it did when it counted through the GIN index. Runs where the database
is PostgreSQL."""

import pytest
from django.db import connection

from archive.models import Article
from search import indexing
from search.engines import engine
from search.engines.postgres import schema


@pytest.fixture
def seeded(postgres_seeds):
    return postgres_seeds


def kept() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, sum(docs), sum(titles) FROM search_lexicon GROUP BY 1 HAVING sum(docs) <> 0"
        )
        return {lex: (int(d), int(t)) for lex, d, t in cursor.fetchall()}


def counted() -> dict[str, tuple[int, int]]:
    """The same counts from the stored vectors themselves: every syllable, and the pairs the
    lexicon holds."""
    held = {lex for lex in kept() if " " in lex}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.lexeme, count(*), count(*) FILTER (WHERE 'A' = ANY(u.weights)) "
            "FROM search_document d, unnest(d.tsv) u GROUP BY 1"
        )
        every = {lex: (int(d), int(t)) for lex, d, t in cursor.fetchall()}
    return {lex: n for lex, n in every.items() if " " not in lex or lex in held}


def whole() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexicon FROM search_state WHERE id = 1")
        return cursor.fetchone()[0]


def answers() -> list:
    """What the lexicon serves: readings of unaccented words, syllable counts (spelling)."""
    be = engine()
    be._counts.clear()
    return [
        be.readings(("dan",)),
        be.readings(("dan", "van")),
        be.readings(("kim", "boi")),
        be.term_counts(["dan", "van", "kheo", "khoong", "hoa", "thuy"]),
        be._term_counts(["~dan van", "dân vận", "~van kheo", "~cau khoong"]),
        # Title counts are asked of accented readings (exact lexemes), as `readings` asks them.
        be._term_counts(["dân vận", "dân", "cầu khoóng"], weight="A"),
    ]


def test_the_lexicon_counts_what_is_stored_through_every_write(seeded, monkeypatch):
    assert whole()
    after_ingest = kept()
    assert after_ingest == counted()
    assert after_ingest["~dan"][0] == 5 and after_ingest["dân"][1] >= 1  # every seed; in a title

    # An edit: the title's syllables change, the old ones are taken away.
    article = seeded["000"]
    old_title = article.title
    article.title = "Khánh thành cầu Khoóng mới"
    article.save()
    indexing.index_articles([article.pk])
    assert kept() == counted()
    assert kept()["khoóng"][1] == 1
    # A deletion.
    gone = seeded["001"]
    indexing.remove_articles([gone.pk])
    Article.objects.filter(pk=gone.pk).delete()
    assert kept() == counted()
    assert kept()["~dan"][0] == 4

    # The engine answers as it does counting through the GIN index.
    with_lexicon = answers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_state SET lexicon = false WHERE id = 1")
    assert answers() == with_lexicon
    assert with_lexicon[0] and with_lexicon[3]["dan"] == 4

    # A rebuild counts it again (and makes it whole); the edit back is counted too. With pairs held
    # from 2 documents up (PAIR_MIN), the pairs' counts follow every write as the syllables' do.
    monkeypatch.setattr(schema, "PAIR_MIN", 2)
    article.title = old_title
    article.save()
    with engine().bulk_load():
        indexing.index_articles(list(Article.objects.values_list("pk", flat=True)), procs=1)
    assert whole() and kept() == counted()
    assert "khoóng" not in kept()
    assert kept()["~dan van"][0] == 4 and kept()["dân vận"][0] == 4
    assert "~cau khoong" not in kept()  # in no document
    article.title = "Khánh thành cầu Khoóng, dân vận khéo"
    article.save()
    indexing.index_articles([article.pk])
    assert kept() == counted()
    with_pairs = answers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_state SET lexicon = false WHERE id = 1")
    assert answers() == with_pairs
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_state SET lexicon = true WHERE id = 1")

    engine().clear()
    assert whole() and kept() == {} == counted()


def test_a_write_while_the_lexicon_is_not_whole_leaves_it_to_the_rebuild(seeded):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_state SET lexicon = false WHERE id = 1")
        cursor.execute("DELETE FROM search_lexicon")
    article = seeded["002"]
    article.title = "Khánh thành cầu Khoóng"
    article.save()
    indexing.index_articles([article.pk])
    assert kept() == {}  # not counted half: the counts come from the GIN index meanwhile
    assert engine().term_counts(["khoong"]) == {"khoong": 1}
    engine().rebuild_lexicon()
    assert whole() and kept() == counted()


def test_the_migration_counts_an_index_made_before_the_lexicon(seeded):
    from django.core.management import call_command

    call_command("migrate", "search", "0004_merge_0002_postgres_dan_van_column_0003_title_rank", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_lexicon')")
        assert cursor.fetchone()[0] is None
    call_command("migrate", "search", verbosity=0)
    assert whole() and kept() == counted() != {}
