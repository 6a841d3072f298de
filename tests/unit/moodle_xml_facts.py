"""What Moodle's XML importer reads and what its question types accept, written as a check (test code).

Facts from Moodle's question/format/xml/format.php (the paths ``getpath`` reads, ``trans_format``,
``trans_single``) and from the question types' ``save_question_options``, which refuse a question
Moodle would not keep: a single-answer multiple choice needs an answer at 100 % (errfractionsnomax),
a multiple-answer one needs its positive fractions to add up to 100 % (errfractionsaddwrong, after
rounding the total to two decimals of a fraction), a short answer needs an answer at 100 %, a
numerical answer is a number or ``*``, a matching question needs two items with text, each with an
answer, an ordering question two items. Each finding is one line naming the question.
"""

from __future__ import annotations

import re

from lxml import etree

FORMATS = {"moodle_auto_format", "html", "plain_text", "wiki_like", "markdown"}  # trans_format; others become html
TYPES = {"category", "multichoice", "truefalse", "shortanswer", "numerical", "matching", "match", "ordering", "essay",
         "description", "cloze", "multianswer", "calculated", "calculatedsimple", "calculatedmulti"}  # fmt: skip
NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")  # PHP is_numeric (decimal)
ORDERING = {
    "layouttype": {"HORIZONTAL", "HORI", "H", "1", "VERTICAL", "VERT", "V", "0"},
    "selecttype": {"ALL", "EXACT", "RANDOM", "REL", "CONTIGUOUS", "CONTIG"},
    "gradingtype": {"ALL_OR_NOTHING", "ABSOLUTE_POSITION", "ABSOLUTE", "ABS", "RELATIVE_NEXT_EXCLUDE_LAST",
                    "RELATIVE_NEXT_INCLUDE_LAST", "RELATIVE_ONE_PREVIOUS_AND_NEXT", "RELATIVE_ALL_PREVIOUS_AND_NEXT",
                    "RELATIVE_TO_CORRECT", "RELATIVE", "REL", "LONGEST_ORDERED_SUBSET", "LONGEST_CONTIGUOUS_SUBSET"},
    "showgrading": {"SHOW", "TRUE", "YES", "1", "HIDE", "FALSE", "NO", "0"},
}  # fmt: skip


def check(data: bytes) -> list:
    """Every way *data* would not import into Moodle as written (empty: Moodle takes every question)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(data, parser)
    found = []
    if root.tag != "quiz":
        return [f"the root is <{root.tag}>, not <quiz>"]
    for q in root.findall("question"):  # Moodle reads $xml['quiz']['#']['question'] and nothing else
        found += [f"{q.get('type')} at line {q.sourceline}: {problem}" for problem in _question(q)]
    return found


def _text(element, path):
    """getpath(…, istext=true): the text of <path>, which must be a string (no child elements)."""
    node = element.find(path)
    if node is None:
        return None
    if len(node):
        raise ValueError(f"<{path}> holds elements, which Moodle reads as invalid XML")
    return (node.text or "").strip()


def _fraction(answer) -> float:
    value = answer.get("fraction", "0")
    if not NUMBER.fullmatch(value):
        raise ValueError(f"the fraction '{value}' is not a number")
    return float(value) / 100


def _question(q) -> list:
    qtype = q.get("type")
    if qtype not in TYPES:
        return [f"Moodle has no question type '{qtype}'"]
    try:
        if qtype == "category":
            return [] if _text(q, "category/text") else ["a category without <category><text>"]
        problems = []
        if not _text(q, "name/text"):
            problems.append("no <name><text> (xmlimportnoname)")
        if _text(q, "questiontext/text") is None:
            problems.append("no <questiontext><text>")
        for node in q.iter():
            if node.get("format") is not None and node.get("format") not in FORMATS:
                problems.append(f"<{node.tag}> has the unknown format '{node.get('format')}'")
        for tag, low, high in (("defaultgrade", 0, None), ("penalty", 0, 1)):
            value = _text(q, tag)
            if value is not None and not (
                NUMBER.fullmatch(value) and float(value) >= low and (high is None or float(value) <= high)
            ):
                problems.append(f"<{tag}> is '{value}'")
        return problems + TYPE_CHECKS.get(qtype, lambda q: [])(q)
    except ValueError as exc:
        return [str(exc)]


def _multichoice(q) -> list:
    answers = q.findall("answer")
    problems = [] if len(answers) >= 2 else ["fewer than 2 answers (notenoughanswers)"]
    if any(not _text(a, "text") for a in answers):
        problems.append("an empty answer")
    single = _text(q, "single")
    if single not in (None, "true", "false", "1", "0"):
        problems.append(f"<single> is '{single}'")
    fractions = [_fraction(a) for a in answers]
    if single in (None, "true", "1"):
        if not fractions or abs(max(fractions) - 1) > 1e-7:
            problems.append("no answer at 100% (errfractionsnomax)")
    elif round(sum(f for f in fractions if f > 0), 2) != 1:
        problems.append("the positive fractions do not add up to 100% (errfractionsaddwrong)")
    return problems


def _truefalse(q) -> list:
    answers = {_text(a, "text"): _fraction(a) for a in q.findall("answer")}
    if set(answers) != {"true", "false"}:
        return [f"the answers are {sorted(answers)}, not 'true' and 'false'"]
    return [] if sorted(answers.values()) == [0, 1] else ["not exactly one of true and false at 100%"]


def _shortanswer(q) -> list:
    problems = [] if _text(q, "usecase") in (None, "0", "1") else ["<usecase> is neither 0 nor 1"]
    answers = q.findall("answer")
    if not any(abs(_fraction(a) - 1) < 1e-7 for a in answers):
        problems.append("no answer at 100% (errfractionsnomax)")
    return problems + (["an empty answer"] if any(not _text(a, "text") for a in answers) else [])


def _numerical(q) -> list:
    problems = []
    for a in q.findall("answer"):
        value, tolerance = _text(a, "text"), _text(a, "tolerance") or "0"
        if value != "*" and not NUMBER.fullmatch(value or ""):
            problems.append(f"the answer '{value}' is not a number")
        if not NUMBER.fullmatch(tolerance):
            problems.append(f"the tolerance '{tolerance}' is not a number")
    if not any(abs(_fraction(a) - 1) < 1e-7 for a in q.findall("answer")):
        problems.append("no answer at 100% (errfractionsnomax)")
    return problems


def _matching(q) -> list:
    subs = q.findall("subquestion")
    items = [s for s in subs if _text(s, "text")]
    problems = [] if len(items) >= 2 else ["fewer than 2 items with text"]
    problems += [f"the item '{_text(s, 'text')}' has no answer" for s in items if not _text(s, "answer/text")]
    return problems


def _ordering(q) -> list:
    answers = [a for a in q.findall("answer") if _text(a, "text")]
    problems = [] if len(answers) >= 2 else ["fewer than 2 items"]
    for tag, allowed in ORDERING.items():
        value = _text(q, tag)
        if value is not None and value.upper() not in allowed:
            problems.append(f"<{tag}> is '{value}'")
    count = _text(q, "selectcount")
    if count is not None and not count.isdigit():
        problems.append(f"<selectcount> is '{count}'")
    return problems


TYPE_CHECKS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "match": _matching,
    "ordering": _ordering,
}
