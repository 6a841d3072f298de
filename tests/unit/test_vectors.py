"""The shared test vectors (tests/vectors/*.json) against the Python side.

The same files pin the browser runtime (its ``node --test`` runner), so both sides compute the
same layouts, keys, answers, scores and suspend data. The expected values were taken from the
runtime as it was before the engine had a Python twin; tests/vectors/README.md describes each file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder import answerkey, certificate, engine, randomness, suspendcodec
from builder.jsstring import shortest_number
from builder.questions import TYPES
from builder.questions.base import SuspendDataError

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
FILES = (
    "xorshift32",
    "fnv1a",
    "streams",
    "seal",
    "layout",
    "answers",
    "responses",
    "scoring",
    "suspend",
    "certificate",
)
#: Vector files another test module reads (the format's own functions), with that module.
ELSEWHERE = {"scorm2004-interactions": "tests/unit/test_scorm2004_interactions.py"}


def vectors(name: str) -> dict:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


def one_question_plan(*questions) -> engine.Plan:
    return engine.Plan(engine.NO_SEED, [0] * len(questions), [None] * len(questions), list(questions))


def test_every_vector_file_is_described_and_read_here():
    assert sorted(p.stem for p in VECTORS.glob("*.json")) == sorted(FILES + tuple(ELSEWHERE))
    readme = (VECTORS / "README.md").read_text(encoding="utf-8")
    repo = VECTORS.parents[1]
    for name, module in ELSEWHERE.items():
        assert f"{name}.json" in (repo / module).read_text(encoding="utf-8"), (name, module)
    for name in FILES + tuple(ELSEWHERE):
        assert vectors(name)["description"].strip(), name
        assert f"`{name}.json`" in readme, f"tests/vectors/README.md does not describe {name}.json"


def test_xorshift32():
    for case in vectors("xorshift32")["cases"]:
        x, states = case["seed"], []
        for _ in case["states"]:
            x = randomness.xorshift32(x)
            states.append(x)
        assert states == case["states"], case["seed"]


def test_fnv1a():
    for case in vectors("fnv1a")["cases"]:
        assert randomness.fnv1a(case["text"]) == case["hash"], case["text"]


def test_streams_and_shuffles():
    data = vectors("streams")
    for case in data["streams"]:
        next_number = randomness.stream(case["seed"], case["label"])
        assert [next_number() for _ in case["numbers"]] == case["numbers"], case
    for case in data["shuffles"]:
        shuffled = randomness.shuffled(case["items"], randomness.stream(case["seed"], case["label"]))
        assert shuffled == case["shuffled"], case
    for case in data["fixed"]:
        order = randomness.shuffled_keeping_fixed(case["fixed"], randomness.stream(case["seed"], case["label"]))
        assert order == case["order"], case


def test_seal_and_unseal():
    data = vectors("seal")
    for case in data["cases"]:
        seed = answerkey.key_seed(case["courseId"], case["fingerprint"], case["questionId"])
        assert seed == case["seed"]
        assert answerkey.seal(case["value"], seed) == case["sealed"]
        assert answerkey.unseal(case["sealed"], seed) == case["value"]
    for case in data["damaged"]:
        config = {"course": {"id": case["courseId"]}, "fingerprint": case["fingerprint"]}
        secret = engine.secret(config, {"id": case["questionId"], "key": case["sealed"]})
        assert case["key"] is None and secret.get("k") is None, case["note"]


def test_layout_of_an_attempt_from_its_seed():
    data = vectors("layout")
    for case in data["cases"]:
        config = data["configs"][case["config"]]
        plan = engine.layout(config["quiz"], case["seed"])
        where = (case["config"], case["seed"])
        assert plan.order == case["order"], where
        assert [q["id"] for q in plan.questions] == case["questions"], where
        assert plan.options == case["options"], where
        assert engine.initial_answers(plan, engine.keys(config)) == case["initialAnswers"], where


def test_answers_in_suspend_data():
    data = vectors("answers")
    for group in data["answers"]:
        q = group["question"]
        plan = one_question_plan(q)
        for case in group["answers"]:
            if "value" in case:
                assert engine.encode_answers(plan, [case["value"]]) == case["encoded"], (q["id"], case)
            assert engine.decode_answers(plan, case["encoded"]) == [case["decoded"]], (q["id"], case)
    for case in data["sequences"]:
        plan = one_question_plan(*case["questions"])
        assert engine.encode_answers(plan, case["answers"]) == case["data"], case["data"]
        assert engine.decode_answers(plan, case["data"]) == case["decoded"], case["data"]
    for case in data["rejected"]:
        with pytest.raises(SuspendDataError):
            engine.decode_answers(one_question_plan(*case["questions"]), case["data"])


def test_responses_and_correct_response_patterns():
    for case in vectors("responses")["cases"]:
        q = case["question"]
        config = {"course": {"id": case["courseId"]}, "fingerprint": case["fingerprint"]}
        assert engine.secret(config, q).get("k") == case["key"], q["id"]
        assert engine.patterns(q, case["key"]) == case["patterns"], q["id"]
        assert engine.patterns_xapi(q, case["key"]) == case["xapiPatterns"], q["id"]
        for r in case["responses"]:
            assert engine.response(q, r["value"]) == r["response"], (q["id"], r)
            assert engine.response_xapi(q, r["value"]) == r["xapi"], (q["id"], r)
            # what the relay scores: the answer a response stands for earns what the answer earns,
            # unless the type's response is not the whole answer (fill-in trims)
            if TYPES[q["type"]].response_is_whole:
                given = engine.answer_from_xapi(q, r["xapi"])
                assert engine.credit(q, given, case["key"]) == engine.credit(q, r["value"], case["key"]), (q["id"], r)


def test_credit_and_attempt_scores():
    data = vectors("scoring")
    for case in data["credit"]:
        q = case["question"]
        config = {"course": {"id": case["courseId"]}, "fingerprint": case["fingerprint"]}
        assert engine.secret(config, q).get("k") == case["key"], q["id"]
        for c in case["credits"]:
            assert engine.credit(q, c["value"], case["key"]) == c["credit"], (q["id"], c)
    for case in data["attempts"]:
        config = data["configs"][case["config"]]
        plan = engine.layout(config["quiz"], case["seed"])
        result = engine.evaluate(plan, case["answers"], engine.keys(config), case["passMark"])
        got = (shortest_number(result.score), result.credits, result.correct, result.passed)
        assert got == (case["score"], case["credits"], case["correct"], case["passed"]), (case["config"], case["note"])


def test_suspend_data_of_whole_states():
    data = vectors("suspend")
    for case in data["encode"]:
        assert suspendcodec.encode(data["configs"][case["config"]], case["state"]) == case["data"], case["note"]
    for case in data["decode"]:
        state = suspendcodec.decode(data["configs"][case["config"]], case["data"])
        assert state is not None, case["data"]
        state["quiz"].pop("plan")
        assert state == case["state"], case["data"]
    for case in data["rejected"]:
        assert suspendcodec.decode(data["configs"][case["config"]], case["data"]) is None, case["note"]


def test_suspend_data_of_earlier_versions_is_mapped_by_lesson_id():
    data = vectors("suspend")
    assert {case["earlier"]["quizRestarted"] for case in data["earlier"]} == {True, False}
    for case in data["earlier"]:
        state = suspendcodec.decode(data["configs"][case["config"]], case["data"])
        assert state is not None, case["note"]
        state["quiz"].pop("plan")
        assert state.pop("earlier") == case["earlier"], case["note"]
        assert state == case["state"], case["note"]


def test_certificate_code():
    data = vectors("certificate")
    for case in data["cases"]:
        code = certificate.verification_code(case["courseId"], case["version"], case["learnerId"], case["date"])
        assert code == case["code"], case
    for case in data["normalize"]:
        assert certificate.normalize_code(case["typed"]) == case["code"], case
