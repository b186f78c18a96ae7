"""Explore: concordance, code frequencies by attribute, co-occurrence, code x document,
the up/down metaphor view, and topics with code suggestions; every chart downloadable."""

from __future__ import annotations

import re

import streamlit as st

from qda import analysis, charts, explore
from qda.app import state

st.title("Explore")
project = state.require_project()
coded = state.coded_table(project)
corpus = state.corpus(project)
book = project.codebook
counted = coded[coded["status"] != "rejected"]
st.caption(f"Counting {len(counted):,} codings (suggested and accepted; rejected ones are left out).")


def downloads(figure, data, name: str) -> None:
    """A chart and its numbers, each downloadable."""
    st.plotly_chart(figure, width="stretch")
    html, csv = st.columns(2)
    html.download_button("Chart (HTML)", charts.figure_html(figure), file_name=f"{name}.html", mime="text/html",
                         key=f"html-{name}")
    csv.download_button("Data (CSV)", data.to_csv().encode("utf-8"), file_name=f"{name}.csv", mime="text/csv",
                        key=f"csv-{name}")


kwic_tab, freq_tab, co_tab, matrix_tab, updown_tab, topic_tab = st.tabs(
    ["Concordance", "By attribute", "Co-occurrence", "Code x document", "Up/down", "Topics"])

with kwic_tab:
    query = st.text_input("Word or phrase (end with * for any ending: escalat*)", key="kwic")
    window = st.slider("Words of context", 3, 20, 8)
    if query.strip():
        lines = state.act(explore.kwic, corpus, query, window)
        if lines is not None:
            st.write(f"{len(lines):,} matches")
            st.dataframe(lines, hide_index=True, width="stretch")
            st.download_button("Concordance (CSV)", lines.to_csv(index=False).encode("utf-8"),
                               file_name=f"kwic-{re.sub(r'[^a-z0-9]+', '-', query.lower())}.csv", mime="text/csv")

with freq_tab:
    attributes = analysis.attribute_names(counted)
    by = st.selectbox("Attribute", [*attributes, "speaker", "status", "source"], key="freq_by")
    frequencies = analysis.code_frequencies(counted, by, codes=list(book.codes))
    names = {code.id: code.name for code in book.codes.values()}
    downloads(charts.frequency_bars(frequencies, labels=names), frequencies, f"codes-by-{by}")

with co_tab:
    unit = st.radio("Together in the same", ["turn", "document"], horizontal=True, key="co_unit")
    matrix = explore.cooccurrence(counted, codes=list(book.codes), unit=unit)
    downloads(charts.heatmap(matrix, f"Codes applied in the same {unit}"), matrix, f"cooccurrence-{unit}")

with matrix_tab:
    matrix = analysis.code_document_matrix(counted, documents=[d.id for d in corpus], codes=list(book.codes))
    downloads(charts.heatmap(matrix, "Codings per code and document"), matrix, "code-x-document")

with updown_tab:
    view = explore.updown(counted, corpus)
    if view.empty:
        st.info("No up/down metaphor codings yet: run the metaphor coder on the Import & auto-code page.")
    else:
        by = st.selectbox("Direction by", ["category", *[a for a in analysis.attribute_names(counted)]],
                          key="updown_by")
        summary = explore.updown_summary(view, by=[by])
        downloads(charts.updown_bars(summary, by=by), summary, f"updown-by-{by}")
        st.dataframe(view, hide_index=True, width="stretch")

with topic_tab:
    st.write("BERTopic groups what participants said into topics and matches each topic to the nearest code; "
             "a topic far from every code is a candidate new theme.")
    unit = st.radio("Segments", ["sentence", "turn"], horizontal=True, key="topic_unit")
    if st.button("Find topics", icon=":material/hub:") or st.session_state.get("topics_shown") == unit:
        st.session_state["topics_shown"] = unit
        model = state.act(state.topics, project, unit)
        if model is not None:
            table = model.topics_table()
            st.dataframe(table, hide_index=True, width="stretch")
            suggestions = model.suggest_codes(book)
            st.caption("Topic -> code suggestions")
            st.dataframe(suggestions, hide_index=True, width="stretch")
            st.download_button("Topics (CSV)", table.to_csv(index=False).encode("utf-8"), file_name="topics.csv")
            with st.form("promote"):
                st.write("Promote a topic to a code")
                topic = st.selectbox("Topic", [t for t in model.topic_ids if t != -1],
                                     format_func=lambda t: f"{t}: {model.label(t)}")
                code_id = st.text_input("New code id (lower case, e.g. paperwork)")
                name = st.text_input("Name (optional)")
                if st.form_submit_button("Promote to code"):
                    code = state.act(model.promote, topic, code_id.strip(), name.strip() or None)
                    if code is not None and state.act(project.add_codes, [code]) is not None:
                        st.success(f"Code {code.id} added to the codebook")
