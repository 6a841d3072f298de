"""true-false: a statement the learner marks true or false (quiz.yaml ``answer: true``)."""

from __future__ import annotations

from builder.problems import kind_of
from builder.questions.base import QuestionType


class TrueFalse(QuestionType):
    name = "true-false"
    interaction = "true-false"
    keys = ("answer",)
    required = "answer"
    required_hint = "write 'answer: true' or 'answer: false'"
    suspend_v1 = True

    def read(self, reader, q, path):
        answer = q.get("answer")
        if "answer" in q and not isinstance(answer, bool):
            reader.r.error(
                path + ("answer",),
                f"a true-false question needs the answer true or false, found {kind_of(answer)}",
                hint="write true or false without quotes",
            )
            return None
        return {"answer": answer} if "answer" in q else None

    def key(self, question):
        return "t" if question.answer else "f"

    def answer_ids(self, q):
        return ("t", "f")

    moodle_qtype = "truefalse"

    def from_moodle(self, mq, extras, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import feedback_kept_aside

        feedback_kept_aside(note, "true", mq.feedbacktrue)
        feedback_kept_aside(note, "false", mq.feedbackfalse)
        return {"answer": mq.correct}

    def to_moodle(self, question, note):
        return {"correct": question.answer}

    # SCORM 2004 writes the words.
    def response_2004(self, q, value):
        return WORDS[value]

    def patterns_2004(self, q, key):
        return [WORDS[key]]

    xapi_as_2004 = True

    def answer_from_xapi(self, q, response):
        return {word: value for value, word in WORDS.items()}.get(response, response)


WORDS = {"t": "true", "f": "false"}


TYPE = TrueFalse()
