"""Round-trip properties: a generated transcript, rendered into each format, reads back
as the same (speaker, utterance) turns, and `doc.text[t.start:t.end]` is the utterance.

Generated text is deliberately hostile (emoji, ZWJ sequences, combining marks, NBSP,
colons, URLs, CRLF, BOMs), but free of what legitimately changes meaning in a format:
lines that are speaker labels or `---` fences in .txt/.docx; `-->`, markup characters and
blank lines inside subtitle cues. Expected utterances are normalised the way each reader
documents: stripped; blank paragraphs dropped in .docx; cue lines joined by spaces.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import docx
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qda.readers import read_document
from qda.readers.txt import parse_heading, parse_label

SETTINGS = settings(max_examples=60, deadline=None)

ENCODINGS = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8-bom": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    "utf-16-le": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16-be": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
}

FRAGMENTS = st.sampled_from(
    ["😀", "👩🏽‍⚕️", "🇬🇧", "e\u0301", "\u0301", "\u00a0", " ", "  ", ": ", "Note: ",
     "http://x.org/a?b=1", "’", "—", "ǅ", "日本語", "שלום", "10:30", "[00:01:02]"]
)


def text(exclude: str = "") -> st.SearchStrategy[str]:
    chars = st.characters(
        exclude_categories=("Cc", "Cs", "Cn"), exclude_characters="\ufeff" + exclude
    )
    return st.lists(st.one_of(chars, FRAGMENTS), max_size=10).map("".join)


def plain_line(line: str) -> bool:
    """Not something the .txt/.docx grammar reads as structure, nor a name alone on its
    line, which heads a turn where such names outnumber the labels (`_bare_headings`)."""
    alone = line.strip() and parse_label(f"{line.strip()}:") is not None
    return parse_label(line) is None and parse_heading(line) is None and line.strip() != "---" and not alone


word = st.builds(
    lambda first, rest: first + rest,
    st.characters(categories=("Lu", "Lo")),
    st.text(st.characters(categories=("Ll", "Lu", "Lo", "Nd", "Mn")), max_size=7),
)
names = st.lists(word, min_size=1, max_size=3).map(" ".join).filter(lambda n: len(n) <= 40)
times = st.builds(
    lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}",
    st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
)


@dataclass
class GTurn:
    speaker: str | None
    lines: list[str]
    time: str | None
    style: int  # how the time is written: in a label (STAMPS) or a heading (HEADINGS)


# Where a label's time goes: before the name in brackets, in parentheses, bare, bare with a
# dash; after it in brackets or in parentheses (Rev's "Speaker 1 (00:00):").
STAMPS = ["[{t}] {n}:", "({t}) {n}:", "{t} {n}:", "{t} - {n}:", "{n} [{t}]:", "{n} ({t}):"]
# A heading line above the words: Otter, Zoom, and the time bracketed or set off.
HEADINGS = ["{n}   {t}", "[{n}] {t}", "{n} [{t}]", "{n} ({t})", "{n} - {t}", "{n}, {t}"]


@st.composite
def transcripts(draw, lines_of, unlabelled: str) -> list[GTurn]:
    """`unlabelled`: 'first' (only a preamble may lack a speaker) or 'any'."""
    count = draw(st.integers(1, 6))
    turns = []
    for i in range(count):
        may_be_none = unlabelled == "any" or i == 0
        speaker = draw(st.one_of(st.none(), names) if may_be_none else names)
        lines = draw(lines_of)
        if speaker is None:
            assume(any(line.strip() for line in lines))
        else:  # a time right after the label is the turn's time, not its words
            assume(not re.match(r"[ \t]*[\[(]\d{1,2}:\d{2}", lines[0]))
        time = None if speaker is None and unlabelled == "first" else draw(st.none() | times)
        turns.append(GTurn(speaker, lines, time, draw(st.integers(0, len(STAMPS) - 1))))
    return turns


txt_lines = st.lists(text().filter(plain_line), min_size=1, max_size=3)
# no line of a cue opens with a label: such a line is another voice in the cue
cue_lines = st.lists(text(exclude="<>&{}").filter(lambda s: "-->" not in s and parse_label(s.strip()) is None),
                     min_size=1, max_size=3)


def read(tmp: str, name: str, data: bytes):
    path = Path(tmp) / name
    path.write_bytes(data)
    return read_document(path)


def check(doc, expected: list[tuple[str | None, str]], times: list[str | None]) -> None:
    # a speaker's name is read in one Unicode form (NFC), so one person is one speaker
    expected = [(s and unicodedata.normalize("NFC", s), words) for s, words in expected]
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == expected
    assert [t.time for t in doc.turns] == times
    assert [t.index for t in doc.turns] == list(range(len(doc.turns)))
    assert "\r" not in doc.text and "\ufeff" not in doc.text[:1]


# --- .txt / .docx -------------------------------------------------------------------


def label_lines(turns: list[GTurn], headings: bool = False) -> list[str]:
    """The .txt lines of `turns`: `Name: words`, or with `headings` (Otter, Teams, Zoom) a
    line `Name  time` or `[Name] time` above the words."""
    out: list[str] = []
    for t in turns:
        if t.speaker is None:
            out += t.lines
            continue
        if headings:
            out.append(HEADINGS[t.style % len(HEADINGS)].format(t=t.time, n=t.speaker))
            out += t.lines
            continue
        label = f"{t.speaker}:" if t.time is None else STAMPS[t.style].format(t=t.time, n=t.speaker)
        out.append(f"{label} {t.lines[0]}")
        out += t.lines[1:]
    return out


attributes = st.dictionaries(
    st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True),
    st.text("abcXYZ0189 ", min_size=1, max_size=8).map(str.strip).filter(
        lambda v: v and v.lower() != "null"
    ),
    max_size=3,
)


@SETTINGS
@given(
    turns=transcripts(txt_lines, "first"),
    attrs=attributes,
    encoding=st.sampled_from(sorted(ENCODINGS)),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_txt_round_trip(turns, attrs, encoding, newline):
    lines = label_lines(turns)
    if attrs:
        lines = ["---", *(f"{k}: {v}" for k, v in attrs.items()), "---", *lines]
    source = newline.join(lines) + newline
    with tempfile.TemporaryDirectory() as tmp:
        doc = read(tmp, "t.txt", ENCODINGS[encoding](source))
    check(
        doc,
        [(t.speaker, "\n".join(t.lines).strip()) for t in turns],
        [t.time for t in turns],
    )
    assert doc.attributes == attrs


@SETTINGS
@given(turns=transcripts(txt_lines, "first"), ends=st.lists(times, min_size=6, max_size=6), tenths=st.integers(0, 9))
def test_txt_closing_stamps_round_trip(turns, ends, tenths):
    """f4transkript and MAXQDA close each turn with its time, `#00:01:02-3#`: the turn's end
    time, not its words."""
    closed = [f"{end}-{tenths}" for end in ends]
    for t, end in zip(turns, closed):
        t.lines[-1] = f"{t.lines[-1]} #{end}#"
    with tempfile.TemporaryDirectory() as tmp:
        doc = read(tmp, "t.txt", "\n".join(label_lines(turns)).encode("utf-8"))
    for t in turns:
        t.lines[-1] = t.lines[-1].rsplit(" #", 1)[0]
    check(doc, [(t.speaker, "\n".join(t.lines).strip()) for t in turns], [t.time for t in turns])
    assert [t.end_time for t in doc.turns] == closed[:len(turns)]


@SETTINGS
@given(turns=transcripts(txt_lines, "first"), time=times, newline=st.sampled_from(["\n", "\r\n"]))
def test_txt_headings_round_trip(turns, time, newline):
    for t in turns:  # an exported heading always has a time
        t.time = t.time or (time if t.speaker else None)
    source = newline.join(label_lines(turns, headings=True)) + newline
    with tempfile.TemporaryDirectory() as tmp:
        doc = read(tmp, "t.txt", source.encode("utf-8"))
    check(
        doc,
        [(t.speaker, "\n".join(t.lines).strip()) for t in turns],
        [t.time for t in turns],
    )


# Words below a bare name heading: a line ending in a full stop is never a name.
said_lines = st.lists(text().map(lambda line: line.strip() + ".").filter(plain_line), min_size=1, max_size=3)


@SETTINGS
@given(
    speakers=st.lists(names, min_size=2, max_size=3, unique=True),
    said=st.lists(said_lines, min_size=4, max_size=8),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_txt_bare_name_headings_round_trip(speakers, said, newline):
    """Names alone on a line above the words (Word transcripts, Otter without times), the
    speakers taking turns, so each heads two turns or more and one heads the first."""
    who = [speakers[i % len(speakers)] for i in range(len(said))]
    assume(all(who.count(name) >= 2 for name in speakers))
    assume(not any(line.strip() in speakers for lines in said for line in lines))
    source = newline.join(line for name, lines in zip(who, said) for line in [name, *lines]) + newline
    with tempfile.TemporaryDirectory() as tmp:
        doc = read(tmp, "t.txt", source.encode("utf-8"))
    check(doc, [(name, "\n".join(lines).strip()) for name, lines in zip(who, said)], [None] * len(said))


@SETTINGS
@given(turns=transcripts(txt_lines, "first"), headings=st.booleans())
def test_docx_round_trip(turns, headings):
    document = docx.Document()
    for t in turns:
        t.time = t.time or ("00:00:03" if t.speaker and headings else None)
    for paragraph in label_lines(turns, headings):
        document.add_paragraph(paragraph)
    data = io.BytesIO()
    document.save(data)
    with tempfile.TemporaryDirectory() as tmp:
        doc = read(tmp, "t.docx", data.getvalue())
    check(
        doc,
        [(t.speaker, "\n".join(l for l in t.lines if l.strip()).strip()) for t in turns],
        [t.time for t in turns],
    )


# --- .vtt / .srt --------------------------------------------------------------------


def cue_time(ms: int, comma: bool, short: bool) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    sep = "," if comma else "."
    return f"{m:02d}:{s:02d}{sep}{ms:03d}" if short and h == 0 else f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


@dataclass
class Cue:
    turn: GTurn
    start: int
    end: int
    voice: bool


@st.composite
def cues(draw) -> list[Cue]:
    turns = draw(transcripts(cue_lines, "any"))
    out, clock = [], 0
    for t in turns:
        start = clock + draw(st.integers(0, 5_000_000))
        clock = start + draw(st.integers(1, 10_000))
        out.append(Cue(t, start, clock, draw(st.booleans())))
        joined = " ".join(l.strip() for l in t.lines if l.strip())
        if t.speaker is None:
            assume(parse_label(joined) is None and not joined.startswith(">>"))
    return out


def cue_payload(cue: Cue, voice_tags: bool) -> list[str]:
    lines = [l for l in cue.turn.lines if l.strip()]
    if cue.turn.speaker is None:
        return lines
    first = lines[0] if lines else ""
    prefix = f"<v {cue.turn.speaker}>" if voice_tags and cue.voice else f"{cue.turn.speaker}: "
    return [prefix + first, *lines[1:]]


def going_on(speakers: list[str | None]) -> list[str | None]:
    """Who speaks in each cue or row: one naming nobody goes on with the speaker before."""
    out, speaker = [], None
    for named in speakers:
        speaker = named or speaker
        out.append(speaker)
    return out


def cue_expectations(generated: list[Cue]):
    speakers = going_on([c.turn.speaker for c in generated])
    expected = [(s, " ".join(l.strip() for l in c.turn.lines if l.strip())) for s, c in zip(speakers, generated)]
    return expected, [cue_time(c.start, False, False) for c in generated]


@SETTINGS
@given(
    generated=cues(),
    short=st.booleans(),
    encoding=st.sampled_from(sorted(ENCODINGS)),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_vtt_round_trip(generated, short, encoding, newline):
    lines = ["WEBVTT", "", "NOTE generated", ""]
    for i, cue in enumerate(generated):
        if i % 2:
            lines.append(f"cue-{i}")
        timing = f"{cue_time(cue.start, False, short)} --> {cue_time(cue.end, False, short)}"
        lines += [timing + (" align:start" if cue.voice else ""), *cue_payload(cue, True), ""]
    with tempfile.TemporaryDirectory() as tmp:
        doc = read(tmp, "t.vtt", ENCODINGS[encoding](newline.join(lines)))
    expected, starts = cue_expectations(generated)
    check(doc, expected, starts)
    assert [t.end_time for t in doc.turns] == [cue_time(c.end, False, False) for c in generated]
    named = [c.turn.speaker for c in generated]  # a cue going on with a speaker is not labelled again
    assert doc.text == "\n".join(
        f"{s}: {u}" if s and u else f"{s}:" if s else u for s, (_, u) in zip(named, expected)
    )


@SETTINGS
@given(
    generated=cues(),
    encoding=st.sampled_from(sorted(ENCODINGS)),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_srt_round_trip(generated, encoding, newline):
    lines: list[str] = []
    for i, cue in enumerate(generated, 1):
        timing = f"{cue_time(cue.start, True, False)} --> {cue_time(cue.end, True, False)}"
        lines += [str(i), timing, *cue_payload(cue, False), ""]
    with tempfile.TemporaryDirectory() as tmp:
        doc = read(tmp, "t.srt", ENCODINGS[encoding](newline.join(lines)))
    expected, starts = cue_expectations(generated)
    check(doc, expected, starts)


# --- .csv ---------------------------------------------------------------------------


@SETTINGS
@given(
    turns=transcripts(st.lists(text(), min_size=1, max_size=3), "any"),
    with_time=st.booleans(),
    encoding=st.sampled_from(sorted(ENCODINGS)),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_csv_round_trip(turns, with_time, encoding, newline):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Speaker", "Text", "Time"] if with_time else ["speaker", "text"])
    for t in turns:
        row = [t.speaker or "", "\n".join(t.lines)]
        writer.writerow(row + [t.time or ""] if with_time else row)
    with tempfile.TemporaryDirectory() as tmp:
        doc = read(tmp, "t.csv", ENCODINGS[encoding](out.getvalue().replace("\n", newline)))
    check(
        doc,
        list(zip(going_on([t.speaker for t in turns]), ["\n".join(t.lines).strip() for t in turns])),
        [t.time if with_time else None for t in turns],
    )
