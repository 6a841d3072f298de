"""SCORM 2004 interaction formats: the shared vectors, and real scorm-again accepting every value.

``tests/vectors/scorm2004-interactions.json`` pins builder/scorm/scorm2004/interactions.py (and, in
phase 2, the runtime adapter that mirrors it). Every value the functions produce for the vectors
and for every question of both example courses is then fed to scorm-again's SCORM 2004 runtime
(the npm package the browser tests use), which must accept each SetValue.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.scorm.scorm2004 import interactions as ix
from builder.sources.course import load_course

REPO = Path(__file__).resolve().parents[2]
VECTORS = json.loads((REPO / "tests" / "vectors" / "scorm2004-interactions.json").read_text(encoding="utf-8"))
SCORM_AGAIN = REPO / "tests" / "e2e" / "node_modules" / "scorm-again" / "dist" / "scorm2004.js"
FEEDER = Path(__file__).with_name("scorm_again_2004.js")
EXAMPLES = [REPO / "course_src" / "self-compassion", REPO / "course_src" / "quiz-showcase"]


def computed(vector) -> dict:
    return {
        "type": ix.interaction_type(vector["type"]),
        "learner_response": ix.learner_response(vector["type"], vector["value"]),
        "patterns": ix.correct_patterns(vector["type"], vector["key"], vector.get("caseSensitive", False)),
        "result": ix.result(vector["credit"]),
    }


@pytest.mark.parametrize("vector", VECTORS["interactions"], ids=lambda v: v["case"])
def test_interaction_vectors(vector):
    assert computed(vector) == vector["expect"]


def test_id_description_and_comment_vectors():
    assert [ix.interaction_id(v["course"], v["item"]) for v in VECTORS["ids"]] == [v["expect"] for v in VECTORS["ids"]]
    assert [ix.description(v["text"], v["language"]) for v in VECTORS["descriptions"]] == [
        v["expect"] for v in VECTORS["descriptions"]
    ]
    for v in VECTORS["comments"]:
        assert {"type": ix.COMMENT_TYPE, "learner_response": ix.comment_response(v["text"], v["limit"])} == v["expect"]


def test_every_quiz_type_has_a_2004_type():
    from builder.model import QUESTION_TYPES

    assert set(ix.TYPES) == set(QUESTION_TYPES)
    covered = {v["type"] for v in VECTORS["interactions"]}
    assert covered == set(QUESTION_TYPES)


def test_unreportable_numbers():
    assert ix.unreportable("numeric", ["12345678901", "12345678901", "12345678901"]) == (
        "12345678901 does not fit the real(10,7) numbers SCORM 2004 LMSs store (at most 10 digits before the "
        "point and 18 after)",
    )
    assert ix.unreportable("numeric", ["-1234567890.5", "0.000000000000000001", None]) == ()
    assert ix.unreportable("fill-in", ["12345678901"]) == ()


def _right_answer(question):
    """The answer that earns full credit, in the quiz engine's terms (what a learner who knows would give)."""
    key = question.key
    if question.type == "fill-in":
        return key[0]
    if question.type == "numeric":
        return key[2] or key[0]
    if question.type == "likert":
        return "1"
    return key


def _records():
    """Every interaction the vectors and the example courses produce, as the adapter would write it."""
    records = [
        {
            "id": ix.interaction_id("vectors", f"v{n}"),
            "description": ix.description(vector["case"], "en"),
            "weighting": "1",
            **computed(vector),
        }
        for n, vector in enumerate(VECTORS["interactions"])
    ]
    for folder in EXAMPLES:
        course, _ = load_course(folder)
        for q in course.quiz.questions:
            records.append(
                {
                    "id": ix.interaction_id(course.id, q.id),
                    "type": ix.interaction_type(q.type),
                    "description": ix.description(q.text, course.language),
                    "learner_response": ix.learner_response(q.type, _right_answer(q)),
                    "patterns": ix.correct_patterns(q.type, q.key, q.case_sensitive),
                    "result": ix.result(None if q.type == "likert" else 1),
                    "weighting": "0" if q.type == "likert" else str(q.weight),
                }
            )
        evaluation = course.quiz.evaluation
        if evaluation is not None and evaluation.comment_id:
            records.append(
                {
                    "id": ix.interaction_id(course.id, evaluation.comment_id),
                    "type": ix.COMMENT_TYPE,
                    "description": ix.description(evaluation.comment_text, course.language),
                    "learner_response": ix.comment_response("Clear, useful;\nthanks {a lot}", 255),
                    "patterns": [],
                    "result": "neutral",
                    "weighting": "0",
                }
            )
    return records


def test_scorm_again_accepts_every_value(tmp_path):
    if not SCORM_AGAIN.is_file():
        pytest.fail(f"scorm-again is not installed ({SCORM_AGAIN}): run `npm ci --prefix tests/e2e`", pytrace=False)
    node = shutil.which("node")
    assert node, "node is needed (scripts/test.sh installs npm packages with it)"
    records = _records()
    kinds = {r["type"] for r in records}
    assert kinds == set(ix.TYPES.values()) | {ix.COMMENT_TYPE}  # every 2004 type the package writes
    run = subprocess.run([node, str(FEEDER)], input=json.dumps(records), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    refused = json.loads(run.stdout)
    assert refused == [], json.dumps([dict(r, record=records[r["record"]]) for r in refused], indent=1)
