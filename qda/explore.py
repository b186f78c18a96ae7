"""Exploring a coded corpus: keywords in context, code co-occurrence and the up/down view.

Verbs in the quanteda style, like `qda.analysis`, and the data behind the app's Explore
page. Each takes the corpus or the coded table it is given and counts what it is given:
filtering (e.g. dropping `rejected` codings) is the caller's choice, as in `qda.analysis`.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

import numpy as np
import pandas as pd
from nltk.tokenize import WordPunctTokenizer

# `axis` builds the code axis exactly as code_document_matrix does (given codes, then
# codes found but not given, sorted), so the two matrices line up.
from qda.analysis import MISSING, attribute_names, axis
from qda.corpus import Corpus, Document
from qda.errors import QdaError
from qda.table import ATTRIBUTE_PREFIX, attribute_columns

# ---------------------------------------------------------------------------- kwic

# NLTK's word/punctuation regexp tokenizer (`\w+|[^\w\s]+`): it needs no downloaded data
# and gives character spans, so matches map straight to code-point offsets.
_TOKENIZER = WordPunctTokenizer()

#: The fixed columns of `kwic`; document attributes follow.
KWIC_COLUMNS: tuple[str, ...] = ("document", "turn", "speaker", "left", "match", "right", "start", "end")


def kwic(corpus: Corpus, query: str, window: int = 8, *, include_interviewer: bool = True) -> pd.DataFrame:
    """Keyword in context: every occurrence of `query` with `window` tokens either side.

    `query` is a word or a phrase of several words, matched token by token and
    case-insensitively; a word ending in `*` matches any token it begins (`escalat*`,
    `step* down`). Words are NLTK word/punctuation tokens, so `de-escalat*` is the three
    tokens `de - escalat*`. Matches and their context stay inside one turn (a turn is one
    speaker's utterance; context running into the next speaker would misattribute it).

    Rows are in document order, then `start`; `document.text[start:end]` is the match
    exactly. `left` and `right` are the surrounding text with whitespace runs (line
    breaks inside a turn) shown as single spaces. Document attributes follow as columns,
    named as in the coded table.
    """
    words = _parse_query(query)
    if window < 0:
        raise QdaError(f"the KWIC window must be 0 or more tokens, not {window}")
    # Literal pieces every matching text must contain: a cheap substring test skips most
    # turns (and whole documents) before any tokenising.
    needles = [w for w, _ in words]
    rows = []
    for position, doc in enumerate(corpus):
        folded = doc.text.casefold()
        if not all(n in folded for n in needles):
            continue
        for turn in doc.turns:
            if turn.end <= turn.start or (not include_interviewer and doc.is_interviewer(turn)):
                continue
            text = doc.text[turn.start : turn.end]
            if not all(n in text.casefold() for n in needles):
                continue
            for i, j, spans in _matches(text, words):
                a, b = spans[i][0], spans[j - 1][1]
                left = text[spans[max(0, i - window)][0] : a] if window and i else ""
                right = text[b : spans[min(len(spans), j + window) - 1][1]] if window and j < len(spans) else ""
                rows.append((position, doc.id, turn.index, turn.speaker, _squash(left), text[a:b],
                             _squash(right), turn.start + a, turn.start + b))
    frame = pd.DataFrame.from_records(rows, columns=("_position",) + KWIC_COLUMNS)
    frame = frame.sort_values(["_position", "start"], kind="stable").reset_index(drop=True)
    out = {
        "document": pd.array(frame["document"], dtype="string"),
        "turn": frame["turn"].to_numpy(dtype="int64"),
        "speaker": pd.array(frame["speaker"], dtype="string"),
        "left": pd.array(frame["left"], dtype="string"),
        "match": pd.array(frame["match"], dtype="string"),
        "right": pd.array(frame["right"], dtype="string"),
        "start": frame["start"].to_numpy(dtype="int64"),
        "end": frame["end"].to_numpy(dtype="int64"),
    }
    positions = frame["_position"].to_numpy(dtype="int64")
    for name, column in _kwic_attribute_columns(corpus).items():
        values = np.array([doc.attributes.get(name) for doc in corpus] or [None], dtype=object)
        out[column] = pd.array([None if v is None else str(v) for v in values[positions]], dtype="string")
    return pd.DataFrame(out)


def _parse_query(query: str) -> list[tuple[str, bool]]:
    """The query as (casefolded token, is prefix) pairs; QdaError when it has no words."""
    tokens: list[tuple[str, bool]] = []
    for word in (query or "").split():
        prefix = word.endswith("*")
        pieces = _TOKENIZER.tokenize(word.rstrip("*") if prefix else word)
        if not pieces:
            raise QdaError(f"KWIC query {query!r}: `*` must end a word (escalat*), not stand alone")
        tokens += [(p.casefold(), False) for p in pieces[:-1]] + [(pieces[-1].casefold(), prefix)]
    if not tokens:
        raise QdaError("KWIC needs a query: a word, a phrase, or a word ending in * (escalat*)")
    return tokens


def _matches(text: str, words: list[tuple[str, bool]]) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """(first token, token after the last, token spans) for each match of `words` in `text`."""
    spans = list(_TOKENIZER.span_tokenize(text))
    tokens = [text[a:b].casefold() for a, b in spans]
    n = len(words)
    first, prefix = words[0]
    starts = [i for i, t in enumerate(tokens) if (t.startswith(first) if prefix else t == first)]
    for i in starts:
        if i + n <= len(tokens) and all(
            tokens[i + k].startswith(w) if p else tokens[i + k] == w for k, (w, p) in enumerate(words[1:], 1)
        ):
            yield i, i + n, spans


def _squash(text: str) -> str:
    return " ".join(text.split())


def _kwic_attribute_columns(corpus: Corpus) -> dict[str, str]:
    """Attribute columns named as in the coded table, and never shadowing a KWIC column."""
    mapping, used = {}, set(KWIC_COLUMNS)
    for name, column in attribute_columns(corpus).items():
        while column in used:
            column = ATTRIBUTE_PREFIX + column
        mapping[name] = column
        used.add(column)
    return mapping


# ------------------------------------------------------------------ co-occurrence

UNITS = ("turn", "document")


def cooccurrence(coded: pd.DataFrame, codes: list[str] | None = None, unit: str = "turn") -> pd.DataFrame:
    """Code x code matrix: in how many units (turns or documents) both codes were applied.

    The diagonal counts the units holding each code. A turn is (`document`, `turn`) of the
    coded table; codings that start outside every turn (`turn` is NA, e.g. on a speaker
    label) belong to no turn and are left out of turn counts. `codes` orders the matrix
    (codebook order) and adds zero rows for unused codes; codes found but not given are
    appended sorted, as in `qda.analysis.code_document_matrix`.
    """
    if unit not in UNITS:
        raise QdaError(f"unknown co-occurrence unit `{unit}`; choose turn or document")
    keys = ["document", "turn"] if unit == "turn" else ["document"]
    present = coded[keys + ["code"]].dropna()
    index = axis(codes, coded["code"], sort=True)
    # Units and codes as integers; each (unit, code) pair once, then every pair of codes
    # sharing a unit is a self-join on the unit, counted with one bincount.
    units = present.groupby(keys, sort=False).ngroup().to_numpy()
    code_ids = pd.Categorical(present["code"].astype(object), categories=index).codes
    pairs = pd.DataFrame({"unit": units, "code": code_ids}).drop_duplicates()
    joined = pairs.merge(pairs, on="unit")
    n = len(index)
    pair = joined["code_x"].to_numpy(dtype="int64") * n + joined["code_y"].to_numpy(dtype="int64")
    counts = np.bincount(pair, minlength=n * n)
    matrix = pd.DataFrame(counts.reshape(n, n).astype("int64"), index=index, columns=index)
    matrix.index.name = matrix.columns.name = "code"
    return matrix


# ----------------------------------------------------------------- up/down view

#: The code whose codings `updown` reads (DOMAIN.md: the orientational metaphor).
UPDOWN_CODE = "up_down"

#: Direction vocabulary: regular expressions for the words (matched case-insensitively as
#: whole words) that say which way a case, risk or priority moves or sits. Phrases such as
#: "step(ped) up", "creep up", "go up", "come down" are caught by their `up` / `down`.
#: Positions count as well as movements ("below the threshold" is down), as in the
#: codebook's definition of `up_down`. The metaphor coder (qda.coders.metaphor) decides
#: WHETHER a passage is figurative; these lists only read which way it points.
UP_WORDS: tuple[str, ...] = (
    r"up", r"upwards?", r"(?<!de-)(?<!de)escalat\w*", r"high(?:er|est)?", r"above", r"top",
    r"rais(?:e|es|ed|ing)", r"ris(?:e|es|ing|en)|rose", r"climb\w*", r"upgrad\w*",
)
DOWN_WORDS: tuple[str, ...] = (
    r"down", r"downwards?", r"de-?escalat\w*", r"low(?:er|est)?", r"below", r"beneath", r"under",
    r"bottom", r"drop\w*", r"fall(?:s|ing|en)?|fell", r"sink\w*|sank|sunk", r"slip(?:s|ped|ping)?",
    r"slid(?:e|es|ing)?", r"downgrad\w*",
)
DIRECTIONS: tuple[str, ...] = ("up", "down", "unclear")

#: Category vocabulary, in order of precedence: the category of a passage is the FIRST
#: of these it names (so "child protection conference" is child protection, and "complex
#: child in need" is complex CiN, not CiN). Labels are what charts and tables show;
#: patterns are matched case-insensitively as whole words. A strategy meeting or
#: discussion is the gateway to a section 47 enquiry, so it counts as section 47. Complex
#: CiN is the pilot's own category (DOMAIN.md), so it has its own label.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("child protection (CP)", (r"CP", r"child protection", r"protection plan")),
    ("complex CiN (CCiN)", (r"CCiN", r"complex (?:child in need|CiN)")),
    ("child in need (CiN)", (r"CiN", r"child(?:ren)? in need", r"section 17", r"s\.? ?17")),
    ("early help", (r"early help", r"CAF", r"common assessment")),
    ("threshold", (r"thresholds?",)),
    ("conference", (r"conferences?", r"ICPC")),
    ("section 47", (r"section 47", r"s\.? ?47", r"strategy (?:meeting|discussion)s?")),
    ("court (PLO)", (r"PLO", r"court", r"proceedings", r"public law outline")),
    ("care (LAC)", (r"LAC", r"looked[- ]after", r"(?:into|in) care", r"foster\w*")),
    ("universal services", (r"universal(?: services?)?",)),
    ("MASH", (r"MASH", r"multi-agency safeguarding hub")),
    ("referral", (r"re-?referr\w*", r"referr\w*")),
    # Not a category but the other thing up/down talk moves (DOMAIN.md): a case's place
    # in a worker's priorities ("the bottom of the pile"). Last, so any category named wins.
    ("priority (list, pile)", (r"list", r"pile", r"heap", r"caseload", r"tray", r"in-tray",
                               r"priorit(?:y|ies)", r"pecking order")),
)
OTHER = "other"


def _words(patterns: Iterable[str]) -> str:
    return r"\b(?:" + "|".join(patterns) + r")\b"


_UP = re.compile(_words(UP_WORDS), re.IGNORECASE)
_DOWN = re.compile(_words(DOWN_WORDS), re.IGNORECASE)
# One alternation, down first: "de-escalated" must be read as down before "escalated" can
# be read as up, and finditer never reads the same characters twice.
_DIRECTION = re.compile(rf"(?P<down>{_words(DOWN_WORDS)})|(?P<up>{_words(UP_WORDS)})", re.IGNORECASE)
_CATEGORY = [(label, re.compile(_words(patterns), re.IGNORECASE)) for label, patterns in CATEGORIES]
_QUOTED = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def updown(coded: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """The up/down metaphor view: per coding of `up_down`, which way and what category.

    `direction` is `up` or `down` when the passage's words (UP_WORDS, DOWN_WORDS) point
    one way; when they point both ways, the direction word nearest the evidence's quoted
    words wins ("attendance dropped ... this might have to escalate" with evidence
    "escalate" is up); a tie, no evidence, or no direction word at all is `unclear`.

    `category` is the first of CATEGORIES the passage names, else `other`. A passage
    that names none is read with the rest of its sentence from `corpus`: a reviewer may
    code just "stepped it down" in "We stepped it down to CiN." (machine codings are whole
    sentences already, so for them this changes nothing).

    Columns: `document`, `speaker`, the attribute columns (`role`, `team`, ...),
    `direction`, `category`, `passage`, `evidence`, `start`, `end`, then `coding_id`
    when the table has it; rows in table order.
    """
    rows = coded[coded["code"].astype(object) == UPDOWN_CODE]
    passages = rows["text"].astype(object).fillna("")
    direction = _directions(passages, rows["evidence"].astype(object).fillna(""))
    category = _categories(passages)
    # Only passages naming no category need their sentence (a Python loop over few rows).
    unnamed = category == OTHER
    if unnamed.any():
        sentences = [_sentence(corpus[d], t, a, b) for d, t, a, b in
                     rows.loc[unnamed, ["document", "turn", "start", "end"]].itertuples(index=False)]
        category[unnamed] = _categories(pd.Series(sentences, dtype=object))
    view = rows[["document", "speaker", *attribute_names(coded)]].copy()
    view["direction"] = pd.array(direction, dtype="string")
    view["category"] = pd.array(category, dtype="string")
    view["passage"] = rows["text"]
    for column in ("evidence", "start", "end", "coding_id"):
        if column in rows.columns:
            view[column] = rows[column]
    return view.reset_index(drop=True)


def _directions(passages: pd.Series, evidence: pd.Series) -> np.ndarray:
    """Direction per passage: vectorised where one way is named, nearest-evidence where both."""
    up = passages.str.contains(_UP).to_numpy(dtype=bool)
    down = passages.str.contains(_DOWN).to_numpy(dtype=bool)
    direction = np.where(up & ~down, "up", np.where(down & ~up, "down", "unclear")).astype(object)
    for i in np.flatnonzero(up & down):
        direction[i] = _nearest_direction(passages.iat[i], evidence.iat[i])
    return direction


def _nearest_direction(passage: str, evidence: str) -> str:
    """The direction whose word lies nearest the evidence words in the passage."""
    quoted = _QUOTED.findall(evidence) or [evidence]  # human evidence may be plain words
    wanted = {w.casefold() for q in quoted for w in _WORD.findall(q)}
    anchors = [m.span() for m in _WORD.finditer(passage) if m.group().casefold() in wanted]
    if not anchors:
        return "unclear"
    best: dict[str, int] = {}
    for m in _DIRECTION.finditer(passage):
        a, b = m.span()
        gap = min(max(x - b, a - y, 0) for x, y in anchors)
        best[m.lastgroup] = min(gap, best.get(m.lastgroup, gap))
    if best.get("up") == best.get("down"):
        return "unclear"
    return min(best, key=best.get)


def _categories(texts: pd.Series) -> np.ndarray:
    """The first category of CATEGORIES each text names, else `other`."""
    # Each distinct text once (a sentence often carries several codings), and each pattern
    # only over the texts no earlier category has claimed.
    codes, unique = pd.factorize(texts.astype(object).fillna(""))
    unique = pd.Series(unique, dtype=object)
    found = np.full(len(unique), OTHER, dtype=object)
    open_ = np.arange(len(unique))
    for label, pattern in _CATEGORY:
        if not len(open_):
            break
        hit = unique.iloc[open_].str.contains(pattern).to_numpy(dtype=bool)
        found[open_[hit]] = label
        open_ = open_[~hit]
    return found[codes] if len(codes) else np.array([], dtype=object)


def _sentence(doc: Document, turn: object, start: int, end: int) -> str:
    """The passage `doc.text[start:end]` widened to whole sentences within its turn."""
    lo, hi = (0, len(doc.text)) if pd.isna(turn) else (doc.turns[int(turn)].start, doc.turns[int(turn)].end)
    lo, hi = min(lo, start), max(hi, end)
    cuts = [m.end() for m in _SENTENCE_END.finditer(doc.text, lo, start)]
    after = _SENTENCE_END.search(doc.text, max(start, end - 1), hi)
    return doc.text[cuts[-1] if cuts else lo : after.end() if after else hi]


def updown_summary(view: pd.DataFrame, by: Iterable[str] | None = None) -> pd.DataFrame:
    """Codings of the up/down view counted by direction, per category and per role.

    Rows are (`by`, `value`): categories in CATEGORIES order, other values sorted, missing
    values as `(missing)`; columns `up`, `down`, `unclear`, `total`. `by` defaults to
    `category` and `role` (when the view has a `role` column); any view column works
    (e.g. `team`). `summary.loc["role"]` is one table (a view with no rows gives an
    empty summary with these columns, so select parts by mask where that can happen).
    """
    by = list(by) if by is not None else ["category"] + (["role"] if "role" in view.columns else [])
    parts = {}
    for column in by:
        if column not in view.columns:
            raise ValueError(f"no column {column!r} in the up/down view")
        values = view[column].astype(object).where(view[column].notna(), MISSING)
        counts = pd.crosstab(values, view["direction"].astype(object))
        order = [label for label, _ in CATEGORIES] + [OTHER] if column == "category" else []
        rest = sorted(v for v in counts.index if v not in order and v != MISSING)
        rows = [v for v in order if v in counts.index] + rest + ([MISSING] if MISSING in counts.index else [])
        table = counts.reindex(index=rows, columns=list(DIRECTIONS), fill_value=0).astype("int64")
        table["total"] = table.sum(axis=1).astype("int64")
        table.index.name = "value"
        table.columns.name = "direction"
        parts[column] = table
    if not parts:
        return pd.DataFrame(columns=pd.Index([*DIRECTIONS, "total"], name="direction"),
                            index=pd.MultiIndex.from_tuples([], names=["by", "value"]), dtype="int64")
    return pd.concat(parts, names=["by", "value"])
