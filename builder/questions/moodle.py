"""Moodle's question model as both bank formats write it, and the facts about Moodle's grading they share.

A :class:`MoodleQuestion` holds what Moodle's importers make of one question (its ``qtype``, the
texts already turned into plain text, the answers with their fraction of the mark) plus where it
came from. The GIFT and Moodle XML readers produce it and the writers take it; the question type
definitions (builder/questions/) translate it from and to coursepack's questions.

Settings that coursepack has and a format cannot hold (a weight in GIFT, all-or-nothing scoring
for a matching question in either format) travel in ``extras``: a ``coursepack:`` comment that
Moodle ignores and coursepack reads back (docs/question-banks.md, "What travels in comments").
"""

# No ``from __future__ import annotations``: NamedTuple would compile each annotation string.
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple

from builder.questions.base import plain

#: What a note says about a question: "note" (a comment in quiz.yaml) or "warning" (also printed).
NOTE, WARNING = "note", "warning"

#: The qtypes a coursepack type reads (the others are reported as unsupported).
SKIPPED = {
    "essay": "an essay question is graded by a teacher, which a SCORM package cannot do",
    "description": "a description is text without a question (put it in a lesson if it is needed)",
}

#: Moodle's own default texts for the feedback of a right, partly right and wrong answer (its
#: exports always carry them): importing them would add nothing coursepack does not say itself.
DEFAULT_COMBINED = (
    "Your answer is correct.",
    "Your answer is partially correct.",
    "Your answer is incorrect.",
)

#: The grades Moodle's editing form offers for an answer (question_bank::fraction_options_full),
#: as fractions; a fraction outside this list is imported, but the form cannot show it.
GRADE_OPTIONS = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
)  # fmt: skip

#: A number as Moodle's importers take one (PHP's is_numeric, without hexadecimal).
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Two fractions closer than this are the same grade (files round 1/3 to 33.33333 %, or 33.3 %).
TOLERANCE = 1e-4


class Where(NamedTuple):
    """A place in a bank file."""

    file: str
    line: Optional[int] = None
    col: Optional[int] = None


class Note(NamedTuple):
    level: str  #: NOTE or WARNING
    message: str
    where: Optional[Where] = None  #: where in the bank, when more precise than the question
    hint: Optional[str] = None


class Medium(NamedTuple):
    """A file a text refers to (an image), with the bytes the bank embeds."""

    name: str  #: as the bank names it
    data: bytes
    alt: str = ""


class Answer(NamedTuple):
    text: str
    fraction: float = 0.0  #: the share of the mark it earns (1 = all of it; negative: a deduction)
    feedback: str = ""
    tolerance: str = "0"  #: numerical: give or take, as a decimal
    span: Optional[Tuple[str, str]] = None  #: numerical written as a range (lowest, highest)


class MoodleQuestion(NamedTuple):
    """One question as Moodle's importer reads it; the texts are plain text already."""

    qtype: str
    name: str
    text: str
    where: Where
    generalfeedback: str = ""
    defaultmark: float = 1.0
    penalty: Optional[float] = None
    idnumber: str = ""
    answers: Tuple[Answer, ...] = ()  #: multichoice, shortanswer, numerical; ordering in the right order
    single: bool = True  #: multichoice: one answer may be picked
    shuffle: Optional[bool] = None  #: shuffleanswers; None when the file does not say
    usecase: bool = False  #: shortanswer: case matters
    subquestions: Tuple[Tuple[str, str], ...] = ()  #: match (item, its answer); an empty item is an extra answer
    correct: Optional[bool] = None  #: truefalse
    feedbacktrue: str = ""
    feedbackfalse: str = ""
    grading: str = ""  #: ordering: the grading type as written ("" when not given)
    select: str = "ALL"  #: ordering: which items are shown
    selectcount: int = 0
    units: Tuple[str, ...] = ()  #: numerical
    combined: Tuple[str, str, str] = ("", "", "")  #: feedback for a right, partly right, wrong answer
    hints: int = 0
    extras: Optional[Dict[str, Any]] = None  #: coursepack's own settings from a ``coursepack:`` comment
    category: str = ""
    notes: Tuple[Note, ...] = ()  #: what the reader adapted (text formats, images)
    media: Tuple[Medium, ...] = ()


class Category(NamedTuple):
    """A ``$CATEGORY:`` line or a category question: the questions after it belong to *path*."""

    path: str
    where: Where
    extras: Optional[Dict[str, Any]] = None  #: draw and shuffle of the pool it was written from


class Unsupported(Exception):
    """A question coursepack cannot hold at all: refused (or skipped with --skip-unsupported)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


#: ``note(message, level=NOTE)``: how a type definition reports what it adapted.
Noter = Callable[..., None]


def same(a: float, b: float) -> bool:
    return abs(a - b) < TOLERANCE


def percent(fraction: float) -> str:
    """A fraction as the percentage the files write (``33.33333``, ``100``, ``-50``)."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def grade_option(fraction: float) -> bool:
    """Whether Moodle's editing form offers this grade (or its negative)."""
    return any(same(abs(fraction), option) for option in GRADE_OPTIONS)


def category_name(path: str) -> str:
    """The last part of a category path (``$course$/top/Hand hygiene`` -> ``Hand hygiene``); ``//`` is a '/'."""
    parts = [part.replace("\0", "/").strip() for part in path.replace("//", "\0").split("/")]
    named = [
        part for part in parts if part and part not in ("$course$", "$system$", "$module$", "$coursecategory$", "top")
    ]
    return named[-1] if named else ""


#: The ordering question type's grading types, by every name its importers take.
ORDERING_GRADING = {
    "ALL_OR_NOTHING": "ALL_OR_NOTHING",
    "ABS": "ABSOLUTE_POSITION",
    "ABSOLUTE": "ABSOLUTE_POSITION",
    "ABSOLUTE_POSITION": "ABSOLUTE_POSITION",
    "REL": "RELATIVE_NEXT_EXCLUDE_LAST",
    "RELATIVE": "RELATIVE_NEXT_EXCLUDE_LAST",
    "RELATIVE_NEXT_EXCLUDE_LAST": "RELATIVE_NEXT_EXCLUDE_LAST",
    "RELATIVE_NEXT_INCLUDE_LAST": "RELATIVE_NEXT_INCLUDE_LAST",
    "RELATIVE_ONE_PREVIOUS_AND_NEXT": "RELATIVE_ONE_PREVIOUS_AND_NEXT",
    "RELATIVE_ALL_PREVIOUS_AND_NEXT": "RELATIVE_ALL_PREVIOUS_AND_NEXT",
    "RELATIVE_TO_CORRECT": "RELATIVE_TO_CORRECT",
    "LONGEST_ORDERED_SUBSET": "LONGEST_ORDERED_SUBSET",
    "LONGEST_CONTIGUOUS_SUBSET": "LONGEST_CONTIGUOUS_SUBSET",
}


def ordering_grading(name: str) -> str:
    """An ordering question's grading type by its canonical name (an unknown one is Moodle's default)."""
    return ORDERING_GRADING.get(name.strip().upper(), "RELATIVE_NEXT_EXCLUDE_LAST")


def number(text: str) -> Optional[Decimal]:
    """*text* as a finite decimal number, or None when it is not one."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def decimal_text(value: Decimal) -> str:
    """A decimal in plain notation, without trailing zeros (``1E+3`` -> ``1000``)."""
    return plain(value.normalize() if value else Decimal(0))


def quoted(text: str, width: int = 60) -> str:
    """A text shortened for a message: ``'What is the …'``."""
    text = " ".join(text.split())
    return f"'{text if len(text) <= width else text[: width - 1] + '…'}'"


def feedback_kept_aside(note: Noter, answer: str, feedback: str) -> None:
    """Feedback that coursepack shows for no answer of this type, kept in a comment for the author."""
    if feedback:
        note(f"Moodle's feedback for the answer {quoted(answer)}: {quoted(feedback, 200)}")


#: The ordering question type's select types by every name its importers take (Moodle's default: RANDOM).
ORDERING_SELECT = {"ALL": "ALL", "EXACT": "ALL", "RANDOM": "RANDOM", "REL": "RANDOM", "CONTIGUOUS": "CONTIGUOUS",
                   "CONTIG": "CONTIGUOUS"}  # fmt: skip


def ordering_select(name: str) -> str:
    return ORDERING_SELECT.get(name.strip().upper(), "RANDOM")
