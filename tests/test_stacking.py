"""Weighing the rules against the learned coder (qda.coders.stacking) and how AutoCoder
uses a model's combiners: a low probability vetoes a rule's coding, the model judges whole
turns and shows its own finding once, on the sentence whose words weigh most, and a turn's
probability backs a rule in any of its sentences."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from qda.coders.learned import LearnedModel
from qda.coders.stacking import Combiner, fit_combiner, neighbours

from test_rule_coder import book

# Codes where the rules fire and the model is at least middling, or the model alone is sure.
TRUSTING = Combiner(weights=(0.0, 20.0, 0.0, 10.0, 0.0, 0.0), bias=-19.0, cutoff=0.5)
# A model's middling probability is enough where a neighbouring turn's is high.
NEIGHBOURLY = Combiner(weights=(0.0, 10.0, 0.0, 0.0, 5.0, 5.0), bias=-8.0, cutoff=0.5)


SCORES = {"sure": 0.99, "likely": 0.6, "doubtful": 0.05}


class Scripted(LearnedModel):
    """A model whose probability for a text is scripted by a word in it, and whose only
    weighing words are those."""

    terms = np.array(list(SCORES))

    def __init__(self, combiners):
        super().__init__("test", "", None, {"a": None}, combiners=combiners)
        self.seen: list[str] = []

    def probabilities(self, texts, embedder):
        self.seen.extend(texts)
        return {"a": np.array([max([v for k, v in SCORES.items() if k in t.lower()] or [0.2]) for t in texts])}

    def word_weights(self, texts):
        return {"a": sparse.csr_matrix([[float(word in t.lower()) for word in SCORES] for t in texts])}


@pytest.fixture
def stacked(code_lines):
    codebook = book("- id: a.cue\n  phrases: [written agreement]")

    def run(*lines, combiners=None, **options):
        model = Scripted({"a": TRUSTING} if combiners is None else combiners)
        run.document, codings = code_lines(codebook, *lines, coders=("rules", "learned"), learned_model=model, **options)
        run.seen = model.seen
        return codings

    return run


def test_the_cutoff_is_confidence_one_half():
    combiner = Combiner(weights=(1.0, 1.0, 0.0, 0.0, 0.0, 0.0), bias=-1.0, cutoff=0.7)
    # score 0 is probability 0.5, under the cutoff 0.7: below one half
    assert combiner.confidence(0.5, 0.5) < 0.5
    at_cutoff = Combiner(weights=(0.0,) * 6, bias=float(np.log(0.7 / 0.3)), cutoff=0.7)
    assert at_cutoff.confidence(0.9, 0.9) == pytest.approx(0.5)


def test_a_fitted_combiner_learns_that_doubt_vetoes_a_rule():
    rng = np.random.default_rng(0)
    rules = rng.choice([0.0, 0.35, 0.9], size=600)
    learned = rng.uniform(size=600)
    coded = (rules >= 0.5) & (learned > 0.3) | (learned > 0.9)
    groups = np.repeat(np.arange(20), 30)
    combiner = fit_combiner(rules, learned, coded, groups)
    assert combiner.confidence(0.9, 0.8) > 0.5 > combiner.confidence(0.9, 0.05)
    assert combiner.confidence(0.0, 0.98) > 10 * combiner.confidence(0.0, 0.5)


def test_neighbours_are_the_units_before_and_after_in_the_same_document():
    before, after = neighbours([0.1, 0.2, 0.3, 0.4], ["a", "a", "a", "b"])
    assert before.tolist() == [0.0, 0.1, 0.2, 0.0]
    assert after.tolist() == [0.2, 0.3, 0.0, 0.0]


def test_a_fitted_combiner_weighs_the_neighbours_probability():
    rng = np.random.default_rng(1)
    learned = rng.uniform(size=600)
    groups = np.repeat(np.arange(30), 20)
    before, after = neighbours(learned, groups)
    coded = (learned > 0.8) | ((learned > 0.5) & (np.maximum(before, after) > 0.8))
    combiner = fit_combiner(np.zeros(600), learned, coded, groups)
    assert combiner.confidence(0.0, 0.7, 0.95, 0.95) > 0.5 > combiner.confidence(0.0, 0.7, 0.05, 0.05)


@pytest.mark.parametrize("chunk", [256, 1])
def test_a_turns_neighbours_are_weighed_with_it(stacked, monkeypatch, chunk):
    # chunks of any size keep a document whole, so each turn is coded beside its neighbours
    monkeypatch.setattr("qda.coding._CHUNK_TURNS", chunk)
    combiners = {"a": NEIGHBOURLY}
    beside_sure = stacked("Kelly: It was likely.", "Interviewer: And then?", "Kelly: I was sure.", combiners=combiners)
    assert [stacked.document.text[c.start:c.end] for c in beside_sure] == ["It was likely.", "I was sure."]
    # the evidence says the turn was coded beside talk about the same code
    assert beside_sure[0].evidence.endswith('"p=0.00 before, 0.99 after" [learned.a, neighbouring turns]')
    alone = stacked("Kelly: It was likely.", "Interviewer: And then?", "Kelly: It rained.", combiners=combiners)
    assert alone == []


def test_one_speakers_consecutive_turns_are_judged_as_one_speech(stacked):
    # a subtitle file or a label per paragraph cuts one answer into turns
    coded = stacked("Interviewer: How was it?", "Kelly: It was, well,", "Kelly: sure in the end.",
                    "Interviewer: And then?", "Kelly: It rained.")
    assert stacked.seen == ["It was, well, sure in the end.", "It rained."]
    assert [stacked.document.text[c.start:c.end] for c in coded] == ["sure in the end."]


def test_a_speechs_neighbours_are_the_speeches_around_it(stacked):
    coded = stacked("Kelly: It was likely.", "Kelly: More or less.", "Interviewer: And then?", "Kelly: I was sure.",
                    combiners={"a": NEIGHBOURLY})
    assert [stacked.document.text[c.start:c.end] for c in coded] == ["It was likely.", "I was sure."]
    assert coded[0].evidence.endswith('"p=0.00 before, 0.99 after" [learned.a, neighbouring turns]')


def test_speeches_end_at_another_speaker_a_gap_an_unknown_speaker_or_answer_length():
    from qda.speeches import SPEECH_WORDS, join_speeches, number_speeches

    documents = ["a", "a", "a", "a", "b", "b", "b"]
    speakers = ["Kelly", "Kelly", "Kelly", "Sam", "Sam", None, None]
    indices = [0, 1, 3, 4, 5, 6, 7]  # turn 2 left out (the interviewer's)
    numbers = number_speeches(documents, speakers, indices, ["a few words"] * 7)
    assert numbers.tolist() == [0, 0, 1, 2, 3, 4, 5]
    # a monologue labelled paragraph by paragraph is taken in answer-sized parts
    paragraph = " ".join(["word"] * (SPEECH_WORDS // 2))
    assert number_speeches("aaaaa", ["Kelly"] * 5, range(5), [paragraph] * 5).tolist() == [0, 0, 1, 1, 2]
    # as training data: texts joined, a speech coded where any of its turns is
    texts, labels, docs = join_speeches(["It was,", "sure.", "Later."], {"a": np.array([False, True, False])},
                                        ["d", "d", "d"], np.array([0, 0, 1]))
    assert (texts, labels["a"].tolist(), docs) == (["It was, sure.", "Later."], [True, False], ["d", "d"])


def test_chunks_never_split_a_document():
    from qda.coding import _whole_documents
    from qda.corpus import Document, Turn

    a, b = (Document(id=x, name=x, text="", turns=[]) for x in "ab")
    turns = [(a, Turn(i, None, 0, 0)) for i in range(3)] + [(b, Turn(i, None, 0, 0)) for i in range(2)]
    assert [[doc.id for doc, _ in chunk] for chunk in _whole_documents(turns, 2)] == [["a", "a", "a"], ["b", "b"]]


def test_a_doubtful_model_vetoes_the_rule(stacked):
    assert not stacked("Kelly: The written agreement was doubtful.")


def test_the_turns_probability_backs_a_rule_in_another_sentence(stacked):
    codings = stacked("Kelly: We had a written agreement. I think it was likely to help.")
    assert [c.evidence for c in codings] == ['"p=0.60" [learned.a, its turn]; "written agreement" [a.cue]']


def test_the_model_judges_the_whole_turn_and_codes_it_once(stacked):
    codings = stacked("Kelly: It rained all day. I was sure of it. We went home.")
    assert stacked.seen == ["It rained all day. I was sure of it. We went home."]
    assert [(stacked.document.text[c.start:c.end], c.evidence) for c in codings] == [
        ("I was sure of it.", '"p=0.99" [learned.a, its turn; weighing most here: sure]')]


def test_a_whole_turn_unit_shows_the_models_weightiest_words(stacked):
    codings = stacked("Kelly: It rained all day. I was sure of it.", unit="turn")
    assert [c.evidence for c in codings] == ['"p=0.99" [learned.a, its turn; weighing most here: sure]']


def test_without_combiners_the_model_adds_evidence_by_noisy_or(stacked):
    codings = stacked("Kelly: The written agreement was doubtful.", combiners={})
    assert len(codings) == 1 and codings[0].source == "rule"


def test_document_folds_hold_out_runs_of_consecutive_documents():
    from qda.coders.folds import document_folds

    groups = ["a", "a", "b", "c", "c", "d", "e", "f", "f", "g"]
    folds = list(document_folds(groups, 3))
    assert len(folds) == 3
    held_out = [sorted({groups[i] for i in test}) for _, test in folds]
    assert held_out == [["a", "b", "c"], ["d", "e"], ["f", "g"]]
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}  # whole documents
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(len(groups)))


def test_document_folds_with_fewer_documents_than_folds():
    from qda.coders.folds import document_folds

    folds = list(document_folds(["a", "a", "b"], 5))
    assert [test.tolist() for _, test in folds] == [[0, 1], [2]]


def test_the_model_alone_never_proposes_the_metaphor_coders_code(code_lines):
    from qda.codebook import parse_codebook

    codebook = parse_codebook("codes:\n  - id: up_down\n    name: Up and down\n  - id: a\n    name: A\n", "test.yaml")

    class Sure(Scripted):
        def probabilities(self, texts, embedder):
            return {code: np.full(len(texts), 0.99) for code in ("up_down", "a")}

        def word_weights(self, texts):
            return {code: sparse.csr_matrix(np.ones((len(texts), len(SCORES)))) for code in ("up_down", "a")}

    model = Sure({"up_down": TRUSTING, "a": TRUSTING})
    model.classifiers = {"up_down": None, "a": None}
    _, codings = code_lines(codebook, "Kelly: We had a sure feeling about the family.", "Interviewer: And?",
                            "Kelly: It went up to CP in the end.",
                            coders=("rules", "metaphor", "learned"), learned_model=model)
    up_down = [c for c in codings if c.code == "up_down"]
    assert len(up_down) == 1 and "[metaphor." in up_down[0].evidence  # only where the metaphor coder found it
    assert len([c for c in codings if c.code == "a"]) == 2  # another code, the model may propose alone
