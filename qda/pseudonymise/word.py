"""A Word document's words, read for pseudonymising and written back in place.

Words hide in more places than the paragraphs python-docx lists: hyperlinks (Word links
every e-mail address typed), text boxes, nested tables, first-page and even-page headers,
footnotes, endnotes, comments and field codes (`HYPERLINK "mailto:..."`). Every paragraph
in every part that holds text is read, one paragraph per line, its words in document order.
A replacement is written into the run where the replaced words began and taken out of the
others, so formatting (a speaker's name in bold, italics) stays where it was.

What a copy must not carry is removed: text deleted with tracked changes, the targets of
external links (a `mailto:` address), who wrote, commented or changed what (authors and
initials, the people list), every document property that holds free text (title, subject,
keywords, category, status, identifier, version; company, manager, template, hyperlink
base and the titles of parts), custom properties, pictures' alternative text, the
thumbnail picture of the first page, and what Word keeps beside the words: custom XML data
(a cover page's or SharePoint's fields, bibliography sources), building blocks (the
glossary), document variables, a mail merge's data source and the attached template's path
(`C:\\Users\\kelly.jones\\...`). Reversal restores the words, not those.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from qda.errors import QdaError
from qda.readers.docx import BREAKS, TEXT, W, bold_speaker, bold_styles, own_nodes

_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_WORDS = (TEXT, W + "instrText")  # text that can be rewritten: words, field codes
# Tabs and breaks are read as line ends, as is the end of a speaker's name in bold: the
# detector would take "Maureen<tab>Yes" for a person's full name.
_BREAKS = tuple(BREAKS)
# Parts whose paragraphs hold the document's words.
_TEXT_PARTS = tuple(f"wordprocessingml.{name}+xml" for name in (
    "document.main", "document.macroEnabled.main", "template.main", "header", "footer",
    "footnotes", "endnotes", "comments",
))
# Parts that name people besides the text: the people list, the document's properties.
_PEOPLE_PARTS = ("wordprocessingml.people+xml", "extended-properties+xml")
# Parts a copy goes without, linked from the package or the document: a picture of the
# first page, custom properties, custom XML data (a cover page's fields, which Word would
# write back into the text on opening), and building blocks (text saved for reuse).
_DROPPED = tuple("http://schemas.openxmlformats.org/" + kind for kind in (
    "package/2006/relationships/metadata/thumbnail", "officeDocument/2006/relationships/custom-properties",
    "officeDocument/2006/relationships/customXml", "officeDocument/2006/relationships/glossaryDocument",
))
# Settings that name people or their files: document variables, a mail merge (its data
# source and query) and the attached template (a path with the user's name).
_SETTINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
_SETTINGS_DROPPED = ("docVars", "mailMerge", "attachedTemplate")
_PEOPLE_ATTRIBUTES = ("author", "initials", "userId", "providerId")
# The document's properties that hold free text ("Mulholland family", "Draft for Leona"):
# in docProps/core.xml, as python-docx names them (its language, dates and revision number
# name no one) ...
_CORE_TEXT = ("author", "category", "comments", "content_status", "identifier", "keywords", "last_modified_by",
              "subject", "title", "version")
# ... and in docProps/app.xml (the titles of parts hold the title again).
_APP_TEXT = ("Company", "Manager", "Template", "HyperlinkBase", "TitlesOfParts")
# A picture's alternative text and title ("Kelly at the family centre").
_PICTURES = ("docPr", "cNvPr")
_PICTURE_TEXT = ("descr", "title")


@dataclass
class _Paragraph:
    nodes: list  # each segment's element: a word run's text, a field code, a tab or break; None after a bold name
    texts: list[str]

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def replace(self, start: int, end: int, new: str) -> None:
        """`text[start:end]` (some words) becomes `new`, written into the first segment of
        words they touch."""
        touched, pos = [], 0
        for k, text in enumerate(self.texts):
            a, b = pos, pos + len(text)
            pos = b
            if a < end and b > start:
                touched.append((k, max(start, a) - a, min(end, b) - a))
        target = next((k for k, _, _ in touched if _words(self.nodes[k])), None)
        if target is None or any(not _words(self.nodes[k]) and hi > lo for k, lo, hi in touched):
            raise QdaError("a replacement spans a tab or line break; nothing was written")
        for k, lo, hi in touched:
            self.texts[k] = self.texts[k][:lo] + (new if k == target else "") + self.texts[k][hi:]

    def write(self) -> None:
        for node, text in zip(self.nodes, self.texts):
            if _words(node):
                node.text = text
                if text != text.strip():
                    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _words(node) -> bool:
    return node is not None and node.tag in _WORDS


class WordText:
    """The words of a `.docx`, one paragraph per line of `text`; `replace` edits them in
    place and `save` writes the document."""

    def __init__(self, data: bytes, path: str | Path):
        import docx

        self.path = path
        self.document = docx.Document(io.BytesIO(data))
        self._blobs: dict[object, object] = {}  # parts python-docx keeps as bytes -> their XML
        self.paragraphs: list[_Paragraph] = []
        self._parts = [part for part in self.document.part.package.iter_parts()
                       if part.content_type.endswith(_TEXT_PARTS + _PEOPLE_PARTS)]
        styles = bold_styles(self.document)
        for part in self._parts:
            if part.content_type.endswith(_TEXT_PARTS):
                root = self._root(part)
                _drop_deleted(root)
                self.paragraphs += [_read_paragraph(p, styles) for p in root.iter(W + "p")]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def pictures(self) -> int:
        """How many pictures the text shows: a copy keeps them as they are (a face, a
        letterhead or a signature may name someone)."""
        return len({relationship.target_part for part in self._parts for relationship in part.rels.values()
                    if relationship.reltype == _IMAGE and not relationship.is_external})

    def replace(self, edits: list[tuple[int, int, str]]) -> None:
        """Apply (start, end, new) edits of `text`, none spanning a line."""
        starts, pos = [], 0
        for paragraph in self.paragraphs:
            starts.append(pos)
            pos += len(paragraph.text) + 1
        for start, end, new in sorted(edits, reverse=True):
            line = bisect_right(starts, start) - 1
            paragraph = self.paragraphs[line]
            if end - starts[line] > len(paragraph.text):
                raise QdaError(f"{self.path}: a replacement spans two paragraphs; nothing was written")
            paragraph.replace(start - starts[line], end - starts[line], new)

    def save(self, target: Path) -> None:
        for paragraph in self.paragraphs:
            paragraph.write()
        for part in self._parts:
            root = self._root(part)
            _unlink(part, root)
            _forget_people(root)
        for source in (self.document.part.package, self.document.part):
            for r_id, relationship in list(source.rels.items()):
                if relationship.reltype in _DROPPED:
                    del source.rels[r_id]
        for relationship in self.document.part.rels.values():
            if relationship.reltype == _SETTINGS and not relationship.is_external:
                _forget_settings(relationship.target_part)
        from lxml import etree

        for part, root in self._blobs.items():
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        properties = self.document.core_properties
        for name in _CORE_TEXT:
            setattr(properties, name, "")
        self.document.save(str(target))

    def _root(self, part):
        """The part's XML, parsed once: python-docx parses the parts it knows, and keeps
        others (footnotes, endnotes, the people list) as bytes."""
        from docx.oxml import parse_xml

        element = getattr(part, "_element", None)
        if element is not None:
            return element
        if part not in self._blobs:
            self._blobs[part] = parse_xml(part.blob)
        return self._blobs[part]


def _read_paragraph(p, styles: frozenset[str]) -> _Paragraph:
    """A paragraph's segments as the reader sees them (`qda.readers.docx.own_nodes`), and
    its field codes."""
    nodes = list(own_nodes(p, *_WORDS, *_BREAKS))
    texts = [(node.text or "") if node.tag in _WORDS else "\n" for node in nodes]
    if (found := bold_speaker(list(zip(nodes, texts)), styles)) is not None:
        nodes.insert(found[0], None)
        texts.insert(found[0], "\n")
    return _Paragraph(nodes, texts)


def _drop_deleted(root) -> None:
    """Text deleted or moved away with tracked changes is no part of the transcript, and
    may be what someone deleted for a reason."""
    for tag in ("del", "moveFrom"):
        for node in list(root.iter(W + tag)):
            if node.getparent() is not None and node.getparent().tag != W + "rPr":
                node.getparent().remove(node)


def _unlink(part, root) -> None:
    """External links go: their targets (`mailto:`, a web page) are not pseudonymised."""
    for r_id, relationship in list(part.rels.items()):
        if relationship.reltype == _HYPERLINK and relationship.is_external:
            for link in root.iter(W + "hyperlink"):
                if link.get(_R + "id") == r_id:
                    del link.attrib[_R + "id"]
            del part.rels[r_id]


def _forget_settings(part) -> None:
    for name in _SETTINGS_DROPPED:
        for node in part.element.findall(W + name):
            part.element.remove(node)
    for r_id, relationship in list(part.rels.items()):  # the template's and the data source's paths
        if relationship.is_external:
            del part.rels[r_id]


def _forget_people(root) -> None:
    for node in root.iter():
        if not isinstance(node.tag, str):  # comments, processing instructions
            continue
        element = node.tag.rsplit("}", 1)[-1]
        for name in list(node.attrib):
            attribute = name.rsplit("}", 1)[-1]
            if attribute in _PEOPLE_ATTRIBUTES or element in _PICTURES and attribute in _PICTURE_TEXT:
                node.set(name, "")
        if element in _APP_TEXT:
            for inner in node.iter():  # the titles of parts are a list
                inner.text = ""
