"""Throughput and peak-memory benchmark for qda's auto-coder.

Builds a synthetic corpus of at least --words words by resampling turns of the sample
transcripts, codes it with `AutoCoder(...).stream` (rules + metaphor, sentence unit) in
one process, then in one process per CPU as `qda code` does with these coders, and compares the
speed of each with running the same utterance texts through the full en_core_web_sm
pipeline (`nlp.pipe`, all components including NER, one process). It also reports peak
RSS: this process's after the one-process run and at the end, and that of the helper
processes.

It reports, it does not assert: the exit status is 0 whatever the figures are.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_code.py [--words 500000]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import sys
import time
import traceback
from pathlib import Path

from common import children_peak_rss_mb, peak_rss_mb, resolve  # noqa: E402  (puts the repository on sys.path)

from qda.corpus import Corpus, Document, Turn  # noqa: E402

TURNS_PER_DOC = 40
SPEED_TARGET = 10.0  # qda words/s at least this many times the full pipeline's
RSS_TARGET_MB = 2048.0  # qda peak RSS below this


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--words", type=int, default=500_000, help="minimum corpus size in words (default 500000)")
    p.add_argument(
        "--baseline-words", type=int, default=None,
        help="words to run through the full spaCy pipeline (default: same as --words); "
        "if smaller than the corpus, a prefix of the corpus is used",
    )
    p.add_argument(
        "--repeat", type=int, default=3,
        help="time each run this many times and use the fastest (default 3); this machine's "
        "timings vary by tens of percent from run to run",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed for resampling turns (default 0)")
    p.add_argument("--transcripts", default="transcripts_sample", help="sample transcripts (file or folder)")
    p.add_argument("--codebook", default="codebooks/ccin.yaml", help="codebook YAML")
    args = p.parse_args(argv)
    if args.baseline_words is None:
        args.baseline_words = args.words
    return args



def words_in(text: str) -> int:
    return len(text.split())



def build_corpus(source: Corpus, min_words: int, seed: int) -> tuple[Corpus, int]:
    """New documents of ~TURNS_PER_DOC turns, each resampled (with replacement) from one
    source document's turns, keeping speakers (interviewer turns too), times and the
    source's attributes. Text is rebuilt as `Speaker: utterance` lines."""
    rng = random.Random(seed)
    pool = [
        (doc, [(t, doc.turn_text(t)) for t in doc.turns if doc.turn_text(t).strip()])
        for doc in source
    ]
    pool = [(doc, turns) for doc, turns in pool if turns]
    if not pool:
        raise SystemExit("the sample transcripts have no non-empty turns")

    documents: list[Document] = []
    total = 0
    while total < min_words:
        src, src_turns = rng.choice(pool)
        parts: list[str] = []
        turns: list[Turn] = []
        utterances: list[str] = []
        offset = 0
        for index, (turn, utterance) in enumerate(rng.choices(src_turns, k=TURNS_PER_DOC)):
            label = f"{turn.speaker}: " if turn.speaker is not None else ""
            start = offset + len(label)
            end = start + len(utterance)
            parts.append(f"{label}{utterance}\n")
            offset = end + 1
            turns.append(Turn(index, turn.speaker, start, end, turn.time, turn.end_time))
            utterances.append(utterance)
            total += words_in(utterance)
            if total >= min_words:
                break
        n = len(documents) + 1
        doc = Document(
            id=f"bench-{n:05d}",
            name=f"bench-{n:05d}.txt",
            text="".join(parts),
            attributes=dict(src.attributes),
            turns=turns,
        )
        for turn, utterance in zip(doc.turns, utterances, strict=True):
            assert doc.text[turn.start : turn.end] == utterance, (doc.id, turn.index)
        documents.append(doc)
    corpus = Corpus(documents)
    return corpus, total


def run_qda(corpus: Corpus, codebook_path: Path, repeat: int, workers: int) -> dict:
    from qda.codebook import load_codebook
    from qda.coding import AutoCoder

    result: dict = {}
    t0 = time.perf_counter()
    codebook = load_codebook(codebook_path)
    coder = AutoCoder(codebook, coders=("rules", "metaphor"), unit="sentence", workers=workers)
    result["load_s"] = time.perf_counter() - t0
    result["pipeline"] = ", ".join(coder.nlp.pipe_names)

    times = []
    for _ in range(repeat):
        codings = 0
        t0 = time.perf_counter()
        for _ in coder.stream(corpus):
            codings += 1
        times.append(time.perf_counter() - t0)
    result["run_s"], result["times"] = min(times), times
    result["codings"] = codings
    result["codable_turns"] = sum(1 for _ in coder.codable_turns(corpus))
    result["codable_words"] = sum(words_in(d.turn_text(t)) for d, t in coder.codable_turns(corpus))
    del coder, codebook
    return result


def run_baseline(texts: list[str], repeat: int) -> dict:
    import spacy

    from qda.nlp import model_name

    result: dict = {}
    t0 = time.perf_counter()
    nlp = spacy.load(model_name())
    result["load_s"] = time.perf_counter() - t0
    result["model"] = f"{model_name()} {nlp.meta.get('version', '?')}"
    result["pipeline"] = ", ".join(nlp.pipe_names)

    times = []
    for _ in range(repeat):
        docs = 0
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=256):
            docs += 1
        times.append(time.perf_counter() - t0)
    result["run_s"], result["times"] = min(times), times
    result["docs"] = docs
    return result


def fmt_rate(words: int, seconds: float | None) -> str:
    if not seconds:
        return "n/a"
    return f"{words / seconds:,.0f} words/s"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    transcripts = resolve(args.transcripts)
    codebook_path = resolve(args.codebook)

    from qda.readers import read_corpus

    source = read_corpus(transcripts)
    corpus, total_words = build_corpus(source, args.words, args.seed)
    n_turns = sum(len(d.turns) for d in corpus)
    interviewer_turns = sum(1 for d in corpus for t in d.turns if d.is_interviewer(t))
    texts = [d.turn_text(t) for d in corpus for t in d.turns]
    assert sum(words_in(u) for u in texts) == total_words

    print("qda auto-coding benchmark")
    print(f"  python {platform.python_version()} on {platform.platform()}")
    print(f"  transcripts: {transcripts} ({len(source)} documents), codebook: {codebook_path}, seed {args.seed}")
    print(
        f"  corpus: {total_words:,} words in {len(corpus):,} documents, {n_turns:,} turns "
        f"({interviewer_turns:,} interviewer turns), ~{TURNS_PER_DOC} turns per document"
    )
    print("  words = len(text.split()) over the utterances of ALL turns (interviewer turns included);")
    print("  the same count is used for qda and the baseline.")
    print(flush=True)

    # --- qda, in one process and then in one per CPU (first, so that this process's peak
    # RSS is measured before the full pipeline is loaded) ---
    cpus = os.cpu_count() or 1
    qda_runs: dict[int, tuple[dict | None, str | None]] = {}
    for workers in dict.fromkeys((1, cpus)):
        gc.collect()
        try:
            qda_runs[workers] = run_qda(corpus, codebook_path, args.repeat, workers), None
        except Exception:  # report, do not crash: this is a benchmark, not a test
            qda_runs[workers] = None, traceback.format_exc()
        if workers == 1:
            qda_peak = peak_rss_mb()
    helper_peak = children_peak_rss_mb()

    for workers, (qda_res, qda_error) in qda_runs.items():
        print(f"qda: AutoCoder(codebook, coders=('rules', 'metaphor'), unit='sentence', workers={workers}).stream(corpus)")
        if qda_res is not None:
            print(f"  pipeline:         {qda_res['pipeline']}")
            print(f"  load (excluded):  {qda_res['load_s']:.2f} s (codebook + spaCy pipeline + coders)")
            runs = ", ".join(f"{t:.2f}" for t in qda_res["times"])
            print(f"  coding time:      {qda_res['run_s']:.2f} s (fastest of {args.repeat}: {runs} s)")
            print(f"  codings:          {qda_res['codings']:,} (consumed one by one, not kept)")
            print(
                f"  turns coded:      {qda_res['codable_turns']:,} of {n_turns:,} "
                f"({qda_res['codable_words']:,} words); qda skips interviewer turns by design,"
            )
            print("                    but words/s counts all turns' words, as for the baseline")
            print(f"  throughput:       {fmt_rate(total_words, qda_res['run_s'])}")
        else:
            print("  ERROR: the qda run failed:")
            print("    " + qda_error.rstrip().replace("\n", "\n    "))
        if workers == 1:
            print(f"  peak RSS after the one-process run: {qda_peak:,.1f} MB")
        else:
            print(f"  peak RSS of each helper process: at most {helper_peak:,.1f} MB "
                  f"({workers} of them beside this process)")
        print(flush=True)

    # --- baseline: the full en_core_web_sm pipeline ---
    base_texts, base_words = [], 0
    for text in texts:
        if base_words >= args.baseline_words:
            break
        base_texts.append(text)
        base_words += words_in(text)
    if len(base_texts) < len(texts):
        prefix_note = (
            f"prefix of the corpus (--baseline-words {args.baseline_words:,}): {base_words:,} of "
            f"{total_words:,} words ({len(base_texts):,} of {len(texts):,} turns); "
            "baseline words/s computed on that prefix"
        )
    else:
        prefix_note = f"the whole corpus: {base_words:,} words, {len(base_texts):,} turns"
    base_res: dict | None = None
    base_error = None
    try:
        base_res = run_baseline(base_texts, args.repeat)
    except Exception:
        base_error = traceback.format_exc()
    end_peak = peak_rss_mb()

    print("baseline: spacy.load(model).pipe(texts, batch_size=256), all components incl. NER")
    print(f"  input:            {prefix_note}")
    if base_res is not None:
        print(f"  model:            {base_res['model']}")
        print(f"  pipeline:         {base_res['pipeline']}")
        print(f"  load (excluded):  {base_res['load_s']:.2f} s")
        runs = ", ".join(f"{t:.2f}" for t in base_res["times"])
        print(f"  time:             {base_res['run_s']:.2f} s for {base_res['docs']:,} docs (fastest of {args.repeat}: {runs} s)")
        print(f"  throughput:       {fmt_rate(base_words, base_res['run_s'])}")
    else:
        print("  ERROR: the baseline run failed:")
        print("    " + base_error.rstrip().replace("\n", "\n    "))
    print(f"  peak RSS at end (qda + baseline in one process): {end_peak:,.1f} MB")
    print()

    # --- summary ---
    print("summary")
    for workers, (qda_res, _) in qda_runs.items():
        who = "qda, 1 process" if workers == 1 else f"qda, {workers} processes"
        if qda_res and base_res and qda_res["run_s"] and base_res["run_s"]:
            qda_rate = total_words / qda_res["run_s"]
            base_rate = base_words / base_res["run_s"]
            ratio = qda_rate / base_rate
            speed = "PASS" if ratio >= SPEED_TARGET else "FAIL"
            print(f"  speed:  {who}: {qda_rate:,.0f} words/s vs baseline {base_rate:,.0f} words/s "
                  f"= {ratio:.1f}x   target >= {SPEED_TARGET:g}x   {speed}")
        else:
            print(f"  speed:  {who}: n/a (a run failed)   target >= {SPEED_TARGET:g}x   FAIL")
    ok = all(res is not None for res, _ in qda_runs.values())
    memory = "PASS" if ok and qda_peak < RSS_TARGET_MB else "FAIL"
    print(f"  memory: qda peak RSS {qda_peak:,.1f} MB in one process   target < {RSS_TARGET_MB:g} MB   {memory}")
    if cpus > 1:
        total = qda_peak + cpus * helper_peak  # an upper bound: forked helpers share pages with this process
        memory = "PASS" if ok and total < RSS_TARGET_MB else "FAIL"
        print(f"          with {cpus} helpers at most {total:,.1f} MB   target < {RSS_TARGET_MB:g} MB   {memory}")
    print("  (figures are reported, not asserted: exit status is 0 either way)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
