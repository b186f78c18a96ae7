"""Shared fixtures: one spaCy pipeline per session, the sample codebook, small transcripts."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
CCIN = ROOT / "codebooks" / "ccin.yaml"
SAMPLE = ROOT / "transcripts_sample"
GOLD = ROOT / "gold" / "turns"
#: A call as Zoom or Teams writes it: each voice named, no front matter to say who interviewed.
ZOOM_CALL = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Jo Bloggs>Did it go up to CP?\n\n"
             "00:00:04.000 --> 00:00:08.000\n<v Kelly>It went up to CP in the end.\n")
# A call in which Jo asks every question and Kelly one in three, and nobody is named interviewer.
ZOOM_INTERVIEW = "WEBVTT\n\n" + "".join(
    f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 1:02d}.000\n<v {who}>{said}\n\n"
    for i, (who, said) in enumerate([("Jo Bloggs", "Did it go up to CP?"), ("Kelly", "It went up to CP in the end."),
                                     ("Jo Bloggs", "And then what?"), ("Kelly", "We stepped it down. Why not?"),
                                     ("Jo Bloggs", "Was that right?"), ("Kelly", "I think so.")]))


@pytest.fixture(scope="session")
def nlp():
    """The qda pipeline, loaded once (about a second) and shared by every test."""
    from qda import nlp as qnlp

    return qnlp.load()


@pytest.fixture(scope="session")
def ccin():
    from qda.codebook import load_codebook

    return load_codebook(CCIN)


@pytest.fixture
def write_transcript(tmp_path) -> Callable[..., Path]:
    """Write a `.txt` transcript in the DESIGN format and return its path.

    `write_transcript("Interviewer: Hi.", "Kelly: It went up to CP.")` gives front matter
    `role: social worker` followed by those lines; pass `front={...}` to change it.
    """

    def write(*lines: str, front: dict[str, str] | None = None, name: str = "interview.txt") -> Path:
        front = {"role": "social worker"} if front is None else front
        head = "---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n"
        path = tmp_path / name
        path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def code_lines(nlp, write_transcript):
    """Write a transcript, read it with qda.readers and code it with AutoCoder.

    Returns `(document, codings)`; keyword arguments go to AutoCoder (`coders`, `unit`,
    `include_interviewer`, `min_confidence`), plus `front` for the front matter.
    """
    from qda import readers
    from qda.coding import AutoCoder

    def run(codebook, *lines: str, front: dict[str, str] | None = None, **options):
        corpus = readers.read_corpus(write_transcript(*lines, front=front))
        codings = AutoCoder(codebook, nlp=nlp, **options).predict(corpus)
        return corpus.documents[0], codings

    return run


@pytest.fixture
def spy_parse(monkeypatch) -> list[str]:
    """Record every text AutoCoder sends to the (expensive) tagger and parser."""
    from qda import nlp as qnlp

    parsed: list[str] = []
    real = qnlp.parse

    def spy(nlp, texts, *args, **kwargs):
        texts = list(texts)
        parsed.extend(texts)
        return real(nlp, texts, *args, **kwargs)

    monkeypatch.setattr(qnlp, "parse", spy)
    return parsed


def call_needs_parse(coder, sent) -> bool:
    """Ask a coder whether it needs `sent` (a lexical spaCy sentence) parsed.

    The argument of `needs_parse` has been the sentence itself, its set of lower-case
    words and lemmas, or the set of their string hashes; this passes what the signature
    asks for. Strings and hashes never compare equal, so one set can carry both.
    """
    param = next(iter(inspect.signature(coder.needs_parse).parameters))
    if param in ("sent", "sentence", "span"):
        return coder.needs_parse(sent)
    words: set = {t.lower_ for t in sent} | {t.lemma_ for t in sent}
    words |= {t.lower for t in sent} | {t.lemma for t in sent}
    return coder.needs_parse(words)


@pytest.fixture
def needs_parse(nlp) -> Callable[[object, str], bool]:
    """`needs_parse(coder, "One sentence.")` through the lexical pipeline qda codes with."""
    from qda import nlp as qnlp

    def ask(coder, text: str) -> bool:
        doc = next(qnlp.lexical(nlp, [text]))
        sents = list(doc.sents)
        assert len(sents) == 1, f"expected one sentence in {text!r}"
        return call_needs_parse(coder, sents[0])

    return ask


@pytest.fixture(scope="session")
def postgres_url():
    """Admin URL of a PostgreSQL server: QDA_TEST_POSTGRES_URL, or one started for this run."""
    import os

    import postgres_server as pg

    given = os.environ.get("QDA_TEST_POSTGRES_URL")
    if given:
        pg.wait_ready(given)
        yield given
        return
    bin_dir = pg._binaries()
    if bin_dir is None:
        pg.unavailable("no initdb found")
    server = pg.Server(bin_dir)
    try:
        url = server.start()
    except Exception as exc:  # noqa: BLE001 - report why the server would not start
        server.stop()
        pg.unavailable(f"the server did not start ({exc})")
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def project_target(request, tmp_path):
    """Where a new project goes: a SQLite file, or a fresh database on the PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "study.qda")
    import postgres_server as pg

    return pg.new_database(request.getfixturevalue("postgres_url"))
