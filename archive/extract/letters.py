"""Explicit Vietnamese letter classes for regexes.

Why: an ASCII `[A-Z]` class cuts "Đức" or "Ủy" in half; `[^\\W\\d_]` matches any letter but cannot tell
upper from lower case, which names and bylines need.
"""

from __future__ import annotations

import unicodedata

_BASE = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz"
_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def _letters() -> str:
    out = []
    for base in _BASE:
        for tone in _TONES if base in _VOWELS else ("",):
            ch = unicodedata.normalize("NFC", base + tone)
            if len(ch) == 1 and ch not in out:
                out.append(ch)
    return "".join(out)


LOWER = _letters()
UPPER = LOWER.upper()
assert len(UPPER) == len(LOWER)

# Regex fragments (inside a character class they need no escaping: letters only).
LO = f"[{LOWER}]"
UP = f"[{UPPER}]"
# One capitalised syllable: "Nguyễn", "Đức", also all-caps "PHƯƠNG".
CAP_WORD = f"{UP}(?:{LO}+|{UP}+)?"
