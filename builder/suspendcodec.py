"""The Python twin of the runtime's suspend_data codec (format 2, docs/architecture.md section 5).

:func:`encode` and :func:`decode` do what the runtime does with a learner's state, from the
runtime configuration (``config``), so stored progress can be read and checked outside the
browser (format 1 is still read). A state is a dict as the runtime holds it::

    {"visited": [bool per lesson],
     "quiz": {"used": int, "phase": "n"|"p"|"s", "score": int or None, "seed": str,
              "answers": [answer or None per question shown], "checked": [bool per question shown]},
     "evaluation": {"submitted": bool, "answers": [point id or None per item]}}

:func:`decode` adds the attempt's ``plan`` (:class:`builder.engine.Plan`) to ``quiz``, and ``earlier``
(``{"version", "quizRestarted"}``) to the state of data an earlier version wrote.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from builder import engine
from builder.digits import SEED_LENGTH, base36, bitmap, read_bitmap
from builder.questions.base import SuspendDataError, ids_of
from builder.suspend import MAX_STORED_ATTEMPTS, VERSION

# Patterns are compiled on first use (re's cache), not at import.
_ATTEMPTS = r"[0-9a-z]{1,2}"
_SCORE = r"[0-9]{0,3}"
_SEED = f"[0-9a-z]{{{SEED_LENGTH}}}"
_V1_QUIZ = r"([0-9a-z]{1,4})\.([nps])\.([tf-]*)\.([0-9]{0,3})"


def encode(config: dict, state: dict) -> str:
    """The learner's *state* as suspend_data."""
    quiz = config["quiz"]
    quiz_part = ""
    if quiz:
        q = state["quiz"]
        evaluation = quiz["evaluation"]
        used = min(q["used"], quiz["attempts"] or MAX_STORED_ATTEMPTS)
        fields = [base36(used), q["phase"], "" if q["score"] is None else str(q["score"])]
        if quiz["randomized"]:
            fields.append(q["seed"])
        if quiz["feedback"] == "after-question":
            fields.append(bitmap(q["checked"]))
        if evaluation:
            ev = state["evaluation"]
            fields.append(("s" if ev["submitted"] else "-") + "".join(a or "-" for a in ev["answers"]))
        fields.append(engine.encode_answers(engine.layout(quiz, q["seed"]), q["answers"]))
        quiz_part = ".".join(fields)
    return "~".join([str(VERSION), config["fingerprint"], bitmap(state["visited"]), quiz_part])


def decode(config: dict, data: str) -> Optional[Dict[str, Any]]:
    """The state stored in *data*, or None when it is not this course's.

    Format 2 of this version or of an earlier one it knows (``config["earlier"]``), or format 1
    where it still fits.
    """
    head = _split(data, "~", 3)
    if head is None:
        return None
    if head[0] == "1":
        return _decode_v1(config, head)
    if head[0] != str(VERSION):
        return None
    if head[1] != config["fingerprint"]:
        return _decode_earlier(config, head)
    visited = read_bitmap(head[2], len(config["lessons"]))
    if visited is None:
        return None
    return _decode_quiz(config, visited, head[3])


def _decode_earlier(config: dict, head: List[str]) -> Optional[Dict[str, Any]]:
    """Data an earlier version wrote (``config["earlier"]``): lessons mapped by id, its quiz kept only if unchanged.

    The state gets ``earlier``: the version that wrote it and whether its quiz attempt was dropped.
    """
    earlier = next((e for e in config.get("earlier") or () if e["fingerprint"] == head[1]), None)
    if earlier is None:
        return None
    stored = read_bitmap(head[2], len(earlier["lessons"]))
    if stored is None:
        return None
    seen = {lesson for lesson, visited in zip(earlier["lessons"], stored) if visited}
    visited = [lesson["id"] in seen for lesson in config["lessons"]]
    if earlier["quiz"]:
        state = _decode_quiz(config, visited, head[3])
        restarted = False
    else:
        state, restarted = _fresh(config, visited), bool(config["quiz"])
    if state is not None:
        state["earlier"] = {"version": earlier["version"], "quizRestarted": restarted}
    return state


def _decode_quiz(config: dict, visited: List[bool], field: str) -> Optional[Dict[str, Any]]:
    """The state with the quiz part *field* read as this version's quiz (format 2)."""
    quiz = config["quiz"]
    if not quiz:
        return _fresh(config, visited) if field == "" else None
    evaluation = quiz["evaluation"]
    extra = int(quiz["randomized"]) + int(quiz["feedback"] == "after-question") + int(bool(evaluation))
    f = _split(field, ".", 3 + extra)
    if f is None or not (re.fullmatch(_ATTEMPTS, f[0]) and f[1] in ("n", "p", "s") and re.fullmatch(_SCORE, f[2])):
        return None
    k = 3
    seed = engine.NO_SEED
    if quiz["randomized"]:
        seed, k = f[k], k + 1
    if not re.fullmatch(_SEED, seed):
        return None
    plan = engine.layout(quiz, seed)
    checked: Optional[List[bool]] = [False] * len(plan.questions)
    if quiz["feedback"] == "after-question":
        checked, k = read_bitmap(f[k], len(plan.questions)), k + 1
    restored = _fresh_evaluation(config)
    if evaluation:
        restored, k = _read_evaluation(evaluation, f[k]), k + 1
    if checked is None or restored is None:
        return None
    try:
        answers = engine.decode_answers(plan, f[k])
    except SuspendDataError:
        return None
    score = None if f[2] == "" else min(100, int(f[2]))
    quiz_state = {
        "used": int(f[0], 36),
        "phase": f[1],
        "seed": seed,
        "plan": plan,
        "answers": answers,
        "checked": checked,
        "score": score,
    }
    return {"visited": visited, "quiz": quiz_state, "evaluation": restored}


def _decode_v1(config: dict, head: List[str]) -> Optional[Dict[str, Any]]:
    """Format 1 (true-false answers in quiz order), read for courses it still fits."""
    if not config["fingerprintV1"] or head[1] != config["fingerprintV1"]:
        return None
    visited = read_bitmap(head[2], len(config["lessons"]))
    if visited is None:
        return None
    quiz = config["quiz"]
    if not quiz:
        return _fresh(config, visited) if head[3] == "" else None
    m = re.fullmatch(_V1_QUIZ, head[3])
    plan = engine.layout(quiz, engine.NO_SEED)
    if not m or len(m.group(3)) != len(plan.questions):
        return None
    quiz_state = {
        "used": min(int(m.group(1), 36), MAX_STORED_ATTEMPTS),
        "phase": m.group(2),
        "seed": engine.NO_SEED,
        "plan": plan,
        "answers": [None if c == "-" else c for c in m.group(3)],
        "checked": [False] * len(plan.questions),
        "score": None if m.group(4) == "" else min(100, int(m.group(4))),
    }
    return {"visited": visited, "quiz": quiz_state, "evaluation": _fresh_evaluation(config)}


def _split(text: str, separator: str, n: int) -> Optional[List[str]]:
    """The first *n* fields separated by *separator*, then everything after them (which may hold it)."""
    parts = text.split(separator, n)
    return parts if len(parts) == n + 1 else None


def _read_evaluation(evaluation: dict, field: str) -> Optional[Dict[str, Any]]:
    if len(field) != 1 + len(evaluation["items"]) or field[:1] not in ("-", "s"):
        return None
    answers = [None if c == "-" else c for c in field[1:]]
    points = ids_of(evaluation["scale"])
    if any(a is not None and a not in points for a in answers):
        return None
    return {"submitted": field[0] == "s", "answers": answers}


def _fresh_evaluation(config: dict) -> Dict[str, Any]:
    evaluation = config["quiz"]["evaluation"] if config["quiz"] else None
    return {"submitted": False, "answers": [None] * len(evaluation["items"]) if evaluation else []}


def _fresh(config: dict, visited: List[bool]) -> Dict[str, Any]:
    """What a course without a quiz restores: the visited lessons (the runtime's fresh state besides)."""
    quiz = {"used": 0, "phase": "n", "seed": "", "plan": None, "answers": [], "checked": [], "score": None}
    return {"visited": visited, "quiz": quiz, "evaluation": _fresh_evaluation(config)}
