"""Pattern recognisers for identifiers with a recognisable shape or a telling context.

Regular expressions, each for one type, tuned to UK interview material:

- shapes: emails (also spelt out: "j dot smith at example dot org"), URLs, phone numbers
  (any UK grouping, or read out in words), postcodes (full, or just the district: "LS9"),
  NHS numbers (checksum-validated, or named as one), National Insurance numbers, calendar dates (numeric,
  "14th of March", "the twenty-third of May", "4th March '13");
- institutions by their generic words: streets ("14 Mill Lane", "Flat 3, 27 Foo Road"),
  schools and nurseries, GP practices, clinics, hospitals and wards, churches, mosques,
  community and family centres, housing associations, charities, clubs, pubs, prisons;
- context: people after titles ("DC Smith", "Cllr Patel"), relation and role words
  ("mum, Ewa", "his teacher, Miss Lowe"), naming phrases ("a lad called Jase", "Isla,
  she's called", "Tilly, who's six"), families in the plural ("the Dawsons"); places after
  words that introduce one ("over to Longsight", "the Moorside estate"); employers ("works
  at Morrisons") and institutions after the generic noun ("the nursery, Little Acorns").

They find what NER misses (numbers, codes, names that are also words) and type
institutions better than NER's generic ORG. No pattern holds a proper name: the lists are
of generic words (street and institution suffixes, relation words, postcode areas).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from qda.pseudonymise.entities import Mention
from qda.pseudonymise.regex import phrases, trie
from qda.pseudonymise.words import GENERIC_ACRONYMS, NOT_IDENTIFYING, NUMBER_WORDS, ONES, TALK, TEENS, TENS

# -- building blocks ---------------------------------------------------------------------

#: One capitalised name word: "Amara", "McAllister", "O'Hare", "Kerry-Ann", "DeShawn".
# Latin letters with the diacritics of names spoken in UK interviews (Polish, Czech,
# Romanian, Turkish, Hungarian, Baltic): "Lăcătuș", "Wiśniewska", "Öztürk".
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽȘȚƠƯĐ"
_LOW = r"a-zß-öø-ÿāăąćčďēėęěğģīįıķĺļľłńņňōőœŕřśşšţťūůűųźżžșțơưđŵŷḀ-ỿ"  # ḁ-ỿ: Vietnamese ("Trần")
NAME_WORD = (rf"[{_UP}](?:[{_LOW}]+(?:[{_UP}][{_LOW}]+|['’][a-z]{{3,}})?|['’][{_UP}][{_LOW}]+)"  # "Bo'ness"
             rf"(?:-[{_UP}][{_LOW}]*)*"  # "Bar-L"
             rf"(?:-(?:[a-z]{{1,5}}-)+[{_UP}][{_LOW}]+)?")  # "Stoke-on-Trent", "Weston-super-Mare"
_QUOTED_NAME = rf"(?:{NAME_WORD}|[A-Z]-[A-Z][a-z]+)(?:[ \t]+{NAME_WORD}){{0,2}}"  # "Little Punjab", "T-Bone"
_CAP = r"(?:St\b\.?|Saint|[A-Z][\w'’\-]*)"  # a capitalised word (names, "St")
# A run of them, lazily, with the small words names hold ("Clann na Sperrin GAC").
_CAPS = rf"{_CAP}(?:[ \t]+(?:{_CAP}|of|the|and|&|na|nan|y|yr))*?"
_OF = rf"(?:[ \t]+of(?:[ \t]+the)?[ \t]+{_CAP}(?:[ \t]+{_CAP})*)?"  # "... Church of God"

_MONTH_NAMES = ("January February March April May June July August September October November December "
                "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()
_MONTHS = trie(_MONTH_NAMES)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_SPOKEN_DIGIT = "(?:" + trie("oh zero nought one two three four five six seven eight nine".split(),
                              ignore_case=True) + ")"
_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()
_ORDINAL_WORDS = [*_UNITS, *(f"{tens}{sep}{unit}" for tens in ("twenty", "thirty") for sep in "- " for unit in _UNITS),
                  *("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                    "nineteenth twentieth thirtieth").split()]
_ORDINAL_WORD = "(?:" + trie(_ORDINAL_WORDS, ignore_case=True) + ")"
_UNIT_WORDS = f"(?:{'|'.join(ONES)})"
_UP_TO_NINETEEN = "|".join((*ONES, *TEENS))
#: A number under a hundred said as words: "seven", "nineteen", "seventy-five".
SPOKEN_NUMBER = rf"(?:{_UP_TO_NINETEEN}|(?:{'|'.join(TENS)})(?:[- ]{_UNIT_WORDS})?)"
# A year: "2013", "'13", "13" (after a month), "twenty thirteen", "two thousand and twelve".
_YEAR = (rf"(?:,?[ \t]+(?:\d{{4}}|['’]\d{{2}}|\d{{2}}(?![\d:])(?![ \t]+[a-z])|"
         rf"(?:twenty|two thousand(?: and)?|nineteen)[ \t\-]+(?:oh[ \t\-]+)?{SPOKEN_NUMBER})\b)")

#: Postcode areas (the letters before the district number), from the Royal Mail's list.
POSTCODE_AREAS = frozenset((
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC "
    "EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU "
    "M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST "
    "SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE").split())

#: Words that name someone's relation to a person, or their role, just before the name:
#: "mum, Ewa", "the baby, Summer", "her fella Dwayne", "the head, Mrs Lowe".
RELATION_WORDS: frozenset[str] = frozenset((
    "mum mam mom mummy mother dad daddy father son sons daughter daughters baby babies brother brothers "
    "sister sisters bro sis twin twins partner boyfriend girlfriend husband wife fella fellow bloke ex "
    "ex-partner ex-husband ex-wife fiance fiancé fiancee fiancée nan nana nanna nanny gran granny grandma "
    "grandmother grandad granddad grandpa grandfather grandson granddaughter auntie aunty aunt uncle "
    "cousin stepdad stepmum stepfather stepmother stepson stepdaughter stepbrother stepsister godmother "
    "godfather niece nephew eldest oldest youngest little lad lass girl boy kid kids child "
    "children bairn bairns our friend mate pal neighbour neighbours landlord landlady lodger carer "
    "childminder manager boss colleague supervisor senior worker teacher head headteacher deputy nurse "
    "midwife doctor consultant paediatrician psychiatrist psychologist therapist counsellor "
    "officer sergeant inspector detective solicitor lawyer barrister magistrate judge chair pastor "
    "vicar priest imam rabbi mentor tutor student volunteer advocate interpreter keyworker"
).split())
# Also capitalised ("Mum, Leanne", "Our Jean", "Team Manager, Paula"), but for "Little".
_RELATION = "|".join(sorted({*RELATION_WORDS, *(w.capitalize() for w in RELATION_WORDS if w != "little"),
                             "GP", "CPN", "SENCO", "DSL"}, key=len, reverse=True))
#: Titles before a name (kept outside the mention): "Mrs Okafor", "DC Hanratty", "Cllr Bashir".
TITLES = (
    "Mr Mrs Ms Miss Mx Master Dr Doctor Prof Professor Sir Dame Lady Lord DC DS DI DCI DSI DSU PC PCSO "
    "WPC Sgt Sergeant Insp Inspector Cllr Councillor Rev Revd Reverend Pastor Imam Father Fr Sister Nurse "
    "Judge Canon Bishop Rabbi Sheikh Uncle Auntie Aunty Aunt Nan Nana Grandma Grandad"
).split()
_TITLE = r"(?:" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\.?"
# Capitalised words that never start a name after a cue word.
_NOT_NAME = (r"(?!(?:The|A|An|And|But|So|Or|If|He|She|They|We|I|It|You|Me|Him|Us|Them|Myself|His|Her|Their|Our|My|"
             r"Your|This|That|"
             r"There|Then|When|What|Who|Yes|No|Not|Mum|Dad|Nan|Gran|Oh|Well|Also|Even|Just|Like|Because|Lady|"
             r"Lord|God|Christmas|Easter|Ramadan|Eid|Practice|Surgery|School|Hospital|Team|Service|Services|"
             r"Centre|Unit|Court|Police|Council|Social|Health|Housing|Education|Manager|Worker|Officer|"
             r"Practitioner|Plan|Meeting|Conference|Review|Panel|Board|Office|Department|Ward|Clinic|Nursery|"
             r"Academy|College|University|Church|Mosque|Group|Club|Project|Trust|Home|House|Street|Road|Lane|"
             r"Year|Reception|Section|Level|Stage|Tier|Early|Family|Child|Children|Young|Youth|Adult|Mental|"
             r"Safeguarding|Local|National|Universal|Head|Deputy|Senior|Principal|Assistant|Acting|Constable|Detective|"
             r"Superintendent|Chief|Sister|Staff|Charge|Student|Trainee|Newly|Qualified)\b)"
             r"(?!" + _TITLE + r"[ \t])")
# After a title almost any capitalised word is a surname ("Mrs Young", "Dr House").
_NOT_NAME_AFTER_TITLE = (r"(?!(?:The|A|An|And|But|So|Or|If|He|She|They|We|I|It|You|His|Her|Their|Our|My|Your|"
                         r"This|That|There|Then|When|What|Who|Yes|No|Not|Oh|Well|Christmas|Practitioner|Manager|"
                         r"Worker|Officer|Lead|Assistant)\b)")
_NUMBER_WORD = rf"(?:\d{{1,2}}|{_UP_TO_NINETEEN}|twenty|[a-z]+teen|newborn|[a-z]+ months?)"

_STREET_WORDS = phrases((
    "Road Rd Street St Lane Ln Avenue Ave Crescent Close Drive Way Grove Gardens Terrace Place Court Walk Row "
    "Square Mews Rise Hill Parade View Approach Boulevard Chase Wynd Brae Vale Broadway Circus Gate Loke Chare "
    "Vennel Twitten Ginnel Gennel Snicket Jitty Twitchell").split())
# Words that are streets only after a house number: "33 Cinder Bank", "4 Holly Fold".
_NUMBERED_STREET_WORDS = phrases((
    "Bank Green Fold Brow Croft Wharf Side Meadow Meadows Park Garth Mount Heights Nook Lea Hey Villas Cottages "
    "Buildings Yard Fields Field End Top Bottom Edge Moor Farm Loan Gait Hollow Dale Dene Ridge Quay Reach Link "
    "Path Circle Oval Crest Orchard Drove Holt Paddock Pastures Spinney Towers House Flats Estate Precinct "
    "Common Wood Woods Gardens Passage Cross").split())
# "Flat 3, 27 ...", and Scottish flat positions: "2F1, 9 ..." (second floor, first door).
_HOUSE = (r"(?:(?:(?:Flat|Apartment|Apt|Unit|Room)[ \t]+\d{1,3}[A-Za-z]?|\d{1,2}F\d{1,2}|[PG]F\d?|\d{1,2}/\d{1,2}),?[ \t]+)?"
          r"(?:\d{1,3}/)?\d{1,4}[a-zA-Z]?,?[ \t]+")  # "9/2 Butterburn Court": a Scottish stair and flat
_HOUSE_SHORT = r"(?:(?:Flat|Apartment|Apt|Unit|Room)[ \t]+\d{1,3}[A-Za-z]?,?[ \t]+)?\d{1,3}[a-zA-Z]?,?[ \t]+"  # no year

_SCHOOL_KIND = phrases([
    "Primary", "Junior", "Infant", "Infants", "Nursery", "Secondary", "High", "Grammar", "Community", "C of E",
    "CE", "Catholic", "RC", "Church of England", "Methodist", "Free", "Special", "Village", "Church",
    "Sixth Form", "Day", "Pre-School", "Preschool"])
_SCHOOL_WORDS = phrases([
    "School", "Academy", "College", "Nursery", "Pre-School", "Pre-school", "Preschool", "Playgroup",
    "Kindergarten", "Montessori", "Sixth Form", "University", "PRU", "Pupil Referral Unit", "Children's Centre"])
_HEALTH_WORDS = phrases([
    "Medical Centre", "Health Centre", "Medical Practice", "Family Practice", "Medical Group", "Health Practice",
    "Surgery", "Clinic", "Infirmary", "Hospital", "Hospice", "Practice", "Health Park", "Walk-in Centre",
    "Walk-In Centre", "Treatment Centre", "Maternity Unit", "Birth Centre", "Dental Practice", "Pharmacy",
    "Chemist", "Chemists", "Children's Hospital", "Mental Health Unit", "Psychiatric Unit"])
_ORG_WORDS = phrases([
    "Church", "Chapel", "Cathedral", "Abbey", "Minster", "Tabernacle", "Kingdom Hall", "Gospel Hall", "Mosque",
    "Masjid", "Temple", "Gurdwara", "Mandir", "Synagogue", "Baptist", "Methodist", "Pentecostal", "Fellowship",
    "Ministries", "Assembly", "Mission", "Parish", "Chaplaincy", "Football Club", "Rugby Club", "Cricket Club",
    "Boxing Club", "Youth Club",
    "Social Club", "Working Men's Club", "Club", "FC", "AFC", "ABC", "RFC", "Juniors", "Rovers", "United",
    "Athletic", "Wanderers", "Housing", "Housing Association", "Housing Trust", "Housing Group", "Homes",
    "Living", "Women's Aid", "Young Carers", "Carers", "Food Bank", "Foodbank", "Food bank", "Trust", "Project",
    "Partnership", "Foundation", "Prison", "Association", "Society", "Charity", "Network", "Alliance", "Forum",
    "Hub", "Collective", "Co-op", "Cooperative", "Centre", "Center", "Library", "Arms", "Inn", "Tavern",
    "Farm", "Farms", "Hotel", "Ltd", "Limited", "PLC", "plc", "& Sons", "and Sons", "& Son", "& Partners",
    "and Partners", "& Co", "& Associates", "and Associates", "& Daughters", "Solicitors", "Garage", "Motors",
    "Feeds", "Foods", "CAMHS", "Link", "GAC", "GAA", "Plant Hire", "Hire", "Lettings", "Logistics", "Haulage",
    "Builders", "Construction", "Cleaning", "Care Home", "Nursing Home", "Hall"])
# A generic noun for a place or institution, followed by its name: "the nursery, Little Acorns".
_INSTITUTION_NOUNS = phrases([
    "school", "nursery", "pre-school", "playgroup", "academy", "college", "surgery", "practice", "GP", "GPs",
    "hospital", "clinic", "church", "chapel", "mosque", "temple", "gurdwara", "pub", "club", "charity",
    "centre", "ward", "employer", "company", "firm", "factory", "warehouse", "shop", "project", "association",
    "hostel", "refuge", "prison", "solicitor", "solicitors", "lawyer", "lawyers", "firm", "law firm", "landlord",
    "letting agent", "letting agents", "wholesaler", "employer's", "care home", "housing association", "primary",
    "secondary", "high school",
    "football team", "youth club"])
# What a school is, said after its name: "at College Central, the PRU".
_SCHOOL_AFTER = (r",[ \t]+the[ \t]+(?:PRU|pupil referral unit|nursery|academy|school|college|primary|secondary|"
                 r"special school|sixth form)\b")

_LEFT = r"(?<![\w'’\-])"  # a word starts here
# Trades before "at" an employer: "a welder at Harland and Wolff", "a packer at Bakkavor".
_TRADES = phrases((
    "welder fitter joiner labourer packer picker driver cleaner porter chef cook waiter waitress barmaid barman "
    "mechanic electrician plumber engineer apprentice operative supervisor receptionist cashier "
    "shelf-stacker warehouseman machinist drives drove driving").split())


def _c(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, flags)


# Roles after a name in apposition.
_ROLE = phrases([
    "Head of Service", "Head", "Team Manager", "manager", "Service Manager", "boss", "social worker", "health visitor",
    "school nurse", "nurse", "midwife", "GP", "doctor", "consultant", "paediatrician", "teacher", "head teacher",
    "headteacher", "deputy head", "deputy", "SENCO", "DSL", "senior", "senior practitioner", "practitioner",
    "worker", "family support worker", "youth worker", "key worker", "keyworker", "support worker", "CPN",
    "IRO", "chair", "colleague", "supervisor", "mentor", "tutor", "officer", "police officer", "PC", "DC",
    "detective", "sergeant", "solicitor", "interpreter", "advocate", "volunteer", "pastor", "vicar", "imam",
    "priest", "neighbour", "friend", "landlord", "landlady", "childminder", "foster carer", "carer", "partner",
    "mum", "dad", "nan", "gran", "sister", "brother", "son", "daughter", "cousin", "aunt", "auntie", "uncle",
    "eldest", "youngest", "baby", "lad", "lass", "fella", "husband", "wife", "boyfriend", "girlfriend"])
# Roles written capitalised, as titles, after a name with no "our": "Alan, Head of Service,".
_ROLE_TITLE = phrases(["Head of Service", "Team Manager", "Service Manager", "Senior Practitioner",
                       "Deputy Head", "Head Teacher", "Headteacher", "Practice Manager", "Team Leader"])
# Nouns after "the Wells" that make it a place or an institution, not a family.
_PLACE_NOUNS = ("(?:estate|area|end|way|side|road|street|lane|school|academy|surgery|practice|centre|hospital|"
                "church|pub|club|estates|flats|park|shop|shops|office|ward|village|town|community)")

#: (type, expression). A named group starting with "v" is the mention, when present (the
#: context around it stays outside); otherwise the whole match.
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("EMAIL", _c(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b")),
    # Spelt out on the phone: "natalieh1989 at example dot com", "j dot smith at x dot gov dot uk".
    ("EMAIL", _c(r"\b[\w+\-]+(?:(?:\.| dot | underscore | hyphen | dash )[\w+\-]+)* at [\w\-]+"
                 r"(?: dot [\w\-]+)*(?: dot (?:com|org|net|uk|gov|nhs|ac|co|edu|info|biz|me|io|police|sch))\b")),
    ("URL", _c(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]"
               r"|\b[\w\-]+(?:\.[\w\-]+)*\.(?:org|com|net|gov|nhs|ac|sch|co)(?:\.uk)?/"
               r"[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]")),
    ("PHONE", _c(r"(?<![\w+])(?:(?:\+|00)44[ \t]?(?:\(0\)[ \t]?)?|\(0|0)\d{1,4}\)?(?:[ \t\-.]?\d{2,4}){1,4}(?![\w])"
                 r"(?:,?[ \t]*(?:ext\.?|extension|x)[ \t]*\d{2,5}\b)?")),
    ("PHONE_SPOKEN", _c(
        rf"\b(?:(?:{_SPOKEN_DIGIT}|double|treble|triple|hundred|thousand|\d{{1,5}})(?:[ \t]*[,\-]?[ \t]+|-))"
        rf"{{5,}}(?:{_SPOKEN_DIGIT}|hundred|thousand|\d{{1,5}})\b", re.IGNORECASE)),
    ("POSTCODE", _c(r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}\b")),
    # ... typed in lower case on a form ("tf13 6ab"): only where the area is a real one
    ("POSTCODE_ANY_CASE", _c(r"\b[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]?\d[A-Za-z]{2}\b")),
    # A social media handle, the address of someone's account: "@willm_2009" (not an e-mail
    # address's "@"); replaced as a URL is
    ("HANDLE", _c(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])")),
    # Just the district ("LS9", "OL10", "M22"): checked against the areas and its context.
    ("POSTCODE_DISTRICT", _c(r"(?<![\w\-/])(?P<v>[A-Z]{1,2})\d{1,2}[A-Z]?(?![\w\-/:])(?![ \t]?\d[A-Z]{2}\b)")),
    ("NHS", _c(r"(?<!\d)\d{3}[ \t\-]?\d{3}[ \t\-]?\d{4}(?!\d)")),
    ("NI", _c(r"\b[A-Z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D]\b")),
    ("DATE", _c(
        rf"\b(?:{_DAY}[ \t]+(?:of[ \t]+)?(?:{_MONTHS})\b{_YEAR}?"
        rf"|(?:{_MONTHS})\.?[ \t]+(?:the[ \t]+)?{_DAY}\b{_YEAR}?"  # "Dec. 4"
        rf"|(?i:{_ORDINAL_WORD})[ \t]+(?:of[ \t]+)?(?:{_MONTHS})\b{_YEAR}?"
        rf"|(?:{_MONTHS})[ \t]+the[ \t]+(?i:{_ORDINAL_WORD})\b{_YEAR}?"
        rf"|[0-3]?\d[/.][01]?\d[/.](?:\d{{4}}|\d{{2}})\b"
        rf"|[0-3]?\d-[01]?\d-(?:\d{{4}}|\d{{2}})\b"
        rf"|\d{{4}}[-/][01]\d[-/][0-3]\d\b)"  # "2013-05-14", "2015/01/11"
    )),
    # A day of the month on its own, where the month is understood: "on the 22nd", "Monday
    # the 10th", "the review's the 3rd, and", "the 14th of this month" - a date, unless a
    # noun follows ("on the 3rd floor"): transcribers write ranks in words ("the third
    # child"), days in digits. In words ("by the third") it is too often a meeting or a visit.
    ("DATE", _c(
        r"\b[Tt]he[ \t]+(?P<v1>(?:[12]?\d|3[01])(?:st|nd|rd|th)"  # (also answering: "The 28th, I think")
        # ... a compound ordinal in words is a day too ("on the twenty-fourth"): nothing else is counted so high
        r"|(?:[Tt]wenty|[Tt]hirty)-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|[Tt]wentieth|[Tt]hirtieth)"
        r"(?=[ \t]*(?:[.,;:!?)]|$)|[ \t]+(?:and|or|at|in|when|but|so|which|because|there|we|i|he|she|they|it|"
        r"was|is|then|with|for|to|as|if|after|before|until|till|means|meant|though|anyway)\b)"
        r"|\bthe[ \t]+(?P<v2>(?:[12]?\d|3[01])(?:st|nd|rd|th))(?=[ \t]+of[ \t]+(?:this|next|last|that|the)[ \t]+month\b)"
        # ... or after "on the", "by the", unless a rank's noun follows ("on the 3rd floor")
        r"|\b(?:[Oo]n|[Bb]y|[Ff]rom|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter)[ \t]+the[ \t]+"
        r"(?P<vday>(?:[12]?\d|3[01])(?:st|nd|rd|th))(?![\w'’\-])"
        r"(?![ \t]+(?:floor|storey|day|week|month|year|time|go|try|attempt|visit|occasion|call|round|page|line|step|"
        r"row|birthday|anniversary|minute|hour|session|meeting)s?\b)"
        # Day and month with no year, after a word for when: "on 18/4", "until 3/11" (not "24/7").
        r"|\b(?:on|by|until|till|since|from|before|after)[ \t]+(?!24/7\b)"
        r"(?P<v3>(?:[12]?\d|3[01])/(?:0?[1-9]|1[0-2]))(?![/.\-]?\d)"
    )),
    ("STREET", _c(
        rf"\b(?:{_HOUSE})?{_CAPS}(?:[ \t]+(?:{_STREET_WORDS})\b)+(?:[ \t]+(?:North|South|East|West|Upper|Lower)\b)?"
        r"(?!['’])"  # "Fen View Close", "Newhampton Road West" whole
        rf"|\b{_HOUSE}{_CAPS}[ \t]+(?:{_NUMBERED_STREET_WORDS})\b"
    )),
    # A flat in a named block: "Flat 3, Tŷ Gwyn", "flat 12 Bevan House" (a block is a street
    # address whatever its words).
    ("STREET", _c(rf"\b[Ff]lat[ \t]+\d{{1,3}}[A-Za-z]?,?[ \t]+{NAME_WORD}(?:[ \t]+{NAME_WORD})*")),
    # A and B roads: "stuck on the B6341", "the A66" (an M is a motorway, a place too large to tell).
    ("STREET", _c(r"(?<=\bthe )(?P<v>[AB]\d{1,4})\b(?![ \t]*(?:area|postcode|district|end|side)\b)")),
    # Streets named in Welsh, the road word first: "12 Heol y Nant", "Ffordd yr Orsaf".
    ("STREET", _c(rf"\b(?:{_HOUSE})?(?:Heol|Ffordd|Stryd|Lôn|Rhodfa|Teras|Cilgant)(?:[ \t]+(?:(?:y|yr|ar|a|'r)[ \t]+)?{_CAP})+")),
    # One word after a house number, then the postcode: "2 Tan-y-Fron, SY17 5RB".
    ("STREET_NUMBERED", _c(rf"(?<![\d:.,/£$])\b{_HOUSE_SHORT}{NAME_WORD}(?:-(?:[a-z]{{1,5}}-)+[A-Z][a-z]+)?"
                           r"(?=,?[ \t]+[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}\b)")),
    # One word after a house number where someone lives: "They live at 23 Furrlongs", "renting at 3 Maes-y-Llan".
    ("STREET", _c(rf"\b(?:live|lives|lived|living|moved|staying|stays|renting|rented|rent|rents)[ \t]+(?:at|to)[ \t]+"
                  rf"(?P<v>{_HOUSE_SHORT}{NAME_WORD})\b"
                  r"(?=[ \t]*[,.;:!?)]|[ \t]+(?:in|on|with|and|for|since|near|by|off|until|till|when|but)\b)")),
    # A street named with its article, where someone lives: "lives on The Homend", "lived on The Strand".
    ("STREET", _c(rf"\b(?:live|lives|lived|living)[ \t]+on[ \t]+The[ \t]+(?P<v>{NAME_WORD})\b(?![ \t]+[A-Z])")),
    # Any two capitalised words after a house number: "12 Cuil Brae", "9 Foundry Approach".
    ("STREET_NUMBERED", _c(rf"(?<![\d:.,/£$])\b{_HOUSE_SHORT}(?P<vname>{NAME_WORD}[ \t]+{NAME_WORD})\b(?!['’])")),
    ("SCHOOL", _c(
        rf"\b{_CAPS}[ \t]+(?:{_SCHOOL_KIND}[ \t]+)*{_SCHOOL_WORDS}\b(?:[ \t]+(?:Scotland|Wales|Cymru)\b)?{_OF}"
        rf"|\b{_CAPS}[ \t]+(?:Primary|Junior|Juniors|Infant|Infants|High|Tots|Tiddlers|Day[ \t]+Nursery)\b"
        # Schools named in Welsh, Gaelic, Irish, Polish...: "Ysgol Gymraeg y Garreg", "Szkoła
        # Polska im. Jana Pawła II".
        rf"|\b(?:{_CAP}[ \t]+)?(?:Ysgol|Coleg|Sgoil|Bun-sgoil|Bunsgoil|Scoil|Bunscoil|Gaelscoil|Gaelcholáiste|Szkoła|École|"
        rf"Escuela|Okulu|Madrasa|Madrassa|Madrasah|Madressa|Darul|Dar[ \t]+al)"
        rf"(?:[ \t]+(?:(?:y|yr|an|na|nan|nam|a'|a’|im\.|de|la|du)[ \t]+)?{_CAP})+"
        # ... or with the school last, in lower case: "Česká sobotní škola", "Lietuviška mokykla".
        rf"|\b[{_UP}][{_LOW}]+(?:[ \t]+[{_LOW}]+){{0,3}}[ \t]+(?:škola|szkoła|skola|skoliņa|mokykla|mokyklėlė|iskola|"
        r"școala|scoala)\b"
        # A name then what it is: "excluded, at College Central, the PRU".
        rf"|\b(?:at|to|from|into|attends|attended)[ \t]+(?P<v>{NAME_WORD}(?:[ \t]+{NAME_WORD})*)(?={_SCHOOL_AFTER})"
    )),
    ("HEALTH", _c(
        rf"\b{_CAPS}[ \t]+{_HEALTH_WORDS}\b{_OF}"
        # Named in Welsh: "Meddygfa'r Bont", "Canolfan Iechyd Dyffryn", "Ysbyty Gwynedd".
        r"|\b(?:Meddygfa|Canolfan[ \t]+Iechyd|Ysbyty)(?:['’]r)?(?:[ \t]+(?:y|yr|a|ar)?[ \t]*[A-Z][\w'’\-]*)+"
        r"|\b[Ww]ard[ \t]+[A-Z]{0,2}\d{1,3}[A-Za-z]?\b"  # "Ward 7", "ward E39"; "the ward, E39":
        r"|\b[Ww]ard,[ \t]+(?P<v3>[A-Z]{0,2}\d{1,3}[A-Za-z]?)\b"
        # The name before a lower-case generic word: "the Cairnview surgery".
        rf"|\b(?:the|at|to|from)[ \t]+(?P<v1>{NAME_WORD}(?:[ \t]+{NAME_WORD})*[ \t]+"
        r"(?:surgery|practice|medical centre|health centre|clinic|hospital|infirmary|hospice))\b"
        # A hospital named after a royal: "Diana, Princess of Wales Hospital".
        rf"|\b{NAME_WORD},[ \t]+(?:Princess|Prince|Duchess|Duke|Queen|King|Countess)[ \t]+of[ \t]+{NAME_WORD}"
        rf"(?:[ \t]+{_HEALTH_WORDS})?"
        # ... or an acute one: "the South West Acute".
        rf"|\b{_CAPS}[ \t]+Acute\b(?![ \t]+[A-Z])"
        # A general hospital by its first name: "the Northern General", "at the Leeds General".
        rf"|(?<=\bthe )(?P<v2>{NAME_WORD}[ \t]+General)\b(?![ \t]+[A-Z])"
    )),
    ("ORG", _c(
        # A family firm and its trade: "Rees & Sons Scaffolding" (first: the next would stop at "Sons").
        rf"\b{NAME_WORD}[ \t]+(?:&|and)[ \t]+Sons?(?:[ \t]+{NAME_WORD})+"
        rf"|\b{_CAPS}(?:[ \t]+{_ORG_WORDS}\b)+{_OF}"  # "Hebridean Housing Partnership" whole
        rf"|\b(?:Jamia[ \t]+)?(?:Masjid|Mosque|Church|HMP|HMYOI|HM[ \t]+Prison|Kingdom[ \t]+Hall)[ \t]+{_CAP}"
        rf"(?:[ \t]+{_CAP})*{_OF}"
        # A saint's name is a school, church or hospital here: "St Mary's", "Overleigh St Mary's",
        # "St Peter and St Paul".
        r"|\b(?:[A-Z][a-z]+[ \t]+)?St\.?[ \t]+[A-Z][a-z]+['’]s\b(?![ \t]+Day\b)"  # (not "St David's Day")
        r"|\bSt\.?[ \t]+[A-Z][a-z]+s['’](?![\w'’])"  # "St Thomas'"
        r"|\bSt\.?[ \t]+[A-Z][a-z]+[ \t]+(?:and|&)[ \t]+St\.?[ \t]+[A-Z][a-z]+(?:['’]s)?\b"
        # Names joined by "&" are a firm: "Haigh & Lodge Dyeworks", "Sandhu's Cash & Carry",
        # "R. Tapp & Sons".
        rf"|\b(?:[A-Z]\.[ \t]*){{0,3}}{NAME_WORD}(?:['’]s)?(?:[ \t]+{NAME_WORD})*[ \t]+&[ \t]+{NAME_WORD}(?:[ \t]+{NAME_WORD})*"
        # Two names and what they are: "Dhillon and Hussain, the solicitors".
        rf"|\b{NAME_WORD}[ \t]+(?:and|&)[ \t]+{NAME_WORD}(?=,?[ \t]+the[ \t]+(?:solicitors|lawyers|firm|accountants|"
        r"builders|garage|estate agents|letting agents|agency|practice|partnership|contractors|landlords|"
        r"plumbers|electricians|removals|haulage|caterers|cleaners)\b)"
        # A firm of partners named in a list: "Boateng, Hale and Partners".
        rf"|\b{NAME_WORD}(?:,[ \t]+{NAME_WORD})+,?[ \t]+(?:and|&)[ \t]+(?:Partners|Associates|Sons|Co)\b"
        # A church or school of Our Lady: "Our Lady's", "Our Lady Help of Christians".
        rf"|\bOur[ \t]+Lady(?:['’]s\b|(?:[ \t]+(?:of[ \t]+(?:the[ \t]+)?)?{NAME_WORD})+"
        rf"|[ \t]+and[ \t]+St\.?[ \t]+{NAME_WORD}(?:['’]s)?)"  # "Our Lady and St Charles"
        # A pub and the like: "the Dog and Gun", "the Rose & Crown", "the King's Head".
        rf"|(?<=\bthe )(?P<v1>{NAME_WORD}[ \t]+(?:and|&)[ \t]+{NAME_WORD}|{NAME_WORD}['’]s[ \t]+Head)\b"
        # An employer: "works at Morrisons", "a job at Sainsbury's", "shifts for Amazon".
        rf"|\b(?:(?:works?|worked|working|job|jobs|shifts?|employed|placement|apprenticeship|{_TRADES})[ \t]+(?:at|for)"
        r"|(?:job|advice|letter|solicitors?|lawyers?|firm|contract|tenancy),?[ \t]+(?:with|from))[ \t]+"
        rf"(?:the[ \t]+)?{_NOT_NAME}(?P<v2>{NAME_WORD}(?:['’]s)?(?:[ \t]+{NAME_WORD})*"
        # "McShane & Sons", "Tanner & Sons Marine"
        rf"(?:[ \t]+(?:&|and)[ \t]+(?:Sons?|Co|Partners|Associates|Daughters)\b(?:[ \t]+{NAME_WORD})*)?"
        # ... "Haigh & Lodge Dyeworks"; "Harland and Wolff" where the sentence goes on past it.
        rf"(?:[ \t]+&[ \t]+{NAME_WORD}(?:[ \t]+{NAME_WORD})*"
        rf"|[ \t]+and[ \t]+{NAME_WORD}(?:[ \t]+{NAME_WORD})*(?=[ \t]*[.,;:!?)]|[ \t]+(?:in|on|for|at|as|until|till|since|"
        r"when|but|so|because|then|now|before|after)\b))?)"
    )),
    ("PERSON", _c(
        # A family by its name: "the Dawsons", "the McAllisters", "the Joneses".
        # ... or with a word for a family: "the Hollis family", "the Hollis lot".
        rf"\b[Tt]he[ \t]+(?P<v7>(?:(?:de|dela|del|della|van|von|da|di|le|la|ap)[ \t]+)?{NAME_WORD})"
        rf"(?=[ \t]+(?:family|families|lot|household|clan|kids|children|boys|"
        rf"girls|brothers|sisters|twins|case)\b)"
        rf"|\b[Tt]he[ \t]+(?P<vfamily>{NAME_WORD})e?s\b(?![ \t]+(?:{_CAP}|{_PLACE_NOUNS}\b))"
        # Initials as a person, saying or doing something: "JB said", "AK rang me".
        rf"|\b(?P<vinitials>[A-Z]{{2,3}})(?=[ \t]+(?:said|says|told|asked|rang|phoned|emailed|texted|thinks|thought|"
        r"reckons|reckoned|wanted|agreed|chaired|came|put|sent|wrote|signed|keeps|kept|goes|went|does|did|made|"
        r"present|absent|attended|arrived|left|refused|declined|visited|saw|seen|called)\b)"
        r"|\b(?P<vinitmc>[A-Z]{1,2}(?:Mc|Mac|O')[A-Z][A-Z]?)\b"  # "CMcA", "JO'D"
        # ... "G.D., chair", "LM, housing", "KR and SR" in the notes.
        r"|\b(?P<vdotted>[A-Z]\.[ \t]?[A-Z]\.)(?![A-Za-z])"
        rf"|\b(?P<vinitrole>[A-Z]{{2,3}})(?=,[ \t]+(?:{_ROLE}|housing|health|education|police|school|who)\b)"
        # Initials a person is written as: "in our notes he's just DJ" (whatever else DJ or TB means).
        r"|\b(?:notes|records|file|files|system|minutes|paperwork)\b[^.!?\n]{0,25}?\b(?:he|she)['’]s[ \t]+"
        r"(?:just[ \t]+|only[ \t]+|always[ \t]+)?(?P<vnoted>[A-Z]{2,3}|[A-Z]-[A-Z])\b(?![’'&\-])"
        r"|\b(?P<vinitpair>[A-Z]{2})(?=[ \t]+and[ \t]+[A-Z]{2}\b)|(?<=\b[A-Z]{2} and )(?P<vinitpair2>[A-Z]{2})\b"
        # Someone from a service: "Carol from the education service", "Gav from housing".
        rf"|\b(?P<vfrom>{NAME_WORD})(?=[ \t]+from[ \t]+(?:the[ \t]+)?(?:education|health|housing|school|police|"
        r"council|nursery|surgery|practice|hospital|probation|CAMHS|YOT|children's centre|early help|adult)\b)"
        # A name introduced: 'goes by "Maz"', "everyone calls me Sat", "known as Jojo".
        rf"|\b(?:goes by|known as|calls? (?:me|him|her|them|us)|name's|name is|by the name of|signs? (?:it|himself|"
        rf"herself) as|signed (?:it|himself|herself) as)[ \t]+[\"“'‘]?(?:(?P<vcalled>[A-Z]{{2,3}})\b|"
        rf"(?P<v3>{NAME_WORD})\b)"
        # A nickname a person goes by: "the baby, who everyone calls AJ".
        rf"|\b(?:who|what)[ \t]+(?:everyone|everybody|people|they|we|the[ \t]+kids|the[ \t]+family)[ \t]+calls?[ \t]+"
        rf"(?P<vgoes>[A-Z]{{2,3}}|{NAME_WORD})\b"
        # ... or in quotes after a name: 'Tyrese, or "T-Bone"', "Barnsley, or 'Tarn' as my dad calls it".
        rf"|(?<=[a-z],[ \t]or[ \t])[\"“'‘](?P<vquoted>{_QUOTED_NAME})[\"”'’]"
        # ... or named first: "TJ, that's what everyone calls him", "Jay, everybody calls him".
        rf"|\b(?P<vnick>[A-Z]{{2,3}}|{NAME_WORD})(?=,?[ \t]+(?:(?:that['’]s[ \t]+what|as|what)[ \t]+)?(?:everyone|"
        r"everybody|people|they|we|the[ \t]+kids|the[ \t]+family)[ \t]+calls?[ \t]+(?:him|her|them)\b)"
        # The name first: "Isla, she's called", "Tilly, who's six", "Rio (4)", "Rio, aged nine".
        rf"|\b(?P<v4>{NAME_WORD}(?:[ \t]+{NAME_WORD})?)(?:(?:['’]s)?,[ \t]+(?:she|he)['’]s[ \t]+called\b"
        # "Aga, she likes to be called"
        r"|,[ \t]+(?:as[ \t]+)?(?:she|he)[ \t]+(?:likes|prefers|wants)[ \t]+to[ \t]+be[ \t]+called\b"
        rf"|,?[ \t]+(?:who['’]s|who[ \t]+is|who[ \t]+was|who[ \t]+turned|aged|age)[ \t]+{_NUMBER_WORD}\b"
        rf"|,[ \t]+(?:{_UP_TO_NINETEEN})(?=[,.;])"  # "Tyler, eleven, Hope, five"
        rf"|[ \t]+\(\d{{1,2}}\)"
        # ... or a role after it: "Yvette, our Head of Service", "Olu, the social worker".
        rf"|,[ \t]+(?:(?:our|my|the|their|his|her|your)[ \t]+(?:new[ \t]+|old[ \t]+|own[ \t]+)?{_ROLE}"
        rf"|(?:{_ROLE_TITLE})|one[ \t]+of[ \t]+(?:my|our|the|his|her|their)[ \t]+[a-z]+)[,.;])"
    )),
    # A place after words that introduce one: "over to Longsight", "I cover Holmfirth",
    # "the Moorside estate", "up Bretton way".
    ("PLACE", _c(
        r"\b(?:from|to|near|in|around|round|cover|covers|covering|towards|outside|past|across|beyond|via|"
        r"village of|town of)[ \t]+"
        r"(?!(?:The|A|An|And|But|So|He|She|They|We|I|It|Court|School|Hospital|Care|Year|Reception|Nursery)\b)"
        rf"(?P<v1>{NAME_WORD}(?:[ \t]+{NAME_WORD})?)\b"
        r"(?![ \t]+(?:Road|Street|Lane|School|Primary|Academy|Hospital|Surgery|[A-Z]))(?!['’]s)"
        rf"|\bthe[ \t]+(?P<v2>{NAME_WORD}(?:[ \t]+{NAME_WORD})?)(?=[ \t]+(?:estate|area|valley|end|side of town|"
        r"flats|village|district|towers|precinct)\b)"
        rf"|\b(?:up|down|out|over|round|across)[ \t]+(?P<v3>{NAME_WORD})[ \t]+way\b"
        # A nickname given as such: "the Drum, as he calls it", "the Toon, as everybody out
        # here calls it", "the bit everyone calls the Nowells".
        rf"|\b(?P<v5>(?:{NAME_WORD}[ \t]+)?{NAME_WORD}(?:['’]s)?)"
        rf"(?=,?[ \t]+as[ \t]+(?:[a-z]+[ \t]+){{1,6}}calls?[ \t]+it\b)"
        rf"|\b(?:everyone|everybody|people|locals|folk|they)[ \t]+calls?[ \t]+(?:it[ \t]+)?(?:the[ \t]+)?"
        rf"(?P<v6>{NAME_WORD}(?:[ \t]+{NAME_WORD})?)\b"
        # ... "my nan still calls it City General" or "P'boro": what a place is called, whatever its words.
        rf"|\bcall(?:s|ed)?[ \t]+it[ \t]+(?:the[ \t]+)?(?P<v7>{NAME_WORD}(?:[ \t]+{NAME_WORD})*|[A-Z]['’][a-z]+)"
        rf"|\b(?:village|town|estate|area|suburb|city)(?:,| called| named)[ \t]+"
        rf"(?P<v4>{NAME_WORD}(?:[ \t]+{NAME_WORD})?)"
        # ... or before who calls it that: "Little Lithuania, the taxi drivers call it".
        rf"|\b(?P<v10>{NAME_WORD}(?:[ \t]+{NAME_WORD})?)"
        rf"(?=,[ \t]+(?:the[ \t]+)?(?:[a-z]+[ \t]+){{1,3}}calls?[ \t]+it\b)"
        # ... or before what it names: "half of Little Scotland, that's what folk call Corby".
        rf"|\b(?P<v9>{NAME_WORD}(?:[ \t]+{NAME_WORD})?)(?=,[ \t]+that['’]s[ \t]+what[ \t]+(?:[a-z]+[ \t]+){{0,2}}"
        rf"calls?[ \t]+{NAME_WORD})"
        # ... or in quotes: "People call Southall 'Little Punjab'".
        rf"|\bcall(?:s|ed)?[ \t]+(?:it|{NAME_WORD})[ \t]+[\"“'‘](?P<v8>{_QUOTED_NAME})[\"”'’]"
    )),
    # An institution after its generic noun: "the nursery, Little Owls"; "her church, Zion";
    # "the housing association, Gateway Homes".
    ("ORG_NAMED", _c(
        rf"\b(?:the|his|her|their|our|my|your|a|local|{NAME_WORD}['’]s)[ \t]+(?:[a-z]+[ \t]+)?{_INSTITUTION_NOUNS}(?:['’]s)?"
        rf"(?:,| called| named|"
        rf" is| was)[ \t]+(?:the[ \t]+)?{_NOT_NAME}"
        rf"(?P<v>{NAME_WORD}(?:['’]s)?(?:[ \t]+(?:(?:of|the|of the|and|&)[ \t]+)?{NAME_WORD}(?:['’]s)?)*)"
        # The Co-op (the shop), named the same everywhere and still where someone works or shops.
        r"|\b(?:the|a|at)[ \t]+(?P<vcoop>Co-op)\b"
    )),
]
_ORG_NAMED = dict(PATTERNS)["ORG_NAMED"]
_SCHOOL_AFTER_RE = re.compile(_SCHOOL_AFTER)
# A word, then (after an optional "'s" and comma) a capitalised word or "is"/"called": where
# a title, relation or role word may introduce a name. The name is read by _AFTER_CUE.
_CUE = re.compile(r"(?<![\w'’\-])(?P<cue>[A-Za-z][A-Za-z\-]*)(?P<poss>['’]s)?(?P<comma>,)?[ \t]+"
                  r"(?=[A-Z]|(?:is|was|called|named|nicknamed|being)[ \t]"
                  r"|(?:ap|ab|van|von|de|da|di|del|le|la|Ó|Ní|Uí)[ \t]+[A-Z])")
_AFTER_CUE = re.compile(rf"(?:(?:is|was|called|named|nicknamed|being)[ \t]+)?(?:{_TITLE}[ \t]+)?[\"“'‘]?"
                        rf"(?P<v>{NAME_WORD}(?:[ \t]+{NAME_WORD})?|[A-Z]{{2}}(?![\w'’&]))")  # "her son, AJ"
# A surname after a title, with its particle: "Mr ap Dafydd", "Dr van Rooyen", "Mrs Ó Ceallaigh".
_AFTER_TITLE = re.compile(rf"(?:(?:ap|ab|van|von|de|da|di|del|le|la|Ó|Ní|Uí)[ \t]+)?{NAME_WORD}"
                          rf"(?:[ \t]+{NAME_WORD})?")
_TITLE_SET = frozenset(TITLES)
_DOTTED_TERMS = frozenset("U.K. U.S. E.U. A.M. P.M. N.B. I.T. P.S. Q.C. G.P. P.E. R.E. T.V.".split())
#: Two capitals that are a term, not someone's initials: "the GP", "mum, OK".
TWO_LETTER_TERMS = frozenset("GP PC DC DS DI HV SW TA OT PA OK UK EU TV IT PE RE NI ID CV DJ MP HR AA DA".split())
_RELATION_SET = frozenset(_RELATION.split("|")) | {"called", "named", "nicknamed"}
_NOT_NAME_SET = frozenset(re.findall(r"[A-Za-z]+", _NOT_NAME.split("(?!" + _TITLE)[0]))
_NOT_AFTER_TITLE_SET = frozenset(re.findall(r"[A-Za-z]+", _NOT_NAME_AFTER_TITLE))


def _cued_people(text: str) -> Iterator[tuple[int, int]]:
    """People after a title ("Mrs Okafor", "DC Hanratty", "Dr Amir Khan"), a relation or
    role word ("mum, Ewa", "her fella, Dwayne", "our Jean", "the head, Mrs Lowe") or a
    naming word ("a lad called Jase")."""
    for match in _CUE.finditer(text):
        cue = match.group("cue")
        if cue.rstrip(".") in _TITLE_SET and not match.group("poss") and not match.group("comma"):
            name = _AFTER_TITLE.match(text, match.end())
            if name is None or name.group().split()[0] in _NOT_AFTER_TITLE_SET:
                continue
            yield name.span()
        elif cue in _RELATION_SET:
            if cue[:1].isupper() and re.search(r"(?:&|\band)[ \t]+$", text[max(0, match.start() - 5):match.start()]):
                continue  # "Rees & Sons Scaffolding": a firm's name
            after = _AFTER_CUE.match(text, match.end())
            if after is None or after.group("v").split()[0] in _NOT_NAME_SET | _TITLE_SET | TWO_LETTER_TERMS:
                continue
            yield after.span("v")


_DIGITS = {"oh": "0", "o": "0", "zero": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
           "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "hundred": "00",
           "thousand": "000"}  # "nine hundred": 900
#: The type each pattern's matches get.
_KIND = {"PHONE_SPOKEN": "PHONE", "POSTCODE_DISTRICT": "POSTCODE", "POSTCODE_ANY_CASE": "POSTCODE", "HANDLE": "URL",
         "STREET_NUMBERED": "STREET",
         "ORG_NAMED": "ORG"}
# Words before a district-like code that make it something else: "the M62", "vitamin B12",
# "an S47", "Year 6"; and words after it.
_NOT_DISTRICT_BEFORE = frozenset("the a an on off via vitamin section junction form version level stage type tier "
                                 "room flat unit ward bay bus route number no year class grade band key".split())
_NOT_DISTRICT_AFTER = re.compile(
    r"[ \t]+(?:motorway|toll|junction|injections?|jabs?|tablets?|deficiency|enquir(?:y|ies)|inquir(?:y|ies)|"
    r"investigations?|strategy|meetings?|forms?|checks?|plans?|assessments?|levels?|stages?)\b", re.IGNORECASE)
_DISTRICT_CONTEXT = re.compile(r"[ \t]*(?:,|and|or|/)?[ \t]*(?:area|postcode|post code|side|end|patch|district|"
                               r"way|bit|address(?:es)?|office|branch|depot)\b")
_SUFFIX_WORDS = frozenset(re.findall(r"[A-Z][a-z]+", _STREET_WORDS + _NUMBERED_STREET_WORDS + _SCHOOL_WORDS
                                     + _HEALTH_WORDS + _ORG_WORDS + "Primary Juniors Infants High"))
_SENTENCE_ADVERBS = frozenset((
    "honestly sadly luckily unluckily unfortunately fortunately obviously basically actually apparently hopefully "
    "thankfully frankly clearly personally generally usually normally typically ideally really literally seriously "
    "surprisingly interestingly weirdly funnily naturally certainly definitely probably possibly originally "
    "initially eventually finally essentially technically ultimately unsurprisingly understandably admittedly "
    "arguably crucially importantly mainly mostly sometimes anyway also however meanwhile otherwise so well "
    "right okay yes no yeah sorry oh look listen again still"
).split())
_AND = re.compile(r"[ \t]+(?:and|&)[ \t]+")
_NHS_BEFORE = re.compile(r"\b(?:NHS|nhs|CHI|hospital)(?:[ \t]+no\.?|[ \t]+number)?\b")
_INSTITUTIONS = frozenset({"STREET", "SCHOOL", "HEALTH", "ORG"})
# Words that start a sentence, not a name, before an institution: "And the Virtual School".
_LEADING_WORDS = re.compile(r"(?:(?:And|But|So|Or|Then|Because|Also|Even|Just|Like|Well|Yes|No|Oh|Only|When|If|"
                            r"More|Less|Not|The|This|That|At|In|To|From|With|For|On|By|Their|His|Her|Your)[ \t]+)+"  # not "Our Lady's"
                            r"(?:the[ \t]+)?(?=[A-Z0-9])")
# Words of being within an area, before "the": "in the Fens", "across the Dales", "on the Meadows".
_AREA_BEFORE = re.compile(r"\b(?:in|into|across|around|throughout|round|out to|on|off|onto|cover|covers|covered|covering)"
                          r"[ \t]+[Tt]he[ \t]+$")
# How English family names end (the lexicon knows many: "dawson", "hartley").
_SURNAME_ENDINGS = ("son", "sen", "ley", "ly", "ton", "ham", "ford", "field", "worth", "well", "by", "man", "ett",
                    "kins", "wick", "more", "ridge", "shaw", "ing")
# Plural names after "the" that are countries, not families.
_NOT_A_FAMILY = frozenset("Netherlands Philippines Bahamas Maldives Seychelles Comoros Americas Midlands".split())
_CALENDAR_WORDS = frozenset(("January February March April May June July August September October November "
                             "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday "
                             "Thursday Friday Saturday Sunday").split())


def _family_near(text: str, end: int) -> bool:
    """Whether words for family members follow a plural name in its sentence or start the
    next ("the Wrights, little boy Jayden", "The Pollards, out at Westbury Fen. Mum, her new
    partner..."; not "the Pars. [laughs] His bedroom's a shrine to them. And his gran...")."""
    sentence, *rest = re.split(r"[.!?]\s+", text[end:end + 100], maxsplit=1)
    words = re.findall(r"[a-z]+", sentence.casefold()) + re.findall(r"[a-z]+", "".join(rest).casefold())[:2]
    return any(w in RELATION_WORDS for w in words)


def find_patterns(text: str) -> Iterator[Mention]:
    """Every pattern match in `text` (overlaps are resolved by the caller)."""
    from qda.nlp import is_english_word

    seen: set[tuple[int, int]] = set()
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            group = next((g for g, v in match.groupdict().items() if v and g.startswith("v")), 0)
            start, end = match.span(group)
            found = text[start:end]
            # A ten-digit number is an NHS number if its check digit says so, or the words
            # before it do ("her NHS number, 943 476 5918": a misheard digit is still hers).
            if kind == "NHS" and not nhs_checksum_ok(found) and not _NHS_BEFORE.search(text, max(0, start - 60), start):
                continue
            if kind == "PHONE" and not _phone_digits_ok(found):
                continue
            if kind == "PHONE_SPOKEN" and not _spoken_phone_ok(found):
                continue
            if kind == "POSTCODE_ANY_CASE" and (re.match(r"[A-Za-z]+", found).group().upper() not in POSTCODE_AREAS
                                                or re.search(r"\d(?:st|nd|rd|th)$", found, re.IGNORECASE)):
                continue  # not an area, or "the m25 4th junction"
            if kind == "POSTCODE_DISTRICT":
                if not _district_ok(text, match.group("v"), match.start(), match.end()):
                    continue
                start, end, found = match.start(), match.end(), match.group()
            if kind == "STREET_NUMBERED":
                if found.split()[0] in _CALENDAR_WORDS or found.split()[-1] in _CALENDAR_WORDS:
                    continue
                start, end, found = match.start(), match.end(), match.group()
            if group == "v6" and found.split()[0].casefold() in RELATION_WORDS - {"little", "our"}:
                continue  # "who everyone calls Auntie": a relation, not a place
            if kind == "PLACE" and group not in ("v5", "v6", "v7", "v8", "v9", "v10") and all(is_english_word(w)
                                                                                  for w in found.split()):
                continue
            if group in ("vgoes", "vnick", "vquoted") and found.casefold() in RELATION_WORDS:
                continue  # "who everyone calls Auntie"
            initials = str(group).startswith("vinit")
            if initials and (found in TWO_LETTER_TERMS or found in GENERIC_ACRONYMS):
                continue  # "GP said", "IT said" (the department); but "everyone calls him KS" is a person
            if (initials or group in ("vcalled", "vgoes", "vnick")) and (found.lower() in STOP_WORDS
                                                                          or found in ("AM", "PM")):
                continue  # "WE said" shouted
            if group == "vdotted" and found.replace(" ", "") in _DOTTED_TERMS:
                continue
            if group == "v4" and (found.split()[0] in _NOT_NAME_SET or found.casefold() in TALK | STOP_WORDS):
                continue  # "Aye, one.", "No, two."
            if group == "v4" and text.startswith(",", end) and _adverb(found):
                continue  # "Sadly, our manager, ..."
            # "the Dawsons": a family, unless the word is also used in lower case ("the Greens").
            if group == "vfamily" and (re.search(rf"\b{re.escape(found.lower())}(?:e?s)?\b", text)
                                       or (found.endswith("s") and not text.startswith("es", end))):
                continue  # "the Greens" (also "greens"), "the Duchess" (no family "Duches")
            if group == "vfamily" and (text[start:match.end()] in _NOT_A_FAMILY or found in NOT_IDENTIFYING):
                continue  # "the Netherlands", "the Italians"
            # "That's the Glens for you", "It's the Borders": an English word in the plural,
            # never a name alone ("Lake District" is no Mr Lake), not shaped like a family name
            # ("the Hartleys") and with no family around ("the Wrights, little boy Jayden"), is a
            # region, as is the plural after "in the" ("been in the Fens").
            if group == "vfamily" and (_AREA_BEFORE.search(text, max(0, start - 20), start) or (
                    is_english_word(found) and not found.endswith(_SURNAME_ENDINGS)
                    and not re.search(rf"\b{re.escape(found)}\b(?!e?s\b|[ \t]+[A-Z])", text)
                    and not _family_near(text, match.end()))):
                end = match.end()
                found = text[start:end]
                yield Mention(start, end, found, "PLACE", "pattern")
                seen.add((start, end))
                continue
            if found.endswith(("'s", "’s")) and kind in ("ORG", "ORG_NAMED") and group and group != "v2":
                # (an employer's "'s" is its name's: "works at McVitie's")
                end, found = end - 2, found[:-2]
            if kind in _INSTITUTIONS:
                # "Sickle Cell and Thalassaemia Centre" is one; "Hillside Academy and Royal
                # Infirmary" are two (what comes before "and" is an institution already), and
                # "on a Tuesday and the Ryecroft Medical Practice" is a weekday and one.
                for joint in reversed(list(_AND.finditer(found))):
                    before = found[:joint.start()].split()
                    if (before[-1] in _SUFFIX_WORDS or all(w in _CALENDAR_WORDS for w in before)
                            or found.startswith(("the ", "The "), joint.end())):  # "Dungannon and the Cathedral"
                        start, found = start + joint.end(), found[joint.end():]
                        if found.startswith(("the ", "The ")):
                            start, found = start + 4, found[4:]
                        break
            if kind in _INSTITUTIONS:  # "And the Virtual School", "Even Lewisham Hospital"
                lead = _LEADING_WORDS.match(found)
                if lead:
                    start, found = start + lead.end(), found[lead.end():]
                    if " " not in found:  # "At St" was no street
                        continue
                first = found.split(" ", 1)
                if len(first) == 2 and _adverb(first[0]):  # "Normally CAMHS sits..."
                    start, found = start + len(first[0]) + 1, first[1]
            # A word followed by "'t" is a contraction ("Doesn't"), not a name.
            if text.startswith(("'t", "’t"), end):
                continue
            if _KIND.get(kind, kind) == "PERSON" and _word_of_talk(found):
                continue
            if (start, end) not in seen:  # the first pattern to find a span types it
                seen.add((start, end))
                yield Mention(start, end, found, _KIND.get(kind, kind), "pattern")
    for start, end in _cued_people(text):
        if not text.startswith(("'t", "’t"), end) and (start, end) not in seen and not _word_of_talk(text[start:end]):
            seen.add((start, end))
            yield Mention(start, end, text[start:end], "PERSON", "pattern")


def _word_of_talk(found: str) -> bool:
    """A word no person is called by: "Somebody from the nursery", "Stepdad, Wayne" (but
    initials are initials: "AR" is no Brummie "ar")."""
    return not found.isupper() and found.casefold() in STOP_WORDS | TALK | RELATION_WORDS | NUMBER_WORDS


def named_after_noun(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is a name given right after a generic noun ("the landlord,
    Community Gateway") or a school's right before one ("College Central, the PRU"): a name
    whatever its words."""
    line_start = text.rfind("\n", 0, start) + 1
    return (any(m.span("v") == (start, end) for m in _ORG_NAMED.finditer(text, max(line_start, start - 80), end))
            or _SCHOOL_AFTER_RE.match(text, end) is not None)


def _adverb(word: str) -> bool:
    """A sentence adverb ("Sadly", "Honestly"), not a name ending so ("Holly", "Emily")."""
    return word.casefold() in _SENTENCE_ADVERBS


def _phone_digits_ok(number: str) -> bool:
    """A UK number: 10 or 11 digits from the leading 0 (9 or 10 after +44)."""
    number = re.split(r",?[ \t]*(?:ext|x)", number)[0]  # an extension is not part of the number
    digits = re.sub(r"\D", "", number)
    if number.lstrip().startswith(("+44", "0044")):
        digits = digits[2:] if number.lstrip().startswith("+") else digits[4:]
        if "(0)" in number:
            digits = digits[1:]
        return 9 <= len(digits) <= 10
    return 10 <= len(digits) <= 12  # a digit too many is still someone's number, mistyped


def _spoken_phone_ok(words: str) -> bool:
    """A number read out: at least seven digits, starting with a nought or saying "double"."""
    digits = ""
    repeat = 1
    folded = words.casefold()
    for word in re.findall(r"[a-z]+|\d+", folded):
        if word == "double":
            repeat = 2
        elif word in ("treble", "triple"):
            repeat = 3
        else:
            digits += _DIGITS.get(word, word) * repeat
            repeat = 1
    # A nought first (a UK number), "double", or ten digits or more (an NHS number read out).
    words_only = re.search(r"\d", folded) is None
    return len(digits) >= 7 and (digits.startswith("0") or (len(digits) >= 10 and words_only)
                                 or re.search(r"\b(?:double|treble|triple)\b", folded) is not None)


def _district_ok(text: str, area: str, start: int, end: int) -> bool:
    """A postcode district ("LS9", "M22") rather than a motorway, a vitamin or a section."""
    if area not in POSTCODE_AREAS or text[start:end] in ("S17", "S47"):  # sections of the Children Act
        return False
    before = text[max(0, start - 20):start].split()
    previous = before[-1].casefold().strip(",(") if before else ""
    context = _DISTRICT_CONTEXT.match(text, end) is not None
    if previous in ("postcode", "postcodes", "code", "district"):
        return True
    if previous in _NOT_DISTRICT_BEFORE:
        return context
    return _NOT_DISTRICT_AFTER.match(text, end) is None


def nhs_checksum_ok(number: str) -> bool:
    """The NHS number's modulus-11 check digit, so ten-digit phone fragments are not taken."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]
