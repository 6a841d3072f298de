"""Test-side decoding of the suspend_data the runtime wrote (format v2, docs/architecture.md section 5).

Decoded with the Python twin of the runtime's codec (builder/suspendcodec.py, builder/engine.py), which
tests/vectors/ pins to the documented format independently of both: the attempt layout is
recomputed from the stored seed, so a test proves that the runtime stores what the documentation
says and that a seed alone reproduces an attempt.
"""

from __future__ import annotations

from builder import engine, suspend, suspendcodec
from builder.jsstring import length
from builder.scorm.scorm12 import Scorm12Format


def presented(config: dict, seed: str) -> list[dict]:
    """The questions an attempt with this seed shows, in order."""
    return engine.layout(config["quiz"], seed).questions


def option_order(question: dict, seed: str) -> list[str]:
    """Ids of a question's choices (or matching targets) in the order an attempt shows them."""
    options = question.get("choices") or question.get("targets") or []
    quiz = {"questions": [question], "sections": [{"draw": 1, "shuffle": False, "questions": [0]}]}
    (order,) = engine.layout(quiz, seed).options
    return [options[i]["id"] for i in (order if order is not None else range(len(options)))]


def decode(data: str, config: dict) -> dict:
    """{visited, quiz}: quiz = {attempts, state, score, seed, checked, evaluation, presented, answers}."""
    limit = Scorm12Format.suspend_limit
    assert length(data) <= limit, f"suspend_data is {length(data)} chars (> {limit})"
    assert length(data) <= config["suspendWorstCase"], (
        f"suspend_data {data!r} is longer than the build's worst case {config['suspendWorstCase']}"
    )
    assert data.startswith(f"{suspend.VERSION}~"), f"suspend_data {data!r} is not format v2"
    state = suspendcodec.decode(config, data)
    assert state is not None, f"suspend_data {data!r} does not decode for this course"
    lessons = [lesson["id"] for lesson in config["lessons"]]
    out = {"visited": dict(zip(lessons, state["visited"])), "quiz": None}
    quiz = config["quiz"]
    if not quiz:
        return out
    q = state["quiz"]
    ids = [x["id"] for x in q["plan"].questions]
    evaluation = None
    if quiz["evaluation"]:
        items = [item["id"] for item in quiz["evaluation"]["items"]]
        ev = state["evaluation"]
        evaluation = {"submitted": ev["submitted"], "answers": dict(zip(items, ev["answers"]))}
    out["quiz"] = {
        "attempts": q["used"],
        "state": q["phase"],
        "score": "" if q["score"] is None else str(q["score"]),
        "seed": q["seed"],
        "checked": dict(zip(ids, q["checked"])),
        "evaluation": evaluation,
        "presented": ids,
        "answers": dict(zip(ids, q["answers"])),
    }
    return out
