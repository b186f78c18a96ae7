"""Writers: round trips, XLSX sheets, formula neutralising, atomic replace, errors."""

from __future__ import annotations

import os

import openpyxl
import pandas as pd
import pytest

from qda.codebook import Code, Codebook
from qda.corpus import Coding, Corpus, Document, Turn
from qda.errors import OutputError
from qda.table import coded_table
from qda.writers import neutralise, sheet_name, write_table

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1", "-cmd", "@SUM"]


def make_table() -> pd.DataFrame:
    """Two documents, one passage per hostile string, plus a non-ASCII one."""
    text_a = "P: " + " ".join(HOSTILE) + " café\n"
    text_b = "Q: naïve — ok\n"
    docs = [
        Document("a", "Doc A", text_a, {"role": "social worker", "team": "=evil()"},
                 [Turn(0, "P", 3, len(text_a) - 1)]),
        Document("b", "Doc B", text_b, {"role": "manager"}, [Turn(0, "Q", 3, len(text_b) - 1)]),
    ]
    codebook = Codebook("t", {"fit": Code("fit", "Fit"), "cut": Code("cut", "Cut-off", parent="fit"),
                              "unused": Code("unused", "Unused")})
    codings = []
    for word in HOSTILE + ["café"]:
        start = text_a.index(word)
        codings.append(Coding("a", start, start + len(word), "fit", "rule", "r1", 0.5, evidence=word))
    codings.append(Coding("a", 3, 5, "cut", "human", "ann", -0.25))  # a negative number
    codings.append(Coding("b", 3, 8, "cut", "human", "ann", 1.0, memo="naïve"))
    codings.append(Coding("b", 0, 1, "unused", "human", "ann"))  # on the label: no turn
    return coded_table(Corpus(docs), codings, codebook)


@pytest.fixture
def table() -> pd.DataFrame:
    return make_table()


def leftovers(directory) -> list[str]:
    return sorted(p for p in os.listdir(directory) if p.endswith(".tmp"))


# -- CSV ------------------------------------------------------------------------------------


def test_csv_round_trip_utf8_bom(table, tmp_path):
    path = write_table(table, tmp_path / "out.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == list(table.columns)
    assert len(back) == len(table)
    assert "café" in back["text"].tolist() and "naïve" in back["memo"].tolist()
    assert back["start"].tolist() == table["start"].tolist()


def test_csv_neutralises_formulas_but_not_numbers(table, tmp_path):
    path = write_table(table, tmp_path / "out.csv")
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    texts = set(back["text"])
    for word in HOSTILE:
        assert "'" + word in texts and word not in texts
        assert "'" + word in set(back["evidence"])
    assert set(back.loc[back.document == "a", "team"]) == {"'=evil()"}
    assert -0.25 in back["confidence"].tolist()  # numeric, not "'-0.25"
    assert "'-0.25" not in path.read_text(encoding="utf-8-sig")
    assert back["turn"].tolist().count("") == 1  # no turn: an empty cell, not "<NA>"


# -- XLSX -----------------------------------------------------------------------------------


def sheet_rows(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_xlsx_sheets_and_contents(table, tmp_path):
    path = write_table(table, tmp_path / "out.xlsx", documents=["a", "b", "c"], codes=["fit", "cut", "unused"])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["codings", "code_x_document", "by_role", "by_team"]

    codings = sheet_rows(wb["codings"])
    assert codings[0] == list(table.columns)
    assert len(codings) == len(table) + 1
    assert wb["codings"].freeze_panes == "A2"
    assert wb["codings"]["A1"].font.bold

    matrix = sheet_rows(wb["code_x_document"])
    assert matrix[0] == ["code", "a", "b", "c"]
    assert matrix[1:] == [["fit", 5, 0, 0], ["cut", 1, 1, 0], ["unused", 0, 1, 0]]
    assert wb["code_x_document"]["B1"].font.bold

    by_role = sheet_rows(wb["by_role"])
    assert by_role[0] == ["code", "manager", "social worker", "total"]
    assert by_role[1:] == [["fit", 0, 5, 5], ["cut", 1, 1, 2], ["unused", 1, 0, 1]]
    by_team = sheet_rows(wb["by_team"])
    assert by_team[0] == ["code", "'=evil()", "(missing)", "total"]  # header neutralised too


def test_xlsx_neutralises_formulas_keeps_numbers(table, tmp_path):
    path = write_table(table, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path)["codings"]
    header = [c.value for c in ws[1]]
    col = {name: i for i, name in enumerate(header)}
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    texts = {r[col["text"]] for r in rows}
    for word in HOSTILE:
        assert "'" + word in texts and word not in texts
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"  # no cell is stored as a formula
    confidences = [r[col["confidence"]] for r in rows]
    assert -0.25 in confidences and all(isinstance(c, (int, float)) for c in confidences)
    assert all(isinstance(r[col["start"]], int) for r in rows)
    turns = [r[col["turn"]] for r in rows]
    assert turns.count(None) == 1 and all(isinstance(t, int) for t in turns if t is not None)


def test_xlsx_of_an_archive_goes_on_over_sheets_and_turns_wide_summaries(table, tmp_path, monkeypatch):
    """Past Excel's rows the codings go on in codings_2..., and a summary with more
    documents than a sheet has columns has its codes across instead (limits made small)."""
    from qda import writers

    whole = sheet_rows(openpyxl.load_workbook(write_table(table, tmp_path / "whole.xlsx"))["codings"])
    monkeypatch.setattr(writers, "EXCEL_ROW_LIMIT", 4)  # a header and three codings a sheet
    monkeypatch.setattr(writers, "EXCEL_COLUMN_LIMIT", 3)  # the code column and two more
    wb = openpyxl.load_workbook(write_table(table, tmp_path / "out.xlsx", codes=["fit", "cut", "unused"]))
    assert wb.sheetnames == ["codings", "codings_2", "codings_3", "code_x_document", "by_role", "by_team"]
    parts = [sheet_rows(wb[name]) for name in ("codings", "codings_2", "codings_3")]
    assert all(rows[0] == list(table.columns) for rows in parts)
    assert [row for rows in parts for row in rows[1:]] == whole[1:]  # every coding, in order
    assert sheet_rows(wb["code_x_document"]) == [["code", "a", "b"], ["fit", 5, 0], ["cut", 1, 1], ["unused", 0, 1]]
    wide = write_table(table, tmp_path / "wide.xlsx", documents=["a", "b", "c"], codes=["fit", "cut", "unused"])
    assert sheet_rows(openpyxl.load_workbook(wide)["code_x_document"]) == [
        ["document", "fit", "cut", "unused"], ["a", 5, 1, 0], ["b", 0, 1, 1], ["c", 0, 0, 0]]
    assert sheet_rows(wb["by_role"])[0] == ["role", "fit", "cut", "unused"]  # manager, social worker, total
    assert sheet_rows(wb["by_team"])[0] == ["team", "fit", "cut", "unused"]


def test_xlsx_empty_table(tmp_path):
    empty = make_table().iloc[0:0]
    path = write_table(empty, tmp_path / "empty.xlsx", codes=["fit"])
    wb = openpyxl.load_workbook(path)
    assert sheet_rows(wb["code_x_document"]) == [["code"], ["fit"]]
    assert sheet_rows(wb["codings"]) == [list(empty.columns)]


def test_sheet_names_sanitised_and_unique():
    long = "by_" + "x" * 40
    assert len(sheet_name(long)) == 31
    assert sheet_name("by_a/b:c*?[d]\\") == "by_a_b_c___d__"
    assert sheet_name("'quoted'") == "quoted"
    assert sheet_name("Codings", ["codings"]) == "Codings_2"
    assert sheet_name(long, [sheet_name(long)]).endswith("_2")
    assert len(sheet_name(long, [sheet_name(long)])) == 31
    assert sheet_name("History") == "History_2"


def test_xlsx_attribute_with_awkward_name(tmp_path, table):
    table = table.rename(columns={"team": "team/site: " + "y" * 40})
    path = write_table(table, tmp_path / "out.xlsx")
    names = openpyxl.load_workbook(path).sheetnames
    assert names[3].startswith("by_team_site_") and len(names[3]) == 31


# -- Parquet --------------------------------------------------------------------------------


def test_parquet_round_trip_raw(table, tmp_path):
    path = write_table(table, tmp_path / "out.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, table)
    assert set(HOSTILE) <= set(back["text"])  # data, not a spreadsheet: kept raw


# -- atomic writes and errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix, owner, method",
    [
        (".csv", pd.DataFrame, "to_csv"),
        (".parquet", pd.DataFrame, "to_parquet"),
        (".xlsx", openpyxl.Workbook, "save"),
    ],
)
def test_failed_write_keeps_previous_file_and_no_temp(table, tmp_path, monkeypatch, suffix, owner, method):
    target = tmp_path / f"out{suffix}"
    target.write_bytes(b"previous")

    def half_then_fail(self, path, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"half-written")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(owner, method, half_then_fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_table(table, target)
    assert target.read_bytes() == b"previous"
    assert leftovers(tmp_path) == []


def test_os_error_during_write_becomes_output_error(table, tmp_path, monkeypatch):
    def fail(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail)
    with pytest.raises(OutputError, match="No space left"):
        write_table(table, tmp_path / "out.csv")
    assert os.listdir(tmp_path) == []


def test_successful_write_replaces_and_keeps_mode(table, tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_table(table, target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert (os.stat(target).st_mode & 0o777) == 0o640
    assert leftovers(tmp_path) == []


def test_unknown_extension(table, tmp_path):
    with pytest.raises(OutputError, match=r"\.csv, \.xlsx, \.parquet"):
        write_table(table, tmp_path / "out.json")
    with pytest.raises(OutputError, match="no extension"):
        write_table(table, tmp_path / "out")
    assert os.listdir(tmp_path) == []


def test_extension_is_case_insensitive(table, tmp_path):
    path = write_table(table, tmp_path / "OUT.CSV")
    assert len(pd.read_csv(path, encoding="utf-8-sig")) == len(table)


def test_missing_parent_directory(table, tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_table(table, tmp_path / "nope" / "out.csv")
    (tmp_path / "plain.txt").write_text("x")
    with pytest.raises(OutputError, match="plain.txt is a file, not a folder"):
        write_table(table, tmp_path / "plain.txt" / "out.csv")


def test_output_that_is_a_folder(table, tmp_path):
    with pytest.raises(OutputError, match="is a folder; give the output a file name in it"):
        write_table(table, tmp_path)


def test_neutralise_rule():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\tcmd") == "'\tcmd" and neutralise("\rcmd") == "'\rcmd"
    assert neutralise("plain - text") == "plain - text"
    assert neutralise(-3) == -3 and neutralise(None) is None
