"""Turn a transcript file's bytes into canonical text: UTF-8, no BOM, `\\n` line ends.

Researchers' transcripts come from Word "Save as text", transcription services and old
Windows tools, so we accept UTF-8 (with or without BOM), UTF-16/32 with a BOM, and fall
back to Windows-1252 with a warning rather than failing: a wrong curly quote is better
than no analysis, but the user should know and re-save the file. Offsets everywhere in
qda are code points into this canonical text, so line ends are normalised here, once.
"""

from __future__ import annotations

import codecs
import unicodedata
import warnings
from pathlib import Path

from qda.errors import InputError

__all__ = ["ControlCharacterWarning", "EncodingWarning", "decode_bytes", "decode_raw", "normalise_newlines"]

BINARY = ("looks like a binary file, not a transcript; give qda the transcript as text (.txt), "
          "Word (.docx), subtitles (.vtt, .srt) or a spreadsheet saved as .csv")
EMPTY = "file is empty"

# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that real text files contain; any other one means binary data.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


class EncodingWarning(UserWarning):
    """A file was not UTF-8 and was read as Windows-1252; it should be re-saved."""


class ControlCharacterWarning(UserWarning):
    """A text file holds a few stray control characters, kept as they are."""


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become `\\n` so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, path: str | Path) -> str:
    """Decode a text transcript to canonical text, or raise InputError naming `path`."""
    if not data:
        raise InputError(path, EMPTY)
    text = decode_raw(data, path)
    # Old DOS tools end files with Ctrl-Z; it is an end marker, not content.
    text = text.removesuffix("\x1a")
    _check_controls(text, path)
    if not text.strip():
        raise InputError(path, EMPTY)
    return normalise_newlines(text)


def _check_controls(text: str, path: str | Path) -> None:
    """Binary data is full of control characters (and NULs); a transcript may hold a stray
    one (a curly quote mis-converted to U+0092, a Word line break saved as \\x0b), which
    should not cost the researcher the whole file: it is kept and warned about."""
    stray = [i for i, ch in enumerate(text) if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS]
    if "\x00" in text or len(stray) > max(2, len(text) // 1000):
        raise InputError(path, BINARY)
    if stray:
        first = text[stray[0]]
        line = normalise_newlines(text[: stray[0]]).count("\n") + 1
        likely = (" (probably a curly quote or dash from Windows-1252 converted wrongly)"
                  if "\x80" <= first <= "\x9f" else "")
        more = f", and {len(stray) - 1} more" if len(stray) > 1 else ""
        warnings.warn(f"{path}: line {line}: control character U+{ord(first):04X}{likely}{more}, kept as "
                      "it is; re-save the file as UTF-8 text from the program that made it",
                      ControlCharacterWarning, stacklevel=3)


def decode_raw(data: bytes, path: str | Path) -> str:
    """The text of `data` as it is (BOM removed, line ends untouched), or InputError.
    For callers that must map positions counted in the raw text (REFI-QDA sources)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                name = encoding.split("-le")[0].split("-be")[0].upper()
                raise InputError(
                    path,
                    f"starts with a {name} byte-order mark but is not valid {name} "
                    f"({exc.reason} at byte {exc.start + len(bom)}); re-save it as UTF-8",
                ) from None
    if b"\x00" in data:
        raise InputError(path, BINARY + _utf16_hint(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            path, "is neither UTF-8 nor Windows-1252 text; re-save it as UTF-8"
        ) from None
    warnings.warn(
        f"{path}: not valid UTF-8, read as Windows-1252 (cp1252); "
        "check accented letters and quotes, and re-save the file as UTF-8",
        EncodingWarning,
        stacklevel=3,
    )
    return text


def _utf16_hint(data: bytes) -> str:
    """UTF-16 without a BOM looks like text with every other byte NUL: say so."""
    head = data[:400]
    if len(head) >= 4 and (not any(head[1::2]) or not any(head[0::2])):
        return " (if it is UTF-16 text without a byte-order mark, re-save it as UTF-8)"
    return ""
