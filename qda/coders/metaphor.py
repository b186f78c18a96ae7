"""The up/down metaphor coder: spatial up/down language used of category, risk, priority
or intensity (Lakoff and Johnson's MORE IS UP), told apart from literal movement.

Word lists alone cannot tell "went up to CP" from "went up to the office", so a sentence
holding a candidate word is parsed and the candidate is judged by what governs it and
what it reaches through the parse: the verb it belongs to, the object of its preposition
("down to CiN", "up the hill"), the noun an adjective modifies ("higher level") and the
"of" phrase of a position noun ("top of the list"). Sentences without a candidate word
are never parsed.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .base import Match
from .metaphor_words import (
    DIRECTIONS, DIRECTION_WORDS, RANKED_BY_HYPHEN, RATINGS, SIZED, KIN, MANAGING,
    POSITIONS, LEVELS, ENDS, STOREYS, ALWAYS_FIGURATIVE,
    VERTICAL_VERBS, DESTINATION_ONLY, RAISED_LINES, RUNGS, HOVERING, RUNG_NOUNS,
    CANDIDATES, ACRONYMS, DOMAIN, PHYSICAL, ROOMS, TRAVEL,
    FILED_UNDER, CROSSED, DEGREES, POINTERS, QUANTITIES, SCALES,
    PAPER, POSITION_ONLY, STEP_VERBS, NON_VERTICAL, READING, AGITATION,
    MOTION_VERBS, CASE_PRONOUNS, DISPLACE, TALK, STAFF, TASKS,
    PEOPLE, CASE_MOVERS, CATEGORY_RUNGS, PAGES, CONTEXT, PREPOSITIONS,
    VENUES, DESTINATIONS, TREND_NOUNS, LIMITS, ARRIVING, CATEGORY_NAMES,
)


class MetaphorCoder:
    """Finds figurative up/down language; code id `up_down` by default."""

    source = "metaphor"

    def __init__(self, nlp: Language, code: str = "up_down"):
        self.nlp = nlp
        self.code = code
        hashed = lambda words: frozenset(nlp.vocab.strings.add(w) for w in words)  # noqa: E731
        self._candidates, self._always = hashed(CANDIDATES), hashed(ALWAYS_FIGURATIVE)
        self._context, self._cases = hashed(CONTEXT), hashed(CASE_PRONOUNS)
        self._child_in_need, self._early_help = hashed({"child", "need"}), hashed({"early", "help"})
        self._levels, self._hyphen_ranks = hashed(LEVELS), hashed(RANKED_BY_HYPHEN)
        self._moves = hashed(DIRECTIONS | DIRECTION_WORDS | LEVELS)
        self._placed, self._case = hashed(VERTICAL_VERBS | ENDS), hashed({"case"})
        self._motion, self._displace = hashed(MOTION_VERBS | CASE_MOVERS | {"sit"}), hashed(DISPLACE)
        self._positions, self._hovering = hashed(POSITIONS), hashed(HOVERING)
        self._simile = hashed({"up", "down", "like"})
        self._ranked_cases = hashed({"end", "case"})  # "three high-end cases"
        self._heights = hashed(LEVELS | ENDS)

    def needs_parse(self, words: set[int]) -> bool:
        """Parse only sentences with a candidate word and something it could be about: a
        category or risk word, a stepping verb, or a moving case ("it came back down").
        `words` holds hashes of the sentence's lower-case forms and lemmas."""
        if words.isdisjoint(self._candidates):
            return False
        if not words.isdisjoint(self._always) or not words.isdisjoint(self._context):
            return True
        if self._child_in_need <= words or self._early_help <= words:
            return True  # "down to plain child in need", spelled out; "dropped it to early help"
        if not words.isdisjoint(self._levels) and not words.isdisjoint(self._hyphen_ranks):
            return True  # "her needs are lower", "high-tariff cases", "low-grade neglect"
        # Without those, only a case or situation moving or sitting up, down or higher ("it
        # came back down", "it's sat lower"), cases sinking or left at the bottom, work
        # shunted up or down, something hovering just under, or up and down like a yo-yo
        # can be figurative: "it fell over" or "they all went to the top floor" need no parse.
        moving = not words.isdisjoint(self._moves) and not words.isdisjoint(self._motion)
        placed = not words.isdisjoint(self._placed)
        hovering = not words.isdisjoint(self._positions) and not words.isdisjoint(self._hovering)
        return (hovering or self._simile <= words
                or (self._ranked_cases <= words and not words.isdisjoint(self._heights))
                or (moving and not words.isdisjoint(self._cases))
                or (placed and not words.isdisjoint(self._case))
                or ((moving or placed) and not words.isdisjoint(self._displace)))

    def find(self, sentences: list[Span], words: list[set[int]], parses: dict[int, Doc]) -> list[tuple[int, Match]]:
        found: list[tuple[int, Match]] = []
        for i, parsed in parses.items():
            if not self.needs_parse(words[i]):
                continue  # parsed for another coder
            base = sentences[i].start_char
            for token in parsed:
                judged = judge(token)
                if judged is None:
                    continue
                rule, evidence, confidence = judged
                span = _covering(parsed, evidence)
                found.append(
                    (i, Match(self.code, base + span.start_char, base + span.end_char, rule,
                              " ".join(t.text for t in evidence), confidence, self.source))
                )
        return _one_per_span(found)


def judge(token: Token) -> tuple[str, list[Token], float] | None:
    """(rule id, evidence tokens, confidence) when `token` is figurative up/down, else None."""
    lemma = token.lemma_
    if lemma in ALWAYS_FIGURATIVE or token.lower_ in ALWAYS_FIGURATIVE:
        return "metaphor.escalate", [token], 0.95
    if lemma in DIRECTIONS or token.lower_ in DIRECTION_WORDS:
        return _judge_direction(token)
    if lemma in TREND_NOUNS and token.pos_ == "NOUN":  # "an uptick in the risk", "a downturn in concerns"
        held = [t for c in token.children if c.lower_ in ("in", "of") for t in _coordinated(_object_of(c))]
        ranked = next((t for t in held if _ranked(t)), None)
        return ("metaphor.direction", [token, ranked], 0.85) if ranked is not None else None
    if lemma in LIMITS and token.dep_ == "pobj" and token.head.lower_ == "through":
        # "the risk went through the floor", "the level of need was through the roof"
        # (not "the bills went through the roof", "my caseload went through the roof": a count or price)
        subject = _subject(token.head.head)
        return ("metaphor.vertical", [subject, token.head, token], 0.8) \
            if subject is not None and _ranked(subject) and subject.lemma_ not in SIZED else None
    if token.lower_ in STOREYS:
        verb = token.head
        domain = [t for t in _destinations(verb) + _destinations(token) if _is_domain(t)]
        return ("metaphor.direction", [verb, token, domain[0]], 0.9) if domain else None
    if lemma in POSITIONS:
        if lemma == "under" and _opens_sentence(token):
            return None  # "Under CiN, parents couldn't have told you why we were there": the regime
        for target in _position_objects(token) or _pointer_after(token):
            if lemma in ("under", "over") and _named(target, FILED_UNDER):
                continue
            if lemma == "over" and target.lemma_ in CROSSED:
                if token.head.lemma_ == "sit" or any(c.lower_ in DEGREES for c in token.children):
                    return "metaphor.position", [token, target], 0.85  # "sitting over the line", "well over the line"
                continue  # "not over the line yet": crossing it, not above it
            if _is_domain(target, position=True) and not _literal_paper(target):
                return "metaphor.position", [token, target], 0.9
            if lemma != "over" and target.lower_ in POINTERS:
                # "he's under it", "anything below that": a category, threshold or list
                # named in the same sentence ("they've their own threshold and he's under it")
                named = _named_in_sentence(token, target)
                if named is not None:
                    return "metaphor.position", [named, token, target], 0.85
        # "a threshold ... you're either over or under": a pair of positions with nothing
        # after them stands on what the sentence names.
        pair = next((c for c in token.children if c.dep_ == "conj" and c.lemma_ in POSITIONS), None)
        if pair is not None and not _position_objects(token) and not _position_objects(pair):
            named = _named_in_sentence(token, pair)
            if named is not None:
                return "metaphor.position", [named, token, pair], 0.85
        if lemma != "over" and token.head.lemma_ in HOVERING and not _position_objects(token) \
                and any(c.lower_ in ("just", "right") for c in token.children):
            return "metaphor.position", [token.head, token], 0.8  # "it hovered just underneath"
        if token.dep_ == "prep" and token.head.pos_ == "NOUN" and token.head.lemma_ in CATEGORY_RUNGS:
            return "metaphor.position", [token.head, token], 0.85  # "there's a tier above them now"
        if lemma in ("underneath", "beneath", "below", "above") and token.dep_ == "advmod" \
                and token.head.pos_ == "NOUN" and _is_domain(token.head):
            return "metaphor.position", [token.head, token], 0.8  # "the CiN cases underneath"
        return None
    if lemma in VERTICAL_VERBS and token.pos_ == "VERB":
        if any((c.dep_ == "prt" and c.lower_ == "off") or c.lower_ == "apart" for c in token.children):
            return None  # "if CP conferences drop off": fewer of them; "the doorstep's falling apart"
        if _to_a_place(token):
            return None  # "she climbed the ladder to the top bunk": a real ladder
        targets = _destinations(token) if lemma in DESTINATION_ONLY else _targets(token, token)
        domain = [t for t in targets if _ranked(t)]  # not "CP numbers have been climbing"
        domain += [c for c in token.children if c.dep_ in ("dobj", "nsubjpass") and c.lemma_ in RAISED_LINES
                   and not _tolerance(c)]
        domain += [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")
                   and (c.lemma_ in RATINGS or c.lower_ in RATINGS)  # ("rating" is lemmatised "rate")
                   and (c.lemma_ == "priority" or any(_ranked(m) for m in c.children if m.dep_ in ("compound", "amod")))]
        if domain:
            return "metaphor.vertical", [token, domain[0]], 0.9  # also "they raised the risk rating"
        moved = _case_object(token)
        if lemma == "ratchet" and moved is not None:
            return "metaphor.vertical", [token, moved], 0.8  # "it was right to ratchet it"
        subject = _subject(token)
        sunk_into = any(c.dep_ == "prep" and c.lower_ in ("into", "onto", "in", "on") for c in token.children)
        if subject is not None and subject.lemma_ in ("case", "family") and not sunk_into:  # not "sank into the sofa"
            return "metaphor.vertical", [subject, token], 0.8  # "the neglect cases just sink", "families just sink"
        under = next((c for c in token.children if c.lower_ in ("under", "beneath") and c.dep_ == "prep"), None)
        buried = _object_of(under) if under is not None else None
        if buried is not None and buried.lower_ in ("everything", "rest"):
            return "metaphor.vertical", [token, under, buried], 0.8  # "it sank under everything else"
        return None
    if token.lower_ in RUNGS and token.pos_ == "NOUN":  # (lemmatised "ring" by the lookup)
        return "metaphor.rung", [token], 0.85
    if lemma in LEVELS or token.lower_ in LEVELS:
        return _judge_level(token)
    if lemma in ENDS:
        return _judge_end(token)
    return None


def _pointer_after(token: Token) -> list[Token]:
    """"underneath that there was...": a pointer right after a position word, which the
    parser hung elsewhere (as a conjunction's "that")."""
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return [following] if following is not None and following.lower_ in POINTERS else []


def _named_in_sentence(token: Token, other: Token) -> Token | None:
    """A category, threshold or list named in the sentence (not `other`), which a position
    word without its own object stands on."""
    return next((t for t in token.sent if t.i != other.i and _is_domain(t, position=True) and not _literal_paper(t)),
                None)


def _judge_end(token: Token) -> tuple[str, list[Token], float] | None:
    if token.dep_ in ("amod", "compound") and _named(token.head, ROOMS):
        return None  # "the top bunk", "the top shelf"
    if token.dep_ in ("amod", "compound") and token.head.lemma_ in CATEGORY_RUNGS:
        return "metaphor.end", [token, token.head], 0.85  # "on the top tier", "top-tier stuff"
    if token.dep_ in ("amod", "compound") and token.head.lemma_ == "end":  # "the very top end of CiN"
        of, target = _of_phrase(token.head)
        if target is not None and _is_domain(target):
            return "metaphor.end", [token, token.head, of, target], 0.9
    of, target = _of_phrase(token)
    if target is not None and _is_domain(target) and not _literal_paper(target):
        if token.head.lower_ == "on" and target.lemma_ not in SCALES:
            return None  # "on top of the CP work": in addition to it
        on = token.head if token.head.lower_ == "on" else next(
            (c for c in token.head.children if c.lower_ == "on" and c.i == token.i - 1), None)  # "keep on top"
        holder = None if on is None else (on.head if on is token.head else token.head)
        if holder is not None and (holder.lemma_ in MANAGING or getattr(_subject(holder), "lower_", "") in PEOPLE):
            return None  # "I can't keep on top of my caseload", "I'm on top of my list": managing it
        return "metaphor.end", [token, of, target], 0.9
    if target is not None and target.lower_ in ("them", "it") and token.head.lower_ != "on":
        # "health have their own lists, and we're not at the top of them" (not "on top of it")
        scale = next((t for t in token.sent if t.i < token.i and _is_scale(t)), None)
        if scale is not None:
            return "metaphor.end", [scale, token, of, target], 0.8
    if of is not None or token.lemma_ == "foot":
        return None  # a foot only as "the foot of the caseload", never alone ("on my feet")
    if token.dep_ == "amod":  # "CP's the top table", "CP is the top tier": the category's place
        noun = token.head
        owners = [c for c in noun.children if c.dep_ == "poss"]
        if noun.dep_ == "attr":
            owners += [c for c in noun.head.children if c.dep_ == "nsubj"]
        owner = next((o for o in owners if _is_domain(o)), None)
        if owner is not None:
            return "metaphor.end", [owner, token, noun], 0.8
    if token.dep_ in ("advmod", "npadvmod", "nmod") and _is_domain(token.head):
        return "metaphor.end", [token.head, token], 0.8  # "then CP up top", "CAF at the bottom, CiN"
    if token.head.lower_ == "across":
        return None  # "if it hasn't got child protection across the top": a heading
    scale = next((t for t in token.sent if t.lemma_ in SCALES), None)
    if scale is not None:
        return "metaphor.end", [scale, token], 0.8  # "the ladder of concern ... near the top"
    # "the CP work goes to the top", "CAF at the bottom, then CiN...": the top or bottom of
    # a ranking, where a category or case is put.
    preposition = token.head if token.dep_ == "pobj" and token.head.lower_ in ("to", "at") else None
    if preposition is not None:
        holder = preposition.head
        while holder.dep_ == "prep" and holder.head is not holder:
            holder = holder.head  # "drift along at the bottom"
        if any(t.dep_ in ("nsubj", "nsubjpass") and t.lemma_ in PAGES for t in token.sent):
            return None  # "the letter still says Child Protection Conference at the top"
        if holder.lemma_ in DISPLACE and _moved_work(holder):
            return "metaphor.end", [holder, preposition, token], 0.75  # "they get shunted to the bottom"
        around = [holder, *(c for c in holder.children if c.dep_ in ("nsubj", "nsubjpass", "dobj"))]
        domain = next((t for t in around if _is_domain(t)), None)
        if domain is not None:
            return "metaphor.end", [domain, preposition, token], 0.8
        subject = _antecedent(_subject(holder))
        if subject is not None and subject.lemma_ == "case":
            return "metaphor.end", [subject, preposition, token], 0.8  # "cases ... left at the bottom"
    return None


def _is_scale(noun: Token) -> bool:
    """A ranking: a list, queue or pile (not paper on a desk), or a pecking order."""
    if noun.lemma_ == "order":
        return any(c.lower_ == "pecking" for c in noun.children)  # not a court order
    return noun.lemma_ in SCALES and not _literal_paper(noun)


def _literal_paper(noun: Token) -> bool:
    """"that pile", "a pile of forms": paper on a desk, not a ranking."""
    if noun.lemma_ not in PAPER:
        return False
    return any(c.dep_ == "det" and c.lower_ != "the" for c in noun.children) or any(
        c.lower_ == "of" for c in noun.children)


def _judge_direction(token: Token) -> tuple[str, list[Token], float] | None:
    compound = _hyphen_partner(token)
    if compound is not None:  # "grown-ups", "check-up"; but "a step-down", "step-up"
        return ("metaphor.step", [compound, token], 0.85) if compound.lemma_ in STEP_VERBS else None
    verb = token.head if token.dep_ != "ROOT" else token
    if verb.lemma_ in TRAVEL:
        return None  # "we drove down to the CiN team": going there
    if verb.lemma_ in ARRIVING and token.lower_ == "up":
        return None  # "dad didn't turn up to the strategy meeting": arriving
    if any(c.dep_ == "prep" and c.lower_ in ("in", "on") and _named(_object_of(c), ROOMS)
           for c in token.children):
        return None  # "the assessment was up in the manager's office", "stuck up on the fridge": where a thing is
    if token.lower_ in DIRECTION_WORDS and token.dep_ == "amod":  # "a downward trend in risk"
        held = [token.head, *(t for c in token.head.children if c.lower_ in ("in", "of")
                              for t in _coordinated(_object_of(c)))]
        ranked = next((t for t in held if _ranked(t)), None)
        return ("metaphor.direction", [token, ranked], 0.85) if ranked is not None else None
    targets = _targets(token, verb)
    # not "our CP figures have come down", nor "my caseload went up to twenty-five" (a count)
    domain = [t for t in targets
              if _ranked(t) and not (t.dep_ in ("nsubj", "nsubjpass") and t.lemma_ in SIZED)]
    # a line moving itself: "the bar for CP has gone up" (not "up to the bar", a pub's)
    domain += [t for t in targets if t.dep_ in ("nsubj", "nsubjpass") and t.lemma_ in RAISED_LINES
               and not _tolerance(t)]
    if verb.lemma_ == "come" and token.lower_ == "up" and any(c.lower_ == "through" for c in (*verb.children, *token.children)):
        return None  # "they came up through the CP teams": a career's route, not a case's move
    if verb.lemma_ in ("be", "'s", "'re") and token.lower_ == "up" and any(
            c.lower_ == "to" and (t := _object_of(c)) is not None and t.lemma_ not in DOMAIN for c in token.children):
        return None  # "it's up to the conference chair whether...": whose decision it is
    if domain:  # even coordinated: "up a rung and down a rung"
        if _to_a_place(verb, token, _object_of(token)):
            return None  # "he went up the ladder to the loft": a real ladder
        if _reads(verb, token):
            return None  # "you'd look down the caseload list", "go down the list and tick off": reading it
        if verb.lemma_ in ("change", "shift") and domain[0].lemma_ == "gear":
            return None  # "I changed down a gear at the bend": driving; "take it up a gear" is not
        return "metaphor.direction", [verb, token, domain[0]], 0.95
    if _up_and_down(token):
        simile = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "like"), None)
        pair = [token, *(c for c in token.children if c.dep_ == "conj")]
        either = any(c.dep_ == "cc" and c.lower_ == "or" for c in token.children)
        if either and not any(_object_of(t) for t in pair) and verb.lemma_ not in AGITATION | TRAVEL \
                and (verb.lemma_ in STEP_VERBS or _case_object(verb) is not None or _is_case(_subject(verb))):
            return "metaphor.direction", [verb, *pair], 0.8  # "step it up or down", "it gets triaged up or down"
        if verb.lemma_ in STEP_VERBS and any(c.dep_ == "dobj" for c in verb.children) \
                and not any(_object_of(t) for t in pair):
            return "metaphor.direction", [verb, *pair], 0.8  # "they'd bumped them up and down so many times"
        if token.lower_ == "up" and simile is not None and verb.lemma_ not in AGITATION \
                and not any(_object_of(t) for t in pair):  # not "up and down those stairs like a yo-yo"
            return "metaphor.direction", [verb, token, simile], 0.75  # "they've been up and down like a yo-yo"
        between = [t for c in (*verb.children, *token.children) if c.lower_ == "between"
                   for t in _coordinated(_object_of(c))]
        if any(_ranked(t) for t in between):
            return "metaphor.direction", [verb, token, between[0]], 0.8  # "yo-yoing up and down between CP and CiN"
        return None  # jumping/pacing up and down: agitation, not degree
    literal_object = token.dep_ == "prep" and _object_of(token) is not None
    if literal_object:
        return None
    if verb.lemma_ in STEP_VERBS:
        if any(_named(t, PHYSICAL) for t in _places(verb) + _places(token)):
            return None  # "a big step down from the back door": a stair
        stepping = _subject(verb)
        alone = verb.lemma_ == "step" and not any(c.dep_ == "dobj" for c in verb.children)
        if alone and stepping is not None and (stepping.lower_ in ("i", "he", "she") or stepping.pos_ == "PROPN"):
            return None  # "I'm stepping down at the end of the year": leaving a post
        if alone and token.lower_ == "up" and stepping is not None \
                and (stepping.lower_ in PEOPLE | {"they", "everyone", "everybody"} or stepping.lemma_ in STAFF | KIN) \
                and all(t.lemma_ in TASKS for t in _destinations(verb) + _destinations(token)):
            return None  # "the new workers really stepped up (to the plate)": rose to it; not "into the pilot"
        return "metaphor.step", [verb, token], 0.85
    rung = token.nbor(-1) if token.i > 0 else None
    if rung is not None and rung.pos_ == "NOUN" and rung.lemma_ in RUNG_NOUNS:
        return "metaphor.direction", [rung, token], 0.85  # "it's a level down from that", "a notch up"
    step = _step_after(token)
    if step is not None and (step.lemma_ in CATEGORY_RUNGS or _case_object(verb) is not None
                             or _is_case(_subject(verb))):
        return "metaphor.direction", [verb, token, step], 0.8  # "we moved it up a level", "up a notch"
    if verb.lemma_ == "come" and any(c.lower_ == "to" for c in verb.children):
        return None  # "that's what it comes down to", "it all comes down to money": it amounts to
    returning = any(c.lower_ in ("back", "again") for c in (*verb.children, *token.children))
    if verb.lemma_ == "go" and token.lower_ == "down" and any(c.lower_ in ("well", "badly") for c in verb.children):
        return None  # "it's gone down well": how it was received
    raised = verb.lemma_ == "come" and any(c.dep_ == "prep" and c.lower_ in ("in", "at", "during")
                                           and _named(_object_of(c), TALK)
                                           for c in (*verb.children, *token.children))
    if verb.lemma_ == "come" and token.lower_ == "up" and (raised or not returning):
        return None  # "if it came up at all", "it came up in supervision again": it arose, in talk
        # ("up it comes again": a case returns)
    if verb.lemma_ in DISPLACE and _moved_work(verb):
        return "metaphor.direction", [verb, token], 0.7  # "they get pushed further down every week"
    moved = _case_object(verb)
    elsewhere = [t for t in _destinations(verb) + _destinations(token) if not _is_domain(t)]  # "down to the car"
    topic = verb.lemma_ == "bring" and token.lower_ == "up" and not returning  # "brought it up at the core group"
    if moved is not None and verb.lemma_ in CASE_MOVERS and not literal_object and not elsewhere and not topic:
        return "metaphor.direction", [verb, moved, token], 0.7  # "push it back up", "we brought it down at review"
    subject = _antecedent(_subject(verb))  # "the gas bill that's gone up": a bill, not a case
    if verb.lemma_ in MOTION_VERBS and _is_case(subject) and not _to_a_place(verb, token):  # "up to the CP building"
        # "it came back down", "things crept back up": a case or situation, not a person, moves
        return "metaphor.direction", [subject, verb, token], 0.7
    return None


def _reads(verb: Token, token: Token) -> bool:
    """Reading down a list, not moving on it: "look down the caseload list", or a person
    going or working down it ("go down the list and tick off who's been seen"; but "it's
    gone down the list", a case)."""
    if _object_of(token) is None:
        return False
    if verb.lemma_ in READING:
        return True
    subject = _subject(verb)
    return verb.lemma_ in ("go", "work") and (subject is None or subject.lower_ in PEOPLE) \
        and _object_of(token).lemma_ == "list"


def _judge_level(token: Token) -> tuple[str, list[Token], float] | None:
    # "a higher level", "high-risk", "the risk is high", "lower down the list"
    noun = token.head if token.dep_ in ("amod", "compound", "advmod", "npadvmod") else None
    if noun is not None and _ranked(noun):
        return "metaphor.level", [token, noun], 0.9
    partner = _hyphen_partner(token)
    if partner is not None and partner.i > token.i and partner.lemma_ in RANKED_BY_HYPHEN:
        return "metaphor.level", [token, partner], 0.85  # "higher-acuity cases", "low-grade neglect"
    if token.dep_ == "conj" and _is_domain(token.head):
        return "metaphor.level", [token.head, token], 0.85  # "it's CCiN or higher"
    if noun is not None and noun.lemma_ == "end":  # "the lower end of Child in Need"
        of, target = _of_phrase(noun)
        if target is not None and _is_domain(target):
            return "metaphor.level", [token, noun, of, target], 0.9
        if of is None and token.lower_ in LEVELS:
            return "metaphor.level", [token, noun], 0.8  # "keep things at the lower end" of the scale
    if token.dep_ in ("advmod", "oprd", "acomp", "xcomp"):  # "the threshold was set lower"
        line = next((c for c in token.head.children if c.dep_ in ("dobj", "nsubjpass") and c.lemma_ in RAISED_LINES
                     and not _tolerance(c)), None)
        if line is not None:
            return "metaphor.level", [line, token.head, token], 0.85
    if token.dep_ in ("acomp", "attr"):
        subject = next((c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and _ranked(subject):
            return "metaphor.level", [subject, token], 0.85
        # "this should be higher up than it is": a case ranked, compared with where it is
        ranked = any(c.lower_ in ("up", "down", "than") for c in (*token.children, *token.head.children))
        ranked_case = subject or _subject(token.head)  # "a case just needs to be higher up"
        if ranked and token.lower_ in ("higher", "lower") and _is_case(ranked_case):
            return "metaphor.level", [ranked_case, token], 0.8
    if any(c.lower_ == "enough" for c in token.children):  # "not high enough to go to conference"
        reached = [t for c in token.children if c.dep_ in ("xcomp", "advcl") for t in _destinations(c)]
        # "not high enough to warrant a conference"
        reached += [t for c in token.children if c.dep_ in ("xcomp", "advcl") for d in c.children if d.dep_ == "dobj"
                    for t in _coordinated(d)]
        reached += [t for c in token.children if c.lower_ == "for" for t in _coordinated(_object_of(c))]
        domain = next((t for t in reached if _ranked(t)), None)
        if domain is not None:
            return "metaphor.level", [token, domain], 0.85
    for than in (c for c in token.children if c.lower_ in ("than", "as", "on")):
        target = _object_of(than)
        if target is not None and _is_domain(target):
            # "a notch higher than plain CiN", "not as high as CP", "low on their list"
            return "metaphor.level", [token, than, target], 0.9
    if token.dep_ in ("acomp", "advmod"):  # "it is low on their list", "sat lower on her list"
        for prep in (c for c in token.head.children if c.dep_ == "prep" and c.lower_ in ("on", "in")):
            target = _object_of(prep)
            if target is not None and _is_scale(target):
                return "metaphor.level", [token, prep, target], 0.85
    if token.dep_ in ("advmod", "acomp") and token.head.lemma_ == "sit" and _is_case(_subject(token.head)) \
            and not any(c.dep_ == "prep" for c in token.head.children):  # not "it sat lower in the water"
        return "metaphor.level", [token.head, token], 0.75  # "it's sat a bit lower now"
    if token.dep_ in ("advmod", "acomp", "oprd") and token.head.lemma_ in MOTION_VERBS:
        return "metaphor.level", [token.head, token], 0.8  # "it should have gone higher"
    for child in token.children:
        if child.lemma_ in DIRECTIONS:
            target = _object_of(child)
            if target is not None and _is_domain(target):
                return "metaphor.level", [token, child, target], 0.9
    return None


def _ranked(noun: Token) -> bool:
    """A category, level or risk word whose height is a rank: not a count ("our CP numbers
    were so high") nor a person's tolerance ("my threshold for that got pretty low")."""
    return _is_domain(noun) and noun.lemma_ not in QUANTITIES and not _tolerance(noun) and not _level_of_other(noun)


def _level_of_other(noun: Token) -> bool:
    """A level named for something else: "the noise level", "her sugar levels" (but "the risk
    level", and a level alone or of something, "a higher level of scrutiny")."""
    if noun.lemma_ != "level":
        return False
    named = [c for c in noun.children if c.dep_ in ("compound", "nmod")]
    return bool(named) and not any(_is_domain(t) for t in named)


def _tolerance(noun: Token) -> bool:
    """A person's tolerance, not a category's line: "a low threshold for boredom", "my
    threshold for that got pretty low" (but "her threshold for conference" is a line)."""
    if noun.lemma_ != "threshold":
        return False
    named = [t for c in noun.children if c.lower_ == "for" and (t := _object_of(c)) is not None]
    if named:
        return not any(_is_domain(t) for t in named)
    return any(c.dep_ == "poss" and c.lower_ in ("my", "his", "her", "your") for c in noun.children)


def _antecedent(pronoun: Token | None) -> Token | None:
    """The noun a relative pronoun stands for ("the cases that drift"), else the word itself."""
    if pronoun is not None and pronoun.lower_ in ("that", "which", "who") and pronoun.head.dep_ == "relcl":
        return pronoun.head.head
    return pronoun


def _is_case(subject: Token | None) -> bool:
    """A subject standing for a case or situation ("it", "things", "the risk", "one"), not a
    person: "one" counts alone or as "one of the cases", not as "no one" or "one of my
    workers"."""
    if subject is None or subject.lower_ not in CASE_PRONOUNS:
        return False
    if subject.lower_ != "one":
        return True
    if subject.i > 0 and subject.nbor(-1).lower_ == "no":
        return False
    of, owner = _of_phrase(subject)
    return of is None or (owner is not None and owner.lemma_ in ("case", "family"))


def _case_object(verb: Token) -> Token | None:
    """The verb's object when it stands for a case: "push it back up", "ratchet it"."""
    moved = next((c for c in verb.children if c.dep_ == "dobj"), None)
    return moved if _is_case(moved) else None


def _moved_work(verb: Token) -> bool:
    """A passive displacing verb whose subject is work, not a person: "they get shunted to
    the bottom", not "he got pushed down" in the playground."""
    moved = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    return moved is not None and moved.pos_ != "PROPN" and moved.lower_ not in PEOPLE


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or that of the verb it continues: "it keeps dropping down ... and
    creeping back up" (xcomp, then conj)."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None or verb.dep_ not in ("xcomp", "conj") or verb.head is verb:
            return subject
        if verb.head.pos_ not in ("VERB", "AUX"):
            return None  # "it's lethal going down": the subject of "lethal", not of "going"
        verb = verb.head
    return None


def _targets(token: Token, verb: Token) -> list[Token]:
    """Nouns the up/down reaches: its own object, objects of to/into/from phrases on it or
    its verb ("down to CiN"), and the verb's object and subject ("stepped the case up")."""
    found: list[Token] = []
    obj = _object_of(token)
    if obj is not None:
        found.append(obj)
    # A phrasal verb with no vertical sense ("end up on a plan") moves a case only to a
    # destination: "brought it back down to CiN".
    prepositions = DESTINATIONS if verb.lemma_ in NON_VERTICAL else PREPOSITIONS
    # "dropped back to CiN", "knocked back down to CiN": the destination hangs off "back",
    # when it belongs to the verb; not a later item of a list ("it calms down, off the
    # plan, back to ordinary in-need")
    backs = [c for h in (token, verb) for c in h.children if c.lower_ == "back" and not _punctuation_between(h, c)]
    for head in (token, verb, *backs):
        for child in head.children:
            # "up at CP" only on the up/down itself: "it came up at the strategy meeting" arose there
            at = child.lower_ == "at" and head is token
            # "knocked down off CP", "bring a family back down from Complex": where a case comes
            # down from (not "it calms down, off the plan")
            off = child.lower_ in ("off", "from") and token.lower_ == "down" and not _punctuation_between(token, child)
            if child.dep_ == "prep" and (child.lower_ in prepositions or at or off) and child is not token:
                target = _object_of(child)
                if target is not None and not (at and target.lemma_ in VENUES):
                    found.append(target)
                # "slide back down to being nobody's priority": what the gerund makes it
                found += [c for clause in child.children if clause.dep_ == "pcomp"
                          for c in clause.children if c.dep_ in ("attr", "dobj", "acomp")]
    if verb.lemma_ not in NON_VERTICAL:
        found += [c for c in verb.children if c.dep_ in ("dobj", "nsubj", "nsubjpass")]
    # "went up to conference" parsed as an infinitive: the noun hangs off the verb with "to"
    # ("lowered it to child in need": "child" read as a verb)
    # ("elevated it to conference": "conference" read as a verb)
    found += [c for c in verb.children if c.dep_ in ("advcl", "xcomp")
              and (c.tag_.startswith("NN") or (c.lemma_ == "child" and _is_domain(c)) or c.lower_ in CATEGORY_NAMES)
              and any(t.lower_ == "to" for t in c.children)]
    return found


def _places(token: Token) -> list[Token]:
    """Where a step leads from or to: the objects of its from/to/into/off/onto phrases."""
    return [target for child in token.children if child.dep_ == "prep" and child.lower_ in PREPOSITIONS - {"of", "on"}
            if (target := _object_of(child)) is not None]


def _destinations(token: Token) -> list[Token]:
    """Where a verb puts something: the objects of its to/into phrases."""
    return [target for child in token.children if child.dep_ == "prep" and child.lower_ in DESTINATIONS
            if (target := _object_of(child)) is not None]


def _to_a_place(*heads: Token | None) -> bool:
    """Whether any of these words goes to a room, a building or furniture: "to the loft"."""
    return any(_named(t, ROOMS) for head in heads if head is not None for t in _destinations(head))


def _opens_sentence(token: Token) -> bool:
    """The sentence's first word, after any "and", "but" or "so"."""
    first = next((t for t in token.sent if t.pos_ not in ("CCONJ", "PUNCT") and t.lower_ != "so"), None)
    return first is not None and first.i == token.i


def _punctuation_between(a: Token, b: Token) -> bool:
    """A comma (or any punctuation) between two words: they are separate items of a list."""
    return any(t.is_punct for t in a.doc[min(a.i, b.i) + 1 : max(a.i, b.i)])


def _position_objects(token: Token) -> list[Token]:
    """What above/below is about: its object ("below the threshold") or, for "below where
    you'd want a conference", the nouns of the clause it introduces."""
    obj = _object_of(token)
    if obj is not None:
        return [obj]
    clauses = [c for c in token.children if c.dep_ == "pcomp"]
    return [c for clause in clauses for c in clause.children if c.dep_ in ("dobj", "nsubj", "attr")]


def _named(token: Token | None, words: frozenset[str]) -> bool:
    """The token is one of `words` by its lemma or as written: a noun the lookup lemmas read
    as a verb keeps its own form ("meeting" is lemmatised "meet", "building" "build")."""
    return token is not None and (token.lemma_ in words or token.lower_ in words)


def _object_of(token: Token) -> Token | None:
    return next((c for c in token.children if c.dep_ in ("pobj", "dobj")), None)


def _of_phrase(noun: Token) -> tuple[Token | None, Token | None]:
    """A noun's "of" and the object of it: "top of the list", "the lower end of CiN"."""
    of = next((c for c in noun.children if c.lower_ == "of"), None)
    return of, (_object_of(of) if of is not None else None)


def _is_domain(noun: Token, position: bool = False) -> bool:
    """True for a category, plan, level or risk word, or a noun compounded with one."""
    if _named(noun, ROOMS):
        return False  # "the child protection office", "the CP room": a place, named for the work
    words = [noun] + [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
    owner = _of_phrase(noun)[1]
    if _named(owner, PHYSICAL):
        return False  # "the top level of the car park"
    if owner is not None and owner.lemma_ in SCALES and not _literal_paper(owner):
        return True  # "the end of my list", "the back of the queue": a place in a ranking
    if noun.lemma_ == "child" and noun.i + 2 < len(noun.doc) and noun.doc[noun.i + 2].lemma_ == "need":
        return True  # "child in need" spelled out; the parser hangs "in need" elsewhere
    for word in words:
        lemma = word.lemma_
        if lemma in POSITION_ONLY and not position:
            continue
        if lemma in DOMAIN or word.lower_ in DOMAIN or _acronym_plural(word) in ACRONYMS:
            return True
    return False


def _step_after(token: Token) -> Token | None:
    """A rung right after up/down, as a measure ("up a level", "down one tier")."""
    doc = token.doc
    if token.i + 2 < len(doc) and doc[token.i + 1].lower_ in ("a", "one", "another") \
            and doc[token.i + 2].pos_ == "NOUN" and doc[token.i + 2].lemma_ in RUNG_NOUNS:
        return doc[token.i + 2]
    return None


def _coordinated(noun: Token | None) -> list[Token]:
    """A noun and those coordinated with it ("CP and CiN")."""
    return [] if noun is None else [noun, *(c for c in noun.children if c.dep_ == "conj")]


def _acronym_plural(word: Token) -> str:
    """"CAFs", "CPs", "CiNs": an acronym's plural, as its singular ("caf"); else ""."""
    text = word.text
    if len(text) >= 3 and text.endswith("s") and text[0].isupper() and any(ch.isupper() for ch in text[1:-1]):
        return text[:-1].lower()
    return ""


def _up_and_down(token: Token) -> bool:
    """"Jumping up and down", "pacing up and down the kitchen": up coordinated with down
    in the parse, or (where the parser missed the coordination) after a verb of movement."""
    pair = {c.lemma_ for c in token.children if c.dep_ == "conj"} | (
        {token.head.lemma_} if token.dep_ == "conj" else set()
    )
    return bool(pair & DIRECTIONS) or (token.head.lemma_ in AGITATION and _in_up_and_down(token))


def _in_up_and_down(token: Token) -> bool:
    doc = token.doc
    window = doc[max(token.i - 2, 0) : token.i + 3].text.lower()
    return "up and down" in window


def _hyphen_partner(token: Token) -> Token | None:
    """The other word of a hyphenated compound the token is part of ("grown" in "grown-ups")."""
    doc = token.doc
    if token.i >= 2 and doc[token.i - 1].text == "-" and not doc[token.i - 2].whitespace_ \
            and not doc[token.i - 1].whitespace_:
        return doc[token.i - 2]
    if token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_ \
            and not doc[token.i + 1].whitespace_:
        return doc[token.i + 2]
    return None


def _covering(doc, tokens: list[Token]) -> Span:
    return doc[min(t.i for t in tokens) : max(t.i for t in tokens) + 1]


def _one_per_span(found: list[tuple[int, Match]]) -> list[tuple[int, Match]]:
    seen: set[tuple[int, int, int]] = set()
    unique = []
    for i, m in found:
        if (i, m.start, m.end) not in seen:
            seen.add((i, m.start, m.end))
            unique.append((i, m))
    return unique
