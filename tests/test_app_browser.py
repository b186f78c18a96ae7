"""End to end: the real browser app (`streamlit run app.py`) driven in headless Chromium.

One journey through the sample study, as a newcomer takes it: open the sample study, give a
coder name, filter the Review page to one code and accept a suggestion (checked in the
project's store, not only on screen), export the Review selection as Excel and read the
download back, and visit every page, taking a full-page screenshot of each (kept in docs/screenshots/ when
QDA_SCREENSHOTS=1). Last, a transcript holding HTML is imported and coded, and the Review
page must show its tags as text.

Needs Debian's chromium at /usr/bin/chromium (Playwright drives it; no browser is ever
downloaded). Without it the test is skipped, unless QDA_REQUIRE_CHROMIUM=1 (CI), when it
fails. Takes about a minute.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Screenshots go to docs/screenshots/ only when asked (QDA_SCREENSHOTS=1): they hold
# timestamps and temporary paths, so every run would otherwise change committed files.
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("QDA_SCREENSHOTS") == "1" else None
SAMPLE_NAME = "sample-study.qda"
CODE_ID, CODE_NAME = "up_down", "Orientational up/down metaphor"
CODER = "Ruth"
VIEWPORT = {"width": 1400, "height": 900}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COUNT_LINE = re.compile(r"^([\d,]+) of ([\d,]+) codings$")

HOSTILE = """---
participant: Mallory
role: social worker
---
Interviewer: Anything else you want to add?
Mallory: I typed <script>window.qdaInjected = 1</script> and <img src=x onerror="window.qdaInjected = 2"> \
into the zebracorn form, and <b>nothing</b> happened.
"""


def _unavailable(reason: str) -> None:
    if os.environ.get("QDA_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{reason} (QDA_REQUIRE_CHROMIUM=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_api():
    """Playwright's sync API, once Debian's chromium is known to be there."""
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    return sync_api


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="module")
def app(tmp_path_factory, playwright_api):
    """The real app, served from the repository on a free loopback port; yields
    (url, home) where home is its QDA_APP_HOME."""
    home = tmp_path_factory.mktemp("qda-app-home")
    port = _free_port()
    log_path = home.parent / "streamlit.log"
    env = dict(os.environ, QDA_APP_HOME=str(home), HF_HUB_OFFLINE="1")
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false",
               # No file watcher: nothing to reload during a test, and watching the whole
               # checkout (with .venv) overflows inotify and floods the log.
               "--server.fileWatcherType", "none"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _healthy(f"http://127.0.0.1:{port}/_stcore/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the app did not start (exit code {}):\n{}".format(
                    process.poll(), log_path.read_text(errors="replace")[-3000:]))
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}", home
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """End the app's whole process group: SIGTERM, then SIGKILL if it lingers."""
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def page(playwright_api):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
            context.set_default_timeout(30_000)
            yield context.new_page()
        finally:
            browser.close()


# -- helpers (called once the playwright_api fixture has found Playwright) -----------------


def expect(*args, **kwargs):
    """Playwright's expect, waiting up to 30 s (not 5): a rerun can take seconds on a busy machine."""
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=30_000)
    return playwright_expect(*args, **kwargs)


def settle(page, timeout: float = 60_000) -> None:
    """Wait until the app is connected and its script is not running (Streamlit's running
    indicator gone), and no element is left stale from an earlier run."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']"
                           "[data-test-script-state='notRunning']", state="attached", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')"
                           " && !document.querySelector('[data-stale=true]')", timeout=timeout)


def go_to(page, title: str) -> None:
    """Follow the sidebar's link to a page (a client-side switch: the session is kept)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    settle(page)


def shoot(page, name: str) -> None:
    """A full-page screenshot at docs/screenshots/<name>.png.

    Streamlit scrolls inside its main element, not the document, so a plain full-page
    screenshot stops at the viewport: the viewport is grown to the content first.
    """
    settle(page)
    # No focus ring on the last input, no hover effect where the last click was.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.mouse.move(VIEWPORT["width"] - 5, VIEWPORT["height"] - 5)
    height = 0
    for _ in range(5):  # growing the viewport can reflow the page (charts, columns)
        wanted = page.evaluate("() => Math.ceil(document.querySelector('[data-testid=stMain]').scrollHeight)")
        if wanted == height:
            break
        height = wanted
        page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
        settle(page)
    shot = page.screenshot(full_page=True, animations="disabled", caret="hide")
    assert shot.startswith(b"\x89PNG")
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"{name}.png").write_bytes(shot)
    page.set_viewport_size(VIEWPORT)


def count_line(page) -> tuple[int, int]:
    """The Review page's "**N** of M codings"."""
    line = page.get_by_test_id("stMain").get_by_text(COUNT_LINE)
    expect(line).to_be_visible()
    shown, total = COUNT_LINE.match(line.inner_text().strip()).groups()
    return int(shown.replace(",", "")), int(total.replace(",", ""))


def wait_count(page, shown: int) -> None:
    expect(page.get_by_test_id("stMain").get_by_text(COUNT_LINE)).to_have_text(
        re.compile(rf"^{shown:,} of [\d,]+ codings$"))


def choose(page, label: str, option: str) -> None:
    """Add `option` to the multiselect labelled `label`."""
    box = page.get_by_test_id("stMultiSelect").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    expect(box.get_by_text(option, exact=True)).to_be_visible()  # the chosen chip
    settle(page)


# -- the journey ---------------------------------------------------------------------------


def test_sample_study_journey(app, page, tmp_path):
    from openpyxl import load_workbook

    from qda import Project

    url, home = app
    main = page.get_by_test_id("stMain")

    # Project: the sample study, made on first use.
    page.goto(url)
    expect(page.get_by_role("heading", name="Project", level=1)).to_be_visible()
    settle(page)
    page.get_by_role("button", name="Open the sample study").click()
    expect(main.get_by_text("Suggestions to review", exact=True)).to_be_visible(timeout=120_000)
    settle(page, timeout=120_000)
    metric = main.get_by_test_id("stMetric").filter(has_text="Suggestions to review")
    assert int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", "")) > 0
    assert (home / SAMPLE_NAME).is_file()

    # The coder, in the sidebar.
    name = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Coder name")
    name.fill(CODER)
    name.press("Enter")
    expect(page.get_by_role("button", name="Undo my last action")).to_be_visible()
    settle(page)
    shoot(page, "project")

    # Review: filter to one code, accept the first suggestion.
    go_to(page, "Review")
    before, total = count_line(page)
    choose(page, "Code", CODE_NAME)
    expect(main.get_by_text(COUNT_LINE)).not_to_have_text(f"{before:,} of {total:,} codings")
    shown, total_after = count_line(page)
    assert total_after == total and 0 < shown < before, (before, shown, total)
    facts = main.get_by_test_id("stCaptionContainer").filter(has_text=" · confidence ")
    expect(facts.first).to_be_visible()
    assert all(line.startswith(f"{CODE_NAME} · ") for line in facts.all_inner_texts())
    page.get_by_role("button", name="Accept", exact=True).first.click()
    toast = page.get_by_test_id("stToast").filter(has_text=re.compile(r"coding \d+: accepted"))
    expect(toast).to_be_visible()
    accepted_id = int(re.search(r"coding (\d+): accepted", toast.inner_text()).group(1))
    wait_count(page, shown - 1)  # the Status filter shows suggestions only
    expect(toast).to_be_hidden()  # (a few seconds) not in the screenshot
    settle(page)
    assert main.locator("mark").count() > 0  # excerpts are shown...
    assert page.locator("mark script").count() == 0  # ...and add no script
    shoot(page, "review")

    # The decision is in the store, attributed to the coder.
    with Project.open(home / SAMPLE_NAME) as project:
        accepted = project.codings(status=["accepted"])
    assert [(c.id, c.status, c.reviewer, c.code) for c in accepted] == [
        (accepted_id, "accepted", CODER, CODE_ID)]

    # Explore: a chart drawn.
    go_to(page, "Explore")
    page.get_by_role("tab", name="Up/down").click()
    expect(main.get_by_role("tabpanel", name="Up/down").locator(
        "[data-testid=stPlotlyChart] .main-svg").first).to_be_visible(timeout=60_000)
    shoot(page, "explore")

    # Codebook: the codes, the editor.
    go_to(page, "Codebook")
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(main.get_by_role("button", name="Validate")).to_be_visible()
    shoot(page, "codebook")

    # Agreement: the machine against the coder who just reviewed.
    go_to(page, "Agreement")
    expect(main.get_by_text(re.compile(r"pooled kappa"))).to_be_visible(timeout=60_000)
    expect(main.get_by_role("heading", name="Where they differ")).to_be_visible()
    shoot(page, "agreement")

    # Pseudonymise: the risk report takes a few seconds.
    go_to(page, "Pseudonymise")
    expect(main.get_by_text("Quasi-identifiers left in the text")).to_be_visible(timeout=90_000)
    settle(page, timeout=90_000)
    shoot(page, "pseudonymise")

    # Export: what the Review filters show, as Excel.
    go_to(page, "Export")
    scope = main.get_by_test_id("stRadio")
    expect(scope.get_by_role("radio", name="what the Review filters show")).to_be_checked()
    expect(main.get_by_role("combobox", name="Format")).to_have_value(re.compile(r"^Excel workbook \(\.xlsx"))
    expect(main.get_by_text(f"{shown - 1:,} codings", exact=True)).to_be_visible()
    main.get_by_role("button", name="Prepare the file").click()
    download_button = main.get_by_test_id("stDownloadButton").get_by_role(
        "button", name=re.compile(r"^Download sample-study\.xlsx"))
    expect(download_button).to_be_visible(timeout=60_000)
    settle(page)
    shoot(page, "export")
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename == "sample-study.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved, read_only=True)
    try:
        assert workbook.sheetnames[:2] == ["codings", "code_x_document"], workbook.sheetnames
        rows = list(workbook["codings"].iter_rows(values_only=True))
    finally:
        workbook.close()
    header, records = rows[0], rows[1:]
    codes = [record[header.index("code")] for record in records]
    assert CODE_ID in codes
    assert len(records) == shown - 1 and set(codes) == {CODE_ID}  # the Review selection
    settle(page)

    # Import & auto-code: bring in a transcript whose words look like HTML.
    go_to(page, "Import & auto-code")
    expect(main.get_by_role("button", name="Run coders")).to_be_visible()
    shoot(page, "import_code")
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    main.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(hostile)
    main.get_by_role("button", name="Import", exact=True).click()
    expect(main.get_by_text("1 documents imported")).to_be_visible(timeout=60_000)
    settle(page)
    with Project.open(home / SAMPLE_NAME) as project:
        doc = next(d for d in project.corpus() if "zebracorn" in d.text)
        start = doc.text.index("I typed")
        project.code(doc.id, start, doc.text.index("happened.") + len("happened."), CODE_ID, CODER)

    # Review shows the tags as text: nothing is added to the page, nothing runs.
    go_to(page, "Review")
    choose(page, "Status", "accepted")
    search = main.get_by_role("textbox", name="Text contains")
    search.fill("zebracorn")
    search.press("Enter")
    wait_count(page, 1)
    settle(page)
    mark = main.locator("mark").filter(has_text="zebracorn")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text('<script>window.qdaInjected = 1</script> and <img src=x onerror=')
    expect(mark).to_contain_text("<b>nothing</b>")
    assert page.locator("mark script, mark img, mark b").count() == 0
    assert page.evaluate("() => window.qdaInjected") is None
