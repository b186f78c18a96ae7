"""The coded table: one tidy row per coding, the one shape every writer and chart consumes.

Joining codings with their passage text, turn, speaker, code path and document attributes
happens here once, so exports and charts never re-derive (and never disagree about) them.
Column names and order are public API (see docs/coded-table.md); add columns, never rename.
"""

from __future__ import annotations

import bisect
from typing import Iterable

import pandas as pd

from qda.codebook import Codebook
from qda.corpus import Coding, Corpus, Document

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
    """
    order = {doc.id: i for i, doc in enumerate(corpus)}
    attributes = attribute_columns(corpus)
    turn_starts: dict[str, list[int]] = {}

    def key(coding: Coding) -> tuple[int, int, str]:
        if coding.document not in order:
            raise ValueError(f"coding names unknown document {coding.document!r}")
        return (order[coding.document], coding.start, coding.code)

    rows = []
    for coding in sorted(codings, key=key):
        doc = corpus[coding.document]
        if coding.code not in codebook.codes:
            raise ValueError(f"coding names unknown code {coding.code!r}")
        if not 0 <= coding.start <= coding.end <= len(doc.text):
            raise ValueError(
                f"coding {coding.code!r} in {doc.id!r} has offsets {coding.start}..{coding.end} "
                f"outside the document (length {len(doc.text)})"
            )
        if doc.id not in turn_starts:
            turn_starts[doc.id] = [t.start for t in doc.turns]
        turn = _turn_at(doc, turn_starts[doc.id], coding.start)
        row = {
            "document": doc.id,
            "document_name": doc.name,
            "turn": pd.NA if turn is None else turn.index,
            "speaker": pd.NA if turn is None or turn.speaker is None else turn.speaker,
            "start": coding.start,
            "end": coding.end,
            "text": doc.text[coding.start : coding.end],
            "code": coding.code,
            "code_name": codebook.codes[coding.code].name,
            "code_path": codebook.code_path(coding.code),
            "source": coding.source,
            "coder": coding.coder,
            "confidence": coding.confidence,
            "evidence": coding.evidence,
            "status": coding.status,
            "memo": coding.memo,
            "coding_id": pd.NA if coding.id is None else coding.id,
            "reviewer": coding.reviewer or pd.NA,
        }
        for name, column in attributes.items():
            value = doc.attributes.get(name)
            row[column] = pd.NA if value is None else str(value)
        rows.append(row)

    columns = list(COLUMNS) + list(attributes.values())
    frame = pd.DataFrame(rows, columns=columns)
    dtypes = dict(_DTYPES)
    dtypes.update({column: "string" for column in attributes.values()})
    return frame.astype(dtypes)


def _turn_at(doc: Document, starts: list[int], offset: int):
    """`Document.turn_at` with the turn starts computed once per document, not per coding."""
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and doc.turns[i].start <= offset < doc.turns[i].end:
        return doc.turns[i]
    return None
