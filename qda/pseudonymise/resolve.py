"""Choosing among overlapping mentions: the most trusted and longest win, and what NER
found or was guessed only fills the gaps."""

from __future__ import annotations

import bisect

from qda.pseudonymise.entities import Mention
from qda.pseudonymise.words import INSTITUTION_WORDS

_UNTRUSTED = frozenset({"ner", "guess"})


def resolve(mentions: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, longest first; what NER found and what was guessed only
    fill the gaps the register, the transcript's own names and the patterns leave (their
    spans and labels are the least reliable: "Primary School on Larch Crescent" as one
    ORG), NER before a guess of the same length."""
    if not mentions:
        return []
    chosen: list[Mention] = []
    taken = bytearray(max(m.end for m in mentions))
    trusted_spans = sorted((m.start, m.end) for m in mentions if m.source not in _UNTRUSTED)
    # A guessed run around known names, or NER's institution around a known place
    # ("Renfrewshire Alcohol and Drug Recovery Service" around "Renfrewshire"), is one name.
    promoted = {id(m) for m in mentions if (m.source == "guess" or m.source == "ner" and _institution(m))
                and _encloses(m, trusted_spans)}
    for trusted in (True, False):
        tier = [m for m in mentions if (m.source not in _UNTRUSTED or id(m) in promoted) == trusted]
        for mention in sorted(tier, key=lambda m: (-(m.end - m.start), m.source == "guess", m.start)):
            if not any(taken[mention.start:mention.end]):
                chosen.append(mention)
                taken[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
    return sorted(chosen, key=lambda m: m.start)


def _institution(mention: Mention) -> bool:
    """An organisation whose name ends in an institution's word ("... Recovery Service")."""
    return mention.type in ("ORG", "HEALTH", "SCHOOL") and mention.text.split()[-1] in INSTITUTION_WORDS


def _encloses(guess: Mention, trusted: list[tuple[int, int]]) -> bool:
    """Whether a guessed run of capitalised words is a larger name around known ones, and
    crosses none: "Duchess of Kent" around the place "Kent"."""
    inside = 0
    # Spans (sorted) that may overlap it: none starts more than a name's length before it.
    first = bisect.bisect_left(trusted, (guess.start - 200, 0))
    last = bisect.bisect_left(trusted, (guess.end, 0))
    for start, end in trusted[first:last]:
        if end <= guess.start or start >= guess.end:
            continue
        if start < guess.start or end > guess.end or (start, end) == (guess.start, guess.end):
            return False
        inside += len(guess.text[start - guess.start:end - guess.start].split())
    return 0 < inside < len(guess.text.split())  # a word more than what it holds ("Pearsons" is no more)


def covered(spans: list[tuple[int, int]], length: int) -> bytearray:
    """A byte per character of the text, 1 where a span covers it."""
    covered = bytearray(length)
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    return covered
