"""Codebook: view, edit and validate the project's codebook; import and export YAML and .qdc."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from qda.app import state
from qda.codebook import codebook_yaml, parse_codebook, pattern_warnings
from qda.errors import CodebookError, QdaError
from qda.nlp import lemma_of
from qda.wording import counted

st.title("Codebook")
project = state.require_project()
try:
    book = project.codebook
except QdaError:
    book = None
    st.info("This project has no codebook yet: upload one below, or write one in the editor.")

if book is not None:
    st.dataframe(pd.DataFrame([{"id": c.id, "name": c.name, "parent": c.parent or "", "definition": c.description,
                                "examples": len(c.examples), "rules": len(c.rules)} for c in book.codes.values()]),
                 hide_index=True, width="stretch")

st.subheader("Edit")
text = st.text_area("Codebook YAML (docs/codebook.md)", value=codebook_yaml(book) if book else
                    "name: My codebook\ncodes:\n  - id: first_code\n    name: First code\n", height=360,
                    key=f"yaml-{project.revision()[1]}")
check, save = st.columns(2)
if check.button("Validate", icon=":material/rule:"):
    try:
        found = parse_codebook(text, "the editor")
        st.success(f"Valid: {counted(len(found.codes), 'code')}, "
                   f"{counted(sum(len(c.rules) for c in found.codes.values()), 'rule')}")
        for warning in pattern_warnings(found, lemma_of):
            st.warning(str(warning))
    except CodebookError as exc:
        st.error(str(exc))
if save.button("Save as the project's codebook", type="primary", icon=":material/save:"):
    try:
        project.set_codebook(parse_codebook(text, "the editor"))
    except QdaError as exc:
        st.error(str(exc))
    else:
        st.success("Saved (earlier versions are kept).")
        st.rerun()

st.subheader("Import")
upload = st.file_uploader("A codebook: qda YAML (replaces the current one) or REFI-QDA .qdc (adds its new codes)",
                          type=["yaml", "yml", "qdc"])
if upload is not None and st.button("Import codebook", icon=":material/upload:"):
    with tempfile.TemporaryDirectory(prefix="qda-codebook-") as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            if path.suffix.lower() == ".qdc":
                st.success(f"{project.import_qdc(path)} codes added")
            else:
                from qda.codebook import load_codebook

                project.set_codebook(load_codebook(path))
                st.success("Codebook loaded")
        except QdaError as exc:
            st.error(str(exc).replace(str(path), upload.name))

if book is not None:
    st.subheader("Export")
    from qda.refi.codebook import codebook_xml

    yaml_col, qdc_col = st.columns(2)
    yaml_col.download_button("Codebook YAML", codebook_yaml(book).encode("utf-8"), file_name="codebook.yaml",
                             mime="application/yaml", icon=":material/download:")
    qdc_col.download_button("REFI-QDA codebook (.qdc)", codebook_xml(book), file_name="codebook.qdc",
                            mime="application/xml", icon=":material/download:")
