"""Word `.docx` transcripts, read with python-docx.

Each non-empty body paragraph is treated as one line of the `.txt` format, so
`Name: text` paragraphs (or heading paragraphs, `Jane Doe   0:03`, as Teams writes them)
start turns and other paragraphs continue the current turn;
soft line breaks inside a paragraph are line breaks too. The canonical text is the
non-empty paragraphs joined with `\\n` (empty paragraphs are layout, not content). Like a
`.txt` file, a document whose first paragraph is `---` may carry YAML front matter in the
following paragraphs up to the next `---`, because Word files have no other place for
participant attributes that researchers control (core properties are ignored: they hold
whoever last saved the file, not the participant). Tables, headers, footers, comments
and text boxes are ignored.
"""

from __future__ import annotations

import io
from pathlib import Path

from qda.corpus import Turn
from qda.errors import InputError
from qda.readers.decode import EMPTY, normalise_newlines
from qda.readers.txt import parse_txt

__all__ = ["parse_docx"]


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
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    if not paragraphs:
        raise InputError(path, f"{EMPTY} (no paragraphs of text; tables are not read)")
    return parse_txt(normalise_newlines("\n".join(paragraphs)), path)
