"""What every coder returns, and the negation test they share."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

# Words that negate what follows them within a short window of the same clause.
NEGATORS = frozenset(
    {"not", "n't", "never", "no", "nobody", "nothing", "neither", "nor", "without", "none", "hardly", "cannot"}
)
# The note on a learned probability, judged on the whole turn, given to a sentence other
# than the one whose words weigh most for the code (the learned coder's; here so that
# AutoCoder can read it without importing that coder): it may back a rule, not stand alone.
IN_TURN = "its turn"
# The key of `Doc.user_data` under which AutoCoder numbers a turn's speech (`qda.speeches`:
# one speaker's consecutive turns), which the learned coder judges as one.
SPEECH = "qda.speech"
_NEGATION_WINDOW = 3
_CLAUSE_BREAKS = frozenset({",", ";", ":", "-", "--", "(", ")", "?", "!", "."})


@dataclass(frozen=True, slots=True)
class Match:
    """Evidence that `code` applies: the matched words at sentence-relative char offsets."""

    code: str
    start: int
    end: int
    rule: str
    words: str
    confidence: float
    source: str
    note: str = ""
    once: bool = False  # the rule's matches in a unit count once (`Rule.once`)

    def evidence(self) -> str:
        note = f", {self.note}" if self.note else ""
        return f'"{self.words}" [{self.rule}{note}]'


def negated(span: Span) -> bool:
    """True when a negator stands in the few tokens before `span`, within its clause."""
    sent_start = span.sent.start if span.doc.has_annotation("SENT_START") else 0
    i = span.start - 1
    while i >= max(sent_start, span.start - _NEGATION_WINDOW):
        token = span.doc[i]
        if token.text in _CLAUSE_BREAKS:
            return False
        if token.lower_ in NEGATORS:
            return True
        i -= 1
    return False
