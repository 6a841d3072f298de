"""``coursepack xapi ping`` and ``completions`` against a small stand-in LRS: exit codes, messages, no secret.

The real LRS (Ralph) is used by the end-to-end tests (tests/e2e/test_xapi_*.py); these check what
Ralph cannot be made to do on demand: refuse credentials, forbid reading, page in tiny pages.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from builder.cli import main
from builder.xapi import report

from .conftest import BASE_IRI

SECRET = "Sup3r-S3cret-Value"
COURSE = f"{BASE_IRI}/course/self-compassion"
VERBS = "http://adlnet.gov/expapi/verbs/"
EXT = f"{BASE_IRI}/extension/"


def _statement(verb, learner, registration, timestamp, result=None, version="1.0.0"):
    s = {
        "id": f"00000000-0000-4000-8000-{abs(hash((verb, learner, registration, timestamp))) % 10**12:012d}",
        "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": learner}},
        "verb": {"id": VERBS + verb},
        "object": {"objectType": "Activity", "id": COURSE},
        "context": {
            "registration": registration,
            "extensions": {EXT + "course-version": version, EXT + "ce-credit-hours": 2},
        },
        "timestamp": timestamp,
    }
    if result:
        s["result"] = result
    return s


REG_A = "11111111-1111-4111-8111-111111111111"
REG_B = "22222222-2222-4222-8222-222222222222"
REG_C = "33333333-3333-4333-8333-333333333333"
STATEMENTS = [
    _statement(
        "failed",
        "ann",
        REG_A,
        "2026-03-01T10:00:00.000Z",
        {"score": {"scaled": 0.5, "raw": 50, "min": 0, "max": 100}, "success": False, "duration": "PT10M"},
    ),
    _statement(
        "passed",
        "ann",
        REG_A,
        "2026-03-01T10:20:00.000Z",
        {"score": {"scaled": 0.875, "raw": 87.5, "min": 0, "max": 100}, "success": True, "duration": "PT20M"},
    ),
    _statement("completed", "ann", REG_A, "2026-03-01T10:21:00.000Z", {"completion": True, "duration": "PT21M"}),
    _statement("terminated", "ann", REG_A, "2026-03-01T09:00:00.000Z", {"duration": "PT30M"}),
    _statement("terminated", "ann", REG_A, "2026-03-01T10:30:00.000Z", {"duration": "PT1H0M1.5S"}),
    _statement(
        "completed",
        "=cmd",
        REG_B,
        "2026-04-02T08:00:00.000Z",
        {"completion": True, "duration": "PT5M"},
        version="1.1.0",
    ),
    _statement(
        "failed",
        "bob",
        REG_C,
        "2026-04-03T08:00:00.000Z",
        {"score": {"scaled": 0.25, "raw": 25, "min": 0, "max": 100}, "success": False},
    ),
]


class FakeLRS:
    """Answers about and statements (verb/activity/since filters, pages of one with 'more')."""

    def __init__(self, *, about=404, read=200, auth=None):
        self.about, self.read = about, read
        self.auth = auth or "Basic " + base64.b64encode(f"reader:{SECRET}".encode()).decode()
        self.requests = []
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                lrs.requests.append((self.path, dict(self.headers)))
                parts = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/xAPI/about":
                    if lrs.about == 200:
                        return self._json(200, {"version": ["1.0.3"]})
                    return self._json(lrs.about, {"detail": "Not Found"})
                if parts.path != "/xAPI/statements":
                    return self._json(404, {"detail": "Not Found"})
                if self.headers.get("Authorization") != lrs.auth:
                    return self._json(401, {"detail": f"Invalid credentials {self.headers.get('Authorization')}"})
                if lrs.read != 200:
                    return self._json(lrs.read, {"detail": "no read scope"})
                found = [
                    s
                    for s in STATEMENTS
                    if (not q.get("verb") or s["verb"]["id"] == q["verb"])
                    and (not q.get("activity") or s["object"]["id"] == q["activity"])
                    and (not q.get("since") or s["timestamp"] > q["since"])
                ]
                start = int(q.get("page", 0))
                page = {"statements": found[start : start + 1]}
                if start + 1 < len(found):
                    rest = {k: v for k, v in q.items() if k != "page"}
                    page["more"] = "/xAPI/statements?" + urlencode({**rest, "page": start + 1})
                return self._json(200, page)

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}/xAPI/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def lrs():
    servers = []

    def start(**kw):
        servers.append(FakeLRS(**kw))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _env(endpoint, key="reader", secret=SECRET):
    return {"COURSEPACK_LRS_ENDPOINT": endpoint, "COURSEPACK_LRS_KEY": key, "COURSEPACK_LRS_SECRET": secret}


def _no_secret(result):
    text = result.output + result.stderr
    assert SECRET not in text
    assert base64.b64encode(f"reader:{SECRET}".encode()).decode() not in text


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------ ping
def test_ping_without_credentials_exits_2_and_names_the_variables(runner):
    result = runner.invoke(main, ["xapi", "ping", "--endpoint", "https://lrs.example.org/xAPI/"])
    assert result.exit_code == 2
    assert "$COURSEPACK_LRS_KEY and $COURSEPACK_LRS_SECRET" in result.stderr


def test_ping_has_no_option_for_a_secret(runner):
    result = runner.invoke(main, ["xapi", "ping", "--password", SECRET])
    assert result.exit_code == 2 and "No such option" in result.stderr


def test_ping_ok(runner, lrs):
    server = lrs(about=200)
    result = runner.invoke(main, ["xapi", "ping"], env=_env(server.endpoint))
    assert result.exit_code == 0, result.stderr
    assert result.output == f"ok: {server.endpoint} answers (xAPI 1.0.3); credentials accepted; statements readable\n"
    assert all(headers.get("X-Experience-API-Version") == "1.0.3" for _, headers in server.requests)
    _no_secret(result)


def test_ping_with_a_write_only_key_succeeds_with_a_note(runner, lrs):
    server = lrs(read=403)
    result = runner.invoke(main, ["xapi", "ping"], env=_env(server.endpoint))
    assert result.exit_code == 0, result.stderr
    assert "no /about document" in result.output and "cannot read statements" in result.output


def test_ping_refused_credentials_exit_1_without_echoing_them(runner, lrs):
    server = lrs()
    result = runner.invoke(main, ["xapi", "ping"], env=_env(server.endpoint, secret=SECRET + "-wrong"))
    assert result.exit_code == 1
    assert "the LRS refused the credentials (401 Unauthorized)" in result.stderr
    assert SECRET not in result.output + result.stderr  # the server echoed the header: scrubbed


def test_ping_unreachable_lrs_exit_1(runner):
    endpoint = f"http://127.0.0.1:{_closed_port()}/xAPI/"
    result = runner.invoke(main, ["xapi", "ping", "--timeout", "2"], env=_env(endpoint))
    assert result.exit_code == 1
    assert "connection refused" in result.stderr and "Traceback" not in result.stderr
    _no_secret(result)


def test_ping_times_out(runner):
    with socket.socket() as sock:  # accepts connections, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}/xAPI/"
        result = runner.invoke(main, ["xapi", "ping", "--timeout", "0.5"], env=_env(endpoint))
    assert result.exit_code == 1
    assert "no answer from 127.0.0.1" in result.stderr and "within 0.5 s" in result.stderr


def test_ping_wrong_endpoint_path(runner, lrs):
    server = lrs()
    result = runner.invoke(main, ["xapi", "ping"], env=_env(server.endpoint.replace("/xAPI/", "/lrs/")))
    assert result.exit_code == 1
    assert "404 Not Found" in result.stderr and "check the endpoint" in result.stderr


def test_credentials_file(runner, lrs, tmp_path):
    server = lrs()
    path = tmp_path / "lrs.json"
    path.write_text(json.dumps({"endpoint": server.endpoint, "key": "reader", "secret": SECRET}))
    os.chmod(path, 0o644)
    result = runner.invoke(main, ["xapi", "ping", "--credentials", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "can be read by other users" in result.stderr
    os.chmod(path, 0o600)
    result = runner.invoke(main, ["xapi", "ping"], env={"COURSEPACK_LRS_CREDENTIALS": str(path)})
    assert result.exit_code == 0 and "other users" not in result.stderr
    _no_secret(result)
    path.write_text(json.dumps({"endpoint": server.endpoint, "key": "reader"}))
    result = runner.invoke(main, ["xapi", "ping", "--credentials", str(path)])
    assert result.exit_code == 2 and "has no 'secret'" in result.stderr
    path.write_text("endpoint=x")
    result = runner.invoke(main, ["xapi", "ping", "--credentials", str(path)])
    assert result.exit_code == 2 and "is not JSON" in result.stderr


# ------------------------------------------------------------------ completions
def test_completions_csv_follows_more_links(runner, lrs):
    server = lrs()
    result = runner.invoke(main, ["xapi", "completions", "--course", COURSE], env=_env(server.endpoint))
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["learner"] for r in rows] == ["ann", "'=cmd"]  # a formula is never a formula
    ann = rows[0]
    assert ann["result"] == "passed" and ann["score"] == "87.5" and ann["score_scaled"] == "0.875"
    assert ann["registration"] == REG_A and ann["course_version"] == "1.0.0" and ann["ce_credit_hours"] == "2"
    assert ann["completed_at"] == "2026-03-01T10:21:00.000Z"
    assert ann["duration"] == "PT1H30M1.5S" and ann["duration_seconds"] == "5401.5"  # both sessions
    assert rows[1]["result"] == "completed" and rows[1]["score"] == "" and rows[1]["course_version"] == "1.1.0"
    assert any("page=1" in path for path, _ in server.requests)
    _no_secret(result)


def test_completions_since_and_json_file(runner, lrs, tmp_path):
    server = lrs()
    out = tmp_path / "report" / "ce.json"
    result = runner.invoke(
        main,
        [
            "xapi",
            "completions",
            "--course",
            "self-compassion",
            "--base-iri",
            BASE_IRI,
            "--since",
            "2026-04-01",
            "-o",
            str(out),
        ],
        env=_env(server.endpoint),
    )
    assert result.exit_code == 0, result.stderr
    assert f"1 completion of {COURSE} written to {out}" in result.stderr
    (row,) = json.loads(out.read_text())
    assert row["learner"] == "=cmd" and row["result"] == "completed"
    assert any("since=2026-04-01T00%3A00%3A00.000Z" in path for path, _ in server.requests)


def test_completions_course_from_its_folder(runner, lrs, course_dir):
    server = lrs()
    result = runner.invoke(
        main, ["xapi", "completions", "--course", str(course_dir()), "--format", "json"], env=_env(server.endpoint)
    )
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.output)) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["--course", COURSE, "--since", "last week"], "is not a date"),
        (["--course", "self-compassion"], "needs the course's base IRI"),
        (["--course", "https://example.org/not-a-course"], "not a coursepack course IRI"),
        (["--course", COURSE, "--format", "xml"], "'xml' is not one of"),
    ],
)
def test_completions_bad_input_exits_2(runner, lrs, args, message):
    server = lrs()
    result = runner.invoke(main, ["xapi", "completions", *args], env=_env(server.endpoint))
    assert result.exit_code == 2
    assert message in result.stderr


def test_completions_forbidden_read_exit_1(runner, lrs):
    server = lrs(read=403)
    result = runner.invoke(main, ["xapi", "completions", "--course", COURSE], env=_env(server.endpoint))
    assert result.exit_code == 1
    assert "statements/read scope" in result.stderr


def test_durations():
    assert report.duration_seconds("PT1H2M3.25S") == 3723.25
    assert report.duration_seconds("P1DT1S") == 86401
    assert report.duration_seconds("PT") is None and report.duration_seconds("42 minutes") is None
    assert report.iso_duration(3723.25) == "PT1H2M3.25S"
    assert report.iso_duration(60) == "PT1M" and report.iso_duration(0) == "PT0S"


def test_completions_bad_state_file_or_column_exits_2_before_asking_the_lrs(runner, lrs, tmp_path):
    server = lrs()
    state = tmp_path / "state.json"
    state.write_text("{not json", encoding="utf-8")
    result = runner.invoke(
        main, ["xapi", "completions", "--course", COURSE, "--state", str(state)], env=_env(server.endpoint)
    )
    assert result.exit_code == 2 and "not a state file written by" in result.stderr and "delete it" in result.stderr
    result = runner.invoke(
        main, ["xapi", "completions", "--course", COURSE, "--columns", "learner,=x"], env=_env(server.endpoint)
    )
    assert result.exit_code == 2 and "'=x' names no column (write name=Header)" in result.stderr
    result = runner.invoke(
        main, ["xapi", "completions", "--course", COURSE, "--columns", "score,grade"], env=_env(server.endpoint)
    )
    assert result.exit_code == 2 and "no column 'grade'; the columns are: learner, learner_name" in result.stderr
    assert server.requests == []  # nothing was asked of the LRS
