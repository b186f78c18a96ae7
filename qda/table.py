"""The coded table: one tidy row per coding, the one shape every writer and chart consumes.

Joining codings with their passage text, turn, speaker, code path and document attributes
happens here once, so exports and charts never re-derive (and never disagree about) them.
Column names and order are public API (see docs/coded-table.md); add columns, never rename.
"""

from __future__ import annotations

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


def coded_table(corpus: Corpus, codings: Iterable[Coding], codebook: Codebook) -> pd.DataFrame:
    """One row per coding joined with passage, turn, speaker, code path and attributes.

    Rows are sorted by the document's position in the corpus, then `start`, then `code`
    (stable, so equal keys keep their input order). A coding that names an unknown
    document or code, or whose offsets fall outside its document, raises ValueError:
    codings come from qda itself, so that is a bug, not a user error.

    Built column by column (joins as array lookups, not per-row dicts) because a project
    table for one code can hold tens of thousands of codings and is rebuilt on every view.
    """
    order = {doc.id: i for i, doc in enumerate(corpus)}
    attributes = attribute_columns(corpus)
    fields = ("document", "start", "end", "code", "source", "coder", "confidence", "evidence",
              "status", "memo", "id", "reviewer")
    frame = pd.DataFrame.from_records(
        [tuple(getattr(c, f) for f in fields) for c in codings], columns=fields
    )
    _check(frame, corpus, order, codebook)
    position = frame["document"].map(order).to_numpy(dtype="int64")
    frame = frame.iloc[np.lexsort((frame["code"].to_numpy(dtype=object), frame["start"].to_numpy(), position))]
    frame = frame.reset_index(drop=True)

    turns, speakers = _turns(corpus, frame)
    docs = frame["document"]
    out = {
        "document": docs,
        "document_name": docs.map({doc.id: doc.name for doc in corpus}),
        "turn": turns,
        "speaker": speakers,
        "start": frame["start"],
        "end": frame["end"],
        "text": [corpus[d].text[a:b] for d, a, b in zip(docs, frame["start"], frame["end"])],
        "code": frame["code"],
        "code_name": frame["code"].map({c: code.name for c, code in codebook.codes.items()}),
        "code_path": frame["code"].map({c: codebook.code_path(c) for c in codebook.codes}),
        "source": frame["source"],
        "coder": frame["coder"],
        "confidence": frame["confidence"],
        "evidence": frame["evidence"],
        "status": frame["status"],
        "memo": frame["memo"],
        "coding_id": frame["id"],
        "reviewer": frame["reviewer"].where(frame["reviewer"] != ""),
    }
    for name, column in attributes.items():
        values = {doc.id: str(doc.attributes[name]) for doc in corpus if doc.attributes.get(name) is not None}
        out[column] = docs.map(values)
    table = pd.DataFrame(out, columns=list(COLUMNS) + list(attributes.values()))
    dtypes = dict(_DTYPES)
    dtypes.update({column: "string" for column in attributes.values()})
    return table.astype(dtypes)


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


def _turns(corpus: Corpus, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The turn index and speaker holding each coding's start (NA on a speaker label)."""
    turn = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    speaker = pd.Series(pd.NA, index=frame.index, dtype="string")
    for doc_id, rows in frame.groupby("document", sort=False).groups.items():
        doc = corpus[doc_id]
        if not doc.turns:
            continue
        starts = np.array([t.start for t in doc.turns])
        ends = np.array([t.end for t in doc.turns])
        offsets = frame.loc[rows, "start"].to_numpy()
        i = np.searchsorted(starts, offsets, side="right") - 1
        inside = (i >= 0) & (offsets < ends[np.clip(i, 0, None)]) & (offsets >= starts[np.clip(i, 0, None)])
        hit = rows[inside]
        chosen = [doc.turns[k] for k in i[inside]]
        turn.loc[hit] = [t.index for t in chosen]
        speaker.loc[hit] = [pd.NA if t.speaker is None else t.speaker for t in chosen]
    return turn, speaker
