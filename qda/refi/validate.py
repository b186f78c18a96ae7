"""Checking REFI-QDA files: the official XSD, then what the XSD cannot say."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from qda.errors import QdaError

_SCHEMAS = Path(__file__).with_name("schemas")
# Files from elsewhere: no DTDs, no entity expansion, no network (billion laughs, XXE).
SAFE_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


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
        data = path.read_bytes()
    except OSError as exc:
        raise QdaError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if suffix == ".qdc":
        return _check_xml(data, "Codebook.xsd", str(path))[0]
    return _check_qdpx(data, str(path))


def _check_xml(data: bytes, xsd: str, where: str):
    try:
        document = etree.fromstring(data, SAFE_PARSER)
    except Exception as exc:  # noqa: BLE001 - malformed or hostile XML fails in many ways
        return [f"{where}: not well-formed, safe XML ({type(exc).__name__}: {exc})"], None
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
        key = (etree.QName(element).localname, _key(value))
        if key in seen:
            problems.append(f"{where}: GUID {value} is used by more than one {key[0]}")
        seen.add(key)
    return problems, document


def _key(value: str) -> str:
    return value.strip().strip("{}").lower()


def _check_qdpx(data: bytes, where: str) -> list[str]:
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [f"{where}: not a zip archive (.qdpx files are zips)"]
    names = {name.lower(): name for name in archive.namelist()}
    qde = names.get("project.qde") or next((n for n in archive.namelist() if n.lower().endswith(".qde")), None)
    if qde is None:
        return [f"{where}: no project.qde inside"]
    problems, document = _check_xml(archive.read(qde), "Project-mrt2019.xsd", f"{where}:{qde}")
    if document is None:
        return problems
    ns = "{urn:QDA-XML:project:1.0}"
    guids = {_key(e.get("guid")) for e in document.iter() if isinstance(e.tag, str) and e.get("guid")}
    for element in document.iter():
        target = element.get("targetGUID") if isinstance(element.tag, str) else None
        if target is not None and _key(target) not in guids:
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
            member = names.get(f"sources/{path.removeprefix('internal://')}".lower())
            if member is None:
                problems.append(f"{where}: {path} is not in the archive's sources/ folder")
                continue
            text = archive.read(member).decode("utf-8-sig", errors="replace")
        else:
            continue  # relative or absolute paths point outside the archive
        for selection in source.iter(f"{ns}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            if not 0 <= start <= end <= len(text):
                problems.append(f"{where}: selection {selection.get('guid')} spans {start}..{end} outside "
                                f"{source.get('name')!r} ({len(text)} code points)")
    return problems
