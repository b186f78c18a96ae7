"""Evaluation against a gold standard: hand-worked metrics, gold validation, reading predictions."""

from __future__ import annotations

import math
import re
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from qda.cli import main
from qda.errors import InputError, QdaError
from qda.evaluate import GoldSet, cohen_kappa, evaluate, read_gold, read_predictions
from qda.readers import document_id

# -- the worked example ---------------------------------------------------------------------
#
# Document d1 has 12 turns. Turns 0 and 6 are the interviewer's, so 10 units remain.
#
#   turn        1  2  3  4  5  7  8  9 10 11
#   gold A      x  x  x  x  x  x  .  .  .  .     6 gold positives
#   pred A      x  x  x  x  .  .  x  .  .  .     5 predicted (+ a rejected one on 9)
#   -> A: tp=4 (1,2,3,4)  fp=1 (8)  fn=2 (5,7)  tn=3 (9,10,11)
#      P = 4/5 = 0.8   R = 4/6 = 0.6667   F1 = 2*4/(2*4+1+2) = 8/11 = 0.7273
#      po = (4+3)/10 = 0.7
#      pe = (pred+ * gold+ + pred- * gold-)/n^2 = (5*6 + 5*4)/100 = 0.5
#      kappa = (0.7-0.5)/(1-0.5) = 0.4000
#
#   gold B      x  .  .  .  .  .  x  .  x  .     3 gold positives
#   pred B      x  .  .  .  .  .  x  .  .  x
#   -> B: tp=2 (1,8)  fp=1 (11)  fn=1 (10)  tn=6
#      P = R = F1 = 2/3 = 0.6667
#      po = 8/10 = 0.8   pe = (3*3 + 7*7)/100 = 0.58
#      kappa = 0.22/0.42 = 0.5238
#
#   macro P = (0.8 + 0.6667)/2 = 0.7333   macro R = 0.6667
#   macro F1 = (0.7273 + 0.6667)/2 = 0.6970   mean kappa = (0.4 + 0.5238)/2 = 0.4619
#   micro: tp=6 fp=2 fn=3 -> P = 0.75, R = 6/9 = 0.6667, F1 = 12/17 = 0.7059
#
# A prediction of A on interviewer turn 0 falls outside the units. Keeping the interviewer
# turns (exclude_speakers=()) makes it a false positive and adds turn 6 as a true negative:
#   A: tp=4 fp=2 fn=2 tn=4, n=12: po = 8/12, pe = (6*6 + 6*6)/144 = 0.5, kappa = 1/3.

GOLD_A = {1, 2, 3, 4, 5, 7}
GOLD_B = {1, 8, 10}
PRED_A = {0, 1, 2, 3, 4, 8}
PRED_B = {1, 8, 11}


def gold_csv(path: Path, rows: list[tuple], header: str = "document,turn,speaker,codes,text") -> Path:
    lines = [header] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def worked_gold(tmp_path: Path) -> Path:
    rows = []
    for turn in range(12):
        speaker = "Interviewer" if turn in (0, 6) else "Kelly"
        codes = ";".join(c for c, gold in (("A", GOLD_A), ("B", GOLD_B)) if turn in gold)
        rows.append(("d1", turn, speaker, codes, f"turn {turn}"))
    return gold_csv(tmp_path / "d1.csv", rows)


def coding(document, turn, code, status="suggested", start=0, end=1, source="rule") -> dict:
    return {"document": document, "turn": turn, "start": start, "end": end,
            "code": code, "status": status, "source": source}


def worked_predictions() -> pd.DataFrame:
    rows = [coding("d1", t, "A") for t in PRED_A] + [coding("d1", t, "B") for t in PRED_B]
    rows.append(coding("d1", 9, "A", status="rejected"))
    rows.append(coding("d2", 1, "A"))  # a document the gold does not have
    rows.append(coding("d1", None, "B"))  # a coding outside any turn (a speaker label)
    return pd.DataFrame(rows).astype({"turn": "Int64"})


def test_worked_example_per_code(tmp_path):
    result = evaluate(read_gold(worked_gold(tmp_path)), worked_predictions())
    table = result.table.set_index("code")
    a, b = table.loc["A"], table.loc["B"]
    assert (a.tp, a.fp, a.fn, a.tn) == (4, 1, 2, 3)
    assert (a.n_units, a.gold_positive, a.predicted_positive) == (10, 6, 5)
    assert a.precision == pytest.approx(0.8)
    assert a.recall == pytest.approx(0.6667, abs=1e-4)
    assert a.f1 == pytest.approx(0.7273, abs=1e-4)
    assert a.kappa == pytest.approx(0.4000, abs=1e-4)
    assert (b.tp, b.fp, b.fn, b.tn) == (2, 1, 1, 6)
    assert b.precision == b.recall == b.f1 == pytest.approx(2 / 3)
    assert b.kappa == pytest.approx(0.5238, abs=1e-4)


def test_worked_example_averages_and_ignored(tmp_path):
    result = evaluate(worked_gold(tmp_path), worked_predictions())  # a path is fine too
    assert result.macro["precision"] == pytest.approx(0.7333, abs=1e-4)
    assert result.macro["recall"] == pytest.approx(0.6667, abs=1e-4)
    assert result.macro["f1"] == pytest.approx(0.6970, abs=1e-4)
    assert result.macro["kappa"] == pytest.approx(0.4619, abs=1e-4)
    assert result.micro["precision"] == pytest.approx(0.75)
    assert result.micro["recall"] == pytest.approx(0.6667, abs=1e-4)
    assert result.micro["f1"] == pytest.approx(0.7059, abs=1e-4)
    assert (result.n_units, result.n_documents, result.excluded_units) == (10, 1, 2)
    assert result.ignored == {"rejected": 1, "other_documents": 1, "unplaced": 1, "unlisted_turns": 0}
    assert result.other_documents == ("d2",)


def test_interviewer_turns_kept_on_request(tmp_path):
    result = evaluate(read_gold(worked_gold(tmp_path)), worked_predictions(), exclude_speakers=())
    a = result.table.set_index("code").loc["A"]
    assert (a.tp, a.fp, a.fn, a.tn) == (4, 2, 2, 4)
    assert a.kappa == pytest.approx(1 / 3)
    assert result.excluded_units == 0


def test_interviewer_labels_case_insensitive_and_custom_names(tmp_path):
    rows = [("d", 0, "int", "", ""), ("d", 1, " Q ", "", ""), ("d", 2, "Sarah", "A", ""), ("d", 3, "Kim", "A", "")]
    gold = read_gold(gold_csv(tmp_path / "g.csv", rows))
    assert evaluate(gold, worked_predictions()).n_units == 2
    assert evaluate(gold, worked_predictions(), exclude_speakers={"sarah"}).n_units == 3


def test_codings_on_turns_whose_text_is_not_theirs_are_flagged(tmp_path):
    # the gold's turn 3 is "turn 3"; passages are checked against the turn they name
    gold = read_gold(worked_gold(tmp_path))
    same = worked_predictions().assign(text=lambda p: [f"turn  {t}" if pd.notna(t) else "" for t in p["turn"]])
    assert evaluate(gold, same).misplaced == 0 and "warning" not in evaluate(gold, same).format()
    shifted = same.assign(turn=lambda p: p["turn"] + 1)  # as if a preamble turn came first
    result = evaluate(gold, shifted)
    assert result.misplaced == len(PRED_A) + len(PRED_B) - 1  # not turn 11 + 1: no such gold turn
    assert f"warning: {result.misplaced} codings name a gold turn whose text does not hold" in result.format()


def test_numbered_interviewers_are_excluded_with_their_label(tmp_path):
    rows = [("d", 0, "Interviewer 2", "", ""), ("d", 1, "INT1", "", ""), ("d", 2, "Kim", "A", "")]
    gold = read_gold(gold_csv(tmp_path / "g.csv", rows))
    assert evaluate(gold, worked_predictions()).n_units == 1
    assert evaluate(gold, worked_predictions(), exclude_speakers={"int"}).n_units == 2
    texts, labels, documents = gold.labelled_turns(["A"])  # training data leaves them out too
    assert documents == ["d"] and labels["A"].tolist() == [True]


def test_rejected_codings_are_ignored(tmp_path):
    gold = read_gold(gold_csv(tmp_path / "g.csv", [("d", 0, "Kim", "A", ""), ("d", 1, "Kim", "", "")]))
    rejected = pd.DataFrame([coding("d", 0, "A", status="rejected"), coding("d", 1, "A", status="Rejected")])
    row = evaluate(gold, rejected).table.set_index("code").loc["A"]
    assert (row.tp, row.fp, row.fn, row.tn) == (0, 0, 1, 1)
    accepted = pd.DataFrame([coding("d", 0, "A", status="accepted")])
    assert evaluate(gold, accepted).table.set_index("code").loc["A", "tp"] == 1
    assert evaluate(gold, accepted.drop(columns=["status"])).ignored["rejected"] == 0  # status is optional


def test_codings_on_turns_the_gold_does_not_list_are_reported_not_scored(tmp_path):
    gold = read_gold(gold_csv(tmp_path / "g.csv", [("d1", t, "Kelly", "a" if t == 0 else "", "") for t in range(3)]))
    preds = pd.DataFrame([coding("d1", t, "a") for t in (0, 7, 8, 9, 12, 9)])
    result = evaluate(gold, preds)
    assert result.table.loc[0, ["tp", "fp", "fn", "tn"]].tolist() == [1, 0, 0, 2]
    assert result.ignored["unlisted_turns"] == 5
    assert result.unlisted_turns == (("d1", 7), ("d1", 8), ("d1", 9), ("d1", 12))
    assert "ignored: 5 codings on turns the gold does not list (d1 turns 7-9, 12)" in result.format()


def test_codes_argument_fixes_rows_and_order(tmp_path):
    result = evaluate(read_gold(worked_gold(tmp_path)), worked_predictions(), codes=["B", "A", "unused"])
    assert list(result.table["code"]) == ["B", "A", "unused"]
    unused = result.table.set_index("code").loc["unused"]
    assert (unused.tp, unused.fp, unused.fn, unused.tn) == (0, 0, 0, 10)
    assert all(math.isnan(unused[m]) for m in ("precision", "recall", "f1", "kappa"))
    # An all-undefined code leaves the macro averages as they were.
    assert result.macro["f1"] == pytest.approx(0.6970, abs=1e-4)


# -- edge cases: undefined metrics are NaN, never a silent 0 ---------------------------------


def one_code(tmp_path, gold_turns: set[int], pred_turns: set[int], n: int = 10):
    rows = [("d", t, "Kim", "A" if t in gold_turns else "", "") for t in range(n)]
    gold = read_gold(gold_csv(tmp_path / "g.csv", rows))
    preds = pd.DataFrame([coding("d", t, "A") for t in pred_turns], columns=list(coding("d", 0, "A")))
    return evaluate(gold, preds, codes=["A"]).table.iloc[0]


def test_no_predictions(tmp_path):
    # 3 gold positives, nothing predicted: P = 0/0 undefined; R = 0/3 = 0; F1 = 0/(0+0+3) = 0.
    # po = 7/10, pe = (0*3 + 10*7)/100 = 0.7, kappa = 0.
    row = one_code(tmp_path, {1, 2, 3}, set())
    assert math.isnan(row.precision)
    assert row.recall == 0.0 and row.f1 == 0.0 and row.kappa == pytest.approx(0.0)


def test_no_gold_positives(tmp_path):
    # 1 prediction, no gold positives: P = 0/1 = 0; R = 0/0 undefined; F1 = 0/(0+1+0) = 0.
    # po = 9/10, pe = (1*0 + 9*10)/100 = 0.9, kappa = 0.
    row = one_code(tmp_path, set(), {4})
    assert row.precision == 0.0 and row.f1 == 0.0 and row.kappa == pytest.approx(0.0)
    assert math.isnan(row.recall)


def test_nothing_anywhere_is_undefined(tmp_path):
    # All units negative on both sides: pe = 1, so kappa is undefined, and so are P, R, F1.
    row = one_code(tmp_path, set(), set())
    assert row.tn == 10
    assert all(math.isnan(row[m]) for m in ("precision", "recall", "f1", "kappa"))


def test_everything_positive_kappa_undefined(tmp_path):
    # All units positive on both sides: perfect P, R, F1, but pe = 1 so kappa is NaN.
    row = one_code(tmp_path, set(range(4)), set(range(4)), n=4)
    assert row.precision == row.recall == row.f1 == 1.0
    assert math.isnan(row.kappa)


def test_perfect_agreement_and_perfect_disagreement():
    assert cohen_kappa(3, 0, 0, 7) == 1.0
    # Every unit wrong with balanced marginals: po = 0, pe = 0.5, kappa = -1.
    assert cohen_kappa(0, 5, 5, 0) == -1.0
    assert math.isnan(cohen_kappa(0, 0, 0, 0))


def test_kappa_matches_sklearn():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    tables = [(4, 1, 2, 3), (2, 1, 1, 6), (4, 2, 2, 4), (1, 0, 3, 96), (10, 7, 2, 31), (0, 3, 2, 5), (5, 5, 5, 5)]
    for tp, fp, fn, tn in tables:
        gold = [1] * tp + [0] * fp + [1] * fn + [0] * tn
        pred = [1] * tp + [1] * fp + [0] * fn + [0] * tn
        expected = sklearn_metrics.cohen_kappa_score(gold, pred)
        assert cohen_kappa(tp, fp, fn, tn) == pytest.approx(expected, abs=1e-12), (tp, fp, fn, tn)


def test_per_code_metrics_match_sklearn(tmp_path):
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    result = evaluate(read_gold(worked_gold(tmp_path)), worked_predictions())
    units = [t for t in range(12) if t not in (0, 6)]
    for code, gold_set, pred_set in (("A", GOLD_A, PRED_A), ("B", GOLD_B, PRED_B)):
        y_true = [t in gold_set for t in units]
        y_pred = [t in pred_set for t in units]
        row = result.table.set_index("code").loc[code]
        assert row.precision == pytest.approx(sklearn_metrics.precision_score(y_true, y_pred))
        assert row.recall == pytest.approx(sklearn_metrics.recall_score(y_true, y_pred))
        assert row.f1 == pytest.approx(sklearn_metrics.f1_score(y_true, y_pred))
        assert row.kappa == pytest.approx(sklearn_metrics.cohen_kappa_score(y_true, y_pred))


def test_format_is_a_plain_table(tmp_path):
    result = evaluate(read_gold(worked_gold(tmp_path)), worked_predictions(), codes=["A", "B", "unused"])
    text = result.format()
    lines = text.splitlines()
    assert lines[0].startswith("turn-level agreement with the gold: 10 units in 1 document (2 excluded")
    row_a = next(line for line in lines if line.startswith("A "))
    assert row_a.split() == ["A", "0.800", "0.667", "0.727", "0.400", "-", "6"]  # one document: no interval
    macro = next(line for line in lines if line.startswith("macro"))
    assert macro.split() == ["macro", "0.733", "0.667", "0.697", "0.462", "-"]
    assert next(line for line in lines if line.startswith("unused")).split()[1:6] == ["-"] * 5
    assert "95% CI:" not in text
    assert "1 rejected coding;" in text and "(d2)" in text and "1 coding without a turn" in text


# -- intervals: whole documents resampled -------------------------------------------------


def two_documents(tmp_path, pred_turns: dict[str, set[int]]):
    # Code A on turn 0 of each document, never on turn 1.
    rows = [(doc, t, "Kim", "A" if t == 0 else "", "") for doc in ("d1", "d2") for t in (0, 1)]
    gold = read_gold(gold_csv(tmp_path / "g.csv", rows))
    preds = pd.DataFrame([coding(doc, t, "A") for doc, turns in pred_turns.items() for t in turns],
                         columns=list(coding("d", 0, "A")))
    return evaluate(gold, preds, codes=["A"])


def test_kappa_interval_resamples_whole_documents(tmp_path):
    # d1 right (tp, tn), d2 wrong both ways (fn, fp): kappa 0 over both. A resample of two
    # documents is d1+d1 (kappa 1), d1+d2 (0) or d2+d2 (tp 0, fp 2, fn 2, tn 0: po 0, pe
    # 0.5, kappa -1), each with 25% or more of the draws, so the 95% interval is [-1, 1].
    result = two_documents(tmp_path, {"d1": {0}, "d2": {1}})
    row = result.table.iloc[0]
    assert row.kappa == pytest.approx(0.0)
    assert (row.kappa_low, row.kappa_high) == (-1.0, 1.0)
    assert result.macro_interval["kappa"] == (-1.0, 1.0)
    # F1 of the three resamples: 1, 0.5 (tp 1, fp 1, fn 1) and 0 (tp 0).
    assert result.macro_interval["f1"] == (0.0, 1.0)


def test_kappa_interval_of_perfect_agreement_is_a_point(tmp_path):
    row = two_documents(tmp_path, {"d1": {0}, "d2": {0}}).table.iloc[0]
    assert (row.kappa, row.kappa_low, row.kappa_high) == (1.0, 1.0, 1.0)


def test_intervals_repeat_and_are_printed(tmp_path):
    first = two_documents(tmp_path, {"d1": {0}, "d2": {1}})
    again = two_documents(tmp_path, {"d1": {0}, "d2": {1}})
    assert first.table.equals(again.table) and first.macro_interval == again.macro_interval
    text = first.format()
    assert next(line for line in text.splitlines() if line.startswith("A ")).split()[5:7] == ["[-1.00,", "1.00]"]
    assert "95% CI: 2000 bootstrap resamples of the 2 documents" in text and "macro F1 [0.00, 1.00]" in text


# -- sentence units -----------------------------------------------------------------------


def test_sentence_units_count_overlap(tmp_path):
    header = "document,turn,speaker,codes,text,start,end"
    rows = [
        ("d", 0, "Kim", "A", "whole turn", "", ""),  # a turn row: not a sentence unit
        ("d", 0, "", "A", "first", 0, 10),  # speaker inherited from the turn row
        ("d", 0, "", "", "second", 10, 20),
        ("d", 0, "", "A", "third", 20, 30),
        ("d", 1, "Interviewer", "", "question", 30, 40),
    ]
    gold = read_gold(gold_csv(tmp_path / "g.csv", rows, header))
    assert len(gold.of_unit("sentence")) == 4 and len(gold.of_unit("turn")) == 1
    preds = pd.DataFrame([
        coding("d", 0, "A", start=8, end=12),  # overlaps sentences 1 and 2
        coding("d", 0, "A", start=30, end=35),  # touches 3 at its end only: half-open, no overlap
        coding("d", 0, "B", start=25, end=26),  # inside sentence 3
    ])
    table = evaluate(gold, preds, unit="sentence").table.set_index("code")
    # A: s1 tp, s2 fp, s3 fn (30..35 does not reach it); the interviewer's sentence is excluded.
    assert tuple(table.loc["A", ["tp", "fp", "fn", "tn"]]) == (1, 1, 1, 0)
    assert tuple(table.loc["B", ["tp", "fp", "fn", "tn"]]) == (0, 1, 0, 2)


def test_sentence_overlap_sees_long_earlier_codings(tmp_path):
    # The coding starting first reaches furthest: a later, shorter one must not hide it.
    header = "document,turn,speaker,codes,text,start,end"
    gold = read_gold(gold_csv(tmp_path / "g.csv", [("d", 0, "Kim", "A", "", 50, 60)], header))
    preds = pd.DataFrame([coding("d", 0, "A", start=0, end=55), coding("d", 0, "A", start=10, end=12)])
    assert evaluate(gold, preds, unit="sentence").table.loc[0, "tp"] == 1


def run_main(monkeypatch, capsys, *args) -> tuple[int, str]:
    """`qda ARGS` through `qda.cli.main` in-process: (exit code, stderr)."""
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # main() replaces it
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # typer replaces it
    monkeypatch.setattr(sys, "argv", ["qda", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    return info.value.code, capsys.readouterr().err


def test_unknown_unit_is_a_user_error(tmp_path, monkeypatch, capsys):
    gold = worked_gold(tmp_path)
    with pytest.raises(QdaError, match="^unknown unit `bogus`; choose turn or sentence$"):
        evaluate(gold, worked_predictions(), unit="bogus")
    worked_predictions().to_csv(tmp_path / "coded.csv", index=False)
    code, stderr = run_main(monkeypatch, capsys, "evaluate", "--gold", gold, "--pred", tmp_path / "coded.csv",
                            "--unit", "bogus")
    assert code == 1 and stderr == "error: unknown unit `bogus`; choose turn or sentence\n"


def test_missing_unit_level_is_an_input_error(tmp_path):
    gold = read_gold(worked_gold(tmp_path))
    with pytest.raises(InputError, match="no sentence units"):
        evaluate(gold, worked_predictions(), unit="sentence")


# -- gold validation ----------------------------------------------------------------------


def test_gold_folder_with_bom_and_quoted_multiline_text(tmp_path):
    folder = tmp_path / "turns"
    folder.mkdir()
    (folder / "a.csv").write_text(
        "\ufeffdocument,turn,speaker,codes,text\r\n"
        'a,0,Interviewer,,"Hello, and welcome"\r\n'
        'a,1,Kim, threshold ; up_down ,"line one\r\nline two"\r\n',
        encoding="utf-8",
    )
    gold_csv(folder / "b.csv", [("b", 0, "Sam", "", "hi")])
    (folder / "notes.txt").write_text("not gold")
    gold = read_gold(folder, known_codes={"threshold", "up_down"})
    assert isinstance(gold, GoldSet)
    assert gold.documents == ["a", "b"]
    assert gold.codes == ["threshold", "up_down"]
    assert gold.units.loc[1, "codes"] == ("threshold", "up_down")
    assert gold.units.loc[1, "text"] == "line one\r\nline two"
    assert len(gold.paths) == 2
    assert len(read_gold([folder / "a.csv", folder / "b.csv"]).units) == 3


def test_gold_unclosed_quote_names_the_line_it_opens(tmp_path):
    # The quoted cell on lines 2-3 is fine; the one opened on line 5 would swallow the rest.
    path = tmp_path / "g.csv"
    path.write_text('document,turn,speaker,codes,text\nd1,0,Interviewer,,"Two\nlines?"\nd1,1,Kelly,a,one\n'
                    'd1,2,Kelly,a,"She said it was borderline\nd1,3,Kelly,a;b,two\nd1,4,Kelly,,three\n')
    message = f'{path}: line 5: a quoted cell starts here and is never closed; end a quoted cell with " and write'
    with pytest.raises(InputError, match=f"^{re.escape(message)}"):
        read_gold(path)
    with pytest.raises(InputError, match=f"^{re.escape(message)}"):  # another coder's gold as --pred
        read_predictions(path)
    path.write_text('document,turn,speaker,codes,text\nd1,0,Kelly,a,"one" said\n')
    with pytest.raises(InputError, match="line 2: the quoting is broken"):
        read_gold(path)


def test_gold_document_matches_the_coded_tables_id(tmp_path):
    transcripts = ("Interview 07.txt", "site.2 Kim.docx")
    preds = pd.DataFrame([coding(document_id(name), 1, "A") for name in transcripts])
    for interview, site in (("Interview 07", "site.2 Kim"), ("interview-07", "site-2-kim")):
        rows = [(doc, t, "Kelly", "A" if t == 1 else "", "") for doc in (interview, site) for t in range(2)]
        gold = read_gold(gold_csv(tmp_path / "g.csv", rows))
        assert gold.documents == ["interview-07", "site-2-kim"]
        assert evaluate(gold, preds).table.loc[0, "recall"] == 1
    both = gold_csv(tmp_path / "both.csv", [("Interview 07", 0, "Kim", "", ""), ("interview-07", 0, "Kim", "", "")])
    with pytest.raises(InputError, match="line 3: document 'interview-07' turn 0 is already given at .*both.csv:2"):
        read_gold(both)


def test_gold_missing_column(tmp_path):
    path = gold_csv(tmp_path / "g.csv", [("d", 0, "Kim", "")], header="document,turn,speaker,text")
    with pytest.raises(InputError, match=r"line 1: missing column\(s\) codes") as err:
        read_gold(path)
    assert err.value.path == str(path)


def test_gold_non_integer_turn_names_line(tmp_path):
    # The quoted cell spans lines 2-3, so the bad row starts on line 4.
    path = tmp_path / "g.csv"
    path.write_text('document,turn,speaker,codes,text\nd,0,Kim,,"two\nlines"\nd,1.5,Kim,,x\nd,,Kim,,x\n')
    with pytest.raises(InputError) as err:
        read_gold(path)
    message = str(err.value)
    assert message.startswith(f"{path}: 2 problems")
    assert "line 4: turn '1.5' is not a whole number" in message
    assert "line 5: turn '' is not a whole number" in message


def test_gold_duplicate_turn(tmp_path):
    path = gold_csv(tmp_path / "g.csv", [("d", 0, "Kim", "", ""), ("d", 1, "Kim", "", ""), ("d", 0, "Kim", "A", "")])
    with pytest.raises(InputError, match=r"line 4: document 'd' turn 0 is already given at .*g.csv:2"):
        read_gold(path)


def test_gold_duplicate_across_files(tmp_path):
    first = gold_csv(tmp_path / "a.csv", [("d", 0, "Kim", "", "")])
    second = gold_csv(tmp_path / "b.csv", [("d", 0, "Kim", "", "")])
    with pytest.raises(InputError, match="already given at .*a.csv:2") as err:
        read_gold(tmp_path)
    assert err.value.path == str(second) and str(first) in err.value.reason


def test_gold_unknown_code_and_comma_separator(tmp_path):
    path = gold_csv(tmp_path / "g.csv", [("d", 0, "Kim", "threshhold", ""), ("d", 1, "Kim", '"threshold,drift"', "")])
    with pytest.raises(InputError) as err:
        read_gold(path, known_codes={"threshold", "drift"})
    message = str(err.value)
    assert "line 2: unknown code id 'threshhold'; use one of: drift, threshold" in message
    assert "line 3: code 'threshold,drift': separate code ids with ';'" in message
    read_gold(gold_csv(tmp_path / "ok.csv", [("d", 0, "Kim", "anything", "")]))  # no codebook: no check


def test_gold_bad_sentence_span_and_field_count(tmp_path):
    header = "document,turn,speaker,codes,text,start,end"
    path = gold_csv(tmp_path / "g.csv", [("d", 0, "Kim", "", "", 5, 5), ("d", 0, "Kim", "", "", 3, ""), ("d", 1, "Kim")], header)
    with pytest.raises(InputError) as err:
        read_gold(path)
    message = str(err.value)
    assert "line 2: start 5 is not before end 5" in message
    assert "line 3: start '3' and end '' must both be whole numbers" in message
    assert "line 4: 3 fields where the header has 7" in message


def test_gold_empty_inputs(tmp_path):
    with pytest.raises(InputError, match="is empty"):
        read_gold(gold_csv(tmp_path / "empty.csv", [], header=""))
    with pytest.raises(InputError, match="header but no rows"):
        read_gold(gold_csv(tmp_path / "header.csv", []))
    (tmp_path / "none").mkdir()
    with pytest.raises(InputError, match="holds no .csv gold files"):
        read_gold(tmp_path / "none")
    with pytest.raises(InputError, match="no such file or folder"):
        read_gold(tmp_path / "missing.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("document,turn,speaker,codes,text\nd,0,Kim,,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_gold(bad)


# -- reading predictions ------------------------------------------------------------------


def prediction_frame() -> pd.DataFrame:
    # What qda's CSV/XLSX writers emit for formula-like text: a leading "'" guard.
    return pd.DataFrame({
        "document": ["d1", "d1", "d1"],
        "turn": pd.array([1, None, 3], dtype="Int64"),
        "start": [0, 5, 9],
        "end": [4, 8, 12],
        "text": ["'=SUM(A1)", "'plain quote", "'-5 degrees"],
        "code": ["A", "B", "A"],
        "status": ["suggested", "rejected", "accepted"],
        "source": ["rule", "rule", "human"],
    })


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_read_predictions_formats(tmp_path, suffix):
    frame = prediction_frame()
    path = tmp_path / f"coded{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path) as writer:
            pd.DataFrame({"note": ["summary first"]}).to_excel(writer, sheet_name="summary", index=False)
            frame.to_excel(writer, sheet_name="codings", index=False)
    else:
        frame.to_parquet(path, index=False)
    table = read_predictions(path)
    assert list(table["turn"]) == [1, pd.NA, 3]
    assert str(table["turn"].dtype) == "Int64"
    assert list(table["start"]) == [0, 5, 9] and list(table["code"]) == ["A", "B", "A"]
    if suffix == ".parquet":  # raw values: nothing to undo
        assert list(table["text"]) == ["'=SUM(A1)", "'plain quote", "'-5 degrees"]
    else:
        assert list(table["text"]) == ["=SUM(A1)", "'plain quote", "-5 degrees"]


def test_read_predictions_errors(tmp_path):
    with pytest.raises(InputError, match="unknown format '.txt'"):
        read_predictions(tmp_path / "coded.txt")
    with pytest.raises(InputError, match="no such file"):
        read_predictions(tmp_path / "coded.csv")
    prediction_frame().drop(columns=["turn"]).to_csv(tmp_path / "noturn.csv", index=False)
    with pytest.raises(InputError, match=r"missing column\(s\) turn"):
        read_predictions(tmp_path / "noturn.csv")
    bad = prediction_frame().astype({"turn": "object"})
    bad.loc[2, "turn"] = "three"
    bad.to_csv(tmp_path / "badturn.csv", index=False)
    with pytest.raises(InputError, match="row 4 .*turn 'three' is not a whole number"):
        read_predictions(tmp_path / "badturn.csv")
    prediction_frame().to_excel(tmp_path / "nosheet.xlsx", sheet_name="Sheet1", index=False)
    with pytest.raises(InputError, match="no sheet named 'codings'"):
        read_predictions(tmp_path / "nosheet.xlsx")


def test_evaluate_from_files(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    worked_gold(gold)
    coded = tmp_path / "coded.parquet"
    worked_predictions().to_parquet(coded, index=False)
    result = evaluate(gold, coded)
    assert result.macro["kappa"] == pytest.approx(0.4619, abs=1e-4)


def test_a_second_coders_gold_is_scored_against_the_first(tmp_path):
    """Inter-coder reliability at turn level: `--pred` may be another hand coding."""
    first = gold_csv(tmp_path / "first.csv", [
        ("d", 0, "Interviewer", "", "q"), ("d", 1, "Kelly", "x;y", "a"), ("d", 2, "Kelly", "x", "b"),
        ("d", 3, "Kelly", "", "c")])
    (tmp_path / "second").mkdir()
    gold_csv(tmp_path / "second" / "d.csv", [
        ("d", 0, "Interviewer", "", "q"), ("d", 1, "Kelly", "x", "a"), ("d", 2, "Kelly", "x", "b"),
        ("d", 3, "Kelly", "y", "c")])
    for second in (tmp_path / "second", tmp_path / "second" / "d.csv"):
        table = evaluate(read_gold(first), read_predictions(second)).table.set_index("code")
        assert (table.loc["x", "tp"], table.loc["x", "fp"], table.loc["x", "fn"]) == (2, 0, 0)
        assert (table.loc["y", "tp"], table.loc["y", "fp"], table.loc["y", "fn"]) == (0, 1, 1)
