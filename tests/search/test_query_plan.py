"""A line and its filters → an engine-neutral plan, tested without any engine or database (issue #18)."""

from datetime import date

import pytest
from django.http import QueryDict

from search.query import Phrase, PlanError, Ranking, build_plan, plan_for


def phrases(plan):
    return [[p.text for p in group] for group in plan.required]


def test_words_typed_together_are_one_required_phrase():
    plan = build_plan("dân vận khéo")
    assert phrases(plan) == [["dân vận khéo"]]
    assert plan.required[0][0] == Phrase(("dân", "vận", "khéo"), (("dân", "vận", "khéo"),), exact=True)
    assert plan.ranking == Ranking(
        exact_first=True, pairs=(("dân", "vận"), ("vận", "khéo")), whole_line=("dân", "vận", "khéo")
    )


def test_a_line_without_diacritics_is_not_exact():
    plan = build_plan("dan van")
    assert not plan.required[0][0].exact and not plan.ranking.exact_first
    assert plan.ranking.pairs == ()  # one pair: nothing to count between documents
    assert plan.ranking.whole_line == ("dan", "van")


def test_commas_and_spaces_make_separate_required_groups():
    plan = build_plan("Kim Bôi, giao ban")
    assert phrases(plan) == [["kim bôi"], ["giao ban"]]
    assert plan.ranking.whole_line == ()  # two runs: no single line to hold as typed


def test_or_makes_alternatives_of_one_group():
    assert phrases(build_plan("Lạng Sơn OR Long An")) == [["lạng sơn", "long an"]]
    assert phrases(build_plan("lạng sơn hoặc long an")) == [["lạng sơn", "long an"]]


def test_exclusions_are_not_required():
    plan = build_plan('dân vận -"Hà Nội" -covid')
    assert phrases(plan) == [["dân vận"]]
    assert [p.text for p in plan.excluded] == ["hà nội", "covid"]


def test_a_quoted_phrase_with_punctuation_is_literal():
    plan = build_plan('"Hà Nội, Đà Nẵng"')
    phrase = plan.required[0][0]
    assert phrase.quoted and phrase.literal
    assert phrase.words == (("hà", "nội"), ("đà", "nẵng"))
    assert plan.ranking.pairs == ()  # quoted: the phrase itself is required, not ranked by pairs
    assert not build_plan('"dân vận"').required[0][0].literal


def test_nfd_and_old_tone_placement_plan_as_nfc():
    assert build_plan("Ho\u0300a Bi\u0300nh") == build_plan("Hòa Bình")
    assert build_plan("Hoà Bình") == build_plan("Hòa Bình")


def test_a_long_line_is_a_pasted_passage():
    line = " ".join(["công tác dân vận"] * 7)  # 28 syllables
    assert build_plan(line).ranking.paste
    assert not build_plan("công tác dân vận").ranking.paste


def test_filters_are_ordered_and_deduplicated_so_equal_asks_are_equal():
    a = build_plan("dan van", filters={"year": ["2024", "2019", "2024"], "province": ["Long An"]})
    b = build_plan("dan van", filters={"province": ["Long An"], "year": ["2024", "2019"], "kind": []})
    assert a == b and hash(a) == hash(b)
    assert a.filters == (("province", ("Long An",)), ("year", ("2024", "2019")))
    assert a.filter_map == {"province": ["Long An"], "year": ["2024", "2019"]}


def test_no_words_browses_newest_first():
    plan = build_plan("", filters={"province": ["Long An"]})
    assert plan.browse and plan.by_date and plan.newest_first
    assert not build_plan("dan van").by_date
    assert build_plan("dan van", sort="oldest").by_date and not build_plan("x", sort="oldest").newest_first


def test_page_offset_and_counting_plan():
    plan = build_plan("dan van", page=3, per_page=20, facets=("year",), trend_by="month")
    assert plan.offset == 40
    counting = plan.counting()
    assert (counting.page, counting.per_page, counting.facets, counting.trend_by) == (0, 1, (), None)
    assert counting.required == plan.required


def test_matching_ignores_what_is_shown_but_not_what_matches():
    a = build_plan("dan van", page=2, sort="newest", facets=("year",), trend_by="month")
    b = build_plan("dan van", page=1, facets=("province",))
    assert a.matching() == b.matching()
    assert a.matching() != build_plan("dan van", filters={"year": ["2024"]}).matching()
    assert a.matching() != build_plan("dan van", date_from=date(2020, 1, 1)).matching()


@pytest.mark.parametrize(
    "options, field",
    [
        ({"sort": "best"}, "sort"),
        ({"trend_by": "week"}, "by"),
        ({"filters": {"colour": ["red"]}}, "colour"),
        ({"facets": ("colour",)}, "colour"),
        ({"page": -1}, "page"),
    ],
)
def test_a_plan_that_cannot_be_searched_names_its_field(options, field):
    with pytest.raises(PlanError, match=f"^{field}:"):
        build_plan("dan van", **options)


def test_the_forms_parameters_become_the_same_plan():
    from search.forms import parse_params

    params = parse_params(QueryDict("q=d%C3%A2n+v%E1%BA%ADn&year=2024&from=2024-01-01&sort=newest&page=2"))
    plan = plan_for(params, per_page=20, facets=("year",))
    assert plan == build_plan(
        "dân vận",
        filters={"year": ["2024"]},
        date_from=date(2024, 1, 1),
        sort="newest",
        page=2,
        facets=("year",),
    )
