"""Codebook loading and validation: the sample codebook, nesting, and every problem
reported with its file, line and field (all at once)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qda.codebook import Code, Codebook, Rule, load_codebook, parse_codebook, pattern_warnings
from qda.errors import CodebookError, Problem, QdaError
from qda.nlp import lemma_of

CCIN = Path(__file__).resolve().parent.parent / "codebooks" / "ccin.yaml"

CCIN_IDS = [
    "threshold", "drift", "up_down", "boundary_object", "relational", "oversight",
    "fear_coercion", "interagency", "professional_identity",
]


def yaml_text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def problems_of(text: str, filename: str = "book.yaml") -> list[Problem]:
    with pytest.raises(CodebookError) as info:
        parse_codebook(yaml_text(text), filename)
    problems = info.value.problems
    assert problems, "a CodebookError must list at least one problem"
    return problems


def only_problem(text: str, filename: str = "book.yaml") -> Problem:
    problems = problems_of(text, filename)
    assert len(problems) == 1, problems
    return problems[0]


# -- the sample codebook --------------------------------------------------------------------


def test_ccin_has_the_nine_codes_in_order(ccin):
    assert list(ccin.codes) == CCIN_IDS
    assert ccin.name == "CCiN evaluation"
    assert ccin.path == str(CCIN)


@pytest.mark.parametrize("code_id", CCIN_IDS)
def test_ccin_code_is_fully_documented(ccin, code_id):
    code = ccin.codes[code_id]
    assert code.id == code_id
    assert code.name.strip()
    assert code.description.strip(), "`definition` is loaded as Code.description"
    assert code.include.strip()
    assert code.exclude.strip()
    assert len(code.examples) >= 3
    assert all(isinstance(e, str) and e.strip() for e in code.examples)
    assert len(code.rules) >= 1
    assert all(isinstance(r, Rule) for r in code.rules)
    assert code.color and code.color.startswith("#")


def test_ccin_rules_are_valid_and_uniquely_named(ccin):
    rules = [r for c in ccin.codes.values() for r in c.rules]
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert rule.kind in ("phrases", "pattern", "dependency")
        assert 0 < rule.confidence <= 1
        assert rule.negation in ("keep", "exclude", "require")
    kinds = {r.kind for r in rules}
    assert kinds == {"phrases", "pattern", "dependency"}, "the sample shows every rule kind"


def test_ccin_rule_details(ccin):
    rules = {r.id: r for c in ccin.codes.values() for r in c.rules}
    assert rules["threshold.not_a_door"].exclusion is True
    assert rules["threshold.cues"].confidence == pytest.approx(0.35)
    assert rules["fear_coercion.fear"].negation == "exclude"
    assert "stepped down" in rules["threshold.escalate"].value
    # token patterns are stored lower-cased for case-insensitive matching
    assert rules["threshold.not_quite"].kind == "pattern"
    assert rules["threshold.does_not_meet"].kind == "dependency"


def test_load_codebook_accepts_str_path_and_a_bom(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + CCIN.read_bytes())
    book = load_codebook(str(path))
    assert list(book.codes) == CCIN_IDS


# -- nesting --------------------------------------------------------------------------------

NESTED = """
    name: Nested
    version: "2"
    codes:
      - id: thresholds
        name: Thresholds
      - id: metaphor
        name: Metaphor
        parent: thresholds
      - id: up_down
        name: Up/down metaphor
        parent: metaphor
        rules:
          - phrases: [step down]
      - id: other
        name: Other
"""


def test_nested_codes_parent_path_and_lineage():
    book = parse_codebook(yaml_text(NESTED), "nested.yaml")
    assert book.name == "Nested" and book.version == "2"
    assert book.codes["metaphor"].parent == "thresholds"
    assert book.codes["up_down"].parent == "metaphor"
    assert book.codes["thresholds"].parent is None
    assert book.code_path("up_down") == "Thresholds > Metaphor > Up/down metaphor"
    assert book.code_path("metaphor") == "Thresholds > Metaphor"
    assert book.code_path("other") == "Other"
    assert [c.id for c in book.lineage("up_down")] == ["thresholds", "metaphor", "up_down"]
    assert [c.id for c in book.lineage("thresholds")] == ["thresholds"]
    assert [c.id for c in book.children("thresholds")] == ["metaphor"]
    assert {c.id for c in book.children(None)} == {"thresholds", "other"}


def test_child_may_come_before_its_parent():
    book = parse_codebook(yaml_text("""
        codes:
          - id: child
            name: Child
            parent: parent
          - id: parent
            name: Parent
    """), "order.yaml")
    assert book.code_path("child") == "Parent > Child"


def test_default_rule_ids_and_options():
    book = parse_codebook(yaml_text("""
        codes:
          - id: a
            name: A
            rules:
              - phrases: [one]
              - pattern: [{LEMMA: Two}]
                confidence: 1
                negation: require
              - phrases: [three]
                exclusion: true
    """), "defaults.yaml")
    first, second, third = book.codes["a"].rules
    assert (first.id, second.id, third.id) == ("a.1", "a.2", "a.3")
    assert first.confidence == 0.8 and first.negation == "keep" and first.exclusion is False
    assert second.confidence == 1.0 and second.negation == "require"
    assert second.value == [{"LEMMA": "two"}], "LEMMA values are lower-cased"
    assert third.exclusion is True


def test_codebook_name_defaults_to_file_stem():
    book = parse_codebook("codes:\n  - id: a\n    name: A\n", "my_book.yaml")
    assert book.name == "my_book"
    assert book.codes == {"a": Code(id="a", name="A")}
    assert isinstance(book, Codebook)


# -- validation: one problem each, with file, line and field -------------------------------

# (name, yaml, line, field suffix, words the message must hold)
SINGLE_PROBLEMS = [
    (
        "missing codes",
        """
        name: No codes
        version: "1"
        """,
        1, "codes", "missing",
    ),
    (
        "codes not a list",
        """
        name: x
        codes: nothing here
        """,
        2, "codes", "list",
    ),
    (
        "missing id",
        """
        codes:
          - id: fine
            name: Fine
          - name: No id
        """,
        4, "codes[1].id", "missing",
    ),
    (
        "bad id",
        """
        codes:
          - id: Bad-Id
            name: Bad
        """,
        2, "codes[0].id", "Bad-Id",
    ),
    (
        "duplicate code id",
        """
        codes:
          - id: same
            name: One
          - id: same
            name: Two
        """,
        4, "codes[1].id", "unique",
    ),
    (
        "unknown field",
        """
        codes:
          - id: a
            name: A
            colour: "#ffffff"
        """,
        4, "colour", "not a known field",
    ),
    (
        "unknown top-level field",
        """
        name: x
        owner: me
        codes:
          - id: a
            name: A
        """,
        2, "owner", "not a known field",
    ),
    (
        "unknown rule field",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                phrases: [x]
                weight: 3
        """,
        7, "weight", "not a known field",
    ),
    (
        "unknown parent",
        """
        codes:
          - id: a
            name: A
          - id: b
            name: B
            parent: nowhere
        """,
        4, "codes[b].parent", "nowhere",
    ),
    (
        "code is its own parent",
        """
        codes:
          - id: a
            name: A
            parent: a
        """,
        2, "codes[a].parent", "cycle",
    ),
    (
        "rule with two kinds",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.two
                phrases: [x]
                pattern: [{LOWER: x}]
        """,
        5, "rules[0](a.two)", "exactly one",
    ),
    (
        "rule with no kind",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.none
                confidence: 0.5
        """,
        5, "rules[0](a.none)", "exactly one",
    ),
    (
        "duplicate rule id",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: r
                phrases: [x]
          - id: b
            name: B
            rules:
              - id: r
                phrases: [y]
        """,
        10, "codes[b].rules[0].id", "unique",
    ),
    (
        "empty phrase list",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                phrases: []
        """,
        6, "phrases", "non-empty",
    ),
    (
        "invalid token pattern",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                pattern: [{LOWER: not}, {FOO: x}]
        """,
        6, "a.r).pattern", "token pattern",
    ),
    (
        "token pattern that is not a list of mappings",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                pattern: not quite
        """,
        6, "a.r).pattern", "token mappings",
    ),
    (
        "dependency pattern without RIGHT_ID",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                dependency:
                  - {RIGHT_ID: meet, RIGHT_ATTRS: {LEMMA: meet}}
                  - {LEFT_ID: meet, REL_OP: ">", RIGHT_ATTRS: {DEP: neg}}
        """,
        7, "a.r).dependency", "dependency pattern",
    ),
    (
        "dependency pattern with unknown operator",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                dependency:
                  - {RIGHT_ID: meet, RIGHT_ATTRS: {LEMMA: meet}}
                  - {LEFT_ID: meet, REL_OP: ">>>", RIGHT_ID: n, RIGHT_ATTRS: {DEP: neg}}
        """,
        7, "a.r).dependency", "dependency pattern",
    ),
    (
        "confidence above 1",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                phrases: [x]
                confidence: 1.5
        """,
        7, "a.r).confidence", "0 to 1",
    ),
    (
        "confidence as a word",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                phrases: [x]
                confidence: high
        """,
        7, "a.r).confidence", "0 to 1",
    ),
    (
        "negative confidence",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                phrases: [x]
                confidence: -0.1
        """,
        7, "a.r).confidence", "0 to 1",
    ),
    (
        "bad negation mode",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                phrases: [x]
                negation: maybe
        """,
        7, "a.r).negation", "keep, exclude, require",
    ),
    (
        "exclusion not a boolean",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                phrases: [x]
                exclusion: sometimes
        """,
        7, "a.r).exclusion", "true or false",
    ),
    (
        "once not a boolean",
        """
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                phrases: [x]
                once: twice
        """,
        7, "a.r).once", "true or false",
    ),
    (
        "bad colour",
        """
        codes:
          - id: a
            name: A
            color: blue
        """,
        4, "codes[a].color", "hex",
    ),
    (
        "examples not a list",
        """
        codes:
          - id: a
            name: A
            examples: just one
        """,
        4, "codes[a].examples", "list",
    ),
]


MISSING_NAME = pytest.param(
    """
    codes:
      - id: a
        definition: no name
    """,
    2, "codes[a].name", "missing",
    id="missing name",
)


@pytest.mark.parametrize(
    "text, line, field, words",
    [pytest.param(*case[1:], id=case[0]) for case in SINGLE_PROBLEMS] + [MISSING_NAME],
)
def test_problem_reports_file_line_and_field(text, line, field, words):
    problem = only_problem(text, "some/dir/book.yaml")
    assert problem.file == "some/dir/book.yaml"
    assert problem.line == line, problem
    assert problem.field.endswith(field) or field in problem.field, problem
    assert words.lower() in problem.message.lower(), problem
    assert str(problem).startswith(f"some/dir/book.yaml:{line}: ")


def test_yaml_syntax_error_has_line():
    problem = only_problem("""
        name: Broken
        codes:
          - id: a
            name: A: B
    """, "broken.yaml")
    assert problem.file == "broken.yaml"
    assert problem.field == "yaml"
    assert problem.line == 4
    assert "YAML" in problem.message


def test_yaml_syntax_error_in_load_codebook_names_the_file(tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_text("codes:\n  - id: a\n\t name: A\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    (problem,) = info.value.problems
    assert problem.file == str(path) and problem.field == "yaml" and problem.line == 3
    assert f"{path}:3" in str(info.value)


@pytest.mark.parametrize("text, opened, noticed, said", [
    pytest.param("""
        codes:
          - id: a
            name: A
            definition: "It is the
            rules:
              - phrases: [x]
          - id: b
            name: B
    """, 4, 9, "quoted text", id="quote"),
    pytest.param("""
        codes:
          - id: a
            name: A
            rules:
              - phrases: [x, y
          - id: b
            name: B
    """, 5, 6, "[ list", id="bracket"),
    pytest.param("""
        codes:
          - id: a
            name: A
            rules:
              - pattern: [{LOWER: x]
    """, 5, 5, "{ mapping", id="brace"),
    pytest.param("""
        codes:
          - id: a
            name
            rules: []
    """, 3, 4, "no `:`", id="key without colon"),
])
def test_yaml_syntax_error_is_reported_where_it_was_opened(text, opened, noticed, said):
    # PyYAML notices an unclosed quote or bracket lines later; the line to fix is where it opened
    problem = only_problem(text, "unclosed.yaml")
    assert (problem.line, problem.field) == (opened, "yaml"), problem
    assert said in problem.message and f"at line {noticed}" in problem.message, problem


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_codebook(text):
    problem = only_problem(text, "empty.yaml")
    assert problem.file == "empty.yaml"
    assert problem.field == "file"
    assert problem.line in (None, 1)
    assert "empty" in problem.message


def test_top_level_must_be_a_mapping():
    problems = problems_of("- a\n- b\n")
    assert problems[0].line == 1 and problems[0].field == "codebook"
    assert "mapping" in problems[0].message


def test_parent_cycle_is_reported_for_each_code_in_it():
    problems = problems_of("""
        codes:
          - id: a
            name: A
            parent: b
          - id: b
            name: B
            parent: a
    """)
    assert [(p.line, p.field) for p in problems] == [(2, "codes[a].parent"), (5, "codes[b].parent")]
    assert all("cycle" in p.message for p in problems)


def test_duplicate_key_is_reported():
    problem = only_problem("""
        codes:
          - id: a
            name: A
            name: B
    """)
    assert problem.line == 4 and problem.field.endswith("name") and "twice" in problem.message


def test_invalid_pattern_message_names_the_attribute():
    problem = only_problem("""
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                pattern: [{FOO: x}]
    """)
    assert "FOO" in problem.message


@pytest.mark.parametrize("kind, rule, said", [
    ("pattern", "[{LEMMA: {IN: 3}}]", ["IN", "list"]),  # an IN that is not a list
    ("dependency", "[{RIGHT_ID: x, RIGHT_ATTRS: 3}]", ["RIGHT_ATTRS"]),  # attributes that are not a mapping
    ("pattern", '[{LOWER: {REGEX: "("}}]', ["unterminated"]),  # a regular expression that does not compile
])
def test_a_malformed_pattern_is_a_problem_not_a_crash(kind, rule, said):
    problem = only_problem(f"""
        codes:
          - id: a
            name: A
            rules:
              - id: a.r
                {kind}: {rule}
    """)
    assert problem.field.endswith(kind) and all(word in problem.message for word in said)


def test_empty_code_entry_is_a_problem():
    problem = only_problem("""
        codes:
          - {}
    """)
    assert problem.line == 2 and problem.field.startswith("codes[0]")


def test_empty_rule_entry_is_a_problem():
    problem = only_problem("""
        codes:
          - id: a
            name: A
            rules:
              - {}
    """)
    assert problem.line == 5 and "rules[0]" in problem.field


def test_several_problems_reported_at_once():
    text = """
        name: Many
        codes:
          - id: ok
            name: Fine
            colour: red
          - id: Bad
            name: Bad id
          - id: ok
            name: Duplicate
          - id: child
            name: Orphan
            parent: ghost
            color: green
            rules:
              - id: child.two
                phrases: [x]
                pattern: [{LOWER: x}]
              - id: child.pat
                pattern: [{FOO: x}]
              - id: child.conf
                phrases: [y]
                confidence: 1.5
              - id: child.neg
                phrases: [z]
                negation: sometimes
    """
    problems = problems_of(text, "many.yaml")
    assert all(p.file == "many.yaml" for p in problems)
    assert sorted(p.line for p in problems) == [5, 6, 8, 10, 13, 15, 19, 22, 25], problems
    by_line = {p.line: p for p in problems}
    assert by_line[5].field == "codes[0].colour"
    assert by_line[6].field == "codes[1].id" and "Bad" in by_line[6].message
    assert by_line[8].field == "codes[2].id" and "unique" in by_line[8].message
    assert by_line[10].field == "codes[child].parent" and "ghost" in by_line[10].message
    assert by_line[13].field == "codes[child].color"
    assert by_line[15].field == "codes[child].rules[0](child.two)"
    assert by_line[19].field == "codes[child].rules[1](child.pat).pattern"
    assert by_line[22].field == "codes[child].rules[2](child.conf).confidence"
    assert by_line[25].field == "codes[child].rules[3](child.neg).negation"
    message = str(CodebookError(problems))
    assert f"codebook has {len(problems)} problems" in message
    for p in problems:
        assert f"many.yaml:{p.line}: {p.field}: " in message


def test_null_or_empty_optional_fields_are_not_given():
    # `parent: null` is what docs/codebook.md shows; a bare `definition:` is a template's blank
    book = parse_codebook(yaml_text("""
        name:
        version: ~
        codes:
          - id: threshold
            name: Thresholds
            parent: null
            color: ""
            definition:
            include:
            exclude:
            examples:
            rules:
              - phrases: [grey area]
                id:
                exclusion:
                once: null
                negation:
                confidence:
    """), "parent_null.yaml")
    assert book.name == "parent_null" and book.version == "1"
    code = book.codes["threshold"]
    assert code == Code(id="threshold", name="Thresholds", rules=code.rules)
    assert code.rules == (Rule(id="threshold.1", kind="phrases", value=("grey area",)),)


@pytest.mark.parametrize("entry, line, field, words", [
    pytest.param("- id:\n  name: A", 2, "codes[0].id", "is empty", id="id"),
    pytest.param("- id: a\n  name: null", 3, "codes[a].name", "is empty", id="name null"),
    pytest.param('- id: a\n  name: ""', 3, "codes[a].name", "is empty", id="name blank"),
    pytest.param("- id: a\n  name: A\n  rules:\n    - phrases:", 5, "codes[a].rules[0](a.1).phrases", "non-empty",
                 id="phrases"),
])
def test_required_fields_left_empty_are_still_problems(entry, line, field, words):
    problem = only_problem("codes:\n" + textwrap.indent(entry, "  "))
    assert (problem.line, problem.field) == (line, field), problem
    assert words in problem.message


def test_every_problem_of_a_rule_in_one_pass():
    problems = problems_of("""
        codes:
          - id: a
            name: A
            rules:
              - phrases: []
                confidence: 2
                negation: maybe
    """, "early.yaml")
    assert [(p.line, p.field.rsplit(".", 1)[-1]) for p in problems] == [
        (5, "phrases"), (6, "confidence"), (7, "negation")], problems


def test_field_of_the_wrong_type_is_not_also_missing():
    problem = only_problem("""
        codes:
          - id: a
            name: [A, B]
    """)
    assert (problem.line, problem.field, problem.message) == (3, "codes[a].name", "must be text")


@pytest.mark.parametrize("entry, line, field", [
    pytest.param("- id: café\n  name: Café", 2, "codes[0].id", id="code id"),
    pytest.param("- id: a\n  name: A\n  rules:\n    - id: règle.1\n      phrases: [x]", 5, "codes[a].rules[0].id",
                 id="rule id"),
])
def test_non_ascii_ids_are_refused_with_a_message_that_says_ascii(entry, line, field):
    # é is a letter, so "letters" alone would not say why the id is refused
    problem = only_problem("codes:\n" + textwrap.indent(entry, "  "))
    assert (problem.line, problem.field) == (line, field), problem
    assert "ASCII" in problem.message


def test_non_ascii_code_id_with_a_default_rule_id_is_a_problem_not_a_crash():
    problem = only_problem("""
        codes:
          - id: café
            name: Café
            rules:
              - phrases: [x]
    """)
    assert problem.field == "codes[0].id" and "ASCII" in problem.message


def test_codebook_error_is_a_qda_error():
    assert issubclass(CodebookError, QdaError)
    error = CodebookError([Problem("f.yaml", 3, "codes", "is wrong")])
    assert str(error) == "codebook has 1 problem:\n  f.yaml:3: codes: is wrong"


# -- files ----------------------------------------------------------------------------------


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("codes:\n  - id: a\n    name: Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.field == "file"
    assert "UTF-8" in problem.message


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.field == "file"
    assert "cannot be read" in problem.message
    assert str(path) in str(info.value)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(CodebookError) as info:
        load_codebook(tmp_path)
    assert info.value.problems[0].file == str(tmp_path)


def test_unquoted_yaml_boolean_in_a_pattern_is_explained():
    # YAML 1.1 reads a bare `on` as true; spaCy would reject the pattern with a type error
    # that does not say why, so the codebook loader names the cause and the fix.
    problem = only_problem("""
        codes:
          - id: a
            name: A
            rules:
              - pattern: [{LOWER: carry}, {LOWER: on}]
    """)
    assert problem.line == 5
    assert "quote" in problem.message and "on" in problem.message


def test_a_pattern_word_that_never_matches_is_a_warning_naming_its_line_and_the_fix():
    # "Mum's" is two tokens, "Mum" and "'s", so {LOWER: "mum's"} matches nothing; and "left"
    # is lemmatised "leave", so {LEMMA: left} misses it. The rules load (an older codebook
    # keeps working); `qda codebook check` says why they will not match.
    book = parse_codebook(yaml_text("""
        codes:
          - id: a
            name: A
            rules:
              - id: a.words
                pattern: [{LOWER: in}, {LOWER: {IN: [her, "mum's"]}}, {LEMMA: word}]
              - id: a.clitic
                pattern: [{LOWER: we}, {LOWER: "'ve"}, {LOWER: {IN: [ca, could]}}, {LOWER: "n't"}]
              - id: a.left
                pattern: [{LEMMA: {IN: [leave, left]}}, {LOWER: alone}]
    """), "book.yaml")
    split, = pattern_warnings(book)  # without lemmas, only what the tokenizer does
    assert (split.file, split.line) == ("book.yaml", 6)
    assert split.field == "codes[a].rules[0](a.words).pattern"
    assert split.message.startswith('token 2, LOWER "mum\'s" never matches')
    assert '{LOWER: "mum"}, {LOWER: "\'s"}' in split.message
    split_again, lemma = pattern_warnings(book, lemma_of)
    assert split_again == split
    assert (lemma.line, lemma.field) == (10, "codes[a].rules[2](a.left).pattern")
    assert lemma.message.startswith('token 1, LEMMA "left" does not match the word "left", whose lemma is "leave"')


def test_a_rule_s_line_is_not_part_of_what_the_rule_is():
    # moving a rule in the file must not change it (nor a model's rules_signature)
    one = parse_codebook(yaml_text("""
        codes:
          - id: a
            name: A
            rules:
              - phrases: [x]
    """))
    two = parse_codebook("\n\n" + yaml_text("""
        codes:
          - id: a
            name: A
            rules:
              - phrases: [x]
    """))
    assert one.codes["a"].rules[0].line == 5 and two.codes["a"].rules[0].line == 7
    assert one.codes["a"].rules == two.codes["a"].rules
    assert repr(one.codes["a"].rules) == repr(two.codes["a"].rules)


def test_the_sample_codebook_has_no_pattern_word_that_never_matches(ccin):
    assert pattern_warnings(ccin, lemma_of) == []
