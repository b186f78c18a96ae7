"""`qda project ...`: the command-line face of `qda.Project` (no logic of its own)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import List, Optional

import typer

from .coding import choose_coders
from .errors import QdaError
from .project import Project
from .readers import read_corpus

app = typer.Typer(no_args_is_help=True, help="Work in a persistent project (SQLite file or PostgreSQL URL).")
review_app = typer.Typer(no_args_is_help=True, help="Accept, reject, re-code and undo codings.")
memo_app = typer.Typer(no_args_is_help=True, help="Write and read memos.")
app.add_typer(review_app, name="review")
app.add_typer(memo_app, name="memo")

ProjectOption = typer.Option(..., "--project", "-p", envvar="QDA_PROJECT",
                             help="Project file or postgresql:// URL (or set QDA_PROJECT).")
CoderOption = typer.Option(..., "--coder", envvar="QDA_CODER", help="Who is acting (or set QDA_CODER).")
CodersOption = typer.Option(None, "--coders", help="Comma-separated coders: rules, metaphor, semantic, learned "
                                                  "[default: rules, metaphor where the codebook has up_down, and "
                                                  "learned where qda ships a model for the codebook].")
InterviewerOption = typer.Option(None, "--interviewer", help=(
    "Speakers who are the interviewer in every file (repeat or comma-separate), beside Interviewer, INT, I, Q, "
    "Researcher (numbered: Interviewer 2) and a front matter's `interviewer:`; a .vtt from Zoom or Teams names "
    "each voice."))


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def name_interviewers(corpus, interviewer: Optional[List[str]]) -> None:
    """Name the interviewers given with --interviewer, and warn of documents where someone
    seems to interview unnamed (`Corpus.likely_interviewers`): their questions would be coded."""
    corpus.name_interviewers(option_values(interviewer) or ())
    for speaker, note in corpus.likely_interviewer_notes():
        warnings.warn(f'{note}: if {speaker} interviewed, add --interviewer "{speaker}"', stacklevel=2)


def option_values(options: Optional[List[str]]) -> Optional[list[str]]:
    """Repeated and comma-separated option values as one list (None when not given)."""
    if not options:
        return None
    return [v.strip() for option in options for v in option.split(",") if v.strip()]


@app.command("init")
def init(
    target: str = typer.Argument(..., help="New project: a file path (SQLite) or a postgresql:// URL."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", "-c", help="Codebook YAML to load."),
) -> None:
    """Create a new project."""
    with Project.init(target, codebook=codebook) as project:
        _say(f"created project {project.location}" + (f" with codebook {codebook}" if codebook else ""))


@app.command("codebook")
def set_codebook(file: Path = typer.Argument(..., help="Codebook YAML."), project: str = ProjectOption) -> None:
    """Load a codebook as the project's current codebook."""
    with Project.open(project) as p:
        p.set_codebook(file)
        _say(f"{p.location}: codebook {file} loaded ({len(p.codebook.codes)} codes)")


@app.command("import")
def import_(paths: List[Path] = typer.Argument(..., help="Transcript files or folders, or a REFI-QDA .qdpx or .qdc."),
            interviewer: Optional[List[str]] = InterviewerOption,
            project: str = ProjectOption) -> None:
    """Import transcripts, or another tool's REFI-QDA project (.qdpx: codes, codings, memos,
    attributes) or codebook (.qdc: its new codes); texts already in the project are matched,
    not duplicated."""
    exchange = [path for path in paths if path.suffix.lower() in (".qdpx", ".qdc")]
    if exchange and len(paths) > 1:
        raise QdaError("import one .qdpx or .qdc at a time, on its own")
    with Project.open(project) as p:
        if exchange and exchange[0].suffix.lower() == ".qdc":
            _say(f"{p.import_qdc(exchange[0])} codes added to the codebook")
            return
        if exchange:
            result = p.import_qdpx(exchange[0])
            report = result.documents
        else:
            corpus = read_corpus(paths)
            name_interviewers(corpus, interviewer)  # and warn, as `qda code` does, of one unnamed
            report = p.import_corpus(corpus)
    for given, existing in report.duplicates:
        _say(f"skipped {given}: same text as {existing}, already in the project")
    for given, stored in report.renamed:
        _say(f"{given} stored as {stored}: the project has another document with that id")
    _say(f"{len(report.added)} documents imported")
    if exchange:
        _say(f"{result.codes_added} codes added to the codebook, {result.codings_added} codings added "
             f"({result.codings_present} already present), {result.memos_added} memos")
        for what in result.skipped:
            _say(f"not imported: {what}")


@app.command("documents")
def documents(project: str = ProjectOption) -> None:
    """List the project's documents (id, turns, characters, attributes)."""
    with Project.open(project) as p:
        for doc in p.corpus():
            attributes = ", ".join(f"{k}={v}" for k, v in doc.attributes.items())
            print(f"{doc.id}\t{len(doc.turns)} turns\t{len(doc.text)} chars\t{attributes}")


@app.command("autocode")
def autocode(
    project: str = ProjectOption,
    coders: Optional[str] = CodersOption,
    unit: str = typer.Option("sentence", help="Coded passage: sentence or turn."),
    include_interviewer: bool = typer.Option(False, "--include-interviewer", help="Also code interviewer turns."),
    min_confidence: float = typer.Option(0.5, help="Suggest a coding only at or above this confidence."),
) -> None:
    """Suggest codings; replaces earlier undecided suggestions, never human decisions."""
    with Project.open(project) as p:
        names, model, note = choose_coders(p.codebook, option_values([coders]) if coders is not None else None)
        if note:
            _say(note)
        added, removed = p.autocode(names, unit=unit, include_interviewer=include_interviewer,
                                    min_confidence=min_confidence, model=model)
    _say(f"{added} suggestions added, {removed} undecided earlier suggestions replaced")


@app.command("code")
def code(document: str, start: int, end: int, code_id: str = typer.Argument(..., metavar="CODE"),
         coder: str = CoderOption, project: str = ProjectOption) -> None:
    """Code document.text[START:END] with CODE yourself."""
    with Project.open(project) as p:
        coding_id = p.code(document, start, end, code_id, coder)
    _say(f"coding {coding_id}: {code_id} on {document} {start}..{end} by {coder}")


@review_app.command("list")
def review_list(
    project: str = ProjectOption,
    status: Optional[List[str]] = typer.Option(["suggested"], help="Status(es) to list."),
    code_id: Optional[List[str]] = typer.Option(None, "--code", help="Only these codes."),
    coder: Optional[List[str]] = typer.Option(None, help="Made or reviewed by (`machine`: any qda coder)."),
    limit: int = typer.Option(50, help="At most this many (0: all)."),
) -> None:
    """List codings to review: id, status, code, confidence, document, passage."""
    with Project.open(project) as p:
        found = p.codings(status=option_values(status), code=option_values(code_id), coder=option_values(coder))
        corpus = p.corpus({c.document for c in found})
    for coding in found[: limit or None]:
        passage = " ".join(corpus[coding.document].text[coding.start:coding.end].split())
        print(f"{coding.id}\t{coding.status}\t{coding.code}\t{coding.confidence:.2f}\t{coding.document}\t{passage[:100]}")
    _say(f"{len(found)} codings" + (f" (first {limit} shown)" if limit and len(found) > limit else ""))


@review_app.command("accept")
def accept(ids: List[int], coder: str = CoderOption, project: str = ProjectOption) -> None:
    """Accept codings."""
    _decide(project, ids, coder, "accepted")


@review_app.command("reject")
def reject(ids: List[int], coder: str = CoderOption, project: str = ProjectOption) -> None:
    """Reject codings."""
    _decide(project, ids, coder, "rejected")


def _decide(project: str, ids: list[int], coder: str, status: str) -> None:
    with Project.open(project) as p:
        decide = p.accept if status == "accepted" else p.reject
        for coding_id in ids:
            decide(coding_id, coder)
    _say(f"{len(ids)} {status} by {coder}")


@review_app.command("recode")
def recode(coding_id: int, coder: str = CoderOption, project: str = ProjectOption,
           code_id: Optional[str] = typer.Option(None, "--code", help="The right code."),
           start: Optional[int] = typer.Option(None, help="The right start offset."),
           end: Optional[int] = typer.Option(None, help="The right end offset.")) -> None:
    """Correct a coding's code or span (the original is kept, rejected)."""
    with Project.open(project) as p:
        new_id = p.recode(coding_id, coder, code=code_id, start=start, end=end)
    _say(f"coding {coding_id} re-coded as coding {new_id} by {coder}")


@review_app.command("undo")
def undo(coder: str = CoderOption, project: str = ProjectOption) -> None:
    """Undo your latest coding or review action."""
    with Project.open(project) as p:
        done = p.undo(coder)
    _say(f"undone: {done['action']} of coding {done['coding']}")


@memo_app.command("add")
def memo_add(text: str, on: str = typer.Option("project", help="project, document:ID, code:ID or coding:N."),
             coder: str = CoderOption, project: str = ProjectOption) -> None:
    """Write a memo."""
    with Project.open(project) as p:
        memo_id = p.memo(text, coder, on=on)
    _say(f"memo {memo_id} on {on}")


@memo_app.command("list")
def memo_list(on: Optional[str] = typer.Option(None, help="Only memos on this target."),
              project: str = ProjectOption) -> None:
    """List memos."""
    with Project.open(project) as p:
        for memo in p.memos(on):
            target = memo.target_kind + (f":{memo.target}" if memo.target else "")
            print(f"{memo.id}\t{memo.created_at:%Y-%m-%d %H:%M}\t{memo.coder}\t{target}\t{memo.text}")


@app.command("pseudonymise")
def pseudonymise(
    key: Path = typer.Option(..., "--key", "-k", help="Key CSV outside the project (reused and extended)."),
    coder: str = CoderOption,
    project: str = ProjectOption,
    register: Optional[Path] = typer.Option(None, help="Your register CSV: original, pseudonym, type, aliases."),
    style: str = typer.Option("names", help="People become made-up `names` or `tags` ([Person 1])."),
    dates: str = typer.Option("month", help="Specific dates: keep, month, year or remove."),
) -> None:
    """Pseudonymise the project's documents in place; codings and memos move with the text."""
    with Project.open(project) as p:
        replaced = p.pseudonymise(key, coder, register=register, style=style, dates=dates)
    _say(f"{replaced} replacements in {p.location}; key -> {key}")


@app.command("export")
def export(
    out: Path = typer.Option(..., "--out", "-o", help="Coded table: .csv, .xlsx or .parquet."),
    project: str = ProjectOption,
    status: Optional[List[str]] = typer.Option(None, help="Only these statuses (e.g. accepted)."),
    coder: Optional[List[str]] = typer.Option(None, help="Only codings made or reviewed by these coders."),
    code_id: Optional[List[str]] = typer.Option(None, "--code", help="Only these codes."),
    source: Optional[List[str]] = typer.Option(None, help="Only these sources (rule, metaphor, human...)."),
) -> None:
    """Write the project's coded table."""
    with Project.open(project) as p:
        p.export(out, status=option_values(status), coder=option_values(coder), code=option_values(code_id),
                 source=option_values(source))
    _say(f"{p.location} -> {out}")


@app.command("log")
def log(project: str = ProjectOption, limit: int = typer.Option(20, help="Newest entries shown (0: all).")) -> None:
    """Show the action log, newest first."""
    with Project.open(project) as p:
        entries = p.log(limit or None)
    for row in entries.itertuples():
        coding = "" if row.coding_id is None or row.coding_id != row.coding_id else f"coding {int(row.coding_id)}"
        print(f"{row.id}\t{row.at:%Y-%m-%d %H:%M:%S}\t{row.coder}\t{row.action}\t{coding}\t{row.after or ''}")
