"""Where the words are in a transcript file: the parts of it pseudonymisation may change.

All of a `.txt` (front matter and speaker labels are where names are); in subtitles the
cues' words and the names in voice tags, and in a `.vtt` its title, header values and
notes, never what the subtitle reader takes for the format's own syntax (the `WEBVTT`
line, cue numbers and identifiers, timing lines and their settings, other tags, STYLE and
REGION blocks); in a table (`.csv .tsv`) every cell below the header but the turns' times,
unquoted as the table reader reads it and written back with the quotes it had. The
detector reads a file's words as one text (`TextFile.text`): each field's lines, and the
parts of a line between tabs, a line of it, so a name never runs from one cell, tag or
field into the next. A Word file's paragraphs are lines of its text (`WordFile`,
`qda.pseudonymise.word`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from qda.errors import QdaError
from qda.pseudonymise.word import WordText
from qda.readers.csv import TIMES, table_delimiter, table_rows, turn_columns
from qda.readers.decode import decode_raw, normalise_newlines
from qda.readers.subtitles import CUE_NUMBER, SRT_TAG, VOICE, VTT_SKIPPED, VTT_TAG, cue_times, line_blocks

Edit = tuple[int, int, str]  # (start, end, new words) in a file's `text`


# Files as words -------------------------------------------------------------------------


def _as_it_is(value: str) -> str:
    return value


@dataclass(frozen=True)
class Field:
    """A part of a text file that holds words: `raw[start:end]`, read as `value`, and how a
    new value is written there (a table cell quoted)."""

    start: int
    end: int
    value: str
    write: Callable[[str], str] = _as_it_is


class TextFile:
    """A text transcript as written (`raw`: line ends as they are) and the fields of it that
    hold words. `text` is what the detector reads: each field's lines, and the parts of a
    line between tabs, one line each; a tab read as a space would make "Maureen<tab>Yes"
    one person."""

    pictures = 0

    def __init__(self, path: Path, raw: str, fields: list[Field]):
        self.path, self.raw, self.fields = path, raw, fields
        self._apart = [_lines_apart(f.value) for f in fields]  # (lines joined by \n, what ended each)
        self.text = "\n".join(lines for lines, _ in self._apart)

    def edited(self, edits: list[Edit]) -> str:
        """The file as written, with (start, end, new words) edits of `text`."""
        starts = list(accumulate((len(lines) + 1 for lines, _ in self._apart), initial=0))
        per_field: dict[int, list[Edit]] = {}
        for start, end, new in edits:
            k = bisect_right(starts, start) - 1
            if end > starts[k] + len(self._apart[k][0]):
                raise QdaError(f"{self.path}: a replacement spans two parts of the file; nothing was written")
            per_field.setdefault(k, []).append((start - starts[k], end - starts[k], new))
        pieces, at = [], 0
        for k in sorted(per_field):
            lines, ends = self._apart[k]
            pieces += [self.raw[at:self.fields[k].start],
                       self.fields[k].write(_lines_together(self.path, _edited(lines, per_field[k]), ends))]
            at = self.fields[k].end
        return "".join(pieces) + self.raw[at:]

    def writer(self, edits: list[Edit]) -> Callable[[Path], None]:
        content = self.edited(edits)
        return lambda target: target.write_text(content, encoding="utf-8", newline="")


class WordFile:
    """A Word transcript's paragraphs as lines of `text` (`qda.pseudonymise.word`)."""

    def __init__(self, path: Path, document: WordText):
        self.path, self.text, self.pictures = path, document.text, document.pictures

    def writer(self, edits: list[Edit]) -> Callable[[Path], None]:
        def write_docx(target: Path) -> None:
            # opened again here, so that all the documents are not held open at once
            document = WordText(self.path.read_bytes(), self.path)
            if document.text != self.text:
                raise QdaError(f"{self.path}: changed while it was being pseudonymised; nothing was written")
            document.replace(edits)
            document.save(target)

        return write_docx


def read_words(path: Path, whole: bool = False) -> TextFile | WordFile:
    """The file's words; `whole`: a text file's words are all of it, as an earlier version
    of qda read every format (its records count offsets so)."""
    data = path.read_bytes()
    if path.suffix.lower() == ".docx":
        return WordFile(path, WordText(data, path))
    # read_corpus has checked the file; an old DOS end marker is not content
    raw = decode_raw(data, path).removesuffix("\x1a")
    fields = _whole_file(raw, path) if whole else _FIELDS[path.suffix.lower()](raw, path)
    return TextFile(path, raw, fields)


def _lines_apart(raw: str) -> tuple[str, list[str]]:
    """`raw` with each line end and tab as `\\n`, and what each was: `\\r\\n`, `\\r`, `\\n`
    or a tab, so that a copy keeps Windows line ends and a table its cells."""
    parts = re.split(r"(\r\n|\r|\n|\t)", raw)
    return "\n".join(parts[0::2]), parts[1::2]


def _lines_together(path: Path, text: str, separators: list[str]) -> str:
    """`text`'s lines joined with the separators `_lines_apart` took out. A replacement never
    spans a line, so the k-th line is still the k-th."""
    lines = text.split("\n")
    if len(lines) != len(separators) + 1:
        raise QdaError(f"{path}: pseudonymising changed the file's lines; nothing was written")
    return "".join(line + end for line, end in zip(lines, separators)) + lines[-1]


def _edited(text: str, edits: list[Edit]) -> str:
    pieces, at = [], 0
    for start, end, new in sorted(edits):
        pieces += [text[at:start], new]
        at = end
    return "".join(pieces) + text[at:]


def _whole_file(raw: str, path: Path) -> list[Field]:
    """A plain-text transcript is words throughout: front matter values and speaker labels
    name people too."""
    return [Field(0, len(raw), raw)]


# Subtitles: words between the syntax


def _subtitle_fields(raw: str, vtt: bool) -> list[Field]:
    """The words of a `.vtt` or `.srt` file (see the module's docstring)."""
    tags = VTT_TAG if vtt else SRT_TAG
    fields: list[Field] = []
    for number, block in enumerate(_blocks(raw)):
        if vtt and number == 0:
            header, cues = _header_and_cues(block)
            fields += _header_words(header) + _cue_words(cues, tags)
        elif vtt and VTT_SKIPPED.fullmatch(block[0][1]):
            fields += _aside_words(block)
        else:
            fields += _cue_words(block, tags)
    return fields


def _vtt_fields(raw: str, path: Path) -> list[Field]:
    return _subtitle_fields(raw, vtt=True)


def _srt_fields(raw: str, path: Path) -> list[Field]:
    return _subtitle_fields(raw, vtt=False)


def _blocks(raw: str) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line as (where it starts in `raw`, its text), as the
    subtitle reader divides a file."""
    return [[(start, line) for _, start, line in block] for block in line_blocks(raw)]


def _header_and_cues(block: list[tuple[int, str]]) -> tuple[list, list]:
    """A `.vtt`'s first block: its header, and the cues after it where no blank line ends
    the header (the first valid timing line does, as for the reader)."""
    at = next((k for k, (_, line) in enumerate(block) if k and cue_times(line)), len(block))
    return block[:at], block[at:]


# A title after the header's keyword, from its first word: NER reads "- Interview with"
# as a person's name.
_TITLE = re.compile(r"WEBVTT[ \t]+[-–—:|]*[ \t]*(?P<value>.*\S)")
_METADATA = re.compile(r"[\w-]+:[ \t]*(?P<value>.*\S)")  # "Title: ...", not "X-TIMESTAMP-MAP=..."


def _header_words(header: list[tuple[int, str]]) -> list[Field]:
    """A title after `WEBVTT` ("WEBVTT - Interview with ...") and the values of the
    header's `Name: value` lines."""
    found = [(at, (_METADATA if k else _TITLE).match(line)) for k, (at, line) in enumerate(header)]
    return [Field(at + value.start("value"), at + value.end("value"), value["value"])
            for at, value in found if value is not None]


_STYLE_VOICE = re.compile(r"""voice[ \t]*[~|^$*]?=[ \t]*(["'])(?P<name>[^"'\n]*)\1""")


def _aside_words(block: list[tuple[int, str]]) -> list[Field]:
    """A NOTE's words, after the keyword (a transcriber's "NOTE Interview with ..."), and
    the voices a STYLE block's selectors name (`::cue(v[voice="Esme"])`); the rest of a
    STYLE block, and a REGION block, are settings."""
    (at, first), *rest = block
    if not first.startswith("NOTE"):
        return [Field(at + m.start("name"), at + m.end("name"), m["name"])
                for at, line in block for m in _STYLE_VOICE.finditer(line) if m["name"].strip()]
    head = [Field(at + 4, at + len(first), first[4:])] if first[4:].strip() else []
    return head + [Field(at, at + len(line), line) for at, line in rest]


def _cue_syntax(lines: list[str]) -> set[int]:
    """Which of a block's lines are syntax: timing lines, and a cue's number or identifier
    above one, where the subtitle reader takes them so."""
    syntax: set[int] = set()
    if not lines:
        return syntax
    if "-->" in lines[0]:
        syntax.add(0)  # the reader has checked that it is a valid timing line
    elif len(lines) > 1 and "-->" in lines[1]:
        syntax |= {0, 1}
    for k in range(1, len(lines)):
        if k not in syntax and cue_times(lines[k]) is not None:
            syntax.add(k)
            if k - 1 not in syntax and CUE_NUMBER.fullmatch(lines[k - 1]):
                syntax.add(k - 1)
    return syntax


def _cue_words(block: list[tuple[int, str]], tags: re.Pattern) -> list[Field]:
    syntax = _cue_syntax([line for _, line in block])
    return [f for k, (at, line) in enumerate(block) if k not in syntax for f in _line_words(at, line, tags)]


def _line_words(at: int, line: str, tags: re.Pattern) -> list[Field]:
    """The words of a line of a cue, between its tags, and the name in a voice tag."""
    spans, start = [], 0
    for tag in tags.finditer(line):
        spans.append((start, tag.start()))
        if (voice := VOICE.fullmatch(tag.group())) is not None:
            spans.append((tag.start() + voice.start("name"), tag.start() + voice.end("name")))
        start = tag.end()
    spans.append((start, len(line)))
    return [Field(at + a, at + b, line[a:b]) for a, b in spans if line[a:b].strip()]


# Tables: cells, unquoted


def _table_fields(raw: str, path: Path) -> list[Field]:
    """Each cell below the header but the turns' times (the table's syntax, as a cue's
    timing line is), found where it is written and read as the table reader reads it."""
    read = normalise_newlines(raw)  # as the reader has it
    expected = [row for _, row in table_rows(read, path) if any(c.strip() for c in row)]
    delimiter = table_delimiter(read)
    # The reader reads a tab-separated file that quotes nothing with quotes as words.
    for quoting in (True, False) if delimiter == "\t" else (True,):
        rows = [row for row in _cells(raw, delimiter, quoting) or [] if any(c.value.strip() for c in row)]
        if [[normalise_newlines(c.value) for c in row] for row in rows] == expected:
            break
    else:
        raise QdaError(f"{path}: its cells could not be found as the table reader reads them, so no copy "
                       "of it can be made (a bug in qda: please report it)")
    times = {k for column, k in turn_columns([c.value.strip() for c in rows[0]]).items() if column in TIMES}
    return [cell for row in rows[1:] for k, cell in enumerate(row) if k not in times and cell.value]


def _cells(raw: str, delimiter: str, quoting: bool) -> list[list[Field]] | None:
    """Rows of cells, as Python's strict csv module reads them (a cell opening with a quote
    runs to the quote closing it, quotes inside doubled), or None where it would not."""
    quoted = re.compile(r'"([^"]*(?:""[^"]*)*)"')
    plain = re.compile(rf"[^{re.escape(delimiter)}\r\n]*")
    row_end = re.compile(r"\r\n|\r|\n|\Z")
    write_plain = _plain_cell(delimiter) if quoting else _as_it_is
    rows, at = [], 0
    while at < len(raw):
        row: list[Field] = []
        while True:
            if quoting and raw.startswith('"', at):
                if (cell := quoted.match(raw, at)) is None:
                    return None
                row.append(Field(cell.start(), cell.end(), cell[1].replace('""', '"'), _quoted_cell))
            else:
                cell = plain.match(raw, at)
                row.append(Field(cell.start(), cell.end(), cell[0], write_plain))
            at = cell.end()
            if not raw.startswith(delimiter, at):
                break
            at += len(delimiter)
        if (end := row_end.match(raw, at)) is None:
            return None
        rows.append(row)
        at = end.end()
    return rows


def _quoted_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _plain_cell(delimiter: str) -> Callable[[str], str]:
    """How an unquoted cell is written: quoted if its new words would end it (a register's
    pseudonym "Smith, J" in a comma-separated file), as it was otherwise."""
    def write(value: str) -> str:
        ends = delimiter in value or "\n" in value or "\r" in value or value.startswith('"')
        return _quoted_cell(value) if ends else value

    return write


_FIELDS: dict[str, Callable[[str, Path], list[Field]]] = {
    ".txt": _whole_file,
    ".vtt": _vtt_fields,
    ".srt": _srt_fields,
    ".csv": _table_fields,
    ".tsv": _table_fields,
}
