"""qda's shipped model for the sample study's codebook: trained on today's development gold
and contrast answers with today's coders, and chosen by default for that codebook only."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from conftest import CCIN, ROOT
from qda.codebook import load_codebook
from qda.coders.learned import (SHIPPED_MODELS, LearnedModel, codebook_signature, rules_signature, shipped,
                                training_digest)
from qda.coding import DEFAULT_CODERS, choose_coders
from qda.embeddings import Embedder
from qda.evaluate import read_gold
from qda.learning import rule_confidence

SIGNATURE = "aca8450166f8c477"  # codebook_signature of codebooks/ccin.yaml
RETRAIN = ("train it again: qda train --gold gold/dev --contrast gold/contrast --codebook codebooks/ccin.yaml "
           f"--out qda/models/ccin-{SIGNATURE}.model")


@pytest.fixture(scope="module")
def model(ccin):
    """The shipped model, loaded once (each load unpacks 4 MB of xz)."""
    return shipped(ccin)[0]


def test_one_model_ships_for_the_sample_codebook(ccin):
    assert codebook_signature(ccin) == SIGNATURE
    assert [path.name for path in SHIPPED_MODELS.glob("*.model")] == [f"ccin-{SIGNATURE}.model"]


def test_the_shipped_model_learned_from_todays_gold_with_todays_coders(ccin, nlp, model):
    assert model is not None, f"{shipped(ccin)[1]}; {RETRAIN}"
    def speeches(folder):
        return read_gold([ROOT / "gold" / folder], known_codes=frozenset(ccin.codes)).labelled_speeches(ccin.codes)

    (texts, labels, _), (more, more_labels, _) = speeches("dev"), speeches("contrast")
    assert model.trained_on == len(texts) == 4411 and model.contrast_answers == len(more) == 405
    labels = {code: np.concatenate([labels[code], more_labels[code]]) for code in ccin.codes}
    texts, contrast = texts + more, np.arange(len(texts) + len(more)) >= len(texts)
    assert model.trained_with == training_digest(texts, labels, rule_confidence(texts, ccin, nlp), contrast), (
        f"the development gold, the contrast answers or the rule and metaphor coders changed since the model "
        f"was trained; {RETRAIN}")
    assert model.embedding_fingerprint == Embedder().fingerprint
    assert set(model.combiners) == set(ccin.codes)


def test_the_default_for_the_sample_codebook_weighs_the_shipped_model(ccin):
    names, model, note = choose_coders(ccin)
    assert names == (*DEFAULT_CODERS, "learned") and isinstance(model, LearnedModel)
    assert "qda's model for CCiN evaluation v1, trained on 4,411 hand-coded answers" in note
    assert "--coders rules,metaphor for the rules alone" in note
    # asked for the learned coder without a model: the same one
    names, again, _ = choose_coders(ccin, ("learned",))
    assert names == ("learned",) and again.trained_with == model.trained_with


def test_coders_asked_for_are_kept(ccin):
    assert choose_coders(ccin, ("rules", "metaphor")) == (("rules", "metaphor"), None, "")
    assert choose_coders(ccin, ("rules", "learned"), "my.model") == (("rules", "learned"), "my.model", "")


def edited(tmp_path, old: str, new: str):
    text = CCIN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "ccin.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_codebook(path)


def test_edited_rules_fall_back_to_the_rules_with_a_warning(tmp_path, ccin):
    book = edited(tmp_path, "confidence: 0.8", "confidence: 0.7")
    assert codebook_signature(book) == SIGNATURE and rules_signature(book) != rules_signature(ccin)
    with pytest.warns(UserWarning, match="trained beside other rules than those of .*ccin.yaml; "
                                         "coding with rules, metaphor"):
        assert choose_coders(book) == (DEFAULT_CODERS, None, "")


def test_edited_wording_keeps_the_shipped_model(tmp_path, ccin):
    # Names, definitions and examples are not what the model's combiners weigh.
    book = edited(tmp_path, "name: Drift", "name: Drift and delay")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isinstance(choose_coders(book)[1], LearnedModel)


def test_another_codebook_has_no_shipped_model(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text("name: other\ncodes:\n  - id: a\n    name: A\n    rules:\n      - id: a.r\n        phrases: [x]\n"
                    "  - id: up_down\n    name: Up and down\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert choose_coders(load_codebook(path)) == (DEFAULT_CODERS, None, "")


def test_a_model_given_beside_edited_rules_is_used_with_a_warning(tmp_path, ccin, nlp, model):
    from qda.coding import AutoCoder

    book = edited(tmp_path, "confidence: 0.8", "confidence: 0.7")
    with pytest.warns(UserWarning, match="trained beside other rules .* train it again with `qda train`"):
        AutoCoder(book, coders=("rules", "learned"), learned_model=model, nlp=nlp)


def test_a_shipped_model_this_qda_cannot_read_falls_back_to_the_rules(tmp_path, monkeypatch, ccin):
    from qda.coders import learned

    (tmp_path / f"ccin-{SIGNATURE}.model").write_bytes(b"written by a scikit-learn from the future")
    monkeypatch.setattr(learned, "SHIPPED_MODELS", tmp_path)
    with pytest.warns(UserWarning, match="qda's model for these codes cannot be used .*; coding with rules, metaphor"):
        assert choose_coders(ccin) == (DEFAULT_CODERS, None, "")


def test_models_are_written_compressed_and_plain_ones_still_read(tmp_path, ccin, model):
    import pickle

    from qda.coders.learned import FORMAT, load_model

    model.save(tmp_path / "packed.model")
    assert (tmp_path / "packed.model").read_bytes().startswith(b"\xfd7zXZ\x00")  # xz
    (tmp_path / "plain.model").write_bytes(pickle.dumps({"format": FORMAT, "model": model}))  # as qda wrote before
    for name in ("packed.model", "plain.model"):
        assert load_model(tmp_path / name, ccin).trained_with == model.trained_with


def test_an_answer_cut_into_subtitle_cues_is_judged_whole(tmp_path, ccin, nlp, model):
    """Zoom and Teams cut a speaker's answer into cues of a few seconds, mid-sentence; the
    learned coder judges the consecutive cues of one speaker together, as one answer, not
    each fragment by itself (docs/accuracy.md, "Transcripts cut into subtitle cues")."""
    from qda.coding import AutoCoder
    from qda.readers import read_corpus

    answer = ["I'd go round and sit with mum at the", "kitchen table, and she asked if she could",
              "still ring me after the plan closed, because", "she trusted me by then."]
    cues = [("Interviewer", "How did the family find it?"), *(("Kelly", cue) for cue in answer),
            ("Interviewer", "And the school?"), ("Kelly", "They came to every meeting.")]
    vtt = tmp_path / "call.vtt"
    vtt.write_text("WEBVTT\n\n" + "".join(f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 2:02d}.000\n<v {who}>{text}\n\n"
                                          for i, (who, text) in enumerate(cues)), encoding="utf-8")
    corpus = read_corpus(vtt)
    codings = AutoCoder(ccin, coders=("learned",), learned_model=model, nlp=nlp).predict(corpus)
    p = {code: float(value[0]) for code, value in model.probabilities([" ".join(answer)], Embedder()).items()}
    in_answer = [c for c in codings if c.start < corpus.documents[0].text.index("They came")]
    assert {c.code for c in in_answer} == {code for code, value in p.items() if value >= model.thresholds[code]}
    assert "relational" in {c.code for c in in_answer}
    # one coding per code for the answer, carrying the whole answer's probability
    assert len(in_answer) == len({c.code for c in in_answer})
    assert all(f'"p={p[c.code]:.2f}"' in c.evidence for c in in_answer)
