"""Two processes coding one project at once, and a process killed in the middle of an import.

Real processes (not threads) against a real SQLite file and a real PostgreSQL server,
because both failure modes live in the database's locking and journaling.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from qda.project import Project

from conftest import CCIN, ROOT, SAMPLE

ACTIONS_EACH = 60

# Each worker waits for the go file, then codes, accepts and memos as fast as it can.
WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from qda.project import Project
    target, coder, go, n = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    with Project.open(target) as project:
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.01)
        for i in range(n):
            coding = project.code("interview_01", i, i + 10, "drift", coder)
            project.accept(coding, coder)
            project.memo(f"{coder} {i}", coder, on=f"coding:{coding}")
    print("done", flush=True)
""")


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _wait_for(process: subprocess.Popen, line: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = process.stdout.readline()
        if got.strip() == line:
            return
        if not got and process.poll() is not None:
            break
    process.kill()
    pytest.fail(f"worker never printed {line!r}: {process.stderr.read()}")


def test_two_processes_coding_at_once_lose_no_action(project_target, tmp_path):
    with Project.init(project_target, codebook=CCIN) as project:
        project.import_files(SAMPLE / "interview_01.txt")
    go = tmp_path / "go"
    workers = [_start(WORKER, project_target, name, str(go), str(ACTIONS_EACH)) for name in ("Ruth", "Sam")]
    for worker in workers:
        _wait_for(worker, "ready")
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err

    with Project.open(project_target) as project:
        for name in ("Ruth", "Sam"):
            mine = project.codings(coder=[name])
            assert len(mine) == ACTIONS_EACH and {c.status for c in mine} == {"accepted"}
            assert sorted(c.start for c in mine) == list(range(ACTIONS_EACH))
            assert all(c.memo.startswith(name) for c in mine)
        log = project.log()
        assert log.action.value_counts()[["code", "accept", "memo"]].tolist() == [2 * ACTIONS_EACH] * 3
        # The two processes really did interleave: neither ran all its actions first.
        people = log.sort_values("id").coder[log.coder.isin(["Ruth", "Sam"])].tolist()
        assert people[: 3 * ACTIONS_EACH] != [people[0]] * (3 * ACTIONS_EACH)


# Imports the whole sample, but stops for good (until killed) inside or after the
# transaction, as the test asks: a pause the test can aim its SIGKILL at.
IMPORTER = textwrap.dedent("""
    import sys, time
    from qda.project import Project
    from qda.store import documents
    target, when = sys.argv[1], sys.argv[2]
    real, seen = documents.append, []
    def append(*args, **kwargs):
        seen.append(1)
        if when == "inside" and len(seen) == 5:
            print("paused", flush=True)
            time.sleep(3600)
        return real(*args, **kwargs)
    documents.append = append
    with Project.open(target) as project:
        report = project.import_files(sys.argv[3])
    print("paused", flush=True)
    time.sleep(3600)
""")


@pytest.mark.parametrize("when", ["inside", "after"])
def test_sigkill_during_import_leaves_the_import_whole_or_absent(project_target, when):
    with Project.init(project_target, codebook=CCIN) as project:
        project.import_files(SAMPLE / "interview_01.txt")
        project.code("interview_01", 0, 10, "drift", "Ruth")
    importer = _start(IMPORTER, project_target, when, str(SAMPLE))
    _wait_for(importer, "paused")
    importer.send_signal(signal.SIGKILL)
    importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL

    everything = len(list(SAMPLE.glob("*.txt")))
    with Project.open(project_target) as project:
        ids = [doc.id for doc in project.corpus()]
        expected = everything if when == "after" else 1
        assert len(ids) == expected
        assert len(project.codings()) == 1
        imports = (project.log().action == "import").sum()
        assert imports == expected
        # Readable and writable again at once: no lock or half-written state left behind.
        project.code("interview_01", 20, 30, "drift", "Ruth")
        report = project.import_files(SAMPLE)
        assert len(report.added) == everything - expected
