"""Browse reads at real volume (the seeds + 2,000 corpus records, issue #21).

An article page's related articles (same province and meeting kind, or shared officials, newest
first, undated last) are those the rule picks out of the whole archive, read with a fixed number of
small queries (one OR across two joins sorted every candidate: 50-460 ms at 100,000)."""

import random
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import selectors
from archive.models import Article, ArticleOfficial, Event

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]


def by_rule(article: Article, everything: list, kinds: dict, officials: dict, limit: int = 5) -> list[int]:
    mine_kinds, mine_officials = kinds[article.pk], officials[article.pk]
    picked = []
    for pk, province_id, published_on in everything:
        if pk == article.pk:
            continue
        same_place = article.province_id is not None and province_id == article.province_id
        if (same_place and (not mine_kinds or kinds[pk] & mine_kinds)) or officials[pk] & mine_officials:
            picked.append((published_on is None, -(published_on.toordinal() if published_on else 0), -pk))
    return [-key[2] for key in sorted(picked)[:limit]]


def test_related_articles_are_what_the_rule_picks_from_the_whole_archive(archive_2000):
    everything = list(Article.objects.values_list("pk", "province_id", "published_on"))
    kinds, officials = defaultdict(set), defaultdict(set)
    for article_id, kind in Event.objects.values_list("article_id", "kind"):
        kinds[article_id].add(kind)
    for article_id, official_id in ArticleOfficial.objects.values_list("article_id", "official_id"):
        officials[article_id].add(official_id)
    with_province = [pk for pk, province_id, _ in everything if province_id]
    with_officials = list(officials)
    with_kinds = [pk for pk in kinds if pk in set(with_province)]
    # The corpus is mostly national news: 1.6% of its articles name a province, 19% an official.
    assert len(with_province) > 30 and len(with_officials) > 300 and with_kinds, (
        len(with_province),
        len(with_kinds),
    )
    rnd = random.Random(21)
    chosen = set(with_province + rnd.sample(with_officials, 120) + with_kinds)
    chosen |= set(rnd.sample([pk for pk, *_ in everything], 40))  # some with neither: none related
    nonempty = 0
    for pk in sorted(chosen):
        article = selectors.article_get(pk=pk)
        with CaptureQueriesContext(connection) as queries:
            related = [a.pk for a in selectors.related_articles(article=article)]
        assert related == by_rule(article, everything, kinds, officials), pk
        assert len(queries) <= 3, [q["sql"] for q in queries]
        nonempty += bool(related)
    assert nonempty > 100

    # On the same archive (ingested once): the home and year pages' counts per year, read from the
    # date's text on SQLite.
    from collections import Counter

    dates = Article.objects.exclude(published_on=None).values_list("published_on", flat=True)
    expected = Counter(d.year for d in dates)
    rows = selectors.year_counts()
    assert {r["year"]: r["count"] for r in rows} == expected and len(expected) > 5
    assert [r["year"] for r in rows] == sorted(expected)
    assert all(isinstance(r["year"], int) for r in rows)
