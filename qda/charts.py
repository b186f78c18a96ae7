"""Plotly figures for the tables of `qda.analysis` and `qda.explore`.

Each function draws one table it is given (no counting here, so a chart always agrees
with the table shown or exported next to it). Figures work offline: `figure_html`
inlines plotly.js, because researchers' machines may have no network access and their
data must not reach a CDN's logs.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd
import plotly.graph_objects as go

from qda.explore import DIRECTIONS

#: Colours of the up/down directions: up and down as opposites, unclear neutral.
DIRECTION_COLORS = {"up": "#2ca02c", "down": "#d62728", "unclear": "#9e9e9e"}

_LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=60, b=60))


def frequency_bars(freq: pd.DataFrame, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Grouped bars of `analysis.code_frequencies(coded, by)`: codes along x, one bar (and
    legend entry) per value of `by`. `labels` maps code ids to names for the axis."""
    by = freq.columns.name or "value"
    values = [c for c in freq.columns if c != "total"]  # the total is the sum of the bars
    x = [labels.get(c, c) for c in freq.index] if labels else list(freq.index)
    fig = go.Figure([go.Bar(name=str(v), x=x, y=freq[v].tolist()) for v in values])
    fig.update_layout(title=f"Codings per code by {by}", barmode="group", legend_title_text=by,
                      xaxis_title="code", yaxis_title="codings", **_LAYOUT)
    return fig


def heatmap(matrix: pd.DataFrame, title: str) -> go.Figure:
    """An annotated heatmap of a count matrix: `explore.cooccurrence` or
    `analysis.code_document_matrix`. Rows read top to bottom in the matrix's order."""
    fig = go.Figure(go.Heatmap(
        z=matrix.to_numpy(), x=[str(c) for c in matrix.columns], y=[str(i) for i in matrix.index],
        text=matrix.to_numpy(), texttemplate="%{text}", colorscale="Blues",
        hovertemplate="%{y} / %{x}: %{z}<extra></extra>", colorbar=dict(title="count"),
    ))
    fig.update_layout(title=title, xaxis_title=matrix.columns.name, yaxis_title=matrix.index.name,
                      # one readable row per code even for large codebooks
                      height=max(400, 28 * len(matrix.index) + 160), **_LAYOUT)
    fig.update_yaxes(autorange="reversed")
    return fig


def updown_bars(summary: pd.DataFrame, by: str = "category") -> go.Figure:
    """Stacked up/down/unclear bars per category (or role, team...) from
    `explore.updown_summary`; pass the whole summary and `by`, or one part of it."""
    table = summary
    if isinstance(summary.index, pd.MultiIndex):  # a mask, not .loc: an empty summary has no parts
        table = summary[summary.index.get_level_values(0) == by].droplevel(0)
    fig = go.Figure([
        go.Bar(name=d, x=[str(v) for v in table.index], y=table[d].tolist(), marker_color=DIRECTION_COLORS[d])
        for d in DIRECTIONS if d in table.columns
    ])
    fig.update_layout(title=f"Up/down metaphors by {by}", barmode="stack", legend_title_text="direction",
                      xaxis_title=by, yaxis_title="codings", **_LAYOUT)
    return fig


def figure_html(fig: go.Figure) -> bytes:
    """A standalone HTML page of `fig`, plotly.js inlined (about 4 MB), for download buttons."""
    return fig.to_html(full_html=True, include_plotlyjs=True, include_mathjax=False).encode("utf-8")
