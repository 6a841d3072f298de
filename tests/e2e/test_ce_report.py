"""``coursepack xapi completions`` against a real Ralph: the CE board's columns, first completions, increments.

Ralph answers three statements per page here, so every query pages through ``more`` links. The
statements are the package's (tests/xapi/relay_statements.py) with timestamps set by hand and are
stored straight in Ralph; two releases of the sample course (1.0.0, and 1.1.0 with another
provider and 3 credit hours) give the titles, providers and approval statements.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid

import pytest
from click.testing import CliRunner
from xapi.relay_statements import Session

from builder.certificate import verification_code
from builder.cli import main
from builder.xapi.releases import release_from_source

from .ralph_lrs import Ralph
from .test_xapi_lrs import BASE_IRI, HOMEPAGE, REPO_ROOT

COURSE = f"{BASE_IRI}/course/self-compassion"
APPROVAL_2 = 'Approved by the "Board", No. 12, 2026.'


@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    lrs = Ralph(tmp_path_factory.mktemp("ralph-report"), cors_origins=[], page_size=3)
    lrs.start()
    yield lrs
    lrs.stop()


def _release(root, version: str, hours: int, provider: str, approval: str):
    shutil.copytree(REPO_ROOT / "course_src" / "self-compassion", root)
    text = (root / "course.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1.0.0", f"version: {version}").replace("credit_hours: 2", f"credit_hours: {hours}")
    lines = [f'  provider: "{provider}"' if line.startswith("  provider:") else line for line in text.splitlines()]
    lines = [f"  approval: '{approval}'" if line.startswith("  approval:") else line for line in lines]
    text = "\n".join(lines) + f"\nxapi:\n  base_iri: {BASE_IRI}\n  lms_homepage: {HOMEPAGE}\n  learner_name: true\n"
    (root / "course.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    base = tmp_path_factory.mktemp("releases")
    one = _release(base / "v1" / "self-compassion", "1.0.0", 2, "Compassion Institute", "Approved for 2 hours.")
    two = _release(base / "v2" / "self-compassion", "1.1.0", 3, "Other Provider", APPROVAL_2)
    return one, two


class Learner:
    """A learner's sessions, with timestamps and durations set by hand."""

    def __init__(self, release, name: str, full_name: str | None = None):
        config = release_from_source(release).config
        self.config = config
        self.name = name
        self.session = Session(config["xapi"], name, config=config)
        if full_name:
            self.session.actor["name"] = full_name

    def new_registration(self) -> str:
        self.session.registration = str(uuid.uuid4())
        return self.session.registration

    def at(self, statement: dict, timestamp: str, duration: str | None = None) -> dict:
        statement["timestamp"] = timestamp
        if duration:
            statement["result"]["duration"] = duration
        return statement

    def code(self, day: str) -> str:
        return verification_code("self-compassion", self.config["course"]["version"], self.name, day)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["xapi", "completions", *args])
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr  # bytes: CRLF kept


@pytest.fixture(scope="module")
def world(ralph, releases, tmp_path_factory):
    """The statements of four learners, and the common options of the command."""
    one, two = releases
    creds = tmp_path_factory.mktemp("creds") / "lrs.json"
    creds.write_text(json.dumps({"endpoint": ralph.endpoint, "key": ralph.username, "secret": ralph.password}))
    creds.chmod(0o600)
    ann = Learner(one, "ann", "Zoë Ann Smith")
    reg_a = ann.session.registration
    s = ann.session
    ralph.post(
        [
            ann.at(s.initialized(), "2026-03-01T22:00:00.000Z"),
            ann.at(s.scored(50, False), "2026-03-01T22:40:00.000Z"),
            ann.at(s.terminated(), "2026-03-01T22:50:00.000Z", "PT30M"),
            ann.at(s.scored(87.5, True), "2026-03-01T23:29:00.000Z"),
            # the learner's clock is past midnight: the certificate says March 2
            ann.at(s.completed(code=ann.code("2026-03-02"), date="2026-03-02"), "2026-03-01T23:30:00.000Z"),
            ann.at(s.terminated(), "2026-03-01T23:31:00.000Z", "PT1H0M1.5S"),
        ]
    )
    ann.new_registration()  # a second LMS attempt of the same release: not reported again
    ralph.post([ann.at(s.completed(code=ann.code("2026-03-05")), "2026-03-05T10:00:00.000Z")])
    ann2 = Learner(two, "ann", "Zoë Ann Smith")  # the next release: reported
    reg_a2 = ann2.session.registration
    ralph.post(
        [
            ann2.at(ann2.session.scored(100, True), "2026-04-01T09:00:00.000Z"),
            ann2.at(ann2.session.completed(code=ann2.code("2026-04-01")), "2026-04-01T09:00:01.000Z"),
        ]
    )
    bo = Learner(one, "bo")
    # a code without the printed date (today's runtime): the day before the UTC date fits (UTC-5)
    ralph.post(
        [
            bo.at(bo.session.scored(60, False), "2026-03-03T02:00:00.000Z"),
            bo.at(bo.session.completed(code=bo.code("2026-03-02")), "2026-03-03T02:10:00.000Z"),
        ]
    )
    cy = Learner(one, "=cy")
    ralph.post([cy.at(cy.session.completed(), "2026-03-04T12:00:00.000Z")])
    other = json.loads(json.dumps(cy.session.completed()))
    other["object"]["id"] = f"{BASE_IRI}/course/another-course"
    ralph.post([other])
    options = ["--course", str(one), "--release", str(two.parent), "--credentials", str(creds)]
    return {"options": options, "reg_a": reg_a, "reg_a2": reg_a2, "bo": bo.session.registration, "ralph": ralph}


def test_one_row_per_learner_and_release_with_the_boards_columns(world):
    code, out, err = run(*world["options"])
    assert code == 0, err
    assert "\r\n" in out and out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["learner"], r["course_version"]) for r in rows] == [
        ("ann", "1.0.0"),
        ("bo", "1.0.0"),
        ("'=cy", "1.0.0"),  # a formula is never a formula
        ("ann", "1.1.0"),
    ]
    ann, bo, cy, ann2 = rows
    assert ann == {
        "learner": "ann",
        "learner_name": "Zoë Ann Smith",
        "learner_homepage": HOMEPAGE,
        "course_id": "self-compassion",
        "course_title": "Self-Compassion for Clinicians",
        "course_version": "1.0.0",
        "provider": "Compassion Institute",
        "approval": "Approved for 2 hours.",
        "ce_credit_hours": "2",
        "completion_date": "2026-03-02",
        "completed_at": "2026-03-01T23:30:00.000Z",
        "result": "passed",
        "score": "87.5",
        "score_scaled": "0.875",
        "verification_code": verification_code("self-compassion", "1.0.0", "ann", "2026-03-02"),
        "registration": world["reg_a"],
        "duration": "PT1H30M1.5S",
        "duration_seconds": "5401.5",
        "course": COURSE,
    }
    assert (bo["completion_date"], bo["result"], bo["score"]) == ("2026-03-02", "completed", "60")
    assert (cy["completion_date"], cy["verification_code"], cy["learner_name"]) == ("2026-03-04", "", "")
    assert (ann2["provider"], ann2["approval"], ann2["ce_credit_hours"]) == ("Other Provider", APPROVAL_2, "3")
    assert ann2["registration"] == world["reg_a2"] and ann2["score"] == "100"
    assert f'"{APPROVAL_2.replace(chr(34), chr(34) * 2)}"' in out  # quoted, inner quotes doubled


def test_every_code_listed_checks_out_with_verify_code(world):
    code, out, err = run(*world["options"], "--format", "json")
    assert code == 0, err
    rows = [r for r in json.loads(out) if r["verification_code"]]
    assert len(rows) == 3
    for row in rows:
        args = ["verify-code", "--course", row["course_id"], "--version", row["course_version"]]
        args += ["--learner", row["learner"], "--date", row["completion_date"], "--code", row["verification_code"]]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (row["learner"], result.output)


def test_columns_are_chosen_and_renamed(world, tmp_path):
    out = tmp_path / "board.csv"
    columns = "learner=Licence number,learner_name=Name,completion_date=Date completed,ce_credit_hours=Hours"
    code, _, err = run(
        *world["options"], "--columns", columns, "--columns", "verification_code=Certificate", "-o", str(out)
    )
    assert code == 0, err
    data = out.read_bytes()
    assert data.startswith(b"Licence number,Name,Date completed,Hours,Certificate\r\n")
    first = data.decode("utf-8").split("\r\n")[1]
    assert first.startswith("ann,Zoë Ann Smith,2026-03-02,2,")
    code, _, err = run(*world["options"], "--columns", "learner,grade")
    assert code == 2 and "no column 'grade'" in err and "verification_code" in err


def test_since_reports_first_completions_only(world):
    code, out, err = run(*world["options"], "--since", "2026-03-04", "--format", "json")
    assert code == 0, err
    # ann's second completion of 1.0.0 (March 5) is not a first one; cy's (March 4) and 1.1.0 are
    assert [(r["learner"], r["course_version"]) for r in json.loads(out)] == [("=cy", "1.0.0"), ("ann", "1.1.0")]


def test_incremental_runs_report_each_completion_once(world, releases, tmp_path):
    state = tmp_path / "nightly.json"
    code, out, err = run(*world["options"], "--state", str(state), "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)) == 4
    assert state.stat().st_size < 1024
    dee = Learner(releases[0], "dee")
    world["ralph"].post([dee.session.scored(80, True), dee.session.completed(code=dee.code(_today()))])
    code, out, err = run(*world["options"], "--state", str(state), "--format", "json")
    assert code == 0, err
    (row,) = json.loads(out)
    assert (row["learner"], row["result"], row["score"]) == ("dee", "passed", 80)
    dee.new_registration()  # dee completes the same release again: not a first completion
    world["ralph"].post([dee.session.completed(code=dee.code(_today()))])
    code, out, err = run(*world["options"], "--state", str(state), "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    code, out, err = run(*world["options"], "--state", str(state), "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    other = tmp_path / "other.json"
    other.write_text(
        json.dumps({"format": 1, "course": f"{BASE_IRI}/course/x", "stored": "2026-01-01T00:00:00Z", "ids": []})
    )
    code, _, err = run(*world["options"], "--state", str(other))
    assert code == 2 and "the state of another course" in err


def _today() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).date().isoformat()
