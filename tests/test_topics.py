"""Topics: segments, a reproducible BERTopic fit, its tables and charts, code suggestions, the CLI.

One fit on eight development interviews (about 430 sentences) is shared by the tests;
embeddings are cached in a temporary folder, so the suite's own cache is never touched.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CCIN, SAMPLE

# Development interviews only (the held-out ones are 03, 06, 08, 12, 15, 18, 21, 24).
FILES = [SAMPLE / f"interview_{i:02d}.txt" for i in (1, 2, 4, 5, 7, 9, 10, 11)]


@pytest.fixture(scope="session")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embeddings")


@pytest.fixture(scope="session")
def embedder(cache):
    from qda.embeddings import Embedder

    return Embedder(cache=cache)


@pytest.fixture(scope="session")
def corpus():
    from qda import readers

    return readers.read_corpus(FILES)


@pytest.fixture(scope="session")
def segs(corpus, nlp):
    from qda.topics import segments

    return segments(corpus, nlp=nlp)


@pytest.fixture(scope="session")
def model(segs, embedder):
    from qda.topics import fit_topics

    return fit_topics(segs, embedder=embedder, seed=42)


def test_segments_are_participant_sentences_with_exact_offsets(corpus, segs):
    assert list(segs.columns) == ["document", "turn", "speaker", "start", "end", "text"]
    assert len(segs) > 300
    for row in segs.itertuples():
        doc = corpus[row.document]
        assert doc.text[row.start : row.end] == row.text
        assert row.text == row.text.strip()
        assert len(row.text.split()) >= 4
        assert not doc.is_interviewer(doc.turns[row.turn])
    assert "Interviewer" not in set(segs["speaker"])


def test_turn_segments(corpus):
    from qda.topics import segments

    turns = segments(corpus, unit="turn")
    assert len(turns) < 300
    row = turns.iloc[0]
    assert corpus[row.document].text[row.start : row.end] == row.text


def test_same_seed_same_topics(model, segs, embedder):
    from qda.topics import fit_topics

    computed = embedder.computed
    again = fit_topics(segs, embedder=embedder, seed=42)
    assert np.array_equal(model.topics, again.topics)
    assert [model.label(t) for t in model.topic_ids] == [again.label(t) for t in again.topic_ids]
    assert embedder.computed == computed  # every embedding came from the cache


def test_every_segment_assigned(model, segs):
    assert model.outliers_before > 0
    assert model.outliers == 0
    assignments = model.assignments()
    assert len(assignments) == len(segs)
    assert {"topic", "label"} <= set(assignments.columns)
    assert len(model.topic_ids) >= 3


def test_topics_table(model, segs):
    table = model.topics_table()
    assert list(table.columns) == ["topic", "label", "size", "top_words", "excerpt_1", "excerpt_2", "excerpt_3"]
    assert table["size"].sum() == len(segs)
    assert table["size"].is_monotonic_decreasing
    assert all(" / " in label for label in table["label"])
    assert "yeah" not in " ".join(table["top_words"]).split(", ")
    excerpts = model.excerpts(int(table["topic"][0]))
    assert len(excerpts) == 3
    assert table["excerpt_1"][0] == f"{excerpts.text[0]} [{excerpts.document[0]}, {excerpts.speaker[0]}]"


def test_share_by_sums_to_one(model, corpus):
    share = model.share_by("role", corpus)
    assert set(share.columns) == {"label", "social worker", "team manager"}
    assert np.allclose(share.drop(columns="label").sum(), 1.0)


def test_suggest_codes_and_candidate_themes(model, ccin, embedder):
    suggestions = model.suggest_codes(ccin, embedder, threshold=0.45)
    assert len(suggestions) == len(model.topic_ids)
    assert set(suggestions["best_code"]) <= set(ccin.codes)
    assert set(suggestions["second_code"]) <= set(ccin.codes)
    assert (suggestions["similarity"] >= suggestions["second_similarity"]).all()
    assert (suggestions["new_theme"] == (suggestions["similarity"] < 0.45)).all()
    everything_new = model.suggest_codes(ccin, embedder, threshold=1.01)
    assert everything_new["new_theme"].all()
    candidates = model.candidate_themes(ccin, embedder, threshold=1.01)
    assert len(candidates) == len(model.topic_ids)
    assert candidates["excerpt_1"].str.len().gt(0).all()


def test_promote_builds_a_code_that_joins_the_codebook(model, tmp_path):
    from qda.codebook import Code, load_codebook
    from qda.errors import QdaError
    from qda.topics import add_code

    topic = model.topic_ids[0]
    code = model.promote(topic, "emergent_one", "Emergent theme")
    assert isinstance(code, Code)
    assert code.name == "Emergent theme" and len(code.examples) == 3
    assert model.label(topic) in code.description
    with pytest.raises(QdaError):
        model.promote(topic, "Not An Id")
    with pytest.raises(QdaError):
        model.promote(999, "x")
    copy = tmp_path / "ccin.yaml"
    copy.write_text(CCIN.read_text(encoding="utf-8"), encoding="utf-8")
    add_code(copy, code)
    book = load_codebook(copy)
    assert book.codes["emergent_one"].examples == code.examples
    assert list(book.codes)[-1] == "emergent_one"
    assert len(book.codes) == len(load_codebook(CCIN).codes) + 1
    before = copy.read_text(encoding="utf-8")
    with pytest.raises(Exception):
        add_code(copy, code)  # the id is taken: the file is left alone
    assert copy.read_text(encoding="utf-8") == before


def test_charts_written(model, tmp_path):
    written = model.charts(tmp_path / "charts")
    assert [p.name for p in written] == ["topics.html", "distances.html"]
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "plotly" in text.lower() and len(text) > 10_000
    assert not list((tmp_path / "charts").glob(".*.tmp"))


def test_distance_fallback(model, monkeypatch):
    def fail():
        raise ValueError("too few topics")

    monkeypatch.setattr(model.model, "visualize_topics", fail)
    figure = model._distance_map()
    assert len(figure.data[0].x) == len([t for t in model.topic_ids if t != -1])


def test_cli_writes_its_files(cache, tmp_path, monkeypatch, capsys):
    from qda.cli_topics import topics

    monkeypatch.setenv("QDA_CACHE_DIR", str(cache))
    out = tmp_path / "topics"
    # Fiona, interview_11's participant, named as its interviewer: her talk is left out
    topics(FILES, out=out, codebook=CCIN, unit="sentence", min_topic_size=None, seed=42, promote=None,
           codebook_out=None, interviewer=["Fiona"])
    names = {p.name for p in out.iterdir()}
    assert {"topics.csv", "assignments.csv", "share_by_role.csv", "share_by_team.csv", "topics.html",
            "distances.html", "topic_codes.csv"} <= names
    assert "share_by_participant.csv" not in names  # one value per document
    table = pd.read_csv(out / "topics.csv", encoding="utf-8-sig")
    codes = pd.read_csv(out / "topic_codes.csv", encoding="utf-8-sig")
    documents = set(pd.read_csv(out / "assignments.csv", encoding="utf-8-sig")["document"])
    assert "interview_11" not in documents and "interview_10" in documents
    assert len(table) == len(codes)
    assert "topics in" in capsys.readouterr().err
