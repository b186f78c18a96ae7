"""Import & auto-code: upload transcripts (or a .qdpx), see each file's problems, run coders."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import streamlit as st

from qda.app import state
from qda.coding import CODERS, choose_coders
from qda.errors import QdaError
from qda.readers import SUPPORTED_EXTENSIONS, read_each

st.title("Import & auto-code")
project = state.require_project()

st.subheader("Bring in transcripts")
uploads = st.file_uploader("Transcripts (.txt .docx .vtt .srt .csv) or a REFI-QDA project (.qdpx)",
                           type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS] + ["qdpx"], accept_multiple_files=True)
interviewers = st.text_input("Interviewer", placeholder="e.g. Jo Bloggs, Sam Lee",
                             help="Speakers who interviewed, in files with no front matter to say so (a Zoom or "
                                  "Teams .vtt names each voice): their turns are not coded.")


@st.cache_data(show_spinner=False, max_entries=8)
def _unnamed_interviewers(files: tuple[tuple[str, bytes], ...], named: str) -> list[tuple[str, str]]:
    """`Corpus.likely_interviewer_notes` of the uploaded transcripts, those named aside."""
    with tempfile.TemporaryDirectory(prefix="qda-check-") as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each file's problems are said when it is imported
        for name, data in files:
            (Path(folder) / Path(name).name).write_bytes(data)
        corpus, _ = read_each(sorted(Path(folder).iterdir()))
    corpus.name_interviewers(named.split(","))
    return corpus.likely_interviewer_notes()


transcript_uploads = tuple((u.name, u.getvalue()) for u in uploads or () if not u.name.lower().endswith(".qdpx"))
for speaker, note in _unnamed_interviewers(transcript_uploads, interviewers) if transcript_uploads else ():
    st.warning(f"{note}: if {speaker} interviewed, type the name under *Interviewer* before importing")
if uploads and st.button("Import", type="primary", icon=":material/upload:"):
    with tempfile.TemporaryDirectory(prefix="qda-upload-") as folder:
        paths = []
        for upload in uploads:
            path = Path(folder) / Path(upload.name).name  # a bare name: nothing escapes the folder
            path.write_bytes(upload.getvalue())
            paths.append(path)
        exchange = [p for p in paths if p.suffix.lower() == ".qdpx"]
        for path in exchange:
            result = state.act(project.import_qdpx, path)
            if result:
                st.success(f"{path.name}: {len(result.documents.added)} documents, {result.codes_added} new codes, "
                           f"{result.codings_added} codings, {result.memos_added} memos")
                for what in result.skipped:
                    st.caption(f"not imported: {what}")
        transcripts = [p for p in paths if p not in exchange]
        if transcripts:
            corpus, problems = read_each(transcripts)
            for name, problem in problems:
                st.warning(f"**{name}**: {problem}")
            corpus.name_interviewers(interviewers.split(","))
            if len(corpus):
                report = state.act(project.import_corpus, corpus)
                if report:
                    st.success(f"{len(report.added)} documents imported")
                    for given, existing in report.duplicates:
                        st.info(f"{given}: same text as {existing}, already in the project")

st.subheader("Suggest codes")
corpus = state.corpus(project)
if not len(corpus):
    st.info("Import some transcripts first.")
    st.stop()
try:
    book = project.codebook
except QdaError as exc:  # codes are suggested from a codebook
    st.info(str(exc))
    st.stop()
try:  # the coders `qda code` would use, and qda's model for this codebook if it ships one
    with warnings.catch_warnings(record=True) as why_not:
        warnings.simplefilter("always")
        suited, shipped_model, _ = choose_coders(book)
except QdaError:  # no rules and no up_down: only the semantic or learned coders can code
    suited, shipped_model, why_not = (), None, []
coders = st.multiselect("Coders", list(CODERS), default=list(suited),
                        help="rules and metaphor read the codebook's rules and the parse; semantic compares "
                             "with each code's examples; learned weighs the words and meaning of passages "
                             "people coded.")
for warning in why_not:
    st.caption(str(warning.message))
learn_here = True
if "learned" in coders and shipped_model is not None:
    learn_here = st.radio(
        "The learned coder learns from", [False, True], horizontal=True,
        format_func=lambda here: ("this project's reviewed codings" if here else
                                  f"qda's model for this codebook ({shipped_model.trained_on:,} hand-coded answers)"),
    )
unit = st.radio("Coded passage", ["sentence", "turn"], horizontal=True)
include_interviewer = st.checkbox("Also code interviewer turns")
min_confidence = st.slider("Suggest at or above this confidence", 0.0, 1.0, 0.5, 0.05)
st.caption("Suggestions nobody has decided are replaced; accepted and rejected codings are never touched.")
if st.button("Run coders", type="primary", icon=":material/play_arrow:", disabled=not coders):
    state.require_coder()
    total = sum(1 for _ in corpus.codable_turns(include_interviewer)) or 1
    bar = st.progress(0.0, text="coding…")
    done = [0]

    def advance(n: int) -> None:
        done[0] += n
        bar.progress(min(1.0, done[0] / total), text=f"coded {done[0]:,} of {total:,} turns")

    model = None if learn_here else shipped_model
    if "learned" in coders and learn_here:
        with st.spinner("Learning from accepted codings…"):
            model = state.act(project.train)
        if model is None:
            st.stop()
    result = state.act(project.autocode, coders, unit=unit, include_interviewer=include_interviewer,
                       min_confidence=min_confidence, progress=advance, model=model)
    if result:
        bar.progress(1.0, text="done")
        st.success(f"{result[0]:,} suggestions added, {result[1]:,} undecided earlier suggestions replaced")
