"""REFI-QDA codebooks (.qdc): export, the official schema, stable GUIDs, hostile files."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from lxml import etree

from qda import load_codebook, parse_codebook
from qda.refi.codebook import NS, codebook_xml, write_qdc
from qda.refi.validate import validate

from conftest import CCIN, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "refi"


def test_the_sample_codebook_exports_valid_with_every_code(tmp_path):
    book = load_codebook(CCIN)
    out = write_qdc(book, tmp_path / "ccin.qdc")
    assert validate(out) == []
    root = etree.parse(str(out)).getroot()
    codes = root.findall(f".//{{{NS}}}Code")
    assert [c.get("name") for c in codes] == [code.name for code in book.codes.values()]
    first = codes[0]
    assert first.get("color") == book.codes["threshold"].color and first.get("isCodable") == "true"
    text = first.find(f"{{{NS}}}Description").text
    assert "Use when:" in text and "Not when:" in text and 'Example: "' in text


def test_guids_are_stable_across_exports_and_nesting_follows_parents():
    yaml_text = """
name: Nested
codes:
  - id: parent
    name: Parent
    definition: The top.
  - id: child
    name: Child
    parent: parent
    definition: Below it.
"""
    book = parse_codebook(yaml_text)
    assert codebook_xml(book) == codebook_xml(parse_codebook(yaml_text))
    root = etree.fromstring(codebook_xml(book))
    parent = root.find(f"{{{NS}}}Codes/{{{NS}}}Code")
    assert parent.get("name") == "Parent" and parent.find(f"{{{NS}}}Code").get("name") == "Child"


def test_the_specs_own_example_validates_and_broken_files_do_not(tmp_path):
    assert validate(FIXTURES / "spec-annexA1_codebook.qdc") == []
    wrong = tmp_path / "wrong.qdc"
    wrong.write_text(f'<CodeBook xmlns="{NS}"><Codes><Code name="x"/></Codes></CodeBook>', encoding="utf-8")
    problems = validate(wrong)
    assert problems and any("guid" in p or "isCodable" in p for p in problems)
    twice = tmp_path / "twice.qdc"
    twice.write_text(f'<CodeBook xmlns="{NS}"><Codes><Code guid="a1" name="x" isCodable="true"/>'
                     f'<Code guid="{{A1}}" name="y" isCodable="true"/></Codes></CodeBook>', encoding="utf-8")
    assert any("more than one Code" in p for p in validate(twice))


def test_entity_expansion_is_refused(tmp_path):
    bomb = tmp_path / "bomb.qdc"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    f'<CodeBook xmlns="{NS}"><Codes><Code guid="g" name="&b;" isCodable="true"/></Codes></CodeBook>',
                    encoding="utf-8")
    problems = validate(bomb)
    assert problems  # not expanded: the name stays an unresolved entity, or the file is refused


def test_a_qdc_from_another_tool_becomes_a_qda_codebook(tmp_path):
    from qda.refi.codebook import read_qdc

    codes = list(read_qdc(FIXTURES / "spec-annexA1_codebook.qdc").codes.values())
    assert [c.name for c in codes] == ["Topics", "Economy", "Health care", "Values", "Conservatives", "Liberals"]
    assert codes[1].id == "economy" and codes[1].color == "#ffff00"
    assert codes[1].description == "Anything about jobs or taxes or business"


def test_codebook_export_then_import_keeps_codes_nesting_and_colours(tmp_path, monkeypatch, capsys):
    import sys

    from qda.cli import main

    nested = tmp_path / "nested.yaml"
    nested.write_text("name: Nested\ncodes:\n  - id: a\n    name: Alpha\n    color: '#aabbcc'\n    definition: Top.\n"
                      "  - id: b\n    name: Beta\n    parent: a\n    definition: Below.\n", encoding="utf-8")
    for args in (["codebook", "export", str(nested), "--out", str(tmp_path / "n.qdc")],
                 ["codebook", "import", str(tmp_path / "n.qdc"), "--out", str(tmp_path / "back.yaml")]):
        monkeypatch.setattr(sys, "argv", ["qda", *args])
        with pytest.raises(SystemExit) as info:
            main()
        assert info.value.code in (0, None), capsys.readouterr().err
    back = load_codebook(tmp_path / "back.yaml")
    assert [(c.id, c.name, c.parent) for c in back.codes.values()] == [("a", "Alpha", None), ("b", "Beta", "a")]
    assert back.codes["a"].color == "#aabbcc" and back.codes["b"].description == "Below."


def test_the_sample_codebook_survives_a_qdc_round_trip_whole_rules_included(tmp_path):
    from qda.refi.codebook import read_qdc

    book = load_codebook(CCIN)
    back = read_qdc(write_qdc(book, tmp_path / "ccin.qdc"))
    assert back.codes == book.codes
    assert sum(len(c.rules) for c in back.codes.values()) > 20


def test_descriptions_edited_in_another_tool_are_read_as_edited():
    from qda.refi.codebook import description, read_description

    code = load_codebook(CCIN).codes["up_down"]
    edited = description(code).replace(code.description.strip(), "A shorter definition.")
    fields, block, added = read_description(edited.replace("\n", "\r\n"))
    assert fields["definition"] == "A shorter definition." and fields["include"] == code.include.strip()
    assert fields["examples"] == list(code.examples) and block["id"] == "up_down" and added == ""
    assert read_description("Just a note from NVivo.\n\nSecond paragraph.") == (
        {"definition": "Just a note from NVivo.\n\nSecond paragraph."}, None, "")


# -- descriptions edited in another tool ------------------------------------------------

def _edited_qdc(tmp_path, change) -> Path:
    """The sample codebook as .qdc, the first code's Description changed by `change`."""
    path = write_qdc(load_codebook(CCIN), tmp_path / "ccin.qdc")
    tree = etree.parse(str(path))
    found = tree.find(f".//{{{NS}}}Code/{{{NS}}}Description")
    found.text = change(found.text)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


def _older(description: str) -> str:
    """A description as qda wrote it before blocks had a closing `[/qda]` line."""
    assert description.endswith("\n[/qda]")
    return description.removesuffix("\n[/qda]")


@pytest.mark.parametrize("older", [False, True], ids=["closed block", "older block without [/qda]"])
@pytest.mark.parametrize("added", ["Discuss ZQXJ at the next meeting.", "Team note ZQXJ: discuss at next meeting."])
def test_a_paragraph_added_after_the_block_is_kept_and_said_and_the_code_comes_back_whole(tmp_path, older, added):
    from qda.refi.codebook import read_qdc

    book = load_codebook(CCIN)
    path = _edited_qdc(tmp_path, lambda text: f"{_older(text) if older else text}\n\n{added}")
    with pytest.warns(UserWarning, match=r"ccin\.qdc: code 'Thresholds, continuums and in-betweens': the text after "
                                         r"its \[qda\] block \('(Discuss|Team note) ZQXJ"):
        back = read_qdc(path)
    first = back.codes["threshold"]  # the id from the block, not made from the name
    assert first.rules == book.codes["threshold"].rules and len(first.rules) == 18
    assert first.description == book.codes["threshold"].description.strip() + "\n\n" + added
    assert first.include == book.codes["threshold"].include.strip()
    assert {k: c for k, c in back.codes.items() if k != "threshold"} == \
        {k: c for k, c in book.codes.items() if k != "threshold"}


def test_an_older_block_still_reads_whole(tmp_path):
    from qda.refi.codebook import read_qdc

    path = _edited_qdc(tmp_path, _older)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to say
        assert read_qdc(path).codes == load_codebook(CCIN).codes


def test_a_block_that_cannot_be_read_is_said(tmp_path):
    from qda.refi.codebook import read_qdc

    path = _edited_qdc(tmp_path, lambda text: text.replace("rules:\n", "rules: [\n", 1))
    with pytest.warns(UserWarning, match=r"its \[qda\] block cannot be read, so its id is made from its name"):
        back = read_qdc(path)
    assert "thresholds_continuums_and_in_betweens" in back.codes


# -- what XML cannot hold, and what qda cannot -------------------------------------------

def test_a_definition_with_a_page_break_exports_valid(tmp_path):
    from qda.refi.codebook import read_qdc

    book = parse_codebook("name: X\ncodes:\n  - id: a\n    name: A\n    definition: \"page one\\fpage two\"\n")
    out = write_qdc(book, tmp_path / "x.qdc")
    assert validate(out) == []
    assert read_qdc(out).codes["a"].description == "page one page two"  # one for one: a space


def test_code_sets_are_reported_not_dropped_silently(tmp_path):
    from qda.refi.codebook import read_qdc

    sets = tmp_path / "sets.qdc"
    sets.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="{NS}" origin="NVivo 14"><Codes>
  <Code guid="11111111-1111-1111-1111-111111111111" name="Anger" isCodable="true"/>
  <Code guid="22222222-2222-2222-2222-222222222222" name="Joy" isCodable="true"/></Codes>
 <Sets><Set guid="55555555-5555-5555-5555-555555555555" name="Important">
   <MemberCode guid="11111111-1111-1111-1111-111111111111"/><MemberCode guid="22222222-2222-2222-2222-222222222222"/>
  </Set><Set guid="66666666-6666-6666-6666-666666666666" name="Later"/></Sets></CodeBook>""", encoding="utf-8")
    with pytest.warns(UserWarning, match=rf"^{re.escape(str(sets))}: not imported: 2 sets of codes or notes: 'Important' \(2 codes\), "
                                         r"'Later' \(empty\)"):
        book = read_qdc(sets)
    assert list(book.codes) == ["anger", "joy"]
