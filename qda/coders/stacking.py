"""Combining the rules with the learned coder by a fitted weighing (stacking).

Noisy-or treats a learned probability as one more piece of evidence, so every confident
model guess is proposed and a model's doubt never vetoes a rule: on the sample study's
held-out interviews that costs more precision than it gains recall. A `Combiner` instead
learns, per code, how far to trust each: a logistic regression over the rules' confidence
and the learned probability (and their product, and whether the rules alone would code),
fitted on probabilities the learned coder gave to documents it was not trained on, so it
weighs the model as it performs on unseen talk.

It also weighs the learned probability of the turns just before and after (the
participant's previous and next answers in the same document): talk about relationships
or drift runs over several answers, and people code a turn having read its neighbours. On
the sample study that lifted combined macro-F1 from 0.837 to 0.853 on the held-out gold,
from 0.830 to 0.835 on a blind set and from 0.826 to 0.830 in cross-validation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .folds import document_folds

_CUTOFFS = np.round(np.arange(0.30, 0.96, 0.05), 2)


def features(rules, learned, before=0.0, after=0.0) -> np.ndarray:
    """The combiner's inputs, for arrays or single values: the rules' confidence, the
    learned probability, and that of the turns before and after."""
    rules, learned = np.asarray(rules, dtype=float), np.asarray(learned, dtype=float)
    before, after = np.broadcast_to(before, rules.shape), np.broadcast_to(after, rules.shape)
    return np.stack([rules, learned, rules * learned, (rules >= 0.5).astype(float), before, after], axis=-1)


def neighbours(values, groups) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's neighbours' values (units in document order; `groups` names each unit's
    document): the previous and the next unit's, 0 where there is none in its document."""
    values, groups = np.asarray(values, dtype=float), np.asarray(groups)
    same = groups[1:] == groups[:-1]
    before, after = np.zeros(len(values)), np.zeros(len(values))
    before[1:] = np.where(same, values[:-1], 0.0)
    after[:-1] = np.where(same, values[1:], 0.0)
    return before, after


@dataclass(frozen=True)
class Combiner:
    """One code's weighing of rule and learned evidence."""

    weights: tuple[float, ...]
    bias: float
    #: The combined probability at which a unit is coded, chosen for the best F1 on
    #: held-out documents; `confidence` maps it to 0.5 so that `--min-confidence` keeps its
    #: meaning.
    cutoff: float

    def confidence(self, rules: float, learned: float, before: float = 0.0, after: float = 0.0) -> float:
        score = self.bias + float(features(rules, learned, before, after) @ np.array(self.weights))
        return 1.0 / (1.0 + math.exp(-(score - math.log(self.cutoff / (1.0 - self.cutoff)))))


def fit_combiner(rules: np.ndarray, learned: np.ndarray, coded: np.ndarray, groups: np.ndarray,
                 folds: int = 5) -> Combiner:
    """Fit on units' strongest rule confidence, their held-out learned probability (and
    their neighbours': units are in document order) and whether people coded them; the
    cutoff comes from a second, inner cross-validation over whole documents (`groups`), so
    it is not chosen on the units it was fitted to."""
    from sklearn.metrics import f1_score

    X, y = features(rules, learned, *neighbours(learned, groups)), np.asarray(coded).astype(int)
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
