"""Moodle XML question banks, read safely with lxml and written as Moodle's XML importer reads them.

Reading follows Moodle's importer (question/format/xml/format.php) as facts: the root is
``<quiz>``; each ``<question type="…">`` holds ``<name><text>``, ``<questiontext format="…">``
with its ``<text>`` and embedded ``<file name path encoding="base64">`` elements (which the text
names as ``@@PLUGINFILE@@/name``), ``<generalfeedback>``, ``<defaultgrade>``, ``<penalty>``,
``<idnumber>``, then the type's own parts: ``<answer fraction="…">`` with ``<text>`` and
``<feedback>``, ``<single>``, ``<shuffleanswers>``, ``<usecase>``, ``<tolerance>``, ``<units>``,
``<subquestion>``, and the ordering type's ``<layouttype>``, ``<selecttype>``, ``<selectcount>``,
``<gradingtype>``. A ``<question type="category">`` starts a category.

The file is parsed without resolving entities, without the network, without lxml's huge-tree
mode, and within ``COURSEPACK_LIMIT_BANK_FILE_MB``; a document with a DOCTYPE is refused (a
question bank never needs one, and it is where entity expansion and external files come from).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from lxml import etree

from builder.problems import Problems
from builder.qbank.gift import read_extras, read_up_to
from builder.qbank.text import XML_FORMATS, MarkdownMissing, to_plain
from builder.questions.moodle import (
    SKIPPED,
    WARNING,
    Answer,
    Category,
    Medium,
    MoodleQuestion,
    Note,
    Where,
    decimal_text,
    ordering_grading,
    ordering_select,
    percent,
)
from builder.questions.moodle import number as decimal

EXTRAS = "coursepack:"
#: Where the document's root element starts (a DOCTYPE can only come before it).
FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
#: The qtypes read here (Moodle's names; ``matching`` is what its exporter writes for ``match``).
READ = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "match", "ordering")


def parser() -> etree.XMLParser:
    """lxml's parser for untrusted XML: no entities resolved, no DTD loaded, no network, no huge trees."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
    )


# ============================================================================ reading
def read(data: bytes, file: str, problems: Problems, most: int) -> List[Union[MoodleQuestion, Category]]:
    """The categories and questions of the Moodle XML *data*, in order, read up to one question past *most*."""
    doctype, root_at = data.find(b"<!DOCTYPE"), FIRST_ELEMENT.search(data)
    if 0 <= doctype < (root_at.start() if root_at else len(data)):
        _doctype(data, doctype, file, problems)
        return []
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or "")
        if "huge" in message.lower():
            message = "one text in it is longer than 10 MB, which no question bank needs"
        problems.add(
            file,
            f"this is not well-formed XML: {message}",
            line,
            col,
            hint="a Moodle XML bank is a <quiz> element holding <question> elements; check the file is complete",
        )
        return []
    if root.getroottree().docinfo.doctype:  # one the byte search could not see (another encoding)
        _doctype(data, 0, file, problems)
        return []
    if root.tag != "quiz":
        problems.add(
            file,
            f"the root element is <{root.tag}>; a Moodle XML question bank is a <quiz> element",
            root.sourceline,
            hint="export the questions from Moodle's question bank as 'Moodle XML format'",
        )
        return []
    return read_up_to(
        (_Question(element, file, problems).read() for element in root if element.tag == "question"), most
    )


def _doctype(data: bytes, at: int, file: str, problems: Problems) -> None:
    problems.add(
        file,
        "the file has a DOCTYPE, which a Moodle XML question bank never needs",
        data[:at].count(b"\n") + 1,
        hint="remove the <!DOCTYPE …> declaration (coursepack never loads DTDs or expands their entities)",
    )


class _Question:
    def __init__(self, element, file: str, problems: Problems):
        self.el = element
        self.file = file
        self.problems = problems
        self.where = Where(file, element.sourceline)
        self.notes: List[Note] = []
        self.media: List[Medium] = []
        self.failed = False

    def error(self, element, message: str, hint: str = "") -> None:
        self.problems.add(self.file, message, element.sourceline, hint=hint or None)
        self.failed = True

    # ------------------------------------------------------------------ values
    def text(self, element, path: str = "text", default: str = "") -> str:
        """The text of ``<path>`` inside *element* (Moodle's getpath of a text), trimmed."""
        found = element.find(path) if element is not None else None
        if found is None:
            return default
        if len(found):
            self.error(
                found, f"<{found.tag}> holds elements", hint="write HTML in a text escaped, or in <![CDATA[ … ]]>"
            )
            return default
        return (found.text or "").strip()

    def number(self, value: Optional[str], where, default: Optional[float]) -> Optional[float]:
        """*value* (an element's text or an attribute) as a finite number; *default* when there is none."""
        if value is None or not value.strip():
            return default
        number = decimal(value)
        if number is None:
            self.error(where, f"'{value.strip()}' is not a number", hint="write a number such as 1 or 0.5")
            return default
        return float(number)

    def child_number(self, element, path: str, default: Optional[float]) -> Optional[float]:
        return self.number(self.text(element, path, None), element.find(path), default)

    def flag(self, path: str, default: str) -> bool:
        """Moodle's trans_single: 'false', '0' or nothing is false, anything else true."""
        value = self.text(self.el, path, default)
        return not (value == "false" or not value or value == "0")

    def files(self, element) -> Dict[str, bytes]:
        out = {}
        for f in element.findall("file") if element is not None else ():
            path = (f.get("path") or "/").strip()
            try:
                data = base64.b64decode("".join((f.text or "").split()), validate=True)
            except (binascii.Error, ValueError):
                self.error(f, f"the file '{f.get('name')}' is not valid base64", hint="export the question again")
                continue
            out[(path if path.endswith("/") else path + "/") + (f.get("name") or "").strip()] = data
        return out

    def formatted(self, element, default: str) -> str:
        """The plain text of a formatted text element (``<questiontext format="html">`` …)."""
        if element is None:
            return ""
        fmt = self.format_of(element, default)
        try:
            text, notes, media = to_plain(self.text(element), fmt, self.files(element))
        except MarkdownMissing:
            self.error(
                element,
                "this text is in Markdown, and reading Markdown needs the markdown package",
                hint="install it (pip install 'coursepack[markdown]')",
            )
            return ""
        self.notes.extend(notes)
        self.media.extend(media)
        return text

    def format_of(self, element, default: str) -> str:
        value = element.get("format") if element is not None else None
        return XML_FORMATS.get(value.strip(), "html") if value else default

    def extras(self) -> Optional[Dict[str, Any]]:
        for node in self.el:
            if node.tag is etree.Comment and (node.text or "").strip().startswith(EXTRAS):
                found = read_extras(
                    (node.text or "").strip()[len(EXTRAS) :], Where(self.file, node.sourceline), self.problems
                )
                if found is None:
                    self.failed = True
                return found
        return None

    # ------------------------------------------------------------------ the question
    def read(self) -> Union[MoodleQuestion, Category, None]:
        qtype = (self.el.get("type") or "").strip()
        extras = self.extras()
        if qtype == "category":
            path = self.text(self.el, "category/text", None)
            if path is None:
                self.error(self.el, "a category without <category><text>", hint="give the category's path")
            return None if self.failed else Category(path or "", self.where, extras)
        if not qtype:
            self.error(self.el, "a <question> without a type", hint='give it one, e.g. <question type="multichoice">')
            return None
        name = self.text(self.el, "name/text", None)
        if name is None:
            self.error(self.el, "a question without <name><text>", hint="give every question a name")
            return None
        if qtype not in READ and qtype not in SKIPPED:
            return MoodleQuestion(qtype, " ".join(name.split()), "", self.where)
        question_text = self.el.find("questiontext")
        fmt = self.format_of(question_text, "html")
        text = self.formatted(question_text, "html")
        fields = {} if qtype in SKIPPED else getattr(self, qtype if qtype != "matching" else "match")(fmt)
        general = self.formatted(self.el.find("generalfeedback"), fmt)
        mark = self.child_number(self.el, "defaultgrade", 1.0)
        penalty = self.child_number(self.el, "penalty", None)
        if self.failed or fields is None:
            return None
        if extras and "range" in extras and fields.get("answers"):
            fields["answers"] = _with_range(fields["answers"], extras.pop("range"), self.notes)
        return MoodleQuestion(
            "match" if qtype == "matching" else qtype,
            " ".join(name.split()),
            text,
            self.where,
            generalfeedback=general,
            defaultmark=mark,
            penalty=penalty,
            idnumber=self.text(self.el, "idnumber"),
            hints=len(self.el.findall("hint")),
            extras=extras,
            notes=tuple(dict.fromkeys(self.notes)),
            media=tuple(self.media),
            **fields,
        )

    def answers(self, fmt: str, with_format: bool) -> List[Answer]:
        out = []
        for a in self.el.findall("answer"):
            fraction = self.number(a.get("fraction"), a, 0.0)
            text = self.formatted(a, fmt) if with_format else self.text(a)
            feedback = self.formatted(a.find("feedback"), fmt)
            out.append(Answer(text, (fraction or 0.0) / 100, feedback))
        return out

    def combined(self, fmt: str) -> Tuple[str, str, str]:
        names = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
        return tuple(self.formatted(self.el.find(name), fmt) for name in names)

    def multichoice(self, fmt):
        return {
            "answers": tuple(self.answers(fmt, with_format=True)),
            "single": self.flag("single", "true"),
            "shuffle": self.flag("shuffleanswers", "false"),
            "combined": self.combined(fmt),
        }

    def truefalse(self, fmt):
        correct, feedback = None, {}
        for n, a in enumerate(self.el.findall("answer")):
            value = self.text(a)
            if value not in ("true", "false"):
                self.notes.append(
                    Note(WARNING, "an old-style true/false answer: read as true first, then false, as Moodle does")
                )
                value = "true" if n == 0 else "false"
            full = self.number(a.get("fraction"), a, 0.0) == 100
            correct = full if value == "true" else not full
            feedback[value] = self.formatted(a.find("feedback"), fmt)
        if correct is None:
            self.error(self.el, "a true/false question without answers", hint="give the answers 'true' and 'false'")
            return None
        return {
            "correct": correct,
            "feedbacktrue": feedback.get("true", ""),
            "feedbackfalse": feedback.get("false", ""),
        }

    def shortanswer(self, fmt):
        usecase = self.child_number(self.el, "usecase", 0.0)
        return {"answers": tuple(self.answers(fmt, with_format=False)), "usecase": bool(usecase)}

    def numerical(self, fmt):
        answers = []
        for a in self.el.findall("answer"):
            fraction = (self.number(a.get("fraction"), a, 0.0) or 0.0) / 100
            fraction = self.child_number(a, "fraction", fraction)  # a <fraction> inside: Moodle still reads it
            value = self.text(a) or "*"
            tolerance = self.text(a, "tolerance", "0") or "0"
            if value != "*" and decimal(value) is None or decimal(tolerance) is None:
                bad = tolerance if decimal(tolerance) is None else value
                self.error(
                    a, f"'{bad}' is not a number", hint="write the answer and its tolerance as numbers (* for any)"
                )
                continue
            value = value if value == "*" else decimal_text(decimal(value))
            answers.append(
                Answer(
                    value,
                    fraction or 0.0,
                    self.formatted(a.find("feedback"), fmt),
                    decimal_text(abs(decimal(tolerance))),
                )
            )
        units = tuple(self.text(u, "unit_name") for u in self.el.findall("units/unit"))
        return {"answers": tuple(answers), "units": tuple(u for u in units if u)}

    def match(self, fmt):
        pairs = []
        for sub in self.el.findall("subquestion"):
            item = self.formatted(sub, self.format_of(sub, fmt))
            pairs.append((item, self.text(sub, "answer/text")))
        return {
            "subquestions": tuple(pairs),
            "shuffle": self.flag("shuffleanswers", "1"),
            "combined": self.combined(fmt),
        }

    def ordering(self, fmt):
        select = self.text(self.el, "selecttype", None)
        count = self.text(self.el, "selectcount" if select is not None else "studentsee", "6")
        select = select if select is not None else self.text(self.el, "logical", "RANDOM")
        answers = self.answers(fmt, with_format=True)
        try:
            shown = int(count)
        except ValueError:
            shown = 2
        return {
            "answers": tuple(a._replace(fraction=1.0) for a in answers),
            "grading": ordering_grading(self.text(self.el, "gradingtype", "RELATIVE")),
            "select": ordering_select(select),
            "selectcount": max(2, shown),
            "combined": self.combined(fmt),
        }


def _with_range(answers: Tuple[Answer, ...], span, notes: List[Note]) -> Tuple[Answer, ...]:
    """The first answer as the range a ``coursepack:`` comment gives, when the range is that answer's."""
    first = answers[0]
    try:
        low, high = (decimal(str(v)) for v in span)
        fits = low is not None and high is not None and decimal_text((low + high) / 2) == first.text
        fits = fits and decimal_text(high - (low + high) / 2) == first.tolerance
    except (TypeError, ValueError):
        fits = False
    if not fits:
        notes.append(Note(WARNING, "the range in the coursepack: comment does not match the answer: it is ignored"))
        return answers
    return (first._replace(span=(decimal_text(low), decimal_text(high))),) + answers[1:]


# ============================================================================ writing
def write(items: Sequence[Union[MoodleQuestion, Category]], header: str) -> bytes:
    """Moodle XML for *items* (categories and questions), every text in Moodle's plain-text format."""
    root = etree.Element("quiz")
    root.append(etree.Comment(f" {header} "))
    for item in items:
        root.append(_category(item) if isinstance(item, Category) else _question(item))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, tag: str, text: Optional[str] = None, **attrs):
    element = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        element.text = text
    return element


def _texted(parent, tag: str, text: str, **attrs):
    element = _sub(parent, tag, **attrs)
    _sub(element, "text", text)
    return element


def _extras(element, extras: Optional[Dict[str, Any]]) -> None:
    if extras:
        body = json.dumps(extras, sort_keys=True).replace("--", "-\\u002d")  # '--' may not appear in a comment
        element.append(etree.Comment(f" {EXTRAS} {body} "))


def _category(item: Category):
    element = etree.Element("question", type="category")
    _extras(element, item.extras)
    _texted(element, "category", item.path)
    _texted(element, "info", "", format="moodle_auto_format")
    return element


PLAIN = {"format": "plain_text"}


def _question(q: MoodleQuestion):
    element = etree.Element("question", type="matching" if q.qtype == "match" else q.qtype)
    extras = dict(q.extras or {})
    if q.qtype == "numerical" and q.answers and q.answers[0].span:
        extras["range"] = [q.answers[0].span[0], q.answers[0].span[1]]
    _extras(element, extras)
    _texted(element, "name", q.name)
    _texted(element, "questiontext", q.text, **PLAIN)
    _texted(element, "generalfeedback", q.generalfeedback, **PLAIN)
    _sub(element, "defaultgrade", _number(q.defaultmark))
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", q.idnumber)
    getattr(_Parts, q.qtype)(element, q)
    return element


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _answer(parent, text: str, fraction: float, feedback: str = "", tolerance: Optional[str] = None):
    answer = _sub(parent, "answer", fraction=percent(fraction), **PLAIN)
    _sub(answer, "text", text)
    if tolerance is not None:
        _sub(answer, "tolerance", tolerance)
    _texted(answer, "feedback", feedback, **PLAIN)


class _Parts:
    """The type's own elements, as Moodle's exporter writes them."""

    @staticmethod
    def multichoice(element, q):
        _sub(element, "single", "true" if q.single else "false")
        _sub(element, "shuffleanswers", "true" if q.shuffle else "false")
        _sub(element, "answernumbering", "abc")
        for a in q.answers:
            _answer(element, a.text, a.fraction, a.feedback)

    @staticmethod
    def truefalse(element, q):
        for value in (True, False):
            _answer(element, "true" if value else "false", 1.0 if q.correct == value else 0.0)

    @staticmethod
    def shortanswer(element, q):
        _sub(element, "usecase", "1" if q.usecase else "0")
        for a in q.answers:
            _answer(element, a.text, a.fraction, a.feedback)

    @staticmethod
    def numerical(element, q):
        for a in q.answers:
            _answer(element, a.text, a.fraction, a.feedback, tolerance=a.tolerance)
        _sub(element, "unitgradingtype", "0")
        _sub(element, "unitpenalty", "0.1000000")
        _sub(element, "showunits", "3")
        _sub(element, "unitsleft", "0")

    @staticmethod
    def match(element, q):
        _sub(element, "shuffleanswers", "true" if q.shuffle is not False else "false")
        for item, target in q.subquestions:
            sub = _texted(element, "subquestion", item, **PLAIN)
            _texted(sub, "answer", target)

    @staticmethod
    def ordering(element, q):
        for tag, value in (
            ("layouttype", "VERTICAL"),
            ("selecttype", q.select),
            ("selectcount", str(q.selectcount)),
            ("gradingtype", q.grading),
            ("showgrading", "SHOW"),
            ("numberingstyle", "none"),
        ):
            _sub(element, tag, value)
        for n, a in enumerate(q.answers, start=1):
            _sub(_sub(element, "answer", fraction=f"{n}.0000000", **PLAIN), "text", a.text)
