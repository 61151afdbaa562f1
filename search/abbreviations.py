"""Abbreviations of Vietnamese news, kept in one place (issue #15).

`DOTTED`: abbreviations written with a dot before a name: `TP. Hồ Chí Minh`, `Q. 1`, `P. Bến Nghé`,
`TX. Sơn Tây`, `TT. Hương Khê`. Analysis joins them to the next word as it joins `TP.HCM`, in the
index and in the query alike, so `TP.HCM`, `TP. HCM`, `TP HCM` and `Tp.HCM` are one term.

`SPELLINGS`: an abbreviation and the words it stands for, both folded. A query word that is one of them
also finds the other (`UBND` finds "Ủy ban nhân dân", and the other way round); the words typed rank
first.
"""

from __future__ import annotations

from archive.extract.normalize import fold

DOTTED = ("TP", "Tp", "tp", "TX", "Tx", "TT", "Q", "P", "H")

# Each line: spellings of one name, folded; a query word that is one of them also finds the others.
SPELLINGS = (
    ("ubnd", "uy ban nhan dan"),
    ("hdnd", "hoi dong nhan dan"),
    ("mttq", "mat tran to quoc"),
    ("tp hcm", "tphcm", "tp ho chi minh", "thanh pho ho chi minh"),
    ("bch", "ban chap hanh"),
    ("btv", "ban thuong vu"),
    ("cand", "cong an nhan dan"),
    ("qdnd", "quan doi nhan dan"),
    ("bhxh", "bao hiem xa hoi"),
    ("bhyt", "bao hiem y te"),
    ("thcs", "trung hoc co so"),
    ("thpt", "trung hoc pho thong"),
    ("atgt", "an toan giao thong"),
    ("gplx", "giay phep lai xe"),
    ("dbscl", "dong bang song cuu long"),
    ("ctv", "cong tac vien"),
)
_OTHERS = {spelling: tuple(o for o in group if o != spelling) for group in SPELLINGS for spelling in group}


def alternatives(word: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The other spellings of a known abbreviation or of the words it stands for, folded:
    `("ubnd",)` → `[("uy", "ban", "nhan", "dan")]`, and back; [] for any other word."""
    key = " ".join(fold(s) for s in word)
    return [tuple(other.split(" ")) for other in _OTHERS.get(key, ())]


def word_groups(run) -> list[tuple[list[tuple[str, ...]], list[tuple[str, ...]]]]:
    """A run's words, consecutive words that spell a known abbreviation or what it stands for
    grouped with its other spellings: `Ủy ban nhân dân tỉnh` → [([ủy ban, nhân dân], [ubnd]),
    ([tỉnh], [])]. A quoted phrase is literal: no other spelling. Engine-neutral: each engine
    compiles the groups to its own queries."""
    words = run.words
    if run.quoted:
        return [([w], []) for w in words]
    out, i = [], 0
    while i < len(words):
        for j in range(len(words), i, -1):
            others = alternatives(tuple(s for w in words[i:j] for s in w))
            if others:
                out.append((words[i:j], others))
                i = j
                break
        else:
            out.append(([words[i]], []))
            i += 1
    return out
