"""Errors a user can cause, with messages that say what to do.

The CLI prints these without a traceback and exits non-zero; anything else escaping
is a bug in qda.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class QdaError(Exception):
    """Base class: a problem with the user's input, settings or environment."""


class InputError(QdaError):
    """A transcript (or other input file) cannot be read."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class Problem:
    """One validation problem in a file: where it is and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class CodebookError(QdaError):
    """A codebook failed validation; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"codebook has {len(problems)} {noun}:\n{lines}")


class ModelError(QdaError):
    """A language model is missing or cannot be loaded."""


class OutputError(QdaError):
    """An output cannot be written (unknown format, unwritable place)."""
