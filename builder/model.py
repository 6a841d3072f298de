"""The course model: frozen records built from the sources, read by every packager.

No I/O happens here. ``builder/source.py`` builds these records; the SCORM packager, the page
renderer and the runtime configuration all read them, so each fact about a course has exactly one
home.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Tuple

#: The four reporting rules: what ``cmi.core.lesson_status`` says on success / on failure.
STATUS_RULES = {
    "passed/incomplete": ("passed", "incomplete"),
    "passed/failed": ("passed", "failed"),
    "completed/incomplete": ("completed", "incomplete"),
    "completed/failed": ("completed", "failed"),
}
DEFAULT_STATUS_RULE = "passed/incomplete"

#: When the course counts as finished.
COMPLETION_RULES = ("lessons", "quiz", "both")

QUESTION_TYPES = ("true-false",)


@dataclass(frozen=True)
class Author:
    name: str
    role: str = "author"


@dataclass(frozen=True)
class CECredit:
    """Continuing-education data shown to the learner (and, later, on the certificate)."""

    credit_hours: float
    provider: str
    approval: str = ""


@dataclass(frozen=True)
class Asset:
    """A file from the course folder that goes into the package at the same relative path."""

    path: str  #: posix path relative to the course folder, also the path in the zip
    source: Path  #: absolute path on disk
    size: int


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    file: str  #: posix path relative to the course folder
    number: int  #: 1-based position in the whole course
    html: str  #: the lesson body, asset references rewritten to package paths
    module_id: Optional[str] = None


@dataclass(frozen=True)
class Module:
    id: Optional[str]
    title: Optional[str]  #: None for a course written as a flat list of lessons
    lessons: Tuple[Lesson, ...]


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    answer: bool
    number: int
    weight: float = 1.0
    explanation: str = ""

    @property
    def correct_response(self) -> str:
        """The SCORM 1.2 ``correct_responses.0.pattern`` for this question."""
        return "t" if self.answer else "f"


@dataclass(frozen=True)
class Quiz:
    title: str
    attempts: int  #: 0 means unlimited
    questions: Tuple[Question, ...]


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    version: str
    language: str
    description: str
    authors: Tuple[Author, ...]
    duration_minutes: Optional[int]
    ce: Optional[CECredit]
    pass_mark: float
    status_rule: str
    mastery_score_in_manifest: bool
    completion: str
    modules: Tuple[Module, ...]
    quiz: Optional[Quiz]
    assets: Tuple[Asset, ...] = field(default=())
    source_dir: Optional[Path] = None

    @property
    def lessons(self) -> Tuple[Lesson, ...]:
        return tuple(lesson for module in self.modules for lesson in module.lessons)

    @property
    def status_on_pass(self) -> str:
        return STATUS_RULES[self.status_rule][0]

    @property
    def status_on_fail(self) -> str:
        return STATUS_RULES[self.status_rule][1]

    @property
    def slug(self) -> str:
        return self.id

    @property
    def fingerprint(self) -> str:
        """Four base-36 characters that change when lessons or questions change.

        Stored in ``suspend_data`` so a learner resuming after the course was updated does not
        get another course's progress applied by position.
        """
        parts = [lesson.id for lesson in self.lessons]
        parts.append("|")
        if self.quiz:
            parts.extend(q.id for q in self.quiz.questions)
        digest = int(hashlib.sha256("\n".join(parts).encode()).hexdigest(), 16)
        alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
        out = ""
        for _ in range(4):
            digest, rem = divmod(digest, 36)
            out += alphabet[rem]
        return out
