"""Finding identifiers: known names, patterns and NER, with later mentions linked to earlier.

Detection runs in two passes over a whole set of documents, so that consistency holds
across them: the first pass collects entities (speakers, front matter, the register and
key, pattern matches, NER, and capitalised names NER left alone), and derives the short
forms people use ("Amara" and "Ms Nwosu" after "Amara Nwosu", "St Anne's" after "St Anne's
Primary School", "PGH" after "Pinderfields General Hospital"); the second pass finds every
known form in every document, whichever document introduced it.

The recognisers that guess names from capitals and context are in `guesses`, what is
ordinary English in `english`, and the choice among overlapping mentions in `resolve`.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from qda.corpus import Document, nfc
from qda.nlp import entities
from qda.pseudonymise.allow import PROGRAMMES, AllowList, overlapping
from qda.pseudonymise.english import base_name, english, plain_word, starts_sentence
from qda.pseudonymise.entities import Mention
from qda.pseudonymise.guesses import (COMPASS, PLACE_PREFIXES, SMALL_WORDS, TITLE_WORDS, coordinated, from_entity,
                                      front_matter_dates, guesses, hospital_acronyms, welsh_places, initial_dot,
                                      method, new_capitals, possessive_boundary, possessive_places)
from qda.pseudonymise.key import Key
from qda.pseudonymise.patterns import NAME_WORD, RELATION_WORDS, TWO_LETTER_TERMS, find_patterns, named_after_noun
from qda.pseudonymise.regex import Literals, alternatives
from qda.pseudonymise.resolve import covered, resolve
from qda.pseudonymise.words import (COUNTRIES, GENERIC, GENERIC_ACRONYMS, GREETINGS, INSTITUTION_TAIL_WORDS,
                                    INSTITUTION_WORDS, NAMING_GENERIC, NOT_IDENTIFYING, PEOPLES, TALK)

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
# A sentence, roughly: up to a full stop, question or exclamation mark followed by a space
# (so "St. Anne's" and "07700 900.123" hold together less often than not), or a line end.
_SENTENCE = re.compile(r"[^\s][^\n]*?(?:[.!?]+(?=\s)|$)", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]+(?:[\-'’][^\W\d_]+)*")
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")
# Words after a name that say it is ordinary after all ("Will you", "Hope you're well",
# "Bill them for it"); not prepositions: "Summer to do the course", "Grace at the door".
_FUNCTION_WORDS = frozenset((
    "you i we they he she it me him her us them my your our their this that these those there here the a an "
    "up down out off over"
).split())
# ... nor "in" and "of", after which an ordinary word is a noun of its own: "Faith in the
# system", "Hope of a place".
_NOUN_PREPOSITIONS = frozenset({"in", "of"})
# Words that start a turn as talk, never as a name ("Well, ...").
_DISCOURSE = frozenset("well so right now like anyway okay ok yes no yeah sorry oh look listen erm um "
                       "honestly actually basically obviously really fine sure".split()) | GREETINGS
_FULL_NAME = re.compile(rf"(?<![\w'’\-])({NAME_WORD})[ \t]+({NAME_WORD})(?![\w'’\-]| {NAME_WORD})")
# Two names joined after a word for where from: "her solicitor at Rollitt and Dobbs".
# A council's department after its name ("RCT Children's Services"): the name is the
# identifier, the department a term (a council's own name, "Highland Council", is whole).
_DEPARTMENT_AFTER = re.compile(
    r"[ \t](?:Children['’]s Services|Social Services|Children['’]s Social Care|Early Help)$")
_COMPASS_BEFORE = re.compile(rf"\b(?:{COMPASS})[ \t]+$")
_METHOD_AFTER = re.compile(r"[ \t]+(?:scale|score|questionnaire|screening|tool|model|framework|protocol|method)\b")
_NICKNAME_AFTER = re.compile(r"[.,][ \t]+([A-Z][a-z]{1,6})[.!]")
# Honorifics joined to a name in the languages families speak: "Hema-ben", "Tariq-bhai", "Kenji-san".
_HONORIFIC = re.compile(r"-(?:ben|behn|bhai|bhaiya|ji|jee|bibi|sahib|saab|didi|apa|baji|jaan|jan|san|chan|kun|sama)\b")
_SHORT_NAME = re.compile(r"\b[A-Z][a-z]{2,5}\b(?!-)")  # "Ali", "Jay", "Nic" (not "Pre-birth")
_FIRM = re.compile(rf"(?<![\w'’\-])(?P<v>({NAME_WORD})[ \t]+(?:and|&)[ \t]+({NAME_WORD}))"
                   rf"(?![\w'’\-]|[ \t]+{NAME_WORD})")
# "the shirt factories, Tillie and Henderson"
_FIRM_BEFORE = re.compile(r"\b(?:at|from|through|via|(?:factory|factories|firm|company|mills?|works|shop|agency|"
                          r"agents?|builders|garage|solicitors|wash|salon|caf[eé]|takeaway|restaurant|pub|bakery|"
                          r"warehouse|yard|depot),"
                          # ... or whom someone works for: "the father works offshore for Forbes and Reid"
                          r"|(?:works?|worked|working|employed|job|jobs)(?:[ \t]+[a-z]+)?[ \t]+(?:for|by|with))[ \t]+$")
# Where lawyers are talked about, two names joined are their firm ("through his solicitor.
# Jones and Watkins wrote...", "a solicitor's letter. Barker and Lowe, who...").
_LAW_WORDS = re.compile(r"\b(?:solicitors?|solicitor's|lawyers?|legal|barristers?|law firm|non-molestation|"
                        r"injunctions?|immigration|conveyancing|divorce)\b", re.IGNORECASE)
# Words that make an institution a region's (all its other words generic): "North West
# Regional College", "the Royal Infirmary", "Southern Trust".
_REGIONAL = frozenset("North South East West Northern Southern Eastern Western Royal Regional City".split())
_SHAPES = frozenset({"DATE", "PHONE", "EMAIL", "URL", "POSTCODE", "NHS", "NI"})
#: Stop words that are also first names ("Will Tanner was the IRO").
_FIRST_NAMES_THAT_ARE_STOP_WORDS = frozenset({"will"})
_PLURAL_OR_POSSESSIVE = re.compile(r"(?:['’]?s\b)?")


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
    _exact: Literals = field(default_factory=Literals, repr=False)  # every form, as written
    _other_cases: tuple[int, tuple[Literals, Literals]] | None = field(default=None, repr=False)
    _given: re.Pattern | None = field(default=None, repr=False)
    _named: set[str] = field(default_factory=set, repr=False)
    _lower_counts: dict[str, int] = field(default_factory=dict, repr=False)  # occurrences of each word
    _by_fold: dict[str, Form] = field(default_factory=dict, repr=False)  # forms by case-folded text
    _one_word_people: set[str] = field(default_factory=set, repr=False)  # forms of people in one word
    # A document's speakers and front-matter values by its text; those of documents found
    # to be originals (`_without_pseudonyms`), which are pseudonymised apart from the text.
    _values_of: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _original_values: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self):
        for entry in self.key.entries.values():
            self._add_entity(entry.original, entry.type, "register", entry.aliases)
        # The pseudonyms the key held before this run (those made during it avoid every word
        # of every original found, so cannot stand in the texts): whole, and their words that
        # are words ("Person 13" must not shield the "13" of a real date or phone number).
        words = {w for e in self.key.entries.values() if e.pseudonym and not e.pseudonym.startswith("[")
                 for w in (e.pseudonym, *(p for p in e.pseudonym.split() if p.isalpha()))}
        self._given = alternatives(words, plural=True, hyphen=True) if words else None

    # -- pass 1 ------------------------------------------------------------------------

    def learn_document(self, document: Document) -> None:
        """Speakers and front-matter names of a parsed transcript are people; front-matter
        places and institutions are places and institutions."""
        self._values_of[document.text] = [str(v) for v in document.attributes.values() if v] + [
            t.speaker for t in document.turns if t.speaker]
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
            if _GENERIC_LABEL.fullmatch(name) or name.casefold() in TITLE_WORDS:
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
        views = [_Composed(text) for text in texts]
        return [view.back(found) for view, found in zip(views, self._candidates([view.text for view in views]))]

    def _candidates(self, texts: list[str]) -> list[list[Mention]]:
        """`candidates` of texts in one Unicode form (NFC)."""
        # Words written capitalised inside a sentence somewhere: names, whatever a lexicon says.
        named = {m.group(1) for text in texts for m in _MID_SENTENCE_CAPITAL.finditer(text)}
        self._named |= named
        for text in texts:
            for word in _WORD.findall(text):
                self._lower_counts[word] = self._lower_counts.get(word, 0) + 1
        allowed = [self.allow.occurrences(text) for text in texts]
        patterns = [self._keep(list(find_patterns(text)) + front_matter_dates(text), text, occurrences)
                    for text, occurrences in zip(texts, allowed)]
        by_text = self._entities(texts, named, patterns)
        found = []
        for text, occurrences, matched, entities_ in zip(texts, allowed, patterns, by_text):
            guessed = guesses(text, named) + hospital_acronyms(text) + possessive_places(text) + welsh_places(text)
            mentions = _plural_names(matched + self._keep(entities_ + guessed, text, occurrences), text)
            chosen = _read_as_people(mentions, resolve(mentions), text)
            full_names = self._keep(self._full_names(text, chosen), text, occurrences)
            linked = self._keep(coordinated(text, chosen) + self._firms(text, chosen), text, occurrences) + full_names
            if linked:
                mentions += linked
                chosen = _read_as_people(mentions, resolve(mentions), text)
            full_spans = {(m.start, m.end) for m in full_names}
            # People's full names first, so "Casey" before "Casey Blackwood" in the same text is her.
            for mention in sorted(chosen, key=lambda m: not (m.type == "PERSON" and " " in m.text)):
                if mention.type == "DATE":
                    continue  # found by its shape wherever it is; as a form "22nd" would be everywhere
                self._add_entity(mention.text, mention.type, mention.source,
                                 full_name=(mention.start, mention.end) in full_spans)
            self._diminutives(text, chosen)
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
                mention = possessive_boundary(mention, text, occurrences)
                # A guessed run around an allow-listed term is one name, the largest ("Sure
                # Start Dingle"), if a word outside the term is no English word; otherwise it
                # is the term in a phrase ("the Health Visiting service").
                if mention.source == "guess" and not self._outside_allowed(mention, text, occurrences):
                    continue
                # NER's spans and the names after cue words are trimmed.
                if mention.source in ("ner", "pattern") and mention.type in ("PERSON", "PLACE") or (
                        mention.source == "ner" and _DEPARTMENT_AFTER.search(mention.text)):
                    mention = self._trim_allowed(mention, text, occurrences)
                    if mention is None:
                        continue
                light = mention.type == "PERSON" and mention.source not in ("guess", "ner")
                institution = mention.type in ("SCHOOL", "HEALTH", "ORG") and mention.source == "pattern"
                # "the Northern General", "calls it City General": a hospital's name, all its words generic.
                general = (mention.source == "pattern" and mention.text.endswith(" General")
                           and not mention.text.startswith("District"))
                if not general and not named_after_noun(text, mention.start, mention.end) and \
                        not self._distinctive(mention.text, light, institution):
                    continue
                if mention.source in ("ner", "guess") and (method(mention.text)
                                                           or _METHOD_AFTER.match(text, mention.end)):
                    continue  # "Freedom Programme", "Graded Care Profile", "an Edinburgh scale"
            mention = _around_programme(mention)
            if mention is not None:
                kept.append(mention)
        return kept

    def _full_names(self, text: str, chosen: list[Mention]) -> list[Mention]:
        """A known name and the capitalised word beside it, starting a sentence, are a full
        name, however ordinary the other word: "Ivy's coming. Ivy Ward. She's got...", "Her
        boyfriend. Dean Matthews, ..." after NER found "Matthews" alone."""
        names = {m.text for m in chosen if " " not in m.text and (m.type == "PERSON" or _surname_read_as_a_firm(m))}
        names |= self._one_word_people
        taken = covered([(m.start, m.end) for m in chosen], len(text))
        found = []
        for match in _FULL_NAME.finditer(text):
            if not starts_sentence(text, match.start()):
                continue
            given, family = match.group(1), match.group(2)
            if given in names and not any(taken[match.start(2):match.end(2)]):
                other = family
            elif family in names and not self._adverb(given) and not any(taken[match.start(1):match.end(1)]):
                other = given  # (not "Apparently Hill said"; but "Kelly Smith came")
            else:
                continue
            if (other not in self.forms and other not in NOT_IDENTIFYING and other.casefold() not in self.allow.words
                    and other.casefold() not in _DISCOURSE | TITLE_WORDS | RELATION_WORDS
                    and (other.casefold() not in STOP_WORDS or _a_name_though_a_stop_word(other, text, match.end()))):
                found.append(Mention(match.start(), match.end(), match.group(), "PERSON", "guess"))
        return found

    def _adverb(self, word: str) -> bool:
        """An adverb made of an English word of four letters or more ("Apparently",
        "Obviously") that the transcripts never write capitalised inside a sentence: no
        first name ("Kelly", "Molly", "Lily")."""
        folded = word.casefold()
        if not folded.endswith("ly") or word in self._named:
            return False
        stems = (folded[:-2], folded[:-2] + "le", folded[:-3] + "y" if folded.endswith("ily") else "")
        return any(len(stem) >= 4 and english(stem) for stem in stems)

    def _diminutives(self, text: str, chosen: list[Mention]) -> None:
        """A person's name cut short in the same transcript is theirs: "Ali" after "Alison
        Charlton", "Debs" after "Deborah", "Mo" said right after "Maureen Gaskell" (a form of
        the same entity, found wherever it stands)."""
        people = [m.text for m in chosen if m.type == "PERSON"]
        given = {name.split()[0]: name for name in people if len(name.split()) > 1 and len(name.split()[0]) >= 5}
        # ... and a surname cut short, if no English word or said as a name ("Hutch's good")
        # after "DC Hutchinson".
        family = {name.split()[-1]: name for name in people if len(name.split()[-1]) >= 7}
        if not given and not family:
            return
        contracted = set(re.findall(r"\b([A-Z][a-z]+)['’]t\b", text))  # "Don't" is no Donald
        for word in sorted(set(_SHORT_NAME.findall(text))):
            stem = re.sub(r"(?:s|y|ie)$", "", word) if len(word) > 4 or word.endswith("s") else word  # "Debs"
            name = next((full for first, full in given.items()
                         if first.startswith(stem) and len(stem) >= 3 and len(first) > len(word) + 1), None)
            if name is None and len(word) >= 4:
                name = next((full for last, full in family.items()
                             if last.startswith(word) and len(last) > len(word) + 2), None)
                if name is not None and english(word) and not re.search(rf"\b{word}['’]s\b", text):
                    name = None
            if (name is not None and name in self.forms and word not in self.forms and word not in contracted
                    and word.casefold() not in STOP_WORDS | _DISCOURSE | RELATION_WORDS | TITLE_WORDS
                    and word not in NOT_IDENTIFYING and word.casefold() not in self.allow.words):
                self._alias(word, name)
        # ... or given right after the full name: "My Team Manager, Maureen Gaskell. Mo. She's..."
        for mention in chosen:
            after = _NICKNAME_AFTER.match(text, mention.end)
            if (mention.type == "PERSON" and " " in mention.text and after and mention.text in self.forms
                    and after.group(1) not in self.forms and not after.group(1).endswith("ly")
                    and after.group(1).casefold() not in STOP_WORDS | _DISCOURSE | TALK | RELATION_WORDS):
                self._alias(after.group(1), mention.text)

    def _alias(self, word: str, name: str) -> None:
        form = self.forms[name]
        self._put(word, Form(word, "PERSON", form.original, form.source))

    def _firms(self, text: str, chosen: list[Mention]) -> list[Mention]:
        """Two names joined after "at", "from", "through" or "via" ("nights at Whitaker and
        Booth"), after a word for a business ("the shirt factories, Tillie and Henderson")
        or near a word for lawyers are a firm, unless either is a person or place this text
        names ("from Noah and Hope", "from Leeds and Bradford": `coordinated` takes those)
        or a relation."""
        found = []
        for match in _FIRM.finditer(text):
            # (the lawyers in this sentence or the one before: not "... solicitor. Her letter
            # came. Kelly and Dean went...")
            before = re.split(r"[.!?]\s", text[max(0, match.start() - 150):match.start()])[-2:]
            after = re.split(r"[.!?]\s", text[match.end():match.end() + 100])[0]  # "... with X and Y for an injunction"
            if not (_FIRM_BEFORE.search(text, max(0, match.start() - 30), match.start())
                    or _LAW_WORDS.search(" ".join(before)) or _LAW_WORDS.search(after)):
                continue
            parts = (match.group(2), match.group(3))
            named = {m.text for m in chosen if m.end <= match.start("v") or m.start >= match.end("v")}
            if any(p in named or p in NOT_IDENTIFYING or p.casefold() in RELATION_WORDS | self.allow.words
                   for p in parts):
                continue
            found.append(Mention(match.start("v"), match.end("v"), match.group("v"), "ORG", "guess"))
        return found

    def _distinctive(self, name: str, light: bool = False, institution: bool = False) -> bool:
        """Whether a name has a word that is not generic, allow-listed or a word that
        identifies nobody (a country, a month): "Riverside Surgery" yes, "Family Centre" no.
        `light`, for people found by their context: only words that identify nobody
        count against it (surnames are often generic words: "Mrs Hall", "Mr Ward").
        `institution`, for a name with an institution's word: a people's name counts for
        it ("Roma Support Hub"), unless allow-listed ("Polish"), and so does a region's word
        ("Southern Trust")."""
        words = [w for w in re.split(r"[ \t]+", name) if w.casefold() not in ("and", "&")]
        if all(w in PEOPLES for w in words):
            return False  # "the Gypsy and Traveller church"
        for word in words:
            bare = base_name(word)
            if not bare:
                continue
            if institution and bare in PEOPLES and bare.casefold() not in self.allow.words:
                return True
            if institution and bare in _REGIONAL and len(words) > 1:
                return True  # "South West Acute Hospital", "Southern Trust": a region's own
            if bare in NAMING_GENERIC and len(words) > 1 and not set(words) & {"Team", "Service", "Services"}:
                return True
            if light and bare in COUNTRIES and len(words) == 1:
                return True  # "Mali, who's five": a person named as a country is
            if bare in NOT_IDENTIFYING or word in NOT_IDENTIFYING or bare.removesuffix("s") in PEOPLES:
                continue  # (also "the Italians")
            if light:
                return True
            if (bare in GENERIC or bare.removesuffix("s") in GENERIC or bare.casefold() in self.allow.words
                    or bare.casefold() in SMALL_WORDS):
                continue
            return True
        return False

    def _outside_allowed(self, mention: Mention, text: str, occurrences: list[tuple[int, int]]) -> bool:
        """Whether a mention overlapping allow-listed terms (other than countries and
        peoples) has a word outside them that is no English word (True too if it overlaps none)."""
        covered = bytearray(mention.end - mention.start)
        for a, b in overlapping(occurrences, mention.start, mention.end):
            if text[a:b] in NOT_IDENTIFYING:
                continue  # a country in a name ("Orbit Heart of England") leaves it a name
            if a < mention.end and b > mention.start:
                covered[max(a, mention.start) - mention.start:min(b, mention.end) - mention.start] = \
                    b"\x01" * (min(b, mention.end) - max(a, mention.start))
        if not any(covered):
            return True
        return any(not plain_word(m.group()) and not any(covered[m.start():m.end()])
                   for m in re.finditer(r"\S+", mention.text))

    def _trim_allowed(self, mention: Mention, text: str, occurrences: list[tuple[int, int]]) -> Mention | None:
        """The mention without allow-listed terms at its edges; None if one is inside it. A
        place word before a country makes a place of its own ("Little Scotland")."""
        words = mention.text.split()
        if len(words) == 2 and words[0] in PLACE_PREFIXES and words[1] in NOT_IDENTIFYING:
            return mention
        start, end = mention.start, mention.end
        for a, b in overlapping(occurrences, start, end):
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
        while end > start and not text[end - 1].isalnum() and not initial_dot(text, start, end):
            end -= 1
        words = text[start:end].split()
        while words and words[-1].casefold() in SMALL_WORDS | {"and", "&"}:
            end = text.rindex(words.pop(), start, end)
            end = len(text[:end].rstrip())
        if end - start < 2 or text[start:end].islower():
            return None  # "her" left of "her Universal Credit" is no name
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
            new = new_capitals(sentence[2], named, seen)
            (first if new else rest).append(sentence)
            seen |= new
        typed = self._read(first, named, found)
        known |= typed
        second = [s for s in rest if new_capitals(s[2], named, known)]
        self._read(second, named, found)
        return found

    def _read(self, sentences: list[tuple[int, int, str]], named: set[str], found: list[list[Mention]]) -> set[str]:
        """NER over sentences (text index, offset, sentence); mentions go into `found`.
        Returns the words of the entities NER typed."""
        typed: set[str] = set()
        for (i, offset, line), ents in zip(sentences, entities(self.ner, [line for _, _, line in sentences])):
            for label, words in ents:
                typed.update(word for _, _, word in words)
                mention = from_entity(label, words, line, named)
                if mention is not None:
                    found[i].append(Mention(mention.start + offset, mention.end + offset, mention.text,
                                            mention.type, mention.source))
        return typed

    # -- pass 2 ------------------------------------------------------------------------

    def find(self, text: str, candidates: Iterable[Mention] = ()) -> list[Mention]:
        """Every identifier in `text`: its candidates plus every known form, resolved to
        non-overlapping mentions, each naming the entity it belongs to."""
        view = _Composed(text)
        mentions = view.forward(candidates) + self._known_forms(view.text)
        allowed = self.allow.occurrences(view.text)
        placeholders = covered([m.span() for m in _PLACEHOLDER.finditer(view.text)], len(view.text))
        kept = [m for m in mentions if not self.allow.keeps(m, allowed) and not any(placeholders[m.start:m.end])]
        kept = self._without_pseudonyms(text, view.text, kept)
        return view.back([self._canonical(_with_compass(m, view.text)) for m in resolve(kept)])

    def _known_forms(self, text: str) -> list[Mention]:
        """Where the forms learned so far stand in `text`."""
        mentions = []
        for start, end in self._exact.finditer(text):
            if text.startswith("s", end) and english(text[start:end + 1]):
                continue  # a plural that is a word: "Ye" is not in "Yes"
            if re.match(r"-[a-z]", text[end:end + 2]) and not _HONORIFIC.match(text, end):
                continue  # nor is "Cross" in "Cross-border" (but "Hema" is in "Hema-ben")
            mention = self._form_mention(text, start, end, text[start:end])
            if mention is not None:
                mentions.append(mention)
        # "kowalczyk", "KOWALCZYK", "KENDAL", "rich dawson": forms in any case ...
        for start, end in self._in_other_cases(text):
            word = text[start:end]
            form = self._by_fold.get(word.casefold())
            # ... but not inside a word in another case: "always" is no plural of "the Alway";
            plural = text[start:end + 1] if text.startswith("s", end) else ""
            if form is None or word == form.text or (plural and english(plural)):
                continue
            if any(w.islower() for w in word.split()) and self._a_word_here(word, form, text):
                continue
            mention = self._form_mention(text, start, end, form.text)
            if mention is not None:
                mentions.append(Mention(mention.start, mention.end, word, mention.type, mention.source,
                                        mention.entity))
        return mentions

    def _a_word_here(self, written: str, form: Form, text: str) -> bool:
        """Whether a known name written with words in lower case is ordinary words here,
        not the name: English words ("will", "grace", "a big Somali community"; but a
        person's full name, "rich dawson", is no English phrase), or a word the transcripts
        write in lower case at least as often as capitalised, in a text that does not write
        the name itself: a dialect or sports word ("a gey lang road", "no shinty") is no
        misspelt "Lang". In the text that names "Mrs Kowalczyk", "kowalczyk" is her."""
        words = written.split()
        lower = [w for w in words if w.islower()]
        if all(_english_word(w) for w in lower) and not (form.type == "PERSON" and len(lower) > 1):
            return True
        if _written_as_a_name(form.original, text):
            return False
        return len(words) == 1 and self._lower_counts.get(written, 0) >= self._lower_counts.get(form.text, 0)

    def _without_pseudonyms(self, original: str, text: str, mentions: list[Mention]) -> list[Mention]:
        """The mentions without the pseudonyms the key gave before this run, where `text`
        (`original` in NFC) is a copy pseudonymised with it: running again over copies
        changes nothing. Elsewhere a name written as a pseudonym is a real person's or
        place's (the made-up names are common names): it is replaced like any other and
        gets a pseudonym of its own, and a warning says so, naming no one."""
        spans = self._pseudonyms_in(text)
        if not spans:
            return mentions
        given = covered(spans, len(text))
        if self._pseudonymised(original, mentions, given):
            return [m for m in mentions if not any(given[m.start:m.end])]
        self._original_values.update(self._values_of.get(original, ()))
        as_pseudonyms = len({m.text for m in mentions if 0 not in given[m.start:m.end]})
        if as_pseudonyms:
            warnings.warn(f"{as_pseudonyms} name{'s' if as_pseudonyms > 1 else ''} in a transcript with identifiers "
                          "of its own (so no pseudonymised copy) "
                          f"{'are' if as_pseudonyms > 1 else 'is'} written as pseudonyms this key gave before: taken "
                          "for real names, each gets a pseudonym of its own (and is an original in the key too)",
                          stacklevel=2)
        return mentions

    def _pseudonyms_in(self, text: str) -> list[tuple[int, int]]:
        """Where the pseudonyms the key gave before this run stand in `text`, with a plural or
        possessive "s" ("the Fenwicks" is the family a pseudonym "Fenwick" was given to)."""
        if self._given is None:
            return []
        return [(m.start(), _PLURAL_OR_POSSESSIVE.match(text, m.end()).end()) for m in self._given.finditer(text)]

    def _pseudonymised(self, original: str, mentions: list[Mention], given: bytearray) -> bool:
        """Whether a text is a copy this key pseudonymised: everything in it to replace is
        a pseudonym the key gave or what a copy may still hold (`_left_in_copies`), and it
        is no speaker or front-matter value of a document found to be an original (which,
        in a project, is pseudonymised apart from the text)."""
        if original in self._original_values:
            return False
        return all(0 not in given[m.start:m.end] or _left_in_copies(m) for m in mentions)

    def _form_mention(self, text: str, start: int, end: int, surface: str) -> Mention | None:
        """A known form found at `text[start:end]`, or None where it is an ordinary word
        after all: a form that is an English word, starting a sentence, followed by a
        pronoun or a preposition ("Will you...", "Bill them for it", "Faith in the system")."""
        form = self.forms[surface]
        if surface.startswith(("the ", "The ")):  # "the Duchess": the article stays
            start += 4
            surface = surface[4:]
        elif " " not in surface and plain_word(surface) and starts_sentence(text, start):
            if surface.casefold() in _DISCOURSE:  # "Well, ...", "Right, ..."
                return None
            after = re.match(r"[ \t]+([A-Za-z]+)", text[end:end + 30])
            if after is not None and after.group(1).casefold() in _FUNCTION_WORDS | _NOUN_PREPOSITIONS:
                return None
        return Mention(start, end, surface, form.type, form.source, form.original)

    def form(self, text: str) -> Form | None:
        return self.forms.get(text)

    # -- entities and their forms --------------------------------------------------------

    def _add_entity(self, text: str, type_: str, source: str, aliases: Iterable[str] = (),
                    full_name: bool = False) -> None:
        """Record an entity and its short forms; the first entity to claim a form keeps it
        (so "Nwosu", a family name from the front matter, is not later a NER place).
        `full_name`: a first name before a surname (`_full_names`), whose words are names
        however ordinary ("Frank" of "Frank Jones").

        Short forms: a person's first and last name (titles aside); an institution without
        its generic words ("Airedale General" -> "Airedale"), its initials ("Pinderfields
        General Hospital" -> "PGH") and, for "Duchess of Kent", "the Duchess"."""
        text = nfc(" ".join(text.split()))
        aliases = [nfc(alias) for alias in aliases]
        if not text:
            return
        known = self.forms.get(text)
        if known is None and not all(plain_word(w) for w in text.split()):
            known = self._by_fold.get(text.casefold())  # "McCrae" is the "Mccrae" already known
            if known is not None:
                aliases = [text, *aliases]
        if known is not None:  # known already: only its aliases are new
            for alias in aliases:
                if alias not in self.forms and len(alias) > 1:
                    self._put(alias, Form(alias, known.type, known.original, known.source))
            return
        short_forms = list(aliases)
        article_forms: list[str] = []
        if type_ == "PERSON":
            words = [w for w in text.split() if w.casefold().rstrip(".") not in TITLE_WORDS
                     and not re.fullmatch(r"\w\.?", w)]  # "Mrs Begum" -> "Begum"; "S. Mehra" -> "Mehra"
            if len(words) >= 2 or (words and len(words) < len(text.split())):
                short_forms += [words[0], words[-1]]
            # "KW said" after "Karen Wray": initials, unless they are a term or a word ("GP", "AS").
            initials = "".join(w[0] for w in words)
            if (len(words) in (2, 3) and initials.isupper() and initials not in TWO_LETTER_TERMS
                    and initials not in GENERIC_ACRONYMS and initials.lower() not in STOP_WORDS):
                short_forms.append(initials)
        elif type_ in ("SCHOOL", "HEALTH", "ORG"):
            short = _INSTITUTION_TAIL.sub("", text)
            short_forms.append(short)
            # "the Northern" for "the Northern General": with its article, a short form that
            # is a plain word alone.
            if short != text and len(short.split()) <= 2 and all(
                    (plain_word(w) or w in PLACE_PREFIXES) and w not in NOT_IDENTIFYING for w in short.split()):
                article_forms = [f"the {short}", f"The {short}"]
            if type_ == "HEALTH" and " County " in f" {short} ":
                article_forms += ["the County", "The County"]  # "Tyrone County Hospital" is "the County"
            words = [w for w in re.split(r"[ \t]+", text) if w not in ("of", "the", "and", "&", "upon")]
            initials = "".join(w[0] for w in words if w[:1].isupper())
            # "Wearside Women in Need" is "WWiN" or "WWIN": a small word's initial kept small.
            said = "".join(w[0] for w in words)
            if len(said) >= 4 and said != initials:
                short_forms += [said, said.upper()]
            if len(words) >= 3 and len(initials) == len(words) and initials.casefold() not in self.allow.words:
                short_forms.append(initials)
                # "Diana, Princess of Wales Hospital" is also "DPOW": "of" and no tail.
                if words[-1] in INSTITUTION_TAIL_WORDS and " of " in text:
                    head = [w for w in re.split(r"[ \t]+", text)[:-1] if w not in ("the", "and", "&")]
                    short_forms.append("".join(w[0].upper() for w in head))
            elif len(words) == 2 and words[-1] == "General" and len(initials) == 2:
                short_forms.append(initials + "H")  # "Furness General" -> "FGH"
        if type_ in ("SCHOOL", "HEALTH", "ORG", "PLACE"):
            head = text.split(" of ")[0]
            if " of " in text and head[:1].isupper() and head.split()[-1] not in GENERIC | INSTITUTION_TAIL_WORDS:
                short_forms += [f"the {head}", f"The {head}"]
        self._put(text, Form(text, type_, text, source))
        for form in article_forms:
            if form not in self.forms and form.split()[1].casefold() not in STOP_WORDS:
                self._put(form, Form(form, type_, text, source))
        for form in short_forms:
            bare = form.removeprefix("the ").removeprefix("The ")
            # (an alias in a register is the researcher's word for it, in whatever case: "deano")
            written_so = source == "register" and form in aliases
            if (len(bare) > 1 and (bare[:1].isupper() or written_so) and form not in self.forms
                    and bare not in NOT_IDENTIFYING
                    and bare not in PLACE_PREFIXES  # "New College": not "New"
                    and bare.casefold() not in self.allow.words and bare.casefold() not in RELATION_WORDS
                    and (bare != form or not self._doubtful_short_form(bare, text, type_, source, full_name))):
                self._put(form, Form(form, type_, text, source))

    def _doubtful_short_form(self, word: str, name: str, type_: str, source: str, full_name: bool) -> bool:
        """Whether a short form is an English word taken from a name that may be no name:
        "Cefn Farm" guessed gives "Cefn", not "Farm"; NER's "Tiny Steps" (a nursery, all its
        words plain) gives no "Tiny", but "Summer Okafor" gives "Summer", and initials stay
        ("the Countess" is no doubt). A person's name NER found in plain words, or a first
        name read before a surname (`_full_names`), gives its words where they are used as
        names: written capitalised at least as often as not ("Frank" of "Frank Jones", not
        "Took" of "Took Ryan three weeks"), or a first name that is a stop word ("Will");
        unless the name reads as a phrase, a plural last ("Tiny Steps", "Little Owls")."""
        if not plain_word(word):
            return False
        words = name.split()
        if type_ == "PERSON" and (full_name or source == "ner") and not (
                words[-1].endswith("s") and english(words[-1][:-1])):
            if word.casefold() in _FIRST_NAMES_THAT_ARE_STOP_WORDS or (
                    self._lower_counts.get(word, 0) >= self._lower_counts.get(word.lower(), 0)):
                return False
        if source == "guess":
            return True
        return source == "ner" and not word.isupper() and all(plain_word(w) for w in words)

    def _in_other_cases(self, text: str) -> Iterator[tuple[int, int]]:
        """Where known forms stand in `text` written in another case than their own (where
        a word is in lower case, `_a_word_here` then judges it), of four letters or more
        with a lower-case letter (an acronym is one only as written): a name that is no
        English word in any case; one that is, in capitals ("KENDAL") but not in lower case,
        where it is the word ("will"), unless it is a person's full name ("rich dawson")."""
        in_any_case, in_capitals = self._other_case_forms()
        yield from in_any_case.finditer(text)
        yield from in_capitals.finditer(text)

    def _other_case_forms(self) -> tuple[Literals, Literals]:
        """`_in_other_cases`' two tables, rebuilt when forms are added."""
        if self._other_cases is not None and self._other_cases[0] == len(self.forms):
            return self._other_cases[1]
        in_any_case, in_capitals = [], []
        for text, form in self.forms.items():
            if len(text) < 4 or text.startswith(("the ", "The ")) or not any(c.islower() for c in text):
                continue
            if all(plain_word(w) for w in text.split()) and not (form.type == "PERSON" and " " in text):
                in_capitals.append(text.upper())
            else:
                in_any_case.append(text)
        self._other_cases = (len(self.forms), (Literals(in_any_case, ignore_case=True), Literals(in_capitals)))
        return self._other_cases[1]

    def _put(self, surface: str, form: Form) -> None:
        """Record a form, indexed by its case-folded text and, a person's one word, as a name
        (forms are only ever added, so the indexes grow with them)."""
        self.forms[surface] = form
        self._exact.add(surface)  # (a family name also in the plural: "the Dawsons")
        self._by_fold[surface.casefold()] = form
        if form.type == "PERSON" and " " not in surface:
            self._one_word_people.add(surface)

    def _canonical(self, mention: Mention) -> Mention:
        """Name the entity a mention belongs to (a first name -> the full name)."""
        form = self.forms.get(" ".join(mention.text.split()))
        if form is None or mention.original:
            return mention
        return Mention(mention.start, mention.end, mention.text, form.type, mention.source, form.original)


_PROGRAMME = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in PROGRAMMES) + r")(?!\w)", re.IGNORECASE)


def _read_as_people(mentions: list[Mention], chosen: list[Mention], text: str) -> list[Mention]:
    """The chosen mentions, with an organisation that a guess reads as a person taken for a
    person: NER's two plain words ("Amber Wood does...", "Amber Clarke wrote...") are the
    small model's slip, and "Wood" alone is then linked to her too; and a name given after
    a generic noun that NER also calls a person, with a word no English lexicon knows, is
    someone from there ("Joy from the youth club, Joy Adebayo-Smith, was lovely")."""
    people = {(m.start, m.end) for m in mentions if m.source == "guess" and m.type == "PERSON"}
    ner_people = {(m.start, m.end) for m in mentions if m.source == "ner" and m.type == "PERSON"}

    def a_person(m: Mention) -> bool:
        span = (m.start, m.end)
        if m.type != "ORG" or span not in people:
            return False
        return m.source == "ner" or (m.source == "pattern" and span in ner_people and named_after_noun(text, *span)
                                     and not all(plain_word(w) for w in m.text.split()))

    return [Mention(m.start, m.end, m.text, "PERSON", m.source, m.original) if a_person(m) else m for m in chosen]


def _surname_read_as_a_firm(mention: Mention) -> bool:
    """NER's organisation of one English word, which may be a surname it took for a firm
    ("Faith Green came later": "Green")."""
    return mention.source == "ner" and mention.type == "ORG" and plain_word(mention.text)


def _a_name_though_a_stop_word(word: str, text: str, after: int) -> bool:
    """Whether a stop word before a surname starting a sentence is a first name: "Will
    Harris chaired it", not "Will Harris come?"."""
    question = re.match(r"[^.!?\n]*[.!?]?", text[after:after + 200]).group().endswith("?")
    return word.casefold() in _FIRST_NAMES_THAT_ARE_STOP_WORDS and not question


def _english_word(word: str) -> bool:
    """An English word, also with its accents left off ("café")."""
    if english(word):
        return True
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if not _is_mark(c))
    return plain != word and english(plain)


def _written_as_a_name(name: str, text: str) -> bool:
    """Whether `text` writes a name as itself where only a name is capitalised: a full name,
    or one word after a title ("Mrs Kowalczyk") or inside a sentence; not as a word of a
    larger name ("Shinty" in "the Black Isle Shinty Club") or a word starting a sentence
    ("[laughs] Shinty.")."""
    for found in re.finditer(rf"(?<![\w'’\-]){re.escape(name)}(?![\w\-])", text):
        before = re.search(r"([A-Z][\w'’\-]*)[ \t]+$", text[max(0, found.start() - 30):found.start()])
        titled = before is not None and before.group(1).casefold().rstrip(".") in TITLE_WORDS
        if (before is not None and not titled) or re.match(r"[ \t]+[A-Z][a-z]", text[found.end():found.end() + 3]):
            continue
        if " " in name or titled or not starts_sentence(text, found.start()):
            return True
    return False


def _left_in_copies(mention: Mention) -> bool:
    """What a pseudonymised copy may still hold without being an original: a date cut to
    the month, and an original of the key made of English words, which the run that made
    the copy replaced in some places and left as a word in others ("Small", "Gateway")."""
    return mention.type == "DATE" or (mention.source == "register"
                                      and all(plain_word(w) for w in mention.text.split()))


def _around_programme(mention: Mention) -> Mention | None:
    """A name without the national programme in it: its words before the programme, else
    those after it that are not generic ("Sure Start Longsight" -> "Longsight"); None if
    nothing is left."""
    found = _PROGRAMME.search(mention.text)
    if found is None:
        return mention
    before = mention.text[:found.start()].rstrip(" \t,")
    if before:
        return Mention(mention.start, mention.start + len(before), before, mention.type, mention.source)
    after = mention.text[found.end():]
    words = after.split()
    while words and words[-1] in INSTITUTION_WORDS:  # "Sure Start Centre"
        words.pop()
    if not words:
        return None
    start = mention.start + found.end() + after.index(words[0])
    end = mention.start + found.end() + after.index(words[-1]) + len(words[-1])
    rest = mention.text[start - mention.start:end - mention.start]
    return Mention(start, end, rest, mention.type, mention.source)


def _with_compass(mention: Mention, text: str) -> Mention:
    """A name with a compass word before it is a region ("I cover west Fife", "north
    Leeds"): the compass word goes with it (the entity stays the name's)."""
    if mention.type not in ("PLACE", "PERSON", "ORG"):
        return mention
    before = _COMPASS_BEFORE.search(text, max(0, mention.start - 14), mention.start)
    if before is None:
        return mention
    start = before.start()
    return Mention(start, mention.end, text[start:mention.end], mention.type, mention.source,
                   mention.original or mention.text)


def _plural_names(mentions: list[Mention], text: str) -> list[Mention]:
    """Without the family read into "the Mariners" or "the Borders" where NER calls the
    whole plural an organisation or a place (a team, a region): the family pattern would
    replace "Mariner" and leave the "s"."""
    whole = {(m.start, m.end) for m in mentions if m.source == "ner" and m.type in ("ORG", "PLACE")}
    return [m for m in mentions if not (m.source == "pattern" and m.type == "PERSON" and (m.start, m.end + 1) in whole
                                        and text.startswith(("the ", "The "), m.start - 4))]


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


class _Composed:
    """A text in one Unicode form (NFC: "Siobhán" with its accent composed, as names are
    learned, matched and keyed), and mentions moved between it and the text as written.
    Each character of the composed text comes from one letter of the written text with the
    marks that follow it, and spans are moved to whole letters, so none cuts a letter from
    its accent. A text already in NFC (nearly every one) is its own view."""

    def __init__(self, text: str):
        self.written = text
        self.text = text
        self._forward: list[tuple[int, int]] | None = None  # per written character: composed (start, end)
        self._back: list[tuple[int, int]] | None = None  # per composed character: written (start, end)
        if not unicodedata.is_normalized("NFC", text):
            self._compose()

    def _compose(self) -> None:
        parts: list[str] = []
        forward: list[tuple[int, int]] = []
        back: list[tuple[int, int]] = []
        size, start, at = len(self.written), 0, 0
        while start < size:
            end = start + 1
            while end < size and _is_mark(self.written[end]):
                end += 1
            letter = unicodedata.normalize("NFC", self.written[start:end])
            parts.append(letter)
            forward += [(at, at + len(letter))] * (end - start)
            back += [(start, end)] * len(letter)
            start, at = end, at + len(letter)
        self.text = "".join(parts)
        self._forward, self._back = forward, back

    def forward(self, mentions: Iterable[Mention]) -> list[Mention]:
        """Mentions of the written text as mentions of the composed one."""
        if self._forward is None:
            return list(mentions)
        moved = []
        for m in mentions:
            start, end = self._forward[m.start][0], self._forward[m.end - 1][1]
            text = self.text[start:end]
            # (an entity `back` named only because the written words differ from it)
            moved.append(Mention(start, end, text, m.type, m.source, "" if m.original == text else m.original))
        return moved

    def back(self, mentions: Iterable[Mention]) -> list[Mention]:
        """Mentions of the composed text as mentions of the written one: the words as
        written, the entity as composed."""
        if self._back is None:
            return list(mentions)
        moved = []
        for m in mentions:
            start, end = self._back[m.start][0], self._back[m.end - 1][1]
            moved.append(Mention(start, end, self.written[start:end], m.type, m.source, m.entity))
        return moved


def _is_mark(char: str) -> bool:
    """A combining mark, which belongs to the letter before it."""
    return unicodedata.combining(char) != 0 or unicodedata.category(char) in ("Mn", "Mc", "Me")
