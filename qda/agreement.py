"""Inter-coder agreement: how far two coders (or a coder and qda) agree, by the textbook.

Both coders are compared on the same units: the turns, the sentences or the characters of
the codable turns. For each code every unit falls in one cell of a 2x2 table (both coders
applied the code, only the first, only the second, neither), and Cohen's kappa,
Krippendorff's alpha and percent agreement are read off that table. The pooled figures sum
the tables over codes (De Vries et al. 2008). docs/agreement.md gives the formulas and says
when each figure is undefined.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Iterator, NamedTuple, Sequence

import pandas as pd
from spacy.language import Language

from . import nlp as qnlp
from .corpus import Corpus, Document, Turn
from .wording import counted

Span = tuple[str, int, int]  # (document id, start, end): code points, end exclusive
Runs = list[tuple[int, int]]  # sorted, disjoint (start, end) intervals within one document

COLUMNS = (
    "code", "units", "both", "first_only", "second_only", "neither",
    "kappa", "alpha", "agreement", "agreement_coded",
)
POOLED = "pooled"


# -- the 2x2 table and its statistics -------------------------------------------------------


class Table(NamedTuple):
    """Units by what the two coders did with one code."""

    both: int
    first_only: int
    second_only: int
    neither: int

    @property
    def units(self) -> int:
        return self.both + self.first_only + self.second_only + self.neither


def cohen_kappa(both: int, first_only: int, second_only: int, neither: int) -> float:
    """Cohen's kappa of a 2x2 table, (po - pe) / (1 - pe); NaN when pe == 1 (or no units).

    pe == 1 exactly when both coders put every unit on the same side (all applied or all
    not): agreement is total but nothing could have disagreed, so kappa says nothing.
    Fractions keep that test exact rather than float-close.
    """
    n = both + first_only + second_only + neither
    if n == 0:
        return math.nan
    po = Fraction(both + neither, n)
    pe = Fraction((both + first_only) * (both + second_only) + (second_only + neither) * (first_only + neither), n * n)
    if pe == 1:
        return math.nan
    return float((po - pe) / (1 - pe))


def krippendorff_alpha(both: int, first_only: int, second_only: int, neither: int) -> float:
    """Krippendorff's alpha (nominal) of two coders' binary decisions on every unit.

    With two coders and no missing values the 2x2 table determines the coincidence matrix
    (o11 = 2*both, o00 = 2*neither, o01 = o10 = first_only + second_only), so alpha needs
    no per-unit data, which matters for character units. alpha = 1 - Do/De simplifies to
    1 - (2n - 1)(b + c) / (n0 * n1), with n0 and n1 the pairable 0s and 1s. NaN when one
    value was never used (no variation: De = 0), as krippendorff.alpha refuses that case.
    """
    n = both + first_only + second_only + neither
    disagreeing = first_only + second_only
    n1 = 2 * both + disagreeing
    n0 = 2 * neither + disagreeing
    if n0 * n1 == 0:
        return math.nan
    return 1 - (2 * n - 1) * disagreeing / (n0 * n1)


def _ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, NaN (undefined, not zero) when the denominator is 0."""
    return numerator / denominator if denominator else math.nan


def _statistics(code: str, table: Table) -> dict[str, Any]:
    """One row of the result: the table and every figure read off it."""
    return {
        "code": code, "units": table.units, **table._asdict(),
        "kappa": cohen_kappa(*table),
        "alpha": krippendorff_alpha(*table),
        "agreement": _ratio(table.both + table.neither, table.units),
        "agreement_coded": _ratio(table.both, table.both + table.first_only + table.second_only),
    }


def _table(first: frozenset[Span] | _Characters, second: frozenset[Span] | _Characters, n: int) -> Table:
    """The 2x2 table from the units (or characters) each coder applied a code to, of n."""
    both = len(first & second)
    first_only, second_only = len(first) - both, len(second) - both
    return Table(both, first_only, second_only, n - both - first_only - second_only)


# -- units ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Units:
    """The units two coders are compared on: disjoint spans, or every character in them.

    `name` says what a unit is in reports ("turn", "sentence", "character"). With
    `each_character` each span stands for its characters, so a study of 200k characters is
    a few hundred intervals rather than 200k units. Spans must not overlap: a unit counted
    twice would be two observations of one decision.
    """

    name: str
    spans: Sequence[Span]
    each_character: bool = False
    _runs: dict[str, Runs] = field(init=False, repr=False, compare=False)
    _documents: dict[str, int] = field(init=False, repr=False, compare=False)
    _bounds: dict[str, tuple[list[int], list[int]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        spans = tuple((doc, int(start), int(end)) for doc, start, end in self.spans)
        runs: dict[str, Runs] = {}
        for doc, start, end in spans:
            if start >= end:
                raise ValueError(f"unit ({doc!r}, {start}, {end}) is empty; a unit needs start < end")
            runs.setdefault(doc, []).append((start, end))
        for doc, doc_runs in runs.items():
            doc_runs.sort()
            for (_, end), (start, _) in zip(doc_runs, doc_runs[1:]):
                if start < end:
                    raise ValueError(
                        f"units overlap in document {doc!r} at {start}..{end}; each unit must be counted once"
                    )
        object.__setattr__(self, "spans", spans)
        object.__setattr__(self, "_runs", runs)
        object.__setattr__(self, "_documents", {doc: i for i, doc in enumerate(runs)})
        # Starts and ends per document for bisecting; ends are sorted too, as units are disjoint.
        object.__setattr__(self, "_bounds", {doc: ([s for s, _ in r], [e for _, e in r]) for doc, r in runs.items()})

    def __len__(self) -> int:
        """The number of units: spans, or the characters in them."""
        if self.each_character:
            return sum(end - start for _, start, end in self.spans)
        return len(self.spans)

    def applied(self, coded: dict[str, Runs]) -> frozenset[Span] | _Characters:
        """The units that one coder's spans of one code (by document) overlap; for
        characters, the characters they cover. Either result supports len, & and -."""
        if self.each_character:
            # Merged first, so characters coded twice by one coder count once.
            return _Characters({
                doc: [
                    (max(s, start), min(e, end))
                    for start, end in _union(spans)
                    for s, e in self._overlapping(doc, start, end)
                ]
                for doc, spans in coded.items()
            })
        return frozenset(
            (doc, s, e)
            for doc, spans in coded.items()
            for start, end in spans
            if start < end  # an empty coding marks nothing
            for s, e in self._overlapping(doc, start, end)
        )

    def _overlapping(self, doc: str, start: int, end: int) -> Runs:
        """This document's units that share a character with [start, end): those ending after
        start and starting before end, found by bisection as units are sorted and disjoint."""
        if doc not in self._runs:
            return []
        starts, ends = self._bounds[doc]
        return self._runs[doc][bisect.bisect_right(ends, start) : bisect.bisect_left(starts, end)]

    def order(self, span: Span) -> tuple[int, int]:
        """Sort key: documents in the order the units list them, then by offset."""
        return self._documents[span[0]], span[1]


def codable_turns(corpus: Corpus, include_interviewer: bool = False) -> Iterator[tuple[Document, Turn]]:
    """The turns that are units: `Corpus.codable_turns`, the same turns AutoCoder codes."""
    return corpus.codable_turns(include_interviewer)


def turn_units(corpus: Corpus, include_interviewer: bool = False) -> Units:
    """Each codable turn is a unit."""
    return Units("turn", [(doc.id, turn.start, turn.end) for doc, turn in codable_turns(corpus, include_interviewer)])


def sentence_units(corpus: Corpus, nlp: Language | None = None, include_interviewer: bool = False) -> Units:
    """Each sentence of the codable turns is a unit, split by qda.nlp.lexical as AutoCoder
    splits them for unit="sentence": whitespace around a sentence is not part of it, and a
    sentence of only whitespace is no unit, so qda's sentence codings are exactly units."""
    nlp = nlp or qnlp.load()
    turns = list(codable_turns(corpus, include_interviewer))
    spans: list[Span] = []
    for (doc, turn), parsed in zip(turns, qnlp.lexical(nlp, (doc.turn_text(turn) for doc, turn in turns))):
        spans.extend((doc.id, turn.start + start, turn.start + end) for start, end in qnlp.sentence_spans(parsed))
    return Units("sentence", spans)


def character_units(corpus: Corpus, include_interviewer: bool = False) -> Units:
    """Each character of the codable turns is a unit (speaker labels between turns are not)."""
    return Units("character", turn_units(corpus, include_interviewer).spans, each_character=True)


# -- character sets as intervals --------------------------------------------------------------


class _Characters:
    """A set of characters held as sorted, disjoint runs per document. It answers len, &, -
    and iteration (over runs) as the frozenset of units does for the other unit kinds, so
    one table and one disagreement listing serve every kind, without a loop per character."""

    __slots__ = ("runs",)

    def __init__(self, runs: dict[str, Runs]):
        self.runs = {doc: r for doc, r in runs.items() if r}

    def __len__(self) -> int:
        return sum(end - start for runs in self.runs.values() for start, end in runs)

    def __and__(self, other: _Characters) -> _Characters:
        return _Characters({doc: _intersect(r, other.runs.get(doc, [])) for doc, r in self.runs.items()})

    def __sub__(self, other: _Characters) -> _Characters:
        return _Characters({doc: _subtract(r, other.runs.get(doc, [])) for doc, r in self.runs.items()})

    def __iter__(self) -> Iterator[Span]:
        for doc, runs in self.runs.items():
            for start, end in runs:
                yield doc, start, end


def _union(spans: Runs) -> Runs:
    """Sorted, disjoint runs covering the same characters as `spans` (which may overlap)."""
    merged: Runs = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersect(a: Runs, b: Runs) -> Runs:
    """Characters in both sorted, disjoint run lists."""
    out: Runs = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(a: Runs, b: Runs) -> Runs:
    """Characters in run list `a` and not in `b` (both sorted and disjoint)."""
    out: Runs = []
    j = 0
    for start, end in a:
        while j < len(b) and b[j][1] <= start:
            j += 1
        k = j  # b[k] may reach into the next run of a, so j does not move past it
        while k < len(b) and b[k][0] < end:
            if b[k][0] > start:
                out.append((start, b[k][0]))
            start = max(start, b[k][1])
            k += 1
        if start < end:
            out.append((start, end))
    return out


# -- comparing two coders ---------------------------------------------------------------------


def _fields(coding: Any) -> tuple[str, int, int, str] | None:
    """(document, start, end, code) of a Coding-like object or a plain tuple; None for a
    coding whose `status` is rejected: the coder decided against that code there."""
    if hasattr(coding, "code"):
        if str(getattr(coding, "status", "")).casefold() == "rejected":
            return None
        return coding.document, int(coding.start), int(coding.end), coding.code
    document, start, end, code = coding
    return document, int(start), int(end), code


def _by_code(codings: Iterable[Any]) -> dict[str, dict[str, Runs]]:
    """One coder's spans, by code and then document."""
    grouped: dict[str, dict[str, Runs]] = {}
    for coding in codings:
        fields = _fields(coding)
        if fields is not None:
            document, start, end, code = fields
            grouped.setdefault(code, {}).setdefault(document, []).append((start, end))
    return grouped


def _compared(first: Iterable[Any], second: Iterable[Any], units: Units, codes: Iterable[str] | None):
    """Per code, in report order: (code, units the first applied it to, same for the second).

    Without `codes`, the codes either coder used, sorted; with it, those codes in that order
    (a code neither used still gets a row, and codings of other codes are ignored).
    """
    one, two = _by_code(first), _by_code(second)
    code_list = list(dict.fromkeys(codes)) if codes is not None else sorted(one.keys() | two.keys())
    for code in code_list:
        yield code, units.applied(one.get(code, {})), units.applied(two.get(code, {}))


@dataclass(frozen=True)
class Agreement:
    """Agreement of two coders per code (`table`) and pooled over codes.

    `table` has the COLUMNS, one row per code. `pooled` is the same row for the summed
    tables (each unit x code decision one observation; De Vries et al. 2008); it is not the
    mean of per-code kappas, which is `mean_kappa` (over codes where kappa is defined).
    Undefined figures are NaN.
    """

    table: pd.DataFrame
    pooled: pd.Series
    mean_kappa: float
    names: tuple[str, str]
    unit: str
    n_units: int

    def format(self) -> str:
        """A plain-text table for the terminal; undefined figures show as n/a."""
        first, second = self.names
        header = ["code", "units", "both", f"{first} only", f"{second} only", "neither",
                  "kappa", "alpha", "agree", "agree coded"]
        rows = [_cells(row) for row in self.table.to_dict("records")]
        pooled = _cells(self.pooled.to_dict())
        defined = int(self.table["kappa"].notna().sum())
        codes = counted(len(self.table), "code")
        lines = [
            f"Agreement of {first} and {second} on {counted(self.n_units, self.unit)}, {codes}",
            "",
            *_aligned([header, *rows, pooled], rule_before={1, 1 + len(rows)}),
            "",
            "pooled: the per-code tables summed, each unit x code decision one observation "
            "(De Vries et al. 2008)",
            f"mean of per-code kappas: {_figure(self.mean_kappa)} ({defined} of {len(self.table)} codes defined)",
            "agree: (both + neither) / units; agree coded: both / (both + one only)",
        ]
        if any(pd.isna(row[c]) for row in [*self.table.to_dict("records"), self.pooled] for c in COLUMNS[6:]):
            lines.append(
                "n/a = undefined: kappa and alpha when both coders put every unit on the same side "
                "(no variation); agree coded when neither coder applied the code; all with no units"
            )
        return "\n".join(lines)


def agreement(
    first: Iterable[Any],
    second: Iterable[Any],
    units: Units,
    *,
    codes: Iterable[str] | None = None,
    names: tuple[str, str] = ("A", "B"),
) -> Agreement:
    """Agreement of two coders' codings on `units`, per code and pooled.

    A coding is a qda.Coding, any object with `.document`, `.start`, `.end`, `.code` (such
    as a coded-table row from `DataFrame.itertuples()`), or a tuple (document, start, end,
    code); codings with status "rejected" are left out. A coder applied a code to a unit if
    any of its codings of that code overlaps the unit (for character units: covers the
    character). `codes` fixes the rows and their order, e.g. the codebook's ids, so a code
    neither coder used is reported too; by default the codes either used, sorted.
    """
    n = len(units)
    tables = {code: _table(a, b, n) for code, a, b in _compared(first, second, units, codes)}
    frame = pd.DataFrame([_statistics(code, t) for code, t in tables.items()], columns=list(COLUMNS))
    frame = frame.astype({c: "int64" for c in COLUMNS[1:6]} | {c: "float64" for c in COLUMNS[6:]})
    pooled = Table(*(sum(column) for column in zip(*tables.values()))) if tables else Table(0, 0, 0, 0)
    return Agreement(
        table=frame,
        pooled=pd.Series(_statistics(POOLED, pooled)),
        mean_kappa=float(frame["kappa"].mean()),  # pandas skips NaN; all NaN gives NaN
        names=tuple(names),
        unit=units.name,
        n_units=n,
    )


def disagreements(
    first: Iterable[Any],
    second: Iterable[Any],
    units: Units,
    *,
    codes: Iterable[str] | None = None,
    names: tuple[str, str] = ("A", "B"),
) -> pd.DataFrame:
    """Where the coders differ: for each code, every unit that only one coder applied it to.

    Columns code, document, start, end, coder (the name of the coder who applied it), so the
    passages (`corpus[document].text[start:end]`) can be shown side by side. For character
    units a row is a run of characters within one unit. Ordered by code, then as the units
    are (document, offset), the first coder first. Arguments are those of `agreement`.
    """
    rows = []
    for code_index, (code, a, b) in enumerate(_compared(first, second, units, codes)):
        for coder_index, only in enumerate((a - b, b - a)):
            rows.extend(
                ((code_index, *units.order(span), coder_index), (code, *span, names[coder_index])) for span in only
            )
    rows.sort(key=lambda row: row[0])
    frame = pd.DataFrame([row for _, row in rows], columns=["code", "document", "start", "end", "coder"])
    return frame.astype({"start": "int64", "end": "int64"})


# -- plain-text output ------------------------------------------------------------------------


def _cells(row: dict[str, Any]) -> list[str]:
    counts = [f"{row[c]:,}" for c in COLUMNS[1:6]]
    return [str(row["code"]), *counts, _figure(row["kappa"]), _figure(row["alpha"]),
            _percent(row["agreement"]), _percent(row["agreement_coded"])]


def _figure(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.3f}"


def _percent(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.1%}"


def _aligned(rows: list[list[str]], rule_before: set[int]) -> list[str]:
    """Rows as columns padded to width, the first left-aligned, with a rule above the given rows."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        if index in rule_before:
            lines.append("  ".join("-" * w for w in widths))
        cells = (cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        lines.append("  ".join(cells))
    return lines

