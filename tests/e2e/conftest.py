"""Fixtures for the end-to-end tests: the LMS server, Chromium, the built sample course."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from .answer_key import with_answers
from .editions import EDITIONS
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


@pytest.fixture(params=EDITIONS, ids=repr)
def edition(request):
    """A SCORM edition (editions.py): a test that takes it runs once with SCORM 1.2, once with SCORM 2004."""
    return request.param


@pytest.fixture
def open_lms(lms_server: LmsServer, context: BrowserContext):
    """Factory: ``open_lms(cmi=..., wrap=..., pkg=..., edition=...)`` opens a new LMS page (a new run).

    ``edition`` (editions.SCORM12 by default, or SCORM2004) picks the LMS's API and, without ``cmi``,
    a first launch's stored data.
    """

    def _open(edition=None, **kwargs) -> LmsSession:
        if edition is not None:
            kwargs["api"] = edition.api
            kwargs.setdefault("cmi", edition.seed())
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
    pkg: str = "/pkg/index.html"  # where the test LMS serves its launch page

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


def _build(tmp_path_factory, source: str, formats: str) -> Path:
    """Build *source* once with the real CLI; the folder of the packages."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", source, "-o", str(out), "--format", formats],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"`python -m builder build {source} --format {formats}` exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}",
            pytrace=False,
        )
    return out


def _serve(tmp_path_factory, lms_server: LmsServer, zip_path: Path, prefix: str) -> tuple[Path, dict, str]:
    """Extract a package, serve it under *prefix*: its folder, its runtime configuration, its manifest."""
    root = tmp_path_factory.mktemp("pkg")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root)
    index = root / "index.html"
    assert index.is_file(), "the package has no index.html"
    parser = _ConfigScript()
    parser.feed(index.read_text(encoding="utf-8"))
    assert parser.text, "index.html has no <script type=application/json id=course-config>"
    lms_server.mount(prefix, root)
    return root, json.loads(parser.text), (root / "imsmanifest.xml").read_text(encoding="utf-8")


#: Where the test LMS serves each edition's package of a course.
PREFIXES = {"scorm12": "", "scorm2004": "2004"}


@pytest.fixture(scope="session")
def built_courses(tmp_path_factory, lms_server: LmsServer) -> dict[str, BuiltCourse]:
    """The sample course built ONCE for both SCORM editions: {format: BuiltCourse}, under /pkg/ and /pkg2004/."""
    out = _build(tmp_path_factory, SAMPLE_COURSE, ",".join(e.name for e in EDITIONS))
    version = _course_version()
    built = {}
    for edition in EDITIONS:
        zip_path = out / f"self-compassion-{version}-{edition.name}.zip"
        assert zip_path.is_file(), f"expected {zip_path.name}; the build wrote {sorted(p.name for p in out.iterdir())}"
        prefix = f"/pkg{PREFIXES[edition.name]}/"
        root, config, manifest = _serve(tmp_path_factory, lms_server, zip_path, prefix)
        m = re.search(r"<adlcp:masteryscore>\s*([^<\s]+)\s*</adlcp:masteryscore>", manifest)
        built[edition.name] = BuiltCourse(
            zip_path=zip_path,
            root=root,
            version=version,
            config=config,
            mastery_score=m.group(1) if m else None,
            pkg=f"{prefix}index.html",
        )
    return built


@pytest.fixture(scope="session")
def built_course(built_courses) -> BuiltCourse:
    """The sample course's SCORM 1.2 package, served under /pkg/."""
    return built_courses["scorm12"]


# ------------------------------------------------------- the quiz showcase course
SHOWCASE_COURSE = "course_src/quiz-showcase"


@pytest.fixture(scope="session")
def showcase_courses(tmp_path_factory, lms_server: LmsServer) -> dict[str, BuiltCourse]:
    """The quiz showcase course (every question type, pools, evaluation), built once for both SCORM editions and
    served under /showcase/ (1.2) and /showcase2004/."""
    out = _build(tmp_path_factory, SHOWCASE_COURSE, ",".join(e.name for e in EDITIONS))
    built = {}
    for edition in EDITIONS:
        (zip_path,) = out.glob(f"*-{edition.name}.zip")
        prefix = f"/showcase{PREFIXES[edition.name]}/"
        root, config, _ = _serve(tmp_path_factory, lms_server, zip_path, prefix)
        built[edition.name] = BuiltCourse(
            zip_path=zip_path,
            root=root,
            version=config["course"]["version"],
            config=config,
            mastery_score=None,
            pkg=f"{prefix}index.html",
        )
    return built


@pytest.fixture(scope="session")
def showcase_course(showcase_courses) -> BuiltCourse:
    """The quiz showcase's SCORM 1.2 package, served under /showcase/."""
    return showcase_courses["scorm12"]


# ------------------------------------------------------- cmi5: the package, Ralph and the test LMS
CMI5_BASE_IRI = "https://ce.example.org/xapi"


@dataclass(frozen=True)
class Cmi5Package:
    root: Path  # the extracted package
    config: dict  # the runtime configuration of its index.html

    @property
    def lessons(self) -> list[dict]:
        return self.config["lessons"]

    @property
    def questions(self) -> list[dict]:
        return with_answers(self.config)


@pytest.fixture(scope="session")
def cmi5_package(tmp_path_factory) -> Cmi5Package:
    """The sample course with an ``xapi:`` block as a cmi5 package (the real adapter), its cmi5.xml schema-checked."""
    from schema_paths import schema_dir

    source = tmp_path_factory.mktemp("src-cmi5") / "self-compassion"
    shutil.copytree(REPO_ROOT / SAMPLE_COURSE, source)
    with open(source / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"\nxapi:\n  base_iri: {CMI5_BASE_IRI}\n")
    out = tmp_path_factory.mktemp("dist-cmi5")
    schemas = schema_dir("cmi5", "CourseStructure.xsd")
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", str(source), "-o", str(out), "--format", "cmi5"]
        + ["--schemas", str(schemas)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    root = tmp_path_factory.mktemp("pkg-cmi5")
    with zipfile.ZipFile(out / "self-compassion-1.0.0-cmi5.zip") as zf:
        zf.extractall(root)
    parser = _ConfigScript()
    parser.feed((root / "index.html").read_text(encoding="utf-8"))
    return Cmi5Package(root, json.loads(parser.text))


@pytest.fixture(scope="session")
def cmi5_ralph(tmp_path_factory):
    """Ralph for the cmi5 tests: the test LMS fronts it, so no origin needs CORS."""
    from .ralph_lrs import Ralph

    lrs = Ralph(tmp_path_factory.mktemp("ralph-cmi5"), cors_origins=[])
    lrs.start()
    yield lrs
    lrs.stop()


@pytest.fixture(scope="session")
def cmi5_lms(cmi5_package, cmi5_ralph):
    """The tests' cmi5 LMS (tests/e2e/cmi5_lms.py) serving the package, with Ralph as its LRS."""
    from .cmi5_lms import TestLms

    server = TestLms(cmi5_package.root, cmi5_ralph).start()
    yield server
    server.stop()


# ------------------------------------------------------- any course, built and served
def build_served(lms_server: LmsServer, source: Path, out: Path, prefix: str, *args: str) -> BuiltCourse:
    """Build *source* with the real CLI and *args* (one package: its preferred format, SCORM 1.2 unless it names
    another) into *out*, extract it and serve it under *prefix*."""
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", str(source), "-o", str(out / "dist"), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"build of {source} exited {proc.returncode}\n{proc.stderr}"
    (zip_path,) = (out / "dist").glob("*.zip")
    return serve_zip(lms_server, zip_path, out, prefix)


def serve_zip(lms_server: LmsServer, zip_path: Path, out: Path, prefix: str) -> BuiltCourse:
    """Extract the package *zip_path* (a SCORM one) into *out* and serve it under *prefix*."""
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
