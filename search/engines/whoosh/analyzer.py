"""The Whoosh analyzer of the archive's terms (`search.analysis.analysed`: syllables and pairs,
exact or folded), as Whoosh fields take it."""

from __future__ import annotations

from whoosh.analysis import Analyzer, Token

from search.analysis import analysed


class VietnameseAnalyzer(Analyzer):
    """Whoosh analyzer emitting syllables and syllable bigrams, exact or folded.

    Fields using it are indexed without positions (`phrase=False`): phrases are matched as chains
    of bigrams, which is what makes the index affordable (no position lists) and exact for
    two-syllable words.
    """

    def __init__(self, folded: bool = False):
        self.folded = folded

    def __eq__(self, other):
        return type(other) is type(self) and other.folded == self.folded

    def __repr__(self):
        return f"VietnameseAnalyzer(folded={self.folded})"

    def terms(self, value: str) -> list[str]:
        """The index terms of a value, in order (what the tokens' texts would be)."""
        return analysed(value)[1 if self.folded else 0]

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            yield token
            return
        for pos, term in enumerate(self.terms(value)):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token
