"""Project: open or create a project, or open the sample study with one click."""

from __future__ import annotations

import streamlit as st

from qda.app import state
from qda.errors import QdaError
from qda.project import Project
from qda.store.engine import is_url

st.title("Project")

left, right = st.columns(2)
with left:
    st.subheader("New to qda?")
    st.write("Open the sample study: synthetic interviews with social workers and team managers, the "
             "CCiN codebook, and qda's suggestions ready to review.")
    if st.button("Open the sample study", type="primary", icon=":material/auto_stories:"):
        from qda.sample import sample_project

        with st.spinner("Making the sample project (first time only)…"):
            try:
                sample = sample_project(state.home() / "sample-study.qda")
            except QdaError as exc:
                st.error(str(exc))
            else:
                sample.close()
                # Set before the location box below is drawn, so it shows the sample's path.
                st.session_state["project"] = st.session_state["location"] = str(state.home() / "sample-study.qda")
                st.rerun()

with right:
    st.subheader("Your project")
    st.session_state.setdefault("location", st.session_state.get("project", ""))
    location = st.text_input(
        "Project file or PostgreSQL URL", key="location",
        placeholder=str(state.home() / "my-study.qda"),
        help="A .qda file (SQLite) on this machine, or postgresql://user@host/db for a team.")
    codebook = st.file_uploader("Codebook for a new project (YAML, optional)", type=["yaml", "yml"])
    open_col, create_col = st.columns(2)
    if open_col.button("Open", icon=":material/folder_open:", disabled=not location):
        try:
            Project.open(location).close()
        except QdaError as exc:
            st.error(str(exc))
        else:
            st.session_state["project"] = location
            st.rerun()
    if create_col.button("Create", icon=":material/create_new_folder:", disabled=not location):
        from qda.codebook import parse_codebook

        try:
            if not is_url(location):
                state.home().mkdir(parents=True, exist_ok=True)
            book = parse_codebook(codebook.getvalue().decode("utf-8-sig"), codebook.name) if codebook else None
            Project.init(location, codebook=book).close()
        except (QdaError, UnicodeDecodeError) as exc:
            st.error(f"{codebook.name if codebook and isinstance(exc, UnicodeDecodeError) else ''} {exc}")
        else:
            st.session_state["project"] = location
            st.rerun()

project = state.project()
if project is not None:
    st.divider()
    corpus = state.corpus(project)
    coded = state.coded_table(project) if corpus.documents else None
    a, b, c, d = st.columns(4)
    a.metric("Documents", len(corpus))
    b.metric("Codes", len(project.codebook.codes) if project.revision()[1] else 0)
    if coded is not None:
        c.metric("Suggestions to review", int((coded["status"] == "suggested").sum()))
        d.metric("Accepted codings", int((coded["status"] == "accepted").sum()))
    st.caption("Recent actions")
    st.dataframe(project.log(limit=10)[["at", "coder", "action", "coding_id"]], hide_index=True, width="stretch")
