"""Issue 10: extraction scored on a development set of provincial pages written for the causes seen
on real pages (tests/data/extract/devset, one gold file), and on the seeds.

Each fixture reproduces one or more causes (its gold entry lists them under "causes"); the
per-fixture test fails on the rules before issue 10 and passes after. The floors are the scores the
reworked rules reach (before: title 88.7%, date 82.3%, province 45.2%, meeting 46.8%, bylines 83.9%,
officials F1 0.875, positions 77.6%).

Issue 20 added 24 pages (t11–t16, o10–o17, m08–m11, d17–d19, p17–p19) for the causes two held-out
sets of real pages showed; on the rules before it they scored title 87.5%, date 79.2%, province 83.3%,
meeting 70.8%, bylines 79.2%, officials F1 0.862, positions 76.0% (the 86 pages together: 96.5, 94.2,
95.3, 91.9, 94.2, 0.956, 93.1%). The floors stay at 100% on all 86.
"""

from __future__ import annotations

import json

import pytest
from _extract_support import DATA, SEEDS

from archive.extract import iter_path
from archive.extract.score import FIELDS, score

DEVSET = DATA / "devset"
GOLD = json.loads((DEVSET / "gold.json").read_text(encoding="utf-8"))
# Twelve more pages written after the rework, to see how it holds on pages it was not built on. Their
# first score (title 83%, date 92%, province 92%, bylines 92%, officials F1 0.963, positions 77%) led
# to one design change (a position ends at its first non-position word, not at a listed verb) and
# three small ones; they now stay exact in CI like the rest.
HOLDOUT = DATA / "holdout"
HOLDOUT_GOLD = json.loads((HOLDOUT / "gold.json").read_text(encoding="utf-8"))
SEEDS_GOLD = json.loads((DATA / "seeds_gold.json").read_text(encoding="utf-8"))
# Twelve pages written after issue 20's rework, gold first. Their first score (title, date, province,
# district 100%, meeting 83.3%, bylines 91.7%, officials F1 1.000, positions 92.3%; the rules before
# issue 20 on them: title 91.7%, date 83.3%, meeting 58.3%, bylines 83.3%, F1 0.960, positions 91.7%)
# led to four small changes (a dash inside a ministry's name, "đối thoại" and "trưởng đoàn" as events,
# "H'LIM" → "H'Lim"); they now stay exact in CI like the rest.
HOLDOUT2 = DATA / "holdout2"
HOLDOUT2_GOLD = json.loads((HOLDOUT2 / "gold.json").read_text(encoding="utf-8"))

# The causes the issue lists: every one needs at least one fixture.
CAUSES = {
    "date:anniversary",
    "date:cited",
    "date:dash",
    "date:today_header",
    "date:header_lines",
    "date:historical",
    "province:guest",
    "province:abolished_district",
    "province:huyen_uy",
    "province:o_x",
    "province:tinh_x",
    "province:diem_cau",
    "province:code_after_byline",
    "province:outlet_name",
    "province:outlet_domain",
    "meeting:words_between",
    "meeting:hop_giao_ban",
    "meeting:title_giao_ban",
    "meeting:other",
    "official:nguyen",
    "official:tinh_uy_vien",
    "official:lower_phó_trưởng_ban",
    "official:tvtu",
    "official:pho_chinh_uy",
    "name:ethnic",
    "official:dignitary_list",
    "official:verb_into_position",
    "official:rank",
    "official:position_unread",
    "title:chrome_above",
    "title:clock_line",
    "byline:top",
    "byline:tags",
    "byline:outlet_credit",
    "title:footer_word_paragraph",
    # Issue 20: the causes the held-out real pages showed (each fixture fails on the rules before it).
    "title:lowercase_next_line",
    "position:institution_lowercase",
    "position:dash",
    "position:place_in_brackets",
    "official:lowercase_title",
    "official:abbreviation",
    "name:one_syllable",
    "official:caption_no_comma",
    "official:teaser_next_article",
    "meeting:online_bracket",
    "meeting:direct_and_online",
    "meeting:anniversary_and_review",
    "meeting:feature_none",
    "date:clock_line_under_title",
    "date:day_range",
    "date:time_glued_counter",
    "province:host_not_guest",
    "province:code_in_brackets",
    "province:city_committee_bare",
    "byline:caps_pipe",
    "byline:back_link",
    "byline:teaser_after",
}

# Floors the reworked rules reach on the development set (a drop fails CI).
FLOORS = {
    "title": 1.0,
    "date": 1.0,
    "province": 1.0,
    "district": 1.0,
    "meeting": 1.0,
    "authors": 1.0,
    "flags": 1.0,
    "officials_f1": 1.0,
    "positions_exact": 1.0,
}


@pytest.fixture(scope="module")
def devset_items():
    return {item.source_name: item for item in iter_path(DEVSET)}


def test_devset_is_big_enough_and_covers_every_cause():
    files = [p for p in DEVSET.iterdir() if p.suffix in (".txt", ".html")]
    assert len(files) >= 86
    assert sorted(p.name for p in files) == sorted(GOLD)
    assert {p.suffix for p in files} == {".txt", ".html"}
    covered = {cause for entry in GOLD.values() for cause in entry["causes"]}
    assert CAUSES <= covered, sorted(CAUSES - covered)


def test_devset_scores_at_or_above_the_floors(devset_items):
    result = score(devset_items.values(), GOLD)
    assert result.articles == len(GOLD)
    summary = result.summary()
    low = {k: (summary[k], floor) for k, floor in FLOORS.items() if summary[k] < floor}
    assert not low, "\n".join([str(low), *result.misses])


def test_second_set_stays_exact():
    result = score(iter_path(HOLDOUT), HOLDOUT_GOLD)
    assert result.articles == len(HOLDOUT_GOLD) == 12
    assert result.misses == []


def test_third_set_stays_exact():
    result = score(iter_path(HOLDOUT2), HOLDOUT2_GOLD)
    assert result.articles == len(HOLDOUT2_GOLD) == 12
    assert result.misses == []


def test_seeds_stay_exact():
    result = score(iter_path(SEEDS), SEEDS_GOLD)
    assert result.articles == 5
    assert result.misses == []
    assert all(value == 1.0 for value in result.summary().values())


@pytest.mark.parametrize("name", sorted(GOLD))
def test_fixture_matches_gold(devset_items, name):
    """One fixture at a time, so a regression names the cause it broke."""
    result = score([devset_items[name]], {name: GOLD[name]})
    assert result.misses == [], f"causes: {GOLD[name]['causes']}"


def test_scorer_lists_each_miss(devset_items):
    name = "p01_guest_delegation.txt"
    wrong = dict(GOLD[name], province="Hà Giang", officials=[["Hầu Minh Lợi", "Trưởng đoàn"]])
    result = score([devset_items[name]], {name: wrong, "missing.txt": GOLD[name]})
    assert result.fields["province"] == [0, 1]
    assert result.officials == [1, 2, 1]  # matched, extracted, gold
    assert result.positions == [0, 1]
    assert f"{name}: province: got 'Quảng Trị', want 'Hà Giang'" in result.misses
    assert f"{name}: official not in gold: 'Hồ Đại Nam'" in result.misses
    assert "missing.txt: in the gold file but not extracted" in result.misses
    assert result.precision == 0.5 and result.recall == 1.0
    assert set(FIELDS) <= set(result.summary())
