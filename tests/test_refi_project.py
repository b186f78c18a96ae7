"""REFI-QDA projects (.qdpx): export from a project, validation, and the checks the XSD cannot make."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from qda import Project
from qda.refi.validate import check_xml, validate

from conftest import CCIN, ROOT, SAMPLE

NS = "{urn:QDA-XML:project:1.0}"


@pytest.fixture
def project(tmp_path):
    with Project.init(tmp_path / "study.qda", codebook=CCIN) as p:
        p.import_files(sorted(SAMPLE.glob("interview_0[1-3].txt")))
        p.autocode()
        codings = p.codings()
        for coding in codings[:6]:
            p.accept(coding.id, "Ruth")
        p.reject(codings[6].id, "Ruth")
        p.memo("Worth a closer look", "Ruth", on=f"coding:{codings[0].id}")
        p.memo("Drift shows in the rural team", "Sam", on="code:drift")
        p.memo("Interviews done in spring", "Sam")
        yield p


def _read(path):
    archive = zipfile.ZipFile(path)
    return archive, etree.fromstring(archive.read("project.qde"))


def test_export_is_valid_and_holds_the_accepted_codings_on_the_right_text(project, tmp_path):
    out = project.export(tmp_path / "study.qdpx")
    assert validate(out) == []
    archive, root = _read(out)
    accepted = project.codings(status=["accepted"])
    selections = root.findall(f".//{NS}PlainTextSelection")
    assert len(selections) == len(accepted) == 6
    texts = {}
    for source in root.iter(f"{NS}TextSource"):
        name = source.get("plainTextPath").removeprefix("internal://")
        texts[source.get("guid")] = archive.read(f"sources/{name}").decode("utf-8")
        assert not archive.read(f"sources/{name}").startswith(b"\xef\xbb\xbf")  # no BOM
        for selection in source.iter(f"{NS}PlainTextSelection"):
            span = texts[source.get("guid")][int(selection.get("startPosition")):int(selection.get("endPosition"))]
            assert span.startswith(selection.get("name")[:50])
    assert {u.get("name") for u in root.iter(f"{NS}User")} >= {"Ruth", "Sam"}
    assert len(root.findall(f".//{NS}Note")) == 3 and root.find(f"{NS}NoteRef") is not None
    assert {v.get("name") for v in root.iter(f"{NS}Variable")} >= {"role", "team"}
    assert len(root.findall(f".//{NS}Case")) == 3


def test_guids_are_the_same_on_every_export_and_suggestions_can_be_included(project, tmp_path):
    first = _read(project.export(tmp_path / "a.qdpx"))[1]
    second = _read(project.export(tmp_path / "b.qdpx"))[1]
    guids = lambda root: [e.get("guid") for e in root.iter() if isinstance(e.tag, str) and e.get("guid")]
    assert guids(first) == guids(second)
    everything = _read(project.export(tmp_path / "all.qdpx", status=["accepted", "suggested"]))[1]
    assert len(everything.findall(f".//{NS}PlainTextSelection")) == len(project.codings(status=["accepted", "suggested"]))


def _rewrite(path, out, change):
    source = zipfile.ZipFile(path)
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, change(name, data))
    return out


def test_checks_beyond_the_schema(project, tmp_path):
    good = project.export(tmp_path / "good.qdpx")
    far = _rewrite(good, tmp_path / "far.qdpx", lambda n, d: re.sub(rb'endPosition="\d+"', b'endPosition="999999"', d, count=1)
                   if n == "project.qde" else d)
    assert any("outside" in p for p in validate(far))
    dangling = _rewrite(good, tmp_path / "dangling.qdpx",
                        lambda n, d: d.replace(b"<CodeRef targetGUID=\"", b"<CodeRef targetGUID=\"0", 1)
                        if n == "project.qde" else d)
    assert any("nothing has" in p or "line" in p for p in validate(dangling))
    missing = tmp_path / "missing.qdpx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(missing, "w") as target:
        target.writestr("project.qde", source.read("project.qde"))
    assert any("not in the archive" in p for p in validate(missing))
    (tmp_path / "junk.qdpx").write_bytes(b"not a zip")
    assert validate(tmp_path / "junk.qdpx") == [f"{tmp_path / 'junk.qdpx'}: not a zip archive (.qdpx files are zips)"]


def test_the_specs_atlas_ti_example_validates_against_the_project_schema():
    problems, _ = check_xml((ROOT / "tests" / "fixtures" / "refi" / "spec-annexA2_atlasti8_project.qde").read_bytes(),
                             "Project-mrt2019.xsd", "A2")
    assert problems == []


def test_qdpx_from_the_command_line(project, tmp_path, capsys, monkeypatch):
    import sys

    from qda.cli import main

    for args in (["project", "export", "--out", str(tmp_path / "cli.qdpx"), "-p", str(tmp_path / "study.qda")],
                 ["validate", str(tmp_path / "cli.qdpx")]):
        monkeypatch.setattr(sys, "argv", ["qda", *args])
        with pytest.raises(SystemExit) as info:
            main()
        assert info.value.code in (0, None), capsys.readouterr().err


# -- characters XML 1.0 cannot hold -------------------------------------------------------

# A Word line break (U+000B), a page break (U+000C) and a stray byte (U+0001): qda's readers
# keep them in a transcript, XML 1.0 forbids them even escaped.
CONTROLS = "Interviewer: Was it a grey area?\nZo: It was borderline,\f honestly\x0b it was \x01 odd.\n"


def test_xml_safe_replaces_what_xml_forbids_one_for_one_and_keeps_the_rest():
    from qda.refi.xmltext import STAND_IN, xml_safe

    forbidden = "\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff\ud800"
    assert xml_safe(forbidden) == STAND_IN * len(forbidden)
    allowed = "tab\t LF\n CR\r DEL\x7f C1\x92 é 中 😀 \ue000 \ufffd \U0010ffff"
    assert xml_safe(allowed) == allowed


def test_control_characters_are_replaced_in_the_xml_and_kept_in_the_sources(tmp_path, recwarn):
    # recwarn: the reader warns that it kept the control characters, as it should.
    (tmp_path / "ff.txt").write_text(CONTROLS, encoding="utf-8")
    with Project.init(tmp_path / "study.qda", codebook=CCIN) as p:
        p.import_files([tmp_path / "ff.txt"])
        text = p.corpus()["ff"].text
        start, end = text.index("It was"), text.index(" odd")
        p.code("ff", start, end, "threshold", "Ruth")
        p.memo("Line one\x0bline two\f", "Ruth", on="document:ff")
        out = p.export(tmp_path / "ff.qdpx")
    assert validate(out) == []
    archive, root = _read(out)
    [selection] = root.iter(f"{NS}PlainTextSelection")
    # One for one: the name is as long as its passage, so positions and names still agree.
    assert selection.get("name") == "It was borderline,  honestly  it was  "
    assert (int(selection.get("startPosition")), int(selection.get("endPosition"))) == (start, end)
    assert root.find(f".//{NS}Note/{NS}PlainTextContent").text == "Line one line two "
    [source] = [n for n in archive.namelist() if n.startswith("sources/")]
    assert archive.read(source).decode("utf-8") == text  # the source keeps the text exactly


def test_a_run_with_control_characters_exports_from_the_command_line(tmp_path, capsys, monkeypatch):
    import sys

    from qda.cli import main

    (tmp_path / "ff.txt").write_text(CONTROLS, encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["qda", "code", str(tmp_path / "ff.txt"), "-c", str(CCIN), "--coders", "rules",
                                      "--out", str(tmp_path / "ff.qdpx")])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code in (0, None), capsys.readouterr().err
    assert validate(tmp_path / "ff.qdpx") == []
