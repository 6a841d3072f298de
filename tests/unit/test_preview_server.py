"""The preview server without a browser: what it serves, rebuilds, refuses, and that it stops.

Every server here listens on an ephemeral port of 127.0.0.1 and is stopped by its fixture.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from builder import formats
from builder.cli import main
from builder.pipeline import prepare
from builder.preview.server import STATIC, PreviewServer
from builder.preview.watch import Watcher

LESSON_ONE = "<p>Original lesson text.</p>\n"


@pytest.fixture
def course(make_course):
    return make_course({"lessons/one.html": LESSON_ONE})


@pytest.fixture
def preview(course):
    lines = []
    server = PreviewServer(course, port=0, interval=0.05, debounce=0.05, echo=lines.append).start()
    server.lines = lines
    yield server
    server.stop()


def get(server, path, headers=None):
    request = urllib.request.Request(server.url.rstrip("/") + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_serves_the_page_and_the_real_build_on_loopback_only(preview, course, tmp_path):
    assert preview.url.startswith("http://127.0.0.1:")
    assert preview._httpd.server_address[0] == "127.0.0.1"
    status, _, page = get(preview, "/")
    assert status == 200 and b"coursepack preview" in page and b'<script src="/__preview__/test-lms.js">' in page
    # The test LMS is the one of the previewed format: SCORM 1.2 by default.
    status, _, lms = get(preview, "/__preview__/test-lms.js")
    assert status == 200 and lms == (STATIC / "lms.js").read_bytes()

    # The course is the pipeline's own output (its readable runtime, as `build --debug` packages it);
    # the hook script is added in the response only.
    entries = {e.name: e for e in prepare([course], tmp_path / "x", debug=True).packages[0].entries}
    status, headers, served = get(preview, "/course/index.html")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert served.count(b'<script src="/__preview__/hook.js"></script>') == 1
    assert served.replace(b'<script src="/__preview__/hook.js"></script>', b"", 1) == entries["index.html"].data
    assert (preview.builds.served / "index.html").read_bytes() == entries["index.html"].data
    assert b"__preview__" not in entries["index.html"].data
    for name in ("assets/player.js", "imsmanifest.xml"):
        data = entries[name].data if entries[name].data is not None else entries[name].source.read_bytes()
        assert get(preview, f"/course/{name}")[2] == data
    assert sorted(p.relative_to(course).as_posix() for p in course.rglob("*")) == sorted(
        ["course.yaml", "quiz.yaml", "lessons", "lessons/one.html", "lessons/two.html"]
    )  # nothing written there


def test_rebuilds_on_change_and_keeps_the_last_good_build_when_a_change_breaks(preview, course):
    assert preview.state.ok and preview.state.good == 1
    (course / "lessons/one.html").write_text("<p>Edited lesson text.</p>\n", encoding="utf-8")
    state = preview.wait_for(lambda s: s.attempt >= 2)
    assert state.ok and state.good == state.attempt
    assert b"Edited lesson text." in get(preview, "/course/index.html")[2]

    (course / "lessons/one.html").write_text(
        '<p>Broken.</p>\n<img src="../media/missing.png" alt="">\n', encoding="utf-8"
    )
    state = preview.wait_for(lambda s: not s.ok)
    assert state.good == 2
    texts = [p["text"] for p in json.loads(get(preview, "/__preview__/state")[2])["problems"]]
    assert any(
        t.startswith(f"{course}/lessons/one.html:2: error: '../media/missing.png' does not exist") for t in texts
    )
    assert b"Edited lesson text." in get(preview, "/course/index.html")[2]  # the last good build
    assert any(line.startswith("build failed: 1 problem; still serving the last good build") for line in preview.lines)

    (course / "lessons/one.html").write_text("<p>Fixed.</p>\n", encoding="utf-8")
    state = preview.wait_for(lambda s: s.ok and s.attempt > 3)
    assert b"Fixed." in get(preview, "/course/index.html")[2]


def test_the_event_stream_announces_builds(preview, course):
    url = preview.url + "__preview__/events"
    with urllib.request.urlopen(url, timeout=5) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        first = stream.readline() + stream.readline()
        assert first.startswith(b"event: build\ndata: ")
        assert json.loads(first.split(b"data: ", 1)[1])["good"] == 1
        stream.readline()
        (course / "lessons/two.html").write_text("<p>Two, edited.</p>\n", encoding="utf-8")
        second = stream.readline() + stream.readline()
        assert json.loads(second.split(b"data: ", 1)[1])["good"] == 2


def test_the_little_lrs_records_statements(preview):
    body = json.dumps(
        {
            "actor": {"mbox": "mailto:a@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "https://example.org/course"},
        }
    ).encode()
    request = urllib.request.Request(
        preview.url + "__preview__/xapi/statements",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        ids = json.loads(response.read())
    assert len(ids) == 1
    assert preview.statements[-1]["statement"]["id"] == ids[0]
    assert json.loads(get(preview, "/__preview__/xapi/about")[2])["version"][0] == "1.0.3"


def test_refuses_foreign_hosts_and_paths_outside(preview):
    port = preview._httpd.server_address[1]
    assert get(preview, "/", {"Host": f"attacker.example:{port}"})[0] == 403
    assert get(preview, "/", {"Host": f"localhost:{port}"})[0] == 200
    assert get(preview, "/course/../course.yaml")[0] == 404
    assert get(preview, "/course/%2e%2e/quiz.yaml")[0] == 404
    assert get(preview, "/__preview__/../server.py")[0] == 404
    assert get(preview, "/course/lessons/one.html")[0] == 404  # sources are not served, only the package


def test_media_can_be_fetched_in_ranges(preview):
    status, headers, body = get(preview, "/course/assets/player.js", {"Range": "bytes=0-9"})
    assert status == 206 and len(body) == 10 and headers["Content-Range"].startswith("bytes 0-9/")


def test_stop_closes_the_port_and_deletes_the_builds(course):
    server = PreviewServer(course, port=0, interval=0.05).start()
    port = server._httpd.server_address[1]
    folder = server.builds.workdir
    with urllib.request.urlopen(server.url + "__preview__/events", timeout=5) as stream:
        stream.readline()
        started = time.monotonic()
        server.stop()
    assert time.monotonic() - started < 5
    assert not folder.exists()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_a_course_that_never_built_shows_a_placeholder(make_course):
    course = make_course({"course.yaml": "id: Bad Id\n"})
    server = PreviewServer(course, port=0).start()
    try:
        assert not server.state.ok and server.state.good == 0
        status, _, body = get(server, "/course/index.html")
        assert status == 200 and b"No build yet" in body
    finally:
        server.stop()


def test_the_watcher_debounces_a_burst_of_writes(tmp_path):
    (tmp_path / "a.html").write_text("0", encoding="utf-8")
    calls = []
    done = threading.Event()
    watcher = Watcher(tmp_path, lambda: (calls.append(1), done.set()), interval=0.05, debounce=0.4).start()
    try:
        for i in range(4):
            (tmp_path / "a.html").write_text(str(i) * (i + 2), encoding="utf-8")
            time.sleep(0.05)
        assert done.wait(5)
        time.sleep(0.6)
        assert calls == [1]
        (tmp_path / ".a.html.swp").write_text("editor", encoding="utf-8")  # editor files are ignored
        time.sleep(0.4)
        assert calls == [1]
    finally:
        watcher.stop()


def test_cli_preview_errors(runner, course, tmp_path):
    result = runner.invoke(main, ["preview", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr and "hint: give the course folder" in result.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(main, ["preview", str(course), "--port", str(port)])
    assert result.exit_code == 1
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "hint: choose another port with --port N, or --port 0 for any free one" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_2004_preview_runs_the_2004_test_lms_and_the_2004_adapter(make_course):
    course = make_course()
    server = PreviewServer(course, port=0, interval=0.05, debounce=0.05, format_name="scorm2004").start()
    try:
        assert server.state.ok, server.state.problems
        assert get(server, "/__preview__/test-lms.js")[2] == (STATIC / "lms2004.js").read_bytes()
        assert b"<schemaversion>2004 4th Edition</schemaversion>" in get(server, "/course/imsmanifest.xml")[2]
        adapter = Path(__file__).resolve().parents[2] / "templates" / "runtime" / "adapters" / "scorm2004.js"
        assert get(server, "/course/assets/scorm2004.js")[2] == adapter.read_bytes()
        assert get(server, "/course/assets/scorm12.js")[0] == 404
    finally:
        server.stop()


def test_a_preview_names_a_missing_adapter(make_course):
    from builder.scorm.scorm12 import Scorm12Format

    class Unplugged(Scorm12Format):
        name = "unplugged"
        adapter = "unplugged.js"

    formats.register(Unplugged)
    course = make_course({"templates/static/unplugged.js": "/* the course's own adapter */\n"})
    server = PreviewServer(course, port=0, interval=0.05, debounce=0.05, format_name="unplugged").start()
    try:
        assert server.state.ok, server.state.problems
        (course / "templates" / "static" / "unplugged.js").unlink()
        state = server.wait_for(lambda s: s.attempt >= 2)
        assert not state.ok and state.good == 1
        assert "'--format unplugged' cannot build yet" in state.problems[0].message
    finally:
        server.stop()
        formats.unregister("unplugged")


def test_cli_preview_takes_one_format(runner, course):
    result = runner.invoke(main, ["preview", str(course), "--format", "scorm12,scorm2004"])
    assert result.exit_code == 2
    assert "preview one format at a time, not 2 (scorm12, scorm2004)" in result.stderr
