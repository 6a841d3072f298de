"""Fixtures for the end-to-end tests: the LMS server, Chromium, the built sample course."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from .answer_key import with_answers
from .lms import LmsSession
from .lms_server import LmsServer

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
HARNESS_DIR = E2E_DIR / "harness"
SCORM_AGAIN_DIST = E2E_DIR / "node_modules" / "scorm-again" / "dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE_COURSE = "course_src/self-compassion"


# --------------------------------------------------------------------------- server
@pytest.fixture(scope="session")
def lms_server() -> LmsServer:
    if not (SCORM_AGAIN_DIST / "scorm12.js").is_file():
        pytest.fail(
            f"scorm-again is not installed ({SCORM_AGAIN_DIST}): run `npm ci --prefix tests/e2e` "
            "(scripts/test.sh does)",
            pytrace=False,
        )
    server = LmsServer()
    server.mount("/", HARNESS_DIR)
    server.mount("/scorm-again/", SCORM_AGAIN_DIST)
    server.start()
    yield server
    server.stop()


# -------------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)", pytrace=False)
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        pw.stop()


#: COURSEPACK_RECORD_CALLS=<folder>: write every LMS API call of each test to <folder>/<test>.json, with
#: the page's randomness made repeatable, so that two versions of the runtime can be compared call by call.
RECORD_CALLS = os.environ.get("COURSEPACK_RECORD_CALLS")
REPEATABLE_RANDOM = """(() => {
  // Only the quiz's attempt seeds (one 32-bit value); statement ids and the rest stay random.
  let x = 0x2545f491;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const original = window.crypto.getRandomValues.bind(window.crypto);
  window.crypto.getRandomValues = (a) => {
    if (!(a instanceof Uint32Array && a.length === 1)) return original(a);
    a[0] = next();
    return a;
  };
})();"""


@pytest.fixture
def context(browser: Browser) -> BrowserContext:
    ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    ctx.set_default_timeout(10_000)
    if RECORD_CALLS:
        ctx.add_init_script(REPEATABLE_RANDOM)
    yield ctx
    ctx.close()


@pytest.fixture(autouse=True)
def _record_calls(request, lms_server: LmsServer):
    """With COURSEPACK_RECORD_CALLS set: the test's LMS API calls, run by run, written after it."""
    if not RECORD_CALLS:
        yield
        return
    before = set(lms_server.runs())
    yield
    runs = [run for run in lms_server.runs() if run not in before]
    calls = [[{k: e.get(k) for k in ("fn", "args", "ret", "err")} for e in lms_server.api_log(run)] for run in runs]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
    Path(RECORD_CALLS).mkdir(parents=True, exist_ok=True)
    (Path(RECORD_CALLS) / f"{name}.json").write_text(json.dumps(calls, indent=1), encoding="utf-8")


@pytest.fixture
def open_lms(lms_server: LmsServer, context: BrowserContext):
    """Factory: ``open_lms(cmi=..., wrap=..., pkg=...)`` opens a new LMS page (a new run)."""

    def _open(**kwargs) -> LmsSession:
        return LmsSession(lms_server, context, **kwargs).open()

    return _open


# ---------------------------------------------------------------- the built course
class _ConfigScript(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self._inside = False
        self.text: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("id") == "course-config":
            assert a.get("type") == "application/json", f"course-config script type is {a.get('type')!r}"
            self._inside = True
            self.text = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.text += data


@dataclass(frozen=True)
class BuiltCourse:
    zip_path: Path
    root: Path  # the extracted package
    version: str
    config: dict  # the runtime configuration embedded in index.html
    mastery_score: str | None  # adlcp:masteryscore in the manifest, if any

    @property
    def lesson_ids(self) -> list[str]:
        return [lesson["id"] for lesson in self.config["lessons"]]

    @property
    def questions(self) -> list[dict]:
        """The quiz questions with their answer keys unsealed (``answer``; see answer_key.py)."""
        return with_answers(self.config)


def _course_version() -> str:
    text = (REPO_ROOT / SAMPLE_COURSE / "course.yaml").read_text(encoding="utf-8")
    m = re.search(r"^version:\s*['\"]?([^'\"\s#]+)", text, re.M)
    assert m, "course.yaml has no version"
    return m.group(1)


@pytest.fixture(scope="session")
def built_course(tmp_path_factory, lms_server: LmsServer) -> BuiltCourse:
    """The sample course built ONCE with the real CLI, extracted and served under /pkg/."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", SAMPLE_COURSE, "-o", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"`python -m builder build {SAMPLE_COURSE}` exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}",
            pytrace=False,
        )
    version = _course_version()
    zip_path = out / f"self-compassion-{version}-scorm12.zip"
    assert zip_path.is_file(), f"expected {zip_path.name}; the build wrote {sorted(p.name for p in out.iterdir())}"
    root = tmp_path_factory.mktemp("pkg")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root)
    index = root / "index.html"
    assert index.is_file(), "the package has no index.html"
    parser = _ConfigScript()
    parser.feed(index.read_text(encoding="utf-8"))
    assert parser.text, "index.html has no <script type=application/json id=course-config>"
    config = json.loads(parser.text)
    manifest = (root / "imsmanifest.xml").read_text(encoding="utf-8")
    m = re.search(r"<adlcp:masteryscore>\s*([^<\s]+)\s*</adlcp:masteryscore>", manifest)
    lms_server.mount("/pkg/", root)
    return BuiltCourse(
        zip_path=zip_path, root=root, version=version, config=config, mastery_score=m.group(1) if m else None
    )


# ------------------------------------------------------- the quiz showcase course
SHOWCASE_COURSE = "course_src/quiz-showcase"


@pytest.fixture(scope="session")
def showcase_course(tmp_path_factory, lms_server: LmsServer) -> BuiltCourse:
    """The quiz showcase course (every question type, pools, evaluation), built once and served under /showcase/."""
    out = tmp_path_factory.mktemp("dist-showcase")
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", SHOWCASE_COURSE, "-o", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"`python -m builder build {SHOWCASE_COURSE}` exited {proc.returncode}\n{proc.stderr}", pytrace=False
        )
    (zip_path,) = out.glob("*-scorm12.zip")
    root = tmp_path_factory.mktemp("pkg-showcase")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root)
    parser = _ConfigScript()
    parser.feed((root / "index.html").read_text(encoding="utf-8"))
    config = json.loads(parser.text)
    lms_server.mount("/showcase/", root)
    return BuiltCourse(
        zip_path=zip_path, root=root, version=config["course"]["version"], config=config, mastery_score=None
    )


# ------------------------------------------------------- any course, built and served
def build_served(lms_server: LmsServer, source: Path, out: Path, prefix: str, *args: str) -> BuiltCourse:
    """Build *source* (SCORM 1.2) with the real CLI and *args* into *out*, extract it and serve it under *prefix*."""
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", str(source), "-o", str(out / "dist"), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"build of {source} exited {proc.returncode}\n{proc.stderr}"
    (zip_path,) = (out / "dist").glob("*-scorm12.zip")
    root = out / "pkg"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root)
    parser = _ConfigScript()
    parser.feed((root / "index.html").read_text(encoding="utf-8"))
    config = json.loads(parser.text)
    manifest = (root / "imsmanifest.xml").read_text(encoding="utf-8")
    m = re.search(r"<adlcp:masteryscore>\s*([^<\s]+)\s*</adlcp:masteryscore>", manifest)
    lms_server.mount(prefix, root)
    return BuiltCourse(zip_path, root, config["course"]["version"], config, m.group(1) if m else None)
