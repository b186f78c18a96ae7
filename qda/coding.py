"""Auto-coding: run coders over a corpus and turn their matches into codings on a unit.

Coders detect evidence in sentences; this module decides the coded passage (the sentence
or the whole turn holding the evidence), merges evidence from several rules into one
coding per unit, code and source, and streams the corpus in chunks so memory stays flat
on archive-sized input.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from spacy.attrs import LEMMA, LOWER, SENT_START
from spacy.language import Language

from . import nlp as qnlp
from .codebook import Codebook
from .coders import Match, MetaphorCoder, RuleCoder
from .coders.base import IN_TURN, SPEECH
from .coders.stacking import neighbours
from .corpus import Coding, Corpus, Document, Turn
from .errors import QdaError
from .speeches import number_speeches

UNITS = ("sentence", "turn")
CODERS = ("rules", "metaphor", "semantic", "learned")
DEFAULT_CODERS = ("rules", "metaphor")
# Coders that embed text with torch: its thread pool does not survive a fork, and it
# already keeps every core busy, so a run with one of them codes in this process only.
_EMBEDDING_CODERS = frozenset({"semantic", "learned"})
_CHUNK_TURNS = 256


def default_coders(codebook: Codebook) -> tuple[str, ...]:
    """The coders that suit `codebook` unless others are named: the rules, and the up/down
    metaphor coder where the codebook has the `up_down` code that coder codes."""
    return tuple(name for name in DEFAULT_CODERS if name != "metaphor" or "up_down" in codebook.codes)


def choose_coders(codebook: Codebook, coders: Iterable[str] | None = None, learned_model=None):
    """(coder names, learned model, a note for the user) for a run. Without `coders`: the
    `default_coders`, and beside them the learned coder where qda ships a model trained
    beside this codebook's rules (the sample study's: docs/accuracy.md gives what it adds).
    Asked for the learned coder without a model, the same shipped model."""
    from .coders.learned import shipped

    names = tuple(coders) if coders is not None else default_coders(codebook)
    if learned_model is not None or (coders is not None and "learned" not in names):
        return names, learned_model, ""
    model, why_not = shipped(codebook)
    if model is None:
        if coders is None and not any(code.rules for code in codebook.codes.values()) and "metaphor" not in names:
            # the default coders would find nothing, and an empty table looks like an answer
            raise QdaError(
                f"codebook {codebook.path or codebook.name} has no rules and no `up_down` code, so the "
                "default coders have nothing to code with: add rules to its codes (docs/codebook.md), "
                "or name a coder that needs none: --coders semantic (from the codes' definitions "
                "and examples), or --coders learned --model FILE (a model from `qda train`)"
            )
        if why_not:
            warnings.warn(f"{why_not}; coding with {', '.join(names)}", stacklevel=2)
        return names, None, ""
    names = names if "learned" in names else (*names, "learned")
    return names, model, (f"coding with {', '.join(names)}: the learned coder with qda's model for "
                          f"{model.codebook}, trained on {model.trained_on:,} hand-coded answers "
                          f"(--coders {','.join(default_coders(codebook))} for the rules alone)")


def make_coders(names: Iterable[str], codebook: Codebook, nlp: Language, *,
                semantic_thresholds: dict[str, float] | None = None, learned_model=None) -> list:
    """Build the named coders; the metaphor coder needs the codebook's `up_down` code, the
    learned coder a model trained by `qda train`."""
    coders = []
    for name in names:
        if name == "rules":
            coders.append(RuleCoder(codebook, nlp))
        elif name == "metaphor":
            if "up_down" not in codebook.codes:
                raise QdaError(
                    f"the metaphor coder codes `up_down`, which codebook {codebook.path or codebook.name} "
                    "does not define; add that code or leave `metaphor` out of --coders"
                )
            coders.append(MetaphorCoder(nlp))
        elif name == "semantic":
            from .coders.semantic import SemanticCoder

            coders.append(SemanticCoder(codebook, thresholds=semantic_thresholds))
        elif name == "learned":
            from .coders.learned import LearnedCoder, load_model

            if learned_model is None:
                raise QdaError("the learned coder needs a model: train one with `qda train` and pass it with --model")
            model = load_model(learned_model, codebook) if isinstance(learned_model, (str, Path)) else learned_model
            if model.weighs_other_rules(codebook):
                warnings.warn(f"the learned model was trained beside other rules than those of "
                              f"{codebook.path or codebook.name}, and weighs the rules as they were; "
                              "train it again with `qda train`", stacklevel=2)
            # Beside other coders, a model that learned how far to trust them is weighed
            # against them (qda.coders.stacking) rather than added to them.
            coders.append(LearnedCoder(model, every=bool(model.combiners) and len(names) > 1))
        else:
            raise QdaError(f"unknown coder `{name}`; choose from {', '.join(CODERS)}")
    return coders


@dataclass
class AutoCoder:
    """Codes corpora with a fixed set of coders (scikit-learn style: configure, then call)."""

    codebook: Codebook
    coders: tuple[str, ...] = DEFAULT_CODERS
    unit: str = "sentence"
    include_interviewer: bool = False
    min_confidence: float = 0.5
    nlp: Language | None = None
    #: Per-code thresholds for the semantic coder (`qda calibrate`), and the learned
    #: coder's model (a path or a loaded `LearnedModel`).
    semantic_thresholds: dict[str, float] | None = None
    learned_model: object = None
    #: Processes to code in. Above 1, helper processes forked with this coder code whole
    #: documents side by side (the rules and metaphor coders only; see `stream`).
    workers: int = 1

    def __post_init__(self):
        if not 0.0 <= self.min_confidence <= 1.0:
            raise QdaError(f"min_confidence must be between 0 and 1, not {self.min_confidence}")
        if self.unit not in UNITS:
            raise QdaError(f"unknown unit `{self.unit}`; choose sentence or turn")
        self.nlp = self.nlp or qnlp.load()
        self._coders = make_coders(self.coders, self.codebook, self.nlp, semantic_thresholds=self.semantic_thresholds,
                                   learned_model=self.learned_model)
        self._combiners = next((c.model.combiners for c in self._coders if c.source == "learned" and c.every), {})
        # The metaphor coder's code is proposed only where it (or a rule) found the words: up/down
        # language is a matter of words and their parse, which a model's guess cannot show, and
        # on unseen interviews the model alone was where up_down's false positives came from
        # (precision 0.935 -> 1.000 on a blind set, recall 0.935 -> 0.871).
        self._needs_words = {c.code for c in self._coders if c.source == "metaphor"}

    @property
    def forks(self) -> bool:
        """Whether `stream` shares a corpus of more than one chunk out to helper processes."""
        return self.workers > 1 and hasattr(os, "fork") and _EMBEDDING_CODERS.isdisjoint(self.coders)

    def codable_turns(self, corpus: Corpus) -> Iterator[tuple[Document, Turn]]:
        return corpus.codable_turns(self.include_interviewer)

    def predict(self, corpus: Corpus, progress: Callable[[int], None] | None = None) -> list[Coding]:
        """All codings for the corpus, in document and text order."""
        return list(self.stream(corpus, progress))

    def stream(self, corpus: Corpus, progress: Callable[[int], None] | None = None) -> Iterator[Coding]:
        """Codings in document and text order, chunk by chunk (a chunk holds whole documents),
        so memory stays flat however large the corpus. With `workers` above 1, where the
        platform forks and no coder embeds text, helper processes code the chunks side by
        side and their codings come back in the same order, the same as coded here."""
        chunks = _whole_documents(self.codable_turns(corpus), _CHUNK_TURNS)
        for size, codings in self._code_chunks(chunks):
            yield from codings
            if progress:
                progress(size)

    def _code_chunks(self, chunks: Iterator[list[tuple[Document, Turn]]]) -> Iterator[tuple[int, list[Coding]]]:
        first = list(islice(chunks, 2))  # a single chunk is not worth a process
        if not self.forks or len(first) < 2:
            yield from (_coded(self, chunk) for chunk in chain(first, chunks))
            return
        import multiprocessing

        global _forked_coder
        _forked_coder = self  # what the forked helpers code with
        try:
            with multiprocessing.get_context("fork").Pool(self.workers) as pool:
                yield from pool.imap(_code_in_fork, chain(first, chunks))
        finally:
            _forked_coder = None

    def _code_chunk(self, chunk: list[tuple[Document, Turn]]) -> list[Coding]:
        turn_texts = [doc.turn_text(turn) for doc, turn in chunk]
        # Per sentence: the span, its text, its coded passage and its words (hashes of
        # lower-case forms and lemmas). Slicing the turn's text (`Doc.text` joins its tokens
        # anew on every call) and reading arrays (`Doc.sents` makes a Token per word) keeps
        # Python objects per word out of this loop, which they would dominate.
        # (`turn_of` holds each sentence's turn, as its position in the chunk.)
        sentences, texts, units, words, turn_of = [], [], [], [], []
        documents = [doc.id for doc, _ in chunk]
        speech_of = number_speeches(documents, [turn.speaker for _, turn in chunk], [turn.index for _, turn in chunk],
                                    turn_texts)
        for k, ((doc, turn), turn_text, spacy_doc) in enumerate(
                zip(chunk, turn_texts, qnlp.lexical(self.nlp, turn_texts))):
            spacy_doc.user_data[SPEECH] = speech_of[k]
            array = spacy_doc.to_array([LOWER, LEMMA, SENT_START])
            hashes = array[:, :2]
            starts = [0, *(i + 1 for i in (array[1:, 2] == 1).nonzero()[0].tolist())]
            for first, last in zip(starts, starts[1:] + [len(spacy_doc)]):
                if first == last:
                    continue
                sent = spacy_doc[first:last]
                text = turn_text[sent.start_char : sent.end_char]
                if text.strip():
                    sentences.append(sent)
                    texts.append(text)
                    units.append(self._unit_span(sent.start_char, text, turn))
                    words.append(set(hashes[sent.start : sent.end].ravel().tolist()))
                    turn_of.append(k)
        # Each sentence that any coder needs parsed is parsed once, for all of them.
        todo = [i for i, w in enumerate(words) if any(c.needs_parse(w) for c in self._coders)]
        parses = dict(zip(todo, qnlp.parse(self.nlp, (texts[i] for i in todo))))
        # One coding per passage and code, whichever coders found it: two coders agreeing
        # (a rule and the metaphor coder on "escalated") is corroboration, not two codings
        # to review. The source is the most confident coder's; the evidence is everyone's.
        merged: dict[tuple, list[Match]] = {}
        # Per code, each turn's learned probability, which its neighbours' combiners weigh.
        turn_probability = {code: np.zeros(len(chunk)) for code in self._combiners}
        for coder in self._coders:
            for i, match in coder.find(sentences, words, parses):
                start, end = units[i]
                merged.setdefault((turn_of[i], start, end, match.code), []).append(match)
                if match.source == "learned" and match.code in turn_probability:
                    turn_probability[match.code][turn_of[i]] = match.confidence
        around = {code: _speech_neighbours(p, documents, speech_of) for code, p in turn_probability.items()}
        codings = []
        for (k, start, end, code), matches in merged.items():
            evidence = list(dict.fromkeys(m.evidence() for m in sorted(_distinct(matches), key=lambda m: m.start)))
            context = (around[code][0][k], around[code][1][k]) if code in around else (0.0, 0.0)
            confidence = self._confidence(code, matches, *context)
            if max(context) >= 0.5:  # say so when the talk around the turn is about the code too
                evidence.append(f'"p={context[0]:.2f} before, {context[1]:.2f} after" [learned.{code}, neighbouring turns]')
            source = max(matches, key=lambda m: m.confidence).source
            if confidence >= self.min_confidence:
                codings.append(Coding(
                    document=documents[k], start=start, end=end, code=code, source=source,
                    coder=f"qda:{source}", confidence=round(confidence, 4), evidence="; ".join(evidence),
                ))
        order = {doc.id: i for i, (doc, _) in reversed(list(enumerate(chunk)))}
        codings.sort(key=lambda c: (order[c.document], c.start, c.code, c.source))
        return codings

    def _confidence(self, code: str, matches: list[Match], before: float = 0.0, after: float = 0.0) -> float:
        """Noisy-or over the evidence, or, where the learned model has a combiner for the
        code, that combiner's weighing of the other coders' noisy-or, the probability and
        the probabilities of the turns `before` and `after`."""
        combiner = self._combiners.get(code)
        if combiner is None:
            return combined_confidence(matches)
        rules = combined_confidence([m for m in matches if m.source != "learned"])
        if rules == 0 and code in self._needs_words:
            return 0.0
        # The model judges whole turns: beside a rule, any sentence of the turn carries its
        # probability; alone, it is shown once, on the sentence whose words weigh most.
        learned = max((m.confidence for m in matches if m.source == "learned" and (rules > 0 or m.note != IN_TURN)),
                      default=0.0)
        return combiner.confidence(rules, learned, before, after)

    def _unit_span(self, start_char: int, text: str, turn: Turn) -> tuple[int, int]:
        """Document offsets of the coded passage: the sentence without surrounding
        whitespace, or the whole turn."""
        if self.unit == "turn":
            return turn.start, turn.end
        lead = len(text) - len(text.lstrip())
        trail = len(text) - len(text.rstrip())
        return turn.start + start_char + lead, turn.start + start_char + len(text) - trail


def _speech_neighbours(values: np.ndarray, documents: list[str], speech_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each turn's neighbouring speeches' values (a speech's turns share one), as
    `neighbours` gives them for turns."""
    first = np.flatnonzero(np.diff(speech_of, prepend=-1))  # each speech's first turn
    before, after = neighbours(np.maximum.reduceat(values, first), np.asarray(documents)[first])
    return before[speech_of], after[speech_of]


_forked_coder: AutoCoder | None = None


def _coded(coder: AutoCoder, chunk: list[tuple[Document, Turn]]) -> tuple[int, list[Coding]]:
    return len(chunk), coder._code_chunk(chunk)


def _code_in_fork(chunk: list[tuple[Document, Turn]]) -> tuple[int, list[Coding]]:
    return _coded(_forked_coder, chunk)


def _whole_documents(turns: Iterable[tuple[Document, Turn]], size: int) -> Iterator[list[tuple[Document, Turn]]]:
    """Chunks of about `size` turns that never split a document, so that every turn's
    neighbours are coded beside it."""
    chunk: list[tuple[Document, Turn]] = []
    for doc, turn in turns:
        if len(chunk) >= size and chunk[-1][0].id != doc.id:
            yield chunk
            chunk = []
        chunk.append((doc, turn))
    if chunk:
        yield chunk


def combined_confidence(matches: list[Match]) -> float:
    """Noisy-or over distinct pieces of evidence: two weak cues (0.35 each) make 0.58, so a
    code whose rules mark single words as weak needs corroboration before it is proposed."""
    doubt = 1.0
    for match in _distinct(matches):
        doubt *= 1.0 - match.confidence
    return 1.0 - doubt


def _distinct(matches: list[Match]) -> list[Match]:
    """One piece of evidence per place and word: overlapping matches of the same rule
    ("review" inside "review meeting") count once, at their best, and so does the same
    word said twice ("review after review"); all the matches of a rule marked `once`, too."""
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: (m.rule, m.start, -m.confidence)):
        last = kept[-1] if kept else None
        if last is not None and last.rule == match.rule and match.start < last.end:
            if _weight(match) > _weight(last):
                kept[-1] = match
            continue
        kept.append(match)
    return list({(m.rule, "" if m.once else m.words.lower()): m for m in kept}.values())


def _weight(match: Match) -> tuple:
    """Which of overlapping evidence to keep: the strongest, then what was found in the
    passage itself rather than carried from its turn, then the fullest."""
    return match.confidence, match.note != IN_TURN, match.end - match.start


def code_corpus(corpus: Corpus, codebook: Codebook, **options) -> list[Coding]:
    """Convenience: `AutoCoder(codebook, **options).predict(corpus)`."""
    return AutoCoder(codebook, **options).predict(corpus)
