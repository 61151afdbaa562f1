"""Issue 10: underthesea's offline CRF NER against the rules, on the development sets.

Run with a Python that has underthesea installed (it is not a project dependency: the rules won):
    python -m venv /tmp/ner && /tmp/ner/bin/pip install underthesea==9.5.0 -r requirements.txt
    PYTHONPATH=. /tmp/ner/bin/python bench/ner_vs_rules.py

Persons: every PER span NER finds is a name candidate; it becomes an official as the rules decide
(a position printed after or before it, or "chủ trì"). Places: the province NER's LOC spans name most
often. Both scored with archive/extract/score.py's measures against the same gold files.
`ner(deep=True)` downloads a model and is not used (FIELD-NOTES).
"""

from __future__ import annotations

import json
import pathlib
import re
import time
from collections import Counter

from underthesea import ner

from archive.extract import iter_path
from archive.extract.normalize import fold_key
from archive.extract.people import _CHAIR, _position_after, _position_before, clean_name
from archive.extract.places import canonical_province, gazetteer
from archive.extract.score import score

DATA = pathlib.Path(__file__).resolve().parents[1] / "tests" / "data" / "extract"


def spans(text: str) -> list[tuple[str, str, int]]:
    """(kind, words, offset) for each PER / LOC span, sentence by sentence."""
    out = []
    offset = 0
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        start = text.find(sentence, offset)
        offset = start + len(sentence)
        tags = ner(sentence)
        cur, kind = [], ""
        for word, _pos, _chunk, tag in [*tags, ("", "", "", "O")]:
            if tag.startswith("B-") or tag == "O" or (tag.startswith("I-") and tag[2:] != kind):
                if cur:
                    words = " ".join(cur)
                    out.append((kind, words, text.find(words, start)))
                cur, kind = ([word], tag[2:]) if tag != "O" else ([], "")
            else:
                cur.append(word)
    return out


def ner_officials(text: str, found: list[tuple[str, str, int]]):
    from archive.extract.types import OfficialMention

    out = {}
    for kind, words, pos in found:
        if kind != "PER" or pos < 0:
            continue
        name = clean_name(words)
        if not name:
            continue
        end = pos + len(words)
        position = _position_after(text, end) or _position_before(text, pos)
        clause = re.split(r"[.;!?\n]", text[end : end + 300])[0]
        if position or _CHAIR.search(clause):
            out.setdefault(fold_key(name), OfficialMention(name=name, position=position))
    return list(out.values())


def ner_province(found: list[tuple[str, str, int]]) -> str:
    provinces = set(gazetteer().provinces)
    votes = Counter()
    for kind, words, _ in found:
        if kind != "LOC":
            continue
        name = canonical_province(re.sub(r"^(?:tỉnh|Tỉnh|thành phố|TP\.?)\s+", "", words))
        if name in provinces:
            votes[name] += 1
    return votes.most_common(1)[0][0] if votes else ""


def main() -> None:
    for folder in ("devset", "holdout"):
        gold = json.loads((DATA / folder / "gold.json").read_text(encoding="utf-8"))
        rules = list(iter_path(DATA / folder))
        started = time.perf_counter()
        with_ner = []
        for art in rules:
            whole = f"{art.title}\n{art.text}"
            found = spans(whole)
            art2 = type(art)(**{**art.__dict__})  # a copy: the rules' result stays intact
            art2.officials = ner_officials(whole, found)
            art2.province = ner_province(found)
            with_ner.append(art2)
        seconds = time.perf_counter() - started
        r, n = score(rules, gold).summary(), score(with_ner, gold).summary()
        print(f"{folder}: {len(rules)} articles, NER {seconds / len(rules) * 1000:.0f} ms/article")
        for key in ("province", "officials_precision", "officials_recall", "officials_f1", "positions_exact"):
            print(f"  {key:<20} rules {r[key]:.3f}   NER {n[key]:.3f}")


if __name__ == "__main__":
    main()
