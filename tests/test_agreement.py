"""Inter-coder agreement: hand-worked tables, each unit kind on a hand-built corpus, and
cross-checks against scikit-learn (kappa) and the krippendorff package (alpha)."""

from __future__ import annotations

import math
import random
from pathlib import Path

import krippendorff
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from qda import read_corpus
from qda.agreement import (
    Table, Units, agreement, character_units, codable_turns, cohen_kappa, disagreements,
    krippendorff_alpha, sentence_units, turn_units,
)
from qda.corpus import Coding, Corpus, Document, Turn

SAMPLE = Path(__file__).resolve().parent.parent / "transcripts_sample"


def vectors(table: tuple[int, int, int, int]) -> tuple[list[int], list[int]]:
    """Per-unit decisions (1 = applied) of the two coders that give the 2x2 table."""
    both, first_only, second_only, neither = table
    first = [1] * both + [1] * first_only + [0] * second_only + [0] * neither
    second = [1] * both + [0] * first_only + [1] * second_only + [0] * neither
    return first, second


def reference_alpha(first: list[int], second: list[int]) -> float:
    return krippendorff.alpha(reliability_data=[first, second], level_of_measurement="nominal")


def table_of(first: list[int], second: list[int]) -> Table:
    pairs = list(zip(first, second))
    return Table(pairs.count((1, 1)), pairs.count((1, 0)), pairs.count((0, 1)), pairs.count((0, 0)))


# -- the statistics of one table ------------------------------------------------------------
#
# Table W: a = 20 (both), b = 5 (first only), c = 10 (second only), d = 15 (neither), n = 50.
#   p_o = (a + d)/n = 35/50 = 0.70
#   p_e = ((a+b)(a+c) + (c+d)(b+d))/n^2 = (25*30 + 25*20)/2500 = (750 + 500)/2500 = 0.50
#   kappa = (0.70 - 0.50)/(1 - 0.50) = 0.40
#   alpha: pairable 1s n1 = 2a + b + c = 55, 0s n0 = 2d + b + c = 45, 2n = 100 values
#     alpha = 1 - (2n - 1)(b + c)/(n0 * n1) = 1 - 99*15/(45*55) = 1 - 1485/2475 = 0.40
#   agreement = 0.70; agreement on coded units = a/(a+b+c) = 20/35 = 0.5714
#
# Table V: a = 4, b = 1, c = 2, d = 3, n = 10 (unequal marginals: alpha and kappa differ).
#   p_o = 7/10 = 0.7, p_e = (5*6 + 5*4)/100 = 0.5, kappa = 0.4
#   n1 = 8 + 3 = 11, n0 = 6 + 3 = 9, alpha = 1 - 19*3/(9*11) = 1 - 57/99 = 42/99 = 0.4242

W = Table(20, 5, 10, 15)
V = Table(4, 1, 2, 3)


def test_worked_table_w():
    assert W.units == 50
    assert cohen_kappa(*W) == pytest.approx(0.40)
    assert krippendorff_alpha(*W) == pytest.approx(0.40)
    row = agreement_of_table(W)
    assert row.agreement == pytest.approx(0.70)
    assert row.agreement_coded == pytest.approx(20 / 35)


def test_worked_table_v_alpha_differs_from_kappa():
    assert cohen_kappa(*V) == pytest.approx(0.4)
    assert krippendorff_alpha(*V) == pytest.approx(42 / 99)


@pytest.mark.parametrize("table", [W, V, Table(0, 5, 5, 0), Table(1, 0, 3, 96), Table(0, 1, 0, 0), Table(0, 3, 0, 7)])
def test_worked_tables_match_sklearn_and_krippendorff(table):
    first, second = vectors(table)
    assert cohen_kappa(*table) == pytest.approx(cohen_kappa_score(first, second), abs=1e-12)
    assert krippendorff_alpha(*table) == pytest.approx(reference_alpha(first, second), abs=1e-12)


def test_total_disagreement():
    # b = c = 5: p_o = 0, p_e = (5*5 + 5*5)/100 = 0.5, kappa = -1.
    # n1 = n0 = 10: alpha = 1 - 19*10/(10*10) = -0.9 (alpha's small-sample correction).
    assert cohen_kappa(0, 5, 5, 0) == -1.0
    assert krippendorff_alpha(0, 5, 5, 0) == pytest.approx(-0.9)


@pytest.mark.parametrize("table", [Table(0, 0, 0, 10), Table(10, 0, 0, 0), Table(0, 0, 0, 0)])
def test_one_category_for_every_unit_is_undefined(table):
    # Both coders put every unit on the same side: p_e = 1 and no variation, so neither
    # chance-corrected figure means anything.
    assert math.isnan(cohen_kappa(*table))
    assert math.isnan(krippendorff_alpha(*table))


def test_percent_agreements_when_undefined():
    nothing = agreement_of_table(Table(0, 0, 0, 10))
    assert nothing.agreement == 1.0 and math.isnan(nothing.agreement_coded)
    everything = agreement_of_table(Table(10, 0, 0, 0))
    assert everything.agreement == 1.0 and everything.agreement_coded == 1.0


def agreement_of_table(table: Table):
    """The result row for one code whose 2x2 table is `table`, through the public API:
    one unit per observation, the first coder's and the second's codings built to match."""
    units = Units("turn", [("d", 10 * i, 10 * i + 5) for i in range(table.units)])
    first, second = vectors(table)
    return agreement(
        [("d", s, e, "x") for (_, s, e), v in zip(units.spans, first) if v],
        [("d", s, e, "x") for (_, s, e), v in zip(units.spans, second) if v],
        units, codes=["x"],
    ).table.iloc[0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=80))
def test_table_figures_equal_sklearn_and_krippendorff(pairs):
    first = [int(a) for a, _ in pairs]
    second = [int(b) for _, b in pairs]
    table = table_of(first, second)
    kappa, alpha = cohen_kappa(*table), krippendorff_alpha(*table)
    # Undefined exactly when both coders gave every unit one and the same value.
    no_variation = len(set(first) | set(second)) == 1
    assert math.isnan(kappa) == no_variation and math.isnan(alpha) == no_variation
    if no_variation:
        return
    assert kappa == pytest.approx(cohen_kappa_score(first, second), abs=1e-9)
    assert alpha == pytest.approx(reference_alpha(first, second), abs=1e-9)


# -- pooled over codes ---------------------------------------------------------------------
#
# Code x has table W (kappa 0.40). Code y: a = 2, b = 3, c = 1, d = 44, n = 50:
#   p_o = 46/50 = 0.92, p_e = (5*3 + 45*47)/2500 = 2130/2500 = 0.852,
#   kappa = 0.068/0.148 = 17/37 = 0.4595
# Pooled: a = 22, b = 8, c = 11, d = 59, n = 100 (unit x code decisions):
#   p_o = 81/100, p_e = (30*33 + 70*67)/10000 = (990 + 4690)/10000 = 0.568,
#   kappa = 0.242/0.432 = 0.5602, which is not the mean of per-code kappas,
#   (0.40 + 0.4595)/2 = 0.4297.
#   alpha: n1 = 44 + 19 = 63, n0 = 118 + 19 = 137, alpha = 1 - 199*19/(63*137) = 0.5619

Y = Table(2, 3, 1, 44)


def two_code_study():
    units = Units("turn", [("d", 10 * i, 10 * i + 5) for i in range(50)])
    codings: tuple[list, list] = ([], [])
    for code, table in (("x", W), ("y", Y)):
        for coder, decisions in zip(codings, vectors(table)):
            coder.extend(("d", s, e, code) for (_, s, e), v in zip(units.spans, decisions) if v)
    return units, codings


def test_pooled_sums_the_tables_and_is_not_the_mean_kappa():
    units, (first, second) = two_code_study()
    result = agreement(first, second, units)
    assert list(result.table["code"]) == ["x", "y"]
    assert result.table.set_index("code").loc["y", "kappa"] == pytest.approx(17 / 37)
    pooled = result.pooled
    assert (pooled.units, pooled.both, pooled.first_only, pooled.second_only, pooled.neither) == (100, 22, 8, 11, 59)
    assert pooled.kappa == pytest.approx(0.242 / 0.432)
    assert pooled.alpha == pytest.approx(1 - 199 * 19 / (63 * 137))
    assert pooled.agreement == pytest.approx(0.81)
    assert pooled.agreement_coded == pytest.approx(22 / 41)
    assert result.mean_kappa == pytest.approx((0.40 + 17 / 37) / 2)


def test_pooled_equals_the_reference_on_concatenated_decisions():
    # Pooling treats each unit x code decision as one observation: the same as running the
    # reference implementations on the per-code vectors laid end to end.
    units, (first, second) = two_code_study()
    result = agreement(first, second, units)
    first_all = vectors(W)[0] + vectors(Y)[0]
    second_all = vectors(W)[1] + vectors(Y)[1]
    assert result.pooled.kappa == pytest.approx(cohen_kappa_score(first_all, second_all), abs=1e-12)
    assert result.pooled.alpha == pytest.approx(reference_alpha(first_all, second_all), abs=1e-12)


def test_mean_kappa_skips_undefined_codes():
    units, (first, second) = two_code_study()
    result = agreement(first, second, units, codes=["x", "y", "unused"])
    assert math.isnan(result.table.set_index("code").loc["unused", "kappa"])
    assert result.mean_kappa == pytest.approx((0.40 + 17 / 37) / 2)


# -- codes and inputs ------------------------------------------------------------------------


def test_no_codings_at_all():
    units = Units("turn", [("d", 0, 5), ("d", 5, 9)])
    empty = agreement([], [], units)
    assert empty.table.empty and math.isnan(empty.mean_kappa)
    assert empty.pooled.units == 0 and math.isnan(empty.pooled.kappa) and math.isnan(empty.pooled.agreement)
    row = agreement([], [], units, codes=["x"]).table.iloc[0]
    assert (row.units, row.both, row.first_only, row.second_only, row.neither) == (2, 0, 0, 0, 2)
    assert math.isnan(row.kappa) and math.isnan(row.alpha) and math.isnan(row.agreement_coded)
    assert row.agreement == 1.0


def test_codes_default_to_the_union_sorted_and_an_explicit_list_fixes_rows():
    units = Units("turn", [("d", 0, 5), ("d", 5, 9)])
    first, second = [("d", 0, 5, "zeta")], [("d", 5, 9, "alpha")]
    assert list(agreement(first, second, units).table["code"]) == ["alpha", "zeta"]
    fixed = agreement(first, second, units, codes=["zeta", "never"])
    assert list(fixed.table["code"]) == ["zeta", "never"]  # "alpha" is not asked for
    assert fixed.pooled.units == 4


def test_coding_objects_and_rejected_codings():
    units = Units("turn", [("d", 0, 5), ("d", 5, 9)])

    def coding(start, end, status="accepted"):
        return Coding("d", start, end, "x", source="human", coder="kim", status=status)

    first = [coding(0, 2), coding(5, 6, status="rejected")]  # the rejected one is no decision
    second = [("d", 1, 3, "x")]
    row = agreement(first, second, units).table.iloc[0]
    assert (row.both, row.first_only, row.second_only, row.neither) == (1, 0, 0, 1)


def test_units_reject_overlapping_or_empty_spans():
    with pytest.raises(ValueError, match="overlap"):
        Units("turn", [("d", 0, 5), ("d", 4, 9)])
    with pytest.raises(ValueError, match="empty"):
        Units("turn", [("d", 3, 3)])
    Units("turn", [("d", 0, 5), ("d", 5, 9), ("e", 0, 5)])  # adjacent, or in other documents: fine


# -- units from a hand-built corpus ---------------------------------------------------------


def document(doc_id: str, *lines: tuple[str, str], attributes: dict[str, str] | None = None) -> Document:
    """Lines `Speaker: utterance\\n`; each turn spans its utterance."""
    text, turns = "", []
    for index, (speaker, said) in enumerate(lines):
        text += f"{speaker}: "
        turns.append(Turn(index, speaker, len(text), len(text) + len(said)))
        text += said + "\n"
    return Document(doc_id, doc_id, text, attributes or {}, turns)


# d1: "Interviewer: How was it?\nKelly: It went up.  Then it came down.\nInterviewer: Why?\nKelly: Money.\n"
#   turn 0 Interviewer [13, 24)   turn 1 Kelly [32, 63)   turn 2 Interviewer [77, 81)   turn 3 Kelly [89, 95)
#   turn 1's sentences: "It went up." [32, 43) and, after two spaces, "Then it came down." [45, 63)
# d2 (front matter: interviewer Ann): "Ann: Tell me.\nBo: No.\nBo: \n"
#   turn 0 Ann [5, 13)   turn 1 Bo [18, 21)   turn 2 Bo [26, 26), empty
D1 = document("d1", ("Interviewer", "How was it?"), ("Kelly", "It went up.  Then it came down."),
              ("Interviewer", "Why?"), ("Kelly", "Money."))
D2 = document("d2", ("Ann", "Tell me."), ("Bo", "No."), ("Bo", ""), attributes={"interviewer": "Ann"})
CORPUS = Corpus([D1, D2])

# Both coders code "x":
#   A: [32, 42) "It went up" and [37, 44) "went up. " (overlapping: together [32, 44), 12
#      characters); [60, 92) from "wn." of turn 1 across interviewer turn 2 into "Mon" of turn 3.
#   B: [40, 50) "up.  Then "; [0, 100) all of d2, which holds one codable turn.
FIRST = [("d1", 32, 42, "x"), ("d1", 37, 44, "x"), ("d1", 60, 92, "x")]
SECOND = [("d1", 40, 50, "x"), ("d2", 0, 100, "x")]


def test_layout_is_as_commented():
    assert [(t.start, t.end) for t in D1.turns] == [(13, 24), (32, 63), (77, 81), (89, 95)]
    assert [(t.start, t.end) for t in D2.turns] == [(5, 13), (18, 21), (26, 26)]
    assert D1.text[45:63] == "Then it came down."


def test_turn_units_leave_out_interviewer_and_empty_turns():
    assert turn_units(CORPUS).spans == (("d1", 32, 63), ("d1", 89, 95), ("d2", 18, 21))
    with_interviewer = turn_units(CORPUS, include_interviewer=True).spans
    assert with_interviewer == (
        ("d1", 13, 24), ("d1", 32, 63), ("d1", 77, 81), ("d1", 89, 95), ("d2", 5, 13), ("d2", 18, 21),
    )


@pytest.mark.parametrize("include_interviewer", [False, True])
def test_codable_turns_are_the_turns_autocoder_codes(ccin, nlp, include_interviewer):
    from qda.coding import AutoCoder

    coder = AutoCoder(ccin, coders=(), nlp=nlp, include_interviewer=include_interviewer)
    assert list(codable_turns(CORPUS, include_interviewer)) == list(coder.codable_turns(CORPUS))


def test_turn_agreement():
    # Units t1 = [32, 63), t3 = [89, 95), u = d2 [18, 21).
    # A applied x to t1 and t3 (its [60, 92) straddles both); B to t1 and u.
    # a = 1 (t1), b = 1 (t3), c = 1 (u), d = 0, n = 3.
    #   p_o = 1/3, p_e = (2*2 + 1*1)/9 = 5/9, kappa = (3/9 - 5/9)/(4/9) = -0.5
    #   n1 = 2 + 2 = 4, n0 = 0 + 2 = 2, alpha = 1 - 5*2/(2*4) = -0.25
    row = agreement(FIRST, SECOND, turn_units(CORPUS)).table.iloc[0]
    assert (row.units, row.both, row.first_only, row.second_only, row.neither) == (3, 1, 1, 1, 0)
    assert row.kappa == pytest.approx(-0.5)
    assert row.alpha == pytest.approx(-0.25)
    assert row.agreement == pytest.approx(1 / 3) and row.agreement_coded == pytest.approx(1 / 3)


def test_sentence_units_are_trimmed_sentences_of_codable_turns(nlp):
    assert sentence_units(CORPUS, nlp).spans == (("d1", 32, 43), ("d1", 45, 63), ("d1", 89, 95), ("d2", 18, 21))
    with_interviewer = sentence_units(CORPUS, nlp, include_interviewer=True).spans
    assert ("d1", 13, 24) in with_interviewer and ("d2", 5, 13) in with_interviewer


def test_whitespace_only_sentence_is_no_unit(nlp):
    # "Money.  " ends in a whitespace token, which the sentencizer makes a sentence of its own.
    doc = document("w", ("Kelly", "Money.  "))
    assert sentence_units(Corpus([doc]), nlp).spans == (("w", 7, 13),)


def test_sentence_agreement(nlp):
    # Units s1 = [32, 43), s2 = [45, 63), s3 = [89, 95), s4 = d2 [18, 21).
    # A: [32, 42) and [37, 44) give s1 (43..44 is the space between sentences, in no unit);
    #    [60, 92) straddles s2 and s3.            A = {s1, s2, s3}
    # B: [40, 50) straddles s1 and s2; d2 gives s4. B = {s1, s2, s4}
    # a = 2, b = 1 (s3), c = 1 (s4), d = 0, n = 4.
    #   p_o = 2/4, p_e = (3*3 + 1*1)/16 = 10/16, kappa = (8/16 - 10/16)/(6/16) = -1/3
    #   n1 = 4 + 2 = 6, n0 = 0 + 2 = 2, alpha = 1 - 7*2/(2*6) = -1/6
    row = agreement(FIRST, SECOND, sentence_units(CORPUS, nlp)).table.iloc[0]
    assert (row.units, row.both, row.first_only, row.second_only, row.neither) == (4, 2, 1, 1, 0)
    assert row.kappa == pytest.approx(-1 / 3)
    assert row.alpha == pytest.approx(-1 / 6)


def test_qda_sentence_codings_are_sentence_units(ccin, nlp):
    # AutoCoder(unit="sentence") codes exactly these units, so machine codings line up.
    from qda.coding import AutoCoder

    corpus = read_corpus(SAMPLE / "interview_01.txt")
    codings = AutoCoder(ccin, nlp=nlp, unit="sentence").predict(corpus)
    spans = set(sentence_units(corpus, nlp).spans)
    assert codings and all((c.document, c.start, c.end) in spans for c in codings)


def test_character_agreement_counts_characters_by_hand():
    # Characters of codable turns: 31 (turn 1) + 6 (turn 3) + 3 (d2 turn 1) = 40.
    # A covers [32, 44) = 12, and of [60, 92) only [60, 63) = 3 and [89, 92) = 3: 18 in all
    #   (the overlap of its first two codings counts once; labels and turn 2 are no units).
    # B covers [40, 50) = 10 and d2 [18, 21) = 3: 13.
    # a = [40, 44) = 4, b = 18 - 4 = 14, c = 13 - 4 = 9, d = 40 - 4 - 14 - 9 = 13.
    #   p_o = 17/40 = 0.425
    #   p_e = ((4+14)(4+9) + (9+13)(14+13))/1600 = (234 + 594)/1600 = 0.5175
    #   kappa = (0.425 - 0.5175)/(1 - 0.5175) = -0.0925/0.4825 = -0.1917
    #   n1 = 8 + 23 = 31, n0 = 26 + 23 = 49, alpha = 1 - 79*23/(31*49) = 1 - 1817/1519 = -0.1962
    units = character_units(CORPUS)
    assert len(units) == 40
    row = agreement(FIRST, SECOND, units).table.iloc[0]
    assert (row.units, row.both, row.first_only, row.second_only, row.neither) == (40, 4, 14, 9, 13)
    assert row.kappa == pytest.approx(-0.0925 / 0.4825)
    assert row.alpha == pytest.approx(1 - 1817 / 1519)
    assert row.agreement_coded == pytest.approx(4 / 27)


def test_character_units_with_interviewer():
    # Adds turn 0 (11), turn 2 (4) and Ann's turn (8): 40 + 23 = 63 characters.
    assert len(character_units(CORPUS, include_interviewer=True)) == 63


def test_disagreements_per_unit_kind(nlp):
    turns = disagreements(FIRST, SECOND, turn_units(CORPUS), names=("Kim", "qda"))
    assert list(turns.columns) == ["code", "document", "start", "end", "coder"]
    assert turns.values.tolist() == [["x", "d1", 89, 95, "Kim"], ["x", "d2", 18, 21, "qda"]]
    sentences = disagreements(FIRST, SECOND, sentence_units(CORPUS, nlp))
    assert sentences.values.tolist() == [["x", "d1", 89, 95, "A"], ["x", "d2", 18, 21, "B"]]
    # Characters: runs within units that only one coder covered (14 for A, 9 for B).
    characters = disagreements(FIRST, SECOND, character_units(CORPUS))
    assert characters.values.tolist() == [
        ["x", "d1", 32, 40, "A"], ["x", "d1", 44, 50, "B"], ["x", "d1", 60, 63, "A"],
        ["x", "d1", 89, 92, "A"], ["x", "d2", 18, 21, "B"],
    ]


def test_boundaries_are_end_exclusive():
    # [20, 32) ends where turn 1 starts and [63, 64) is the newline after it: no unit.
    # [43, 45), the two spaces between turn 1's sentences, is in turn 1 and is 2 of its
    # characters, but in no sentence (see test_sentence_boundaries_are_end_exclusive).
    first = [("d1", 20, 32, "x"), ("d1", 63, 64, "x"), ("d1", 43, 45, "x")]
    turns = agreement(first, [], turn_units(CORPUS)).table.iloc[0]
    assert (turns.both, turns.first_only) == (0, 1)
    characters = agreement(first, [], character_units(CORPUS)).table.iloc[0]
    assert characters.first_only == 2


def test_sentence_boundaries_are_end_exclusive(nlp):
    first = [("d1", 20, 32, "x"), ("d1", 63, 64, "x"), ("d1", 43, 45, "x")]
    sentences = agreement(first, [], sentence_units(CORPUS, nlp)).table.iloc[0]
    assert sentences.first_only == 0


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_character_tables_equal_a_count_per_character(seed):
    # Random units and codings over two documents, counted one character at a time.
    rng = random.Random(seed)
    spans, chars = [], set()
    for doc in ("p", "q"):
        cuts = sorted(rng.sample(range(60), 6))
        for start, end in zip(cuts[::2], cuts[1::2]):
            spans.append((doc, start, end))
            chars |= {(doc, i) for i in range(start, end)}

    def coder():
        out = []
        for _ in range(rng.randint(0, 6)):
            start = rng.randint(0, 60)
            out.append((rng.choice("pq"), start, start + rng.randint(0, 15), "x"))
        return out

    first, second = coder(), coder()
    covered = [{(d, i) for d, s, e, _ in codings for i in range(s, e)} & chars for codings in (first, second)]
    units = Units("character", spans, each_character=True)
    row = agreement(first, second, units, codes=["x"]).table.iloc[0]
    a, b = covered
    assert (row.both, row.first_only, row.second_only, row.neither) == (
        len(a & b), len(a - b), len(b - a), len(chars - a - b))
    listed = disagreements(first, second, units, codes=["x"])
    for name, only in (("A", a - b), ("B", b - a)):
        runs = listed[listed["coder"] == name]
        assert {(d, i) for d, s, e in zip(runs["document"], runs["start"], runs["end"]) for i in range(s, e)} == only


# -- the terminal table ----------------------------------------------------------------------


def test_format_is_a_plain_table():
    units, (first, second) = two_code_study()
    text = agreement(first, second, units, codes=["x", "y", "unused"], names=("Kim", "qda")).format()
    lines = text.splitlines()
    assert lines[0] == "Agreement of Kim and qda on 50 turns, 3 codes"
    assert lines[2].split() == ["code", "units", "both", "Kim", "only", "qda", "only", "neither",
                                "kappa", "alpha", "agree", "agree", "coded"]
    x = next(line for line in lines if line.startswith("x "))
    assert x.split() == ["x", "50", "20", "5", "10", "15", "0.400", "0.400", "70.0%", "57.1%"]
    unused = next(line for line in lines if line.startswith("unused "))
    assert unused.split()[-4:] == ["n/a", "n/a", "100.0%", "n/a"]
    pooled = next(line for line in lines if line.startswith("pooled "))
    assert pooled.split()[:6] == ["pooled", "150", "22", "8", "11", "109"]
    assert "De Vries" in text and "mean of per-code kappas: 0.430 (2 of 3 codes defined)" in text
    assert "n/a = undefined" in text


def test_evaluate_shares_the_kappa():
    from qda import evaluate

    assert evaluate.cohen_kappa is cohen_kappa
