"""Spreadsheet transcripts: one row per turn, as exported from Excel or a transcription
service.

Columns are matched by header name, case-insensitively and ignoring surrounding spaces:
`speaker` and `text` are required, `time` and `end_time` are optional (stored on the
turn as written). Each may go by another name that transcription services and
researchers use (`COLUMN_NAMES`: `Utterance` or `Transcript` for the text, `Timestamp` or
`Start` for the time...); the column's own name wins over another, and an earlier name in
the list over a later one, so a second candidate is left as an ordinary column. The
delimiter is `,`, or `;` / tab when the header line uses those instead (Excel in many
European locales saves `;`). Rows whose cells are all blank are skipped; a blank speaker
is the speaker above going on (people type a name only where the speaker changes), or no
speaker before any is named; a row with a speaker and no text is kept as an empty turn.

Any other column is a candidate document attribute (role, team, site...), because a
common way to export is one row per turn with the participant's variables repeated on
every row, or filled in on the first row only. So: a column whose non-blank cells all
hold the same value becomes an attribute named by its header (as written); a column
with no values is ignored; a column with different values on different rows is ignored
with an `IgnoredColumnWarning`, since qda's attributes describe a whole document (split
the file per participant if the column is per-participant). Columns with no header are
ignored.

The canonical text is one `Speaker: utterance` per row (the utterance alone when the
row names no speaker), joined with `\\n`. A cell's own line breaks are kept: in a spreadsheet
they are paragraphs the transcriber typed, not display wrapping.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

from qda.corpus import Turn
from qda.errors import InputError

__all__ = [
    "COLUMN_NAMES", "IgnoredColumnWarning", "NOT_TRANSCRIPTS", "parse_csv", "REQUIRED_COLUMNS", "table_delimiter",
    "table_rows", "turn_columns",
]

REQUIRED_COLUMNS = ("speaker", "text")
TIMES = ("time", "end_time")
# The names a turn column goes by, best first (Otter, Rev, Trint and Descript exports, and
# sheets researchers make by hand).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "speaker": ("speaker", "speaker name", "speaker_name", "who", "name"),
    "text": ("text", "utterance", "transcript", "transcription", "content", "dialogue", "response", "comment",
             "what was said"),
    "time": ("time", "timestamp", "start", "start time", "start_time", "begin"),
    "end_time": ("end_time", "end time", "end", "stop"),
}


# Tables qda writes or reads that hold speaker and text columns too, but are not a
# transcript: passages placed in documents (the coded table, `qda.table.COLUMNS`, and
# `qda topics`' assignments) and a gold file (`qda.evaluate.GOLD_COLUMNS`).
NOT_TRANSCRIPTS = {
    frozenset({"document", "turn", "start", "end"}): "is a table of passages qda wrote (`qda code`, `qda topics`)",
    frozenset({"document", "turn", "codes"}): "is a gold file (hand codings for `qda evaluate`)",
}


class IgnoredColumnWarning(UserWarning):
    """A CSV column varies between rows, so it cannot be a document attribute."""


def parse_csv(text: str, path: str | Path) -> tuple[str, list[Turn], dict[str, str]]:
    """Canonical text, turns and attributes of a decoded `.csv` transcript."""
    rows = [(n, row) for n, row in table_rows(text, path) if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError(path, "file is empty (no header row, no turns)")
    header = [cell.strip() for cell in rows[0][1]]
    columns = _columns(header, path)
    body = rows[1:]
    for number, row in body:
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise InputError(
                path, f"line {number}: {len(row)} fields but the header has {len(header)}"
            )
    # Outer whitespace of a cell is never meaningful; inner line breaks are kept.
    cells = [[cell.strip() for cell in row] + [""] * (len(header) - len(row)) for _, row in body]
    attributes = _attributes(header, columns, cells, path)

    lines: list[str] = []
    turns: list[Turn] = []
    pos = 0
    speaker = None
    for row in cells:
        named = row[columns["speaker"]] or None
        utterance = row[columns["text"]]
        if named is None and not utterance:
            continue
        speaker = named or speaker
        prefix = "" if named is None else f"{named}: " if utterance else f"{named}:"
        start = pos + len(prefix)
        time, end_time = (row[columns[c]] or None if c in columns else None for c in TIMES)
        turns.append(Turn(len(turns), speaker, start, start + len(utterance), time, end_time))
        lines.append(prefix + utterance)
        pos += len(prefix) + len(utterance) + 1
    return "\n".join(lines), turns, attributes


def table_rows(text: str, path: str | Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each row. Quoting is strict: a quote left open would
    otherwise swallow the rest of the file into one cell, silently. In a tab-separated
    file a quote that does not enclose a whole cell is a quote the speaker said
    (`"You're only here to check up on me" is what she said`): such files are written by
    transcription services and by hand, which quote nothing."""
    delimiter = table_delimiter(text)
    try:
        return _rows(text, delimiter, csv.QUOTE_MINIMAL)
    except csv.Error as exc:
        if delimiter == "\t":
            return _rows(text, delimiter, csv.QUOTE_NONE)
        line, problem = exc.args
        raise InputError(path, f"line {line}: not valid CSV ({problem}); a cell that opens with a quote must "
                               'close with one, and quotes inside it are doubled (""), as Excel saves it') from None


def _rows(text: str, delimiter: str, quoting: int) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting, strict=True)
    rows = []
    while True:
        started = reader.line_num + 1  # where the row begins: an unclosed quote is noticed at the end
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            raise csv.Error(started, str(exc)) from None
        rows.append((started, row))


def table_delimiter(text: str) -> str:
    """The delimiter the header line uses most: `,` (also on a tie), `;` or tab."""
    header_line = next((line for line in text.split("\n") if line.strip()), "")
    return max(",;\t", key=lambda d: (header_line.count(d), d == ","))


def turn_columns(header: list[str]) -> dict[str, int]:
    """Where each turn column found in `header` is, by the best of its `COLUMN_NAMES`."""
    keys = [name.strip().casefold() for name in header]
    found = {column: next((n for n in names if n in keys), None) for column, names in COLUMN_NAMES.items()}
    return {column: keys.index(name) for column, name in found.items() if name is not None}


def _columns(header: list[str], path: str | Path) -> dict[str, int]:
    """Index of each turn column; InputError if required ones are missing or repeated, or
    if the table is one of qda's own that is not a transcript."""
    keys = [name.casefold() for name in header]
    for signature, what in NOT_TRANSCRIPTS.items():
        if signature <= set(keys):
            raise InputError(path, f"{what}, not a transcript; keep it out of the transcripts' folder, "
                                   "or name the transcripts")
    columns = turn_columns(header)
    for index in columns.values():
        if keys.count(keys[index]) > 1:
            raise InputError(path, f"line 1: column '{keys[index]}' appears twice in the header")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(repr(h) for h in header if h) or "none"
        other_names = "; ".join(f"{c}: " + ", ".join(repr(n) for n in COLUMN_NAMES[c][1:]) for c in missing)
        raise InputError(
            path,
            "a .csv transcript needs a header row with columns 'speaker' and 'text' (optional: "
            f"'time', 'end_time'; other names they go by: {other_names}); missing "
            f"{', '.join(repr(m) for m in missing)}, found {found}",
        )
    return columns


def _attributes(
    header: list[str], columns: dict[str, int], cells: list[list[str]], path: str | Path
) -> dict[str, str]:
    turn_indexes = set(columns.values())
    attributes: dict[str, str] = {}
    for index, name in enumerate(header):
        if index in turn_indexes or not name:
            continue
        values = {row[index] for row in cells} - {""}
        if len(values) == 1:
            attributes[name] = values.pop()
        elif len(values) > 1:
            warnings.warn(
                f"{path}: column '{name}' has {len(values)} different values, so it is not "
                "used as a document attribute (attributes describe the whole transcript)",
                IgnoredColumnWarning,
                stacklevel=3,
            )
    return attributes
