"""One text-normalisation module for the whole archive (ingest, analyzer, query).

Vietnamese text reaches us in NFC and NFD and with two tone-placement conventions
("Hoà"/"Hòa", "Thuỷ"/"Thủy", "Uỷ"/"Ủy"). We store one form: NFC with the tone on the first
vowel of an open "oa", "oe", "uy" syllable, the convention the gazetteer uses ("Hòa Bình").
Pure Python: no Django imports.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text", "normalize_line", "fold", "fold_key", "slugify_vi"]

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng


def _old_tone_table() -> dict[str, str]:
    """ "oà" → "òa", "uỷ" → "ủy", … in NFC, for every tone and letter case."""
    table = {}
    for first, second in ("oa", "oe", "uy"):
        for a in (first, first.upper()):
            for b in (second, second.upper()):
                for tone in _TONES:
                    old = a + unicodedata.normalize("NFC", b + tone)
                    table[old] = unicodedata.normalize("NFC", a + tone) + b
    return table


_OLD_TONE_TABLE = _old_tone_table()
# The new convention puts the tone on the second vowel of an open "oa", "oe", "uy" syllable
# ("hoà"); we move it to the first ("hòa") when no letter follows (a final consonant keeps
# the tone on the second vowel in both conventions: "hoàn"). After "q" the "u" belongs to the
# consonant, so "quý" is left alone (checked in _move_tone).
_OLD_TONE = re.compile("(?:" + "|".join(sorted(_OLD_TONE_TABLE)) + r")(?![^\W\d_])")


def _move_tone(match: re.Match[str]) -> str:
    start = match.start()
    if start and match.string[start - 1] in "qQ":
        return match.group()
    return _OLD_TONE_TABLE[match.group()]


def normalize_text(text: str) -> str:
    """NFC, one tone-placement convention, invisible characters dropped, spaces unified.

    Line breaks are kept: paragraph structure is the extractor's business.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _OLD_TONE.sub(_move_tone, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def normalize_line(text: str) -> str:
    """normalize_text on one line: every run of white space becomes one space."""
    return " ".join(normalize_text(text).split())


def fold(text: str) -> str:
    """Lower-case text without diacritics (đ → d): what a query typed on a plain keyboard matches."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d"))


def fold_key(text: str) -> str:
    """A matching key for names: folded, letters and digits only, single spaces."""
    return " ".join(re.findall(r"[^\W_]+", fold(normalize_text(text))))


def slugify_vi(text: str) -> str:
    """ "Hòa Bình" → "hoa-binh"; never an ASCII regex on the raw text (it would eat "đ")."""
    return "-".join(fold_key(text).split())
