"""Checking REFI-QDA files: the official XSD, then what the XSD cannot say."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from qda.errors import QdaError

_SCHEMAS = Path(__file__).with_name("schemas")
# Files from elsewhere: no DTDs, no entity expansion, no network (billion laughs, XXE).
_SAFE = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


@lru_cache(maxsize=2)
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_SCHEMAS / name)))


def validate(path: str | Path) -> list[str]:
    """Problems found in a `.qdc` file (an empty list: valid)."""
    path = Path(path)
    if path.suffix.lower() != ".qdc":
        raise QdaError(f"{path}: qda validates .qdc codebooks here (got {path.suffix or 'no extension'})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QdaError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        document = etree.fromstring(data, _SAFE)
    except Exception as exc:  # noqa: BLE001 - malformed or hostile XML fails in many ways
        return [f"{path}: not well-formed, safe XML ({type(exc).__name__}: {exc})"]
    checker = schema("Codebook.xsd")
    problems = [f"{path}, line {e.line}: {e.message}" for e in checker.error_log] \
        if not checker.validate(document) else []
    guids = [e.get("guid") for e in document.iter("{urn:QDA-XML:codebook:1.0}Code")]
    seen: set[str] = set()
    for value in guids:
        key = (value or "").strip("{}").lower()
        if key in seen:
            problems.append(f"{path}: GUID {value} is used by more than one code")
        seen.add(key)
    return problems
