"""The `qda` command line: `code`, `codebook check` and `evaluate`.

Successful runs go through typer's CliRunner on `qda.cli.app` (in-process, sharing the
session's spaCy pipeline). User errors are handled by `qda.cli.main` (one message, exit 1,
no traceback), which CliRunner on `app` bypasses, so error cases call `main()` in-process
with `sys.argv` set. A few runs use the installed console script in a subprocess to check
real exit codes and stderr; each costs a second or two (Python + spaCy start-up).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from qda import readers
from qda.cli import app, main
from qda.errors import QdaError

from conftest import ZOOM_CALL, ZOOM_INTERVIEW

ROOT = Path(__file__).resolve().parent.parent
CCIN = ROOT / "codebooks" / "ccin.yaml"
SAMPLE = ROOT / "transcripts_sample"
SAMPLE_DOCUMENTS = len(list(SAMPLE.glob("*.txt")))
GOLD_DEV = ROOT / "gold" / "dev"
GOLD_HELDOUT = ROOT / "gold" / "heldout"
CCIN_IDS = [
    "threshold", "drift", "up_down", "boundary_object", "relational", "oversight",
    "fear_coercion", "interagency", "professional_identity",
]

runner = CliRunner()


def qda_script() -> str:
    found = shutil.which("qda", path=str(Path(sys.executable).parent)) or shutil.which("qda")
    if found is None:
        pytest.skip("the `qda` console script is not installed")
    return found


def run_script(*args: str, cwd: Path | None = None, **environment: str) -> subprocess.CompletedProcess:
    """The console script as a user runs it, output piped (not a terminal), no COLUMNS."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")} | environment
    return subprocess.run(
        [qda_script(), *args], cwd=cwd or ROOT, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=120,
    )


def invoke(*args: str):
    """`qda ARGS` in-process through CliRunner; a crash fails the test with its traceback."""
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def run_main(monkeypatch, capsys, nlp):
    """Run `qda.cli.main()` with these arguments; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # main() replaces it
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # typer replaces it

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["qda", *[str(a) for a in args]])
        with pytest.raises(SystemExit) as info:
            main()
        out, err = capsys.readouterr()
        code = info.value.code
        return (0 if code is None else code), out, err

    return run


def read_coded(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_excel(path, sheet_name="codings", engine="openpyxl").fillna("")


def assert_codings_are_sound(frame: pd.DataFrame) -> None:
    assert len(frame) > 0
    assert set(frame["code"]) <= set(CCIN_IDS)
    assert (frame["evidence"].astype(str).str.strip() != "").all()
    confidence = frame["confidence"].astype(float)
    assert ((confidence > 0) & (confidence <= 1)).all()
    assert (frame["text"].astype(str).str.strip() != "").all()


@pytest.fixture(scope="module")
def sample_corpus():
    return readers.read_corpus(SAMPLE)


@pytest.fixture(scope="module")
def coded_csv(tmp_path_factory, nlp) -> Path:
    """`qda code transcripts_sample --codebook ccin.yaml --out coded.csv`, run once."""
    out = tmp_path_factory.mktemp("coded") / "coded.csv"
    result = invoke("code", SAMPLE, "--codebook", CCIN, "--out", out)
    assert result.exit_code == 0, result.output
    return out


# -- qda code: outputs -----------------------------------------------------------------------


def test_code_writes_xlsx_with_codings_and_summary_sheets(tmp_path, nlp, sample_corpus):
    out = tmp_path / "coded.xlsx"
    # The writer is what is tested: the rules alone are quicker than the default with qda's model.
    result = invoke("code", SAMPLE, "--codebook", CCIN, "--out", out, "--coders", "rules,metaphor")
    assert result.exit_code == 0, result.output
    assert out.is_file()
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert workbook.sheetnames[:2] == ["codings", "code_x_document"]
    assert "by_role" in workbook.sheetnames
    rows = list(workbook["codings"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) > 0
    col = {name: i for i, name in enumerate(header)}
    for name in ("document", "turn", "start", "end", "text", "code", "source", "confidence", "evidence"):
        assert name in col
    texts = {doc.id: doc.text for doc in sample_corpus}
    for row in body:
        assert row[col["evidence"]] and str(row[col["evidence"]]).strip()
        assert isinstance(row[col["confidence"]], (int, float)) and 0 < row[col["confidence"]] <= 1
        assert row[col["code"]] in CCIN_IDS
        text = texts[row[col["document"]]][row[col["start"]] : row[col["end"]]]
        assert text.lstrip("'") == str(row[col["text"]]).lstrip("'")
    matrix = list(workbook["code_x_document"].iter_rows(values_only=True))
    assert matrix[0][0] == "code"
    assert list(matrix[0][1:]) == [doc.id for doc in sample_corpus]
    assert [r[0] for r in matrix[1:]] == CCIN_IDS
    assert sum(sum(r[1:]) for r in matrix[1:]) == len(body)
    assert f"codings in {SAMPLE_DOCUMENTS} documents" in result.stderr


def test_code_writes_csv(coded_csv, sample_corpus):
    frame = read_coded(coded_csv)
    assert_codings_are_sound(frame)
    assert coded_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    # The default for the sample's codebook: the rules, the metaphor coder and qda's shipped
    # learned model, weighed together (its evidence says so).
    assert set(frame["source"]) == {"rule", "metaphor", "learned"}
    assert frame["evidence"].str.contains(r'"p=0\.\d\d" \[learned\.', regex=True).any()
    assert set(frame["document"]) <= {doc.id for doc in sample_corpus}
    texts = {doc.id: doc.text for doc in sample_corpus}
    for row in frame.itertuples():
        passage = texts[row.document][row.start : row.end]
        assert row.text in (passage, "'" + passage)  # CSV guards formula-like cells with '


def test_code_says_when_it_weighs_qdas_model(tmp_path):
    out = tmp_path / "one.csv"
    result = invoke("code", SAMPLE / "interview_01.txt", "--codebook", CCIN, "--out", out)
    assert result.exit_code == 0, result.output
    assert "coding with rules, metaphor, learned: the learned coder with qda's model for CCiN evaluation v1" in result.stderr
    alone = invoke("code", SAMPLE / "interview_01.txt", "--codebook", CCIN, "--out", out, "--coders", "rules,metaphor")
    assert alone.exit_code == 0 and "learned" not in alone.stderr


def test_code_in_one_process_writes_what_the_helpers_wrote(tmp_path):
    written = []
    for workers in ("0", "1"):  # one process per CPU (helpers where there are two), then one
        out = tmp_path / f"workers{workers}.csv"
        result = invoke("code", SAMPLE, "--codebook", CCIN, "--out", out, "--coders", "rules,metaphor",
                        "--workers", workers)
        assert result.exit_code == 0, result.output
        written.append(out.read_bytes())
    assert written[0] == written[1]


def test_code_writes_parquet_matching_the_corpus(tmp_path, nlp, sample_corpus):
    out = tmp_path / "coded.parquet"
    # The writer is what is tested: the rules alone are quicker than the default with qda's model.
    result = invoke("code", SAMPLE, "--codebook", CCIN, "--out", out, "--coders", "rules,metaphor")
    assert result.exit_code == 0, result.output
    frame = read_coded(out)
    assert_codings_are_sound(frame)
    texts = {doc.id: doc.text for doc in sample_corpus}
    for row in frame.itertuples():
        assert texts[row.document][row.start : row.end] == row.text


def test_code_unit_turn_codes_whole_turns(tmp_path, nlp, sample_corpus):
    out = tmp_path / "turns.parquet"
    result = invoke("code", SAMPLE, "--codebook", CCIN, "--out", out, "--unit", "turn")
    assert result.exit_code == 0, result.output
    frame = read_coded(out)
    assert_codings_are_sound(frame)
    for row in frame.itertuples():
        turn = sample_corpus[row.document].turns[row.turn]
        assert (row.start, row.end) == (turn.start, turn.end)
    # one coding per turn, code and source
    assert not frame.duplicated(["document", "turn", "code", "source"]).any()


def test_code_rules_only_has_no_metaphor_rows(tmp_path, nlp):
    out = tmp_path / "rules.csv"
    result = invoke("code", SAMPLE, "--codebook", CCIN, "--out", out, "--coders", "rules")
    assert result.exit_code == 0, result.output
    frame = read_coded(out)
    assert_codings_are_sound(frame)
    assert set(frame["source"]) == {"rule"}
    assert not frame["evidence"].str.contains(r"\[metaphor\.").any()


def test_code_metaphor_only(tmp_path, nlp):
    out = tmp_path / "metaphor.csv"
    result = invoke("code", SAMPLE, "--codebook", CCIN, "--out", out, "--coders", "metaphor")
    assert result.exit_code == 0, result.output
    frame = read_coded(out)
    assert set(frame["source"]) == {"metaphor"} and set(frame["code"]) == {"up_down"}


def test_code_a_single_txt_file_with_interviewer(tmp_path, nlp, write_transcript):
    path = write_transcript(
        "Interviewer: Did it go up to CP?",
        "Kelly: It went up to CP in the end, honestly it was a grey area.",
    )
    out = tmp_path / "one.csv"
    result = invoke("code", path, "-c", CCIN, "-o", out)
    assert result.exit_code == 0, result.output
    frame = read_coded(out)
    assert set(frame["speaker"]) == {"Kelly"}
    assert {"threshold", "up_down"} <= set(frame["code"])
    assert set(frame["role"]) == {"social worker"}
    out2 = tmp_path / "both.csv"
    result = invoke("code", path, "-c", CCIN, "-o", out2, "--include-interviewer")
    assert result.exit_code == 0, result.output
    assert set(read_coded(out2)["speaker"]) == {"Interviewer", "Kelly"}


def test_code_and_evaluate_leave_out_an_interviewer_named_on_the_command_line(tmp_path):
    # a Zoom .vtt names each voice and has no front matter to say who interviewed
    vtt = tmp_path / "call.vtt"
    vtt.write_text(ZOOM_CALL, encoding="utf-8")
    every, named = tmp_path / "every.csv", tmp_path / "named.csv"
    assert invoke("code", vtt, "-c", CCIN, "-o", every, "--coders", "rules,metaphor").exit_code == 0
    assert set(read_coded(every)["speaker"]) == {"Jo Bloggs", "Kelly"}
    result = invoke("code", vtt, "-c", CCIN, "-o", named, "--coders", "rules,metaphor",
                    "--interviewer", "jo bloggs,Sam Lee")
    assert result.exit_code == 0, result.output
    frame = read_coded(named)
    assert set(frame["speaker"]) == {"Kelly"} and set(frame["interviewer"]) == {"jo bloggs, Sam Lee"}
    gold = tmp_path / "gold.csv"
    gold.write_text("document,turn,speaker,codes,text\ncall,0,Jo Bloggs,,Did it go up to CP?\n"
                    "call,1,Kelly,threshold;up_down,It went up to CP in the end.\n", encoding="utf-8")
    assert "2 units in 1 document\n" in invoke("evaluate", "--gold", gold, "--pred", every).output
    result = invoke("evaluate", "--gold", gold, "--pred", named, "--interviewer", "Jo Bloggs")
    assert "1 unit in 1 document (1 excluded by speaker)" in result.output


def test_code_warns_of_an_interviewer_nobody_named(tmp_path, run_main):
    """Jo asks every question and Kelly one in three: Jo's questions would be coded as answers."""
    vtt = tmp_path / "call.vtt"
    vtt.write_text(ZOOM_INTERVIEW, encoding="utf-8")
    _, _, stderr = run_main("code", vtt, "-c", CCIN, "-o", tmp_path / "a.csv", "--coders", "rules")
    assert ('warning: call: no interviewer is named, so the interviewer\'s questions are coded as answers; '
            'Jo Bloggs asks most of the questions: if Jo Bloggs interviewed, add --interviewer "Jo Bloggs"'
            in " ".join(stderr.split()))
    _, _, stderr = run_main("code", vtt, "-c", CCIN, "-o", tmp_path / "b.csv", "--coders", "rules",
                            "--interviewer", "Jo Bloggs")
    assert "warning" not in stderr
    # nobody asks clearly more than the other: nothing to say
    even = ZOOM_INTERVIEW.replace("I think so.", "Do you?").replace("It went up to CP in the end.", "Up? To CP?")
    vtt.write_text(even, encoding="utf-8")
    _, _, stderr = run_main("code", vtt, "-c", CCIN, "-o", tmp_path / "c.csv", "--coders", "rules")
    assert "warning" not in stderr


def test_code_says_what_it_codes_with_and_nothing_else(tmp_path):
    # a fresh embedding cache, so the sentence model is loaded: its loading bar is not shown
    (tmp_path / "a.txt").write_text("Interviewer: And?\nKelly: It went up to CP.\n", encoding="utf-8")
    result = run_script("code", str(tmp_path / "a.txt"), "-c", str(CCIN), "-o", str(tmp_path / "coded.csv"),
                        QDA_CACHE_DIR=str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr
    said = result.stderr.splitlines()
    assert len(said) == 2 and said[0].startswith("coding with rules, metaphor, learned: ")
    assert said[1].endswith("codings in 1 documents -> " + str(tmp_path / "coded.csv"))


def test_code_never_writes_over_a_transcript(tmp_path, run_main):
    transcript = tmp_path / "kelly.csv"
    transcript.write_text("speaker,text\nInterviewer,And?\nKelly,It went up to CP.\n", encoding="utf-8")
    before = transcript.read_bytes()
    code, _, stderr = run_main("code", transcript, "-c", CCIN, "-o", transcript, "--coders", "rules")
    assert code == 1 and "is one of the transcripts being coded" in " ".join(stderr.split())
    assert transcript.read_bytes() == before


def test_code_with_a_codebook_of_ones_own(tmp_path, run_main):
    # no up_down code: the metaphor coder, which codes only up_down, is left out unless named
    book = tmp_path / "mine.yaml"
    book.write_text("codes:\n  - id: grey\n    name: Grey area\n    rules:\n      - id: grey.area\n"
                    "        phrases: [grey area]\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Interviewer: And?\nKelly: It was a grey area. It went up to CP.\n", encoding="utf-8")
    out = tmp_path / "coded.csv"
    result = invoke("code", tmp_path / "a.txt", "-c", book, "-o", out)
    assert result.exit_code == 0, result.output
    assert read_coded(out)["code"].tolist() == ["grey"]
    code, _, stderr = run_main("code", tmp_path / "a.txt", "-c", book, "-o", out, "--coders", "rules,metaphor")
    assert code == 1 and "leave `metaphor` out of --coders" in " ".join(stderr.split())


def test_code_an_otter_export_naming_the_interviewer(tmp_path):
    otter = tmp_path / "otter.txt"
    otter.write_text("Speaker 1  0:03\nDid it go up to CP?\n\nSpeaker 2  0:09\nIt went up to CP in the end.\n",
                     encoding="utf-8")
    out = tmp_path / "coded.csv"
    result = invoke("code", otter, "-c", CCIN, "-o", out, "--coders", "rules,metaphor", "--interviewer", "Speaker 1")
    assert result.exit_code == 0, result.output
    frame = read_coded(out)
    assert set(frame["speaker"]) == {"Speaker 2"} and "up_down" in set(frame["code"])
    assert set(frame["text"]) == {"It went up to CP in the end."}


# -- qda code: user errors -------------------------------------------------------------------


def error_cases(tmp: Path) -> dict[str, tuple[list[str], str, str]]:
    """name -> (arguments, output file, words the message must hold)."""
    (tmp / "good.txt").write_text("---\nrole: social worker\n---\nKelly: It was a grey area.\n", encoding="utf-8")
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp / "notes.pdf").write_bytes(b"%PDF-1.4 not a transcript")
    (tmp / "bad.yaml").write_text("codes:\n  - id: a\n    name: A\n    color: blue\n", encoding="utf-8")
    (tmp / "no_rules.yaml").write_text("codes:\n  - id: trust\n    name: Trust\n", encoding="utf-8")
    book = str(CCIN)
    return {
        "codebook with nothing to code with": (["code", "good.txt", "-c", "no_rules.yaml", "-o", "out.csv"], "out.csv",
                                               "no_rules.yaml has no rules and no `up_down` code"),
        "missing input": (["code", "missing.txt", "-c", book, "-o", "out.csv"], "out.csv", "missing.txt"),
        "empty file": (["code", "empty.txt", "-c", book, "-o", "out.csv"], "out.csv", "empty.txt: file is empty"),
        "binary file": (["code", "binary.txt", "-c", book, "-o", "out.csv"], "out.csv", "binary.txt"),
        "unsupported extension": (["code", "notes.pdf", "-c", book, "-o", "out.csv"], "out.csv", "notes.pdf"),
        "unknown output extension": (["code", "good.txt", "-c", book, "-o", "out.txt"], "out.txt", "out.txt"),
        "output dir missing": (["code", "good.txt", "-c", book, "-o", "nodir/out.csv"], "nodir/out.csv", "nodir"),
        "unknown coder": (["code", "good.txt", "-c", book, "-o", "out.csv", "--coders", "rules,magic"],
                          "out.csv", "magic"),
    }


ERROR_NAMES = [
    "codebook with nothing to code with", "missing input", "empty file", "binary file", "unsupported extension",
    "unknown output extension", "output dir missing", "unknown coder",
]


@pytest.mark.parametrize("name", ERROR_NAMES)
def test_code_user_error_exits_1_with_a_message_and_no_output(name, tmp_path, monkeypatch, run_main):
    monkeypatch.chdir(tmp_path)
    args, out, words = error_cases(tmp_path)[name]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, stdout, stderr = run_main(*args)
    assert code == 1
    # rich may wrap a long message when stderr is not a terminal (see the xfail below), so
    # compare with whitespace collapsed; the one-line promise is checked in a subprocess
    message = " ".join(stderr.split())
    assert message.startswith("error: ")
    assert words in message
    assert "Traceback" not in stderr + stdout
    assert not (tmp_path / out).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing may be written"


def test_code_malformed_codebook_exits_1_with_line_numbers(tmp_path, monkeypatch, run_main):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.txt").write_text("Kelly: It was a grey area.\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(
        "codes:\n  - id: a\n    name: A\n    color: blue\n  - id: Bad\n    name: B\n", encoding="utf-8"
    )
    code, stdout, stderr = run_main("code", "good.txt", "-c", "bad.yaml", "-o", "out.xlsx")
    assert code == 1
    assert stderr.startswith("error: codebook has 2 problems")
    assert "bad.yaml:4: " in stderr and "color" in stderr
    assert "bad.yaml:5: codes[1].id:" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_code_missing_codebook_file(tmp_path, monkeypatch, run_main):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.txt").write_text("Kelly: It was a grey area.\n", encoding="utf-8")
    code, stdout, stderr = run_main("code", "good.txt", "-c", "nothere.yaml", "-o", "out.csv")
    assert code == 1
    assert stderr.startswith("error: ")
    assert "nothere.yaml: file: cannot be read" in stderr
    assert "Traceback" not in stderr + stdout
    assert not (tmp_path / "out.csv").exists()


def test_code_error_inside_a_folder_names_the_file(tmp_path, monkeypatch, run_main):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Kelly: It was a grey area.\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")
    code, _, stderr = run_main("code", "in", "-c", CCIN, "-o", "out.csv")
    assert code == 1
    assert "b.txt" in stderr and "empty" in stderr
    assert not (tmp_path / "out.csv").exists()


def test_code_user_errors_are_qda_errors_in_process(tmp_path):
    """Through CliRunner on `app` the error surfaces as a QdaError (not a crash)."""
    result = runner.invoke(app, ["code", str(tmp_path / "missing.txt"), "-c", str(CCIN),
                                 "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert isinstance(result.exception, QdaError)
    assert not (tmp_path / "out.csv").exists()


def test_code_usage_error_exits_2(tmp_path, run_main):
    result = runner.invoke(app, ["code", str(SAMPLE), "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 2
    assert "--codebook" in result.output
    code, _, stderr = run_main("code", SAMPLE, "--out", tmp_path / "out.csv")
    assert code == 2 and "--codebook" in stderr
    assert not (tmp_path / "out.csv").exists()




def test_codebook_field_with_brackets_is_shown_verbatim(tmp_path, monkeypatch, run_main):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("codes:\n  - id: a\n    name: A\n    color: blue\n", encoding="utf-8")
    code, _, stderr = run_main("codebook", "check", "bad.yaml")
    assert code == 1
    assert "bad.yaml:4: codes[a].color: `blue` must be a hex colour" in stderr


def test_file_name_with_brackets_is_shown_verbatim(tmp_path, monkeypatch, run_main):
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run_main("code", "notes [draft].txt", "-c", CCIN, "-o", "out.csv")
    assert code == 1
    assert stderr.strip() == "error: notes [draft].txt: file or folder not found"


def test_file_name_like_a_closing_tag_does_not_crash(tmp_path, monkeypatch, run_main):
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run_main("code", "notes [/draft].txt", "-c", CCIN, "-o", "out.csv")
    assert code == 1
    assert stderr.strip() == "error: notes [/draft].txt: file or folder not found"


# -- qda codebook check ----------------------------------------------------------------------


def test_codebook_check_ok():
    result = invoke("codebook", "check", CCIN)
    assert result.exit_code == 0, result.output
    assert "ok: 9 codes" in result.stderr


def check_codebook(tmp_path, monkeypatch, run_main, name: str, text: str) -> tuple[int, str]:
    """`qda codebook check NAME` on `text`, from the file's folder: (exit code, stderr)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, _, stderr = run_main("codebook", "check", name)
    return code, stderr


def test_codebook_check_warns_of_a_pattern_word_that_never_matches_and_exits_0(tmp_path, monkeypatch, run_main):
    code, stderr = check_codebook(tmp_path, monkeypatch, run_main, "book.yaml",
                                  "codes:\n  - id: a\n    name: A\n    rules:\n      - id: a.r\n"
                                  "        pattern: [{LOWER: \"can't\"}, {LOWER: cope}]\n")
    assert code == 0
    assert "warning: book.yaml:6: codes[a].rules[0](a.r).pattern: token 1, LOWER \"can't\" never matches" in stderr
    assert '{LOWER: "ca"}, {LOWER: "n\'t"}' in stderr
    assert "book.yaml: ok: 1 code, 1 rule" in stderr


def test_codebook_check_bad_exits_1_with_line_numbers(tmp_path, monkeypatch, run_main):
    code, stderr = check_codebook(tmp_path, monkeypatch, run_main, "bad.yaml",
                                  "codes:\n  - id: a\n    name: A\n    rules:\n      - id: a.r\n        phrases: [x]\n"
                                  "        confidence: high\n  - id: a\n    name: Again\n")
    assert code == 1
    assert "bad.yaml:7: " in stderr
    assert "(a.r).confidence: must be a number from 0 to 1" in stderr
    assert "bad.yaml:8: codes[1].id:" in stderr
    assert "Traceback" not in stderr


def test_codebook_check_yaml_syntax_error(tmp_path, monkeypatch, run_main):
    code, stderr = check_codebook(tmp_path, monkeypatch, run_main, "broken.yaml", "codes:\n  - id: a\n    name: A: B\n")
    assert code == 1 and "broken.yaml:3: yaml:" in stderr


# -- qda evaluate ----------------------------------------------------------------------------


def test_evaluate_prints_kappa_table_for_the_nine_codes(coded_csv):
    result = invoke("evaluate", "--gold", GOLD_DEV, "--gold", GOLD_HELDOUT, "--pred", coded_csv,
                    "--codebook", CCIN)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "kappa" in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("code"))
    assert header.split() == ["code", "P", "R", "F1", "kappa", "kappa", "95%", "CI", "support"]
    rows = [line.split()[0] for line in lines if line.split() and line.split()[0] in CCIN_IDS]
    assert rows == CCIN_IDS, "every code of the codebook, in codebook order"
    assert any(line.startswith("macro") for line in lines)
    gold_documents = len(list(Path(GOLD_DEV).glob("*.csv")) + list(Path(GOLD_HELDOUT).glob("*.csv")))
    assert f"in {gold_documents} documents" in out
    assert f"95% CI: 2000 bootstrap resamples of the {gold_documents} documents" in out


def test_evaluate_missing_prediction_file(tmp_path, monkeypatch, run_main):
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run_main("evaluate", "--gold", GOLD_DEV, "--pred", "nothere.csv")
    assert code == 1 and "nothere.csv" in stderr and "Traceback" not in stderr


def test_train_learns_from_gold_and_contrast_answers(tmp_path, run_main):
    gold = sorted(GOLD_DEV.glob("*.csv"))[:6]
    out = tmp_path / "ccin.model"
    code, stdout, stderr = run_main("train", *[a for g in gold for a in ("--gold", g)], "--contrast",
                                    ROOT / "gold" / "contrast", "-c", CCIN, "-o", out)
    assert code == 0, stderr
    assert stdout.splitlines()[0].split() == ["code", "threshold", "cv", "kappa"]
    assert "answers (a speaker's consecutive turns) and 405 contrast answers ->" in stderr
    from qda import load_codebook
    from qda.coders.learned import load_model

    assert load_model(out, load_codebook(CCIN)).contrast_answers == 405
    code, _, stderr = run_main("train", "--project", tmp_path / "p.qda", "--contrast", ROOT / "gold" / "contrast",
                               "-o", tmp_path / "p.model")
    assert code == 1 and "--contrast goes with --gold" in stderr and not (tmp_path / "p.model").exists()


# -- the console script in a subprocess ------------------------------------------------------


def test_script_code_xlsx_exits_0(tmp_path):
    out = tmp_path / "coded.xlsx"
    proc = run_script("code", "transcripts_sample", "--codebook", "codebooks/ccin.yaml", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert {"codings", "code_x_document"} <= set(workbook.sheetnames)
    rows = list(workbook["codings"].iter_rows(values_only=True))
    col = {name: i for i, name in enumerate(rows[0])}
    assert len(rows) > 1
    assert all(r[col["evidence"]] and 0 < r[col["confidence"]] <= 1 for r in rows[1:])


def test_script_missing_input_exits_1(tmp_path):
    proc = run_script("code", "missing.txt", "-c", str(CCIN), "-o", "out.csv", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "error: missing.txt: file or folder not found"
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_script_codebook_check_bad_exits_1(tmp_path):
    (tmp_path / "bad.yaml").write_text("codes:\n  - id: a\n    name: A\n    color: blue\n", encoding="utf-8")
    proc = run_script("codebook", "check", "bad.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "bad.yaml:4: " in proc.stderr and "color" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_script_usage_error_exits_2(tmp_path):
    proc = run_script("code", "transcripts_sample", "--out", str(tmp_path / "out.csv"))
    assert proc.returncode == 2
    assert "--codebook" in proc.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("case", ["long path", "unsupported type"])
def test_script_error_stays_on_one_line(tmp_path, case):
    if case == "long path":
        deep = tmp_path / ("transcripts_of_the_complex_child_in_need_pilot_" * 2) / "second_round"
        deep.mkdir(parents=True)
        target = deep / "interview_with_a_senior_practitioner.txt"
        expected = f"error: {target}: file or folder not found"
    else:
        target = tmp_path / "notes.pdf"
        target.write_bytes(b"%PDF-1.4")
        target = Path("notes.pdf")
        expected = ("error: notes.pdf: unsupported file type '.pdf'; supported: .txt, .docx, .vtt, .srt, .csv, "
                    ".tsv; export the transcript as .docx or .txt from the program that made the PDF: a PDF's text "
                    "comes out in display lines, without its speakers' turns")
    proc = run_script("code", str(target), "-c", str(CCIN), "-o", "out.csv", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip() == expected
