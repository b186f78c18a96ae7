"""The browser app's Review page on a 200-document project: first render and filter changes.

Builds a SQLite project like bench_store.py (the sample study resampled to --documents
documents, --codings codings), then drives the real app with Streamlit's AppTest in this
process and times:

- the Review page's first render with empty caches (opening the project, loading the
  corpus and the coded table, filtering, drawing ten excerpts);
- each filter change (a code, a status, an attribute value, a text search, the next
  page), with the caches warm, as a researcher clicking through would see them;
- the baseline, in the same process: `Project.coded_table()` alone, the store read the
  first render cannot avoid.

Target: every render under 2 s. It also counts calls to `AutoCoder.predict` during all
reruns (must be 0: the app never re-runs coders on a rerun). It reports, it does not
assert: the exit status is 0 whatever the figures are.

    .venv/bin/python bench/bench_app.py [--documents 200] [--codings 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, peak_rss_mb, resolve  # noqa: E402  (puts the repository on sys.path)

from bench_store import build_corpus, make_codings  # noqa: E402

TARGET_S = 2.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--documents", type=int, default=200, help="documents in the project (default 200)")
    p.add_argument("--codings", type=int, default=100_000, help="codings in the project (default 100000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from qda import Project, load_codebook, readers
    from qda.coding import AutoCoder

    codebook = load_codebook(resolve("codebooks/ccin.yaml"))
    corpus = build_corpus(readers.read_corpus(resolve("transcripts_sample")), args.documents, args.seed)
    codings = make_codings(corpus, codebook, args.codings, args.seed)
    with tempfile.TemporaryDirectory(prefix="qda-bench-app-") as tmp:
        os.environ["QDA_APP_HOME"] = tmp
        path = Path(tmp) / "bench.qda"
        with Project.init(path, codebook=codebook) as project:
            project.import_corpus(corpus)
            project.add_codings(codings)
            t0 = time.perf_counter()
            table = project.coded_table()
            baseline = time.perf_counter() - t0
        print(f"python {platform.python_version()} on {platform.machine()}; {len(corpus)} documents, "
              f"{len(table):,} codings ({(table['status'] == 'suggested').sum():,} suggested)")

        calls = [0]
        predict = AutoCoder.predict

        def counted(self, *a, **k):
            calls[0] += 1
            return predict(self, *a, **k)

        AutoCoder.predict = counted
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["project"] = str(path)
        at.session_state["coder"] = "Ruth"
        at.run()  # the Project page, which fills the caches: empty them again
        st.cache_resource.clear()
        t0 = time.perf_counter()
        at.switch_page("qda/app/pages/review.py").run()
        rows = [("first render (cold caches)", time.perf_counter() - t0)]
        attribute = next(a for a in ("role", "team") if a in table.columns)
        value = table[attribute].dropna().iloc[0]
        steps = [
            ("filter: code up_down", lambda: at.multiselect(key="f_codes").set_value(["up_down"])),
            ("filter: status accepted+suggested",
             lambda: at.multiselect(key="f_status").set_value(["suggested", "accepted"])),
            (f"filter: {attribute} = {value}", lambda: (at.selectbox(key="f_attribute").set_value(attribute).run(),
                                                      at.multiselect(key="f_values").set_value([value]))),
            ("filter: text contains 'step'", lambda: at.text_input(key="f_search").set_value("step")),
            ("next page", lambda: at.number_input(key="f_page").increment()),
            ("clear filters", lambda: (at.multiselect(key="f_codes").set_value([]),
                                       at.text_input(key="f_search").set_value(""))),
        ]
        for label, change in steps:
            change()
            t0 = time.perf_counter()
            at.run()
            rows.append((label, time.perf_counter() - t0))
        errors = list(at.exception)
        AutoCoder.predict = predict

    print(f"\n{'render':<40}{'seconds':>9}{'x baseline':>12}  target < {TARGET_S:.0f} s")
    for label, seconds in rows:
        print(f"{label:<40}{seconds:>9.3f}{seconds / baseline:>12.2f}  {'PASS' if seconds < TARGET_S else 'FAIL'}")
    print(f"{'baseline: Project.coded_table()':<40}{baseline:>9.3f}{1.0:>12.2f}")
    print(f"\nAutoCoder.predict calls during the reruns: {calls[0]} ({'PASS' if calls[0] == 0 else 'FAIL'})")
    print(f"app exceptions: {len(errors)}{(': ' + str(errors[0])[:300]) if errors else ''}")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
