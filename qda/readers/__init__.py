"""Transcript readers: files in, `Document`s with canonical text, attributes and turns out.

One module per format (`txt`, `docx`, `subtitles`, `csv` for `.csv` and `.tsv`), one for decoding bytes
(`decode`). Every reader guarantees `doc.text[turn.start:turn.end]` is the utterance,
with offsets in code points of the canonical text (UTF-8, no BOM, `\\n` line ends).

`read_corpus` reads every file before it returns, so a bad file anywhere stops the run
before anything is written; errors are `InputError`s that name the file.
"""

from __future__ import annotations

import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import replace
from hashlib import sha1
from pathlib import Path

from qda.corpus import Corpus, Document, Turn, nfc
from qda.errors import InputError
from qda.readers.csv import parse_csv
from qda.readers.decode import EMPTY, decode_bytes
from qda.readers.docx import parse_docx
from qda.readers.subtitles import parse_srt, parse_vtt
from qda.readers.txt import parse_txt

__all__ = ["SUPPORTED_EXTENSIONS", "document_id", "read_corpus", "read_document", "read_each"]

_Parsed = tuple[str, list[Turn], dict[str, str]]


def _text(parse: Callable[[str, str | Path], _Parsed]) -> Callable[[bytes, str | Path], _Parsed]:
    return lambda data, path: parse(decode_bytes(data, path), path)


_PARSERS: dict[str, Callable[[bytes, str | Path], _Parsed]] = {
    ".txt": _text(parse_txt),
    ".docx": parse_docx,
    ".vtt": _text(parse_vtt),
    ".srt": _text(parse_srt),
    ".csv": _text(parse_csv),
    ".tsv": _text(parse_csv),  # the header line's tabs choose the delimiter
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(_PARSERS)


def document_id(path: str | Path) -> str:
    """A stable id from the file name: `Interview 07 (Kelly).docx` -> `interview-07-kelly`.

    Accents are folded to ASCII; a name with no ASCII letters or digits at all gets
    `doc-` and a hash of the name, so the id is still stable and unique per name.
    """
    stem = Path(path).stem
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", folded.lower()).strip("-")
    return slug or "doc-" + sha1(stem.encode("utf-8")).hexdigest()[:8]


# How to get a transcript qda reads from the files researchers are most often handed, and
# whether such a file in a transcripts' folder is most likely a transcript left out.
_CONVERT = (
    ((".doc", ".odt", ".rtf", ".pages", ".wpd"), "open it in Word or LibreOffice and save it as .docx", True),
    ((".xlsx", ".xls", ".ods", ".numbers"), "if it is a transcript, save the sheet as .csv (one row per turn, "
     "speaker and text columns); a coded table from an earlier run belongs outside the transcripts' folder", True),
    ((".pdf",), "export the transcript as .docx or .txt from the program that made the PDF: "
                "a PDF's text comes out in display lines, without its speakers' turns", True),
    ((".json", ".xml", ".html", ".htm"), "export the transcript as .vtt, .srt, .docx or .txt", False),
    ((".md", ".text", ".rst"), "if it is a plain-text transcript, rename it to .txt", False),
)


class UnreadFilesWarning(UserWarning):
    """A folder holds documents qda cannot read (Word 97 `.doc`, spreadsheets, PDFs)."""


def read_document(path: str | Path) -> Document:
    """Read one transcript file; InputError (naming the file) if it cannot be used."""
    path = Path(path)
    extension = path.suffix.lower()
    if path.is_dir():
        raise InputError(path, "is a folder, not a transcript file")
    if extension not in _PARSERS:
        fix = next((f"; {fix}" for kinds, fix, _ in _CONVERT if extension in kinds), "")
        raise InputError(
            path,
            f"unsupported file type '{path.suffix or '(none)'}'; "
            f"supported: {', '.join(SUPPORTED_EXTENSIONS)}{fix}",
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found; check the path and its spelling") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not data:
        raise InputError(path, f"{EMPTY}; save the transcript into it again, or leave it out")
    text, turns, attributes = _PARSERS[extension](data, path)
    if not turns:
        # A header, front matter or WEBVTT line alone: a table with no rows would look like
        # a transcript that nothing in the codebook applies to.
        raise InputError(path, "has no turns: nothing follows its header or front matter; "
                               "add the talk, or leave the file out")
    return Document(
        id=document_id(path),
        name=path.name,
        text=text,
        attributes=attributes,
        turns=[_composed(turn) for turn in turns],
        path=str(path),
    )


def _composed(turn: Turn) -> Turn:
    """The turn with its speaker's accents in one Unicode form (NFC), so that a name typed
    on a Mac (decomposed) and elsewhere is one speaker; the text keeps its own form."""
    return turn if turn.speaker is None else replace(turn, speaker=nfc(turn.speaker))


def read_corpus(paths: str | Path | Iterable[str | Path]) -> Corpus:
    """Read files and folders (recursively) into a Corpus with unique document ids.

    Folders expand to their supported files, sorted, skipping hidden files and folders
    and Office lock files (`~$...`); a folder with none is an error, and so is a file
    named explicitly with an unsupported type. The same file reached twice is read once.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            found, unread = transcripts_in(given)
            if not found:
                raise InputError(
                    given,
                    "folder has no transcripts (looked for "
                    f"{', '.join(SUPPORTED_EXTENSIONS)} files, including subfolders){_unread_note(unread)}",
                )
            if unread:  # a transcript left out without a word would be missing from every figure
                warnings.warn(f"{given}: left out, as qda cannot read them{_unread_note(unread)}",
                              UnreadFilesWarning, stacklevel=2)
            files.extend(found)
        elif given.exists():
            files.append(given)
        else:
            raise InputError(given, "file or folder not found")

    unique: list[Path] = []
    seen_files: set[Path] = set()
    owners: dict[str, Path] = {}
    for file in files:
        resolved = file.resolve()
        if resolved in seen_files:
            continue
        seen_files.add(resolved)
        doc_id = document_id(file)
        if doc_id in owners:
            raise InputError(
                file,
                f"has the same document id '{doc_id}' as {owners[doc_id]}; "
                "ids come from file names, so rename one of them",
            )
        owners[doc_id] = file
        unique.append(file)
    return Corpus([read_document(file) for file in unique])


def read_each(paths: Iterable[str | Path]) -> tuple[Corpus, list[tuple[str, str]]]:
    """Read files one by one, for a user who uploads many at once: the documents that
    could be read, and (file name, problem) for each file that could not or that read
    with a warning (e.g. not UTF-8). Ids clashing within the batch are problems too."""
    documents: list[Document] = []
    problems: list[tuple[str, str]] = []
    for path in map(Path, paths):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                doc = read_document(path)
            except InputError as exc:
                problems.append((path.name, exc.reason))
                continue
        problems.extend((path.name, str(w.message).removeprefix(f"{path}: ")) for w in caught)
        if any(d.id == doc.id for d in documents):
            problems.append((path.name, f"has the same document id '{doc.id}' as another file; rename one"))
            continue
        documents.append(doc)
    return Corpus(documents), problems


def transcripts_in(folder: Path) -> tuple[list[Path], list[Path]]:
    """The transcripts in `folder`, and the documents in it qda cannot read but could once
    they are saved in another format (`_CONVERT`)."""
    found: list[Path] = []
    unread: list[Path] = []
    convertible = {kind for kinds, _, in_folders in _CONVERT if in_folders for kind in kinds}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith((".", "~$")):
                continue
            if Path(name).suffix.lower() in _PARSERS:
                found.append(Path(root, name))
            elif Path(name).suffix.lower() in convertible:
                unread.append(Path(root, name))

    def order(p: Path) -> list[str]:
        return [part.casefold() for part in p.relative_to(folder).parts]

    return sorted(found, key=order), sorted(unread, key=order)


def _unread_note(unread: list[Path]) -> str:
    """"; 2 .doc files (a.doc, b.doc): open them in Word..." for files qda cannot read."""
    notes = []
    for kinds, fix, _ in _CONVERT:
        files = [p for p in unread if p.suffix.lower() in kinds]
        if files:
            names = ", ".join(p.name for p in files[:3]) + (", ..." if len(files) > 3 else "")
            kind = "/".join(sorted({p.suffix.lower() for p in files}))
            notes.append(f"{len(files)} {kind} file{'s' if len(files) > 1 else ''} ({names}): "
                         + fix.replace(" it ", " them " if len(files) > 1 else " it "))
    return "".join(f"; {note}" for note in notes)
