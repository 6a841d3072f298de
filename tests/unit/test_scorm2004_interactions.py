"""SCORM 2004 interaction formats: the shared vectors, and real scorm-again accepting every value.

``tests/vectors/scorm2004-interactions.json`` pins each question type's SCORM 2004 formats
(builder/questions/, through builder/engine.py), the format's own parts
(builder/scorm/scorm2004/interactions.py) and the runtime that mirrors them (tests/js/scorm2004.test.js).
Every value they produce for the vectors and for every question of both example courses is then fed
to scorm-again's SCORM 2004 runtime (the npm package the browser tests use), which must accept each
SetValue.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from builder import engine
from builder.page.runtime_config import runtime_config
from builder.questions import TYPES
from builder.scorm.scorm2004 import interactions as ix
from builder.sources.course import load_course

REPO = Path(__file__).resolve().parents[2]
VECTORS = json.loads((REPO / "tests" / "vectors" / "scorm2004-interactions.json").read_text(encoding="utf-8"))
SCORM_AGAIN = REPO / "tests" / "e2e" / "node_modules" / "scorm-again" / "dist" / "scorm2004.js"
FEEDER = Path(__file__).with_name("scorm_again_2004.js")
EXAMPLES = [REPO / "course_src" / "self-compassion", REPO / "course_src" / "quiz-showcase"]
#: cmi.interactions.n.type (RTE 4th Edition, 4.2.9.1): SCORM 1.2's words and two more.
TYPES_2004 = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert"}
TYPES_2004 |= {"numeric", "other"}


def question_of(vector) -> dict:
    """The vector's question as the runtime configuration gives it (only what the formats read)."""
    q = {"id": "v", "type": vector["type"], "caseSensitive": vector.get("caseSensitive", False)}
    q["sources"] = [{"id": source} for source in vector.get("sources", ())]
    return q


def computed(vector) -> dict:
    q = question_of(vector)
    return {
        "type": TYPES[vector["type"]].interaction,
        "learner_response": engine.response_2004(q, vector["value"]),
        "patterns": engine.patterns_2004(q, vector["key"]),
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


def test_every_question_type_has_a_2004_interaction_type_and_vectors():
    assert {kind.interaction for kind in TYPES.values()} <= TYPES_2004
    assert {v["type"] for v in VECTORS["interactions"]} == set(TYPES)


def test_numbers_a_2004_lms_cannot_store_are_the_numeric_types_to_tell():
    def unreportable(kind, key):
        return TYPES[kind].unreportable_2004(SimpleNamespace(type=kind, key=key))

    assert unreportable("numeric", ["12345678901", "12345678901", "12345678901"]) == (
        "12345678901 does not fit the real(10,7) numbers SCORM 2004 LMSs store (at most 10 digits before the "
        "point and 18 after)",
    )
    assert unreportable("numeric", ["-1234567890.5", "0.000000000000000001", None]) == ()
    assert unreportable("fill-in", ["12345678901"]) == ()


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
        configs = runtime_config(course)["quiz"]["questions"]
        for q, config in zip(course.quiz.questions, configs):
            records.append(
                {
                    "id": ix.interaction_id(course.id, q.id),
                    "type": TYPES[q.type].interaction,
                    "description": ix.description(q.text, course.language),
                    "learner_response": engine.response_2004(config, _right_answer(q)),
                    "patterns": engine.patterns_2004(config, q.key),
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
    # every 2004 type the package writes
    assert kinds == {kind.interaction for kind in TYPES.values()} | {ix.COMMENT_TYPE}
    run = subprocess.run([node, str(FEEDER)], input=json.dumps(records), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    refused = json.loads(run.stdout)
    assert refused == [], json.dumps([dict(r, record=records[r["record"]]) for r in refused], indent=1)
