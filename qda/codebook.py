"""The codebook: codes with definitions, examples and the declarative rules that detect them.

Loading validates the YAML and reports the file, line and field of every problem at once,
so a researcher can fix a codebook in one pass (see docs/codebook.md for the schema).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import yaml

from . import patterns
from .errors import CodebookError, Problem

RULE_KINDS = ("phrases", "pattern", "dependency")
NEGATION_MODES = ("keep", "exclude", "require")


@dataclass(frozen=True)
class Rule:
    """One declarative detector for a code.

    `kind` is `phrases` (lemma phrase list), `pattern` (spaCy Matcher token pattern)
    or `dependency` (spaCy DependencyMatcher pattern). An `exclusion` rule suppresses
    the code's matches that overlap it. `negation` says what a negated match does.
    """

    id: str
    kind: str
    value: Any
    exclusion: bool = False
    negation: str = "keep"
    confidence: float = 0.8
    #: Its matches in one unit are one piece of evidence, however many words matched: for a
    #: list of weak words that only count with another rule's ("meeting" and "report" are not
    #: two reasons for inter-agency working).
    once: bool = False
    #: Where the rule's phrases or pattern start in the codebook file, for messages; not part
    #: of what the rule is (nor of a model's `rules_signature`).
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Code:
    id: str
    name: str
    parent: str | None = None
    description: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    color: str | None = None
    rules: tuple[Rule, ...] = ()


@dataclass
class Codebook:
    name: str
    codes: dict[str, Code] = field(default_factory=dict)
    version: str = "1"
    path: str | None = None

    def lineage(self, code_id: str) -> list[Code]:
        """The code's ancestors from the root down to the code itself."""
        chain: list[Code] = []
        current: str | None = code_id
        while current is not None:
            code = self.codes[current]
            chain.append(code)
            current = code.parent
        return chain[::-1]

    def code_path(self, code_id: str) -> str:
        """Human-readable path of names, e.g. `Thresholds > Up/down metaphor`."""
        return " > ".join(code.name for code in self.lineage(code_id))

    def children(self, code_id: str | None) -> list[Code]:
        return [c for c in self.codes.values() if c.parent == code_id]


# --- loading and validation -------------------------------------------------

CODE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_ID_CHARS = "lower-case ASCII letters (a-z), digits and _ , starting with a letter"
_RULE_ID = re.compile(r"^[A-Za-z0-9_.:-]+$")
_RULE_ID_CHARS = "ASCII letters (A-Z, a-z), digits and _ . : -"
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_TEXT_FIELDS = {"definition": "description", "include": "include", "exclude": "exclude"}
_CODE_FIELDS = {"id", "name", "parent", "color", "examples", "rules", *_TEXT_FIELDS}
_RULE_FIELDS = {"id", "exclusion", "once", "negation", "confidence", *RULE_KINDS}
_TOP_FIELDS = {"name", "version", "description", "codes"}
# Every other field is optional: left empty (`parent: null`, a template's bare `definition:`)
# it is not given and takes its default.
_REQUIRED_CODE_FIELDS = {"id", "name"}
_REQUIRED_RULE_FIELDS = set(RULE_KINDS)  # exactly one of them, checked with the rule
_REQUIRED_TOP_FIELDS = {"codes"}
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
# PyYAML notices a quote, bracket or key left open only where the text stops making sense,
# often at the end of the file; the line that opened it (the error's context mark) is the
# one to fix. Context -> what is wrong on that line, how to fix it.
_OPENED_IN_YAML = {
    "while scanning a quoted scalar": ("a quoted text opened here is never closed", "add the closing quote"),
    "while parsing a flow sequence": ("a [ list opened here is never closed", "close it with ]"),
    "while parsing a flow mapping": ("a { mapping opened here is never closed", "close it with }"),
    "while scanning a simple key": ("this line has no `:` after its key", "write it as `key: value`"),
}


def code_entry(code: Code, rules: bool = False) -> dict:
    """A code as the YAML mapping a codebook file holds; its rules too if asked (a code
    proposed by qda has none; one carried through another tool keeps them)."""
    entry: dict = {"id": code.id, "name": code.name}
    for key, value in (("parent", code.parent), ("color", code.color), ("definition", code.description),
                       ("include", code.include), ("exclude", code.exclude)):
        if value:
            entry[key] = value
    if code.examples:
        entry["examples"] = list(code.examples)
    if rules and code.rules:
        entry["rules"] = [rule_entry(rule) for rule in code.rules]
    return entry


def rule_entry(rule: Rule) -> dict:
    """A rule as the YAML mapping it was loaded from (normalised)."""
    value = list(rule.value) if isinstance(rule.value, tuple) else rule.value
    entry: dict = {"id": rule.id, rule.kind: value}
    if rule.exclusion:
        entry["exclusion"] = True
    if rule.once:
        entry["once"] = True
    if rule.negation != "keep":
        entry["negation"] = rule.negation
    entry["confidence"] = rule.confidence
    return entry


def merge_codebooks(base: Codebook | None, incoming: Codebook) -> tuple[Codebook, dict[str, str]]:
    """`base` with the codes of `incoming` it lacks, and each incoming id -> its id in the
    result. An incoming code is the base's code with the same id, else with the same name
    (case-insensitive); the base's wording wins. New codes keep their nesting, get an id
    no base code has, and keep only rules whose ids are free."""
    if base is None:
        return incoming, {code_id: code_id for code_id in incoming.codes}
    by_name = {code.name.casefold(): code.id for code in base.codes.values()}
    mapping: dict[str, str] = {}
    added: dict[str, Code] = {}
    taken = set(base.codes)
    rule_ids = {rule.id for code in base.codes.values() for rule in code.rules}
    for code in incoming.codes.values():  # parents come before their children
        same = code.id if code.id in base.codes else by_name.get(code.name.casefold())
        if same is not None:
            mapping[code.id] = same
            continue
        new_id, n = code.id, 2
        while new_id in taken:
            new_id, n = f"{code.id}_{n}", n + 1
        taken.add(new_id)
        mapping[code.id] = new_id
        rules = tuple(rule for rule in code.rules if rule.id not in rule_ids)
        rule_ids.update(rule.id for rule in rules)
        added[new_id] = replace(code, id=new_id, parent=mapping.get(code.parent), rules=rules)
    if not added:
        return base, mapping
    return replace(base, codes={**base.codes, **added}, path=None), mapping


def codebook_yaml(book: Codebook) -> str:
    """A whole codebook as codebook YAML (rules included), validated."""
    data = {"name": book.name, "version": book.version,
            "codes": [code_entry(code, rules=True) for code in book.codes.values()]}
    return dump_codebook(data, book.path or book.name)


def dump_codebook(data: dict, filename: str = "<codebook>") -> str:
    """A codebook mapping as YAML text, validated (CodebookError) before anyone writes it."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    parse_codebook(text, filename)
    return text


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook; raise CodebookError listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CodebookError([Problem(str(path), None, "file", f"cannot be read ({exc.strerror})")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CodebookError([Problem(str(path), None, "file", "is not UTF-8 text; save it as UTF-8")])
    return parse_codebook(text, str(path))


def parse_codebook(text: str, filename: str = "<codebook>") -> Codebook:
    """Validate codebook YAML text; `filename` is used in error messages."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise CodebookError([_yaml_syntax_problem(exc, filename)])
    return _Validator(filename).codebook(root)


def pattern_warnings(book: Codebook, lemma: Callable[[str], str] | None = None) -> list[Problem]:
    """What will not work as written though it is valid: pattern words that never match
    (`qda.patterns.unmatchable_words`; with `lemma`, qda's lemma of a word, also LEMMA
    values whose word has another lemma). For `qda codebook check` and the app's Validate:
    the lemma check needs the spaCy pipeline, too slow to load for every codebook read."""
    found = []
    for code in book.codes.values():
        for i, rule in enumerate(code.rules):
            for message in patterns.unmatchable_words(rule.kind, rule.value, lemma):
                found.append(Problem(book.path or "<codebook>", rule.line,
                                     f"codes[{code.id}].rules[{i}]({rule.id}).{rule.kind}", message))
    return found


def _yaml_syntax_problem(exc: yaml.YAMLError, filename: str) -> Problem:
    """The YAML syntax error as a Problem on the line to fix (see _OPENED_IN_YAML)."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or str(exc)
    opened = _OPENED_IN_YAML.get(getattr(exc, "context", None))
    if opened and context_mark is not None:
        what, fix = opened
        where = f" at line {problem_mark.line + 1}" if problem_mark else ""
        return Problem(filename, context_mark.line + 1, "yaml", f"{what} ({reason}{where}); {fix}")
    line = problem_mark.line + 1 if problem_mark else None
    return Problem(filename, line, "yaml", f"{reason}; fix the YAML syntax")


def _is_blank(node: yaml.Node) -> bool:
    """Whether a value is left empty: null (`key:`, `key: null`, `key: ~`) or blank text."""
    if not isinstance(node, yaml.ScalarNode):
        return False
    return node.tag == _NULL_TAG or (node.tag == _STR_TAG and not str(node.value).strip())


def _given(items: dict[str, tuple[yaml.Node, yaml.Node]], required: set[str]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """The fields that are given: an optional field left empty is as if it were absent."""
    return {key: item for key, item in items.items() if key in required or not _is_blank(item[1])}


def _construct(node: yaml.Node) -> Any:
    """The plain Python value of a composed YAML node (safe types only)."""
    return yaml.SafeLoader(io.StringIO("")).construct_document(node)


class _Validator:
    """Turns composed YAML nodes into a Codebook, collecting problems with line numbers."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, field: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.filename, line, field, message))

    def mapping(self, node, field: str, allowed: set[str]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, field, "must be a mapping of `key: value` entries")
            return {}
        if not node.value:
            self.problem(node, field, "is empty; fill it in or remove it")
            return {}
        items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in items:
                self.problem(key_node, f"{field}.{key}", "is given twice")
            elif key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(key_node, f"{field}.{key}", f"is not a known field (known: {known})")
            items[key] = (key_node, value_node)
        return items

    def string(self, node, field: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
            return str(node.value).strip()
        self.problem(node, field, "must be text")
        return None

    def codebook(self, root) -> Codebook:
        if root is None:
            raise CodebookError([Problem(self.filename, None, "file", "is empty; a codebook needs `codes:`")])
        top = _given(self.mapping(root, "codebook", _TOP_FIELDS), _REQUIRED_TOP_FIELDS)
        name = self.string(top["name"][1], "name") if "name" in top else Path(self.filename).stem
        version = self.string(top["version"][1], "version") if "version" in top else "1"
        codes: dict[str, Code] = {}
        code_nodes: dict[str, yaml.Node] = {}
        if "codes" not in top:
            self.problem(root, "codes", "is missing; list the codes under `codes:`")
        elif not isinstance(top["codes"][1], yaml.SequenceNode) or not top["codes"][1].value:
            self.problem(top["codes"][1], "codes", "must be a non-empty list of codes")
        else:
            rule_ids: set[str] = set()
            for i, node in enumerate(top["codes"][1].value):
                code = self.code(node, f"codes[{i}]", rule_ids)
                if code is None:
                    continue
                if code.id in codes:
                    self.problem(node, f"codes[{i}].id", f"`{code.id}` is used by another code; ids must be unique")
                    continue
                codes[code.id] = code
                code_nodes[code.id] = node
            self.check_parents(codes, code_nodes)
        if self.problems:
            # in file order, as the researcher reads the codebook (parents are checked last)
            raise CodebookError(sorted(self.problems, key=lambda p: p.line or 0))
        return Codebook(name=name or "", codes=codes, version=version or "1", path=self.filename)

    def code(self, node, field: str, rule_ids: set[str]) -> Code | None:
        items = self.mapping(node, field, _CODE_FIELDS)
        if not items:
            return None
        items = _given(items, _REQUIRED_CODE_FIELDS)
        code_id = self.required_text(node, items, "id", field, "give the code a stable id such as `threshold`")
        if code_id is None:
            return None
        if not CODE_ID.match(code_id):
            self.problem(items["id"][1], f"{field}.id", f"`{code_id}` must be {CODE_ID_CHARS}")
        field = f"codes[{code_id}]"
        values: dict[str, Any] = {}
        values["name"] = self.required_text(node, items, "name", field, "give the code a readable name") or ""
        for key, attr in _TEXT_FIELDS.items():
            if key in items:
                values[attr] = self.string(items[key][1], f"{field}.{key}") or ""
        if "parent" in items:
            values["parent"] = self.string(items["parent"][1], f"{field}.parent")
        if "color" in items:
            color = self.string(items["color"][1], f"{field}.color")
            if color is not None and not _COLOR.match(color):
                self.problem(items["color"][1], f"{field}.color", f"`{color}` must be a hex colour like #1f77b4")
            values["color"] = color
        if "examples" in items:
            values["examples"] = tuple(self.string_list(items["examples"][1], f"{field}.examples"))
        if "rules" in items:
            rules_node = items["rules"][1]
            if not isinstance(rules_node, yaml.SequenceNode):
                self.problem(rules_node, f"{field}.rules", "must be a list of rules")
            else:
                rules = [self.rule(r, f"{field}.rules[{i}]", code_id, i, rule_ids) for i, r in enumerate(rules_node.value)]
                values["rules"] = tuple(r for r in rules if r is not None)
        return Code(id=code_id, **values)

    def required_text(self, node, items: dict, key: str, field: str, hint: str) -> str | None:
        """The text of a required field, or None once it is reported missing, empty or not text."""
        if key not in items:
            self.problem(node, f"{field}.{key}", f"is missing; {hint}")
            return None
        value_node = items[key][1]
        if _is_blank(value_node):
            self.problem(value_node, f"{field}.{key}", f"is empty; {hint}")
            return None
        return self.string(value_node, f"{field}.{key}")

    def string_list(self, node, field: str) -> list[str]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, field, "must be a list of texts")
            return []
        strings = [self.string(item, f"{field}[{i}]") for i, item in enumerate(node.value)]
        return [s for s in strings if s]

    def rule(self, node, field: str, code_id: str, index: int, rule_ids: set[str]) -> Rule | None:
        items = self.mapping(node, field, _RULE_FIELDS)
        if not items:
            return None
        items = _given(items, _REQUIRED_RULE_FIELDS)
        rule_id = self.rule_id(node, items, field, f"{code_id}.{index + 1}", rule_ids)
        if rule_id is not None:
            field = f"{field}({rule_id})"
        # Every part is checked, even after one fails, so that one run reports all of them.
        matcher = self.rule_matcher(node, items, field)
        options = self.rule_options(items, field)
        if rule_id is None or matcher is None:
            return None
        kind, value = matcher
        return Rule(id=rule_id, kind=kind, value=value, line=items[kind][1].start_mark.line + 1, **options)

    def rule_id(self, node, items: dict, field: str, default: str, rule_ids: set[str]) -> str | None:
        """The rule's own id or `default`, noted in `rule_ids`; None if it is not text."""
        rule_id = default
        if "id" in items:
            rule_id = self.string(items["id"][1], f"{field}.id")
            if rule_id is None:
                return None
            if not _RULE_ID.match(rule_id):
                self.problem(items["id"][1], f"{field}.id", f"`{rule_id}` may hold only {_RULE_ID_CHARS}")
        if rule_id in rule_ids:
            self.problem(node, f"{field}.id", f"`{rule_id}` is used by another rule; rule ids must be unique")
        rule_ids.add(rule_id)
        return rule_id

    def rule_matcher(self, node, items: dict, field: str) -> tuple[str, Any] | None:
        """The rule's kind and its normalised value, or None once the problem is reported."""
        kinds = [k for k in RULE_KINDS if k in items]
        if len(kinds) != 1:
            self.problem(node, field, f"needs exactly one of {', '.join(RULE_KINDS)} (found {len(kinds) or 'none'})")
            return None
        kind = kinds[0]
        value_node = items[kind][1]
        value = _construct(value_node)
        message = patterns.check(kind, value)
        if message:
            self.problem(value_node, f"{field}.{kind}", message)
            return None
        return kind, patterns.normalise(kind, value)

    def rule_options(self, items: dict, field: str) -> dict[str, Any]:
        """The rule's options that are given, as Rule keyword arguments."""
        options: dict[str, Any] = {}
        for flag_name in ("exclusion", "once"):
            if flag_name in items:
                flag = _construct(items[flag_name][1])
                if not isinstance(flag, bool):
                    self.problem(items[flag_name][1], f"{field}.{flag_name}", "must be true or false")
                options[flag_name] = bool(flag)
        if "negation" in items:
            mode = self.string(items["negation"][1], f"{field}.negation")
            if mode is not None and mode not in NEGATION_MODES:
                self.problem(items["negation"][1], f"{field}.negation", f"must be one of {', '.join(NEGATION_MODES)}")
            options["negation"] = mode or "keep"
        if "confidence" in items:
            conf_node = items["confidence"][1]
            conf = _construct(conf_node)
            if isinstance(conf, bool) or not isinstance(conf, (int, float)) or not 0 <= conf <= 1:
                self.problem(conf_node, f"{field}.confidence", "must be a number from 0 to 1")
            else:
                options["confidence"] = float(conf)
        return options

    def check_parents(self, codes: dict[str, Code], nodes: dict[str, yaml.Node]) -> None:
        for code in codes.values():
            if code.parent is not None and code.parent not in codes:
                self.problem(nodes[code.id], f"codes[{code.id}].parent", f"`{code.parent}` is not a code id in this codebook")
        for code in codes.values():
            seen, current = {code.id}, code.parent
            while current in codes:
                if current in seen:
                    self.problem(nodes[code.id], f"codes[{code.id}].parent", "makes a cycle; a code cannot be its own ancestor")
                    break
                seen.add(current)
                current = codes[current].parent
