"""The course model: immutable records built from the sources, read by every packager.

No I/O happens here. ``builder/sources/course.py`` builds these records; the SCORM packager, the page
renderer and the runtime configuration all read them, so each fact about a course has exactly one
home.

The records are :class:`typing.NamedTuple` classes, not frozen dataclasses: every run of the
command defines them, and a named tuple costs a fraction of a dataclass to define. Copy one
with a change with ``record._replace(field=value)``.
"""

# No ``from __future__ import annotations``: NamedTuple would compile each annotation string.
import hashlib
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from builder.digits import BASE36
from builder.questions import TYPES
from builder.randomness import xorshift32

#: The four reporting rules: what ``cmi.core.lesson_status`` says on success / on failure.
STATUS_RULES = {
    "passed/incomplete": ("passed", "incomplete"),
    "passed/failed": ("passed", "failed"),
    "completed/incomplete": ("completed", "incomplete"),
    "completed/failed": ("completed", "failed"),
}
DEFAULT_STATUS_RULE = "passed/incomplete"

#: course.yaml ``tracking:``: each option's values, the default first (docs/lms-guide.md, "Tracking options").
TRACKING_CHOICES = {
    "interactions": ("all", "first-attempt", "none"),
    "launch": ("frame", "new-window"),
    "score": ("raw-min-max", "raw"),
}

#: When the course counts as finished.
COMPLETION_RULES = ("lessons", "quiz", "both")

#: The question types an author can write in quiz.yaml, by name (builder/questions/).
QUESTION_TYPES = TYPES
#: When per-question feedback shows, and when the correct answers are revealed.
FEEDBACK_MODES = ("after-question", "after-quiz", "never")
REVEAL_MODES = ("always", "after-passing", "never")
#: How the quiz shows its questions while they are answered (the first is the default; docs/quiz.md says why).
QUIZ_DISPLAYS = ("one-at-a-time", "all-at-once")
FILL_IN_DEFAULT_LENGTH = 80
DEFAULT_LIKERT_POINTS = 5  #: the locale's "Strongly disagree" .. "Strongly agree"


class Author(NamedTuple):
    name: str
    role: str = "author"


class Signature(NamedTuple):
    """Who signs the certificate (``ce.signature``): a name, a title and an optional image of the signature."""

    name: str
    title: str = ""
    image: Optional[str] = None  #: package path of the image (also one of the course's assets)


class CECredit(NamedTuple):
    """Continuing-education data shown on the start page, in the footer and on the certificate."""

    credit_hours: float
    provider: str
    approval: str = ""
    signature: Optional[Signature] = None
    verify_url: str = ""  #: where the provider checks a certificate's verification code


class Cover(NamedTuple):
    """The start page's picture (``course.yaml`` ``cover:``); ``alt`` "" means decoration only."""

    image: str  #: package path (also one of the course's assets)
    alt: str


#: Every lint warning code, with what it means (builder/lint.py finds them; ``lint.ignore`` in
#: course.yaml silences them). Codes are stable: CI configurations name them.
LINT_CODES = {
    "link-anchor": "a '#fragment' link that jumps to nothing (or that the player ignores)",
    "link-broken": "a reference to a file that the package will not contain",
    "id-duplicate": "an id used twice in the player page (all lessons share one page)",
    "img-alt": "an image without alt text",
    "http-resource": "a resource loaded over http:, which browsers block under an https LMS",
    "media-size": "a packaged file larger than the course's media budget",
    "file-unused": "a file in the course folder that nothing uses (it is not packaged)",
    "lms-api": "lesson script that calls the LMS API itself",
    "heading-level": "a heading that skips a level, or has the level of the lesson title",
    "asset-name": "a packaged file whose name has spaces or non-ASCII characters",
    "media-access": "a video without captions, an audio or silent video without a transcript, or autoplay",
    "placeholder": "template text left for learners to see: [PLACEHOLDER], TODO, 'Name of the …', lorem ipsum",
    "lesson-script": "lesson script (a <script>, an on… attribute, an <iframe srcdoc>): it runs in the player page",
}

#: Per-file budget when course.yaml sets none: 10 MB, a size most LMSs still stream comfortably.
DEFAULT_MEDIA_BUDGET_KB = 10_000


class LintSettings(NamedTuple):
    """The ``lint:`` block of course.yaml."""

    media_budget_kb: float = DEFAULT_MEDIA_BUDGET_KB  #: per packaged file, before ``media-size`` warns
    ignore: Tuple[str, ...] = ()  #: codes of :data:`LINT_CODES` never reported for this course


class Theme(NamedTuple):
    """The look of the player (``course.yaml`` ``theme:``, read by builder/sources/theme.py).

    ``colors`` holds CSS custom properties of templates/static/player.css (without the ``--``),
    already checked for contrast, including the ones derived from the author's choices.
    """

    colors: Tuple[Tuple[str, str], ...] = ()
    font_body: str = ""
    font_headings: str = ""
    logo: Optional[str] = None  #: package path of the logo (also one of the course's assets)
    logo_alt: str = ""


class XapiSettings(NamedTuple):
    """xAPI reporting (``course.yaml`` ``xapi:``); the vocabulary derives from it (builder/xapi/vocab.py)."""

    base_iri: str  #: activity IRIs live under it (no trailing slash)
    lms_homepage: Optional[str] = None  #: actor account homePage in SCORM packages (the LMS's URL)
    learner_name: bool = False  #: send the learner's name with the actor
    relay_url: Optional[str] = None  #: a relay that takes statements without credentials
    endpoint: Optional[str] = None  #: an LRS endpoint baked in at build time (explicit flag only)
    auth: Optional[str] = None  #: its Authorization value: a secret, never shown (not in repr either)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self) if name != "auth")
        return f"{type(self).__name__}({shown})"


class Asset(NamedTuple):
    """A file from the course folder that goes into the package at the same relative path."""

    path: str  #: posix path relative to the course folder, also the path in the zip
    source: Path  #: absolute path on disk
    size: int


class Lesson(NamedTuple):
    id: str
    title: str
    file: str  #: posix path relative to the course folder
    number: int  #: 1-based position in the whole course
    html: str  #: the lesson body, asset references rewritten to package paths
    module_id: Optional[str] = None


class Module(NamedTuple):
    id: Optional[str]
    title: Optional[str]  #: None for a course written as a flat list of lessons
    lessons: Tuple[Lesson, ...]


class Choice(NamedTuple):
    """One option of a single-choice or multiple-response question."""

    text: str
    correct: bool = False
    feedback: str = ""  #: shown when the learner picked this choice
    fixed: bool = False  #: keeps its place when the choices are shuffled ("All of the above")


class NumericAnswer(NamedTuple):
    """The accepted numbers of a numeric question, as exact decimal strings."""

    minimum: str
    maximum: str
    pattern: Optional[str]  #: reported as correct_responses.0.pattern (None for a bare range)


class Question(NamedTuple):
    id: str
    type: str
    text: str
    answer: Optional[bool]  #: true-false only
    number: int  #: 1-based position in the quiz source (all pools)
    weight: float = 1.0
    explanation: str = ""
    choices: Tuple[Choice, ...] = ()
    accepted: Tuple[str, ...] = ()  #: fill-in
    case_sensitive: bool = False
    whitespace: str = "normalize"
    max_length: int = FILL_IN_DEFAULT_LENGTH
    numeric: Optional[NumericAnswer] = None
    pairs: Tuple[Tuple[str, str], ...] = ()  #: matching (source, target), in the author's order
    distractors: Tuple[str, ...] = ()  #: matching targets that belong to no source
    items: Tuple[str, ...] = ()  #: sequencing, in the correct order
    scale: Tuple[str, ...] = ()  #: likert labels; empty: the locale's five-point agreement scale
    shuffle: bool = False  #: options shuffled per attempt (choices, matching targets)
    partial_credit: bool = False

    @property
    def kind(self):
        """Its type's definition (builder/questions/), which knows everything that depends on the type."""
        return TYPES[self.type]

    @property
    def interaction_type(self) -> str:
        return self.kind.interaction

    @property
    def scored(self) -> bool:
        return self.kind.scored

    @property
    def points(self) -> int:
        """Number of points of a likert scale."""
        return len(self.scale) or DEFAULT_LIKERT_POINTS

    @property
    def sources(self) -> Tuple[str, ...]:
        return tuple(source for source, _ in self.pairs)

    @property
    def targets(self) -> Tuple[str, ...]:
        """Matching targets in package order: a fixed scramble, so ids and order never give the pairs away."""
        distinct = list(dict.fromkeys([target for _, target in self.pairs] + list(self.distractors)))
        return tuple(distinct[i] for i in scramble(len(distinct), "targets/" + self.id))

    @property
    def sequence(self) -> Tuple[str, ...]:
        """Sequencing items in package order (a fixed scramble of the correct order)."""
        return tuple(self.items[i] for i in scramble(len(self.items), "items/" + self.id))

    @property
    def key(self):
        """The correct answer in the runtime's terms (sealed into the package, never in plain text)."""
        return self.kind.key(self)

    @property
    def correct_patterns(self) -> Tuple[str, ...]:
        """Every ``correct_responses.n.pattern`` the runtime sends the LMS, in SCORM 1.2 format (none for likert)."""
        from builder import engine  # the engine's twin is loaded only by those who ask (tests, support tools)

        return tuple(engine.patterns(self.kind.config(self, {}) | {"id": self.id, "type": self.type}, self.key))

    @property
    def suspend_length(self) -> int:
        """The most characters this question's answer takes in suspend_data (docs/architecture.md, section 5)."""
        return self.kind.suspend_length(self)

    def content_digest(self) -> str:
        """What an answer means (type, options, key, weight, credit), not its id, wording or explanations.

        A stored answer is kept by a new version only while this is unchanged: a corrected answer
        key or a changed option restarts the attempt, a reworded question or explanation does not.
        """
        meaning = self._replace(
            id="", text="", explanation="", number=0, choices=tuple(c._replace(feedback="") for c in self.choices)
        )
        return _base36_digest(repr(tuple(meaning)) + repr(self.key))

    def signature(self) -> str:
        """What the stored answer layout depends on (part of the course fingerprint)."""
        sizes = (
            len(self.choices),
            len(self.pairs),
            len(self.targets),
            len(self.items),
            self.points,
            self.kind.typed_length(self),
            int(self.shuffle),
        )
        return (
            f"{self.id}:{self.type}:"
            + ",".join(map(str, sizes))
            + ":"
            + "".join("f" if c.fixed else "-" for c in self.choices)
        )


class Pool(NamedTuple):
    """A section of the quiz: its questions, of which ``draw`` are shown per attempt."""

    id: str  #: "" for a quiz written as a plain list of questions
    questions: Tuple[Question, ...]
    draw: int
    shuffle: bool = False  #: the drawn questions are shown in a new order each attempt


class EvaluationItem(NamedTuple):
    id: str
    text: str


class Evaluation(NamedTuple):
    """The course evaluation ("Rate this course"): likert items and an optional comment; never scored."""

    ITEM_TYPE = "likert"  #: the question type its items are rendered and reported as

    title: str  #: "" for the locale's default title
    intro: str
    required: bool
    items: Tuple[EvaluationItem, ...]
    scale: Tuple[str, ...] = ()
    comment_id: str = ""  #: "" when there is no comment box
    comment_text: str = ""

    @property
    def points(self) -> int:
        return len(self.scale) or DEFAULT_LIKERT_POINTS


class Earlier(NamedTuple):
    """An earlier version's layout of the stored progress, so the runtime can read that version's suspend_data.

    Taken from the earlier package's release record (``build --previous``, builder/upgrade/).
    """

    fingerprint: str
    version: Optional[str]  #: None: a package built before release records
    lessons: Tuple[str, ...]  #: lesson ids in that version's outline order
    quiz: Optional[str]  #: that version's :attr:`Quiz.digest` (None: no quiz)


#: At most this many earlier layouts travel with a package (the oldest are dropped first).
MAX_EARLIER = 20


class Quiz(NamedTuple):
    title: str
    attempts: int  #: 0 means unlimited
    questions: Tuple[Question, ...]  #: every question of every pool, in source order
    pools: Tuple[Pool, ...] = ()  #: empty: one section with every question, all shown
    feedback: str = "after-quiz"
    reveal: str = "always"
    out_of_attempts: str = ""
    evaluation: Optional[Evaluation] = None
    display: str = QUIZ_DISPLAYS[0]  #: one question at a time, or all at once

    @property
    def sections(self) -> Tuple[Pool, ...]:
        return self.pools or (Pool("", self.questions, len(self.questions)),)

    @property
    def types(self) -> Tuple[str, ...]:
        """The question types its page renders, in the registry's order: its questions' and its evaluation's."""
        used = {q.type for q in self.questions} | ({Evaluation.ITEM_TYPE} if self.evaluation else set())
        return tuple(name for name in TYPES if name in used)

    @property
    def presented(self) -> int:
        """Questions shown in one attempt."""
        return sum(pool.draw for pool in self.sections)

    @property
    def randomized(self) -> bool:
        """Whether an attempt's layout depends on a random seed (kept in suspend_data)."""
        return any(
            pool.draw < len(pool.questions) or (pool.shuffle and pool.draw > 1) for pool in self.sections
        ) or any(q.shuffle for q in self.questions)

    @property
    def digest(self) -> str:
        """What the quiz part of suspend_data depends on: its layout and what each answer means.

        Equal digests mean an attempt stored by one version reads the same in the other.
        """
        parts = [self.feedback]
        for pool in self.sections:
            parts.append(f"pool:{pool.id}:{pool.draw}:{int(pool.shuffle)}")
            parts.extend(q.signature() + ":" + q.content_digest() for q in pool.questions)
        if self.evaluation:
            parts.append(
                "evaluation:" + ",".join(item.id for item in self.evaluation.items) + f":{self.evaluation.points}"
            )
        return _base36_digest("\n".join(parts))

    @property
    def legacy_compatible(self) -> bool:
        """Whether suspend_data format v1 (true-false only, fixed order) maps onto this quiz."""
        return (
            not self.randomized and self.feedback != "after-question" and all(q.kind.suspend_v1 for q in self.questions)
        )


def scale_labels(labels: Sequence[str], strings: Dict[str, str]) -> List[str]:
    """A likert scale's labels (a question's, the evaluation's): the author's, else the locale's five points."""
    if labels:
        return list(labels)
    return [strings.get(f"likert_{i}") or str(i) for i in range(1, DEFAULT_LIKERT_POINTS + 1)]


def scramble(n: int, salt: str) -> Tuple[int, ...]:
    """A fixed permutation of range(n) derived from *salt*; never the identity when n > 1."""
    seed = int.from_bytes(hashlib.sha256(salt.encode()).digest()[:4], "big") or 1
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        seed = xorshift32(seed)
        j = seed % (i + 1)
        order[i], order[j] = order[j], order[i]
    if n > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return tuple(order)


class Tracking(NamedTuple):
    """How the package talks to its LMS (course.yaml ``tracking:``, or the LMS preset): never an identifier.

    ``format`` is what ``build`` makes without ``--format``; the others are read by the SCORM
    runtime adapters through the runtime configuration (``tracking`` there).
    """

    format: Optional[str] = None  #: a ``--format`` name; None: formats.DEFAULT (sources/course.py always names one)
    commit_on_exit: bool = False  #: LMSCommit (Commit) before LMSFinish (Terminate) when the page closes
    interactions: str = TRACKING_CHOICES["interactions"][0]  #: all | first-attempt | none
    launch: str = TRACKING_CHOICES["launch"][0]  #: frame | new-window (an "Exit course" control that closes the window)
    score: str = TRACKING_CHOICES["score"][0]  #: raw-min-max | raw


class Course(NamedTuple):
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
    assets: Tuple[Asset, ...] = ()
    source_dir: Optional[Path] = None
    xapi: Optional[XapiSettings] = None  #: None: no xAPI reporting
    theme: Optional[Theme] = None  #: None: the default theme
    lint: LintSettings = LintSettings()
    certificate: bool = False  #: the learner can open a printable certificate once the course is passed
    templates_dir: Optional[Path] = None  #: the course's own templates/ folder (template overrides), if any
    template_files: Tuple[str, ...] = ()  #: its files, posix paths relative to that folder
    cover: Optional[Cover] = None  #: the start page's picture
    earlier: Tuple[Earlier, ...] = ()  #: earlier versions' progress layouts this version reads (newest first)
    lms: str = "generic"  #: the LMS preset (builder/presets.py) that supplied defaults; recorded, never an identifier
    tracking: Tracking = Tracking()

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
        """Four base-36 characters that change when the stored progress would no longer fit the course.

        Stored in ``suspend_data`` so a learner resuming after the course was updated does not
        get another course's progress applied by position. It covers the lesson ids and the
        quiz's :attr:`Quiz.digest` (pools and draws, question ids, types, option counts and what
        each answer means, shuffling, the feedback mode and the evaluation items). A version that
        knows an earlier fingerprint (:attr:`earlier`) maps that version's progress by lesson id.
        """
        parts = [lesson.id for lesson in self.lessons]
        parts.append("|")
        if self.quiz:
            parts.append(self.quiz.digest)
        return _base36_digest("3\n" + "\n".join(parts))

    @property
    def readable_layouts(self) -> Tuple[Earlier, ...]:
        """Every earlier layout this version reads: :attr:`earlier`, then its own as packages before release records
        stored it (:attr:`structure_fingerprint`, no version), whose quiz attempts those packages kept as this one's.
        """
        before = self.structure_fingerprint
        if before == self.fingerprint or any(e.fingerprint == before for e in self.earlier):
            return self.earlier
        own = Earlier(
            before, None, tuple(lesson.id for lesson in self.lessons), self.quiz.digest if self.quiz else None
        )
        return self.earlier + (own,)

    @property
    def structure_fingerprint(self) -> str:
        """The fingerprint packages built before release records wrote (lesson ids and the quiz's structure only).

        Their suspend_data is format 2 with this fingerprint; it still reads (page/runtime_config.py
        lists it among the earlier layouts), with its quiz attempt, as it did then.
        """
        return self.structure_fingerprint_for([lesson.id for lesson in self.lessons])

    def structure_fingerprint_for(self, lesson_ids: Sequence[str]) -> str:
        """:attr:`structure_fingerprint` with other lesson ids: equal to a package's when only lessons changed since.

        builder/upgrade/legacy.py tells by it whether a package built before release records had this quiz.
        """
        parts = list(lesson_ids)
        parts.append("|")
        if self.quiz:
            quiz = self.quiz
            parts.append(quiz.feedback)
            for pool in quiz.sections:
                parts.append(f"pool:{pool.id}:{pool.draw}:{int(pool.shuffle)}")
                parts.extend(q.signature() for q in pool.questions)
            if quiz.evaluation:
                parts.append(
                    "evaluation:" + ",".join(item.id for item in quiz.evaluation.items) + f":{quiz.evaluation.points}"
                )
        return _base36_digest("2\n" + "\n".join(parts))

    @property
    def legacy_fingerprint(self) -> Optional[str]:
        """The suspend_data v1 fingerprint (lesson ids and question ids), when v1 data maps onto this course."""
        if self.quiz and not self.quiz.legacy_compatible:
            return None
        parts = [lesson.id for lesson in self.lessons]
        parts.append("|")
        if self.quiz:
            parts.extend(q.id for q in self.quiz.questions)
        return _base36_digest("\n".join(parts))


def _base36_digest(text: str) -> str:
    """The last four base-36 digits of the SHA-256 of *text*, least significant first."""
    digest = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    out = ""
    for _ in range(4):
        digest, rem = divmod(digest, 36)
        out += BASE36[rem]
    return out
