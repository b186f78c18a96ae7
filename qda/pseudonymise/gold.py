"""The pseudonymisation gold set: transcripts with every identifier marked, and scoring.

A gold file is a transcript (`.txt`, DESIGN.md format) in which every mention of an
identifier is written inline as `{{surface|TYPE|entity}}`:

```
participant: {{Amara Nwosu|PERSON|amara}}
---
{{Amara|PERSON|amara}}: Ms {{Nwosu|PERSON|amara}}'s boy goes to {{St Anne's|SCHOOL|anne}}.
```

Removing the markup gives `raw`, the transcript exactly as it would be on disk, and the
mentions as code-point offsets into it. `entity` names the real-world thing within the
file, so that *entity recall* can ask the question that matters for confidentiality: was
every mention of this person replaced? One leftover "Amara's" re-identifies her however
many other mentions were caught. See docs/pseudonymisation-gold.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qda.errors import InputError
from qda.pseudonymise.entities import TYPES as ENTITY_TYPES
from qda.readers import document_id
from qda.readers.decode import decode_bytes
from qda.readers.txt import parse_txt

__all__ = [
    "TYPES",
    "DOMAIN_TERMS",
    "GoldMention",
    "GoldDocument",
    "parse_gold",
    "read_gold",
    "GoldScore",
    "TypeScore",
    "MissedMention",
    "FalsePositive",
    "AllowViolation",
    "score",
]

#: Identifier types of the gold markup (docs/pseudonymisation-gold.md, "Types"): the
#: pseudonymiser's own types.
TYPES: tuple[str, ...] = tuple(ENTITY_TYPES)

#: Domain vocabulary the gold transcripts use freely and that must survive
#: pseudonymisation untouched; a ready-made `allow_terms` for `score`.
DOMAIN_TERMS: tuple[str, ...] = (
    "Child Protection", "Child in Need", "Complex Child in Need", "CP plan", "CP", "CiN",
    "CCiN", "CAF", "LSCB", "LAC", "PLO", "Team Manager", "social worker", "health visitor",
    "school nurse", "Signs of Safety", "danger statement", "written agreement",
    "Sure Start", "Ofsted", "the Local Authority", "Children's Services", "MASH",
    "core group", "strategy meeting", "ICPC", "Interviewer", "the school", "the hospital",
    "A&E", "the GP", "mum", "dad",
)

_OPEN, _CLOSE, _SEP = "{{", "}}", "|"
_MARK = re.compile(r"\{\{|\}\}")
_ENTITY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")
_CONTEXT = 40  # characters either side in reports


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One marked identifier: `raw[start:end] == text` (code points, end exclusive)."""

    start: int
    end: int
    text: str
    type: str
    entity: str


@dataclass(frozen=True)
class GoldDocument:
    """A gold transcript: its unmarked text and the identifier mentions in it.

    `raw` is the whole file without markup, front matter included, so offsets are into
    the file. A tool that works on `Document.text` (the body after the front matter)
    must add `body_start` to its offsets before scoring.
    """

    path: str
    name: str
    raw: str
    mentions: list[GoldMention]
    body_start: int = 0

    @property
    def id(self) -> str:
        """The qda document id of this file (`p01.txt` -> `p01`)."""
        return document_id(self.name)

    @property
    def entities(self) -> dict[str, list[GoldMention]]:
        """Mentions grouped by entity id, in order of first mention."""
        groups: dict[str, list[GoldMention]] = {}
        for mention in self.mentions:
            groups.setdefault(mention.entity, []).append(mention)
        return groups


def parse_gold(marked: str, path: str | Path = "<gold>") -> GoldDocument:
    """Strip the markup from `marked` (canonical text) and collect the mentions.

    Raises InputError naming the file and line for an unclosed or stray brace pair, a
    mark without exactly three `|`-separated fields, an unknown TYPE, an empty surface
    or one with spaces at its edges, a malformed entity id, an entity used with two
    types, or a result that is not a valid transcript.
    """
    path = Path(path)
    raw: list[str] = []
    mentions: list[GoldMention] = []
    entity_types: dict[str, str] = {}
    out = 0  # length of the raw text so far
    pos = 0

    def fail(at: int, reason: str) -> InputError:
        return InputError(path, f"line {marked.count(chr(10), 0, at) + 1}: {reason}")

    while True:
        match = _MARK.search(marked, pos)
        if match is None:
            raw.append(marked[pos:])
            break
        if match.group() == _CLOSE:
            raise fail(match.start(), "'}}' without an opening '{{'")
        opening = match.start()
        closing = marked.find(_CLOSE, opening + 2)
        line_end = marked.find("\n", opening)
        line_end = len(marked) if line_end < 0 else line_end
        nested = marked.find(_OPEN, opening + 2, line_end)
        if closing < 0 or closing > line_end or (0 <= nested < closing):
            raise fail(opening, "'{{' is not closed by '}}' on the same line")
        inner = marked[opening + 2 : closing]
        fields = inner.split(_SEP)
        if len(fields) != 3:
            raise fail(
                opening,
                f"'{{{{{inner}}}}}' needs three fields, {{{{text|TYPE|entity}}}}, "
                f"but has {len(fields)}",
            )
        text, kind, entity = fields
        if not text.strip():
            raise fail(opening, f"'{{{{{inner}}}}}' has no surface text")
        if text != text.strip():
            raise fail(opening, f"'{{{{{inner}}}}}': surface text has spaces at its edges")
        if kind not in TYPES:
            raise fail(
                opening, f"'{{{{{inner}}}}}': unknown type '{kind}'; types: {', '.join(TYPES)}"
            )
        if not _ENTITY.match(entity):
            raise fail(
                opening,
                f"'{{{{{inner}}}}}': entity id '{entity}' must be letters, digits, '_', "
                "'.' or '-' (no spaces)",
            )
        if entity_types.setdefault(entity, kind) != kind:
            raise fail(
                opening,
                f"entity '{entity}' is {kind} here but {entity_types[entity]} earlier",
            )
        before = marked[pos:opening]
        raw.append(before)
        out += len(before)
        raw.append(text)
        mentions.append(GoldMention(out, out + len(text), text, kind, entity))
        out += len(text)
        pos = closing + 2

    raw_text = "".join(raw)
    body, _turns, _attributes = parse_txt(raw_text, path)  # InputError if not a transcript
    return GoldDocument(str(path), path.name, raw_text, mentions, len(raw_text) - len(body))


def read_gold(path: str | Path) -> list[GoldDocument]:
    """Gold documents from one marked `.txt` file or a folder of them (`*.txt`, sorted)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        if not files:
            raise InputError(path, "folder has no gold transcripts (*.txt)")
    elif path.exists():
        files = [path]
    else:
        raise InputError(path, "file not found")
    return [parse_gold(decode_bytes(file.read_bytes(), file), file) for file in files]


# -- scoring -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissedMention:
    """A gold mention some non-space character of which no detected span covers."""

    document: str
    start: int
    end: int
    text: str
    type: str
    entity: str
    context: str


@dataclass(frozen=True, slots=True)
class FalsePositive:
    """A detected span that overlaps no gold mention."""

    document: str
    start: int
    end: int
    text: str
    context: str


@dataclass(frozen=True, slots=True)
class AllowViolation:
    """A detected span that overlaps an occurrence of an allow-list term."""

    document: str
    term: str
    start: int
    end: int
    text: str
    context: str


@dataclass
class TypeScore:
    """Recall counts for one identifier type."""

    mentions: int = 0
    mentions_covered: int = 0
    entities: int = 0
    entities_covered: int = 0

    @property
    def mention_recall(self) -> float | None:
        return _ratio(self.mentions_covered, self.mentions)

    @property
    def entity_recall(self) -> float | None:
        return _ratio(self.entities_covered, self.entities)


@dataclass
class GoldScore:
    """How far a tool's replacements cover the gold identifiers; see `score`."""

    documents: int = 0
    mentions: int = 0
    mentions_covered: int = 0
    entities: int = 0
    entities_covered: int = 0
    spans: int = 0
    spans_true: int = 0
    by_type: dict[str, TypeScore] = field(default_factory=dict)
    missed: list[MissedMention] = field(default_factory=list)
    false_positives: list[FalsePositive] = field(default_factory=list)
    allow_violations: list[AllowViolation] = field(default_factory=list)

    @property
    def entity_recall(self) -> float | None:
        """Entities every mention of which is covered / entities (None if no entities)."""
        return _ratio(self.entities_covered, self.entities)

    @property
    def mention_recall(self) -> float | None:
        """Covered mentions / mentions (None if no mentions)."""
        return _ratio(self.mentions_covered, self.mentions)

    @property
    def precision(self) -> float | None:
        """Detected spans overlapping a gold mention / detected spans (None if none)."""
        return _ratio(self.spans_true, self.spans)

    def format(self, limit: int | None = 50) -> str:
        """A plain-text report; at most `limit` items per list (None: all)."""
        lines = [
            f"Pseudonymisation against gold: {self.documents} documents, "
            f"{self.entities} entities, {self.mentions} mentions, {self.spans} detected spans",
            "",
            f"entity recall   {_pct(self.entity_recall)}  "
            f"({self.entities_covered}/{self.entities} entities with every mention replaced)",
            f"mention recall  {_pct(self.mention_recall)}  "
            f"({self.mentions_covered}/{self.mentions} mentions replaced)",
            f"precision       {_pct(self.precision)}  "
            f"({self.spans_true}/{self.spans} spans on an identifier)",
            f"allow-list      {len(self.allow_violations)} violation(s)",
            "",
            f"{'type':<10}{'entities':>10}{'entity R':>10}{'mentions':>10}{'mention R':>11}",
        ]
        for kind in TYPES:
            row = self.by_type.get(kind)
            if row is None or not row.mentions:
                continue
            lines.append(
                f"{kind:<10}{row.entities:>10}{_pct(row.entity_recall):>10}"
                f"{row.mentions:>10}{_pct(row.mention_recall):>11}"
            )
        sections = (
            ("Missed mentions", self.missed,
             lambda m: f"{m.document}  {m.type:<8} {m.text!r}  {m.context}"),
            ("False positives", self.false_positives,
             lambda f: f"{f.document}  {f.text!r}  {f.context}"),
            ("Allow-list violations", self.allow_violations,
             lambda v: f"{v.document}  term {v.term!r}: {v.text!r}  {v.context}"),
        )
        for title, items, show in sections:
            lines += ["", f"{title} ({len(items)})"]
            shown = items if limit is None else items[:limit]
            lines += [f"  {show(item)}" for item in shown]
            if len(shown) < len(items):
                lines.append(f"  ... and {len(items) - len(shown)} more")
        return "\n".join(lines) + "\n"


def score(
    gold: list[GoldDocument],
    detected: Mapping[str, Iterable[tuple[int, int]]],
    allow_terms: Iterable[str] = (),
) -> GoldScore:
    """Score the spans a tool replaced against the gold mentions.

    `detected` maps a document's file name (`p01.txt`; its id `p01` is accepted too) to
    the `(start, end)` spans replaced in its `raw` text; a document absent from it had
    nothing replaced. Identical spans count once.

    - A gold mention is *covered* if every non-space character of it lies inside some
      detected span (the union of spans counts: two spans may cover one mention).
    - **entity recall** = entities all of whose mentions are covered / entities: an
      entity counts only when every mention is replaced.
    - **mention recall** = covered mentions / mentions.
    - **precision** = detected spans that overlap at least one gold mention / detected
      spans; a span over no identifier is a false positive.
    - **allow-list violations**: detected spans that overlap an occurrence of an
      `allow_terms` term in `raw` (case-insensitive, whole words, any run of whitespace
      between words). An occurrence inside a longer one ("CP" in "CP plan") is not
      counted again, nor one inside a gold mention: there the identifier wins.

    Ratios with a zero denominator are None. Raises ValueError for a key naming no gold
    document or a span outside its text or empty.
    """
    by_key = {}
    for doc in gold:
        by_key[doc.name] = doc
        by_key.setdefault(doc.id, doc)
    unknown = [key for key in detected if key not in by_key]
    if unknown:
        raise ValueError(
            f"detected spans for unknown document(s) {', '.join(map(repr, unknown))}; "
            f"gold documents: {', '.join(doc.name for doc in gold)}"
        )
    spans_of: dict[str, set[tuple[int, int]]] = {doc.name: set() for doc in gold}
    for key, spans in detected.items():
        doc = by_key[key]
        for start, end in spans:
            if not 0 <= start < end <= len(doc.raw):
                raise ValueError(
                    f"{doc.name}: span ({start}, {end}) is empty or outside the text "
                    f"(0..{len(doc.raw)})"
                )
            spans_of[doc.name].add((start, end))

    terms = [t.strip() for t in allow_terms if t.strip()]
    term_patterns = [
        (t, re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, t.split())) + r"(?!\w)",
                       re.IGNORECASE))
        for t in terms
    ]
    result = GoldScore(documents=len(gold), by_type={kind: TypeScore() for kind in TYPES})
    for doc in gold:
        raw = doc.raw
        spans = sorted(spans_of[doc.name])
        replaced = bytearray(len(raw))
        for start, end in spans:
            replaced[start:end] = b"\x01" * (end - start)
        in_gold = bytearray(len(raw))
        for m in doc.mentions:
            in_gold[m.start : m.end] = b"\x01" * (m.end - m.start)

        for entity, mentions in doc.entities.items():
            row = result.by_type[mentions[0].type]
            all_covered = True
            for m in mentions:
                covered = all(replaced[i] or raw[i].isspace() for i in range(m.start, m.end))
                row.mentions += 1
                result.mentions += 1
                if covered:
                    row.mentions_covered += 1
                    result.mentions_covered += 1
                else:
                    all_covered = False
                    result.missed.append(MissedMention(
                        doc.name, m.start, m.end, m.text, m.type, entity,
                        _context(raw, m.start, m.end)))
            row.entities += 1
            result.entities += 1
            if all_covered:
                row.entities_covered += 1
                result.entities_covered += 1

        for start, end in spans:
            result.spans += 1
            if any(in_gold[start:end]):
                result.spans_true += 1
            else:
                result.false_positives.append(
                    FalsePositive(doc.name, start, end, raw[start:end], _context(raw, start, end))
                )

        for term, a, b in _occurrences(raw, term_patterns):
            if any(in_gold[a:b]):
                continue
            for start, end in spans:
                if start < b and a < end:
                    result.allow_violations.append(AllowViolation(
                        doc.name, term, start, end, raw[start:end], _context(raw, start, end)))
    result.missed.sort(key=lambda m: (m.document, m.start))
    result.allow_violations.sort(key=lambda v: (v.document, v.start, v.term))
    return result


def _occurrences(
    raw: str, term_patterns: list[tuple[str, re.Pattern[str]]]
) -> list[tuple[str, int, int]]:
    """Allow-term occurrences in `raw`, longest first, dropping any inside a longer one
    ("CP" inside "CP plan"), so one replaced phrase is one violation, not several."""
    found = sorted(
        ((term, *m.span()) for term, pattern in term_patterns for m in pattern.finditer(raw)),
        key=lambda o: (o[1] - o[2], o[1]),
    )
    kept: list[tuple[str, int, int]] = []
    for term, a, b in found:
        if not any(ka <= a and b <= kb for _t, ka, kb in kept):
            kept.append((term, a, b))
    return kept


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _context(raw: str, start: int, end: int) -> str:
    """`... words [span] words ...` on one line, for reports."""
    before = raw[max(0, start - _CONTEXT) : start]
    after = raw[end : end + _CONTEXT]
    text = f"{before}[{raw[start:end]}]{after}"
    return ("..." if start > _CONTEXT else "") + " ".join(text.split()) + (
        "..." if end + _CONTEXT < len(raw) else ""
    )
