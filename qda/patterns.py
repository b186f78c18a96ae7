"""What qda knows about spaCy rule patterns: validation, normalisation and anchors.

Rules are declarative data (DESIGN.md). To stay fast, qda parses only the sentences a
syntactic rule could match: a rule's *anchors* are the words one of its required tokens
must have, so a sentence lacking them is skipped without parsing.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Callable

# Token attributes the tokenizer and qda's lookup lemmas provide; anything else
# (POS, TAG, DEP, MORPH, ENT_TYPE...) needs the tagger or parser.
LEXICAL_ATTRS = frozenset(
    {
        "ORTH", "TEXT", "LOWER", "LEMMA", "NORM", "LENGTH", "SHAPE", "PREFIX", "SUFFIX",
        "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT",
        "IS_SPACE", "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT",
        "IS_CURRENCY", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "OP",
    }
)
_WORD_ATTRS = ("LOWER", "LEMMA", "ORTH", "TEXT", "NORM")
_OPTIONAL_OPS = frozenset({"?", "*", "!"})


@lru_cache(maxsize=1)
def _vocab():
    from spacy.vocab import Vocab

    return Vocab()


def check(kind: str, value: Any) -> str | None:
    """Return why `value` is not a valid rule of `kind`, or None when it is."""
    if kind == "phrases":
        if not isinstance(value, list) or not value:
            return "must be a non-empty list of phrases"
        bad = [p for p in value if not isinstance(p, str) or not p.strip()]
        return "every phrase must be non-empty text" if bad else None
    if not isinstance(value, list) or not value or not all(isinstance(t, dict) for t in value):
        return "must be a non-empty list of token mappings, e.g. [{LEMMA: step}, {LOWER: down}]"
    if kind == "dependency":
        # spaCy's own validation fails with an AttributeError on these
        shapeless = next((i for i, node in enumerate(value) if not isinstance(node.get("RIGHT_ATTRS", {}), dict)), None)
        if shapeless is not None:
            return f"node {shapeless + 1}: RIGHT_ATTRS must be a mapping of token attributes, e.g. {{LEMMA: step}}"
    unquoted = _yaml_booleans(value)
    if unquoted:
        return (f"has true/false where a word was meant ({unquoted}); YAML reads bare on, off, "
                'yes and no as true/false, so quote them: "on"')
    from spacy.errors import MatchPatternError
    from spacy.matcher import DependencyMatcher, Matcher

    try:
        if kind == "pattern":
            Matcher(_vocab(), validate=True).add("check", [normalise(kind, value)])
        else:
            DependencyMatcher(_vocab(), validate=True).add("check", [normalise(kind, value)])
    except (MatchPatternError, ValueError, KeyError, TypeError, re.error) as exc:  # re: a bad REGEX value
        detail = " ".join(str(exc).split())
        return f"is not a valid spaCy {'token' if kind == 'pattern' else 'dependency'} pattern: {detail}"
    return None


def normalise(kind: str, value: Any) -> Any:
    """Lower-case LEMMA and LOWER values: qda compares lemmas case-insensitively."""
    if kind == "phrases":
        return tuple(" ".join(p.split()) for p in value)

    def lower(spec: Any) -> Any:
        if isinstance(spec, str):
            return spec.lower()
        if isinstance(spec, dict):
            return {k: ([_lower(v) for v in vs] if isinstance(vs, list) else vs) for k, vs in spec.items()}
        return spec

    def token(t: dict) -> dict:
        return {k: (lower(v) if k in ("LEMMA", "LOWER") else v) for k, v in t.items()}

    if kind == "pattern":
        return [token(t) for t in value]
    return [{**node, "RIGHT_ATTRS": token(node.get("RIGHT_ATTRS", {}))} for node in value]


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _yaml_booleans(value: Any) -> str:
    """Where a word attribute holds a bool, e.g. `LOWER: on` read by YAML as True."""
    tokens = value if all("RIGHT_ATTRS" not in t for t in value) else [t.get("RIGHT_ATTRS", {}) for t in value]
    for i, token in enumerate(tokens):
        for attr in _WORD_ATTRS:
            spec = token.get(attr) if isinstance(token, dict) else None
            values = spec.get("IN", []) if isinstance(spec, dict) else [spec]
            # (a malformed IN, `IN: 3`, is spaCy's validation's to report)
            if any(isinstance(v, bool) for v in (values if isinstance(values, list) else [values])):
                return f"token {i + 1}, {attr}"
    return ""


def unmatchable_words(kind: str, value: Any, lemma: Callable[[str], str] | None = None) -> list[str]:
    """Why some words of a token or dependency pattern never match what they say: the
    tokenizer never makes them one token ("mum's" is "mum" and "'s", "can't" is "ca" and
    "n't"), or, given `lemma` (qda's lemma of a word), a LEMMA value is not its own word's
    lemma ({LEMMA: left} misses "left", whose lemma is "leave"). One message per word."""
    if kind == "phrases":
        return []  # phrases are tokenized and lemmatised as the text is
    tokens = value if kind == "pattern" else [node.get("RIGHT_ATTRS", {}) for node in value]
    found = []
    for i, token in enumerate(tokens):
        for attr in _WORD_ATTRS:
            spec = token.get(attr)
            words = [spec] if isinstance(spec, str) else spec.get("IN", []) if isinstance(spec, dict) else []
            for word in (w for w in words if isinstance(w, str)):
                pieces = _pieces(word)
                if pieces is not None:
                    tokens_of_it = ", ".join(f"{{{attr}: {json.dumps(p)}}}" for p in pieces)
                    found.append(f'token {i + 1}, {attr} "{word}" never matches: the tokenizer splits it, so '
                                 f'match its parts as tokens of their own: {tokens_of_it}')
                elif attr == "LEMMA" and lemma is not None and lemma(word) != word:
                    found.append(f'token {i + 1}, LEMMA "{word}" does not match the word "{word}", whose lemma is '
                                 f'"{lemma(word)}": write {{LOWER: {json.dumps(word)}}} for the word, or its lemma')
    return found


@lru_cache(maxsize=4096)
def _pieces(word: str) -> tuple[str, ...] | None:
    """The tokens the tokenizer makes of `word`, or None when it stays one token (a
    clitic such as "'ve", "'m" or "n't" counts as one: it is a token after a word, as in
    "we've", "I'm", "don't")."""
    split = tuple(t.text for t in _tokenizer()(word))
    if len(split) <= 1:
        return None
    if word[:1] in "'\u2019" or word.startswith("n't"):
        for host in ("we", "i", "do"):
            if tuple(t.text for t in _tokenizer()(host + word))[1:] == (word,):
                return None
    return split


def _tokenizer():
    """The tokenizer that reads transcripts (qda's pipeline, with its own suffix rule), so
    the check splits words exactly as coding will."""
    from .nlp import load

    return load().tokenizer


def needs_parse(kind: str, value: Any) -> bool:
    """True when the rule needs tags or dependencies, not just words and lemmas."""
    if kind == "phrases":
        return False
    if kind == "dependency":
        return True
    return any(attr not in LEXICAL_ATTRS for token in value for attr in token)


def anchors(kind: str, value: Any) -> tuple[frozenset[str], ...]:
    """For each required token that constrains its word, the lower-case words it allows.

    A sentence can match only if it holds a word from every one of these sets; an empty
    tuple means the rule constrains no word and must be tried on every sentence.
    """
    tokens = value if kind == "pattern" else [n.get("RIGHT_ATTRS", {}) for n in value]
    found = []
    for token in tokens:
        words = None if _optional(token.get("OP")) else _token_words(token)
        if words is not None:
            found.append(words)
    return tuple(found)


def _optional(op: Any) -> bool:
    """True for operators that allow zero tokens: ?, *, ! and {0,n} / {,n}."""
    return op in _OPTIONAL_OPS or (isinstance(op, str) and (op.startswith("{0") or op.startswith("{,")))


def _token_words(token: dict) -> frozenset[str] | None:
    for attr in _WORD_ATTRS:
        spec = token.get(attr)
        if isinstance(spec, str):
            return frozenset({spec.lower()})
        if isinstance(spec, dict) and isinstance(spec.get("IN"), list):
            return frozenset(str(v).lower() for v in spec["IN"])
    return None
