"""Pseudonymise: preview what would be replaced, replace it in place, download the key
(kept apart from the project), and read the re-identification risk report."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from qda.app import state

st.title("Pseudonymise")
project = state.require_project()
corpus = state.corpus(project)
if not len(corpus):
    st.info("Import some transcripts first.")
    st.stop()

default_key = state.home() / f"{project.name}.key.csv"
st.session_state.setdefault("key_file", str(default_key))
key = Path(st.text_input("Key file (kept outside the project; reused and extended on later runs)", key="key_file"))
a, b = st.columns(2)
style = a.radio("Pseudonyms", ["names", "tags"], horizontal=True, help="names: made-up names; tags: [Person 3]")
dates = b.radio("Dates", ["month", "year", "keep", "remove"], horizontal=True)
allow = [t.strip() for t in st.text_input("Also never replace (comma-separated)").split(",") if t.strip()]
register = st.file_uploader("Register (CSV: original, pseudonym, type, aliases), optional", type=["csv"])
options = dict(style=style, dates=dates, allow=allow)


def _with_register(action, *args, **kwargs):
    if register is None:
        return state.act(action, *args, **kwargs, **options)
    with tempfile.TemporaryDirectory(prefix="qda-register-") as folder:
        path = Path(folder) / "register.csv"
        path.write_bytes(register.getvalue())
        return state.act(action, *args, register=path, **kwargs, **options)


if st.button("Preview replacements", icon=":material/preview:"):
    with st.spinner("Finding identifiers…"):
        preview = _with_register(project.pseudonymise_preview, key if key.is_file() else None)
    if preview is not None:
        st.write(f"{len(preview):,} replacements in {preview['document'].nunique()} documents")
        st.dataframe(preview, hide_index=True, width="stretch")

st.warning("Pseudonymising replaces the documents' text in place; codings and memos move with it. "
           "Only the key can restore the originals, so keep it safe and apart from the project.")
sure = st.checkbox("I have a copy of the project, and I want the identifiers replaced")
if st.button("Pseudonymise the project", type="primary", disabled=not sure, icon=":material/visibility_off:"):
    coder = state.require_coder()
    with st.spinner("Pseudonymising…"):
        count = _with_register(project.pseudonymise, key, coder)
    if count is not None:
        st.success(f"{count:,} replacements; key saved at {key}")
if key.is_file():
    st.download_button("Download the key (keep it apart from the data)", key.read_bytes(), file_name=key.name,
                       mime="text/csv", icon=":material/key:")

st.subheader("Re-identification risk")
k = st.number_input("Small group: fewer than k participants", min_value=2, value=3, step=1)
report = state.risk(project, int(k))
for line in report.headlines():
    st.error(line)
if report.small_groups.empty:
    st.success(f"No attribute value or role is held by fewer than {int(k)} participants.")
else:
    st.dataframe(report.small_groups, hide_index=True, width="stretch")
st.caption("Quasi-identifiers left in the text")
st.dataframe(report.text_findings.drop(columns=["context"], errors="ignore"), hide_index=True, width="stretch")
