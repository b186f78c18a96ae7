"""The plain-text transcript format (DESIGN.md, "Transcript text format").

```
---
participant: Kelly
interview_date: 2013-05-14
---
Interviewer: How has the protocol changed your practice?
Kelly: It makes you think about where a case fits.
It carries on here, same turn.
[00:12:34] Interviewer: And the families?
```

Optional YAML front matter holds document attributes; `Document.text` is the body after
it, byte for byte (after newline normalisation), labels included, so that a coded passage
can be shown in context. Turn offsets cover the utterance only: the label, stamp and
surrounding whitespace are excluded; a turn with no words is kept with `start == end`.

What counts as a speaker label (`parse_label`) is a heuristic, because transcripts are
prose with colons in them. A label is, at the start of a line (indentation allowed), an
optional stamp (`[hh:mm:ss]`, `[mm:ss]`, `(hh:mm:ss)`, `hh:mm:ss`, maybe then a dash),
then a short name, maybe a stamp in brackets or parentheses (`Kelly (00:01:23):`), and a
colon followed by whitespace or the end of the line. A name is 1-4 words, at most 40
characters, of letters, digits, combining marks and `.'’-_/`, containing a letter, each
word starting with a letter or digit (and `&` or `#3` as words: `Mum & Dad:`,
`Participant #3:`). Its words must not start lower-case (`so my answer: ...` is prose),
except name particles (`van`, `de`, `al`, ...) after the first word and codes with a digit
(`p1:`). A description in brackets may follow the name (`Kelly (SW):`, `P1 (Female, 45):`,
`Kelly (laughs):`); the speaker is the name. A name in square brackets is a
pseudonymised copy's tag (`[Person 1]:`). The conventional interviewer labels are names
in any case, numbered or initialled (`int:`, `q1:`, `Interviewer (JB):`, whose initials are
kept; `qda.corpus.interviewer_label`). The colon must be followed by whitespace, so
`http://...`, `10:30` and `re:thing` are never labels. A name that stands where a label
would on two lines or more but is none of these (`Kelly Smith, social worker:`) is
warned about (`UnreadLabelWarning`): its lines are read as the words of the turn before.

In a Word transcript a tab may stand for the colon (`Kelly<tab>It makes...`).

Transcripts exported from Otter, Teams or Zoom put each speaker on a heading line of
its own, the words below: a name and a time and nothing else (`Speaker 1  0:03`,
`Jane Doe   00:01:05`, `[Jane Doe] 10:03:12`, `Speaker 1 [00:00:03]`,
`Jane Doe - 00:01:05`; `parse_heading`). Others put each name alone on a line above the
words (`Interviewer`, then the question; Word transcripts, Otter without times): such
names are speakers when at least two of them head two turns or more and the interviewer
or the first speaker is among them (`_bare_headings`), so a short answer alone on its
line stays text. A transcript is read by whichever of the three kinds of label it has
most of, so an odd line of another kind (a `Date: ...` above names alone) stays text.

A time between hashes at the end of a turn, as f4transkript and MAXQDA write it
(`#00:01:02-3#`), is the turn's end time (`Turn.end_time`), not part of its words; a
bracketed time just after the label (`Kelly: [00:01:02] It went up.`) is its time.

Known ambiguity, accepted deliberately: a capitalised word or short phrase followed by a
colon at the start of a line, such as `Note: this was recorded late`, is read as a
speaker label ("Note"). Transcripts are far more often labelled this way than written
this way; if it happens, indent nothing and rephrase, or put the line after a label.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from bisect import bisect_right
from collections import Counter
from itertools import accumulate
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml

from qda.corpus import Turn, interviewer_label
from qda.errors import InputError

__all__ = ["Label", "parse_label", "parse_heading", "parse_turns", "parse_front_matter", "parse_txt",
           "UnreadLabelWarning"]


class UnreadLabelWarning(UserWarning):
    """Lines that look like a speaker's label but were read as words of the turn before."""

MAX_NAME_CHARS = 40
MAX_NAME_WORDS = 4
_NAME_PUNCTUATION = frozenset(".'’-_/")  # "O'Neill", "Participant_03", "Kelly/Sam"
# What may follow a name in parentheses: a role or a description ("Kelly (SW)", "P1 (Female, 45)").
_ROLE = re.compile(r"[ \t]*\([^()\n:]{1,30}\)\Z")
# Words of a name that are not words: "Participant #3", "Mum & Dad".
_NUMBER_SIGN = re.compile(r"#\d+\Z")
# Lower-case words that belong inside names ("Anna van der Berg", "Omar al Farsi").
_PARTICLES = frozenset(
    "van von der den de del della di da du le la al el bin ibn bint ter ten zu y".split()
)
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"  # h:mm:ss or m:ss
_STAMP = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"  # unbracketed, only h:mm:ss: "10:30 Meeting:" is prose
# A stamp may stand before the name, bracketed, in parentheses or bare, and then maybe a
# dash ("[01:23] Kelly:", "(00:01:23) Kelly:", "00:01:23 - Kelly:"), or after it in
# brackets or parentheses ("Kelly [00:01:23]:", Rev's "Speaker 1 (00:00):").
_LABEL = re.compile(
    rf"[ \t]*(?:(?:\[(?P<bracketed>{_TIME})\]|\((?P<parenthesised>{_TIME})\)|(?P<bare>{_STAMP}))"
    rf"[ \t]+(?:[-–][ \t]+)?)?"
    rf"(?P<name>[^:\n]{{1,{MAX_NAME_CHARS}}}?)"
    rf"(?:[ \t]+(?:\[(?P<bracketed_after>{_TIME})\]|\((?P<parenthesised_after>{_TIME})\)))?"
    rf"(?:[ \t]*:(?=\s|\Z)|\t+(?=\S))"  # a colon, or tabs as a Word transcript's hanging indent
)
_STAMP_GROUPS = ("bracketed", "parenthesised", "bare", "bracketed_after", "parenthesised_after")
# Otter, Teams and Zoom exports put the speaker on a line of their own with the time, the
# words below: "Speaker 1  0:03", "Jane Doe   00:01:05", "[Jane Doe] 10:03:12"; others
# bracket the time or set it off: "Speaker 1 [00:00:03]", "Jane Doe - 00:01:05".
_HEADING = re.compile(
    rf"[ \t]*(?:\[(?P<bracketed>[^\]\n]{{1,{MAX_NAME_CHARS}}})\]|(?P<name>[^\n]{{1,{MAX_NAME_CHARS}}}?))"
    rf"(?:[ \t]*[-–,])?[ \t]+(?:\((?P<time>{_TIME})\)|\[(?P<bracketed_time>{_TIME})\]|(?P<bare_time>{_TIME}))[ \t]*"
)
_OPENING_STAMP = re.compile(rf"[ \t]*(?:\[(?P<bracketed>{_TIME})\]|\((?P<parenthesised>{_TIME})\))(?=\s|\Z)")
_CLOSING_STAMP = re.compile(r"[ \t]*#(?P<time>\d{1,2}:\d{2}:\d{2}(?:[-.,]\d{1,3})?)#\s*\Z")
_FENCE = "---"


@dataclass(frozen=True, slots=True)
class Label:
    """A speaker label at the start of a line; `end` is the offset just after its colon."""

    speaker: str
    time: str | None
    end: int


def parse_label(line: str) -> Label | None:
    """The speaker label that starts `line`, or None if the line is not a label."""
    match = _LABEL.match(line)
    speaker = _speaker(match["name"]) if match is not None else None
    if speaker is None:
        return None
    return Label(speaker, next((match[g] for g in _STAMP_GROUPS if match[g]), None), match.end())


def parse_heading(line: str) -> Label | None:
    """The speaker heading that `line` is (a name and a time and nothing else, as Otter, Teams
    and Zoom export), or None; the turn's words are on the lines below, so `end` is the line's."""
    match = _HEADING.fullmatch(line)
    if match is None:
        return None
    name = (match["bracketed"] or match["name"]).strip()
    time = match["time"] or match["bracketed_time"] or match["bare_time"]
    speaker = _speaker(name)
    return Label(speaker, time, len(line)) if speaker is not None else None


def _speaker(label: str) -> str | None:
    """The speaker a label names, or None if it names none. What follows a name in
    brackets describes the speaker or the moment ("Kelly (SW):", "Kelly (laughs):"), so the
    speaker is the name: one person is one speaker however they are described. The
    interviewer's initials are kept, which tell interviewers apart ("Interviewer (JB)")."""
    if interviewer_label(label) is not None:
        return label
    if label.startswith("[") and label.endswith("]") and _speaker(label[1:-1]) == label[1:-1]:
        return label  # a pseudonymised copy's tag: "[Person 1]:"
    role = _ROLE.search(label)
    name = label[: role.start()] if role is not None and role.start() > 0 else label
    return name if _looks_like_name(name) else None


def _looks_like_name(name: str) -> bool:
    if interviewer_label(name) is not None:  # also "int:", "q1:" and "Interviewer (JB):"
        return True
    words = name.split(" ")
    if "&" in (words[0], words[-1]):
        return False  # "& Dad", "Mum &": joins two names or none
    words = [word for word in words if word != "&" and not _NUMBER_SIGN.match(word)]
    if not words:
        return False
    if len(words) > MAX_NAME_WORDS or "" in words or len(name) > MAX_NAME_CHARS:
        return False
    if not any(ch.isalpha() for ch in name):
        return False
    for i, word in enumerate(words):
        if unicodedata.category(word[0])[0] not in "LN":
            return False
        if not all(unicodedata.category(ch)[0] in "LNM" or ch in _NAME_PUNCTUATION for ch in word):
            return False
        # lower-case is prose ("so my answer: ..."), but for a particle or a numbered code ("p1")
        if unicodedata.category(word[0]) == "Ll" and not (i and word.casefold() in _PARTICLES) \
                and not any(ch.isdigit() for ch in word):
            return False
    return True


def _bare_headings(lines: list[str]) -> list[Label | None]:
    """Names alone on a line, the words below (Word transcripts; Otter without times). A
    line alone could as well be a short answer, so only names that head two turns or more
    count, two such names at least, and only where one of them is the interviewer's or is
    the first name alone on a line; a name ends in no full stop."""
    candidates = [
        Label(name, None, len(line))
        if (name := line.strip()) and name[-1] not in ".?!," and _looks_like_name(name)
        and i + 1 < len(lines) and lines[i + 1].strip() else None
        for i, line in enumerate(lines)
    ]
    counts = Counter(c.speaker for c in candidates if c is not None)
    names = {name for name, n in counts.items() if n >= 2}
    first = next((c for c in candidates if c is not None), None)
    anchored = (first is not None and first.speaker in names) or any(interviewer_label(n) for n in names)
    if len(names) < 2 or not anchored:
        return [None] * len(lines)
    return [c if c is not None and c.speaker in names else None for c in candidates]


def parse_turns(body: str) -> list[Turn]:
    """Split a transcript body into turns; offsets are into `body`."""
    # Each segment: [speaker, time, start, end]; the first is the unlabelled preamble.
    segments: list[list] = [[None, None, 0, 0]]
    lines = body.split("\n")
    # A transcript is labelled one way, whichever it has most of: a stray "Note:" among
    # headings, a "Kelly 10:30" line among "Name:" labels, a "Date: ..." above names
    # alone on their lines, is text.
    labels = [parse_label(line) for line in lines]
    for other in ([parse_heading(line) for line in lines], _bare_headings(lines)):
        if sum(h is not None for h in other) > sum(l is not None for l in labels):
            labels = other
    pos = 0
    for line, label in zip(lines, labels):
        if label is not None:
            segments.append([label.speaker, label.time, pos + label.end, pos + len(line)])
        else:
            segments[-1][3] = pos + len(line)
        pos += len(line) + 1
    turns: list[Turn] = []
    for speaker, time, start, end in segments:
        chunk = body[start:end]
        # f4transkript and MAXQDA close a turn with its time, "#00:01:02-3#": the turn's
        # end, not words of it
        closing = _CLOSING_STAMP.search(chunk)
        end_time = closing["time"] if closing else None
        chunk = chunk[:closing.start()] if closing else chunk
        # ... and some write the time after the label: "Kelly: [00:01:02] It went up."
        opening = _OPENING_STAMP.match(chunk) if speaker is not None and time is None else None
        if opening:
            time = opening["bracketed"] or opening["parenthesised"]
            start, chunk = start + opening.end(), chunk[opening.end():]
        words = chunk.strip()
        if speaker is None and not words:
            continue  # no preamble, or only blank lines before the first label
        if words:
            start += len(chunk) - len(chunk.lstrip())
            end = start + len(words)
        else:
            end = start
        turns.append(Turn(len(turns), speaker, start, end, time, end_time))
    return turns


def parse_front_matter(source: str, path: str | Path, first_line: int = 2) -> dict[str, str]:
    """Document attributes from YAML front matter, every value as a string.

    Values keep the text the researcher typed (`id: 007` stays "007", `consent: yes`
    stays "yes"), because YAML's typing would silently change participant ids; dates
    become ISO strings and lists are joined with ", ".
    """
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            path, f"line {line}: front matter is not valid YAML ({problem})"
        ) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise InputError(
            path,
            f"line {first_line + node.start_mark.line}: front matter must be "
            "'name: value' lines (document attributes)",
        )
    attributes: dict[str, str] = {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode) or not key_node.value.strip():
            raise InputError(path, f"line {line}: front matter needs a plain attribute name")
        key = key_node.value.strip()
        if key in attributes:
            raise InputError(path, f"line {line}: attribute '{key}' is given twice")
        attributes[key] = _attribute_value(value_node, key, line, path)
        if interviewer_label(key) and _spoken(attributes[key]):
            # "---" as a rule above the talk makes its first exchange look like YAML, and
            # the turns would become attributes, silently
            raise InputError(
                path, f"line {line}: '{key}: ...' between the '---' lines is speech, not a document attribute; "
                "if the first '---' is a rule above the talk, delete it (front matter, when a file has it, holds "
                "'name: value' lines such as 'participant: Kelly')")
    return attributes


def _spoken(value: str) -> bool:
    """Whether an attribute's value reads as speech (a question, or a sentence), not as the
    interviewer's name."""
    return "?" in value or len(value.split()) > 6


def _attribute_value(node: yaml.Node, key: str, line: int, path: str | Path) -> str:
    if isinstance(node, yaml.SequenceNode):
        return ", ".join(_attribute_value(item, key, line, path) for item in node.value)
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(path, f"line {line}: attribute '{key}' must be a single value or a list")
    if node.tag == "tag:yaml.org,2002:null":
        return ""
    if node.tag == "tag:yaml.org,2002:timestamp":
        value = yaml.SafeLoader("").construct_object(node)
        if isinstance(value, (date, datetime)):
            return value.isoformat()
    return node.value


def parse_txt(text: str, path: str | Path) -> tuple[str, list[Turn], dict[str, str]]:
    """Canonical text, turns and attributes of a decoded `.txt` transcript."""
    lines = text.split("\n")
    # front matter opens the file, maybe after blank lines (an editor's, or a Word paragraph's)
    opening = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[opening].rstrip() != _FENCE:
        return text, _turns_of(text, path, 1), {}
    for i in range(opening + 1, len(lines)):
        if lines[i].rstrip() == _FENCE:
            attributes = parse_front_matter("\n".join(lines[opening + 1 : i]), path, opening + 2)
            body = "\n".join(lines[i + 1 :])
            return body, _turns_of(body, path, i + 2), attributes
    raise InputError(path, f"line {opening + 1}: front matter starts with '---' but has no closing '---' line")


def _turns_of(body: str, path: str | Path, first_line: int) -> list[Turn]:
    turns = parse_turns(body)
    unread = unread_labels(body, turns)
    if unread:
        # Line numbers, not the labels: they are names, and warnings end up in logs (and are
        # printed while pseudonymising, whose point is that names are not shown).
        lines = ", ".join(str(first_line + line) for line, _ in unread[:6]) + (", ..." if len(unread) > 6 else "")
        warnings.warn(
            f"{path}: lines {lines} open with what looks like a speaker's label but is not read as a name, so "
            "they are words of the turn before; write the label as a name alone ('Sam Jones:'), any role in "
            "brackets ('Sam Jones (social worker):')",
            UnreadLabelWarning, stacklevel=4)
    return turns


def unread_labels(body: str, turns: list[Turn]) -> list[tuple[int, str]]:
    """(line, name) of each line opening with a name that stands where a label would, at
    the start of a line and followed by a colon, on two lines or more, but is not read as
    a name ("Kelly Smith, social worker:"): a speaker whose words are silently given to
    someone else. Lines are counted from 0; a name seen once is more likely prose."""
    lines = body.split("\n")
    line_starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    labelled = {bisect_right(line_starts, turn.start) - 1 for turn in turns if turn.speaker is not None}
    found: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        match = _LABEL.match(line) if number not in labelled else None
        if match is not None and ":" in match.group(0) and _speaker(name := match["name"].strip()) is None \
                and any(ch.isalpha() for ch in name):
            found.setdefault(name, []).append(number)
    return sorted((number, name) for name, numbers in found.items() if len(numbers) >= 2 for number in numbers)
