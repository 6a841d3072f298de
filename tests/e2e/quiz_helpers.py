"""Learner actions and expectations for the quiz engine's end-to-end tests.

Answers are written in the runtime's terms (docs/architecture.md, section 5): ``t``/``f``,
choice ids (``"ac"`` for several), the typed text or number, one target id per matching source
(``-`` for none), the item ids of a sequence in order, a likert point id. The expected SCORM
values come from the Python twin of the runtime's engine (builder/engine.py), which the shared
vectors (tests/vectors/) pin independently of both.
"""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import FrameLocator, expect

from builder import engine
from builder.jsstring import parse_typed_number
from builder.questions.base import CHOICE_IDS
from builder.scorm.scorm12 import Scorm12Format

from .lms import LmsSession

# Moodle 4.5 (datamodels/scorm_12.js, moodle-scorm.md section 3) with the stricter older CMIDecimal
# (at most 2 decimals), plus scorm-again's CMIFeedback (one line).
MOODLE = {
    "identifier": re.compile(r"^[\u0021-\u007E]{0,255}$"),
    "decimal": re.compile(r"^-?([0-9]{0,3})(\.[0-9]{1,2})?$"),
    "timespan": re.compile(r"^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,2})?$"),
    "time": re.compile(r"^([0-2][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]{1,2})?$"),
    "type": re.compile(r"^(true-false|choice|fill-in|matching|performance|sequencing|likert|numeric)$"),
    "result": re.compile(r"^(correct|wrong|unanticipated|neutral|([0-9]{0,3})?(\.[0-9]{1,2})?)$"),
    "feedback": re.compile(r"^.{0,255}$"),
}
# SCORM 1.2 response formats per interaction type (scorm12-rte.md section 8.1).
FORMATS = {
    "true-false": re.compile(r"^[tf]$"),
    "choice": re.compile(r"^[0-9a-z](,[0-9a-z])*$"),
    "sequencing": re.compile(r"^[0-9a-z](,[0-9a-z])*$"),
    "matching": re.compile(r"^[0-9a-z]\.[0-9a-z](,[0-9a-z]\.[0-9a-z])*$"),
    "likert": re.compile(r"^[0-9a-z]$"),
    "numeric": re.compile(r"^-?\d+(\.\d+)?$"),
    "fill-in": re.compile(r"^.{1,255}$"),
}
TIMESPAN = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
CMITIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$")


# ============================================================== reading the page
def quiz_view(sco: FrameLocator):
    return sco.locator('section.view[data-view="quiz"]')


def fieldset(sco: FrameLocator, qid: str):
    return sco.locator(f'[data-quiz-form] fieldset[data-question-id="{qid}"]')


def presented_ids(sco: FrameLocator) -> list[str]:
    fieldsets = sco.locator("[data-quiz-form] fieldset[data-question-id]")
    expect(fieldsets.first).to_be_visible()
    return fieldsets.evaluate_all("els => els.map(e => e.dataset.questionId)")


def runtime_state(lms: LmsSession) -> dict:
    return lms.page.frame(name="scorm_object").evaluate("() => window.coursepack.state()")


def option_texts(sco: FrameLocator, q: dict) -> list[str]:
    """The options of a question in the order shown (choices, or a matching question's targets)."""
    fs = fieldset(sco, q["id"])
    if q["type"] == "matching":
        return fs.locator("select").first.locator("option").evaluate_all("os => os.slice(1).map(o => o.textContent)")
    return fs.locator("label.choice span").evaluate_all("els => els.map(e => e.textContent)")


def control_values(sco: FrameLocator, q: dict):
    """What the controls of a question show now (the answer in the runtime's terms)."""
    fs = fieldset(sco, q["id"])
    t = q["type"]
    if t in ("fill-in", "numeric"):
        return fs.get_by_role("textbox").input_value()
    if t == "matching":
        return "".join(v or "-" for v in fs.locator("select").evaluate_all("ss => ss.map(s => s.value)"))
    if t == "sequencing":
        return "".join(fs.locator("li[data-item]").evaluate_all("els => els.map(e => e.dataset.item)"))
    checked = fs.locator("input:checked").evaluate_all("els => els.map(e => e.value)")
    return "".join(sorted(checked, key=CHOICE_IDS.index)) or None


# ============================================================== answering
def _option(q: dict, oid: str) -> str:
    for key in ("choices", "scale", "targets", "items"):
        for option in q.get(key) or []:
            if option["id"] == oid:
                return option["text"]
    raise KeyError(oid)


def answer(sco: FrameLocator, q: dict, value: str) -> None:
    """Give *value* as the answer to *q* with the mouse and the keyboard as a learner would."""
    fs = fieldset(sco, q["id"])
    t = q["type"]
    if t == "true-false":
        fs.get_by_role("radio", name="True" if value == "t" else "False", exact=True).check()
    elif t in ("single-choice", "likert"):
        fs.get_by_role("radio", name=_option(q, value), exact=True).check()
    elif t == "multiple-response":
        for choice in q["choices"]:
            fs.get_by_role("checkbox", name=choice["text"], exact=True).set_checked(choice["id"] in value)
    elif t in ("fill-in", "numeric"):
        box = fs.get_by_role("textbox")
        box.fill(value)
        box.press("Tab")  # the change event saves the answer
    elif t == "matching":
        for source, target in zip(q["sources"], value):
            fs.get_by_role("combobox", name=source["text"], exact=True).select_option(target if target != "-" else "")
    elif t == "sequencing":
        for position, item in enumerate(value):
            while True:
                order = fs.locator("li[data-item]").evaluate_all("els => els.map(e => e.dataset.item)")
                if order.index(item) == position:
                    break
                fs.get_by_role("button", name=f"Move up: {_option(q, item)}", exact=True).click()
    else:
        raise ValueError(t)
    assert control_values(sco, q) == value, (q["id"], control_values(sco, q), value)


# ============================================================== answers to give
def right(q: dict) -> str:
    k = q["answer"]
    t = q["type"]
    if t == "fill-in":
        return "  " + k[0].upper() + " "  # case and surrounding spaces do not matter by default
    if t == "numeric":
        return k[2] if k[2] is not None else k[0]
    if t == "likert":
        return q["scale"][3]["id"]
    return k


def wrong(q: dict) -> str:
    """An answer that earns nothing, even with partial credit."""
    k = q["answer"]
    t = q["type"]
    if t == "true-false":
        return "f" if k == "t" else "t"
    if t == "single-choice":
        return next(c["id"] for c in q["choices"] if c["id"] != k)
    if t == "multiple-response":
        return "".join(c["id"] for c in q["choices"] if c["id"] not in k)
    if t == "fill-in":
        return "bacteria"
    if t == "numeric":
        return str(Decimal(k[1]) + 100)
    if t == "matching":
        ids = [x["id"] for x in q["targets"]]
        return "".join(ids[(ids.index(target) + 1) % len(ids)] for target in k)
    if t == "sequencing":
        return k[1:] + k[:1]
    return q["scale"][0]["id"]


def partial(q: dict) -> str:
    """Partly right: one correct choice of several, two pairs of four, two items swapped."""
    k = q["answer"]
    if q["type"] == "multiple-response":
        return k[0]
    if q["type"] == "matching":
        return k[:2] + wrong(q)[2:]
    if q["type"] == "sequencing":
        return k[1] + k[0] + k[2:]
    return right(q)


# ============================================================== what the LMS must receive
def stored(q: dict, value: str) -> str:
    """The answer the runtime keeps for what the learner gave (a typed number in plain form)."""
    return parse_typed_number(value) if q["type"] == "numeric" else value


def response(q: dict, value: str) -> str:
    return engine.response(q, stored(q, value))


def patterns(q: dict) -> list[str]:
    return engine.patterns(q, q["answer"])


def credit(q: dict, value: str):
    """1 for a right answer; partial credit only where enabled; None for likert."""
    return engine.credit(q, stored(q, value), q["answer"])


def weighting(q: dict) -> str:
    w = q["weight"]
    return str(int(w)) if float(w).is_integer() else str(w)


def score(answered: list[tuple[dict, str]]) -> float:
    """Weighted percentage, rounded like the runtime (half up, 2 decimals)."""
    questions = [q for q, _ in answered]
    plan = engine.Plan(engine.NO_SEED, [], [], questions)
    keys = {q["id"]: q["answer"] for q in questions}
    return engine.evaluate(plan, [stored(q, v) for q, v in answered], keys, 0).score


def score_str(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def assert_interactions(stored: list[dict], answered: list[tuple[dict, str]]) -> None:
    """One journal record per question, in the order shown, with every field exact."""
    assert len(stored) == len(answered), f"{len(stored)} interactions stored, expected {len(answered)}"
    for n, ((q, value), rec) in enumerate(zip(answered, stored)):
        where = f"cmi.interactions.{n} ({q['id']})"
        c = credit(q, value)
        assert rec["id"] == q["id"], where
        assert rec["type"] == q["interaction"], where
        assert rec["student_response"] == response(q, value), (where, rec["student_response"])
        expected = {str(i): {"pattern": p} for i, p in enumerate(patterns(q))}
        assert (rec.get("correct_responses") or {}) == expected, (where, rec.get("correct_responses"))
        assert rec["result"] == ("neutral" if c is None else "correct" if c == 1 else "wrong"), (where, rec["result"])
        assert rec["weighting"] == weighting(q), (where, rec["weighting"])
        assert TIMESPAN.match(rec["latency"]), (where, rec["latency"])
        assert CMITIME.match(rec["time"]), (where, rec["time"])


def assert_moodle_accepts(log: list[dict]) -> None:
    """Every value the runtime set passes Moodle's SCORM 1.2 checks and the 1.2 response formats."""
    types: dict[str, str] = {}
    for element, value in LmsSession.sets(log):
        m = re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", element)
        if not m:
            if element.startswith("cmi.core.score."):
                assert MOODLE["decimal"].match(value) and 0 <= float(value) <= 100, (element, value)
            elif element == "cmi.core.session_time":
                assert MOODLE["timespan"].match(value), (element, value)
            elif element == "cmi.suspend_data":
                assert len(value) <= Scorm12Format.suspend_limit, (element, len(value))
            continue
        n, field = m.groups()
        if field == "id":
            assert MOODLE["identifier"].match(value) and re.fullmatch(r"[A-Za-z0-9_]{1,255}", value), (element, value)
        elif field == "type":
            assert MOODLE["type"].match(value), (element, value)
            types[n] = value
        elif field == "result":
            assert MOODLE["result"].match(value), (element, value)
        elif field == "weighting":
            assert MOODLE["decimal"].match(value) and -100 <= float(value) <= 100, (element, value)
        elif field == "latency":
            assert MOODLE["timespan"].match(value), (element, value)
        elif field == "time":
            assert MOODLE["time"].match(value), (element, value)
        elif field == "student_response" or field.endswith(".pattern"):
            assert MOODLE["feedback"].match(value), (element, value)
            assert FORMATS[types[n]].match(value), (element, types[n], value)
        else:
            raise AssertionError(f"unexpected interaction field {element}")
