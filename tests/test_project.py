"""The project store through `qda.Project`, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from qda import QdaError
from qda.project import Project
from qda.store import engine, migrate
from qda.store.schema import metadata

from conftest import CCIN, SAMPLE

FIRST_FOUR = sorted(SAMPLE.glob("interview_0[1-4].txt"))


@pytest.fixture
def project(project_target):
    with Project.init(project_target, codebook=CCIN) as p:
        p.import_files(FIRST_FOUR)
        yield p


def test_init_creates_schema_at_head_and_open_finds_it(project_target):
    Project.init(project_target).close()
    with Project.open(project_target) as p:
        with p.engine.connect() as connection:
            assert migrate.current(connection) == migrate.head()
    with pytest.raises(QdaError, match="already"):
        Project.init(project_target)


def test_migrations_build_exactly_the_schema_in_schema_py(project_target):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with Project.init(project_target) as p, p.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_open_refuses_missing_file_and_non_projects(tmp_path):
    with pytest.raises(QdaError, match="no such project.*qda project init"):
        Project.open(tmp_path / "none.qda")
    junk = tmp_path / "junk.qda"
    junk.write_bytes(b"\x00\x01 not a database at all" * 100)
    with pytest.raises(QdaError, match="junk.qda: cannot open as a qda project"):
        Project.open(junk)
    empty = tmp_path / "empty.qda"
    empty.touch()
    with pytest.raises(QdaError, match="not a qda project"):
        Project.open(empty)


def test_import_is_deduplicated_by_content_not_file_name(project, tmp_path):
    copy = tmp_path / "renamed copy.txt"
    copy.write_text(FIRST_FOUR[0].read_text(encoding="utf-8"), encoding="utf-8")
    report = project.import_files([FIRST_FOUR[1], copy])
    assert report.added == []
    assert sorted(report.duplicates) == [("interview_02", "interview_02"), ("renamed-copy", "interview_01")]
    corpus = project.corpus()
    assert [d.id for d in corpus] == ["interview_01", "interview_02", "interview_03", "interview_04"]
    original = {d.id: d for d in __import__("qda").read_corpus(FIRST_FOUR)}
    for doc in corpus:  # text, turns and attributes come back exactly as read
        assert (doc.text, doc.turns, doc.attributes) == (original[doc.id].text, original[doc.id].turns,
                                                          original[doc.id].attributes)


def test_new_text_under_a_taken_id_is_refused_and_nothing_is_written(project, tmp_path):
    clash = tmp_path / "interview_01.txt"
    clash.write_text("---\nrole: manager\n---\nAmy: Something else entirely.\n", encoding="utf-8")
    fresh = tmp_path / "interview_99.txt"
    fresh.write_text("---\nrole: manager\n---\nAmy: New.\n", encoding="utf-8")
    with pytest.raises(QdaError, match="interview_01.txt.*different document.*rename"):
        project.import_files([fresh, clash])
    assert len(project.corpus()) == 4
    assert "interview_99" not in {d.id for d in project.corpus()}


def test_autocode_by_default_uses_the_coders_that_suit_the_codebook(project, tmp_path):
    book = tmp_path / "mine.yaml"  # no up_down code, so no metaphor coder
    book.write_text("codes:\n  - id: level\n    name: Level\n    rules:\n      - id: level.threshold\n"
                    "        phrases: [threshold]\n", encoding="utf-8")
    project.set_codebook(book)
    project.autocode()
    assert {(c.code, c.coder) for c in project.codings()} == {("level", "qda:rule")}


def test_autocode_by_default_codes_as_qda_code_does(project, ccin):
    """With the sample study's codebook, the learned coder with qda's shipped model joins the
    rules, as in `qda code`; the store keeps every field of the rules the model was trained beside."""
    from qda.coders.learned import shipped

    assert shipped(project.codebook)[0] is not None
    project.autocode()
    assert {"qda:rule", "qda:learned"} <= {c.coder for c in project.codings()}


def test_rules_stored_before_the_once_flag_are_upgraded_and_a_reload_restores_it(project_target, ccin):
    """A project made at schema 0001, whose rules table had no `once`, opens; its rules read as
    once=False (as they were coded then) until the codebook is loaded again."""
    from alembic import command

    with Project.init(project_target, codebook=CCIN) as p, p.engine.begin() as connection:
        command.downgrade(migrate._config(connection), "0001")
        assert migrate.current(connection) == "0001"
    with Project.open(project_target) as p:
        assert not any(rule.once for code in p.codebook.codes.values() for rule in code.rules)
        p.set_codebook(CCIN)
        assert [code.rules for code in p.codebook.codes.values()] == [code.rules for code in ccin.codes.values()]
        assert any(rule.once for code in p.codebook.codes.values() for rule in code.rules)


def test_autocode_suggests_and_a_rerun_replaces_only_undecided_suggestions(project):
    added, removed = project.autocode()
    assert added > 50 and removed == 0
    suggested = project.codings()
    assert {c.status for c in suggested} == {"suggested"}
    assert all(c.coder.startswith("qda:") and c.evidence for c in suggested)
    keep, drop, fix = suggested[0], suggested[1], suggested[2]
    project.accept(keep.id, "Ruth")
    project.reject(drop.id, "Ruth")
    fixed = project.recode(fix.id, "Ruth", code="relational" if fix.code != "relational" else "drift")
    human = project.code("interview_01", 0, 10, "threshold", "Sam")

    added2, removed2 = project.autocode()
    assert removed2 == added - 3  # every undecided suggestion, none of the decided ones
    assert added2 == added - 3  # a decided suggestion is not suggested again
    after = {c.id: c for c in project.codings()}
    assert after[keep.id].status == "accepted" and after[keep.id].reviewer == "Ruth"
    assert after[drop.id].status == "rejected"
    assert after[fix.id].status == "rejected" and after[fixed].status == "accepted"
    assert after[human].coder == "Sam" and after[human].source == "human"
    assert not any(c.id == suggested[3].id for c in after.values())  # replaced, new id


def test_review_actions_are_logged_and_undone_in_reverse(project):
    project.autocode()
    first = project.codings()[0]
    project.accept(first.id, "Ruth")
    new_id = project.recode(first.id, "Ruth", start=first.start, end=first.end - 1)
    [recoded] = project.codings(documents=[first.document], status=["accepted"], coder=["Ruth"])
    assert (recoded.id, recoded.end, recoded.code) == (new_id, first.end - 1, first.code)

    log = project.log(3)
    assert list(log.action) == ["recode", "accept", "suggest"]
    assert log.after[0]["derived_from"] == first.id and log.before[0]["status"] == "accepted"

    assert project.undo("Ruth") == {"action": "recode", "coding": new_id}
    state = {c.id: c for c in project.codings()}
    assert new_id not in state and state[first.id].status == "accepted"
    assert project.undo("Ruth") == {"action": "accept", "coding": first.id}
    assert project.codings(documents=[first.document])[0].status == "suggested"
    with pytest.raises(QdaError, match="nothing to undo"):
        project.undo("Ruth")
    assert list(project.log(2).action) == ["undo", "undo"]


def test_undo_refuses_to_discard_a_colleagues_later_decision(project):
    project.autocode()
    coding = project.codings()[0]
    project.accept(coding.id, "Ruth")
    project.reject(coding.id, "Sam")
    with pytest.raises(QdaError, match="changed or reviewed since"):
        project.undo("Ruth")
    assert project.undo("Sam")["action"] == "reject"
    assert project.codings()[0].status == "accepted"


def test_the_log_is_append_only_in_the_database_itself(project):
    project.code("interview_01", 0, 5, "drift", "Sam")
    for statement in ("UPDATE log SET action = 'x'", "DELETE FROM log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with project.engine.begin() as connection:
                connection.execute(text(statement))


def test_people_cannot_pose_as_the_machine_and_bad_targets_are_refused(project):
    with pytest.raises(QdaError, match="reserved"):
        project.code("interview_01", 0, 5, "drift", "qda:rule")
    with pytest.raises(QdaError, match="no code 'nope'"):
        project.code("interview_01", 0, 5, "nope", "Sam")
    with pytest.raises(QdaError, match="not inside document"):
        project.code("interview_01", 5, 10**7, "drift", "Sam")
    with pytest.raises(QdaError, match="no coding 424242"):
        project.accept(424242, "Sam")
    with pytest.raises(QdaError, match="memo target"):
        project.memo("x", "Sam", on="turn:3")


def test_memos_on_each_kind_of_target(project):
    coding = project.code("interview_02", 0, 20, "oversight", "Sam")
    for on in ("project", "document:interview_02", "code:oversight", f"coding:{coding}"):
        project.memo(f"note on {on}", "Sam", on=on)
    assert [m.text for m in project.memos()] == [
        "note on project", "note on document:interview_02", "note on code:oversight", f"note on coding:{coding}"]
    assert [m.coder for m in project.memos(on="code:oversight")] == ["Sam"]
    assert project.codings(coder=["Sam"])[0].memo == f"note on coding:{coding}"
    with pytest.raises(QdaError, match="no document"):
        project.memo("x", "Sam", on="document:nope")


def test_export_filters_by_status_and_coder(project, tmp_path):
    import openpyxl

    project.autocode()
    codings = project.codings()
    project.accept(codings[0].id, "Ruth")
    project.reject(codings[1].id, "Ruth")
    project.code("interview_03", 100, 140, "relational", "Sam")
    out = project.export(tmp_path / "accepted.xlsx", status=["accepted"])
    sheet = openpyxl.load_workbook(out)["codings"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=2)]
    assert sorted((r["coding_id"], r["reviewer"]) for r in rows) == sorted(
        [(codings[0].id, "Ruth"), (project.codings(coder=["Sam"])[0].id, "Sam")])
    assert len(project.coded_table(coder=["Ruth"])) == 2
    assert len(project.coded_table(coder=["machine"], status=["suggested"])) == len(codings) - 2


def test_codebook_is_stored_as_loaded_and_cannot_drop_used_codes(project, ccin):
    book = project.codebook
    assert list(book.codes) == list(ccin.codes)
    assert [code.rules for code in book.codes.values()] == [code.rules for code in ccin.codes.values()]
    assert book.codes["threshold"].examples == ccin.codes["threshold"].examples
    project.code("interview_01", 0, 5, "drift", "Sam")
    smaller = type(ccin)(name="smaller", codes={k: v for k, v in ccin.codes.items() if k != "drift"})
    with pytest.raises(QdaError, match="lacks codes.*drift"):
        project.set_codebook(smaller)


def test_database_urls_are_resolved_and_passwords_hidden(tmp_path):
    assert engine.database_url(tmp_path / "a.qda") == f"sqlite:///{tmp_path / 'a.qda'}"
    assert engine.database_url("postgresql://u:pw@host/db").startswith("postgresql+psycopg://u:pw@")
    assert "pw" not in engine.redact("postgresql://u:pw@host/db")
    with pytest.raises(QdaError, match="SQLite files or PostgreSQL"):
        engine.database_url("mysql://u@host/db")


def test_matrix_counted_by_the_database_equals_the_one_from_the_table(project):
    from qda.analysis import code_document_matrix

    project.autocode()
    project.reject(project.codings()[0].id, "Ruth")
    documents = [d.id for d in project.corpus()]
    codes = list(project.codebook.codes)
    for filters in ({}, {"status": ["suggested"]}, {"coder": ["machine"]}, {"coder": ["Ruth"]}):
        expected = code_document_matrix(project.coded_table(**filters), documents=documents, codes=codes)
        got = project.code_document_matrix(**filters)
        pd.testing.assert_frame_equal(got, expected)
    assert project.code_document_matrix().to_numpy().sum() == len(project.codings())
