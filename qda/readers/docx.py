"""Word `.docx` transcripts, read with python-docx.

Each non-empty body paragraph is treated as one line of the `.txt` format, so
`Name: text` paragraphs (or heading paragraphs, `Jane Doe   0:03`, as Teams writes them)
start turns and other paragraphs continue the current turn; soft line breaks inside a
paragraph are line breaks too. A paragraph's text includes its hyperlinks, tracked
insertions and content controls (a transcript corrected with Track Changes on reads as
corrected), not text deleted with tracked changes (`own_nodes`); paragraphs inside content
controls are read in their place.

Some transcription services lay the turns out as a table instead, one row per turn. A body
table is read as turns when its header row names a speaker column (by the names a `.csv`
would, `qda.readers.csv.COLUMN_NAMES`; the words are in the text column it names, else the
next), or, without a header, when it has more than one row and a column with a name in
most rows and some name more than once (a table of details names each thing once): the
words are in the column after it, and a column of times before it is the turn's time
(`1 | 00:00:03 | Kelly | ...`). Each row becomes the line `Speaker: text` (`[time] Speaker:
text` with a time) in its place among the paragraphs; a cell merged across the whole row
is a line of its own. Paragraphs in a heading style (Title, Heading 1...) title the
document or its parts and are left out, unless one is a speaker's name. Word's
non-breaking hyphens are hyphens. A paragraph that opens with a name in bold (by the Bold
button or a bold character style such as Strong) and no colon
(`**Kelly** It makes you think`) becomes `Kelly: It makes you think`, where two names or
more lead two paragraphs or more each (a single bold word is as often emphasis). Other
tables, headers, footers, comments and text boxes are ignored.

The canonical text is those lines joined with `\\n` (empty paragraphs are layout, not
content). Like a `.txt` file, a document whose first paragraph is `---` may carry YAML
front matter in the following paragraphs up to the next `---`, because Word files have no
other place for participant attributes that researchers control (core properties are
ignored: they hold whoever last saved the file, not the participant).
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from qda.corpus import Turn
from qda.errors import InputError
from qda.readers.csv import turn_columns
from qda.readers.decode import EMPTY, normalise_newlines
from qda.readers.txt import parse_heading, parse_label, parse_txt

__all__ = ["parse_docx", "own_nodes", "bold_speaker", "bold_styles"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Elements of a paragraph's text: words, and tabs and breaks (read as python-docx does).
TEXT = W + "t"
BREAKS = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n"}
# Hyphens Word keeps as elements of their own: a non-breaking one ("step-down") is a hyphen,
# an optional one (shown only where a line breaks) is nothing.
HYPHENS = {W + "noBreakHyphen": "-", W + "softHyphen": ""}
_MARKS = {**BREAKS, **HYPHENS}
# Paragraph styles of a document's headings, which title it or its parts: not speech.
_HEADING_STYLES = ("title", "subtitle", "heading")  # "heading 1" in styles.xml


def parse_docx(data: bytes, path: str | Path) -> tuple[str, list[Turn], dict[str, str]]:
    """Canonical text, turns and attributes of a `.docx` file's bytes."""
    if not data:
        raise InputError(path, EMPTY)
    import docx  # deferred: python-docx pulls in lxml, only needed for Word files

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - a corrupt zip/XML fails in many ways
        raise InputError(
            path,
            f"is not a readable Word .docx file ({type(exc).__name__}: {exc}); "
            "open it in Word and save it again as .docx",
        ) from None
    lines = _lines(document)
    if not lines:
        raise InputError(path, f"{EMPTY} (no paragraphs of text, and no table of turns)")
    return parse_txt(normalise_newlines("\n".join(lines)), path)


def own_nodes(p, *tags: str):
    """The elements named `tags` in paragraph `p`'s own text, in document order: also those
    in hyperlinks, tracked insertions and content controls, which python-docx's
    `Paragraph.text` leaves out; not those of a paragraph inside it (a text box's), nor
    of text deleted or moved away with tracked changes."""
    for node in p.iter(*tags):
        deleted = next(node.iterancestors(W + "del", W + "moveFrom"), None) is not None
        if next(node.iterancestors(W + "p"), None) is p and not deleted:
            yield node


def _segments(p) -> list[tuple[object, str]]:
    return [(node, node.text or "" if node.tag == TEXT else _MARKS[node.tag]) for node in own_nodes(p, TEXT, *_MARKS)]


def paragraph_text(p) -> str:
    return "".join(text for _, text in _segments(p))


def bold_styles(document) -> frozenset[str]:
    """The ids of the document's character styles that make text bold (Word's Strong)."""
    from docx.enum.style import WD_STYLE_TYPE

    return frozenset(s.style_id for s in document.styles if s.type == WD_STYLE_TYPE.CHARACTER and s.font.bold)


def bold_speaker(segments: list[tuple[object, str]], styles: frozenset[str]) -> tuple[int, str, str] | None:
    """(how many segments it takes, the name, the words after it) where a paragraph's
    (node, text) segments open with a name in bold and no colon (`**Kelly** It makes you
    think`, as Word transcripts mark speakers), else None. Read here and by the
    pseudonymiser, which keeps such a name apart from the words after it."""
    lead = _bold_lead([node for node, _ in segments], styles)
    name, words = ("".join(text for _, text in part).strip() for part in (segments[:lead], segments[lead:]))
    if not name or not words or words.startswith(":") or parse_label(f"{name}:") is None:
        return None
    return lead, name, words


def _bold_lead(nodes: list, styles: frozenset[str]) -> int:
    """How many of a paragraph's text nodes open it in bold: made bold directly, or by one
    of the character `styles`."""
    for k, node in enumerate(nodes):
        properties = node.getparent().find(W + "rPr")
        if node.tag != TEXT or properties is None:
            return k
        bold, style = properties.find(W + "b"), properties.find(W + "rStyle")
        if bold is not None:
            if bold.get(W + "val") in ("0", "false", "off"):
                return k
        elif style is None or style.get(W + "val") not in styles:
            return k
    return len(nodes)


def _blocks(parent):
    """The paragraphs and tables of a body in order, also those inside content controls."""
    for child in parent.iterchildren(W + "p", W + "tbl", W + "sdt"):
        if child.tag != W + "sdt":
            yield child
        elif (content := child.find(W + "sdtContent")) is not None:
            yield from _blocks(content)


def _lines(document) -> list[str]:
    """The body's lines in order: each non-empty paragraph, and the turns of a transcript table."""
    from docx.table import Table

    lines: list[str] = []
    bold: dict[int, tuple[str, str]] = {}  # line -> (bold name, the words after it)
    styles, headings = bold_styles(document), _heading_styles(document)
    for block in _blocks(document.element.body):
        if block.tag == W + "tbl":
            rows = Table(block, document).rows
            lines += _table_lines([["\n".join(paragraph_text(p._p) for p in cell.paragraphs).strip()
                                    for cell in _distinct_cells(row)] for row in rows])
            continue
        segments = _segments(block)
        text = "".join(text for _, text in segments)
        if text.strip() and not _title(block, text, headings):
            if (found := bold_speaker(segments, styles)) is not None:
                bold[len(lines)] = found[1:]
            lines.append(text)
    # A bold word at a paragraph's start may be emphasis ("Never would I..."): a name is
    # one that leads two paragraphs or more, two such names at least.
    counts = Counter(name for name, _ in bold.values())
    names = {name for name, n in counts.items() if n >= 2}
    if len(names) >= 2:
        for i, (name, words) in bold.items():
            if name in names:
                lines[i] = f"{name}: {words}"
    return lines


def _heading_styles(document) -> frozenset[str]:
    """The ids of the document's paragraph styles for titles and headings (found once per
    document: a style is looked up by its id among all of them)."""
    from docx.enum.style import WD_STYLE_TYPE

    return frozenset(s.style_id for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH
                     and (s.name or "").casefold().startswith(_HEADING_STYLES))


def _title(p, text: str, headings: frozenset[str]) -> bool:
    """A paragraph in a heading style that titles the document or a part of it ("Part 2 -
    Thresholds"), not a speaker's name heading the words below (`Jane Doe  0:03`, or a name
    alone), which some transcripts set in a heading style."""
    if p.style not in headings:  # python-docx's CT_P.style: the paragraph style's id, or None
        return False
    line = text.strip()
    return parse_heading(line) is None and (":" in line or parse_label(f"{line}:") is None)


def _distinct_cells(row) -> list:
    """A row's cells, a cell merged across columns once: python-docx gives it for each
    column it spans."""
    cells = []
    for cell in row.cells:
        if not cells or cell._tc is not cells[-1]._tc:
            cells.append(cell)
    return cells


def _table_lines(rows: list[list[str]]) -> list[str]:
    """`[time] Speaker: text` for each row of a transcript table; nothing for another table."""
    layout = _layout(rows)
    if layout is None:
        return []
    speaker, text, time, first = layout

    def cell(row: list[str], index: int | None) -> str:
        return row[index] if index is not None and index < len(row) else ""

    lines = []
    for row in rows[first:]:
        if len(row) == 1:  # one cell across the table: "[Recording paused - phone call]"
            lines.append(row[0])
            continue
        label = f"{cell(row, speaker)}:" if cell(row, speaker) else ""
        stamped = f"[{cell(row, time)}] {label}"
        if label and cell(row, time) and parse_label(stamped) is not None:
            label = stamped
        line = f"{label} {cell(row, text)}".strip()
        if line:
            lines.append(line)
    return lines


def _layout(rows: list[list[str]]) -> tuple[int, int, int | None, int] | None:
    """(speaker, text, time, first row of turns) of a transcript table, or None."""
    if not rows:
        return None
    found = turn_columns(rows[0])
    if "speaker" in found and ("text" in found or found["speaker"] + 1 < len(rows[0])):
        # a header names the speaker's column; the words are in theirs, else the next
        # ("Speaker | Comment", "Who | What was said")
        return found["speaker"], found.get("text", found["speaker"] + 1), found.get("time"), 1
    width = max(len(row) for row in rows)
    if len(rows) < 2 or width < 2:
        return None
    # Without a header: the first column of names, the words in the column after it, and a
    # time in a column before it (line number, time, speaker, text).
    speaker = next((k for k in range(width - 1) if _names_speakers(rows, k)), None)
    if speaker is None:
        return None
    time = next((k for k in range(speaker) if _holds_times(rows, k)), None)
    return speaker, speaker + 1, time, 0


def _names_speakers(rows: list[list[str]], column: int) -> bool:
    """Whether a column holds a speaker's name in most rows, some name more than once:
    people speak more than once, and a table of details ("Date | ...", "Role | ...") names
    each thing once."""
    names = [row[column] for row in rows if column < len(row) and parse_label(f"{row[column]}:")]
    return len(names) > len(rows) / 2 and len(set(names)) < len(names)


def _holds_times(rows: list[list[str]], column: int) -> bool:
    stamps = [row[column] for row in rows
              if column < len(row) and getattr(parse_label(f"[{row[column]}] A:"), "time", None)]
    return len(stamps) > len(rows) / 2
