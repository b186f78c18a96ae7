"""Reading a REFI-QDA project (`.qdpx`) from any tool into qda's objects; nothing is stored.

Everything is read and checked before a caller writes anything: the archive (`archive`),
the XML (safe parsing, then the official schema), every source's text, and every
selection against its text, whose positions are converted from the exporting tool's units
(`offsets`: NVivo counts UTF-16 units, ATLAS.ti a CRLF as one) to qda's code points of
canonical text. A source that is missing, lies outside the archive, or does not match its
selections stops the import with an error naming it.

What qda has no place for is reported in `skipped`, not silently lost: picture, audio
and video sources, links and graphs. Sets of sources become document attributes (ATLAS.ti's
document groups such as `gender: male`), descriptions and notes become memos.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from qda.codebook import Codebook
from qda.corpus import SOURCES, STATUSES, Coding, Corpus, Document
from qda.errors import QdaError
from qda.readers import document_id
from qda.readers.decode import decode_raw, normalise_newlines
from qda.readers.txt import parse_turns
from qda.refi.archive import Archive, Limits
from qda.wording import counted
from qda.refi.codebook import guid_key, members, read_codes, sets_not_held, split_block
from qda.refi.offsets import PositionMap, choose_unit
from qda.refi.project import CODING_KEYS
from qda.refi.validate import check_xml

NS = "{urn:QDA-XML:project:1.0}"
_VALUES = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
_NOT_TEXT = ("PictureSource", "AudioSource", "VideoSource")


@dataclass
class ImportedMemo:
    """A memo to store: `target` is a document id, a code id, or (kind `coding`) the
    position of the coding in `RefiProject.codings`."""

    kind: str
    target: str | None
    coder: str
    text: str
    created_at: datetime | None = None


@dataclass
class RefiProject:
    name: str
    origin: str
    codebook: Codebook
    corpus: Corpus
    codings: list[Coding] = field(default_factory=list)
    memos: list[ImportedMemo] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_qdpx(path: str | Path, limits: Limits = Limits()) -> RefiProject:
    """Everything in a `.qdpx` qda can hold; QdaError (naming the file) if it cannot be used."""
    path = Path(path)
    with Archive(path, limits) as archive:
        where = f"{path}:{archive.qde}"
        problems, root = check_xml(archive.project_xml(), "Project-mrt2019.xsd", where)
        if root is None:  # hostile or malformed XML: the one problem says which
            raise QdaError(problems[0])
        if problems:
            raise QdaError(f"{where}: does not follow the REFI-QDA project schema, so it cannot be imported "
                           "safely; re-export it from the tool that made it:\n"
                           + "\n".join(f"  {p}" for p in problems[:5]))
        return _Reader(archive, root, str(path)).read()


class _Reader:
    def __init__(self, archive: Archive, root, where: str):
        self.archive, self.root, self.where = archive, root, where
        self.origin = root.get("origin") or ""
        self.users = {guid_key(u.get("guid")): u.get("name") or u.get("id") or f"user {u.get('guid')[:8]}"
                      for u in root.iter(f"{NS}User")}
        self.default_user = self.users.get(guid_key(root.get("creatingUserGUID") or ""), "unknown coder")
        self.memos: list[tuple[int, ImportedMemo]] = []  # (rank, memo): notes keep their order
        self.codings: list[Coding] = []
        self.skipped: list[str] = []
        self.referenced: set[str] = set()

    def user(self, value: str | None) -> str:
        return self.users.get(guid_key(value or ""), self.default_user)

    def read(self) -> RefiProject:
        name = self.root.get("name") or Path(self.where).stem
        codes = self.root.find(f"{NS}CodeBook/{NS}Codes")
        if codes is not None:
            codebook, self.code_ids = read_codes(codes, name, self.origin, self.where)
        else:
            codebook, self.code_ids = Codebook(name=name), {}
        self.notes = {guid_key(n.get("guid")): n for n in self.root.iter(f"{NS}Note")}
        self.ranks = {key: i for i, key in enumerate(self.notes)}
        attributes = self.attributes()
        corpus = Corpus()
        taken: set[str] = set()
        for source in self.root.findall(f"{NS}Sources/*"):
            kind = etree.QName(source).localname
            text_source = source.find(f"{NS}Representation") if kind == "PDFSource" else source
            if kind in _NOT_TEXT or text_source is None:
                self.skipped.append(f"{kind.removesuffix('Source').lower()} source {source.get('name')!r} "
                                    "(qda codes text)")
                continue
            doc = self.document(text_source, source.get("name"), taken,
                                attributes.get(guid_key(source.get("guid")), {}))
            corpus.documents.append(doc)
            if kind == "PDFSource":
                self.report_pdf_areas(source, text_source, doc.name)
        for code in (codes.iter(f"{NS}Code") if codes is not None else ()):
            self.notes_on(code, "code", self.code_ids[guid_key(code.get("guid"))])
        self.notes_on(self.root, "project", None)
        description = self.root.find(f"{NS}Description")
        if description is not None and (description.text or "").strip():
            self.add(ImportedMemo("project", None, self.default_user, description.text))
        for key, note in self.notes.items():
            if key not in self.referenced:  # a note on nothing qda holds is still the team's note
                self.add(self.memo("project", None, note), key)
        for kind in ("Links", "Graphs"):
            found = self.root.find(f"{NS}{kind}")
            if found is not None:
                self.skipped.append(f"{counted(len(found), kind[:-1].lower())} (qda has no {kind.lower()})")
        memos = [memo for _, memo in sorted(self.memos, key=lambda pair: pair[0])]
        return RefiProject(name, self.origin, codebook, corpus, self.codings, memos, self.skipped)

    def add(self, memo: ImportedMemo, note: str | None = None) -> None:
        self.memos.append((self.ranks[note] if note is not None else len(self.ranks), memo))

    # -- attributes ------------------------------------------------------------------

    def attributes(self) -> dict[str, dict[str, str]]:
        """Source GUID -> attributes, from Cases (variables of the case's sources), values
        on the sources themselves, and Sets of sources (ATLAS.ti's document groups). What
        has no document to go to (cases on passages or codes, sets of codes) is reported."""
        self.variables = {guid_key(v.get("guid")): v.get("name") for v in self.root.iter(f"{NS}Variable")}
        found: dict[str, dict[str, str]] = {}
        for case in self.root.iter(f"{NS}Case"):
            held = self.values(case)
            for ref in case.findall(f"{NS}SourceRef"):
                found.setdefault(guid_key(ref.get("targetGUID")), {}).update(held)
        for source in self.root.findall(f"{NS}Sources/*"):
            found.setdefault(guid_key(source.get("guid")), {}).update(self.values(source))
        for group in self.root.iter(f"{NS}Set"):
            self.source_set(group, found)
        self.report_cases_not_held()
        self.report_sets_not_held()
        return found

    def values(self, element) -> dict[str, str]:
        """Variable name -> value (as text) of an element's VariableValues."""
        got = {}
        for entry in element.findall(f"{NS}VariableValue"):
            ref = entry.find(f"{NS}VariableRef")
            value = next((v.text or "" for v in entry if etree.QName(v).localname in _VALUES), "")
            if ref is not None and guid_key(ref.get("targetGUID")) in self.variables:
                got[self.variables[guid_key(ref.get("targetGUID"))]] = value.strip()
        return got

    @staticmethod
    def source_set(group, found: dict[str, dict[str, str]]) -> None:
        """A Set's sources get an attribute: `gender: male` -> gender = male, any other
        name joins their `sets`."""
        label = (group.get("name") or "").strip()
        key, sep, value = label.partition(":")
        for member in group.findall(f"{NS}MemberSource"):
            held = found.setdefault(guid_key(member.get("targetGUID")), {})
            if sep and key.strip() and value.strip():
                held[key.strip()] = value.strip()
            elif label:
                held["sets"] = ", ".join(filter(None, [held.get("sets"), label]))

    def report_cases_not_held(self) -> None:
        """Cases linked to passages (NVivo's focus-group participants) or to codes: qda's
        attributes belong to whole documents, so those links and their values are lost."""
        linked = [case for case in self.root.iter(f"{NS}Case")
                  if case.find(f"{NS}SelectionRef") is not None or case.find(f"{NS}CodeRef") is not None]
        if linked:
            listed = ", ".join(f"{case.get('name') or case.get('guid')!r} "
                               f"({', '.join(self.values(case)) or 'no variables'})" for case in linked)
            self.skipped.append(f"{counted(len(linked), 'case')} linked to passages or codes "
                                f"rather than whole sources, with their variables: {listed} "
                                "(qda keeps attributes per document)")

    def report_sets_not_held(self) -> None:
        """Sets that are not only of sources (those became attributes): of codes, of
        notes, or empty."""
        sets = [((group.get("name") or "").strip(), members(code=len(group.findall(f"{NS}MemberCode")),
                                                            note=len(group.findall(f"{NS}MemberNote"))))
                for group in self.root.iter(f"{NS}Set") if not _only_sources(group)]
        if sets:
            self.skipped.append(sets_not_held(sets))

    # -- sources ---------------------------------------------------------------------

    def document(self, source, name: str | None, taken: set[str], attributes: dict[str, str]) -> Document:
        name = (name or source.get("name") or source.get("guid")).strip()
        label = f"{self.where}: source {name!r}"
        raw = self.text(source, label)
        selections = []
        for selection in source.findall(f"{NS}PlainTextSelection"):
            problem = _misplaced(int(selection.get("startPosition")), int(selection.get("endPosition")))
            if problem is None:
                selections.append(selection)
            else:
                self.skipped.append(f"selection {selection.get('guid')} in {name!r}: {problem}")
        spans = [(int(s.get("startPosition")), int(s.get("endPosition"))) for s in selections]
        unit = choose_unit(raw, spans, self.origin, [s.get("name") for s in selections])
        if unit is None:
            raise QdaError(f"{label}: its selections do not fit its text ({len(raw)} characters), in any way "
                           f"tools count positions; the source file does not match the project. Re-export it "
                           f"from {self.origin or 'the tool that made it'}")
        positions = PositionMap(raw, unit)
        text = normalise_newlines(raw)
        doc_id = _unique(document_id(_as_file_name(name)), taken)
        doc = Document(id=doc_id, name=name, text=text, attributes=attributes, turns=parse_turns(text))
        for selection, (start, end) in zip(selections, spans):
            self.selection(doc, selection, *positions.span(start, end))
        for coding in source.findall(f"{NS}Coding"):  # on the whole source
            self.coding(doc, coding, 0, len(text), {}, self.user(coding.get("creatingUser")))
        self.notes_on(source, "document", doc.id)
        found = source.find(f"{NS}Description")
        if found is not None and (found.text or "").strip():
            self.add(ImportedMemo("document", doc.id, self.user(source.get("creatingUser")), found.text))
        return doc

    def report_pdf_areas(self, pdf, representation, name: str) -> None:
        """PDF selections (page areas) with no PlainTextSelection twin (same GUID) in the
        text representation: qda codes text, so they and their codings are not imported."""
        twins = {guid_key(s.get("guid")) for s in representation.findall(f"{NS}PlainTextSelection")}
        areas = [s for s in pdf.findall(f"{NS}PDFSelection") if guid_key(s.get("guid")) not in twins]
        if areas:
            codings = sum(len(area.findall(f"{NS}Coding")) for area in areas)
            self.skipped.append(f"{counted(len(areas), 'PDF area selection')} in {name!r} with "
                                f"{counted(codings, 'coding')} and no selection of its text "
                                "(qda codes text, not page areas)")

    def text(self, source, label: str) -> str:
        inline, path = source.find(f"{NS}PlainTextContent"), source.get("plainTextPath")
        if inline is not None:
            return inline.text or ""
        if not path:
            raise QdaError(f"{label}: has no plain text (only {source.get('richTextPath') or 'a rich-text file'}); "
                           "export the project again with plain-text sources")
        if not path.startswith("internal://"):
            raise QdaError(f"{label}: its text is outside the archive ({path}); qda reads sources only from "
                           "inside the .qdpx, so export the project with its sources embedded")
        return decode_raw(self.archive.read_source(path), label)

    def selection(self, doc: Document, selection, start: int, end: int) -> None:
        found = selection.find(f"{NS}Description")
        block, comment = coding_facts(found.text if found is not None else "")
        maker = self.user(selection.get("creatingUser"))
        made = [self.coding(doc, c, start, end, block, maker) for c in selection.findall(f"{NS}Coding")]
        if comment:
            self.add(self.on_passage(doc, made, start, end, maker, comment))
        for ref in selection.findall(f"{NS}NoteRef"):
            note = self.note(ref)
            if note is not None:
                memo = self.memo("coding", None, note)
                self.add(self.on_passage(doc, made, start, end, memo.coder, memo.text, memo.created_at),
                         guid_key(ref.get("targetGUID")))

    def coding(self, doc: Document, element, start: int, end: int, block: dict | None, maker: str) -> int:
        ref = element.find(f"{NS}CodeRef")
        code = self.code_ids.get(guid_key(ref.get("targetGUID")))
        if code is None:
            raise QdaError(f"{self.where}: coding {element.get('guid')} in {doc.name!r} refers to "
                           f"{ref.get('targetGUID')}, which is not a code of the project")
        decider = self.user(element.get("creatingUser"))
        if block is None:  # another tool's coding: a person's decision
            coding = Coding(doc.id, start, end, code, "human", decider, status="accepted", reviewer=decider)
        else:
            status = block["status"] if block.get("status") in STATUSES else "accepted"
            coding = Coding(doc.id, start, end, code, block["source"] if block.get("source") in SOURCES else "human",
                            maker, confidence=_confidence(block.get("confidence")),
                            evidence=str(block.get("evidence") or ""), status=status,
                            reviewer=decider if status != "suggested" else "")
        self.codings.append(coding)
        position = len(self.codings) - 1
        for ref in element.findall(f"{NS}NoteRef"):
            note = self.note(ref)
            if note is not None:
                self.add(self.memo("coding", str(position), note), guid_key(ref.get("targetGUID")))
        return position

    def on_passage(self, doc: Document, codings: list[int], start: int, end: int, coder: str, text: str,
                   at: datetime | None = None) -> ImportedMemo:
        """A comment on a selection: on its first coding, or (none) on the document, quoting it."""
        if codings:
            return ImportedMemo("coding", str(codings[0]), coder, text, at)
        passage = " ".join(doc.text[start:end].split())
        return ImportedMemo("document", doc.id, coder, f'On "{passage[:100]}" ({start}-{end}): {text}', at)

    # -- notes -----------------------------------------------------------------------

    def notes_on(self, element, kind: str, target: str | None) -> None:
        for ref in element.findall(f"{NS}NoteRef"):
            note = self.note(ref)
            if note is not None:
                self.add(self.memo(kind, target, note), guid_key(ref.get("targetGUID")))

    def note(self, ref):
        key = guid_key(ref.get("targetGUID"))
        self.referenced.add(key)
        return self.notes.get(key)

    def memo(self, kind: str, target: str | None, note) -> ImportedMemo:
        label = f"{self.where}: note {note.get('name')!r}"
        content = self.text(note, label) if note.get("plainTextPath") or note.find(f"{NS}PlainTextContent") is not None \
            else ""
        name = (note.get("name") or "").strip()
        described = note.find(f"{NS}Description")
        parts = [name if name and not content.strip().startswith(name) else "",
                 described.text if described is not None and described.text else "", content]
        return ImportedMemo(kind, target, self.user(note.get("creatingUser")),
                            "\n\n".join(p for p in parts if p.strip()) or name or "(empty note)",
                            _when(note.get("creationDateTime")))


def coding_facts(description: str | None) -> tuple[dict | None, str]:
    """(block, comment) of a selection's Description: its `[qda]` block (a qda coding's
    status, source...; None if it has none) and everything else in it, wherever the block
    sits (ATLAS.ti and MAXQDA users write a quotation's comment there)."""
    before, block, after = split_block(description, CODING_KEYS)
    if block is None or not {"status", "source"} <= set(block):  # none, or a block but not a coding's
        return None, normalise_newlines(description or "").strip()
    return block, "\n\n".join(part for part in (before, after) if part)


def _only_sources(group) -> bool:
    members = {etree.QName(child).localname for child in group if isinstance(child.tag, str)}
    return members - {"Description"} == {"MemberSource"}


def _misplaced(start: int, end: int) -> str | None:
    """Why positions cannot be a passage, or None. The schema allows any integers; no
    tool means these."""
    if start < 0:
        return f"it starts at {start}, before the text begins"
    if end < start:
        return f"it ends ({end}) before it starts ({start})"
    return None


def _as_file_name(name: str) -> str:
    """A source name as a file name for `document_id`: its own extension if it has a
    usual one, else none (so `J. Smith` keeps both words)."""
    name = name.replace("/", "-").replace("\\", "-")
    suffix = Path(name).suffix.lower()
    known = (".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".vtt", ".srt", ".csv", ".tsv", ".html")
    return name if suffix in known else name + ".txt"


def _unique(base: str, taken: set[str]) -> str:
    doc_id, n = base, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    taken.add(doc_id)
    return doc_id


def _confidence(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 1.0
    return number if 0 <= number <= 1 else 1.0


def _when(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


__all__ = ["ImportedMemo", "RefiProject", "read_qdpx"]
