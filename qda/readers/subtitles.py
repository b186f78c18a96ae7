"""Subtitle transcripts: WebVTT (`.vtt`) and SubRip (`.srt`), as exported by Zoom,
Teams, Otter and transcription services.

Each voice in a cue becomes one turn, never merged with its neighbours, so `Turn.time`
and `Turn.end_time` are the cue's exact start and end ("00:01:02.500", always with hours
and a dot). Most cues hold one voice; WebVTT allows several `<v Name>` spans in a cue, and
services also write a cue as lines that each open with a `Name:` label, so a cue is divided
at each voice tag or, where it has none, at each line starting with a `Name:` label (same
heuristic as `.txt`, see `qda.readers.txt`, with the same accepted ambiguity: a line of a
cue opening `Note: ...` is read as a speaker). Words before a cue's first voice tag are that
voice's, and within a voice tag's span labels are words. A cue, or the part of it before
its first labelled line, that names no speaker is the previous speaker going on, as an
unlabelled line in a `.txt` is, unless it opens with `>>`, captions' mark of another
voice. Other markup is removed: tags (`<i>`, `<c.x>`, inline `<00:00:01.000>`
timestamps; `{\\an8}` in SRT) and, in VTT, character references (`&amp;`). A voice's lines
are display wrapping, so they are stripped and joined with single spaces. The canonical
text is one line per turn, `Speaker: utterance` (or the utterance alone, where the voice
goes on from the line before), joined with `\\n`; turns with neither speaker nor text are
dropped.

VTT needs its `WEBVTT` header; NOTE, STYLE and REGION blocks, cue identifiers and cue
settings are skipped. In SRT the cue number is not checked. In both, a block without a
timing line that follows a cue is taken as more text of that cue (hand-edited files
often contain blank lines inside a cue); before the first cue it is an error. Files that
leave out the blank line between cues (or after the header) still start each cue with a
timing line: a valid one among a cue's lines starts the next cue, and a line holding only
a number just before it is that cue's number or identifier, not words. An invalid one
there stays words, as an arrow in a caption (`CIN --> CP`) is; at the head of a block it
is an error.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from qda.corpus import Turn
from qda.errors import InputError
from qda.readers.txt import parse_label

__all__ = ["parse_vtt", "parse_srt"]

_TIMING = re.compile(r"[ \t]*(?P<start>\S+)[ \t]+-->[ \t]+(?P<end>\S+)(?:[ \t].*)?")
_TIMESTAMP = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})[.,](?P<ms>\d{1,3})")
VOICE = re.compile(r"<v(?:\.[^ \t>\n]*)?[ \t]+(?P<name>[^>\n]*)>")
VTT_TAG = re.compile(r"<[^>\n]*>")
SRT_TAG = re.compile(r"</?[A-Za-z][^>\n]*>|<\d+:[\d:.,]*>|\{\\[^}\n]*\}")
_VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
VTT_SKIPPED = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")
CUE_NUMBER = re.compile(r"[ \t]*\d+[ \t]*")
_EXAMPLE = "00:00:01.000 --> 00:00:04.000"


@dataclass
class _Cue:
    start: str
    end: str
    lines: list[str] = field(default_factory=list)


def parse_vtt(text: str, path: str | Path) -> tuple[str, list[Turn], dict[str, str]]:
    """Canonical text and turns of a decoded WebVTT file (no attributes)."""
    blocks = list(_blocks(text))
    if not blocks or not _VTT_HEADER.fullmatch(blocks[0][1][0]):
        raise InputError(path, "line 1: a .vtt file must start with a 'WEBVTT' line")
    blocks[:1] = _cues_after_header(*blocks[0])
    cues = _cues((b for b in blocks[1:] if not VTT_SKIPPED.fullmatch(b[1][0])), path)
    return _render(cues, VTT_TAG, unescape=True)


def parse_srt(text: str, path: str | Path) -> tuple[str, list[Turn], dict[str, str]]:
    """Canonical text and turns of a decoded SubRip file (no attributes)."""
    return _render(_cues(_blocks(text), path), SRT_TAG, unescape=False)


def line_blocks(text: str) -> list[list[tuple[int, int, str]]]:
    """Runs of non-blank lines, each line as (its number from 1, where it starts in `text`,
    its words): how a subtitle file divides into cues, read here and by the pseudonymiser
    (on the file as written, so any line end counts)."""
    blocks: list[list[tuple[int, int, str]]] = [[]]
    number, at = 1, 0
    for end in [*re.finditer(r"\r\n|\r|\n", text), None]:
        line = text[at:end.start()] if end is not None else text[at:]
        if line.strip():
            blocks[-1].append((number, at, line))
        elif blocks[-1]:
            blocks.append([])
        if end is not None:
            number, at = number + 1, end.end()
    return [block for block in blocks if block]


def _blocks(text: str):
    """(first line number, lines) of each run of non-blank lines."""
    for block in line_blocks(text):
        yield block[0][0], [line for _, _, line in block]


def _cues_after_header(first: int, lines: list[str]) -> list[tuple[int, list[str]]]:
    """The header block, and the cues in it where no blank line ends the header (the
    first valid timing line does); the header's other lines are metadata."""
    at = next((i for i, line in enumerate(lines) if i and cue_times(line)), None)
    if at is None:
        return [(first, lines)]
    return [(first, lines[:at]), (first + at, lines[at:])]


def _cues(blocks, path: str | Path) -> list[_Cue]:
    cues: list[_Cue] = []
    for first, lines in blocks:
        # The timing line comes first, or second after a cue number / identifier.
        at = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if at is None:
            if not cues:
                raise InputError(
                    path, f"line {first}: expected a cue timing line like '{_EXAMPLE}'"
                )
            _add_lines(cues, lines)
            continue
        times = cue_times(lines[at])
        if times is None:
            found = lines[at].strip()
            raise InputError(
                path, f"line {first + at}: bad cue timing {found!r}; expected like '{_EXAMPLE}'"
            )
        cues.append(_Cue(*times))
        _add_lines(cues, lines[at + 1 :])
    return cues


def _add_lines(cues: list[_Cue], lines: list[str]) -> None:
    """Give a block's `lines` to the last cue, starting a new cue at each valid timing line
    among them: a file that leaves out the blank lines between cues still marks each cue
    so. A number alone just before it is the new cue's number, not the last cue's words.
    (The lines before are this block's: a block's first cue starts at its head.)"""
    for line in lines:
        times = cue_times(line)
        if times is None:
            cues[-1].lines.append(line)
            continue
        if cues[-1].lines and CUE_NUMBER.fullmatch(cues[-1].lines[-1]):
            cues[-1].lines.pop()
        cues.append(_Cue(*times))


def cue_times(line: str) -> tuple[str, str] | None:
    """(start, end) of a cue timing line, or None if `line` is not a valid one."""
    match = _TIMING.fullmatch(line)
    if match is None:
        return None
    start, end = _timestamp(match["start"]), _timestamp(match["end"])
    return None if start is None or end is None else (start, end)


def _timestamp(value: str) -> str | None:
    """`01:02,5` / `00:01:02.500` -> `00:01:02.500`; None if it is not a time."""
    match = _TIMESTAMP.fullmatch(value)
    if match is None or int(match["m"]) > 59 or int(match["s"]) > 59:
        return None
    millis = int(match["ms"].ljust(3, "0"))
    return f"{int(match['h'] or 0):02d}:{int(match['m']):02d}:{int(match['s']):02d}.{millis:03d}"


def _voices(
    lines: list[str], tags: re.Pattern, unescape: bool
) -> list[tuple[str | None, list[str]]]:
    """(speaker of its voice tag or None, clean lines) of each voice in a cue's `lines`:
    one per `<v Name>` span, or, in a cue without voice tags, one per `Name:` label that
    opens a line after the first (the first line's label is read with the words it heads,
    as ever, so that `>>` before it counts; see `_render`)."""
    payload = "\n".join(lines)
    starts = [voice.start() for voice in VOICE.finditer(payload)]
    if starts:
        # Words before the first voice tag are its voice's: a cue names one voice for all
        # of its words, even where markup or a stray character comes before the tag.
        bounds = [0, *starts[1:], len(payload)]
        spans = [payload[start:end] for start, end in zip(bounds, bounds[1:])]
        return [(_voice_name(span, unescape), _clean(span.split("\n"), tags, unescape)) for span in spans]
    parts: list[tuple[str | None, list[str]]] = []
    for line in _clean(lines, tags, unescape):
        if not parts or parse_label(line) is not None:
            parts.append((None, []))
        parts[-1][1].append(line)
    return parts


def _voice_name(span: str, unescape: bool) -> str | None:
    """The name of the voice tag that `span` holds, or None if the tag names nobody."""
    name = VOICE.search(span)["name"]
    return (html.unescape(name) if unescape else name).strip() or None


def _clean(lines: list[str], tags: re.Pattern, unescape: bool) -> list[str]:
    """The cue's lines without markup or surrounding space; lines left empty dropped."""
    cleaned = []
    for line in lines:
        line = tags.sub("", line)
        line = (html.unescape(line) if unescape else line).strip()
        if line:
            cleaned.append(line)
    return cleaned


def _render(
    cues: list[_Cue], tags: re.Pattern, unescape: bool
) -> tuple[str, list[Turn], dict[str, str]]:
    """One canonical line per voice in each cue; turn offsets point at the utterance in it."""
    out: list[str] = []
    turns: list[Turn] = []
    pos = 0
    last_speaker = None
    for cue in cues:
        for speaker, words in _voices(cue.lines, tags, unescape):
            utterance = " ".join(words)
            # ">>" opens another speaker's words in broadcast-style captions (Rev, YouTube),
            # named after it or not
            new_voice = speaker is not None or utterance.startswith(">>")
            utterance = utterance.removeprefix(">>").lstrip() if speaker is None else utterance
            if speaker is None and (label := parse_label(utterance)) is not None:
                speaker, utterance = label.speaker, utterance[label.end :].strip()
                new_voice = True
            if speaker is None and not utterance:
                continue
            # Services label a speaker's first cue and cut the rest of what they say into
            # unlabelled ones: those go on with the voice before, as a .txt line does
            carried = not new_voice
            speaker = last_speaker if carried else speaker
            last_speaker = speaker
            prefix = "" if speaker is None or carried else f"{speaker}: " if utterance else f"{speaker}:"
            line = prefix + utterance
            start = pos + len(prefix)
            turns.append(Turn(len(turns), speaker, start, start + len(utterance), cue.start, cue.end))
            out.append(line)
            pos += len(line) + 1
    return "\n".join(out), turns, {}
