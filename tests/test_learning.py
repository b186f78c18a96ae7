"""Embeddings, the semantic coder and the learned coder, and fitting them to a gold set."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from qda import ModelError, QdaError, load_codebook, read_corpus
from qda.coders.learned import LearnedCoder, load_model
from qda.coders.semantic import SemanticCoder
from qda.coding import AutoCoder
from qda.embeddings import Embedder
from qda.learning import calibrate_from_gold, train_from_gold

from conftest import CCIN, ROOT

GOLD = sorted((ROOT / "gold" / "dev").glob("*.csv"))[:8]


@pytest.fixture(scope="module")
def embedder(tmp_path_factory):
    return Embedder(cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def book():
    return load_codebook(CCIN)


def test_embeddings_are_unit_vectors_cached_by_text(embedder, tmp_path):
    texts = ["We stepped it down to CiN.", "It went up to CP.", "We stepped it down to CiN."]
    vectors = embedder(texts)
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[2])
    again = Embedder(cache=embedder.cache_file.parent)
    assert np.array_equal(again(texts[:2]), vectors[:2]) and again.computed == 0


def test_a_missing_model_is_a_clear_error_not_a_download(monkeypatch, tmp_path):
    monkeypatch.setenv("QDA_EMBEDDING_MODEL", str(tmp_path))
    with pytest.raises(ModelError, match="not a local sentence-transformers model folder"):
        Embedder()


def test_semantic_coder_names_the_nearest_example(book, embedder, nlp, write_transcript):
    example = book.codes["fear_coercion"].examples[0]
    coder = SemanticCoder(book, embedder, thresholds={code: 0.9 for code in book.codes})
    doc = next(iter(nlp.pipe([example])))
    found = coder.find(list(doc.sents), None, {})
    assert any(m.code == "fear_coercion" and example.startswith(m.words.rstrip("…")) for _, m in found)
    assert all(m.confidence >= 0.5 and m.source == "semantic" for _, m in found)


def test_calibration_and_training_on_gold(book, embedder, tmp_path):
    calibration = calibrate_from_gold(GOLD, book, embedder)
    assert set(calibration["thresholds"]) == set(book.codes)
    assert all(0.2 <= t <= 0.85 for t in calibration["thresholds"].values())
    model = train_from_gold(GOLD, book, embedder)
    assert model.trained_on > 100 and set(model.cv_kappa) == set(model.classifiers)
    assert all(-1 <= k <= 1 for k in model.cv_kappa.values())
    model.save(tmp_path / "ccin.model")
    loaded = load_model(tmp_path / "ccin.model", book)
    corpus = read_corpus(ROOT / "transcripts_sample" / "interview_01.txt")
    codings = AutoCoder(book, coders=("learned",), learned_model=loaded).predict(corpus)
    assert codings and {c.source for c in codings} == {"learned"} and all(c.evidence.startswith('"p=') for c in codings)
    # beside the rules, the model's combiners weigh it against them (test_stacking.py)
    assert set(model.combiners) == set(model.classifiers)
    rules = AutoCoder(book).predict(corpus)
    stacked = AutoCoder(book, coders=("rules", "metaphor", "learned"), learned_model=loaded).predict(corpus)
    assert stacked and stacked != rules and all(c.confidence >= 0.5 for c in stacked)
    smaller = type(book)(name="other", codes={k: v for k, v in book.codes.items() if k != "drift"})
    with pytest.raises(ModelError, match="codes differ"):
        load_model(tmp_path / "ccin.model", smaller)
    (tmp_path / "old.model").write_bytes(pickle.dumps({"format": "qda-learned-1", "model": model}))
    with pytest.raises(ModelError, match="another version of qda.*train it again"):
        load_model(tmp_path / "old.model", book)
    # another embedding model's vectors would be read as noise: refused before coding
    other = tmp_path / "other-embeddings"
    other.mkdir()
    for file in embedder.path.iterdir():
        (other / file.name).symlink_to(file)
    (other / "config.json").unlink()
    (other / "config.json").write_text((embedder.path / "config.json").read_text().replace("{", '{"retrained": 1,', 1))
    with pytest.raises(ModelError, match="trained with the sentence embedding model at .*train it again"):
        LearnedCoder(loaded, Embedder(other, cache=False))
    assert LearnedCoder(loaded, Embedder(embedder.path, cache=False)).model is loaded
    (tmp_path / "junk.model").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not a learned-coder model"):
        load_model(tmp_path / "junk.model", book)


def test_ratio_weighted_regression_weighs_words_typical_of_the_code():
    from scipy import sparse

    from qda.coders.learned import RatioWeightedRegression

    # columns: one embedding dimension (not scaled), then words found only in coded units,
    # only in the others, and in every unit
    coded = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    X = sparse.csr_matrix(np.column_stack([np.zeros(12), coded, 1 - coded, np.ones(12)]) * 0.5)
    classifier = RatioWeightedRegression(dense=1).fit(X, coded)
    assert classifier.ratio[0] > 0 > classifier.ratio[1]
    assert abs(classifier.ratio[2]) < 0.5 * min(abs(classifier.ratio[0]), abs(classifier.ratio[1]))
    assert classifier.term_weights.shape == (3,) and classifier.term_weights[0] > 0 > classifier.term_weights[1]
    p = classifier.predict_proba(X)[:, 1]
    assert p[coded == 1].min() > 0.5 > p[coded == 0].max()


class _WordsOnly:
    """An embedder giving every text the same vector, so a model learns from words alone."""

    path, fingerprint = ROOT / "none", "none"

    def __call__(self, texts):
        return np.zeros((len(texts), 4))


def test_contrast_answers_teach_a_words_other_sense_and_calibrate_nothing(book):
    from qda.coders.learned import train, training_digest

    # In the gold "relationship" is always relationship-based practice ...
    practice = ["We built a real relationship with mum over months of visits.",
                "The relationship with the family is the work, listening first.",
                "Our relationship with dad let him tell us the truth.",
                "It was the relationship that got the kids to open up."]
    other = ["The weather was grim all week.", "The office moved floors in May.",
             "I had a cup of tea with the manager.", "Court was adjourned again.", "The car broke down."]
    gold = [text for _ in range(3) for text in practice + other]
    documents = [f"d{k // 3}" for k in range(len(gold))]
    # ... contrast answers show it as the family's own, and relationship-based practice without it
    contrast = ["Mum's relationship with her partner was the main risk.", "Their relationship had broken down.",
                "Dad's relationship with the new girlfriend worried the school.",
                "I sat with her and listened, and kept her words in the plan."]
    texts = gold + contrast
    relational = np.array([text in practice for text in gold] + [False, False, False, True])
    labels = {code: relational if code == "relational" else np.zeros(len(texts), dtype=bool) for code in book.codes}
    marks = np.arange(len(texts)) >= len(gold)
    rules = {code: np.zeros(len(texts)) for code in book.codes}
    plain = train(gold, {code: y[:len(gold)] for code, y in labels.items()}, book, _WordsOnly(),
                  groups=documents, rules={code: r[:len(gold)] for code, r in rules.items()})
    taught = train(texts, labels, book, _WordsOnly(), groups=documents + ["c"] * len(contrast), rules=rules,
                   contrast=marks)
    partner = ["Her relationship with him was violent."]
    assert (taught.probabilities(partner, _WordsOnly())["relational"][0]
            < plain.probabilities(partner, _WordsOnly())["relational"][0] - 0.2)
    # counted apart, and never held out: thresholds and combiners come from the gold's units
    assert (taught.trained_on, taught.contrast_answers) == (len(gold), len(contrast))
    assert set(taught.combiners) == set(taught.classifiers) == {"relational"}
    assert taught.trained_with != training_digest(texts, labels, rules)  # which were contrast is learned from


def test_the_learned_coder_needs_a_model(book):
    with pytest.raises(QdaError, match="qda train"):
        AutoCoder(book, coders=("rules", "learned"))


def test_a_project_trains_on_the_codings_people_accepted(book, embedder, tmp_path):
    from qda import Project

    with Project.init(tmp_path / "p.qda", codebook=CCIN) as project:
        with pytest.raises(QdaError, match="nothing reviewed"):
            project.train(embedder)
        project.import_files(sorted((ROOT / "transcripts_sample").glob("interview_0[1-6].txt")))
        project.autocode()
        for coding in project.codings():
            (project.accept if coding.confidence >= 0.8 else project.reject)(coding.id, "Ruth")
        model = project.train(embedder)
        assert model.trained_on > 50 and model.classifiers
        assert model.signature == __import__("qda.coders.learned", fromlist=["x"]).codebook_signature(book)
        added, _ = project.autocode(("learned",), model=model)
        assert added > 0 and {c.source for c in project.codings(status=["suggested"])} == {"learned"}


def test_topics_can_be_promoted_to_codes_from_the_command_line(tmp_path, monkeypatch, capsys):
    import sys

    from qda.cli import main

    monkeypatch.setenv("QDA_CACHE_DIR", str(tmp_path / "cache"))
    files = [str(p) for p in sorted((ROOT / "transcripts_sample").glob("interview_0*.txt"))]
    out, new_book = tmp_path / "topics", tmp_path / "ccin2.yaml"
    monkeypatch.setattr(sys, "argv", ["qda", "topics", *files, "--out", str(out), "--codebook", str(CCIN),
                                      "--promote", "0=theme_zero:Theme zero", "--codebook-out", str(new_book)])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code in (0, None), capsys.readouterr().err
    grown = load_codebook(new_book)
    assert "theme_zero" in grown.codes and len(grown.codes["theme_zero"].examples) == 3
    assert set(load_codebook(CCIN).codes) < set(grown.codes)
