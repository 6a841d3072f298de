"""``build --format`` with xAPI: the SCORM package with a reporter, the Tin Can package, the baked-in key."""

from __future__ import annotations

import base64
import json
import re
import zipfile

from lxml import etree

from builder.cli import main
from builder.problems import Problems
from builder.scorm.scorm12.manifest import check_manifest
from builder.xapi.tincan.descriptor import TINCAN_NS, check_tincan

from .conftest import BASE_IRI

SECRET = "s3cr3t-Pa55-w0rd"
KEY = f"writer:{SECRET}"


def _build(runner, root, out, *args, env=None):
    return runner.invoke(main, ["build", str(root), "-o", str(out), *args], env=env or {})


def _config(data: bytes) -> dict:
    m = re.search(rb'<script type="application/json" id="course-config">(.*?)</script>', data, re.S)
    return json.loads(m.group(1))


def test_without_an_xapi_block_nothing_of_xapi_is_in_the_package(runner, course_dir, tmp_path):
    result = _build(runner, course_dir(xapi=None), tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    (package,) = (tmp_path / "out").glob("*.zip")
    assert package.name.endswith("-scorm12.zip")
    with zipfile.ZipFile(package) as zf:
        assert "assets/xapi.js" not in zf.namelist()
        assert b"/* xapi.js */" not in zf.read("assets/runtime.min.js")
        for name in ("index.html", "imsmanifest.xml"):  # no script tag, no config key, no file entry
            assert b"xapi" not in zf.read(name).lower(), name


def test_scorm_package_with_xapi_loads_the_reporter_before_the_player(runner, course_dir, tmp_path):
    result = _build(runner, course_dir(), tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    (package,) = (tmp_path / "out").glob("*-scorm12.zip")
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        page = zf.read("index.html")
        manifest = zf.read("imsmanifest.xml")
        bundle = zf.read("assets/runtime.min.js")  # the runtime's scripts, minified in load order
    assert bundle.startswith(b"/* xapi.js */\n") and b"\n/* player.js */\n" in bundle
    assert re.findall(rb'<script src="([^"]+)"', page) == [b"assets/runtime.min.js"]
    assert b'href="assets/runtime.min.js"' in manifest
    debug = tmp_path / "debug"
    assert _build(runner, course_dir(), debug, "--debug").exit_code == 0
    with zipfile.ZipFile(next(debug.glob("*-scorm12.zip"))) as zf:
        scripts = re.findall(rb'<script src="([^"]+)"', zf.read("index.html"))
        assert b'href="assets/xapi.js"' in zf.read("imsmanifest.xml")
    assert scripts.index(b"assets/xapi.js") < scripts.index(b"assets/player.js")
    problems = Problems()
    check_manifest(manifest, set(names), problems)
    assert [p.format() for p in problems] == []
    xapi = _config(page)["xapi"]
    assert xapi["course"]["id"] == f"{BASE_IRI}/course/self-compassion"
    assert xapi["auth"] is None and xapi["endpoint"] is None


def test_format_xapi_builds_a_tin_can_package(runner, course_dir, tmp_path):
    result = _build(runner, course_dir(), tmp_path / "out", "--format", "xapi")
    assert result.exit_code == 0, result.stderr
    (package,) = (tmp_path / "out").glob("*.zip")
    assert package.name == "self-compassion-1.0.0-xapi.zip"
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        descriptor = zf.read("tincan.xml")
        bundle = zf.read("assets/runtime.min.js")
    assert names[0] == "tincan.xml"
    assert "imsmanifest.xml" not in names
    assert {"index.html", "assets/runtime.min.js"} <= set(names)
    assert bundle.startswith(b"/* xapi.js */\n") and b"\n/* scorm12.js */\n" in bundle and b"/* player.js */" in bundle
    problems = Problems()
    check_tincan(descriptor, names, problems)
    assert [p.format() for p in problems] == []
    ns = {"t": TINCAN_NS}
    root = etree.fromstring(descriptor)
    activities = root.findall("t:activities/t:activity", ns)
    (launchable,) = [a for a in activities if a.find("t:launch", ns) is not None]
    assert launchable.get("id") == f"{BASE_IRI}/course/self-compassion"
    assert launchable.findtext("t:launch", namespaces=ns) == "index.html"
    questions = [a for a in activities if a.get("type").endswith("/cmi.interaction")]
    assert questions and all(q.findtext("t:interactionType", namespaces=ns) for q in questions)
    assert root.find(".//t:correctResponsePatterns", ns) is None  # answers stay sealed


def test_both_formats_in_one_run_and_reproducible(runner, course_dir, tmp_path):
    root = course_dir()
    for out in ("a", "b"):
        result = _build(runner, root, tmp_path / out, "--format", "scorm12,xapi")
        assert result.exit_code == 0, result.stderr
        assert "2 packages built" in result.stderr
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == ["self-compassion-1.0.0-scorm12.zip", "self-compassion-1.0.0-xapi.zip"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_format_errors_exit_2(runner, course_dir, tmp_path):
    result = _build(runner, course_dir(), tmp_path / "out", "--format", "scorm2005")
    assert result.exit_code == 2
    assert "unknown format 'scorm2005'" in result.stderr
    result = _build(runner, course_dir(xapi=None), tmp_path / "out", "--format", "scorm12,xapi")
    assert result.exit_code == 2
    assert "'--format xapi' needs the course's xAPI settings" in result.stderr
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_embedded_key_needs_the_environment_variable(runner, course_dir, tmp_path):
    result = _build(runner, course_dir(), tmp_path / "out", "--xapi-embed-endpoint", "https://lrs.example.org/xAPI")
    assert result.exit_code == 2
    assert "$COURSEPACK_XAPI_KEY" in result.stderr and "not set" in result.stderr
    result = _build(
        runner,
        course_dir(),
        tmp_path / "out",
        "--xapi-embed-endpoint",
        "https://lrs.example.org/xAPI",
        env={"COURSEPACK_XAPI_KEY": "no-colon-" + SECRET},
    )
    assert result.exit_code == 2
    assert SECRET not in result.output + result.stderr
    result = _build(
        runner, course_dir(), tmp_path / "out", "--xapi-embed-endpoint", f"https://writer:{SECRET}@lrs.example.org/xAPI"
    )
    assert result.exit_code == 2
    assert "not in the address" in result.stderr and SECRET not in result.stderr
    assert not (tmp_path / "out").exists()


def test_embedded_key_warns_and_is_never_printed(runner, course_dir, tmp_path):
    root = course_dir()
    for extra in ([], ["--json"], ["--quiet"]):
        out = tmp_path / ("out" + "".join(extra))
        result = _build(
            runner,
            root,
            out,
            "--format",
            "scorm12,xapi",
            *extra,
            "--xapi-embed-endpoint",
            "https://lrs.example.org/xAPI",
            env={"COURSEPACK_XAPI_KEY": KEY},
        )
        assert result.exit_code == 0, result.stderr
        printed = result.output + result.stderr
        assert SECRET not in printed and base64.b64encode(KEY.encode()).decode() not in printed
        assert "anyone who can open a package can read it" in result.stderr  # also with --quiet
        assert "write statements (no read scope)" in result.stderr
    with zipfile.ZipFile(next((tmp_path / "out").glob("*-xapi.zip"))) as zf:
        xapi = _config(zf.read("index.html"))["xapi"]
        assert SECRET not in zf.read("tincan.xml").decode()
    assert xapi["endpoint"] == "https://lrs.example.org/xAPI/"
    assert xapi["auth"] == "Basic " + base64.b64encode(KEY.encode()).decode()


def test_embedding_needs_an_xapi_block(runner, course_dir, tmp_path):
    result = _build(
        runner,
        course_dir(xapi=None),
        tmp_path / "out",
        "--xapi-embed-endpoint",
        "https://lrs.example.org/xAPI",
        env={"COURSEPACK_XAPI_KEY": KEY},
    )
    assert result.exit_code == 2
    assert "--xapi-embed-endpoint needs xAPI reporting" in result.stderr
    assert SECRET not in result.output + result.stderr
