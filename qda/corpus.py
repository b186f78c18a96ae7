"""The corpus data model: documents with canonical text, attributes and turns.

Offsets are Unicode code points into `Document.text`, end exclusive, as in the
REFI-QDA standard, so `document.text[start:end]` is always the passage meant.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Iterator

# Speaker labels that mark the interviewer; compared case-insensitively. A focus group's
# moderator or facilitator asks as an interviewer does. ("R" is left out: it is as often
# the respondent as the researcher.)
INTERVIEWER_LABELS = frozenset({"interviewer", "int", "i", "q", "researcher", "moderator", "facilitator"})
# Transcribers number or initial the interviewers of a team: "Interviewer 2", "INT1",
# "Q-3", "Interviewer B", "Interviewer (JB)". A letter or parenthesis only follows a
# word, where it cannot be a name ("I A" and "Q (laughs)" are not conventions).
_INTERVIEWER_VARIANT = re.compile(
    rf"(?P<label>{'|'.join(INTERVIEWER_LABELS)})(?:[ _-]?\d{{1,2}})?"
    rf"|(?P<word>{'|'.join(label for label in INTERVIEWER_LABELS if len(label) > 1)})"
    r"(?: [a-z]| ?\([^()\n]{1,30}\))",
    re.IGNORECASE,
)


def interviewer_label(speaker: str) -> str | None:
    """The conventional interviewer label (one of `INTERVIEWER_LABELS`) that `speaker` is or
    numbers or initials ("Interviewer 2" -> "interviewer"), or None for any other speaker."""
    match = _INTERVIEWER_VARIANT.fullmatch(speaker.strip())
    return None if match is None else (match["label"] or match["word"]).casefold()

def nfc(text: str) -> str:
    """Text in one Unicode form (NFC): "Zoë" typed on a Mac is "Zoe" and a combining mark,
    elsewhere one letter. Names are compared, stored and keyed so."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def same_name(name: str) -> str:
    """A name as compared with others: case and surrounding space aside, and in one Unicode
    form (`nfc`)."""
    return nfc(name.strip()).casefold()


SOURCES = ("rule", "metaphor", "semantic", "topic", "learned", "human")
STATUSES = ("suggested", "accepted", "rejected")


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's utterance; `start`/`end` exclude the speaker label."""

    index: int
    speaker: str | None
    start: int
    end: int
    time: str | None = None
    end_time: str | None = None


# Turns a speaker must have before their share of questions says anything.
_MIN_TURNS_TO_JUDGE = 3


@dataclass
class Document:
    """One transcript. `id` is stable (derived from the file name)."""

    id: str
    name: str
    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    path: str | None = None

    def turn_text(self, turn: Turn) -> str:
        return self.text[turn.start : turn.end]

    def turn_at(self, offset: int) -> Turn | None:
        """The turn whose span contains `offset`, or None (e.g. a speaker label)."""
        starts = [t.start for t in self.turns]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and self.turns[i].start <= offset < self.turns[i].end:
            return self.turns[i]
        return None

    @property
    def interviewers(self) -> list[str]:
        """The speakers named as interviewer by the `interviewer` attribute (comma-separated)."""
        return [n.strip() for n in str(self.attributes.get("interviewer", "")).split(",") if n.strip()]

    def is_interviewer(self, turn: Turn) -> bool:
        """True for interviewer turns: a conventional label or the front matter's `interviewer`."""
        if turn.speaker is None:
            return False
        speaker = same_name(turn.speaker)
        return interviewer_label(speaker) is not None or speaker in {same_name(n) for n in self.interviewers}

    def likely_interviewer(self) -> str | None:
        """In a document that names no interviewer (a Zoom or Teams call labels each voice by
        name), the speaker who asks the questions, if one clearly does: half or more of
        their turns hold a question mark, twice as many as anyone else's. Only said, never
        acted on: on a wrong guess a participant's words would go uncoded."""
        if any(self.is_interviewer(turn) for turn in self.turns):
            return None
        asked: dict[str, list[int]] = {}
        for turn in self.turns:
            if turn.speaker and turn.end > turn.start:
                counts = asked.setdefault(turn.speaker, [0, 0])
                counts[0] += "?" in self.turn_text(turn)
                counts[1] += 1
        rates = sorted(((q / n, speaker) for speaker, (q, n) in asked.items() if n >= _MIN_TURNS_TO_JUDGE),
                       reverse=True)
        if len(rates) < 2 or rates[0][0] < 0.5 or rates[0][0] < 2 * rates[1][0]:
            return None
        return rates[0][1]


@dataclass
class Corpus:
    """An ordered collection of documents with unique ids."""

    documents: list[Document] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def codable_turns(self, include_interviewer: bool = False) -> Iterator[tuple[Document, Turn]]:
        """The turns qda codes and counts as units: non-empty, and not the interviewer's
        unless asked (interviewer turns carry no codes; as units they would be easy
        agreements that inflate every figure)."""
        for doc in self.documents:
            for turn in doc.turns:
                if turn.end > turn.start and (include_interviewer or not doc.is_interviewer(turn)):
                    yield doc, turn

    def likely_interviewers(self) -> dict[str, list[str]]:
        """Who seems to interview -> the ids of the documents where they do but nobody is
        named as interviewer (`Document.likely_interviewer`)."""
        found: dict[str, list[str]] = {}
        for doc in self.documents:
            if (speaker := doc.likely_interviewer()) is not None:
                found.setdefault(speaker, []).append(doc.id)
        return found

    def likely_interviewer_notes(self) -> list[tuple[str, str]]:
        """(speaker, what to tell the user) for each `likely_interviewers` speaker; the user
        interface adds how to name them there."""
        notes = []
        for speaker, ids in self.likely_interviewers().items():
            where = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            notes.append((speaker, f"{where}: no interviewer is named, so the interviewer's questions are coded as "
                                   f"answers; {speaker} asks most of the questions"))
        return notes

    def name_interviewers(self, names: Iterable[str]) -> None:
        """Mark speakers as the interviewer in every document, as a `.txt` front matter's
        `interviewer:` does in one: for subtitle and table files, which have none, and
        whose speakers are people's own names (Zoom and Teams label each voice so)."""
        names = [n.strip() for n in names if n.strip()]
        if not names:
            return
        for doc in self.documents:
            doc.attributes["interviewer"] = ", ".join(dict.fromkeys(doc.interviewers + names))

    def __getitem__(self, doc_id: str) -> Document:
        # Positions indexed lazily, so lookups stay O(1) for tables of hundreds of thousands
        # of codings; checked on every use and rebuilt when the list has changed.
        for _ in range(2):
            position = self._index.get(doc_id)
            if position is not None and position < len(self.documents) and self.documents[position].id == doc_id:
                return self.documents[position]
            self._index = {doc.id: i for i, doc in enumerate(self.documents)}
        raise KeyError(doc_id)


@dataclass(slots=True)
class Coding:
    """A code applied to `document.text[start:end]`, with who made it and why."""

    document: str
    start: int
    end: int
    code: str
    source: str
    coder: str
    confidence: float = 1.0
    evidence: str = ""
    status: str = "suggested"
    memo: str = ""
    # Set for codings that live in a project: the store's id and who accepted or rejected it.
    id: int | None = None
    reviewer: str = ""
