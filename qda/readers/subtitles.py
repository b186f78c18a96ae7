"""Subtitle transcripts: WebVTT (`.vtt`) and SubRip (`.srt`), as exported by Zoom,
Teams, Otter and transcription services.

Each cue becomes one turn, never merged with its neighbours, so `Turn.time` and
`Turn.end_time` are the cue's exact start and end ("00:01:02.500", always with hours and
a dot). The speaker comes from the cue's (first) `<v Name>` voice tag or, failing that,
a `Name:` label at the start of the cue (same heuristic as `.txt`, see
`qda.readers.txt`); a cue with neither is the previous cue's speaker going on, as an
unlabelled line in a `.txt` is, unless it opens with `>>`, captions' mark of another
voice. Other markup is removed: tags (`<i>`, `<c.x>`, inline `<00:00:01.000>`
timestamps; `{\\an8}` in SRT) and, in VTT, character references (`&amp;`). A cue's lines
are display wrapping, so they are stripped and joined with single spaces. The canonical
text is one line per cue, `Speaker: utterance` (or the utterance alone, where the cue
named nobody), joined with `\\n`; cues with neither speaker nor text are dropped.

VTT needs its `WEBVTT` header; NOTE, STYLE and REGION blocks, cue identifiers and cue
settings are skipped. In SRT the cue number is not checked. In both, a block without a
timing line that follows a cue is taken as more text of that cue (hand-edited files
often contain blank lines inside a cue); before the first cue it is an error.
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
_VOICE = re.compile(r"<v(?:\.[^ \t>\n]*)?[ \t]+(?P<name>[^>\n]*)>")
_VTT_TAG = re.compile(r"<[^>\n]*>")
_SRT_TAG = re.compile(r"</?[A-Za-z][^>\n]*>|<\d+:[\d:.,]*>|\{\\[^}\n]*\}")
_VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_VTT_SKIPPED = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")
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
    cues = _cues((b for b in blocks[1:] if not _VTT_SKIPPED.fullmatch(b[1][0])), path)
    return _render(cues, _VTT_TAG, unescape=True)


def parse_srt(text: str, path: str | Path) -> tuple[str, list[Turn], dict[str, str]]:
    """Canonical text and turns of a decoded SubRip file (no attributes)."""
    return _render(_cues(_blocks(text), path), _SRT_TAG, unescape=False)


def _blocks(text: str):
    """(first line number, lines) of each run of non-blank lines."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


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
            cues[-1].lines.extend(lines)
            continue
        match = _TIMING.fullmatch(lines[at])
        start = _timestamp(match["start"]) if match else None
        end = _timestamp(match["end"]) if match else None
        if start is None or end is None:
            found = lines[at].strip()
            raise InputError(
                path, f"line {first + at}: bad cue timing {found!r}; expected like '{_EXAMPLE}'"
            )
        cues.append(_Cue(start, end, lines[at + 1 :]))
    return cues


def _timestamp(value: str) -> str | None:
    """`01:02,5` / `00:01:02.500` -> `00:01:02.500`; None if it is not a time."""
    match = _TIMESTAMP.fullmatch(value)
    if match is None or int(match["m"]) > 59 or int(match["s"]) > 59:
        return None
    millis = int(match["ms"].ljust(3, "0"))
    return f"{int(match['h'] or 0):02d}:{int(match['m']):02d}:{int(match['s']):02d}.{millis:03d}"


def _render(
    cues: list[_Cue], tags: re.Pattern, unescape: bool
) -> tuple[str, list[Turn], dict[str, str]]:
    """One canonical line per cue; turn offsets point at the utterance in it."""
    out: list[str] = []
    turns: list[Turn] = []
    pos = 0
    last_speaker = None
    for cue in cues:
        payload = "\n".join(cue.lines)
        voice = _VOICE.search(payload)
        speaker = None
        if voice is not None:
            name = html.unescape(voice["name"]) if unescape else voice["name"]
            speaker = name.strip() or None
        words = []
        for line in cue.lines:
            line = tags.sub("", line)
            line = (html.unescape(line) if unescape else line).strip()
            if line:
                words.append(line)
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
