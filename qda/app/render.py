"""Excerpts as HTML for the app: the coded span highlighted in its turn, everything escaped.

Transcript text is data, never markup: a participant who says `<script>` must be shown
saying it. Every piece of text goes through `html.escape` before any tag is added.
"""

from __future__ import annotations

import html

from qda.corpus import Document

CONTEXT = 240  # characters of the turn shown before and after the coded span


def excerpt_html(doc: Document, start: int, end: int, context: int = CONTEXT) -> str:
    """The passage `doc.text[start:end]` in <mark>, with up to `context` characters of its
    turn (or of the text, outside any turn) before and after; all text escaped."""
    turn = doc.turn_at(start)
    low, high = (turn.start, turn.end) if turn is not None and end <= turn.end else (0, len(doc.text))
    before_from, after_to = max(low, start - context), min(high, end + context)
    before = ("…" if before_from > low else "") + doc.text[before_from:start]
    after = doc.text[end:after_to] + ("…" if after_to < high else "")
    return (f"{_text(before)}<mark>{_text(doc.text[start:end])}</mark>{_text(after)}")


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")
