"""Hostile REFI-QDA files: zip-slip, zip bombs, odd archives and XML bombs are refused
with a message that names the file; vendor layouts (Sources/, <Name>.qde, .root) still open.

Every archive is built small in tmp_path; bombs are caught from their headers, so nothing
large is ever unpacked. The one exception is honest: a 13 MB inline text, which must be
read (large is not hostile)."""

from __future__ import annotations

import struct
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import pytest

from qda.errors import QdaError
from qda.refi.archive import Archive, Limits
from qda.refi.validate import parse_xml, validate

NVIVO = Path("/work/shared/refi-qda/examples/nvivo-mac15_qualitative-coding.qdpx")
GUID = "6b1ac6c0-63cb-4f4a-9d6b-5a0e4c7f2a11"
TEXT = b"Hello, world."


def _project(path: str = f"internal://{GUID.upper()}.txt", name: str = "p") -> bytes:
    """A minimal valid project.qde with one text source and one selection in it."""
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="{name}">'
            f'<Sources><TextSource guid="{GUID}" name="t" plainTextPath="{path}">'
            f'<PlainTextSelection guid="{GUID[:-1]}2" startPosition="0" endPosition="5"/>'
            "</TextSource></Sources></Project>").encode()


def _zip(path: Path, entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on the duplicate names we make on purpose
        with zipfile.ZipFile(path, "w", compression=compression) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return path


def _patch(path: Path, name: str, *, flag: int = 0, size: int | None = None, rename: bytes | None = None) -> None:
    """Rewrite an entry's local and central headers: set flag bits, claim another
    uncompressed size, or swap its name for one of the same length (zipfile cannot write these)."""
    data = bytearray(path.read_bytes())
    raw = name.encode()
    # (signature, offset of name length, offset of name, of flags, of uncompressed size)
    for sig, len_at, name_at, flag_at, size_at in ((b"PK\x03\x04", 26, 30, 6, 22), (b"PK\x01\x02", 28, 46, 8, 24)):
        at = 0
        while (at := data.find(sig, at)) >= 0:
            (length,) = struct.unpack_from("<H", data, at + len_at)
            if data[at + name_at:at + name_at + length] == raw:
                struct.pack_into("<H", data, at + flag_at, struct.unpack_from("<H", data, at + flag_at)[0] | flag)
                if size is not None:
                    struct.pack_into("<I", data, at + size_at, size)
                if rename is not None:
                    data[at + name_at:at + name_at + length] = rename
            at += 4
    path.write_bytes(bytes(data))


def _refused(path: Path, *fragments: str, limits: Limits | None = None) -> str:
    """Archive refuses `path` with a message that starts with the file and holds `fragments`;
    with default limits, validate() reports that same message as the file's one problem."""
    with pytest.raises(QdaError) as info:
        Archive(path, limits or Limits())
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    for fragment in fragments:
        assert fragment in message, message
    if limits is None:
        assert validate(path) == [message]
    return message


# -- zip-slip and odd entries -------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x", "/abs", "C:/x", "c:x", "sources/../../x", "..\\x", "\\abs",
                                  "sources\\..\\..\\x", "sources/.."])
def test_entries_that_point_outside_the_archive_refuse_it(tmp_path, name):
    path = _zip(tmp_path / "slip.qdpx", [("project.qde", _project()), (name, b"evil")])
    _refused(path, repr(name), "zip-slip", "do not open it")


def test_a_nul_in_an_entry_name_refuses_the_archive(tmp_path):
    path = _zip(tmp_path / "nul.qdpx", [("project.qde", _project()), ("sources/evil.txt.exe", b"x")])
    _patch(path, "sources/evil.txt.exe", rename=b"sources/evil.txt\0exe")
    _refused(path, "NUL")


@pytest.mark.parametrize("second", ["sources/a.txt", "Sources/A.TXT"])
def test_two_entries_with_one_name_are_ambiguous(tmp_path, second):
    path = _zip(tmp_path / "twice.qdpx", [("project.qde", _project()), ("sources/a.txt", b"1"), (second, b"2")])
    _refused(path, "'sources/a.txt'", repr(second), "ambiguous")


def test_encrypted_entries_are_refused(tmp_path):
    path = _zip(tmp_path / "locked.qdpx", [("project.qde", _project()), ("sources/a.txt", b"secret")])
    _patch(path, "sources/a.txt", flag=0x1)
    _refused(path, "'sources/a.txt'", "encrypted")


# -- zip bombs --------------------------------------------------------------------------

def test_a_deflate_bomb_is_refused_from_its_header_without_unpacking(tmp_path):
    path = tmp_path / "bomb.qdpx"
    zeros = bytes(2**20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _project())
        with archive.open("sources/zeros.txt", "w") as member:  # 50 MiB streamed, ~50 KB stored
            for _ in range(50):
                member.write(zeros)
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        message = _refused(path, "'sources/zeros.txt'", "zip bomb?", "200 times")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20, peak  # refused from the header: nothing was unpacked
    assert str(50 * 2**20) in message


def test_small_members_may_compress_well(tmp_path):
    path = _zip(tmp_path / "xml.qdpx", [("project.qde", _project()), (f"sources/{GUID}.txt", TEXT),
                                        ("sources/notes.txt", bytes(2**20))], zipfile.ZIP_DEFLATED)
    assert validate(path) == []


def test_too_many_members(tmp_path):
    path = _zip(tmp_path / "many.qdpx", [("project.qde", _project())] + [(f"sources/{i}.txt", b"") for i in range(5)])
    _refused(path, "6 entries", "limit of 5", "zip bomb?", limits=Limits(members=5))
    Archive(path, Limits(members=6)).close()


def test_a_member_over_the_size_limit(tmp_path):
    path = _zip(tmp_path / "big.qdpx", [("project.qde", _project()), ("sources/big.txt", b"x" * 1001)])
    _refused(path, "'sources/big.txt'", "1001 bytes", "limit of 1000", "zip bomb?",
             limits=Limits(member_bytes=1000))


def test_members_over_the_total_limit(tmp_path):
    path = _zip(tmp_path / "total.qdpx", [("project.qde", _project()), ("sources/a.txt", b"x" * 1000),
                                          ("sources/b.txt", b"x" * 1000)])
    _refused(path, "more than 1500 bytes together", "zip bomb?", limits=Limits(total_bytes=1500))


def test_a_header_that_understates_the_size_is_not_believed(tmp_path):
    # The header claims 10 bytes, the member holds 10,000: ten times member_bytes.
    path = _zip(tmp_path / "liar.qdpx", [("project.qde", _project()), (f"sources/{GUID}.txt", b"x" * 10_000)])
    _patch(path, f"sources/{GUID}.txt", size=10)
    with Archive(path, Limits(member_bytes=1000)) as archive:  # the headers pass
        with pytest.raises(QdaError) as info:
            archive.read_source(f"internal://{GUID}.txt")
    assert str(info.value).startswith(f"{path}: ") and f"sources/{GUID}.txt" in str(info.value)
    assert validate(path)[0].startswith(f"{path}: ")


def test_reads_stop_at_the_limits_even_when_the_header_was_believed(tmp_path):
    # Whatever the zip library makes of a header, a read never goes past the limits.
    path = _zip(tmp_path / "fat.qdpx", [("project.qde", _project()), (f"sources/{GUID}.txt", b"x" * 10_000)])
    with Archive(path) as archive:
        archive.limits = Limits(member_bytes=100)
        with pytest.raises(QdaError, match="more than 100 bytes, more than its header says"):
            archive.read_source(f"internal://{GUID}.txt")
    with Archive(path) as archive:
        archive.limits = Limits(total_bytes=5_000)
        with pytest.raises(QdaError, match="more than 5000 bytes together"):
            archive.read_source(f"internal://{GUID}.txt")
    with Archive(path, Limits(total_bytes=12_000)) as archive:  # the running total counts every read
        archive.read_source(f"internal://{GUID}.txt")
        with pytest.raises(QdaError, match="together"):
            archive.read_source(f"internal://{GUID}.txt")


# -- not a project --------------------------------------------------------------------

def test_not_a_zip_empty_truncated_or_missing(tmp_path):
    junk = tmp_path / "junk.qdpx"
    junk.write_bytes(b"not a zip")
    assert _refused(junk) == f"{junk}: not a zip archive (.qdpx files are zips)"
    empty = tmp_path / "empty.qdpx"
    empty.write_bytes(b"")
    _refused(empty, "empty", "not a zip archive")
    good = _zip(tmp_path / "good.qdpx", [("project.qde", _project()), (f"sources/{GUID}.txt", TEXT)])
    cut = tmp_path / "cut.qdpx"
    cut.write_bytes(good.read_bytes()[:200])
    _refused(cut, "damaged or truncated zip archive")
    _refused(tmp_path / "absent.qdpx", "cannot be read", limits=Limits())
    with pytest.raises(QdaError, match="cannot be read"):
        validate(tmp_path / "absent.qdpx")  # the caller's mistake, not a problem in a file


def test_no_project_file_or_several(tmp_path):
    none = _zip(tmp_path / "none.qdpx", [(f"sources/{GUID}.txt", TEXT)])
    _refused(none, "no project.qde inside")
    two = _zip(tmp_path / "two.qdpx", [("a/One.qde", _project()), ("Two.qde", _project())])
    _refused(two, "'a/One.qde'", "'Two.qde'", "ambiguous")
    # project.qde at the top wins over any other .qde
    both = _zip(tmp_path / "both.qdpx", [("Project.qde", _project()), ("backup/old.qde", b"<x/>"),
                                         (f"sources/{GUID}.txt", TEXT)])
    with Archive(both) as archive:
        assert archive.qde == "Project.qde"
    assert validate(both) == []


# -- vendor layouts ----------------------------------------------------------------------

def test_capitalised_sources_and_an_atlas_style_project_name_are_found(tmp_path):
    path = _zip(tmp_path / "atlas.qdpx", [("My Project.qde", _project(path=f"internal://{GUID}.TXT")),
                                          ("Sources/", b""), (f"Sources/{GUID.upper()}.txt", TEXT)])
    with Archive(path) as archive:
        assert archive.qde == "My Project.qde"
        assert archive.project_xml().startswith(b"<?xml")
        assert archive.member_for(f"internal://{GUID}.txt") == f"Sources/{GUID.upper()}.txt"
        assert archive.read_source(f"internal://{GUID}.TXT") == TEXT
    assert validate(path) == []


def test_unknown_entries_like_nvivos_root_marker_are_ignored(tmp_path):
    path = _zip(tmp_path / "nvivo.qdpx", [("sources/.root", b""), ("project.qde", _project()),
                                          (f"sources/{GUID}.txt", TEXT), ("thumbs/preview.png", b"\x89PNG")])
    assert validate(path) == []


@pytest.mark.parametrize("internal", ["internal://../project.qde", "internal://../../etc/passwd",
                                      "internal://..", "internal://sub/x.txt", "internal://..\\project.qde",
                                      "internal://", "internal://missing.txt", f"relative:///{GUID}.txt",
                                      f"sources/{GUID}.txt"])
def test_internal_paths_never_reach_outside_sources(tmp_path, internal):
    path = _zip(tmp_path / "p.qdpx", [("project.qde", _project()), (f"sources/{GUID}.txt", TEXT),
                                      ("sources/sub/x.txt", b"nested")])
    with Archive(path) as archive:
        assert archive.member_for(internal) is None
        with pytest.raises(QdaError) as info:
            archive.read_source(internal)
    assert str(info.value).startswith(f"{path}: ") and internal in str(info.value)


def test_a_project_pointing_outside_sources_is_a_problem(tmp_path):
    path = _zip(tmp_path / "p.qdpx", [("project.qde", _project(path="internal://../project.qde"))])
    assert validate(path) == [f"{path}: internal://../project.qde is not in the archive's sources/ folder"]


@pytest.mark.skipif(not NVIVO.exists(), reason="the NVivo example is not in /work/shared")
def test_a_real_nvivo_export_still_validates():
    with Archive(NVIVO) as archive:
        assert archive.qde == "project.qde"
    assert validate(NVIVO) == []


# -- XML bombs and external entities ------------------------------------------------------

def _laughs() -> str:
    lines = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return f"<!DOCTYPE lolz [{''.join(lines)}]>"


XXE = '<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
PROJECT = '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Description>{}</Description></Project>'
CODEBOOK = (f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{GUID}" name="c" isCodable="true">'
            "<Description>{}</Description></Code></Codes></CodeBook>")
HOSTILE = {"billion laughs": (_laughs(), "&lol9;"), "external entity": (XXE, "&x;"),
           "external DTD": ('<!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">', "text")}


@pytest.mark.parametrize("kind", HOSTILE)
def test_parse_xml_refuses_dtds_and_entities(kind):
    doctype, use = HOSTILE[kind]
    with pytest.raises(QdaError) as info:
        parse_xml(f'<?xml version="1.0"?>{doctype}{PROJECT.format(use)}'.encode(), "here.qde")
    message = str(info.value)
    assert message.startswith("here.qde: contains a DTD") and "refusing it" in message
    assert "root:" not in message


def test_parse_xml_returns_the_lxml_root_or_says_it_is_not_xml():
    root = parse_xml(PROJECT.format("fine").encode(), "ok.qde")
    assert root.get("name") == "p" and root.getroottree().docinfo is not None
    with pytest.raises(QdaError, match=r"^broken.qde: not well-formed XML"):
        parse_xml(b"<Project><unclosed></Project>", "broken.qde")


@pytest.mark.parametrize("kind", HOSTILE)
def test_validate_reports_hostile_xml_in_a_project_and_a_codebook(tmp_path, kind):
    doctype, use = HOSTILE[kind]
    qdc = tmp_path / "hostile.qdc"
    qdc.write_text(f'<?xml version="1.0"?>{doctype}{CODEBOOK.format(use)}', encoding="utf-8")
    problems = validate(qdc)
    assert len(problems) == 1 and problems[0].startswith(f"{qdc}: contains a DTD")
    qdpx = _zip(tmp_path / "hostile.qdpx", [("project.qde", f'<?xml version="1.0"?>{doctype}{PROJECT.format(use)}'
                                             .encode())])
    problems = validate(qdpx)
    assert len(problems) == 1 and problems[0].startswith(f"{qdpx}:project.qde: contains a DTD")
    assert all("root:" not in p for p in problems)


# -- large but honest files ---------------------------------------------------------------

def test_a_text_over_ten_megabytes_is_read(tmp_path):
    # libxml2 refuses text nodes over 10 MB unless told otherwise; REFI-QDA sets no such limit.
    text = "Interviewer: Was it a grey area?\n" * 400_000  # 13 MB, inline
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>'
           f'<TextSource guid="{GUID}" name="t"><PlainTextContent>{text}</PlainTextContent></TextSource>'
           "</Sources></Project>").encode()
    assert len(qde) > 10 * 2**20
    root = parse_xml(qde, "big.qde")
    assert len(root.find(".//{urn:QDA-XML:project:1.0}PlainTextContent").text) == len(text)
    assert validate(_zip(tmp_path / "big.qdpx", [("project.qde", qde)])) == []


def test_a_parser_limit_is_called_a_limit_not_damage():
    deep = b'<Project xmlns="urn:QDA-XML:project:1.0" name="p">' + b"<a>" * 3000 + b"</a>" * 3000 + b"</Project>"
    with pytest.raises(QdaError) as info:
        parse_xml(deep, "deep.qde")
    message = str(info.value)
    assert message.startswith("deep.qde: goes past a limit of the XML parser") and "not damaged" in message
