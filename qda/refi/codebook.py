"""Codebooks as REFI-QDA `.qdc`: codes nested by hierarchy, with colour and description.

QDA-XML has one `Description` per code. qda writes the definition, "Use when:", "Not
when:" and the examples there as readable paragraphs, then a `[qda]` block (YAML between
a `[qda]` and a `[/qda]` line) with what other tools have no place for: the code's id and
its rules. Reading a description back inverts this, so a codebook survives a trip through
NVivo or ATLAS.ti; text someone added after the block joins the definition; a description
without the block (any other tool's) is the definition. Project selections carry a block
too (`project`), read with the same `split_block`.

GUIDs are UUID 5 of each code's id, so exporting twice gives the same GUIDs and another
tool sees the same codes again, not new ones.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from functools import lru_cache
import warnings
from pathlib import Path

import yaml
from lxml import etree

from qda.codebook import Code, Codebook, parse_codebook, rule_entry
from qda.errors import CodebookError, QdaError
from qda.readers.decode import normalise_newlines
from qda.refi.xmltext import element as xml_element
from qda.writers import atomic_write
from qda.wording import counted

NS = "urn:QDA-XML:codebook:1.0"
# A fixed namespace for qda's GUIDs: the same object always gets the same GUID.
_GUIDS = uuid.UUID("5f0c6a55-0b1e-4c8e-9d3a-7a51c0de0001")
BLOCK, BLOCK_END = "[qda]", "[/qda]"
# Marker lines, alone on their line (spaces around them forgiven).
_START = re.compile(r"^[ \t]*\[qda\][ \t]*$", re.M)
_END = re.compile(r"^[ \t]*\[/qda\][ \t]*$", re.M)
# What a code's block holds: the keys a block without `[/qda]` (older qda) may have.
CODE_KEYS = frozenset({"id", "rules"})
_FIELDS = (("include", "Use when: "), ("exclude", "Not when: "))
_EXAMPLE = "Example: "


def guid(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(_GUIDS, "\x1f".join((kind, *parts))))


@lru_cache(maxsize=4096)  # a few codes, GUIDs asked for once per coding
def code_guid(code_id: str) -> str:
    return guid("code", code_id)


def guid_key(value: str) -> str:
    """GUIDs compare without braces and case (vendors differ in both)."""
    return value.strip().strip("{}").lower()


def description(code: Code) -> str:
    """The code's definition, when to use it and when not, its examples, and the `[qda]`
    block, as one text: the one place QDA-XML has for them."""
    parts = [code.description.strip()]
    parts += [prefix + getattr(code, field).strip() for field, prefix in _FIELDS if getattr(code, field).strip()]
    parts += [f'{_EXAMPLE}"{example}"' for example in code.examples]
    block = {"id": code.id}
    if code.rules:
        block["rules"] = [rule_entry(rule) for rule in code.rules]
    parts.append(dump_block(block))
    return "\n\n".join(p for p in parts if p)


def read_description(text: str) -> tuple[dict, dict | None, str]:
    """(fields, block, added) from a code's Description: fields are `definition`,
    `include`, `exclude`, `examples` (a `[qda]` description split back into them, any
    other the definition), block the `[qda]` mapping or None, added the text someone put
    after the block, which ends the definition (so callers can say so)."""
    head, block, added = split_block(text, CODE_KEYS)
    if block is None:
        return {"definition": head}, None, ""
    fields = _paragraphs(head)
    fields["definition"] = "\n\n".join(part for part in (fields["definition"], added) if part)
    return fields, block, added


def _paragraphs(head: str) -> dict:
    """The definition, "Use when:", "Not when:" and examples of the text before a block."""
    fields: dict = {"definition": [], "include": [], "exclude": [], "examples": []}
    current = fields["definition"]
    for paragraph in head.split("\n\n") if head else ():
        for field, prefix in _FIELDS:
            if paragraph.startswith(prefix):
                current = fields[field]
                paragraph = paragraph[len(prefix):]
                break
        else:
            if paragraph.startswith(_EXAMPLE):
                fields["examples"].append(paragraph[len(_EXAMPLE):].strip().removeprefix('"').removesuffix('"'))
                continue
        current.append(paragraph)
    found = {field: "\n\n".join(parts).strip() for field, parts in fields.items() if field != "examples"}
    found["examples"] = fields["examples"]
    return found


def dump_block(facts: dict) -> str:
    """A `[qda]` block: YAML, written as flat `key: value` lines (strings JSON-quoted,
    which YAML reads the same) when it can be, since a large project has one per coding.
    The closing `[/qda]` line keeps text another tool's user adds after it out of it."""
    if all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in facts.values()):
        body = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, str) else v}"
                         for k, v in facts.items())
    else:
        body = yaml.safe_dump(facts, sort_keys=False, allow_unicode=True, width=100).rstrip()
    return f"{BLOCK}\n{body}\n{BLOCK_END}"


def split_block(text: str | None, keys: frozenset[str]) -> tuple[str, dict | None, str]:
    """(before, block, after) of a Description that may hold a `[qda]` block anywhere:
    the block's mapping, and the text around it (stripped), which is someone's own, say
    a comment added in ATLAS.ti. No readable block: (the whole text, None, "").

    A block runs from a `[qda]` line to a `[/qda]` line. One without the closing line
    (written by qda before it had one) runs to the longest stretch of lines after `[qda]`
    that reads as a mapping of `keys` only: a paragraph added after it is not read as
    part of it, even one that looks like YAML ("Team note: ...")."""
    text = normalise_newlines(text or "").strip()
    starts = list(_START.finditer(text))
    if not starts:
        return text, None, ""
    start = starts[-1]
    before, rest = text[:start.start()].strip(), text[start.end():]
    end = _END.search(rest)
    if end is not None:
        block = load_block(rest[:end.start()].strip("\n"))
        return (before, block, rest[end.end():].strip()) if block is not None else (text, None, "")
    lines = rest.strip("\n").split("\n")
    for cut in range(len(lines), 0, -1):  # longest first: a block's own lines all belong to it
        block = load_block("\n".join(lines[:cut]))
        if block is not None and set(block) <= keys:
            return before, block, "\n".join(lines[cut:]).strip()
    return text, None, ""


def has_block(text: str | None) -> bool:
    """Whether a Description has a `[qda]` line, readable or not."""
    return _START.search(normalise_newlines(text or "")) is not None


def load_block(text: str) -> dict | None:
    """The mapping of a `[qda]` block's body, or None if it is not one: flat `key: value`
    lines read directly, anything else (a code's rules) by the YAML parser."""
    facts: dict = {}
    for line in text.split("\n"):
        key, sep, value = line.partition(": ")
        if not sep or not key.isidentifier():
            break
        try:
            facts[key] = json.loads(value) if value[:1] in '"-0123456789' else value
        except ValueError:
            break
    else:
        return facts or None
    try:
        found = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return found if isinstance(found, dict) else None


def add_codes(parent, codebook: Codebook, ns: str, notes: dict[str, list[str]] | None = None) -> dict[str, object]:
    """`Code` elements under `parent`, nested by hierarchy, in namespace `ns` (the
    codebook's or the project's); `notes` maps a code id to the GUIDs of notes on it.
    Returns each code's element by id."""
    elements: dict[str, object] = {}

    def add(under, code: Code) -> None:
        element = xml_element(under, f"{{{ns}}}Code", guid=code_guid(code.id), name=code.name or code.id,
                              isCodable="true", color=code.color or None)
        xml_element(element, f"{{{ns}}}Description", description(code))
        for note in (notes or {}).get(code.id, ()):
            xml_element(element, f"{{{ns}}}NoteRef", targetGUID=note)
        elements[code.id] = element
        for child in codebook.children(code.id):
            add(element, child)

    for code in codebook.codes.values():
        if code.parent is None:
            add(parent, code)
    return elements


def codebook_xml(codebook: Codebook) -> bytes:
    """The `.qdc` document for a codebook."""
    root = xml_element(None, f"{{{NS}}}CodeBook", origin="qda")
    add_codes(xml_element(root, f"{{{NS}}}Codes"), codebook, NS)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdc(codebook: Codebook, path: str | Path) -> Path:
    path = Path(path)
    atomic_write(path, lambda tmp: tmp.write_bytes(codebook_xml(codebook)))
    return path


def read_codes(codes_element, name: str, origin: str | None = None,
               where: str | None = None) -> tuple[Codebook, dict[str, str]]:
    """The codebook held by a `Codes` element of any tool's .qdc or .qdpx (`where`, for
    warnings), and each code's GUID (`guid_key`) -> code id.

    Nesting becomes `parent`; ATLAS.ti 8's flattened names (`Coke::diet Coke`) are nested
    again. Ids come from `[qda]` blocks, else from names (lower case, unique). Rules in
    a block that no longer validate are dropped with a warning, not the whole codebook;
    text added after a block, or a block that cannot be read, is warned about too.
    """
    ns = etree.QName(codes_element).namespace
    entries: list[dict] = []
    guids: dict[str, str] = {}
    taken: set[str] = set()

    def visit(element, parent: str | None) -> None:
        for child in element.findall(f"{{{ns}}}Code"):
            label = (child.get("name") or "").strip() or "code"
            found = child.find(f"{{{ns}}}Description")
            text = found.text if found is not None else ""
            fields, block, added = read_description(text)
            _say_description(where or name, label, text, block, added)
            wanted = block.get("id") if block else None
            code_id = unique_id(wanted if isinstance(wanted, str) and wanted not in taken else label, taken)
            entry = {"id": code_id, "name": label, "parent": parent, "color": _colour(child.get("color"))}
            entry.update({k: v for k, v in fields.items() if v})
            if block and block.get("rules"):
                entry["rules"] = block["rules"]
            entries.append({k: v for k, v in entry.items() if v is not None})
            guids[guid_key(child.get("guid", ""))] = code_id
            visit(child, code_id)

    visit(codes_element, None)
    if origin and origin.startswith("ATLAS.ti"):
        _nest_flattened(entries)
    return _codebook(name, entries), guids


def _say_description(where: str, label: str, text: str, block: dict | None, added: str) -> None:
    """Warn of what reading a code's description did beyond the usual."""
    if added:
        warnings.warn(f"{where}: code {label!r}: the text after its [qda] block ({_quote(added)}) was kept as "
                      "the last paragraph of its definition", stacklevel=4)
    elif block is None and has_block(text):
        warnings.warn(f"{where}: code {label!r}: its [qda] block cannot be read, so its id is made from its name, "
                      "it has no rules, and its whole description became its definition; restore the block "
                      "from the exported file to keep them", stacklevel=4)


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")


def unique_id(label: str, taken: set[str]) -> str:
    """A codebook id (lower-case letters, digits, `_`, starting with a letter) from a
    name, not in `taken` (which it joins)."""
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_") or "code"
    if not base[0].isalpha():
        base = "code_" + base
    code_id, n = base, 2
    while code_id in taken:
        code_id, n = f"{base}_{n}", n + 1
    taken.add(code_id)
    return code_id


def _colour(value: str | None) -> str | None:
    color = (value or "").strip().lower() or None
    if color and len(color) == 4:  # "#rgb" -> "#rrggbb"
        color = "#" + "".join(c * 2 for c in color[1:])
    return color


def _nest_flattened(entries: list[dict]) -> None:
    by_name = {e["name"]: e for e in entries if "parent" not in e}
    for entry in entries:
        head, sep, tail = entry["name"].rpartition("::")
        if sep and "parent" not in entry and head in by_name and tail.strip():
            entry["parent"], entry["name"] = by_name[head]["id"], tail.strip()


def _codebook(name: str, entries: list[dict]) -> Codebook:
    data = {"name": name or "imported", "version": "1", "codes": entries}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        return parse_codebook(text, name)
    except CodebookError as exc:
        if not any("rules" in e for e in entries):
            raise
        warnings.warn(f"{name}: rules carried in code descriptions no longer validate and were dropped:\n{exc}",
                      stacklevel=3)
        return _codebook(name, [{k: v for k, v in e.items() if k != "rules"} for e in entries])


def read_qdc(path: str | Path) -> Codebook:
    """The codebook of a `.qdc` from any tool (named after the file). A file that fails
    the official schema is refused."""
    from qda.refi.validate import parse_xml, validate

    problems = validate(path)
    if problems:
        raise QdaError(f"{path}: not a valid REFI-QDA codebook:\n" + "\n".join(problems[:10]))
    root = parse_xml(Path(path).read_bytes(), str(path))
    ns = etree.QName(root).namespace
    book = read_codes(root.find(f"{{{ns}}}Codes"), Path(path).stem, root.get("origin"), str(path))[0]
    sets = [(group.get("name") or "", members(code=len(group.findall(f"{{{ns}}}MemberCode"))))
            for group in root.iterfind(f"{{{ns}}}Sets/{{{ns}}}Set")]
    if sets:
        warnings.warn(f"{path}: not imported: {sets_not_held(sets)}", stacklevel=2)
    return book



def members(**counts: int) -> str:
    """What a set holds, for a report: `members(code=6, note=1)` -> "6 codes, 1 note"."""
    return ", ".join(counted(n, noun) for noun, n in counts.items() if n) or "empty"


def sets_not_held(sets: list[tuple[str, str]]) -> str:
    """The report line for sets qda has no place for: (name, `members`) each. qda groups
    documents only (as attributes), not codes or notes."""
    listed = ", ".join(f"{name!r} ({held})" for name, held in sets)
    return f"{counted(len(sets), 'set')} of codes or notes: {listed} (qda groups documents only, as attributes)"


__all__ = ["NS", "add_codes", "code_guid", "codebook_xml", "description", "guid", "guid_key",
           "read_codes", "read_description", "read_qdc", "unique_id", "write_qdc"]
