"""The xAPI vocabulary: IRIs, definitions and the runtime configuration, all from the course model."""

from __future__ import annotations

import json
import re

import pytest

from builder import model
from builder.model import Choice, NumericAnswer, Question, XapiSettings
from builder.page.runtime_config import runtime_config
from builder.resources import load_strings
from builder.sources.course import load_course
from builder.xapi import vocab

from .conftest import BASE_IRI

COURSE_IRI = f"{BASE_IRI}/course/self-compassion"


@pytest.fixture
def course(course_dir):
    loaded, _ = load_course(course_dir())
    return loaded


def test_iri_scheme_is_derived_from_the_base_iri_and_the_ids(course):
    v = vocab.vocabulary(course)
    assert v.course["id"] == COURSE_IRI
    assert list(v.lessons) == [lesson.id for lesson in course.lessons]
    assert v.lessons["welcome"]["id"] == f"{COURSE_IRI}/lesson/welcome"
    assert v.quiz["id"] == f"{COURSE_IRI}/quiz"
    first = course.quiz.questions[0].id
    assert v.questions[first]["id"] == f"{COURSE_IRI}/quiz/question/{first}"
    assert v.extensions == {
        "courseVersion": f"{BASE_IRI}/extension/course-version",
        "creditHours": f"{BASE_IRI}/extension/ce-credit-hours",
        "certificateCode": f"{BASE_IRI}/extension/certificate-code",
    }
    assert vocab.base_of_course_iri(COURSE_IRI) == (BASE_IRI, "self-compassion")
    assert vocab.base_of_course_iri("https://example.org/other") is None


def test_iris_never_change_with_the_course_version(course):
    before = vocab.vocabulary(course)
    after = vocab.vocabulary(course._replace(version="2.3.4"))
    assert [a["id"] for a in before.activities()] == [a["id"] for a in after.activities()]
    assert "1.0.0" not in json.dumps([a["id"] for a in before.activities()])


def test_activity_types_verbs_and_language_maps(course):
    v = vocab.vocabulary(course)
    assert v.course["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    assert v.course["definition"]["name"] == {"en": course.title}
    assert v.lessons["welcome"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert v.quiz["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    for activity in v.questions.values():
        assert activity["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert activity["definition"]["interactionType"] == "true-false"
    assert set(v.verbs) == set(vocab.VERBS)
    for name, verb in v.verbs.items():
        assert verb == {"id": f"http://adlnet.gov/expapi/verbs/{name}", "display": {"en-US": name}}
    ids = [a["id"] for a in v.activities()]
    evaluation = course.quiz.evaluation
    assert (
        len(ids)
        == len(set(ids))
        == 1
        + len(course.lessons)
        + 1
        + len(course.quiz.questions)
        + len(evaluation.items)
        + (1 if evaluation.comment_id else 0)
    )


def _question(qtype: str, **kw) -> Question:
    kw.setdefault("answer", None)
    return Question(id=f"q_{qtype.replace('-', '_')}", type=qtype, text=f"A {qtype} question", number=1, **kw)


QUESTIONS = {
    "true-false": dict(answer=True),
    "single-choice": dict(choices=(Choice("Red", True), Choice("Blue"), Choice("Green"))),
    "multiple-response": dict(choices=(Choice("One", True), Choice("Two", True), Choice("Three"))),
    "fill-in": dict(accepted=("Neff",)),
    "numeric": dict(numeric=NumericAnswer("1", "3", None)),
    "matching": dict(pairs=(("Dog", "Bark"), ("Cat", "Meow")), distractors=("Moo",)),
    "sequencing": dict(items=("First", "Second", "Third")),
    "likert": dict(),
}


def test_every_question_type_of_the_model_has_an_xapi_interaction_type():
    assert set(QUESTIONS) == set(model.QUESTION_TYPES), "a new question type needs an xAPI mapping here"
    for qtype in model.QUESTION_TYPES:
        assert vocab.interaction_type(_question(qtype, **QUESTIONS[qtype])) in vocab.INTERACTION_TYPES
        assert vocab.interaction_type(_question(qtype, **QUESTIONS[qtype])) != "other", qtype


def test_question_definitions_carry_their_options_but_never_the_correct_answers(course):
    strings = load_strings("en")
    defs = {t: vocab.question_definition(course, _question(t, **kw), strings) for t, kw in QUESTIONS.items()}
    assert defs["single-choice"]["interactionType"] == "choice"
    assert defs["single-choice"]["choices"] == [
        {"id": "a", "description": {"en": "Red"}},
        {"id": "b", "description": {"en": "Blue"}},
        {"id": "c", "description": {"en": "Green"}},
    ]
    matching = _question("matching", **QUESTIONS["matching"])
    assert [c["id"] for c in defs["matching"]["source"]] == ["1", "2"]
    assert [c["description"]["en"] for c in defs["matching"]["target"]] == list(matching.targets)
    assert [c["description"]["en"] for c in defs["sequencing"]["choices"]] == list(
        _question("sequencing", **QUESTIONS["sequencing"]).sequence
    )
    assert [c["id"] for c in defs["likert"]["scale"]] == ["1", "2", "3", "4", "5"]
    assert defs["likert"]["scale"][0]["description"]["en"] == strings["likert_1"]
    for definition in defs.values():
        assert "correctResponsesPattern" not in definition
        assert definition["name"]["en"].startswith("A ")


def test_runtime_config_has_no_xapi_key_when_off(course_dir):
    course, _ = load_course(course_dir(xapi=None))
    assert course.xapi is None
    assert "xapi" not in runtime_config(course)


def test_runtime_config_xapi_part(course):
    config = runtime_config(course)["xapi"]
    assert config["version"] == "1.0.3"
    assert config["homePage"] == "https://lms.example.org"
    assert config["learnerName"] is False
    assert config["relay"] is None and config["endpoint"] is None and config["auth"] is None
    assert config["courseVersion"] == course.version and config["creditHours"] == 2
    assert config["course"]["id"] == COURSE_IRI
    assert set(config["questions"]) == {q.id for q in course.quiz.questions}
    text = json.dumps(config)
    assert "correctResponsesPattern" not in text
    # the sealed answer keys of the quiz never appear in plain text in the xAPI part
    assert not re.search(r'"(answer|key|correct)"', text)


def test_embedded_auth_is_not_in_the_settings_repr():
    settings = XapiSettings(base_iri=BASE_IRI, endpoint="https://lrs.example.org/xAPI/", auth="Basic c2VjcmV0")
    assert "c2VjcmV0" not in repr(settings)


# ---------------------------------------------------------------------- the course evaluation
def test_evaluation_items_and_comment_are_interactions_under_the_course(course):
    """One activity per evaluation item (likert) and one for the comment (fill-in), never with answers."""
    strings = load_strings("en")
    evaluation = course.quiz.evaluation
    assert evaluation is not None and evaluation.comment_id, "the sample course has an evaluation with a comment"
    v = vocab.vocabulary(course, strings)
    assert list(v.evaluation) == [item.id for item in evaluation.items] + [evaluation.comment_id]
    labels = [strings[f"likert_{i}"] for i in range(1, 6)]
    for item in evaluation.items:
        activity = v.evaluation[item.id]
        assert activity == {
            "objectType": "Activity",
            "id": f"{COURSE_IRI}/evaluation/{item.id}",
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "name": {"en": item.text},
                "interactionType": "likert",
                "scale": [{"id": str(i + 1), "description": {"en": label}} for i, label in enumerate(labels)],
            },
        }
    assert v.evaluation[evaluation.comment_id] == {
        "objectType": "Activity",
        "id": f"{COURSE_IRI}/evaluation/{evaluation.comment_id}",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "name": {"en": evaluation.comment_text},
            "interactionType": "fill-in",
        },
    }
    # never the quiz's IRIs, even though the ids share one id space
    question_ids = {a["id"] for a in v.questions.values()}
    assert question_ids.isdisjoint(a["id"] for a in v.evaluation.values())
    assert "correctResponsesPattern" not in json.dumps(v.evaluation)


def test_evaluation_scale_is_the_one_the_learner_sees(course):
    """The xAPI scale and the SCORM runtime's scale come from the same course model: same ids, same labels."""
    config = runtime_config(course)
    shown = config["quiz"]["evaluation"]["scale"]
    for item in config["quiz"]["evaluation"]["items"]:
        scale = config["xapi"]["evaluation"][item["id"]]["definition"]["scale"]
        assert [(c["id"], c["description"]["en"]) for c in scale] == [(p["id"], p["text"]) for p in shown]
    # an author's own scale
    custom = course.quiz.evaluation._replace(scale=("Poor", "Fair", "Good", "Excellent"))
    definitions = vocab.evaluation_definitions(course, custom, load_strings("en"))
    scale = definitions[custom.items[0].id]["scale"]
    assert scale == [
        {"id": "1", "description": {"en": "Poor"}},
        {"id": "2", "description": {"en": "Fair"}},
        {"id": "3", "description": {"en": "Good"}},
        {"id": "4", "description": {"en": "Excellent"}},
    ]
    # no comment box: no comment activity
    bare = vocab.evaluation_definitions(course, custom._replace(comment_id="", comment_text=""), {})
    assert list(bare) == [item.id for item in custom.items]
    assert all(d["interactionType"] == "likert" for d in bare.values())


def test_evaluation_ids_are_quoted_and_absent_without_an_evaluation(course):
    assert vocab.evaluation_iri(BASE_IRI, "c 1", "a/b") == f"{BASE_IRI}/course/c%201/evaluation/a%2Fb"
    no_evaluation = course._replace(quiz=course.quiz._replace(evaluation=None))
    v = vocab.vocabulary(no_evaluation)
    assert v.evaluation == {}
    assert runtime_config(no_evaluation)["xapi"]["evaluation"] == {}
    assert not [a for a in v.activities() if "/evaluation/" in a["id"]]


def test_the_tin_can_package_lists_the_evaluation_activities(course):
    from lxml import etree

    from builder.xapi.tincan.descriptor import TINCAN_NS, tincan_xml

    v = vocab.vocabulary(course, load_strings("en"))
    root = etree.fromstring(tincan_xml(course, v, "index.html"))
    ns = {"t": TINCAN_NS}
    listed = {a.get("id"): a for a in root.iterfind("t:activities/t:activity", ns)}
    for activity in v.evaluation.values():
        element = listed[activity["id"]]
        assert element.findtext("t:interactionType", namespaces=ns) == activity["definition"]["interactionType"]
        assert element.find("t:correctResponsePatterns", ns) is None
