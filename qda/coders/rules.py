"""The rule coder: a codebook's phrase lists, token patterns and dependency patterns.

Phrases and word-only token patterns run on the cheap lexical tokens of every sentence.
Patterns that need tags or dependencies run only on sentences holding one of the rule's
anchor words, each parsed on its own (see qda.patterns).
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .. import nlp as qnlp
from .. import patterns
from ..codebook import Codebook, Rule
from .base import Match, negated


class RuleCoder:
    """Applies every rule of a codebook; an exclusion rule vetoes overlapping matches of its code."""

    source = "rule"

    def __init__(self, codebook: Codebook, nlp: Language):
        self.nlp = nlp
        self.rules: dict[str, tuple[str, Rule]] = {}
        self.lexical_phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        # One matcher per word-only token pattern, run only on sentences holding its anchors:
        # with dozens of patterns, running them all wherever any one is anchored costs more.
        self.lexical_tokens: list[tuple[tuple[frozenset[int], ...], Matcher]] = []
        self.parsed_tokens = Matcher(nlp.vocab)
        self.parsed_deps = DependencyMatcher(nlp.vocab)
        # Per syntactic rule, hashed word sets a sentence must hit (see qda.patterns).
        self.parsed_anchors: list[tuple[frozenset[int], ...]] = []
        phrase_rules: list[tuple[str, tuple[str, ...]]] = []
        for code in codebook.codes.values():
            for rule in code.rules:
                self.rules[rule.id] = (code.id, rule)
                if rule.kind == "phrases":
                    phrase_rules.append((rule.id, rule.value))
                    continue
                anchors = tuple(frozenset(nlp.vocab.strings.add(w) for w in ws)
                                for ws in patterns.anchors(rule.kind, rule.value))
                if not patterns.needs_parse(rule.kind, rule.value):
                    matcher = Matcher(nlp.vocab)
                    matcher.add(rule.id, [rule.value])
                    self.lexical_tokens.append((anchors, matcher))
                else:
                    matcher = self.parsed_tokens if rule.kind == "pattern" else self.parsed_deps
                    matcher.add(rule.id, [rule.value])
                    self.parsed_anchors.append(anchors)
        self._add_phrases(phrase_rules)
        # Which word-only patterns a sentence can match, looked up from its words: testing
        # every pattern's anchors on every sentence costs more than the matching itself.
        self._by_anchor: dict[int, set[int]] = {}
        self._unanchored = {k for k, (anchors, _) in enumerate(self.lexical_tokens) if not anchors}
        for k, (anchors, _) in enumerate(self.lexical_tokens):
            for word in anchors[0] if anchors else ():
                self._by_anchor.setdefault(word, set()).add(k)
        self._anchor_words = frozenset(self._by_anchor)

    def _add_phrases(self, phrase_rules: list[tuple[str, tuple[str, ...]]]) -> None:
        # Phrases go through the same lexical path as transcripts, so "stepped down" in a
        # codebook and "steps down" in a transcript share the lemmas "step down".
        texts = [p for _, phrases in phrase_rules for p in phrases]
        docs = iter(qnlp.lexical(self.nlp, texts))
        for rule_id, phrases in phrase_rules:
            self.lexical_phrases.add(rule_id, [next(docs) for _ in phrases])

    def needs_parse(self, words: set[int]) -> bool:
        """True when a syntactic rule could match: the sentence's `words` (hashes of its
        lower-case forms and lemmas) hold a word for each of the rule's anchors."""
        return _anchored(self.parsed_anchors, words)

    def find(self, sentences: list[Span], words: list[set[int]], parses: dict[int, Doc]) -> list[tuple[int, Match]]:
        """Matches in `sentences`; `parses` holds parsed copies of those needing syntax."""
        found: list[tuple[int, Match]] = []
        # Phrases are matched a whole turn at once (cheaper than sentence by sentence) and
        # filed under the sentence they start in; token patterns only where anchored.
        by_doc: dict[int, list[int]] = {}
        for i, sent in enumerate(sentences):
            by_doc.setdefault(id(sent.doc), []).append(i)
        for indices in by_doc.values():
            doc = sentences[indices[0]].doc
            spans = self.lexical_phrases(doc, as_spans=True) if len(self.lexical_phrases) else []
            starts = [sentences[i].start for i in indices]
            for span in spans:
                k = bisect.bisect_right(starts, span.start) - 1
                if k >= 0 and span.start < sentences[indices[k]].end:
                    self._keep(found, indices[k], span, span.start_char, span.end_char)
        for i, sent in enumerate(sentences):
            candidates = set(self._unanchored)
            for word in self._anchor_words & words[i]:
                candidates |= self._by_anchor[word]
            for k in sorted(candidates):
                anchors, matcher = self.lexical_tokens[k]
                if all(not a.isdisjoint(words[i]) for a in anchors[1:]):
                    for span in matcher(sent, as_spans=True):
                        self._keep(found, i, span, span.start_char, span.end_char)
        for i, parsed in parses.items():
            if not self.needs_parse(words[i]):
                continue  # parsed for another coder: no syntactic rule can match here
            base = sentences[i].start_char
            for span in self.parsed_tokens(parsed, as_spans=True) if len(self.parsed_tokens) else ():
                self._keep(found, i, span, base + span.start_char, base + span.end_char)
            for match_id, token_ids in self.parsed_deps(parsed) if len(self.parsed_deps) else ():
                tokens = sorted(parsed[t] for t in token_ids)
                span = parsed[tokens[0].i : tokens[-1].i + 1]
                said = " ".join(t.text for t in tokens)
                self._keep(found, i, span, base + span.start_char, base + span.end_char, match_id, said)
        return self._apply_exclusions(found)

    def _keep(self, found, i, span, start, end, match_id=None, words=None) -> None:
        rule_id = self.nlp.vocab.strings[match_id if match_id is not None else span.label]
        code, rule = self.rules[rule_id]
        is_negated = negated(span)
        if (rule.negation == "exclude" and is_negated) or (rule.negation == "require" and not is_negated):
            return
        note = "negated" if is_negated and rule.negation == "keep" else ""
        match = Match(code, start, end, rule_id, words or span.text, rule.confidence, self.source, note, rule.once)
        found.append((i, match))

    def _apply_exclusions(self, found: list[tuple[int, Match]]) -> list[tuple[int, Match]]:
        vetoes: dict[tuple[int, str], list[Match]] = defaultdict(list)
        for i, m in found:
            if self.rules[m.rule][1].exclusion:
                vetoes[(i, m.code)].append(m)
        return [
            (i, m)
            for i, m in found
            if not self.rules[m.rule][1].exclusion
            and not any(v.start < m.end and m.start < v.end for v in vetoes.get((i, m.code), ()))
        ]


def _anchored(rules_anchors: list[tuple[frozenset[int], ...]], words: set[int]) -> bool:
    """True if some rule has a word in the sentence for each of its anchor sets."""
    return any(all(not a.isdisjoint(words) for a in anchors) for anchors in rules_anchors)
