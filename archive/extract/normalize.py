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

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

# In NFD a syllable such as "hoà" reads h o a <grave>. Move the tone mark back onto the first
# vowel when the diphthong closes the syllable (no final consonant follows). "qu" + "y" is a
# consonant + vowel, so "quý" keeps its tone where it is.
_OLD_TONE = re.compile(
    r"(?<![qQ])([oO])([aAeE])([" + _TONES + r"])(?![^\W\d_])"
    r"|(?<![qQ])([uU])([yY])([" + _TONES + r"])(?![^\W\d_])"
)


def _move_tone(match: re.Match[str]) -> str:
    first, second, tone = (match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6))
    return first + tone + second


def normalize_text(text: str) -> str:
    """NFC, one tone-placement convention, invisible characters dropped, spaces unified.

    Line breaks are kept: paragraph structure is the extractor's business.
    """
    text = unicodedata.normalize("NFD", text).translate(_INVISIBLE)
    text = _OLD_TONE.sub(_move_tone, text)
    text = unicodedata.normalize("NFC", text)
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
    """"Hòa Bình" → "hoa-binh"; never an ASCII regex on the raw text (it would eat "đ")."""
    return "-".join(fold_key(text).split())
