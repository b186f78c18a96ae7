"""Charts: each figure draws the table it is given, and downloads work offline."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from conftest import SAMPLE
from qda.analysis import code_document_matrix, code_frequencies
from qda.charts import DIRECTION_COLORS, figure_html, frequency_bars, heatmap, updown_bars
from qda.explore import DIRECTIONS, cooccurrence, updown, updown_summary
from qda.readers import read_corpus
from qda.table import coded_table


@pytest.fixture(scope="module")
def sample(nlp, ccin):
    """The shipped sample, machine-coded: (corpus, coded table)."""
    from qda.coding import AutoCoder

    corpus = read_corpus(SAMPLE)
    codings = AutoCoder(ccin, nlp=nlp).predict(corpus)
    return corpus, coded_table(corpus, codings, ccin)


FREQ = pd.DataFrame({"manager": [2, 0], "social worker": [1, 3], "total": [3, 3]},
                    index=pd.Index(["drift", "up_down"], name="code"))
FREQ.columns.name = "role"


def test_frequency_bars_one_trace_per_value_without_the_total():
    fig = frequency_bars(FREQ)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["manager", "social worker"]
    assert [list(t.x) for t in fig.data] == [["drift", "up_down"]] * 2
    assert [list(t.y) for t in fig.data] == [[2, 0], [1, 3]]
    assert fig.layout.barmode == "group" and "role" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "code" and fig.layout.yaxis.title.text == "codings"
    named = frequency_bars(FREQ, labels={"up_down": "Up/down metaphor"})
    assert list(named.data[0].x) == ["drift", "Up/down metaphor"]


def test_heatmap_is_annotated_with_the_counts():
    matrix = pd.DataFrame([[3, 1], [1, 2]], index=pd.Index(["a", "b"], name="code"),
                          columns=pd.Index(["a", "b"], name="code"))
    fig = heatmap(matrix, "Co-occurrence in turns")
    (trace,) = fig.data
    assert trace.type == "heatmap" and trace.texttemplate == "%{text}"
    assert trace.z.tolist() == [[3, 1], [1, 2]] and list(trace.x) == ["a", "b"] and list(trace.y) == ["a", "b"]
    assert fig.layout.title.text == "Co-occurrence in turns"
    assert fig.layout.yaxis.autorange == "reversed"  # first row on top, as in the table


def test_updown_bars_stack_directions_for_the_part_asked():
    summary = pd.DataFrame(
        [[1, 4, 0, 5], [3, 0, 1, 4], [2, 2, 0, 4], [2, 2, 1, 5]],
        index=pd.MultiIndex.from_tuples([("category", "child in need (CiN)"), ("category", "conference"),
                                         ("role", "social worker"), ("role", "team manager")],
                                        names=["by", "value"]),
        columns=pd.Index([*DIRECTIONS, "total"], name="direction"))
    fig = updown_bars(summary)
    assert [t.name for t in fig.data] == list(DIRECTIONS)
    assert [list(t.y) for t in fig.data] == [[1, 3], [4, 0], [0, 1]]
    assert list(fig.data[0].x) == ["child in need (CiN)", "conference"]
    assert fig.data[1].marker.color == DIRECTION_COLORS["down"] and fig.layout.barmode == "stack"
    by_role = updown_bars(summary, by="role")
    assert list(by_role.data[0].x) == ["social worker", "team manager"] and "role" in by_role.layout.title.text
    assert list(updown_bars(summary.loc["role"], by="role").data[0].y) == [2, 2]  # one part works too


def test_figure_html_is_standalone_and_offline():
    page = figure_html(frequency_bars(FREQ))
    assert isinstance(page, bytes)
    html = page.decode("utf-8")
    assert html.lower().startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert "Plotly.newPlot" in html
    assert len(page) > 1_000_000  # plotly.js itself is inlined
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?https?:", html, re.IGNORECASE)
    assert "cdn.plot.ly/plotly" not in html


def test_charts_on_the_sample(sample, ccin):
    corpus, table = sample
    codes = list(ccin.codes)
    freq = code_frequencies(table, "role", codes=codes)
    bars = frequency_bars(freq, labels={c: ccin.codes[c].name for c in codes})
    assert [t.name for t in bars.data] == ["social worker", "team manager"]
    assert sum(sum(t.y) for t in bars.data) == len(table)

    co = heatmap(cooccurrence(table, codes), "Codes in the same turn")
    assert co.data[0].z.shape == (len(codes), len(codes))
    docs = heatmap(code_document_matrix(table, [d.id for d in corpus], codes), "Codings per document")
    assert list(docs.data[0].x) == [d.id for d in corpus] and docs.data[0].z.sum() == len(table)

    view = updown(table, corpus)
    fig = updown_bars(updown_summary(view))
    assert sum(sum(t.y) for t in fig.data) == len(view)
    empty = updown_bars(updown_summary(view.iloc[:0]))
    assert [list(t.y) for t in empty.data] == [[], [], []]
    for figure in (bars, co, docs, fig):
        assert b"<script src=" not in figure_html(figure)
