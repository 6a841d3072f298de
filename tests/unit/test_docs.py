"""The README and the docs say what the tool does: its size, its set-up command, its examples, run as written."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from conftest import REPO

from builder.cli import main

README = REPO / "README.md"
DOCS = REPO / "docs"


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def blocks(text: str, lang: str = "") -> list:
    """The fenced code blocks of *text* with this language tag ("" for untagged ones), in order."""
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.S | re.M)


def section(text: str, heading: str) -> str:
    """The Markdown of one ``## heading`` section, up to the next ``## ``."""
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_the_readme_is_at_most_15_kb():
    assert README.stat().st_size <= 15_000, f"README.md is {README.stat().st_size} bytes: move detail to docs/"


def test_the_readme_has_exactly_two_set_up_commands():
    commands = blocks(section(readme_text(), "Set-up on a fresh machine"), "sh")
    assert [c.strip() for c in commands][1:] == ["bash scripts/test.sh"]
    assert len(commands) == 2


def test_the_set_up_command_builds_the_sample_and_leaves_no_build_debris(tmp_path):
    """The README's first command, run as written in a copy of the checkout (network for pip, ~20 s)."""
    command = blocks(section(readme_text(), "Set-up on a fresh machine"), "sh")[0].strip()
    checkout = tmp_path / "checkout"
    shutil.copytree(
        REPO,
        checkout,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "node_modules", "dist", "build", "*.egg-info", "__pycache__", ".*_cache", "site"
        ),
    )
    before = {p.name for p in checkout.iterdir()}
    # A user's shell: no virtual environment active, Python free to write its bytecode caches.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE", "PYTHONHOME")}
    result = subprocess.run(["bash", "-c", command], cwd=checkout, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert (checkout / "dist" / "self-compassion-1.0.0-scorm12.zip").is_file()
    assert {p.name for p in checkout.iterdir()} - before == {".venv", "dist"}
    debris = [
        str(p.relative_to(checkout))
        for p in checkout.rglob("*")
        if p.is_dir() and (p.name == "build" or p.name.endswith(".egg-info")) and ".venv" not in p.parts
    ]
    assert debris == []


def test_the_readme_tour_runs_as_written(runner, tmp_path, monkeypatch):
    """new, add the README's question, validate --strict, build; then the README's misspelt lesson path."""
    tour = section(readme_text(), "A 5-minute tour")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["new", "grief-support"]).exit_code == 0
    (question,) = blocks(tour, "yaml")
    with open("grief-support/quiz.yaml", "a", encoding="utf-8") as f:
        f.write(question)
    result = runner.invoke(main, ["validate", "--strict", "grief-support"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["build", "grief-support"])
    assert result.exit_code == 0, result.output
    built = re.search(r"^# (built .*)$", tour, flags=re.M).group(1)
    assert built in result.stderr
    # The error example: the lesson path misspelt in course.yaml.
    (error,) = [b for b in blocks(tour) if "error:" in b]
    yaml_file = Path("grief-support/course.yaml")
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("01-welcome.html", "01-welcom.html"))
    result = runner.invoke(main, ["validate", "--strict", "grief-support"])
    assert result.exit_code == 2
    assert error in result.stderr


def test_the_certificate_example_code_checks(runner):
    page = (DOCS / "certificate.md").read_text(encoding="utf-8")
    (line,) = [ln for ln in page.splitlines() if "verify-code --" in ln]
    args = shlex.split(line)
    assert args[0] == "coursepack"
    result = runner.invoke(main, args[1:])
    assert result.exit_code == 0, result.output
