"""Codebooks as REFI-QDA `.qdc`: codes nested by hierarchy, with colour and description.

GUIDs are derived from the codebook's name and each code's id (UUID 5), so exporting the
same codebook twice gives the same GUIDs and another tool sees the same codes, not new ones.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree

from qda.codebook import Code, Codebook
from qda.writers import atomic_write

NS = "urn:QDA-XML:codebook:1.0"
# A fixed namespace for qda's GUIDs: the same object always gets the same GUID.
_GUIDS = uuid.UUID("5f0c6a55-0b1e-4c8e-9d3a-7a51c0de0001")


def guid(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(_GUIDS, "\x1f".join((kind, *parts))))


def description(code: Code) -> str:
    """The code's definition, when to use it and when not, and its examples, as one text:
    the one place QDA-XML has for them."""
    parts = [code.description.strip()]
    if code.include.strip():
        parts.append("Use when: " + code.include.strip())
    if code.exclude.strip():
        parts.append("Not when: " + code.exclude.strip())
    parts += [f'Example: "{example}"' for example in code.examples]
    return "\n\n".join(p for p in parts if p)


def code_guid(codebook: Codebook, code_id: str) -> str:
    return guid("code", codebook.name, code_id)


def add_codes(parent, codebook: Codebook, ns: str, notes: dict[str, list[str]] | None = None) -> dict[str, object]:
    """`Code` elements under `parent`, nested by hierarchy, in namespace `ns` (the
    codebook's or the project's); `notes` maps a code id to the GUIDs of notes on it.
    Returns each code's element by id."""
    elements: dict[str, object] = {}

    def add(under, code: Code) -> None:
        element = etree.SubElement(under, f"{{{ns}}}Code", guid=code_guid(codebook, code.id),
                                   name=code.name or code.id, isCodable="true")
        if code.color:
            element.set("color", code.color)
        text = description(code)
        if text:
            etree.SubElement(element, f"{{{ns}}}Description").text = text
        for note in (notes or {}).get(code.id, ()):
            etree.SubElement(element, f"{{{ns}}}NoteRef", targetGUID=note)
        elements[code.id] = element
        for child in codebook.children(code.id):
            add(element, child)

    for code in codebook.codes.values():
        if code.parent is None:
            add(parent, code)
    return elements


def codebook_xml(codebook: Codebook) -> bytes:
    """The `.qdc` document for a codebook."""
    root = etree.Element(f"{{{NS}}}CodeBook", nsmap={None: NS}, origin="qda")
    add_codes(etree.SubElement(root, f"{{{NS}}}Codes"), codebook, NS)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdc(codebook: Codebook, path: str | Path) -> Path:
    path = Path(path)
    atomic_write(path, lambda tmp: tmp.write_bytes(codebook_xml(codebook)))
    return path


def read_qdc(path: str | Path) -> list[Code]:
    """The codes of a `.qdc` from any tool, nesting kept as `parent`; ids are made from
    names (unique, lower case). A file that fails the official schema is refused."""
    import re

    from qda.errors import QdaError
    from qda.refi.validate import SAFE_PARSER, validate

    problems = validate(path)
    if problems:
        raise QdaError(f"{path}: not a valid REFI-QDA codebook:\n" + "\n".join(problems[:10]))
    root = etree.parse(str(path), SAFE_PARSER).getroot()
    ns = etree.QName(root).namespace
    codes: list[Code] = []
    taken: set[str] = set()

    def visit(element, parent: str | None) -> None:
        for child in element.findall(f"{{{ns}}}Code"):
            name = child.get("name", "").strip() or "code"
            base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "code"
            code_id, n = base, 2
            while code_id in taken:
                code_id, n = f"{base}_{n}", n + 1
            taken.add(code_id)
            found = child.find(f"{{{ns}}}Description")
            color = (child.get("color") or "").lower() or None
            if color and len(color) == 4:  # "#rgb" -> "#rrggbb"
                color = "#" + "".join(c * 2 for c in color[1:])
            codes.append(Code(id=code_id, name=name, parent=parent, color=color,
                              description=(found.text or "").strip() if found is not None else ""))
            visit(child, code_id)

    visit(root.find(f"{{{ns}}}Codes"), None)
    return codes
