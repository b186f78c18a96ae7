"""Counts over the coded table, named as verbs in the quanteda style.

Every function takes the coded table (see `qda.table`) and counts the rows it is given:
filtering (e.g. dropping `rejected` codings) is the caller's choice, so a sheet of counts
always agrees with the sheet of codings it sits next to.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from qda.table import COLUMNS

#: Column label for codings whose document lacks the attribute counted by.
MISSING = "(missing)"
#: Column labels for values literally called "total" or "(missing)", which would clash
#: with the sums and with the missing values.
TOTAL_VALUE = "total (value)"
MISSING_VALUE = "(missing) (value)"


def attribute_names(table: pd.DataFrame) -> list[str]:
    """The attribute columns of a coded table: every column after the fixed ones."""
    columns = list(table.columns)
    if tuple(columns[: len(COLUMNS)]) != COLUMNS:
        raise ValueError("not a coded table: its first columns are not qda.table.COLUMNS")
    return columns[len(COLUMNS) :]


def code_document_matrix(
    table: pd.DataFrame,
    documents: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Codings per code (rows) and document (columns).

    `documents` and `codes` give the full index in the order wanted (e.g. corpus order and
    codebook order), so uncoded documents and unused codes show as zeros. Ids found in the
    table but missing from them are appended (documents in table order, codes sorted)
    rather than dropped, so no coding is lost. Without them: documents in table order
    (which is corpus order), codes sorted by id.
    """
    counts = table.groupby([table["code"].astype(object), table["document"].astype(object)], sort=False).size()
    return matrix_from_counts(counts.rename("n").reset_index(), documents=documents, codes=codes)


def matrix_from_counts(
    counts: pd.DataFrame,
    documents: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The code x document matrix from counts already made (columns code, document, n,
    in table order), e.g. by a database; indexes as `code_document_matrix`."""
    rows = axis(codes, counts["code"], sort=True)
    cols = axis(documents, counts["document"], sort=False)
    pivot = counts.pivot_table(index="code", columns="document", values="n", aggfunc="sum", fill_value=0)
    matrix = pivot.reindex(index=rows, columns=cols, fill_value=0).astype("int64")
    matrix.index.name = "code"
    matrix.columns.name = "document"
    return matrix


def code_frequencies(
    table: pd.DataFrame, by: str, *, codes: Iterable[str] | None = None
) -> pd.DataFrame:
    """Codings per code (rows) and value of column `by` (columns), plus a `total` column.

    `by` is normally an attribute (role, team, site) but any column works (speaker,
    source, status). Codings whose value is missing are counted under `(missing)`, so
    `total` is always the row sum (a value literally called `total` is labelled
    `total (value)`, one called `(missing)` `(missing) (value)`). Values are sorted; `codes` works as in
    `code_document_matrix`.
    """
    if by not in table.columns:
        known = ", ".join(attribute_names(table)) or "none"
        raise ValueError(f"no column {by!r} in the coded table (attributes: {known})")
    values = table[by].astype(object).replace(MISSING, MISSING_VALUE)
    values = values.where(table[by].notna(), MISSING).astype(str)
    counts = pd.crosstab(table["code"].astype(object), values)
    present = sorted(v for v in values.unique() if v != MISSING)
    if (values == MISSING).any():
        present.append(MISSING)
    rows = axis(codes, table["code"], sort=True)
    freq = counts.reindex(index=rows, columns=present, fill_value=0).astype("int64")
    total = freq.sum(axis=1).astype("int64")
    # A real value called "total" must not be overwritten by the row sum.
    freq = freq.rename(columns={"total": TOTAL_VALUE})
    freq["total"] = total
    freq.index.name = "code"
    freq.columns.name = by
    return freq


def axis(given: Iterable[str] | None, found: pd.Series, *, sort: bool) -> list[str]:
    """The given ids in order, then ids found in the data but not given."""
    seen = pd.unique(found.dropna().astype(str).to_numpy(dtype=object)).tolist()
    index = [] if given is None else list(dict.fromkeys(given))
    known = set(index)
    extra = [v for v in seen if v not in known]
    return index + (sorted(extra) if sort else extra)

