"""xAPI end to end: the built sample course in Chromium reports to a real LRS (Ralph), read back and checked.

The sample course gets an ``xapi:`` block in a scratch copy (the SCORM tests keep the sample as it
is), is built with the real CLI, and runs in scorm-again's LMS page as the SCORM journeys do. Ralph
runs for this module on 127.0.0.1 (tests/e2e/ralph_lrs.py), with CORS for the LMS page's origin.
Every statement read back is checked against ``../shared/schemas/xapi/`` and the rules in
xapi_checks.py. Learner ids are unique per test, so tests never see each other's statements.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from builder.certificate import verification_code

from .a11y import browser_today
from .answer_key import with_answers
from .conftest import REPO_ROOT, SAMPLE_COURSE, _ConfigScript
from .lms import interactions, press_start, seed_cmi
from .quiz_helpers import patterns as scorm_patterns
from .quiz_helpers import press_score, right
from .quiz_helpers import response as scorm_response
from .ralph_lrs import Ralph
from .test_certificate import open_certificate
from .test_journeys import answer_quiz, correct_answers, quiz_view, read_lessons, score_quiz
from .test_quiz_types import attempt, read_lessons_to_quiz
from .xapi_checks import check_all, trail, verb

BASE_IRI = "https://ce.example.org/xapi"
HOMEPAGE = "https://lms.example.org"
COURSE_IRI = f"{BASE_IRI}/course/self-compassion"
XAPI_BLOCK = f"\nxapi:\n  base_iri: {BASE_IRI}\n  lms_homepage: {HOMEPAGE}\n"
CODE_IRI = f"{BASE_IRI}/extension/certificate-code"
DATE_IRI = f"{BASE_IRI}/extension/certificate-date"


# ====================================================================== fixtures
@pytest.fixture(scope="module")
def ralph(lms_server, tmp_path_factory):
    lrs = Ralph(tmp_path_factory.mktemp("ralph"), cors_origins=[lms_server.url])
    lrs.start()
    yield lrs
    lrs.stop()


@dataclass
class Built:
    source: Path
    root: Path  # extracted package
    prefix: str  # URL path it is served under
    config: dict
    build_output: str

    @property
    def questions(self) -> list[dict]:
        return with_answers(self.config)

    @property
    def lessons(self) -> list[dict]:
        return self.config["lessons"]


def build(
    tmp_path_factory,
    lms_server,
    name: str,
    block: str,
    formats: str,
    *extra: str,
    env: dict | None = None,
    course: str = SAMPLE_COURSE,
) -> dict[str, Built]:
    """*course* (the sample) plus *block*, built with the CLI in *formats*; each package served under /<name>-<fmt>/."""
    source = tmp_path_factory.mktemp(f"src-{name}") / Path(course).name
    shutil.copytree(REPO_ROOT / course, source)
    with open(source / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(block)
    out = tmp_path_factory.mktemp(f"dist-{name}")
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", str(source), "-o", str(out), "--format", formats, *extra],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, f"build exited {proc.returncode}:\n{proc.stderr}"
    built = {}
    for fmt in formats.split(","):
        (zip_path,) = out.glob(f"*-{fmt}.zip")
        root = tmp_path_factory.mktemp(f"pkg-{name}-{fmt}")
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(root)
        parser = _ConfigScript()
        parser.feed((root / "index.html").read_text(encoding="utf-8"))
        prefix = f"/{name}-{fmt}/"
        lms_server.mount(prefix, root)
        built[fmt] = Built(source, root, prefix, json.loads(parser.text), proc.stdout + proc.stderr)
    return built


@pytest.fixture(scope="module")
def packages(tmp_path_factory, lms_server) -> dict[str, Built]:
    """SCORM package and Tin Can package of the sample course with xAPI on (no name, no relay, no key)."""
    return build(tmp_path_factory, lms_server, "xapi", XAPI_BLOCK, "scorm12,xapi")


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, lms_server, ralph) -> Built:
    """A SCORM package with Ralph's endpoint and key baked in (the explicit flag), sending the learner's name."""
    block = XAPI_BLOCK + "  learner_name: true\n"
    return build(
        tmp_path_factory,
        lms_server,
        "embed",
        block,
        "scorm12",
        "--xapi-embed-endpoint",
        ralph.endpoint,
        env={"COURSEPACK_XAPI_KEY": f"{ralph.username}:{ralph.password}"},
    )["scorm12"]


# ====================================================================== helpers
def new_learner() -> str:
    return f"learner-{uuid.uuid4().hex[:10]}"


def launch_url(package: Built, ralph: Ralph, **extra) -> str:
    """The package's page with the Tin Can launch parameters (endpoint and auth, plus *extra*)."""
    params = {"endpoint": ralph.endpoint, "auth": ralph.auth_value}
    params.update({k: json.dumps(v) if isinstance(v, dict) else v for k, v in extra.items()})
    return f"{package.prefix}index.html?{urlencode(params)}"


def statements_of(ralph: Ralph, learner: str) -> list[dict]:
    def mine(s):
        actor = s.get("actor", {})
        return (actor.get("account") or {}).get("name") == learner or actor.get(
            "mbox"
        ) == f"mailto:{learner}@example.org"

    return [s for s in ralph.statements() if mine(s)]


def wait_for(ralph: Ralph, learner: str, predicate, what: str, timeout: float = 30.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        found = statements_of(ralph, learner)
        if predicate(found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}; the LRS holds {trail(found)}")
        time.sleep(0.3)


def sco_frame(lms, prefix: str):
    """The package's frame (for reading ``window.coursepackXapi``)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for frame in lms.page.frames:
            if urlsplit(frame.url).path.startswith(prefix):
                return frame
        time.sleep(0.05)
    raise AssertionError(f"no frame under {prefix}")


def xapi_state(frame) -> dict:
    return frame.evaluate("() => window.coursepackXapi.state()")


def wait_state(frame, predicate, what: str, timeout: float = 45.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = xapi_state(frame)
        if predicate(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}; reporter state {state}")
        time.sleep(0.2)


def full_trail(package: Built, first: str = "initialized", end: tuple = ("terminated",)) -> Counter:
    """What a session that reads everything and passes sends."""
    expected = [(first, "course")] + [("experienced", f"lesson/{lesson['id']}") for lesson in package.lessons]
    expected += [("answered", f"quiz/question/{q['id']}") for q in package.questions]
    expected += [("passed", "course"), ("completed", "course")] + [(v, "course") for v in end]
    return Counter(expected)


def read_all_and_pass(sco, package: Built) -> None:
    read_lessons(sco, package.lessons)
    answer_quiz(sco, package.questions, correct_answers(package))
    expect(score_quiz(sco)).to_contain_text("100")


def check(statements: list[dict], since: datetime) -> None:
    check_all(statements, base_iri=BASE_IRI, language="en", since=since)


# ====================================================================== tests
def test_launch_parameters_full_session_and_completions_report(open_lms, packages, ralph, tmp_path):
    package = packages["scorm12"]
    learner = new_learner()
    since = datetime.now(timezone.utc)
    lms = open_lms(cmi=seed_cmi(student_id=learner), pkg=launch_url(package, ralph))
    frame = sco_frame(lms, package.prefix)
    read_all_and_pass(lms.sco, package)
    assert xapi_state(frame)["mode"] == "launch"
    finish = lms.close()
    assert finish.cmi["core"]["lesson_status"] == "passed"  # SCORM tracking as always

    expected = full_trail(package)
    found = wait_for(ralph, learner, lambda s: len(s) >= sum(expected.values()), "the whole trail")
    time.sleep(0.5)
    found = statements_of(ralph, learner)
    check(found, since)
    assert Counter(trail(found)) == expected
    order = trail(found)
    assert order[0] == ("initialized", "course") and order[-1] == ("terminated", "course")
    assert [v for v, _ in order].index("passed") > max(i for i, (v, _) in enumerate(order) if v == "answered")

    registrations = {s["context"]["registration"] for s in found}
    assert len(registrations) == 1
    for s in found:
        assert s["actor"] == {"objectType": "Agent", "account": {"homePage": HOMEPAGE, "name": learner}}
        ext = s["context"]["extensions"]
        assert ext == {f"{BASE_IRI}/extension/course-version": "1.0.0", f"{BASE_IRI}/extension/ce-credit-hours": 2}
        if verb(s) == "experienced":
            assert s["context"]["contextActivities"]["parent"] == [{"objectType": "Activity", "id": COURSE_IRI}]
    answers = {q["id"]: q["answer"] for q in package.questions}
    for s in (s for s in found if verb(s) == "answered"):
        qid = s["object"]["id"].rsplit("/", 1)[1]
        word = "true" if answers[qid] == "t" else "false"
        assert s["object"]["definition"]["interactionType"] == "true-false"
        assert s["object"]["definition"]["correctResponsesPattern"] == [word]
        assert s["result"]["response"] == word and s["result"]["success"] is True
        assert s["context"]["contextActivities"]["parent"][0]["id"] == f"{COURSE_IRI}/quiz"
        assert s["context"]["contextActivities"]["grouping"][0]["id"] == COURSE_IRI
    (passed,) = [s for s in found if verb(s) == "passed"]
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    assert passed["result"]["success"] is True
    (completed,) = [s for s in found if verb(s) == "completed"]
    assert completed["result"]["completion"] is True
    # It carries the CE certificate's verification code: the one a provider recomputes for this
    # learner, course, version and day (the browser and this machine share the clock).
    # Beside it, the date printed on the certificate: the learner's local date.
    day = datetime.now().astimezone().date().isoformat()
    code = verification_code("self-compassion", "1.0.0", learner, day)
    assert completed["result"]["extensions"] == {CODE_IRI: code, DATE_IRI: day}

    # The CE completions report lists this learner with the right score.
    creds = tmp_path / "lrs.json"
    creds.write_text(json.dumps({"endpoint": ralph.endpoint, "key": ralph.username, "secret": ralph.password}))
    creds.chmod(0o600)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "builder",
            "xapi",
            "completions",
            "--course",
            str(package.source),
            "--credentials",
            str(creds),
            "--format",
            "json",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert ralph.password not in proc.stdout + proc.stderr
    (row,) = [r for r in json.loads(proc.stdout) if r["learner"] == learner]
    assert row["result"] == "passed" and row["score"] == 100 and row["score_scaled"] == 1
    assert row["course_version"] == "1.0.0" and row["ce_credit_hours"] == 2
    assert row["registration"] == registrations.pop() and row["learner_homepage"] == HOMEPAGE
    assert row["completed_at"] == completed["timestamp"]
    assert row["duration_seconds"] > 0 and re.fullmatch(r"PT.+S|PT\d+M|PT\d+H.*", row["duration"])


def test_build_time_endpoint_sends_with_the_learner_name(open_lms, embedded, ralph):
    assert "anyone who can open a package can read it" in embedded.build_output
    assert ralph.password not in embedded.build_output and ralph.auth_value not in embedded.build_output
    learner = new_learner()
    since = datetime.now(timezone.utc)
    lms = open_lms(cmi=seed_cmi(student_id=learner, student_name="Student, Sam"), pkg=f"{embedded.prefix}index.html")
    frame = sco_frame(lms, embedded.prefix)
    read_lessons(lms.sco, embedded.lessons, 0, 2)
    assert xapi_state(frame)["mode"] == "build"
    lms.close()
    expected = Counter(
        [
            ("initialized", "course"),
            ("experienced", f"lesson/{embedded.lessons[0]['id']}"),
            ("experienced", f"lesson/{embedded.lessons[1]['id']}"),
            ("experienced", f"lesson/{embedded.lessons[2]['id']}"),
            ("suspended", "course"),
            ("terminated", "course"),
        ]
    )
    found = wait_for(ralph, learner, lambda s: Counter(trail(s)) == expected, "the partial trail with suspended")
    check(found, since)
    for s in found:
        assert s["actor"] == {
            "objectType": "Agent",
            "name": "Sam Student",
            "account": {"homePage": HOMEPAGE, "name": learner},
        }
    assert not [m for m in lms.console_errors if ralph.password in m or ralph.auth_value in m]


def test_lrs_stopped_mid_session_every_statement_arrives_exactly_once(open_lms, packages, ralph):
    package = packages["scorm12"]
    learner = new_learner()
    since = datetime.now(timezone.utc)
    lms = open_lms(cmi=seed_cmi(student_id=learner), pkg=launch_url(package, ralph))
    frame = sco_frame(lms, package.prefix)
    read_lessons(lms.sco, package.lessons, 0, 3)
    wait_state(frame, lambda s: s["queued"] == 0 and s["sent"] >= 4, "the first statements to be delivered")

    ralph.stop()
    try:
        read_all_and_pass_from(lms.sco, package, start=3)
        # SCORM tracking does not wait for the LRS: the LMS has the pass while statements queue up.
        lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_status"] == "passed", what="passed while the LRS is down")
        queued = wait_state(frame, lambda s: s["failures"] >= 1 and s["queued"] > 0, "failed deliveries")
        assert queued["queued"] >= 10
    finally:
        ralph.start()
    wait_state(frame, lambda s: s["queued"] == 0, "the queue to drain after the LRS came back", timeout=60)
    lms.close()
    expected = full_trail(package)
    found = wait_for(ralph, learner, lambda s: len(s) >= sum(expected.values()), "every statement")
    time.sleep(1.0)  # anything sent twice would show up now
    found = statements_of(ralph, learner)
    check(found, since)
    assert Counter(trail(found)) == expected


def read_all_and_pass_from(sco, package: Built, start: int) -> None:
    read_lessons(sco, package.lessons, start)
    answer_quiz(sco, package.questions, correct_answers(package))
    expect(score_quiz(sco)).to_contain_text("100")


def test_outbox_left_by_a_closed_session_is_sent_on_the_next_launch(open_lms, packages, ralph):
    package = packages["scorm12"]
    learner = new_learner()
    since = datetime.now(timezone.utc)
    ralph.stop()
    try:
        first = open_lms(cmi=seed_cmi(student_id=learner), pkg=launch_url(package, ralph))
        frame = sco_frame(first, package.prefix)
        read_lessons(first.sco, package.lessons, 0, 1)
        wait_state(frame, lambda s: s["failures"] >= 1, "a failed delivery")
        finish = first.close()
    finally:
        ralph.start()
    assert statements_of(ralph, learner) == []

    core = finish.cmi["core"]
    second = open_lms(
        cmi=seed_cmi(
            student_id=learner,
            entry="resume",
            lesson_location=core["lesson_location"],
            suspend_data=finish.cmi["suspend_data"],
            lesson_status=core["lesson_status"],
        ),
        pkg=launch_url(package, ralph),
    )
    lessons = [("experienced", f"lesson/{lesson['id']}") for lesson in package.lessons[:2]]
    expected = Counter(
        [("initialized", "course"), *lessons, ("suspended", "course"), ("terminated", "course"), ("resumed", "course")]
    )
    found = wait_for(
        ralph, learner, lambda s: Counter(trail(s)) == expected, "session 1's outbox and session 2's start"
    )
    check(found, since)
    assert len({s["context"]["registration"] for s in found}) == 1  # one attempt, two sessions
    second.sco.get_by_role("button", name="Continue where I left off").click()
    second.close()
    expected.update(
        [("experienced", f"lesson/{package.lessons[1]['id']}"), ("suspended", "course"), ("terminated", "course")]
    )
    found = wait_for(ralph, learner, lambda s: Counter(trail(s)) == expected, "session 2's end")
    check(found, since)


def test_page_closed_right_after_the_quiz_the_passed_statement_arrives(open_lms, packages, ralph):
    package = packages["scorm12"]
    learner = new_learner()
    since = datetime.now(timezone.utc)
    lms = open_lms(cmi=seed_cmi(student_id=learner), pkg=launch_url(package, ralph))
    sco = lms.sco
    sco.get_by_role("navigation", name="Course contents").get_by_role("button", name="Quiz", exact=True).click()
    expect(quiz_view(sco)).to_be_visible()
    answer_quiz(sco, package.questions, correct_answers(package))
    press_score(sco)
    lms.page.close(run_before_unload=True)  # no waiting for anything
    found = wait_for(
        ralph,
        learner,
        lambda s: "passed" in [verb(x) for x in s] and "terminated" in [verb(x) for x in s],
        "the passed and terminated statements",
        timeout=20,
    )
    time.sleep(0.5)
    found = statements_of(ralph, learner)
    check(found, since)
    counts = Counter(verb(s) for s in found)
    assert counts["passed"] == 1 and counts["answered"] == len(package.questions)
    assert counts["suspended"] == 1 and counts["terminated"] == 1  # lessons unread: not finished
    assert counts["completed"] == 0


def test_tin_can_package_launches_with_launch_parameters_and_reports(context, lms_server, packages, ralph):
    package = packages["xapi"]
    assert (package.root / "tincan.xml").is_file()
    learner = new_learner()
    registration = str(uuid.uuid4())
    since = datetime.now(timezone.utc)
    actor = {"objectType": "Agent", "mbox": f"mailto:{learner}@example.org", "name": "Tin Can Learner"}
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(
        lms_server.url + launch_url(package, ralph, actor=actor, registration=registration, activity_id=COURSE_IRI)
    )
    expect(page.get_by_role("status").filter(has_text="recorded by your learning record store")).to_be_visible()
    press_start(page)
    read_lessons(page, package.lessons)
    answer_quiz(page, package.questions, correct_answers(package))
    expect(score_quiz(page)).to_contain_text("100")
    # No LMS, yet the learner who passed gets the certificate: made out to the launch actor's name,
    # its code computed with the actor's mbox as the learner id (as the completions report takes it).
    view = open_certificate(page)
    expect(view.locator("[data-certificate-name]")).to_have_text("Tin Can Learner")
    date = view.locator("[data-certificate-date]").get_attribute("datetime")
    assert date == browser_today(page)
    code = verification_code("self-compassion", "1.0.0", f"mailto:{learner}@example.org", date)
    expect(view.locator("[data-certificate-code]")).to_have_text(code)
    page.close(run_before_unload=True)
    expected = full_trail(package)
    found = wait_for(ralph, learner, lambda s: len(s) >= sum(expected.values()), "the Tin Can trail")
    check(found, since)
    assert Counter(trail(found)) == expected
    for s in found:
        assert s["actor"] == {"objectType": "Agent", "mbox": f"mailto:{learner}@example.org"}  # no name: off
        assert s["context"]["registration"] == registration
        assert "grouping" not in (s["context"].get("contextActivities") or {}) or verb(s) == "answered"
    (completed,) = [s for s in found if verb(s) == "completed"]
    assert completed["result"]["extensions"] == {CODE_IRI: code, DATE_IRI: date}
    assert errors == []


def test_without_a_launch_actor_no_certificate_is_offered(context, lms_server, packages):
    """The same Tin Can package opened without launch parameters: nobody records the course, so no certificate."""
    package = packages["xapi"]
    page = context.new_page()
    page.goto(lms_server.url + f"{package.prefix}index.html")
    expect(page.get_by_role("status").filter(has_text="not being recorded")).to_be_visible()
    press_start(page)
    read_lessons(page, package.lessons)
    answer_quiz(page, package.questions, correct_answers(package))
    expect(score_quiz(page)).to_contain_text("100")
    assert page.evaluate("() => window.coursepack.state().certificate") == {"available": False, "open": False}
    contents = page.get_by_role("navigation", name="Course contents")
    expect(contents.get_by_role("button", name="Certificate")).to_be_hidden()
    assert page.evaluate("() => window.coursepackXapi.state().mode") is None


class FakeRelay:
    """Stands in for the relay of a later issue: records what the package posts (no LRS behind it)."""

    def __init__(self, origin: str):
        self.requests: list[dict] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status: int):
                self.send_response(status)
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_OPTIONS(self):  # noqa: N802 - a preflight: must never happen
                relay.requests.append({"method": "OPTIONS", "headers": dict(self.headers), "body": ""})
                self._answer(204)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                relay.requests.append({"method": "POST", "headers": dict(self.headers), "body": body})
                self._answer(204)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/xapi/statements"

    def statements(self) -> list[dict]:
        return [s for r in self.requests if r["method"] == "POST" for s in json.loads(r["body"])]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_relay_mode_posts_plain_text_batches_without_credentials(open_lms, tmp_path_factory, lms_server):
    relay = FakeRelay(lms_server.url)
    try:
        package = build(tmp_path_factory, lms_server, "relay", XAPI_BLOCK + f"  relay_url: {relay.url}\n", "scorm12")[
            "scorm12"
        ]
        assert package.config["xapi"]["relay"] == relay.url and package.config["xapi"]["auth"] is None
        learner = new_learner()
        since = datetime.now(timezone.utc)
        lms = open_lms(cmi=seed_cmi(student_id=learner), pkg=f"{package.prefix}index.html")
        frame = sco_frame(lms, package.prefix)
        read_lessons(lms.sco, package.lessons, 0, 1)
        assert xapi_state(frame)["mode"] == "relay"
        lms.close()
        deadline = time.monotonic() + 15
        while Counter(verb(s) for s in relay.statements())["terminated"] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        statements = relay.statements()
        assert Counter(trail(statements)) == Counter(
            [
                ("initialized", "course"),
                ("experienced", f"lesson/{package.lessons[0]['id']}"),
                ("experienced", f"lesson/{package.lessons[1]['id']}"),
                ("suspended", "course"),
                ("terminated", "course"),
            ]
        )
        check(statements, since)
        assert [r["method"] for r in relay.requests] == ["POST"] * len(relay.requests)  # never a preflight
        for r in relay.requests:
            headers = {k.lower(): v for k, v in r["headers"].items()}
            assert headers["content-type"].startswith("text/plain")
            assert "authorization" not in headers
    finally:
        relay.close()


XAPI_TYPES = {
    "true-false": "true-false",
    "single-choice": "choice",
    "multiple-response": "choice",
    "fill-in": "fill-in",
    "numeric": "numeric",
    "matching": "matching",
    "sequencing": "sequencing",
    "likert": "likert",
}


def xapi_format(interaction: str, scorm_value: str) -> str:
    """A SCORM 1.2 response or pattern in xAPI's format (xAPI Data 2.4.4.1), written out independently."""
    if interaction == "true-false":
        return {"t": "true", "f": "false"}[scorm_value]
    if interaction in ("choice", "sequencing"):
        return "[,]".join(scorm_value.split(","))
    if interaction == "matching":
        return "[,]".join("[.]".join(pair.split(".")) for pair in scorm_value.split(","))
    return scorm_value


def test_every_question_type_is_answered_in_xapi_terms(open_lms, tmp_path_factory, lms_server, ralph):
    package = build(tmp_path_factory, lms_server, "showcase", XAPI_BLOCK, "scorm12", course="course_src/quiz-showcase")[
        "scorm12"
    ]
    learner = new_learner()
    since = datetime.now(timezone.utc)
    lms = open_lms(cmi=seed_cmi(student_id=learner), pkg=launch_url(package, ralph))
    read_lessons_to_quiz(lms, package)
    answered = attempt(lms, package, right)
    assert {q["type"] for q, _ in answered} == set(XAPI_TYPES)
    expect(score_quiz(lms.sco)).to_contain_text("100")
    found = wait_for(ralph, learner, lambda s: "passed" in [verb(x) for x in s], "the passed statement")
    found = wait_for(ralph, learner, lambda s: Counter(map(verb, s))["answered"] >= len(answered), "every answer")
    check(found, since)
    statements = {s["object"]["id"].rsplit("/", 1)[1]: s for s in found if verb(s) == "answered"}
    assert list(statements) == [q["id"] for q, _ in answered]  # page order, one each
    for q, value in answered:
        s = statements[q["id"]]
        definition, result = s["object"]["definition"], s["result"]
        kind = XAPI_TYPES[q["type"]]
        assert definition["interactionType"] == kind, q["id"]
        assert definition["name"] == {"en": q["text"]}
        assert result["response"] == xapi_format(kind, scorm_response(q, value)), q["id"]
        expected_patterns = [xapi_format(kind, p) for p in scorm_patterns(q)]
        assert definition.get("correctResponsesPattern", []) == expected_patterns, q["id"]
        if q["type"] == "likert":
            assert "success" not in result
            assert [c["id"] for c in definition["scale"]] == [p["id"] for p in q["scale"]]
        else:
            assert result["success"] is True, q["id"]
        if kind == "choice":
            assert {c["id"]: c["description"]["en"] for c in definition["choices"]} == {
                c["id"]: c["text"] for c in q["choices"]
            }
        if kind == "matching":
            assert [c["id"] for c in definition["source"]] == [x["id"] for x in q["sources"]]
            assert {c["id"]: c["description"]["en"] for c in definition["target"]} == {
                x["id"]: x["text"] for x in q["targets"]
            }
        if kind == "sequencing":
            assert {c["id"]: c["description"]["en"] for c in definition["choices"]} == {
                x["id"]: x["text"] for x in q["items"]
            }
    lms.close()


SHOWCASE_IRI = f"{BASE_IRI}/course/quiz-showcase"
CMI_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"


def test_the_course_evaluation_reaches_the_lrs_as_unscored_answers(open_lms, tmp_path_factory, lms_server, ralph):
    """The showcase's required evaluation, rated and commented in Chromium, read back from Ralph.

    One 'answered' per rated item (likert over the evaluation's scale) and one for the comment
    (fill-in, the one line the LMS got): the course as parent, the attempt's registration, never a
    score, a success or a correct answer. The relay, given the same course, accepts them as they are.
    """
    package = build(
        tmp_path_factory, lms_server, "showcase-eval", XAPI_BLOCK, "scorm12", course="course_src/quiz-showcase"
    )["scorm12"]
    evaluation = package.config["quiz"]["evaluation"]
    items, scale = evaluation["items"], evaluation["scale"]
    assert evaluation["required"] and evaluation["comment"]["id"] == "eval_comment"
    learner = new_learner()
    since = datetime.now(timezone.utc)
    lms = open_lms(cmi=seed_cmi(student_id=learner), pkg=launch_url(package, ralph))
    frame = sco_frame(lms, package.prefix)
    read_lessons_to_quiz(lms, package)
    answered = attempt(lms, package, right)
    expect(score_quiz(lms.sco)).to_contain_text("100")
    # passed, but incomplete until the required evaluation is sent: no 'completed' yet
    found = wait_for(ralph, learner, lambda s: "passed" in [verb(x) for x in s], "the passed statement")
    assert "completed" not in [verb(x) for x in found]

    box = quiz_view(lms.sco).locator("[data-evaluation]")
    ratings = {items[0]["id"]: "5", items[1]["id"]: "4", items[2]["id"]: "2"}
    for item in items:
        box.locator(f'fieldset[data-question-id="{item["id"]}"]').get_by_role(
            "radio", name=scale[int(ratings[item["id"]]) - 1]["text"], exact=True
        ).check()
    box.get_by_label(evaluation["comment"]["text"]).fill("  More cases\nfrom the wards,  please.  ")
    box.get_by_role("button", name="Send my evaluation").click()
    expect(box).to_contain_text("Your evaluation has been recorded")
    done = lms.wait_for_commit(lambda c: c.cmi["core"]["lesson_status"] == "passed", what="passed after the evaluation")
    survey = {r["id"]: r for r in interactions(done.cmi)[len(answered) :]}
    comment = "More cases from the wards, please."
    assert {k: r["student_response"] for k, r in survey.items()} == {**ratings, "eval_comment": comment}

    def arrived(s):
        return "completed" in [verb(x) for x in s] and sum("/evaluation/" in x["object"]["id"] for x in s) >= 4

    found = wait_for(ralph, learner, arrived, "the evaluation and completed statements")
    registration = xapi_state(frame)["registration"]
    lms.close()
    time.sleep(0.5)  # anything sent twice would show up now
    found = statements_of(ralph, learner)
    check(found, since)  # the xAPI JSON Schema and the rules it cannot check

    rated = [s for s in found if "/evaluation/" in s["object"]["id"]]
    assert Counter(trail(rated)) == Counter(
        [("answered", f"evaluation/{item['id']}") for item in items] + [("answered", "evaluation/eval_comment")]
    )
    by_item = {s["object"]["id"].rsplit("/", 1)[1]: s for s in rated}
    config_items = package.config["xapi"]["evaluation"]
    for item in items + [evaluation["comment"]]:
        s = by_item[item["id"]]
        comment_box = item["id"] == "eval_comment"
        assert s["verb"] == {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}}
        assert s["object"]["id"] == f"{SHOWCASE_IRI}/evaluation/{item['id']}" == config_items[item["id"]]["id"]
        expected = {
            "type": CMI_INTERACTION,
            "name": {"en": item["text"]},
            "interactionType": "fill-in" if comment_box else "likert",
        }
        if not comment_box:
            expected["scale"] = [{"id": p["id"], "description": {"en": p["text"]}} for p in scale]
        assert s["object"]["definition"] == expected == config_items[item["id"]]["definition"]
        # the response in the SCORM interaction's format; never scored
        assert s["result"]["response"] == survey[item["id"]]["student_response"]
        assert s["result"]["response"] == (comment if comment_box else ratings[item["id"]])
        assert set(s["result"]) <= {"response", "duration"}
        assert s["context"]["registration"] == registration
        assert s["context"]["contextActivities"] == {"parent": [{"objectType": "Activity", "id": SHOWCASE_IRI}]}
        assert s["actor"] == {"objectType": "Agent", "account": {"homePage": HOMEPAGE, "name": learner}}
    assert {s["context"]["registration"] for s in found} == {registration}
    # the evaluation completes the course: 'completed' comes after the ratings
    (completed,) = [s for s in found if verb(s) == "completed"]
    assert all(s["timestamp"] <= completed["timestamp"] for s in rated)
    assert Counter(verb(s) for s in found)["answered"] == len(answered) + len(rated)

    # The relay, given this course, accepts exactly these statements (as the package sent them).
    from builder.xapi.relay.allowlist import load_allowlist
    from builder.xapi.relay.rules import STATEMENT_KEYS, Checker

    sent = [{k: v for k, v in s.items() if k in STATEMENT_KEYS} for s in found]
    Checker(load_allowlist([package.source])).check_batch(sent)
