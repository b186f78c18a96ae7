"""The coded table: columns, joins, ordering and the clash/empty edge cases."""

from __future__ import annotations

import pandas as pd
import pytest

from qda.analysis import attribute_names, code_document_matrix, code_frequencies
from qda.codebook import Code, Codebook
from qda.corpus import Coding, Corpus, Document, Turn
from qda.table import COLUMNS, coded_table

# Turn 0 is text[13:32], the "\nKelly: " label is text[32:40], turn 1 is text[40:77].
KELLY = "Interviewer: How has it changed?\nKelly: It makes you think where a case fits.\n"


def make_corpus() -> Corpus:
    kelly = Document(
        id="kelly",
        name="Kelly interview",
        text=KELLY,
        attributes={"role": "social worker", "team": "rural", "text": "clash"},
        turns=[Turn(0, "Interviewer", 13, 32), Turn(1, "Kelly", 40, 77)],
    )
    sam_text = "Sam: Thresholds go up and down — naïve café.\n"
    sam = Document(
        id="sam",
        name="Sam interview",
        text=sam_text,
        attributes={"role": "manager", "site": "north"},
        turns=[Turn(0, "Sam", 5, len(sam_text) - 1)],
    )
    return Corpus([kelly, sam])


def make_codebook() -> Codebook:
    return Codebook(
        name="test",
        codes={
            "thresholds": Code("thresholds", "Thresholds"),
            "updown": Code("updown", "Up/down metaphor", parent="thresholds"),
            "fit": Code("fit", "Fit"),
        },
    )


def make_codings() -> list[Coding]:
    return [
        Coding("sam", 5, 15, "thresholds", "rule", "rules-v1", 0.8, "threshold"),
        Coding("kelly", 49, 58, "fit", "human", "ann", 1.0, status="accepted", memo="nice"),
        Coding("kelly", 40, 47, "updown", "metaphor", "mipvu", 0.6),
        Coding("kelly", 40, 47, "fit", "rule", "rules-v1", 0.7),
        Coding("sam", 19, 38, "updown", "metaphor", "mipvu", 0.9),
        Coding("kelly", 32, 39, "fit", "human", "ann"),  # the speaker label: no turn
    ]


@pytest.fixture
def table() -> pd.DataFrame:
    return coded_table(make_corpus(), make_codings(), make_codebook())


def test_columns_in_order_with_attributes_after_memo(table):
    assert tuple(table.columns[: len(COLUMNS)]) == COLUMNS
    assert list(table.columns[len(COLUMNS) :]) == ["role", "team", "attribute_text", "site"]
    assert attribute_names(table) == ["role", "team", "attribute_text", "site"]


def test_text_is_always_the_document_slice(table):
    corpus = make_corpus()
    for row in table.itertuples(index=False):
        assert row.text == corpus[row.document].text[row.start : row.end]
    # Offsets are code points: "—" and "ï" count as one each.
    assert table.loc[table.code == "updown", "text"].tolist() == ["It make", "up and down — naïve"]


def test_rows_sorted_by_corpus_order_then_start_then_code(table):
    keys = list(zip(table.document, table.start, table.code))
    assert keys == [
        ("kelly", 32, "fit"),
        ("kelly", 40, "fit"),
        ("kelly", 40, "updown"),
        ("kelly", 49, "fit"),
        ("sam", 5, "thresholds"),
        ("sam", 19, "updown"),
    ]
    assert list(table.index) == list(range(6))


def test_turn_and_speaker_join(table):
    kelly = table[table.document == "kelly"]
    assert kelly["turn"].tolist()[1:] == [1, 1, 1]
    assert kelly["speaker"].tolist()[1:] == ["Kelly"] * 3
    # A coding starting on the speaker label lies in no turn: nullable, not NaN or -1.
    assert table["turn"].dtype == "Int64"
    assert pd.isna(table.loc[0, "turn"]) and pd.isna(table.loc[0, "speaker"])
    assert table.loc[table.document == "sam", "turn"].tolist() == [0, 0]


def test_code_names_paths_and_coding_fields(table):
    row = table[(table.code == "updown") & (table.document == "sam")].iloc[0]
    assert row.code_name == "Up/down metaphor"
    assert row.code_path == "Thresholds > Up/down metaphor"
    assert (row.source, row.coder, row.confidence, row.status) == ("metaphor", "mipvu", 0.9, "suggested")
    accepted = table[table.status == "accepted"].iloc[0]
    assert (accepted.memo, accepted.evidence, accepted.confidence) == ("nice", "", 1.0)
    assert row.document_name == "Sam interview"


def test_attributes_joined_and_missing_is_na(table):
    sam = table[table.document == "sam"].iloc[0]
    kelly = table[table.document == "kelly"].iloc[0]
    assert (sam.role, sam.site) == ("manager", "north")
    assert pd.isna(sam.team) and pd.isna(sam.attribute_text)
    assert (kelly.role, kelly.attribute_text) == ("social worker", "clash")
    assert pd.isna(kelly.site)
    # The clashing attribute never overwrites the passage text.
    assert kelly.text == KELLY[32:39]


def test_empty_codings_give_empty_frame_with_all_columns():
    table = coded_table(make_corpus(), [], make_codebook())
    assert table.empty
    assert list(table.columns) == list(COLUMNS) + ["role", "team", "attribute_text", "site"]
    assert table["turn"].dtype == "Int64" and table["start"].dtype == "int64"


def test_unknown_document_or_code_or_bad_offsets_raise():
    corpus, codebook = make_corpus(), make_codebook()
    with pytest.raises(ValueError, match="unknown document"):
        coded_table(corpus, [Coding("nobody", 0, 1, "fit", "human", "ann")], codebook)
    with pytest.raises(ValueError, match="unknown code"):
        coded_table(corpus, [Coding("kelly", 0, 1, "nope", "human", "ann")], codebook)
    with pytest.raises(ValueError, match="outside the document"):
        coded_table(corpus, [Coding("kelly", 0, 999, "fit", "human", "ann")], codebook)


def test_code_document_matrix_full_index(table):
    codes = ["thresholds", "updown", "fit", "unused"]
    matrix = code_document_matrix(table, documents=["kelly", "sam", "empty"], codes=codes)
    assert list(matrix.columns) == ["kelly", "sam", "empty"]
    assert list(matrix.index) == ["thresholds", "updown", "fit", "unused"]
    assert matrix.loc["fit"].tolist() == [3, 0, 0]
    assert matrix.loc["updown"].tolist() == [1, 1, 0]
    assert matrix.loc["unused"].sum() == 0
    assert matrix.to_numpy().sum() == len(table)
    # Ids missing from the given index are appended, never silently dropped.
    partial = code_document_matrix(table, codes=["fit"])
    assert list(partial.index) == ["fit", "thresholds", "updown"]


def test_code_frequencies_by_attribute(table):
    freq = code_frequencies(table, "role")
    assert list(freq.columns) == ["manager", "social worker", "total"]
    assert freq.loc["fit"].tolist() == [0, 3, 3]
    assert freq.loc["updown"].tolist() == [1, 1, 2]
    site = code_frequencies(table, "site", codes=["fit", "unused"])
    assert list(site.columns) == ["north", "(missing)", "total"]
    assert site.loc["unused"].tolist() == [0, 0, 0]
    assert (site.drop(columns="total").sum(axis=1) == site["total"]).all()
    with pytest.raises(ValueError, match="attributes: role, team, attribute_text, site"):
        code_frequencies(table, "nope")


def test_matrix_and_frequencies_of_empty_table():
    table = coded_table(make_corpus(), [], make_codebook())
    matrix = code_document_matrix(table, documents=["kelly", "sam"], codes=["fit"])
    assert matrix.shape == (1, 2) and matrix.to_numpy().sum() == 0
    assert list(code_frequencies(table, "role").columns) == ["total"]


def test_code_frequencies_value_called_total_is_not_overwritten(table):
    table = table.assign(team=table["team"].fillna("total"))
    freq = code_frequencies(table, "team")
    assert list(freq.columns) == ["rural", "total (value)", "total"]
    assert freq.loc["thresholds"].tolist() == [0, 1, 1]


def test_code_frequencies_value_called_missing_is_not_merged_with_missing_values(table):
    table = table.assign(site=["(missing)"] + [None] * (len(table) - 1))
    freq = code_frequencies(table, "site")
    assert list(freq.columns) == ["(missing) (value)", "(missing)", "total"]
    assert freq["(missing) (value)"].sum() == 1 and freq["(missing)"].sum() == len(table) - 1
