"""Replacing mentions: typed pseudonyms from the key, dates coarsened as asked, and a
record of every replacement (where it went in the new text) so it can be reversed and
so offsets into the old text can be moved to the new."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import datetime

from qda.pseudonymise.entities import Mention
from qda.corpus import nfc
from qda.pseudonymise.key import Key
from qda.pseudonymise.names import FALLBACK

DATE_MODES = ("keep", "month", "year", "remove")
STYLES = ("names", "tags")
_YEAR = re.compile(r"\b(\d{4})\b")
_MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b", re.IGNORECASE)
# A two-digit year: "'13" anywhere, or after a day and a month ("14 Aug 13"; "June 13" is a day).
_SHORT_YEAR = re.compile(r"['’](\d{2})$|^\d{1,2}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?[A-Za-z]+\.?[ \t]+(\d{2})$")
_NUMERIC = re.compile(r"([0-3]?\d)[/.]([01]?\d)[/.](\d{4}|\d{2})|(\d{4})-([01]\d)-([0-3]\d)")


@dataclass(frozen=True, slots=True)
class Replacement:
    """`old_start..old_end` of the original text became `new_start..new_end`."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    original: str
    pseudonym: str


def pseudonym_for(mention: Mention, key: Key, dates: str) -> str | None:
    """What a mention becomes; None to leave it (dates kept)."""
    if mention.type == "DATE":
        return coarsen_date(mention.text, dates)
    entry = key.pseudonym(mention.type, mention.entity)
    given, family = _name_parts(entry.pseudonym)
    if mention.type != "PERSON" or given is None:
        return entry.pseudonym
    # "Amara Nwosu" -> "Jordan Hale"; then "Amara" -> "Jordan", "Ms Nwosu" -> "Ms Hale";
    # someone known by one name only ("Nicola") -> "Jordan". Whatever the case the name is
    # written in ("AMARA NWOSU", "nwosu"), and its accents (composed or apart).
    words = _comparable(entry.original).split()
    said = _comparable(mention.text)
    if said == " ".join(words):
        return entry.pseudonym if len(words) > 1 else given
    return family if len(words) > 1 and said == words[-1] else given


def _comparable(name: str) -> str:
    return " ".join(nfc(name).casefold().split())


def _name_parts(pseudonym: str) -> tuple[str | None, str | None]:
    """(given, family) of a made-up "Given Family" name; (None, None) for tags."""
    words = pseudonym.split()
    if len(words) != 2 or pseudonym.startswith(("[", FALLBACK)):
        return None, None
    return words[0], words[1]


def coarsen_date(text: str, mode: str) -> str | None:
    """A specific date kept, cut to month and year, to the year, or removed."""
    if mode == "keep":
        return None
    if mode == "remove":
        return "[date]"
    month, year = _month_year(text)
    if mode == "year":
        return year or "[date]"
    return " ".join(p for p in (month, year) if p) or "[date]"


def _month_year(text: str) -> tuple[str | None, str | None]:
    numeric = _NUMERIC.search(text)
    if numeric:
        if numeric.group(4):
            year, month = numeric.group(4), int(numeric.group(5))
        else:
            year, month = numeric.group(3), int(numeric.group(2))
            year = year if len(year) == 4 else ("20" if int(year) < 50 else "19") + year
        name = datetime(2000, month, 1).strftime("%B") if 1 <= month <= 12 else None
        return name, year
    named = _MONTH.search(text)
    month = None
    if named:
        month = datetime.strptime(named.group(1)[:3].title(), "%b").strftime("%B")
    year = _YEAR.search(text)
    if year:
        return month, year.group(1)
    short = _SHORT_YEAR.search(text) if named else None  # "4th March '13", "14 Aug 13"
    if short is None:
        return month, None
    digits = short.group(1) or short.group(2)
    return month, ("20" if int(digits) < 50 else "19") + digits


def apply(text: str, mentions: list[Mention], key: Key, dates: str) -> tuple[str, list[Replacement]]:
    """The text with each mention replaced; `mentions` must not overlap."""
    parts: list[str] = []
    records: list[Replacement] = []
    last = 0
    shift = 0
    for mention in sorted(mentions, key=lambda m: m.start):
        new = pseudonym_for(mention, key, dates)
        if new is None or new == mention.text:
            continue
        parts.append(text[last:mention.start])
        new_start = mention.start + shift
        records.append(Replacement(mention.start, mention.end, new_start, new_start + len(new), mention.text, new))
        parts.append(new)
        shift += len(new) - (mention.end - mention.start)
        last = mention.end
    parts.append(text[last:])
    return "".join(parts), records


def offset_mapper(records: list[Replacement]):
    """A function moving an offset in the old text to the new text. An offset inside a
    replaced span moves to the new span's start (or its end, for an end offset)."""
    starts = [r.old_start for r in records]

    def move(offset: int, is_end: bool = False) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        r = records[i]
        if offset >= r.old_end:
            return offset + (r.new_end - r.old_end)
        if offset == r.old_start:
            return r.new_start
        return r.new_end if is_end else r.new_start

    return move
