"""Speeches: one speaker's consecutive turns, taken together.

A subtitle file cuts an answer into cues every few seconds, mid-sentence, and some
transcripts give each paragraph its own label; each piece is a turn, so its offsets and
times stay exact. What a person reads and codes is the answer, though, so the learned coder
learns from and judges speeches: a fragment alone is too short to show what an answer is
about (docs/accuracy.md, "Transcripts cut into subtitle cues").
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

#: The most words one speaker's consecutive turns are joined into a speech: the answers
#: the sample study's model learned from run to 214 words (99% under 135), so a monologue
#: labelled paragraph by paragraph is taken in answer-sized parts, not as one.
SPEECH_WORDS = 200


def number_speeches(documents: Sequence, speakers: Sequence, indices: Sequence[int],
                    texts: Sequence[str]) -> np.ndarray:
    """Each turn's speech, numbered from 0 in order, for turns in document order (each
    turn's document, speaker, index in its document and text): a new speech
    starts with another document or speaker, after a turn left out (the interviewer's),
    with a turn of no known speaker, or where the speech would pass `SPEECH_WORDS`."""
    numbers, number, size = [], -1, 0
    previous = None
    for document, speaker, index, text in zip(documents, speakers, indices, texts):
        count = len(text.split())
        known = isinstance(speaker, str) and speaker.strip() != ""
        if (previous is None or not known or previous != (document, speaker, index - 1)
                or size + count > SPEECH_WORDS):
            number, size = number + 1, 0
        numbers.append(number)
        size += count
        previous = (document, speaker, index)
    return np.array(numbers, dtype=int)


def speech_text(turn_texts: Iterable[str]) -> str:
    """A speech's text as the learned coder reads it, in training and in coding alike."""
    return " ".join(turn_texts)


def join_speeches(texts: list[str], labels: dict[str, np.ndarray], documents: list[str],
                  numbers: np.ndarray) -> tuple[list[str], dict[str, np.ndarray], list[str]]:
    """Turn-level training data (texts, {code: coded per turn}, documents) as speeches:
    their turns' texts joined (`speech_text`), and a code where any of its turns has it."""
    if not len(numbers):
        return texts, labels, documents
    first = np.flatnonzero(np.diff(numbers, prepend=-1))
    ends = [*first[1:], len(numbers)]
    joined = [speech_text(texts[start:end]) for start, end in zip(first, ends)]
    coded = {code: np.logical_or.reduceat(np.asarray(value, dtype=bool), first) for code, value in labels.items()}
    return joined, coded, [documents[start] for start in first]
