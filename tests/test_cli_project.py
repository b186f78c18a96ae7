"""`qda project ...` and `qda agree`: a whole team workflow through the command line."""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import pytest

from qda.cli import main

from conftest import CCIN, ROOT, SAMPLE, ZOOM_CALL, ZOOM_INTERVIEW


@pytest.fixture
def qda(monkeypatch, capsys, nlp):
    """Run `qda ARGS` through `qda.cli.main()` in-process; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    def run(*args) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["qda", *[str(a) for a in args]])
        with pytest.raises(SystemExit) as info:
            main()
        out, err = capsys.readouterr()
        return info.value.code or 0, out, err

    return run


def test_team_workflow_from_init_to_agreement(qda, tmp_path, monkeypatch):
    study = tmp_path / "study.qda"
    assert qda("project", "init", study, "--codebook", CCIN)[0] == 0
    monkeypatch.setenv("QDA_PROJECT", str(study))
    files = sorted(SAMPLE.glob("interview_0[12].txt"))
    assert "2 documents imported" in qda("project", "import", *files)[2]
    code, _, err = qda("project", "import", files[0])
    assert code == 0 and "skipped interview_01: same text as interview_01" in err

    err = qda("project", "autocode")[2]
    # the coders `qda code` uses on this codebook, and it says so
    assert "suggestions added" in err and "coding with rules, metaphor, learned: the learned coder with qda's model" in err
    code, out, err = qda("project", "review", "list", "--code", "up_down", "--limit", "0")
    rows = [line.split("\t") for line in out.splitlines()]
    assert code == 0 and rows and {r[1] for r in rows} == {"suggested"} and {r[2] for r in rows} == {"up_down"}
    first, second, third = (int(r[0]) for r in rows[:3])

    assert qda("project", "review", "accept", first, second, "--coder", "Ruth")[0] == 0
    assert qda("project", "review", "reject", third, "--coder", "Ruth")[0] == 0
    code, _, err = qda("project", "review", "recode", second, "--code", "threshold", "--coder", "Ruth")
    assert code == 0 and f"coding {second} re-coded as coding" in err
    assert "undone: recode" in qda("project", "review", "undo", "--coder", "Ruth")[2]
    assert qda("project", "code", "interview_02", 200, 260, "drift", "--coder", "Sam")[0] == 0
    assert qda("project", "memo", "add", "Clear case of moving up", "--on", f"coding:{first}",
               "--coder", "Ruth")[0] == 0
    assert "Clear case of moving up" in qda("project", "memo", "list")[1]

    out_file = tmp_path / "accepted.csv"
    assert qda("project", "export", "--out", out_file, "--status", "accepted")[0] == 0
    table = pd.read_csv(out_file, encoding="utf-8-sig")
    assert sorted(table.coding_id) == sorted([first, second] + table[table.coder == "Sam"].coding_id.tolist())
    assert set(table.reviewer) == {"Ruth", "Sam"}

    log = qda("project", "log", "--limit", "3")[1].splitlines()
    assert [line.split("\t")[3] for line in log] == ["memo", "code", "undo"]

    code, out, _ = qda("agree", "Ruth", "machine", "--unit", "turn")
    assert code == 0 and "Agreement of Ruth and machine" in out and "pooled" in out
    assert qda("agree", "Ruth", "Sam", "--unit", "character")[0] == 0


def test_user_errors_exit_1_with_one_clear_line(qda, tmp_path, monkeypatch):
    missing = tmp_path / "none.qda"
    code, _, err = qda("project", "log", "--project", missing)
    assert code == 1 and err.strip() == f"error: {missing}: no such project; create one with `qda project init {missing}`"

    study = tmp_path / "study.qda"
    qda("project", "init", study, "--codebook", CCIN)
    code, _, err = qda("project", "init", study)
    assert code == 1 and "already exists" in err
    monkeypatch.setenv("QDA_PROJECT", str(study))
    qda("project", "import", SAMPLE / "interview_01.txt")
    for args, message in [
        (("project", "code", "interview_01", 0, 10, "nope", "--coder", "Sam"), "no code 'nope'"),
        (("project", "review", "undo", "--coder", "Sam"), "nothing to undo"),
        (("project", "review", "accept", 999, "--coder", "Sam"), "no coding 999"),
        (("project", "code", "interview_01", 0, 10, "drift", "--coder", "qda:rule"), "reserved"),
        (("agree", "Sam", "Ruth"), "no coder 'Sam'"),
        (("agree", "machine", "machine", "--unit", "paragraph"), "unknown unit"),
        (("project", "export", "--out", tmp_path / "x.pdf"), "unknown output format"),
    ]:
        code, _, err = qda(*args)
        assert code == 1 and message in err and "Traceback" not in err, (args, err)
    code, _, err = qda("project", "code", "interview_01", "0", "ten", "drift", "--coder", "Sam")
    assert code == 2  # a usage error, reported by the command-line parser


def test_pseudonymise_and_risk_from_the_command_line(qda, tmp_path):
    src = tmp_path / "raw"
    src.mkdir()
    (src / "amara.txt").write_text(
        "---\nparticipant: Amara Nwosu\nrole: team manager\nteam: rural\n---\n"
        "Interviewer: Hello.\nAmara: I manage the team at Hillside Academy, ring 07700 900123.\n", encoding="utf-8")
    out, key = tmp_path / "shared", tmp_path / "private" / "key.csv"
    code, _, err = qda("pseudonymise", src, "--out", out, "--key", key, "--dates", "year")
    assert code == 0 and "key (" in err and (tmp_path / "shared.risk.md").exists()
    text = (out / "amara.txt").read_text(encoding="utf-8")
    assert "Amara" not in text and "Hillside" not in text and "[phone number]" in text
    code, out_text, _ = qda("risk", out, "--k", "2")
    assert code == 0 and "role=team manager" in out_text
    code, _, _ = qda("pseudonymise", out, "--reverse", "--out", tmp_path / "back", "--key", key)
    assert code == 0 and (tmp_path / "back" / "amara.txt").read_text(encoding="utf-8") == (src / "amara.txt").read_text(
        encoding="utf-8")
    code, _, err = qda("pseudonymise", src, "--out", out, "--key", out / "key.csv")
    assert code == 1 and "must not lie inside the output folder" in err
    code, _, err = qda("risk", src, "--k", "1")
    assert code == 1 and "k" in err


def test_a_coded_run_goes_to_qdpx_and_into_a_project(qda, tmp_path):
    """`qda code --out X.qdpx` (every coding a suggestion), then `qda project import X.qdpx`."""
    run = tmp_path / "run.qdpx"
    code, _, err = qda("code", SAMPLE / "interview_01.txt", "--codebook", CCIN, "--out", run)
    assert code == 0, err
    assert qda("validate", run)[0] == 0
    study = tmp_path / "study.qda"
    qda("project", "init", study)
    code, _, err = qda("project", "import", run, "-p", study)
    assert code == 0, err
    assert "1 documents imported" in err and "9 codes added" in err
    code, out, _ = qda("project", "review", "list", "-p", study)
    assert code == 0 and out.count("\tsuggested\t") > 5
    code, _, err = qda("project", "import", run, SAMPLE / "interview_02.txt", "-p", study)
    assert code == 1 and "one .qdpx or .qdc at a time" in err
    qdc = tmp_path / "atlas.qdc"
    qdc.write_bytes((ROOT / "tests" / "fixtures" / "refi" / "spec-annexA1_codebook.qdc").read_bytes())
    code, _, err = qda("project", "import", qdc, "-p", study)
    assert code == 0 and "6 codes added" in err
    code, _, err = qda("project", "import", qdc, "-p", study)
    assert code == 0 and "0 codes added" in err


def test_import_names_the_interviewer_of_subtitle_files(qda, tmp_path):
    from qda.project import Project

    study, vtt = tmp_path / "study.qda", tmp_path / "call.vtt"
    vtt.write_text(ZOOM_CALL, encoding="utf-8")
    assert qda("project", "init", study, "--codebook", CCIN)[0] == 0
    assert qda("project", "import", vtt, "--interviewer", "Jo Bloggs", "-p", study)[0] == 0
    with Project.open(study) as p:
        corpus = p.corpus()
    assert [turn.speaker for _, turn in corpus.codable_turns()] == ["Kelly"]
    # someone who asks the questions and is named nobody: said, as `qda code` says it
    (tmp_path / "interview.vtt").write_text(ZOOM_INTERVIEW, encoding="utf-8")
    code, _, err = qda("project", "import", tmp_path / "interview.vtt", "-p", study)
    assert code == 0 and "1 documents imported" in err
    assert 'Jo Bloggs asks most of the questions: if Jo Bloggs interviewed, add --interviewer "Jo Bloggs"' in \
        " ".join(err.split())
