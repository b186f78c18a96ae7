"""No leaks: pseudonymise the sample study, code it, export every format, and find none of
the original identifiers anywhere in what was written (nor the key's rows)."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pyarrow.parquet as pq

from qda import AutoCoder, coded_table, read_corpus, write_table
from qda.pseudonymise import pseudonymise_files

from conftest import CCIN, SAMPLE


def _contents(path: Path) -> str:
    """What a file holds, decompressed: XLSX is a zip of XML, Parquet is columnar and
    compressed, so a raw byte search in either would find nothing whatever they held. The
    XLSX's cell addresses (r="A68", ref="A1:R90") are dropped: a road called the A68 is an
    identifier, cell A68 is not."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            xml = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        return re.sub(r'\s(?:r|ref|sqref|activeCell|topLeftCell)="[^"]*"', "", xml)
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        metadata = b"".join(k + v for k, v in (table.schema.metadata or {}).items()).decode("utf-8", "replace")
        return table.to_pandas().to_csv() + metadata
    return path.read_bytes().decode("utf-8", "replace")


def test_no_original_identifier_in_any_output(tmp_path, nlp):
    out, key = tmp_path / "shared" / "transcripts", tmp_path / "private" / "key.csv"
    pseudonymise_files([SAMPLE], out, key)
    corpus = read_corpus(out)
    codings = AutoCoder(__import__("qda").load_codebook(CCIN), nlp=nlp).predict(corpus)
    table = coded_table(corpus, codings, __import__("qda").load_codebook(CCIN))
    for name in ("coded.csv", "coded.xlsx", "coded.parquet"):
        write_table(table, tmp_path / "shared" / name)
    assert len(table) > 500

    sources = "\n".join(p.read_text(encoding="utf-8") for p in SAMPLE.glob("*.txt"))
    rows = list(csv.DictReader(key.open(encoding="utf-8")))
    originals = {form for row in rows for form in [row["original"], *row["aliases"].split("; ")] if form}
    originals |= {word for row in rows if row["type"] == "PERSON" for word in row["original"].split()}
    # A word the transcripts also use in lower case ("house", "caseload") is not only an
    # identifier: finding it in the output would not be a leak.
    identifiers = sorted(o for o in originals if len(o) > 2 and not re.search(rf"\b{re.escape(o.lower())}\b", sources))
    assert len(identifiers) > 100 and {"Nicola", "Sunita", "Okafor"} <= set(identifiers)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, identifiers)) + r")\b", re.IGNORECASE)

    written = sorted(p for p in (tmp_path / "shared").rglob("*") if p.is_file())
    assert len(written) == len(list(SAMPLE.glob("*.txt"))) + 3
    key_rows = [line for line in key.read_text(encoding="utf-8").splitlines()[1:] if line]
    for path in written:
        content = _contents(path)
        leaks = sorted({m.group() for m in pattern.finditer(content)})
        assert not leaks, f"{path.name} still holds {leaks[:10]}"
        assert not any(row in content for row in key_rows), f"{path.name} holds a row of the key"
