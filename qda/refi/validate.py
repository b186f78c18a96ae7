"""Checking REFI-QDA files: the official XSD, then what the XSD cannot say."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree
from lxml import etree

from qda.errors import QdaError
from qda.readers.decode import decode_raw
from qda.refi.archive import Archive
from qda.refi.codebook import guid_key

_SCHEMAS = Path(__file__).with_name("schemas")
# Files from elsewhere: no DTDs, no entity expansion, no network (billion laughs, XXE).
# huge_tree lifts libxml2's 10 MB ceiling on one text node (a long transcript inline in
# PlainTextContent is valid REFI-QDA); what that ceiling guards against, entity expansion,
# never reaches lxml: `parse_xml` refuses any DTD or entity first. Nesting stays capped
# (2048 levels), and a project's XML is capped by the archive's limits.
SAFE_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True)
# libxml2's words when a ceiling is hit, not a fault in the file.
_PARSER_LIMITS = ("Resource limit exceeded", "Excessive depth", "XML_PARSE_HUGE")
_NO_ENTITIES = ("REFI-QDA files have none, and entities are how XML bombs and external-file attacks work; "
                "refusing it")


class _Discard:
    def close(self) -> None:
        return None


def parse_xml(data: bytes, where: str) -> etree._Element:
    """The root of XML from elsewhere, or QdaError naming `where`.

    defusedxml refuses any DTD, entity or external reference first (lxml's own switches
    only stop expansion, and quietly keep the declarations); lxml then builds the tree
    that schema validation and the rest of qda use."""
    # The gate builds no tree (a target with no start/end handlers): a large project's
    # XML is not held twice.
    gate = defusedxml.ElementTree.DefusedXMLParser(target=_Discard(), forbid_dtd=True, forbid_entities=True,
                                                   forbid_external=True)
    try:
        gate.feed(data)
        gate.close()
    except defusedxml.DTDForbidden:
        raise QdaError(f"{where}: contains a DTD (<!DOCTYPE ...>) and so can declare entities; "
                       f"{_NO_ENTITIES}") from None
    except defusedxml.EntitiesForbidden:
        raise QdaError(f"{where}: contains entity declarations; {_NO_ENTITIES}") from None
    except defusedxml.ExternalReferenceForbidden:
        raise QdaError(f"{where}: refers to an external file or URL; {_NO_ENTITIES}") from None
    except ParseError as exc:
        raise _not_xml(where, exc) from None
    try:
        return etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        if any(limit in str(exc) for limit in _PARSER_LIMITS):
            raise QdaError(f"{where}: goes past a limit of the XML parser ({exc}): one text over 1 GB, or "
                           "elements nested more than 2048 deep. The file is not damaged, but qda cannot "
                           "read it; export the project with its texts as files in sources/, or in parts") from None
        raise _not_xml(where, exc) from None
    except ValueError as exc:
        raise _not_xml(where, exc) from None


def _not_xml(where: str, exc: Exception) -> QdaError:
    return QdaError(f"{where}: not well-formed XML ({exc}); it is damaged or not REFI-QDA, export it again")


@lru_cache(maxsize=2)
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_SCHEMAS / name)))


def validate(path: str | Path) -> list[str]:
    """Problems found in a `.qdc` or `.qdpx` file (an empty list: valid): the official
    XSD first, then what it cannot check."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".qdc", ".qdpx"):
        raise QdaError(f"{path}: qda validates .qdc codebooks and .qdpx projects (got {suffix or 'no extension'})")
    try:
        if suffix == ".qdc":
            return check_xml(path.read_bytes(), "Codebook.xsd", str(path))[0]
        path.open("rb").close()  # an unreadable file is the caller's error, not a problem in it
    except OSError as exc:
        raise QdaError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return _check_qdpx(path, str(path))


def check_xml(data: bytes, xsd: str, where: str) -> tuple[list[str], etree._Element | None]:
    """(problems, root) of XML from elsewhere against the official schema `xsd`, with
    GUIDs unique per kind of object; root is None if the XML could not be parsed safely."""
    try:
        document = parse_xml(data, where)
    except QdaError as exc:  # hostile or malformed: a problem to report, not a crash
        return [str(exc)], None
    checker = schema(xsd)
    problems = [f"{where}, line {e.line}: {e.message}" for e in checker.error_log] \
        if not checker.validate(document) else []
    # The same GUID on two objects of one kind is ambiguous; across kinds it is allowed
    # (the spec's own example gives a PDF selection and its text selection one GUID).
    seen: set[tuple[str, str]] = set()
    for element in document.iter():
        value = element.get("guid") if isinstance(element.tag, str) else None
        if value is None:
            continue
        key = (etree.QName(element).localname, guid_key(value))
        if key in seen:
            problems.append(f"{where}: GUID {value} is used by more than one {key[0]}")
        seen.add(key)
    return problems, document


def _check_qdpx(path: Path, where: str) -> list[str]:
    try:
        with Archive(path) as archive:
            return _check_project(archive, where)
    except QdaError as exc:  # the archive is refused (hostile, damaged): that is the one problem
        return [str(exc)]


def _check_project(archive: Archive, where: str) -> list[str]:
    problems, document = check_xml(archive.project_xml(), "Project-mrt2019.xsd", f"{where}:{archive.qde}")
    if document is None:
        return problems
    ns = "{urn:QDA-XML:project:1.0}"
    guids = {guid_key(e.get("guid")) for e in document.iter() if isinstance(e.tag, str) and e.get("guid")}
    for element in document.iter():
        target = element.get("targetGUID") if isinstance(element.tag, str) else None
        if target is not None and guid_key(target) not in guids:
            problems.append(f"{where}: {etree.QName(element).localname} points to GUID {target}, which nothing has")
    for source in document.iter(f"{ns}TextSource"):
        inline = source.find(f"{ns}PlainTextContent")
        path = source.get("plainTextPath")
        if (inline is None) == (path is None):
            problems.append(f"{where}: TextSource {source.get('name')!r} needs exactly one of PlainTextContent "
                            "or plainTextPath")
            continue
        if inline is not None:
            text = inline.text or ""
        elif path.startswith("internal://"):
            if archive.member_for(path) is None:
                problems.append(f"{where}: {path} is not in the archive's sources/ folder")
                continue
            try:  # decoded as import decodes it (BOM dropped, UTF-16 understood)
                text = decode_raw(archive.read_source(path), f"{where}: {path}")
            except QdaError as exc:
                problems.append(str(exc))
                continue
        else:
            continue  # relative or absolute paths point outside the archive
        for selection in source.iter(f"{ns}PlainTextSelection"):
            try:
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            except (TypeError, ValueError):
                continue  # missing or not an integer: the XSD check has reported it already
            if not 0 <= start <= end <= len(text):
                problems.append(f"{where}: selection {selection.get('guid')} spans {start}..{end} outside "
                                f"{source.get('name')!r} ({len(text)} code points)")
    return problems
