"""Import speed and query latency of a SQLite project holding many codings.

Scales the sample study to --documents documents (200 by default) and --codings codings
(500,000), imports them into a fresh SQLite project (`Project.import_corpus`, then
`Project.add_codings`), and times two queries on the result: the coded table for one
code (`project.coded_table(code=["threshold"])`) and the code x document matrix
(`project.code_document_matrix()`, counted by the database), checked once against the
same matrix built from the whole coded table in pandas. It also reports the project
file's size and the process's peak RSS.

It reports, it does not assert: the exit status is 0 whatever the figures are.

    .venv/bin/python bench/bench_store.py [--documents 200] [--codings 500000]
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from common import peak_rss_mb, resolve  # noqa: E402  (puts the repository on sys.path)

from qda.codebook import Codebook  # noqa: E402
from qda.corpus import Coding, Corpus, Document  # noqa: E402

IMPORT_TARGET = 50_000.0  # codings/s for `add_codings`, at least
QUERY_TARGET_S = 0.5  # each query under this many seconds
QUERY_CODE = "threshold"  # the code whose coded table is loaded
PEOPLE = ("Ruth", "Sam")

# A sentence: a run up to and including its final punctuation (or the end of the turn).
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
# Sources and their share of the codings; machine suggestions are partly reviewed.
_SOURCES = (("rule", 0.55), ("metaphor", 0.30), ("human", 0.15))
_REVIEW = (("suggested", 0.70), ("accepted", 0.20), ("rejected", 0.10))
_METAPHOR_RULES = ("metaphor.escalate", "metaphor.position", "metaphor.vertical", "metaphor.end",
                   "metaphor.direction", "metaphor.step", "metaphor.level")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--documents", type=int, default=200, help="documents in the project (default 200)")
    p.add_argument("--codings", type=int, default=500_000, help="codings to import (default 500000)")
    p.add_argument(
        "--repeat", type=int, default=3,
        help="time each import and query this many times and use the fastest (default 3); "
        "every import goes into a fresh project file",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed for documents and codings (default 0)")
    p.add_argument("--keep", metavar="PATH", default=None,
                   help="keep the last project file at PATH (refused if PATH exists)")
    p.add_argument("--transcripts", default="transcripts_sample", help="sample transcripts (file or folder)")
    p.add_argument("--codebook", default="codebooks/ccin.yaml", help="codebook YAML")
    args = p.parse_args(argv)
    if args.documents < 1 or args.codings < 1 or args.repeat < 1:
        p.error("--documents, --codings and --repeat must be at least 1")
    if args.keep is not None and Path(args.keep).exists():
        p.error(f"--keep {args.keep}: already exists")
    return args




# --- data ----------------------------------------------------------------------------


def build_corpus(source: Corpus, n_documents: int, seed: int) -> Corpus:
    """`n_documents` copies of the sample documents, cycling through them in a seeded
    order. Copy k of source `interview_01` is `interview_01_r007` (k = 7). Its text is the
    source's with one line appended, so its sha256 differs (the store deduplicates by
    content) while every turn keeps its offsets. Attributes are kept."""
    rng = random.Random(seed)
    order = list(source)
    if not order:
        raise SystemExit("no sample transcripts found")
    rng.shuffle(order)
    documents = []
    for k in range(n_documents):
        src = order[k % len(order)]
        doc_id = f"{src.id}_r{k:03d}"
        text = src.text if src.text.endswith("\n") else src.text + "\n"
        text += f"[bench copy {k} of {src.id}, seed {seed}]\n"
        doc = Document(id=doc_id, name=f"{doc_id}.txt", text=text, attributes=dict(src.attributes),
                       turns=list(src.turns), path=None)
        for turn in doc.turns:
            assert doc.turn_text(turn) == src.turn_text(turn), (doc.id, turn.index)
        documents.append(doc)
    return Corpus(documents)


def candidate_spans(doc: Document) -> list[list[tuple[int, int]]]:
    """Per participant turn, its sentences as document offsets (whitespace trimmed)."""
    turns = []
    for turn in doc.turns:
        if turn.end <= turn.start or doc.is_interviewer(turn):
            continue
        text = doc.turn_text(turn)
        sentences = []
        for m in _SENTENCE.finditer(text):
            piece = m.group()
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            start, end = turn.start + m.start() + lead, turn.start + m.end() - trail
            if end > start:
                sentences.append((start, end))
        if sentences:
            turns.append(sentences)
    return turns


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for value, share in weighted:
        x -= share
        if x < 0:
            return value
    return weighted[-1][0]


def make_codings(corpus: Corpus, codebook: Codebook, n: int, seed: int) -> list[Coding]:
    """`n` codings spread over the corpus's participant turns and the codebook's codes.

    Spans: one sentence (60%), two adjacent sentences (15%), the first clause of a
    sentence (15%) or the whole turn (10%). Codes: the codebook's, weighted 1/sqrt(rank)
    in codebook order (so `threshold`, the first, is the most frequent). Sources: 55%
    `qda:rule` (evidence quotes the span's first words and a rule id of the code), 30%
    `qda:metaphor` (always `up_down`, as qda's metaphor coder), 15% people (`Ruth` or
    `Sam`, source `human`, accepted by themselves). Machine suggestions: 70% undecided,
    20% accepted and 10% rejected by Ruth or Sam.

    Returned in coded-table order (document, start, code), as `qda code` writes them and
    the auto-coder yields them; inserting in random order is slower (index maintenance).
    """
    rng = random.Random(seed + 1)
    codes = list(codebook.codes)
    weights = [1 / (rank + 1) ** 0.5 for rank in range(len(codes))]
    rule_ids = {c: [r.id for r in code.rules] or [c] for c, code in codebook.codes.items()}
    metaphor_code = "up_down" if "up_down" in codebook.codes else codes[0]
    docs = [(doc, candidate_spans(doc)) for doc in corpus]
    docs = [(doc, turns) for doc, turns in docs if turns]
    if not docs:
        raise SystemExit("the documents have no participant turns to code")

    out: list[Coding] = []
    code_draws = rng.choices(codes, weights=weights, k=n)
    for i in range(n):
        doc, turns = docs[rng.randrange(len(docs))]
        sentences = turns[rng.randrange(len(turns))]
        j = rng.randrange(len(sentences))
        shape = rng.random()
        start, end = sentences[j]
        if shape < 0.15 and j + 1 < len(sentences):
            end = sentences[j + 1][1]
        elif shape < 0.30:
            comma = doc.text.find(",", start, end)
            if comma > start:
                end = comma
        elif shape < 0.40:
            start, end = sentences[0][0], sentences[-1][1]
        source = _pick(rng, _SOURCES)
        if source == "human":
            person = PEOPLE[rng.randrange(2)]
            out.append(Coding(doc.id, start, end, code_draws[i], "human", person, 1.0, "",
                              "accepted", reviewer=person))
            continue
        code = metaphor_code if source == "metaphor" else code_draws[i]
        words = " ".join(doc.text[start:end].split()[: rng.randint(1, 3)]).strip(",.?!").lower()
        rule = rng.choice(_METAPHOR_RULES) if source == "metaphor" else rng.choice(rule_ids[code])
        evidence = f'"{words}" [{rule}]'
        if rng.random() < 0.15:
            evidence += f'; "{words}" [{rng.choice(rule_ids[code])}, negated]'
        status = _pick(rng, _REVIEW)
        reviewer = PEOPLE[rng.randrange(2)] if status != "suggested" else ""
        out.append(Coding(doc.id, start, end, code, source, f"qda:{source}",
                          round(rng.uniform(0.5, 0.97), 4), evidence, status, reviewer=reviewer))
    position = {doc.id: i for i, doc in enumerate(corpus)}
    out.sort(key=lambda c: (position[c.document], c.start, c.code))
    return out


# --- timing ----------------------------------------------------------------------------


def fastest(fn: Callable[[], object], repeat: int) -> tuple[float, list[float], object]:
    """(fastest seconds, all seconds, last result) of `repeat` calls of fn."""
    times, result = [], None
    for _ in range(repeat):
        result = None
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), times, result


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def db_size_mb(path: Path) -> tuple[float, float]:
    """(main file, WAL file) sizes in MB."""
    wal = Path(str(path) + "-wal")
    return path.stat().st_size / 1e6, (wal.stat().st_size / 1e6 if wal.exists() else 0.0)


def run_imports(corpus: Corpus, codings: list[Coding], codebook: Codebook, workdir: Path, repeat: int):
    """Import documents then codings into `repeat` fresh projects; returns the timings and
    the last project (left open)."""
    from qda.project import Project

    res: dict = {"init": [], "documents": [], "codings": []}
    project = path = None
    for i in range(repeat):
        if project is not None:
            project.close()
            remove_db(path)
        path = workdir / f"bench-{i}.qda"
        gc.collect()
        t0 = time.perf_counter()
        project = Project.init(path, codebook=codebook)
        res["init"].append(time.perf_counter() - t0)
        gc.collect()
        t0 = time.perf_counter()
        report = project.import_corpus(corpus)
        res["documents"].append(time.perf_counter() - t0)
        if len(report.added) != len(corpus):
            raise RuntimeError(f"imported {len(report.added)} of {len(corpus)} documents "
                               f"({len(report.duplicates)} taken as duplicates)")
        gc.collect()
        t0 = time.perf_counter()
        added = project.add_codings(codings)
        res["codings"].append(time.perf_counter() - t0)
        if added != len(codings):
            raise RuntimeError(f"add_codings stored {added} of {len(codings)} codings")
    return res, project, path


def run_queries(project, documents: list[str], codes: list[str], repeat: int) -> dict:
    from qda import analysis

    res: dict = {}
    res["one_code"] = fastest(lambda: project.coded_table(code=[QUERY_CODE]), repeat)
    res["matrix"] = fastest(project.code_document_matrix, repeat)
    # The same matrix the long way (the whole coded table, counted in pandas): a check
    # that the database's counts are right, and what the store-side path saves.
    res["matrix_full"] = fastest(
        lambda: analysis.code_document_matrix(project.coded_table(), documents=documents, codes=codes), 1)
    return res


# --- report ----------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def runs(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def describe_codings(codings: list[Coding], corpus: Corpus) -> list[str]:
    by_source = Counter(c.coder for c in codings)
    by_status = Counter(c.status for c in codings)
    by_code = Counter(c.code for c in codings)
    spans = len({(c.document, c.start, c.end) for c in codings})
    mean_len = sum(c.end - c.start for c in codings) / len(codings)
    chars = sum(len(d.text) for d in corpus)
    return [
        "  by coder:  " + ", ".join(f"{k} {v:,}" for k, v in by_source.most_common()),
        "  by status: " + ", ".join(f"{k} {v:,}" for k, v in by_status.most_common()),
        "  by code:   " + ", ".join(f"{k} {v:,}" for k, v in by_code.most_common()),
        f"  spans:     {spans:,} distinct (document, start, end), mean {mean_len:,.0f} characters; "
        f"{len(codings) / len(corpus):,.0f} codings per document, "
        f"one per {chars / len(codings):,.1f} characters of text",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    transcripts = resolve(args.transcripts)
    codebook_path = resolve(args.codebook)

    import sqlalchemy

    from qda.codebook import load_codebook
    from qda.readers import read_corpus

    from qda.project import Project  # noqa: F401  (imported here so its cost is not timed)

    import_rss = peak_rss_mb()
    source = read_corpus(transcripts)
    codebook = load_codebook(codebook_path)
    t0 = time.perf_counter()
    corpus = build_corpus(source, args.documents, args.seed)
    codings = make_codings(corpus, codebook, args.codings, args.seed)
    gen_s = time.perf_counter() - t0
    doc_ids, codes = [d.id for d in corpus], list(codebook.codes)
    n_turns = sum(len(d.turns) for d in corpus)
    chars = sum(len(d.text) for d in corpus)

    print("qda project store benchmark (SQLite)")
    print(f"  python {platform.python_version()} on {platform.platform()}, SQLAlchemy {sqlalchemy.__version__}")
    print(f"  transcripts: {transcripts} ({len(source)} documents), codebook: {codebook_path} "
          f"({len(codes)} codes), seed {args.seed}")
    print(f"  documents: {len(corpus):,} ({n_turns:,} turns, {chars:,} characters), copies of the sample "
          "with one line appended")
    print(f"  codings:   {len(codings):,} generated in {gen_s:.1f} s (not timed)")
    for line in describe_codings(codings, corpus):
        print(line)
    print(f"  peak RSS after importing qda: {import_rss:,.1f} MB (`import qda` loads spaCy, thinc and torch); "
          f"after generating the data: {peak_rss_mb():,.1f} MB")
    print(flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="qda-bench-store-"))
    project = path = None
    imp = qry = None
    error = None
    try:
        imp, project, path = run_imports(corpus, codings, codebook, workdir, args.repeat)
        import_peak = peak_rss_mb()
        print(f"import: Project.init(fresh file in {workdir}), then import_corpus(documents), "
              "then add_codings(codings)")
        print(f"  init (excluded):   {min(imp['init']):.2f} s (schema migration + codebook; runs: {runs(imp['init'])} s)")
        docs_s = min(imp["documents"])
        print(f"  documents:         {docs_s:.2f} s for {len(corpus):,} documents "
              f"({len(corpus) / docs_s:,.0f} documents/s; fastest of {args.repeat}: {runs(imp['documents'])} s)")
        cod_s = min(imp["codings"])
        print(f"  codings:           {cod_s:.2f} s for {len(codings):,} codings "
              f"(fastest of {args.repeat}: {runs(imp['codings'])} s)")
        print(f"  throughput:        {len(codings) / cod_s:,.0f} codings/s")
        print(f"  peak RSS after imports: {import_peak:,.1f} MB")
        print(flush=True)

        qry = run_queries(project, doc_ids, codes, args.repeat)
        one_s, one_times, one_table = qry["one_code"]
        matrix_s, matrix_times, matrix = qry["matrix"]
        full_s, _, full_matrix = qry["matrix_full"]
        same = matrix.equals(full_matrix) and list(matrix.index) == list(full_matrix.index) \
            and list(matrix.columns) == list(full_matrix.columns)
        print(f"queries on the last project (fastest of {args.repeat} each)")
        print(f"  (a) coded table for one code: project.coded_table(code=[{QUERY_CODE!r}])")
        print(f"      {one_s:.3f} s for {len(one_table):,} rows x {len(one_table.columns)} columns "
              f"(runs: {runs(one_times)} s)")
        print("  (b) code x document matrix: project.code_document_matrix() (counted by the database)")
        print(f"      {matrix_s:.3f} s (runs: {runs(matrix_times)} s); {matrix.shape[0]} codes x "
              f"{matrix.shape[1]} documents, {matrix.to_numpy().sum():,} codings")
        print(f"      check: the same matrix from the whole coded table in pandas took {full_s:.3f} s; "
              f"identical: {'yes' if same else 'NO'}")
        print(flush=True)
    except Exception:  # report, do not crash: this is a benchmark, not a test
        error = traceback.format_exc()
        print("ERROR: the run failed:")
        print("  " + error.rstrip().replace("\n", "\n  "))
        print()
    finally:
        log_rows = None
        if project is not None:
            try:
                from sqlalchemy import func, select

                from qda.store import schema
                with project.engine.connect() as connection:
                    log_rows = connection.execute(select(func.count()).select_from(schema.log)).scalar_one()
            except Exception:
                pass
            project.close()
        size = db_size_mb(path) if path is not None and path.exists() else None
        kept = None
        if args.keep and path is not None and path.exists():
            for suffix in ("", "-wal"):
                if Path(str(path) + suffix).exists():
                    shutil.copyfile(str(path) + suffix, args.keep + suffix)
            kept = args.keep
        shutil.rmtree(workdir, ignore_errors=True)
    end_peak = peak_rss_mb()

    print("summary")
    print(f"  documents: {len(corpus):,}   codings: {len(codings):,}"
          + ("" if log_rows is None else f"   log rows: {log_rows:,}"))
    if size is not None:
        main_mb, wal_mb = size
        print(f"  project file: {main_mb:,.1f} MB" + (f" (+ {wal_mb:,.1f} MB WAL)" if wal_mb else "")
              + (f", kept at {kept}" if kept else ""))
    if imp is not None and imp["codings"]:
        rate = len(codings) / min(imp["codings"])
        print(f"  import:    {rate:,.0f} codings/s = {rate / IMPORT_TARGET:.2f}x target (>= {IMPORT_TARGET:,.0f}/s)   "
              f"{verdict(rate >= IMPORT_TARGET)}")
        print(f"             documents: {min(imp['documents']):.2f} s for {len(corpus):,}")
    else:
        print(f"  import:    n/a (the run failed)   target >= {IMPORT_TARGET:,.0f} codings/s   FAIL")
    labels = (("one_code", f"(a) coded_table(code=[{QUERY_CODE!r}])"),
              ("matrix", "(b) code_document_matrix()"))
    for key, label in labels:
        if qry is None:
            print(f"  {label:<38} n/a (the run failed)   FAIL")
            continue
        seconds = qry[key][0]
        print(f"  {label:<38} {seconds:6.3f} s   target < {QUERY_TARGET_S} s   "
              f"{verdict(seconds < QUERY_TARGET_S)}")
    print(f"  peak RSS:  {end_peak:,.1f} MB (whole process: generated codings held in memory, "
          "imports and queries)")
    print("  (figures are reported, not asserted: exit status is 0 either way)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
