"""Agreement between qda's codings and a hand-made gold standard, per code.

The gold standard is coded at the turn (optionally sentence) level rather than as exact
character spans: two careful coders rarely pick the same first and last character, but they
do agree on whether an utterance carries a code, which is the question a qualitative
researcher asks of a coder. Every unit is listed in the gold file, so true negatives (and so
Cohen's kappa) are well defined. See docs/evaluation.md for the format and the formulas.
"""

from __future__ import annotations

import bisect
import csv
import math
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Union

import numpy as np
import pandas as pd

# Kappa lives with the other agreement statistics; imported here for the gold comparison
# (and re-exported, so `from qda.evaluate import cohen_kappa` keeps working).
from qda.agreement import cohen_kappa
from qda.corpus import INTERVIEWER_LABELS, interviewer_label
from qda.errors import InputError, QdaError
from qda.readers import document_id
from qda.writers import FORMULA_PREFIXES
from qda.wording import counted

PathLike = Union[str, "os.PathLike[str]"]

GOLD_COLUMNS = ("document", "turn", "speaker", "codes", "text")
SPAN_COLUMNS = ("start", "end")
PREDICTION_COLUMNS = ("document", "turn", "start", "end", "code")
UNITS = ("turn", "sentence")
CODE_SEPARATOR = ";"

_WHOLE = re.compile(r"\d+")
_MAX_PROBLEMS = 20  # per file; more would bury the first (usually the cause of the rest)


# -- gold ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldSet:
    """Hand-coded units read from one or more gold CSV files.

    `units` has one row per unit: `document` (the coded table's id, `_coded_document_id`),
    `turn`, `speaker`, `codes` (a tuple of code ids), `text`, `start`/`end` (NA for turn
    units, offsets for sentence units), and the `file` and `line` it came from, so a
    surprising score can be traced to its row.
    """

    units: pd.DataFrame
    paths: tuple[str, ...]

    @property
    def documents(self) -> list[str]:
        """Document ids in order of first appearance."""
        return list(dict.fromkeys(self.units["document"]))

    @property
    def codes(self) -> list[str]:
        """Every code id the gold uses, sorted."""
        return sorted({code for codes in self.units["codes"] for code in codes})

    def as_codings(self) -> pd.DataFrame:
        """One row per (unit, code), shaped like a coded table, so that one hand coding can
        be scored against another (a second coder's agreement with the first)."""
        rows = [(u.document, u.turn, u.start, u.end, code)
                for u in self.units.itertuples(index=False) for code in u.codes]
        return pd.DataFrame(rows, columns=list(PREDICTION_COLUMNS))

    def labelled_turns(self, codes: Iterable[str]) -> tuple[list[str], dict[str, np.ndarray], list[str]]:
        """Participant turns as training data: (texts, {code: is-coded per turn}, documents).
        Interviewer turns are left out, as qda never codes them."""
        return self._labelled(self._participant_turns(), codes)

    def labelled_speeches(self, codes: Iterable[str]) -> tuple[list[str], dict[str, np.ndarray], list[str]]:
        """Participant speeches (one speaker's consecutive turns, `qda.speeches`) as the
        learned coder learns from them: like `labelled_turns`, a speech coded where any of
        its turns is."""
        from .speeches import join_speeches, number_speeches

        turns = self._participant_turns()
        texts, labels, documents = self._labelled(turns, codes)
        numbers = number_speeches(documents, turns["speaker"].tolist(), turns["turn"].tolist(), texts)
        return join_speeches(texts, labels, documents, numbers)

    def _participant_turns(self) -> pd.DataFrame:
        turns = self.of_unit("turn")
        return turns[turns["speaker"].fillna("").map(interviewer_label).isna()]

    @staticmethod
    def _labelled(turns: pd.DataFrame, codes: Iterable[str]) -> tuple[list[str], dict[str, np.ndarray], list[str]]:
        texts = turns["text"].astype(str).tolist()
        labels = {code: np.array([code in c for c in turns["codes"]], dtype=bool) for code in codes}
        return texts, labels, turns["document"].astype(str).tolist()

    def of_unit(self, unit: str) -> pd.DataFrame:
        """The turn units (no span) or the sentence units (with a span)."""
        _check_unit(unit)
        spanned = self.units["start"].notna()
        return self.units[spanned if unit == "sentence" else ~spanned]


def read_gold(
    path: PathLike | Iterable[PathLike], *, known_codes: Iterable[str] | None = None
) -> GoldSet:
    """Read gold CSV(s): a file, a folder of `.csv` files, or several of either, concatenated.

    Each file is checked in full and all its problems reported together (up to a limit) in
    one InputError naming file and line, so a hand-edited file is fixed in one pass. With
    `known_codes` (the codebook's ids), a misspelt code id is an error rather than a code
    that silently never matches.
    """
    files = _gold_files(path)
    known = None if known_codes is None else frozenset(known_codes)
    seen: dict[tuple, str] = {}
    rows: list[dict] = []
    for file in files:
        rows.extend(_read_gold_file(file, known, seen))

    # A sentence row may leave `speaker` empty: it then speaks for its turn.
    speakers = {(r["document"], r["turn"]): r["speaker"] for r in rows if r["start"] is None}
    for r in rows:
        if r["speaker"] is None and r["start"] is not None:
            r["speaker"] = speakers.get((r["document"], r["turn"]))

    columns = ["document", "turn", "speaker", "codes", "text", "start", "end", "file", "line"]
    units = pd.DataFrame(rows, columns=columns)
    units = units.astype(
        {"document": "string", "turn": "int64", "speaker": "string", "text": "string",
         "start": "Int64", "end": "Int64", "file": "string", "line": "int64"}
    )
    return GoldSet(units=units, paths=tuple(str(f) for f in files))


def _gold_files(path: PathLike | Iterable[PathLike]) -> list[Path]:
    """Expand the argument to CSV files, in a stable (sorted) order within each folder."""
    given = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not given:
        raise ValueError("no gold file or folder given")
    files: list[Path] = []
    for item in map(Path, given):
        if item.is_dir():
            found = sorted(
                p for p in item.iterdir()
                if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith(".")
            )
            if not found:
                raise InputError(item, "holds no .csv gold files; give a folder of gold CSVs or the files themselves")
            files.extend(found)
        elif item.is_file():
            files.append(item)
        else:
            raise InputError(item, "no such file or folder; give a gold CSV or a folder of them")
    return files


def _read_gold_file(file: Path, known: frozenset[str] | None, seen: dict[tuple, str]) -> list[dict]:
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            records = list(_records(handle, file))
    except UnicodeDecodeError:
        raise InputError(file, "is not UTF-8 text; save it as 'CSV UTF-8'") from None
    except OSError as exc:
        raise InputError(file, f"cannot be read: {exc.strerror or exc}") from None

    expected = ",".join(GOLD_COLUMNS)
    if not records:
        raise InputError(file, f"is empty; it needs the header {expected} and one row per turn")
    header_line, header = records[0]
    names = [h.strip().casefold() for h in header]
    missing = [c for c in GOLD_COLUMNS if c not in names]
    if missing:
        raise InputError(
            file, f"line {header_line}: missing column(s) {', '.join(missing)}; "
            f"the header must be {expected} (optionally also start,end)"
        )
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if doubled:
        raise InputError(file, f"line {header_line}: column(s) {', '.join(doubled)} appear twice; keep one of each")
    if ("start" in names) != ("end" in names):
        raise InputError(file, f"line {header_line}: give both start and end columns (sentence units) or neither")
    if len(records) == 1:
        raise InputError(file, "has a header but no rows; list every turn of each gold document")

    col = {name: i for i, name in enumerate(names)}
    spans = "start" in col
    problems: list[str] = []
    rows: list[dict] = []
    for line, fields in records[1:]:
        if len(fields) != len(header):
            problems.append(
                f"line {line}: {len(fields)} fields where the header has {len(header)}; "
                "put text holding commas in double quotes"
            )
            continue
        row_problems: list[str] = []
        value = lambda name: fields[col[name]].strip()  # noqa: E731

        document = _coded_document_id(value("document")) if value("document") else ""
        if not document:
            row_problems.append("document is empty; give the transcript's file name without its extension")
        turn = _whole(value("turn"))
        if turn is None:
            row_problems.append(f"turn {value('turn')!r} is not a whole number; give the 0-based turn index")

        start = end = None
        if spans and (value("start") or value("end")):
            start, end = _whole(value("start")), _whole(value("end"))
            if start is None or end is None:
                row_problems.append(
                    f"start {value('start')!r} and end {value('end')!r} must both be whole numbers "
                    "(code-point offsets) for a sentence row, or both empty for a turn row"
                )
                start = end = None
            elif start >= end:
                row_problems.append(f"start {start} is not before end {end}; a sentence needs start < end")
                start = end = None

        codes = tuple(dict.fromkeys(c.strip() for c in value("codes").split(CODE_SEPARATOR) if c.strip()))
        for code in codes:
            if "," in code:
                row_problems.append(f"code {code!r}: separate code ids with ';', not ','")
            elif known is not None and code not in known:
                row_problems.append(f"unknown code id {code!r}; use one of: {_listing(sorted(known))}")

        if document and turn is not None:
            key, what = (
                ((document, turn), f"document {document!r} turn {turn}")
                if start is None
                else ((document, start, end), f"document {document!r} sentence {start}..{end}")
            )
            if key in seen:
                row_problems.append(f"{what} is already given at {seen[key]}; keep one row per unit")
            else:
                seen[key] = f"{file}:{line}"

        if row_problems:
            problems.extend(f"line {line}: {p}" for p in row_problems)
            continue
        rows.append({
            "document": document, "turn": turn, "speaker": value("speaker") or None,
            "codes": codes, "text": fields[col["text"]], "start": start, "end": end,
            "file": str(file), "line": line,
        })

    if problems:
        shown = problems[:_MAX_PROBLEMS]
        if len(problems) > _MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - _MAX_PROBLEMS} more")
        noun = "problem" if len(problems) == 1 else "problems"
        raise InputError(file, f"{len(problems)} {noun}:\n  " + "\n  ".join(shown))
    return rows


def _coded_document_id(name: str) -> str:
    """A gold `document` cell as the coded table's id of that transcript (`document_id`), so
    that `Interview 07` (the file name without extension) and `interview-07` both match."""
    # document_id takes a file name and drops its extension: give it one, or a dot in the
    # name (`interview.01`) would be taken for one.
    return document_id(f"{name}.txt")


def _records(handle, file: Path) -> Iterable[tuple[int, list[str]]]:
    """(first line, fields) per non-blank record; a quoted cell may span several lines.

    Strict: a lenient reader lets a quote that is never closed run to the end of the file,
    silently taking every row after it for the text of one cell."""
    reader = csv.reader(handle, strict=True)
    line = 1
    try:
        for fields in reader:
            start, line = line, reader.line_num + 1
            if any(f.strip() for f in fields):
                yield start, fields
    except csv.Error as exc:  # `line` is still the first line of the record it broke in
        raise InputError(file, f"line {line}: {_quoting_problem(exc)}") from None


def _quoting_problem(exc: csv.Error) -> str:
    fix = 'end a quoted cell with " and write a " inside it as ""'
    if "unexpected end of data" in str(exc):
        return f"a quoted cell starts here and is never closed; {fix}"
    return f"the quoting is broken ({exc}); {fix}"


def _whole(text: str) -> int | None:
    return int(text) if _WHOLE.fullmatch(text) else None


def _listing(items: list[str], limit: int = 12, separator: str = ", ") -> str:
    more = f"{separator}... ({len(items) - limit} more)" if len(items) > limit else ""
    return separator.join(items[:limit]) + more


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise QdaError(f"unknown unit `{unit}`; choose {' or '.join(UNITS)}")


# -- predictions --------------------------------------------------------------------------


def read_predictions(path: PathLike) -> pd.DataFrame:
    """Read a coded table from .csv, .xlsx (sheet `codings`) or .parquet; or, from a folder
    or a CSV in the gold format (a `codes` column), another coder's hand coding.

    qda's writers prefix `'` to spreadsheet cells that could run as formulas (see
    qda.writers); that prefix is removed again from CSV and XLSX text so a document id or
    code id reads back as written. Parquet keeps raw values and is read as is.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir() or (suffix == ".csv" and path.is_file() and _gold_header(path)):
        return _normalise_predictions(read_gold(path).as_codings(), path)
    if suffix not in (".csv", ".xlsx", ".parquet"):
        raise InputError(path, f"unknown format {suffix or '(no extension)'!r}; give a .csv, .xlsx or .parquet coded table")
    if not path.is_file():
        raise InputError(path, "no such file; give the coded table written by qda")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, sheet_name="codings", engine="openpyxl")
        else:
            frame = pd.read_parquet(path)
    except ValueError as exc:
        if suffix == ".xlsx" and "codings" in str(exc):
            raise InputError(path, "has no sheet named 'codings'; give a workbook written by qda") from None
        raise InputError(path, f"cannot be read as {suffix[1:]}: {exc}") from None
    except Exception as exc:  # parser errors differ by engine; all mean the same to the user
        raise InputError(path, f"cannot be read as {suffix[1:]}: {exc}") from None
    if suffix != ".parquet":
        frame = frame.rename(columns=lambda c: _unneutralise(str(c)))
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = frame[column].map(_unneutralise, na_action="ignore")
    return _normalise_predictions(frame, path)


def _gold_header(path: Path) -> bool:
    """Whether a CSV's header is the gold format's (`codes`, no `code`)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError):
        return False  # read_csv below reports it
    names = {h.strip() for h in header}
    return "codes" in names and "code" not in names


def _unneutralise(value):
    """Undo qda.writers.neutralise: drop one `'` that guards a formula-like string."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _normalise_predictions(frame: pd.DataFrame, where: PathLike) -> pd.DataFrame:
    """Check the columns evaluation needs and give them one set of types, whatever the format."""
    missing = [c for c in PREDICTION_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            where, f"missing column(s) {', '.join(missing)}; give a coded table written by qda "
            f"(it has {', '.join(PREDICTION_COLUMNS)}, status)"
        )
    out = frame.copy()
    for column in ("document", "code", "status"):
        if column in out.columns:
            out[column] = out[column].astype("string").str.strip()
    for column in ("turn", "start", "end"):
        out[column] = _whole_column(out[column], column, where)
    return out


def _whole_column(series: pd.Series, name: str, where: PathLike) -> pd.Series:
    numeric = pd.to_numeric(series, errors="coerce")
    bad = series.notna() & (numeric.isna() | (numeric % 1 != 0) | (numeric < 0))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            where, f"row {i + 2} (the header is row 1): {name} {series.iloc[i]!r} is not a whole "
            "number; give the table exactly as qda wrote it"
        )
    return numeric.astype("Int64")


# -- evaluation ---------------------------------------------------------------------------


@dataclass
class Evaluation:
    """Per-code agreement (`table`) with its averages and what was left out, and why."""

    table: pd.DataFrame
    macro: dict[str, float]  # precision, recall, f1, kappa: means over codes where defined
    micro: dict[str, float]  # precision, recall, f1 from tp/fp/fn pooled over codes
    #: 95% intervals of macro f1 and kappa (as the table's kappa_low and kappa_high are of
    #: each code's kappa): see `_intervals`.
    macro_interval: dict[str, tuple[float, float]]
    unit: str
    n_units: int
    n_documents: int
    excluded_units: int  # units dropped by speaker (interviewer turns by default)
    ignored: dict[str, int]  # rejected, other_documents, unplaced (no turn / no span), unlisted_turns
    other_documents: tuple[str, ...]  # ids of predicted documents absent from the gold
    #: codings whose passage is not in the text of the gold turn they name (`_misplaced`)
    misplaced: int = 0
    #: (document, turn) of gold documents' turns that codings name but the gold does not list
    unlisted_turns: tuple[tuple[str, int], ...] = ()

    def format(self) -> str:
        """A plain-text table for the terminal: one row per code, then macro and micro."""
        width = max([len("macro"), *(len(c) for c in self.table["code"])])
        head = f"{'code':<{width}}  {'P':>6} {'R':>6} {'F1':>6} {'kappa':>6} {'kappa 95% CI':>14} {'support':>8}"
        excluded = f" ({self.excluded_units} excluded by speaker)" if self.excluded_units else ""
        lines = [
            f"{self.unit}-level agreement with the gold: {counted(self.n_units, 'unit')} in "
            f"{counted(self.n_documents, 'document')}{excluded}",
            "",
            head,
            "-" * len(head),
        ]
        for row in self.table.itertuples(index=False):
            lines.append(
                f"{row.code:<{width}}  {_cell(row.precision)} {_cell(row.recall)} {_cell(row.f1)} "
                f"{_cell(row.kappa)} {_interval(row.kappa_low, row.kappa_high)} {row.gold_positive:>8}"
            )
        lines.append("-" * len(head))
        m, u = self.macro, self.micro
        lines.append(f"{'macro':<{width}}  {_cell(m['precision'])} {_cell(m['recall'])} {_cell(m['f1'])} {_cell(m['kappa'])} "
                     f"{_interval(*self.macro_interval['kappa'])}")
        lines.append(
            f"{'micro':<{width}}  {_cell(u['precision'])} {_cell(u['recall'])} {_cell(u['f1'])} "
            f"{'':>6} {'':>14} {int(self.table['gold_positive'].sum()):>8}"
        )
        if self.n_documents >= 2:
            lines.append(f"95% CI: {_RESAMPLES} bootstrap resamples of the {self.n_documents} documents "
                         f"(whole documents, as turns of one interview are not independent); "
                         f"macro F1 {_interval(*self.macro_interval['f1']).strip()}")
        if self.table[["precision", "recall", "f1", "kappa"]].isna().any().any():
            lines.append("- = undefined (P: nothing predicted; R: no gold positives; kappa: all units on one side)")
        notes = []
        if self.ignored["rejected"]:
            notes.append(counted(self.ignored["rejected"], "rejected coding"))
        if self.ignored["other_documents"]:
            notes.append(
                f"{counted(self.ignored['other_documents'], 'coding')} in documents not in the gold "
                f"({_listing(list(self.other_documents), 5)})"
            )
        if self.ignored["unplaced"]:
            where = "a turn" if self.unit == "turn" else "offsets"
            notes.append(f"{counted(self.ignored['unplaced'], 'coding')} without {where}")
        if self.ignored["unlisted_turns"]:
            notes.append(
                f"{counted(self.ignored['unlisted_turns'], 'coding')} on turns the gold does not list "
                f"({_turn_listing(self.unlisted_turns)})"
            )
        if notes:
            lines.append("ignored: " + "; ".join(notes))
        if self.misplaced:
            lines.append(
                f"warning: {counted(self.misplaced, 'coding')} name a gold turn whose text does not hold "
                "their passage: were the transcripts read into other turns than the gold's (another "
                "layout, an edited file)? Then these figures compare the wrong turns."
            )
        return "\n".join(lines)


def evaluate(
    gold: GoldSet | PathLike | Iterable[PathLike],
    predictions: pd.DataFrame | PathLike,
    *,
    codes: Iterable[str] | None = None,
    unit: str = "turn",
    exclude_speakers: Iterable[str] | None = INTERVIEWER_LABELS,
) -> Evaluation:
    """Score `predictions` (a coded table) against `gold`, one row per code.

    The units are the gold rows of the chosen `unit` ("turn" or "sentence"). Units whose
    speaker is in `exclude_speakers` (case-insensitive; interviewer labels by default) are
    dropped, and so are a listed label's numbered and initialled forms ("Interviewer 2",
    `qda.corpus.interviewer_label`): qda never codes interviewer turns, so counting them
    would add easy true negatives and inflate kappa. Pass `exclude_speakers=()` to keep
    every unit.

    A turn unit is predicted positive for a code when a non-rejected coding of that code in
    the same document has that `turn`; a sentence unit when such a coding shares at least
    one code point with [start, end). `codes` (e.g. the codebook's ids, in its order) fixes
    the rows; by default the codes used in the gold or the predictions, sorted.
    """
    _check_unit(unit)
    if not isinstance(gold, GoldSet):
        gold = read_gold(gold)
    if isinstance(predictions, pd.DataFrame):
        predictions = _normalise_predictions(predictions, "(predictions table)")
    else:
        predictions = read_predictions(predictions)

    units = gold.of_unit(unit)
    if units.empty:
        kind = "rows with start and end" if unit == "sentence" else "rows with start and end empty"
        raise InputError(", ".join(gold.paths), f"holds no {unit} units ({kind}); choose the other unit or add them")
    excluded = {s.strip().casefold() for s in (exclude_speakers or ())}
    # "Interviewer 2" goes with "interviewer": numbered and initialled labels count as theirs
    drop = units["speaker"].map(
        lambda s: s.strip().casefold() in excluded or interviewer_label(s) in excluded, na_action="ignore"
    )
    drop = drop.fillna(False).astype(bool)
    kept = units[~drop]

    preds = predictions
    rejected = preds["status"].str.casefold().eq("rejected").fillna(False).astype(bool) if "status" in preds else pd.Series(False, index=preds.index)
    preds = preds[~rejected]
    in_gold = preds["document"].isin(set(gold.documents)).fillna(False).astype(bool)
    other_documents = tuple(sorted(set(preds.loc[~in_gold, "document"].dropna())))
    preds = preds[in_gold]
    placed = preds["turn"].notna() if unit == "turn" else preds["start"].notna() & preds["end"].notna()
    unplaced = int((~placed).sum())
    preds = preds[placed & preds["code"].notna()]
    # These stay out of the figures (no unit asks about them); counting them is what shows
    # a gold file that lacks turns, or turns numbered otherwise than the gold's.
    unlisted = _unlisted_turns(preds, units) if unit == "turn" else []

    code_list = list(dict.fromkeys(codes)) if codes is not None else sorted(set(gold.codes) | set(preds["code"]))
    predicted = _predicted(preds, unit)
    documents = list(dict.fromkeys(kept["document"]))
    column = {doc: j for j, doc in enumerate(documents)}
    # Per code and document: tp, fp, fn, tn (whole documents are what the intervals resample).
    counts = np.zeros((len(code_list), len(documents), 4), dtype=np.int64)
    for i, code in enumerate(code_list):
        for doc, turn, start, end, gold_codes in zip(
            kept["document"], kept["turn"], kept["start"], kept["end"], kept["codes"]
        ):
            g = code in gold_codes
            p = predicted(doc, code, turn, start, end)
            counts[i, column[doc], (not g) + 2 * (not p)] += 1  # tp, fp, fn, tn
    rows = [_row(code, *counts[i].sum(axis=0).tolist()) for i, code in enumerate(code_list)]
    kappa_low, kappa_high, macro_interval = _intervals(counts)
    table = pd.DataFrame(rows, columns=[
        "code", "n_units", "gold_positive", "predicted_positive", "tp", "fp", "fn", "tn",
        "precision", "recall", "f1", "kappa",
    ])
    table = table.astype({c: "int64" for c in table.columns[1:8]} | {c: "float64" for c in table.columns[8:]})
    table["kappa_low"], table["kappa_high"] = kappa_low, kappa_high

    tp, fp, fn = (int(table[c].sum()) for c in ("tp", "fp", "fn"))
    return Evaluation(
        table=table,
        macro={m: _mean(table[m]) for m in ("precision", "recall", "f1", "kappa")},
        micro={"precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "f1": _ratio(2 * tp, 2 * tp + fp + fn)},
        macro_interval=macro_interval,
        unit=unit,
        n_units=len(kept),
        n_documents=len(documents),
        excluded_units=int(drop.sum()),
        ignored={"rejected": int(rejected.sum()), "other_documents": int((~in_gold).sum()), "unplaced": unplaced,
                 "unlisted_turns": len(unlisted)},
        other_documents=other_documents,
        misplaced=_misplaced(preds, units) if unit == "turn" else 0,
        unlisted_turns=tuple(sorted(set(unlisted))),
    )


def _unlisted_turns(predictions: pd.DataFrame, units: pd.DataFrame) -> list[tuple[str, int]]:
    """(document, turn) of each coding on a turn its (gold) document does not list."""
    listed = set(zip(units["document"], units["turn"]))
    pairs = zip(predictions["document"], predictions["turn"].astype(int))
    return [(document, turn) for document, turn in pairs if (document, turn) not in listed]


def _turn_listing(pairs: Iterable[tuple[str, int]]) -> str:
    """`d1 turns 7-9, 12; d2 turn 4`: (document, turn) pairs, by document, runs joined."""
    by_document: dict[str, list[int]] = {}
    for document, turn in pairs:
        by_document.setdefault(document, []).append(turn)
    parts = [f"{document} {'turn' if len(turns) == 1 else 'turns'} {', '.join(_runs(sorted(turns)))}"
             for document, turns in by_document.items()]
    return _listing(parts, 5, separator="; ")


def _runs(numbers: list[int]) -> list[str]:
    """Sorted distinct numbers as runs: [7, 8, 9, 12] -> ["7-9", "12"]."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [str(first) if first == last else f"{first}-{last}" for first, last in runs]


def _misplaced(predictions: pd.DataFrame, units: pd.DataFrame) -> int:
    """How many codings' passages are not in the text of the gold turn they name. Turn
    numbers are only comparable when the coder read the same turns as the gold was made
    from; a passage found elsewhere says they were not, which the scores cannot show."""
    if "text" not in predictions:
        return 0
    turns = {(d, t): " ".join(str(x).split()) for d, t, x in zip(units["document"], units["turn"], units["text"])
             if isinstance(x, str) and x.strip()}
    misplaced = 0
    for document, turn, passage in zip(predictions["document"], predictions["turn"], predictions["text"]):
        text = turns.get((document, int(turn)))
        if text is not None and isinstance(passage, str) and " ".join(passage.split()) not in text:
            misplaced += 1
    return misplaced


#: Resamples behind the 95% intervals, drawn with a fixed seed so that a report repeats.
_RESAMPLES = 2000


def _intervals(counts: np.ndarray, resamples: int = _RESAMPLES, seed: int = 0):
    """95% percentile-bootstrap intervals of each code's kappa (lows, highs) and of the
    macro F1 and kappa ({"f1": (low, high), "kappa": ...}), from `counts` (codes x
    documents x tp, fp, fn, tn). Whole documents are resampled, not units: the turns of
    one interview share a speaker, a case and a way of talking, and resampling them as if
    independent would make the intervals too narrow. NaN with fewer than two documents."""
    codes, documents = counts.shape[:2]
    kappas, f1s = np.full((resamples, codes), np.nan), np.full((resamples, codes), np.nan)
    if documents >= 2:
        draws = np.random.default_rng(seed).integers(0, documents, size=(resamples, documents))
        for r, draw in enumerate(draws):
            for c, (tp, fp, fn, tn) in enumerate(counts[:, draw].sum(axis=1).tolist()):
                kappas[r, c] = cohen_kappa(tp, fp, fn, tn)
                f1s[r, c] = _ratio(2 * tp, 2 * tp + fp + fn)
    with warnings.catch_warnings():  # a code undefined in every resample has no interval: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        lows, highs = np.nanpercentile(kappas, [2.5, 97.5], axis=0)
        macro = {name: tuple(float(x) for x in np.nanpercentile(np.nanmean(values, axis=1), [2.5, 97.5]))
                 for name, values in (("f1", f1s), ("kappa", kappas))}
    return lows, highs, macro


def _predicted(preds: pd.DataFrame, unit: str):
    """A test `(document, code, turn, start, end) -> bool` built once over all codings."""
    if unit == "turn":
        positive = set(zip(preds["document"], preds["code"], preds["turn"].astype(int)))
        return lambda doc, code, turn, start, end: (doc, code, turn) in positive

    # Per (document, code): coding starts sorted, and the running maximum of their ends.
    # A unit [s, e) overlaps some coding iff, among codings starting before e, the
    # furthest-reaching one ends after s: one bisect per unit instead of a scan.
    spans: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    for (doc, code), group in preds.groupby(["document", "code"], sort=False):
        pairs = sorted(zip(group["start"].astype(int), group["end"].astype(int)))
        ends, reach = [], -1
        for _, e in pairs:
            reach = max(reach, e)
            ends.append(reach)
        spans[(doc, code)] = ([s for s, _ in pairs], ends)

    def overlaps(doc, code, turn, start, end) -> bool:
        if (doc, code) not in spans:
            return False
        starts, reach = spans[(doc, code)]
        i = bisect.bisect_left(starts, end)  # codings with start < end
        return i > 0 and reach[i - 1] > start

    return overlaps


def _row(code: str, tp: int, fp: int, fn: int, tn: int) -> dict:
    return {
        "code": code, "n_units": tp + fp + fn + tn, "gold_positive": tp + fn,
        "predicted_positive": tp + fp, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn), "kappa": cohen_kappa(tp, fp, fn, tn),
    }


def _ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, NaN (undefined, not zero) when the denominator is 0."""
    return numerator / denominator if denominator else math.nan


def _mean(values: pd.Series) -> float:
    """Mean over the codes where the metric is defined; NaN if it is defined for none."""
    defined = values.dropna()
    return float(defined.mean()) if len(defined) else math.nan



def _interval(low: float, high: float) -> str:
    return f"{'-':>14}" if pd.isna(low) or pd.isna(high) else f"{f'[{low:.2f}, {high:.2f}]':>14}"


def _cell(value: float) -> str:
    return f"{'-':>6}" if pd.isna(value) else f"{value:6.3f}"
