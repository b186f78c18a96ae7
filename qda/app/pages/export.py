"""Export: the coded table (CSV, XLSX, Parquet), the project as REFI-QDA .qdpx, the codebook
as .qdc; of what the Review filters show, or of everything."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from qda import writers
from qda.app import state
from qda.refi.codebook import codebook_xml
from qda.table import filter_table

st.title("Export")
project = state.require_project()
coded = state.coded_table(project)
corpus = state.corpus(project)
book = project.codebook

filters = st.session_state.get("review_filters")
scope = st.radio("Codings", ["what the Review filters show", "everything"], horizontal=True,
                 index=0 if filters else 1, disabled=not filters)
chosen = filter_table(coded, **filters) if filters and scope.startswith("what") else coded
st.write(f"{len(chosen):,} codings")
kind = st.selectbox("Format", [".xlsx", ".csv", ".parquet", ".qdpx", ".qdc"], format_func=lambda s: {
    ".xlsx": "Excel workbook (.xlsx: codings, code x document matrix, frequencies by attribute)",
    ".csv": "CSV (.csv)", ".parquet": "Parquet (.parquet)",
    ".qdpx": "REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder",
    ".qdc": "REFI-QDA codebook (.qdc)"}[s])
if kind == ".qdpx":
    st.caption("Another tool takes every coding for a decision: each selection's description says its status "
               "(docs/refi-qda.md).")

# A prepared file belongs to the choices it was made from; change one and it is gone.
choice = (scope, kind, repr(filters), project.revision())
if st.session_state.get("export_choice") != choice:
    st.session_state.pop("export_file", None)
if st.button("Prepare the file", type="primary", icon=":material/build:"):
    st.session_state["export_choice"] = choice
    with tempfile.TemporaryDirectory(prefix="qda-export-") as folder:
        target = Path(folder) / f"{project.name}{kind}"
        if kind == ".qdc":
            target.write_bytes(codebook_xml(book))
        elif kind == ".qdpx":
            ids = set(chosen["coding_id"].dropna().astype(int))
            writers.write_coded(target, corpus, [c for c in project.codings() if c.id in ids], book,
                                project.memos())
        else:
            writers.write_table(chosen, target, documents=[d.id for d in corpus], codes=list(book.codes))
        st.session_state["export_file"] = (target.name, target.read_bytes())
if "export_file" in st.session_state:
    file_name, data = st.session_state["export_file"]
    size = f"{len(data) / 1e6:.1f} MB" if len(data) >= 100_000 else f"{max(1, round(len(data) / 1e3))} KB"
    st.download_button(f"Download {file_name} ({size})", data, file_name=file_name,
                       icon=":material/download:", type="primary")
