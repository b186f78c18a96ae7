"""Rewriting stored documents in place (pseudonymisation): text, attributes, speakers,
turn and coding offsets, evidence and memos, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, bindparam, select, update

from qda.store import schema
from qda.store.documents import content_hash
from qda.store.log import append


def rewrite_document(connection: Connection, rewrite, coder_id: int) -> None:
    """Apply a `qda.pseudonymise.corpus.Rewrite` to one document and everything anchored in it."""
    d, t, c = schema.documents, schema.turns, schema.codings
    connection.execute(update(d).where(d.c.id == rewrite.document).values(
        text=rewrite.text, attributes=rewrite.attributes, content_hash=content_hash(rewrite.text), path=None))
    move = rewrite.move
    turns = [{"i": index, "s": move(start), "e": move(end, True), "who": rewrite.speakers.get(index)}
             for index, start, end in connection.execute(
                 select(t.c.index, t.c.start, t.c.end).where(t.c.document_id == rewrite.document))]
    if turns:
        connection.execute(update(t).where(t.c.document_id == rewrite.document, t.c.index == bindparam("i"))
                           .values(start=bindparam("s"), end=bindparam("e"), speaker=bindparam("who")), turns)
    moved = [{"i": id_, "s": move(start), "e": move(end, True)} for id_, start, end in connection.execute(
        select(c.c.id, c.c.start, c.c.end).where(c.c.document_id == rewrite.document))]
    if moved:
        connection.execute(update(c).where(c.c.id == bindparam("i")).values(start=bindparam("s"), end=bindparam("e")),
                           moved)
    append(connection, coder_id, "pseudonymise", after={"document": rewrite.document,
                                                        "replacements": rewrite.replacements})


def rewrite_notes(connection: Connection, replace: Callable[[str], str]) -> None:
    """Identifiers in codings' evidence and in memos replaced too."""
    for table, column in ((schema.codings, schema.codings.c.evidence), (schema.memos, schema.memos.c.text)):
        for id_, text in connection.execute(select(table.c.id, column).where(column != "")).all():
            new = replace(text)
            if new != text:
                connection.execute(update(table).where(table.c.id == id_).values({column.name: new}))
