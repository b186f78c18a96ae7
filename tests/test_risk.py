"""Re-identification risk report: small groups over attributes, quasi-identifiers in text."""

from __future__ import annotations


import pandas as pd
import pytest

from conftest import SAMPLE
from qda.corpus import Corpus, Document
from qda.errors import OutputError, QdaError
from qda.pseudonymise.risk import DEFAULT_EXCLUDED, KINDS, RiskReport, risk_report
from qda.readers import read_corpus
from qda.readers.txt import parse_txt


def make_doc(doc_id: str, *lines: str, **attributes: str) -> Document:
    """A document as the .txt reader makes it: front matter from `attributes`, then lines."""
    front = "".join(f"{k}: {v}\n" for k, v in attributes.items())
    raw = (f"---\n{front}---\n" if front else "") + "\n".join(lines) + "\n"
    text, turns, attrs = parse_txt(raw, f"{doc_id}.txt")
    return Document(id=doc_id, name=f"{doc_id}.txt", text=text, attributes=attrs, turns=turns)


def study(*people: tuple[str, str, str], **extra: str) -> Corpus:
    """One interview per (participant, role, team), numbered from interview_01."""
    return Corpus([
        make_doc(f"interview_{i:02d}", "Interviewer: Hello.", f"{name}: Hello.", participant=name, role=role,
                 team=team, interview_date=f"2013-05-{i:02d}", interviewer="Interviewer", **extra)
        for i, (name, role, team) in enumerate(people, 1)
    ])


SW, TM = "social worker", "team manager"
# rural: 3 social workers, 1 manager; urban: 2 social workers, 3 managers.
TEAMS = study(("Nicola", SW, "rural"), ("Becky", SW, "rural"), ("Gemma", SW, "rural"), ("Maureen", TM, "rural"),
              ("Darren", SW, "urban"), ("Sunita", SW, "urban"), ("Tariq", TM, "urban"), ("Colette", TM, "urban"),
              ("Desmond", TM, "urban"))


def groups(report: RiskReport) -> set[tuple[str, str, int]]:
    return {(r.attributes, r.values, r.count) for r in report.small_groups.itertuples()}


def findings(*lines: str, include_interviewer: bool = False) -> pd.DataFrame:
    doc = make_doc("interview_01", *lines, participant="Kelly")
    frame = risk_report(Corpus([doc]), include_interviewer=include_interviewer).text_findings
    assert all(doc.text[r.start : r.end] == r.text for r in frame.itertuples())
    return frame


def found(*lines: str, kind: str | None = None, **options) -> set[str]:
    frame = findings(*lines, **options)
    return set(frame.text if kind is None else frame[frame.kind == kind].text)


# -- small groups -------------------------------------------------------------------------


def test_only_manager_of_rural_team_is_flagged_at_k3():
    report = risk_report(TEAMS)
    assert report.k == 3
    assert groups(report) == {("role, team", "team manager, rural", 1), ("role, team", "social worker, urban", 2)}
    row = report.small_groups.iloc[0]  # smallest first
    assert (row["documents"], row["description"]) == ("interview_04", "role=team manager and team=rural")
    assert report.headlines()[0] == "interview_04 is the only participant with role=team manager and team=rural"
    assert report.headlines()[1] == (
        "interview_05 and interview_06: the only 2 participants with role=social worker and team=urban")


def test_fewer_than_k_is_the_boundary():
    # A group of exactly k participants is not small; k - 1 is.
    assert groups(risk_report(TEAMS, k=2)) == {("role, team", "team manager, rural", 1)}
    at_four = groups(risk_report(TEAMS, k=4))
    assert ("role, team", "social worker, rural", 3) in at_four  # 3 < 4
    assert ("role, team", "team manager, urban", 3) in at_four
    assert ("team", "rural", 4) not in at_four and ("role", "team manager", 4) not in at_four
    assert ("team", "rural", 4) in groups(risk_report(TEAMS, k=5))


@pytest.mark.parametrize("k", [1, 0, -3, 2.5, "3", True, None])
def test_k_must_be_a_whole_number_of_at_least_two(k):
    with pytest.raises(QdaError, match="k must be"):
        risk_report(TEAMS, k=k)


def test_a_pair_is_not_repeated_when_one_value_is_already_small():
    ruth = make_doc("interview_10", "Ruth: Hi.", participant="Ruth", role="board member", team="rural")
    corpus = Corpus([*TEAMS.documents, ruth])
    found_groups = groups(risk_report(corpus))
    assert ("role", "board member", 1) in found_groups
    assert not any("board member," in values for _, values, _ in found_groups)  # no board member + rural


def test_values_compare_case_and_space_insensitively():
    corpus = study(("A", "Team  Manager", "rural"), ("B", "team manager", "rural"), ("C", "TEAM MANAGER", "rural"))
    assert groups(risk_report(corpus)) == set()


def test_a_participant_interviewed_twice_counts_once():
    corpus = study(("Maureen", TM, "rural"), ("maureen", TM, "rural"), ("Nicola", SW, "rural"),
                   ("Becky", SW, "rural"), ("Gemma", SW, "rural"))
    report = risk_report(corpus)
    assert ("role", "team manager", 1) in groups(report)
    assert report.headlines()[0] == "interview_01 and interview_02: the only participant with role=team manager"


def test_without_a_participant_attribute_speakers_are_the_participants():
    named = Corpus([make_doc(f"d{i}", "Interviewer: Hi.", "Kelly: Hi.", team="rural") for i in range(3)])
    assert groups(risk_report(named)) == {("team", "rural", 1)}  # one Kelly in three documents
    generic = Corpus([make_doc(f"d{i}", "Interviewer: Hi.", "Participant: Hi.", team="rural") for i in range(3)])
    assert groups(risk_report(generic)) == set()  # "Participant" is someone else in each document
    focus = Corpus([make_doc("fg", "Interviewer: Hi.", "Kelly: Hi.", "Dan: Hi.", "Amy: Hi.", team="rural")])
    assert groups(risk_report(focus)) == set()  # three people in one focus group


def test_identifiers_and_bookkeeping_are_excluded_by_default():
    corpus = study(("Nicola", SW, "rural"), ("Becky", SW, "rural"), ("Gemma", SW, "rural"),
                   participant_name="x", recorded="2013-04-01", transcriber="Ann")
    attributes = set(risk_report(corpus, k=4).small_groups.attributes)
    # participant, interviewer, interview_date, participant_name, recorded, transcriber: none
    assert attributes == {"role", "team"}  # all three share role and team, so no pair either


def test_the_attributes_checked_can_be_chosen_or_the_exclusions_changed():
    dated = groups(risk_report(TEAMS, attributes=["interview_date"]))
    assert len(dated) == 9 and all(attrs == "interview_date" for attrs, _, _ in dated)
    assert {a for a, _, _ in groups(risk_report(TEAMS, attributes="team", k=5))} == {"team"}
    without_role = risk_report(TEAMS, exclude=DEFAULT_EXCLUDED | {"role"})
    assert groups(without_role) == set()
    with_interviewer = risk_report(TEAMS, k=10, exclude={"participant"})
    assert "interviewer" in set(with_interviewer.small_groups.attributes)
    with pytest.raises(QdaError, match="rol"):
        risk_report(TEAMS, attributes=["rol"])


# -- quasi-identifiers in the text -------------------------------------------------------


def test_job_titles():
    text = found("Kelly: The health visitor rang the GP, and both senior practitioners and the deputy head came.",
                 kind="job_title")
    assert text == {"health visitor", "GP", "senior practitioners", "deputy head"}
    assert found("Kelly: The team managed it; my manager said go to the general meeting.", kind="job_title") == set()


@pytest.mark.parametrize("line, age", [
    ("Kelly: Her son, seven, was there.", "son, seven"),
    ("Kelly: She has a seven-year-old at home.", "seven-year-old"),
    ("Kelly: He was aged seven then.", "aged seven"),
    ("Kelly: At 14 years old she left.", "14 years old"),
    ("Kelly: Dad's in his forties.", "in his forties"),
    ("Kelly: The eldest is eleven, Jordan.", "eldest is eleven"),
    ("Kelly: Two boys, eight and ten.", "boys, eight and ten"),
    ("Kelly: Callum's nine.", "Callum's nine"),
    ("Kelly: And Maisie who's three.", "who's three"),
    ("Kelly: The little one's just turned three.", "little one's just turned three"),
])
def test_ages(line, age):
    assert found(line, kind="age") == {age}


@pytest.mark.parametrize("line", [
    "Kelly: We had to step up to CP and then step down.",
    "Kelly: I visit three times a week.",
    "Kelly: She's one of the best workers.",
    "Kelly: Two families, and the kids, three of them.",
    "Kelly: So, three things. It's two, maybe.",
])
def test_not_ages(line):
    assert found(line, kind="age") == set()


def test_service_length_and_durations():
    frame = findings("Kelly: Twenty years in the job. I qualified in 2009.",
                     "Kelly: The family had been open to us for four years, reviewed every three months.")
    assert dict(zip(frame.text, frame.kind)) == {
        "Twenty years": "service_length", "qualified in 2009": "service_length", "four years": "duration"}
    answer = findings("Interviewer: How long have you been qualified?", "Kelly: Nine years. Mum left two years ago.")
    assert dict(zip(answer.text, answer.kind)) == {"Nine years": "service_length", "two years": "duration"}
    assert found("Kelly: I'd rather do this than read about them in the paper in two years' time.") == set()


def test_rare_attributes():
    text = found("Kelly: Mum has twins and uses a wheelchair. I'm the only male worker, and the only Welsh speaker.",
                 "Kelly: She's one of three board members. My car's the only silver Astra in the valley.",
                 kind="rare_attribute")
    assert text == {"twins", "wheelchair", "only male worker", "only Welsh speaker", "one of three board members",
                    "the only silver Astra in the valley"}
    assert found("Kelly: It's the only place to park. I had a blinding headache.", kind="rare_attribute") == set()


def test_ethnicity_religion_nationality_and_language():
    assert found("Kelly: A Polish family, Muslim, and Dad speaks Urdu.", kind="rare_attribute") == {
        "Polish", "Muslim", "Urdu"}


def test_years():
    assert found("Kelly: Known to us since 2006, and in the 1990s too.", kind="year") == {"2006", "1990s"}
    assert found("Kelly: Section 17 of the Children Act 1989, about 300 cases, at [00:12:34].", kind="year") == set()


def test_possible_places():
    text = found("Kelly: A farm out past Holbrook, then a flat in Market Holton, and school at St Bride's.",
                 "Kelly: The referral came from Millbrook Primary.", kind="possible_place")
    assert text == {"Holbrook", "Market Holton", "St Bride's", "Millbrook Primary"}


@pytest.mark.parametrize("line", [
    "Kelly: It was Complex Child in Need, not Child Protection.",
    "Kelly: Holbrook is lovely. We met in. Then Leeds happened.",  # capitalised at sentence start
    "Kelly: I saw them at Christmas and on Monday, in March, in Signs of Safety.",
    "Kelly: It carries on I'd say, in CP and in CiN.",
])
def test_not_places(line):
    assert found(line, kind="possible_place") == set()


def test_offsets_point_into_the_document_text():
    doc = make_doc("interview_01", "Interviewer: Hi.", "Kelly: Her son, seven, lives in Holbrook since 2006.",
                   "It carries on: the health visitor, twins.", participant="Kelly")
    frame = risk_report(Corpus([doc])).text_findings
    assert len(frame) == 5
    for r in frame.itertuples():
        assert doc.text[r.start : r.end] == r.text and r.text in r.context.replace("…", "")


def test_interviewer_turns_only_when_asked():
    line = "Interviewer: As the only manager in the rural team, how was it?"
    assert found(line) == set()
    assert found(line, include_interviewer=True) == {"only manager"}


def test_a_document_without_speaker_labels_is_scanned_whole():
    doc = make_doc("notes", "The health visitor said the twins are aged seven.")
    assert set(risk_report(Corpus([doc])).text_findings.kind) == {"job_title", "rare_attribute", "age"}


def test_summary_counts_by_kind_per_document():
    corpus = study(("Nicola", SW, "rural"), ("Becky", SW, "rural"), ("Maureen", TM, "rural"))
    corpus.documents[0] = make_doc("interview_01", "Nicola: The GP and the health visitor, twins.",
                                   participant="Nicola", role=SW, team="rural")
    summary = risk_report(corpus).summary
    assert list(summary.index) == ["interview_01", "interview_02", "interview_03"]
    assert list(summary.columns) == [*KINDS, "total", "small_groups"]
    assert summary.loc["interview_01", "job_title"] == 2 and summary.loc["interview_01", "total"] == 3
    assert summary.loc["interview_02", "total"] == 0
    assert list(summary["small_groups"]) == [1, 1, 1]  # role splits 2 + 1; team=rural has 3, not below 3


# -- the report and its files ------------------------------------------------------------


def sample_report(k: int = 3) -> RiskReport:
    corpus = Corpus(TEAMS.documents[:3] + [
        make_doc("interview_04", "Maureen: I'm the only manager in the team | really.", participant="Maureen",
                 role=TM, team="rural")])
    return risk_report(corpus, k=k)


def test_format_puts_warnings_first():
    text = sample_report().format()
    assert text.startswith("# Re-identification risk report")
    warning = text.index("- **interview_04 is the only participant with role=team manager")
    assert warning < text.index("## Quasi-identifiers in the text") < text.index("### interview_04")
    assert r"in the team \| really" in text  # pipes escaped in table cells
    assert "not proof of anonymity" in text


def test_format_says_when_there_are_no_small_groups():
    text = risk_report(TEAMS, attributes=["team"]).format()
    assert "None below k = 3." in text


def test_write_markdown(tmp_path):
    report = sample_report()
    path = report.write(tmp_path / "risk.md")
    assert path.read_text(encoding="utf-8") == report.format()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["risk.md"]  # no temp files left


def test_write_csv_with_groups_beside_it(tmp_path):
    report = sample_report()
    (tmp_path / "risk.csv").write_text("old", encoding="utf-8")
    report.write(tmp_path / "risk.csv")
    text = pd.read_csv(tmp_path / "risk.csv", encoding="utf-8-sig")
    assert list(text.columns) == ["document", "speaker", "kind", "text", "start", "end", "context"]
    assert list(text.text) == list(report.text_findings.text)
    small = pd.read_csv(tmp_path / "risk.groups.csv", encoding="utf-8-sig")
    assert list(small.description) == list(report.small_groups.description)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["risk.csv", "risk.groups.csv"]


def test_write_refuses_unknown_formats_and_missing_folders(tmp_path):
    with pytest.raises(OutputError, match="use .md or .csv"):
        sample_report().write(tmp_path / "risk.xlsx")
    with pytest.raises(OutputError, match="does not exist"):
        sample_report().write(tmp_path / "missing" / "risk.md")
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        sample_report().write(tmp_path / "folder.md")


# -- the sample study --------------------------------------------------------------------


def test_sample_study():
    corpus = read_corpus(SAMPLE)
    rural_managers = sum(1 for doc in corpus
                         if (doc.attributes.get("role"), doc.attributes.get("team")) == ("team manager", "rural"))
    # Several managers per team: a small group only at a k above their number.
    assert "role=team manager and team=rural" not in set(risk_report(corpus).small_groups.description)
    report = risk_report(corpus, k=rural_managers + 1)
    assert "role=team manager and team=rural" in set(report.small_groups.description)
    assert {"job_title", "age", "service_length", "year", "possible_place"} <= set(report.text_findings.kind)
    for r in report.text_findings.itertuples():
        assert corpus[r.document].text[r.start : r.end] == r.text
    assert "Holbrook" in set(report.text_findings.text)
    assert "## Small groups" in report.format()
