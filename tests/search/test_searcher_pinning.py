"""A searcher answers from the generation it opened, even when a writer deletes that generation's
files while the search runs (CI: four editors searching while the index worker merged segments)."""

from django.conf import settings
from django.core.cache import caches

from archive.models import Article
from search import indexing
from search.analysis import parse_query
from search.engines.whoosh import backend, docsets
from search.engines.whoosh.backend import PinnedColumns


def answer(be, line: str):
    outcome = be.article_search(parse_query(line), per_page=100)
    return [(h.pk, round(h.score, 6)) for h in outcome.hits], outcome.total, outcome.facets


def test_an_open_searcher_still_reads_a_generation_whose_files_a_writer_deleted(seeded):
    be = indexing.backend()
    first = Article.objects.order_by("pk").first()
    first.title = "Hội nghị giao ban | một"
    first.save()  # a second segment, so the rebuild below deletes more than one
    indexing.index_articles([first.pk])

    reader = type(be)("default", **settings.HAYSTACK_CONNECTIONS["default"])  # another worker's
    searcher = reader.searcher()
    assert all(isinstance(leaf._perdoc, PinnedColumns) for leaf, _ in searcher.reader().leaf_readers())
    before = answer(be, "dân vận")
    assert before[1] > 0 and before[2]
    # As in a process that has not searched these segments yet: no columns read, no results kept.
    docsets._segment_columns.clear()
    backend._RESULTS.clear()
    caches["results"].clear()

    first.title = "Tiêu đề chưa từng có"
    first.save()
    be.clear()  # every file of the generation the reader opened is deleted ...
    be.setup()
    indexing.index_articles(list(Article.objects.values_list("pk", flat=True)))  # ... and a new one written
    searcher.up_to_date = lambda: True  # the writer committed after the search checked for a new generation

    assert answer(reader, "dân vận") == before  # the same hits, scores (lengths read), facets
    assert reader.article_search(parse_query('"chưa từng có"')).total == 0
    assert reader.searcher() is searcher

    del searcher.up_to_date
    assert [h.pk for h in reader.article_search(parse_query('"chưa từng có"')).hits] == [first.pk]
    assert reader.searcher() is not searcher
