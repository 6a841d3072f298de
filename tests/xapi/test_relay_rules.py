"""The relay's rules: what it learns from courses and packages, and every way a statement is refused.

Valid statements come from relay_statements.py (written from the README's statement table);
each forged one changes one thing and must be refused with the rule named in the README.
"""

from __future__ import annotations

import copy
import json
import shutil
import uuid
from pathlib import Path

import pytest

from builder.cli import main
from builder.xapi.embed import UsageError
from builder.xapi.relay.allowlist import config_from_source, config_from_zip, load_allowlist
from builder.xapi.relay.rules import Checker, Limits, Refused, parse_batch
from builder.xapi.releases import release_from_source

from .conftest import BASE_IRI, REPO, XAPI_BLOCK
from .relay_statements import Session, now_iso

COURSE_IRI = f"{BASE_IRI}/course/self-compassion"
SHOWCASE = REPO / "course_src" / "quiz-showcase"


@pytest.fixture
def sample(course_dir) -> Path:
    return course_dir(name="self-compassion")


@pytest.fixture
def showcase(tmp_path) -> Path:
    root = tmp_path / "quiz-showcase"
    shutil.copytree(SHOWCASE, root)
    with open(root / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(XAPI_BLOCK)
    return root


@pytest.fixture
def checker(sample, showcase) -> Checker:
    return Checker(load_allowlist([sample, showcase]))


@pytest.fixture
def x(sample) -> dict:
    return config_from_source(sample)


@pytest.fixture
def session(x, sample) -> Session:
    return Session(x, f"learner-{uuid.uuid4().hex[:8]}", config=release_from_source(sample).config)


def refused(checker: Checker, batch) -> Refused:
    with pytest.raises(Refused) as info:
        checker.check_batch(batch)
    return info.value


# ====================================================================== what is learned
def test_a_source_folder_and_its_built_package_teach_the_same(runner, sample, tmp_path):
    result = runner.invoke(main, ["build", str(sample), "-o", str(tmp_path / "out"), "--format", "scorm12,xapi"])
    assert result.exit_code == 0, result.stderr
    from_source = load_allowlist([sample])
    for package in sorted((tmp_path / "out").glob("*.zip")):
        assert config_from_zip(package) is not None
        from_zip = load_allowlist([package])
        assert from_zip.activities == from_source.activities, package.name
        assert from_zip.verbs == from_source.verbs and from_zip.homepages == from_source.homepages
        assert from_zip.courses[COURSE_IRI].credit_hours == {2}
    # a folder of packages (dist/) is read too
    assert load_allowlist([tmp_path / "out"]).activities == from_source.activities


def test_the_allowlist_has_every_activity_of_the_course(sample, x):
    allow = load_allowlist([sample], ["https://moodle2.example.org/"])
    assert set(allow.courses) == {COURSE_IRI}
    kinds = {a.kind for a in allow.activities.values()}
    assert kinds == {"course", "lesson", "quiz", "question", "evaluation"}
    assert x["evaluation"], "the sample course has an evaluation"
    assert len(allow.activities) == 2 + len(x["lessons"]) + len(x["questions"]) + len(x["evaluation"])
    assert allow.homepages == {"https://lms.example.org", "https://moodle2.example.org"}
    assert allow.origins() == {"https://lms.example.org", "https://moodle2.example.org"}


def test_inputs_that_cannot_be_used_are_usage_errors(course_dir, tmp_path):
    with pytest.raises(UsageError, match="no such file or folder"):
        load_allowlist([tmp_path / "missing"])
    with pytest.raises(UsageError, match="no xAPI reporting"):
        load_allowlist([course_dir(xapi=None)])
    with pytest.raises(UsageError, match="no LMS homePage"):
        load_allowlist([course_dir(xapi=f"\nxapi:\n  base_iri: {BASE_IRI}\n")])
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UsageError, match="give a course folder"):
        load_allowlist([tmp_path / "notes.txt"])
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    with pytest.raises(UsageError, match="not a readable zip"):
        load_allowlist([tmp_path / "bad.zip"])
    with pytest.raises(UsageError, match="homePage 'ftp://x' must be"):
        load_allowlist([course_dir()], ["ftp://x"])


def test_two_releases_of_a_course_are_both_accepted(course_dir, x):
    old = course_dir(name="v1")
    new = course_dir(name="v2")
    text = (new / "course.yaml").read_text(encoding="utf-8")
    (new / "course.yaml").write_text(
        text.replace("credit_hours: 2", "credit_hours: 3").replace("version: 1.0.0", "version: 1.1.0"), encoding="utf-8"
    )
    checker = Checker(load_allowlist([old, new]))
    assert checker.allow.courses[COURSE_IRI].credit_hours == {2, 3}
    s = Session(x, "ann")
    checker.check_batch([s.initialized()])
    later = Session(dict(x, creditHours=3, courseVersion="1.1.0"), "ann")
    checker.check_batch([later.initialized()])
    only_new = Checker(load_allowlist([new]))
    assert refused(only_new, [s.initialized()]).rule == "extension"


# ====================================================================== accepted
def test_a_whole_session_is_accepted(checker, session):
    checker.check_batch(session.trail())


def test_timestamps_with_an_offset_or_nine_decimals_are_accepted(checker, session):
    a, b = session.initialized(), session.terminated()
    a["timestamp"] = now_iso()[:-1] + "123456+00:00"
    b["timestamp"] = now_iso(-60)[:-1] + "000000+00:00"
    checker.check_batch([a, b])
    c = session.initialized()
    c["timestamp"] = c["timestamp"].replace("Z", "+02:00")
    with pytest.raises(Refused):  # same wall time, two hours earlier in UTC: fine unless older than max-age
        Checker(checker.allow, Limits(max_age=3600)).check_batch([c])
    checker.check_batch([c])


def _xapi(kind: str, text: str) -> str:
    """A SCORM 1.2 response or pattern in xAPI format (README, "Statements"), written here from the README."""
    if kind == "true-false":
        return {"t": "true", "f": "false"}.get(text, text)
    if kind in ("choice", "sequencing"):
        return text.replace(",", "[,]")
    if kind == "matching":
        return "[,]".join(pair.replace(".", "[.]") for pair in text.split(","))
    return text


def test_every_question_type_of_the_showcase_answers_in_xapi_format(checker, showcase):
    """Right, wrong and partly right answers of every type, as the package sends them, and malformed ones."""
    from e2e.answer_key import with_answers
    from e2e.quiz_helpers import credit, partial, patterns, response, right, wrong

    config = release_from_source(showcase).config
    x = config["xapi"]
    s = Session(x, "sam")
    kinds = set()
    for q in with_answers(config):
        kind = x["questions"][q["id"]]["definition"]["interactionType"]
        kinds.add(kind)
        pats = [_xapi(kind, p) for p in patterns(q)] or None
        for value in {right(q), wrong(q), partial(q)}:
            earned = credit(q, value)
            said = _xapi(kind, response(q, value))
            success = None if earned is None else earned == 1
            checker.check_batch([s.answered(q["id"], said, pats, success)])
            if success is not None and (not success or q["type"] != "fill-in"):  # see answers.py
                problem = refused(checker, [s.answered(q["id"], said, pats, not success)])
                assert problem.rule == "answer", (q["id"], value)
        bad = {"true-false": "yes", "choice": "zz", "sequencing": "a[,]zz", "matching": "9[.]zz", "likert": "99"}
        bad.update(numeric="three")
        good = _xapi(kind, response(q, right(q)))
        if kind in bad:
            assert refused(checker, [s.answered(q["id"], bad[kind])]).rule == "result", kind
            assert refused(checker, [s.answered(q["id"], good, [bad[kind]])]).rule == "definition", kind
        if pats:
            forged = [_xapi(kind, response(q, wrong(q)))]
            assert refused(checker, [s.answered(q["id"], good, forged, True)]).rule == "answer", q["id"]
    assert kinds >= {"true-false", "choice", "sequencing", "matching", "likert", "numeric", "fill-in"}


def test_the_course_evaluation_is_accepted_as_the_package_sends_it(checker, session, x, showcase):
    """One 'answered' per rated item (likert, a point of the scale) and one for the comment (fill-in)."""
    items = [iid for iid, a in x["evaluation"].items() if a["definition"]["interactionType"] == "likert"]
    (comment,) = [iid for iid, a in x["evaluation"].items() if a["definition"]["interactionType"] == "fill-in"]
    points = [c["id"] for c in x["evaluation"][items[0]]["definition"]["scale"]]
    assert points == ["1", "2", "3", "4", "5"]
    batch = [session.initialized()] + [session.evaluated(iid, points[n % 5]) for n, iid in enumerate(items)]
    batch += [
        session.evaluated(comment, "More cases from the wards, please."),
        session.evaluated(comment, "x" * 255),
        session.evaluated(comment, "Très bien — 10/10 ✓"),
        session.completed(),
    ]
    checker.check_batch(batch)
    # without the definition (a statement may name the activity only), and every point of the scale
    bare = session.evaluated(items[0], "3")
    bare["object"] = {"objectType": "Activity", "id": bare["object"]["id"]}
    checker.check_batch([bare] + [session.evaluated(items[0], p) for p in points])
    # the showcase's required evaluation too, from its own course
    sx = config_from_source(showcase)
    s = Session(sx, "sam")
    checker.check_batch(
        [
            s.evaluated(iid, "5")
            for iid in sx["evaluation"]
            if sx["evaluation"][iid]["definition"]["interactionType"] == "likert"
        ]
        + [s.evaluated("eval_comment", "Shorter, please.")]
    )


def _evaluation_item(x) -> str:
    return next(iid for iid, a in x["evaluation"].items() if a["definition"]["interactionType"] == "likert")


def _evaluation_comment(x) -> str:
    return next(iid for iid, a in x["evaluation"].items() if a["definition"]["interactionType"] == "fill-in")


EVALUATION_FORGERIES = {
    # name: (item or comment, change, rule)
    "a score": (
        "item",
        lambda s, x: s["result"].update(score={"scaled": 1, "raw": 100, "min": 0, "max": 100}),
        "result",
    ),
    "success": ("item", lambda s, x: s["result"].update(success=True), "result"),
    "completion": ("item", lambda s, x: s["result"].update(completion=True), "result"),
    "a result extension": (
        "item",
        lambda s, x: s["result"].update(extensions={f"{BASE_IRI}/extension/x": 1}),
        "result",
    ),
    "a rating outside the scale": ("item", lambda s, x: s["result"].update(response="6"), "result"),
    "a rating of zero": ("item", lambda s, x: s["result"].update(response="0"), "result"),
    "a rating in words": ("item", lambda s, x: s["result"].update(response="Agree"), "result"),
    "two ratings": ("item", lambda s, x: s["result"].update(response="4[,]5"), "result"),
    "an empty rating": ("item", lambda s, x: s["result"].update(response=""), "result"),
    "no response": ("item", lambda s, x: s["result"].pop("response"), "result"),
    "no result": ("item", lambda s, x: s.pop("result"), "result"),
    "a correct answer": (
        "item",
        lambda s, x: s["object"]["definition"].update(correctResponsesPattern=["5"]),
        "definition",
    ),
    "another interaction type": (
        "item",
        lambda s, x: s["object"]["definition"].update(interactionType="choice"),
        "definition",
    ),
    "a scale with another point": (
        "item",
        lambda s, x: s["object"]["definition"]["scale"].append({"id": "6", "description": {"en": "Love it"}}),
        "definition",
    ),
    "a scale without a point": ("item", lambda s, x: s["object"]["definition"]["scale"].pop(), "definition"),
    "choices instead of a scale": (
        "item",
        lambda s, x: s["object"]["definition"].update(choices=s["object"]["definition"].pop("scale")),
        "definition",
    ),
    "another activity type": (
        "item",
        lambda s, x: s["object"]["definition"].update(type="http://adlnet.gov/expapi/activities/question"),
        "definition",
    ),
    "an evaluation item IRI not of the course": (
        "item",
        lambda s, x: s["object"].update(id=f"{COURSE_IRI}/evaluation/eval_invented"),
        "activity",
    ),
    "the item under the quiz's question IRIs": (
        "item",
        lambda s, x: s["object"].update(id=f"{COURSE_IRI}/quiz/question/{_evaluation_item(x)}"),
        "activity",
    ),
    "'passed' about an evaluation item": (
        "item",
        lambda s, x: s.update(verb=copy.deepcopy(x["verbs"]["passed"])),
        "verb-object",
    ),
    "'experienced' about an evaluation item": (
        "item",
        lambda s, x: s.update(verb=copy.deepcopy(x["verbs"]["experienced"])),
        "verb-object",
    ),
    "the comment as a likert": (
        "comment",
        lambda s, x: s["object"]["definition"].update(interactionType="likert"),
        "definition",
    ),
    "a comment of two lines": ("comment", lambda s, x: s["result"].update(response="Good.\nShort."), "result"),
    "a comment with a tab": ("comment", lambda s, x: s["result"].update(response="Good.\tShort."), "result"),
    "a comment not trimmed": ("comment", lambda s, x: s["result"].update(response=" Good. "), "result"),
    "a comment with a run of spaces": ("comment", lambda s, x: s["result"].update(response="Good.   Short."), "result"),
    "a comment over 255 characters": ("comment", lambda s, x: s["result"].update(response="x" * 256), "string-length"),
    "an empty comment": ("comment", lambda s, x: s["result"].update(response=""), "result"),
    "a scored comment": ("comment", lambda s, x: s["result"].update(success=False), "result"),
    "a comment with a correct answer": (
        "comment",
        lambda s, x: s["object"]["definition"].update(correctResponsesPattern=["good"]),
        "definition",
    ),
}


@pytest.mark.parametrize("name", EVALUATION_FORGERIES)
def test_a_forged_evaluation_statement_is_refused(name, checker, session, x):
    which, change, rule = EVALUATION_FORGERIES[name]
    forged = (
        session.evaluated(_evaluation_item(x), "4")
        if which == "item"
        else session.evaluated(_evaluation_comment(x), "Good.")
    )
    change(forged, x)
    batch = [session.initialized(), session.evaluated(_evaluation_item(x), "5"), forged, session.terminated()]
    problem = refused(checker, batch)
    assert (problem.rule, problem.index) == (rule, 2), problem.detail
    assert "Good" not in problem.detail  # names the field, never the value


def test_an_evaluation_statement_is_not_accepted_for_a_course_without_that_item(course_dir, x):
    """The allowlist learns evaluation items only from a course that has them (an older build has none)."""
    root = course_dir(name="no-evaluation")
    quiz = (root / "quiz.yaml").read_text(encoding="utf-8")
    (root / "quiz.yaml").write_text(quiz[: quiz.index("\nevaluation:")] + "\n", encoding="utf-8")
    only = Checker(load_allowlist([root]))
    assert not any(a.kind == "evaluation" for a in only.allow.activities.values())
    s = Session(x, "ann")
    only.check_batch([s.initialized()])
    assert refused(only, [s.evaluated(_evaluation_item(x), "4")]).rule == "activity"
    older = dict(x)
    older.pop("evaluation")  # a package built before the evaluation was reported
    from builder.xapi.relay.allowlist import Allowlist

    allow = Allowlist()
    allow.add_config(older, "old.zip")
    assert not any(a.kind == "evaluation" for a in allow.activities.values())


# ====================================================================== refused
def _other_course(s, x, showcase_x):
    s["object"] = copy.deepcopy(showcase_x["lessons"][next(iter(showcase_x["lessons"]))])
    s["verb"] = copy.deepcopy(x["verbs"]["experienced"])
    s["context"]["contextActivities"] = {"parent": [{"objectType": "Activity", "id": COURSE_IRI}]}


def _set(path, value):
    def change(s, *_):
        target = s
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value(s) if callable(value) else value

    return change


def _score(**values):
    def change(s, *_):
        s["result"]["score"].update(values)

    return change


FORGERIES = {
    # name: (which statement, change, rule)
    "missing id": ("initialized", _set(["id"], KeyError), "id"),
    "id not a UUID": ("initialized", _set(["id"], "12345"), "id"),
    "id with a line break after it": ("initialized", _set(["id"], lambda s: s["id"] + "\n"), "id"),
    "missing timestamp": ("initialized", _set(["timestamp"], KeyError), "timestamp"),
    "timestamp without a zone": ("initialized", _set(["timestamp"], lambda s: s["timestamp"][:-1]), "timestamp"),
    "timestamp not a date": ("initialized", _set(["timestamp"], "2026-02-30T10:00:00Z"), "timestamp"),
    "stale timestamp": ("initialized", _set(["timestamp"], lambda s: now_iso(-8 * 86400)), "timestamp-range"),
    "timestamp in the future": ("initialized", _set(["timestamp"], lambda s: now_iso(3600)), "timestamp-range"),
    "foreign homePage": ("initialized", _set(["actor", "account", "homePage"], "https://evil.example.org"), "homepage"),
    "mbox actor": ("initialized", _set(["actor"], {"mbox": "mailto:a@example.org"}), "actor"),
    "group actor": ("initialized", _set(["actor", "objectType"], "Group"), "actor"),
    "empty account name": ("initialized", _set(["actor", "account", "name"], " "), "actor"),
    "missing actor": ("initialized", _set(["actor"], KeyError), "actor"),
    "unknown verb": ("initialized", _set(["verb"], {"id": "http://adlnet.gov/expapi/verbs/voided"}), "verb"),
    "verb display changed": ("initialized", _set(["verb", "display"], {"en-US": "hacked"}), "verb"),
    "activity of an unknown course": ("initialized", _set(["object", "id"], f"{BASE_IRI}/course/other"), "activity"),
    "activity of another accepted course": ("experienced", _other_course, "activity"),
    "verb about the wrong kind of activity": (
        "experienced",
        _set(["verb"], lambda s: {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}}),
        "verb-object",
    ),
    "definition of another type": (
        "initialized",
        _set(["object", "definition", "type"], "http://adlnet.gov/expapi/activities/lesson"),
        "definition",
    ),
    "definition with a foreign key": (
        "initialized",
        _set(["object", "definition", "moreInfo"], "https://x.org"),
        "definition",
    ),
    "authority set by the client": ("initialized", _set(["authority"], {"mbox": "mailto:a@example.org"}), "shape"),
    "stored set by the client": ("initialized", _set(["stored"], "2026-01-01T00:00:00Z"), "shape"),
    "only unknown keys": ("initialized", lambda s, *_: s.clear() or s.update({"0": 1}), "shape"),
    "missing context": ("initialized", _set(["context"], KeyError), "context"),
    "registration not a UUID": ("initialized", _set(["context", "registration"], "abc"), "context"),
    "language not a tag": ("initialized", _set(["context", "language"], "english please"), "context"),
    "unknown extension": ("initialized", _set(["context", "extensions", "https://x.org/ext"], 1), "extension"),
    "forged credit hours": (
        "initialized",
        _set(["context", "extensions", f"{BASE_IRI}/extension/ce-credit-hours"], 40),
        "extension",
    ),
    "credit hours left out": (
        "initialized",
        _set(["context", "extensions", f"{BASE_IRI}/extension/ce-credit-hours"], KeyError),
        "extension",
    ),
    "scaled above 1": ("passed", _score(scaled=1.5), "score"),
    "scaled below -1": ("passed", _score(scaled=-2), "score"),
    "raw above max": ("passed", _score(raw=150, scaled=1), "score"),
    "min not below max": ("passed", _score(min=100), "score"),
    "scaled does not match raw": ("passed", _score(scaled=0.2), "score"),
    "score as text": ("passed", _score(raw="100"), "score"),
    "score as a boolean": ("passed", _score(scaled=True), "score"),
    "passed without success": ("passed", _set(["result", "success"], False), "result"),
    "completed with completion false": ("completed", _set(["result", "completion"], False), "result"),
    "result extension": ("passed", _set(["result", "extensions"], {"https://x.org": 1}), "result"),
    "completed with a foreign result extension": (
        "completed",
        _set(["result", "extensions"], {"https://x.org": 1}),
        "extension",
    ),
    "completed with a malformed certificate code": (
        "completed",
        _set(["result", "extensions"], {f"{BASE_IRI}/extension/certificate-code": "AAAA-BBBB-CCC!"}),
        "extension",
    ),
    "duration not ISO 8601": ("passed", _set(["result", "duration"], "42 minutes"), "result"),
    "duration with a line break after it": ("passed", _set(["result", "duration"], "PT1S\n"), "result"),
    "response to a non-question": ("passed", _set(["result", "response"], "true"), "result"),
    "response not true or false": ("answered", _set(["result", "response"], "maybe"), "result"),
    "string too long": ("initialized", _set(["object", "definition", "name", "en"], "x" * 5000), "string-length"),
    "learner name too long": ("initialized", _set(["actor", "name"], "x" * 300), "string-length"),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_a_forged_statement_refuses_the_whole_batch_naming_it(name, checker, session, x, showcase):
    which, change, rule = FORGERIES[name]
    qid = next(iter(x["questions"]))
    makers = {
        "initialized": session.initialized,
        "experienced": lambda: session.experienced(next(iter(x["lessons"]))),
        "answered": lambda: session.answered(qid, "true", ["true"]),
        "passed": lambda: session.scored(100, True),
        "completed": session.completed,
    }
    forged = makers[which]()
    change(forged, x, config_from_source(showcase))
    batch = [session.initialized(), session.experienced(next(iter(x["lessons"]))), forged, session.terminated()]
    problem = refused(checker, batch)
    assert (problem.rule, problem.index) == (rule, 2), problem.detail
    answer = problem.as_dict()
    assert answer["detail"].startswith("statement 2: ") and answer["rule"] == rule
    assert session.actor["account"]["name"] not in json.dumps(answer)  # never echoes the learner


def test_the_same_id_twice_in_one_batch_is_refused(checker, session):
    a = session.initialized()
    b = session.terminated()
    b["id"] = a["id"].upper()
    problem = refused(checker, [a, b])
    assert (problem.rule, problem.index) == ("id", 1)


def test_bodies_are_bounded_and_must_be_json(checker, session):
    limits = Limits(max_body=16384, max_batch=3)
    one = session.initialized()
    assert parse_batch(json.dumps(one).encode(), limits) == [one]  # one statement, not in a list
    assert len(parse_batch(json.dumps([one, one]).encode(), limits)) == 2
    cases = {
        b"[]": "batch",
        json.dumps([one] * 4).encode(): "batch",
        b"x" * 16385: "body-size",
        b"\xff\xfe[]": "body-encoding",
        b"{not json": "body-json",
        b'[{"score": NaN}]': "body-json",
        b"[" * 9000 + b"]" * 9000: "body-size",
    }
    for body, rule in cases.items():
        with pytest.raises(Refused) as info:
            parse_batch(body, limits)
        assert info.value.rule == rule, body[:20]
    with pytest.raises(Refused) as info:
        parse_batch(b"[" * 2000 + b"]" * 2000, Limits())
    assert info.value.rule == "body-json"
    problem = refused(checker, parse_batch(b'["x"]', limits))
    assert problem.rule == "shape"
