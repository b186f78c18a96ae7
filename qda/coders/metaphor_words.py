"""The words the up/down metaphor coder (`qda.coders.metaphor`) judges and judges by:
candidate words, what up/down can be about in child-protection talk (categories, risk,
priority), and the words that make a use literal (places, travel, agitation) or an idiom.
They are lookup lemmas (`qda.nlp`) unless a comment says otherwise. Each list says, with an
example, why it is there: each came from a use the coder got wrong.
"""

from __future__ import annotations

# Words whose up/down sense the coder judges (lookup lemmas).
DIRECTIONS = frozenset({"up", "down"})
# The same as adverbs or adjectives: "the risk creeps upwards", "a downward trend in risk".
DIRECTION_WORDS = frozenset({"upward", "upwards", "downward", "downwards"})
POSITIONS = frozenset({"above", "below", "beneath", "underneath", "under", "over"})
LEVELS = frozenset({"high", "low", "higher", "lower", "highest", "lowest", "upper"})  # "upper-end CiN"
# What a level word joined to by a hyphen makes a rank: "higher-acuity", "high-tariff",
# "low-grade neglect", "upper-level harm", "higher-need families" (not "high-rise", "low-key").
RANKED_BY_HYPHEN = frozenset({"acuity", "tariff", "grade", "need", "needs", "risk", "level", "end", "harm", "concern",
                              "priority", "intensity", "severity", "tier", "threshold"})
# What is raised or lowered as a rank when it measures a risk or concern: "they raised the
# risk rating", "lowered its priority" (not "raised a concern": brought it up).
RATINGS = frozenset({"rating", "level", "grade", "score", "tier", "category", "priority"})
# Nouns of a rise or fall, figurative when it is in a risk or category: "an uptick in the risk".
TREND_NOUNS = frozenset({"uptick", "upturn", "upswing", "downturn", "downswing"})
# Where a thing goes through when it goes beyond any measure: "the risk went through the floor".
LIMITS = frozenset({"roof", "floor"})
ENDS = frozenset({"top", "bottom", "foot"})  # "the foot of someone's caseload"
# Floors of a building: figurative only on the way to a category ("push it upstairs to conference").
STOREYS = frozenset({"upstairs", "downstairs"})
# Figurative whatever their arguments: escalating a case, a concern, a situation.
# ("de-escalated" is tokenized "de", "-", "escalated", so "escalated" stands for both.)
ALWAYS_FIGURATIVE = frozenset({"escalate", "escalation", "downgrade", "upgrade"})
# Verbs of vertical movement: figurative when what moves, or where it lands, is a
# category or risk ("dropped back to CiN", "the risk rose").
VERTICAL_VERBS = frozenset({"drop", "fall", "rise", "climb", "lift", "elevate", "sink", "plummet", "soar", "raise",
                            "lower", "ratchet", "bury", "spike", "peak", "dip"})  # "the concerns spiked"
# Vertical verbs that are figurative only with a destination: "raised to child protection",
# not "I raised a concern" (brought it up).
# ("lift" too: a plan or a ban is lifted when it ends, not raised in rank.)
DESTINATION_ONLY = frozenset({"raise", "lift"})
# Lines whose height is itself the matter: "the threshold's been raised", "they lowered the bar".
RAISED_LINES = frozenset({"threshold", "bar"})
# A rung of the ladder of categories ("the middle rung", "a rung below CP"); not "had rung".
RUNGS = frozenset({"rung", "rungs"})
# Verbs of staying put, after which "just below" or "just underneath" with nothing named is
# a case's place under a line: "hovering just underneath", "hanging around just below".
HOVERING = frozenset({"hover", "hang", "sit", "teeter", "linger"})
# Steps of a ladder, which up/down right after them climbs: "a level down from that".
RUNG_NOUNS = frozenset({"level", "tier", "band", "category", "notch", "peg", "rung", "step", "grade"})
CANDIDATES = DIRECTIONS | DIRECTION_WORDS | POSITIONS | LEVELS | ENDS | ALWAYS_FIGURATIVE | VERTICAL_VERBS | RUNGS | STOREYS \
    | TREND_NOUNS | LIMITS

# Categories and procedures by their initials, which are also said in the plural ("the CAFs").
ACRONYMS = frozenset({"cp", "cin", "ccin", "lac", "caf", "plo", "icpc"})
# What up/down is "about" in this kind of talk: categories, plans, levels, risk, priority.
DOMAIN = ACRONYMS | frozenset(
    {
        "s47", "s17", "plan", "category",
        "categorisation", "level", "tier", "band", "threshold", "risk", "concern", "worry",
        "need", "priority", "list", "pile", "heap", "agenda", "caseload", "scale", "ladder",
        "protection", "conference", "court", "proceedings", "section", "statutory", "help",
        "service", "services", "universal", "intervention", "status", "bar", "intensity",
        "severity", "seriousness", "escalation", "line", "order", "criterion", "criteria",
        "red", "amber", "green", "child-in-need", "pecking", "complex", "tray", "in-tray",
        "inbox", "queue", "priorities", "ordinary", "rung", "notch", "peg", "strategy", "gear", "diary",
        "continuum", "spectrum", "register",  # the child protection register, CP's older name
    }
)
# Where a case goes, which the parser may read as a verb after "to": "elevated it to conference".
CATEGORY_NAMES = ACRONYMS | frozenset({"conference", "court"})
# Things with floors and levels of their own: "the top level of the car park" is literal.
PHYSICAL = frozenset({"car", "park", "building", "house", "stairs", "staircase", "flat", "flats", "block", "tower", "door",
                      "hill", "road", "street", "garden", "stadium", "bus", "ship", "shop", "office", "school", "lift"})
# Furniture, which has a top and things stuck up on it: "the top bunk", "up on the fridge".
FURNITURE = frozenset({"fridge", "shelf", "wall", "noticeboard", "desk", "loft", "attic", "bunk", "bed", "cupboard",
                       "wardrobe"})  # (not "drawer": "CP is top drawer", the best)
# Rooms and floors, where people go: "up to the child protection office", "the CP room".
ROOMS = PHYSICAL | FURNITURE | {"room", "floor", "corridor", "reception", "canteen", "kitchen"}
# Ways of going somewhere in person: "we drove down to the CiN team", "nipped up to the panel".
TRAVEL = frozenset({"drive", "walk", "nip", "pop", "cycle", "fly", "travel", "ride", "stroll", "hike", "wander",
                    "hurry", "rush", "trek", "dash"})
# What a case is filed under, not below: "under the new category", "under section 47".
FILED_UNDER = frozenset({"category", "heading", "umbrella", "banner", "label", "title", "name", "remit", "section",
                         "pilot", "scheme", "legislation", "act", "rule", "guidance", "procedure", "framework",
                         "policy", "law", "arrangement", "protocol"})
# What is crossed rather than stood above: "over the line", "over the threshold" (but a bar
# is cleared upwards: "it wouldn't have got over the bar for a section 47").
CROSSED = frozenset({"line", "threshold", "edge"})
# How far over a line a case sits, which makes "over" a position: "well over the line".
DEGREES = frozenset({"well", "way", "miles", "far", "just", "slightly", "clearly"})
# Pronouns standing for something named earlier in the sentence.
POINTERS = frozenset({"it", "that", "this"})  # not "them": "somebody above them" is a boss
# Counts are high or low without any ranking: "our plan numbers were so high".
QUANTITIES = frozenset({"number", "figure", "count", "rate", "statistic", "stat"})
# Ordered things whose top and bottom are priority: "near the top" when one is named.
SCALES = frozenset({"ladder", "list", "pile", "heap", "scale", "queue", "agenda", "caseload", "priority", "priorities",
                    "tray", "in-tray", "diary", "continuum", "spectrum"})
# Scales that grow and shrink: as what goes up or down they are counted, not ranked ("my
# caseload went up to twenty-five", "the waiting list went down"; but "it went up the list").
SIZED = frozenset({"list", "pile", "heap", "queue", "caseload", "tray", "in-tray", "diary", "agenda"})
# Heaps of paper: figurative only as "the pile" ("bottom of the pile"), not "that pile" on
# a desk or "a pile of forms".
PAPER = frozenset({"pile", "heap", "tray", "in-tray", "inbox"})
# Domain words that only count after above/below/over/under ("above the line"); after
# up/down they are idioms of time ("further down the line").
POSITION_ONLY = frozenset({"line", "bar", "radar"})
# Verbs whose "up" is arriving: "dad didn't turn up to the strategy meeting".
ARRIVING = frozenset({"turn", "show"})
# Verbs whose up/down particle is the category move itself.
STEP_VERBS = frozenset({"step", "scale", "ratchet", "ramp", "bump", "dial", "notch", "tone"})
# Phrasal verbs with no vertical sense: set up a meeting, follow up, sit down with mum.
NON_VERTICAL = frozenset(
    {
        "set", "follow", "pick", "bring", "back", "sit", "write", "break", "turn", "end", "show", "sort",
        "fill", "take", "make", "look", "call", "shut", "calm", "settle", "quiet", "hold",
        "catch", "keep", "open", "put", "give", "build", "wind", "slow", "let", "jot", "note",
        "bottle", "mess", "tie", "tidy", "clean", "wash", "wake", "grow", "own", "speak", "blow",
        "pin", "narrow", "break", "close", "play", "cut", "lie", "knock", "track", "run", "dress", "stick",
    }
)
# Going through a list, not moving on it: "look down the list".
READING = frozenset({"look", "read", "scan", "scroll", "glance", "skim", "run"})
# Movement on foot or by vehicle; with up/down and no domain target it is literal.
AGITATION = frozenset({"jump", "pace", "bounce", "walk", "run", "hop", "march", "stomp", "go", "move"})
# Movement verbs whose subject, when a case or situation, makes the movement figurative.
MOTION_VERBS = frozenset({"go", "come", "move", "creep", "flow", "drop", "fall", "climb", "shoot", "bump", "push", "put", "take",
                          "sink", "rocket", "spike", "inch", "edge", "tick", "slide", "slip"})
# "one" too, standing for a case ("one's come back down"), but not "one of my workers".
CASE_PRONOUNS = frozenset({"it", "things", "that", "this", "everything", "case", "risk", "concern", "concerns", "one"})
# Verbs that put a case somewhere in a ranking; passive, what they move is a case or
# a piece of work ("they get shunted to the bottom", "pushed further down every week").
DISPLACE = frozenset({"shunt", "push", "bump", "shove", "relegate", "move"})
# Where a matter is talked over: what "comes up" there arises ("it came up in supervision").
TALK = frozenset({"supervision", "meeting", "group", "panel", "discussion", "session", "conversation", "chat",
                  "handover", "huddle", "call", "visit", "minutes"})
# People at work, who step up to a task ("the team stepped up") rather than step a case up.
STAFF = frozenset({"worker", "team", "staff", "manager", "senior", "colleague", "practitioner", "student",
                   "agency", "school", "people", "everyone"})
# What people step up to: "stepped up to the plate", "to the mark".
TASKS = frozenset({"plate", "mark", "challenge", "task", "role", "occasion", "job"})
# Pronouns for people, who are pushed about literally.
PEOPLE = frozenset({"i", "me", "he", "she", "we", "you", "him", "her", "us"})
# Family and friends, who step up as people do: "the grandmother stepped up and took the kids".
KIN = frozenset({"mum", "dad", "mother", "father", "parent", "grandmother", "grandma", "gran", "granny", "nan", "nana",
                 "grandad", "grandfather", "grandparent", "aunt", "auntie", "uncle", "sister", "brother", "family",
                 "neighbour", "partner", "friend"})
# Verbs after which one is "on top of" work by managing it: "I can't keep on top of my caseload".
MANAGING = frozenset({"keep", "stay", "get"})
# Verbs that move a case ("it") up or down a category when nothing else is named: "push it
# back up", "we brought it down at the last review". Not "put it down", "take it up with
# her" or "move it up" (a sofa as often as a case).
CASE_MOVERS = frozenset({"push", "bump", "shunt", "shove", "bring", "nudge"})
# Steps of a ladder that only the ladder of categories has ("a tier above them"); a level
# or a step above can be a floor or a stair.
CATEGORY_RUNGS = RUNG_NOUNS - {"level", "step"}
# Papers have a top and bottom of their own: "the letter says Child Protection at the top".
PAGES = frozenset({"letter", "page", "form", "sheet", "document", "report", "screen", "email", "leaflet", "poster"})
# Words that must accompany a candidate for its sentence to be worth parsing.
# ("need", "help", "order" and "status" are too common in talk to be worth a parse
# on their own; "child in need" and "early help" moves are usually named by their verb.)
CONTEXT = (DOMAIN - {"need", "help", "order", "status"}) | STEP_VERBS | {a + "s" for a in ACRONYMS}

PREPOSITIONS = frozenset({"to", "into", "onto", "from", "on", "towards", "toward", "of", "off"})
# Places one is "up at" or "down at" literally, however much they belong to the work: "I
# was up at court all day"; a case "up at CP" or "down at CiN" sits in a category.
VENUES = frozenset({"court", "conference", "school", "office", "service", "services"})
DESTINATIONS = frozenset({"to", "into", "onto", "towards", "toward"})
