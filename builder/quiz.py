"""Read ``quiz.yaml`` into the quiz model: questions of every type, pools, feedback and the evaluation.

Called by :mod:`builder.source` (which stays the only module that reads course folders). Like the
rest of the loader, every problem is collected with its file, line and column, and the quiz is
only returned when there is none. The README ("quiz.yaml") documents the format; every message
below is pinned by ``tests/unit/test_quiz_errors.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from builder import limits, yamldoc
from builder.model import (
    FEEDBACK_MODES,
    FILL_IN_DEFAULT_LENGTH,
    FILL_IN_LIMIT,
    MAX_OPTIONS,
    PARTIAL_CREDIT_TYPES,
    QUESTION_TYPES,
    REVEAL_MODES,
    SHUFFLE_TYPES,
    WHITESPACE_RULES,
    Choice,
    Evaluation,
    EvaluationItem,
    NumericAnswer,
    Pool,
    Question,
    Quiz,
)
from builder.problems import Problems, did_you_mean
from builder.source import QUESTION_ID, Reader, _kind, _read_text

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
COMMON_KEYS = ("id", "type", "text", "weight", "explanation")
#: The keys each type takes besides the common ones; the first ones listed are required.
TYPE_KEYS = {
    "true-false": ("answer",),
    "single-choice": ("choices", "shuffle"),
    "multiple-response": ("choices", "shuffle", "partial_credit"),
    "fill-in": ("answers", "case_sensitive", "whitespace", "max_length"),
    "numeric": ("answer", "tolerance", "range"),
    "matching": ("pairs", "distractors", "shuffle", "partial_credit"),
    "sequencing": ("items", "partial_credit"),
    "likert": ("scale",),
}
REQUIRED_KEYS = {
    "true-false": "answer",
    "single-choice": "choices",
    "multiple-response": "choices",
    "fill-in": "answers",
    "matching": "pairs",
    "sequencing": "items",
}
REQUIRED_HINTS = {
    "answer": "write 'answer: true' or 'answer: false'",
    "choices": "list the options under 'choices:' and mark the right one with 'correct: true'",
    "answers": "list the accepted answers under 'answers:'",
    "pairs": "list the pairs under 'pairs:', each with 'source:' and 'target:'",
    "items": "list the items under 'items:' in the correct order",
}
QUESTION_KEYS = tuple(dict.fromkeys(COMMON_KEYS + sum(TYPE_KEYS.values(), ())))
CHOICE_KEYS = ("text", "correct", "feedback", "fixed")
PAIR_KEYS = ("source", "target")
EVALUATION_KEYS = ("title", "intro", "required", "scale", "items", "comment")
ITEM_KEYS = ("id", "text")
DEFAULT_COMMENT_ID = "eval_comment"

MAX_TEXT = 2000  #: question text, explanations
MAX_OPTION_TEXT = 500  #: choices, pairs, items, scale labels
MAX_FEEDBACK = 1000
MAX_ACCEPTED = 20
MAX_SCALE = 10
MAX_EVALUATION_ITEMS = 20
ID_HINT = (
    "use lowercase letters, digits and '_', starting with a letter (at most 32); "
    "the id is sent to the LMS as the interaction id"
)


def load_quiz(path: Path, shown: str, problems: Problems, files=None) -> Optional[Quiz]:
    """Read and check the quiz file *path* (shown to the author as *shown*).

    :param files: a :class:`builder.source.SourceFiles` that keeps the parsed document for lint.
    """
    text = _read_text(path, shown, problems, "quiz_file_mb")
    if text is None:
        return None
    doc = yamldoc.load(text, shown, problems)
    if doc is None:
        return None
    if files is not None:
        files.quiz_doc = doc
    errors_before = len(problems.errors)
    r = Reader(doc, problems)
    quiz = _QuizReader(r).read()
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


def _option_text(value) -> Optional[str]:
    """A choice or item written as a scalar: text, or a number written without quotes."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _decimal(value)
    return None


def _decimal(value) -> str:
    """A YAML number as the shortest exact decimal string, never in exponent form (CMIDecimal)."""
    if isinstance(value, int):
        return str(value)
    from decimal import Decimal

    return _plain(Decimal(repr(value)))


class _QuizReader:
    def __init__(self, r: Reader):
        self.r = r
        self.doc = r.doc
        self.ids: Dict[str, int] = {}  # interaction id -> line of its first use

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
            text = _option_text(value)
            if text is None:
                self.r.error(
                    p, f"expected text, found {_kind(value)}", hint="write the text, in quotes if it contains ':'"
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
        """Every attempt needs at least one scored (non-likert) question, whatever is drawn."""
        least = 0
        for pool in pools:
            unscored = sum(1 for q in pool.questions if not q.scored)
            least += max(0, pool.draw - unscored)
        if least == 0:
            key = "pools" if "pools" in m else "questions"
            self.r.error(
                (key,),
                "no question in this quiz is sure to be scored: likert questions are not scored",
                key=True,
                hint="add a scored question (every type but likert), or draw more questions",
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
        q = r.mapping(item, path, QUESTION_KEYS, required=("id", "type", "text"))
        if q is None:
            return None
        qid = r.text(q, path, "id", pattern=QUESTION_ID, pattern_hint=ID_HINT)
        self.claim_id(qid, path + ("id",), "question")
        qtype = q.get("type")
        checked_as = qtype
        if "type" in q and qtype not in QUESTION_TYPES:
            close = did_you_mean(qtype, QUESTION_TYPES) if isinstance(qtype, str) else None
            r.error(
                path + ("type",),
                f"question type '{qtype}' is not supported",
                hint=close or "supported types: " + ", ".join(QUESTION_TYPES),
            )
            # Check the rest as the type the author most likely meant, so every problem shows at once.
            checked_as = close.split("'")[1] if close else None
        qtext = r.text(q, path, "text", max_len=MAX_TEXT)
        explanation = r.text(q, path, "explanation", required=False, max_len=MAX_TEXT) or ""
        if checked_as is None:
            return None

        allowed = TYPE_KEYS[checked_as]
        for key in q:
            if key in QUESTION_KEYS and key not in COMMON_KEYS and key not in allowed:
                r.error(
                    path + (key,),
                    f"'{key}' does not apply to a {checked_as} question",
                    key=True,
                    hint=f"a {checked_as} question takes: " + ", ".join(COMMON_KEYS[2:] + allowed),
                )
        required = REQUIRED_KEYS.get(checked_as)
        if required and required not in q:
            r.error(path, f"'{required}' is missing", hint=REQUIRED_HINTS[required])

        weight = self.weight(q, path, checked_as)
        fields = dict(explanation=explanation)
        ok = weight is not None
        reader = getattr(self, "read_" + checked_as.replace("-", "_"))
        extra = reader(q, path)
        if extra is None:
            ok = False
        else:
            fields.update(extra)
        if checked_as in SHUFFLE_TYPES:
            shuffle = r.boolean(q, path, "shuffle", required=False, default=shuffle_choices)
            ok = ok and shuffle is not None
            fields["shuffle"] = bool(shuffle)
        if checked_as in PARTIAL_CREDIT_TYPES:
            partial = r.boolean(q, path, "partial_credit", required=False, default=False)
            ok = ok and partial is not None
            fields["partial_credit"] = bool(partial)
        if not (ok and qid and qtext and qtype in QUESTION_TYPES):
            return None
        answer = fields.pop("answer", None)
        return Question(qid, qtype, qtext, answer, number, float(weight), **fields)

    def weight(self, q, path, qtype) -> Optional[float]:
        if qtype == "likert":
            if "weight" in q:
                self.r.error(
                    path + ("weight",),
                    "a likert question is not scored, so it takes no weight",
                    key=True,
                    hint="remove 'weight'",
                )
                return None
            return 0.0
        weight = self.r.number(
            q, path, "weight", required=False, minimum=0, maximum=100, exclusive_minimum=True, default=1
        )
        if isinstance(weight, float) and len(_decimal(weight).partition(".")[2]) > 2:  # an int has no decimals
            self.r.error(
                path + ("weight",),
                f"{weight} has more than 2 decimal places",
                hint="SCORM 1.2 LMSs such as Moodle accept at most 2 decimals in cmi.interactions.n.weighting",
            )
            return None
        return weight

    # ------------------------------------------------------------------ one reader per type
    def read_true_false(self, q, path):
        answer = q.get("answer")
        if "answer" in q and not isinstance(answer, bool):
            self.r.error(
                path + ("answer",),
                f"a true-false question needs the answer true or false, found {_kind(answer)}",
                hint="write true or false without quotes",
            )
            return None
        return {"answer": answer} if "answer" in q else None

    def read_choices(self, q, path, single: bool):
        r = self.r
        items = r.sequence(q, path, "choices") if "choices" in q else None
        if items is None:
            return None
        choices: List[Choice] = []
        seen: Dict[str, int] = {}
        ok = True
        malformed = False  # an entry that could not be read (its 'correct' is unknown)
        for i, item in enumerate(items):
            p = path + ("choices", i)
            if isinstance(item, dict):
                c = r.mapping(item, p, CHOICE_KEYS, required=("text",))
                text = _option_text(c["text"]) if c and "text" in c else None
                if c is not None and "text" in c and text is None:
                    r.error(
                        p + ("text",),
                        f"expected text, found {_kind(c['text'])}",
                        hint="write the choice's text, in quotes if it contains ':'",
                    )
                correct = r.boolean(c, p, "correct", required=False, default=False) if c else None
                feedback = r.text(c, p, "feedback", required=False, max_len=MAX_FEEDBACK) if c else None
                fixed = r.boolean(c, p, "fixed", required=False, default=False) if c else None
                tp = p + ("text",)
                if c is None or text is None or correct is None or fixed is None or feedback is None:
                    ok, malformed = False, True
                    continue
            else:
                text, correct, feedback, fixed, tp = _option_text(item), False, "", False, p
                if text is None:
                    r.error(
                        p,
                        f"expected the choice's text or a mapping with 'text:', found {_kind(item)}",
                        hint="write '- text: …' with 'correct: true' on the right choice",
                    )
                    ok, malformed = False, True
                    continue
            if not text:
                r.error(tp, "must not be empty", hint="write the choice's text, or remove the choice")
                ok = False
            elif len(text) > MAX_OPTION_TEXT:
                r.error(tp, f"is {len(text)} characters long; at most {MAX_OPTION_TEXT} are allowed", hint="shorten it")
                ok = False
            elif text in seen:
                r.error(
                    tp,
                    f"the choice '{text}' is given twice (also at line {seen[text]})",
                    hint="every choice must be different",
                )
                ok = False
            else:
                seen[text] = self.line(tp)
            choices.append(Choice(text, correct, feedback, fixed))
        if malformed:
            return None
        ok = self.count_ok(path, "choices", len(choices), "choice", 2) and ok
        right = sum(1 for c in choices if c.correct)
        if right == 0:
            r.error(
                path + ("choices",),
                "no choice is marked 'correct: true'",
                hint="mark the right answer with 'correct: true'",
            )
            return None
        if single and right > 1:
            r.error(
                path + ("choices",),
                f"{right} choices are marked correct; a single-choice question has exactly one",
                hint="use 'type: multiple-response' when several choices are right",
            )
            return None
        return {"choices": tuple(choices)} if ok else None

    def read_single_choice(self, q, path):
        return self.read_choices(q, path, single=True)

    def read_multiple_response(self, q, path):
        return self.read_choices(q, path, single=False)

    def read_fill_in(self, q, path):
        r = self.r
        case = r.boolean(q, path, "case_sensitive", required=False, default=False)
        whitespace = r.choice(q, path, "whitespace", WHITESPACE_RULES, "normalize")
        max_length = r.number(
            q,
            path,
            "max_length",
            required=False,
            minimum=1,
            maximum=FILL_IN_LIMIT,
            integer=True,
            default=FILL_IN_DEFAULT_LENGTH,
        )
        if "answers" not in q:
            return None
        accepted, ok = self.all_texts(q, path, "answers", "accepted answer", 1, MAX_ACCEPTED)
        for i, text in enumerate(q["answers"] if isinstance(q["answers"], list) else []):
            if text in accepted and max_length is not None and len(text.strip()) > max_length:
                r.error(
                    path + ("answers", i),
                    f"is {len(text.strip())} characters long, longer than max_length ({max_length})",
                    hint=f"raise max_length (at most {FILL_IN_LIMIT}) or shorten the answer",
                )
                ok = False
        if not ok or case is None or whitespace is None or max_length is None:
            return None
        return {"accepted": tuple(accepted), "case_sensitive": case, "whitespace": whitespace, "max_length": max_length}

    def read_numeric(self, q, path):
        from decimal import Decimal

        r = self.r
        answer = self.number(q, path, "answer")
        tolerance = r.number(q, path, "tolerance", required=False, minimum=0)
        bounds = None
        ok = answer is not False and ("tolerance" not in q or tolerance is not None)
        if "range" in q:
            value = q["range"]
            numbers = (
                isinstance(value, list)
                and len(value) == 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            )
            if not numbers:
                r.error(
                    path + ("range",),
                    f"expected two numbers [lowest, highest], found {_kind(value)}",
                    hint="write it as 'range: [10, 20]'",
                )
                ok = False
            elif value[0] > value[1]:
                r.error(
                    path + ("range",),
                    f"the lowest value {_decimal(value[0])} is greater than the highest {_decimal(value[1])}",
                    hint="write the lowest value first",
                )
                ok = False
            else:
                bounds = (Decimal(_decimal(value[0])), Decimal(_decimal(value[1])))
            if "tolerance" in q:
                r.error(
                    path + ("tolerance",),
                    "give either 'tolerance' or 'range', not both",
                    key=True,
                    hint="a range already says which numbers are accepted",
                )
                ok = False
        elif "answer" not in q:
            r.error(
                path,
                "'answer' is missing",
                hint="give 'answer' (with an optional 'tolerance'), or 'range: [lowest, highest]'",
            )
            return None
        if not ok:
            return None
        exact = Decimal(answer) if answer is not None else None
        if bounds is not None:
            if exact is not None and not bounds[0] <= exact <= bounds[1]:
                r.error(
                    path + ("answer",),
                    f"{answer} is outside the range [{bounds[0]}, {bounds[1]}]",
                    hint="the answer reported to the LMS must be one of the accepted numbers",
                )
                return None
            low, high = bounds
        else:
            spread = Decimal(_decimal(tolerance)) if tolerance else Decimal(0)
            low, high = exact - spread, exact + spread
        return {"numeric": NumericAnswer(_plain(low), _plain(high), answer)}

    def number(self, q, path, key):
        """A number for a numeric question, as an exact decimal string; None if absent, False if wrong."""
        if key not in q:
            return None
        value = q[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.r.error(
                path + (key,),
                f"a numeric question needs a number, found {_kind(value)}",
                hint="write the number without quotes, e.g. 'answer: 12.5'",
            )
            return False
        return _decimal(value)

    def read_matching(self, q, path):
        r = self.r
        items = r.sequence(q, path, "pairs") if "pairs" in q else None
        if items is None:
            return None
        pairs: List[Tuple[str, str]] = []
        sources: Dict[str, int] = {}
        ok = True
        for i, item in enumerate(items):
            p = path + ("pairs", i)
            pm = r.mapping(item, p, PAIR_KEYS, required=PAIR_KEYS)
            if pm is None or not all(k in pm for k in PAIR_KEYS):
                ok = False
                continue
            texts = []
            for key in PAIR_KEYS:
                text = _option_text(pm[key])
                if text is None or not text or len(text) > MAX_OPTION_TEXT:
                    problem = (
                        f"expected text, found {_kind(pm[key])}"
                        if text is None
                        else "must not be empty"
                        if not text
                        else f"is {len(text)} characters long; at most {MAX_OPTION_TEXT} are allowed"
                    )
                    r.error(p + (key,), problem, hint="write the text, in quotes if it contains ':'")
                    ok = False
                texts.append(text)
            if not ok:
                continue
            if texts[0] in sources:
                r.error(
                    p + ("source",),
                    f"the source '{texts[0]}' is given twice (also at line {sources[texts[0]]})",
                    hint="every source must be different; several sources may share a target",
                )
                ok = False
                continue
            sources[texts[0]] = self.line(p + ("source",))
            pairs.append((texts[0], texts[1]))
        distractors: List[str] = []
        if "distractors" in q:
            listed = self.texts(q, path, "distractors", "distractor", 1)
            if listed is None:
                ok = False
            else:
                targets = {t for _, t in pairs}
                for i, text in enumerate(listed):
                    if text in targets:
                        r.error(
                            path + ("distractors", i),
                            f"'{text}' is already the target of a pair",
                            hint="a distractor matches no source: remove it or reword it",
                        )
                        ok = False
                distractors = listed
        if not ok or not self.count_ok(path, "pairs", len(pairs), "pair", 2):
            return None
        n_targets = len({t for _, t in pairs} | set(distractors))
        if n_targets > MAX_OPTIONS:
            r.error(
                path + ("distractors" if distractors else "pairs",),
                f"gives {n_targets} different targets; SCORM 1.2 names each target with one character (0-9, a-z), "
                f"so at most {MAX_OPTIONS} fit",
                hint="remove distractors, or split the question in two",
            )
            return None
        return {"pairs": tuple(pairs), "distractors": tuple(distractors)}

    def read_sequencing(self, q, path):
        items = self.texts(q, path, "items", "item", 2) if "items" in q else None
        return None if items is None else {"items": tuple(items)}

    def read_likert(self, q, path):
        if "scale" not in q:
            return {}
        scale = self.texts(q, path, "scale", "scale point", 2, MAX_SCALE, too_many="use a shorter scale")
        return None if scale is None else {"scale": tuple(scale)}

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


def _plain(value) -> str:
    """A :class:`decimal.Decimal` in plain notation, without trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
