"""Pattern recognisers for identifiers with a recognisable shape.

Regular expressions, each for one type, tuned to UK material: emails, URLs, phone
numbers, postcodes, NHS numbers (checksum-validated), National Insurance numbers,
specific calendar dates, streets ("14 Mill Lane", "Larch Crescent") and institutions
("St Anne's Primary School", "Brookfield Medical Centre"). They find what NER misses
(numbers, codes) and type institutions better than NER's generic ORG.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qda.pseudonymise.entities import Mention

_CAP = r"(?:St\.?|Saint|[A-Z][\w'’\-]*)"  # a capitalised word (names, "St")
_CAPS = rf"{_CAP}(?:[ \t]+(?:{_CAP}|of|the))*?"  # a run of them, lazily

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"

PATTERNS: dict[str, re.Pattern] = {
    "EMAIL": re.compile(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b"
                        r"|\b[\w.+\-]+ at [\w\-]+(?: dot [a-z]{2,6})+\b"),  # spelt out on the phone
    "URL": re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]"),
    "PHONE": re.compile(r"(?<![\w+])(?:\+44[ \t]?\(?0?\)?[ \t]?|\(?0)\d{2,4}\)?(?:[ \t\-]?\d{3,4}){2}(?!\w)"),
    "POSTCODE": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}\b"),
    "NHS": re.compile(r"(?<!\d)\d{3}[ \t\-]?\d{3}[ \t\-]?\d{4}(?!\d)"),
    "NI": re.compile(r"\b[A-Z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D]\b"),
    "DATE": re.compile(
        rf"\b(?:{_DAY}[ \t]+(?:of[ \t]+)?(?:{_MONTHS})\b(?:,?[ \t]+\d{{4}})?"
        rf"|(?:{_MONTHS})[ \t]+{_DAY}(?:,?[ \t]+\d{{4}})?\b"
        rf"|[0-3]?\d[/.][01]?\d[/.](?:\d{{4}}|\d{{2}})\b"
        rf"|\d{{4}}-[01]\d-[0-3]\d\b)"
    ),
    "STREET": re.compile(
        rf"\b(?:\d{{1,4}}[a-z]?,?[ \t]+)?{_CAPS}[ \t]+(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Crescent|Close|"
        rf"Drive|Way|Grove|Gardens|Terrace|Place|Court|Walk|Row|Square|Mews|Rise|Hill|Parade|View)\b(?!')"
        # Words that are streets only after a house number: "33 Cinder Bank", "4 Holly Fold".
        rf"|\b\d{{1,4}}[a-z]?,?[ \t]+{_CAPS}[ \t]+(?:Bank|Green|Fold|Brow|Croft|Wharf|Gate|Side|Meadow|Park|Vale)\b"
    ),
    "SCHOOL": re.compile(
        rf"\b{_CAPS}[ \t]+(?:(?:Primary|Junior|Infant|Infants|Nursery|Secondary|High|Grammar|Community|"
        rf"C of E|Catholic|RC)[ \t]+)*(?:School|Academy|College|Nursery)\b"
        rf"|\b{_CAPS}[ \t]+(?:Primary|Juniors|Infants|High)\b"
    ),
    "ORG": re.compile(
        rf"\b{_CAPS}[ \t]+(?:Church|Chapel|Mosque|Masjid|Temple|Gurdwara|Synagogue|Football[ \t]+Club|FC|"
        rf"Juniors|Rovers|United|Boxing[ \t]+Club|Youth[ \t]+Club|Housing|Homes|Women's[ \t]+Aid|"
        rf"Young[ \t]+Carers|Carers|Food[ \t]*[Bb]ank|Trust|Project|Partnership|Foundation|Prison)\b"
        rf"|\b(?:Jamia[ \t]+)?(?:Masjid|Mosque|Church|HMP|HMYOI|HM[ \t]+Prison)[ \t]+{_CAP}(?:[ \t]+{_CAP})*"
        # A saint's name is a school, church or hospital here: "St Mary's", "Overleigh St Mary's".
        rf"|\b(?:[A-Z][a-z]+[ \t]+)?St\.?[ \t]+[A-Z][a-z]+['’]s\b"
    ),
    # A family's or person's name after a relation word: "mum, Ewa", "the baby, Summer",
    # "Dad's Will". NER misses many of these, and a name that is also a word ("Summer")
    # is found by nothing else.
    "PHONE_SPOKEN": re.compile(
        r"\b(?:(?:oh|zero|one|two|three|four|five|six|seven|eight|nine|double|treble|triple)[ ,\-]+){5,}"
        r"(?:oh|zero|one|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE),
    "PERSON": re.compile(
        r"\b(?:[Mm]um|[Mm]am|[Mm]om|[Dd]ad|mother|father|son|daughter|baby|brother|sister|partner|boyfriend|"
        r"girlfriend|husband|wife|[Nn]an|nana|gran|grandma|grandad|grandpa|auntie|aunt|uncle|cousin|stepdad|"
        r"stepmum|[Ee]ldest|[Yy]oungest|middle one|little one|niece|nephew)(?:'s|’s)?,? "
        r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.? )?(?!(?:The|A|An|And|But|So|He|She|They|We|I|It|Mum|Dad)\b)"
        r"(?P<name>[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)\b"
        r"|\bthe (?P<family>[A-Z][a-z]+)s\b"  # a family by its name: "the Dawsons"
        # A nickname: 'goes by "Maz"', "everyone calls me Sat", "known as Jojo".
        r"|\b(?:goes by|known as|calls? (?:me|him|her|them)|called) [\"“']?(?P<nickname>[A-Z][a-z]+)\b"
    ),
    # A place after words that introduce one: "over to Longsight", "I cover Holmfirth",
    # "the Moorside estate".
    "PLACE": re.compile(
        r"\b(?:from|to|near|in|around|cover|covers|covering|towards|outside|past) "
        r"(?!(?:The|A|An|And|But|So|He|She|They|We|I|It|Court|School|Hospital|Care)\b)"
        r"(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b"
        r"(?![ \t]+(?:Road|Street|Lane|School|Primary|Academy|Hospital|Surgery))"
        r"|\bthe (?P<area>[A-Z][a-z]+)(?= (?:estate|area|valley|end|side of town))"
    ),
    "HEALTH": re.compile(
        rf"\b{_CAPS}[ \t]+(?:Medical[ \t]+Centre|Health[ \t]+Centre|Medical[ \t]+Practice|Surgery|Clinic|"
        rf"Infirmary|Hospital|Practice)\b"
    ),
}


def find_patterns(text: str) -> Iterator[Mention]:
    """Every pattern match in `text` (overlaps are resolved by the caller)."""
    from qda.nlp import is_english_word

    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            group = next((g for g in ("name", "area", "family", "nickname")
                          if g in pattern.groupindex and match.group(g)), 0)
            start, end = match.span(group)
            found = text[start:end]
            if kind == "NHS" and not nhs_checksum_ok(found):
                continue
            if kind == "PLACE" and all(is_english_word(w) for w in found.split()):
                continue
            # "the Dawsons": a family, unless the word is also used in lower case ("the Greens").
            if group == "family" and re.search(rf"\b{re.escape(found.lower())}s?\b", text):
                continue
            yield Mention(start, end, found, kind.removesuffix("_SPOKEN"), "pattern")


def nhs_checksum_ok(number: str) -> bool:
    """The NHS number's modulus-11 check digit, so ten-digit phone fragments are not taken."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]
