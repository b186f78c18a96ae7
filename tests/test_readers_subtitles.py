"""Subtitle cues that hold more than one cue or more than one voice (qda.readers.subtitles).

Every test checks the corpus contract: `doc.text[turn.start:turn.end]` is exactly the
turn's words, and each turn carries its cue's times.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qda.corpus import Document
from qda.errors import InputError
from qda.readers import read_document


def read(tmp_path: Path, name: str, content: str) -> Document:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return read_document(path)


def turns(doc: Document) -> list[tuple[str | None, str, str | None, str | None]]:
    """(speaker, words, start, end) of each turn, the words cut from `doc.text` by offset."""
    for i, turn in enumerate(doc.turns):
        assert turn.index == i
        assert 0 <= turn.start <= turn.end <= len(doc.text)
    return [(t.speaker, doc.text[t.start : t.end], t.time, t.end_time) for t in doc.turns]


# --- cues with no blank line between them -------------------------------------------

NO_BLANK_SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\nInterviewer: What changed?\n"
    "2\n00:00:04,000 --> 00:00:08,000\nKelly: The threshold went up.\n"
)
TWO_TURNS = [
    ("Interviewer", "What changed?", "00:00:01.000", "00:00:03.000"),
    ("Kelly", "The threshold went up.", "00:00:04.000", "00:00:08.000"),
]


def test_srt_timing_line_starts_a_cue_without_a_blank_line(tmp_path):
    """The cue number before the timing line is the next cue's, not the words before."""
    doc = read(tmp_path, "noblank.srt", NO_BLANK_SRT)
    assert turns(doc) == TWO_TURNS
    assert doc.text == "Interviewer: What changed?\nKelly: The threshold went up."


def test_vtt_timing_line_starts_a_cue_without_a_blank_line(tmp_path):
    vtt = "WEBVTT\n\n" + NO_BLANK_SRT.replace(",", ".")
    assert turns(read(tmp_path, "noblank.vtt", vtt)) == TWO_TURNS


def test_vtt_without_any_blank_line(tmp_path):
    """Not even after the header: the first timing line ends it."""
    vtt = "WEBVTT\nKind: captions\n" + NO_BLANK_SRT.replace(",", ".")
    assert turns(read(tmp_path, "noblank.vtt", vtt)) == TWO_TURNS


def test_srt_without_cue_numbers_or_blank_lines(tmp_path):
    srt = NO_BLANK_SRT.replace("1\n", "", 1).replace("2\n", "", 1)
    assert turns(read(tmp_path, "noblank.srt", srt)) == TWO_TURNS


def test_missing_blank_line_after_a_blank_line_inside_a_cue(tmp_path):
    """Words after a blank line inside a cue go on with it; a timing line still ends it."""
    srt = ("1\n00:00:01,000 --> 00:00:03,000\nInterviewer: What\n\nchanged?\n"
           "2\n00:00:04,000 --> 00:00:08,000\nKelly: The threshold went up.\n")
    assert turns(read(tmp_path, "noblank.srt", srt)) == TWO_TURNS


def test_an_arrow_in_the_words_is_not_a_timing_line(tmp_path):
    srt = "1\n00:00:01,000 --> 00:00:03,000\nKelly: CIN\nCIN --> CP --> CIN\n"
    assert turns(read(tmp_path, "arrow.srt", srt)) == [
        ("Kelly", "CIN CIN --> CP --> CIN", "00:00:01.000", "00:00:03.000")
    ]


def test_bad_timing_line_at_the_start_of_a_block_is_still_an_error(tmp_path):
    with pytest.raises(InputError) as err:
        read(tmp_path, "bad.srt", "1\n00:00:01,000 --> later\nKelly: hi\n")
    assert "line 2" in err.value.reason and "timing" in err.value.reason


# --- several voices in one cue ------------------------------------------------------


def test_vtt_cue_with_two_voice_spans_gives_a_turn_to_each(tmp_path):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
           "<v Interviewer>What changed?</v>\n<v Dana Kowalski>We stepped it down to child in need.</v>\n")
    doc = read(tmp_path, "multi.vtt", vtt)
    assert turns(doc) == [
        ("Interviewer", "What changed?", "00:00:01.000", "00:00:04.000"),
        ("Dana Kowalski", "We stepped it down to child in need.", "00:00:01.000", "00:00:04.000"),
    ]
    assert doc.text == "Interviewer: What changed?\nDana Kowalski: We stepped it down to child in need."


def test_voice_spans_on_one_line_and_wrapped_over_lines(tmp_path):
    """A voice's words run to the next voice tag, over display lines and closing tags."""
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
           "<v Interviewer>Why?</v> <v.loud Kelly &amp; Co>Because it\n<i>went</i> up.\n"
           "<v Interviewer>Right.\n\n"
           "00:00:04.000 --> 00:00:05.000\nAnd then it stayed.\n")
    assert turns(read(tmp_path, "multi.vtt", vtt)) == [
        ("Interviewer", "Why?", "00:00:01.000", "00:00:04.000"),
        ("Kelly & Co", "Because it went up.", "00:00:01.000", "00:00:04.000"),
        ("Interviewer", "Right.", "00:00:01.000", "00:00:04.000"),
        ("Interviewer", "And then it stayed.", "00:00:04.000", "00:00:05.000"),
    ]


def test_empty_voice_span_is_kept_as_an_empty_turn(tmp_path):
    """As a cue naming a speaker with no words is (test_readers.test_vtt_happy_path)."""
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer></v><v Kelly>It went up.</v>\n"
    doc = read(tmp_path, "multi.vtt", vtt)
    assert turns(doc) == [
        ("Interviewer", "", "00:00:01.000", "00:00:04.000"),
        ("Kelly", "It went up.", "00:00:01.000", "00:00:04.000"),
    ]
    assert doc.text == "Interviewer:\nKelly: It went up."


def test_a_voice_span_is_not_split_at_a_label_in_its_words(tmp_path):
    """Inside a voice tag the speaker is known: `Note:` on a line of it is words."""
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Kelly>It went up.\nNote: only once.</v>\n"
    assert turns(read(tmp_path, "voice.vtt", vtt)) == [
        ("Kelly", "It went up. Note: only once.", "00:00:01.000", "00:00:04.000")
    ]


@pytest.mark.parametrize("name, header, comma", [("multi.srt", "1\n", True), ("multi.vtt", "WEBVTT\n\n", False)])
def test_cue_with_labelled_lines_gives_a_turn_to_each(tmp_path, name, header, comma):
    """A line without a label goes on with the voice before it, in the cue or before it."""
    timing = "00:00:01,000 --> 00:00:04,000" if comma else "00:00:01.000 --> 00:00:04.000"
    content = (f"{header}{timing}\nInterviewer: What changed?\nKelly: It went up\n"
               "to CP in the end.\nInterviewer:\nAnd then?\n")
    doc = read(tmp_path, name, content)
    cue = ("00:00:01.000", "00:00:04.000")
    assert turns(doc) == [
        ("Interviewer", "What changed?", *cue),
        ("Kelly", "It went up to CP in the end.", *cue),
        ("Interviewer", "And then?", *cue),
    ]
    assert doc.text == "Interviewer: What changed?\nKelly: It went up to CP in the end.\nInterviewer: And then?"


def test_unlabelled_first_line_goes_on_with_the_previous_cue(tmp_path):
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nKelly: It went up\n\n"
           "2\n00:00:02,000 --> 00:00:04,000\nin the end.\nInterviewer: <i>And</i> then?\n")
    doc = read(tmp_path, "carry.srt", srt)
    assert turns(doc) == [
        ("Kelly", "It went up", "00:00:01.000", "00:00:02.000"),
        ("Kelly", "in the end.", "00:00:02.000", "00:00:04.000"),
        ("Interviewer", "And then?", "00:00:02.000", "00:00:04.000"),
    ]
    assert doc.text == "Kelly: It went up\nin the end.\nInterviewer: And then?"


def test_no_blank_lines_and_two_voices_together(tmp_path):
    srt = ("1\n00:00:01,000 --> 00:00:03,000\nInterviewer: What changed?\nKelly: It went up.\n"
           "2\n00:00:04,000 --> 00:00:08,000\nInterviewer: Why?\n")
    assert turns(read(tmp_path, "both.srt", srt)) == [
        ("Interviewer", "What changed?", "00:00:01.000", "00:00:03.000"),
        ("Kelly", "It went up.", "00:00:01.000", "00:00:03.000"),
        ("Interviewer", "Why?", "00:00:04.000", "00:00:08.000"),
    ]
