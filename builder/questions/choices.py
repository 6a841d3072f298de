"""What single-choice and multiple-response share: quiz.yaml ``choices`` and the options."""

from __future__ import annotations

from typing import Dict, List

from builder.model import Choice
from builder.problems import kind_of
from builder.questions.base import (
    CHOICE_IDS,
    MAX_FEEDBACK,
    MAX_OPTION_TEXT,
    QuestionType,
    ids_of,
    numbered,
    option_text,
)

CHOICE_KEYS = ("text", "correct", "feedback", "fixed")


class ChoicesType(QuestionType):
    """A question answered by picking among ``choices`` (ids ``a``, ``b`` … in written order)."""

    interaction = "choice"
    required = "choices"
    required_hint = "list the options under 'choices:' and mark the right one with 'correct: true'"
    shuffles = True
    option_list = "choices"
    single = True  #: exactly one choice is correct

    def read(self, reader, q, path):
        r = reader.r
        single = self.single
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
                text = option_text(c["text"]) if c and "text" in c else None
                if c is not None and "text" in c and text is None:
                    r.error(
                        p + ("text",),
                        f"expected text, found {kind_of(c['text'])}",
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
                text, correct, feedback, fixed, tp = option_text(item), False, "", False, p
                if text is None:
                    r.error(
                        p,
                        f"expected the choice's text or a mapping with 'text:', found {kind_of(item)}",
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
                seen[text] = reader.line(tp)
            choices.append(Choice(text, correct, feedback, fixed))
        if malformed:
            return None
        ok = reader.count_ok(path, "choices", len(choices), "choice", 2) and ok
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

    def config(self, question, strings):
        return {
            "choices": [
                {"id": oid, "text": text, "fixed": choice.fixed}
                for (oid, text), choice in zip(numbered([c.text for c in question.choices]), question.choices)
            ]
        }

    def xapi_components(self, question, strings):
        return {"choices": numbered([c.text for c in question.choices])}

    def answer_ids(self, q):
        return ids_of(q["choices"])


def correct_ids(question) -> str:
    """The ids of the correct choices, in written order."""
    return "".join(CHOICE_IDS[i] for i, c in enumerate(question.choices) if c.correct)
