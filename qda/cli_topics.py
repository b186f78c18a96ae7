"""`qda topics`: the command-line face of `qda.topics`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .cli_project import InterviewerOption, name_interviewers

#: Attributes with this many distinct values get a share table (ids and dates have more;
#: an attribute with its own value in every document, such as the participant, gets none).
_SHARE_VALUES = (2, 20)


def topics(
    paths: List[Path] = typer.Argument(..., help="Transcript files or folders (.txt .docx .vtt .srt .csv)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for topics.csv, assignments.csv, share tables and charts."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", "-c",
                                            help="Also suggest a code per topic and flag new themes (topic_codes.csv)."),
    unit: str = typer.Option("sentence", help="Segment: sentence or turn."),
    min_topic_size: Optional[int] = typer.Option(None, help="Smallest topic in segments (default: max(8, segments/100))."),
    seed: int = typer.Option(42, help="Random state: the same seed and input give the same topics."),
    promote: Optional[List[str]] = typer.Option(
        None, help="TOPIC=CODE_ID[:Name]: make a topic a new code (needs --codebook and --codebook-out)."),
    codebook_out: Optional[Path] = typer.Option(None, help="Where to write the codebook with promoted topics."),
    interviewer: Optional[List[str]] = InterviewerOption,
) -> None:
    """Find the topics participants talk about and, with a codebook, the codes they resemble."""
    from . import readers, writers
    from .analysis import MISSING
    from .codebook import load_codebook
    from .errors import OutputError, QdaError
    from .topics import add_code, fit_topics, segments

    book = load_codebook(codebook) if codebook is not None else None
    if promote and (book is None or codebook_out is None):
        raise QdaError("--promote needs --codebook (to extend) and --codebook-out (where to write it)")
    corpus = readers.read_corpus(paths)
    name_interviewers(corpus, interviewer)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder ({exc.strerror or exc})") from None
    table = segments(corpus, unit=unit)
    model = fit_topics(table, seed=seed, min_topic_size=min_topic_size)

    writers.write_table(model.topics_table(), out / "topics.csv")
    writers.write_table(model.assignments(), out / "assignments.csv")
    low, high = _SHARE_VALUES
    attributes = sorted({k for doc in corpus for k in doc.attributes})
    for attribute in attributes:
        values = {str(doc.attributes.get(attribute, MISSING)) for doc in corpus}
        if low <= len(values) <= high and len(values) < len(corpus):
            share = model.share_by(attribute, corpus).reset_index()
            writers.write_table(share, out / f"share_by_{_file_part(attribute)}.csv")
    model.charts(out)
    new_themes = ""
    if book is not None:
        suggestions = model.suggest_codes(book)
        writers.write_table(suggestions, out / "topic_codes.csv")
        new = suggestions[suggestions["new_theme"]]
        new_themes = f"; {len(new)} candidate new themes" + (
            f" (topics {', '.join(str(t) for t in new['topic'])})" if len(new) else "")
    for spec in promote or ():
        topic, code_id, name = _promotion(spec)
        add_code(codebook_out if codebook_out.exists() else codebook, model.promote(topic, code_id, name), codebook_out)
        print(f"topic {topic} -> code {code_id} in {codebook_out}", file=sys.stderr)
    n_topics = len([t for t in model.topic_ids if t != -1])
    print(f"{n_topics} topics in {len(table)} {unit} segments from {len(corpus)} documents; outliers "
          f"{model.outliers_before} before reduction, {model.outliers} after{new_themes} -> {out}", file=sys.stderr)


def _promotion(spec: str) -> tuple[int, str, str | None]:
    from .errors import QdaError

    topic, _, rest = spec.partition("=")
    code_id, _, name = rest.partition(":")
    if not topic.strip().lstrip("-").isdigit() or not code_id.strip():
        raise QdaError(f"--promote {spec!r}: write TOPIC=CODE_ID or TOPIC=CODE_ID:Name, e.g. 14=paperwork:Paperwork")
    return int(topic), code_id.strip(), name.strip() or None


def _file_part(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "attribute"
