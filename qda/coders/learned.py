"""The learned coder: per-code classifiers trained on what people coded.

Features are a sentence embedding (qda.embeddings) beside TF-IDF word and bigram
weights: embeddings carry meaning across wordings, TF-IDF the study's own vocabulary.
One logistic regression per code (class-balanced: most units carry no code). A model is
saved with the codebook version it was trained on; loading it against different codes
is refused, since its outputs would name codes that no longer mean the same.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from spacy.tokens import Doc, Span

from ..codebook import Codebook
from ..embeddings import Embedder
from ..errors import ModelError, QdaError
from .base import IN_TURN, Match
from .stacking import Combiner, fit_combiner

FORMAT = "qda-learned-1"


def codebook_signature(codebook: Codebook) -> str:
    """What a model depends on: the code ids, in order (names and rules may change freely)."""
    return hashlib.sha256("\n".join(codebook.codes).encode()).hexdigest()[:16]


@dataclass
class LearnedModel:
    codebook: str  # the codebook's name and version, for people
    signature: str  # codebook_signature, for the check
    vectorizer: object
    classifiers: dict[str, object]
    #: Per-code probability a sentence must reach, chosen by cross-validation (0.5 without).
    thresholds: dict[str, float] = field(default_factory=dict)
    cv_kappa: dict[str, float] = field(default_factory=dict)
    trained_on: int = 0
    #: Per code, how to weigh this model against the rules when both code (stacking);
    #: fitted when training was given the rules' confidences.
    combiners: dict[str, Combiner] = field(default_factory=dict)

    def features(self, texts: list[str], embedder: Embedder):
        return sparse.hstack([sparse.csr_matrix(embedder(texts)), self.vectorizer.transform(texts)]).tocsr()

    def probabilities(self, texts: list[str], embedder: Embedder) -> dict[str, np.ndarray]:
        X = self.features(texts, embedder)
        return {code: model.predict_proba(X)[:, 1] for code, model in self.classifiers.items()}

    def save(self, path: str | Path) -> None:
        from ..writers import atomic_write

        atomic_write(Path(path), lambda tmp: tmp.write_bytes(pickle.dumps({"format": FORMAT, "model": self})))


def train(texts: list[str], labels: dict[str, np.ndarray], codebook: Codebook, embedder: Embedder,
          groups: list[str] | None = None, folds: int = 5, sentences: list[list[str]] | None = None,
          rules: dict[str, np.ndarray] | None = None) -> LearnedModel:
    """Fit one classifier per code with at least 3 positive units. With `groups`
    (documents), cross-validate with whole documents held out per fold: the held-out
    probabilities choose each code's threshold (best F1) and give its kappa there. With
    `sentences` (each unit's sentences), the held-out units are scored as the coder will
    score them, sentence by sentence (a unit is coded if any sentence reaches the
    threshold), so thresholds fit sentence-level coding. With `rules` (per code, each
    unit's strongest rule confidence) as well, each code also gets a combiner fitted on
    those held-out probabilities (qda.coders.stacking)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, stop_words="english")
    vectorizer.fit(texts)
    model = LearnedModel(f"{codebook.name} v{codebook.version}", codebook_signature(codebook), vectorizer, {},
                         trained_on=len(texts))
    X = model.features(texts, embedder)
    scored = None
    if groups is not None and sentences is not None:
        owners = np.array([k for k, parts in enumerate(sentences) for _ in parts])
        flat = [part for parts in sentences for part in parts]
        scored = (model.features(flat, embedder), owners)
    for code in codebook.codes:
        y = labels.get(code, np.zeros(len(texts), dtype=bool)).astype(int)
        if y.sum() < 3:
            continue
        model.classifiers[code] = _classifier().fit(X, y)
        if groups is not None:
            held_out = _cross_validate(X, y, np.array(groups), folds, scored)
            model.thresholds[code], model.cv_kappa[code] = _best_threshold(y, held_out)
            if rules is not None:
                model.combiners[code] = fit_combiner(rules[code], held_out, y, np.array(groups), folds)
    if not model.classifiers:
        raise QdaError("no code has 3 or more coded units to learn from; code more first")
    return model


def _classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)


def _cross_validate(X, y: np.ndarray, groups: np.ndarray, folds: int, scored=None) -> np.ndarray:
    """Each unit's probability from a classifier that did not see its document; `scored`
    = (sentence features, owning unit) to score held-out units by their best sentence."""
    from sklearn.model_selection import GroupKFold

    probability = np.zeros(len(y))
    for train_rows, test_rows in GroupKFold(n_splits=min(folds, len(set(groups)))).split(X, y, groups):
        if y[train_rows].sum() == 0:
            continue
        classifier = _classifier().fit(X[train_rows], y[train_rows])
        if scored is None:
            probability[test_rows] = classifier.predict_proba(X[test_rows])[:, 1]
        else:
            features, owners = scored
            rows = np.nonzero(np.isin(owners, test_rows))[0]
            np.maximum.at(probability, owners[rows], classifier.predict_proba(features[rows])[:, 1])
    return probability


def _best_threshold(y: np.ndarray, probability: np.ndarray) -> tuple[float, float]:
    """(threshold with the best held-out F1, held-out kappa at it)."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    grid = np.round(np.arange(0.50, 0.96, 0.05), 2)
    best = max(grid, key=lambda t: f1_score(y, probability >= t, zero_division=0))
    return float(best), round(float(cohen_kappa_score(y, probability >= best)), 3)


def load_model(path: str | Path, codebook: Codebook) -> LearnedModel:
    try:
        data = pickle.loads(Path(path).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
        raise ModelError(f"{path}: not a learned-coder model written by `qda train` ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"{path}: not a learned-coder model written by `qda train`")
    model = data["model"]
    model.__dict__.setdefault("combiners", {})  # models saved before stacking existed
    if model.signature != codebook_signature(codebook):
        raise ModelError(f"{path} was trained on codebook {model.codebook}, whose codes differ from "
                         f"{codebook.path or codebook.name}; train it again with `qda train`")
    return model


class LearnedCoder:
    """Proposes a code where its probability reaches the code's threshold; with
    `every=True` (when its model's combiners weigh it against the rules) it reports every
    probability, since a low one is evidence against a rule's coding too."""

    source = "learned"

    def __init__(self, model: LearnedModel, embedder: Embedder | None = None, every: bool = False):
        self.model = model
        self.embedder = embedder or Embedder()
        self.every = every

    def needs_parse(self, words) -> bool:
        return False

    def find(self, sentences: list[Span], words, parses: dict[int, Doc]) -> list[tuple[int, Match]]:
        if not sentences:
            return []
        texts = [s.text for s in sentences]
        found = []
        for code, p in self.model.probabilities(texts, self.embedder).items():
            for i in np.nonzero(p >= (0.0 if self.every else self.model.thresholds.get(code, 0.5)))[0]:
                found.append((int(i), Match(code, 0, len(texts[i]), f"learned.{code}", f"p={p[i]:.2f}",
                                            float(p[i]), self.source)))
            if self.every:
                found.extend(self._in_turn(sentences, code, p))
        return found

    def _in_turn(self, sentences: list[Span], code: str, p: np.ndarray) -> list[tuple[int, Match]]:
        """The model was trained on whole turns: a rule's finding in one sentence is weighed
        against the best sentence of its turn (a combiner uses this only beside a rule)."""
        best: dict[int, float] = {}
        for i, sentence in enumerate(sentences):  # a turn's sentences share its Doc
            best[id(sentence.doc)] = max(best.get(id(sentence.doc), 0.0), float(p[i]))
        return [(i, Match(code, 0, len(sentence.text), f"learned.{code}", f"p={best[id(sentence.doc)]:.2f}",
                          best[id(sentence.doc)], self.source, note=IN_TURN))
                for i, sentence in enumerate(sentences) if best[id(sentence.doc)] > p[i]]
