"""The `qda` command line: a thin shell over the library (no analysis logic lives here)."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import cli_privacy, cli_topics
from .cli_project import CodersOption, InterviewerOption, name_interviewers, option_values
from .cli_project import app as project_app
from .errors import QdaError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Offline qualitative interview analysis.")
codebook_app = typer.Typer(no_args_is_help=True, help="Work with codebooks.")
app.add_typer(codebook_app, name="codebook")
app.add_typer(project_app, name="project")
app.command()(cli_privacy.pseudonymise)
app.command()(cli_privacy.risk)
app.command()(cli_topics.topics)
err = Console(stderr=True)

# Runs of fewer turns finish in about a second; a bar would only flicker.
_PROGRESS_MIN_TURNS = 500


@app.command()
def code(
    paths: List[Path] = typer.Argument(..., help="Transcript files or folders (.txt .docx .vtt .srt .csv)."),
    codebook: Path = typer.Option(..., "--codebook", "-c", help="Codebook YAML file."),
    out: Path = typer.Option(..., "--out", "-o", help="Coded table (.csv, .xlsx, .parquet) or REFI-QDA project "
                                                     "(.qdpx, every coding marked suggested)."),
    unit: str = typer.Option("sentence", help="Coded passage: sentence or turn."),
    coders: Optional[str] = CodersOption,
    include_interviewer: bool = typer.Option(False, "--include-interviewer", help="Also code interviewer turns."),
    interviewer: Optional[List[str]] = InterviewerOption,
    min_confidence: float = typer.Option(0.5, help="Propose a coding only at or above this confidence."),
    thresholds: Optional[Path] = typer.Option(None, help="Semantic coder thresholds from `qda calibrate`."),
    model: Optional[Path] = typer.Option(None, help="Learned coder model from `qda train`."),
    workers: int = typer.Option(0, min=0, help="Processes to code in; 0 = one per CPU. The rules and metaphor "
                                                "coders share the documents out; with semantic or learned, one."),
) -> None:
    """Code transcripts against a codebook and write the coded table."""
    from . import coding, readers, writers
    from .codebook import load_codebook
    from .coders.semantic import read_thresholds

    book = load_codebook(codebook)
    corpus = readers.read_corpus(paths)
    writers.check_target(out, exchange=True, sources=corpus)
    name_interviewers(corpus, interviewer)
    asked = tuple(n.strip() for n in coders.split(",") if n.strip()) if coders is not None else None
    names, model, note = coding.choose_coders(book, asked, model)
    if note:
        print(note, file=sys.stderr)
    coder = coding.AutoCoder(book, coders=names, unit=unit, include_interviewer=include_interviewer,
                             min_confidence=min_confidence,
                             semantic_thresholds=read_thresholds(thresholds) if thresholds else None,
                             learned_model=model, workers=workers or os.cpu_count() or 1)
    total = sum(1 for _ in coder.codable_turns(corpus))
    with Progress(TextColumn("coding"), BarColumn(), MofNCompleteColumn(), TextColumn("turns"),
                  TimeRemainingColumn(), console=err, transient=True,
                  disable=total < _PROGRESS_MIN_TURNS) as progress:
        task = progress.add_task("coding", total=total)
        codings = coder.predict(corpus, progress=lambda n: progress.advance(task, n))
    writers.write_coded(out, corpus, codings, book)
    print(f"{len(codings)} codings in {len(corpus)} documents -> {out}", file=sys.stderr)


@codebook_app.command("check")
def codebook_check(file: Path = typer.Argument(..., help="Codebook YAML file.")) -> None:
    """Validate a codebook and summarise it."""
    from .codebook import load_codebook, pattern_warnings
    from .nlp import lemma_of
    from .wording import counted

    book = load_codebook(file)
    rules = sum(len(c.rules) for c in book.codes.values())
    for warning in pattern_warnings(book, lemma_of):
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{file}: ok: {counted(len(book.codes), 'code')}, {counted(rules, 'rule')}", file=sys.stderr)


@app.command()
def evaluate(
    gold: List[Path] = typer.Option(..., "--gold", help="Gold CSV file(s) or folder (docs/evaluation.md)."),
    pred: Path = typer.Option(..., "--pred", help="Coded table written by `qda code`, or another coder's gold CSV or folder."),
    unit: str = typer.Option("turn", help="Unit of agreement: turn or sentence."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", "-c", help="Report the codebook's codes in its order."),
    interviewer: Optional[List[str]] = typer.Option(None, help=(
        "Speakers whose turns are not units (repeat or comma-separate), beside Interviewer, INT, I, Q, "
        "Researcher, Moderator, Facilitator (numbered: Interviewer 2).")),
) -> None:
    """Per-code precision, recall, F1 and Cohen's kappa of coded output against a gold set."""
    from . import evaluate as ev
    from .codebook import load_codebook
    from .corpus import INTERVIEWER_LABELS

    codes = list(load_codebook(codebook).codes) if codebook else None
    gold_set = ev.read_gold(gold, known_codes=frozenset(codes) if codes else None)
    excluded = INTERVIEWER_LABELS | {name.casefold() for name in option_values(interviewer) or ()}
    result = ev.evaluate(gold_set, ev.read_predictions(pred), codes=codes, unit=unit, exclude_speakers=excluded)
    print(result.format())


@app.command()
def train(
    out: Path = typer.Option(..., "--out", "-o", help="Model file to write."),
    gold: Optional[List[Path]] = typer.Option(None, "--gold", help="Gold CSV file(s) or folder to learn from."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", "-c", help="Codebook YAML (with --gold)."),
    project: Optional[str] = typer.Option(None, "--project", "-p", help="Learn from a project's accepted codings."),
    contrast: Optional[List[Path]] = typer.Option(
        None, "--contrast", help="Gold CSV file(s) or folder of contrast answers (with --gold): learned from, "
        "never held out or calibrated on (docs/learning.md)."),
) -> None:
    """Train the learned coder on a gold set or on a project's accepted codings; prints
    cross-validated per-code kappa."""
    from .codebook import load_codebook
    from .learning import train_from_gold
    from .project import Project

    if (project is None) == (gold is None):
        raise QdaError("give either --gold (with --codebook) or --project")
    if contrast and project is not None:
        raise QdaError("--contrast goes with --gold: a project's model learns from its reviewed codings")
    if project is not None:
        with Project.open(project) as p:
            model = p.train()
    else:
        if codebook is None:
            raise QdaError("--gold needs --codebook")
        model = train_from_gold(gold, load_codebook(codebook), contrast=contrast or ())
    model.save(out)
    print(f"{'code':<24}{'threshold':>10}{'cv kappa':>10}")
    for code in model.classifiers:
        print(f"{code:<24}{model.thresholds.get(code, 0.5):>10.2f}{model.cv_kappa.get(code, float('nan')):>10.3f}")
    contrasted = f" and {model.contrast_answers} contrast answers" if model.contrast_answers else ""
    print(f"trained on {model.trained_on} answers (a speaker's consecutive turns){contrasted} -> {out}", file=sys.stderr)


@app.command()
def calibrate(
    gold: List[Path] = typer.Option(..., "--gold", help="Gold CSV file(s) or folder."),
    codebook: Path = typer.Option(..., "--codebook", "-c", help="Codebook YAML."),
    out: Path = typer.Option(..., "--out", "-o", help="Thresholds file (.json) to write."),
) -> None:
    """Calibrate the semantic coder's per-code thresholds on a gold set."""
    from .codebook import load_codebook
    from .learning import calibrate_from_gold, write_thresholds

    book = load_codebook(codebook)
    calibration = calibrate_from_gold(gold, book)
    write_thresholds(calibration, book, out)
    for code, threshold in calibration["thresholds"].items():
        print(f"{code:<24}{threshold:>6.2f}  F1 {calibration['f1'][code]:.3f}")


@app.command()
def agree(
    first: str = typer.Argument(..., help="A coder's name, or `machine` for qda's suggestions."),
    second: str = typer.Argument(..., help="The other coder (or `machine`)."),
    project: str = typer.Option(..., "--project", "-p", envvar="QDA_PROJECT", help="Project file or URL."),
    unit: str = typer.Option("turn", help="Unit: turn, sentence or character."),
    code: Optional[List[str]] = typer.Option(None, help="Only these codes (default: the codebook's)."),
) -> None:
    """Inter-coder agreement per code and pooled: Cohen's kappa, Krippendorff's alpha, % agreement."""
    from .project import Project

    with Project.open(project) as p:
        print(p.agreement(first, second, unit, codes=code).format())


@codebook_app.command("export")
def codebook_export(file: Path = typer.Argument(..., help="Codebook YAML."),
                    out: Path = typer.Option(..., "--out", "-o", help="REFI-QDA codebook (.qdc) to write.")) -> None:
    """Export a codebook as REFI-QDA .qdc (NVivo, ATLAS.ti, MAXQDA, QualCoder)."""
    from .codebook import load_codebook
    from .refi.codebook import write_qdc
    from .refi.validate import validate as check

    if out.suffix.lower() != ".qdc":
        raise QdaError(f"{out}: a REFI-QDA codebook file must end in .qdc")
    write_qdc(load_codebook(file), out)
    problems = check(out)
    if problems:  # a bug in qda, not in the user's codebook: say so loudly
        raise QdaError("the exported codebook does not validate:\n" + "\n".join(problems))
    print(f"{file} -> {out} (valid against the REFI-QDA Codebook.xsd)", file=sys.stderr)


@codebook_app.command("import")
def codebook_import(file: Path = typer.Argument(..., help="A REFI-QDA codebook (.qdc) from any tool."),
                    out: Path = typer.Option(..., "--out", "-o", help="qda codebook YAML to write.")) -> None:
    """Turn a REFI-QDA .qdc into a qda codebook YAML (codes, nesting, colours, descriptions)."""
    from .codebook import codebook_yaml
    from .refi.codebook import read_qdc
    from .writers import atomic_write

    if out.exists():
        raise QdaError(f"{out}: already exists; choose a new file name")
    book = read_qdc(file)
    text = codebook_yaml(book)
    atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"{file} -> {out} ({len(book.codes)} codes)", file=sys.stderr)


@app.command("app-password")
def app_password() -> None:
    """Make a password hash for serving the browser app to a team (docs/app.md): put the
    printed line in .streamlit/secrets.toml under [qda]."""
    from .app.auth import hash_password

    password = typer.prompt("Password for the app", hide_input=True, confirmation_prompt=True)
    try:
        stored = hash_password(password)
    except ValueError as exc:
        raise QdaError(str(exc)) from None
    print(f'password_hash = "{stored}"')


@app.command()
def validate(file: Path = typer.Argument(..., help="A REFI-QDA .qdc codebook or .qdpx project.")) -> None:
    """Validate a REFI-QDA file against the official schema and qda's own checks."""
    from .refi.validate import validate as check

    problems = check(file)
    for problem in problems:
        print(problem)
    if problems:
        raise typer.Exit(1)
    print(f"{file}: valid", file=sys.stderr)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # Plain print: user text (paths, codebook fields) must not be read as rich markup or wrapped.
    print(f"warning: {message}", file=sys.stderr)


def main() -> None:
    """Entry point: user errors print one clear message and exit 1, without a traceback."""
    warnings.showwarning = _show_warning
    try:
        app()
    except QdaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
