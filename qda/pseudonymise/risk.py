"""Re-identification risk: who can still be recognised once the names are gone.

Replacing names is not always enough: the only manager of the rural team is known to
everyone in the authority under any pseudonym (docs/risk.md). This module reports what
remains, for a researcher to judge; it changes nothing. Two checks:

* small groups: attribute values from the front matter, alone or in pairs, held by fewer
  than `k` distinct participants (k-anonymity over document attributes);
* quasi-identifiers left in the text: job titles, ages, years of service, rare
  attributes, years, durations and possible place names. Word lists and regular
  expressions, not NER: predictable, fast, offline, and easy to extend or argue with.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from qda.corpus import Corpus, Document, Turn
from qda.errors import OutputError, QdaError
from qda.pseudonymise.patterns import SPOKEN_NUMBER
from qda.writers import _write_csv, atomic_write

__all__ = ["DEFAULT_EXCLUDED", "KINDS", "RiskReport", "risk_report"]

#: Attributes that name or administer an interview rather than describe its participant.
#: Also excluded by default: any attribute whose name has the word name, date, time or
#: day in it (`participant_name`, `interview_date`), or whose values are all dates.
DEFAULT_EXCLUDED = frozenset({"participant", "interviewer", "pseudonym", "speaker", "speakers",
                              "transcriber", "id", "file", "path", "source"})
_ADMIN_WORDS = frozenset({"name", "names", "date", "dates", "time", "times", "timestamp", "day"})
_DATE = re.compile(r"\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")
# Labels that name a role, not a person: "Participant" in two documents is two people.
_GENERIC_SPEAKER = re.compile(r"(?:participant|respondent|interviewee|speaker|p|r|a)\s*\d*", re.I)

#: Kinds of text finding, in the order they win when two matches overlap.
KINDS = ("job_title", "age", "service_length", "rare_attribute", "year", "duration", "possible_place")

_NUM = rf"(?:\d{{1,2}}|{SPOKEN_NUMBER})"
# What may follow a bare number for it to read as an age ("the eldest is eleven, Jordan"),
# so that "the kids, three times a week" and "she's one of them" are not ages.
_END = r"(?=\s*(?:[,.;:!?)\]]|and\b|when\b|in\b|last\b|$))"
_UNIT = r"(?:[- ](?:years?|months?|weeks?)(?:[- ]old)?)?"
_KIN = (r"eldest|oldest|youngest|middle\s+one|little\s+one|baby|toddler|son|daughter|boys?|girls?"
        r"|child|children|kids?|brother|sister|twins|nephew|niece|grandson|granddaughter")
_FILLERS = "It|That|There|What|Here|This|He|She|Who|So|Yeah|Yes|No|Erm|Um|Well|And|But|Oh|Okay|OK|Right|Now|Then"
_PERSON = (r"(?:(?:social\s+)?worker|speaker|manager|member|practitioner|nurse|doctor|teacher"
           r"|person|man|woman|male|female|parent|mum|dad)s?|men|women|people")

_JOB_TITLES = """team manager|team leader|service manager|practice manager|assistant director|
director of children's services|principal social worker|senior social worker|senior practitioner|
advanced practitioner|consultant social worker|family support worker|independent reviewing officer|
IRO|conference chair|head teacher|headteacher|head of year|deputy head|designated safeguarding lead|
safeguarding lead|DSL|SENCO|health visitor|school nurse|named nurse|midwife|GP|paediatrician|
psychiatrist|psychologist|CAMHS worker|police officer|detective|board member|LSCB chair|lead member|
councillor|children's guardian|solicitor|magistrate|youth worker|foster carer"""
_RARE = """twin|triplet|quadruplet|disabled|disability|disabilities|wheelchair|blind|deaf|autistic|autism|
Down's syndrome|cerebral palsy|amputee|transgender|gay|lesbian|traveller|gypsy|Roma|mixed race|
mixed heritage|dual heritage|BME|BAME|Muslim|Christian|Jewish|Sikh|Hindu|Buddhist|Catholic|
Jehovah's Witness|mosque|synagogue|gurdwara|asylum seeker|refugee|unaccompanied|interpreter|
sign language|BSL|Polish|Romanian|Lithuanian|Latvian|Slovak|Czech|Portuguese|Albanian|Turkish|
Kurdish|Somali|Eritrean|Sudanese|Ethiopian|Nigerian|Ghanaian|Zimbabwean|Congolese|Afghan|Iraqi|
Iranian|Syrian|Pakistani|Bangladeshi|Indian|Sri Lankan|Chinese|Vietnamese|Filipino|Jamaican|
Caribbean|African|Asian|Arab|Irish|Scottish|Welsh|Gaelic|Urdu|Punjabi|Bengali|Sylheti|Gujarati|
Arabic|Farsi|Pashto|Tigrinya|Cantonese|Mandarin"""
# Capitalised words after "in", "at", "on"... that are domain terms, days, months or holidays, not places.
_NOT_PLACES = frozenset(w.replace("_", " ") for w in """Need Child Children Complex Protection Signs Safety Sure Start Early Help
Team Court Conference Section Level Tier Stage Plan Panel Strategy Year English Mum Dad God Christmas
Easter New_Year Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
June July August September October November December""".split())


def _word_list(words: str) -> str:
    """Whole-word, plural-tolerant alternation; spaces match any whitespace, ' either quote."""
    phrases = sorted({w.strip() for w in words.split("|") if w.strip()}, key=len, reverse=True)
    parts = [re.escape(p).replace(r"\ ", r"\s+").replace("'", "['’]") for p in phrases]
    return rf"\b(?:{'|'.join(parts)})(?:e?s)?\b"


_DURATION = re.compile(
    rf"(?<!every )\b(?:(?:about|nearly|almost|over|around|more\s+than|less\s+than|just\s+over)\s+)?"
    rf"{_NUM}\s+(?:years?|months?)\b(?!['’]\s*time\b)", re.I)
_SERVICE_CUE = re.compile(
    r"\b(?:qualif\w*|(?:in|on|with)\s+(?:the|this|my|our)\s+(?:[\w-]+\s+)?(?:job|role|post|team|profession)"
    r"|in\s+post|career"
    r"|social\s+work(?:er)?|doing\s+(?:this|the\s+job)|been\s+here|practi[sc]\w*|experience)\b", re.I)
_PLACE = re.compile(r"\b(?i:in|at|on|from|near|past)[ \t]+(?:(?i:the)[ \t]+)?"
                    r"(?P<name>[A-Z][a-z][a-z'’-]*(?:[ \t]+[A-Z][a-z][a-z'’-]*)*)\b")
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(pattern, re.I)) for kind, pattern in [
        ("job_title", _word_list(_JOB_TITLES)),
        ("age", rf"\b{_NUM}[- ](?:years?|months?|weeks?)[- ]old\b"),
        ("age", rf"\baged?\s+{_NUM}\b"),
        ("age", r"\bin\s+(?:his|her|their|my|your|our)\s+(?:(?:early|mid|late)[- ]?)?(?:teens|twenties"
                r"|thirties|forties|fifties|sixties|seventies|eighties|nineties|[2-9]0['’]?s)\b"),
        ("age", rf"\b(?:{_KIN})(?:['’]s\s+|\s*,\s*|\s+(?:is|was|who['’]s|who\s+is|who\s+was)\s+)"
                rf"(?:(?:just|only|nearly|almost|about|now)\s+)?(?:turned\s+)?{_NUM}{_UNIT}"
                rf"(?:\s*(?:,|and)\s*{_NUM}{_UNIT})*{_END}"),
        ("age", rf"\b(?:he|she|who)(?:['’]s|\s+is|\s+was)\s+(?:(?:only|just|nearly|almost|about|now)\s+)?"
                rf"(?:turned\s+)?{_NUM}{_UNIT}{_END}"),
        ("age", rf"\bturned\s+{_NUM}{_END}"),
        ("service_length", r"\bqualified\s+(?:in|since)\s+(?:19|20)\d\d\b"),
        ("rare_attribute", _word_list(_RARE)),
        ("rare_attribute", rf"\bonly\s+(?:one\s+)?(?:[\w'’-]+\s+){{0,2}}(?:{_PERSON})\b"
                           r"|\bonly\s+one\s+(?:who|of\s+us)\b"),
        ("rare_attribute", r"\bthe\s+only\s+(?:[\w'’-]+\s+){1,3}?(?:in|on|at)\s+the\s+(?:team|office|valley"
                           r"|village|area|county|authority|service|estate|town|school)\b"),
        ("rare_attribute", rf"\bone\s+of\s+(?:only\s+)?(?:two|three|four|five|a\s+few|a\s+handful\s+of)"
                           rf"\s+(?:[\w'’-]+\s+){{0,2}}(?:{_PERSON})\b"),
        ("rare_attribute", r"\b(?:black|white)\s+(?:british|african|caribbean|famil(?:y|ies)|mum|dad|mother"
                           r"|father|m[ae]n|wom[ae]n|boys?|girls?|child(?:ren)?|kids?|workers?|people)\b"),
        ("year", r"(?<!Act )\b(?:19|20)\d\d(?:['’]?s)?\b"),
    ]
]
# A child's name and age ("Callum's nine, Rhys is five", "Lewis, eleven"): case matters here.
_PATTERNS.append(("age", re.compile(
    rf"\b(?!(?:{_FILLERS})\b)[A-Z][a-z]+(?:['’]s\s+|\s+is\s+|,\s+)(?:(?:just|nearly|about)\s+)?{_NUM}{_UNIT}{_END}")))


@dataclass
class RiskReport:
    """What could still identify a participant. Read `format()`; see docs/risk.md.

    `small_groups`: one row per attribute value (or pair) held by fewer than `k`
    participants: attributes, values, count, documents, description.
    `text_findings`: document, speaker, kind, text, start, end, context, where
    `document.text[start:end] == text`. `summary`: per document, counts by kind.
    """

    small_groups: pd.DataFrame
    text_findings: pd.DataFrame
    summary: pd.DataFrame
    k: int

    def headlines(self) -> list[str]:
        """One sentence per small group, smallest first: the warnings to read before anything."""
        lines = []
        for row in self.small_groups.itertuples():
            docs = row.documents.split(", ")
            who = " and ".join([", ".join(docs[:-1]), docs[-1]] if len(docs) > 1 else docs)
            if row.count == 1 and len(docs) == 1:
                lines.append(f"{who} is the only participant with {row.description}")
            else:
                people = "participant" if row.count == 1 else f"{row.count} participants"
                lines.append(f"{who}: the only {people} with {row.description}")
        return lines

    def format(self) -> str:
        """The report as Markdown: small-group warnings first, then the text, per document."""
        out = ["# Re-identification risk report", "",
               f"k = {self.k}: an attribute value, or a pair of values, held by fewer than {self.k} "
               "participants is a small group.", "", "## Small groups", ""]
        out += [f"- **{line}**" for line in self.headlines()] or [f"None below k = {self.k}."]
        found = self.summary[self.summary["total"] > 0]
        out += ["", "## Quasi-identifiers in the text", "",
                f"{len(self.text_findings)} findings in {len(found)} of {len(self.summary)} documents.", ""]
        if len(found):
            columns = [c for c in self.summary.columns if c != "small_groups"]
            out += ["| document | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
            out += [f"| {doc} | " + " | ".join(str(row[c]) for c in columns) + " |" for doc, row in found.iterrows()]
        for doc, rows in self.text_findings.groupby("document", sort=False):
            out += ["", f"### {doc}", "", "| kind | text | offsets | context |", "|---|---|---|---|"]
            out += [f"| {r.kind} | {_cell(r.text)} | {r.start}-{r.end} | {_cell(r.context)} |"
                    for r in rows.itertuples()]
        out += ["", "_Checked with word lists and patterns, not named-entity recognition: a clean "
                "report is not proof of anonymity. Read the transcripts too._", ""]
        return "\n".join(out)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write `.md` (the formatted report) or `.csv` (text findings, with the small groups
        in `<stem>.groups.csv`). Each file is replaced atomically, never left half-written."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in (".md", ".csv"):
            raise OutputError(f"{target}: unknown report format {suffix or '(no extension)'!r}; use .md or .csv")
        if not target.parent.is_dir() or target.is_dir():
            raise OutputError(f"{target}: is a folder, or its folder {target.parent} does not exist")
        if suffix == ".md":
            atomic_write(target, lambda tmp: tmp.write_text(self.format(), encoding="utf-8"))
        else:
            atomic_write(target, lambda tmp: _write_csv(self.text_findings, tmp, None, None))
            groups = target.with_name(target.stem + ".groups.csv")
            atomic_write(groups, lambda tmp: _write_csv(self.small_groups, tmp, None, None))
        return target


def risk_report(corpus: Corpus, k: int = 3, attributes: Iterable[str] | None = None,
                include_interviewer: bool = False, *,
                exclude: Iterable[str] = DEFAULT_EXCLUDED) -> RiskReport:
    """Check `corpus` for participants identifiable by attributes or by what they said.

    `attributes`: the front-matter attributes to check; by default every attribute except
    `exclude` and name- or date-like ones. `include_interviewer`: scan interviewer turns too
    (they often name the participant's role: "as the only manager in the team...").
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise QdaError(f"k must be a whole number of at least 2 (got {k!r}): a group is small "
                       "when fewer than k participants share it, and nothing is fewer than 1")
    present = list(dict.fromkeys(a for doc in corpus for a in doc.attributes))
    if attributes is None:
        excluded = {exclude} if isinstance(exclude, str) else set(exclude)
        chosen = _describing(corpus, present, {e.casefold() for e in excluded})
    else:
        chosen = list(dict.fromkeys([attributes] if isinstance(attributes, str) else attributes))
        unknown = [a for a in chosen if a not in present]
        if unknown:
            raise QdaError(f"no document has the attribute(s) {', '.join(unknown)}; "
                           f"attributes present: {', '.join(present) or '(none)'}")
    groups = _small_groups(corpus, k, chosen)
    findings = pd.DataFrame(
        [f for doc in corpus for f in _text_findings(doc, include_interviewer)],
        columns=["document", "speaker", "kind", "text", "start", "end", "context"])
    ids = [doc.id for doc in corpus]
    summary = pd.crosstab(findings["document"], findings["kind"]).reindex(index=ids, columns=list(KINDS), fill_value=0)
    summary["total"] = summary.sum(axis=1)
    in_groups = groups["documents"].str.split(", ").explode().value_counts()
    summary["small_groups"] = in_groups.reindex(ids, fill_value=0).to_numpy()
    summary.index.name, summary.columns.name = "document", None
    return RiskReport(groups, findings, summary.astype("int64"), k)


def _describing(corpus: Corpus, present: list[str], exclude: set[str]) -> list[str]:
    """Attributes that describe participants: not excluded by name, not all dates."""
    def administrative(name: str) -> bool:
        words = set(re.split(r"[\W_]+", name.casefold()))
        values = [str(d.attributes[name]).strip() for d in corpus if str(d.attributes.get(name, "")).strip()]
        return (name.casefold() in exclude or bool(words & _ADMIN_WORDS)
                or all(_DATE.fullmatch(v) for v in values))
    return [a for a in present if not administrative(a)]


def _participants(doc: Document) -> set[str]:
    """Who a document's attributes describe: its `participant`(s), else its non-interviewer
    speakers; generic labels and unlabelled documents count as a person of that document."""
    names = [n.strip() for n in str(doc.attributes.get("participant", "")).split(",") if n.strip()]
    if not names:
        names = [t.speaker.strip() for t in doc.turns if t.speaker and not doc.is_interviewer(t)]
    people = {(f"{doc.id}/{n}" if _GENERIC_SPEAKER.fullmatch(n) else n).casefold() for n in names}
    return people or {doc.id}


def _small_groups(corpus: Corpus, k: int, attributes: list[str]) -> pd.DataFrame:
    """Values and pairs of values held by fewer than k participants. A pair is reported only
    when neither of its values is already a small group alone (that one says it all)."""
    people: dict[tuple, set[str]] = defaultdict(set)
    documents: dict[tuple, list[str]] = defaultdict(list)
    shown: dict[tuple[str, str], str] = {}  # (attribute, normalised value) -> value as first written
    for doc in corpus:
        held = []
        for name in attributes:
            value = " ".join(str(doc.attributes.get(name, "")).split())
            if value:
                held.append((name, value.casefold()))
                shown.setdefault(held[-1], value)
        for combo in itertools.chain(itertools.combinations(held, 1), itertools.combinations(held, 2)):
            people[combo] |= _participants(doc)
            documents[combo].append(doc.id)
    small = {combo for combo, who in people.items() if len(who) < k}
    rows = [{"attributes": ", ".join(a for a, _ in combo),
             "values": ", ".join(shown[part] for part in combo),
             "count": len(people[combo]),
             "documents": ", ".join(dict.fromkeys(documents[combo])),
             "description": " and ".join(f"{a}={shown[(a, v)]}" for a, v in combo)}
            for combo in small if len(combo) == 1 or not any((part,) in small for part in combo)]
    frame = pd.DataFrame(rows, columns=["attributes", "values", "count", "documents", "description"])
    return frame.sort_values(["count", "attributes", "values"], ignore_index=True)


def _text_findings(doc: Document, include_interviewer: bool) -> Iterator[dict]:
    """Non-overlapping matches in the turns scanned; the earliest, then longest, wins."""
    turns = doc.turns or [Turn(0, None, 0, len(doc.text))]
    previous = ""
    for turn in turns:
        prompt, previous = previous, doc.text[turn.start : turn.end] if doc.is_interviewer(turn) else ""
        if turn.end <= turn.start or (doc.is_interviewer(turn) and not include_interviewer):
            continue
        candidates = sorted(_matches(doc.text, turn.start, turn.end, prompt),
                            key=lambda m: (m[0], m[0] - m[1], KINDS.index(m[2])))
        last = turn.start
        for start, end, kind in candidates:
            if start >= last:
                last = end
                yield {"document": doc.id, "speaker": turn.speaker, "kind": kind, "text": doc.text[start:end],
                       "start": start, "end": end, "context": _context(doc.text, start, end)}


def _matches(text: str, start: int, end: int, prompt: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every candidate in text[start:end]. `prompt` is the interviewer's
    turn before it, if any: the question that a short answer ("Nine years.") answers."""
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text, start, end):
            yield m.start(), m.end(), kind
    question = re.split(r"(?<=[.!?])\s+", prompt.strip())[-1]
    for m in _DURATION.finditer(text, start, end):
        clause_start, clause = _clause(text, m, start, end)
        if clause_start == start:  # an answer such as "Nine years." to "How long have you been qualified?"
            clause = f"{question} {clause}"
        yield m.start(), m.end(), "service_length" if _SERVICE_CUE.search(clause) else "duration"
    for m in _PLACE.finditer(text, start, end):
        first = m["name"].split()[0]
        if not {m["name"], first, re.sub(r"['’]?s$", "", first)} & _NOT_PLACES:
            yield m.start("name"), m.end("name"), "possible_place"


def _clause(text: str, match: re.Match[str], start: int, end: int) -> tuple[int, str]:
    """The sentence around a match, within its turn, and where it starts: a cue such as
    "qualified" in it says a duration is years of service, not how long a case was open."""
    begin = max(start, max(text.rfind(c, start, match.start()) + 1 for c in ".!?;\n"))
    after = [i for i in (text.find(c, match.end(), end) for c in ".!?;\n") if i >= 0]
    return begin, text[begin : min(after, default=end)]


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left, right = max(0, start - width), min(len(text), end + width)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def _cell(value: str) -> str:
    return str(value).replace("|", r"\|").replace("\n", " ")
