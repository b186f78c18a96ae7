"""Importing REFI-QDA projects (.qdpx) from other tools and from qda itself, and round trips."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qda import Project
from qda.errors import QdaError
from qda.refi.archive import Limits

from conftest import CCIN, ROOT, SAMPLE

FIXTURES = ROOT / "tests" / "fixtures" / "refi"
NVIVO = Path("/work/shared/refi-qda/examples/nvivo-mac15_qualitative-coding.qdpx")
NS = "{urn:QDA-XML:project:1.0}"
ALL = ["accepted", "suggested", "rejected"]


def comparable(path: Path) -> tuple[str, dict[str, bytes]]:
    """A .qdpx's project XML without what names the export itself (project name, time),
    and its other members."""
    archive = zipfile.ZipFile(path)
    xml = archive.read("project.qde").decode("utf-8")
    head, rest = xml.split("<Users>", 1) if "<Users>" in xml else (xml, "")
    head = re.sub(r' (name|creationDateTime)="[^"]*"', "", head)
    return head + rest, {n: archive.read(n) for n in archive.namelist() if n != "project.qde"}


@pytest.fixture
def coded(tmp_path):
    """A reviewed project: suggestions accepted and rejected, a person's own coding, memos."""
    with Project.init(tmp_path / "study.qda", codebook=CCIN) as p:
        p.import_files(sorted(SAMPLE.glob("interview_0[1-3].txt")))
        p.autocode()
        codings = p.codings()
        for coding in codings[:8]:
            p.accept(coding.id, "Ruth")
        p.reject(codings[8].id, "Ruth")
        own = p.code("interview_02", 5, 60, "drift", "Sam")
        p.memo("Worth a closer look", "Ruth", on=f"coding:{codings[0].id}")
        p.memo("Sam's own reading", "Sam", on=f"coding:{own}")
        p.memo("Drift shows in the rural team", "Sam", on="code:drift")
        p.memo("Interviews done in spring\nsecond line", "Sam")
        p.memo("Long pause here", "Ruth", on="document:interview_03")
        yield p


def _state(project: Project) -> dict:
    """Everything a round trip must keep, without store ids."""
    codings = project.codings()
    ids = {c.id: (c.document, c.start, c.end, c.code, c.coder) for c in codings}
    return {
        "documents": [(d.id, d.name, d.text, d.attributes, [(t.speaker, t.start, t.end) for t in d.turns])
                      for d in project.corpus()],
        "codes": project.codebook.codes,
        "codings": sorted((c.document, c.start, c.end, c.code, c.source, c.coder, c.reviewer, c.status,
                           round(c.confidence, 6), c.evidence) for c in codings),
        "memos": sorted((m.target_kind, ids.get(int(m.target)) if m.target_kind == "coding" else m.target,
                         m.coder, m.text) for m in project.memos()),
    }


def _round_trip(project: Project, folder: Path):
    """Export `project`, import the file into a new project, which must then hold the same,
    and export that: (the import's result, the first file, the second)."""
    first = project.export(folder / "first.qdpx", status=ALL)
    with Project.init(folder / "copy.qda") as copy:
        result = copy.import_qdpx(first)
        assert _state(copy) == _state(project)
        return result, first, copy.export(folder / "second.qdpx", status=ALL)


def test_export_import_export_keeps_everything(coded, tmp_path):
    result, first, second = _round_trip(coded, tmp_path)
    assert result.skipped == [] and result.codings_present == 0
    assert result.codings_added == len(coded.codings()) and result.memos_added == 5
    assert comparable(second) == comparable(first)


def test_importing_the_same_file_again_adds_nothing(coded, tmp_path):
    out = coded.export(tmp_path / "study.qdpx", status=ALL)
    before = _state(coded)
    again = coded.import_qdpx(out)
    assert (again.codes_added, again.codings_added, again.memos_added, again.documents.added) == (0, 0, 0, [])
    assert again.codings_present == len(coded.codings())
    assert _state(coded) == before


def test_accepted_only_export_keeps_status_and_who_decided(coded, tmp_path):
    out = coded.export(tmp_path / "accepted.qdpx")
    with Project.init(tmp_path / "copy.qda") as copy:
        copy.import_qdpx(out)
        got = copy.codings()
        assert {c.status for c in got} == {"accepted"}
        assert {(c.coder, c.reviewer) for c in got} == {(c.coder, c.reviewer) for c in coded.codings(status=["accepted"])}
        assert {c.source for c in got} >= {"human"} and any(c.source != "human" for c in got)


def _atlas_qdpx(target: Path, qde: Path = FIXTURES / "spec-annexA2_atlasti8_project.qde",
                sources: bool = True) -> Path:
    """The spec's ATLAS.ti 8 example (a bare project.qde) as a .qdpx: its text files are
    not published, so each is made up to fit its selections, with a selection's text in
    place wherever its name is the whole passage."""
    data = qde.read_bytes()
    files: dict[str, str] = {}
    root = etree.fromstring(data)
    for source in root.iter(f"{NS}TextSource", f"{NS}Representation", f"{NS}Transcript"):
        path = source.get("plainTextPath")
        if not path:
            continue
        selections = source.findall(f"{NS}PlainTextSelection")
        length = max([int(s.get("endPosition")) for s in selections] + [40]) + 20
        text = list(("lorem ipsum dolor sit amet " * (length // 27 + 2))[:length])
        for s in selections:
            start, end, name = int(s.get("startPosition")), int(s.get("endPosition")), s.get("name")
            if len(name) == end - start:
                text[start:end] = name
        key = path.removeprefix("internal://")
        if len(text) > len(files.get(key, "")):
            files[key] = "".join(text)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("project.qde", data)
        for name, text in files.items() if sources else ():
            archive.writestr(f"Sources/{name}", text.encode("utf-8"))
    return target


def test_the_specs_atlas_ti_example_imports(tmp_path):
    with Project.init(tmp_path / "atlas.qda") as project:
        result = project.import_qdpx(_atlas_qdpx(tmp_path / "atlas.qdpx"))
        book = project.codebook
        assert len(book.codes) == 14
        diet = next(c for c in book.codes.values() if c.name == "diet Coke")
        assert book.codes[diet.parent].name == "Coke"  # "Coke::diet Coke" nested again
        assert book.codes["feelings"].description == "thoughts about breakfast foods"
        corpus = project.corpus()
        # Names as the tool wrote them (this one in decomposed form: e + combining accent).
        assert {unicodedata.normalize("NFC", d.name) for d in corpus} >= {"Mabel.txt", "Simon.docx", "Mabêl 2ième.txt"}
        simon = corpus["simon"]
        assert simon.attributes["gender"] == "male" and simon.attributes["age"] == "67"
        codings = project.codings()
        # Text selections only: the picture, audio and video codings have no text to hold.
        assert len(codings) == 9 and {c.coder for c in codings} == {"Friedrich Markgraf"}
        passages = {corpus[c.document].text[c.start:c.end] for c in codings}
        assert {"granola", "I did try the gluten free bread, but it was always so soggy,",
                "Oh, that was great. See you tomorrow? Eleven thirty. Mm."} <= passages
        assert any("picture source" in s for s in result.skipped)
        memos = project.memos()
        assert any(m.target_kind == "project" and m.text.startswith("Research Plan") for m in memos)
        assert any(m.target_kind == "coding" and "Simon feel the need" in m.text for m in memos)
        assert any(m.target_kind == "document" and "Coke for breakfast" in m.text for m in memos)


def test_a_tools_codes_join_the_projects_codebook(tmp_path):
    with Project.init(tmp_path / "study.qda", codebook=CCIN) as project:
        project.import_qdpx(_atlas_qdpx(tmp_path / "atlas.qdpx"))
        book = project.codebook
        assert {"threshold", "up_down", "happiness", "coke"} <= set(book.codes)
        assert book.codes["up_down"].rules  # the project's own codes keep their rules


@pytest.mark.parametrize("origin", ["NVivo for Windows 12.6", "Some converter 2.0"])
def test_nvivo_utf16_and_crlf_positions_become_code_points(tmp_path, origin):
    # With another origin, the selection's name (its opening words) tells the units apart.
    text = "Interviewer: Hi 😀 there\r\nAmara: We stepped it down to CiN 👍🏽 last week.\r\n"
    raw = "\ufeff" + text
    passage = "stepped it down to CiN"
    start = len(text[: text.index(passage)].encode("utf-16-le")) // 2
    end = start + len(passage.encode("utf-16-le")) // 2
    qde = f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="nv" origin="{origin}">
 <Users><User guid="11111111-1111-1111-1111-111111111111" name="chrisp"/></Users>
 <CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="Up or down" isCodable="true"/></Codes></CodeBook>
 <Sources><TextSource guid="33333333-3333-3333-3333-333333333333" name="Amara" plainTextPath="internal://33333333-3333-3333-3333-333333333333.txt">
  <PlainTextSelection guid="44444444-4444-4444-4444-444444444444" name="{passage}" startPosition="{start}" endPosition="{end}" creatingUser="11111111-1111-1111-1111-111111111111">
   <Coding guid="55555555-5555-5555-5555-555555555555" creatingUser="11111111-1111-1111-1111-111111111111"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
  </PlainTextSelection></TextSource></Sources>
</Project>"""
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("Sources/33333333-3333-3333-3333-333333333333.txt", raw.encode("utf-8"))
    with Project.init(tmp_path / "nv.qda") as project:
        project.import_qdpx(path)
        doc = project.corpus()["amara"]
        assert "\r" not in doc.text and doc.text.startswith("Interviewer: Hi 😀")
        [coding] = project.codings()
        assert doc.text[coding.start:coding.end] == passage
        assert (coding.code, coding.coder, coding.status) == ("up_or_down", "chrisp", "accepted")
        assert [t.speaker for t in doc.turns] == ["Interviewer", "Amara"]


@pytest.mark.skipif(not NVIVO.is_file(), reason="the NVivo example (AGPL) is read from ../shared only")
def test_the_nvivo_example_imports(tmp_path):
    with Project.init(tmp_path / "nvivo.qda") as project:
        result = project.import_qdpx(NVIVO)
        book = project.codebook
        assert len(book.codes) > 200
        programming = [c for c in book.codes.values() if c.name == "programming"]
        assert len(programming) == 2 and len({c.parent for c in programming}) == 2
        # Both sources hold the same (empty) text: one document, the other matched to it.
        assert len(result.documents.added) == 1 and len(result.documents.duplicates) == 1


def _project_files(project: Project) -> dict:
    return {"documents": [(d.id, d.text) for d in project.corpus()], "codings": len(project.codings()),
            "log": len(project.log()), "memos": len(project.memos()), "codes": list(project.codebook.codes)}


@pytest.mark.parametrize("case", ["zip-slip", "bomb", "entities", "missing source", "mismatched source",
                                  "outside source", "unknown code"])
def test_hostile_or_broken_files_are_refused_and_nothing_is_written(coded, tmp_path, case):
    good = coded.export(tmp_path / "good.qdpx", status=ALL)
    members = {n: zipfile.ZipFile(good).read(n) for n in zipfile.ZipFile(good).namelist()}
    qde = members.pop("project.qde").decode("utf-8")
    limits = None
    if case == "zip-slip":
        members["../../evil.txt"] = b"x"
    elif case == "bomb":
        members["sources/padding.txt"] = b"\0" * (4 * 2**20)
        limits = Limits(ratio=100)
    elif case == "entities":
        qde = qde.replace("<?xml version='1.0' encoding='UTF-8'?>",
                          '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>')
    elif case == "missing source":
        members.pop(next(n for n in members if n.startswith("sources/")))
    elif case == "mismatched source":
        name = next(n for n in members if n.startswith("sources/"))
        members[name] = members[name][:200]
    elif case == "outside source":
        qde = qde.replace('plainTextPath="internal://', 'plainTextPath="relative:///../', 1)
    elif case == "unknown code":
        qde = re.sub(r'(<CodeRef targetGUID=")[^"]+', r"\g<1>" + "{" + "9" * 8 + "-9999-9999-9999-" + "9" * 12 + "}",
                     qde, count=1)
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in members.items():
            archive.writestr(name, data)
    with Project.init(tmp_path / "target.qda", codebook=CCIN) as target:
        before = _project_files(target)
        with pytest.raises(QdaError) as info:
            target.import_qdpx(bad, limits)
        assert str(bad) in str(info.value)
        assert _project_files(target) == before


def _with_qde(path: Path, out: Path, change) -> Path:
    """A copy of the .qdpx `path` whose project XML `change(root)` edits in place."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "project.qde":
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(name, data)
    return out


def _project_qdpx(path: Path, body: str, text: str, origin: str = "NVivo 14") -> Path:
    """A .qdpx of one text source (GUID 3333...) holding `text`, its project XML `body`
    put inside <Project> after a one-code codebook (code GUID 2222...)."""
    source = "33333333-3333-3333-3333-333333333333"
    qde = (f'<?xml version="1.0" encoding="UTF-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p" '
           f'origin="{origin}"><CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="A" '
           f'isCodable="true"/></Codes></CodeBook>{body.format(source=source)}</Project>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{source}.txt", text.encode("utf-8"))
    return path


@pytest.mark.parametrize("older", [False, True], ids=["closed block", "older block without [/qda]"])
@pytest.mark.parametrize("where", ["after", "before"])
def test_a_comment_added_in_another_tool_becomes_a_memo_and_the_coding_keeps_its_status(tmp_path, where, older):
    comment = "I am not sure about this one."

    def comment_on_first_selection(root):
        found = root.find(f".//{NS}PlainTextSelection/{NS}Description")
        block = found.text.removesuffix("\n[/qda]") if older else found.text
        found.text = f"{block}\n\n{comment}" if where == "after" else f"{comment}\n\n{block}"

    with Project.init(tmp_path / "study.qda", codebook=CCIN) as project:
        project.import_files([SAMPLE / "interview_01.txt"])
        project.autocode()
        suggested = _state(project)["codings"]
        exported = project.export(tmp_path / "study.qdpx", status=ALL)
    edited = _with_qde(exported, tmp_path / "edited.qdpx", comment_on_first_selection)
    with Project.init(tmp_path / "copy.qda") as copy:
        assert copy.import_qdpx(edited).memos_added == 1
        assert _state(copy)["codings"] == suggested  # still suggested, by the rule coder, its confidence
        [memo] = copy.memos()
        assert (memo.target_kind, memo.text) == ("coding", comment)


def test_what_qda_cannot_hold_is_listed(tmp_path):
    with Project.init(tmp_path / "atlas.qda") as project:
        skipped = project.import_qdpx(_atlas_qdpx(tmp_path / "atlas.qdpx")).skipped
    # The spec's example groups codes in 5 sets; its sets of documents became attributes.
    assert "5 sets of codes or notes: 'Feelings' (6 codes), 'negative feelings' (4 codes), 'Breakfast food' " \
           "(6 codes), '<3' (empty), 'positive feelings' (3 codes) (qda groups documents only, as attributes)" in skipped
    # Two of its four PDF selections have a plain-text twin (same GUID) and are imported as text.
    assert "2 PDF area selections in \"Pay de Limón con Base de Granola | Kellogg's ®.pdf\" with 2 codings and " \
           "no selection of its text (qda codes text, not page areas)" in [unicodedata.normalize("NFC", s)
                                                                          for s in skipped]
    assert "1 link (qda has no links)" in skipped


def test_cases_on_passages_are_listed(tmp_path):
    # NVivo's focus groups: each participant a Case whose variables reach a passage, not a source.
    text = "Interviewer: Was it a grey area?\nAl: It was borderline.\nBea: No it was not.\n"
    al, bea = text.index("Al:"), text.index("Bea:")
    variable = '<Variable guid="66666666-6666-6666-6666-66666666666{0}" name="{1}" typeOfVariable="{2}"/>'
    value = '<VariableValue><VariableRef targetGUID="66666666-6666-6666-6666-66666666666{0}"/>{1}</VariableValue>'
    body = ("<Variables>" + variable.format(1, "gender", "Text") + variable.format(2, "age", "Integer") + "</Variables>"
            '<Cases><Case guid="77777777-7777-7777-7777-777777777771" name="Al">'
            + value.format(1, "<TextValue>male</TextValue>") + value.format(2, "<IntegerValue>40</IntegerValue>")
            + '<SelectionRef targetGUID="44444444-4444-4444-4444-444444444441"/></Case>'
            '<Case guid="77777777-7777-7777-7777-777777777772" name="Bea">' + value.format(1, "<TextValue>female</TextValue>")
            + '<SelectionRef targetGUID="44444444-4444-4444-4444-444444444442"/></Case></Cases>'
            '<Sources><TextSource guid="{source}" name="Focus group" plainTextPath="internal://{source}.txt">'
            f'<PlainTextSelection guid="44444444-4444-4444-4444-444444444441" startPosition="{al}" endPosition="{bea}"/>'
            f'<PlainTextSelection guid="44444444-4444-4444-4444-444444444442" startPosition="{bea}" '
            f'endPosition="{len(text)}"/></TextSource></Sources>')
    with Project.init(tmp_path / "fg.qda") as project:
        result = project.import_qdpx(_project_qdpx(tmp_path / "fg.qdpx", body, text))
        assert project.corpus()["focus-group"].attributes == {}
    assert result.skipped == ["2 cases linked to passages or codes rather than whole sources, with their variables: "
                              "'Al' (gender, age), 'Bea' (gender) (qda keeps attributes per document)"]


def test_a_selection_starting_before_the_text_is_skipped_for_that_reason(tmp_path):
    body = ('<Sources><TextSource guid="{source}" name="Doc" plainTextPath="internal://{source}.txt">'
            '<PlainTextSelection guid="44444444-4444-4444-4444-444444444441" startPosition="-5" endPosition="4">'
            '<Coding guid="55555555-5555-5555-5555-555555555551"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/>'
            '</Coding></PlainTextSelection>'
            '<PlainTextSelection guid="44444444-4444-4444-4444-444444444442" startPosition="9" endPosition="4"/>'
            '</TextSource></Sources>')
    path = _project_qdpx(tmp_path / "negative.qdpx", body, "Interviewer: Hello there.\n")
    from qda.refi.validate import validate

    assert any("spans -5..4 outside" in problem for problem in validate(path))
    with Project.init(tmp_path / "n.qda") as project:
        result = project.import_qdpx(path)
    assert result.skipped == [
        "selection 44444444-4444-4444-4444-444444444441 in 'Doc': it starts at -5, before the text begins",
        "selection 44444444-4444-4444-4444-444444444442 in 'Doc': it ends (4) before it starts (9)"]


def test_control_characters_come_back_exactly_in_the_text(tmp_path, recwarn):
    # recwarn: the reader warns that it kept the control characters, as it should.
    (tmp_path / "ff.txt").write_text("Interviewer: Grey area?\nZo: Borderline,\f honestly\x0b it was.\n",
                                     encoding="utf-8")
    with Project.init(tmp_path / "study.qda", codebook=CCIN) as first:
        first.import_files([tmp_path / "ff.txt"])
        text = first.corpus()["ff"].text
        first.code("ff", text.index("Borderline"), len(text) - 1, "threshold", "Ruth")
        _, exported, again = _round_trip(first, tmp_path)
    assert comparable(again) == comparable(exported)


# -- round trip, property-based ---------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from qda.codebook import parse_codebook  # noqa: E402
from qda.corpus import Coding  # noqa: E402

# Letters with accents precomposed and combining, emoji (astral, with skin tone and ZWJ),
# CJK, quotes and XML's own special characters.
_WORDS = st.lists(st.sampled_from(list("abcdefghij KLM,.'\"<>&") + ["e\u0301", "é", "😀", "👍🏽", "👩‍👩‍👧", "中文",
                                                                   "\u00a0", "\t"]),
                  min_size=1, max_size=12).map("".join).map(str.strip).filter(bool)


@st.composite
def _projects(draw):
    documents = []
    for n in range(draw(st.integers(1, 3))):
        lines = [f"{draw(st.sampled_from(['Interviewer', 'Amara', 'Zoë']))}: {draw(_WORDS)} {n}"
                 for _ in range(draw(st.integers(1, 5)))]
        attributes = {"role": draw(_WORDS), "team": draw(st.sampled_from(["rural", "urban 😀"]))}
        front = "".join(f'{k}: "{v.replace(chr(92), "")}"\n' for k, v in attributes.items() if '"' not in v)
        newline = draw(st.sampled_from(["\n", "\r\n"]))
        documents.append((f"doc {n} {draw(st.sampled_from(['a', 'é', '😀']))}.txt",
                          newline.join(["---", front.rstrip("\n") or "id: x", "---", *lines]) + newline))
    codes = []
    for i in range(draw(st.integers(1, 4))):
        code = {"id": f"c{i}", "name": draw(_WORDS), "definition": draw(_WORDS) + "\n\n" + draw(_WORDS)}
        if i and draw(st.booleans()):
            code["parent"] = f"c{draw(st.integers(0, i - 1))}"
        if draw(st.booleans()):
            code["examples"] = draw(st.lists(_WORDS, max_size=2))
        codes.append(code)
    return documents, codes, draw(st.randoms(use_true_random=False))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_projects())
def test_round_trip_property(tmp_path_factory, generated):
    import yaml

    documents, codes, rng = generated
    folder = tmp_path_factory.mktemp("rt")
    for name, text in documents:
        (folder / name).write_bytes(text.encode("utf-8"))
    book = parse_codebook(yaml.safe_dump({"name": "Generated", "codes": codes}, allow_unicode=True))
    with Project.init(folder / "a.qda", codebook=book) as first:
        first.import_files(sorted(folder.glob("*.txt")))
        corpus = first.corpus()
        made = []
        for doc in corpus:
            for _ in range(rng.randint(0, 4)):
                start = rng.randint(0, len(doc.text))
                end = rng.randint(start, len(doc.text))
                made.append(Coding(doc.id, start, end, rng.choice(list(book.codes)), "rule", "qda:rules",
                                   confidence=round(rng.random(), 3), evidence=f"rule {rng.randint(1, 9)}"))
        first.add_codings(made)
        for coding in first.codings():
            choice = rng.choice(["keep", "accept", "reject"])
            if choice != "keep":
                getattr(first, choice)(coding.id, rng.choice(["Ruth", "Zoë 😀"]))
        doc = rng.choice(corpus.documents)
        own = first.code(doc.id, 0, len(doc.text) // 2, rng.choice(list(book.codes)), "Sam")
        first.memo("On this 😀\r\nsecond line & <b>", "Sam", on=f"coding:{own}")
        first.memo("Code memo e\u0301", "Ruth", on=f"code:{rng.choice(list(book.codes))}")
        first.memo("Document memo", "Ruth", on=f"document:{doc.id}")
        first.memo("Project memo", "Sam")
        _, exported, again = _round_trip(first, folder)
    assert comparable(again) == comparable(exported)
