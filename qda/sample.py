"""The shipped sample study as a ready project: what a newcomer opens first.

`sample_project(path)` creates (once) a project holding the sample transcripts
(`transcripts_sample/`), the CCiN codebook (`codebooks/ccin.yaml`) and qda's rule and
metaphor suggestions, so the browser app shows a populated project at one click.
"""

from __future__ import annotations

from pathlib import Path

from qda.errors import QdaError
from qda.project import Project

ROOT = Path(__file__).resolve().parent.parent
TRANSCRIPTS = ROOT / "transcripts_sample"
CODEBOOK = ROOT / "codebooks" / "ccin.yaml"


def sample_project(path: str | Path) -> Project:
    """The sample study's project at `path`, made and auto-coded on first use."""
    path = Path(path)
    if path.exists():
        return Project.open(path)
    if not TRANSCRIPTS.is_dir() or not CODEBOOK.is_file():
        raise QdaError(f"the sample study is not here ({TRANSCRIPTS}, {CODEBOOK}); it ships with a checkout "
                       "of qda's repository, not with the installed package")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()  # an earlier attempt that died half way
    with Project.init(partial, codebook=CODEBOOK) as project:
        project.import_files([TRANSCRIPTS])
        project.autocode(("rules", "metaphor"))
    partial.rename(path)  # only a whole sample project ever has the final name
    return Project.open(path)
