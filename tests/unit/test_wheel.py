"""The installed wheel carries its templates and runtime, and builds the sample course."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "course_src" / "self-compassion"


def run(*args, **kw):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def test_wheel_installs_into_a_fresh_venv_and_builds_the_sample(tmp_path):
    wheels = tmp_path / "wheels"
    # Build from a clean copy: building in place would leave build/ and *.egg-info in the checkout.
    source = tmp_path / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "node_modules", "dist", "build", "*.egg-info", "__pycache__", ".pytest_cache"
        ),
    )
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source)
    (wheel,) = wheels.glob("coursepack-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        # The licence the metadata names travels with the wheel (dist-info/licenses/ in newer setuptools).
        (licence,) = [n for n in names if ".dist-info/" in n and n.endswith("/LICENSE")]
        assert zf.read(licence) == (REPO / "LICENSE").read_bytes()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        assert "\nLicense: MIT\n" in zf.read(metadata).decode("utf-8")
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    for needed in (
        "builder/templates/player.html",
        "builder/templates/locales/en.json",
        "builder/templates/runtime/adapters/scorm12.js",
        "builder/templates/runtime/types/true_false.js",
        "builder/templates/runtime/player.js",
        "builder/templates/runtime/suspend.js",
        "builder/templates/runtime/tracking.js",
        "builder/templates/runtime/nav.js",
        "builder/templates/runtime/quizview.js",
        "builder/templates/runtime/certview.js",
        "builder/templates/static/player.css",
        "builder/preview/static/preview.html",
        "builder/preview/static/lms.js",
        "builder/scorm/scorm2004/manifest.py",
        "builder/preview/static/inspector.js",
        "builder/preview/static/layout.js",
        "builder/preview/static/hook.js",
    ):
        assert needed in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", wheel)
    out = tmp_path / "dist"
    # Run from an unrelated folder, so nothing can be found through the working directory.
    run(env_dir / "bin" / "coursepack", "build", SAMPLE, "-o", out, cwd=tmp_path)
    (package,) = out.glob("self-compassion-*-scorm12.zip")
    with zipfile.ZipFile(package) as zf:
        names = set(zf.namelist())
        bundle = zf.read("assets/runtime.min.js")
    assert {"imsmanifest.xml", "index.html", "assets/runtime.min.js", "assets/player.css"} <= names
    assert bundle.startswith(b"/* scorm12.js */\n") and b"\n/* player.js */\n" in bundle  # the installed runtime
    # The installed copy builds the same bytes as the source checkout.
    source_out = tmp_path / "dist-source"
    run(sys.executable, "-m", "builder", "build", SAMPLE, "-o", source_out, cwd=REPO)
    assert (source_out / package.name).read_bytes() == package.read_bytes()
