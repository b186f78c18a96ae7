"""The up/down metaphor coder: figurative category/risk/priority talk is coded `up_down`,
literal movement and phrasal verbs are not. Run through AutoCoder(coders=("metaphor",))
with the sample codebook, so these are the sentences a researcher would see coded."""

from __future__ import annotations

import re

import pytest

from qda.coders import MetaphorCoder
from qda.coders.metaphor import judge

FIGURATIVE = [
    "We stepped it down to CiN after the review.",
    "It went up to CP in the end.",
    "She came down to child in need last year.",
    "That family is well above the threshold.",
    "It's a higher level of risk than we thought.",
    "It sits at the top of the list now.",
    "Those cases end up at the bottom of the heap.",
    "We had to escalate it to a conference.",
    "We de-escalated it after the meeting.",
    "If things settle it'll come back down.",
    "They bumped it up to a plan.",
    "The risk went up after the incident.",
    "It was stepped up to child protection.",
    "Her case dropped down the list.",
    "That's below the threshold for CP.",
    "It's lower down the priority list.",
    "Things crept back up over the summer.",
    "It went back down to CiN in March.",
    "She came down to CiN last year.",
    "The CP work goes to the top, because it has to.",
    "Cases just move up a rung and down a rung, and we call it progress.",
    "It was a step-down from a plan, really.",
    "We bumped it up a notch without going to conference.",
    "So CAF at the bottom, then CiN, then CP up top.",
    "It's not as high as CP, though.",
    "With the police it's low on their list.",
    "It keeps dropping down and then creeping back up again.",
    # spelled out, and a pronoun for a threshold, category or list named in the sentence
    "If she keeps to the agreement I'd like to bring it down to plain child in need.",
    "They've their own threshold and he's under it.",
    "I'd look at the list and there'd be something worse sitting above it.",
    "It's like a VAT threshold, you're either over or under.",
    "And I said no, it's a level down from that, so we don't end up there.",
    # a rung of the ladder, "or higher", a case sinking, "underneath", "up to conference" misparsed
    "So it was placed on the middle rung, if you like.",
    "If no, it's CCiN or higher.",
    "The long-term neglect cases just sink.",
    "It was for the ones that sit just underneath a conference.",
    "The review showed things sliding, and we went up to conference within a fortnight.",
    # a pointer after a position word, cases left at the bottom, a case sinking under the rest
    "And then underneath that there was this great pile of CiN.",
    "The cases that used to just drift along at the bottom have got a shape now.",
    "I'd have opened it as CiN, and then it would have slowly sunk under everything else.",
    # the lower end of a category; sliding down to being nobody's priority
    "So they'd sit at the lower end of Child in Need for years.",
    "If it goes, those families slide back down to being nobody's priority.",
    # a tier above; the category's place at the top; a case sitting lower, rocketing up or
    # coming back down ("one" for a case); work shunted down the pile; a strategy meeting
    "If anything they've slid further, because now there's a tier above them.",
    "There's a bit of a pecking order and CP's the top table.",
    "It was teetering when we took it on, and now it's sat a bit lower.",
    "And then it'll rocket up and I'll think, I knew.",
    "And one's come right back down and closed, which I'm pleased about.",
    "A CP one kicks off and they just get shunted to the bottom again.",
    "They just get pushed further and further down every week.",
    "You've nothing to hold over them except going back up to a strategy discussion.",
    "The file goes cold by Christmas and then up it comes again in the spring.",
    # raised to CP, ratcheted into a category, the cases underneath, sitting over the line
    "I have to be honest that it can be raised to child protection.",
    "Some workers now want everything ratcheted into the complex category.",
    "What I don't say is the CiN cases underneath are getting less of me.",
    "I thought it was sitting over the line already.",
    # a case pushed or brought up or down, ratcheted, buried under the rest; over a bar;
    # well over the line; higher up than the usual
    "And then you're stuck trying to push it back up and the family feel conned.",
    "But I'd like to bring it back down at the next review.",
    "Once it was right to ratchet it.",
    "Then a CiN case would get buried under everything urgent.",
    "Health visitors have families who never quite get over the bar for conference.",
    "I said yes, this is well over the line.",
    "Right, that's nearly CP, that's higher up than the usual.",
    # the foot of a caseload; upstairs to conference
    "Then it gets shoved to the foot of someone's caseload behind all the urgent stuff.",
    "I've had to push a couple upstairs to conference.",
    # up a gear; the end of a list; families that sink; the bottom of a diary
    "You either walk away or you take it up a gear.",
    "It keeps sinking to the end of my list because nothing is exploding there.",
    "If you haven't seen a CiN family for two months, those families just sink.",
    "It'll just sink to the bottom of everyone's diary.",
    # up at a category; down off CP; lower in a pecking order; the top of lists named before
    "They'll take cases that ought to be up at CP and park them somewhere else.",
    "Cases get knocked down off CP to make the figures look nicer.",
    "A CCiN review sits lower in their pecking order.",
    "Health have their own lists, and we're not at the top of them.",
    "I'd like to step it down in July, but carefully.",
    # hovering just underneath; rungs; a case that needs to be higher up; up and down like a yo-yo
    "It sort of hovered just underneath, you know.",
    "A CCiN review sits a couple of rungs lower for them.",
    "Sometimes a case just needs to be higher up, and the middle category is a place to park things.",
    "They've been up and down like a yo-yo for years.",
    # down from a category after a phrasal verb; the lower end of the scale
    "When we bring a family back down from Complex, do they stay steady?",
    "It wasn't sitting comfortably at the lower end, but it wasn't CP either.",
    # lowering a case or a line; "high enough for"; the top end of a category; a plural
    # acronym; up and down between categories; up a level as a measure
    "The last review lowered it to child in need.",
    "They lowered the bar for a strategy discussion last spring.",
    "Honestly the threshold has been raised since the restructure.",
    "It was never high enough to go to conference.",
    "It's nowhere near high enough for CP.",
    "That one sits at the very top end of CiN.",
    "I'd rank it above the CAFs, to be fair.",
    "The family's been going up and down between CP and CiN for years.",
    "We moved it up a level after the second incident.",
    "At every review I ask, are we taking this up a notch?",
    # a tier's top; high-end cases; a line that moves or is set
    "It's top-tier stuff, that one.",
    "This one's on the top tier now.",
    "I've got three high-end cases this month.",
    "The bar for CP has gone up since the inspection.",
    "They've set the threshold lower in the rural team.",
    "And a handful we stepped up into the pilot.",
    # early help and needs as ranks; hyphenated levels; a rating raised; either way; upwards
    "In the end they dropped it to early help and closed it to us.",
    "Her needs are lower than they were, but they haven't gone away.",
    "Those high-tariff cases eat most of my week.",
    "Honestly, a lot of what comes through the door is low-grade neglect.",
    "It's upper-end CiN, basically CP without the plan.",
    "They raised the risk rating after the hospital admission.",
    "The decision was to hold it where it was rather than step it up or down.",
    "The manager said it wasn't high enough to warrant an initial conference.",
    "The danger is you get used to it and the risk creeps upwards without anyone noticing.",
    "There's been a steady downward trend in risk since the injunction went in.",
    "Once a case is far enough up the continuum, you're into legal planning territory.",
    # verbs of a peak or a spike; a trend's noun; through the roof or floor; a step verb's up
    # and down with its object; a category the parser reads as a verb; the register
    "The worry peaked just before the review and then it settled.",
    "Concerns about the baby spiked after the health visitor's report.",
    "We've seen a real uptick in risk since the new partner moved in.",
    "By the summer the level of risk was through the roof.",
    "They kept bumping the family up and down, and nobody told mum why.",
    "The manager elevated it to conference the same week.",
    "She was never high enough for the register, not in those days.",
]

LITERAL = [
    # whose decision; a matter raised in talk; going through a list; a stair
    "It's up to the conference chair whether it goes on a plan.",
    "Honestly it's up to the family what happens next.",
    "The school brought it up at the core group, which was fair.",
    "The case came up in supervision again last week.",
    "We go down the list and tick off who's been seen this month.",
    "There's a big step down from the back door and no rail.",
    # going to a place named for the work; rising to a task
    "I went up to the child protection office on the third floor.",
    "We drove down to the CiN team with the files.",
    "The new workers really stepped up to the plate when we were short.",
    "The whole team stepped up when two of us were off sick.",
    "He fell over or under the fence, I never saw which.",
    "They came up through the baby cases, the proper CP stuff as they'd see it.",
    "He was under that tree all day, waiting for the CP team.",
    "The boat sank under the weight of the CP files.",
    "That's what it comes down to, in the end.",
    "She took one step down the stairs and stopped.",
    "I drove down to the office after the visit.",
    "We walked up the hill to the farm.",
    "He was jumping up and down in the hallway.",
    "She was pacing up and down the kitchen.",
    "I went up the stairs to the flat.",
    "We set up a meeting with school.",
    "I sat down with mum and the kids.",
    "I'll follow up with the health visitor.",
    "Further down the line we might close it.",
    "She picked up the kids from school.",
    "I wrote down what she said.",
    "He lives down the road from the school.",
    "We went up to the house together.",
    "The kids ran up and down the stairs.",
    "Mum calmed down after a while.",
    "She put the phone down on me.",
    "The flat is above a shop.",
    "He was standing at the top of the stairs.",
    "I went down to the kitchen.",
    "Mum brought up the plan at the meeting.",
    "The CP workers are the grown-ups in this office.",
    "I've signed it, it's somewhere under that pile on my desk.",
    "I chair them, on top of the child protection work and supervision.",
    "She came in for a check-up about the plan.",
    "I had to go right up to the top level of the car park.",
    "We set up the first meeting under the new category.",
    # crossing a line is not standing above it; counts are high without ranking; rules are filed under
    "No, it's just not over the line yet.",
    "They asked why our plan numbers were so high.",
    "Under the CP rules they'd have needed consent.",
    # "had rung", a dummy "it" going down the stairs, blowing up, a boss above them
    "I must have rung them six times.",
    "Mind the step, it's lethal going down.",
    "If something's blowing up on a conference case in town, the farm waits.",
    "If it was CP they'd send a report, because somebody above them would ask why.",
    # the lower end of a place; sliding down to a floor, or back to being a beginner
    "She lives at the lower end of the village, past the chapel.",
    "He slid back down to the floor and sat there.",
    "She slid down to being a beginner again in French.",
    # a phrasal verb with no vertical sense, then a list of what followed
    "A crisis, a meeting, onto a plan, then it calms down, off the plan, back to ordinary in-need, and so on.",
    # a page's top; a matter coming up in talk; dressing work up; a step or level of a
    # building; a person pushed down; a thing sitting low in water; no one coming down
    "The letter still says Child Protection Conference at the top.",
    "I'd only hear about the case in supervision, if it came up at all.",
    "He said we were dressing up ordinary social work.",
    "The office is on the level above ours.",
    "He got pushed down in the playground and cut his knee.",
    "The case of files sat lower in the water than the rest.",
    "No one came down that day, it was only us and the CP file.",
    "One of my workers came back down to see me after the visit.",
    # under a regime; a count coming down; raising a concern
    "Under CiN, in my experience, a lot of parents couldn't have told you why we were there.",
    "Our CP figures have come down from thirty-one children to twenty-two.",
    "I raised a concern with the school about the plan.",
    # a letter's heading; reading down a list; things carried, taken up with someone, put down
    "If it hasn't got child protection across the top it goes in a tray.",
    "You'd look down the caseload list and there'd be cases nobody had touched.",
    "I brought it down to the car after the CP conference.",
    "I'll take it up with the manager after the plan review.",
    "Put it down, please, it's the CP file.",
    # how news went down; feet and the foot of the stairs; running upstairs
    "I've started giving the CP cases to new people, and it's gone down well.",
    "I was on my feet all day with the CP list.",
    "She stood at the foot of the stairs while we talked about the plan.",
    "He ran upstairs to his room when the CP worker came.",
    # driving; a family sinking into a sofa
    "I changed down a gear at the bend on the way to the CP conference.",
    "The family sank into the sofa when the CP worker came in.",
    # up at a venue; arising at a meeting; a bill going up; leaving a post; a person's tolerance
    "I was up at court all day with the CP case.",
    "It came up at the strategy meeting last week.",
    "Sometimes it was the gas bill that's gone up again, and the CP plan.",
    "I'm stepping down at the end of the year, after thirty years in CP.",
    "My threshold for that got pretty low by the end.",
    "Then it calms down, off the plan, and we close it.",
    # a tolerance; counts that climb or drop off; hovering with something named literally
    "And I've a low threshold for boredom, so the CP reviews drag.",
    "CP numbers in this authority have been climbing.",
    "If CP conferences drop off in the rural area, somebody will ask.",
    "The kestrel was hovering just above the field by the CP office.",
    "The lift's out again so I've been up and down those stairs like a yo-yo all morning.",
    # a plan lifted (ended); a doorstep falling apart; the lower end of a garden
    "For the health visitor there's an end when the CP plan's lifted.",
    "And the threshold of my office door is literally falling apart.",
    "The lower end of the garden floods, so the CP visit was in the kitchen.",
    # a count that grows; a person who steps up; managing work; a block of flats
    "My caseload went up to twenty-five over the summer.",
    "The early help budget was cut by a third, so the waiting list went up.",
    "The grandmother stepped up and took all three kids in.",
    "I can't keep on top of my caseload, that's the honest truth.",
    "They live in the high-rise flats by the ring road.",
    "The upper floor of the family centre is offices now.",
    # arriving; things up in a room or on furniture; a real ladder and a top bunk; a level
    # named for something else; a count through the roof
    "Half the agencies didn't even turn up to the core group.",
    "The CP file's still up in the duty manager's office.",
    "The child's plan was pinned up on the kitchen wall.",
    "He went up the ladder to the loft and wouldn't come down.",
    "The girls share a room, and the eldest has the top bunk in the CP review house.",
    "The stress levels in that family were through the roof at conference.",
    "My caseload went through the roof after the restructure, with two new CP plans.",
    # a meeting where a matter came up; a building a thing went up to
    "It came up in the CP meeting again, the same worry.",
    "It went up to the CP building on the hill, by courier.",
]


@pytest.fixture
def metaphor(ccin, code_lines):
    """Code one interviewee sentence with the metaphor coder; returns (doc, codings)."""

    def run(sentence: str, **options):
        options.setdefault("coders", ("metaphor",))
        return code_lines(ccin, "Interviewer: Can you say more?", f"Kelly: {sentence}", **options)

    return run


@pytest.mark.parametrize("sentence", FIGURATIVE)
def test_figurative_up_down_is_coded(metaphor, sentence):
    doc, codings = metaphor(sentence)
    up_down = [c for c in codings if c.code == "up_down"]
    assert len(up_down) == 1, codings
    coding = up_down[0]
    assert doc.text[coding.start : coding.end] == sentence
    assert coding.source == "metaphor" and coding.coder == "qda:metaphor"
    assert 0.5 <= coding.confidence <= 1
    assert re.search(r'\[metaphor\.[a-z]+\]', coding.evidence), coding.evidence
    assert all(c.code == "up_down" for c in codings), "the metaphor coder codes only up_down"


@pytest.mark.parametrize("sentence", LITERAL)
def test_literal_up_down_is_not_coded(metaphor, sentence):
    _, codings = metaphor(sentence)
    assert [c for c in codings if c.code == "up_down"] == [], codings[0].evidence if codings else ""


@pytest.mark.parametrize("sentence, rule, words", [
    ("It went up to CP in the end.", "metaphor.direction", ["went", "up", "CP"]),
    ("That family is well above the threshold.", "metaphor.position", ["above", "threshold"]),
    ("It's a higher level of risk than we thought.", "metaphor.level", ["higher", "level"]),
    ("It sits at the top of the list now.", "metaphor.end", ["top", "of", "list"]),
    ("We had to escalate it to a conference.", "metaphor.escalate", ["escalate"]),
])
def test_evidence_names_the_rule_and_the_words(metaphor, sentence, rule, words):
    doc, codings = metaphor(sentence)
    (coding,) = codings
    assert f"[{rule}]" in coding.evidence
    quoted = re.findall(r'"([^"]*)"', coding.evidence)
    assert quoted, coding.evidence
    for word in words:
        assert any(word in q.split() for q in quoted), (word, coding.evidence)
        assert word in doc.text[coding.start : coding.end]


def test_only_the_figurative_sentence_of_a_turn_is_coded(ccin, code_lines):
    doc, codings = code_lines(
        ccin,
        "Kelly: I drove down to the office. It went up to CP in the end. We walked up the hill.",
        coders=("metaphor",),
    )
    assert [doc.text[c.start : c.end] for c in codings] == ["It went up to CP in the end."]


def test_unit_turn_codes_the_whole_turn(ccin, code_lines):
    doc, codings = code_lines(
        ccin,
        "Interviewer: And then?",
        "Kelly: I drove down to the office. It went up to CP in the end.",
        coders=("metaphor",),
        unit="turn",
    )
    (coding,) = codings
    assert doc.text[coding.start : coding.end] == "I drove down to the office. It went up to CP in the end."
    assert (coding.start, coding.end) == (doc.turns[1].start, doc.turns[1].end)


def test_interviewer_metaphors_are_not_coded_by_default(ccin, code_lines):
    lines = ("Interviewer: Did it go up to CP?", "Kelly: Yes.")
    _, codings = code_lines(ccin, *lines, coders=("metaphor",))
    assert codings == []
    doc, codings = code_lines(ccin, *lines, coders=("metaphor",), include_interviewer=True)
    assert [doc.text[c.start : c.end] for c in codings] == ["Did it go up to CP?"]


def test_metaphor_coder_needs_the_up_down_code(nlp):
    from qda.codebook import parse_codebook
    from qda.coding import AutoCoder
    from qda.errors import QdaError

    other = parse_codebook("codes:\n  - id: a\n    name: A\n", "other.yaml")
    with pytest.raises(QdaError, match="up_down"):
        AutoCoder(other, coders=("metaphor",), nlp=nlp)


# -- parse skipping ------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "We had a long chat about school.",
    "Mum was really worried about the baby.",
    "I drove to the office after the visit.",
])
def test_sentence_without_candidate_words_is_not_parsed(nlp, needs_parse, sentence):
    assert needs_parse(MetaphorCoder(nlp), sentence) is False


@pytest.mark.parametrize("sentence", [
    "It went up to CP in the end.",
    "We had to escalate it.",
    "If things settle it'll come back down.",
])
def test_sentence_with_candidate_and_context_is_parsed(nlp, needs_parse, sentence):
    assert needs_parse(MetaphorCoder(nlp), sentence) is True


def test_metaphor_run_parses_only_candidate_sentences(metaphor, spy_parse):
    doc, codings = metaphor("We had a long chat about school. It went up to CP in the end. Mum was fine.")
    assert [doc.text[c.start : c.end] for c in codings] == ["It went up to CP in the end."]
    assert spy_parse == ["It went up to CP in the end."]


def test_judge_ignores_non_candidates(nlp):
    from qda import nlp as qnlp

    parsed = next(qnlp.parse(nlp, ["Mum made a cup of tea."]))
    assert all(judge(token) is None for token in parsed)
