"""Explore: keywords in context, code co-occurrence and the up/down metaphor view."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import SAMPLE
from qda.codebook import Code, Codebook
from qda.corpus import Coding, Corpus, Document
from qda.errors import QdaError
from qda.explore import (CATEGORIES, DIRECTIONS, KWIC_COLUMNS, OTHER, cooccurrence, kwic, updown,
                         updown_summary)
from qda.readers import read_corpus
from qda.readers.txt import parse_txt
from qda.table import coded_table


def make_doc(doc_id: str, *lines: str, **attributes: str) -> Document:
    """A document as the .txt reader makes it: front matter from `attributes`, then lines."""
    front = "".join(f"{k}: {v}\n" for k, v in attributes.items())
    raw = (f"---\n{front}---\n" if front else "") + "\n".join(lines) + "\n"
    text, turns, attrs = parse_txt(raw, f"{doc_id}.txt")
    return Document(id=doc_id, name=f"{doc_id}.txt", text=text, attributes=attrs, turns=turns)


# Corpus order (zed before amy) is not id order, so sorting by id would show.
ZED = make_doc(
    "zed",
    "Interviewer: Did it escalate?",
    "Zed: We ESCALATED it in March. Then we de-escalated it—naïve café—and stepped it down to CiN.",
    "It carried on, same turn: escalation again.",
    "Interviewer: Stepped down?",
    "Zed: Stepped\tdown, yes.",
    role="social worker", team="rural", interviewer="Interviewer",
)
AMY = make_doc(
    "amy",
    "Interviewer: Tell me.",
    "Amy: Step down is what we call it. Escalate",
    "Interviewer: down to what?",
    role="team manager", match="attribute called match", start="attribute called start",
)
CORPUS = Corpus([ZED, AMY])


@pytest.fixture(scope="module")
def sample(nlp, ccin):
    """The shipped sample, machine-coded: (corpus, coded table)."""
    from qda.coding import AutoCoder

    corpus = read_corpus(SAMPLE)
    codings = AutoCoder(ccin, nlp=nlp).predict(corpus)
    return corpus, coded_table(corpus, codings, ccin)


# -- kwic ---------------------------------------------------------------------------------


def assert_offsets(hits: pd.DataFrame, corpus: Corpus) -> None:
    for row in hits.itertuples():
        assert corpus[row.document].text[row.start : row.end] == row.match


def test_kwic_word_is_case_insensitive_and_offsets_slice_to_the_match():
    hits = kwic(CORPUS, "escalated")
    assert hits["match"].tolist() == ["ESCALATED", "escalated"]  # the second inside de-escalated
    assert_offsets(hits, CORPUS)
    assert list(hits.columns[: len(KWIC_COLUMNS)]) == list(KWIC_COLUMNS)
    first = hits.iloc[0]
    assert (first.document, first.turn, first.speaker) == ("zed", 1, "Zed")
    # 8 tokens either side, as the text has them: it in March . Then we de -
    assert (first.left, first.right) == ("We", "it in March. Then we de-")


def test_kwic_offsets_are_code_points_after_non_ascii_text():
    hits = kwic(CORPUS, "stepped down")
    assert_offsets(hits, CORPUS)
    # "naïve café—" comes before the matches: offsets count code points, not bytes.
    assert hits["match"].tolist() == ["Stepped down", "Stepped\tdown"]


def test_kwic_phrase_needs_adjacent_tokens():
    assert kwic(CORPUS, "stepped it down")["match"].tolist() == ["stepped it down"]
    assert kwic(CORPUS, "stepped down to").empty  # "down?" ends the interviewer's turn


def test_kwic_prefix_matches_any_token_it_begins():
    hits = kwic(CORPUS, "escalat*")
    assert hits["match"].str.lower().tolist() == ["escalate", "escalated", "escalated", "escalation", "escalate"]
    assert_offsets(hits, CORPUS)
    de = kwic(CORPUS, "de-escalat*")
    assert de["match"].tolist() == ["de-escalated"]
    assert kwic(CORPUS, "step* down")["match"].tolist() == ["Stepped down", "Stepped\tdown", "Step down"]


def test_kwic_rows_in_corpus_order_then_start_with_attributes():
    hits = kwic(CORPUS, "down")
    assert hits["document"].tolist() == ["zed"] * 3 + ["amy"] * 2
    assert hits.groupby("document", sort=False)["start"].apply(lambda s: s.is_monotonic_increasing).all()
    assert hits["role"].tolist() == ["social worker"] * 3 + ["team manager"] * 2
    assert hits["team"].isna().tolist() == [False] * 3 + [True] * 2
    # Attributes never shadow a KWIC column (named as in the coded table, then prefixed).
    assert hits["attribute_match"].tolist()[-1] == "attribute called match"
    assert hits["attribute_start"].tolist()[-1] == "attribute called start"
    assert hits["start"].dtype == "int64" and hits["turn"].dtype == "int64"


def test_kwic_interviewer_turns_can_be_left_out():
    assert kwic(CORPUS, "down")["speaker"].tolist() == ["Zed", "Interviewer", "Zed", "Amy", "Interviewer"]
    hits = kwic(CORPUS, "down", include_interviewer=False)
    assert hits["speaker"].tolist() == ["Zed", "Zed", "Amy"]


def test_kwic_window_counts_tokens_and_stays_in_the_turn():
    hits = kwic(CORPUS, "escalate", window=2)
    assert hits[["left", "right"]].values.tolist() == [["Did it", "?"], ["it.", ""]]
    assert kwic(CORPUS, "escalate", window=0)[["left", "right"]].eq("").all().all()


def test_kwic_turn_continuation_lines_read_as_one_context():
    hit = kwic(CORPUS, "carried", window=3).iloc[0]
    assert (hit.left, hit.right) == ("CiN. It", "on, same")  # the line break inside the turn is a space


@pytest.mark.parametrize("query", ["", "   ", "*", "escalate *"])
def test_kwic_refuses_a_query_without_words(query):
    with pytest.raises(QdaError, match="query"):
        kwic(CORPUS, query)


def test_kwic_no_match_is_an_empty_frame_with_every_column():
    hits = kwic(CORPUS, "threshold")
    assert hits.empty and {"document", "start", "role", "attribute_match"} <= set(hits.columns)


def test_kwic_on_the_sample_finds_every_prefix_occurrence():
    corpus = read_corpus(SAMPLE)
    hits = kwic(corpus, "escalat*", window=5)
    assert_offsets(hits, corpus)
    pattern = re.compile(r"(?<!\w)escalat\w*", re.IGNORECASE)
    expected = sum(len(pattern.findall(doc.turn_text(t))) for doc in corpus for t in doc.turns)
    assert len(hits) == expected > 0
    assert {"role", "team"} <= set(hits.columns)
    phrase = kwic(corpus, "child in need")
    assert len(phrase) > 0 and phrase["match"].str.lower().eq("child in need").all()
    assert_offsets(phrase, corpus)


# -- co-occurrence ------------------------------------------------------------------------


BOOK = Codebook(name="t", codes={c: Code(c, c.title()) for c in ("a", "b", "c", "up_down", "unused")})


def codings_at(doc: Document, *spans: tuple[str, str], status: str = "suggested") -> list[Coding]:
    """A coding of `code` on each `passage` (its first occurrence in the document)."""
    out = []
    for code, passage in spans:
        start = doc.text.index(passage)
        out.append(Coding(doc.id, start, start + len(passage), code, "human", "ann", 1.0, status=status))
    return out


def test_cooccurrence_counts_turns_holding_both_codes():
    codings = codings_at(ZED, ("a", "We ESCALATED"), ("b", "in March"), ("a", "de-escalated"),  # turn 1
                         ("c", "escalation"),  # turn 1 too: its continuation line
                         ("a", "Stepped\tdown"), ("c", "yes"))  # turn 3
    codings += codings_at(AMY, ("b", "Step down"), ("c", "Escalate"))
    table = coded_table(CORPUS, codings, BOOK)
    matrix = cooccurrence(table, codes=["c", "b", "a", "unused"])
    assert list(matrix.index) == list(matrix.columns) == ["c", "b", "a", "unused"]
    expected = pd.DataFrame([[3, 2, 2, 0], [2, 2, 1, 0], [2, 1, 2, 0], [0, 0, 0, 0]],
                            index=["c", "b", "a", "unused"], columns=["c", "b", "a", "unused"])
    pd.testing.assert_frame_equal(matrix, expected, check_names=False)
    assert matrix.dtypes.eq("int64").all()

    per_document = cooccurrence(table, codes=["a", "b", "c"], unit="document")
    assert per_document.loc["a"].tolist() == [1, 1, 1]  # a only in zed
    assert per_document.loc["b"].tolist() == [1, 2, 2]
    assert per_document.loc["c"].tolist() == [1, 2, 2]


def test_cooccurrence_appends_codes_not_given_and_sorts_without_codes():
    table = coded_table(CORPUS, codings_at(AMY, ("c", "Step down"), ("a", "Escalate")), BOOK)
    assert list(cooccurrence(table).index) == ["a", "c"]
    assert list(cooccurrence(table, codes=["c"]).index) == ["c", "a"]
    empty = cooccurrence(table.iloc[:0], codes=["a", "b"])
    assert empty.shape == (2, 2) and empty.eq(0).all().all()


def test_cooccurrence_unknown_unit():
    table = coded_table(CORPUS, [], BOOK)
    with pytest.raises(QdaError, match="turn or document"):
        cooccurrence(table, unit="sentence")


def test_cooccurrence_on_the_sample_is_symmetric_with_units_on_the_diagonal(sample, ccin):
    _, table = sample
    codes = list(ccin.codes)
    for unit, keys in (("turn", ["document", "turn"]), ("document", ["document"])):
        matrix = cooccurrence(table, codes, unit=unit)
        assert list(matrix.index) == codes
        assert (matrix.to_numpy() == matrix.to_numpy().T).all()
        units = table.dropna(subset=keys).drop_duplicates(keys + ["code"])
        diagonal = units.groupby(units["code"].astype(object)).size().reindex(codes, fill_value=0)
        assert [matrix.loc[c, c] for c in codes] == diagonal.tolist()
        # Nothing co-occurs more often than either code occurs.
        assert (matrix.to_numpy() <= matrix.to_numpy().diagonal()).all()
    assert cooccurrence(table, codes).loc["threshold", "up_down"] > 0  # DOMAIN.md: they go together


# -- up/down ------------------------------------------------------------------------------


SENTENCES = make_doc(
    "s",
    "Kelly: We stepped it down to CiN.",
    "Kelly: It went up to a conference.",
    "Kelly: It was escalated to child protection.",
    "Kelly: We de-escalated it to early help.",
    "Kelly: It dropped to complex child in need after review.",
    "Kelly: It sits below the threshold.",
    "Kelly: Attendance dropped off and we had to escalate.",
    "Kelly: It came down and then went up again.",
    "Kelly: It just bounced about.",
    "Kelly: The CiN ones go to the bottom of the pile.",
    role="social worker", team="urban",
)


def view_of(*passages: str, evidence: dict[str, str] | None = None) -> pd.DataFrame:
    codings = codings_at(SENTENCES, *(("up_down", p) for p in passages))
    for coding in codings:
        coding.evidence = (evidence or {}).get(SENTENCES.text[coding.start : coding.end], "")
    codings += codings_at(SENTENCES, ("a", passages[0]))  # other codes are not in the view
    return updown(coded_table(Corpus([SENTENCES]), codings, BOOK), Corpus([SENTENCES]))


@pytest.mark.parametrize("passage, direction, category", [
    ("We stepped it down to CiN.", "down", "child in need (CiN)"),
    ("It went up to a conference.", "up", "conference"),
    ("It was escalated to child protection.", "up", "child protection (CP)"),
    ("We de-escalated it to early help.", "down", "early help"),
    ("It dropped to complex child in need after review.", "down", "complex CiN (CCiN)"),
    ("It sits below the threshold.", "down", "threshold"),
    ("It just bounced about.", "unclear", OTHER),
    ("The CiN ones go to the bottom of the pile.", "down", "child in need (CiN)"),
])
def test_updown_reads_direction_and_category(passage, direction, category):
    view = view_of(passage)
    assert view[["direction", "category", "passage"]].values.tolist() == [[direction, category, passage]]


def test_updown_both_directions_follow_the_evidence_or_are_unclear():
    mixed = ("Attendance dropped off and we had to escalate.", "It came down and then went up again.")
    view = view_of(*mixed, evidence={mixed[0]: '"escalate" [up_down.fixed]',
                                     mixed[1]: '"came down" [metaphor.direction]; "went up" [metaphor.direction]'})
    assert view["direction"].tolist() == ["up", "unclear"]
    assert view_of(mixed[0])["direction"].tolist() == ["unclear"]  # no evidence to go by
    assert view_of(mixed[0], evidence={mixed[0]: "dropped"})["direction"].tolist() == ["down"]  # plain words


def test_updown_short_passage_reads_its_sentence_for_the_category():
    view = view_of("stepped it down")
    assert view[["direction", "category", "passage"]].values.tolist() == [["down", "child in need (CiN)",
                                                                           "stepped it down"]]


def test_updown_columns_and_summary():
    view = view_of("We stepped it down to CiN.", "It went up to a conference.", "It just bounced about.",
                   "The CiN ones go to the bottom of the pile.")
    assert list(view.columns) == ["document", "speaker", "role", "team", "direction", "category", "passage",
                                  "evidence", "start", "end", "coding_id"]
    assert view["role"].eq("social worker").all() and view["speaker"].eq("Kelly").all()
    summary = updown_summary(view)
    assert list(summary.columns) == [*DIRECTIONS, "total"]
    assert summary.loc["category"].index.tolist() == ["child in need (CiN)", "conference", OTHER]  # list order
    assert summary.loc[("category", "child in need (CiN)")].tolist() == [0, 2, 0, 2]
    assert summary.loc[("role", "social worker")].tolist() == [1, 2, 1, 4]
    by_team = updown_summary(view.assign(team=pd.array([None, "urban", "urban", "urban"], dtype="string")),
                             by=["team"])
    assert by_team.loc["team"].index.tolist() == ["urban", "(missing)"]
    with pytest.raises(ValueError, match="site"):
        updown_summary(view, by=["site"])


def test_updown_empty_table():
    view = updown(coded_table(CORPUS, [], BOOK), CORPUS)
    assert view.empty and {"direction", "category", "role"} <= set(view.columns)
    summary = updown_summary(view)
    assert summary.empty and list(summary.columns) == [*DIRECTIONS, "total"]


def test_updown_on_the_sample(sample):
    corpus, table = sample
    view = updown(table, corpus)
    assert len(view) == (table["code"] == "up_down").sum() > 0
    assert set(view["direction"]) <= set(DIRECTIONS) and {"up", "down"} <= set(view["direction"])
    labels = {label for label, _ in CATEGORIES} | {OTHER}
    assert set(view["category"]) <= labels
    stepped = view[view["passage"].str.startswith("We stepped it down to ordinary CiN")]
    assert stepped[["direction", "category"]].values.tolist()[0] == ["down", "child in need (CiN)"]
    conference = view[view["passage"].str.contains("went up to conference")]
    assert (conference["direction"] == "up").all() and (conference["category"] == "conference").all()
    summary = updown_summary(view)
    assert summary.loc["category", "total"].sum() == len(view) == summary.loc["role", "total"].sum()
    assert set(summary.loc["role"].index) == {"social worker", "team manager"}
