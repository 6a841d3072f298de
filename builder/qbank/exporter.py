"""A course's quiz as a question bank for Moodle: ``coursepack export-questions``.

Every question goes through its type definition (``to_moodle`` in builder/questions/) into
Moodle's question model, then into GIFT or Moodle XML. A pool becomes a category
(``$course$/top/<quiz title>/<pool id>``); what Moodle cannot hold (a weight in GIFT, all-or-nothing
matching, a fixed choice, a pool's draw) goes into a ``coursepack:`` comment, so importing the file
again gives the same questions. Where Moodle would score a question differently, a warning names
it; a question Moodle has no type for (likert) is left out with a warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Union

from builder import __version__
from builder.problems import InvalidCourse, Problem, Problems
from builder.qbank import gift, moodlexml
from builder.questions.moodle import WARNING, Category, MoodleQuestion, Where
from builder.sources.course import COURSE_FILE, load_course
from builder.sources.files import SourceFiles

#: Format name -> the file extension Moodle's importer takes for it.
FORMATS = {"moodle-xml": ".xml", "gift": ".txt"}


class Exported(NamedTuple):
    data: bytes
    course_id: str
    count: int
    left_out: int
    warnings: List[Problem]


def export(folder: Path, fmt: str) -> Exported:
    """The quiz of the course in *folder* as a bank in format *fmt* (``gift`` or ``moodle-xml``).

    :raises InvalidCourse: when the course does not load, or has no quiz.
    """
    files = SourceFiles(folder)
    course, _ = load_course(folder, files)
    problems = Problems()
    if course.quiz is None:
        problems.add(f"{folder}/{COURSE_FILE}", "the course has no quiz to export", hint="add 'quiz: quiz.yaml'")
        raise InvalidCourse(problems)
    quiz, doc = course.quiz, files.quiz_doc
    written = "pools" in doc.data
    title = quiz.title.replace("/", "//")  # a '/' in a category name is written twice
    items: List[Union[Category, MoodleQuestion]] = []
    count = left_out = 0
    for p, pool in enumerate(quiz.sections):
        extras: Dict[str, Any] = {}
        if written and pool.draw < len(pool.questions):
            extras["draw"] = pool.draw
        if written and pool.shuffle:
            extras["shuffle"] = True
        path = f"$course$/top/{title}" + (f"/{pool.id}" if written else "")
        items.append(Category(path, Where(doc.file), extras or None))
        for i, question in enumerate(pool.questions):
            at = ("pools", p, "questions", i) if written else ("questions", i)
            mq = _moodle(question, Where(doc.file, *doc.pos(at)), fmt, problems)
            if mq is None:
                left_out += 1
            else:
                items.append(mq)
                count += 1
    header = (
        f"Exported by coursepack {__version__} from the course '{course.id}' {course.version}: {count} questions. "
        "The coursepack: comments keep what Moodle cannot hold, for coursepack import-questions; Moodle ignores them."
    )
    data = gift.write(items, header).encode("utf-8") if fmt == "gift" else moodlexml.write(items, header)
    return Exported(data, course.id, count, left_out, problems.warnings)


def _moodle(question, where: Where, fmt: str, problems: Problems) -> Union[MoodleQuestion, None]:
    """The Moodle question for *question*; None (after a warning) when the format cannot hold it."""

    def warn(message: str) -> None:
        problems.add(where.file, f"question '{question.id}': {message}", where.line, where.col, level=WARNING)

    def note(message: str, level: str = "note") -> None:
        if level == WARNING:
            warn(message)

    kind = question.kind
    fields = kind.to_moodle(question, note)
    if fields is None:
        warn(f"left out: Moodle's quiz has no {kind.name} question")
        return None
    mq = MoodleQuestion(
        kind.moodle_qtype,
        question.id,
        question.text,
        where,
        generalfeedback=question.explanation,
        defaultmark=question.weight,
        idnumber=question.id,
        **fields,
    )
    reason = gift.unwritable(mq) if fmt == "gift" else None
    if reason:
        warn(f"left out: {reason}; export it with --format moodle-xml")
        return None
    return mq
