"""The project's codebook in the store: codes with hierarchy and rules, as loaded.

Each load adds a codebook version; the newest is the project's codebook. Older versions
stay so a coding can always be read against the codebook it was made with.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, func, insert, select

from qda import patterns
from qda.codebook import Code, Codebook, Rule
from qda.store import schema
from qda.store.log import now


def save_codebook(connection: Connection, book: Codebook) -> int:
    source = None
    if book.path and Path(book.path).is_file():
        source = Path(book.path).read_text(encoding="utf-8-sig")
    codebook_id = connection.execute(insert(schema.codebooks).values(
        name=book.name, version=str(book.version), path=book.path, source=source, loaded_at=now(),
    )).inserted_primary_key[0]
    connection.execute(insert(schema.codes), [
        {"codebook_id": codebook_id, "id": code.id, "name": code.name, "parent": code.parent,
         "description": code.description, "include": code.include, "exclude": code.exclude,
         "examples": list(code.examples), "color": code.color, "position": i}
        for i, code in enumerate(book.codes.values())
    ])
    rule_rows = [
        {"codebook_id": codebook_id, "code": code.id, "id": rule.id, "kind": rule.kind,
         "value": rule.value, "exclusion": rule.exclusion, "negation": rule.negation,
         "confidence": rule.confidence, "once": rule.once, "position": i}
        for code in book.codes.values() for i, rule in enumerate(code.rules)
    ]
    if rule_rows:
        connection.execute(insert(schema.rules), rule_rows)
    return codebook_id


def current_codebook_id(connection: Connection) -> int | None:
    return connection.execute(select(func.max(schema.codebooks.c.id))).scalar_one()


def load_codebook(connection: Connection, codebook_id: int) -> Codebook:
    row = connection.execute(select(schema.codebooks).where(schema.codebooks.c.id == codebook_id)).one()
    r = schema.rules
    # JSON has no tuples: normalise again, as on loading YAML, so rules compare equal.
    rules: dict[str, list[Rule]] = {}
    for rule in connection.execute(select(r).where(r.c.codebook_id == codebook_id).order_by(r.c.code, r.c.position)):
        rules.setdefault(rule.code, []).append(Rule(
            id=rule.id, kind=rule.kind, value=patterns.normalise(rule.kind, rule.value), exclusion=rule.exclusion,
            negation=rule.negation, confidence=rule.confidence, once=rule.once,
        ))
    c = schema.codes
    codes = {}
    for code in connection.execute(select(c).where(c.c.codebook_id == codebook_id).order_by(c.c.position)):
        codes[code.id] = Code(
            id=code.id, name=code.name, parent=code.parent, description=code.description,
            include=code.include, exclude=code.exclude, examples=tuple(code.examples),
            color=code.color, rules=tuple(rules.get(code.id, ())),
        )
    return Codebook(name=row.name, codes=codes, version=row.version, path=row.path)

