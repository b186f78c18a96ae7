"""Topic quality beside NMF and LDA, and the speed of embedding and fitting topics.

Quality: fits BERTopic (`qda.topics.fit_topics`), scikit-learn NMF (on TF-IDF) and LDA
(`LatentDirichletAllocation` on counts) on the same segments, (a) the sample study's
sentences and (b) a larger corpus of --large sentences resampled with replacement from
them. NMF and LDA get as many topics as BERTopic found and the very vocabulary (stop words,
token pattern, bigrams, min_df=2) that BERTopic's fitted vectorizer holds. For each model
it prints NPMI coherence of the top-10 words per topic over the corpus itself, topic
diversity of the top-25 words, the number of topics and the fit time.

Speed: on --large segments (made distinct by default, so the cold figure is honest) it
prints embedding throughput with an empty cache (cold) and again with the same cache
(warm: computes none), and the time to fit topics with the embeddings cached.

It reports, it does not assert: the exit status is 0 whatever the figures are.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_topics.py [--large 10000]
    .venv/bin/python bench/bench_topics.py --self-check
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import math  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from itertools import combinations  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402

from common import peak_rss_mb, resolve  # noqa: E402  (puts the repository on sys.path)

FIT_TARGET_S = 60.0  # fit topics on --large segments (embeddings cached) under this, on 2 cores
COHERENCE_WORDS = 10  # top words per topic for NPMI
DIVERSITY_WORDS = 25  # top words per topic for topic diversity


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--large", type=int, default=10_000,
                   help="segments in the resampled corpus, for quality (b) and speed (default 10000)")
    p.add_argument("--repeat", type=int, default=1,
                   help="time each fit (and each cold/warm embedding) this many times and use the fastest "
                   "(default 1: the fits are slow)")
    p.add_argument("--seed", type=int, default=42,
                   help="seed for resampling and for every model (default 42, fit_topics' default)")
    p.add_argument("--cache", default=None,
                   help="embedding cache folder for the quality runs (default: a temporary folder, removed "
                   "at the end); the speed part's cold run always uses a fresh empty temporary folder")
    p.add_argument("--distinct", action=argparse.BooleanOptionalAction, default=True,
                   help="speed part: prefix each resampled segment with its number ('[17] ...') so all "
                   "--large texts are distinct and the cold run embeds every one (default on); the "
                   "prefix is no word for the vectorizer, whose token pattern skips digits")
    p.add_argument("--transcripts", default="transcripts_sample", help="sample transcripts (file or folder)")
    p.add_argument("--show-topics", action="store_true", help="print every model's top-10 words per topic")
    p.add_argument("--self-check", action="store_true",
                   help="check NPMI and diversity on tiny hand examples, then stop (no models, a second)")
    return p.parse_args(argv)


# --- the measures -------------------------------------------------------------------------


def presence(texts: list[str], vectorizer) -> sparse.csc_matrix:
    """Segments x vocabulary, 1 where the term occurs in the segment (counts clipped to 1)."""
    counts = vectorizer.transform(texts)
    counts.data[:] = 1
    return sparse.csc_matrix(counts, dtype=np.float64)


def npmi_coherence(topics: list[list[str]], present: sparse.spmatrix, vocabulary: dict[str, int]) -> float:
    """Mean NPMI of each topic's word pairs, averaged over topics.

    `present` is a documents x terms 0/1 matrix (document = segment) and `vocabulary` maps a
    term to its column. With N documents, P(w) = documents containing w / N and
    P(wi, wj) = documents containing both / N;
    NPMI(wi, wj) = log(P(wi, wj) / (P(wi) P(wj))) / -log P(wi, wj), -1 when the two never
    occur together (and 1 when both occur in every document, where the formula is 0/0).
    A topic's score is the mean over its word pairs; topics with fewer than two words are
    skipped.

    >>> docs = [{"a", "b"}, {"a", "b"}, {"a", "c"}, {"d"}]
    >>> vocab = {"a": 0, "b": 1, "c": 2, "d": 3}
    >>> m = sparse.csc_matrix([[w in d for w in vocab] for d in docs], dtype=float)
    >>> round(npmi_coherence([["a", "b"]], m, vocab), 4)  # log(4/3) / log 2
    0.415
    >>> round(npmi_coherence([["a", "b", "c"]], m, vocab), 4)  # (0.415 + 0.2075 - 1) / 3
    -0.1258
    """
    n_docs = present.shape[0]
    scores = []
    for words in topics:
        columns = [vocabulary[w] for w in words]
        if len(columns) < 2:
            continue
        sub = sparse.csc_matrix(present[:, columns])
        together = (sub.T @ sub).toarray()  # documents holding both words; the diagonal: each word
        p_word = np.diag(together) / n_docs
        pairs = []
        for i, j in combinations(range(len(columns)), 2):
            p_both = together[i, j] / n_docs
            if p_both == 0:
                pairs.append(-1.0)
            elif p_both == 1:
                pairs.append(1.0)
            else:
                pairs.append(math.log(p_both / (p_word[i] * p_word[j])) / -math.log(p_both))
        scores.append(sum(pairs) / len(pairs))
    return float(np.mean(scores)) if scores else float("nan")


def diversity(topics: list[list[str]], n: int = DIVERSITY_WORDS) -> float:
    """Unique words among all topics' top-n / (n x topics).

    >>> diversity([["a", "b"], ["b", "c"]], n=2)
    0.75
    """
    if not topics:
        return float("nan")
    return len({w for words in topics for w in words[:n]}) / (n * len(topics))


def self_check() -> bool:
    """The hand examples of the docstrings, worked through; True when all hold."""
    docs = [{"a", "b"}, {"a", "b"}, {"a", "c"}, {"d"}]
    vocab = {"a": 0, "b": 1, "c": 2, "d": 3}
    m = sparse.csc_matrix([[w in d for w in vocab] for d in docs], dtype=float)
    ab = math.log((2 / 4) / ((3 / 4) * (2 / 4))) / -math.log(2 / 4)  # log(4/3) / log 2 = 0.4150
    ac = math.log((1 / 4) / ((3 / 4) * (1 / 4))) / -math.log(1 / 4)  # log(4/3) / log 4 = 0.2075
    cases = [
        ("NPMI(a, b): together in 2 of 4 documents", npmi_coherence([["a", "b"]], m, vocab), ab),
        ("NPMI(b, c): never together -> -1", npmi_coherence([["b", "c"]], m, vocab), -1.0),
        ("topic [a, b, c]: mean of 3 pairs", npmi_coherence([["a", "b", "c"]], m, vocab), (ab + ac - 1) / 3),
        ("two topics: mean of topic means", npmi_coherence([["a", "b"], ["b", "c"]], m, vocab), (ab - 1) / 2),
        ("NPMI(a, b) over [a b] x 2 only: always together -> 1",
         npmi_coherence([["a", "b"]], m[:2], vocab), 1.0),
        ("diversity [[a, b], [b, c]], n=2: 3 / 4", diversity([["a", "b"], ["b", "c"]], n=2), 0.75),
    ]
    ok = True
    print("self-check (hand examples over documents {a b}, {a b}, {a c}, {d})")
    for label, got, want in cases:
        good = math.isclose(got, want, abs_tol=1e-9)
        ok &= good
        print(f"  {label:<56} {got:+.4f}  expected {want:+.4f}  {'ok' if good else 'WRONG'}")
    import doctest

    failed, tried = doctest.testmod(sys.modules[__name__], verbose=False)
    print(f"  docstring examples: {tried - failed} of {tried} pass")
    ok &= failed == 0
    print(f"  self-check: {verdict(ok)}")
    return ok


# --- models -------------------------------------------------------------------------------


def bertopic_words(tm, n: int) -> tuple[list[list[str]], bool]:
    """Top-n words per topic (outliers left out, topics in id order): BERTopic's own top-10
    (`get_topic`; fit_topics keeps only 10), then the next words by BERTopic's c-TF-IDF
    matrix, whose rows are the topics in sorted order. Also whether BERTopic's top-10 are
    the 10 highest c-TF-IDF scores in every topic (ties at the 10th place aside), a check
    that the rows were read right."""
    model = tm.model
    labels = sorted(int(t) for t in set(tm.topics.tolist()))
    words = list(model.vectorizer_model.get_feature_names_out())
    column = {w: i for i, w in enumerate(words)}
    matrix = sparse.csr_matrix(model.c_tf_idf_)
    result, consistent = [], True
    for row, label in enumerate(labels):
        if label == -1:
            continue
        values = matrix.getrow(row).toarray().ravel()
        own = tm.top_words(label, COHERENCE_WORDS)
        taken = {column[w] for w in own}
        rest = [i for i in np.argsort(-values, kind="stable") if i not in taken and values[i] > 0]
        if own and rest:
            consistent &= bool(min(values[i] for i in taken) >= values[rest[0]] - 1e-12)
        result.append((own + [words[i] for i in rest])[:n])
    return result, consistent


def fit_bertopic(segs, embedder, seed: int, repeat: int) -> dict:
    from qda.topics import fit_topics

    times, tm = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # UMAP: a seed means one thread
            tm = fit_topics(segs, embedder=embedder, seed=seed)
        times.append(time.perf_counter() - t0)
    top, same = bertopic_words(tm, DIVERSITY_WORDS)
    topic_ids = [t for t in tm.topic_ids if t != -1]
    return {"name": "BERTopic", "tm": tm, "vectorizer": tm.model.vectorizer_model, "words": top,
            "times": times, "k": len(topic_ids), "outliers": tm.outliers, "outliers_before": tm.outliers_before,
            "check": same}


def fit_sklearn(kind: str, texts: list[str], vectorizer, k: int, seed: int, repeat: int) -> dict:
    """NMF on TF-IDF or LDA on counts, with `vectorizer`'s vocabulary; time includes vectorizing."""
    from sklearn.decomposition import NMF, LatentDirichletAllocation
    from sklearn.feature_extraction.text import TfidfTransformer

    names = vectorizer.get_feature_names_out()
    times, model = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        counts = vectorizer.transform(texts)
        if kind == "NMF":
            model = NMF(n_components=k, init="nndsvda", max_iter=500, random_state=seed)
            model.fit(TfidfTransformer().fit_transform(counts))
        else:
            model = LatentDirichletAllocation(n_components=k, learning_method="batch", max_iter=20,
                                              random_state=seed, n_jobs=1)
            model.fit(counts)
        times.append(time.perf_counter() - t0)
    top = [[names[i] for i in np.argsort(-row, kind="stable")[:DIVERSITY_WORDS]] for row in model.components_]
    label = "NMF (TF-IDF)" if kind == "NMF" else "LDA (counts)"
    return {"name": label, "words": top, "times": times, "k": k, "iterations": int(model.n_iter_)}


def quality(title: str, segs, embedder, args) -> dict | None:
    """Fit the three models on `segs` and print their figures; returns the results or None."""
    texts = segs["text"].tolist()
    print(f"quality {title}: {len(texts):,} segments, {len(set(texts)):,} distinct", flush=True)
    t0 = time.perf_counter()
    computed = embedder.computed
    embedder(texts)
    embed_s = time.perf_counter() - t0
    print(f"  embedding (excluded from fit times): {embed_s:.2f} s, {embedder.computed - computed:,} texts "
          "computed, the rest from the cache", flush=True)
    try:
        bt = fit_bertopic(segs, embedder, args.seed, args.repeat)
        vectorizer = bt["vectorizer"]
        models = [bt]
        for kind in ("NMF", "LDA"):
            models.append(fit_sklearn(kind, texts, vectorizer, bt["k"], args.seed, args.repeat))
    except Exception:  # report, do not crash: this is a benchmark, not a test
        print("  ERROR: a fit failed:")
        print("    " + traceback.format_exc().rstrip().replace("\n", "\n    "))
        print()
        return None
    present = presence(texts, vectorizer)
    vocabulary = vectorizer.vocabulary_
    for m in models:
        m["npmi"] = npmi_coherence([w[:COHERENCE_WORDS] for w in m["words"]], present, vocabulary)
        m["diversity"] = diversity(m["words"], DIVERSITY_WORDS)
    tm = bt["tm"]
    print(f"  vocabulary: {len(vocabulary):,} terms (BERTopic's fitted vectorizer: qda.topics stop words and "
          "token pattern, unigrams and bigrams, min_df=2), shared by all three models")
    print(f"  BERTopic: min_topic_size {tm.min_topic_size}, {bt['outliers_before']:,} outliers before "
          f"reduction, {bt['outliers']:,} after; get_topic's top-10 are c-TF-IDF's top-10 (ties aside): "
          f"{'yes' if bt['check'] else 'NO'}")
    print(f"  NMF: init nndsvda, {models[1]['iterations']} iterations; LDA: batch, "
          f"{models[2]['iterations']} iterations; seed {args.seed} for all")
    print(f"  {'model':<14} {'topics':>6} {'NPMI@10':>8} {'diversity@25':>13} {'fit s':>8}   runs")
    for m in models:
        runs = ", ".join(f"{t:.2f}" for t in m["times"])
        print(f"  {m['name']:<14} {m['k']:>6} {m['npmi']:>+8.4f} {m['diversity']:>13.3f} "
              f"{min(m['times']):>8.2f}   {runs}")
    best_other = max(models[1:], key=lambda m: m["npmi"])
    leads = bt["npmi"] > best_other["npmi"]
    print(f"  BERTopic leads on coherence: {'yes' if leads else 'no'} "
          f"(BERTopic {bt['npmi']:+.4f} vs best other, {best_other['name']}, {best_other['npmi']:+.4f}; "
          f"difference {bt['npmi'] - best_other['npmi']:+.4f})")
    if args.show_topics:
        for m in models:
            print(f"  {m['name']} top-10 words:")
            for i, words in enumerate(m["words"]):
                print(f"    {i:>3}: {', '.join(words[:COHERENCE_WORDS])}")
    print(flush=True)
    return {"models": models, "leads": leads, "n": len(texts)}


# --- speed --------------------------------------------------------------------------------


def speed(segs, args) -> dict | None:
    from qda.embeddings import Embedder
    from qda.topics import fit_topics

    texts = segs["text"].tolist()
    distinct = len(set(texts))
    result: dict = {"n": len(texts), "distinct": distinct}
    cold, warm, dirs = [], [], []
    try:
        for _ in range(args.repeat):
            folder = Path(tempfile.mkdtemp(prefix="qda-bench-topics-cold-"))
            dirs.append(folder)
            embedder = Embedder(cache=folder)
            t0 = time.perf_counter()
            embedder(texts)
            cold.append((time.perf_counter() - t0, embedder.computed))
            before = embedder.computed
            t0 = time.perf_counter()
            embedder(texts)
            warm.append((time.perf_counter() - t0, embedder.computed - before))
        result["cold"], result["warm"] = cold, warm
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tm = fit_topics(segs, embedder=embedder, seed=args.seed)
            times.append(time.perf_counter() - t0)
        result["fit"] = times
        result["topics"] = len([t for t in tm.topic_ids if t != -1])
        result["fit_computed"] = embedder.computed - cold[-1][1] - warm[-1][1]
    except Exception:
        result["error"] = traceback.format_exc()
    finally:
        for folder in dirs:
            shutil.rmtree(folder, ignore_errors=True)
    return result


# --- main ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def resample(segs, n: int, seed: int, distinct: bool):
    """`n` rows drawn with replacement from `segs` (whole sentences, `random.Random(seed)`);
    with `distinct`, each text is prefixed with its row number in brackets."""
    rng = random.Random(seed)
    rows = rng.choices(range(len(segs)), k=n)
    out = segs.iloc[rows].reset_index(drop=True)
    if distinct:
        out["text"] = [f"[{i + 1}] {t}" for i, t in enumerate(out["text"])]
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.self_check:
        self_check()
        return 0

    print("qda topics benchmark: BERTopic beside NMF and LDA, and embedding/fit speed")
    print(f"  python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} cores")
    try:
        import torch

        print(f"  torch {torch.__version__}, {torch.get_num_threads()} threads")
    except ImportError:
        pass
    checked = self_check()
    print()
    if not checked:
        print("the NPMI/diversity self-check failed: the quality figures below are not to be trusted")

    from qda.embeddings import Embedder
    from qda.readers import read_corpus
    from qda.topics import segments

    transcripts = resolve(args.transcripts)
    source = read_corpus(transcripts)
    t0 = time.perf_counter()
    sample = segments(source, "sentence")
    seg_s = time.perf_counter() - t0
    large = resample(sample, args.large, args.seed, distinct=False)
    print(f"corpus: {transcripts} ({len(source)} documents) -> {len(sample):,} sentence segments "
          f"({seg_s:.1f} s to segment); resampled corpus: {len(large):,} segments drawn with replacement "
          f"(seed {args.seed}), {large['text'].nunique():,} distinct")
    temporary = args.cache is None
    cache = Path(tempfile.mkdtemp(prefix="qda-bench-topics-")) if temporary else resolve(args.cache)
    print(f"embedding cache for the quality runs: {cache}" + (" (temporary, removed at the end)" if temporary else ""))
    print("NPMI@10: mean NPMI of each topic's top-10 word pairs over the corpus's own segments "
          "(presence in a segment), averaged over topics; -1 for pairs never together. "
          "diversity@25: unique words among all topics' top-25 / (25 x topics).")
    print("fit time: BERTopic = the whole fit_topics call with the embeddings already cached (the cache "
          "lookup is included); NMF/LDA = vectorizing + fitting.")
    print()

    try:
        embedder = Embedder(cache=cache)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            embedder.dimension  # loads the model, outside every timing
        print(f"embedding model: {embedder.path} loaded in {time.perf_counter() - t0:.2f} s (excluded)")
        print()
        results = {}
        results["a"] = quality("(a) the sample study", sample, embedder, args)
        results["b"] = quality(f"(b) {args.large:,} resampled segments", large, embedder, args)
    finally:
        if temporary:
            shutil.rmtree(cache, ignore_errors=True)

    speed_segs = resample(sample, args.large, args.seed, distinct=args.distinct)
    how = ("distinct: each prefixed with '[row number] '" if args.distinct
           else "as resampled, duplicates kept (--no-distinct)")
    print(f"speed: {len(speed_segs):,} resampled segments ({how}), {speed_segs['text'].nunique():,} distinct texts")
    sp = speed(speed_segs, args)
    if "cold" in sp:
        cold_s, cold_n = min(sp["cold"])
        warm_s, warm_n = min(sp["warm"])
        runs = ", ".join(f"{t:.2f}" for t, _ in sp["cold"])
        print(f"  cold (fresh empty cache):  {cold_s:.2f} s, {cold_n:,} texts embedded = "
              f"{cold_n / cold_s:,.0f} texts embedded/s; {sp['n'] / cold_s:,.0f} segments/s counting all "
              f"{sp['n']:,} (fastest of {args.repeat}: {runs} s)")
        print(f"  warm (same cache again):   {warm_s:.2f} s, computed {warm_n:,} = "
              f"{sp['n'] / warm_s:,.0f} segments/s")
    if "fit" in sp:
        runs = ", ".join(f"{t:.2f}" for t in sp["fit"])
        print(f"  fit_topics, cached:        {min(sp['fit']):.2f} s for {sp['n']:,} segments, {sp['topics']} "
              f"topics, {sp['fit_computed']} texts embedded during the fit (fastest of {args.repeat}: {runs} s)")
    if "error" in sp:
        print("  ERROR: the speed run failed:")
        print("    " + sp["error"].rstrip().replace("\n", "\n    "))
    print()

    print("summary")
    for key, label in (("a", "(a) sample"), ("b", f"(b) {args.large:,} resampled")):
        r = results.get(key)
        if r is None:
            print(f"  {label:<22} n/a (a fit failed)")
            continue
        bt, nmf, lda = r["models"]
        print(f"  {label:<22} NPMI@10 BERTopic {bt['npmi']:+.4f}, NMF {nmf['npmi']:+.4f}, LDA {lda['npmi']:+.4f}; "
              f"diversity {bt['diversity']:.3f} / {nmf['diversity']:.3f} / {lda['diversity']:.3f}; "
              f"{bt['k']} topics; BERTopic leads on coherence: {'yes' if r['leads'] else 'no'}")
    if "cold" in sp:
        cold_s, cold_n = min(sp["cold"])
        warm_n = min(sp["warm"])[1]
        print(f"  embedding: cold {cold_n / cold_s:,.0f} distinct texts/s ({cold_n:,} embedded), warm computed "
              f"{warm_n:,}   {verdict(warm_n == 0)} (warm computes none)")
    if "fit" in sp:
        fit = min(sp["fit"])
        print(f"  fit on {sp['n']:,} segments, embeddings cached: {fit:.2f} s   target < {FIT_TARGET_S:g} s on 2 cores "
              f"({os.cpu_count()} here)   {verdict(fit < FIT_TARGET_S)}")
    else:
        print(f"  fit: n/a (the run failed)   target < {FIT_TARGET_S:g} s   FAIL")
    if results.get("b") is not None:
        dup = min(results["b"]["models"][0]["times"])
        print(f"  for comparison, fit on (b)'s {results['b']['n']:,} segments with duplicates kept: {dup:.2f} s "
              f"(the same target would be {verdict(dup < FIT_TARGET_S)}; UMAP is slower on exact duplicates)")
    print(f"  peak RSS: {peak_rss_mb():,.1f} MB")
    print("  (figures are reported, not asserted: exit status is 0 either way)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
