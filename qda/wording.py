"""Wording shared by qda's reports and messages."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """`counted(1, "code")` -> "1 code", `counted(1200, "coding")` -> "1,200 codings"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
