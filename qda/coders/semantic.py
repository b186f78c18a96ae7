"""The semantic coder: codes a sentence by its closeness in meaning to a code's examples
and definition, so passages worded unlike any rule can still be proposed.

Similarity is the cosine between sentence embeddings (qda.embeddings). Each code has its
own threshold, calibrated on a gold set (`calibrate`), because codes differ in how
tightly their talk clusters; the evidence names the nearest example.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Span

from ..codebook import Codebook
from ..embeddings import Embedder
from ..errors import QdaError
from .base import Match

DEFAULT_THRESHOLD = 0.55


class SemanticCoder:
    source = "semantic"

    def __init__(self, codebook: Codebook, embedder: Embedder | None = None,
                 thresholds: dict[str, float] | None = None):
        self.embedder = embedder or Embedder()
        self.thresholds = {code: (thresholds or {}).get(code, DEFAULT_THRESHOLD) for code in codebook.codes}
        self.references: list[tuple[str, str]] = []  # (code, text) - examples and the definition
        for code in codebook.codes.values():
            definition = " ".join(p for p in (code.name, code.description, code.include) if p)
            self.references += [(code.id, example) for example in code.examples]
            if definition:
                self.references.append((code.id, definition))
        if not self.references:
            raise QdaError(f"codebook {codebook.path or codebook.name} has no examples or definitions "
                           "for the semantic coder to compare with")
        self.codes = sorted({code for code, _ in self.references})
        self.vectors = self.embedder([text for _, text in self.references])

    def needs_parse(self, words) -> bool:
        return False

    def similarities(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(best similarity, index of the nearest reference) per text and code."""
        sims = self.embedder(texts) @ self.vectors.T
        best = np.full((len(texts), len(self.codes)), -1.0)
        nearest = np.zeros((len(texts), len(self.codes)), dtype=int)
        for j, code in enumerate(self.codes):
            columns = [k for k, (c, _) in enumerate(self.references) if c == code]
            block = sims[:, columns]
            best[:, j] = block.max(axis=1)
            nearest[:, j] = np.array(columns)[block.argmax(axis=1)]
        return best, nearest

    def find(self, sentences: list[Span], words, parses: dict[int, Doc]) -> list[tuple[int, Match]]:
        if not sentences:
            return []
        texts = [s.text for s in sentences]
        best, nearest = self.similarities(texts)
        found = []
        for i, j in zip(*np.nonzero(best >= np.array([self.thresholds[c] for c in self.codes]))):
            code, similarity, threshold = self.codes[j], float(best[i, j]), self.thresholds[self.codes[j]]
            example = self.references[nearest[i, j]][1]
            # Just over the threshold is a coin toss (0.5); a near-copy of an example is 0.95.
            confidence = 0.5 + 0.45 * min(1.0, (similarity - threshold) / max(1e-6, 1.0 - threshold))
            found.append((int(i), Match(code, 0, len(texts[i]), f"semantic.{code}", _short(example), confidence,
                                        self.source, note=f"similarity {similarity:.2f}")))
        return found


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def read_thresholds(path: str | Path) -> dict[str, float]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data["thresholds"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise QdaError(f"{path}: not a semantic thresholds file written by `qda calibrate` ({exc})") from None


def calibrate(coder: SemanticCoder, turns: list[str], labels: dict[str, np.ndarray], nlp) -> dict:
    """Per-code thresholds that maximise turn-level F1 on a gold set.

    `turns` are the gold's participant turns, `labels[code]` whether each carries the code.
    A turn counts as coded when any of its sentences reaches the threshold, as when coding.
    Returns {"thresholds": {code: t}, "f1": {code: f1 at t}}.
    """
    from .. import nlp as qnlp

    owners, sentences = [], []
    for k, doc in enumerate(qnlp.lexical(nlp, turns)):
        for sent in doc.sents:
            if sent.text.strip():
                owners.append(k)
                sentences.append(sent.text)
    best, _ = coder.similarities(sentences)
    per_turn = np.full((len(turns), len(coder.codes)), -1.0)
    np.maximum.at(per_turn, np.array(owners), best)
    thresholds, scores = {}, {}
    for j, code in enumerate(coder.codes):
        truth = labels.get(code, np.zeros(len(turns), dtype=bool))
        candidates = np.round(np.arange(0.20, 0.86, 0.01), 2)
        f1s = [_f1(truth, per_turn[:, j] >= t) for t in candidates]
        pick = int(np.argmax(f1s))
        thresholds[code], scores[code] = float(candidates[pick]), round(float(f1s[pick]), 3)
    return {"thresholds": thresholds, "f1": scores}


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = int((truth & predicted).sum())
    denominator = int(truth.sum()) + int(predicted.sum())
    return 2 * tp / denominator if denominator else 0.0
