"""Review: coded excerpts one by one, filtered; accept, reject, re-code, undo, memos, and
coding passages yourself."""

from __future__ import annotations

import streamlit as st

from qda.analysis import attribute_names
from qda.app import state
from qda.app.render import excerpt_html
from qda.table import filter_table

PER_PAGE = 10

st.title("Review")
project = state.require_project()
coded = state.coded_table(project)
corpus = state.corpus(project)
book = project.codebook
name_of = {code.id: code.name for code in book.codes.values()}

with st.expander("Filters", expanded=True, icon=":material/filter_list:"):
    row1 = st.columns(4)
    codes = row1[0].multiselect("Code", list(book.codes), format_func=lambda c: name_of.get(c, c), key="f_codes")
    statuses = row1[1].multiselect("Status", ["suggested", "accepted", "rejected"], default=["suggested"],
                                   key="f_status")
    people = sorted(set(coded["coder"].dropna()) | set(coded["reviewer"].dropna()) - {""})
    coders = row1[2].multiselect("Coder", ["machine", *people], key="f_coders",
                                 help="Who made or reviewed it; machine = any of qda's coders")
    sources = row1[3].multiselect("Source", sorted(coded["source"].dropna().unique()), key="f_sources")
    row2 = st.columns(4)
    speakers = row2[0].multiselect("Speaker", sorted(coded["speaker"].dropna().unique()), key="f_speakers")
    documents = row2[1].multiselect("Source document", [d.id for d in corpus], key="f_documents")
    attributes = attribute_names(coded)
    attribute = row2[2].selectbox("Attribute", ["(any)", *attributes], key="f_attribute")
    values = row2[2].multiselect("Values", sorted(coded[attribute].dropna().unique()) if attribute != "(any)" else [],
                                 key="f_values", disabled=attribute == "(any)")
    search = row2[3].text_input("Text contains", key="f_search")

filters = dict(codes=codes, statuses=statuses, coders=coders, sources=sources, speakers=speakers,
               documents=documents, attribute=(attribute, values) if attribute != "(any)" else None, search=search)
st.session_state["review_filters"] = filters  # the Export page can export what is shown here
shown = filter_table(coded, **filters)
pages = max(1, -(-len(shown) // PER_PAGE))
head, pager = st.columns([3, 1])
head.write(f"**{len(shown):,}** of {len(coded):,} codings")
page = pager.number_input("Page", min_value=1, max_value=pages, value=1, step=1, key="f_page")


def decide(coding_id: int, verb: str) -> None:
    coder = state.require_coder()
    state.act(getattr(project, verb), coding_id, coder, success=f"coding {coding_id}: {verb}ed")


for _, row in shown.iloc[(page - 1) * PER_PAGE: page * PER_PAGE].iterrows():
    coding_id = int(row["coding_id"])
    doc = corpus[row["document"]]
    with st.container(border=True):
        facts = [f"**{row['code_name']}**", row["document_name"], row["speaker"] if isinstance(row["speaker"], str)
                 else "no speaker", f"{row['status']}", f"by {row['coder']}", f"confidence {row['confidence']:.2f}"]
        facts += [f"{a}: {row[a]}" for a in attributes if isinstance(row[a], str)]
        st.caption(" · ".join(facts))
        st.markdown(excerpt_html(doc, int(row["start"]), int(row["end"])), unsafe_allow_html=True)
        if row["evidence"]:
            st.caption(f"Evidence: {row['evidence']}")
        accept, reject, recode, memo = st.columns([1, 1, 2, 2])
        accept.button("Accept", key=f"accept-{coding_id}", icon=":material/check:", on_click=decide,
                      args=(coding_id, "accept"), disabled=row["status"] == "accepted")
        reject.button("Reject", key=f"reject-{coding_id}", icon=":material/close:", on_click=decide,
                      args=(coding_id, "reject"), disabled=row["status"] == "rejected")
        with recode.popover("Re-code", icon=":material/edit:"):
            new_code = st.selectbox("Code", list(book.codes), format_func=lambda c: name_of.get(c, c),
                                    index=list(book.codes).index(row["code"]), key=f"recode-{coding_id}")
            if st.button("Re-code", key=f"recode-go-{coding_id}"):
                state.act(project.recode, coding_id, state.require_coder(), code=new_code,
                          success=f"coding {coding_id} re-coded as {name_of[new_code]}")
                st.rerun()
        with memo.popover("Memo", icon=":material/sticky_note_2:"):
            for note in project.memos(on=f"coding:{coding_id}"):
                st.caption(f"{note.coder}: {note.text}")
            text = st.text_area("Memo on this coding", key=f"memo-{coding_id}")
            if st.button("Save memo", key=f"memo-go-{coding_id}") and text.strip():
                state.act(project.memo, text, state.require_coder(), on=f"coding:{coding_id}", success="memo saved")
                st.rerun()

st.divider()
with st.expander("Code a passage yourself", icon=":material/add_comment:"):
    doc_id = st.selectbox("Document", [d.id for d in corpus], key="own_doc")
    doc = corpus[doc_id] if doc_id else None
    if doc is not None and doc.turns:
        turn = st.selectbox("Turn", doc.turns, key="own_turn",
                            format_func=lambda t: f"{t.index}: {t.speaker or '—'}: {doc.turn_text(t)[:90]}")
        unit = st.radio("Passage", ["whole turn", "one sentence"], horizontal=True, key="own_unit")
        start, end = turn.start, turn.end
        if unit == "one sentence":
            from qda import nlp

            spans = nlp.sentence_spans(next(nlp.lexical(nlp.load(), [doc.turn_text(turn)])))
            start, end = st.selectbox("Sentence", [(turn.start + s, turn.start + e) for s, e in spans],
                                      format_func=lambda span: doc.text[span[0]:span[1]][:120], key="own_sentence")
        code = st.selectbox("Code", list(book.codes), format_func=lambda c: name_of.get(c, c), key="own_code")
        st.markdown(excerpt_html(doc, start, end, context=0), unsafe_allow_html=True)
        if st.button("Code it", type="primary", key="own_go"):
            state.act(project.code, doc.id, start, end, code, state.require_coder(), success="coded")
            st.rerun()

with st.expander("Memo on the project, a document or a code", icon=":material/edit_note:"):
    kind = st.radio("On", ["project", "document", "code"], horizontal=True, key="memo_kind")
    target = ""
    if kind == "document":
        target = st.selectbox("Document", [d.id for d in corpus], key="memo_doc")
    elif kind == "code":
        target = st.selectbox("Code", list(book.codes), format_func=lambda c: name_of.get(c, c), key="memo_code")
    text = st.text_area("Memo", key="memo_text")
    if st.button("Save memo", key="memo_go") and text.strip():
        state.act(project.memo, text, state.require_coder(), on=f"{kind}:{target}" if target else "project",
                  success="memo saved")
        st.rerun()
