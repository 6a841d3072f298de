"""The Python twin of the browser's quiz engine: an attempt's layout, its answers, their scoring and storage.

Everything here works on the runtime configuration exactly as the browser receives it
(docs/architecture.md, section 3): ``quiz`` is ``config["quiz"]``, ``q`` one of its questions.
Whatever depends on the question type is asked of the type (builder/questions/). A relay checks
a forged ``answered`` statement with :func:`credit`; :mod:`builder.suspendcodec` reads stored progress
with :func:`layout` and :func:`decode_answers`. ``tests/vectors/`` pins these results and the
runtime's to the same values.

Answers are in the runtime's form (builder/questions/base.py), None when unanswered; a ``key``
is a question's unsealed answer key, None when there is none (a likert item, a damaged key).
"""

# No ``from __future__ import annotations``: NamedTuple would compile each annotation string.
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence

from builder.answerkey import key_seed, unseal
from builder.digits import SEED_LENGTH
from builder.jsstring import parse_int, round_half_up, to_units
from builder.questions import TYPES
from builder.questions.base import SuspendDataError
from builder.randomness import MASK, shuffled, shuffled_keeping_fixed, stream

NO_SEED = "0" * SEED_LENGTH  #: the seed of a quiz whose layout is the written order


class Plan(NamedTuple):
    """What one attempt shows: the questions (indices into ``quiz["questions"]``) and their option order."""

    seed: str
    order: List[int]
    options: List[Optional[List[int]]]  #: per question shown: option indices by position, None without options
    questions: List[dict]


class Result(NamedTuple):
    """A scored attempt: the weighted percentage (at most 2 decimals), per-question credit, the verdict."""

    score: float
    credits: List[Optional[float]]
    correct: List[bool]
    passed: bool


def seed_number(seed: str) -> int:
    """The 5 base-36 characters of a seed as the number the streams start from (``parseInt(seed, 36) >>> 0``)."""
    return (parse_int(seed, 36) or 0) & MASK


def layout(quiz: dict, seed: str) -> Plan:
    """Which questions an attempt with *seed* shows, in which order, and the order of each one's options.

    Per section ``s``: when it draws fewer than it holds or shuffles, its question indices are
    shuffled with the stream ``section/<s>`` and the first ``draw`` kept (back in written order
    unless it shuffles); options of a question that shuffles use the stream ``options/<id>``.
    """
    number = seed_number(seed)
    order: List[int] = []
    for s, section in enumerate(quiz["sections"]):
        picked = list(section["questions"])
        if section["draw"] < len(picked) or section["shuffle"]:
            picked = shuffled(picked, stream(number, f"section/{s}"))[: section["draw"]]
            if not section["shuffle"]:
                picked.sort()
        order += picked
    questions = [quiz["questions"][i] for i in order]
    return Plan(seed, order, [_option_order(q, number) for q in questions], questions)


def _option_order(q: dict, number: int) -> Optional[List[int]]:
    name = TYPES[q["type"]].option_list
    options = q.get(name) if name else None
    if options is None:
        return None
    if not q.get("shuffle"):
        return list(range(len(options)))
    return shuffled_keeping_fixed([bool(o.get("fixed")) for o in options], stream(number, f"options/{q['id']}"))


def secret(config: dict, q: dict) -> Dict[str, Any]:
    """The sealed ``{k, e, f}`` of *q* (key, explanation, choice feedback); {} when it is damaged.

    Like the runtime, a damaged key makes the question count as wrong instead of breaking the quiz.
    """
    try:
        value = unseal(q["key"], key_seed(config["course"]["id"], config["fingerprint"], q["id"]))
    except (KeyError, TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def keys(config: dict) -> Dict[str, Any]:
    """The answer key of every question of the quiz, by question id (None where there is none)."""
    return {q["id"]: secret(config, q).get("k") for q in config["quiz"]["questions"]}


def initial_answers(plan: Plan, keys: Mapping[str, Any]) -> List[Optional[str]]:
    """Answers before the learner does anything: None, except a sequencing question's first order."""
    number = seed_number(plan.seed)
    return [TYPES[q["type"]].initial_answer(q, number, keys.get(q["id"])) for q in plan.questions]


def credit(q: dict, value: Optional[str], key: Any) -> Optional[float]:
    """The share of the question's weight *value* earns, 0..1 (1: correct); None for a survey item."""
    kind = TYPES[q["type"]]
    if not kind.scored:
        return None
    if value is None or key is None:
        return 0
    return kind.credit(q, value, key)


def evaluate(plan: Plan, answers: Sequence[Optional[str]], keys: Mapping[str, Any], pass_mark: float) -> Result:
    """Score an attempt: weight x credit over the scored questions shown, as a percentage."""
    total = earned = 0.0
    credits = []
    for q, value in zip(plan.questions, answers):
        c = credit(q, value, keys.get(q["id"]))
        if c is not None:
            total += q["weight"]
            earned += q["weight"] * c
        credits.append(c)
    score = round_half_up(earned / total * 10000) / 100 if total > 0 else 0
    return Result(score, credits, [c == 1 for c in credits], score >= pass_mark)


def response(q: dict, value: Optional[str]) -> str:
    """What the LMS receives as ``student_response`` (SCORM 1.2 format; '' when unanswered)."""
    return "" if value is None else TYPES[q["type"]].response(q, value)


def patterns(q: dict, key: Any) -> List[str]:
    """Every ``correct_responses.n.pattern`` the LMS receives (none without a key)."""
    return [] if key is None else TYPES[q["type"]].patterns(q, key)


def response_2004(q: dict, value: Optional[str]) -> str:
    """What a SCORM 2004 LMS receives as ``learner_response`` ('' when unanswered)."""
    return "" if value is None else TYPES[q["type"]].response_2004(q, value)


def patterns_2004(q: dict, key: Any) -> List[str]:
    """Every SCORM 2004 ``correct_responses.n.pattern`` (none without a key)."""
    return [] if key is None else TYPES[q["type"]].patterns_2004(q, key)


def response_xapi(q: dict, value: Optional[str]) -> str:
    """The ``result.response`` of the question's ``answered`` statement ('' when unanswered)."""
    return "" if value is None else TYPES[q["type"]].response_xapi(q, value)


def patterns_xapi(q: dict, key: Any) -> List[str]:
    """The ``correctResponsesPattern`` of the question's xAPI definition (none without a key)."""
    return [] if key is None else TYPES[q["type"]].patterns_xapi(q, key)


def answer_from_xapi(q: dict, response: str) -> Optional[str]:
    """The answer that gives the xAPI *response* (None for '', unanswered)."""
    return None if response == "" else TYPES[q["type"]].answer_from_xapi(q, response)


def encode_answers(plan: Plan, answers: Sequence[Optional[str]]) -> str:
    """The answers of an attempt as the last field of suspend_data's quiz part (each self-delimiting)."""
    return "".join(TYPES[q["type"]].encode(q, value) for q, value in zip(plan.questions, answers))


def decode_answers(plan: Plan, data: str) -> List[Optional[str]]:
    """The inverse of :func:`encode_answers`; :class:`SuspendDataError` when *data* does not fit the plan."""
    units = to_units(data)  # positions count UTF-16 code units, as in JavaScript
    at = 0
    answers = []
    for q in plan.questions:
        value, at = TYPES[q["type"]].decode(q, units, at)
        answers.append(value)
    if at != len(units):
        raise SuspendDataError("suspend_data: answers too long")
    return answers
