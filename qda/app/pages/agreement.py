"""Agreement: two coders (or a coder and the machine) on one unit; per-code kappa, alpha and
percent agreement, and the excerpts they disagree on side by side."""

from __future__ import annotations

import streamlit as st

from qda.app import state

st.title("Agreement")
project = state.require_project()
coded = state.coded_table(project)
people = sorted(set(coded["coder"].dropna()) | set(coded["reviewer"].dropna()) - {""})
people = [p for p in people if not p.startswith("qda:")]
choices = ["machine", *people]
if len(choices) < 2:
    st.info("Agreement needs two coders: review or code some passages first (qda's suggestions are "
            "`machine`).")
    st.stop()
a, b, c = st.columns(3)
first = a.selectbox("First coder", choices, index=0)
second = b.selectbox("Second coder", choices, index=1)
unit = c.selectbox("Unit", ["turn", "sentence", "character"],
                   help="What counts as one decision: each turn, each sentence, or each character.")
include_interviewer = st.checkbox("Count interviewer turns as units")
if first == second:
    st.warning("Choose two different coders.")
    st.stop()
documents = coded["document"].nunique() or 1
for name in (first, second):
    if name != "machine":
        touched = coded.loc[(coded["coder"] == name) | (coded["reviewer"] == name), "document"].nunique()
        if touched < documents:
            st.info(f"{name} has coded or reviewed in {touched} of {documents} documents; every unit elsewhere "
                    f"counts as {name} applying no code there. Compare on documents both have worked through.")
result = state.act(project.agreement, first, second, unit, include_interviewer=include_interviewer)
if result is None:
    st.stop()
book = project.codebook
table = result.table.copy()
table.insert(1, "name", [book.codes[c].name if c in book.codes else c for c in table["code"]])
st.caption(f"{result.n_units:,} {unit}s · pooled kappa {result.pooled['kappa']:.3f} · "
           f"mean per-code kappa {result.mean_kappa:.3f} (docs/agreement.md explains each figure)")
st.dataframe(table, hide_index=True, width="stretch")
st.download_button("Agreement table (CSV)", table.to_csv(index=False).encode("utf-8"),
                   file_name=f"agreement-{first}-{second}-{unit}.csv", mime="text/csv")

st.subheader("Where they differ")
code = st.selectbox("Code", list(table["code"]), format_func=lambda c: book.codes[c].name if c in book.codes else c)
differ = state.act(project.disagreements, first, second, unit, codes=[code], include_interviewer=include_interviewer)
if differ is not None:
    left, right = st.columns(2)
    for column, name in ((left, first), (right, second)):
        mine = differ[differ["coder"] == name]
        column.markdown(f"**Only {name}** ({len(mine)})")
        column.dataframe(mine[["document", "start", "end", "text"]], hide_index=True, width="stretch")
