"""A test that needs an official schema, run by pytest as a bare clone would run it: skipped with one line
saying how to enable it, a failure under CI=true, run when COURSEPACK_TEST_SCHEMAS names the folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from schema_paths import ENV, HOW

TESTS = Path(__file__).resolve().parents[1]
NEEDS_A_SCHEMA = """
from schema_paths import schema_dir

def test_needs_the_scorm12_schemas():
    assert (schema_dir("scorm12", "adlcp_rootv1p2.xsd") / "adlcp_rootv1p2.xsd").is_file()
"""


def run_pytest(tmp_path: Path, **env_extra: str) -> subprocess.CompletedProcess:
    """pytest on one test that asks for the SCORM 1.2 schemas, with only *env_extra* saying where they are."""
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "test_needs_a_schema.py").write_text(NEEDS_A_SCHEMA, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", ENV)}
    env.update(env_extra, PYTHONPATH=str(TESTS))
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "--rootdir", str(project)]
    return subprocess.run([*command, str(project)], capture_output=True, text=True, cwd=project, env=env)


def test_without_the_schemas_the_test_is_skipped_with_how_to_enable_it(tmp_path):
    result = run_pytest(tmp_path, **{ENV: str(tmp_path / "nowhere")})
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert line.endswith(f": {HOW}"), line


def test_under_ci_a_missing_schema_fails(tmp_path):
    result = run_pytest(tmp_path, **{ENV: str(tmp_path / "nowhere"), "CI": "true"})
    assert result.returncode == 1
    assert "1 failed" in result.stdout
    missing = tmp_path / "nowhere" / "scorm12" / "adlcp_rootv1p2.xsd"
    assert f"{missing} is missing: CI runs with shared/ beside the repository" in result.stdout


def test_the_environment_variable_names_the_schemas_folder(tmp_path):
    folder = tmp_path / "schemas" / "scorm12"
    folder.mkdir(parents=True)
    (folder / "adlcp_rootv1p2.xsd").write_text("<xs:schema/>", encoding="utf-8")
    result = run_pytest(tmp_path, **{ENV: str(tmp_path / "schemas"), "CI": "true"})
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout
