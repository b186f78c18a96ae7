"""Recognisers that propose mentions from capitalisation and context, where NER and the
patterns may have left a name alone: runs of capitalised words ("the Duchess of Kent"),
hospital acronyms ("the LGI"), possessives standing for places ("at Jimmy's"), names
listed with a known one ("Noah and Hope"), front-matter dates; and NER's own entities,
trimmed to the name they hold. What they find are guesses: the detector keeps them only
where nothing more trusted was found (`resolve`).
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from qda.pseudonymise.allow import overlapping
from qda.pseudonymise.english import base_name, compound, english, ordinary, starts_sentence, word_in_capitals
from qda.pseudonymise.entities import Mention
from qda.pseudonymise.patterns import NAME_WORD, RELATION_WORDS, TITLES, TWO_LETTER_TERMS
from qda.pseudonymise.resolve import covered
from qda.pseudonymise.words import (CALENDAR, GENERIC_ACRONYMS, GREETINGS, INSTITUTION_WORDS, METHOD_TAIL,
                                    NOT_IDENTIFYING, NUMBER_WORDS, TALK)

#: spaCy NER labels taken, and the type each becomes (DATE comes from the patterns, which
#: find calendar dates rather than "last week").
NER_TYPES = {"PERSON": "PERSON", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "ORG": "ORG"}
_CAPITALISED_WORD = re.compile(r"\b[A-Z](?:[a-z][\w\-]*|[A-Z]+\b)")  # not "I"
_HYPHEN_REST = re.compile(r"-([a-z]+)\b(?!-)")
#: A compass point, joined to a place name either side ("North East Lincolnshire", "west Fife").
COMPASS = r"(?:[Nn]orth|[Ss]outh)(?:[ \t-](?:[Ee]ast|[Ww]est))?|[Ee]ast|[Ww]est"
_COMPASS_ONLY = re.compile(COMPASS)
_NAME_AFTER = re.compile(rf"[ \t]+{NAME_WORD}")
_MULTIWORD_RUN = re.compile(r"\b[A-Z][\w\-]*(?:[ \t]+[A-Z][\w\-]*)+")
# A run of capitalised words, with the small words names hold ("Duchess of Kent",
# "Newcastle upon Tyne", "Ursula von der Leyen", "Comhairle nan Eilean Siar", "Pont y
# Gof"); hyphens with small words inside a word ("Stoke-on-Trent").
_NAME = rf"{NAME_WORD}(?:-(?:[a-z]{{1,5}}-)+[A-Z][a-z]+)?(?:['’]s)?"
# Gaelic names hold "a'" and mutate after a particle ("Màiri Nic a' Phearsain", "Mac an tSaoir").
_CAPITALISED_RUN = re.compile(
    rf"(?<![\w'’\-]){_NAME}(?:[ \t]+(?:(?:of|of the|the|for|upon|under|de|da|du|del|der|van|von|la|le|bin|binti|"
    rf"ibn|ap|y|yr|an|na|nan|a['’]|Ó|Uí)[ \t]+(?:[thnbmdg](?=[A-Z]))?|(?:al|el|ul|ud|ad)-)?{_NAME})*"
    r"(?![\w'’\-])")
_NAME_S_AFTER = re.compile(r"[.;!?]|[ \t]+(?:are|were|have|do|did|came|come|gave|give|helped|help|run|ran|offered|"
                           r"sent|provided|paid|funded)\b")
SMALL_WORDS = frozenset(
    "of the for upon under de da du del der van von la le bin binti ibn ap y yr an na nan a' a’ Ó Uí".split())
_LEADING = frozenset("the this that these those mum mam mom mummy dad daddy baby nan nana nanna nanny gran granny "
                     "grandma grandad granddad grandpa auntie aunty aunt uncle our".split()) | GREETINGS
_NAMING_TITLES = frozenset("lady sir dame lord bishop canon saint st queen king prince princess cardinal".split())
_LEADING_ADJECTIVES = frozenset("little big young old poor".split())  # part of a name when capitalised
# Ordinary words that start place names ("North Cambs", "Upper Wharfedale"): kept with the
# name after them when that is no English word, even at the start of a sentence.
PLACE_PREFIXES = frozenset("North South East West Upper Lower Great Little Nether Old New High Long".split())
# A lone possessive where a place stands: "the consultant at Jimmy's,", "round at Beryl's
# and" (not "at Mum's": relations are in _LEADING).
_POSSESSIVE_PLACE = re.compile(
    rf"\b(?:at|to|from|into|outside)[ \t]+(?P<v>{NAME_WORD}['’]s)(?=[ \t]*[,.;:!?)]|[ \t]+(?:and|or|in|on|for|with|"
    r"till|until|where|when|because|but|yesterday|today|tonight|every|last|this|that|down|up|over|near|by|off)\b)")
#: Titles, case-folded ("mrs", "dr", "prof").
TITLE_WORDS = frozenset(t.casefold() for t in TITLES) | frozenset("mr mrs ms miss dr prof sir dame mx".split())
# Words before a name that say it is a place.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|from|to|near|round|around|towards|outside|past|across|via|of|into)"
                           r"[ \t]+(?:the[ \t]+)?$")
_DETERMINERS = frozenset("his her their my your our a an the its".split())
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_DATE = re.compile(r"^[ \t]*[\w \-]*date[\w \-]*:[ \t]*(?P<v>[^\n]*\d[^\n]*?)[ \t]*$",
                         re.MULTILINE | re.IGNORECASE)
_WEEKDAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+(?:the[ \t]+)?")
# An acronym standing alone after "the" that names a hospital: "the LGI", "the QEH", "the
# QE in King's Lynn", "the L&D", "at the JR"; and
# one where an organisation stands: "the IDAS group", "from YSS".
_HOSPITAL_ACRONYM = re.compile(
    r"(?<=\b[Tt]he )(?:[A-Z]{2,4}(?<=[HI])\b(?![’'-])|[A-Z]{2,4}(?=[ \t]+in[ \t]+[A-Z])|[A-Z]{1,3}&[A-Z]{1,2}\b)"
    r"|(?<=\bat the )[A-Z]{2,4}\b(?![’'&-])"  # "cleans at the JR"
    # "RMCH", "NGH", "UHW": an acronym for a hospital, also in the possessive ("GGH's forty minutes away")
    r"|\b(?:[A-Z]{2,4}H|UH[A-Z]{1,3})\b(?![&-]|['’](?!s\b))")
# (also one in mixed case: "at NESCol", "from UCLan")
_ACRONYM = re.compile(r"\b(?:the|at|from|with|via|called|named|by|to)[ \t]+"
                      r"(?P<v>[A-Z]{3,6}|(?=(?:[a-z]*[A-Z]){3})[A-Z]{1,5}[a-z]{1,3}[A-Z]{0,2})s?\b(?![’'\-&])")
# A hospital by its initials where someone is admitted or seen: "had been in QA", "went into
# the QE", "the K and C didn't know" (not "A and E").
_ADMITTED = re.compile(r"\b(?:admitted to|taken to|taken into|been in|went into|gone into|go into|was in|were in|"
                       r"born at|born in|seen at|seen in|transferred to)[ \t]+(?:the[ \t]+)?"
                       r"(?P<v>[A-Z]{2,4})\b(?![’'\-&])"
                       r"|\b[Tt]he[ \t]+(?P<w>(?!A and E\b)[A-Z] and [A-Z])\b")
# A name and an acronym: "Poplar HARCA", "Bolton CVS" (an organisation named by its place).
# Any other acronym no list knows: the trades' acronyms are listed (GENERIC_ACRONYMS), so
# one that is not names someone or something ("CFINE", "RABI", "MK"; "DK said" is a person).
_LONE_ACRONYM = re.compile(r"(?<![\w'’\-&/.])(?:[A-Z]{2,6}|[A-Z]{1,2}&[A-Z]{1,2})(?=['’]s\b|(?![\w\-&/'’:]))")
_ROMAN = re.compile(r"[IVXL]+")
_NAMED_ACRONYM = re.compile(rf"\b(?P<name>{NAME_WORD})[ \t]+(?P<v>[A-Z]{{3,6}})\b(?![’'\-&])")
# A list of names: "Bradford, Leeds and Wakefield", "Noah and Hope".
_LIST = re.compile(rf"(?<![\w'’\-])(?:{_NAME}(?:[ \t]+{_NAME})?,[ \t]+)*{_NAME}(?:[ \t]+{_NAME})?,?[ \t]+"
                   rf"(?:and|&|or)[ \t]+(?:(?:little|baby|young|our)[ \t]+)?{_NAME}(?:[ \t]+{_NAME})?(?![\w'’])")
_HYPHENED = re.compile(r"(?<![\w'’\-])[A-Z][a-zâêîôûŵŷ]+(?:['’][a-z]+)?(?:-[a-zâêîôûŵŷ]+)*-([a-zâêîôûŵŷ]+)"
                       r"(?![\w'’\-])")
_WELSH_ARTICLE = re.compile(rf"\bYr?[ \t]+({NAME_WORD})\b(?!['’])")
_ONE_THING_AFTER = re.compile(r"(?:,[ \t]+which)?[ \t]+(?:is|was|has|covers|isn['’]t|wasn['’]t)\b")
_LIST_ITEM = re.compile(rf"{_NAME}(?:[ \t]+{_NAME})?")


def front_matter_dates(text: str) -> list[Mention]:
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


def from_entity(label: str, words: list[tuple[int, int, str]], text: str, named: set[str]) -> Mention | None:
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
            words[0][2].casefold() in _LEADING or words[0][2].casefold().rstrip(".") in TITLE_WORDS
            or words[0][2] in _LEADING_ADJECTIVES or ordinary(words[0][2], words[0][0], text, named)):
        words.pop(0)
    if type_ == "PERSON" and len(words) > 1 and words[-1][2] in ("'s", "’s"):
        words.pop()
    if not words or (len(words) == 1 and words[0][2].casefold() in _LEADING):  # "sat with Bridie and Granny"
        return None
    start, end = words[0][0], words[-1][1]
    compass = _COMPASS_ONLY.fullmatch(text[start:end]) and _NAME_AFTER.match(text, end)
    if type_ == "PLACE" and compass:
        end = compass.end()  # NER's "North East" of "North East Lincolnshire"
    span = text[start:end]
    markup = re.search(r"[<>|{}\[\]]", span)  # "Kerys Lloyd>Ring" in a WebVTT voice tag
    if markup:
        span = span[:markup.start()].rstrip()
        end = start + len(span)
    if "\n" in span or ":" in span or len(span) < 2 or not any(c.isupper() for c in span):
        return None
    if ", " in span and not re.search(r",.* (?:and|&) ", span):
        return None  # "gone over to Hereford, Carys is doing...": two names (not "Friends, Families and Travellers")
    if len(words) == 1 and span.casefold() in NUMBER_WORDS:
        return None
    rest = _HYPHEN_REST.match(text, end)
    if rest and english(rest.group(1)):
        return None  # "Post" of "a Post-it": part of a word
    if type_ != "PERSON" and span.rstrip("s").isupper() and len(span) <= 6:
        return None
    if len(words) == 1 and ordinary(span, start, text, named):
        return None
    return Mention(start, end, span, type_, "ner")


def new_capitals(line: str, named: set[str], seen: set[str]) -> set[str]:
    """The capitalised words of a line not in `seen` and not ordinary English words at the
    start of a sentence, and its runs of several capitalised words not seen as a whole
    ("Home-Start Craven" is new even when "Craven" is known)."""
    words = {m.group() for m in _CAPITALISED_WORD.finditer(line)
             if m.group() not in seen and m.group().casefold() not in seen
             and not ordinary(m.group(), m.start(), line, named)}
    runs = {m.group() for m in _MULTIWORD_RUN.finditer(line) if m.group() not in seen}
    return words | runs


def guesses(text: str, named: set[str]) -> list[Mention]:
    """Names NER may have left alone: runs of capitalised words that are not generic and
    either stand inside a sentence ("in his Wickes overalls", "the Duchess of Kent",
    "that's Baz, Barry Hutton") or hold a word no English lexicon knows ("Ince and Little
    Hulme mostly" starting a turn). Guesses, so they only fill gaps (source
    "guess"); typed as places after "in", "at", "from"..., as organisations when they end
    in an institution's word or follow "his", "the"..., else as a person (one word)."""
    found = []
    for match in _CAPITALISED_RUN.finditer(text):
        words = [(match.start() + m.start(), m.group()) for m in re.finditer(r"\S+", match.group())]
        at_start = starts_sentence(text, words[0][0])
        if at_start:
            while words and (ordinary(words[0][1], words[0][0], text, named)
                             or words[0][1].casefold() in _LEADING | _LEADING_ADJECTIVES) and not (
                    words[0][1] in PLACE_PREFIXES and len(words) > 1 and not english(words[1][1])):
                # "But Dr Sandhu" -> "Dr Sandhu"; "Mum Leanne" -> "Leanne". After a small
                # word ("From Street up to...", "It's Ivy's") the rest stands inside the
                # sentence; after an article or a word of content ("The Independent
                # Reviewing Officer", "Detective Constable") it still starts it.
                popped = base_name(words.pop(0)[1].casefold())
                at_start = popped in ("the", "a", "an") or popped not in STOP_WORDS
        for part in _split_run(words):
            # "Lady Lumley's", "Sir John Deane's": a title naming an institution stays.
            if not (len(part) > 1 and part[0][1].casefold() in _NAMING_TITLES and part[-1][1].endswith(("'s", "’s"))):
                while part and (part[0][1].casefold().rstrip(".") in TITLE_WORDS or part[0][1].casefold() in SMALL_WORDS
                                or base_name(part[0][1]).casefold() in _LEADING):
                    part.pop(0)
            while part and part[-1][1].casefold() in SMALL_WORDS:
                part.pop()
            if not part:
                continue
            start = part[0][0]
            end = part[-1][0] + len(part[-1][1])
            bare = [base_name(w) for _, w in part]
            # Still the start of the sentence ("Detective Constable"): only a word no
            # lexicon knows makes it a name.
            if (at_start or starts_sentence(text, start)) and all(english(w) or w in NOT_IDENTIFYING for w in bare):
                continue
            if all(w.casefold() in STOP_WORDS for w in bare) or (len(bare) == 1 and compound(bare[0])
                                                                  and starts_sentence(text, start)):
                continue  # "No", "Caseloads." starting a turn
            if len(bare) == 1 and bare[0].casefold() in NUMBER_WORDS:
                continue  # "Fourteen, living with her nan"
            type_ = _guess_type(text, start, bare)
            span = text[start:end]
            # A person's or place's "'s" is theirs ("Tyrese's"); "Sainsbury's", "Royal Manchester
            # Children's" are names.
            if span.endswith(("'s", "’s")) and len(part) == 1 and _owns_its_s(text, bare[0], end):
                type_ = "ORG"
            if span.endswith(("'s", "’s")) and type_ != "ORG" and len(part) == 1:
                end, span = end - 2, span[:-2]
            if len(span) < 2 or span.casefold() in RELATION_WORDS:  # "Stepdad, Wayne Hiscox"
                continue
            found.append(Mention(start, end, span, type_, "guess"))
    return found


def _owns_its_s(text: str, name: str, after: int) -> bool:
    """Whether the "'s" ending at `after` is the name's own ("Barnardo's are helping", "through
    Barnardo's."): before a full stop or a plural verb it neither owns nor shortens "is", and
    the name is never written without it ("round at Leanne's." is Leanne's house)."""
    return bool(_NAME_S_AFTER.match(text, after)) and not re.search(rf"\b{re.escape(name)}\b(?!['’]s\b)", text)


def welsh_places(text: str) -> list[Mention]:
    """Welsh places written with lower-case parts: "Castell-nedd", "Godre'r-graig",
    "Pen-y-bont" (the last part no English word: not "Pre-birth", "Anti-social"); or with
    the article: "Y Drenewydd", "Yr Wyddgrug"."""
    found = [Mention(m.start(), m.end(), m.group(), "PLACE", "pattern") for m in _HYPHENED.finditer(text)
             if len(m.group(1)) >= 3 and not english(m.group(1))]
    return found + [Mention(m.start(), m.end(), m.group(), "PLACE", "pattern") for m in _WELSH_ARTICLE.finditer(text)
                    if not english(m.group(1))]


def _split_run(words: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """A run of words split at words that identify nobody ("Tuesday", "English", "I'm");
    an ordinary word before a holiday goes with it ("New Year", "Good Friday")."""
    parts: list[list[tuple[int, str]]] = [[]]
    for i, (start, word) in enumerate(words):
        bare = base_name(word)
        # ("Christ the King" holds; "College of West Anglia for English" ends before "for")
        joined = any(0 <= j < len(words) and words[j][1] in SMALL_WORDS - {"for"} for j in (i - 1, i + 1))
        if (word in NOT_IDENTIFYING or bare in NOT_IDENTIFYING) and not joined:
            if (bare in CALENDAR or bare == "Year") and len(parts[-1]) == 1 and english(parts[-1][0][1]):
                parts[-1] = []
            parts.append([])
        else:
            parts[-1].append((start, word))
    return [p for p in parts if p]


def method(name: str) -> bool:
    """A method, programme, plan or order named in English words ("Freedom Programme")."""
    words = name.split()
    return len(words) > 1 and words[-1] in METHOD_TAIL and all(english(w) for w in words)


def _guess_type(text: str, start: int, words: list[str]) -> str:
    """A place after "in", "at", "from"...; an organisation after "the", "his"... or made of
    four capitalised words or more, or with "of", "for"... ("Places for People"); else a
    person ("Holly Hall does...", "that's Baz", "Deirdre Mac an tSaoir")."""
    before = text[max(0, start - 20):start]
    if _PLACE_BEFORE.search(before):
        return "PLACE"
    previous = before.split()[-1].casefold() if before.split() else ""
    if previous in _DETERMINERS or sum(w[:1].isupper() for w in words) > 3 or any(
            w in ("of", "the", "for", "upon", "under") for w in words):
        return "ORG"
    return "PERSON"


def hospital_acronyms(text: str) -> list[Mention]:
    """"the LGI", "the QEH": an acronym after "the" ending in I(nfirmary) or H(ospital);
    "the IDAS group", "from YSS": an acronym that names no trade, role or service, where
    an organisation stands; "Poplar HARCA": one after a name; and any acronym no list
    knows, an organisation (two letters: a person's initials)."""
    found = [Mention(m.start(), m.end(), m.group(), "HEALTH", "guess") for m in _HOSPITAL_ACRONYM.finditer(text)
             if m.group() not in GENERIC_ACRONYMS and m.group() not in TWO_LETTER_TERMS
             and m.group() not in NOT_IDENTIFYING]
    for m in _ACRONYM.finditer(text):
        if m.group("v") not in GENERIC_ACRONYMS and m.group("v") not in NOT_IDENTIFYING:
            found.append(Mention(m.start("v"), m.end("v"), m.group("v"), "ORG", "guess"))
    for m in _ADMITTED.finditer(text):
        group = "v" if m.group("v") else "w"
        if m.group(group) not in GENERIC_ACRONYMS and m.group(group) not in TWO_LETTER_TERMS:
            found.append(Mention(m.start(group), m.end(group), m.group(group), "HEALTH", "guess"))
    for m in _NAMED_ACRONYM.finditer(text):
        name, acronym = m.group("name"), m.group("v")
        if (acronym not in GENERIC_ACRONYMS and acronym not in NOT_IDENTIFYING and name not in NOT_IDENTIFYING
                and name.casefold() not in STOP_WORDS | TALK):
            found.append(Mention(m.start(), m.end(), m.group(), "ORG", "guess"))
    for m in _LONE_ACRONYM.finditer(text):
        word = m.group()
        if (word not in GENERIC_ACRONYMS and word not in TWO_LETTER_TERMS and word not in NOT_IDENTIFYING
                and not _ROMAN.fullmatch(word) and not word_in_capitals(word)):
            found.append(Mention(m.start(), m.end(), word, "PERSON" if len(word) == 2 else "ORG", "guess"))
    return found


def initial_dot(text: str, start: int, end: int) -> bool:
    """Whether the span ends in an initial's full stop ("G.D."), which is part of it."""
    return text[end - 1] == "." and end - 2 >= start and text[end - 2].isupper() and (
        end - 3 < start or not text[end - 3].isalpha())


def possessive_boundary(mention: Mention, text: str, occurrences: list[tuple[int, int]]) -> Mention:
    """A run that goes on from a name's "'s" into an allow-listed term ends before the "'s":
    "Kerry-Ann's National Insurance" is Kerry-Ann's number, not a name; one that starts
    with a term's "'s" starts after it: "GP's Matson Lane Surgery" is the GP's surgery. An
    institution ending in the term is named after its place: "St Ann's Children's Centre"."""
    institution = mention.source == "pattern" and mention.type in ("SCHOOL", "HEALTH", "ORG")
    for start, end in overlapping(occurrences, mention.start, mention.end):
        if institution and end == mention.end:
            continue
        if start <= mention.start < end and re.match(r"['’]s[ \t]+", text[end:end + 3]):
            cut = end + len(re.match(r"['’]s[ \t]+", text[end:end + 3]).group())
            if cut < mention.end:
                return Mention(cut, mention.end, text[cut:mention.end], mention.type, mention.source,
                               mention.original)
        if mention.start < start < mention.end and not (institution and mention.text.split()[-1] in INSTITUTION_WORDS):
            # (but "St Hedwig's Polish Catholic Church" is one name)
            before = text[mention.start:start].rstrip()
            if before.endswith(("'s", "’s")) and len(before) > 2:
                cut = mention.start + len(before) - 2
                return Mention(mention.start, cut, text[mention.start:cut], mention.type, mention.source,
                               mention.original)
    return mention


def possessive_places(text: str) -> list[Mention]:
    """"at Jimmy's,": a name in the possessive standing for a place (a hospital, a shop, a
    friend's house), typed as an organisation; a guess, so a known person keeps the name."""
    return [Mention(m.start("v"), m.end("v"), m.group("v"), "ORG", "guess") for m in _POSSESSIVE_PLACE.finditer(text)
            if m.group("v")[:-2].casefold() not in _LEADING and m.group("v")[:-2] not in NOT_IDENTIFYING]


def coordinated(text: str, chosen: list[Mention]) -> list[Mention]:
    """Names listed with a person or place found ("Noah and Hope", "Ince and Little
    Hulme", "Bradford, Leeds and Wakefield") are people or places too, even where they
    are also words or start a sentence."""
    typed = {(m.start, m.end): m.type for m in chosen if m.type in ("PERSON", "PLACE", "ORG")}
    if not typed:
        return []
    taken = covered([(m.start, m.end) for m in chosen], len(text))
    found = []
    for match in _LIST.finditer(text):
        items = [(m.start() + match.start(), m.end() + match.start())
                 for m in _LIST_ITEM.finditer(match.group())]
        types = {typed[(s, e)] for s, e in items if (s, e) in typed}
        if (types and len(items) == 2 and re.fullmatch(r"[^,]+ and [^,]+", match.group())
                and _ONE_THING_AFTER.match(text, match.end())):
            # "Dumfries and Galloway is huge", "went to Chorley and South Ribble, which is...":
            # two names and a singular verb are one place.
            found.append(Mention(match.start(), match.end(), match.group(), "PLACE", "guess"))
            continue
        if len(types) != 1:
            continue
        type_ = types.pop()
        for start, end in items:
            span = text[start:end]
            if span.endswith(("'s", "’s")):
                end, span = end - 2, span[:-2]
            if (any(taken[start:end]) or span in NOT_IDENTIFYING or span.casefold() in _LEADING
                    or span.casefold() in STOP_WORDS | TALK):
                continue  # "Bridie and Granny", "He and Craig talked", "Oh, and Kayleigh"
            found.append(Mention(start, end, span, type_, "guess"))
    return found
