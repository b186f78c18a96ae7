"""Domain terms that are never identifiers, however capitalised (NER often tags "Child
Protection" as an organisation and "Signs of Safety" as a work of art)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator

from qda.pseudonymise.entities import Mention
from qda.pseudonymise.regex import trie

#: National programmes: never replaced, even inside a name, which is cut around them
#: ("Shankill Sure Start" -> "Shankill"; "Hightown Sure Start Centre" -> "Hightown").
#: (Not a charity's branch, "Home-Start Craven", nor a hub named by its place, "Thanet
#: Early Help Hub": those are named whole.)
PROGRAMMES: tuple[str, ...] = ("Sure Start", "Flying Start", "Signs of Safety", "Healthy Start", "Troubled Families")

DEFAULT_ALLOW: tuple[str, ...] = (
    *PROGRAMMES,
    "Child Protection", "Child Protection Plan", "Child Protection Register", "CP", "CP plan", "Child in Need", "CiN",
    "Complex Child in Need", "Complex", "CCiN", "Team Manager", "Service Manager", "Senior Practitioner",
    "Principal Social Worker", "social worker", "health visitor", "school nurse",
    "Sure Start Centre", "Children's Centre", "CAF", "Common Assessment Framework",
    "Early Help", "LSCB", "Local Safeguarding Children Board", "Child Protection Committee", "Safeguarding", "MASH",
    "Interviewer", "Local Authority", "Children's Services", "Children's Social Care",
    "Social Services", "Ofsted", "ICPC", "Initial Child Protection Conference", "RCPC",
    "core group", "strategy meeting", "Initial Referral Discussion", "Inter-agency Referral Discussion",
    "Section 47", "Section 17", "LAC", "Looked After Children",
    "PLO", "Public Law Outline", "IRO", "CAMHS", "GP", "A&E", "NHS", "Police", "the Police",
    "Family Court", "Court", "Youth Offending", "Youth Offending Team", "Family Support",
    "DSL", "SENCO", "Head", "Mum", "Dad", "Nan", "Gran", "Grandma",
    "Social Care", "Health", "Education", "Housing", "Probation", "Council", "the Council",
    "the Welfare",  # social services, as families say it
    "Head of Service", "Head of Children's Services", "MARAC", "MAPPA", "DWP", "Universal Credit",
    "Child Benefit", "Jobcentre", "Women's Aid", "NSPCC", "Home-Start",
    "Children's Reporter", "Reporter", "Children's Hearing", "Children's Panel", "Named Person",
    "GIRFEC", "National Insurance", "West African", "East African", "North African", "South African", "West Indian",
    "Latin American", "Eastern European", "Central European", "South Asian", "East Asian", "South East Asian",
    "Middle Eastern",
    "Cafcass", "England", "Wales", "Scotland", "Northern Ireland", "Britain", "Great Britain", "UK",
    "Christmas", "Easter", "English", "Welsh", "Scottish", "Irish", "British", "Polish",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)

#: Idioms and holidays with a name in them ("they won't know them from Adam", "St David's
#: Day"): kept whole, but their words are no domain words - "Jack" alone is a name, "New
#: College" a college.
IDIOMS: tuple[str, ...] = (
    "Boxing Day", "New Year's Day", "Mother's Day", "Father's Day", "Valentine's Day", "St David's Day",
    "St Patrick's Day", "St Andrew's Day", "St George's Day", "Bonfire Night",
    "from Adam", "Bob's your uncle", "Joe Bloggs", "Joe Public", "Jack of all trades", "Johnny-come-lately",
    "Nosey Parker", "Nosy Parker", "Doubting Thomas", "Peeping Tom", "Tom, Dick and Harry", "Smart Alec",
    "Jack the lad", "Billy No-Mates", "Billy-no-mates", "Mr Right", "Heath Robinson", "Sod's law",
    "Murphy's law", "Uncle Tom Cobley", "Bob and Sue", "Jack and Jill",
)


class AllowList:
    """Case-insensitive terms; a mention is allowed (kept) if it is one of them or lies
    inside an occurrence of one."""

    def __init__(self, terms: Iterable[str] = DEFAULT_ALLOW + IDIOMS):
        self.terms = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
        self._folded = {t.casefold() for t in self.terms}
        #: Every word of every term but the idioms, case-folded.
        idioms = {i.casefold() for i in IDIOMS}
        self.words = {w for t in self._folded - idioms for w in t.split()}
        self._pattern = re.compile(  # also in the plural: "the Children's Hearings"
            r"(?<!\w)(?:" + trie(self.terms, ignore_case=True) + r")s?(?!\w)", re.IGNORECASE
        ) if self.terms else None
        self._last: tuple[str, list[tuple[int, int]]] | None = None

    def extended(self, terms: Iterable[str]) -> AllowList:
        return AllowList([*self.terms, *terms])

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        if self._last is not None and self._last[0] is text:  # asked twice for one text in a row
            return self._last[1]
        found = [m.span() for m in self._pattern.finditer(text)] if self._pattern else []
        self._last = (text, found)
        return found

    def keeps(self, mention: Mention, occurrences: list[tuple[int, int]]) -> bool:
        """Whether the mention is an allowed term, or lies inside an occurrence of one
        (`occurrences` as `occurrences()` returns them: sorted, not overlapping)."""
        folded = mention.text.strip().casefold()
        for form in (folded, folded.removesuffix("s"), folded.removesuffix("'s").removesuffix("’s")):
            if form in self._folded:  # "CCiNs", "the Local Authority's"
                return True
        return any(a <= mention.start and b >= mention.end
                   for a, b in overlapping(occurrences, mention.start, mention.end))


def overlapping(occurrences: list[tuple[int, int]], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The occurrences (sorted, not overlapping, as `AllowList.occurrences` returns them)
    that can overlap `start`-`end`: the last one starting at or before `start`, then those
    starting inside; found by bisection, not by reading every term of the text."""
    first = max(0, bisect.bisect_right(occurrences, (start, float("inf"))) - 1)
    return itertools.takewhile(lambda o: o[0] < end, itertools.islice(occurrences, first, None))
