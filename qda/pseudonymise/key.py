"""The pseudonym key: which original became which pseudonym. Kept apart from the data.

The key is a CSV a researcher can read (original, pseudonym, type, aliases), the same
shape as a register they write themselves, so a key can seed the next run and a register
can fix pseudonyms in advance. Beside it, `<key>.mentions.csv` records where each
replacement was made in each output file, which is what makes `--reverse` exact.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qda.corpus import nfc
from qda.errors import QdaError
from qda.writers import atomic_write
from qda.pseudonymise.entities import TYPES
from qda.pseudonymise.names import person_names

KEY_COLUMNS = ("original", "pseudonym", "type", "aliases")
MENTION_COLUMNS = ("file", "start", "end", "original", "pseudonym")


@dataclass
class Entry:
    original: str
    pseudonym: str
    type: str
    aliases: tuple[str, ...] = ()


@dataclass
class Key:
    """Originals to pseudonyms, consistent across documents and runs."""

    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    style: str = "names"  # people get made-up names; "tags": [Person 1]
    #: Words no made-up name may use: every word of every original (a pseudonym "Kerry"
    #: for one person must not be read as the real Kerry of another transcript).
    reserved: set[str] = field(default_factory=set)
    #: The order made-up names are drawn in; None: one of the key's own (`_order`).
    seed: int | None = None
    _names: Iterator[str] | None = None
    _reserved_entries: int = 0
    # Pseudonyms given (and their words: each first name and surname is given once) and
    # entries per type, kept up to date from the entries added since (entries are only
    # ever added), so making the next pseudonym does not reread them all.
    _taken: set[str] = field(default_factory=set)
    _taken_words: set[str] = field(default_factory=set)
    _per_type: dict[str, int] = field(default_factory=dict)
    _counted_entries: int = 0

    def reserve(self, words: Iterable[str]) -> None:
        # "Thackeray-Bell" reserves "Thackeray" and "Bell" too; "Siobhán" whichever way
        # its accent is written.
        self.reserved.update(w.casefold() for text in words for w in re.split(r"[\s\-]+", nfc(text)) if w)

    @staticmethod
    def _id(type_: str, original: str) -> tuple[str, str]:
        return type_, nfc(" ".join(original.split())).casefold()

    def get(self, type_: str, original: str) -> Entry | None:
        return self.entries.get(self._id(type_, original))

    def add(self, entry: Entry) -> Entry:
        self.entries.setdefault(self._id(entry.type, entry.original), entry)
        return self.entries[self._id(entry.type, entry.original)]

    def pseudonym(self, type_: str, original: str, aliases: Iterable[str] = ()) -> Entry:
        """The entry for an original, made (with the next pseudonym of its type) if new or
        left without one by a register."""
        entry = self.get(type_, original) or self.add(Entry(original, "", type_, tuple(aliases)))
        if not entry.pseudonym:
            # (added first: its own words are reserved before its pseudonym is drawn)
            entry.pseudonym = self._next(type_)
            self._take(entry.pseudonym)
        return entry

    def _next(self, type_: str) -> str:
        label, numbered = TYPES[type_]
        self._count_entries()
        if type_ == "PERSON" and self.style == "names":
            if self._reserved_entries != len(self.entries):  # only the originals added since
                self.reserve(w for e in list(self.entries.values())[self._reserved_entries:]
                             for w in (e.original, *e.aliases))
                self._reserved_entries = len(self.entries)
            if self._names is None:
                self._names = person_names(self._order(), self._usable)
            # "Person N", once the made-up names run out, is a tag (an original holding
            # "Person", like a "Named Person", must not stop it).
            return next(n for n in self._names if n not in self._taken)
        if not numbered:
            return f"[{label}]"
        number = max(1, self._per_type.get(type_, 0))  # (the entry being made is counted)
        while f"[{label} {number}]" in self._taken:  # a register may have given it
            number += 1
        return f"[{label} {number}]"

    def _usable(self, word: str) -> bool:
        """Whether a word may go into a made-up name: no word of an original, nor of a
        pseudonym already given."""
        return word.casefold() not in self.reserved and word.casefold() not in self._taken_words

    def _order(self) -> int:
        """The key's own order of made-up names: `seed`, else one drawn from every word of
        every original known when the first name is made. Studies differ in it, so none
        shares a sequence of pseudonyms with another, and it cannot be worked out without
        all those originals; the same inputs give the same names (a preview shows what a
        run will write)."""
        if self.seed is not None:
            return self.seed
        digest = hashlib.sha256("\n".join(sorted(self.reserved)).encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big")

    def _count_entries(self) -> None:
        for entry in itertools.islice(self.entries.values(), self._counted_entries, None):
            self._take(entry.pseudonym)
            self._per_type[entry.type] = self._per_type.get(entry.type, 0) + 1
        self._counted_entries = len(self.entries)

    def _take(self, pseudonym: str) -> None:
        if pseudonym:
            self._taken.add(pseudonym)
            self._taken_words.update(w.casefold() for w in pseudonym.split())

    def save(self, path: Path) -> None:
        for entry in self.entries.values():  # a register's original never met still gets one
            self.pseudonym(entry.type, entry.original)
        rows = [(e.original, e.pseudonym, e.type, "; ".join(e.aliases)) for e in self.entries.values()]
        write_csv(path, KEY_COLUMNS, rows)


def read_key(path: Path, style: str = "names", must_exist: bool = False) -> Key:
    """A key or register CSV (original, pseudonym, type, aliases); pseudonym may be blank in
    a register (one is made when first needed, or when the key is saved). A missing file is
    an empty key unless `must_exist`."""
    key = Key(style=style)
    if not path.exists():
        if must_exist:
            raise QdaError(f"{path}: no such key file")
        return key
    for line, row in _rows(path, required=("original", "type")):
        type_ = row["type"].strip().upper()
        if type_ not in TYPES:
            raise QdaError(f"{path}, line {line}: type {row['type']!r} is not one of {', '.join(TYPES)}")
        original = row["original"].strip()
        if not original:
            raise QdaError(f"{path}, line {line}: `original` is empty")
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
        # A blank pseudonym is made when the key that uses this one needs it, so that it
        # is drawn in that key's order, not one of this file's few originals.
        key.add(Entry(original, (row.get("pseudonym") or "").strip(), type_, aliases))
    return key




def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise QdaError(f"{path}: cannot be read as a UTF-8 CSV ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise QdaError(f"{path}: needs the columns {', '.join(KEY_COLUMNS)} (missing: {', '.join(missing)})")
    for row in reader:
        yield reader.line_num, row


def mentions_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name.removesuffix(".csv") + ".mentions.csv")


def read_mentions(key_path: Path) -> dict[str, list[tuple[int, int, str, str]]]:
    """Per output file: (start, end, original, pseudonym) of every replacement made."""
    path = mentions_path(key_path)
    if not path.exists():
        raise QdaError(f"{path}: the replacement record that --reverse needs is missing "
                       "(it is written beside the key)")
    found: dict[str, list[tuple[int, int, str, str]]] = {}
    for _, row in _rows(path, required=MENTION_COLUMNS):
        found.setdefault(row["file"], []).append((int(row["start"]), int(row["end"]), row["original"],
                                                 row["pseudonym"]))
    return found


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[Iterable]) -> None:
    """Write a key file atomically (temp file, then rename), readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(list(columns))
            writer.writerows(rows)

    atomic_write(path, write, private=True)
