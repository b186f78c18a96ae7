"""Pseudonymised copies of transcript files, in their own formats, and their reversal.

A copy changes a transcript's words and nothing else: which parts of a file are words
depends on its format (`qda.pseudonymise.fields`). A Word file's paragraphs, wherever they
are (`qda.pseudonymise.word`), are pseudonymised together as one text, each replacement
written into the run it began in; what names people besides the words (authors, document
properties, links' targets, deleted text) is removed.

Nothing is half-written (`_Staging`): every copy is written beside its place and read back
(it must read as the same transcript, with its words where the record of replacements
says) before any copy, the key or the record is moved into place.

`<key>.mentions.csv` files each copy's replacements under its file name and a hash of its
words (`_record_name`), so that two copies of one name, from two folders or two runs, each
keep their own. What an earlier version recorded under the file name alone, with offsets
into the whole file, is still read (`_recorded`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qda import readers
from qda.corpus import Document
from qda.errors import InputError, OutputError, QdaError
from qda.writers import atomic_write
from qda.pseudonymise.allow import AllowList
from qda.pseudonymise.detect import Detector
from qda.pseudonymise.key import MENTION_COLUMNS, mentions_path, read_key, read_mentions, write_csv
from qda.pseudonymise.corpus import pseudonymise_texts
from qda.pseudonymise.replace import DATE_MODES, STYLES, Replacement
from qda.pseudonymise.fields import Edit, TextFile, WordFile, read_words

#: The record's row for a copy in which nothing was replaced, so that reversal knows the copy.
_NOTHING_REPLACED = (0, 0, "", "")


@dataclass
class Result:
    """What a run wrote: output files, how many replacements in each, the key's size, and
    the pictures each Word copy keeps as they were."""

    outputs: dict[Path, int] = field(default_factory=dict)
    entities: int = 0
    key: Path | None = None
    pictures: dict[Path, int] = field(default_factory=dict)


def pseudonymise_files(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    key_path: str | Path,
    *,
    register: str | Path | None = None,
    style: str = "names",
    dates: str = "month",
    allow: Iterable[str] = (),
    ner: bool = True,
) -> Result:
    """Write pseudonymised copies of the transcripts into `out_dir` and the key to
    `key_path` (which must not lie inside `out_dir`); an existing key is reused and
    extended, so the same person keeps one pseudonym across runs. On any error nothing is
    written: no copy, and the key and its record stay as they were."""
    from qda import nlp

    out_dir, key_path = Path(out_dir), Path(key_path)
    check_options(style, dates)
    corpus = readers.read_corpus(paths)
    sources = [Path(doc.path) for doc in corpus]
    _check_places(sources, out_dir, key_path)
    key = read_key(key_path, style=style)
    if register is not None:
        for entry in read_key(Path(register), style=style, must_exist=True).entries.values():
            key.add(entry)
    detector = Detector(key, AllowList().extended(allow), nlp.load_ner() if ner else None)
    read = [read_words(source) for source in sources]
    done = pseudonymise_texts([source.text for source in read], corpus, detector, key, dates)
    result = Result(key=key_path, entities=len(key.entries))
    records: list[tuple] = []
    for path, source, (text, replaced) in zip(sources, read, done):
        records += _records(_record_name(path.name, text), replaced)
        result.outputs[out_dir / path.name] = len(replaced)
        if source.pictures:
            result.pictures[out_dir / path.name] = source.pictures
    with _Staging() as staging:
        # The key and the record move into place first: a copy must never be there without them.
        key.save(staging.place(key_path, private=True))
        write_csv(staging.place(mentions_path(key_path), private=True), MENTION_COLUMNS,
                  _earlier_records(key_path, {row[0] for row in records}) + records)
        for original, source, (text, replaced) in zip(corpus, read, done):
            _stage_copy(staging, out_dir, original, source, text, replaced)
        staging.commit()
    return result


def _stage_copy(staging: _Staging, out_dir: Path, original: Document, source: TextFile | WordFile,
                text: str, replaced: list[Replacement]) -> None:
    """Write the copy of `original` with its replacements, beside its place, and read it back."""
    staged = staging.place(out_dir / Path(original.path).name)
    atomic_write(staged, source.writer([(r.old_start, r.old_end, r.pseudonym) for r in replaced]))
    _check_copy(original, staged, text)


def reverse_files(paths: Iterable[str | Path], out_dir: str | Path, key_path: str | Path) -> Result:
    """Restore originals in pseudonymised files from the key's record of replacements; on
    any error nothing is written."""
    out_dir, key_path = Path(out_dir), Path(key_path)
    recorded = read_mentions(key_path)
    files = _copies_in(paths)
    _check_places(files, out_dir, None)
    result = Result(key=key_path)
    with _Staging() as staging:
        for path in files:
            source, edits = _recorded(path, recorded, mentions_path(key_path))
            atomic_write(staging.place(out_dir / path.name), source.writer(edits))
            result.outputs[out_dir / path.name] = len(edits)
        staging.commit()
    return result


def check_options(style: str, dates: str) -> None:
    if style not in STYLES:
        raise QdaError(f"--style {style!r}: choose {' or '.join(STYLES)}")
    if dates not in DATE_MODES:
        raise QdaError(f"--dates {dates!r}: choose one of {', '.join(DATE_MODES)}")


def _check_places(sources: list[Path], out_dir: Path, key_path: Path | None) -> None:
    out = out_dir.resolve()
    if out.exists() and not out.is_dir():
        raise QdaError(f"{out_dir}: exists and is not a folder")
    if key_path is not None and out in key_path.resolve().parents:
        raise QdaError(f"{key_path}: the key must not lie inside the output folder {out_dir}; "
                       "keep it apart from the data you share")
    names: dict[str, Path] = {}
    for source in sources:
        if source.resolve().parent == out:
            raise QdaError(f"{source}: is in the output folder; pseudonymised copies would overwrite it")
        if source.name in names:
            raise QdaError(f"{source} and {names[source.name]} have the same file name; their copies "
                           f"would collide in {out_dir}")
        names[source.name] = source


# The record of replacements -------------------------------------------------------------


def _record_name(name: str, text: str) -> str:
    """What the record calls a copy: its file name, and a hash of the words its offsets
    count in, which tells apart two copies of one name (from two folders, or two runs)
    and still knows a copy whose line ends or quoting another program changed."""
    return f"{name} sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def _records(name: str, replaced: list[Replacement]) -> list[tuple]:
    return [(name, r.new_start, r.new_end, r.original, r.pseudonym) for r in replaced] or [(name, *_NOTHING_REPLACED)]


def _earlier_records(key_path: Path, rewritten: set[str]) -> list[tuple]:
    """The record of earlier runs, but for copies this run makes again: other copies, made
    with this key from other files (or from other versions of them), must stay reversible."""
    if not mentions_path(key_path).exists():
        return []
    return [(name, *m) for name, ms in read_mentions(key_path).items() if name not in rewritten for m in ms]


def _recorded(path: Path, recorded: dict[str, list[tuple[int, int, str, str]]],
              record: Path) -> tuple[TextFile | WordFile, list[Edit]]:
    """The copy at `path` and the edits that restore its original, from the record."""
    unreadable: InputError | None = None
    try:
        source = read_words(path)
        if (mentions := recorded.get(_record_name(path.name, source.text))) is not None:
            return source, _edits_back(path, source, mentions, "the record does not fit the copy it names "
                                                               "(a bug in qda: please report it)")
    except InputError as exc:  # a copy an earlier version broke (a .vtt without its header) ...
        unreadable = exc
    if path.name in recorded:  # ... may still be restored from what that version recorded
        # Recorded by an earlier version of qda: under the file name alone, with offsets into the whole file.
        whole = read_words(path, whole=True)
        return whole, _edits_back(path, whole, recorded[path.name], (
            f"this part of {record} was written by an earlier version of qda, which kept one record per "
            f"file name: it may be of another {path.name} pseudonymised later with the same key, or the "
            "file was edited after pseudonymising"))
    if unreadable is not None:
        raise unreadable
    raise QdaError(f"{path}: {record} holds no record of this copy's replacements, so it cannot be reversed "
                   "with this key: it was made with another key, or renamed or edited since")


def _edits_back(path: Path, source: TextFile | WordFile, mentions: list[tuple[int, int, str, str]],
                why: str) -> list[Edit]:
    edits = []
    for start, end, original, pseudonym in mentions:
        if (start, end, original, pseudonym) == _NOTHING_REPLACED:
            continue
        if source.text[start:end] != pseudonym:
            raise QdaError(f"{path}: expected {pseudonym!r} at {start}..{end} but found "
                           f"{source.text[start:end]!r}; {why}")
        edits.append((start, end, original))
    return edits


def _copies_in(paths: Iterable[str | Path]) -> list[Path]:
    """The files to restore, found as `readers.read_corpus` finds transcripts but not read
    as transcripts: a copy an earlier version of qda left unreadable must still be restored."""
    files: dict[Path, Path] = {}  # the same file reached twice is restored once
    for given in map(Path, paths):
        for file in _copies_given(given):
            files.setdefault(file.resolve(), file)
    return list(files.values())


def _copies_given(given: Path) -> list[Path]:
    supported = ", ".join(readers.SUPPORTED_EXTENSIONS)
    if given.is_dir():
        found = readers.transcripts_in(given)[0]  # the folder walk of read_corpus
        if not found:
            raise InputError(given, f"folder has no copies to restore (looked for {supported} files, "
                                    "including subfolders)")
        return found
    if not given.exists():
        raise InputError(given, "file or folder not found")
    if given.suffix.lower() not in readers.SUPPORTED_EXTENSIONS:
        raise InputError(given, f"unsupported file type '{given.suffix or '(none)'}'; supported: {supported}")
    return [given]


# Writing everything or nothing --------------------------------------------------------


class _Staging:
    """Files written beside their places under hidden names, and moved into them all
    together by `commit`: leaving the block before (an error) removes them, and any folder
    made for them, so a failed run leaves every copy, the key and its record as they were."""

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path, bool]] = []  # (staged, target, private)
        self._folders: list[Path] = []  # made for this run

    def place(self, target: Path, private: bool = False) -> Path:
        """Where to write what will become `target`: beside it, so that moving it there is a
        rename, and with its suffix, so that a reader reads it as the same format."""
        if target.is_dir():
            raise OutputError(f"{target} is a folder; it cannot be replaced by a file")
        self._folders += [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{target.parent}: cannot make the folder: {exc.strerror or exc}") from exc
        staged = target.with_name(f".{target.name}.{secrets.token_hex(4)}.staged{target.suffix}")
        self._files.append((staged, target, private))
        return staged

    def commit(self) -> None:
        """Move every staged file into place, in the order they were placed."""
        for staged, target, private in self._files:
            try:
                if not private and target.exists():
                    shutil.copymode(target, staged)  # a copy made again keeps its permissions
                os.replace(staged, target)
            except OSError as exc:
                raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
        self._files.clear()
        self._folders.clear()

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, *_exc) -> None:
        for staged, _, _ in self._files:
            with contextlib.suppress(OSError):
                staged.unlink()
        for folder in sorted(set(self._folders), key=lambda f: len(f.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()


def _check_copy(original: Document, staged: Path, text: str) -> None:
    """A copy must read as the same transcript (its turns, speakers and times where they
    were: a label that stopped being one would merge two people's words), with its words
    as pseudonymised, where the record's offsets point."""
    path = Path(original.path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the original's warnings were given when it was read
        try:
            copy = readers.read_document(staged)
            words = read_words(staged).text
        except QdaError as exc:
            reason = exc.reason if isinstance(exc, InputError) else str(exc)
            raise QdaError(f"{path}: its pseudonymised copy would not be readable ({reason}); nothing was written") \
                from None
    if (problem := _changed_shape(original, copy)) is not None:
        raise QdaError(f"{path}: its pseudonymised copy would not read as the same transcript ({problem}): a "
                       "pseudonym may have made a speaker's label words (a label has four words at most), or "
                       "words a label; nothing was written")
    if words != text:
        raise QdaError(f"{path}: its pseudonymised copy would not have its words where the record of replacements "
                       "says; nothing was written (a bug in qda: please report it)")


def _changed_shape(original: Document, copy: Document) -> str | None:
    """How `copy`'s turns differ from `original`'s in who speaks and when, if they do. Turns
    are named by number and time: a message may reach a log, and must not name anyone."""
    def shape(doc: Document) -> list[tuple]:
        return [(t.speaker is None, doc.is_interviewer(t), t.time, t.end_time) for t in doc.turns]

    before, after = shape(original), shape(copy)
    for number, (was, now) in enumerate(zip(before, after), 1):
        if was != now:
            when = f" (at {original.turns[number - 1].time})" if original.turns[number - 1].time else ""
            return f"turn {number}{when} would change its speaker or time"
    if len(before) != len(after):
        return f"it would have {len(after)} turns, not {len(before)}"
    if set(original.attributes) != set(copy.attributes):
        return "its attributes would change"
    return None
