"""Pseudonymising parsed documents (a project's), not files: new text, attributes and
speakers, and a function moving every old offset to the new text, so codings made before
pseudonymising still point at the same words after it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from qda.corpus import Corpus, Document
from qda.pseudonymise.detect import Detector
from qda.pseudonymise.key import Key
from qda.pseudonymise.patterns import find_patterns
from qda.pseudonymise.replace import Replacement, apply, offset_mapper


@dataclass
class Rewrite:
    document: str
    text: str
    attributes: dict[str, str]
    speakers: dict[int, str | None]  # turn index -> its speaker, pseudonymised
    move: Callable[..., int]  # old offset (, is_end) -> new offset
    replacements: int


def pseudonymise_texts(texts: list[str], documents: Iterable[Document], detector: Detector, key: Key,
                       dates: str) -> list[tuple[str, list[Replacement]]]:
    """Each text pseudonymised, with its replacements: the two passes of `Detector` over
    all texts (the parsed `documents` give speakers and front matter), then `apply`."""
    for doc in documents:
        detector.learn_document(doc)
    candidates = detector.candidates(texts)
    return [apply(text, detector.find(text, found), key, dates) for text, found in zip(texts, candidates)]


def pseudonymise_corpus(corpus: Corpus, detector: Detector, key: Key, dates: str) -> list[Rewrite]:
    done = pseudonymise_texts([doc.text for doc in corpus], corpus, detector, key, dates)
    rewrites = []
    for doc, (text, records) in zip(corpus, done):
        rewrites.append(Rewrite(
            document=doc.id,
            text=text,
            attributes={k: pseudonymise_string(str(v), detector, key, dates) for k, v in doc.attributes.items()},
            speakers={t.index: None if t.speaker is None else pseudonymise_string(t.speaker, detector, key, dates)
                      for t in doc.turns},
            move=offset_mapper(records),
            replacements=len(records),
        ))
    return rewrites


def pseudonymise_string(text: str, detector: Detector, key: Key, dates: str) -> str:
    """A short text (an attribute, a speaker, a memo, evidence) with known identifiers and
    pattern matches (dates, phone numbers...) replaced; NER is not run on it."""
    return apply(text, detector.find(text, find_patterns(text)), key, dates)[0]
