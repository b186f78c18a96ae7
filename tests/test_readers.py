"""Examples for qda.readers: each format's happy path, and every error a user can cause."""

from __future__ import annotations

import unicodedata
import codecs
import warnings
import zipfile
from pathlib import Path

import docx
import pytest

from qda.corpus import Document
from qda.errors import InputError
from qda.readers import SUPPORTED_EXTENSIONS, UnreadFilesWarning, document_id, read_corpus, read_document
from qda.readers.csv import IgnoredColumnWarning
from qda.readers.decode import ControlCharacterWarning, EncodingWarning, decode_bytes
from qda.readers.txt import UnreadLabelWarning, parse_label

TXT = """---
participant: Kelly
role: social worker
team: rural
interview_date: 2013-05-14
id: 007
consent: yes
interviewer: [Interviewer, Sam]
---
Recorded at the team office.
Interviewer: How has the protocol changed your practice?
Kelly: It makes you think about where a case fits.
It carries on here, same turn.
Note: this line looks like a label and is read as one.
[00:12:34] Interviewer: And the families? See http://example.org/x
http://example.org: not a label either
00:13:00 Kelly:
Sam:   Thanks.   
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def utterances(doc: Document) -> list[tuple[str | None, str]]:
    return [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns]


def assert_invariants(doc: Document) -> None:
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    for i, turn in enumerate(doc.turns):
        assert turn.index == i
        assert 0 <= turn.start <= turn.end <= len(doc.text)
        utterance = doc.text[turn.start : turn.end]
        assert utterance == utterance.strip()
    starts = [t.start for t in doc.turns]
    assert starts == sorted(starts)


def error_for(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_document(path)
    assert str(path) in str(info.value)
    return info.value


# --- .txt ---------------------------------------------------------------------------


def test_txt_happy_path(tmp_path):
    doc = read_document(write(tmp_path, "Interview 07 (Kelly).txt", TXT))
    assert_invariants(doc)
    assert (doc.id, doc.name) == ("interview-07-kelly", "Interview 07 (Kelly).txt")
    assert doc.path == str(tmp_path / "Interview 07 (Kelly).txt")
    assert doc.attributes == {
        "participant": "Kelly",
        "role": "social worker",
        "team": "rural",
        "interview_date": "2013-05-14",
        "id": "007",  # typed text kept: YAML would make this 7
        "consent": "yes",
        "interviewer": "Interviewer, Sam",
    }
    assert doc.text == TXT.split("---\n", 2)[2]
    assert utterances(doc) == [
        (None, "Recorded at the team office."),
        ("Interviewer", "How has the protocol changed your practice?"),
        ("Kelly", "It makes you think about where a case fits.\nIt carries on here, same turn."),
        ("Note", "this line looks like a label and is read as one."),
        (
            "Interviewer",
            "And the families? See http://example.org/x\nhttp://example.org: not a label either",
        ),
        ("Kelly", ""),
        ("Sam", "Thanks."),
    ]
    assert [t.time for t in doc.turns] == [None, None, None, None, "00:12:34", "00:13:00", None]
    empty = doc.turns[5]
    assert empty.start == empty.end and doc.text[: empty.start].endswith("Kelly:")
    assert doc.is_interviewer(doc.turns[6])


def test_numbered_and_initialled_interviewers_are_not_participants(tmp_path):
    labels = ["Interviewer 1", "INT2", "q-3", "Interviewer B", "Interviewer (JB)", "I 2", "Researcher",
              "Moderator (Sam)"]
    text = "".join(f"{label}: A question?\nKelly: An answer.\n" for label in labels)
    doc = read_document(write(tmp_path, "team.txt", text + "Participant 3: Me too.\nIan: Hi.\n"))
    assert [t.speaker for t in doc.turns if doc.is_interviewer(t)] == labels
    assert {t.speaker for t in doc.turns if not doc.is_interviewer(t)} == {"Kelly", "Participant 3", "Ian"}


OTTER = ("Speaker 1  0:03\nSo how has the protocol changed things?\n\n"
         "Speaker 2  0:09\nIt makes you think.\nWhere a case fits, you know.\n\n"
         "Speaker 1  1:02:15\nRight.\n")


def test_txt_exported_with_headings_otter_teams_zoom(tmp_path):
    doc = read_document(write(tmp_path, "otter.txt", OTTER))
    assert utterances(doc) == [("Speaker 1", "So how has the protocol changed things?"),
                               ("Speaker 2", "It makes you think.\nWhere a case fits, you know."),
                               ("Speaker 1", "Right.")]
    assert [t.time for t in doc.turns] == ["0:03", "0:09", "1:02:15"]
    zoom = "[Jo Bloggs] 10:03:12\nDid it go up?\n[Kelly Ann] 10:03:15\nIt went up to CP.\n"
    doc = read_document(write(tmp_path, "zoom.txt", zoom))
    assert utterances(doc) == [("Jo Bloggs", "Did it go up?"), ("Kelly Ann", "It went up to CP.")]


def test_txt_reads_the_kind_of_label_it_has_more_of(tmp_path):
    # a line that looks like a heading among "Name:" labels is text, and the reverse
    text = "Interviewer: When was it?\nKelly: The Monday.\nMonday 10:30\nInterviewer: And then?\n"
    doc = read_document(write(tmp_path, "labels.txt", text))
    assert utterances(doc)[1] == ("Kelly", "The Monday.\nMonday 10:30")
    doc = read_document(write(tmp_path, "headings.txt", "Note: typed up late\n" + OTTER))
    assert [t.speaker for t in doc.turns] == [None, "Speaker 1", "Speaker 2", "Speaker 1"]
    assert utterances(doc)[0] == (None, "Note: typed up late")


def test_txt_names_alone_above_the_words_or_before_a_tab_as_word_transcripts_have_them(tmp_path):
    bare = ("Interviewer\nHow has it changed things?\n\nKelly Ann\nIt makes you think.\nYes.\n"
            "Where a case fits.\n\nInterviewer\nAnd then?\n\nKelly Ann\nWe stepped it up.\n")
    doc = read_document(write(tmp_path, "bare.txt", bare))
    assert_invariants(doc)
    assert utterances(doc) == [("Interviewer", "How has it changed things?"),
                               ("Kelly Ann", "It makes you think.\nYes.\nWhere a case fits."),
                               ("Interviewer", "And then?"), ("Kelly Ann", "We stepped it up.")]
    # Otter without times: nobody is "Interviewer", but a name heads the first turn
    otter = "Speaker 1\nDid it go up?\nSpeaker 2\nTo CP.\nSpeaker 1\nWhen?\nSpeaker 2\nMonday\n"
    assert [t.speaker for t in read_document(write(tmp_path, "otter.txt", otter)).turns] == ["Speaker 1", "Speaker 2"] * 2
    # details above the names, written "Name: value", stay text
    headed = read_document(write(tmp_path, "headed.txt", "Date: 14 May 2013\nInterviewer: Jo Bloggs\n\n" + otter))
    assert [t.speaker for t in headed.turns] == [None] + ["Speaker 1", "Speaker 2"] * 2
    assert headed.turn_text(headed.turns[0]) == "Date: 14 May 2013\nInterviewer: Jo Bloggs"
    tabbed = "INTERVIEWER\tHow has it changed?\nKELLY\tIt makes you think.\nIt carries on.\n"
    doc = read_document(write(tmp_path, "tabbed.txt", tabbed))
    assert utterances(doc) == [("INTERVIEWER", "How has it changed?"), ("KELLY", "It makes you think.\nIt carries on.")]


def test_txt_a_short_line_or_a_name_heading_one_turn_is_not_a_speaker(tmp_path):
    # each name heads one turn only, or only one name recurs, or nothing anchors them: prose
    for text in ("Interviewer\nHow has it changed?\nKelly\nIt makes you think.\n",
                 "Interviewer\nWhen?\nThe Monday\nafter.\nInterviewer\nWho?\nMe.\n",
                 "A Study Of Thresholds\nSome words.\nMonday\nwe met.\nTuesday\nwe met.\nMonday\nagain.\n"
                 "Tuesday\nagain.\n"):
        doc = read_document(write(tmp_path, "prose.txt", text))
        assert [t.speaker for t in doc.turns] == [None], text


def test_txt_a_time_just_after_the_label_is_the_turns(tmp_path):
    text = "Interviewer: [00:00:01] How?\nKelly: (00:00:05) It went up to CP.\nMore.\nKelly: [see note] fine\n"
    doc = read_document(write(tmp_path, "after.txt", text))
    assert_invariants(doc)
    assert [(doc.turn_text(t), t.time) for t in doc.turns] == [
        ("How?", "00:00:01"), ("It went up to CP.\nMore.", "00:00:05"), ("[see note] fine", None)]


def test_txt_closing_stamps_of_f4transkript_are_end_times(tmp_path):
    text = ("I: What happened then? #00:00:05-2#\n\nB: It went up to CP. #00:00:12-7#\n"
            "And then down again. #00:00:20-1#\n\nI: Okay. #00:00:22-0#\n")
    doc = read_document(write(tmp_path, "f4.txt", text))
    assert_invariants(doc)
    assert [(t.speaker, doc.turn_text(t), t.end_time) for t in doc.turns] == [
        ("I", "What happened then?", "00:00:05-2"),
        ("B", "It went up to CP. #00:00:12-7#\nAnd then down again.", "00:00:20-1"),  # a paragraph's stays
        ("I", "Okay.", "00:00:22-0")]


def test_txt_without_front_matter_keeps_whole_text(tmp_path):
    text = "Interviewer: Hello.\nP1: Hi.\n"
    doc = read_document(write(tmp_path, "a.txt", text))
    assert doc.text == text and doc.attributes == {}
    assert utterances(doc) == [("Interviewer", "Hello."), ("P1", "Hi.")]


def test_txt_empty_front_matter_and_datetime(tmp_path):
    doc = read_document(write(tmp_path, "a.txt", "---\n---\nA: x\n"))
    assert doc.attributes == {} and utterances(doc) == [("A", "x")]
    doc = read_document(write(tmp_path, "b.txt", "---\nwhen: 2013-05-14 10:30:00\nnone:\n---\nA: x\n"))
    assert doc.attributes == {"when": "2013-05-14T10:30:00", "none": ""}


@pytest.mark.parametrize(
    "line, speaker, time",
    [
        ("Interviewer: hi", "Interviewer", None),
        ("  Dr. Smith : hi", "Dr. Smith", None),
        ("Mary-Jane O'Neil: hi", "Mary-Jane O'Neil", None),
        ("Anna van der Berg: hi", "Anna van der Berg", None),
        ("Participant 3:", "Participant 3", None),
        ("José: hola", "José", None),
        ("Jose\u0301: hola", "Jose\u0301", None),
        ("张伟: 你好", "张伟", None),
        ("int: hello", "int", None),
        ("Q: why?", "Q", None),
        ("q1: why?", "q1", None),
        ("Interviewer (JB): and then?", "Interviewer (JB)", None),
        ("[01:02:03] Kelly: hi", "Kelly", "01:02:03"),
        ("1:02:03 Kelly: hi", "Kelly", "1:02:03"),
        ("[02:03] Kelly: hi", "Kelly", "02:03"),
        ("(00:01:23) Kelly: hi", "Kelly", "00:01:23"),
        ("00:01:23 - Kelly: hi", "Kelly", "00:01:23"),
        ("Kelly [00:01:23]: hi", "Kelly", "00:01:23"),
        ("Speaker 1 (00:00):", "Speaker 1", "00:00"),
        ("Note: ambiguous, accepted", "Note", None),
        # a description in brackets after the name; codes, numbers and pairs
        ("Kelly (SW): hi", "Kelly", None),
        ("Kelly (laughs): hi", "Kelly", None),
        ("P1 (Female, 45): hi", "P1", None),
        ("Kelly (00:01:23) : hi", "Kelly", "00:01:23"),
        ("Participant_03: hi", "Participant_03", None),
        ("Participant #3: hi", "Participant #3", None),
        ("p1: hi", "p1", None),
        ("Mum & Dad: hi", "Mum & Dad", None),
        ("Kelly/Sam: hi", "Kelly/Sam", None),
        ("[Person 1]: hi", "[Person 1]", None),  # a pseudonymised copy's tag
    ],
)
def test_labels(line, speaker, time):
    label = parse_label(line)
    assert label is not None and (label.speaker, label.time) == (speaker, time)


@pytest.mark.parametrize(
    "line",
    [
        "http://example.org is where",
        "https://x.org",
        "At 10:30 we met",
        "re:thing",
        "So my answer: yes",
        "Then I said: no",
        "I mean, honestly: no",
        "One two three four five: too many words",
        "A" * 41 + ": too long",
        "12: a numbered point",
        "[00:01:02] just a stamp",
        "10:30 Meeting: a bare time must be h:mm:ss",
        "Kelly Smith, social worker: a description after a comma",
        "(laughs): hi",
        "[inaudible]: hi",
        "Mum & : hi",
        "interviewer?: hi",
        "",
    ],
)
def test_not_labels(line):
    assert parse_label(line) is None


def test_a_speaker_whose_labels_are_not_read_is_warned_about(tmp_path):
    text = ("---\nparticipant: Kelly\n---\nInterviewer: What changed?\n"
            "Kelly Smith, social worker: We stepped it down.\nInterviewer: And?\n"
            "Kelly Smith, social worker: They were worried.\n")
    with pytest.warns(UnreadLabelWarning, match=r"lines 5, 7 open with what looks like a speaker's label") as caught:
        doc = read_document(write(tmp_path, "k.txt", text))
    assert "Kelly Smith" not in str(caught[0].message)  # names stay out of logs
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Interviewer"]  # read as before, but said


def test_a_described_speaker_is_one_speaker(tmp_path):
    text = "Interviewer: Hi.\nKelly (SW): Hello.\nInterviewer: And?\nKelly (laughs): Well.\n"
    doc = read_document(write(tmp_path, "k.txt", text))
    assert_invariants(doc)
    assert utterances(doc) == [("Interviewer", "Hi."), ("Kelly", "Hello."), ("Interviewer", "And?"), ("Kelly", "Well.")]


def test_front_matter_invalid_yaml_names_line(tmp_path):
    path = write(tmp_path, "bad.txt", "---\nrole: social worker\nteam: [rural\n---\nA: x\n")
    err = error_for(path)
    assert "line 3" in err.reason and "YAML" in err.reason


@pytest.mark.parametrize(
    "front, needle",
    [
        ("- a\n- b", "line 2"),
        ("just a sentence", "line 2"),
        ("role: a\nrole: b", "line 3"),
        ("team:\n  name: rural", "line 2"),
    ],
)
def test_front_matter_not_attributes(tmp_path, front, needle):
    err = error_for(write(tmp_path, "bad.txt", f"---\n{front}\n---\nA: x\n"))
    assert needle in err.reason


def test_a_rule_above_the_talk_is_not_front_matter(tmp_path):
    # "---" as a rule made the first exchange YAML: its turns became attributes, silently
    talk = "Interviewer: So how long have you been qualified?\nKelly: About six years now.\n"
    err = error_for(write(tmp_path, "rule.txt", f"---\n{talk}---\nInterviewer: And?\nKelly: Well.\n"))
    assert "line 2" in err.reason and "is speech" in err.reason and "delete it" in err.reason
    # the interviewer named in front matter, in either case, is an attribute
    for key in ("interviewer", "Interviewer"):
        doc = read_document(write(tmp_path, f"{key}.txt", f"---\n{key}: Sam Jones\n---\n{talk}"))
        assert doc.attributes[key] == "Sam Jones" and len(doc.turns) == 2


def test_front_matter_unclosed(tmp_path):
    err = error_for(write(tmp_path, "bad.txt", "---\nrole: a\nA: x\n"))
    assert "closing" in err.reason


# --- decoding -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content"), [
    ("header.csv", "speaker,text\n"),
    ("front.txt", "---\nrole: manager\n---\n\n"),
    ("cueless.vtt", "WEBVTT\n\n"),
])
def test_files_with_no_turns(tmp_path, name, content):
    assert error_for(write(tmp_path, name, content)).reason.startswith("has no turns")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_empty_files(tmp_path, content):
    assert error_for(write(tmp_path, "empty.txt", content)).reason.startswith("file is empty")


@pytest.mark.parametrize(
    "name, content",
    [
        ("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
        ("ctrl.txt", b"Kelly: hi\x01\x02\x03 there\n"),
        ("img.vtt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("img.csv", b"speaker,text\n\x00\x00"),
    ],
)
def test_binary_files(tmp_path, name, content):
    assert "binary" in error_for(write(tmp_path, name, content)).reason


def test_utf16_without_bom_gets_a_hint(tmp_path):
    err = error_for(write(tmp_path, "u16.txt", "Kelly: hi\n".encode("utf-16-le")))
    assert "binary" in err.reason and "UTF-16" in err.reason


def test_cp1252_fallback_warns(tmp_path):
    path = write(tmp_path, "old.txt", b"Kelly: It\x92s fine \x93really\x94.\r\n")
    with pytest.warns(EncodingWarning, match="UTF-8") as record:
        doc = read_document(path)
    assert str(path) in str(record[0].message)
    assert utterances(doc) == [("Kelly", "It\u2019s fine \u201creally\u201d.")]


def test_invalid_after_bom(tmp_path):
    err = error_for(write(tmp_path, "bad.txt", codecs.BOM_UTF8 + b"Kelly: \x92\n"))
    assert "UTF-8" in err.reason


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
        lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
        lambda s: codecs.BOM_UTF32_LE + s.encode("utf-32-le"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8"),
        lambda s: s.replace("\n", "\r").encode("utf-8"),
        lambda s: s.encode("utf-8") + b"\x1a",
    ],
)
def test_encodings_and_line_ends_read_identically(tmp_path, encode):
    plain = read_document(write(tmp_path, "plain.txt", TXT + "Kelly: caf\u00e9 \U0001f600\n"))
    other = read_document(write(tmp_path, "other.txt", encode(TXT + "Kelly: caf\u00e9 \U0001f600\n")))
    assert (other.text, other.turns, other.attributes) == (plain.text, plain.turns, plain.attributes)


def test_decode_bytes_directly():
    assert decode_bytes(b"a\r\nb\rc\n", "x.txt") == "a\nb\nc\n"
    with pytest.raises(InputError, match="x.txt: file is empty"):
        decode_bytes(b"", "x.txt")


# --- .docx --------------------------------------------------------------------------


def make_docx(path: Path, paragraphs: list[str], table: bool = False) -> Path:
    document = docx.Document()
    document.core_properties.author = "Someone Else"
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        cells = document.add_table(rows=1, cols=2).rows[0].cells
        cells[0].text, cells[1].text = "Kelly: in a table", "ignored"
    document.save(path)
    return path


def test_docx_happy_path(tmp_path):
    path = make_docx(
        tmp_path / "Interview 3.docx",
        ["---", "role: manager", "---", "Intro line", "", "Interviewer: Question?",
         "Kelly: First part,", "   ", "second part.", "[00:01:02] Interviewer: Next.\nSoft break."],
        table=True,
    )
    doc = read_document(path)
    assert_invariants(doc)
    assert doc.id == "interview-3" and doc.attributes == {"role": "manager"}
    assert doc.text == (
        "Intro line\nInterviewer: Question?\nKelly: First part,\nsecond part.\n"
        "[00:01:02] Interviewer: Next.\nSoft break."
    )
    assert utterances(doc) == [
        (None, "Intro line"),
        ("Interviewer", "Question?"),
        ("Kelly", "First part,\nsecond part."),
        ("Interviewer", "Next.\nSoft break."),
    ]
    assert doc.turns[3].time == "00:01:02"


def test_docx_names_alone_above_the_words(tmp_path):
    path = make_docx(tmp_path / "bare.docx", ["Interviewer", "How has it changed?", "Kelly", "It makes you think.",
                                             "Interviewer", "And then?", "Kelly", "We stepped it up."])
    doc = read_document(path)
    assert_invariants(doc)
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Kelly"] * 2


def test_docx_names_in_bold_without_a_colon(tmp_path):
    def led(document, name, words):
        paragraph = document.add_paragraph()
        paragraph.add_run(name).bold = True
        paragraph.add_run(words)

    document = docx.Document()
    led(document, "Never", " would I do that, I said.")  # emphasis: leads one paragraph
    for name, words in [("Interviewer", " How has it changed?"), ("Kelly Ann", "  It makes you think."),
                        ("Interviewer", " And then?"), ("Kelly Ann", " We stepped it up.")]:
        led(document, name, words)
    document.add_paragraph("It carries on.")
    document.save(tmp_path / "bold.docx")
    doc = read_document(tmp_path / "bold.docx")
    assert_invariants(doc)
    assert utterances(doc) == [(None, "Never would I do that, I said."), ("Interviewer", "How has it changed?"),
                               ("Kelly Ann", "It makes you think."), ("Interviewer", "And then?"),
                               ("Kelly Ann", "We stepped it up.\nIt carries on.")]
    assert doc.text.splitlines()[2] == "Kelly Ann: It makes you think."
    # bold by Word's Strong character style rather than the Bold button
    document = docx.Document()
    for name, words in [("Interviewer", " How?"), ("Kelly", " Up to CP."), ("Interviewer", " And?"), ("Kelly", " Down.")]:
        paragraph = document.add_paragraph()
        paragraph.add_run(name, style="Strong")
        paragraph.add_run(words)
    document.save(tmp_path / "strong.docx")
    assert [t.speaker for t in read_document(tmp_path / "strong.docx").turns] == ["Interviewer", "Kelly"] * 2


def test_docx_reads_corrections_links_and_content_controls_as_word_shows_them(tmp_path):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Interviewer: Where did it go?")
    corrected = document.add_paragraph("Kelly: It went ")  # corrected with Track Changes on
    corrected._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="T"><w:r><w:delText>down</w:delText>'
                                  "</w:r></w:del>"))
    corrected._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="T"><w:r><w:t>up to CP</w:t></w:r></w:ins>'))
    linked = document.add_paragraph("Interviewer: See ")
    linked._p.append(parse_xml(f'<w:hyperlink {nsdecls("w")}><w:r><w:t>the protocol</w:t></w:r></w:hyperlink>'))
    document.element.body.insert(len(document.element.body) - 1, parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>Kelly: In a content control.</w:t></w:r></w:p>'
        "</w:sdtContent></w:sdt>"))
    document.save(tmp_path / "tracked.docx")
    doc = read_document(tmp_path / "tracked.docx")
    assert_invariants(doc)
    assert utterances(doc) == [("Interviewer", "Where did it go?"), ("Kelly", "It went up to CP"),
                               ("Interviewer", "See the protocol"), ("Kelly", "In a content control.")]


def test_docx_corrupt(tmp_path):
    assert "Word" in error_for(write(tmp_path, "notzip.docx", b"this is not a zip")).reason
    path = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "Word" in error_for(path).reason
    assert "empty" in error_for(write(tmp_path, "zero.docx", b"")).reason


def docx_with_table(path: Path, before: list[str], rows: list[list[str]], after: list[str]) -> Path:
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for cells, row in zip(table.rows, rows):
        for cell, value in zip(cells.cells, row):
            cell.text = value
    for text in after:
        document.add_paragraph(text)
    document.save(path)
    return path


def test_docx_transcript_table_with_a_header(tmp_path):
    rows = [["Timestamp", "Speaker", "Utterance"], ["00:00:01", "Interviewer", "Did it go up?"],
            ["00:00:04", "Kelly", "It went up to CP.\nIn the end."], ["0:09", "Kelly", "Yes."]]
    doc = read_document(docx_with_table(tmp_path / "t.docx", ["---", "role: manager", "---"], rows, ["End of tape."]))
    assert_invariants(doc)
    assert doc.attributes == {"role": "manager"}
    assert utterances(doc) == [("Interviewer", "Did it go up?"), ("Kelly", "It went up to CP.\nIn the end."),
                               ("Kelly", "Yes.\nEnd of tape.")]
    assert [t.time for t in doc.turns] == ["00:00:01", "00:00:04", "0:09"]


def test_docx_transcript_table_without_a_header(tmp_path):
    rows = [["Interviewer", "Did it go up?"], ["Kelly", "It went up to CP."], ["", "(inaudible)"],
            ["Interviewer", "When?"]]
    doc = read_document(docx_with_table(tmp_path / "t.docx", ["Recorded at the office."], rows, []))
    assert utterances(doc) == [(None, "Recorded at the office."), ("Interviewer", "Did it go up?"),
                               ("Kelly", "It went up to CP.\n(inaudible)"), ("Interviewer", "When?")]
    # a table of something else is not a transcript
    for rows in ([["Case", "Level"], ["the family out past Holbrook", "up to CP"]],
                 [["Participant", "P07"], ["Role", "Social worker"], ["Interviewer", "Sam"]]):
        other = read_document(docx_with_table(tmp_path / "o.docx", ["Kelly: Here is the list."], rows, []))
        assert utterances(other) == [("Kelly", "Here is the list.")]


def test_docx_transcript_tables_of_other_shapes(tmp_path):
    # numbered lines and times before the speaker, no header
    rows = [["1", "00:00:00", "Interviewer", "What changed?"], ["2", "00:00:01", "Kelly", "We stepped it down."],
            ["3", "00:00:02", "Interviewer", "Why?"], ["4", "00:00:03", "Kelly", "It went up."]]
    doc = read_document(docx_with_table(tmp_path / "n.docx", ["Interview 12."], rows, []))
    assert_invariants(doc)
    assert utterances(doc)[1:] == [("Interviewer", "What changed?"), ("Kelly", "We stepped it down."),
                                   ("Interviewer", "Why?"), ("Kelly", "It went up.")]
    assert [t.time for t in doc.turns[1:]] == ["00:00:00", "00:00:01", "00:00:02", "00:00:03"]
    # a header naming only the speaker's column; a cell merged across the table
    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    for who, what in [("Who", "What was said"), ("Interviewer", "So?"), ("Priya", "Yes.")]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = who, what
    row = table.add_row()
    row.cells[0].merge(row.cells[1]).text = "[Recording paused]"
    document.save(tmp_path / "h.docx")
    doc = read_document(tmp_path / "h.docx")
    assert utterances(doc) == [("Interviewer", "So?"), ("Priya", "Yes.\n[Recording paused]")]


def test_docx_headings_are_not_speech_and_word_hyphens_are_read(tmp_path):
    document = docx.Document()
    document.add_heading("Interview 4 - Priya, team manager", 0)
    document.add_paragraph("Interviewer: How did it start?")
    document.add_heading("Part 2: Thresholds and escalation", 1)
    document.add_paragraph("Priya: It was a step")
    paragraph = document.paragraphs[-1]
    for mark, after in (("noBreakHyphen", "down, a de"), ("softHyphen", "escalation.")):
        run = paragraph.add_run()
        run._r.append(run._r.makeelement(f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{mark}", {}))
        paragraph.add_run(after)
    document.add_heading("Interviewer", 2)  # a speaker's name in a heading style stays
    document.add_paragraph("And then?")
    document.save(tmp_path / "h.docx")
    doc = read_document(tmp_path / "h.docx")
    assert_invariants(doc)
    assert "Part 2" not in doc.text and "Interview 4" not in doc.text
    assert utterances(doc)[:2] == [("Interviewer", "How did it start?"),
                                   ("Priya", "It was a step-down, a deescalation.\nInterviewer\nAnd then?")]


def test_docx_without_paragraphs(tmp_path):
    path = make_docx(tmp_path / "table_only.docx", ["", "  "], table=True)
    assert "empty" in error_for(path).reason


# --- .vtt / .srt --------------------------------------------------------------------

VTT = """WEBVTT - interview 4
Kind: captions

NOTE this is a comment
spanning lines

STYLE
::cue { color: red }

1
00:00:01.000 --> 00:00:04.500 align:start position:10%
<v Interviewer>How has it <i>changed</i> things?</v>

intro-2
00:05.250 --> 00:09.000
<v.loud Kelly Smith>It makes you think &amp; it
<c.yellow>carries</c> <00:00:07.000>on.

00:00:10.000 --> 00:00:12.000
Kelly: Labelled in the text.

00:00:12.000 --> 00:00:13.000
Going on unlabelled.

00:00:13.000 --> 00:00:14.000
<v Interviewer></v>
"""


def test_unlabelled_cues_go_on_with_the_speaker_before_unless_captions_mark_a_new_voice(tmp_path):
    """Services label a speaker's first cue only; `>>` marks another voice, named or not.
    Cues before any label have no speaker."""
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nBefore anyone is named.\n\n"
           "2\n00:00:02,000 --> 00:00:03,000\nINTERVIEWER: And then?\n\n"
           "3\n00:00:03,000 --> 00:00:04,000\nWhat happened next?\n\n"
           "4\n00:00:04,000 --> 00:00:05,000\n>> SAM: We stepped it up to CP.\n\n"
           "5\n00:00:05,000 --> 00:00:06,000\nIt came back down later.\n\n"
           "6\n00:00:06,000 --> 00:00:07,000\n>> Somebody unnamed.\n\n"
           "7\n00:00:07,000 --> 00:00:08,000\nStill them.\n")
    doc = read_document(write(tmp_path, "captions.srt", srt))
    assert_invariants(doc)
    assert utterances(doc) == [
        (None, "Before anyone is named."),
        ("INTERVIEWER", "And then?"),
        ("INTERVIEWER", "What happened next?"),  # not coded: the interviewer's words
        ("SAM", "We stepped it up to CP."),
        ("SAM", "It came back down later."),
        (None, "Somebody unnamed."),
        (None, "Still them."),
    ]
    assert [doc.is_interviewer(t) for t in doc.turns] == [False, True, True, False, False, False, False]
    assert doc.text.splitlines()[2:5] == ["What happened next?", "SAM: We stepped it up to CP.",
                                          "It came back down later."]


def test_vtt_happy_path(tmp_path):
    doc = read_document(write(tmp_path, "call.vtt", VTT))
    assert_invariants(doc)
    assert doc.text == (
        "Interviewer: How has it changed things?\n"
        "Kelly Smith: It makes you think & it carries on.\n"
        "Kelly: Labelled in the text.\n"
        "Going on unlabelled.\n"
        "Interviewer:"
    )
    assert utterances(doc) == [
        ("Interviewer", "How has it changed things?"),
        ("Kelly Smith", "It makes you think & it carries on."),
        ("Kelly", "Labelled in the text."),
        ("Kelly", "Going on unlabelled."),  # the speaker before goes on
        ("Interviewer", ""),
    ]
    assert [(t.time, t.end_time) for t in doc.turns] == [
        ("00:00:01.000", "00:00:04.500"),
        ("00:00:05.250", "00:00:09.000"),
        ("00:00:10.000", "00:00:12.000"),
        ("00:00:12.000", "00:00:13.000"),
        ("00:00:13.000", "00:00:14.000"),
    ]


def test_vtt_needs_header(tmp_path):
    err = error_for(write(tmp_path, "x.vtt", "00:00:01.000 --> 00:00:02.000\nhi\n"))
    assert "WEBVTT" in err.reason


def test_vtt_bad_timing(tmp_path):
    err = error_for(write(tmp_path, "x.vtt", "WEBVTT\n\n00:00:01.000 --> soon\nhi\n"))
    assert "line 3" in err.reason and "timing" in err.reason


SRT = """1
00:00:01,000 --> 00:00:04,000
<i>Interviewer:</i> How has it changed things?

2
00:00:05,000 --> 00:00:09,500 X1:10 X2:20 Y1:1 Y2:2
{\\an8}Kelly: It makes you think
about where a case fits.

and a blank line crept in.

3
00:00:10,000 --> 00:00:11,000
[music] 1 < 2 & 3

"""


def test_srt_happy_path(tmp_path):
    doc = read_document(write(tmp_path, "call.srt", SRT.replace("\n", "\r\n")))
    assert_invariants(doc)
    assert utterances(doc) == [
        ("Interviewer", "How has it changed things?"),
        ("Kelly", "It makes you think about where a case fits. and a blank line crept in."),
        ("Kelly", "[music] 1 < 2 & 3"),  # no label: Kelly goes on
    ]
    assert [(t.time, t.end_time) for t in doc.turns][1] == ("00:00:05.000", "00:00:09.500")


def test_srt_without_timing(tmp_path):
    err = error_for(write(tmp_path, "x.srt", "Kelly: this is not a subtitle file\n"))
    assert "line 1" in err.reason and "timing" in err.reason


# --- .csv ---------------------------------------------------------------------------


def test_csv_happy_path(tmp_path):
    content = (
        " Speaker ,TEXT,Time,Team,Site,Notes,\n"
        'Interviewer,"How has it, you know, changed?",00:00:01,rural,,a,\n'
        'Kelly,"First paragraph.\r\nSecond paragraph.  ",00:00:05,rural,Eastgate,b,\n'
        ",,,,,,\n"
        ",Kelly going on,,,,,\n"
        "Interviewer,,,,,,\n"
    )
    with pytest.warns(IgnoredColumnWarning, match="Notes"):
        doc = read_document(write(tmp_path, "session.csv", content))
    assert_invariants(doc)
    assert doc.attributes == {"Team": "rural", "Site": "Eastgate"}
    assert utterances(doc) == [
        ("Interviewer", "How has it, you know, changed?"),
        ("Kelly", "First paragraph.\nSecond paragraph."),
        ("Kelly", "Kelly going on"),  # a blank speaker: the one above goes on
        ("Interviewer", ""),
    ]
    assert doc.text.startswith("Interviewer: How has it, you know, changed?\nKelly: First")
    assert [t.time for t in doc.turns] == ["00:00:01", "00:00:05", None, None]


def test_csv_semicolons(tmp_path):
    doc = read_document(write(tmp_path, "s.csv", "speaker;text\nKelly;Yes, fine\n"))
    assert utterances(doc) == [("Kelly", "Yes, fine")]


@pytest.mark.parametrize("content", ["who,said\nKelly,hi\n", "speaker,words\nKelly,hi\n"])
def test_csv_missing_columns(tmp_path, content):
    err = error_for(write(tmp_path, "bad.csv", content))
    assert "'speaker' and 'text'" in err.reason and "'text'" in err.reason.split("missing")[1]


def test_csv_columns_by_the_names_services_give_them(tmp_path):
    # an export's "Timestamp" and "Utterance"; "Start" loses to "Timestamp", so it is left an
    # ordinary column (one value: an attribute)
    content = "Speaker Name,Start,Timestamp,Utterance\nJo,x,00:00:01,Did it go up?\nKelly,x,00:00:04,It did.\n"
    doc = read_document(write(tmp_path, "export.csv", content))
    assert utterances(doc) == [("Jo", "Did it go up?"), ("Kelly", "It did.")]
    assert [t.time for t in doc.turns] == ["00:00:01", "00:00:04"] and doc.attributes == {"Start": "x"}
    # the column's own name wins over another
    doc = read_document(write(tmp_path, "own.csv", "speaker,transcript,text\nKelly,an old draft,It did.\n"))
    assert utterances(doc) == [("Kelly", "It did.")]
    err = error_for(write(tmp_path, "twice.csv", "speaker,utterance,Utterance\nKelly,a,b\n"))
    assert "'utterance' appears twice" in err.reason


def test_qda_tables_that_are_not_transcripts_are_refused(tmp_path):
    from qda.evaluate import GOLD_COLUMNS
    from qda.readers.csv import NOT_TRANSCRIPTS
    from qda.table import COLUMNS

    coded, gold = NOT_TRANSCRIPTS  # kept to the columns those tables really have
    assert coded <= set(COLUMNS) and gold <= set(GOLD_COLUMNS)
    table = write(tmp_path, "coded.csv", ",".join(COLUMNS) + "\n" + ",".join(["x"] * len(COLUMNS)) + "\n")
    assert "is a table of passages qda wrote" in error_for(table).reason
    topics = write(tmp_path, "assignments.csv", "document,turn,speaker,start,end,text,topic,label\nd,1,K,0,2,hi,0,x\n")
    assert "is a table of passages qda wrote" in error_for(topics).reason
    gold_file = write(tmp_path, "gold.csv", ",".join(GOLD_COLUMNS) + "\nd,1,Kelly,a,hi\n")
    assert "is a gold file" in error_for(gold_file).reason


def test_tsv(tmp_path):
    doc = read_document(write(tmp_path, "s.tsv", "Speaker\tText\nKelly\tYes, fine; thanks\n"))
    assert utterances(doc) == [("Kelly", "Yes, fine; thanks")]


def test_csv_extra_fields(tmp_path):
    err = error_for(write(tmp_path, "bad.csv", "speaker,text\nKelly,hi,extra\n"))
    assert "line 2" in err.reason


# --- dispatch and corpora -----------------------------------------------------------


def test_supported_extensions():
    assert set(SUPPORTED_EXTENSIONS) == {".txt", ".docx", ".vtt", ".srt", ".csv", ".tsv"}


def test_unsupported_extension(tmp_path):
    err = error_for(write(tmp_path, "notes.pdf", "A: x"))
    assert all(ext in err.reason for ext in SUPPORTED_EXTENSIONS)
    # the way from the files researchers are handed to one qda reads
    assert "save it as .docx" in error_for(write(tmp_path, "old.DOC", "A: x")).reason
    assert "save the sheet as .csv" in error_for(write(tmp_path, "sheet.xlsx", "A: x")).reason
    assert error_for(write(tmp_path, "x.abc", "A: x")).reason.endswith(".tsv")  # nothing to suggest


def test_upper_case_extension(tmp_path):
    assert read_document(write(tmp_path, "LOUD.TXT", "A: x")).id == "loud"


def test_missing_file_and_folder(tmp_path):
    assert "not found" in error_for(tmp_path / "nope.txt").reason
    assert "folder" in error_for(tmp_path).reason
    with pytest.raises(InputError, match="nope"):
        read_corpus([tmp_path / "nope"])


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Interview 07 (Kelly).txt", "interview-07-kelly"),
        ("interview_07.txt", "interview_07"),
        ("Entrevista Jos\u00e9.docx", "entrevista-jose"),
        ("..weird--name...vtt", "weird--name"),
    ],
)
def test_document_id(name, expected):
    assert document_id(name) == expected


def test_document_id_without_ascii_is_stable():
    assert document_id("访谈.txt") == document_id("访谈.txt") != document_id("访问.txt")
    assert document_id("访谈.txt").startswith("doc-")


def test_read_corpus_folder_expansion(tmp_path):
    write(tmp_path, "b.txt", "A: b")
    write(tmp_path, "a.srt", "1\n00:00:01,000 --> 00:00:02,000\nA: a\n")
    write(tmp_path, "notes.pdf", "ignored")
    write(tmp_path, ".hidden.txt", "ignored")
    write(tmp_path, "~$lock.docx", b"\x00lock")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git", "x.txt", "ignored")
    write(tmp_path / "sub", "c.csv", "speaker,text\nA,c\n")
    write(tmp_path / "sub", "d.doc", "an old Word file")
    write(tmp_path, "README.md", "not a transcript")
    with pytest.warns(UnreadFilesWarning) as warned:  # transcripts left out would be missing from every figure
        corpus = read_corpus(tmp_path)
    message = str(warned[0].message)
    assert "1 .doc file (d.doc): open it in Word or LibreOffice and save it as .docx" in message
    assert "1 .pdf file (notes.pdf)" in message and "README" not in message
    assert [d.id for d in corpus] == ["a", "b", "c"]
    assert corpus["c"].path == str(tmp_path / "sub" / "c.csv")
    # a folder plus a file inside it: the file is read once
    with pytest.warns(UnreadFilesWarning):
        assert len(read_corpus([tmp_path, str(tmp_path / "b.txt")])) == 3


def test_read_corpus_empty_folder(tmp_path):
    write(tmp_path, "notes.pdf", "ignored")
    with pytest.raises(InputError, match=r"no transcripts.*1 \.pdf file \(notes\.pdf\): export the transcript") as info:
        read_corpus([tmp_path])
    assert info.value.path == str(tmp_path)


def test_read_corpus_duplicate_ids(tmp_path):
    first = write(tmp_path, "Interview 1.txt", "A: x")
    second = write(tmp_path, "interview-1.srt", "1\n00:00:01,000 --> 00:00:02,000\nA: a\n")
    with pytest.raises(InputError) as info:
        read_corpus([first, second])
    assert str(first) in str(info.value) and str(second) in str(info.value)


def test_read_corpus_fails_on_any_bad_file(tmp_path):
    write(tmp_path, "a.txt", "A: fine")
    write(tmp_path, "z.txt", b"")
    with pytest.raises(InputError, match="z.txt"):
        read_corpus(tmp_path)


def test_no_warnings_for_clean_files(tmp_path):
    write(tmp_path, "a.txt", TXT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_corpus(tmp_path)) == 1


def test_csv_quote_left_open_is_an_error_naming_its_line(tmp_path):
    path = write(tmp_path, "q.csv", 'speaker,text\nInterviewer,Hi\nKelly,"Round and round, we escalated it.\n'
                                    "Interviewer,Right.\nKelly,Fine.\n")
    err = error_for(path)
    assert "line 3" in err.reason and "quote" in err.reason  # not the rest of the file in one cell


def test_csv_quoted_cells_over_lines_still_read(tmp_path):
    doc = read_document(write(tmp_path, "ok.csv", 'speaker,text\nInterviewer,Hi\nKelly,"two\nlines, ""quoted"""\n'))
    assert_invariants(doc)
    assert utterances(doc) == [("Interviewer", "Hi"), ("Kelly", 'two\nlines, "quoted"')]


def test_tsv_quotes_in_words_are_words(tmp_path):
    text = ("speaker\ttext\nInterviewer\tWhat did mum say?\n"
            'Kelly\t"You are only here to check up on me" is what she said.\n'
            'Interviewer\tAnd then?\nKelly\t"Round and round.\nInterviewer\tRight.\n')
    doc = read_document(write(tmp_path, "q.tsv", text))
    assert_invariants(doc)
    assert utterances(doc) == [("Interviewer", "What did mum say?"),
                               ("Kelly", '"You are only here to check up on me" is what she said.'),
                               ("Interviewer", "And then?"), ("Kelly", '"Round and round.'), ("Interviewer", "Right.")]


def test_a_stray_control_character_is_kept_and_warned_about(tmp_path):
    path = write(tmp_path, "c1.txt", "Interviewer: What changed?\nKelly: It\u0092s stepped down.\n".encode())
    with pytest.warns(ControlCharacterWarning, match=r"line 2: control character U\+0092 \(probably a curly quote"):
        doc = read_document(path)
    assert utterances(doc)[1] == ("Kelly", "It\u0092s stepped down.")


def test_front_matter_after_blank_lines(tmp_path):
    doc = read_document(write(tmp_path, "fm.txt", "\n\n---\nrole: social worker\n---\nInterviewer: Hi.\nKelly: Hello.\n"))
    assert doc.attributes == {"role": "social worker"}
    assert utterances(doc) == [("Interviewer", "Hi."), ("Kelly", "Hello.")]


def test_a_name_typed_decomposed_is_the_same_speaker(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Zoë Müller")
    doc = read_document(write(tmp_path, "z.txt", f"---\ninterviewer: Zoë Müller\n---\n{decomposed}: Did it go up?\n"
                                                 "Kelly: Yes.\nZoë Müller: Right.\n"))
    assert_invariants(doc)
    assert [(t.speaker, doc.is_interviewer(t)) for t in doc.turns] == [
        ("Zoë Müller", True), ("Kelly", False), ("Zoë Müller", True)]
