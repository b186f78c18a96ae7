"""Projects as REFI-QDA `.qdpx`: a zip of `project.qde` and the sources as UTF-8 text.

Sources are written as `sources/<guid>.txt` (UTF-8, no BOM, LF line ends: qda's canonical
text), so code-point offsets mean the same to every reader. Codings become
PlainTextSelections carrying a Coding and its CodeRef, the coder a User; memos become
Notes referenced where they belong; document attributes become Variables and one Case per
document. Only accepted codings are exported unless asked: REFI-QDA has no status for a
coding, and another tool would take a suggestion for a decision. GUIDs are UUID 5 of what
each object is, so they are the same on every export.
"""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from qda.codebook import Codebook
from qda.corpus import Coding, Corpus
from qda.refi.codebook import add_codes, code_guid, guid
from qda.writers import atomic_write

NS = "urn:QDA-XML:project:1.0"


def _e(parent, tag: str, **attributes):
    return etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attributes.items() if v is not None})


def project_xml(name: str, corpus: Corpus, codings: list[Coding], codebook: Codebook, memos=()) -> bytes:
    """The `project.qde` document; `memos` are `qda.store.memos.Memo`s."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS}, name=name, origin="qda",
                         creationDateTime=stamp)
    users = sorted({c.coder for c in codings} | {c.reviewer for c in codings if c.reviewer} | {m.coder for m in memos})
    if users:
        wrapper = _e(root, "Users")
        for user in users:
            _e(wrapper, "User", guid=guid("user", user), name=user)
    notes_on: dict[tuple[str, str | None], list[str]] = {}
    for memo in memos:
        notes_on.setdefault((memo.target_kind, memo.target), []).append(guid("note", str(memo.id)))
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
                etree.SubElement(entry, f"{{{NS}}}TextValue").text = str(value)
            _e(case, "SourceRef", targetGUID=source_guid(doc.id))
    by_document: dict[str, list[Coding]] = {}
    for coding in codings:
        by_document.setdefault(coding.document, []).append(coding)
    if len(corpus):
        sources = _e(root, "Sources")
        for doc in corpus:
            source = _e(sources, "TextSource", guid=source_guid(doc.id), name=doc.name,
                        plainTextPath=f"internal://{source_guid(doc.id)}.txt")
            for coding in sorted(by_document.get(doc.id, []), key=lambda c: (c.start, c.end, c.code)):
                key = str(coding.id) if coding.id is not None else f"{doc.id}:{coding.start}:{coding.end}:{coding.code}"
                selection = _e(source, "PlainTextSelection", guid=guid("selection", key),
                               name=doc.text[coding.start:coding.end][:100], startPosition=coding.start,
                               endPosition=coding.end, creatingUser=guid("user", coding.coder))
                mark = _e(selection, "Coding", guid=guid("coding", key), creatingUser=guid("user", coding.reviewer or coding.coder))
                _e(mark, "CodeRef", targetGUID=code_guid(codebook, coding.code))
                for note in notes_on.get(("coding", str(coding.id)), ()):
                    _e(mark, "NoteRef", targetGUID=note)
            for note in notes_on.get(("document", doc.id), ()):
                _e(source, "NoteRef", targetGUID=note)
    if memos:
        notes = _e(root, "Notes")
        for memo in memos:
            note = _e(notes, "Note", guid=guid("note", str(memo.id)), name=f"memo {memo.id}",
                      creatingUser=guid("user", memo.coder))
            etree.SubElement(note, f"{{{NS}}}PlainTextContent").text = memo.text
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
