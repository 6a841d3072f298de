"""What replacing one version of a course by another does to learners and reports, from their release records.

Each finding says what a learner or a report experiences and how to avoid it. Levels:

* ``unsafe``: progress is lost or misread, or the LMS takes the new version for another course
  (``diff`` exits 1, ``build --previous`` refuses to build);
* ``warning``: something changes for learners or reports, in the designed way (a quiz that
  restarts with a notice, a bookmark that falls back to the first lesson);
* ``safe``: nothing is lost; said so that a reviewer sees what was checked.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, NamedTuple

from builder.model import Tracking

LEVELS = ("unsafe", "warning", "safe")


class Finding(NamedTuple):
    code: str
    level: str  #: one of LEVELS
    subject: str  #: what changed ("lesson 'welcome'", "scorm12 manifest identifier")
    effect: str  #: what a learner or a report experiences
    avoid: str = ""  #: how to avoid it ("" when nothing needs avoiding)

    def as_dict(self) -> Dict[str, str]:
        return self._asdict()


def compare(old: Dict[str, Dict[str, Any]], new: Dict[str, Dict[str, Any]]) -> List[Finding]:
    """Findings for replacing the version with records *old* by the one with records *new* (by format name).

    Identifiers are compared for the formats both have; the rest is the same in every record.
    """
    a, b = next(iter(old.values())), next(iter(new.values()))
    out: List[Finding] = []
    if a.get("legacy"):
        out.append(
            Finding(
                "before-records",
                "safe",
                f"version {a['course']['version']}",
                "built before coursepack wrote release records (coursepack.json): its identifiers, lessons and quiz "
                "were read from its manifest and page, and its quiz compared by each question's type, options, "
                "weight and answer key",
            )
        )
    out += _course(a, b)
    if a["course"]["id"] == b["course"]["id"]:
        for name in (n for n in old if n in new):
            out += _identifiers(name, old[name]["identifiers"], new[name]["identifiers"])
    out += _progress(a, b)
    out += _lessons(a["lessons"], b["lessons"])
    out += _quiz(a, b)
    out += _rules(a, b)
    return sorted(out, key=lambda f: LEVELS.index(f.level))


def verdict(findings: Iterable[Finding]) -> int:
    """The exit code: 1 when any finding is unsafe, else 0."""
    return 1 if any(f.level == "unsafe" for f in findings) else 0


# ---------------------------------------------------------------------- the course and its identifiers
def _course(a, b) -> List[Finding]:
    out = []
    old_id, new_id = a["course"]["id"], b["course"]["id"]
    if old_id != new_id:
        out.append(
            Finding(
                "course-id",
                "unsafe",
                f"course id '{old_id}' -> '{new_id}'",
                "every identifier the LMS keys learner records on derives from the course id: the LMS takes the new "
                "package for another course, learners start it from the beginning and their records stay with the "
                "old one; reports split the course in two",
                f"keep 'id: {old_id}' in course.yaml",
            )
        )
    legacy = bool(a.get("legacy"))
    if a["course"]["version"] == b["course"]["version"] and _content(a, legacy) != _content(b, legacy):
        v = a["course"]["version"]
        out.append(
            Finding(
                "version-unchanged",
                "warning",
                f"version {v}",
                f"the course changed but both releases say version {v}: reports, the relay and certificate codes "
                f"name a release by its version, so they cannot tell these two apart",
                "raise 'version' in course.yaml",
            )
        )
    return out


def _content(record, legacy: bool = False) -> Dict[str, Any]:
    """What a report or a certificate tells releases apart by: lessons, quiz, pass mark, completion, xAPI IRIs.

    Not the LMS settings (status rule, mastery score, preset): the same release may be built for several LMSs.
    With *legacy* (compared with a package built before release records), lessons by id and title only.
    """
    rules = record["rules"]
    keys = ("id", "title") if legacy else ("id", "title", "file", "module")
    return {
        "lessons": [{key: lesson[key] for key in keys} for lesson in record["lessons"]],
        "quiz": record.get("quiz"),
        "passMark": rules["passMark"],
        "completion": rules["completion"],
        "xapi": record.get("xapi"),
    }


def _identifiers(fmt: str, old: Dict[str, str], new: Dict[str, str]) -> List[Finding]:
    out = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            out.append(
                Finding(
                    "identifier",
                    "unsafe",
                    f"{fmt} {name} '{old.get(name)}' -> '{new.get(name)}'",
                    "the LMS keys learner records on it: it takes the new package for another course (or activity), "
                    "learners start again and reports no longer join the two versions",
                    "keep the course id and 'xapi: base_iri' as they were (every identifier derives from them)",
                )
            )
    return out


# ---------------------------------------------------------------------- stored progress
def _progress(a, b) -> List[Finding]:
    if a["fingerprint"] == b["fingerprint"]:
        return [
            Finding("progress", "safe", "stored progress", "the new version reads the old one's progress as its own")
        ]
    known = {e["fingerprint"] for e in b.get("earlier", [])}
    if a["fingerprint"] in known:
        return [
            Finding(
                "progress",
                "safe",
                "stored progress",
                f"the new version reads what version {a['course']['version']} stored: visited lessons by lesson id, "
                f"and its place",
            )
        ]
    return [
        Finding(
            "progress",
            "unsafe",
            "stored progress",
            "the new version cannot read the progress the old one stored: every learner part-way through starts "
            "the lessons and the quiz again (the LMS keeps the status it has)",
            "build the new version with 'coursepack build --previous OLD.zip' (OLD the package it replaces)",
        )
    ]


# ---------------------------------------------------------------------- lessons
def _lessons(old: List[dict], new: List[dict]) -> List[Finding]:
    out = []
    old_by_id = {lesson["id"]: lesson for lesson in old}
    new_by_id = {lesson["id"]: lesson for lesson in new}
    removed = [lesson for lesson in old if lesson["id"] not in new_by_id]
    added = [lesson for lesson in new if lesson["id"] not in old_by_id]
    for lesson in list(removed):
        twin = next((n for n in added if n["title"] == lesson["title"] or n["file"] == lesson["file"]), None)
        if twin is None:
            continue
        removed.remove(lesson)
        added.remove(twin)
        out.append(
            Finding(
                "lesson-id",
                "unsafe",
                f"lesson '{twin['title']}': id '{lesson['id']}' -> '{twin['id']}'",
                "progress follows lessons by id: learners who saw it find it unvisited again, and a learner whose "
                "place was on it resumes at the first lesson",
                f"keep 'id: {lesson['id']}' on the lesson in course.yaml (change its title freely)",
            )
        )
    for lesson in removed:
        out.append(
            Finding(
                "lesson-removed",
                "warning",
                f"lesson '{lesson['id']}' removed",
                "learners keep their other visited lessons; a learner whose place was on this lesson resumes at the "
                "first lesson instead",
                "nothing to do if the lesson is gone on purpose",
            )
        )
    for lesson in added:
        out.append(
            Finding(
                "lesson-added",
                "safe",
                f"lesson '{lesson['id']}' added",
                "learners part-way through see it as not visited yet; those already complete stay complete",
            )
        )
    for lesson in old:
        twin = new_by_id.get(lesson["id"])
        if twin is not None and twin["title"] != lesson["title"]:
            out.append(
                Finding(
                    "lesson-renamed",
                    "safe",
                    f"lesson '{lesson['id']}' title '{lesson['title']}' -> '{twin['title']}'",
                    "progress follows the id: visited marks and places are kept",
                )
            )
    kept_old = [lesson["id"] for lesson in old if lesson["id"] in new_by_id]
    kept_new = [lesson["id"] for lesson in new if lesson["id"] in old_by_id]
    if kept_old != kept_new:
        out.append(
            Finding("lessons-moved", "safe", "lesson order", "visited marks and places follow each lesson by id")
        )
    return out


# ---------------------------------------------------------------------- the quiz
def _quiz(a, b) -> List[Finding]:
    old, new = a.get("quiz"), b.get("quiz")
    if old is None and new is None:
        return []
    if old is None:
        return [Finding("quiz-added", "safe", "quiz added", "learners take it next; their lessons are kept")]
    if new is None:
        return [
            Finding(
                "quiz-removed",
                "warning",
                "quiz removed",
                "quiz attempts stored by the old version are dropped; scores the LMS already has stay",
                "nothing to do if the quiz is gone on purpose",
            )
        ]
    out = _questions(old, new)
    if old["digest"] == new["digest"]:
        out.append(
            Finding("quiz-kept", "safe", "quiz", "attempts in progress and scored attempts are kept as they are")
        )
        if new["attempts"] and (not old["attempts"] or new["attempts"] < old["attempts"]):
            out.append(
                Finding(
                    "attempts-lowered",
                    "warning",
                    f"attempts {old['attempts'] or 'unlimited'} -> {new['attempts']}",
                    f"a learner who already used {new['attempts']} or more attempts has none left",
                    "keep the number of attempts, or accept that some learners cannot retake the quiz",
                )
            )
    else:
        restart = (
            "learners with a quiz attempt in progress or scored get a new attempt, with a notice that the quiz "
            "changed; their visited lessons and place are kept, and the LMS keeps the score and status it has"
        )
        for subject in _quiz_changes(old, new):
            out.append(
                Finding(
                    "quiz-restarts",
                    "warning",
                    subject,
                    restart,
                    "to keep attempts, change only wording and explanations of existing questions",
                )
            )
    return out


def _questions(old, new) -> List[Finding]:
    """Questions reworded (safe), and questions whose id changed (reports no longer line up)."""
    out = []
    old_q = {q["id"]: q for q in old["questions"]}
    new_q = {q["id"]: q for q in new["questions"]}
    for q in old["questions"]:
        twin = new_q.get(q["id"])
        if twin is not None and twin["wording"] != q["wording"] and twin["meaning"] == q["meaning"]:
            out.append(
                Finding(
                    "question-reworded",
                    "safe",
                    f"question '{q['id']}' reworded",
                    "attempts are kept; reports show the new text under the same interaction id and activity IRI",
                )
            )
    gone = [q for q in old["questions"] if q["id"] not in new_q]
    for q in [q for q in new["questions"] if q["id"] not in old_q]:
        twin = next((g for g in gone if g["meaning"] == q["meaning"] and g["type"] == q["type"]), None)
        if twin is not None:
            gone.remove(twin)
            out.append(
                Finding(
                    "question-id",
                    "warning",
                    f"question id '{twin['id']}' -> '{q['id']}'",
                    "the same question gets another interaction id (SCORM) and activity IRI (xAPI): reports no longer "
                    "line up its answers across the two versions",
                    f"keep 'id: {twin['id']}' on the question in quiz.yaml",
                )
            )
    return out


def _quiz_changes(old, new) -> List[str]:
    """Why the stored attempts no longer fit: one phrase per change."""
    out = []
    old_q = {q["id"]: q for q in old["questions"]}
    new_q = {q["id"]: q for q in new["questions"]}
    for q in new["questions"]:
        before = old_q.get(q["id"])
        if before is None:
            out.append(f"question '{q['id']}' added")
        elif before["type"] != q["type"]:
            out.append(f"question '{q['id']}' type {before['type']} -> {q['type']}")
        elif before["meaning"] != q["meaning"]:
            out.append(f"question '{q['id']}': its answer, options or scoring changed")
    out += [f"question '{q['id']}' removed" for q in old["questions"] if q["id"] not in new_q]
    old_pools = {p["id"]: p for p in old["pools"]}
    for pool in new["pools"]:
        before = old_pools.get(pool["id"])
        name = f"pool '{pool['id']}'" if pool["id"] else "the quiz"
        if before is not None and before["draw"] != pool["draw"]:
            out.append(f"{name} draws {pool['draw']} questions instead of {before['draw']}")
        if before is not None and before["shuffle"] != pool["shuffle"]:
            out.append(f"{name} {'now shuffles' if pool['shuffle'] else 'no longer shuffles'} its questions")
        if (
            before is not None
            and before["questions"] != pool["questions"]
            and set(before["questions"]) == set(pool["questions"])
        ):
            out.append(f"{name}: questions in another order")
    if [p["id"] for p in old["pools"]] != [p["id"] for p in new["pools"]]:
        out.append("pools added, removed or reordered")
    if old["feedback"] != new["feedback"]:
        out.append(f"feedback {old['feedback']} -> {new['feedback']}")
    if old["evaluation"] != new["evaluation"]:
        out.append("evaluation items changed")
    return out or ["the quiz's stored layout changed"]


# ---------------------------------------------------------------------- rules a report reads
def _tracking(record) -> Dict[str, Any]:
    """A record's ``tracking:`` options; one written before them (or a legacy one) had the defaults, in its format."""
    return record.get("tracking") or Tracking(format=record["format"])._asdict()


def _rules(a, b) -> List[Finding]:
    out = []
    old, new = a["rules"], b["rules"]
    if old["passMark"] != new["passMark"]:
        out.append(
            Finding(
                "pass-mark",
                "warning",
                f"pass mark {old['passMark']} -> {new['passMark']}",
                "scores already sent stand: a learner who passed stays passed (a status is never lowered), and "
                "the new mark applies from the next scored attempt",
                "announce the change, or keep the mark until the next version learners start afresh",
            )
        )
    if old["completion"] != new["completion"]:
        out.append(
            Finding(
                "completion",
                "warning",
                f"completion {old['completion']} -> {new['completion']}",
                "learners already complete stay complete; the others finish by the new rule",
                "nothing to do if the rule changed on purpose",
            )
        )
    for key, label in (
        ("statusRule", "status rule"),
        ("masteryScoreInManifest", "mastery score in the manifest"),
        ("lms", "LMS preset"),
    ):
        if old.get(key) != new.get(key):
            out.append(
                Finding(
                    "rules",
                    "safe",
                    f"{label} {old.get(key)} -> {new.get(key)}",
                    "statuses the LMS has stay; new ones follow the new setting (no identifier changes)",
                )
            )
    old_t, new_t = _tracking(a), _tracking(b)
    for key in sorted(set(old_t) | set(new_t)):
        if old_t.get(key) == new_t.get(key):
            continue
        subject = f"tracking {key} {old_t.get(key)} -> {new_t.get(key)}"
        if key == "format":
            effect = (
                f"only the format a build makes without --format; 'build --previous' builds the replacement as a "
                f"{a['format']} package, like the one it replaces, so the LMS keeps its records"
            )
            out.append(Finding("tracking", "safe", subject, effect, f"upload the {a['format']} package"))
        else:
            effect = "how the package talks to the LMS changes from the next launch; what the LMS stored stays"
            out.append(Finding("tracking", "safe", subject, effect))
    old_x, new_x = a.get("xapi"), b.get("xapi")
    if old_x and new_x and old_x["baseIri"] != new_x["baseIri"]:
        out.append(
            Finding(
                "xapi-iris",
                "warning",
                f"xapi base_iri '{old_x['baseIri']}' -> '{new_x['baseIri']}'",
                "every activity IRI changes: an LRS report no longer joins the statements of the two versions",
                f"keep 'base_iri: {old_x['baseIri']}'",
            )
        )
    return out


def summary(findings: List[Finding]) -> str:
    counts = {level: sum(1 for f in findings if f.level == level) for level in LEVELS}
    if counts["unsafe"]:
        return f"unsafe: {counts['unsafe']} change(s) lose or misread learners' progress"
    if counts["warning"]:
        return f"safe to replace, with {counts['warning']} warning(s)"
    return "safe to replace"
