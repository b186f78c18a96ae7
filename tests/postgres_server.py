"""A throwaway PostgreSQL server for the store tests, started from the Debian packages.

`.ci/run` installs `postgresql` and sets QDA_REQUIRE_POSTGRES=1, so in CI a missing
server fails the run instead of skipping tests. QDA_TEST_POSTGRES_URL points the tests
at a server you already run (it must allow CREATE DATABASE).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

REQUIRED = os.environ.get("QDA_REQUIRE_POSTGRES") == "1"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """initdb into a temp folder, start on loopback, stop and delete on `stop()`."""

    def __init__(self, bin_dir: Path, root: Path | None = None):
        self.bin = bin_dir
        self.root = root or Path(tempfile.mkdtemp(prefix="qda-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        # PostgreSQL refuses to run as root; run it as the Debian package's `postgres` user.
        self.user_prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.user_prefix and root is None:
            shutil.chown(self.root, "postgres")
            self.root.chmod(0o700)

    def _run(self, *args: str) -> None:
        subprocess.run([*self.user_prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "qda", "--auth=trust",
                  "--encoding=UTF8", "--no-instructions")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                  "-o", options, "-w", "start")
        return f"postgresql://qda@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"PostgreSQL is required here (QDA_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"no PostgreSQL: {reason} (install Debian's postgresql package to run these)")


def new_database(admin_url: str) -> str:
    """A fresh, empty database on the server; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "qda_test_" + uuid.uuid4().hex[:12]
    url = make_url(admin_url).set(drivername="postgresql+psycopg")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def wait_ready(url: str, seconds: float = 30) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    deadline = time.monotonic() + seconds
    while True:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    engine.dispose()


def main(argv: list[str]) -> int:
    """`python tests/postgres_server.py start` prints `URL DATA_ROOT`; `stop DATA_ROOT` ends it.

    `.ci/run` starts one server this way for the whole test run.
    """
    if argv[:1] == ["start"]:
        bin_dir = _binaries()
        if bin_dir is None:
            print("no PostgreSQL binaries (initdb) found", file=sys.stderr)
            return 1
        server = Server(bin_dir)
        print(server.start(), server.root)
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        Server(_binaries(), root=Path(argv[1])).stop()
        return 0
    print("usage: postgres_server.py start | stop DATA_ROOT", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
