"""Finding identifiers: known names, patterns and NER, with later mentions linked to earlier.

Detection runs in two passes over a whole set of documents, so that consistency holds
across them: the first pass collects entities (speakers, front matter, the register and
key, pattern matches, NER, and capitalised names NER left alone), and derives the short
forms people use ("Amara" and "Ms Nwosu" after "Amara Nwosu", "St Anne's" after "St Anne's
Primary School", "PGH" after "Pinderfields General Hospital"); the second pass finds every
known form in every document, whichever document introduced it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from qda.corpus import Document
from qda.nlp import entities, is_english_word
from qda.pseudonymise.allow import AllowList
from qda.pseudonymise.entities import Mention
from qda.pseudonymise.key import Key
from qda.pseudonymise.regex import trie
from qda.pseudonymise.patterns import NAME_WORD, RELATION_WORDS, TITLES, TWO_LETTER_TERMS, find_patterns
from qda.pseudonymise.words import (CALENDAR, GENERIC, GENERIC_ACRONYMS, INSTITUTION_TAIL_WORDS, METHOD_TAIL,
                                    NOT_IDENTIFYING, PEOPLES, TALK)

#: spaCy NER labels taken, and the type each becomes (DATE comes from the patterns, which
#: find calendar dates rather than "last week").
NER_TYPES = {"PERSON": "PERSON", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "ORG": "ORG"}
#: Front-matter attributes whose values name people (also any attribute whose name holds
#: "name"), places, and institutions.
NAME_ATTRIBUTES = ("participant", "interviewer", "interviewee", "name", "speaker", "respondent", "transcriber",
                   "transcribed_by", "researcher", "second_interviewer", "observer", "facilitator", "moderator",
                   "note_taker", "notetaker", "worker", "practitioner", "manager", "supervisor", "author")
PLACE_ATTRIBUTES = ("site", "location", "place", "town", "city", "area", "district", "locality", "borough",
                    "county", "region", "venue", "office", "base", "authority", "local_authority", "patch",
                    "village", "estate", "ward")
INSTITUTION_ATTRIBUTES = {"school": "SCHOOL", "nursery": "SCHOOL", "setting": "ORG", "organisation": "ORG",
                          "organization": "ORG", "employer": "ORG", "agency": "ORG", "service": "ORG",
                          "practice": "HEALTH", "gp": "HEALTH", "gp_practice": "HEALTH", "surgery": "HEALTH",
                          "hospital": "HEALTH", "trust": "ORG", "charity": "ORG"}
#: Speaker labels that name a role, not a person ("Participant", "P3", "R", "Both").
_GENERIC_LABEL = re.compile(
    r"(?i)(?:[a-z]\d*|[a-z]{1,3}[ _\-]?\d+|participant|respondent|interviewee|researcher|facilitator|moderator|"
    r"speaker|both|all|unknown|unidentified|inaudible|other|others|male|female|man|woman|voice|mother|father|"
    r"parent|carer|child|young person|worker|practitioner|manager|group|crosstalk|(?:[a-z]+ )?\d+)")
# Where a front-matter value holds more than a name: "(role)", a comma, "and", a dash.
_ATTRIBUTE_PARTS = re.compile(r"\s*(?:[(\[][^)\]]*[)\]]?|[,;/&]|\band\b|\s[-–—]\s)\s*")
#: Institution words stripped to get the short form people also use ("St Anne's").
_INSTITUTION_TAIL = re.compile(
    r"(?:[ \t]+(?:Primary|Junior|Infant|Infants|Nursery|Secondary|High|Grammar|Community|Catholic|"
    r"C of E|RC|School|Academy|College|Medical|Health|Centre|Practice|Surgery|Clinic|Infirmary|Hospital|"
    r"General|District|Royal|University|Teaching|Hospitals|NHS|Foundation|Trust|Group))+$"
)
# A capitalised word after a lower-case word (or comma) and a space: inside a sentence.
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z,] )([A-Z][\w'’\-]+)")
# The end of the text before a word that starts a sentence, a line or a turn ("[laughs] Bill").
_SENTENCE_START = re.compile(r"(?:[.!?…]\s+|:\s+|[\])]\s+|\n\s*|[\"“‘(>]\s*)$")
# A sentence, roughly: up to a full stop, question or exclamation mark followed by a space
# (so "St. Anne's" and "07700 900.123" hold together less often than not), or a line end.
_SENTENCE = re.compile(r"[^\s][^\n]*?(?:[.!?]+(?=\s)|$)", re.MULTILINE)
_CAPITALISED_WORD = re.compile(r"\b[A-Z](?:[a-z][\w\-]*|[A-Z]+\b)")  # not "I"
_MULTIWORD_RUN = re.compile(r"\b[A-Z][\w\-]*(?:[ \t]+[A-Z][\w\-]*)+")
# A run of capitalised words, with the small words names hold ("Duchess of Kent",
# "Newcastle upon Tyne", "Ursula von der Leyen", "Comhairle nan Eilean Siar", "Pont y Gof"); hyphens with small words inside a word
# ("Stoke-on-Trent").
_NAME = rf"{NAME_WORD}(?:-(?:[a-z]{{1,3}}-)+[A-Z][a-z]+)?(?:['’]s)?"
_CAPITALISED_RUN = re.compile(
    rf"(?<![\w'’\-]){_NAME}(?:[ \t]+(?:(?:of|of the|the|for|upon|under|de|da|du|del|der|van|von|la|le|bin|binti|"
    rf"ibn|ap|y|yr|an|na|nan)[ \t]+|(?:al|el|ul|ud|ad)-)?{_NAME})*"
    r"(?![\w'’\-])")
_WORD = re.compile(r"[^\W\d_]+(?:[\-'’][^\W\d_]+)*")
_SMALL_WORDS = frozenset("of the for upon under de da du del der van von la le bin binti ibn ap y yr an na nan".split())
_RELATIONS = frozenset(w.casefold() for w in RELATION_WORDS)
_LEADING = frozenset("the mum mam mom mummy dad daddy baby nan nana nanna nanny gran granny grandma grandad granddad "
                     "grandpa auntie aunty aunt uncle our".split())
_NAMING_TITLES = frozenset("lady sir dame lord bishop canon saint st queen king prince princess cardinal".split())
_LEADING_ADJECTIVES = frozenset("little big young old poor".split())  # part of a name when capitalised
# Ordinary words that start place names ("North Cambs", "Upper Wharfedale"): kept with the
# name after them when that is no English word, even at the start of a sentence.
_PLACE_PREFIXES = frozenset("North South East West Upper Lower Great Little Nether Old New High Long".split())
# A lone possessive where a place stands: "the consultant at Jimmy's,", "round at Beryl's
# and" (not "at Mum's": relations are in _LEADING).
_POSSESSIVE_PLACE = re.compile(
    rf"\b(?:at|to|from|into|outside)[ \t]+(?P<v>{NAME_WORD}['’]s)(?=[ \t]*[,.;:!?)]|[ \t]+(?:and|or|in|on|for|with|"
    r"till|until|where|when|because|but|yesterday|today|tonight|every|last|this|that)\b)")
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")
_TITLES = frozenset(t.casefold() for t in TITLES) | frozenset("mr mrs ms miss dr prof sir dame mx".split())
# Words before a name that say it is a place.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|from|to|near|round|around|towards|outside|past|across|via|of|into)"
                           r"[ \t]+(?:the[ \t]+)?$")
# Words after a name that say it is ordinary after all ("Will you", "Hope you're well",
# "Bill them for it").
_FUNCTION_WORDS = frozenset((
    "you i we they he she it me him her us them my your our their this that these those there here the a an "
    "in on at to for of with by from about into onto up down out off over"
).split())
# Words that start a turn as talk, never as a name ("Well, ...").
_DISCOURSE = frozenset("well so right now like anyway okay ok yes no yeah sorry oh look listen erm um "
                       "honestly actually basically obviously really fine sure".split())
_DETERMINERS = frozenset("his her their my your our a an the its".split())
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_DATE = re.compile(r"^[ \t]*[\w \-]*date[\w \-]*:[ \t]*(?P<v>[^\n]*\d[^\n]*?)[ \t]*$",
                         re.MULTILINE | re.IGNORECASE)
_WEEKDAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+(?:the[ \t]+)?")
# An acronym standing alone after "the" that names a hospital: "the LGI", "the QEH", "the
# QE in King's Lynn", "the L&D", "at the JR"; and
# one where an organisation stands: "the IDAS group", "from YSS".
_HOSPITAL_ACRONYM = re.compile(
    r"(?<=\b[Tt]he )(?:[A-Z]{2,4}(?<=[HI])\b(?![’'-])|[A-Z]{2,4}(?=[ \t]+in[ \t]+[A-Z])|[A-Z]&[A-Z]\b)"
    r"|(?<=\bat the )[A-Z]{2,4}\b(?![’'&-])"  # "cleans at the JR"
    r"|\b(?:[A-Z]{2,4}H|UH[A-Z]{1,3})\b(?![’'&-])")  # "RMCH", "NGH", "UHW": an acronym for a hospital
_ACRONYM = re.compile(r"\b(?:the|at|from|with|via|called|named|by|to)[ \t]+(?P<v>[A-Z]{3,6})s?\b(?![’'\-&])")
# A list of names: "Bradford, Leeds and Wakefield", "Noah and Hope".
_LIST = re.compile(rf"(?<![\w'’\-])(?:{_NAME}(?:[ \t]+{_NAME})?,[ \t]+)*{_NAME}(?:[ \t]+{_NAME})?,?[ \t]+"
                   rf"(?:and|&|or)[ \t]+(?:(?:little|baby|young|our)[ \t]+)?{_NAME}(?:[ \t]+{_NAME})?(?![\w'’])")
_FULL_NAME = re.compile(rf"(?<![\w'’\-])({NAME_WORD})[ \t]+({NAME_WORD})(?![\w'’\-]| {NAME_WORD})")
_LIST_ITEM = re.compile(rf"{_NAME}(?:[ \t]+{_NAME})?")
_UNTRUSTED = frozenset({"ner", "guess"})
_SHAPES = frozenset({"DATE", "PHONE", "EMAIL", "URL", "POSTCODE", "NHS", "NI"})


@dataclass(frozen=True)
class Form:
    """A way an entity is written, and which part of its name it is."""

    text: str
    type: str
    original: str
    source: str  # where the entity came from: register, speaker, pattern, ner or guess


@dataclass
class Detector:
    """Collects entities from documents (`learn`), then finds them all (`find`)."""

    key: Key
    allow: AllowList = field(default_factory=AllowList)
    ner: Language | None = None
    forms: dict[str, Form] = field(default_factory=dict)
    _compiled: tuple[int, re.Pattern | None, re.Pattern | None] | None = field(default=None, repr=False)
    _given: tuple[int, re.Pattern | None] | None = field(default=None, repr=False)
    _named: set[str] = field(default_factory=set, repr=False)
    _lower_counts: dict[str, int] = field(default_factory=dict, repr=False)  # occurrences of each word
    _by_fold: tuple[int, dict[str, Form]] | None = field(default=None, repr=False)

    def __post_init__(self):
        for entry in self.key.entries.values():
            self._add_entity(entry.original, entry.type, "register", entry.aliases)

    def _protected(self, text: str) -> list[tuple[int, int]]:
        """Spans never replaced: placeholders ("[School 1]") and pseudonyms already given
        (a second run over pseudonymised text must not pseudonymise the pseudonyms)."""
        spans = [m.span() for m in _PLACEHOLDER.finditer(text)]
        if self._given is None or self._given[0] != len(self.key.entries):  # rebuilt only as the key grows
            # Whole pseudonyms, and their words that are words: "Person 13" must not shield
            # the "13" of a real date or phone number.
            words = {w for e in self.key.entries.values() if not e.pseudonym.startswith("[")
                     for w in (e.pseudonym, *(p for p in e.pseudonym.split() if p.isalpha()))}
            self._given = (len(self.key.entries), _alternatives(words, hyphen=True) if words else None)
        if self._given[1] is not None:
            spans += [m.span() for m in self._given[1].finditer(text)]
        return spans

    # -- pass 1 ------------------------------------------------------------------------

    def learn_document(self, document: Document) -> None:
        """Speakers and front-matter names of a parsed transcript are people; front-matter
        places and institutions are places and institutions."""
        names = {name for t in document.turns if t.speaker and not document.is_interviewer(t)
                 for name in _name_parts(t.speaker)}
        places: list[tuple[str, str]] = []
        for attribute, value in document.attributes.items():
            key = re.sub(r"[\s\-]+", "_", attribute.strip().casefold())
            values = _name_parts(str(value or ""))
            if key in NAME_ATTRIBUTES or key.endswith("_name") or key.startswith("name_"):
                names.update(values)
            elif key in PLACE_ATTRIBUTES:  # one place, whole: "Brighton and Hove"
                places += [(v, "PLACE") for v in _whole_value(str(value or ""), values)]
            elif key in INSTITUTION_ATTRIBUTES:
                places += [(v, INSTITUTION_ATTRIBUTES[key]) for v in _whole_value(str(value or ""), values)]
        # Full names first, so "Amara" becomes a short form of "Amara Nwosu", not a person.
        for name in sorted(names, key=len, reverse=True):
            if _GENERIC_LABEL.fullmatch(name) or name.casefold() in _TITLES:
                continue
            if self.allow.keeps(Mention(0, len(name), name, "PERSON", "speaker"), []):
                continue
            # "JANINE:", "Janine ASHWORTH": Janine Ashworth, wherever she is named.
            normal = " ".join(w.title() if w.isupper() and len(w) > 2 else w for w in name.split())
            if normal != name:
                self._add_entity(normal, "PERSON", "speaker", [name])
            else:
                self._add_entity(name, "PERSON", "speaker")
        for value, type_ in places:
            if not self.allow.keeps(Mention(0, len(value), value, type_, "speaker"), []):
                self._add_entity(value, type_, "speaker")
        self.key.reserve(self.forms)

    def candidates(self, texts: list[str]) -> list[list[Mention]]:
        """Pattern, NER and guessed mentions of each text (allow-listed and generic terms
        dropped), learning each entity and its short forms."""
        # Words written capitalised inside a sentence somewhere: names, whatever a lexicon says.
        named = {m.group(1) for text in texts for m in _MID_SENTENCE_CAPITAL.finditer(text)}
        self._named |= named
        for text in texts:
            for word in _WORD.findall(text):
                self._lower_counts[word] = self._lower_counts.get(word, 0) + 1
        allowed = [self.allow.occurrences(text) for text in texts]
        patterns = [self._keep(list(find_patterns(text)) + _front_matter_dates(text), text, occurrences)
                    for text, occurrences in zip(texts, allowed)]
        by_text = self._entities(texts, named, patterns)
        found = []
        for text, occurrences, matched, entities_ in zip(texts, allowed, patterns, by_text):
            guessed = _guesses(text, named) + _hospital_acronyms(text) + _possessive_places(text)
            mentions = matched + self._keep(entities_ + guessed, text, occurrences)
            chosen = resolve(mentions)
            linked = self._keep(_coordinated(text, chosen) + self._full_names(text, chosen), text, occurrences)
            if linked:
                mentions += linked
                chosen = resolve(mentions)
            # NER's ORG for two plain words a guess reads as a person ("Amber Wood does...")
            # is the small model's slip: a person, so "Wood" alone is linked to her too.
            people = {(m.start, m.end) for m in mentions if m.source == "guess" and m.type == "PERSON"}
            for mention in chosen:
                if mention.type == "DATE":
                    continue  # found by its shape wherever it is; as a form "22nd" would be everywhere
                type_ = mention.type
                if mention.source == "ner" and type_ == "ORG" and (mention.start, mention.end) in people:
                    type_ = "PERSON"
                self._add_entity(mention.text, type_, mention.source)
            found.append(mentions)
        self.key.reserve(self.forms)
        return found

    def _keep(self, mentions: list[Mention], text: str, occurrences: list[tuple[int, int]]) -> list[Mention]:
        """The mentions that may be identifiers: not allow-listed, not generic ("the
        Community Centre"), not a country, language or month, not a method ("Freedom
        Programme"); a person or place that NER or a cue word found loses allow-listed terms
        at its edges ("Mum Leanne" -> "Leanne")."""
        kept = []
        for mention in mentions:
            if self.allow.keeps(mention, occurrences):
                continue
            if mention.type not in _SHAPES:
                if text.startswith(("'t", "’t"), mention.end):  # "Doesn't"
                    continue
                mention = _before_possessed_term(mention, text, occurrences)
                # A guessed run around an allow-listed term is one name, the largest ("Sure
                # Start Dingle"), if a word outside the term is no English word; otherwise it
                # is the term in a phrase ("the Health Visiting service").
                if mention.source == "guess" and not self._outside_allowed(mention, text, occurrences):
                    continue
                # NER's spans and the names after cue words are trimmed.
                if mention.source in ("ner", "pattern") and mention.type in ("PERSON", "PLACE"):
                    mention = self._trim_allowed(mention, text, occurrences)
                    if mention is None:
                        continue
                light = mention.type == "PERSON" and mention.source not in ("guess", "ner")
                institution = mention.type in ("SCHOOL", "HEALTH", "ORG") and mention.source == "pattern"
                # "the Northern General" is a hospital's name, all its words generic.
                general = institution and mention.text.endswith(" General") and not mention.text.startswith("District")
                if not general and not self._distinctive(mention.text, light, institution):
                    continue
                if mention.source in ("ner", "guess") and _method(mention.text):
                    continue  # "Freedom Programme", "Graded Care Profile"
            kept.append(mention)
        return kept

    def _full_names(self, text: str, chosen: list[Mention]) -> list[Mention]:
        """A known first name and the capitalised word after it, starting a sentence, are a
        full name ("Ivy's coming. Ivy Ward. She's got..."), however ordinary the words."""
        first = {m.text for m in chosen if m.type == "PERSON" and " " not in m.text}
        first |= {f for f, form in self.forms.items() if form.type == "PERSON" and " " not in f}
        taken = _covered([(m.start, m.end) for m in chosen], len(text))
        found = []
        for match in _FULL_NAME.finditer(text):
            given, family = match.group(1), match.group(2)
            if (given in first and family not in self.forms and family not in NOT_IDENTIFYING
                    and family.casefold() not in self.allow.words
                    and not any(taken[match.start(2):match.end(2)]) and _starts_sentence(text, match.start())):
                found.append(Mention(match.start(), match.end(), match.group(), "PERSON", "guess"))
        return found

    def _distinctive(self, name: str, light: bool = False, institution: bool = False) -> bool:
        """Whether a name has a word that is not generic, allow-listed or a word that
        identifies nobody (a country, a month): "Riverside Surgery" yes, "Family Centre" no.
        `light`, for people found by their context: only words that identify nobody
        count against it (surnames are often generic words: "Mrs Hall", "Mr Ward").
        `institution`, for a name with an institution's word: a people's name counts for
        it ("Roma Support Hub"), unless allow-listed ("Polish")."""
        words = [w for w in re.split(r"[ \t]+", name) if w.casefold() not in ("and", "&")]
        if all(w in PEOPLES for w in words):
            return False  # "the Gypsy and Traveller church"
        for word in words:
            bare = word.removesuffix("'s").removesuffix("’s")
            if not bare:
                continue
            if institution and bare in PEOPLES and bare.casefold() not in self.allow.words:
                return True
            if bare in NOT_IDENTIFYING or word in NOT_IDENTIFYING:
                continue
            if light:
                return True
            if (bare in GENERIC or bare.removesuffix("s") in GENERIC or bare.casefold() in self.allow.words
                    or bare.casefold() in _SMALL_WORDS):
                continue
            return True
        return False

    def _outside_allowed(self, mention: Mention, text: str, occurrences: list[tuple[int, int]]) -> bool:
        """Whether a mention overlapping allow-listed terms has a word outside them that is
        no English word (True too if it overlaps none)."""
        covered = bytearray(mention.end - mention.start)
        for a, b in occurrences:
            if a < mention.end and b > mention.start:
                covered[max(a, mention.start) - mention.start:min(b, mention.end) - mention.start] = \
                    b"\x01" * (min(b, mention.end) - max(a, mention.start))
        if not any(covered):
            return True
        return any(not _plain_word(m.group()) and not any(covered[m.start():m.end()])
                   for m in re.finditer(r"\S+", mention.text))

    def _trim_allowed(self, mention: Mention, text: str, occurrences: list[tuple[int, int]]) -> Mention | None:
        """The mention without allow-listed terms at its edges; None if one is inside it."""
        start, end = mention.start, mention.end
        for a, b in occurrences:
            if b <= start or a >= end:
                continue
            if a <= start:
                start = b
            elif b >= end:
                end = a
            else:
                return None
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum() and not _initial_dot(text, start, end):
            end -= 1
        words = text[start:end].split()
        while words and words[-1].casefold() in _SMALL_WORDS | {"and", "&"}:
            end = text.rindex(words.pop(), start, end)
            end = len(text[:end].rstrip())
        if end - start < 2:
            return None
        if (start, end) == (mention.start, mention.end):
            return mention
        return Mention(start, end, text[start:end], mention.type, mention.source, mention.original)

    def _entities(self, texts: list[str], named: set[str], patterns: list[list[Mention]]) -> list[list[Mention]]:
        """NER mentions of each text, from as few sentences as will do: NER is most of the
        cost of pseudonymising.

        Capitalised words that are already known (speakers, register, pattern matches),
        allow-listed, words that identify nobody, or ordinary English words starting a
        sentence need no NER. Of the rest, a first round reads one sentence for each new
        word (every later occurrence of what NER finds there is caught by its form in the
        second pass); a second round reads the sentences holding words the first round's
        NER left untyped, since NER judges a word by its context and may see a name in
        one sentence that it missed in another.
        """
        found: list[list[Mention]] = [[] for _ in texts]
        if self.ner is None:
            return found
        sentences = [(i, m.start(), m.group()) for i, text in enumerate(texts) for m in _SENTENCE.finditer(text)]
        known = {w for form in self.forms for w in form.split()} | self.allow.words | NOT_IDENTIFYING
        known |= {w for matched in patterns for m in matched for w in m.text.split()}
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
        exact, folded = self._forms_patterns()
        if exact is not None:
            for match in exact.finditer(text):
                mention = self._form_mention(text, match.start(), match.end(), match.group())
                if mention is not None:
                    mentions.append(mention)
        if folded is not None:  # "kowalski", "KOWALSKI": forms that are no English word, in any case
            by_fold = self._folded_forms()
            for match in folded.finditer(text):
                form = by_fold.get(match.group().casefold())
                if form is not None and match.group() != form.text:
                    mention = self._form_mention(text, match.start(), match.end(), form.text)
                    if mention is not None:
                        mentions.append(Mention(mention.start, mention.end, match.group(), mention.type,
                                                mention.source, mention.entity))
        allowed = self.allow.occurrences(text)
        protected = _covered(self._protected(text), len(text))
        kept = [m for m in mentions if not self.allow.keeps(m, allowed) and not any(protected[m.start:m.end])]
        return [self._canonical(m) for m in resolve(kept)]

    def _form_mention(self, text: str, start: int, end: int, surface: str) -> Mention | None:
        """A known form found at `text[start:end]`, or None where it is an ordinary word
        after all: a form that is an English word, starting a sentence, followed by a
        pronoun or a preposition ("Will you...", "Bill them for it")."""
        form = self.forms[surface]
        if surface.startswith(("the ", "The ")):  # "the Duchess": the article stays
            start += 4
            surface = surface[4:]
        elif " " not in surface and _plain_word(surface) and _starts_sentence(text, start):
            if surface.casefold() in _DISCOURSE:  # "Well, ...", "Right, ..."
                return None
            after = re.match(r"[ \t]+([A-Za-z]+)", text[end:end + 30])
            if after is not None and after.group(1).casefold() in _FUNCTION_WORDS:
                return None
        return Mention(start, end, surface, form.type, form.source, form.original)

    def form(self, text: str) -> Form | None:
        return self.forms.get(text)

    # -- entities and their forms --------------------------------------------------------

    def _add_entity(self, text: str, type_: str, source: str, aliases: Iterable[str] = ()) -> None:
        """Record an entity and its short forms; the first entity to claim a form keeps it
        (so "Nwosu", a family name from the front matter, is not later a NER place).

        Short forms: a person's first and last name (titles aside); an institution without
        its generic words ("Airedale General" -> "Airedale"), its initials ("Pinderfields
        General Hospital" -> "PGH") and, for "Duchess of Kent", "the Duchess"."""
        text = " ".join(text.split())
        if not text:
            return
        known = self.forms.get(text)
        if known is None and not all(_plain_word(w) for w in text.split()):
            known = self._folded_forms().get(text.casefold())  # "McCrae" is the "Mccrae" already known
            if known is not None:
                aliases = [text, *aliases]
        if known is not None:  # known already: only its aliases are new
            for alias in aliases:
                if alias not in self.forms and len(alias) > 1:
                    self.forms[alias] = Form(alias, known.type, known.original, known.source)
            return
        short_forms = list(aliases)
        if type_ == "PERSON":
            words = [w for w in text.split() if w.casefold().rstrip(".") not in _TITLES
                     and not re.fullmatch(r"\w\.?", w)]  # "Mrs Begum" -> "Begum"; "S. Mehra" -> "Mehra"
            if len(words) >= 2 or (words and len(words) < len(text.split())):
                short_forms += [words[0], words[-1]]
            # "KW said" after "Karen Wray": initials, unless they are a term or a word ("GP", "AS").
            initials = "".join(w[0] for w in words)
            if (len(words) in (2, 3) and initials.isupper() and initials not in TWO_LETTER_TERMS
                    and initials not in GENERIC_ACRONYMS and initials.lower() not in STOP_WORDS):
                short_forms.append(initials)
        elif type_ in ("SCHOOL", "HEALTH", "ORG"):
            short_forms.append(_INSTITUTION_TAIL.sub("", text))
            words = [w for w in re.split(r"[ \t]+", text) if w not in ("of", "the", "and", "&", "upon")]
            initials = "".join(w[0] for w in words if w[:1].isupper())
            if len(words) >= 3 and len(initials) == len(words) and initials.casefold() not in self.allow.words:
                short_forms.append(initials)
            elif len(words) == 2 and words[-1] == "General" and len(initials) == 2:
                short_forms.append(initials + "H")  # "Furness General" -> "FGH"
        if type_ in ("SCHOOL", "HEALTH", "ORG", "PLACE"):
            head = text.split(" of ")[0]
            if " of " in text and head[:1].isupper() and head.split()[-1] not in GENERIC | INSTITUTION_TAIL_WORDS:
                short_forms += [f"the {head}", f"The {head}"]
        self.forms[text] = Form(text, type_, text, source)
        for form in short_forms:
            bare = form.removeprefix("the ").removeprefix("The ")
            if (len(bare) > 1 and bare[:1].isupper() and form not in self.forms and bare not in NOT_IDENTIFYING
                    and bare.casefold() not in self.allow.words and bare.casefold() not in _RELATIONS
                    and not (source == "guess" and _plain_word(bare))):  # "Cefn Farm": "Cefn", not "Farm"
                self.forms[form] = Form(form, type_, text, source)

    def _forms_patterns(self) -> tuple[re.Pattern | None, re.Pattern | None]:
        """One regular expression for every known form, and one for the forms that are no
        English word in any case; rebuilt only when forms are added."""
        if not self.forms:
            return None, None
        if self._compiled is not None and self._compiled[0] == len(self.forms):
            return self._compiled[1], self._compiled[2]
        # A family name also matches in the plural ("the Dawsons"), the "s" left outside.
        exact = _alternatives(self.forms, plural=True)
        # In any case only forms known as names: written capitalised inside a sentence, from
        # a speaker label, the front matter or the register, or more often capitalised than
        # not ("caseloads" is no "Caseloads").
        unusual = [f for f, form in self.forms.items() if len(f) >= 4 and not f.startswith(("the ", "The "))
                   and any(c.islower() for c in f) and not all(_plain_word(w) for w in f.split())
                   and (" " in f or f in self._named or form.source in ("speaker", "register")
                        or self._lower_counts.get(f.lower(), 0) < self._lower_counts.get(f, 0))]
        folded = _alternatives(unusual, plural=True, flags=re.IGNORECASE) if unusual else None
        self._compiled = (len(self.forms), exact, folded)
        return exact, folded

    def _folded_forms(self) -> dict[str, Form]:
        """Forms by their case-folded text, rebuilt only when forms are added."""
        # Forms are only ever added, so only those added since the last call are indexed.
        done, index = self._by_fold or (0, {})
        if done != len(self.forms):
            index.update((f.casefold(), form) for f, form in itertools.islice(self.forms.items(), done, None))
            self._by_fold = (len(self.forms), index)
        return index

    def _canonical(self, mention: Mention) -> Mention:
        """Name the entity a mention belongs to (a first name -> the full name)."""
        form = self.forms.get(" ".join(mention.text.split()))
        if form is None or mention.original:
            return mention
        return Mention(mention.start, mention.end, mention.text, form.type, mention.source, form.original)


def _whole_value(value: str, parts: list[str]) -> list[str]:
    """A place or institution value as one name, brackets aside ("Brighton and Hove
    (urban)" -> "Brighton and Hove"); else its first part."""
    whole = " ".join(re.sub(r"[(\[][^)\]]*[)\]]?", " ", value).split())
    return [whole] if whole[:1].isupper() and not re.search(r"[,;/]", whole) else parts[:1]


def _name_parts(value: str) -> list[str]:
    """The names in a speaker label or front-matter value: "Amara Nwosu (social worker)" ->
    "Amara Nwosu"; "Tom Hadley, Ruth Adeyemi" -> both; "Interviewer (Tom)" -> "Interviewer",
    "Tom"."""
    inside = [m.group(1) for m in re.finditer(r"[(\[]([^)\]]*)[)\]]", value)]
    parts = [" ".join(v.split()) for piece in [value, *inside] for v in _ATTRIBUTE_PARTS.split(piece)]
    return [p for p in dict.fromkeys(parts) if p[:1].isupper()]


@lru_cache(maxsize=65536)
def _plain_word(word: str) -> bool:
    """An ordinary English word, "'s" aside."""
    return _english(word.removesuffix("'s").removesuffix("’s"))


@lru_cache(maxsize=65536)
def _english(word: str) -> bool:
    """`is_english_word`, also knowing British spellings ("anonymised"), "-ically" adverbs
    and the words of talk no lexicon lists ("twice", "nowt", "diolch")."""
    folded = word.casefold()
    if folded in TALK or is_english_word(word):
        return True
    for suffix, base in (("ised", "ized"), ("ising", "izing"), ("ise", "ize"), ("isation", "ization"),
                         ("ically", "ic"), ("our", "or"), ("tre", "ter")):
        if folded.endswith(suffix) and is_english_word(folded[: -len(suffix)] + base):
            return True
    return False


def _starts_sentence(text: str, start: int) -> bool:
    """Whether `text[start]` starts a sentence, a line or a turn (looking back a little). A
    colon starts one after a speaker label ("Janine: So..."), not inside a turn ("her
    three: Noah, Isaac...")."""
    window = text[max(0, start - 30):start]
    if not window.strip():
        return start <= 30 or "\n" in window
    found = _SENTENCE_START.search(window)
    if found is None:
        return False
    if found.group().lstrip().startswith(":"):
        colon = max(0, start - 30) + found.start()
        label = text[text.rfind("\n", 0, colon) + 1:colon]
        return len(label) <= 40 and len(label.split()) <= 4 and ": " not in label
    return True


def _front_matter_dates(text: str) -> list[Mention]:
    """The value of a front-matter date attribute ("interview_date: 2013-05-14"), whatever
    its format."""
    front = _FRONT_MATTER.match(text)
    if front is None:
        return []
    found = []
    for m in _FRONT_DATE.finditer(front.group(1)):
        start, end = front.start(1) + m.start("v"), front.start(1) + m.end("v")
        weekday = _WEEKDAY.match(text, start, end)  # "Tuesday 9th April 2013": the weekday stays
        if weekday:
            start = weekday.end()
        found.append(Mention(start, end, text[start:end], "DATE", "pattern"))
    return found


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
            or words[0][2] in _LEADING_ADJECTIVES or _ordinary(words[0][2], words[0][0], text, named)):
        words.pop(0)
    if type_ == "PERSON" and len(words) > 1 and words[-1][2] in ("'s", "’s"):
        words.pop()
    if not words or (len(words) == 1 and words[0][2].casefold() in _LEADING):  # "sat with Bridie and Granny"
        return None
    start, end = words[0][0], words[-1][1]
    span = text[start:end]
    markup = re.search(r"[<>|{}\[\]]", span)  # "Kerys Lloyd>Ring" in a WebVTT voice tag
    if markup:
        span = span[:markup.start()].rstrip()
        end = start + len(span)
    if "\n" in span or ":" in span or len(span) < 2 or not any(c.isupper() for c in span):
        return None
    if type_ != "PERSON" and span.rstrip("s").isupper() and len(span) <= 6:
        return None
    if len(words) == 1 and _ordinary(span, start, text, named):
        return None
    return Mention(start, end, span, type_, "ner")


def _alternatives(words, plural: bool = False, hyphen: bool = False, flags: int = 0) -> re.Pattern:
    """One expression matching any of `words` as whole words, longest first; with `plural`,
    also followed by an "s" that is left out of the match; with `hyphen`, not as part of a
    hyphenated word ("Thackeray" is not in "Thackeray-Bell")."""
    body = trie(words, ignore_case=bool(flags & re.IGNORECASE))
    left = r"(?<![\w'’\-])" if hyphen else r"(?<![\w'’])"
    right = r"(?![\w\-])" if hyphen else r"(?!\w)"
    return re.compile(left + "(?:" + body + (r")(?=s\b|" + right + ")" if plural else ")" + right), flags)


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


def _guesses(text: str, named: set[str]) -> list[Mention]:
    """Names NER may have left alone: runs of capitalised words that are not generic and
    either stand inside a sentence ("in his Wickes overalls", "the Duchess of Kent",
    "that's Baz, Barry Hutton") or hold a word no English lexicon knows ("Ince and Little
    Hulme mostly" starting a turn). Guesses, so they only fill gaps (source
    "guess"); typed as places after "in", "at", "from"..., as organisations when they end
    in an institution's word or follow "his", "the"..., else as a person (one word)."""
    found = []
    for match in _CAPITALISED_RUN.finditer(text):
        words = [(match.start() + m.start(), m.group()) for m in re.finditer(r"\S+", match.group())]
        at_start = _starts_sentence(text, words[0][0])
        if at_start:
            while words and (_ordinary(words[0][1], words[0][0], text, named)
                             or words[0][1].casefold() in _LEADING | _LEADING_ADJECTIVES) and not (
                    words[0][1] in _PLACE_PREFIXES and len(words) > 1 and not _english(words[1][1])):
                # "But Dr Sandhu" -> "Dr Sandhu"; "Mum Leanne" -> "Leanne". After a small
                # word ("From Street up to...", "It's Ivy's") the rest stands inside the
                # sentence; after an article or a word of content ("The Independent
                # Reviewing Officer", "Detective Constable") it still starts it.
                popped = words.pop(0)[1].casefold().removesuffix("'s").removesuffix("’s")
                at_start = popped in ("the", "a", "an") or popped not in STOP_WORDS
        for part in _split_run(words):
            # "Lady Lumley's", "Sir John Deane's": a title naming an institution stays.
            if not (len(part) > 1 and part[0][1].casefold() in _NAMING_TITLES and part[-1][1].endswith(("'s", "’s"))):
                while part and (part[0][1].casefold().rstrip(".") in _TITLES or part[0][1].casefold() in _LEADING
                                or part[0][1].casefold() in _SMALL_WORDS):
                    part.pop(0)
            while part and part[-1][1].casefold() in _SMALL_WORDS:
                part.pop()
            if not part:
                continue
            start = part[0][0]
            end = part[-1][0] + len(part[-1][1])
            bare = [w.removesuffix("'s").removesuffix("’s") for _, w in part]
            # Still the start of the sentence ("Detective Constable"): only a word no
            # lexicon knows makes it a name.
            if (at_start or _starts_sentence(text, start)) and all(_english(w) or w in NOT_IDENTIFYING for w in bare):
                continue
            if all(w.casefold() in STOP_WORDS for w in bare) or (len(bare) == 1 and _compound(bare[0])
                                                                  and _starts_sentence(text, start)):
                continue  # "No", "Caseloads." starting a turn
            type_ = _guess_type(text, start, bare)
            span = text[start:end]
            # A person's or place's "'s" is theirs ("Tyrese's"); "Sainsbury's", "Royal Manchester
            # Children's" are names.
            if span.endswith(("'s", "’s")) and type_ != "ORG" and len(part) == 1:
                end, span = end - 2, span[:-2]
            if len(span) < 2:
                continue
            found.append(Mention(start, end, span, type_, "guess"))
    return found


def _split_run(words: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """A run of words split at words that identify nobody ("Tuesday", "English", "I'm");
    an ordinary word before a holiday goes with it ("New Year", "Good Friday")."""
    parts: list[list[tuple[int, str]]] = [[]]
    for i, (start, word) in enumerate(words):
        bare = word.removesuffix("'s").removesuffix("’s")
        joined = any(0 <= j < len(words) and words[j][1] in _SMALL_WORDS for j in (i - 1, i + 1))
        if (word in NOT_IDENTIFYING or bare in NOT_IDENTIFYING) and not joined:  # "Christ the King" holds
            if (bare in CALENDAR or bare == "Year") and len(parts[-1]) == 1 and _english(parts[-1][0][1]):
                parts[-1] = []
            parts.append([])
        else:
            parts[-1].append((start, word))
    return [p for p in parts if p]


def _method(name: str) -> bool:
    """A method, programme, plan or order named in English words ("Freedom Programme")."""
    words = name.split()
    return len(words) > 1 and words[-1] in METHOD_TAIL and all(_english(w) for w in words)


@lru_cache(maxsize=65536)
def _compound(word: str) -> bool:
    """An English compound or its plural ("Caseloads", "Gatekeeping"): two English words of
    four letters or more. Place names are made this way too ("Brookside"), so this only
    judges a lone word starting a sentence."""
    folded = word.casefold().removesuffix("s") if len(word) > 6 else word.casefold()
    return any(_english(folded[:i]) and _english(folded[i:]) and _english(word.casefold()[:i])
               for i in range(4, len(folded) - 3))


def _guess_type(text: str, start: int, words: list[str]) -> str:
    """A place after "in", "at", "from"...; an organisation after "the", "his"... or made of
    four words or more, or of small words ("Places for People"); else a person ("Holly
    Hall does...", "that's Baz")."""
    before = text[max(0, start - 20):start]
    if _PLACE_BEFORE.search(before):
        return "PLACE"
    previous = before.split()[-1].casefold() if before.split() else ""
    if previous in _DETERMINERS or len(words) > 3 or any(w in _SMALL_WORDS for w in words):
        return "ORG"
    return "PERSON"


def _hospital_acronyms(text: str) -> list[Mention]:
    """"the LGI", "the QEH": an acronym after "the" ending in I(nfirmary) or H(ospital);
    "the IDAS group", "from YSS": an acronym that names no trade, role or service, where
    an organisation stands."""
    found = [Mention(m.start(), m.end(), m.group(), "HEALTH", "guess") for m in _HOSPITAL_ACRONYM.finditer(text)
             if m.group() not in GENERIC_ACRONYMS and m.group() not in TWO_LETTER_TERMS
             and m.group() not in NOT_IDENTIFYING]
    for m in _ACRONYM.finditer(text):
        if m.group("v") not in GENERIC_ACRONYMS and m.group("v") not in NOT_IDENTIFYING:
            found.append(Mention(m.start("v"), m.end("v"), m.group("v"), "ORG", "guess"))
    return found


def _initial_dot(text: str, start: int, end: int) -> bool:
    """Whether the span ends in an initial's full stop ("G.D."), which is part of it."""
    return text[end - 1] == "." and end - 2 >= start and text[end - 2].isupper() and (
        end - 3 < start or not text[end - 3].isalpha())


def _before_possessed_term(mention: Mention, text: str, occurrences: list[tuple[int, int]]) -> Mention:
    """A run that goes on from a name's "'s" into an allow-listed term ends before the "'s":
    "Kerry-Ann's National Insurance" is Kerry-Ann's number, not a name."""
    for start, end in occurrences:
        if mention.start < start < mention.end:
            before = text[mention.start:start].rstrip()
            if before.endswith(("'s", "’s")) and len(before) > 2:
                cut = mention.start + len(before) - 2
                return Mention(mention.start, cut, text[mention.start:cut], mention.type, mention.source,
                               mention.original)
    return mention


def _possessive_places(text: str) -> list[Mention]:
    """"at Jimmy's,": a name in the possessive standing for a place (a hospital, a shop, a
    friend's house), typed as an organisation; a guess, so a known person keeps the name."""
    return [Mention(m.start("v"), m.end("v"), m.group("v"), "ORG", "guess") for m in _POSSESSIVE_PLACE.finditer(text)
            if m.group("v")[:-2].casefold() not in _LEADING and m.group("v")[:-2] not in NOT_IDENTIFYING]


def _coordinated(text: str, chosen: list[Mention]) -> list[Mention]:
    """Names listed with a person or place found ("Noah and Hope", "Ince and Little
    Hulme", "Bradford, Leeds and Wakefield") are people or places too, even where they
    are also words or start a sentence."""
    typed = {(m.start, m.end): m.type for m in chosen if m.type in ("PERSON", "PLACE", "ORG")}
    if not typed:
        return []
    taken = _covered([(m.start, m.end) for m in chosen], len(text))
    found = []
    for match in _LIST.finditer(text):
        items = [(m.start() + match.start(), m.end() + match.start())
                 for m in _LIST_ITEM.finditer(match.group())]
        types = {typed[(s, e)] for s, e in items if (s, e) in typed}
        if len(types) != 1:
            continue
        type_ = types.pop()
        for start, end in items:
            span = text[start:end]
            if span.endswith(("'s", "’s")):
                end, span = end - 2, span[:-2]
            if any(taken[start:end]) or span in NOT_IDENTIFYING or span.casefold() in _LEADING:
                continue  # "Bridie and Granny"
            found.append(Mention(start, end, span, type_, "guess"))
    return found


def _ordinary(word: str, start: int, text: str, named: set[str]) -> bool:
    """An English word capitalised only by its place at the start of a sentence or turn."""
    bare = word.removesuffix("'s").removesuffix("’s")
    return bare not in named and _starts_sentence(text, start) and _english(bare)


def resolve(mentions: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, longest first; what NER found and what was guessed only
    fill the gaps the register, the transcript's own names and the patterns leave (their
    spans and labels are the least reliable: "Primary School on Larch Crescent" as one
    ORG), NER before a guess of the same length."""
    if not mentions:
        return []
    chosen: list[Mention] = []
    taken = bytearray(max(m.end for m in mentions))
    trusted_spans = sorted((m.start, m.end) for m in mentions if m.source not in _UNTRUSTED)
    promoted = {id(m) for m in mentions if m.source == "guess" and _encloses(m, trusted_spans)}
    for trusted in (True, False):
        tier = [m for m in mentions if (m.source not in _UNTRUSTED or id(m) in promoted) == trusted]
        for mention in sorted(tier, key=lambda m: (-(m.end - m.start), m.source == "guess", m.start)):
            if not any(taken[mention.start:mention.end]):
                chosen.append(mention)
                taken[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
    return sorted(chosen, key=lambda m: m.start)


def _encloses(guess: Mention, trusted: list[tuple[int, int]]) -> bool:
    """Whether a guessed run of capitalised words is a larger name around known ones, and
    crosses none: "Duchess of Kent" around the place "Kent"."""
    inside = 0
    # Spans (sorted) that may overlap it: none starts more than a name's length before it.
    first = bisect.bisect_left(trusted, (guess.start - 200, 0))
    last = bisect.bisect_left(trusted, (guess.end, 0))
    for start, end in trusted[first:last]:
        if end <= guess.start or start >= guess.end:
            continue
        if start < guess.start or end > guess.end or (start, end) == (guess.start, guess.end):
            return False
        inside += len(guess.text[start - guess.start:end - guess.start].split())
    return 0 < inside < len(guess.text.split())  # a word more than what it holds ("Pearsons" is no more)
