"""Many literal strings found at once.

`trie`/`alternatives`: one regular expression, as a trie: "Karen|Karen Whitworth|Kai"
becomes "K(?:a(?:i|ren(?: Whitworth)?))". Python's engine tries the branches of a flat
alternation one by one at every position of the text; a trie shares their prefixes, so a
few hundred names cost about as much as a few. `Literals`: the same matches from a table
keyed by each string's first word, for the thousands of names a large corpus brings, whose
expression would take seconds to compile."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


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



_WORD = re.compile(r"\w+")
_NONE: tuple[list[int], set[str]] = ([], set())


class Literals:
    """Whole-word occurrences of many literal strings, as `alternatives(words, plural=True)`
    finds them (longest first at each place, a plural "s" left out), without compiling a
    regular expression: thousands of names make a pattern that takes seconds to build,
    while a table keyed by each string's first word grows with them. `ignore_case`
    compares lower-cased text."""

    def __init__(self, words: Iterable[str] = (), ignore_case: bool = False):
        self.ignore_case = ignore_case
        # first word -> (the lengths of the strings starting with it, longest first; the strings)
        self._by_first: dict[str, tuple[list[int], set[str]]] = {}
        self._odd: set[str] = set()  # strings not starting with a word character ("+44 ...")
        self._odd_pattern: re.Pattern | None = None
        for word in words:
            self.add(word)

    def add(self, word: str) -> None:
        key = _WORD.match(word)
        if key is None:
            self._odd.add(word)
            self._odd_pattern = None
            return
        fold = self._fold(word)
        lengths, same = self._by_first.setdefault(self._fold(key.group()), ([], set()))
        if fold not in same:
            same.add(fold)
            if len(fold) not in lengths:
                lengths.append(len(fold))
                lengths.sort(reverse=True)

    def _fold(self, text: str) -> str:
        return text.lower() if self.ignore_case else text

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each occurrence, left to right, not overlapping."""
        if self._odd:  # matched by a pattern of their own, merged in order
            if self._odd_pattern is None:
                self._odd_pattern = alternatives(self._odd, plural=True, flags=re.IGNORECASE if self.ignore_case else 0)
            found = sorted([*self._scan(text), *(m.span() for m in self._odd_pattern.finditer(text))])
            last = -1
            for start, end in found:
                if start >= last:
                    yield start, end
                    last = end
            return
        yield from self._scan(text)

    def _scan(self, text: str) -> Iterator[tuple[int, int]]:
        folded = self._fold(text)
        if len(folded) != len(text):  # a letter whose lower case is longer ("İ"): kept as it is
            folded = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        size, last, table = len(text), 0, self._by_first
        for run in _WORD.finditer(folded):
            word = run.group()
            candidates = table.get(word, _NONE)
            # "the Dawsons": "Dawson", the "s" left outside
            plural = table.get(word[:-1], _NONE) if word[-1] == "s" else _NONE
            if candidates is _NONE and plural is _NONE:
                continue
            start = run.start()
            if start < last or (start and folded[start - 1] in "'’"):
                continue
            for lengths, literals in (candidates, plural):  # (a longer string first at each place)
                for length in lengths:
                    end = start + length
                    if end > size or folded[start:end] not in literals:
                        continue
                    if end < size and _is_word(folded[end]) and not (
                            folded[end] == "s" and (end + 1 == size or not _is_word(folded[end + 1]))):
                        continue
                    yield start, end
                    last = end
                    break
                else:
                    continue
                break


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
