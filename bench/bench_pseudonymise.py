"""Recall, precision and speed of qda's pseudonymiser against Microsoft Presidio on the gold set.

Runs qda (`pseudonymise_texts`: speakers, front matter, patterns, NER, linked short forms,
then replacement) and Presidio (presidio-analyzer with its default recognisers plus the UK
ones for the gold's types, then presidio-anonymizer's default `replace`) over the same
gold transcripts (`--gold`, read with `qda.pseudonymise.gold.read_gold`), both with the
same spaCy model (`qda.nlp.model_name()`). It scores the spans each tool replaced with
`qda.pseudonymise.gold.score` (entity recall, mention recall, precision, allow-list
violations against qda's default allow list) and times each tool's detection +
replacement over the texts repeated `--passes` times, fastest of `--repeat` runs.

It reports, it does not assert: the exit status is 0 whatever the figures are. It needs
no network: the spaCy model is an installed package, and Presidio's e-mail recogniser
(tldextract) is kept to its bundled public-suffix snapshot.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_pseudonymise.py [--gold gold/pseudonymise/heldout]
"""

from __future__ import annotations

import os

# Before anything imports huggingface_hub or tldextract: no model or list downloads.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# tldextract (Presidio's EmailRecognizer) would fetch the public suffix list over HTTP on
# first use; an empty URL list makes it use the snapshot shipped with the package.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""

import argparse  # noqa: E402
import cProfile  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable  # noqa: E402

from common import peak_rss_mb, resolve  # noqa: E402  (puts the repository on sys.path)

from qda.corpus import Document  # noqa: E402
from qda.pseudonymise.gold import TYPES, GoldDocument, GoldScore, read_gold, score  # noqa: E402

SPEED_TARGET = 4.0  # qda words/s at least this many times Presidio's
# Presidio's UK recognisers for the identifier types the gold marks (NHS, NI, POSTCODE),
# enabled if the default registry does not already hold them.
UK_RECOGNISERS = ("NhsRecognizer", "UkNinoRecognizer", "UkPostcodeRecognizer")

Spans = dict[str, list[tuple[int, int]]]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--gold", nargs="+", default=["gold/pseudonymise/heldout"],
        help="gold folder(s) or file(s) (default gold/pseudonymise/heldout); several are "
        "scored together, so their file names must differ",
    )
    p.add_argument(
        "--passes", type=int, default=5,
        help="run each tool over the gold texts this many times within one timed run "
        "(default 5); the gold set is only a few thousand words",
    )
    p.add_argument(
        "--repeat", type=int, default=3,
        help="time each tool this many times and use the fastest (default 3); this "
        "machine's timings vary by tens of percent from run to run",
    )
    p.add_argument("--dates", default="month", help="qda's date mode: keep, month, year or remove (default month)")
    p.add_argument("--show-misses", action="store_true",
                   help="print each tool's full score report: missed mentions, false positives, "
                   "allow-list violations")
    p.add_argument("--profile", type=int, nargs="?", const=25, default=0, metavar="N",
                   help="after the timed runs, profile one untimed qda run with cProfile and "
                   "print the top N functions by cumulative and by own time (default N 25)")
    args = p.parse_args(argv)
    if args.passes < 1 or args.repeat < 1:
        p.error("--passes and --repeat must be at least 1")
    return args


def words_in(text: str) -> int:
    return len(text.split())


def load_gold(paths: list[str]) -> list[GoldDocument]:
    gold: list[GoldDocument] = []
    for path in paths:
        gold += read_gold(resolve(path))
    names = [doc.name for doc in gold]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"gold file names must be unique across --gold folders: {', '.join(duplicates)}")
    return gold


def parsed_documents(gold: list[GoldDocument]) -> list[Document]:
    """The gold raw texts as qda reads them (front matter, speakers, turns)."""
    from qda.readers.txt import parse_txt

    documents = []
    for doc in gold:
        body, turns, attributes = parse_txt(doc.raw, doc.path)
        documents.append(Document(id=doc.id, name=doc.name, text=body, attributes=attributes,
                                  turns=turns, path=doc.path))
    return documents


def union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans merged (spans that only touch stay apart)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def timed(run: Callable[[], Spans], passes: int, repeat: int) -> tuple[float, list[float], Spans, bool]:
    """Fastest of `repeat` runs of `passes` passes; the last pass's spans, and whether
    every pass of every run found the same spans."""
    times: list[float] = []
    outputs: list[Spans] = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(passes):
            outputs.append(run())
        times.append(time.perf_counter() - t0)
    same = all(o == outputs[0] for o in outputs)
    return min(times), times, outputs[-1], same


# -- qda -----------------------------------------------------------------------------------


def qda_runner(gold: list[GoldDocument], documents: list[Document], dates: str) -> tuple[Callable[[], Spans], dict]:
    from qda import nlp
    from qda.pseudonymise import AllowList, Detector, Key
    from qda.pseudonymise.corpus import pseudonymise_texts

    info: dict = {}
    t0 = time.perf_counter()
    ner = nlp.load_ner()
    info["load_s"] = time.perf_counter() - t0
    info["model"] = f"{nlp.model_name()} {ner.meta.get('version', '?')}"
    info["pipeline"] = ", ".join(ner.pipe_names)
    texts = [doc.raw for doc in gold]

    def run() -> Spans:
        key = Key()
        detector = Detector(key, AllowList(), ner)
        done = pseudonymise_texts(texts, documents, detector, key, dates)
        return {doc.name: [(r.old_start, r.old_end) for r in records]
                for doc, (_text, records) in zip(gold, done)}

    # Warm-up, untimed: lazy loads on first use (the lemma tables `is_english_word` reads,
    # which load the tagger pipeline too; the pseudonym name lists).
    t0 = time.perf_counter()
    run()
    info["warmup_s"] = time.perf_counter() - t0
    return run, info


# -- Presidio ------------------------------------------------------------------------------


def presidio_runner(gold: list[GoldDocument], model: str) -> tuple[Callable[[], Spans], dict]:
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer import predefined_recognizers as recognisers
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    if not spacy.util.is_package(model):
        # Presidio would call spacy.cli.download for a model that is not an installed package.
        raise SystemExit(f"spaCy model {model!r} is not an installed package; Presidio would try to download it")
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    info: dict = {"versions": f"presidio-analyzer {_version('presidio-analyzer')}, "
                              f"presidio-anonymizer {_version('presidio-anonymizer')}"}
    t0 = time.perf_counter()
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model}],
    })
    nlp_engine = provider.create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    present = {r.name for r in analyzer.registry.recognizers}
    added = []
    for name in UK_RECOGNISERS:
        cls = getattr(recognisers, name, None)
        if cls is not None and name not in present:
            analyzer.registry.add_recognizer(cls(supported_language="en"))
            added.append(name)
    anonymizer = AnonymizerEngine()
    info["load_s"] = time.perf_counter() - t0
    nlp = nlp_engine.nlp["en"]
    info["model"] = f"{model} {nlp.meta.get('version', '?')}"
    info["pipeline"] = ", ".join(nlp.pipe_names)
    info["default_uk"] = sorted(present & set(UK_RECOGNISERS))
    info["added_uk"] = added
    info["missing_uk"] = [n for n in UK_RECOGNISERS if getattr(recognisers, n, None) is None]
    info["recognisers"] = len(analyzer.registry.recognizers)
    info["entities"] = sorted(analyzer.get_supported_entities("en"))
    texts = [doc.raw for doc in gold]

    def run() -> Spans:
        spans: Spans = {}
        for doc, text in zip(gold, texts):
            results = analyzer.analyze(text=text, language="en")
            anonymizer.anonymize(text=text, analyzer_results=results)
            spans[doc.name] = union([(r.start, r.end) for r in results if r.end > r.start])
        return spans

    t0 = time.perf_counter()
    run()
    info["warmup_s"] = time.perf_counter() - t0
    return run, info


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


# -- report --------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def print_tool(title: str, res: dict | None, error: str | None, total_words: int, passes: int, repeat: int,
               extra: list[str]) -> None:
    print(title)
    if res is None:
        print("  ERROR: the run failed:")
        print("    " + (error or "").rstrip().replace("\n", "\n    "))
        print()
        return
    for line in extra:
        print(line)
    s: GoldScore = res["score"]
    runs = ", ".join(f"{t:.2f}" for t in res["times"])
    print(f"  model:            {res['model']} ({res['pipeline']})")
    print(f"  load (excluded):  {res['load_s']:.2f} s; warm-up run (excluded): {res['warmup_s']:.2f} s")
    print(f"  time:             {res['run_s']:.2f} s for {passes} pass(es) (fastest of {repeat}: {runs} s)")
    print(f"  throughput:       {total_words * passes / res['run_s']:,.0f} words/s")
    print(f"  entity recall:    {pct(s.entity_recall)} ({s.entities_covered}/{s.entities} entities with every mention replaced)")
    print(f"  mention recall:   {pct(s.mention_recall)} ({s.mentions_covered}/{s.mentions} mentions)")
    print(f"  precision:        {pct(s.precision)} ({s.spans_true}/{s.spans} replaced spans on an identifier)")
    print(f"  allow-list:       {len(s.allow_violations)} violation(s)")
    print(f"  same spans in every pass and run: {'yes' if res['same'] else 'NO'}")
    print(flush=True)


def profile_qda(run: Callable[[], Spans], top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(top)
        print(f"cProfile of one qda pass (untimed), top {top} by {order}")
        text = out.getvalue()
        print(text[text.find("ncalls"):].rstrip() if "ncalls" in text else text.rstrip())
        print()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from qda.nlp import model_name
    from qda.pseudonymise import AllowList

    gold = load_gold(args.gold)
    documents = parsed_documents(gold)
    total_words = sum(words_in(doc.raw) for doc in gold)
    n_mentions = sum(len(doc.mentions) for doc in gold)
    n_entities = sum(len(doc.entities) for doc in gold)
    allow_terms = AllowList().terms
    model = model_name()
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()

    print("qda pseudonymisation vs Microsoft Presidio on the gold set")
    print(f"  python {platform.python_version()} on {platform.platform()}, {cores} cores available "
          f"({os.cpu_count()} in the machine)")
    print(f"  gold: {', '.join(str(resolve(p)) for p in args.gold)}: {len(gold)} documents "
          f"({', '.join(d.name for d in gold)}), {total_words:,} words, {n_entities} entities, {n_mentions} mentions")
    print("  words = len(raw.split()) over each whole file (front matter and speaker labels included),")
    print(f"  the same text both tools get; each timed run is {args.passes} pass(es) = "
          f"{total_words * args.passes:,} words")
    print(f"  spaCy model for both: {model}; scoring: qda.pseudonymise.gold.score with qda's default "
          f"allow list ({len(allow_terms)} terms)")
    print(flush=True)

    # --- qda first, so its peak RSS is measured before Presidio's full pipeline loads ---
    qda_res: dict | None = None
    qda_error = None
    qda_run = None
    try:
        qda_run, info = qda_runner(gold, documents, args.dates)
        run_s, times, spans, same = timed(qda_run, args.passes, args.repeat)
        qda_res = {**info, "run_s": run_s, "times": times, "spans": spans, "same": same,
                   "score": score(gold, spans, allow_terms)}
    except Exception:  # report, do not crash: this is a benchmark, not a test
        qda_error = traceback.format_exc()
    gc.collect()
    qda_peak = peak_rss_mb()
    print_tool(
        "qda: per pass a fresh Key() and Detector(key, AllowList(), load_ner()), then "
        f"pseudonymise_texts(raw texts, parsed documents, dates={args.dates!r})",
        qda_res, qda_error, total_words, args.passes, args.repeat,
        ["  spans:            each Replacement's (old_start, old_end) in the raw text"],
    )
    print(f"  peak RSS after the qda runs: {qda_peak:,.1f} MB")
    print(flush=True)

    # --- Presidio ---
    pr_res: dict | None = None
    pr_error = None
    try:
        pr_run, info = presidio_runner(gold, model)
        run_s, times, spans, same = timed(pr_run, args.passes, args.repeat)
        pr_res = {**info, "run_s": run_s, "times": times, "spans": spans, "same": same,
                  "score": score(gold, spans, allow_terms)}
    except Exception:
        pr_error = traceback.format_exc()
    extra = []
    if pr_res is not None:
        extra = [
            f"  versions:         {pr_res['versions']}",
            f"  recognisers:      {pr_res['recognisers']} (default registry"
            + (f" + {', '.join(pr_res['added_uk'])}" if pr_res["added_uk"] else "")
            + (f"; UK already on by default: {', '.join(pr_res['default_uk'])}" if pr_res["default_uk"] else "")
            + (f"; not in this Presidio: {', '.join(pr_res['missing_uk'])}" if pr_res["missing_uk"] else "")
            + ")",
            f"  entities:         {', '.join(pr_res['entities'])}",
            "  spans:            union of the analyzer results' (start, end), overlaps merged "
            "(all results, score threshold 0, as the anonymizer replaces them)",
        ]
    print_tool(
        "Presidio: per document AnalyzerEngine.analyze(text, language='en'), then "
        "AnonymizerEngine().anonymize(text, results) (default replace operator)",
        pr_res, pr_error, total_words, args.passes, args.repeat, extra,
    )
    end_peak = peak_rss_mb()
    print(f"  peak RSS at end (qda + Presidio in one process): {end_peak:,.1f} MB")
    print(flush=True)

    # --- per type ---
    if qda_res and pr_res:
        qs, ps = qda_res["score"], pr_res["score"]
        print("entity recall by type (mention recall in brackets)")
        print(f"  {'type':<9}{'entities':>9}{'mentions':>9}   {'qda':>16}   {'Presidio':>16}")
        for kind in TYPES:
            q, p = qs.by_type.get(kind), ps.by_type.get(kind)
            if q is None or not q.mentions:
                continue
            qcell = f"{pct(q.entity_recall)} ({pct(q.mention_recall)})"
            pcell = f"{pct(p.entity_recall)} ({pct(p.mention_recall)})"
            print(f"  {kind:<9}{q.entities:>9}{q.mentions:>9}   {qcell:>16}   {pcell:>16}")
        print()

    if args.show_misses:
        for name, res in (("qda", qda_res), ("Presidio", pr_res)):
            if res is not None:
                print(f"=== {name}: full score report ===")
                print(res["score"].format(limit=None))

    # --- summary ---
    print("summary")
    if qda_res and pr_res:
        qs, ps = qda_res["score"], pr_res["score"]
        q_rate = total_words * args.passes / qda_res["run_s"]
        p_rate = total_words * args.passes / pr_res["run_s"]
        ratio = q_rate / p_rate
        q_er, p_er = qs.entity_recall or 0.0, ps.entity_recall or 0.0
        recall_ok = q_er > p_er
        speed_ok = ratio >= SPEED_TARGET
        print(f"  entity recall:  qda {pct(qs.entity_recall)} vs Presidio {pct(ps.entity_recall)} "
              f"= {100 * (q_er - p_er):+.1f} points   target > 0   {'PASS' if recall_ok else 'FAIL'}")
        print(f"  mention recall: qda {pct(qs.mention_recall)} vs Presidio {pct(ps.mention_recall)} "
              f"= {100 * ((qs.mention_recall or 0) - (ps.mention_recall or 0)):+.1f} points")
        print(f"  precision:      qda {pct(qs.precision)} vs Presidio {pct(ps.precision)}; allow-list "
              f"violations: qda {len(qs.allow_violations)}, Presidio {len(ps.allow_violations)}")
        print(f"  speed:          qda {q_rate:,.0f} words/s vs Presidio {p_rate:,.0f} words/s = {ratio:.1f}x   "
              f"target >= {SPEED_TARGET:g}x   {'PASS' if speed_ok else 'FAIL'}")
        print(f"  overall (higher entity recall AND >= {SPEED_TARGET:g}x words/s, {cores} cores): "
              f"{'PASS' if recall_ok and speed_ok else 'FAIL'}")
    else:
        print(f"  n/a (a run failed)   target: higher entity recall and >= {SPEED_TARGET:g}x words/s   FAIL")
    print(f"  peak RSS: {qda_peak:,.1f} MB after qda, {end_peak:,.1f} MB at end")
    print("  (figures are reported, not asserted: exit status is 0 either way)")

    if args.profile and qda_run is not None:
        print()
        profile_qda(qda_run, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
