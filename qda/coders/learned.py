"""The learned coder: per-code classifiers trained on what people coded.

Features are the turn's sentence embedding (qda.embeddings) beside TF-IDF weights of
its words, bigrams and character n-grams: embeddings carry meaning across wordings,
TF-IDF the study's own vocabulary.
One logistic regression per code (class-balanced: most units carry no code), its words
weighed first by how typical they are of the code (`RatioWeightedRegression`). People code
turns, so the model is trained on turns and judges whole turns: scored sentence by
sentence it saw too little of the talk (a sentence's best probability overstates a turn
that only touches a code, and misses a code the turn builds up across sentences). Its
coding is shown on the sentence whose words weigh most for the code. A model is saved
with the codebook version it was trained on; loading it against different codes is
refused, since its outputs would name codes that no longer mean the same.
"""

from __future__ import annotations

import hashlib
import lzma
import pickle
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from spacy.tokens import Doc, Span

from ..codebook import Codebook
from ..embeddings import MODEL_ENV, Embedder
from ..errors import ModelError, QdaError
from ..speeches import speech_text
from .base import IN_TURN, SPEECH, Match
from .folds import document_folds
from .stacking import Combiner, fit_combiner

# 2: models judge whole turns; thresholds and combiners of format 1 were fitted to sentences.
# 3: each code's regression weighs words by their log-count ratio (RatioWeightedRegression).
# 4: combiners also weigh the probabilities of the turns before and after.
FORMAT = "qda-learned-4"


#: Models trained by qda's developers and shipped with it, named `<name>-<codebook
#: signature>.model`: `qda code` uses the one for a codebook's codes by default (`shipped`).
SHIPPED_MODELS = Path(__file__).resolve().parent.parent / "models"


def codebook_signature(codebook: Codebook) -> str:
    """What a model depends on: the code ids, in order (names and rules may change freely)."""
    return hashlib.sha256("\n".join(codebook.codes).encode()).hexdigest()[:16]


def rules_signature(codebook: Codebook) -> str:
    """What a model's combiners depend on besides the code ids: every code's rules, which
    gave the confidences they learned to weigh (names, definitions and examples do not)."""
    return hashlib.sha256(repr([(code.id, code.rules) for code in codebook.codes.values()]).encode()).hexdigest()[:16]


def training_digest(texts: list[str], labels: dict[str, np.ndarray], rules: dict[str, np.ndarray] | None,
                    contrast: np.ndarray | None = None) -> str:
    """A fingerprint of what a model learned from: the turns, their codes, which were
    contrast answers, and the rule and metaphor coders' confidences in them. It changes when
    the gold does, and when the coders do with the same codebook (their combiners would then
    weigh confidences they never saw): a test holds qda's shipped model to today's gold and
    coders with it."""
    digest = hashlib.sha256("\x1e".join(texts).encode())
    if contrast is not None and np.any(contrast):
        digest.update(b"contrast" + np.asarray(contrast, dtype=bool).tobytes())
    for code in sorted(labels):
        digest.update(code.encode() + np.asarray(labels[code], dtype=bool).tobytes())
    for code in sorted(rules or {}):
        digest.update(code.encode() + np.round(np.asarray(rules[code], dtype=float), 6).tobytes())
    return digest.hexdigest()[:16]


@dataclass
class LearnedModel:
    codebook: str  # the codebook's name and version, for people
    signature: str  # codebook_signature, for the check
    vectorizer: object
    classifiers: dict[str, object]
    #: Per-code probability a sentence must reach, chosen by cross-validation (0.5 without).
    thresholds: dict[str, float] = field(default_factory=dict)
    cv_kappa: dict[str, float] = field(default_factory=dict)
    trained_on: int = 0  # gold units (speeches), contrast answers not counted
    contrast_answers: int = 0
    #: Per code, how to weigh this model against the rules when both code (stacking);
    #: fitted when training was given the rules' confidences.
    combiners: dict[str, Combiner] = field(default_factory=dict)
    #: The sentence embedding model it was trained with: its folder (for people) and
    #: fingerprint (for the check); coding with another model is refused.
    embedding_model: str = ""
    embedding_fingerprint: str = ""
    #: `rules_signature` of the codebook it was trained with, and `training_digest` of what
    #: it learned from.
    rules_signature: str = ""
    trained_with: str = ""

    def weighs_other_rules(self, codebook: Codebook) -> bool:
        """Whether its combiners learned to weigh the confidences of other rules than the
        codebook's (not known, so not said, of models written before qda recorded it)."""
        return bool(self.combiners and self.rules_signature) and self.rules_signature != rules_signature(codebook)

    def features(self, texts: list[str], embedder: Embedder):
        return sparse.hstack([sparse.csr_matrix(embedder(texts)), self.vectorizer.transform(texts)]).tocsr()

    def probabilities(self, texts: list[str], embedder: Embedder) -> dict[str, np.ndarray]:
        X = self.features(texts, embedder)
        return {code: model.predict_proba(X)[:, 1] for code, model in self.classifiers.items()}

    def word_weights(self, texts: list[str]) -> dict[str, sparse.csr_matrix]:
        """Per code, each text's words, bigrams and character n-grams weighted by how far
        they push the code in the model (TF-IDF value times `term_weights`): what shows a
        reviewer why it coded. The texts are vectorised once for all codes."""
        tfidf = self.vectorizer.transform(texts)
        return {code: sparse.csr_matrix(tfidf.multiply(model.term_weights)) for code, model in self.classifiers.items()}

    @cached_property
    def terms(self) -> np.ndarray:
        """The name of each word and bigram weight; "" for character n-grams, which weigh
        but mean nothing to a reader."""
        return np.array([name.removeprefix("words__") if name.startswith("words__") else ""
                         for name in self.vectorizer.get_feature_names_out()], dtype=object)

    def save(self, path: str | Path) -> None:
        """Write it xz-compressed: the vocabularies and weights of nine codes take 9 MB as
        they are and 4 as xz, which `load_model` undoes in a quarter of a second."""
        from ..writers import atomic_write

        data = lzma.compress(pickle.dumps({"format": FORMAT, "model": self}), preset=9)
        atomic_write(Path(path), lambda tmp: tmp.write_bytes(data))


def train(texts: list[str], labels: dict[str, np.ndarray], codebook: Codebook, embedder: Embedder,
          groups: list[str] | None = None, folds: int = 5, rules: dict[str, np.ndarray] | None = None,
          contrast: np.ndarray | None = None) -> LearnedModel:
    """Fit one classifier per code with at least 3 positive units. With `groups`
    (documents), cross-validate with whole documents held out per fold: the held-out
    probabilities choose each code's threshold (best F1) and give its kappa there. With
    `rules` (per code, each unit's strongest rule confidence) as well, each code also gets
    a combiner fitted on those held-out probabilities (qda.coders.stacking).

    `contrast` marks units that are contrast answers (`qda train --contrast`): written to
    show a code's words in other senses, and the code in words the gold lacks. They are
    learned from by the classifiers of the codes they label (a code they never give is
    not theirs to teach: writers of contrast answers leave some codes to others) and
    always kept in training, never held out: thresholds and combiners are fitted on the
    gold's units alone, since they must be calibrated on interviews, where codes come at
    their own rates among neighbouring answers, not one answer after another."""
    contrast = np.zeros(len(texts), dtype=bool) if contrast is None else np.asarray(contrast, dtype=bool)
    gold = ~contrast
    vectorizer = _vectorizer().fit(texts)
    model = LearnedModel(f"{codebook.name} v{codebook.version}", codebook_signature(codebook), vectorizer, {},
                         trained_on=int(gold.sum()), contrast_answers=int(contrast.sum()),
                         embedding_model=str(embedder.path), embedding_fingerprint=embedder.fingerprint,
                         rules_signature=rules_signature(codebook),
                         trained_with=training_digest(texts, labels, rules, contrast))
    X = model.features(texts, embedder)
    dense = X.shape[1] - len(model.terms)  # the embedding's columns, before the TF-IDF ones
    for code in codebook.codes:
        y = labels.get(code, np.zeros(len(texts), dtype=bool)).astype(int)
        teaching = contrast & bool(y[contrast].any())  # the contrast answers this code learns from
        rows = np.flatnonzero(gold | teaching)
        if y[rows].sum() < 3:
            continue
        model.classifiers[code] = RatioWeightedRegression(dense).fit(X[rows], y[rows])
        if groups is not None:
            held_out = _cross_validate(X, y, np.asarray(groups), folds, dense, gold, teaching)
            model.thresholds[code], model.cv_kappa[code] = _best_threshold(y[gold], held_out)
            if rules is not None:
                model.combiners[code] = fit_combiner(rules[code][gold], held_out, y[gold],
                                                     np.asarray(groups)[gold], folds)
    if not model.classifiers:
        raise QdaError("no code has 3 or more coded units to learn from; code more first")
    return model


def _vectorizer():
    """Word and bigram weights beside character 3-5-grams, which carry a word's family
    across its forms and misspellings ("escalat", "safeguard") where a lemma list would
    have to be written. No stop-word list: English lists drop "up", "down", "not", "never"
    and "them", which carry the codes here (a step up, "not at them"); IDF weighs common
    words down."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True)),
    ])


class RatioWeightedRegression:
    """One code's classifier: a logistic regression over the embedding beside TF-IDF
    weights, each word's (or n-gram's) scaled by its log-count ratio, how much more often it
    occurs in the code's units than in the others (the "NB" of Wang and Manning's NB-SVM,
    2012). From two thousand coded turns a plain regression spreads its weight over many
    rare words; the ratio tells it first which belong to the code. On the sample study's
    development gold (5 folds, whole documents held out) the learned coder alone went from
    macro-F1 0.766 to 0.789 with it."""

    def __init__(self, dense: int, smoothing: float = 1.0):
        self.dense = dense  # leading columns (the embedding) that are not scaled
        self.smoothing = smoothing

    def fit(self, X, y) -> RatioWeightedRegression:
        from sklearn.linear_model import LogisticRegression

        coded = np.asarray(y).astype(bool)
        present = (X[:, self.dense:] > 0).astype(np.float64)
        inside = self.smoothing + np.asarray(present[coded].sum(axis=0)).ravel()
        outside = self.smoothing + np.asarray(present[~coded].sum(axis=0)).ravel()
        self.ratio = np.log((inside / inside.sum()) / (outside / outside.sum()))
        self.regression = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
        self.regression.fit(self._scaled(X), coded.astype(int))
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.regression.predict_proba(self._scaled(X))

    @property
    def term_weights(self) -> np.ndarray:
        """How far one unit of each TF-IDF weight pushes the code (ratio times coefficient)."""
        return self.ratio * self.regression.coef_[0][self.dense:]

    def _scaled(self, X):
        return sparse.csr_matrix(X) @ sparse.diags(np.concatenate([np.ones(self.dense), self.ratio]))


def _cross_validate(X, y: np.ndarray, groups: np.ndarray, folds: int, dense: int, gold: np.ndarray,
                    always: np.ndarray) -> np.ndarray:
    """Each `gold` unit's probability from a classifier that did not see its document
    (but saw every `always` unit: contrast answers)."""
    rows, extra = np.flatnonzero(gold), np.flatnonzero(always)
    probability = np.zeros(len(rows))
    for train_rows, test_rows in document_folds(groups[rows], folds):
        train_rows = np.concatenate([rows[train_rows], extra])
        if y[train_rows].sum() == 0:
            continue
        classifier = RatioWeightedRegression(dense).fit(X[train_rows], y[train_rows])
        probability[test_rows] = classifier.predict_proba(X[rows[test_rows]])[:, 1]
    return probability


def _best_threshold(y: np.ndarray, probability: np.ndarray) -> tuple[float, float]:
    """(threshold with the best held-out F1, held-out kappa at it)."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    grid = np.round(np.arange(0.50, 0.96, 0.05), 2)
    best = max(grid, key=lambda t: f1_score(y, probability >= t, zero_division=0))
    return float(best), round(float(cohen_kappa_score(y, probability >= best)), 3)


_XZ_MAGIC = b"\xfd7zXZ\x00"


def load_model(path: str | Path, codebook: Codebook) -> LearnedModel:
    model = _read_model(path)
    if model.signature != codebook_signature(codebook):
        raise ModelError(f"{path} was trained on codebook {model.codebook}, whose codes differ from "
                         f"{codebook.path or codebook.name}; train it again with `qda train`")
    return model


def _read_model(path: str | Path) -> LearnedModel:
    try:
        raw = Path(path).read_bytes()
        # models written before qda compressed them are plain pickles
        data = pickle.loads(lzma.decompress(raw) if raw.startswith(_XZ_MAGIC) else raw)
    except (OSError, lzma.LZMAError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError,
            TypeError) as exc:
        raise ModelError(f"{path}: not a learned-coder model written by `qda train` ({exc})") from None
    if not isinstance(data, dict) or not str(data.get("format", "")).startswith("qda-learned-"):
        raise ModelError(f"{path}: not a learned-coder model written by `qda train`")
    if data["format"] != FORMAT:
        raise ModelError(f"{path} was written by another version of qda ({data['format']}, this one reads "
                         f"{FORMAT}); train it again with `qda train`")
    return data["model"]


# Read once per process: the app asks for it on every rerun of a page, and reading takes a
# second or more. Callers share the model and must not change it.
_read_shipped = lru_cache(maxsize=2)(_read_model)


def shipped(codebook: Codebook) -> tuple[LearnedModel | None, str]:
    """The model shipped with qda for this codebook's codes, trained beside these very rules,
    or None and why not: "" when none was shipped for its codes, else a note for the user
    (the codebook's rules were edited since, or this qda cannot read the model). A model
    whose combiners learned to weigh other rules would weigh these wrongly."""
    path = next(iter(sorted(SHIPPED_MODELS.glob(f"*-{codebook_signature(codebook)}.model"))), None)
    if path is None:
        return None, ""
    try:
        model = _read_shipped(path)
    except ModelError as exc:
        return None, f"qda's model for these codes cannot be used ({exc})"
    if model.weighs_other_rules(codebook):
        return None, (f"qda's model for these codes was trained beside other rules than those of "
                      f"{codebook.path or codebook.name}")
    return model, ""


class LearnedCoder:
    """Proposes a code for a turn whose probability reaches the code's threshold, on the
    turn's sentence whose words weigh most for it; one speaker's consecutive turns (a
    speech, `SPEECH`) are judged as one. With `every=True` (when its model's
    combiners weigh it against the rules) it reports every turn's probability, on every
    sentence, since a low one is evidence against a rule's coding too; only the weightiest
    sentence's may stand without a rule (the others are marked IN_TURN)."""

    source = "learned"

    def __init__(self, model: LearnedModel, embedder: Embedder | None = None, every: bool = False):
        self.model = model
        self.embedder = embedder or Embedder()
        self.every = every
        if model.embedding_fingerprint and model.embedding_fingerprint != self.embedder.fingerprint:
            raise ModelError(f"the learned model was trained with the sentence embedding model at "
                             f"{model.embedding_model}, and this run's model ({self.embedder.path}) is another; "
                             f"set {MODEL_ENV} to the model it was trained with, or train it again with `qda train`")

    def needs_parse(self, words) -> bool:
        return False

    def find(self, sentences: list[Span], words, parses: dict[int, Doc]) -> list[tuple[int, Match]]:
        # A turn's sentences share its Doc; the turns of one speech (`SPEECH`) are judged together.
        speeches: dict[object, dict[int, list[int]]] = {}
        for i, sentence in enumerate(sentences):
            key = sentence.doc.user_data.get(SPEECH, id(sentence.doc))
            speeches.setdefault(key, {}).setdefault(id(sentence.doc), []).append(i)
        if not speeches:
            return []
        members = [[i for turn in speech.values() for i in turn] for speech in speeches.values()]
        speech_texts = [speech_text(sentences[turn[0]].doc.text for turn in speech.values())
                        for speech in speeches.values()]
        texts = [s.text for s in sentences]
        found = []
        word_weights = self.model.word_weights(texts)
        for code, p in self.model.probabilities(speech_texts, self.embedder).items():
            weights = word_weights[code]
            weight = np.asarray(weights.sum(axis=1)).ravel()
            threshold = 0.0 if self.every else self.model.thresholds.get(code, 0.5)
            for k in np.nonzero(p >= threshold)[0]:
                probability = float(p[k])
                best = max(members[k], key=lambda i: (weight[i], len(texts[i])))
                if self.every:
                    found.extend((i, Match(code, 0, len(texts[i]), f"learned.{code}", f"p={probability:.2f}",
                                           probability, self.source, note=IN_TURN))
                                 for i in members[k] if i != best)
                cues = ", ".join(self._cues(weights.getrow(best)))
                note = f"{IN_TURN}; weighing most here" + (f": {cues}" if cues else "")
                found.append((best, Match(code, 0, len(texts[best]), f"learned.{code}", f"p={probability:.2f}",
                                          probability, self.source, note=note)))
        return found

    def _cues(self, row: sparse.csr_matrix, most: int = 3) -> list[str]:
        order = np.argsort(-row.data)
        return [term for j in order if row.data[j] > 0 and (term := str(self.model.terms[row.indices[j]]))][:most]
