"""The rule coder end to end: phrases, token and dependency patterns, exclusions, negation,
evidence, noisy-or confidence, interviewer turns, units and parse-skipping.

Each test writes a small codebook as YAML (parse_codebook) and a small transcript in the
DESIGN text format, reads it with qda.readers and codes it with AutoCoder(coders=("rules",)).
"""

from __future__ import annotations

import textwrap

import pytest

from qda.codebook import parse_codebook
from qda.coders import Match, RuleCoder
from qda.coding import AutoCoder, combined_confidence
from qda.corpus import Corpus, Document, Turn
from qda.errors import QdaError


def book(rules_yaml: str, code: str = "a", name: str = "A"):
    """A one-code codebook whose `rules:` list is `rules_yaml`."""
    text = f"codes:\n  - id: {code}\n    name: {name}\n    rules:\n" + textwrap.indent(
        textwrap.dedent(rules_yaml).strip("\n"), "      "
    ) + "\n"
    return parse_codebook(text, "test.yaml")


@pytest.fixture
def rules(code_lines):
    """Code `lines` (a transcript) with the rule coder only; returns (doc, codings)."""

    def run(codebook, *lines, **options):
        options.setdefault("coders", ("rules",))
        return code_lines(codebook, *lines, **options)

    return run


def sentence_of(doc, coding) -> str:
    return doc.text[coding.start : coding.end]


def only(codings, code="a"):
    found = [c for c in codings if c.code == code]
    assert len(found) == 1, codings
    return found[0]


# -- phrases --------------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["was Stepped Down", "Steps Down"])
def test_phrase_matches_on_lemmas_case_insensitively(rules, said):
    codebook = book("""
        - id: a.step
          phrases: [stepped down]
          confidence: 0.7
    """)
    doc, codings = rules(codebook, "Interviewer: And then?", f"Kelly: The case {said} after review. Nothing else.")
    coding = only(codings)
    assert sentence_of(doc, coding) == f"The case {said} after review."
    words = said.split(" ", 1)[1] if said.startswith("was ") else said
    assert coding.evidence == f'"{words}" [a.step]'
    assert coding.confidence == pytest.approx(0.7)
    assert coding.source == "rule" and coding.coder == "qda:rule" and coding.status == "suggested"


@pytest.mark.parametrize("sentence", [
    "We were stepping down the plan.",
    "We STEP DOWN cases.",
    "She stepped down.",
    "He steps down most cases.",
])
def test_phrase_matches_other_inflections(rules, sentence):
    codebook = book("""
        - id: a.step
          phrases: [step down]
    """)
    doc, codings = rules(codebook, f"Kelly: {sentence}")
    assert sentence_of(doc, only(codings)) == sentence


def test_phrase_does_not_match_separated_words(rules):
    codebook = book("""
        - id: a.step
          phrases: [stepped down]
    """)
    _, codings = rules(codebook, "Kelly: He stepped in and sat down.")
    assert codings == []


def test_multiword_phrase_codes_the_right_sentence_of_a_turn(rules):
    codebook = book("""
        - id: a.grey
          phrases: [grey area]
    """)
    doc, codings = rules(
        codebook,
        "Kelly: We visited on Monday. Honestly it's a real Grey Area with that family. Then we left.",
    )
    coding = only(codings)
    assert sentence_of(doc, coding) == "Honestly it's a real Grey Area with that family."
    assert '"Grey Area" [a.grey]' in coding.evidence


# -- token patterns --------------------------------------------------------------------------


def test_lexical_token_pattern_matches_without_parsing(rules, spy_parse):
    codebook = book("""
        - id: a.not_quite
          pattern: [{LOWER: not}, {LOWER: quite}, {OP: "?"}, {LEMMA: {IN: [cp, threshold]}}]
          confidence: 0.75
    """)
    doc, codings = rules(codebook, "Kelly: It was NOT quite the threshold, in the end. Fine.")
    coding = only(codings)
    assert sentence_of(doc, coding) == "It was NOT quite the threshold, in the end."
    assert "[a.not_quite]" in coding.evidence and "NOT quite the threshold" in coding.evidence
    assert spy_parse == [], "a word-only pattern must not need the parser"


def test_lexical_token_pattern_rule_coder_needs_no_parse(nlp, needs_parse):
    codebook = book("""
        - id: a.not_quite
          pattern: [{LOWER: not}, {LOWER: quite}]
    """)
    coder = RuleCoder(codebook, nlp)
    assert needs_parse(coder, "It was not quite CP.") is False


def test_pos_token_pattern_needs_the_parse(rules, spy_parse):
    codebook = book("""
        - id: a.meet_verb
          pattern: [{LEMMA: meet, POS: VERB}]
          confidence: 0.6
    """)
    doc, codings = rules(
        codebook,
        "Kelly: The family meets the criteria now. It was a swim meet. We went home.",
    )
    coding = only(codings)
    assert sentence_of(doc, coding) == "The family meets the criteria now."
    assert '"meets" [a.meet_verb]' in coding.evidence
    assert coding.confidence == pytest.approx(0.6)
    # only the sentences holding the anchor word `meet` were parsed
    assert sorted(spy_parse) == ["It was a swim meet.", "The family meets the criteria now."]


def test_pos_pattern_rule_coder_needs_parse_only_with_anchor(nlp, needs_parse):
    codebook = book("""
        - id: a.meet_verb
          pattern: [{LEMMA: meet, POS: VERB}]
    """)
    coder = RuleCoder(codebook, nlp)
    assert needs_parse(coder, "The family meets the criteria.") is True
    assert needs_parse(coder, "We went home after the visit.") is False


def test_token_pattern_does_not_cross_sentences(rules):
    codebook = book("""
        - id: a.open_years
          pattern: [{LOWER: open}, {OP: "{0,6}"}, {LOWER: years}]
    """)
    doc, codings = rules(codebook, "Kelly: The case was open. Two years later it closed.")
    assert codings == []
    doc, codings = rules(codebook, "Kelly: The case was open for two years, on and off.")
    assert sentence_of(doc, only(codings)) == "The case was open for two years, on and off."


def test_zero_min_quantifier_token_is_optional(rules):
    codebook = book("""
        - id: a.borderline
          pattern: [{LOWER: really, OP: "{0,2}"}, {LOWER: borderline}]
    """)
    doc, codings = rules(codebook, "Kelly: It was borderline.")
    assert sentence_of(doc, only(codings)) == "It was borderline."


# -- dependency patterns -------------------------------------------------------------------

DOES_NOT_MEET = """
    - id: a.does_not_meet
      dependency:
        - {RIGHT_ID: meet, RIGHT_ATTRS: {LEMMA: meet, POS: VERB}}
        - {LEFT_ID: meet, REL_OP: ">", RIGHT_ID: negation, RIGHT_ATTRS: {DEP: neg}}
      confidence: 0.85
"""


def test_dependency_pattern_meet_with_negation(rules):
    doc, codings = rules(book(DOES_NOT_MEET), "Kelly: We talked it through. Honestly it doesn't meet.")
    coding = only(codings)
    assert sentence_of(doc, coding) == "Honestly it doesn't meet."
    assert coding.evidence == '"n\'t meet" [a.does_not_meet]'
    assert coding.confidence == pytest.approx(0.85)


def test_dependency_pattern_reaches_over_words(rules):
    doc, codings = rules(book(DOES_NOT_MEET), "Kelly: It did not really meet the criteria.")
    coding = only(codings)
    assert sentence_of(doc, coding) == "It did not really meet the criteria."
    assert '"not meet"' in coding.evidence


def test_dependency_pattern_needs_the_relation(rules):
    _, codings = rules(book(DOES_NOT_MEET), "Kelly: It does meet the threshold.")
    assert codings == []


def test_dependency_rule_needs_parse_only_with_anchor(nlp, needs_parse):
    coder = RuleCoder(book(DOES_NOT_MEET), nlp)
    assert needs_parse(coder, "It doesn't meet.") is True
    assert needs_parse(coder, "We had a long chat about school.") is False


# -- exclusions ----------------------------------------------------------------------------

EXCLUDING = """
    - id: a.threshold
      phrases: [threshold]
    - id: a.not_a_door
      exclusion: true
      phrases: [threshold of the house]
"""


def test_exclusion_vetoes_an_overlapping_match(rules):
    _, codings = rules(book(EXCLUDING), "Kelly: He was waiting on the threshold of the house.")
    assert codings == []


def test_exclusion_spares_a_non_overlapping_match_in_the_same_sentence(rules):
    doc, codings = rules(
        book(EXCLUDING),
        "Kelly: At the threshold of the house he asked about the threshold for CP.",
    )
    coding = only(codings)
    assert sentence_of(doc, coding) == "At the threshold of the house he asked about the threshold for CP."
    assert coding.evidence == '"threshold" [a.threshold]'
    assert "not_a_door" not in coding.evidence


def test_exclusion_only_vetoes_its_own_code(rules):
    codebook = parse_codebook(textwrap.dedent("""
        codes:
          - id: a
            name: A
            rules:
              - id: a.threshold
                phrases: [threshold]
              - id: a.not_a_door
                exclusion: true
                phrases: [threshold of the house]
          - id: b
            name: B
            rules:
              - id: b.house
                phrases: [the house]
    """), "two.yaml")
    doc, codings = rules(codebook, "Kelly: He waited on the threshold of the house.")
    assert [c.code for c in codings] == ["b"]


def test_exclusion_in_another_sentence_does_not_veto(rules):
    doc, codings = rules(
        book(EXCLUDING),
        "Kelly: He stood on the threshold of the house. It was below the threshold.",
    )
    assert [sentence_of(doc, c) for c in codings] == ["It was below the threshold."]


# -- negation ------------------------------------------------------------------------------


def negation_book(mode: str):
    return book(f"""
        - id: a.scared
          phrases: [scared]
          negation: {mode}
          confidence: 0.8
    """)


def test_negation_keep_codes_and_notes_it(rules):
    doc, codings = rules(negation_book("keep"), "Kelly: She wasn't scared of us. She was scared of him.")
    assert [sentence_of(doc, c) for c in codings] == ["She wasn't scared of us.", "She was scared of him."]
    negated, plain = codings
    assert negated.evidence == '"scared" [a.scared, negated]'
    assert plain.evidence == '"scared" [a.scared]'


def test_negation_keep_is_the_default(rules):
    codebook = book("""
        - id: a.scared
          phrases: [scared]
    """)
    _, codings = rules(codebook, "Kelly: She was never scared.")
    assert "negated" in only(codings).evidence


def test_negation_exclude_drops_negated_matches(rules):
    doc, codings = rules(negation_book("exclude"), "Kelly: She wasn't scared of us. She was scared of him.")
    assert [sentence_of(doc, c) for c in codings] == ["She was scared of him."]
    assert "negated" not in codings[0].evidence


def test_negation_require_keeps_only_negated_matches(rules):
    doc, codings = rules(negation_book("require"), "Kelly: She wasn't scared of us. She was scared of him.")
    assert [sentence_of(doc, c) for c in codings] == ["She wasn't scared of us."]


def test_negation_stops_at_a_clause_break(rules):
    doc, codings = rules(negation_book("exclude"), "Kelly: No, she was scared.")
    assert [sentence_of(doc, c) for c in codings] == ["No, she was scared."]


def test_negation_from_the_previous_sentence_does_not_count(rules):
    doc, codings = rules(negation_book("exclude"), "Kelly: Not really. Scared, I think.")
    assert [sentence_of(doc, c) for c in codings] == ["Scared, I think."]


# -- evidence and confidence ---------------------------------------------------------------


def test_evidence_names_each_rule_and_its_words(rules):
    codebook = book("""
        - id: a.phrase
          phrases: [grey area]
          confidence: 0.6
        - id: a.pattern
          pattern: [{LOWER: borderline}]
          confidence: 0.7
    """)
    doc, codings = rules(codebook, "Kelly: It was borderline, a grey area really.")
    coding = only(codings)
    assert sentence_of(doc, coding) == "It was borderline, a grey area really."
    assert '"grey area" [a.phrase]' in coding.evidence
    assert '"borderline" [a.pattern]' in coding.evidence
    assert coding.confidence == pytest.approx(1 - 0.4 * 0.3, abs=1e-4)


CUES = """
    - id: a.cues
      phrases: [review, supervision, manager]
      confidence: 0.35
"""


def test_one_weak_cue_alone_is_not_enough(rules):
    _, codings = rules(book(CUES), "Kelly: There was a review last week.")
    assert codings == []


def test_two_distinct_weak_cues_make_a_coding(rules):
    doc, codings = rules(book(CUES), "Kelly: My manager took it to review. Then nothing.")
    coding = only(codings)
    assert sentence_of(doc, coding) == "My manager took it to review."
    assert coding.confidence == pytest.approx(1 - 0.65 * 0.65, abs=1e-4)  # 0.5775
    assert '"manager" [a.cues]' in coding.evidence and '"review" [a.cues]' in coding.evidence


def test_weak_cues_in_different_sentences_do_not_add_up(rules):
    _, codings = rules(book(CUES), "Kelly: My manager was off. The review was late.")
    assert codings == []


def test_the_same_cue_twice_counts_once(rules):
    _, codings = rules(book(CUES), "Kelly: Review after review, Review again.")
    assert codings == []


def test_weak_cues_from_two_rules_combine(rules):
    codebook = book("""
        - id: a.one
          phrases: [review]
          confidence: 0.35
        - id: a.two
          phrases: [manager]
          confidence: 0.35
    """)
    doc, codings = rules(codebook, "Kelly: The manager chaired the review.")
    assert only(codings).confidence == pytest.approx(0.5775, abs=1e-4)


def test_min_confidence_lets_a_weak_cue_through(rules):
    doc, codings = rules(book(CUES), "Kelly: There was a review last week.", min_confidence=0.3)
    coding = only(codings)
    assert coding.confidence == pytest.approx(0.35)
    assert sentence_of(doc, coding) == "There was a review last week."


@pytest.mark.parametrize("rule, line, expected", [
    ("pattern: [{LOWER: really, OP: '?'}, {LOWER: borderline}]\n  confidence: 0.8",
     "Kelly: It was really borderline.", 0.8),
    ("phrases: [review, review meeting]\n  confidence: 0.35",
     "Kelly: The review meeting was fine.", None),
], ids=["optional-token", "nested-phrases"])
def test_one_piece_of_evidence_is_not_counted_twice(rules, rule, line, expected):
    codebook = book("- id: a.r\n  " + rule)
    _, codings = rules(codebook, line)
    if expected is None:
        assert codings == []
    else:
        assert only(codings).confidence == pytest.approx(expected)


def test_combined_confidence_is_noisy_or_over_distinct_evidence():
    def match(rule, words, confidence, start=0):
        return Match("a", start, start + 1, rule, words, confidence, "rule")

    assert combined_confidence([match("r", "x", 0.35)]) == pytest.approx(0.35)
    assert combined_confidence([match("r", "x", 0.35), match("r", "y", 0.35, 2)]) == pytest.approx(0.5775)
    assert combined_confidence([match("r", "x", 0.35), match("r", "X", 0.35, 2)]) == pytest.approx(0.35)
    assert combined_confidence([match("r", "x", 0.35), match("s", "x", 0.35)]) == pytest.approx(0.5775)
    # overlapping evidence of one rule counts once, at its best
    assert combined_confidence([match("r", "x", 0.35), match("r", "x y", 0.5)]) == pytest.approx(0.5)
    assert combined_confidence([match("r", "x", 1.0), match("s", "y", 0.2)]) == pytest.approx(1.0)


def test_a_rule_marked_once_is_one_piece_of_evidence_however_many_words_match(rules):
    weak = """
    - id: a.cues
      phrases: [meeting, report]
      confidence: 0.35
      once: {once}
    - id: a.agency
      phrases: [police]
      confidence: 0.25
    """
    line = "Kelly: There was a strategy meeting and a report due."
    assert len(rules(book(weak.format(once="false")), line)[1]) == 1  # two words of a list corroborate
    assert rules(book(weak.format(once="true")), line)[1] == []
    doc, codings = rules(book(weak.format(once="true")), "Kelly: The police came to the meeting.")
    assert only(codings).confidence == pytest.approx(0.5125)  # another rule's evidence still counts


# -- interviewer turns, units ----------------------------------------------------------------

SIMPLE = """
    - id: a.grey
      phrases: [grey area]
"""


def test_interviewer_turns_are_not_coded_by_default(rules):
    doc, codings = rules(
        book(SIMPLE),
        "Interviewer: Is it a grey area?",
        "Kelly: Yes, a grey area.",
    )
    assert [sentence_of(doc, c) for c in codings] == ["Yes, a grey area."]


def test_include_interviewer_codes_interviewer_turns(rules):
    doc, codings = rules(
        book(SIMPLE),
        "Interviewer: Is it a grey area?",
        "Kelly: Yes, a grey area.",
        include_interviewer=True,
    )
    assert [sentence_of(doc, c) for c in codings] == ["Is it a grey area?", "Yes, a grey area."]


@pytest.mark.parametrize("label", ["INT", "Q", "interviewer"])
def test_conventional_interviewer_labels_are_skipped(rules, label):
    doc, codings = rules(book(SIMPLE), f"{label}: A grey area?", "Kelly: A grey area.")
    assert [sentence_of(doc, c) for c in codings] == ["A grey area."]


def test_interviewer_named_in_front_matter_is_skipped(rules):
    doc, codings = rules(
        book(SIMPLE),
        "Jo: So, a grey area?",
        "Kelly: A grey area, yes.",
        front={"role": "social worker", "interviewer": "Jo"},
    )
    assert [sentence_of(doc, c) for c in codings] == ["A grey area, yes."]
    doc, codings = rules(
        book(SIMPLE),
        "Jo: So, a grey area?",
        "Kelly: A grey area, yes.",
        front={"role": "social worker", "interviewer": "Jo"},
        include_interviewer=True,
    )
    assert [sentence_of(doc, c) for c in codings] == ["So, a grey area?", "A grey area, yes."]


def test_unit_turn_codes_the_whole_turn(rules):
    doc, codings = rules(
        book(SIMPLE),
        "Interviewer: Tell me more.",
        "Kelly: We went out on Monday. It was a grey area. Mum was fine.",
        "It carries on here, another grey area.",
        unit="turn",
    )
    coding = only(codings)
    turn = doc.turns[1]
    assert (coding.start, coding.end) == (turn.start, turn.end)
    assert sentence_of(doc, coding) == (
        "We went out on Monday. It was a grey area. Mum was fine.\n"
        "It carries on here, another grey area."
    )
    assert coding.evidence == '"grey area" [a.grey]'


def test_unit_sentence_spans_sentences_of_a_multiline_turn(rules):
    doc, codings = rules(
        book(SIMPLE),
        "Kelly: We went out on Monday. It was a grey area.",
        "It carries on here, another grey area.",
    )
    assert [sentence_of(doc, c) for c in codings] == [
        "It was a grey area.",
        "It carries on here, another grey area.",
    ]


def test_codings_on_directly_built_documents(ccin, nlp):
    text = "Interviewer: Why?\nKelly: It's a grey area, honestly. We closed it."
    doc = Document("d1", "d1.txt", text, {}, [Turn(0, "Interviewer", 13, 17), Turn(1, "Kelly", 25, len(text))])
    codings = AutoCoder(ccin, coders=("rules",), nlp=nlp).predict(Corpus([doc]))
    assert [(c.code, text[c.start : c.end]) for c in codings] == [
        ("threshold", "It's a grey area, honestly.")
    ]
    assert codings[0].document == "d1"


def test_bad_unit_and_min_confidence_are_errors(ccin, nlp):
    with pytest.raises(QdaError, match="unit"):
        AutoCoder(ccin, unit="paragraph", nlp=nlp)
    with pytest.raises(QdaError, match="min_confidence"):
        AutoCoder(ccin, min_confidence=1.5, nlp=nlp)
    with pytest.raises(QdaError, match="unknown coder"):
        AutoCoder(ccin, coders=("rules", "magic"), nlp=nlp)


# -- parse skipping ------------------------------------------------------------------------


def test_sentence_without_anchor_words_is_not_parsed(rules, spy_parse):
    doc, codings = rules(
        book(DOES_NOT_MEET),
        "Kelly: We had a chat about school. It doesn't meet.",
    )
    assert [sentence_of(doc, c) for c in codings] == ["It doesn't meet."]
    assert spy_parse == ["It doesn't meet."]


def test_phrase_only_codebook_never_parses(nlp, rules, spy_parse, needs_parse):
    codebook = book(SIMPLE)
    _, codings = rules(codebook, "Kelly: A grey area, it doesn't meet the threshold.")
    assert len(codings) == 1
    assert spy_parse == []
    assert needs_parse(RuleCoder(codebook, nlp), "A grey area, it doesn't meet the threshold.") is False


def test_ccin_rule_coder_skips_sentences_without_anchors(ccin, nlp, needs_parse):
    coder = RuleCoder(ccin, nlp)
    assert needs_parse(coder, "We had a cup of tea.") is False
    assert needs_parse(coder, "Honestly it doesn't meet.") is True


@pytest.mark.parametrize("code, sentence, coded", [
    # a doorstep is not a threshold between categories; the threshold of CP is
    ("threshold", "She stood on the threshold with the baby on her hip.", False),
    ("threshold", "I won't go over the threshold till she's shut the dog in.", False),
    ("threshold", "They were stood on the threshold of a conference for a year.", True),
    ("threshold", "The first visit she wouldn't let me over the threshold.", False),
    ("threshold", "Mind the threshold on your way out, everyone trips on it.", False),
    ("threshold", "Last visit I didn't get past the threshold, she had the door on the chain.", False),
    ("threshold", "And the step at the front, the old slate threshold, it's cracked right across.", False),
    # the middle child is not the middle of the scale; the middle of the scale is
    ("threshold", "The middle one, Kacey, she's nine.", False),
    ("threshold", "The pilot says the middle deserves the same rigour.", True),
    # snow drifts and a child who stopped going somewhere are not cases left to drift
    ("drift", "Back in March I got stuck in a drift just past the farm.", False),
    ("drift", "The road over the moor had drifted right over.", False),
    ("drift", "In January, with the snow, we had drifts up to your knees on the estate.", False),
    ("drift", "One mum stopped going to the toddler group.", False),
    ("drift", "It was sitting up with a fourteen-year-old at two in the morning.", False),
    ("drift", "Those cases just drifted for years.", True),
    # people drift off, drift apart, talk through the gap in a door; a label carries weight
    ("drift", "Three reviews back to back, I've felt myself drift off once or twice.", False),
    ("drift", "And you drift apart from people, moving.", False),
    ("drift", "You're digging the car out of a drift by the cattle grid.", False),
    ("drift", "She kept me on the doorstep, talking through the gap while the dog barked.", False),
    ("drift", "Cases fell through the gap between the teams.", True),
    ("drift", "A CP plan frightens people. CCiN doesn't carry that.", False),
    ("drift", "You end up carrying it on your own.", True),
    # a person drifts into a job or in late; a case, or a team's practice, drifts
    ("drift", "I sort of drifted into social work, I'd been a teaching assistant.", False),
    ("drift", "She drifted in about half ten with a coffee.", False),
    ("drift", "We drifted into just monitoring, visit after visit.", True),
    ("drift", "The case drifted for a year.", True),
    # an oversight is a slip; managers' oversight is the code
    ("oversight", "That was an oversight on my part, I forgot to copy the school in.", False),
    ("oversight", "It was a bit of an oversight by admin, the letter went to her old address.", False),
    ("oversight", "Sorry, slight oversight, I didn't bring the consent form.", False),
    ("oversight", "There's proper management oversight of CiN now.", True),
    # pattern words the tokenizer splits or the lemmatiser changes, written as they are read
    ("drift", "Honestly, I can't tell you what's changed in two years.", True),
    ("drift", "That family's been known to us for six years, on and off.", True),
    ("relational", "We wrote the plan in the family's own words.", True),
    ("relational", "Mum wrote her own bit about the evenings.", True),
    ("interagency", "Housing have been brilliant with the repairs.", True),
    ("fear_coercion", "She'd gone white as a sheet at the word conference.", True),
    # relationships other than the worker's with a family; a culture grown in a lab
    ("relational", "Mum's relationship with her new partner is what worries me most.", False),
    ("relational", "The twins have a lovely relationship with each other.", False),
    ("relational", "I've got a good relationship with my manager, she listens.", False),
    ("relational", "There's a clear relationship between debt and the referrals we get.", False),
    ("relational", "The relationship between me and mum took months to build.", True),
    ("relational", "It all comes down to the relationship with the family.", True),
    ("professional_identity", "The culture swab came back clear, so no infection.", False),
    ("professional_identity", "There's a culture here where CP is the proper work.", True),
    # fear of dogs or the dark is nobody's fear of services; a family's fear of us is
    ("fear_coercion", "Her youngest is frightened of the dark, so there's a landing light on all night.", False),
    ("fear_coercion", "One of my students is terrified of dogs, and half our families have one.", False),
    ("fear_coercion", "Mum was frightened of us, she thought we'd come for the baby.", True),
    # not talking down to a family is the practice; a father who felt talked down to is not
    ("relational", "You get that from turning up in the rain and not talking down to people.", True),
    ("relational", "He'd been to a conference years ago and felt talked down to.", False),
])
def test_ccin_rules_tell_literal_from_coded_uses(ccin, code_lines, code, sentence, coded):
    _, codings = code_lines(ccin, f"Kelly: {sentence}", coders=("rules",))
    assert any(c.code == code for c in codings) is coded, [(c.code, c.evidence) for c in codings]
