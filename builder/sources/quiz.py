"""Read ``quiz.yaml`` into the quiz model: pools, feedback, the evaluation; each question type its own keys.

Called by :mod:`builder.sources.course` with the parsed document (it stays the only module that
reads course folders); each question's own keys are read by its type (builder/questions/). Like
the rest of the loader, every problem is collected with its file, line and column, and the quiz is
only returned when there is none. The README ("quiz.yaml") documents the format; every message
below is pinned by ``tests/unit/test_quiz_errors.py``.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from builder.model import (
    FEEDBACK_MODES,
    REVEAL_MODES,
    Evaluation,
    EvaluationItem,
    Pool,
    Question,
    Quiz,
)
from builder.problems import Problems, did_you_mean, kind_of
from builder.questions import TYPES
from builder.questions.base import (
    MAX_FEEDBACK,
    MAX_OPTION_TEXT,
    MAX_OPTIONS,
    MAX_SCALE,
    QuestionType,
    decimal_text,
    option_text,
)
from builder.sources import limits, yamldoc
from builder.sources.reader import Reader

QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
QUIZ_KEYS = (
    "title",
    "attempts",
    "shuffle_questions",
    "shuffle_choices",
    "feedback",
    "reveal_answers",
    "out_of_attempts",
    "questions",
    "pools",
    "evaluation",
)
POOL_KEYS = ("id", "draw", "shuffle", "questions")
#: The keys of every question; each type adds its own (QuestionType.keys).
COMMON_KEYS = ("id", "type", "text", "weight", "explanation")
EVALUATION_KEYS = ("title", "intro", "required", "scale", "items", "comment")
ITEM_KEYS = ("id", "text")
DEFAULT_COMMENT_ID = "eval_comment"

MAX_TEXT = 2000  #: question text, explanations
MAX_EVALUATION_ITEMS = 20
ID_HINT = (
    "use lowercase letters, digits and '_', starting with a letter (at most 32); "
    "the id is sent to the LMS as the interaction id"
)


def read_quiz(doc: yamldoc.Document, problems: Problems) -> Optional[Quiz]:
    """The quiz of the parsed quiz file *doc*, or None when it has errors (each reported in *problems*)."""
    errors_before = len(problems.errors)
    r = Reader(doc, problems)
    quiz = QuizReader(r).read()
    if quiz is not None and len(quiz.questions) > limits.value("questions"):
        r.error(
            ("pools",) if quiz.pools and "pools" in doc.data else ("questions",),
            f"the quiz has {len(quiz.questions)} questions; at most {limits.shown('questions')} are allowed",
            key=True,
            hint="split it into several quizzes or courses; " + limits.how_to_raise("questions"),
        )
    if len(problems.errors) > errors_before:
        return None
    return quiz


def question_keys() -> Tuple[str, ...]:
    """Every key a question may have: the common ones, then each registered type's, in registry order."""
    return tuple(dict.fromkeys(COMMON_KEYS + sum((kind.keys for kind in TYPES.values()), ())))


class QuizReader:
    """Reads the quiz file's document; the question types read their own keys through it."""

    def __init__(self, r: Reader):
        self.r = r
        self.doc = r.doc
        self.ids: Dict[str, int] = {}  # interaction id -> line of its first use
        self._every_key: Optional[Tuple[str, ...]] = None

    def every_question_key(self) -> Tuple[str, ...]:
        """:func:`question_keys`, worked out when a question first needs them (they load every type)."""
        if self._every_key is None:
            self._every_key = question_keys()
        return self._every_key

    def keys_for(self, item) -> Tuple[str, ...]:
        """The keys to check *item* against: its own type's when it has no others, else every type's.

        Both give the same messages for such an item; the first leaves the other types unloaded.
        """
        qtype = item.get("type") if isinstance(item, dict) else None
        if isinstance(qtype, str) and qtype in TYPES:
            own = COMMON_KEYS + TYPES[qtype].keys
            if all(key in own for key in item):
                return own
        return self.every_question_key()

    # ------------------------------------------------------------------ helpers
    def line(self, path) -> int:
        return self.doc.pos(path)[0]

    def claim_id(self, value: Optional[str], path: Tuple, what: str) -> None:
        if not value:
            return
        if value in self.ids:
            self.r.error(
                path,
                f"the id '{value}' is used twice (also at line {self.ids[value]})",
                hint=f"give every {what} its own id",
            )
        else:
            self.ids[value] = self.line(path)

    def texts(self, m, path, key, what, minimum, maximum=MAX_OPTIONS, too_many=None) -> Optional[List[str]]:
        """A list of option texts (scalars), with count limits and duplicates reported (None if any problem)."""
        out, ok = self.all_texts(m, path, key, what, minimum, maximum, too_many)
        return out if ok else None

    def all_texts(self, m, path, key, what, minimum, maximum=MAX_OPTIONS, too_many=None) -> Tuple[List[str], bool]:
        """The valid texts of a list and whether every entry (and their number) was valid."""
        items = self.r.sequence(m, path, key)
        if items is None:
            return [], False
        out: List[str] = []
        seen: Dict[str, int] = {}
        ok = True
        for i, value in enumerate(items):
            p = tuple(path) + (key, i)
            text = option_text(value)
            if text is None:
                self.r.error(
                    p, f"expected text, found {kind_of(value)}", hint="write the text, in quotes if it contains ':'"
                )
                ok = False
                continue
            if not text:
                self.r.error(p, "must not be empty", hint="write the text, or remove the entry")
                ok = False
                continue
            if len(text) > MAX_OPTION_TEXT:
                self.r.error(
                    p, f"is {len(text)} characters long; at most {MAX_OPTION_TEXT} are allowed", hint="shorten it"
                )
                ok = False
                continue
            if text in seen:
                self.r.error(
                    p, f"'{text}' is given twice (also at line {seen[text]})", hint=f"every {what} must be different"
                )
                ok = False
                continue
            seen[text] = self.line(p)
            out.append(text)
        if ok and not self.count_ok(path, key, len(out), what, minimum, maximum, too_many):
            ok = False
        return out, ok

    def count_ok(self, path, key, n, what, minimum, maximum=MAX_OPTIONS, too_many=None) -> bool:
        p = tuple(path) + (key,)
        if n < minimum:
            self.r.error(p, f"needs at least {minimum} {what}s, found {n}", hint=f"add {what}s")
            return False
        if n > maximum:
            if maximum == MAX_OPTIONS:
                self.r.error(
                    p,
                    f"has {n} {what}s; SCORM 1.2 names each {what} with one character (0-9, a-z), "
                    f"so at most {MAX_OPTIONS} fit",
                    hint=too_many or "split the question in two, or remove some",
                )
            else:
                self.r.error(p, f"has {n} {what}s; at most {maximum} are allowed", hint=too_many or "remove some")
            return False
        return True

    # ------------------------------------------------------------------ the quiz
    def read(self) -> Optional[Quiz]:
        r = self.r
        errors_before = len(r.problems.errors)
        m = r.mapping(self.doc.data, (), QUIZ_KEYS, required=("title",))
        if m is None:
            return None
        title = r.text(m, (), "title", max_len=200)
        attempts = r.number(m, (), "attempts", required=False, minimum=0, maximum=99, integer=True, default=0)
        shuffle_questions = r.boolean(m, (), "shuffle_questions", required=False, default=False)
        shuffle_choices = r.boolean(m, (), "shuffle_choices", required=False, default=False)
        feedback = r.choice(m, (), "feedback", FEEDBACK_MODES, "after-quiz")
        reveal = r.choice(m, (), "reveal_answers", REVEAL_MODES, "always")
        out_of_attempts = r.text(m, (), "out_of_attempts", required=False, max_len=MAX_FEEDBACK) or ""
        if out_of_attempts and attempts == 0:
            r.error(
                ("out_of_attempts",),
                "the quiz allows unlimited attempts, so this message never shows",
                hint="set 'attempts', or remove 'out_of_attempts'",
                key=True,
                level="warning",
            )

        pools: List[Pool] = []
        questions: List[Question] = []
        if "questions" in m and "pools" in m:
            r.error(
                ("pools",),
                "give either 'questions' or 'pools', not both",
                key=True,
                hint="put every question inside a pool, or remove 'pools'",
            )
        elif "pools" in m:
            seen_pools: Dict[str, int] = {}
            for i, item in enumerate(r.sequence(m, (), "pools") or []):
                path = ("pools", i)
                pm = r.mapping(item, path, POOL_KEYS, required=("id", "questions"))
                if pm is None:
                    continue
                pid = r.text(pm, path, "id", pattern=QUESTION_ID, pattern_hint=ID_HINT.split(";")[0])
                if pid:
                    if pid in seen_pools:
                        r.error(
                            path + ("id",),
                            f"the pool id '{pid}' is used twice (also at line {seen_pools[pid]})",
                            hint="give every pool its own id",
                        )
                    else:
                        seen_pools[pid] = self.line(path + ("id",))
                shuffle = r.boolean(pm, path, "shuffle", required=False, default=shuffle_questions)
                pool_questions = self.questions(pm, path, questions, shuffle_choices)
                draw = r.number(pm, path, "draw", required=False, minimum=1, integer=True)
                if draw is not None and pool_questions is not None and draw > len(pool_questions):
                    n = len(pool_questions)
                    r.error(
                        path + ("draw",),
                        f"{draw} is more than the {n} question{'s' if n != 1 else ''} in this pool",
                        hint=f"draw at most {n}, or add questions to the pool",
                    )
                if pid and pool_questions is not None and shuffle is not None:
                    pools.append(Pool(pid, tuple(pool_questions), draw or len(pool_questions), shuffle))
        elif "questions" in m:
            listed = self.questions(m, (), questions, shuffle_choices)
            if listed is not None and shuffle_questions:
                pools.append(Pool("all", tuple(listed), len(listed), True))
        else:
            r.error((), "'questions' is missing", hint="add a 'questions:' list (or 'pools:' with questions inside)")

        if questions and len(r.problems.errors) == errors_before:
            self.check_scored(m, pools or [Pool("", tuple(questions), len(questions))])

        evaluation = self.evaluation(m["evaluation"]) if "evaluation" in m else None
        if title is None or attempts is None or feedback is None or reveal is None:
            return None
        return Quiz(title, int(attempts), tuple(questions), tuple(pools), feedback, reveal, out_of_attempts, evaluation)

    def check_scored(self, m, pools: Sequence[Pool]) -> None:
        """Every attempt needs at least one scored question (not a survey item), whatever is drawn."""
        least = 0
        for pool in pools:
            unscored = sum(1 for q in pool.questions if not q.scored)
            least += max(0, pool.draw - unscored)
        if least == 0:
            key = "pools" if "pools" in m else "questions"
            surveys = " and ".join(name for name, kind in TYPES.items() if not kind.scored)
            self.r.error(
                (key,),
                f"no question in this quiz is sure to be scored: {surveys} questions are not scored",
                key=True,
                hint=f"add a scored question (every type but {surveys}), or draw more questions",
            )

    # ------------------------------------------------------------------ questions
    def questions(self, m, path, out: List[Question], shuffle_choices: bool) -> Optional[List[Question]]:
        items = self.r.sequence(m, path, "questions")
        if items is None:
            return None
        mine = []
        complete = True
        for j, item in enumerate(items):
            q = self.question(item, tuple(path) + ("questions", j), len(out) + 1, shuffle_choices)
            if q is None:
                complete = False
                continue
            out.append(q)
            mine.append(q)
        return mine if complete else None

    def question(self, item, path, number: int, shuffle_choices: bool) -> Optional[Question]:
        r = self.r
        q = r.mapping(item, path, self.keys_for(item), required=("id", "type", "text"))
        if q is None:
            return None
        qid = r.text(q, path, "id", pattern=QUESTION_ID, pattern_hint=ID_HINT)
        self.claim_id(qid, path + ("id",), "question")
        qtype = q.get("type")
        known = isinstance(qtype, str) and qtype in TYPES
        checked_as = qtype
        if "type" in q and not known:
            close = did_you_mean(qtype, TYPES) if isinstance(qtype, str) else None
            r.error(
                path + ("type",),
                f"question type '{qtype}' is not supported",
                hint=close or "supported types: " + ", ".join(TYPES),
            )
            # Check the rest as the type the author most likely meant, so every problem shows at once.
            checked_as = close.split("'")[1] if close else None
        qtext = r.text(q, path, "text", max_len=MAX_TEXT)
        explanation = r.text(q, path, "explanation", required=False, max_len=MAX_TEXT) or ""
        if checked_as is None:
            return None

        kind = TYPES[checked_as]
        for key in q:
            if key not in COMMON_KEYS and key not in kind.keys and key in self.every_question_key():
                r.error(
                    path + (key,),
                    f"'{key}' does not apply to a {checked_as} question",
                    key=True,
                    hint=f"a {checked_as} question takes: " + ", ".join(COMMON_KEYS[2:] + kind.keys),
                )
        if kind.required and kind.required not in q:
            r.error(path, f"'{kind.required}' is missing", hint=kind.required_hint)

        weight = self.weight(q, path, kind)
        fields = dict(explanation=explanation)
        ok = weight is not None
        extra = kind.read(self, q, path)
        if extra is None:
            ok = False
        else:
            fields.update(extra)
        if kind.shuffles:
            shuffle = r.boolean(q, path, "shuffle", required=False, default=shuffle_choices)
            ok = ok and shuffle is not None
            fields["shuffle"] = bool(shuffle)
        if kind.partial:
            partial = r.boolean(q, path, "partial_credit", required=False, default=False)
            ok = ok and partial is not None
            fields["partial_credit"] = bool(partial)
        if not (ok and qid and qtext and known):
            return None
        answer = fields.pop("answer", None)
        return Question(qid, qtype, qtext, answer, number, float(weight), **fields)

    def weight(self, q, path, kind: QuestionType) -> Optional[float]:
        if not kind.scored:
            if "weight" in q:
                self.r.error(
                    path + ("weight",),
                    f"a {kind.name} question is not scored, so it takes no weight",
                    key=True,
                    hint="remove 'weight'",
                )
                return None
            return 0.0
        weight = self.r.number(
            q, path, "weight", required=False, minimum=0, maximum=100, exclusive_minimum=True, default=1
        )
        if isinstance(weight, float) and len(decimal_text(weight).partition(".")[2]) > 2:  # an int has no decimals
            self.r.error(
                path + ("weight",),
                f"{weight} has more than 2 decimal places",
                hint="SCORM 1.2 LMSs such as Moodle accept at most 2 decimals in cmi.interactions.n.weighting",
            )
            return None
        return weight

    # ------------------------------------------------------------------ the evaluation
    def evaluation(self, value) -> Optional[Evaluation]:
        r = self.r
        path = ("evaluation",)
        m = r.mapping(value, path, EVALUATION_KEYS, required=("items",))
        if m is None:
            return None
        title = r.text(m, path, "title", required=False, max_len=200) or ""
        intro = r.text(m, path, "intro", required=False, max_len=MAX_TEXT) or ""
        required = r.boolean(m, path, "required", required=False, default=False)
        scale: Tuple[str, ...] = ()
        ok = required is not None
        if "scale" in m:
            listed = self.texts(m, path, "scale", "scale point", 2, MAX_SCALE, too_many="use a shorter scale")
            ok = ok and listed is not None
            scale = tuple(listed or ())
        items: List[EvaluationItem] = []
        listed_items = r.sequence(m, path, "items") if "items" in m else None
        ok = ok and listed_items is not None
        for i, item in enumerate(listed_items or []):
            p = path + ("items", i)
            im = r.mapping(item, p, ITEM_KEYS, required=ITEM_KEYS)
            if im is None:
                ok = False
                continue
            iid = r.text(im, p, "id", pattern=QUESTION_ID, pattern_hint=ID_HINT)
            self.claim_id(iid, p + ("id",), "question and evaluation item")
            text = r.text(im, p, "text", max_len=MAX_OPTION_TEXT)
            if iid and text:
                items.append(EvaluationItem(iid, text))
            else:
                ok = False
        if listed_items is not None and len(listed_items) > MAX_EVALUATION_ITEMS:
            r.error(
                path + ("items",),
                f"has {len(listed_items)} items; at most {MAX_EVALUATION_ITEMS} are allowed",
                hint="a short evaluation gets more answers",
            )
            ok = False
        comment_id, comment_text = "", ""
        if "comment" in m:
            comment = m["comment"]
            if isinstance(comment, str):
                comment_id, comment_text = DEFAULT_COMMENT_ID, comment.strip()
                if not comment_text:
                    r.error(path + ("comment",), "must not be empty", hint="write the prompt, or remove 'comment'")
                    ok = False
                elif len(comment_text) > MAX_OPTION_TEXT:
                    r.error(
                        path + ("comment",),
                        f"is {len(comment_text)} characters long; at most {MAX_OPTION_TEXT} are allowed",
                        hint="shorten it",
                    )
                    ok = False
            else:
                cm = r.mapping(comment, path + ("comment",), ITEM_KEYS, required=("text",))
                comment_id = (
                    r.text(
                        cm,
                        path + ("comment",),
                        "id",
                        required=False,
                        pattern=QUESTION_ID,
                        pattern_hint=ID_HINT,
                        default=DEFAULT_COMMENT_ID,
                    )
                    if cm
                    else None
                )
                comment_text = r.text(cm, path + ("comment",), "text", max_len=MAX_OPTION_TEXT) if cm else None
                ok = ok and bool(comment_id and comment_text)
            where = path + ("comment", "id") if isinstance(comment, dict) and "id" in comment else path + ("comment",)
            self.claim_id(comment_id, where, "question and evaluation item")
        if not ok:
            return None
        return Evaluation(title, intro, bool(required), tuple(items), scale, comment_id or "", comment_text or "")
