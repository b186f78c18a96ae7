"""The coded table: one tidy row per coding, the one shape every writer and chart consumes.

Joining codings with their passage text, turn, speaker, code path and document attributes
happens here once, so exports and charts never re-derive (and never disagree about) them.
Column names and order are public API (see docs/coded-table.md); add columns, never rename.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Iterable

import numpy as np
import pandas as pd

from qda.codebook import Codebook
from qda.corpus import Coding, Corpus

#: The fixed columns, in order. Attribute columns follow `memo`.
COLUMNS: tuple[str, ...] = (
    "document",
    "document_name",
    "turn",
    "speaker",
    "start",
    "end",
    "text",
    "code",
    "code_name",
    "code_path",
    "source",
    "coder",
    "confidence",
    "evidence",
    "status",
    "memo",
    "coding_id",
    "reviewer",
)

# Nullable dtypes that mean the same in pandas 2 and 3 (missing is always pd.NA), so a
# table round-trips through Parquet unchanged and "no speaker" is not the string "nan".
_DTYPES: dict[str, str] = {
    "document": "string",
    "document_name": "string",
    "turn": "Int64",
    "speaker": "string",
    "start": "int64",
    "end": "int64",
    "text": "string",
    "code": "string",
    "code_name": "string",
    "code_path": "string",
    "source": "string",
    "coder": "string",
    "confidence": "float64",
    "evidence": "string",
    "status": "string",
    "memo": "string",
    "coding_id": "Int64",
    "reviewer": "string",
}

ATTRIBUTE_PREFIX = "attribute_"

#: The `Coding` fields, in order: the columns a frame of codings has.
CODING_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Coding))


def attribute_columns(corpus: Corpus) -> dict[str, str]:
    """Map each document attribute name to its column name, in order of first appearance.

    A name that clashes with a fixed column (or with an earlier renamed one) is prefixed
    with `attribute_` until unique, so an attribute called `text` can never shadow the
    passage text.
    """
    mapping: dict[str, str] = {}
    used = set(COLUMNS)
    for doc in corpus:
        for key in doc.attributes:
            if key in mapping:
                continue
            column = str(key)
            while column in used:
                column = ATTRIBUTE_PREFIX + column
            mapping[key] = column
            used.add(column)
    return mapping


def coded_table(corpus: Corpus, codings: Iterable[Coding] | pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per coding joined with passage, turn, speaker, code path and attributes.

    `codings` are `Coding`s, or a frame with the `Coding` field names as columns (what a
    project's store returns, without making an object per coding).

    Rows are sorted by the document's position in the corpus, then `start`, then `code`
    (stable, so equal keys keep their input order). A coding that names an unknown
    document or code, or whose offsets fall outside its document, raises ValueError:
    codings come from qda itself, so that is a bug, not a user error.

    Built column by column (joins as array lookups, not per-row dicts) because a project
    table for one code can hold tens of thousands of codings and is rebuilt on every view.
    """
    order = {doc.id: i for i, doc in enumerate(corpus)}
    attributes = attribute_columns(corpus)
    if isinstance(codings, pd.DataFrame):
        frame = codings[list(CODING_FIELDS)]
    else:
        frame = pd.DataFrame.from_records([tuple(getattr(c, f) for f in CODING_FIELDS) for c in codings],
                                          columns=CODING_FIELDS)
    _check(frame, corpus, order, codebook)
    # Plain object arrays and list lookups from here: pandas' string columns iterate and
    # map slowly, and the table is converted to its public dtypes once, at the end.
    column = {name: frame[name].to_numpy(dtype=object) for name in CODING_FIELDS}
    starts = frame["start"].to_numpy(dtype="int64")
    position = np.fromiter((order[d] for d in column["document"]), dtype="int64", count=len(frame))
    rows = np.lexsort((column["code"], starts, position))
    column = {name: values[rows] for name, values in column.items()}
    docs, codes = column["document"], column["code"]

    turns, speakers = _turns(corpus, docs, starts[rows])
    position = position[rows]  # per-document columns are then one array lookup each

    def per_document(values: list) -> np.ndarray:
        return np.array(values, dtype=object)[position]

    texts = {doc.id: doc.text for doc in corpus}
    code_names = {c: code.name for c, code in codebook.codes.items()}
    code_paths = {c: codebook.code_path(c) for c in codebook.codes}
    out = {
        "document": docs,
        "document_name": per_document([doc.name for doc in corpus]),
        "turn": turns,
        "speaker": speakers,
        "start": column["start"],
        "end": column["end"],
        "text": [texts[d][a:b] for d, a, b in zip(docs, column["start"], column["end"])],
        "code": codes,
        "code_name": [code_names[c] for c in codes],
        "code_path": [code_paths[c] for c in codes],
        "source": column["source"],
        "coder": column["coder"],
        "confidence": column["confidence"],
        "evidence": column["evidence"],
        "status": column["status"],
        "memo": column["memo"],
        "coding_id": [pd.NA if i is None else i for i in column["id"]],
        "reviewer": [r or None for r in column["reviewer"]],
    }
    for name, attribute_column in attributes.items():
        out[attribute_column] = per_document(
            [None if doc.attributes.get(name) is None else str(doc.attributes[name]) for doc in corpus])
    # Each column converted to its public dtype exactly once (letting pandas infer string
    # columns first would convert each of them twice).
    dtypes = dict(_DTYPES)
    dtypes.update({name: "string" for name in attributes.values()})
    return pd.DataFrame({name: pd.array(values, dtype=dtypes[name]) for name, values in out.items()},
                        columns=list(COLUMNS) + list(attributes.values()))


def _check(frame: pd.DataFrame, corpus: Corpus, order: dict[str, int], codebook: Codebook) -> None:
    unknown = ~frame["document"].isin(list(order))
    if unknown.any():
        raise ValueError(f"coding names unknown document {frame['document'][unknown].iloc[0]!r}")
    unknown = ~frame["code"].isin(list(codebook.codes))
    if unknown.any():
        raise ValueError(f"coding names unknown code {frame['code'][unknown].iloc[0]!r}")
    length = frame["document"].map({doc.id: len(doc.text) for doc in corpus})
    bad = (frame["start"] < 0) | (frame["start"] > frame["end"]) | (frame["end"] > length)
    if bad.any():
        row = frame[bad].iloc[0]
        raise ValueError(
            f"coding {row.code!r} in {row.document!r} has offsets {row.start}..{row.end} "
            f"outside the document (length {length[bad].iloc[0]})"
        )


def _turns(corpus: Corpus, docs: np.ndarray, starts: np.ndarray) -> tuple[pd.arrays.IntegerArray, np.ndarray]:
    """The turn index and speaker holding each coding's start (NA on a speaker label)."""
    turn = np.full(len(docs), -1, dtype="int64")
    speaker = np.full(len(docs), None, dtype=object)
    for doc_id, rows in pd.Series(docs, dtype=object).groupby(docs, sort=False).indices.items():
        doc = corpus[doc_id]
        if not doc.turns:
            continue
        turn_starts = np.array([t.start for t in doc.turns])
        turn_ends = np.array([t.end for t in doc.turns])
        offsets = starts[rows]
        i = np.searchsorted(turn_starts, offsets, side="right") - 1
        inside = (i >= 0) & (offsets < turn_ends[np.clip(i, 0, None)])
        turn[rows[inside]] = [doc.turns[k].index for k in i[inside]]
        speaker[rows[inside]] = [doc.turns[k].speaker for k in i[inside]]
    return pd.arrays.IntegerArray(turn, mask=turn < 0), speaker


def filter_table(table: pd.DataFrame, *, codes=None, statuses=None, coders=None, sources=None, speakers=None,
                 documents=None, attribute: tuple[str, Iterable[str]] | None = None,
                 search: str = "") -> pd.DataFrame:
    """The rows of a coded table that pass every filter given (None or empty: no filter).

    `coders` matches who made or who reviewed a coding, and `machine` stands for every qda
    coder, as `Project.codings` does; `attribute` is (column, values); `search` finds text
    in the passage, case-insensitively. The same filters the app's Review page offers."""
    keep = pd.Series(True, index=table.index)
    for column, wanted in (("code", codes), ("status", statuses), ("source", sources), ("speaker", speakers),
                           ("document", documents)):
        if wanted:
            keep &= table[column].isin(list(wanted)).fillna(False)
    if coders:
        names = set(coders)
        made = table["coder"].isin(names) | table["reviewer"].isin(names)
        if "machine" in names:
            made |= table["coder"].str.startswith("qda:")
        keep &= made.fillna(False)
    if attribute and attribute[0] in table.columns and list(attribute[1]):
        keep &= table[attribute[0]].isin(list(attribute[1])).fillna(False)
    if search.strip():
        keep &= table["text"].str.contains(search.strip(), case=False, regex=False).fillna(False)
    return table[keep]
