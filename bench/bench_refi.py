"""REFI-QDA at archive scale: export a large project to .qdpx, validate it, import it.

Builds a SQLite project like bench_store.py (the sample study resampled to --documents
documents, --codings codings, partly reviewed), then in one process times:

- `project.export("x.csv")`, the coded table: the baseline;
- `project.export("x.qdpx", status=all)`, every coding as a REFI-QDA selection;
- `qda.refi.validate.validate("x.qdpx")`, the official XSD plus qda's own checks;
- `Project.import_qdpx("x.qdpx")` into a fresh project, then a second export, checked
  identical to the first (a round trip at scale).

It prints seconds, codings/s, the ratio of each step to the CSV baseline, file sizes and
peak RSS. It reports, it does not assert: the exit status is 0 whatever the figures are.

    .venv/bin/python bench/bench_refi.py [--documents 200] [--codings 100000]
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from common import peak_rss_mb, resolve  # noqa: E402  (puts the repository on sys.path)

from bench_store import build_corpus, make_codings  # noqa: E402

STATUSES = ["accepted", "suggested", "rejected"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--documents", type=int, default=200, help="documents in the project (default 200)")
    p.add_argument("--codings", type=int, default=100_000, help="codings in the project (default 100000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--transcripts", default="transcripts_sample", help="sample transcripts (file or folder)")
    p.add_argument("--codebook", default="codebooks/ccin.yaml", help="codebook YAML")
    args = p.parse_args(argv)
    if args.documents < 1 or args.codings < 1:
        p.error("--documents and --codings must be at least 1")
    return args


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def project_xml(path: Path) -> bytes:
    """The project XML without the export's own name and time."""
    import re

    xml = zipfile.ZipFile(path).read("project.qde").decode("utf-8")
    head, _, rest = xml.partition("<Users>")
    return (re.sub(r' (name|creationDateTime)="[^"]*"', "", head) + rest).encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from qda import Project, load_codebook, readers
    from qda.refi.validate import validate

    codebook = load_codebook(resolve(args.codebook))
    corpus = build_corpus(readers.read_corpus(resolve(args.transcripts)), args.documents, args.seed)
    codings = make_codings(corpus, codebook, args.codings, args.seed)
    n = len(codings)
    print(f"python {platform.python_version()} on {platform.machine()}; {len(corpus)} documents, "
          f"{sum(len(d.text) for d in corpus):,} characters, {n:,} codings")
    with tempfile.TemporaryDirectory(prefix="qda-bench-refi-") as tmp:
        work = Path(tmp)
        with Project.init(work / "source.qda", codebook=codebook) as source:
            source.import_corpus(corpus)
            source.add_codings(codings)
            csv_s, _ = timed(lambda: source.export(work / "table.csv", status=STATUSES))
            export_s, first = timed(lambda: source.export(work / "first.qdpx", status=STATUSES))
        validate_s, problems = timed(lambda: validate(first))
        with Project.init(work / "copy.qda") as copy:
            import_s, result = timed(lambda: copy.import_qdpx(first))
            again = copy.export(work / "second.qdpx", status=STATUSES)
        identical = project_xml(first) == project_xml(again) and all(
            zipfile.ZipFile(first).read(name) == zipfile.ZipFile(again).read(name)
            for name in zipfile.ZipFile(first).namelist() if name != "project.qde")
        qde_mb = zipfile.ZipFile(first).getinfo("project.qde").file_size / 1e6
        print(f"\n{'step':<34}{'seconds':>9}{'codings/s':>12}{'x CSV':>8}")
        for label, seconds in (("coded table .csv (baseline)", csv_s), ("export .qdpx", export_s),
                               ("validate .qdpx", validate_s), ("import .qdpx into a new project", import_s)):
            print(f"{label:<34}{seconds:>9.2f}{n / seconds:>12,.0f}{seconds / csv_s:>8.2f}")
        print(f"\n.qdpx {first.stat().st_size / 1e6:.1f} MB (project.qde {qde_mb:.1f} MB unpacked); "
              f".csv {(work / 'table.csv').stat().st_size / 1e6:.1f} MB")
        print(f"validation problems: {len(problems)}; imported {result.codings_added:,} codings, "
              f"{len(result.documents.added)} documents; second export identical: {identical}")
        print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
