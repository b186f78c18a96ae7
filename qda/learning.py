"""Fitting the semantic and learned coders to a gold set (what `qda calibrate` and
`qda train` do): turn the gold's participant turns into training units, then calibrate
the semantic coder's thresholds (scoring units sentence by sentence, as it codes) or train
the learned coder's classifiers on whole speeches (`qda.speeches`, as it codes)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from . import nlp as qnlp
import numpy as np

from .codebook import Codebook
from .corpus import Corpus, Document, Turn
from .coders.learned import LearnedModel, train
from .coders.semantic import SemanticCoder, calibrate
from .embeddings import Embedder
from .evaluate import read_gold
from .speeches import join_speeches, number_speeches
from .writers import atomic_write


def _gold_units(gold: Iterable[str | Path], codebook: Codebook, speeches: bool = False):
    gold_set = read_gold(list(gold), known_codes=frozenset(codebook.codes))
    units = gold_set.labelled_speeches if speeches else gold_set.labelled_turns
    texts, labels, documents = units(codebook.codes)
    if not texts:
        raise ValueError("the gold has no participant turns")
    return texts, labels, documents


def train_from_gold(gold: Iterable[str | Path], codebook: Codebook, embedder: Embedder | None = None,
                    contrast: Iterable[str | Path] = ()) -> LearnedModel:
    """A learned-coder model from gold files, learning from speeches as it judges them
    (see `train_on_turns`), and from the answers of `contrast` files (gold files of
    hand-written answers; `qda.coders.learned.train` says how they are used)."""
    texts, labels, documents = _gold_units(gold, codebook, speeches=True)
    marks = np.zeros(len(texts), dtype=bool)
    contrast = list(contrast)
    if contrast:
        more, more_labels, more_documents = _gold_units(contrast, codebook, speeches=True)
        labels = {code: np.concatenate([np.asarray(labels[code], dtype=bool), np.asarray(more_labels[code], dtype=bool)])
                  for code in codebook.codes}
        texts, documents = texts + more, list(documents) + list(more_documents)
        marks = np.concatenate([marks, np.ones(len(more), dtype=bool)])
    return train_on_turns(texts, labels, documents, codebook, embedder, contrast=marks)


def train_on_turns(texts: list[str], labels: dict, documents: list[str], codebook: Codebook,
                   embedder: Embedder | None = None, contrast: np.ndarray | None = None) -> LearnedModel:
    """A learned-coder model from coded turns (or speeches), with per-code thresholds and kappa from
    5-fold cross-validation that holds out whole documents, and per-code combiners that
    weigh it against the rule and metaphor coders; `contrast` marks contrast answers."""
    return train(texts, labels, codebook, embedder or Embedder(), groups=documents,
                 rules=rule_confidence(texts, codebook, qnlp.load()), contrast=contrast)


def rule_confidence(texts: list[str], codebook: Codebook, nlp) -> dict[str, np.ndarray]:
    """Per code, each text's strongest rule (and metaphor) coding, weak ones included
    (0 where none): what a combiner weighs the learned probability against."""
    from .coding import AutoCoder

    coders = ("rules", "metaphor") if "up_down" in codebook.codes else ("rules",)
    corpus = Corpus([Document(id=str(k), name=str(k), text=text, turns=[Turn(0, None, 0, len(text))])
                     for k, text in enumerate(texts)])
    strongest = {code: np.zeros(len(texts)) for code in codebook.codes}
    for coding in AutoCoder(codebook, coders, min_confidence=0.0, nlp=nlp).stream(corpus):
        k = int(coding.document)
        strongest[coding.code][k] = max(strongest[coding.code][k], coding.confidence)
    return strongest


def coded_speeches(corpus: Corpus, codings: Iterable, codes: Iterable[str]):
    """Speeches (`qda.speeches`) with the codes people accepted on them, as training data:
    (texts, {code: coded per speech}, documents). A turn carries a code if an accepted
    coding overlaps it, and a speech if one of its turns does."""
    turns = list(corpus.codable_turns())
    index = {(doc.id, turn.index): k for k, (doc, turn) in enumerate(turns)}
    labels = {code: np.zeros(len(turns), dtype=bool) for code in codes}
    for coding in codings:
        doc = corpus[coding.document]
        for turn in doc.turns:
            key = (doc.id, turn.index)
            if key in index and coding.code in labels and coding.start < turn.end and turn.start < coding.end:
                labels[coding.code][index[key]] = True
    texts, documents = [doc.turn_text(turn) for doc, turn in turns], [doc.id for doc, _ in turns]
    numbers = number_speeches(documents, [turn.speaker for _, turn in turns], [turn.index for _, turn in turns], texts)
    return join_speeches(texts, labels, documents, numbers)


def calibrate_from_gold(gold: Iterable[str | Path], codebook: Codebook, embedder: Embedder | None = None) -> dict:
    """Semantic-coder thresholds (and the F1 each reaches) from gold files."""
    texts, labels, _ = _gold_units(gold, codebook)
    return calibrate(SemanticCoder(codebook, embedder), texts, labels, qnlp.load())


def write_thresholds(calibration: dict, codebook: Codebook, path: str | Path) -> None:
    data = {"codebook": f"{codebook.name} v{codebook.version}", **calibration}
    atomic_write(Path(path), lambda tmp: tmp.write_text(json.dumps(data, indent=2), encoding="utf-8"))
