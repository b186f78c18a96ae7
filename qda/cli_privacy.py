"""`qda pseudonymise` and `qda risk`: the command-line face of `qda.pseudonymise`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer


def pseudonymise(
    paths: List[Path] = typer.Argument(..., help="Transcript files or folders (or pseudonymised ones, with --reverse)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the copies (same file names and formats)."),
    key: Path = typer.Option(..., "--key", "-k", help="Key CSV (reused and extended if it exists); keep it apart."),
    register: Optional[Path] = typer.Option(None, help="Your register CSV: original, pseudonym, type, aliases."),
    style: str = typer.Option("names", help="People become made-up `names` or `tags` ([Person 1])."),
    dates: str = typer.Option("month", help="Specific dates: keep, month, year or remove."),
    allow: Optional[Path] = typer.Option(None, help="Text file of extra terms never to replace, one per line."),
    reverse: bool = typer.Option(False, "--reverse", help="Restore originals from the key instead."),
    k: int = typer.Option(3, "--k", help="Risk report: flag attribute values held by fewer than k participants."),
) -> None:
    """Replace names, places, institutions, contact details and dates with consistent pseudonyms."""
    from . import readers
    from .errors import QdaError
    from .pseudonymise import pseudonymise_files, reverse_files
    from .pseudonymise.risk import risk_report

    if reverse:
        result = reverse_files(paths, out, key)
        print(f"{sum(result.outputs.values())} replacements reversed in {len(result.outputs)} files -> {out}",
              file=sys.stderr)
        return
    terms: list[str] = []
    if allow is not None:
        try:
            terms = [line.strip() for line in allow.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            raise QdaError(f"{allow}: cannot be read as a UTF-8 list of terms ({exc})") from None
    result = pseudonymise_files(paths, out, key, register=register, style=style, dates=dates, allow=terms)
    report = risk_report(readers.read_corpus(list(result.outputs)), k=k)
    # Beside the output folder: the report quotes what remains in the copies, for you to check.
    risk_file = out.with_name(out.name + ".risk.md")
    report.write(risk_file)
    print(f"{sum(result.outputs.values())} replacements in {len(result.outputs)} files -> {out}; "
          f"key ({result.entities} entities) -> {key}; risk report -> {risk_file}", file=sys.stderr)
    for copy, n in result.pictures.items():
        print(f"warning: {copy}: {n} picture{'s' if n > 1 else ''} kept as in the original: look at "
              f"{'them' if n > 1 else 'it'} before sharing (a face, a letterhead or a signature can name someone)",
              file=sys.stderr)


def risk(
    paths: List[Path] = typer.Argument(..., help="Transcript files or folders (usually pseudonymised ones)."),
    k: int = typer.Option(3, "--k", help="Flag attribute values held by fewer than k participants."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the report (.md or .csv) here too."),
) -> None:
    """Re-identification risk: small groups by attribute and quasi-identifiers left in the text."""
    from . import readers
    from .pseudonymise.risk import risk_report

    report = risk_report(readers.read_corpus(paths), k=k)
    print(report.format())
    if out is not None:
        report.write(out)
