"""Finding identifiers: known names, patterns and NER, with later mentions linked to earlier.

Detection runs in two passes over a whole set of documents, so that consistency holds
across them: the first pass collects entities (speakers, front matter, the register and
key, pattern matches, NER), and derives the short forms people use ("Amara" and
"Ms Nwosu" after "Amara Nwosu", "St Anne's" after "St Anne's Primary School"); the second
pass finds every known form in every document, whichever document introduced it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.language import Language

from qda.corpus import Document
from qda.nlp import entities, is_english_word
from qda.pseudonymise.allow import AllowList
from qda.pseudonymise.entities import Mention
from qda.pseudonymise.key import Key
from qda.pseudonymise.patterns import find_patterns

#: spaCy NER labels taken, and the type each becomes (DATE comes from the patterns, which
#: find calendar dates rather than "last week").
NER_TYPES = {"PERSON": "PERSON", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "ORG": "ORG"}
#: Front-matter attributes whose values name people, and places.
NAME_ATTRIBUTES = ("participant", "interviewer", "name", "speaker", "respondent")
PLACE_ATTRIBUTES = ("site", "location", "place", "town", "area", "district", "locality")
#: Institution words stripped to get the short form people also use ("St Anne's").
_INSTITUTION_TAIL = re.compile(
    r"(?:[ \t]+(?:Primary|Junior|Infant|Infants|Nursery|Secondary|High|Grammar|Community|Catholic|"
    r"C of E|RC|School|Academy|College|Medical|Health|Centre|Practice|Surgery|Clinic|Infirmary|Hospital|"
    r"General|District|Royal))+$"
)
# A capitalised word after a lower-case word (or comma) and a space: inside a sentence.
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z,] )([A-Z][\w'’\-]+)")
# The end of the text before a word that starts a sentence, a line or a turn.
_SENTENCE_START = re.compile(r"(?:^\s*|[.!?…]\s+|:\s+|\n\s*|[\"“(]\s*)$")
# A sentence, roughly: up to a full stop, question or exclamation mark followed by a space
# (so "St. Anne's" and "07700 900.123" hold together less often than not), or a line end.
_SENTENCE = re.compile(r"[^\s][^\n]*?(?:[.!?]+(?=\s)|$)", re.MULTILINE)
_CAPITALISED_WORD = re.compile(r"\b[A-Z](?:[a-z][\w\-]*|[A-Z]+\b)")  # not "I"
_MULTIWORD_RUN = re.compile(r"\b[A-Z][\w\-]*(?:[ \t]+[A-Z][\w\-]*)+")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:['’]s)?(?:[ \t]+[A-Z][a-z]+(?:['’]s)?)*\b")
_LEADING = frozenset("the mum mam mom dad baby nan nana gran grandma grandad auntie aunt uncle little big "
                     "young old poor".split())
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")
_TITLES = frozenset("mr mrs ms miss dr prof sir dame mx".split())


@dataclass(frozen=True)
class Form:
    """A way an entity is written, and which part of its name it is."""

    text: str
    type: str
    original: str
    source: str  # where the entity came from: register, speaker, pattern or ner


@dataclass
class Detector:
    """Collects entities from documents (`learn`), then finds them all (`find`)."""

    key: Key
    allow: AllowList = field(default_factory=AllowList)
    ner: Language | None = None
    forms: dict[str, Form] = field(default_factory=dict)
    _compiled: tuple[int, re.Pattern] | None = field(default=None, repr=False)
    _given: tuple[int, re.Pattern | None] | None = field(default=None, repr=False)

    def __post_init__(self):
        for entry in self.key.entries.values():
            self._add_entity(entry.original, entry.type, "register", entry.aliases)

    def _protected(self, text: str) -> list[tuple[int, int]]:
        """Spans never replaced: placeholders ("[School 1]") and pseudonyms already given
        (a second run over pseudonymised text must not pseudonymise the pseudonyms)."""
        spans = [m.span() for m in _PLACEHOLDER.finditer(text)]
        if self._given is None or self._given[0] != len(self.key.entries):  # rebuilt only as the key grows
            words = {w for e in self.key.entries.values() if not e.pseudonym.startswith("[")
                     for w in (e.pseudonym, *e.pseudonym.split())}
            self._given = (len(self.key.entries), _alternatives(words) if words else None)
        if self._given[1] is not None:
            spans += [m.span() for m in self._given[1].finditer(text)]
        return spans

    # -- pass 1 ------------------------------------------------------------------------

    def learn_document(self, document: Document) -> None:
        """Speakers and front-matter names of a parsed transcript are people."""
        names = {t.speaker for t in document.turns if t.speaker and not document.is_interviewer(t)}
        names |= {str(v) for k, v in document.attributes.items() if k.lower() in NAME_ATTRIBUTES and v}
        # Full names first, so "Amara" becomes a short form of "Amara Nwosu", not a person.
        for name in sorted(names, key=len, reverse=True):
            if not self.allow.keeps(Mention(0, len(name), name, "PERSON", "speaker"), []):
                self._add_entity(name.strip(), "PERSON", "speaker")
        for attribute, value in document.attributes.items():
            if attribute.lower() in PLACE_ATTRIBUTES and value and str(value)[:1].isupper():
                self._add_entity(str(value).strip(), "PLACE", "speaker")
        self.key.reserve(self.forms)

    def candidates(self, texts: list[str]) -> list[list[Mention]]:
        """Pattern and NER mentions of each text (allow-listed terms dropped), learning
        each entity and its short forms."""
        # Words written capitalised inside a sentence somewhere: names, whatever a lexicon says.
        named = {m.group(1) for text in texts for m in _MID_SENTENCE_CAPITAL.finditer(text)}
        by_text = self._entities(texts, named)
        found = []
        for text, entities in zip(texts, by_text):
            allowed = self.allow.occurrences(text)
            mentions = list(find_patterns(text)) + entities + _unknown_names(text, named)
            mentions = [m for m in mentions if not self.allow.keeps(m, allowed)]
            for mention in resolve(mentions):
                self._add_entity(mention.text, mention.type, mention.source)
            found.append(mentions)
        self.key.reserve(self.forms)
        return found

    def _entities(self, texts: list[str], named: set[str]) -> list[list[Mention]]:
        """NER mentions of each text, from as few sentences as will do: NER is most of the
        cost of pseudonymising.

        Capitalised words that are already known, allow-listed, or ordinary English words
        starting a sentence need no NER. Of the rest, a first round reads one sentence
        for each new word (every later occurrence of what NER finds there is caught by
        its form in the second pass); a second round reads the sentences holding words
        the first round's NER left untyped, since NER judges a word by its context and
        may see a name in one sentence that it missed in another.
        """
        found: list[list[Mention]] = [[] for _ in texts]
        if self.ner is None:
            return found
        sentences = [(i, m.start(), m.group()) for i, text in enumerate(texts) for m in _SENTENCE.finditer(text)]
        known = {w for form in self.forms for w in form.split()} | self.allow.words
        seen: set[str] = set(known)
        first, rest = [], []
        for sentence in sentences:
            new = _new_capitals(sentence[2], named, seen)
            (first if new else rest).append(sentence)
            seen |= new
        typed = self._read(first, named, found)
        second = [s for s in rest if _new_capitals(s[2], named, known | typed)]
        self._read(second, named, found)
        return found

    def _read(self, sentences: list[tuple[int, int, str]], named: set[str], found: list[list[Mention]]) -> set[str]:
        """NER over sentences (text index, offset, sentence); mentions go into `found`.
        Returns the words of the entities NER typed."""
        typed: set[str] = set()
        for (i, offset, line), ents in zip(sentences, entities(self.ner, [line for _, _, line in sentences])):
            for label, words in ents:
                typed.update(word for _, _, word in words)
                mention = _from_entity(label, words, line, named)
                if mention is not None:
                    found[i].append(Mention(mention.start + offset, mention.end + offset, mention.text,
                                            mention.type, mention.source))
        return typed

    # -- pass 2 ------------------------------------------------------------------------

    def find(self, text: str, candidates: Iterable[Mention] = ()) -> list[Mention]:
        """Every identifier in `text`: its candidates plus every known form, resolved to
        non-overlapping mentions, each naming the entity it belongs to."""
        mentions = list(candidates)
        pattern = self._forms_pattern()
        if pattern is not None:
            for match in pattern.finditer(text):
                form = self.forms[match.group()]
                mentions.append(Mention(match.start(), match.end(), match.group(), form.type, form.source,
                                        form.original))
        allowed = self.allow.occurrences(text)
        protected = _covered(self._protected(text), len(text))
        kept = [m for m in mentions if not self.allow.keeps(m, allowed) and not any(protected[m.start:m.end])]
        return [self._canonical(m) for m in resolve(kept)]

    def form(self, text: str) -> Form | None:
        return self.forms.get(text)

    # -- entities and their forms --------------------------------------------------------

    def _add_entity(self, text: str, type_: str, source: str, aliases: Iterable[str] = ()) -> None:
        """Record an entity and its short forms; the first entity to claim a form keeps it
        (so "Nwosu", a family name from the front matter, is not later a NER place)."""
        text = " ".join(text.split())
        if not text or text in self.forms:
            return
        short_forms = list(aliases)
        if type_ == "PERSON":
            words = [w for w in text.split() if w.casefold().rstrip(".") not in _TITLES]
            if len(words) >= 2:
                short_forms += [words[0], words[-1]]
        elif type_ in ("SCHOOL", "HEALTH", "ORG"):  # "Airedale General" -> "Airedale"
            short_forms.append(_INSTITUTION_TAIL.sub("", text))
        self.forms[text] = Form(text, type_, text, source)
        for form in short_forms:
            if len(form) > 1 and form[:1].isupper() and form not in self.forms:
                self.forms[form] = Form(form, type_, text, source)

    def _forms_pattern(self) -> re.Pattern | None:
        """One regular expression for every known form, rebuilt only when forms are added."""
        if not self.forms:
            return None
        if self._compiled is not None and self._compiled[0] == len(self.forms):
            return self._compiled[1]
        # A family name also matches in the plural ("the Dawsons"), the "s" left outside.
        pattern = _alternatives(self.forms, plural=True)
        self._compiled = (len(self.forms), pattern)
        return pattern

    def _canonical(self, mention: Mention) -> Mention:
        """Name the entity a mention belongs to (a first name -> the full name)."""
        form = self.forms.get(" ".join(mention.text.split()))
        if form is None or mention.original:
            return mention
        return Mention(mention.start, mention.end, mention.text, form.type, mention.source, form.original)


def _from_entity(label: str, words: list[tuple[int, int, str]], text: str, named: set[str]) -> Mention | None:
    """An entity (`qda.nlp.entities`) as a mention, or None if it is not a name.

    Trimmed of a leading "the", of relation words ("Mum Leanne" -> "Leanne") and, for
    people, of titles and a trailing "'s". Dropped: labels not taken, spans without a
    capital, trade acronyms (CP, CAF), and ordinary words capitalised only because they
    start a sentence ("Funny", "Caseload") - an English word, at a sentence start, that
    the documents never write capitalised mid-sentence. The small English model tags
    many of these, and each would become a false "person" in the key.
    """
    type_ = NER_TYPES.get(label)
    if type_ is None:
        return None
    words = list(words)
    while len(words) > 1 and (
            words[0][2].casefold() in _LEADING or words[0][2].casefold().rstrip(".") in _TITLES
            or _ordinary(words[0][2], words[0][0], text, named)):
        words.pop(0)
    if type_ == "PERSON" and len(words) > 1 and words[-1][2] in ("'s", "’s"):
        words.pop()
    if not words:
        return None
    start, end = words[0][0], words[-1][1]
    span = text[start:end]
    if "\n" in span or ":" in span or len(span) < 2 or not any(c.isupper() for c in span):
        return None
    if type_ != "PERSON" and span.rstrip("s").isupper() and len(span) <= 6:
        return None
    if len(words) == 1 and _ordinary(span, start, text, named):
        return None
    return Mention(start, end, span, type_, "ner")


def _alternatives(words, plural: bool = False) -> re.Pattern:
    """One expression matching any of `words` as whole words, longest first; with `plural`,
    also followed by an "s" that is left out of the match."""
    body = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(r"(?<![\w'’])(?:" + body + (r")(?=s\b|(?!\w))" if plural else r")(?!\w)"))


def _covered(spans: list[tuple[int, int]], length: int) -> bytearray:
    """A byte per character of the text, 1 where a span covers it."""
    covered = bytearray(length)
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    return covered


def _new_capitals(line: str, named: set[str], seen: set[str]) -> set[str]:
    """The capitalised words of a line not in `seen` and not ordinary English words at the
    start of a sentence, and its runs of several capitalised words not seen as a whole
    ("Home-Start Craven" is new even when "Craven" is known)."""
    words = {m.group() for m in _CAPITALISED_WORD.finditer(line)
             if m.group() not in seen and m.group().casefold() not in seen
             and not _ordinary(m.group(), m.start(), line, named)}
    runs = {m.group() for m in _MULTIWORD_RUN.finditer(line) if m.group() not in seen}
    return words | runs


def _unknown_names(text: str, named: set[str]) -> list[Mention]:
    """Runs of capitalised words with a word no English lexicon knows ("Eccles", "Little
    Hulton", "Kellogg's"): names of something, even where NER and the patterns saw
    nothing. Guesses, so they only fill gaps (source "ner"), typed as places."""
    found = []
    for match in _CAPITALISED_RUN.finditer(text):
        words = [(m.start(), m.group()) for m in re.finditer(r"\S+", match.group())]
        while words and _ordinary(words[0][1], match.start() + words[0][0], text, named):
            words.pop(0)  # "But Dr Sandhu" -> "Dr Sandhu"
        while words and words[0][1].casefold().rstrip(".") in _TITLES | _LEADING:
            words.pop(0)
        bare = [w.removesuffix("'s").removesuffix("’s") for _, w in words]
        if not words or all(is_english_word(w) for w in bare):
            continue
        start = match.start() + words[0][0]
        end = match.start() + words[-1][0] + len(words[-1][1])
        span = text[start:end]
        if span.endswith(("'s", "’s")):
            end, span = end - 2, span[:-2]
        found.append(Mention(start, end, span, "PLACE", "ner"))
    return found


def _ordinary(word: str, start: int, text: str, named: set[str]) -> bool:
    """An English word capitalised only by its place at the start of a sentence or turn."""
    bare = word.removesuffix("'s").removesuffix("’s")
    return bare not in named and _SENTENCE_START.search(text[:start]) is not None and is_english_word(bare)


def resolve(mentions: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, longest first; what NER alone found only fills the gaps
    the register, the transcript's own names and the patterns leave (its spans and
    labels are the least reliable: "Primary School on Larch Crescent" as one ORG)."""
    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for trusted in (True, False):
        for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
            if (mention.source != "ner") == trusted and all(mention.end <= s or mention.start >= e for s, e in taken):
                chosen.append(mention)
                taken.append((mention.start, mention.end))
    return sorted(chosen, key=lambda m: m.start)
