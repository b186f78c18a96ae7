"""Reading REFI-QDA `.qdpx` archives that come from elsewhere, safely.

A `.qdpx` is a zip of the project XML (`project.qde`) and a flat `sources/` folder
(SPEC 8.1-8.5). Files from other people may be hostile: zip-slip names, zip bombs,
duplicate or encrypted entries. `Archive` checks the whole central directory before
anything is read, and caps every read, so callers only ever see plain bytes. Vendor
naming quirks (`Sources/`, `<ProjectName>.qde`, GUID case) are settled here, in one place
(docs/refi-qda.md, "Folder and file quirks").
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from qda.errors import QdaError

_MiB = 2**20
_CHUNK = _MiB
_DRIVE = re.compile(r"^[A-Za-z]:")
_HOSTILE = "this file is not a safe REFI-QDA project, do not open it"
_PREFIX = "internal://"


@dataclass(frozen=True)
class Limits:
    """Ceilings for archives from elsewhere (zip bombs); generous for real projects."""

    members: int = 100_000            # entries in the zip
    member_bytes: int = 2**31 - 1     # one member uncompressed (REFI spec 8.5 maximum)
    total_bytes: int = 4 * 2**30      # all members uncompressed together
    ratio: int = 200                  # uncompressed/compressed, checked for members over 1 MiB


class Archive:
    """An opened .qdpx, checked before anything is read from it."""

    path: Path
    qde: str  # member name of the project XML

    def __init__(self, path: str | Path, limits: Limits = Limits()) -> None:
        self.path = Path(path)
        self.limits = limits
        self._read_total = 0  # bytes unpacked so far: headers can lie, reads cannot
        self._zip = self._open()
        try:
            infos = self._zip.infolist()
            self._check(infos)
            self.qde = self._find_qde(infos)
            # Flat sources/ folder: "<folder>/<file>" with both parts matched without case.
            self._sources = {parts[1].lower(): info.filename for info in infos
                             if len(parts := info.filename.split("/")) == 2
                             and parts[0].lower() == "sources" and parts[1]}
        except BaseException:
            self._zip.close()
            raise

    # -- opening and checking -------------------------------------------------------

    def _fail(self, what: str) -> QdaError:
        return QdaError(f"{self.path}: {what}")

    def _open(self) -> zipfile.ZipFile:
        try:
            with self.path.open("rb") as handle:
                magic = handle.read(4)
        except OSError as exc:
            raise self._fail(f"cannot be read ({exc.strerror or exc})") from None
        if not magic:
            raise self._fail("is empty (0 bytes), not a zip archive (.qdpx files are zips); "
                             "export the project again")
        if not magic.startswith(b"PK"):
            # Exact wording relied on by tests/test_refi_project.py.
            raise self._fail("not a zip archive (.qdpx files are zips)")
        try:
            return zipfile.ZipFile(self.path)
        except OSError as exc:
            raise self._fail(f"cannot be read ({exc.strerror or exc})") from None
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise self._fail(f"damaged or truncated zip archive ({exc}); export the project again") from None

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        limits = self.limits
        if len(infos) > limits.members:
            raise self._fail(f"holds {len(infos)} entries, more than the limit of {limits.members} "
                             f"(zip bomb?); refusing it - {_HOSTILE}")
        seen: dict[str, str] = {}
        total = 0
        for info in infos:
            # orig_filename keeps what zipfile cuts off at a NUL; that trick hides names.
            name = info.orig_filename
            if "\0" in name:
                raise self._fail(f"entry {name!r} has a NUL character in its name; {_HOSTILE}")
            parts = re.split(r"[/\\]", name)
            if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
                raise self._fail(f"entry {name!r} points outside the archive (zip-slip); {_HOSTILE}")
            key = name.lower()
            if key in seen:
                raise self._fail(f"entries {seen[key]!r} and {name!r} have the same name (ignoring case), "
                                 "so which one is meant is ambiguous; export the project again")
            seen[key] = name
            if info.flag_bits & 0x1:
                raise self._fail(f"entry {name!r} is encrypted; REFI-QDA projects are not, "
                                 "so export the project again without a password")
            if info.file_size > limits.member_bytes:
                raise self._fail(f"entry {name!r} would unpack to {info.file_size} bytes, more than the "
                                 f"limit of {limits.member_bytes} (zip bomb?); refusing it - {_HOSTILE}")
            total += info.file_size
            if total > limits.total_bytes:
                raise self._fail(f"entries would unpack to more than {limits.total_bytes} bytes together "
                                 f"(zip bomb?); refusing it - {_HOSTILE}")
            # Real media and text barely compress past 10x; a huge ratio is a bomb. Small
            # members are skipped: a few KB of repeated XML can compress very well.
            if info.file_size > _MiB and info.file_size > limits.ratio * info.compress_size:
                raise self._fail(f"entry {name!r} would unpack to {info.file_size} bytes from "
                                 f"{info.compress_size}, more than {limits.ratio} times its stored size "
                                 f"(zip bomb?); refusing it - {_HOSTILE}")

    def _find_qde(self, infos: list[zipfile.ZipInfo]) -> str:
        # SPEC 8.1 says project.qde; the Annex says Project.qde; ATLAS.ti 26 writes
        # "<ProjectName>.qde". Prefer the spec's name at the root, else the only *.qde.
        names = [info.filename for info in infos if not info.is_dir()]
        for name in names:
            if name.lower() == "project.qde":
                return name
        found = [name for name in names if name.lower().endswith(".qde")]
        if not found:
            raise self._fail("no project.qde inside, so it is not a REFI-QDA project; "
                             "export it again as .qdpx from the tool that made it")
        if len(found) > 1:
            raise self._fail(f"several project files inside ({', '.join(map(repr, found))}) and none is "
                             "project.qde, so which is the project is ambiguous; keep only one")
        return found[0]

    # -- reading --------------------------------------------------------------------

    def _read(self, name: str) -> bytes:
        """A member's bytes, never more than the limits allow whatever its header says."""
        limits = self.limits
        cap = limits.member_bytes + 1  # one byte over is enough to know it is too big
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(name) as member:
                while size < cap:
                    chunk = member.read(min(_CHUNK, cap - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                    if self._read_total + size > limits.total_bytes:
                        raise self._fail(f"entries unpack to more than {limits.total_bytes} bytes together, "
                                         f"more than their headers say (zip bomb?); refusing it - {_HOSTILE}")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise self._fail(f"entry {name!r} cannot be unpacked ({exc}); the archive is damaged, "
                             "export the project again") from None
        if size > limits.member_bytes:
            raise self._fail(f"entry {name!r} unpacks to more than {limits.member_bytes} bytes, more than its "
                             f"header says (zip bomb?); refusing it - {_HOSTILE}")
        self._read_total += size
        return b"".join(chunks)

    def project_xml(self) -> bytes:
        """The project XML's bytes (not parsed: use `qda.refi.validate.parse_xml`)."""
        return self._read(self.qde)

    def member_for(self, internal: str) -> str | None:
        """The zip member an `internal://<file>` path names, or None if it is not there.

        Only a bare file name in `sources/` is resolvable: anything with a separator or
        `..` would reach outside that folder, so it is treated as absent."""
        if not internal.startswith(_PREFIX):
            return None
        file = internal[len(_PREFIX):]
        if not file or "/" in file or "\\" in file or ".." in file or "\0" in file:
            return None
        return self._sources.get(file.lower())  # vendors differ in GUID case

    def read_source(self, internal: str) -> bytes:
        """The bytes of the source an `internal://` path names; QdaError if it is absent."""
        member = self.member_for(internal)
        if member is None:
            raise self._fail(f"{internal} is not in the archive's sources/ folder; the project refers to "
                             "a file it does not hold, export it again with its sources")
        return self._read(member)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()
