"""Test-side decoding of suspend_data format v2 (docs/architecture.md, section 5).

Written from the documentation, independently of the runtime: the attempt layout is recomputed
here from the stored seed (same generator and labels as documented), so a test proves that the
runtime stores what the documentation says and that a seed alone reproduces an attempt.
"""

from __future__ import annotations

import math
import re

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SCORM12_SUSPEND_LIMIT = 4096


# --------------------------------------------------------------------------- layout from a seed
def _fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) % 2**32
    return h


def _stream(seed: int, label: str):
    state = [(seed ^ _fnv1a(label)) % 2**32 or 1]

    def next_value() -> float:
        x = state[0]
        x = (x ^ (x << 13)) % 2**32
        x = x ^ (x >> 17)
        x = (x ^ (x << 5)) % 2**32
        state[0] = x
        return x / 4294967296

    return next_value


def _shuffled(items: list, next_value) -> list:
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = math.floor(next_value() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def presented(config: dict, seed: str) -> list[dict]:
    """The questions an attempt with this seed shows, in order."""
    quiz = config["quiz"]
    value = int(seed, 36)
    order: list[int] = []
    for s, section in enumerate(quiz["sections"]):
        picked = list(section["questions"])
        if section["draw"] < len(picked) or section["shuffle"]:
            picked = _shuffled(picked, _stream(value, f"section/{s}"))[: section["draw"]]
            if not section["shuffle"]:
                picked.sort()
        order += picked
    return [quiz["questions"][i] for i in order]


def option_order(question: dict, seed: str) -> list[str]:
    """Ids of a question's choices (or matching targets) in the order an attempt shows them."""
    options = question.get("choices") or question.get("targets") or []
    if not question.get("shuffle"):
        return [o["id"] for o in options]
    free = [i for i, o in enumerate(options) if not o.get("fixed")]
    mixed = _shuffled(free, _stream(int(seed, 36), f"options/{question['id']}"))
    slots = list(range(len(options)))
    for slot, k in zip(free, mixed):
        slots[slot] = k
    return [options[i]["id"] for i in slots]


# --------------------------------------------------------------------------- decoding
def _bitmap(text: str, n: int) -> list[bool]:
    assert len(text) == math.ceil(n / 6) and re.fullmatch(r"[A-Za-z0-9_-]*", text), text
    return [bool(B64URL.index(text[i // 6]) >> (i % 6) & 1) for i in range(n)]


def _answer(q: dict, data: str, at: int):
    t = q["type"]
    if t == "multiple-response":
        n = math.ceil(len(q["choices"]) / 6)
        bits = _bitmap(data[at : at + n], len(q["choices"]))
        chosen = "".join(c["id"] for c, on in zip(q["choices"], bits) if on)
        return chosen or None, at + n
    if t in ("matching", "sequencing"):
        n = len(q["sources"] if t == "matching" else q["items"])
        value = data[at : at + n]
        assert len(value) == n
        return (None if set(value) == {"-"} else value), at + n
    if t == "fill-in":
        n = int(data[at : at + 2], 36)
        assert n <= q["maxLength"]
        return (data[at + 2 : at + 2 + n] or None), at + 2 + n
    if t == "numeric":
        n = int(data[at], 36)
        value = data[at + 1 : at + 1 + n]
        assert value == "" or re.fullmatch(r"-?\d+(\.\d+)?", value), value
        return (value or None), at + 1 + n
    value = data[at]
    return (None if value == "-" else value), at + 1


def decode(data: str, config: dict, limit: int = SCORM12_SUSPEND_LIMIT) -> dict:
    """{visited, quiz}: quiz = {attempts, state, score, seed, checked, evaluation, presented, answers}.

    *limit*: the most characters the edition stores (SCORM 1.2's 4096 unless told; SCORM 2004: 64000).
    """
    assert len(data) <= limit, f"suspend_data is {len(data)} chars (> {limit})"
    assert len(data) <= config["suspendWorstCase"], (
        f"suspend_data {data!r} is longer than the build's worst case {config['suspendWorstCase']}"
    )
    version, fingerprint, bitmap, rest = data.split("~", 3)
    assert version == "2", f"suspend_data {data!r} is not format v2"
    assert fingerprint == config["fingerprint"], data
    lessons = [lesson["id"] for lesson in config["lessons"]]
    out = {"visited": dict(zip(lessons, _bitmap(bitmap, len(lessons)))), "quiz": None}
    quiz = config["quiz"]
    if not quiz:
        assert rest == ""
        return out
    evaluation = quiz["evaluation"]
    extra = int(quiz["randomized"]) + int(quiz["feedback"] == "after-question") + int(bool(evaluation))
    fields = rest.split(".", 3 + extra)
    assert len(fields) == 4 + extra, rest
    attempts, state, score = fields[0], fields[1], fields[2]
    assert re.fullmatch(r"[0-9a-z]{1,2}", attempts) and state in "nps" and re.fullmatch(r"(\d{1,3})?", score), rest
    k = 3
    seed = "00000"
    if quiz["randomized"]:
        seed = fields[k]
        k += 1
        assert re.fullmatch(r"[0-9a-z]{5}", seed), seed
    questions = presented(config, seed)
    checked = [False] * len(questions)
    if quiz["feedback"] == "after-question":
        checked = _bitmap(fields[k], len(questions))
        k += 1
    ev = None
    if evaluation:
        field = fields[k]
        k += 1
        assert len(field) == 1 + len(evaluation["items"]) and field[0] in "-s", field
        ev = {
            "submitted": field[0] == "s",
            "answers": {item["id"]: (None if c == "-" else c) for item, c in zip(evaluation["items"], field[1:])},
        }
    answers = {}
    at = 0
    data_answers = fields[k]
    for q in questions:
        answers[q["id"]], at = _answer(q, data_answers, at)
    assert at == len(data_answers), f"answers {data_answers!r} longer than the questions need"
    out["quiz"] = {
        "attempts": int(attempts, 36),
        "state": state,
        "score": score,
        "seed": seed,
        "checked": dict(zip([q["id"] for q in questions], checked)),
        "evaluation": ev,
        "presented": [q["id"] for q in questions],
        "answers": answers,
    }
    return out
