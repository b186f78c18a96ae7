"""Pseudonymised copies of transcript files, in their own formats, and their reversal.

Text formats (.txt .vtt .srt .csv .tsv) are pseudonymised as the whole decoded file, so
front matter, speaker labels, cue settings and CSV columns all pass through the same
replacement and the file keeps its shape, line ends included (`_lines_apart`). A Word
file's paragraphs, wherever they are (`qda.pseudonymise.word`), are pseudonymised together
as one text, one paragraph per line, each replacement written into the run it began in;
what names people besides the words (authors, links' targets, deleted text) is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import re
from dataclasses import dataclass, field
from pathlib import Path

from qda import readers
from qda.errors import QdaError
from qda.writers import atomic_write
from qda.pseudonymise.allow import AllowList
from qda.pseudonymise.detect import Detector
from qda.pseudonymise.key import MENTION_COLUMNS, mentions_path, read_key, read_mentions, write_csv
from qda.pseudonymise.corpus import pseudonymise_texts
from qda.pseudonymise.replace import DATE_MODES, STYLES, Replacement
from qda.pseudonymise.word import WordText
from qda.readers.decode import decode_raw


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
    extended, so the same person keeps one pseudonym across runs."""
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
    read = [_read(source) for source in sources]
    result = Result(key=key_path)
    written: list[tuple[Path, Callable[[Path], None]]] = []
    records: list[tuple[str, Replacement]] = []
    done = pseudonymise_texts([source.text for source in read], corpus, detector, key, dates)
    for path, source, (_, replaced) in zip(sources, read, done):
        target = out_dir / path.name
        written.append((target, _writer(path, source, [(r.old_start, r.old_end, r.pseudonym) for r in replaced])))
        records += [(path.name, r) for r in replaced]
        result.outputs[target] = len(replaced)
        if source.pictures:
            result.pictures[target] = source.pictures
    # Everything is prepared before anything is written, so a failure leaves nothing half done.
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, write in written:
        atomic_write(target, write)
    key.save(key_path)
    # The record of earlier runs is kept for the files this run did not write, so that
    # their copies can still be reversed after the key is reused on other files.
    earlier = read_mentions(key_path) if mentions_path(key_path).exists() else {}
    rewritten = {path.name for path in sources}
    write_csv(mentions_path(key_path), MENTION_COLUMNS,
              [(name, *m) for name, ms in earlier.items() if name not in rewritten for m in ms]
              + [(name, r.new_start, r.new_end, r.original, r.pseudonym) for name, r in records])
    result.entities = len(key.entries)
    return result


def reverse_files(paths: Iterable[str | Path], out_dir: str | Path, key_path: str | Path) -> Result:
    """Restore originals in pseudonymised files from the key's replacement record."""
    out_dir, key_path = Path(out_dir), Path(key_path)
    recorded = read_mentions(key_path)
    files = [Path(doc.path) for doc in readers.read_corpus(paths)]
    _check_places(files, out_dir, None)
    result = Result(key=key_path)
    written = []
    for path in files:
        source = _read(path)
        mentions = recorded.get(path.name, [])
        for start, end, original, pseudonym in mentions:
            if source.text[start:end] != pseudonym:
                raise QdaError(f"{path}: expected {pseudonym!r} at {start}..{end} but found "
                               f"{source.text[start:end]!r}; was the file edited after pseudonymising?")
        edits = [(start, end, original) for start, end, original, _ in mentions]
        written.append((out_dir / path.name, _writer(path, source, edits)))
        result.outputs[out_dir / path.name] = len(recorded.get(path.name, []))
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, write in written:
        atomic_write(target, write)
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


@dataclass
class _Source:
    text: str  # one line per line of the file, or per paragraph of a Word document
    separators: list[str] | None = None  # what ended each line in a text file (`_lines_apart`)
    pictures: int = 0  # in a Word document


def _lines_apart(raw: str) -> tuple[str, list[str]]:
    """`raw`, a text file as written, with each line end as `\\n`, and the line ends it had:
    `\\r\\n`, `\\r` or `\\n`, so that a copy keeps Windows line ends. Tabs are taken apart too,
    because the detector reads a tab as the space inside a name: a tab-separated table's
    "Maureen<tab>Yes" or a transcript's `Maureen<tab>Yes, ...` would be one person."""
    parts = re.split(r"(\r\n|\r|\n|\t)", raw)
    return "\n".join(parts[0::2]), parts[1::2]


def _lines_together(path: Path, text: str, separators: list[str]) -> str:
    """`text`'s lines joined with the separators `_lines_apart` took out. A replacement never
    spans a line, so the k-th line is still the k-th."""
    lines = text.split("\n")
    if len(lines) != len(separators) + 1:
        raise QdaError(f"{path}: pseudonymising changed the file's lines; nothing was written")
    return "".join(line + end for line, end in zip(lines, separators)) + lines[-1]


def _read(path: Path) -> _Source:
    data = path.read_bytes()
    if path.suffix.lower() == ".docx":
        document = WordText(data, path)
        return _Source(document.text, pictures=document.pictures)
    # read_corpus has checked the file; an old DOS end marker is not content
    text, separators = _lines_apart(decode_raw(data, path).removesuffix("\x1a"))
    return _Source(text, separators)


def _edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _writer(path: Path, source: _Source, edits: list[tuple[int, int, str]]) -> Callable[[Path], None]:
    """What writes `source` with (start, end, new words) `edits` as a copy of `path`."""
    if source.separators is not None:
        together = _lines_together(path, _edited(source.text, edits), source.separators)
        return lambda target: target.write_text(together, encoding="utf-8", newline="")

    def write_docx(target: Path) -> None:
        # opened again here, so that all the documents are not held open at once
        document = WordText(path.read_bytes(), path)
        if document.text != source.text:
            raise QdaError(f"{path}: changed while it was being pseudonymised; nothing was written")
        document.replace(edits)
        document.save(target)

    return write_docx
