"""The PostgreSQL engine's pure parts: what it stores for a document and what a plan compiles to
(the engine itself runs in test_engine_conformance.py, on PostgreSQL)."""

import re

from search.analysis import parse_query, segment
from search.engines.postgres import Compiled, tsvector_literals


def lexemes(literal: str) -> dict[str, str]:
    return dict(re.findall(r"'([^']*)':([0-9A,]+)", literal))


def test_a_document_stores_exact_and_folded_terms_the_title_weighted():
    match, rank = tsvector_literals("Dân vận khéo\n\nHội nghị dân vận.", "Dân vận khéo")
    stored = lexemes(match)
    assert stored["dân vận"] == "3A" and stored["~dan van"] == "3A"  # first in the title
    assert stored["khéo"] == "4A" and stored["~kheo"] == "4A"
    assert stored["hội nghị"] == "8"  # text only
    assert "khéo hội" not in stored  # no pair across the paragraph break
    # The rank vector: folded syllables only, with how often they occur (up to 3 positions).
    ranked = lexemes(rank)
    assert ranked["dan"] == "1A,2" and ranked["kheo"] == "4A"
    assert not any(" " in lex or lex.startswith("~") for lex in ranked)


def test_positions_stay_within_postgresql_s_limit_and_the_title_keeps_its_weight():
    text = "Tiêu đề\n\n" + " ".join(["một hai"] * 20_000)
    for literal in tsvector_literals(text, "Tiêu đề"):
        stored = lexemes(literal)
        assert stored["~tieu" if "~tieu" in stored else "tieu"] == "1A"
        assert all(int(p.rstrip("A")) <= 16383 for v in stored.values() for p in v.split(","))


def test_a_line_compiles_to_its_tiers():
    parsed = segment(parse_query("dân vận -covid"), lambda a, b: 100)
    c = Compiled(parsed, widened=False)
    assert c.word == "'dân vận'"
    assert c.every == "(('dân' & 'vận') | 'dân vận')"
    assert c.excluded == "'~covid'"
    assert c.rank == "('dan' | 'van')"
    widened = Compiled(parse_query("dân vận"), widened=True)
    assert widened.word == "('dân vận' | '~dan van')"
    assert widened.exact == "'dân vận'"
