"""Documents and turns in the store: import (deduplicated by content) and loading a Corpus."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from sqlalchemy import Connection, func, insert, select

from qda.corpus import Corpus, Document, Turn
from qda.errors import QdaError
from qda.store import schema
from qda.store.log import append, now


@dataclass
class ImportReport:
    """What an import did: documents added, and files skipped as already present."""

    added: list[str] = field(default_factory=list)
    # (document id as read, id of the document in the project with the same text)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    # (document id as read, the id it was stored under), when asked to rename on a clash
    renamed: list[tuple[str, str]] = field(default_factory=list)

    def ids(self) -> dict[str, str]:
        """Each document id as read -> its id in the project."""
        return {**{doc: doc for doc in self.added}, **dict(self.duplicates), **dict(self.renamed)}


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_corpus(connection: Connection, corpus: Corpus, coder_id: int, rename: bool = False) -> ImportReport:
    """Add the corpus's new documents in the caller's transaction; all or nothing.

    A document whose text is already in the project (under any name) is skipped, not
    duplicated. A new text under an id the project already uses is refused before
    anything is written (silently renaming a transcript file would split one participant
    in two), unless `rename`: documents from another tool's project have ids qda made up
    from their names, and get `-2`, `-3`... instead.
    """
    known = dict(connection.execute(select(schema.documents.c.content_hash, schema.documents.c.id)).all())
    taken = set(known.values())
    report = ImportReport()
    new: list[tuple[Document, str]] = []
    for doc in corpus:
        digest = content_hash(doc.text)
        if digest in known:
            report.duplicates.append((doc.id, known[digest]))
            continue
        if doc.id in taken and rename:
            given, n = doc.id, 2
            while f"{given}-{n}" in taken:
                n += 1
            doc = replace(doc, id=f"{given}-{n}")
            report.renamed.append((given, doc.id))
        if doc.id in taken:
            raise QdaError(
                f"{doc.path or doc.id}: the project already has a different document with id "
                f"{doc.id!r}; rename the file (ids come from file names) and import again"
            )
        known[digest] = doc.id
        taken.add(doc.id)
        new.append((doc, digest))

    position = connection.execute(select(func.coalesce(func.max(schema.documents.c.position), -1))).scalar_one()
    stamp = now()
    for doc, digest in new:
        position += 1
        connection.execute(insert(schema.documents), [{
            "id": doc.id, "name": doc.name, "text": doc.text, "content_hash": digest,
            "attributes": dict(doc.attributes), "path": doc.path, "position": position,
            "imported_at": stamp,
        }])
        if doc.turns:
            connection.execute(insert(schema.turns), [
                {"document_id": doc.id, "index": t.index, "speaker": t.speaker, "start": t.start,
                 "end": t.end, "time": t.time, "end_time": t.end_time}
                for t in doc.turns
            ])
        # No path or text in the append-only log: both may name people (see memos.py).
        append(connection, coder_id, "import", after={"document": doc.id, "content_hash": digest})
        report.added.append(doc.id)
    return report


def load_corpus(connection: Connection, ids: list[str] | None = None) -> Corpus:
    """The project's documents (or those named) with turns, in import order."""
    d = schema.documents
    query = select(d.c.id, d.c.name, d.c.text, d.c.attributes, d.c.path).order_by(d.c.position)
    if ids is not None:
        query = query.where(d.c.id.in_(ids))
    documents = [Document(id=r.id, name=r.name, text=r.text, attributes=dict(r.attributes), path=r.path)
                 for r in connection.execute(query)]
    by_id = {doc.id: doc for doc in documents}
    t = schema.turns
    turn_query = select(t).order_by(t.c.document_id, t.c.index)
    if ids is not None:
        turn_query = turn_query.where(t.c.document_id.in_(ids))
    for r in connection.execute(turn_query):
        by_id[r.document_id].turns.append(Turn(r.index, r.speaker, r.start, r.end, r.time, r.end_time))
    return Corpus(documents)
