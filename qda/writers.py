"""Write the coded table as CSV, XLSX or Parquet, atomically and safe to open in a spreadsheet.

Two promises hold for every format (see docs/coded-table.md):

* Nothing is half-written: the file is written to a temp file beside the target and
  renamed over it with `os.replace`, so a crash or error leaves the previous file intact.
* Spreadsheet outputs (CSV, XLSX) cannot run formulas smuggled in through transcript
  text: a string cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
  (OWASP CSV-injection advice). Parquet is data for programs, so it keeps values raw.
"""

from __future__ import annotations

import contextlib
import datetime
import numbers
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from qda.analysis import attribute_names, code_document_matrix, code_frequencies
from qda.errors import OutputError

SUPPORTED = (".csv", ".xlsx", ".parquet")
#: Whole projects for other QDA tools (REFI-QDA), beside the coded-table formats.
EXCHANGE = (".qdpx",)

#: Leading characters a spreadsheet may treat as the start of a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: CSV is UTF-8 with a BOM: without it Excel decodes the file in the local code page
#: and mangles non-ASCII names and quotes. Python's "utf-8-sig" and pandas read it back.
CSV_ENCODING = "utf-8-sig"
#: RFC 4180 record separator; line breaks inside a passage stay inside quoted fields.
CSV_LINE_END = "\r\n"

EXCEL_CELL_LIMIT = 32_767  # characters; Excel refuses files with longer cells
EXCEL_SHEET_LIMIT = 31  # characters in a sheet name
EXCEL_ROW_LIMIT = 1_048_576  # rows in a sheet, the header's included
EXCEL_COLUMN_LIMIT = 16_384  # columns in a sheet
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# Control characters the XLSX (XML) format cannot hold; same set openpyxl rejects.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def write_table(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    documents: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
) -> Path:
    """Write `table` to `path`, choosing the format from the extension; return the path.

    `documents` and `codes` (ids in corpus and codebook order) give the XLSX summary
    sheets their full index, so uncoded documents and unused codes appear as zeros;
    CSV and Parquet hold only the table and ignore them.
    """
    target = check_target(path)
    documents = None if documents is None else list(documents)
    codes = None if codes is None else list(codes)
    write = _WRITERS[target.suffix.lower()]
    atomic_write(target, lambda tmp: write(table, tmp, documents, codes))
    return target


def write_coded(path: str | os.PathLike[str], corpus, codings, codebook, memos=()) -> Path:
    """Codings of a corpus as the coded table (.csv .xlsx .parquet) or as a REFI-QDA
    project (.qdpx, with `memos`), by the extension."""
    target = check_target(path, exchange=True, sources=corpus)
    if target.suffix.lower() in EXCHANGE:
        from qda.refi.project import write_qdpx

        return write_qdpx(target, target.stem, corpus, list(codings), codebook, memos)
    from qda.table import coded_table

    return write_table(coded_table(corpus, codings, codebook), target, documents=[d.id for d in corpus],
                       codes=list(codebook.codes))


def check_target(path: str | os.PathLike[str], exchange: bool = False, sources=()) -> Path:
    """Fail early, before hours of coding, if `path` cannot take a coded table (or, with
    `exchange`, a .qdpx project), or is one of the `sources` (documents read: writing
    there would replace a transcript with its coding)."""
    target = Path(path)
    resolved = target.resolve()
    if any(doc.path and Path(doc.path).resolve() == resolved for doc in sources):
        raise OutputError(
            f"{target}: is one of the transcripts being coded; writing the coded table there "
            "would replace it, so choose another output file"
        )
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give the output a file name in it, such as {target / 'coded.csv'}")
    suffix = target.suffix.lower()
    formats = SUPPORTED + EXCHANGE if exchange else SUPPORTED
    if suffix not in formats:
        raise OutputError(
            f"{target}: unknown output format {suffix or '(no extension)'!r}; "
            f"use one of {', '.join(formats)}"
        )
    if not target.parent.is_dir():
        what = "is a file, not a folder" if target.parent.exists() else "does not exist"
        raise OutputError(f"{target}: directory {target.parent} {what}; create it or choose another place")
    return target


def neutralise(value: Any) -> Any:
    """Prefix `'` to a string a spreadsheet could read as a formula; leave the rest alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """`name` made a legal, unique Excel sheet name.

    Excel allows at most 31 characters, none of `[ ] : * ? / \\`, no leading or
    trailing apostrophe, compares names case-insensitively and reserves `History`.
    """
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'")[:EXCEL_SHEET_LIMIT].strip("'") or "sheet"
    used = {t.casefold() for t in taken} | {"history"}
    candidate, n = base, 2
    while candidate.casefold() in used:
        suffix = f"_{n}"
        candidate = base[: EXCEL_SHEET_LIMIT - len(suffix)].rstrip("'") + suffix
        n += 1
    return candidate


# -- formats ------------------------------------------------------------------------------


def _write_csv(table: pd.DataFrame, tmp: Path, documents, codes) -> None:
    safe = table.rename(columns=lambda c: neutralise(str(c)))
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):  # numbers stay numbers
            safe[column] = safe[column].map(neutralise, na_action="ignore")
    safe.to_csv(tmp, index=False, encoding=CSV_ENCODING, lineterminator=CSV_LINE_END)


def _write_parquet(table: pd.DataFrame, tmp: Path, documents, codes) -> None:
    table.to_parquet(tmp, engine="pyarrow", index=False)


def _write_xlsx(table: pd.DataFrame, tmp: Path, documents, codes) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    # An archive's codings may outgrow a sheet: they go on over codings_2, codings_3...
    per_sheet = EXCEL_ROW_LIMIT - 1
    sheets: list[tuple[str, pd.DataFrame, str]] = [
        ("codings", table.iloc[i:i + per_sheet], "A2") for i in range(0, max(len(table), 1), per_sheet)
    ]
    # Codes down, and across what they are counted by, which names the first column when
    # there are more of those than a sheet has columns (an archive's documents): codes across.
    summaries = [("code_x_document", code_document_matrix(table, documents, codes).rename_axis(columns="document"))]
    for attribute in attribute_names(table):
        frequencies = code_frequencies(table, attribute, codes=codes)
        summaries.append((f"by_{attribute}", frequencies.rename_axis(columns=attribute)))
    for name, summary in summaries:
        if len(summary.columns) >= EXCEL_COLUMN_LIMIT:
            summary = summary.T
        sheets.append((name, summary.reset_index(), "B2"))

    taken: list[str] = []
    for i, (name, frame, freeze) in enumerate(sheets):
        title = sheet_name(name, taken)
        taken.append(title)
        ws = workbook.active if i == 0 else workbook.create_sheet()
        ws.title = title
        _fill_sheet(ws, frame, freeze, autofilter=(i == 0))
    workbook.save(tmp)


def _fill_sheet(ws, frame: pd.DataFrame, freeze: str, *, autofilter: bool) -> None:
    """Header in bold and frozen, one row per record, widths fitted to the content."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header = [_excel_value(str(c)) for c in frame.columns]
    ws.append(header)
    widths = [len(h) for h in header]
    for record in frame.itertuples(index=False, name=None):
        row = [_excel_value(v) for v in record]
        ws.append(row)
        for j, value in enumerate(row):
            if value is not None:
                widths[j] = max(widths[j], len(str(value)))
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    for j, width in enumerate(widths, start=1):
        fitted = min(_MAX_WIDTH, max(_MIN_WIDTH, width + 2))
        ws.column_dimensions[get_column_letter(j)].width = fitted
    ws.freeze_panes = freeze
    if autofilter and len(header):
        ws.auto_filter.ref = ws.dimensions


def _excel_value(value: Any) -> Any:
    """A cell value openpyxl stores faithfully: numbers as numbers, NA as empty, safe text."""
    if value is None or pd.isna(value) is True:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, pd.Timestamp) and value.tzinfo is None:
        return value.to_pydatetime()
    if isinstance(value, (datetime.date, datetime.time)) and getattr(value, "tzinfo", None) is None:
        return value
    text = value if isinstance(value, str) else str(value)
    return neutralise(_XML_ILLEGAL.sub("", text))[:EXCEL_CELL_LIMIT]


_WRITERS: dict[str, Callable[[pd.DataFrame, Path, Any, Any], None]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".parquet": _write_parquet,
}


# -- atomic replace -----------------------------------------------------------------------


def atomic_write(target: Path, write: Callable[[Path], None], private: bool = False) -> None:
    """Run `write` on a temp file beside `target`, then rename it over `target`.

    The temp file lives in the target's directory so `os.replace` is a same-filesystem
    rename (atomic); it is removed on any failure, so the previous output survives.
    `private` files (a pseudonym key) are readable by their owner only.
    """
    parent = target.parent  # exists: check_target ran first
    if target.is_dir():
        raise OutputError(f"{target} is a directory; give a file name")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {parent}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:  # on disk before the rename, not only in cache
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600 if private else _mode_for(target))
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 & ~umask
    (mkstemp's 0600 would make shared exports unreadable to the team)."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(os.stat(target).st_mode)
    return 0o666 & ~_umask()


def _umask() -> int:
    try:  # Linux: read it without the set-and-restore race of os.umask
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
