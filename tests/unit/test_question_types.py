"""Adding a question type is adding one definition: a toy type registered only here builds into a package.

Nothing else of the builder knows the toy: quiz.yaml reading, the runtime configuration, the
sealed answer key, the suspend_data budget, the xAPI definition, the engine's twin and the
relay's check of its answers all come from its definition (docs/architecture.md, "1.3 Adding a
question type").
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from conftest import COURSE_YAML
from xapi.relay_statements import HOMEPAGE, Session

from builder import engine
from builder.cli import main
from builder.questions import TYPES
from builder.questions.base import QuestionType, config_options, ids_of, numbered
from builder.xapi.relay.allowlist import load_allowlist
from builder.xapi.relay.rules import Checker, Refused
from builder.xapi.releases import release_from_source


class OddOneOut(QuestionType):
    """Pick the item that does not belong with the others (quiz.yaml ``items`` and ``odd``)."""

    name = "odd-one-out"
    interaction = "choice"
    keys = ("items", "odd")
    required = "items"
    required_hint = "list the items under 'items:' and name the odd one with 'odd:'"

    def read(self, reader, q, path):
        items = reader.texts(q, path, "items", "item", 3)
        odd = reader.r.text(q, path, "odd")
        if items is None or odd is None:
            return None
        if odd not in items:
            reader.r.error(path + ("odd",), f"'{odd}' is not one of the items", hint="copy one item's text")
            return None
        return {"items": tuple(items), "accepted": (odd,)}

    def key(self, question):
        return numbered(question.items)[question.items.index(question.accepted[0])][0]

    def config(self, question, strings):
        return {"options": config_options(numbered(question.items))}

    def xapi_components(self, question, strings):
        return {"choices": numbered(question.items)}

    def answer_ids(self, q):
        return ids_of(q["options"])


@pytest.fixture
def toy():
    kind = OddOneOut()
    TYPES.register(kind)
    yield kind
    TYPES.unregister(kind.name)


COURSE = COURSE_YAML + "xapi:\n  base_iri: https://example.org/xapi\n"

QUIZ = """\
title: Toy quiz
attempts: 3
questions:
  - id: fruit
    type: odd-one-out
    text: Which one is not a fruit?
    weight: 2
    items: [Apple, Pear, Carrot, Plum]
    odd: Carrot
    explanation: A carrot is a root.
  - id: sky
    type: true-false
    text: The sky is blue.
    answer: true
"""


def _build(runner, make_course, tmp_path, quiz=QUIZ):
    root = make_course({"course.yaml": COURSE, "quiz.yaml": quiz})
    return runner.invoke(main, ["build", str(root), "-o", str(tmp_path / "out")])


def _config(tmp_path) -> dict:
    (package,) = (tmp_path / "out").glob("*-scorm12.zip")
    with zipfile.ZipFile(package) as zf:
        page = zf.read("index.html").decode("utf-8")
    return json.loads(re.search(r'<script type="application/json" id="course-config">(.*?)</script>', page, re.S)[1])


def test_a_type_registered_alone_builds_into_the_package(toy, runner, make_course, tmp_path):
    result = _build(runner, make_course, tmp_path)
    assert result.exit_code == 0, result.stderr
    config = _config(tmp_path)
    q = config["quiz"]["questions"][0]
    options = [{"id": "a", "text": "Apple"}, {"id": "b", "text": "Pear"}, {"id": "c", "text": "Carrot"}]
    options.append({"id": "d", "text": "Plum"})
    assert {k: v for k, v in q.items() if k != "key"} == {
        "id": "fruit",
        "type": "odd-one-out",
        "interaction": "choice",
        "weight": 2,
        "text": "Which one is not a fruit?",
        "options": options,
    }
    # the answer key and explanation, sealed like every other type's
    assert engine.secret(config, q) == {"k": "c", "e": "A carrot is a root."}
    # "2~" + fingerprint + "~" + 1 bitmap character + "~" + "3.s.100." + one character per answer and a '.' between
    assert config["suspendWorstCase"] == 7 + 1 + 1 + len("3.s.100.") + 1 + 1
    definition = config["xapi"]["questions"]["fruit"]["definition"]
    assert definition == {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "name": {"en": "Which one is not a fruit?"},
        "interactionType": "choice",
        "choices": [{"id": o["id"], "description": {"en": o["text"]}} for o in options],
    }
    # the engine's twin scores and stores its answers with the defaults of a one-character answer
    key = engine.secret(config, q)["k"]
    assert (engine.credit(q, "c", key), engine.credit(q, "a", key), engine.credit(q, None, key)) == (1, 0, 0)
    assert (engine.response(q, "c"), engine.patterns(q, key)) == ("c", ["c"])
    plan = engine.layout(config["quiz"], engine.NO_SEED)
    assert engine.decode_answers(plan, engine.encode_answers(plan, ["b", "t"])) == ["b", "t"]


def test_its_keys_and_checks_take_part_in_reading_the_quiz(toy, runner, make_course, tmp_path):
    quiz = QUIZ.replace("odd: Carrot", "odd: Potato").replace("answer: true", "answer: true\n    items: [x, y, z]")
    result = _build(runner, make_course, tmp_path, quiz)
    assert result.exit_code == 2
    assert "questions[0].odd: 'Potato' is not one of the items" in result.stderr
    assert "questions[1].items: 'items' does not apply to a true-false question" in result.stderr


def test_unknown_types_are_told_the_registered_ones(toy, runner, make_course, tmp_path):
    result = _build(runner, make_course, tmp_path, QUIZ.replace("type: odd-one-out", "type: odd-one"))
    assert result.exit_code == 2
    assert "question type 'odd-one' is not supported" in result.stderr
    assert "did you mean 'odd-one-out'?" in result.stderr


def test_the_relay_judges_its_answers_by_its_definition(toy, make_course):
    """An xAPI relay in front of the LRS takes the toy's right and wrong answers as the package sends them,
    and refuses a forged verdict or answer key (rule ``answer``)."""
    root = make_course({"course.yaml": COURSE, "quiz.yaml": QUIZ})
    checker = Checker(load_allowlist([root], homepages=[HOMEPAGE]))
    config = release_from_source(root).config
    learner = Session(config["xapi"], "sam", config=config)
    patterns = engine.patterns_xapi(config["quiz"]["questions"][0], "c")
    assert patterns == ["c"]
    checker.check_batch(
        [learner.answered("fruit", "c", patterns, True), learner.answered("fruit", "b", patterns, False)]
    )
    for forged in (
        learner.answered("fruit", "b", patterns, True),  # a wrong answer said to be right
        learner.answered("fruit", "c", patterns, False),  # a right answer said to be wrong
        learner.answered("fruit", "c", ["a"], True),  # another answer key
    ):
        with pytest.raises(Refused) as refused:
            checker.check_batch([forged])
        assert refused.value.rule == "answer"
