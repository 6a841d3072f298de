"""``coursepack relay`` options and usage errors, and ``coursepack build --xapi-relay``.

The relay serving for real (uvicorn, Ralph, Chromium) is in tests/e2e/test_relay.py.
"""

from __future__ import annotations

import json
import re
import zipfile

from builder.cli import main

SECRET = "Cli-S3cret-Value"
RELAY = "https://relay.example.org/xapi/statements"


def _config(package) -> dict:
    with zipfile.ZipFile(package) as zf:
        page = zf.read("index.html")
    m = re.search(rb'<script type="application/json" id="course-config">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_build_xapi_relay_points_the_package_at_the_relay(runner, course_dir, tmp_path):
    result = runner.invoke(main, ["build", str(course_dir()), "-o", str(tmp_path / "out"), "--xapi-relay", RELAY])
    assert result.exit_code == 0, result.stderr
    (package,) = (tmp_path / "out").glob("*.zip")
    xapi = _config(package)["xapi"]
    assert xapi["relay"] == RELAY and xapi["endpoint"] is None and xapi["auth"] is None


def test_build_xapi_relay_overrides_relay_url_and_goes_with_an_embedded_key(runner, course_dir, tmp_path):
    src = course_dir(xapi="\nxapi:\n  base_iri: https://ce.example.org/xapi\n  relay_url: https://old.example.org/x\n")
    result = runner.invoke(
        main,
        [
            "build",
            str(src),
            "-o",
            str(tmp_path / "out"),
            "--xapi-relay",
            RELAY,
            "--xapi-embed-endpoint",
            "https://lrs.example.org/xAPI/",
        ],
        env={"COURSEPACK_XAPI_KEY": f"writer:{SECRET}"},
    )
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    (package,) = (tmp_path / "out").glob("*.zip")
    xapi = _config(package)["xapi"]
    assert xapi["relay"] == RELAY and xapi["endpoint"] == "https://lrs.example.org/xAPI/"


def test_build_xapi_relay_needs_an_xapi_block_and_a_url(runner, course_dir, tmp_path):
    result = runner.invoke(
        main, ["build", str(course_dir(xapi=None)), "-o", str(tmp_path / "a"), "--xapi-relay", RELAY]
    )
    assert result.exit_code == 2
    assert "--xapi-relay needs xAPI reporting, and course.yaml has no 'xapi:' block" in result.stderr
    result = runner.invoke(
        main, ["build", str(course_dir()), "-o", str(tmp_path / "b"), "--xapi-relay", "relay.example"]
    )
    assert result.exit_code == 2
    assert "error: --xapi-relay 'relay.example' must be an absolute http:// or https:// address" in result.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_relay_takes_no_credentials_on_the_command_line(runner):
    result = runner.invoke(main, ["relay", "--help"])
    assert result.exit_code == 0
    assert not re.search(r"--(key|secret|password|auth|token)\b", result.stdout)
    assert "--courses" in result.stdout and "--allow-origin" in result.stdout and "--homepage" in result.stdout


def test_relay_without_credentials_is_a_usage_error(runner, course_dir):
    result = runner.invoke(main, ["relay", "--lrs", "http://127.0.0.1:1/xAPI/", "--courses", str(course_dir())])
    assert result.exit_code == 2
    assert "error: no LRS credentials: set $COURSEPACK_LRS_KEY and $COURSEPACK_LRS_SECRET" in result.stderr


def test_relay_usage_errors_never_show_the_secret(runner, course_dir, tmp_path):
    env = {"COURSEPACK_LRS_KEY": "relay", "COURSEPACK_LRS_SECRET": SECRET}
    cases = [
        (["--courses", str(tmp_path / "nowhere")], "no such file or folder"),
        (["--courses", str(course_dir(xapi=None))], "has no xAPI reporting"),
        (["--courses", str(course_dir()), "--allow-origin", "https://lms.example.org/path"], "is not an origin"),
        (["--courses", str(course_dir()), "--homepage", "lms.example.org"], "homePage 'lms.example.org' must be"),
    ]
    for args, message in cases:
        result = runner.invoke(main, ["relay", "--lrs", "http://127.0.0.1:1/xAPI/", *args], env=env)
        assert result.exit_code == 2, (args, result.stderr)
        assert message in result.stderr
        assert SECRET not in result.stdout + result.stderr
    cert = tmp_path / "cert.pem"
    cert.write_text("not used")
    result = runner.invoke(main, ["relay", "--courses", str(course_dir()), "--tls-cert", str(cert)], env=env)
    assert result.exit_code == 2 and "give both --tls-cert and --tls-key" in result.stderr
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"endpoint": "http://127.0.0.1:1/xAPI/", "key": "relay"}))
    result = runner.invoke(main, ["relay", "--credentials", str(creds), "--courses", str(course_dir())])
    assert result.exit_code == 2 and "has no 'secret'" in result.stderr
