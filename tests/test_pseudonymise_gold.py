"""The pseudonymisation gold set: markup parsing, its errors, scoring, and the gold files."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from qda.corpus import INTERVIEWER_LABELS
from qda.errors import InputError
from qda.pseudonymise.gold import (
    DOMAIN_TERMS,
    TYPES,
    GoldDocument,
    parse_gold,
    read_gold,
    score,
)
from qda.readers.txt import parse_front_matter, parse_label, parse_txt

GOLD = Path(__file__).resolve().parent.parent / "gold" / "pseudonymise"

MARKED = """---
participant: {{Amara Nwosu|PERSON|amara}}
role: social worker
interviewer: Interviewer
---
Interviewer: Is recording okay?
{{Amara|PERSON|amara}}: Yes. Ms {{Nwosu|PERSON|amara}} is me.
{{Tobi|PERSON|tobi}}'s school is {{St Anne's|SCHOOL|anne}}.
[00:01:02] {{Amara|PERSON|amara}}: Ring {{07700 900123|PHONE|ph}} on the {{2nd of June|DATE|d1}}.
"""


def _doc(marked: str = MARKED, name: str = "t.txt") -> GoldDocument:
    return parse_gold(marked, name)


def _span(doc: GoldDocument, text: str, nth: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(text), doc.raw)]
    return starts[nth], starts[nth] + len(text)


# -- markup ----------------------------------------------------------------------------------


def test_markup_is_stripped_to_the_transcript_on_disk():
    doc = _doc()
    assert doc.raw == re.sub(r"\{\{([^|]*)\|[^|]*\|[^}]*\}\}", r"\1", MARKED)
    assert "{{" not in doc.raw and "|" not in doc.raw
    assert doc.name == "t.txt" and doc.id == "t"
    for m in doc.mentions:
        assert doc.raw[m.start : m.end] == m.text


def test_titles_possessives_labels_and_front_matter():
    doc = _doc()
    texts = [(m.text, m.type, m.entity) for m in doc.mentions]
    assert texts == [
        ("Amara Nwosu", "PERSON", "amara"),  # front matter value
        ("Amara", "PERSON", "amara"),  # speaker label
        ("Nwosu", "PERSON", "amara"),  # title outside
        ("Tobi", "PERSON", "tobi"),  # possessive outside
        ("St Anne's", "SCHOOL", "anne"),  # an 's that belongs to the name stays inside
        ("Amara", "PERSON", "amara"),  # label after a timestamp
        ("07700 900123", "PHONE", "ph"),
        ("2nd of June", "DATE", "d1"),
    ]
    assert doc.raw[doc.mentions[2].start - 3 : doc.mentions[2].start] == "Ms "
    assert doc.raw[doc.mentions[3].end : doc.mentions[3].end + 2] == "'s"
    assert list(doc.entities) == ["amara", "tobi", "anne", "ph", "d1"]
    assert len(doc.entities["amara"]) == 4


def test_raw_is_a_valid_transcript_with_marked_labels():
    doc = _doc()
    body, turns, attributes = parse_txt(doc.raw, doc.path)
    assert attributes["participant"] == "Amara Nwosu"
    assert [t.speaker for t in turns] == ["Interviewer", "Amara", "Amara"]
    assert turns[2].time == "00:01:02"
    assert doc.raw[doc.body_start :] == body
    label = doc.mentions[1]
    assert doc.raw[label.start : label.end + 1] == "Amara:"
    assert label.start == doc.body_start + len("Interviewer: Is recording okay?\n")


@pytest.mark.parametrize(
    ("marked", "line", "message"),
    [
        ("a\nb {{Amara|PERSON|amara\n", 2, "not closed"),
        ("a {{Amara|PERSON|amara\n}}\n", 1, "not closed"),
        ("a {{Amara {{Nwosu|PERSON|n}}\n", 1, "not closed"),
        ("a\n\nAmara}} b\n", 3, "without an opening"),
        ("{{Amara|PERSON}}\n", 1, "three fields"),
        ("{{Amara|PERSON|a|b}}\n", 1, "three fields"),
        ("x\n{{Amara|NAME|a}}\n", 2, "unknown type 'NAME'"),
        ("{{Amara|person|a}}\n", 1, "unknown type 'person'"),
        ("{{|PERSON|a}}\n", 1, "no surface text"),
        ("{{ Amara|PERSON|a}}\n", 1, "spaces at its edges"),
        ("{{Amara|PERSON|}}\n", 1, "entity id ''"),
        ("{{Amara|PERSON|amara n}}\n", 1, "entity id 'amara n'"),
        ("{{Amara|PERSON|a}}\n{{Leeds|PLACE|a}}\n", 2, "entity 'a' is PLACE here but PERSON"),
    ],
)
def test_malformed_markup_names_file_and_line(marked, line, message):
    with pytest.raises(InputError) as info:
        parse_gold(marked, "gold/p99.txt")
    text = str(info.value)
    assert "p99.txt" in text
    assert f"line {line}:" in text
    assert message in text


def test_markup_that_leaves_no_valid_transcript_is_an_error():
    with pytest.raises(InputError, match="front matter"):
        parse_gold("---\nparticipant: {{Amara|PERSON|a}}\nno closing fence\n", "bad.txt")


def test_read_gold_folder_file_and_errors(tmp_path):
    (tmp_path / "b.txt").write_text("{{Bo|PERSON|b}}: Hi.\n", encoding="utf-8")
    # BOM and CRLF are normalised, as the transcript readers do.
    (tmp_path / "a.txt").write_bytes(
        codecs.BOM_UTF8 + "Interviewer: Hi.\r\n{{Al|PERSON|a}}: Hello.\r\n".encode()
    )
    (tmp_path / "notes.md").write_text("{{not gold\n", encoding="utf-8")
    docs = read_gold(tmp_path)
    assert [d.name for d in docs] == ["a.txt", "b.txt"]
    assert docs[0].raw == "Interviewer: Hi.\nAl: Hello.\n"
    assert docs[0].mentions[0].start == len("Interviewer: Hi.\n")
    assert [d.name for d in read_gold(tmp_path / "b.txt")] == ["b.txt"]
    with pytest.raises(InputError, match="file not found"):
        read_gold(tmp_path / "missing.txt")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no gold transcripts"):
        read_gold(empty)


# -- scoring ---------------------------------------------------------------------------------


def _all_spans(doc: GoldDocument) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in doc.mentions]


def test_perfect_detection_scores_one():
    doc = _doc()
    result = score([doc], {"t.txt": _all_spans(doc)}, DOMAIN_TERMS)
    assert result.entity_recall == result.mention_recall == result.precision == 1.0
    assert result.entities == 5 and result.mentions == 8 and result.spans == 8
    assert not result.missed and not result.false_positives and not result.allow_violations


def test_one_missed_mention_fails_the_whole_entity():
    doc = _doc()
    spans = [(m.start, m.end) for m in doc.mentions if m.text != "Nwosu"]
    result = score([doc], {"t.txt": spans}, [])
    assert result.mention_recall == 7 / 8
    assert result.entity_recall == 4 / 5  # amara: 3 of 4 mentions is not enough
    assert result.by_type["PERSON"].mentions == 5
    assert result.by_type["PERSON"].mentions_covered == 4
    assert result.by_type["PERSON"].entity_recall == 1 / 2
    assert result.by_type["SCHOOL"].entity_recall == 1.0
    [missed] = result.missed
    assert (missed.document, missed.text, missed.type, missed.entity) == (
        "t.txt", "Nwosu", "PERSON", "amara")
    assert "Ms [Nwosu] is me" in missed.context


def test_coverage_needs_every_non_space_character():
    doc = parse_gold("{{Amara|PERSON|a}}: I met {{Amara Nwosu|PERSON|a}} today.\n", "t.txt")
    label = (0, 5)
    first = _span(doc, "Amara", 1)
    last = _span(doc, "Nwosu")
    # Part of a mention is not enough.
    partial = score([doc], {"t.txt": [label, first]}, [])
    assert partial.mention_recall == 0.5 and partial.entity_recall == 0.0
    # Two spans together cover it; the space between them need not be replaced.
    union = score([doc], {"t.txt": [label, first, last]}, [])
    assert union.mention_recall == 1.0 and union.entity_recall == 1.0
    # A span wider than the mention covers it, and still counts as a true positive.
    wide = score([doc], {"t.txt": [label, (first[0] - 4, last[1] + 6)]}, [])
    assert wide.mention_recall == 1.0 and wide.precision == 1.0


def test_false_positive_lowers_precision():
    doc = _doc()
    spans = _all_spans(doc) + [_span(doc, "school is"), _span(doc, "recording")]
    result = score([doc], {"t": spans}, [])  # the document id works as a key too
    assert result.mention_recall == 1.0
    assert result.precision == 8 / 10
    assert [fp.text for fp in result.false_positives] == ["recording", "school is"]
    assert "Is [recording] okay?" in result.false_positives[0].context


def test_allow_list_hits_are_reported():
    doc = parse_gold(
        "Interviewer: Was it CP or child protection?\n"
        "{{Jo|PERSON|jo}}: The Child\nProtection plan, then the CPN, then the CP plan. "
        "{{CP Smith|PERSON|cps}} agreed.\n",
        "t.txt",
    )
    spans = [
        (0, 11),  # "Interviewer"
        _span(doc, "child protection"),  # case-insensitive
        _span(doc, "Child\nProtection"),  # across a line break
        _span(doc, "CPN"),  # not the whole word "CP": a false positive but no violation
        _span(doc, "CP plan"),  # one violation ("CP plan"), not two
        _span(doc, "CP Smith"),  # "CP" inside a gold mention: the identifier wins
    ]
    result = score([doc], {"t.txt": spans}, ["Child Protection", "CP", "CP plan", "interviewer"])
    found = [(v.term, v.text) for v in result.allow_violations]
    assert found == [
        ("interviewer", "Interviewer"),
        ("Child Protection", "child protection"),
        ("Child Protection", "Child\nProtection"),
        ("CP plan", "CP plan"),
    ]
    assert "[Interviewer]: Was it" in result.allow_violations[0].context
    assert result.precision == 1 / 6


def test_score_edge_cases():
    doc = _doc()
    nothing = score([doc], {}, [])
    assert nothing.precision is None and nothing.mention_recall == 0.0
    assert len(nothing.missed) == 8
    duplicates = score([doc], {"t.txt": _all_spans(doc) * 2}, [])
    assert duplicates.spans == 8
    with pytest.raises(ValueError, match="unknown document"):
        score([doc], {"other.txt": []}, [])
    with pytest.raises(ValueError, match="outside the text"):
        score([doc], {"t.txt": [(5, len(doc.raw) + 1)]}, [])
    with pytest.raises(ValueError, match="empty"):
        score([doc], {"t.txt": [(5, 5)]}, [])


def test_format_reports_the_numbers_and_lists():
    doc = _doc()
    spans = [(m.start, m.end) for m in doc.mentions if m.text != "Tobi"]
    spans.append((0, 3))  # "---"
    spans.append(_span(doc, "Interviewer", 1))
    report = score([doc], {"t.txt": spans}, ["Interviewer"]).format()
    assert "entity recall   80.0%  (4/5 entities" in report
    assert "mention recall  87.5%  (7/8" in report
    assert "precision       77.8%  (7/9" in report
    assert "allow-list      1 violation(s)" in report
    assert re.search(r"PERSON\s+2\s+50\.0%\s+5\s+80\.0%", report)
    assert "Missed mentions (1)" in report and "'Tobi'" in report
    assert "False positives (2)" in report and "'---'" in report
    assert "Allow-list violations (1)" in report
    assert "... and 1 more" in score([doc], {}, []).format(limit=7)


# -- the gold files --------------------------------------------------------------------------


def _gold_docs() -> list[GoldDocument]:
    return read_gold(GOLD / "dev") + read_gold(GOLD / "heldout")


def test_gold_split_is_numbered_on_with_the_latest_files_held_out():
    """Held-out files move to dev once rules are tuned on them, and new ones follow."""
    dev = [d.name for d in read_gold(GOLD / "dev")]
    held_out = [d.name for d in read_gold(GOLD / "heldout")]
    assert len(dev) >= 10 and len(held_out) >= 6
    numbers = [sorted(int(re.fullmatch(r"p(\d{2,})\.txt", name).group(1)) for name in names) for names in (dev, held_out)]
    assert numbers[0] + numbers[1] == list(range(1, len(dev) + len(held_out) + 1))


@pytest.mark.parametrize("doc", _gold_docs(), ids=lambda d: d.name)
def test_gold_file_is_a_rich_valid_transcript(doc):
    body, turns, attributes = parse_txt(doc.raw, doc.path)
    assert doc.raw[doc.body_start :] == body
    assert 600 <= len(body.split()) <= 1100
    assert len(doc.mentions) >= 25
    assert len(doc.entities) >= 8
    types = {m.type for m in doc.mentions}
    assert types >= {"PERSON", "DATE", "PHONE"}
    assert types & {"HEALTH", "SCHOOL", "ORG"}  # (a housing officer may name no hospital)
    for m in doc.mentions:
        assert doc.raw[m.start : m.end] == m.text
    # Plenty of domain vocabulary that must survive pseudonymisation.
    present = {t for t in DOMAIN_TERMS if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", body, re.I)}
    assert len(present) >= 8


@pytest.mark.parametrize("doc", _gold_docs(), ids=lambda d: d.name)
def test_gold_file_marks_every_name_label_and_front_matter_name(doc):
    starts = {m.start: m for m in doc.mentions}
    pos = doc.body_start
    for line in doc.raw[doc.body_start :].split("\n"):
        label = parse_label(line)
        if label is not None and label.speaker.casefold() not in INTERVIEWER_LABELS:
            at = pos + line.index(label.speaker)
            assert at in starts and starts[at].text == label.speaker, line
            assert starts[at].type == "PERSON"
        pos += len(line) + 1
    front = doc.raw[: doc.body_start]
    attributes = parse_front_matter(front.strip().strip("-"), doc.path)
    for key in ("participant", "interviewer"):
        value = attributes[key]
        if value.casefold() not in INTERVIEWER_LABELS:  # the name marked, a title outside: "Dr {{Rachel Hughes}}"
            assert any(value.endswith(m.text) and m.end <= doc.body_start for m in doc.mentions), key


@pytest.mark.parametrize("doc", _gold_docs(), ids=lambda d: d.name)
def test_gold_file_marks_every_occurrence_of_a_marked_surface(doc):
    """A surface marked once is marked everywhere it occurs as a whole word (same case):
    the usual slip in hand markup is the one mention left unmarked."""
    marked = bytearray(len(doc.raw))
    for m in doc.mentions:
        marked[m.start : m.end] = b"\x01" * (m.end - m.start)
    unmarked = []
    for surface in {m.text for m in doc.mentions}:
        for hit in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", doc.raw):
            if not all(marked[hit.start() : hit.end()]):
                unmarked.append((surface, doc.raw.count("\n", 0, hit.start()) + 1))
    assert not unmarked


@pytest.mark.parametrize("doc", _gold_docs(), ids=lambda d: d.name)
def test_gold_identifiers_have_their_real_shapes(doc):
    for m in doc.mentions:
        digits = [int(c) for c in m.text if c.isdigit()]
        if m.type == "NHS":
            assert len(digits) == 10
            check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
            assert (0 if check == 11 else check) == digits[9], m.text
        elif m.type == "NI":
            assert re.fullmatch(r"QQ ?\d\d ?\d\d ?\d\d ?[A-D]", m.text), m.text
        elif m.type == "POSTCODE":
            assert re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?(?: \d[A-Z]{2})?", m.text), m.text  # or a district: "BT9"
        elif m.type == "PHONE" and digits:  # one is spoken ("oh seven seven double oh ...")
            assert len(digits) in (11, 12), m.text
        elif m.type == "EMAIL" and "@" in m.text:  # one is spoken ("... at example dot com")
            assert re.search(r"@[\w.-]*example\.", m.text), m.text
        elif m.type == "URL":
            assert "example." in m.text, m.text
        # A domain term is never inside an identifier, except in a web or email address.
        if m.type not in ("URL", "EMAIL"):
            for term in DOMAIN_TERMS:
                assert not re.search(rf"(?<!\w){re.escape(term)}(?!\w)", m.text, re.I), m.text


def test_both_splits_cover_every_type_and_score_perfectly_against_themselves():
    for split in ("dev", "heldout"):
        docs = read_gold(GOLD / split)
        assert {m.type for d in docs for m in d.mentions} == set(TYPES), split
        result = score(docs, {d.name: _all_spans(d) for d in docs}, DOMAIN_TERMS)
        assert result.entity_recall == result.precision == 1.0
        assert not result.allow_violations
