"""The interface of a question type (:class:`QuestionType`) and what the types share.

A question type is one object that owns everything depending on the type, on both sides of the
package (docs/architecture.md, "Question types"):

* the build side, from a :class:`builder.model.Question` (parameter ``question``): its quiz.yaml
  keys and their reader with its checks, the option ids, the answer key, the longest answer in
  suspend_data, its entries in the runtime configuration, its xAPI interaction definition;
* the runtime side, the Python twin of the browser's quiz engine, from a question of the runtime
  configuration exactly as the browser receives it (parameter ``q``, a dict): the SCORM 1.2
  and SCORM 2004 responses and correct-response patterns, the credit of an answer, the answer's
  suspend_data encoding, the first answer of an attempt.

An answer (``value``) has the runtime's form and is never None here (``builder/engine.py``
handles unanswered questions): ``t``/``f``, an option id, several ids in a row (``"ac"``), one
target id or ``-`` per matching source, the text or number as typed. ``key`` is the answer key
(:meth:`QuestionType.key`; what the package seals). Suspend data is read as UTF-16 code units
(``builder/jsstring.py``), as JavaScript counts them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

#: SCORM 1.2 names options with one character of [0-9a-z] (scorm12-rte.md section 8.1). Choices,
#: matching targets and sequencing items use letters first; matching sources and likert points
#: use digits first, so a report reads "1.a,2.c" and "4".
CHOICE_IDS = "abcdefghijklmnopqrstuvwxyz0123456789"
POINT_IDS = "123456789abcdefghijklmnopqrstuvwxyz0"
MAX_OPTIONS = len(CHOICE_IDS)
RESPONSE_LIMIT = 255  #: CMIString255: the longest student_response or pattern SCORM 1.2 allows
#: SCORM 2004's delimiters in responses and patterns (RTE 4th Edition, 4.2.9.1), xAPI's too: between
#: the ids of a list, between a matching pair's source and target, between a numeric range's bounds.
LIST_2004, PAIR_2004, RANGE_2004 = "[,]", "[.]", "[:]"
MAX_OPTION_TEXT = 500  #: choices, pairs, items, scale labels
MAX_FEEDBACK = 1000
MAX_SCALE = 10  #: points of a likert scale (a likert question's, the course evaluation's)

Options = List[Tuple[str, str]]  #: (id, text) of each option, in package order


class SuspendDataError(ValueError):
    """Stored answers that do not fit the quiz (the runtime then discards the stored progress)."""


class QuestionType:
    """One question type; subclasses set the attributes and override what differs from these defaults.

    The defaults describe a question answered with one character out of :meth:`answer_ids`,
    scored right or wrong by comparing it with the key (true-false, single-choice).
    """

    name = ""  #: the quiz.yaml ``type``
    interaction = ""  #: the SCORM 1.2 interaction type (also the xAPI interactionType)
    keys: Tuple[str, ...] = ()  #: the quiz.yaml keys it takes besides the common ones
    required: Optional[str] = None  #: the key it cannot do without (None: :meth:`read` reports)
    required_hint = ""  #: how to write that key
    scored = True  #: False: a survey item (weight 0, credit None, no key)
    shuffles = False  #: takes ``shuffle`` (its options are shuffled per attempt)
    partial = False  #: takes ``partial_credit``
    suspend_v1 = False  #: its answers fit suspend_data format 1 (true-false answers only)
    option_list: Optional[str] = None  #: the runtime configuration list an attempt may shuffle (builder/engine.py)

    # ------------------------------------------------------------------ build side
    def read(self, reader, q: dict, path: tuple) -> Optional[Dict[str, Any]]:
        """The fields of the Question record from the quiz.yaml mapping *q* (None after reporting a problem).

        *reader* is the quiz reader (builder/sources/quiz.py): ``reader.r`` reports located problems,
        ``reader.texts``/``all_texts``/``count_ok`` read lists of option texts.
        """
        raise NotImplementedError

    def key(self, question) -> Any:
        """The correct answer in the runtime's terms (sealed into the package), None for a survey item."""
        return None

    def suspend_length(self, question) -> int:
        """The most characters the answer takes in suspend_data (docs/architecture.md, section 5)."""
        return 1

    def typed_length(self, question) -> int:
        """The longest text a learner can type (part of the course fingerprint; 0: none)."""
        return 0

    def config(self, question, strings: Dict[str, str]) -> Dict[str, Any]:
        """The type's own entries of the question in the runtime configuration (section 3)."""
        return {}

    def xapi_components(self, question, strings: Dict[str, str]) -> Dict[str, Options]:
        """The option lists of its xAPI interaction definition (``choices``, ``source`` …) by name."""
        return {}

    # ------------------------------------------------------------------ runtime side (the engine's twin)
    def answer_ids(self, q: dict) -> Sequence[str]:
        """The characters a one-character answer may be."""
        raise NotImplementedError

    def response(self, q: dict, value: str) -> str:
        """``cmi.interactions.n.student_response`` in SCORM 1.2 format."""
        return value

    def patterns(self, q: dict, key: Any) -> List[str]:
        """Every ``correct_responses.n.pattern`` in SCORM 1.2 format."""
        return [key]

    def response_2004(self, q: dict, value: str) -> str:
        """``cmi.interactions.n.learner_response`` in SCORM 2004 format (docs/scorm2004.md, "Interactions")."""
        return value

    def patterns_2004(self, q: dict, key: Any) -> List[str]:
        """Every ``correct_responses.n.pattern`` in SCORM 2004 format."""
        return [key]

    def unreportable_2004(self, question) -> Sequence[str]:
        """Why a strict SCORM 2004 LMS cannot store the question's correct responses (empty: it can)."""
        return ()

    # xAPI (Data 2.4.4.1) took SCORM 2004's response formats for the interaction types with
    # delimiters; the runtime's reporter (templates/runtime/xapi.js, ``xapiResponse``) rewrites the
    # SCORM 1.2 response it gets into them. A type whose answer has no delimiters sends its 1.2 form.
    xapi_as_2004 = False  #: its xAPI responses and patterns are its SCORM 2004 ones
    #: its response tells the whole answer (False: the response drops part of it, as fill-in trims
    #: spaces, so an answer judged wrong can have a response that earns full credit)
    response_is_whole = True

    def response_xapi(self, q: dict, value: str) -> str:
        """The ``result.response`` of its ``answered`` statement."""
        return self.response_2004(q, value) if self.xapi_as_2004 else self.response(q, value)

    def patterns_xapi(self, q: dict, key: Any) -> List[str]:
        """The ``correctResponsesPattern`` of its interaction definition."""
        return self.patterns_2004(q, key) if self.xapi_as_2004 else self.patterns(q, key)

    def answer_from_xapi(self, q: dict, response: str) -> str:
        """The answer that gives a non-empty xAPI *response* (the relay scores it: builder/xapi/relay/answers.py)."""
        return response

    def credit(self, q: dict, value: str, key: Any) -> Optional[float]:
        """The share of the weight the answer earns, 0..1 (1 = correct)."""
        return 1 if value == key else 0

    def encode(self, q: dict, value: Optional[str]) -> str:
        """The answer (None: unanswered) as self-delimiting suspend_data characters."""
        return value or "-"

    def decode(self, q: dict, units: str, at: int) -> Tuple[Optional[str], int]:
        """The answer stored at *at* and the position after it; :class:`SuspendDataError` when it does not fit."""
        return one_of(q, take(units, at, 1), self.answer_ids(q)), at + 1

    def initial_answer(self, q: dict, seed: int, key: Any) -> Optional[str]:
        """The answer before the learner does anything (None: unanswered)."""
        return None

    # ------------------------------------------------------------------ Moodle question banks (builder/qbank/)
    # A question as Moodle's question model holds it (builder/questions/moodle.py: MoodleQuestion), which
    # both bank formats, GIFT and Moodle XML, write. ``note(message, level)`` records what had to be
    # adapted ("note": a comment in quiz.yaml; "warning": also printed, for a change of scoring).
    moodle_qtype: Optional[str] = None  #: the Moodle question type it is written as (None: Moodle has none)

    def reads_moodle(self, mq) -> bool:
        """Whether a Moodle question *mq* becomes a question of this type."""
        return self.moodle_qtype is not None and mq.qtype == self.moodle_qtype

    def from_moodle(self, mq, extras: Dict[str, Any], note) -> Dict[str, Any]:
        """The type's own quiz.yaml keys for Moodle question *mq*; it takes its keys out of *extras*.

        :raises builder.questions.moodle.Unsupported: when no question of this type can hold it.
        """
        raise NotImplementedError

    def to_moodle(self, question, note) -> Optional[Dict[str, Any]]:
        """The type's own MoodleQuestion fields (``extras``: what Moodle cannot hold), or None without an equivalent."""
        return None


# ---------------------------------------------------------------------- shared by several types
def numbered(texts: Sequence[str], ids: str = CHOICE_IDS) -> Options:
    """Texts with their one-character ids, in order."""
    return [(ids[i], text) for i, text in enumerate(texts)]


def config_options(options: Options) -> List[Dict[str, str]]:
    """Options as the runtime configuration lists them."""
    return [{"id": oid, "text": text} for oid, text in options]


def ids_of(entries: Sequence[dict]) -> List[str]:
    """The ids of a runtime configuration list (choices, sources, targets, items, scale)."""
    return [entry["id"] for entry in entries]


def take(units: str, at: int, n: int) -> str:
    if at + n > len(units):
        raise SuspendDataError("suspend_data: answers too short")
    return units[at : at + n]


def one_of(q: dict, c: str, allowed: Sequence[str]) -> Optional[str]:
    """A stored character: None for ``-``, else one of *allowed*."""
    if c == "-":
        return None
    if c not in allowed:
        raise SuspendDataError(f"suspend_data: '{c}' does not fit {q['id']}")
    return c


def positional(value: str, key: str, partial: bool) -> float:
    """The share of places answered as in the key (matching by source, sequencing by position)."""
    if not value:
        return 0
    hits = sum(1 for i, right in enumerate(key) if i < len(value) and value[i] == right)
    if hits == len(key):
        return 1
    return hits / len(key) if partial else 0


def option_text(value) -> Optional[str]:
    """A choice or item written as a scalar: text, or a number written without quotes."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return decimal_text(value)
    return None


def decimal_text(value) -> str:
    """A YAML number as the shortest exact decimal string, never in exponent form (CMIDecimal)."""
    if isinstance(value, int):
        return str(value)
    from decimal import Decimal  # only for a number written with decimals: decimal is slow to import

    return plain(Decimal(repr(value)))


def plain(value) -> str:
    """A :class:`decimal.Decimal` in plain notation, without trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
