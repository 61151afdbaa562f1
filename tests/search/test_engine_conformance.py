"""One conformance suite, run against every engine (issue #18): words, phrases, exclusions, readings,
facets, trends, dates, sorting, digests and the index-integrity scenarios of #6, through the one
engine interface and through the pages. The PostgreSQL engine runs where the database is PostgreSQL
(CI's PostgreSQL pass); on SQLite it is skipped, saying why."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from archive.models import Article
from search import indexing
from search.engines import engine
from search.query import build_plan
from tests.conftest import ingest_seeds
from tests.search.cases import ALL_SEEDS, DAN_VAN_KHEO, NAMES_AND_PLACES

ENGINES = ["whoosh", "postgres"]


@pytest.fixture(params=ENGINES)
def engine_name(request, db):
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs DATABASE_URL=postgres://… (CI's PostgreSQL pass runs it)")
    with override_settings(SEARCH_ENGINE=request.param):
        engine().clear()
        yield request.param


@pytest.fixture
def seeds(engine_name):
    return ingest_seeds()


def order(q: str = "", **options) -> list[str]:
    """The seeds (by file prefix) a line finds, every tier, in the engine's order."""
    outcome = engine().search(build_plan(q, per_page=50, **options))
    by_pk = Article.objects.in_bulk([h.pk for h in outcome.hits])
    return [by_pk[h.pk].source_file[:3] for h in outcome.hits]


def found(q: str = "", **options) -> set[str]:
    return set(order(q, **options))


def indexed(**articles: tuple[str, str]) -> dict[str, Article]:
    """Articles given as name=(title, text), stored with the per-save index write suspended and
    indexed in one batch, as ingest does; by name."""
    with indexing.suspended():
        made = {
            name: Article.objects.create(
                title=title,
                text=text,
                raw=text,
                source_file=f"t/{name}",
                content_hash=hashlib.sha256(f"{name}\n{title}\n{text}".encode()).hexdigest(),
            )
            for name, (title, text) in articles.items()
        }
    indexing.index_articles([a.pk for a in made.values()])
    return made


# --- words and phrases ------------------------------------------------------------------------------


@pytest.mark.parametrize("q", DAN_VAN_KHEO)
def test_dan_van_kheo_in_every_spelling_finds_every_seed(seeds, q):
    assert found(q) == ALL_SEEDS


@pytest.mark.parametrize("q, expected", NAMES_AND_PLACES)
def test_names_and_places(seeds, q, expected):
    assert found(q) == expected


def test_words_far_apart_or_across_punctuation_are_not_word_matches(engine_name):
    made = indexed(
        apart=("Xa nhau", "Người dân nơi đây. Anh ấy vận chuyển hàng."),
        typo=("Sai dấu", "Hội thi dân vân được tổ chức."),
        body=("Trong thân bài", "Bàn về công tác dân vận ở cơ sở."),
        title=("Công tác dân vận năm nay", "Hội nghị tổng kết."),
    )
    outcome = engine().search(build_plan("dân vận", per_page=50))
    words = [h.pk for h in outcome.hits if not h.apart]
    # The words with their diacritics, the title first; the same words with other diacritics (the
    # exact form found fewer than five, so the line was widened) after them; the syllables apart
    # never as the words, listed after every word-level match.
    assert words == [made["title"].pk, made["body"].pk, made["typo"].pk]
    assert outcome.total == 3 and outcome.apart == 1
    assert outcome.hits[-1].pk == made["apart"].pk and outcome.hits[-1].apart


def test_the_syllables_apart_are_counted_paged_and_faceted_after_the_words(engine_name):
    """`thu tuong` finds "Thủ tướng" as a word, and "thu" and "tường" apart after it: counted apart,
    shown after the words, and counted in the facets only when the words find nothing."""
    with indexing.suspended():
        made = {
            name: Article.objects.create(
                title=title,
                text=f"{title}.",
                raw=title,
                source_file=f"t/{name}",
                content_hash=hashlib.sha256(name.encode()).hexdigest(),
                published_on=date(year, 3, 1),
                date_precision=Article.Precision.DAY,
            )
            for name, title, year in [
                ("w1", "Thủ tướng thăm tỉnh", 2020),
                ("w2", "Thủ tướng họp với doanh nghiệp", 2021),
                ("a1", "Thu hoạch lúa bên bức tường cũ", 2019),
                ("a2", "Tường thuật trận bóng mùa thu", 2021),
            ]
        }
    indexing.index_articles([a.pk for a in made.values()])
    pk = {a.pk: name for name, a in made.items()}
    facets = ("year",)

    both = engine().search(build_plan("thu tuong", per_page=10, facets=facets, trend_by="year"))
    assert (both.total, both.apart) == (2, 2)
    assert [(pk[h.pk][0], h.apart) for h in both.hits] == [("w", False)] * 2 + [("a", True)] * 2
    assert dict(both.facets["year"]) == {"2020": 1, "2021": 1}  # the words only
    assert both.trend == ([("2020", 1), ("2021", 1)], 0)

    last = engine().search(build_plan("thu tuong", per_page=3, page=2, facets=facets))
    assert (last.total, last.apart, [h.apart for h in last.hits]) == (2, 2, [True])
    assert pk[last.hits[0].pk] in {"a1", "a2"}

    # 2019 holds the syllables apart only: they are what is listed, and counted.
    apart_only = engine().search(
        build_plan("thu tuong", filters={"year": ["2019"]}, facets=facets, trend_by="year")
    )
    assert (apart_only.total, apart_only.apart) == (0, 1)
    assert [pk[h.pk] for h in apart_only.hits] == ["a1"]
    # Counted without its own filter: every article holding the syllables, so that 2020 (the words)
    # is offered too (the PostgreSQL engine counted the syllables apart only: {2019: 1, 2021: 1}).
    assert dict(apart_only.facets["year"]) == {"2019": 1, "2020": 1, "2021": 2}
    assert apart_only.trend == ([("2019", 1)], 0)

    excluded = engine().search(build_plan("thu tuong -bóng", per_page=10, facets=facets))
    assert (excluded.total, excluded.apart) == (2, 1)


def test_an_abbreviation_finds_its_words_and_the_typed_spelling_ranks_first(engine_name):
    made = indexed(
        short=("Họp UBND tỉnh", "UBND tỉnh họp phiên thường kỳ."),
        long=("Họp Ủy ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh họp phiên thường kỳ."),
    )
    short, long = made["short"], made["long"]
    for q, first in (("UBND", short), ("Ủy ban nhân dân", long)):
        outcome = engine().search(build_plan(q))
        assert [h.pk for h in outcome.hits][:1] == [first.pk], q
        assert {h.pk for h in outcome.hits} == {short.pk, long.pk}, q
    assert {h.pk for h in engine().search(build_plan('"UBND"')).hits} == {short.pk}  # quoted: literal


# --- exclusions and OR ------------------------------------------------------------------------------


def test_exclusion_and_or(seeds):
    assert found("dân vận -Kim Bôi") == ALL_SEEDS - {"003"}
    assert found('dân vận -"Kim Bôi"') == ALL_SEEDS - {"003"}
    assert found('"Kim Bôi" OR "ngoc hanh"') == {"003", "004"}
    assert found("Thanh Thủy -Vĩnh Hưng") == {"004"}


# --- readings and counts ----------------------------------------------------------------------------


def test_readings_of_an_unaccented_word(seeds):
    readings = dict(engine().readings(("dan",)))
    assert "dân" in readings and readings["dân"] == 5
    assert engine().readings(("dân",)) == []  # typed with diacritics: nothing to read


def test_count_and_term_counts(seeds):
    assert engine().count(build_plan("kim boi")) == 1
    counts = engine().term_counts(["van", "zzzq"])
    assert counts["van"] >= 5 and "zzzq" not in counts


# --- facets, filters, dates, sorting ----------------------------------------------------------------


def test_facets_count_the_matches_and_a_selected_facet_keeps_its_other_values(seeds):
    outcome = engine().search(build_plan("dân vận", facets=("province", "year")))
    assert outcome.total == 5
    assert outcome.facets["province"] == [("Long An", 2), ("Hòa Bình", 1), ("Lạng Sơn", 1)]
    assert dict(outcome.facets["year"]) == {"2018": 1, "2019": 1, "2020": 1, "2024": 2}
    chosen = engine().search(
        build_plan("dân vận", filters={"province": ["Long An"]}, facets=("province", "year"))
    )
    assert chosen.total == 2
    # OR within a facet: the other provinces still show, counted without the province filter.
    assert chosen.facets["province"] == [("Long An", 2), ("Hòa Bình", 1), ("Lạng Sơn", 1)]
    assert dict(chosen.facets["year"]) == {"2019": 1, "2024": 1}
    both = build_plan("dân vận", filters={"province": ["Long An", "Hòa Bình"], "year": ["2024"]})
    assert found(both.query, filters=both.filter_map) == {"002", "003"}


def test_filters_that_leave_nothing_still_count_each_facet_without_its_own_filter(seeds):
    """Long An has no dân vận article in 2018: the page finds nothing, and its sidebar still
    offers Long An's years and 2018's provinces (before, the PostgreSQL engine counted nothing)."""
    none = engine().search(
        build_plan(
            "dân vận", filters={"province": ["Long An"], "year": ["2018"]}, facets=("province", "year")
        )
    )
    assert (none.total, none.apart, none.hits) == (0, 0, [])
    assert none.facets["year"] == [("2019", 1), ("2024", 1)]
    assert none.facets["province"] == [("Lạng Sơn", 1)]


def test_a_limited_plan_cuts_each_facet_but_keeps_the_selected_values_and_the_whole_facets(seeds):
    """The search page asks for 12 values a facet and every year (the chart): a selected value
    beyond the cut still shows, with its count."""
    facets = ("province", "year", "kind", "official", "outlet", "dan_van")
    full = engine().search(build_plan("dân vận", facets=facets))
    cut = engine().search(build_plan("dân vận", facets=facets, facet_limit=1, whole_facets=("year",)))
    assert cut.facets["year"] == full.facets["year"] and len(full.facets["year"]) == 4
    for name in ("province", "kind", "official", "outlet", "dan_van"):
        assert cut.facets[name] == full.facets[name][:1], name
    chosen = engine().search(
        build_plan(
            "dân vận",
            filters={"province": ["Lạng Sơn"]},
            facets=facets,
            facet_limit=1,
            whole_facets=("year",),
        )
    )
    assert chosen.facets["province"] == [("Long An", 2), ("Lạng Sơn", 1)]
    assert chosen.total == 1 and cut.total == full.total == 5


def test_a_trend_counted_only_when_the_years_span_few_is_the_same_trend(seeds):
    """The search page charts months when the matches' years span at most 3 (`trend_years`):
    the engines count the months only then; otherwise the plan has no trend."""
    facets = ("province", "year")
    plain = engine().search(build_plan("dân vận", facets=facets, trend_by="month"))
    assert plain.trend is not None and plain.trend[0]
    years = sorted(int(y) for y, _ in plain.facets["year"])  # 2018 … 2024: 7 years
    assert (
        engine().search(build_plan("dân vận", facets=facets, trend_by="month", trend_years=3)).trend is None
    )
    wide = engine().search(build_plan("dân vận", facets=facets, trend_by="month", trend_years=7))
    assert years[-1] - years[0] + 1 == 7 and wide.trend == plain.trend
    # Narrowed to one province: its years (2019, 2024) span 6.
    one = {"province": ["Long An"]}
    assert (
        engine()
        .search(build_plan("dân vận", filters=one, facets=facets, trend_by="month", trend_years=5))
        .trend
        is None
    )
    narrow = engine().search(
        build_plan("dân vận", filters=one, facets=facets, trend_by="month", trend_years=6)
    )
    assert (
        narrow.trend
        == engine().search(build_plan("dân vận", filters=one, facets=facets, trend_by="month")).trend
    )
    assert sum(n for _, n in narrow.trend[0]) + narrow.trend[1] == 2


def test_the_dan_van_facet_counts_both_sets_and_filters_either(seeds):
    """Issue #17: search covers every article; the dân vận flag is a facet ("1"/"0") with its counts,
    and a filter narrows to either set. An editor's change of the flag reaches the index."""
    from tests.archive.test_relevance import OFF_TOPIC, OFF_TOPIC_TITLES
    from tests.conftest import run_ingest

    run_ingest(str(OFF_TOPIC))
    everything = engine().search(build_plan("", filters={"province": ["Long An"]}, facets=("dan_van",)))
    assert everything.total == 5
    assert everything.facets["dan_van"] == [("0", 3), ("1", 2)]
    only = engine().search(
        build_plan("", filters={"province": ["Long An"], "dan_van": ["1"]}, facets=("dan_van",))
    )
    assert {Article.objects.get(pk=h.pk).source_file[:3] for h in only.hits} == {"002", "004"}
    # the facet with a selection still counts its other value (OR within a facet)
    assert only.facets["dan_van"] == [("0", 3), ("1", 2)]
    others = engine().search(build_plan("Long An", filters={"dan_van": ["0"]}))
    assert {Article.objects.get(pk=h.pk).title for h in others.hits} == OFF_TOPIC_TITLES
    football = Article.objects.get(title="Câu lạc bộ Long An thắng 2-1 trên sân nhà")
    football.dan_van = True
    football.save()
    indexing.drain()
    after = engine().search(build_plan("", filters={"province": ["Long An"]}, facets=("dan_van",)))
    assert after.facets["dan_van"] == [("1", 3), ("0", 2)]  # by count


def test_dates_and_sorting(seeds):
    # Only a date to the day is a date to filter and sort by (issue #20): 000, 001 and 003 give a
    # day and month, their years inferred, so they are undated here and come last in both orders,
    # in the order they were indexed.
    assert found("dân vận", date_from=date(2024, 1, 1)) == {"002"}
    assert found("dân vận", date_to=date(2019, 12, 31)) == {"004"}
    assert order("dân vận", sort="newest") == ["002", "004", "000", "001", "003"]
    assert order("dân vận", sort="oldest") == ["004", "002", "000", "001", "003"]
    assert order("", filters={"province": ["Long An"]}) == ["002", "004"]  # browsing: newest first


def test_pages(seeds):
    first = engine().search(build_plan("dân vận", sort="newest", per_page=2, page=1))
    third = engine().search(build_plan("dân vận", sort="newest", per_page=2, page=3))
    assert first.listed == third.listed == 5
    assert len(first.hits) == 2 and len(third.hits) == 1


# --- trends -----------------------------------------------------------------------------------------


def test_trend_by_year_and_month_and_with_the_search(seeds):
    years = engine().trend(build_plan("dân vận", trend_by="year"))
    assert years.series == [("2019", 1), ("2020", 0), ("2021", 0), ("2022", 0), ("2023", 0), ("2024", 1)]
    assert (years.undated, years.total) == (3, 5)  # the three with inferred years
    # The year facet still counts an inferred year (issue #20); the trend counts dates only.
    months = engine().trend(build_plan("dân vận", filters={"year": ["2024"]}, trend_by="month"))
    assert (months.series, months.undated, months.total) == ([("2024-02", 1)], 1, 2)
    outcome = engine().search(build_plan("dân vận", filters={"year": ["2024"]}, trend_by="month"))
    assert outcome.trend == (months.series, months.undated)


# --- digests, versions and the integrity scenarios of #6 ---------------------------------------------


def test_digests_versions_and_repair(seeds):
    assert indexing.verify().in_step
    assert set(engine().digests()) == {a.pk for a in seeds.values()}
    before = engine().version()
    article = seeds["003"]
    # Stale: the row changes behind the index's back (no queue row): verify names it, repair fixes it.
    Article.objects.filter(pk=article.pk).update(title="Một tiêu đề khác hẳn")
    diff = indexing.verify()
    assert diff.stale == [article.pk] and not diff.missing and not diff.extra
    indexing.index_articles([article.pk])
    assert engine().version() != before
    assert indexing.verify().in_step
    assert found('"tiêu đề khác hẳn"') == {"003"}
    # Missing and extra: a document removed, a row deleted.
    indexing.remove_articles([seeds["001"].pk])
    Article.objects.filter(pk=seeds["002"].pk).delete()
    diff = indexing.verify()
    assert diff.missing == [seeds["001"].pk] and diff.extra == [seeds["002"].pk]
    indexing.index_articles([*diff.missing, *diff.extra])
    assert indexing.verify().in_step
    assert engine().doc_count() == 4


def test_the_queue_drains_into_the_engine(seeds):
    from archive import services

    article = seeds["000"]
    services.articles_queue_for_index([article.pk])
    Article.objects.filter(pk=article.pk).update(title="Dân vận khéo ở Tuyên Quang")
    assert indexing.drain() >= 1
    assert found('"Tuyên Quang"') == {"000"}
    assert indexing.pending_count() == 0


# --- through the pages: one evaluation per plan -----------------------------------------------------


def _spy(monkeypatch, engine_name):
    """Counts the evaluations of a plan by the engine (the method each engine evaluates with)."""
    calls = []
    if engine_name == "whoosh":
        be = engine().backend
        real = be._match

        def counting(searcher, parsed, *args, **kwargs):
            calls.append(parsed.display())
            return real(searcher, parsed, *args, **kwargs)

        monkeypatch.setattr(be, "_match", counting)
    else:
        be = engine()
        real = be._evaluate

        def counting(plan):
            calls.append(plan.query.display())
            return real(plan)

        monkeypatch.setattr(be, "_evaluate", counting)
    return calls


def test_a_search_page_evaluates_its_plan_once(seeds, client, monkeypatch, engine_name):
    calls = _spy(monkeypatch, engine_name)
    response = client.get("/tim-kiem/", {"q": "Phạm Văn Bốn"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phạm Văn Bốn" in html
    # Results, facets and the month trend (its one match is dated February 2024) from one evaluation.
    assert calls == ["phạm văn bốn"]
    assert 'class="trend"' in html and "2024-02" in html


def test_the_pages_and_apis_answer_alike_on_every_engine(seeds, client):
    data = client.get("/api/search/", {"q": "dan van", "province": "long an"}).json()
    assert data["count"] == 2
    trend = client.get("/api/search/trend/", {"q": "dân vận", "by": "year"}).json()
    assert trend["total"] == 5
    assert client.get("/healthz").json()["index_documents"] == 5


def test_rebuild_index_through_the_bulk_path(seeds):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("rebuild_index", "--noinput", stdout=out, stderr=io.StringIO())
    assert "Indexed 5 articles." in out.getvalue()
    assert engine().doc_count() == 5 and indexing.verify().in_step
    assert found("kim boi") == {"003"}


def test_a_very_long_word_in_an_article_or_a_line_is_no_error(engine_name):
    word = "ă" * 1100  # 2,200 bytes: longer than PostgreSQL's longest lexeme
    indexed(long_word=("Dài", f"Bài có một từ rất dài {word} ở giữa."))
    assert indexing.verify().in_step
    assert engine().search(build_plan(word)).total == 1
    assert engine().search(build_plan("từ rất dài")).total == 1
