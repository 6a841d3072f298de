"""The runtime as learners get it: one minified script in load order with the course's question types only,
byte-stable, parsed by node, under 25 kB."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import List, Tuple

import pytest
import rcssmin
import rjsmin
from conftest import COURSE_YAML

from builder import formats
from builder.cli import main
from builder.minify import minify_css, minify_js
from builder.questions import BUILT_IN, TYPES
from builder.resources import adapter_scripts, templates_dir, type_scripts
from builder.sources.course import load_course
from builder.styles import FEATURES, SECTION, for_course, section_names

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "course_src" / "self-compassion"
#: The runtime's weight budget for the sample course (JavaScript and CSS, gzipped, as the build summary counts it):
#: issue 17's target. A package carries only the question types, and the stylesheet sections, its course uses
#: (docs/build-speed.md, "The runtime's weight").
WEIGHT_BUDGET = 25_000


def bundle_parts(bundle: bytes) -> List[Tuple[str, str]]:
    """The bundle's parts: (readable file name, its minified code), in order."""
    pieces = re.split(r"^/\* ([\w.-]+\.js) \*/\n", bundle.decode("utf-8"), flags=re.M)
    assert pieces[0] == "", "the bundle starts with its first part's mark"
    return list(zip(pieces[1::2], pieces[2::2]))


def build(runner, out: Path, *args: str, source: Path = SAMPLE) -> Path:
    result = runner.invoke(main, ["build", str(source), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    (package,) = out.glob("*.zip")
    return package


def xapi_course(tmp_path: Path) -> Path:
    """The sample course with every optional runtime file: its certificate, and xAPI through a relay."""
    course = tmp_path / "sample"
    shutil.copytree(SAMPLE, course)
    text = (course / "course.yaml").read_text(encoding="utf-8")
    xapi = "xapi:\n  base_iri: https://courses.example.org\n  lms_homepage: https://lms.example.org\n"
    (course / "course.yaml").write_text(text + xapi, encoding="utf-8")
    return course


def test_every_runtime_script_has_its_place_in_the_load_order():
    """A new script in templates/runtime/ that SCRIPT_ORDER forgot would be left out of the bundle."""
    scripts = {p.name for p in (templates_dir() / "runtime").glob("*.js")}
    assert scripts == set(formats.SCRIPT_ORDER) - {formats.ADAPTER_SLOT, formats.TYPES_SLOT}
    assert adapter_scripts(), "the adapters take the slot"
    assert type_scripts(), "the question types take theirs"


def test_every_question_type_has_one_runtime_file_and_every_file_a_type():
    """templates/runtime/types/<module>.js is named after builder/questions/<module>.py, the one list of types."""
    assert sorted(TYPES.script(name) for name in TYPES) == sorted(type_scripts())
    assert {p.stem for p in (templates_dir() / "runtime" / "types").iterdir()} == set(BUILT_IN.values())
    for name, module in BUILT_IN.items():
        # the file adds the type of its name, and only that one
        code = (templates_dir() / "runtime" / "types" / f"{module}.js").read_text(encoding="utf-8")
        assert re.findall(r"Quiz\.TYPES(?:\.([\w]+)|\['([\w-]+)'\]) =", code) in ([(name, "")], [("", name)]), module


def test_a_package_carries_the_question_types_and_styles_its_course_uses_only(runner, tmp_path):
    """The sample course asks true-false questions and has an evaluation (likert items): those two types only."""
    package = build(runner, tmp_path / "out")
    with zipfile.ZipFile(package) as zf:
        parts = [name for name, _ in bundle_parts(zf.read(f"assets/{formats.BUNDLE}"))]
        css = zf.read("assets/player.css").decode("utf-8")
    assert parts[parts.index("quiz.js") + 1 : parts.index("certificate.js")] == ["true_false.js", "likert.js"]
    own = (templates_dir() / "static" / "player.css").read_text(encoding="utf-8")
    assert ".matches {" in own and ".sequence-item {" in own and ".field input[aria-invalid" in own
    assert ".matches{" not in css and ".sequence-item{" not in css and "aria-invalid" not in css
    assert ".scale" in css and ".certificate-name" in css and ".evaluation" in css and ".review-item" in css
    assert "only:" not in css


def test_the_bundle_is_the_minified_scripts_in_load_order_with_the_format_adapter_only(runner, tmp_path):
    package = build(runner, tmp_path / "out", source=xapi_course(tmp_path))
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        page = zf.read("index.html").decode("utf-8")
        parts = bundle_parts(zf.read(f"assets/{formats.BUNDLE}"))
        css = zf.read("assets/player.css")
    assert re.findall(r'<script src="([^"]+)"></script>', page) == [f"assets/{formats.BUNDLE}"]
    assert [n for n in names if n.endswith(".js")] == [f"assets/{formats.BUNDLE}"]
    assert [name for name, _ in parts] == [
        "xapi.js",
        "scorm12.js",
        "quiz.js",
        "true_false.js",
        "likert.js",
        "certificate.js",
        "session.js",
        "suspend.js",
        "tracking.js",
        "nav.js",
        "quizview.js",
        "certview.js",
        "player.js",
    ]
    sources = {p.name: p for p in formats.runtime_files(None, "scorm12.js")} | {
        "xapi.js": templates_dir() / "runtime" / "xapi.js",
        "certificate.js": templates_dir() / "runtime" / "certificate.js",
    }
    for name, code in parts:
        minified = minify_js(sources[name].read_text(encoding="utf-8")).strip()
        assert code.rstrip("\n").rstrip(";") == minified.rstrip(";"), name
        assert len(code) < 0.8 * sources[name].stat().st_size and "/**" not in code, f"{name} is not minified"
    own = (templates_dir() / "static" / "player.css").read_text(encoding="utf-8")
    assert css == minify_css(for_course(own, load_course(SAMPLE)[0]).encode("utf-8"))
    assert b"\n" not in css and len(css) < 0.85 * (templates_dir() / "static" / "player.css").stat().st_size


def test_a_course_without_a_quiz_carries_no_question_type(runner, make_course, tmp_path):
    course = make_course({"course.yaml": COURSE_YAML.replace("quiz: quiz.yaml\n", "")})
    package = build(runner, tmp_path / "out", source=course)
    with zipfile.ZipFile(package) as zf:
        parts = [name for name, _ in bundle_parts(zf.read(f"assets/{formats.BUNDLE}"))]
        css = zf.read("assets/player.css").decode("utf-8")
    assert not set(parts) & set(type_scripts()) and "quiz.js" in parts
    assert ".scale" not in css and ".review-item" not in css and ".choice" in css


def test_every_section_of_the_stylesheet_names_question_types_or_features_and_ends():
    own = (templates_dir() / "static" / "player.css").read_text(encoding="utf-8")
    assert section_names(own) <= set(TYPES) | set(FEATURES), "a section names no question type nor feature"
    assert not set(TYPES) & set(FEATURES), "a feature named like a question type"
    # each section ends before the next begins, and the pattern finds every one
    marks = re.findall(r"/\* (only|end only)\b[^*]*\*/", own)
    assert marks == ["only", "end only"] * len(SECTION.findall(own)) and marks


def test_node_parses_the_bundle_of_every_adapter(runner, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    course = xapi_course(tmp_path)
    for adapter in adapter_scripts():
        name = next(n for n in formats.names() if formats.get(n).adapter == adapter)
        out = tmp_path / name
        with zipfile.ZipFile(build(runner, out, "--format", name, source=course)) as zf:
            bundle = out / formats.BUNDLE
            bundle.write_bytes(zf.read(f"assets/{formats.BUNDLE}"))
        checked = subprocess.run([node, "--check", str(bundle)], capture_output=True, text=True)
        assert checked.returncode == 0, f"{adapter}: {checked.stderr}"


def _bundle_in_a_fresh_process(out: Path, seed: str) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    subprocess.run(
        [sys.executable, "-m", "builder", "build", str(SAMPLE), "-o", str(out), "-q"], check=True, env=env, cwd=REPO
    )
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        return zf.read(f"assets/{formats.BUNDLE}") + zf.read("assets/player.css")


def test_the_minified_runtime_is_byte_stable(tmp_path):
    """Two processes with different hash seeds give the same bytes; so do the minifiers' C and Python versions."""
    assert _bundle_in_a_fresh_process(tmp_path / "a", "1") == _bundle_in_a_fresh_process(tmp_path / "b", "2")
    # A machine without the C extension runs the pure-Python minifiers: they must give the same bytes.
    python_js = rjsmin._make_jsmin(python_only=True)
    python_css = rcssmin._make_cssmin(python_only=True)
    for path in sorted((templates_dir() / "runtime").rglob("*.js")):
        code = path.read_text(encoding="utf-8")
        assert python_js(code, keep_bang_comments=True) == minify_js(code), path.name
    css = (templates_dir() / "static" / "player.css").read_bytes()
    assert python_css(css.decode("utf-8"), keep_bang_comments=True).encode("utf-8") == minify_css(css)


def test_the_sample_course_runtime_stays_within_its_weight_budget(runner, tmp_path):
    """The weight budget, on the package issue 17 set its target for (the sample course, SCORM 1.2)."""
    result = runner.invoke(main, ["build", str(SAMPLE), "-o", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    (package,) = json.loads(result.stdout)["packages"]
    assert package["runtime_gzip_bytes"] <= WEIGHT_BUDGET, "the player's JavaScript and CSS grew past their budget"


def test_debug_packages_the_readable_files_in_load_order(runner, tmp_path):
    package = build(runner, tmp_path / "out", "--debug")
    with zipfile.ZipFile(package) as zf:
        page = zf.read("index.html").decode("utf-8")
        assert zf.read("assets/player.css") == (templates_dir() / "static" / "player.css").read_bytes()
        assert zf.read("assets/quiz.js") == (templates_dir() / "runtime" / "quiz.js").read_bytes()
        assert zf.read("assets/true_false.js") == (templates_dir() / "runtime" / "types" / "true_false.js").read_bytes()
        assert "assets/matching.js" not in zf.namelist()  # a type the sample course does not use
        assert f"assets/{formats.BUNDLE}" not in zf.namelist()
    scripts = re.findall(r'<script src="assets/([^"]+)"></script>', page)
    assert scripts == [
        "scorm12.js",
        "quiz.js",
        "true_false.js",
        "likert.js",
        "certificate.js",
        "session.js",
        "suspend.js",
        "tracking.js",
        "nav.js",
        "quizview.js",
        "certview.js",
        "player.js",
    ]
