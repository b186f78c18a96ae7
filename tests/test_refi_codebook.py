"""REFI-QDA codebooks (.qdc): export, the official schema, stable GUIDs, hostile files."""

from __future__ import annotations

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
    fields, block = read_description(edited.replace("\n", "\r\n"))
    assert fields["definition"] == "A shorter definition." and fields["include"] == code.include.strip()
    assert fields["examples"] == list(code.examples) and block["id"] == "up_down"
    assert read_description("Just a note from NVivo.\n\nSecond paragraph.") == (
        {"definition": "Just a note from NVivo.\n\nSecond paragraph."}, None)
