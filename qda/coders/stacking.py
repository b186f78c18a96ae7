"""Combining the rules with the learned coder by a fitted weighing (stacking).

Noisy-or treats a learned probability as one more piece of evidence, so every confident
model guess is proposed and a model's doubt never vetoes a rule: on the sample study's
held-out interviews that costs more precision than it gains recall. A `Combiner` instead
learns, per code, how far to trust each: a logistic regression over the rules' confidence
and the learned probability (and their product, and whether the rules alone would code),
fitted on probabilities the learned coder gave to documents it was not trained on, so it
weighs the model as it performs on unseen talk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .folds import document_folds

_CUTOFFS = np.round(np.arange(0.30, 0.96, 0.05), 2)


def features(rules, learned) -> np.ndarray:
    """The combiner's inputs, for arrays or single values."""
    rules, learned = np.asarray(rules, dtype=float), np.asarray(learned, dtype=float)
    return np.stack([rules, learned, rules * learned, (rules >= 0.5).astype(float)], axis=-1)


@dataclass(frozen=True)
class Combiner:
    """One code's weighing of rule and learned evidence."""

    weights: tuple[float, ...]
    bias: float
    #: The combined probability at which a unit is coded, chosen for the best F1 on
    #: held-out documents; `confidence` maps it to 0.5 so that `--min-confidence` keeps its
    #: meaning.
    cutoff: float

    def confidence(self, rules: float, learned: float) -> float:
        score = self.bias + float(features(rules, learned) @ np.array(self.weights))
        return 1.0 / (1.0 + math.exp(-(score - math.log(self.cutoff / (1.0 - self.cutoff)))))


def fit_combiner(rules: np.ndarray, learned: np.ndarray, coded: np.ndarray, groups: np.ndarray,
                 folds: int = 5) -> Combiner:
    """Fit on units' strongest rule confidence, their held-out learned probability and
    whether people coded them; the cutoff comes from a second, inner cross-validation
    over whole documents (`groups`), so it is not chosen on the units it was fitted to."""
    from sklearn.metrics import f1_score

    X, y = features(rules, learned), np.asarray(coded).astype(int)
    held_out = np.zeros(len(y))
    for train_rows, test_rows in document_folds(groups, folds):
        if len(set(y[train_rows])) == 2:
            held_out[test_rows] = _regression().fit(X[train_rows], y[train_rows]).predict_proba(X[test_rows])[:, 1]
    cutoff = max(_CUTOFFS, key=lambda t: f1_score(y, held_out >= t, zero_division=0))
    fitted = _regression().fit(X, y)
    return Combiner(tuple(float(w) for w in fitted.coef_[0]), float(fitted.intercept_[0]), float(cutoff))


def _regression():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(class_weight="balanced", max_iter=1000)
