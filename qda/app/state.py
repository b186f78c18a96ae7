"""What the app's pages share: the open project, the coder, and caches of expensive work.

A project is opened once per location (`st.cache_resource`); the corpus and coded table
are built once per project revision (`Project.revision()` changes with every action), so a
rerun, a filter change or another page never re-reads the store or re-runs a coder.
Cached objects are shared between reruns and sessions: pages must not change them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from qda.corpus import Corpus
from qda.errors import QdaError
from qda.project import Project

PAGES = Path(__file__).with_name("pages")


def home() -> Path:
    """Where the app keeps projects it creates (`QDA_APP_HOME`, default ~/qda-projects)."""
    return Path(os.environ.get("QDA_APP_HOME") or Path.home() / "qda-projects")


@st.cache_resource(show_spinner=False)
def open_project(location: str) -> Project:
    return Project.open(location)


def project() -> Project | None:
    location = st.session_state.get("project")
    return open_project(location) if location else None


def require_project() -> Project:
    found = project()
    if found is None:
        st.info("Open or create a project first.")
        st.page_link(str(PAGES / "project.py"), label="Go to Project", icon=":material/folder_open:")
        st.stop()
    return found


def require_coder() -> str:
    """The coder every action is attributed to; the page stops until one is given."""
    name = (st.session_state.get("coder") or "").strip()
    if not name:
        st.warning("Give your coder name in the sidebar: every action is attributed to someone.")
        st.stop()
    return name


@st.cache_resource(show_spinner=False, max_entries=4)
def _corpus(location: str, revision: tuple) -> Corpus:
    return open_project(location).corpus()


@st.cache_resource(show_spinner="Loading codings…", max_entries=4)
def _coded(location: str, revision: tuple) -> pd.DataFrame:
    return open_project(location).coded_table()


@st.cache_resource(show_spinner="Checking re-identification risk…", max_entries=4)
def _risk(location: str, revision: tuple, k: int):
    from qda.pseudonymise.risk import risk_report

    return risk_report(open_project(location).corpus(), k=k)


def risk(project: Project, k: int):
    return _risk(project.location, project.revision(), k)


@st.cache_resource(show_spinner="Finding topics with BERTopic (a minute on a large project)…", max_entries=2)
def _topics(location: str, texts: int, unit: str):
    return open_project(location).topics(unit=unit)


def topics(project: Project, unit: str):
    """The project's topic model, fitted once per unit and set of texts: reviewing or
    promoting a topic to a code does not refit it."""
    texts = hash(tuple(doc.text for doc in corpus(project)))  # str hashes are cached: cheap
    return _topics(project.location, texts, unit)


def corpus(project: Project) -> Corpus:
    return _corpus(project.location, project.revision())


def coded_table(project: Project) -> pd.DataFrame:
    """Every coding of the project (all statuses), as the coded table."""
    try:
        return _coded(project.location, project.revision())
    except QdaError as exc:  # e.g. no codebook yet
        st.info(str(exc))
        st.stop()


def act(action, *args, success: str | None = None, **kwargs):
    """Run a project action; a QdaError is shown, not raised (the page carries on)."""
    try:
        result = action(*args, **kwargs)
    except QdaError as exc:
        st.error(str(exc))
        return None
    if success:
        st.toast(success)
    return result
