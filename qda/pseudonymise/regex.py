"""One regular expression for many literal strings, as a trie: "Karen|Karen Whitworth|Kai"
becomes "K(?:a(?:i|ren(?: Whitworth)?))". Python's engine tries the branches of a flat
alternation one by one at every position of the text; a trie shares their prefixes, so a
few hundred names cost about as much as a few."""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie(words: Iterable[str], ignore_case: bool = False) -> str:
    """A pattern (no boundaries, no flags) matching exactly `words`, longest first at each
    position; with `ignore_case`, words differing only in case share a branch (compile it
    with re.IGNORECASE)."""
    root: dict = {}
    for word in words:
        if not word:
            continue
        node = root
        for char in word.lower() if ignore_case else word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(root) if root else "(?!)"


def _branches(node: dict) -> str:
    ends = "" in node
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:  # the word may stop here: the longer ones are tried first
        return (body if len(branches) > 1 else "(?:" + body + ")") + "?"
    return body


def phrases(words: Iterable[str]) -> str:
    """`trie` of phrases, a space matching any run of spaces or tabs and an apostrophe
    either apostrophe, wrapped in a group."""
    return "(?:" + trie(words).replace("\\ ", "[ \\t]+").replace("'", "['’]") + ")"


def alternatives(words, plural: bool = False, hyphen: bool = False, flags: int = 0) -> re.Pattern:
    """One expression matching any of `words` as whole words, longest first; with `plural`,
    also followed by an "s" that is left out of the match; with `hyphen`, not as part of a
    hyphenated word ("Thackeray" is not in "Thackeray-Bell")."""
    body = trie(words, ignore_case=bool(flags & re.IGNORECASE))
    left = r"(?<![\w'’\-])" if hyphen else r"(?<![\w'’])"
    right = r"(?![\w\-])" if hyphen else r"(?!\w)"
    return re.compile(left + "(?:" + body + (r")(?=s\b|" + right + ")" if plural else ")" + right), flags)

