"""Search never loses the article (issue #15), on the seeds and the first 3,000 corpus articles as the
real ingest stores and indexes them, plus two articles of our own that reproduce a wrong word guess.

Each test is one of the issue's examples; each failed on the code before issue #15.
"""

from __future__ import annotations

import gzip
import itertools
import json
import re

import pytest
from django.db import transaction

from archive import services
from archive.extract.normalize import fold, normalize_text
from archive.models import Article
from search import indexing
from search.analysis import parse_query
from tests.conftest import CORPUS, SEEDS, run_ingest

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.django_db,
    pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is missing"),
]
N = 3000

# Two articles of our own: the first holds "khai giảng năm học", "thiên tai" and "thời tiết" apart;
# the second puts "tai thời" side by side ("thiên tai thời gian qua"), so a reader of word
# boundaries from the index glues `tai thời` and, required, found nothing (issue #15).
OWN = [
    {
        "id": "recall-khai-giang",
        "title": "Trường vùng cao chuẩn bị cho năm học mới",
        "text": "Các trường đã sẵn sàng cho lễ khai giảng năm học mới. Dù chịu ảnh hưởng của thiên tai, "
        "nhà trường vẫn theo dõi sát diễn biến thời tiết để đón học sinh an toàn.",
        "url": "https://example.vn/recall-khai-giang",
        "outlet": "Báo Thử nghiệm",
    },
    {
        "id": "recall-tai-thoi",
        "title": "Khắc phục hậu quả thiên tai",
        "text": "Thiên tai thời gian qua gây thiệt hại lớn cho bà con vùng ven biển.",
        "url": "https://example.vn/recall-tai-thoi",
        "outlet": "Báo Thử nghiệm",
    },
]


@pytest.fixture(scope="module")
def news(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeds, N corpus articles and OWN, ingested by the command once for the module, inside a
    transaction rolled back at the end (the index is cleared then too)."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, N)]
    path = tmp_path_factory.mktemp("recall") / "news.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records + OWN), encoding="utf-8"
    )
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            indexing.backend().clear()
            services.provinces_load()
            run_ingest(str(SEEDS), str(path))
            yield {a.url: a.pk for a in Article.objects.exclude(url="")}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            indexing.backend().clear()


def search(q: str, **kwargs):
    return indexing.backend().article_search(parse_query(q), per_page=kwargs.pop("per_page", 20), **kwargs)


def texts(pks: list[int]) -> dict[int, str]:
    """Title and text, and the province the record names (searchable too: issue #9)."""
    return {
        a.pk: normalize_text("\n\n".join([a.title, a.text, a.province.name if a.province_id else ""]))
        for a in Article.objects.filter(pk__in=pks).select_related("province")
    }


def holding(phrase: str) -> set[int]:
    """Articles whose stored title or text holds the phrase, any case, spaces as the index reads them."""
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)", re.I)
    return {
        a.pk
        for a in Article.objects.only("title", "text")
        if pattern.search(normalize_text(f"{a.title}\n\n{a.text}"))
    }


@pytest.mark.parametrize("phrase", ["bảo hiểm xã hội", "Ủy ban nhân dân", "tai nạn lao động"])
def test_a_compound_term_ranks_the_articles_holding_it_whole_first(news, phrase):
    whole = holding(phrase)
    outcome = search(phrase)
    top = [h.pk for h in outcome.hits]
    assert len(whole) >= 3, phrase  # the slice of the corpus has the phrase
    k = min(20, len(whole))
    assert set(top[:k]) <= whole, phrase
    assert whole <= {h.pk for h in search(phrase, per_page=1000).hits}


def test_a_line_whose_guessed_word_stands_elsewhere_still_lists_its_article(news):
    """`tai thời` stands together in one article; the line's own article holds the syllables apart."""
    own = news["https://example.vn/recall-khai-giang"]
    outcome = search("khai giảng năm học thiên tai thời tiết")
    assert own in [h.pk for h in outcome.hits[:10]]
    # ... and the same words with commas (word boundaries given) find it as a word-level match.
    commas = search("khai giảng, năm học, thiên tai, thời tiết")
    assert own in [h.pk for h in commas.hits if not h.apart]


def test_long_an_dan_van_kheo_finds_the_campaign_in_either_order(news):
    for q in ("Long An dân vận khéo", "dân vận khéo Long An", "long an dan van kheo"):
        outcome = search(q)
        top = texts([h.pk for h in outcome.hits[:2]])
        assert len(top) == 2, q
        assert all("dân vận khéo" in t.lower() for t in top.values()), q


def test_bo_cong_an_counts_the_ministry_and_lists_the_syllables_apart_after_it(news):
    ministry = holding("Bộ Công an")
    outcome = search("Bộ Công an", per_page=1000)
    word_level = [h.pk for h in outcome.hits if not h.apart]
    assert outcome.total == len(word_level) == len(ministry)
    assert set(word_level) == ministry
    # Every article holding the three syllables apart is listed after the ministry's, and counted
    # apart from it: the facets and the trend count what the line means.
    assert outcome.apart > 0
    assert [h.apart for h in outcome.hits] == [False] * outcome.total + [True] * outcome.apart
    years = dict(outcome.facets["year"])
    assert sum(years.values()) <= outcome.total
    series, undated, total = indexing.backend().trend(parse_query("Bộ Công an"))
    assert total == outcome.total
    assert sum(n for _, n in series) + undated == outcome.total


def test_an_unaccented_word_ranks_its_common_reading_first(news):
    top = texts([h.pk for h in search("da nang").hits[:10]])
    assert len(top) == 10
    assert all("đà nẵng" in t.lower() for t in top.values())
    # The seeds' dân vận before "người dân vẫn …" (23 of those in this slice, 6 dân vận articles).
    hits = search("dan van").hits
    whole = holding("dân vận")
    k = len(whole)
    assert k >= 5
    assert {h.pk for h in hits[:k]} == whole


def test_a_minus_before_a_digit_is_part_of_a_title_not_an_exclusion(news):
    article = Article.objects.get(title="Mỹ đổ tiền phát triển vũ khí đã lỗi thời")
    assert "S-400" in article.text or "S -400" in article.text
    parsed = parse_query("vũ khí S -400")
    assert not parsed.excluded
    assert article.pk in [h.pk for h in search("vũ khí S -400 F -35", per_page=100).hits]
    # A minus that starts a word is still an exclusion.
    assert parse_query("vũ khí -Nga").excluded


def test_dotted_abbreviations_are_one_term(news):
    found = {
        q: {h.pk for h in search(q, per_page=1000).hits if not h.apart}
        for q in ("TP.HCM", "TP. HCM", "TP HCM", "Tp.HCM")
    }
    assert len({frozenset(v) for v in found.values()}) == 1
    # Articles writing "TP. HCM" (with a space) are among them.
    spaced = holding("TP. HCM") - holding("TP.HCM") - holding("TP HCM")
    assert spaced and spaced <= found["TP.HCM"]


def test_ubnd_and_uy_ban_nhan_dan_find_each_other_typed_first(news):
    ubnd = search("UBND", per_page=1000)
    full = search("Ủy ban nhân dân", per_page=1000)
    either = holding("UBND") | holding("Ủy ban nhân dân")
    assert {h.pk for h in ubnd.hits} >= either
    assert {h.pk for h in full.hits if not h.apart} >= either
    # What was typed ranks first.
    assert ubnd.hits[0].pk in holding("UBND")
    assert full.hits[0].pk in holding("Ủy ban nhân dân")


def test_a_quoted_phrase_with_a_comma_is_literal(news):
    literal = holding("Hà Nội, Đà Nẵng")
    reversed_ = holding("Đà Nẵng, Hà Nội")
    assert literal and reversed_
    outcome = search('"Hà Nội, Đà Nẵng"', per_page=1000)
    assert {h.pk for h in outcome.hits} == literal
    assert not outcome.apart
    # Without punctuation inside the quotes, punctuation between the words still breaks the phrase.
    assert not {h.pk for h in search('"Nội Đà"', per_page=1000).hits} & literal


def test_a_quoted_dotted_name_does_not_match_the_name_alone(news):
    outcome = search('"TP. Hồ Chí Minh"', per_page=1000)
    found = texts([h.pk for h in outcome.hits])
    assert found
    pattern = re.compile(r"tp\.?\s*hồ chí minh", re.I)
    assert all(pattern.search(t) for t in found.values())


def test_the_search_page_says_how_many_hold_the_syllables_apart(news, client):
    response = client.get("/tim-kiem/", {"q": "Bộ Công an"})
    assert response.status_code == 200
    html = response.content.decode()
    outcome = search("Bộ Công an")
    assert f"{outcome.total} kết quả" in html
    assert f"{outcome.apart} bài khác có đủ các âm tiết" in html
    api = client.get("/api/search/", {"q": "khai giảng năm học thiên tai thời tiết"}).json()
    own = news["https://example.vn/recall-khai-giang"]
    assert own in [r["id"] for r in api["results"]]
    assert api["count"] + api["apart"] >= 1


def test_folding_is_what_the_syllable_tier_uses_for_unaccented_syllables(news):
    """`dan van` apart: every article holding both folded syllables anywhere is listed."""
    outcome = search("dan van", per_page=1)
    every = {
        pk
        for pk, t in texts(list(Article.objects.values_list("pk", flat=True))).items()
        if {"dan", "van"} <= {fold(w) for w in re.findall(r"\w+", t.lower())}
    }
    assert outcome.total + outcome.apart >= len(every) > 0


KNOWN_ITEM_ARTICLES = 120  # articles drawn: a title, the title unaccented and four lead words each


def anchor_dsn() -> str | None:
    """A PostgreSQL for the FTS anchor: the test database's server when it is PostgreSQL, else the
    machine's (CI has one); None when none answers."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"
    else:
        dsn = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    try:
        psycopg.connect(dsn, connect_timeout=3).close()
    except psycopg.Error:
        return None
    return dsn


def test_known_items_are_found_at_least_as_well_as_postgresql_finds_them(news):
    """bench/known_items.py at CI size (the issue's targets are measured there at 100,000)."""
    import os

    from bench.known_items import PgAnchor, evaluate, format_table, make_cases, ours, topical

    seeds = {path.name for path in SEEDS.glob("*.txt")}
    rows = list(
        Article.objects.exclude(source_file__in=seeds).order_by("pk").values_list("pk", "title", "text")
    )
    titles = dict(Article.objects.values_list("pk", "title"))
    cases = make_cases(rows, KNOWN_ITEM_ARTICLES)
    assert {c.kind for c in cases} == {"title", "title-folded", "four-words"}
    mine = evaluate(cases, ours, titles)
    assert mine["four-words"]["none"] == 0
    assert mine["four-words"]["s@10"] >= 0.97
    assert mine["title"]["s@1"] >= 0.98
    assert mine["title-folded"]["s@1"] >= 0.98
    dsn = anchor_dsn()
    if dsn is None:
        pytest.skip("no PostgreSQL for the anchor (the thresholds above held)")
    anchor = PgAnchor(dsn, table=f"known_items_{os.getpid()}")
    texts = {
        pk: f"{title}\n\n{text}" for pk, title, text in Article.objects.values_list("pk", "title", "text")
    }
    try:
        anchor.build(Article.objects.values_list("pk", "title", "text"))
        theirs = evaluate(cases, anchor.search, titles)
        topics_theirs = topical(anchor.search, texts)
    finally:
        anchor.drop()
    print(format_table({"archive": mine, "PostgreSQL FTS": theirs}))  # shown with -s or on failure
    topics_mine = topical(ours, texts)
    # Topical queries judged by rule (the phrase as written): precision@10 at least PostgreSQL's.
    mean = sum(t["p@10"] for t in topics_mine.values()) / len(topics_mine)
    assert mean >= sum(t["p@10"] for t in topics_theirs.values()) / len(topics_theirs)
    for kind in ("title", "title-folded", "four-words"):
        assert mine[kind]["s@10"] >= theirs[kind]["s@10"], (kind, mine[kind], theirs[kind])
        assert mine[kind]["mrr"] >= theirs[kind]["mrr"] - 0.01, (kind, mine[kind], theirs[kind])
