"""The browser app's pages through Streamlit's AppTest: each page's main path and its error
paths, with the store checked after every action (the app is a shell over qda.Project)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from qda import Project
from qda.app import auth
from qda.app.render import excerpt_html
from qda.corpus import Document, Turn

from conftest import CCIN, ROOT, SAMPLE, ZOOM_CALL, ZOOM_INTERVIEW

APP = str(ROOT / "app.py")
HOSTILE = ("---\nrole: social worker\nteam: rural\n---\nInterviewer: What happened?\n"
           "Dana: They <script>alert('x')</script> stepped it down to CiN, then <b>escalated</b> it again.\n")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("QDA_APP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def study(tmp_path):
    """A small coded project: three sample interviews and one hostile transcript."""
    (tmp_path / "files").mkdir()
    hostile = tmp_path / "files" / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    path = tmp_path / "study.qda"
    with Project.init(path, codebook=CCIN) as project:
        project.import_files([*sorted(SAMPLE.glob("interview_0[1-3].txt")), hostile])
        project.autocode(("rules", "metaphor"))
    return path


def app(home, project=None, coder="Ruth") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if project is not None:
        at.session_state["project"] = str(project)
    if coder:
        at.session_state["coder"] = coder
    return at.run()


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"qda/app/pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


# -- Project ------------------------------------------------------------------------------


def test_the_sample_study_opens_with_one_click(home):
    at = app(home, coder=None)
    assert at.title[0].value == "Project"
    button(at, "Open the sample study").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Documents"]) >= 10 and int(metrics["Suggestions to review"]) > 100
    assert (home / "sample-study.qda").is_file()


def test_create_open_and_bad_locations(home, tmp_path):
    at = app(home)
    at.text_input(key="location").set_value(str(tmp_path / "nowhere" / "x.qda")).run()
    button(at, "Open").click().run()
    assert "no such project" in at.error[0].value
    new = tmp_path / "new.qda"
    at.text_input(key="location").set_value(str(new)).run()
    button(at, "Create").click().run()
    assert new.is_file() and at.session_state["project"] == str(new)


# -- Import & auto-code ---------------------------------------------------------------------


def test_upload_reports_each_bad_file_and_imports_the_rest(home, tmp_path):
    project = tmp_path / "p.qda"
    Project.init(project, codebook=CCIN).close()
    at = page(app(home, project), "import_code")
    good = (SAMPLE / "interview_01.txt").read_bytes()
    call = ZOOM_CALL.encode()
    at.file_uploader[0].set_value([("interview_01.txt", good, "text/plain"),
                                   ("call.vtt", call, "text/vtt"),
                                   ("empty.txt", b"", "text/plain"),
                                   ("binary.docx", b"\x00\x01not a docx", "application/octet-stream")]).run()
    at.text_input[0].set_value("Jo Bloggs").run()  # who interviewed in the .vtt
    button(at, "Import").click().run()
    warnings = " ".join(w.value for w in at.warning)
    assert "**empty.txt**" in warnings and "**binary.docx**" in warnings
    assert "2 documents imported" in at.success[0].value
    button(at, "Run coders").click().run()
    assert "suggestions added" in at.success[-1].value
    with Project.open(project) as p:
        assert [d.id for d in p.corpus()] == ["interview_01", "call"] and p.codings()
        text = p.corpus()["call"].text
        on_call = [text[c.start:c.end] for c in p.codings() if c.document == "call"]
        assert on_call and set(on_call) == {"It went up to CP in the end."}  # Jo's question not coded


def test_upload_says_who_seems_to_interview_unnamed_before_importing(home, tmp_path):
    project = tmp_path / "p.qda"
    Project.init(project, codebook=CCIN).close()
    at = page(app(home, project), "import_code")
    at.file_uploader[0].set_value([("call.vtt", ZOOM_INTERVIEW.encode(), "text/vtt")]).run()
    said = " ".join(w.value for w in at.warning)
    assert "call: no interviewer is named" in said and "if Jo Bloggs interviewed, type the name" in said
    at.text_input[0].set_value("Jo Bloggs").run()
    assert not [w for w in at.warning if "no interviewer is named" in w.value]


def test_coders_default_to_those_qda_code_uses_and_learned_can_learn_here_instead(home, tmp_path):
    project = tmp_path / "p.qda"
    with Project.init(project, codebook=CCIN) as p:
        p.import_files([SAMPLE / "interview_01.txt"])
    at = page(app(home, project), "import_code")
    assert at.multiselect[0].value == ["rules", "metaphor", "learned"]  # qda ships a model for this codebook
    source = next(r for r in at.radio if r.label == "The learned coder learns from")
    assert "qda's model for this codebook" in source.format_func(source.value)
    button(at, "Run coders").click().run()
    assert "suggestions added" in at.success[-1].value
    with Project.open(project) as p:
        assert "qda:learned" in {c.coder for c in p.codings()}

    source = next(r for r in at.radio if r.label == "The learned coder learns from")
    source.set_value(True).run()  # learn from this project's reviewed codings: there are none yet
    button(at, "Run coders").click().run()
    assert "nothing reviewed yet" in at.error[0].value


# -- Review ---------------------------------------------------------------------------------


def test_review_filters_accept_reject_recode_memo_and_own_coding(home, study):
    at = page(app(home, study), "review")
    at.multiselect(key="f_codes").set_value(["up_down"]).run()
    count = at.markdown[0].value
    assert count.startswith("**") and " of " in count
    first = [b for b in at.button if b.label == "Accept"][0]
    accepted = int(first.key.split("-")[1])
    first.click().run()
    rejected = int([b for b in at.button if b.label == "Reject"][0].key.split("-")[1])
    at.button(key=f"reject-{rejected}").click().run()
    recoded = int([b for b in at.button if b.label == "Reject"][0].key.split("-")[1])
    at.selectbox(key=f"recode-{recoded}").set_value("threshold")
    at.button(key=f"recode-go-{recoded}").click().run()
    with Project.open(study) as p:
        by_id = {c.id: c for c in p.codings()}
        assert (by_id[accepted].status, by_id[accepted].reviewer) == ("accepted", "Ruth")
        assert by_id[rejected].status == "rejected"
        assert by_id[recoded].status == "rejected"  # a re-code rejects the original...
        assert any(c.code == "threshold" and c.coder == "Ruth" and c.start == by_id[recoded].start
                   for c in by_id.values())  # ...and adds the corrected coding
    # Own coding of a whole turn, and a memo on a code.
    at.selectbox(key="own_doc").set_value("interview_02").run()
    at.selectbox(key="own_code").set_value("drift").run()
    button(at, "Code it").click().run()
    at.radio(key="memo_kind").set_value("code").run()
    at.selectbox(key="memo_code").set_value("drift").run()
    at.text_area(key="memo_text").set_value("Drift is everywhere in the rural team").run()
    at.button(key="memo_go").click().run()
    with Project.open(study) as p:
        assert any(c.document == "interview_02" and c.code == "drift" and c.source == "human" for c in p.codings())
        assert [m.text for m in p.memos(on="code:drift")] == ["Drift is everywhere in the rural team"]
    # Undo in the sidebar reverses Ruth's latest action (the memo is not undoable: the coding is).
    button(at, "Undo my last action").click().run()
    assert not at.exception


def test_transcript_html_is_shown_as_text(home, study):
    at = page(app(home, study), "review")
    at.multiselect(key="f_documents").set_value(["hostile"]).run()
    shown = " ".join(m.value for m in at.markdown)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown or "&lt;b&gt;escalated&lt;/b&gt;" in shown
    assert "<script>" not in shown and "<b>escalated" not in shown


def test_excerpt_html_escapes_everything_and_marks_the_span():
    text = "A: <i>hello</i> & goodbye\nB: second turn"
    doc = Document("d", "d.txt", text, turns=[Turn(0, "A", 3, 25), Turn(1, "B", 29, 40)])
    html = excerpt_html(doc, 3, 15)
    assert html == "<mark>&lt;i&gt;hello&lt;/i&gt;</mark> &amp; goodbye"
    assert excerpt_html(doc, 29, 35, context=2) == "<mark>second</mark> t…"


# -- Codebook -------------------------------------------------------------------------------


def test_codebook_edit_validate_save_and_bad_uploads(home, study):
    at = page(app(home, study), "codebook")
    editor = at.text_area[0]
    editor.set_value("name: Broken\ncodes:\n  - id: Bad Id\n").run()
    button(at, "Validate").click().run()
    assert "codebook has" in at.error[0].value and "Bad Id" in at.error[0].value
    editor.set_value('codes:\n  - id: a\n    name: A\n    rules:\n      - pattern: [{LOWER: "mum\'s"}]\n').run()
    button(at, "Validate").click().run()
    assert "Valid: 1 code, 1 rule" in at.success[0].value
    assert 'LOWER "mum\'s" never matches' in at.warning[0].value
    button(at, "Save as the project's codebook").click().run()
    assert at.error  # refused; the project keeps its codebook
    with Project.open(study) as p:
        assert "up_down" in p.codebook.codes
    at.file_uploader[0].set_value(("codes.qdc", (ROOT / "tests/fixtures/refi/spec-annexA1_codebook.qdc").read_bytes(),
                                   "application/xml")).run()
    button(at, "Import codebook").click().run()
    assert "6 codes added" in at.success[0].value
    at.file_uploader[0].set_value(("broken.yaml", b"codes: [", "application/yaml")).run()
    button(at, "Import codebook").click().run()
    assert "broken.yaml" in at.error[-1].value
    assert {d.label for d in at.get("download_button")} == {"Codebook YAML", "REFI-QDA codebook (.qdc)"}


# -- Agreement ------------------------------------------------------------------------------


def test_agreement_of_a_coder_and_the_machine(home, study):
    with Project.open(study) as p:
        for coding in p.codings()[:15]:
            p.accept(coding.id, "Ruth")
        p.code("interview_01", 0, 40, "drift", "Ruth")
    at = page(app(home, study), "agreement")
    at.selectbox[1].set_value("Ruth").run()
    assert not at.exception and "pooled kappa" in at.caption[0].value
    table = at.dataframe[0].value
    assert "drift" in set(table["code"]) and {"kappa", "alpha"} <= set(table.columns)
    at.selectbox[3].set_value("drift").run()
    assert any("Only Ruth" in m.value for m in at.markdown)


# -- Pseudonymise ---------------------------------------------------------------------------


def test_pseudonymise_preview_run_key_and_risk(home, study, tmp_path):
    at = page(app(home, study), "pseudonymise")
    key = tmp_path / "keys" / "study.key.csv"
    key.parent.mkdir()
    at.text_input(key="key_file").set_value(str(key)).run()
    button(at, "Preview replacements").click().run()
    preview = at.dataframe[0].value
    assert "Dana" in set(preview["original"])
    with Project.open(study) as p:
        assert "Dana" in p.corpus()["hostile"].text  # a preview changes nothing
    at.checkbox[0].check().run()
    button(at, "Pseudonymise the project").click().run()
    assert "replacements; key saved" in at.success[0].value and key.is_file()
    assert any("key" in d.label for d in at.get("download_button"))
    with Project.open(study) as p:
        assert "Dana" not in p.corpus()["hostile"].text
    review = page(at, "review")
    review.multiselect(key="f_status").set_value(["suggested", "accepted", "rejected"]).run()
    assert "Dana" not in " ".join(m.value for m in review.markdown)


# -- Export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [".xlsx", ".csv", ".parquet", ".qdpx", ".qdc"])
def test_export_every_format(home, study, kind):
    at = page(app(home, study), "review")
    at.multiselect(key="f_codes").set_value(["up_down"]).run()
    at = page(at, "export")
    at.selectbox[0].set_value(kind).run()
    button(at, "Prepare the file").click().run()
    name, data = at.session_state["export_file"]
    assert name.endswith(kind) and len(data) > 100
    if kind == ".csv":
        import io

        import pandas as pd

        table = pd.read_csv(io.BytesIO(data))
        assert set(table["code"]) == {"up_down"}  # what the filters show


# -- Safe by default ------------------------------------------------------------------------


def test_password_hashes_verify_and_are_salted():
    stored = auth.hash_password("correct horse battery")
    assert auth.verify_password("correct horse battery", stored)
    assert not auth.verify_password("wrong horse battery", stored)
    assert stored != auth.hash_password("correct horse battery") and "correct" not in stored
    assert not auth.verify_password("x", "not a hash")
    with pytest.raises(ValueError):
        auth.hash_password("short")
    assert not auth.needs_password("localhost") and not auth.needs_password("127.0.0.1")
    assert auth.needs_password("0.0.0.0") and auth.needs_password("")


def test_a_configured_password_gates_the_app(home, study):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["qda"] = {"password_hash": auth.hash_password("correct horse battery")}
    at.run()
    assert not at.title  # nothing but the sign-in form
    # A form: the password is sent with the button, as a browser sends it.
    at.text_input[0].set_value("wrong password!")
    at.button[0].click().run()
    assert "Wrong password" in at.error[0].value
    at.text_input[0].set_value("correct horse battery")
    at.button[0].click().run()
    assert at.title[0].value == "Project"


def test_served_beyond_localhost_without_a_password_opens_nothing(home):
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        config.set_option("server.address", before)
    assert "no password is configured" in at.error[0].value and not at.title


# -- Explore --------------------------------------------------------------------------------


def test_explore_tabs_and_downloads(home, study):
    at = page(app(home, study), "explore")
    at.text_input(key="kwic").set_value("escalat*").run()
    assert not at.exception
    lines = at.dataframe[0].value
    assert len(lines) > 0 and lines["match"].str.lower().str.startswith("escalat").all()
    labels = [d.label for d in at.get("download_button")]
    assert "Concordance (CSV)" in labels and labels.count("Chart (HTML)") == 4  # four charts, each downloadable
    at.selectbox(key="freq_by").set_value("team").run()
    at.radio(key="co_unit").set_value("document").run()
    assert not at.exception and len(at.get("plotly_chart")) == 4


def test_no_page_ever_runs_a_coder_on_a_rerun(home, study, monkeypatch):
    from qda.coding import AutoCoder

    def refuse(*args, **kwargs):
        raise AssertionError("a coder ran during a rerun")

    monkeypatch.setattr(AutoCoder, "predict", refuse)
    monkeypatch.setattr(AutoCoder, "stream", refuse)
    at = app(home, study)
    for name in ("review", "explore", "codebook", "agreement", "export", "review"):
        at = page(at, name)
        at.run()


def test_topics_suggest_codes_and_a_topic_becomes_a_code(home, tmp_path):
    path = tmp_path / "topics.qda"
    with Project.init(path, codebook=CCIN) as project:
        project.import_files(sorted(SAMPLE.glob("interview_0*.txt")))
    at = page(app(home, path), "explore")
    button(at, "Find topics").click().run()
    assert not at.exception and not at.error
    topics = at.dataframe[0].value
    assert len(topics) >= 2
    assert {"topic"} <= set(at.dataframe[1].value.columns)  # topic -> code suggestions
    next(t for t in at.text_input if t.label.startswith("New code id")).set_value("paperwork")
    button(at, "Promote to code").click().run()
    assert "Code paperwork added" in at.success[0].value
    with Project.open(path) as project:
        assert project.codebook.codes["paperwork"].examples
