"""Projects as REFI-QDA `.qdpx`: a zip of `project.qde` and the sources as UTF-8 text.

Sources are written as `sources/<guid>.txt` (UTF-8, no BOM, LF line ends: qda's canonical
text), so code-point offsets mean the same to every reader. Codings become
PlainTextSelections carrying a Coding and its CodeRef, the coder a User; memos become
Notes referenced where they belong; document attributes become Variables and one Case per
document. Each selection's Description holds a `[qda]` block with the coding's status,
source, confidence and evidence: REFI-QDA has no place for them, and another tool's user
can read there that a coding was only suggested. Only accepted codings are exported unless
asked. GUIDs are UUID 5 of what each object is (a coding's document, span, code and coder;
a memo's target, author and text), so they are the same on every export and after a
round trip through another project.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from qda.codebook import Codebook
from qda.corpus import Coding, Corpus
from qda.refi.codebook import add_codes, code_guid, dump_block, guid
from qda.refi.xmltext import element
from qda.writers import atomic_write

NS = "urn:QDA-XML:project:1.0"
# What a selection's `[qda]` block holds (`coding_block`): the keys a block without
# `[/qda]` (older qda) may have.
CODING_KEYS = frozenset({"status", "source", "confidence", "evidence"})


def _e(parent, tag: str, text: str | None = None, **attributes):
    """An element of the project namespace (`parent` None: the root), made XML-safe."""
    return element(parent, f"{{{NS}}}{tag}", text, **attributes)


def stamp(moment: datetime | None = None) -> str:
    """An xsd:dateTime in UTC with `Z` and whole seconds, as every vendor writes them."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def coding_block(coding: Coding) -> str:
    """The `[qda]` block of a selection: what REFI-QDA has no attribute for."""
    facts = {"status": coding.status, "source": coding.source, "confidence": round(float(coding.confidence), 6)}
    if coding.evidence:
        facts["evidence"] = coding.evidence
    return dump_block(facts)


def coding_guids(codings: list[Coding]) -> dict[int, str]:
    """Each coding's GUID (by position in `codings`), from what it is; the same coding
    twice (same document, span, code and coder) is told apart by its rank."""
    seen: Counter = Counter()
    guids = {}
    for i in sorted(range(len(codings)), key=lambda i: _order(codings[i])):
        c = codings[i]
        key = (c.document, str(c.start), str(c.end), c.code, c.coder)
        seen[key] += 1
        guids[i] = guid("coding", *key, str(seen[key]))
    return guids


def _order(coding: Coding) -> tuple:
    return (coding.start, coding.end, coding.code, coding.coder, coding.status, coding.id or 0)


def project_xml(name: str, corpus: Corpus, codings: list[Coding], codebook: Codebook, memos=()) -> bytes:
    """The `project.qde` document; `memos` are `qda.store.memos.Memo`s."""
    guids = coding_guids(codings)
    by_id = {c.id: guids[i] for i, c in enumerate(codings) if c.id is not None}
    # A memo on a coding left out of this export would be a note about nothing.
    memos = [m for m in memos if m.target_kind != "coding" or int(m.target) in by_id]
    root = _e(None, "Project", name=name, origin="qda", creationDateTime=stamp())
    users = {name: guid("user", name) for name in sorted(
        {c.coder for c in codings} | {c.reviewer for c in codings if c.reviewer} | {m.coder for m in memos})}
    if users:
        wrapper = _e(root, "Users")
        for name, user in users.items():
            _e(wrapper, "User", guid=user, name=name)
    notes_on: dict[tuple[str, str | None], list[str]] = {}
    note_guids = []
    seen: Counter = Counter()
    for memo in memos:
        target = by_id.get(int(memo.target)) if memo.target_kind == "coding" else memo.target
        key = (memo.target_kind, target or "", memo.coder, memo.text)
        seen[key] += 1
        note_guids.append(guid("note", *key, str(seen[key])))
        notes_on.setdefault((memo.target_kind, target), []).append(note_guids[-1])
    book = _e(root, "CodeBook")
    add_codes(_e(book, "Codes"), codebook, NS, {target: g for (kind, target), g in notes_on.items() if kind == "code"})
    attributes = list(dict.fromkeys(k for doc in corpus for k in doc.attributes))
    if attributes:
        variables = _e(root, "Variables")
        for attribute in attributes:
            _e(variables, "Variable", guid=guid("variable", attribute), name=attribute, typeOfVariable="Text")
        cases = _e(root, "Cases")
        for doc in corpus:
            case = _e(cases, "Case", guid=guid("case", doc.id), name=doc.name)
            for attribute, value in doc.attributes.items():
                entry = _e(case, "VariableValue")
                _e(entry, "VariableRef", targetGUID=guid("variable", attribute))
                _e(entry, "TextValue", str(value))
            _e(case, "SourceRef", targetGUID=source_guid(doc.id))
    by_document: dict[str, list[int]] = {}
    for i, coding in enumerate(codings):
        by_document.setdefault(coding.document, []).append(i)
    if len(corpus):
        sources = _e(root, "Sources")
        for doc in corpus:
            source = _e(sources, "TextSource", guid=source_guid(doc.id), name=doc.name,
                        plainTextPath=f"internal://{source_guid(doc.id)}.txt")
            for i in sorted(by_document.get(doc.id, []), key=lambda i: _order(codings[i])):
                coding = codings[i]
                selection = _e(source, "PlainTextSelection", guid=guid("selection", guids[i]),
                               name=doc.text[coding.start:coding.end][:100], startPosition=coding.start,
                               endPosition=coding.end, creatingUser=users[coding.coder])
                _e(selection, "Description", coding_block(coding))
                mark = _e(selection, "Coding", guid=guids[i], creatingUser=users[coding.reviewer or coding.coder])
                _e(mark, "CodeRef", targetGUID=code_guid(coding.code))
                for note in notes_on.get(("coding", guids[i]), ()):
                    _e(mark, "NoteRef", targetGUID=note)
            for note in notes_on.get(("document", doc.id), ()):
                _e(source, "NoteRef", targetGUID=note)
    if memos:
        notes = _e(root, "Notes")
        for memo, note_guid in zip(memos, note_guids):
            note = _e(notes, "Note", guid=note_guid, name=memo.text.strip().split("\n")[0][:100],
                      creatingUser=users[memo.coder], creationDateTime=stamp(memo.created_at))
            _e(note, "PlainTextContent", memo.text)
    for note in notes_on.get(("project", None), ()):
        _e(root, "NoteRef", targetGUID=note)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def source_guid(document_id: str) -> str:
    return guid("source", document_id)


def write_qdpx(path: str | Path, name: str, corpus: Corpus, codings: list[Coding], codebook: Codebook,
               memos=()) -> Path:
    """Write a `.qdpx` archive atomically."""
    xml = project_xml(name, corpus, codings, codebook, memos)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", xml)
            for doc in corpus:
                archive.writestr(f"sources/{source_guid(doc.id)}.txt", doc.text.encode("utf-8"))

    path = Path(path)
    atomic_write(path, write)
    return path
