"""Other tools' PlainTextSelection positions, turned into qda's canonical offsets.

qda's canonical text has no BOM and `\\n` line ends only (`normalise_newlines`); offsets
are code points into it, end exclusive. A `.qdpx` from another tool counts positions
against its raw source .txt (BOM stripped, CRLF and CR intact) in one of three units
(docs/refi-qda.md, "Positions"):

- `codepoints`: code points, CRLF counts 2. The standard; QualCoder, qda itself.
- `utf16`: UTF-16 code units (an emoji counts 2), CRLF counts 2. NVivo.
- `newlines`: code points, CRLF counts 1. ATLAS.ti.

A position maps to the number of canonical characters wholly before it. The CR of a
CRLF is not in the canonical text, so a position between CR and LF maps where a
position just before the CR does; a lone CR becomes `\\n` and is a character. A start
inside a character (the middle of a surrogate pair) rounds down, an end rounds up, so a
selection keeps every character it touches.
"""

from __future__ import annotations

import operator

import numpy as np

from qda.readers.decode import normalise_newlines

__all__ = ["UNITS", "PositionMap", "choose_unit", "preferred_units"]

UNITS = ("codepoints", "utf16", "newlines")


def _length(raw: str, unit: str) -> int:
    """The raw text's length in `unit`, without building a map."""
    if unit == "codepoints":
        return len(raw)
    if unit == "utf16":
        if raw.isascii():
            return len(raw)
        return len(raw.encode("utf-16-le", "surrogatepass")) // 2
    if unit == "newlines":
        return len(raw) - raw.count("\r\n")
    raise ValueError(f"unknown position unit {unit!r}; expected one of {', '.join(UNITS)}")


class PositionMap:
    """Maps positions in one unit over a raw source text to canonical code-point offsets.

    `raw` is the decoded source text with the BOM already stripped and CR/CRLF intact.
    Built once per source in O(n) numpy work; each `span` is two binary searches.
    """

    def __init__(self, raw: str, unit: str):
        self.unit = unit
        self.length = _length(raw, unit)  # validates `unit`
        # Unit positions of character boundaries (None: boundary k is at k) and canonical
        # offsets of character boundaries (None: likewise).
        self._bounds: np.ndarray | None = None
        self._canon: np.ndarray | None = None
        if unit == "newlines":
            # Canonical offsets by definition: a CRLF counts 1 here and in canonical text,
            # a lone CR 1 in both, everything else 1 code point each.
            return
        if "\r" not in raw and (unit != "utf16" or self.length == len(raw)):
            return  # no CR, no astral character that counts: the identity
        cp = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        # 1 for each character that survives into the canonical text, 0 for a CRLF's CR.
        canon = np.ones(len(cp), dtype=np.int8)
        canon[:-1] -= (cp[:-1] == 0x0D) & (cp[1:] == 0x0A)
        width = None  # codepoints: every character is 1 unit wide
        if unit == "utf16" and self.length != len(raw):
            width = 1 + (cp > 0xFFFF).astype(np.int8)
        dtype = np.int32 if self.length < 2**31 - 1 else np.int64
        if width is not None:
            self._bounds = _boundaries(width, dtype)
        if not canon.all():
            self._canon = _boundaries(canon, dtype)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The canonical (start, end) of the selection [start, end) in this unit.

        Raises ValueError unless 0 <= start <= end <= length. An empty selection stays
        empty (both ends map like a start).
        """
        start, end = operator.index(start), operator.index(end)
        if not 0 <= start <= end <= self.length:
            raise ValueError(
                f"selection {start}..{end} is outside 0..{self.length} "
                f"({self.unit} positions) or ends before it starts"
            )
        first = self._chars(start, round_up=False)
        if end == start:
            return first, first
        return first, self._chars(end, round_up=True)

    def _chars(self, position: int, round_up: bool) -> int:
        """Canonical characters before `position`; a character it cuts counts when
        rounding up."""
        if self._bounds is None:
            k = position  # raw characters before the position
            return k if self._canon is None else int(self._canon[k])
        # A key of the array's own dtype: a Python int would make numpy cast the array.
        position = self._bounds.dtype.type(position)
        if round_up:  # raw characters that start before it
            k = int(np.searchsorted(self._bounds[:-1], position, side="left"))
        else:  # raw characters that end at or before it
            k = int(np.searchsorted(self._bounds[1:], position, side="right"))
        return k if self._canon is None else int(self._canon[k])


def _boundaries(widths: np.ndarray, dtype) -> np.ndarray:
    """Positions 0, w0, w0+w1, ...: where each character starts, then the total."""
    out = np.empty(len(widths) + 1, dtype=dtype)
    out[0] = 0
    np.cumsum(widths, dtype=dtype, out=out[1:])
    return out


def preferred_units(origin: str | None) -> tuple[str, ...]:
    """Units to try, most likely first, from the Project's `origin` attribute:
    NVivo* -> utf16 first; ATLAS.ti* -> newlines first; anything else -> codepoints
    first; the others follow as fallbacks."""
    name = (origin or "").strip().lower()
    if name.startswith("nvivo"):
        return ("utf16", "codepoints", "newlines")
    if name.startswith("atlas"):
        return ("newlines", "codepoints", "utf16")
    return ("codepoints", "utf16", "newlines")


def choose_unit(raw: str, spans: list[tuple[int, int]], origin: str | None,
                names: list[str | None] | None = None) -> str | None:
    """The unit to read `spans` in: of `preferred_units(origin)` those under which every
    span satisfies 0 <= start <= end <= length, the first, unless the selections' `names`
    (tools name a selection by its opening words) match the text better under another.
    None if no unit fits.

    When the text has no CR and no astral character all units agree, so only bounds
    matter; names settle the rest (an NVivo file passed on by a tool that rewrote its
    origin, say).
    """
    lowest, highest = 0, 0
    for start, end in spans:
        if end < start:
            return None
        lowest, highest = min(lowest, start), max(highest, end)
    if lowest < 0:
        return None
    fitting = [unit for unit in preferred_units(origin) if highest <= _length(raw, unit)]
    same = "\r" not in raw and _length(raw, "utf16") == len(raw)  # every unit counts alike
    if len(fitting) < 2 or same or not names or not any(names):
        return fitting[0] if fitting else None
    scores = {unit: _matching_names(raw, spans, names, unit) for unit in fitting}
    return max(fitting, key=lambda unit: scores[unit])  # max keeps the first of equals


def _matching_names(raw: str, spans: list[tuple[int, int]], names: list[str | None], unit: str) -> int:
    """How many selections' passages begin with their name's first words."""
    canonical = normalise_newlines(raw)
    positions = PositionMap(raw, unit)
    count = 0
    for (start, end), name in zip(spans, names):
        words = " ".join((name or "").rstrip("….").split())[:20]
        if words:
            s, e = positions.span(start, end)
            count += " ".join(canonical[s:e].split()).startswith(words)
    return count
