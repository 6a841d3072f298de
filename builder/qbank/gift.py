"""GIFT, the plain-text format Moodle imports, read and written as Moodle's GIFT importer reads it.

Reading follows Moodle's importer (question/format/gift/format.php) as facts: questions are
separated by blank lines; every line is trimmed; lines starting with ``//`` are comments
(``// [id:…]`` gives the question's idnumber); ``\\:`` ``\\#`` ``\\=`` ``\\{`` ``\\}`` ``\\~`` ``\\n``
and ``\\\\`` are escapes; ``$CATEGORY:`` starts a category; ``::name::`` names the question; the
answer block is the text between the first ``{`` and the first ``}``, and a question whose text
goes on after it is a missing-word question (``_____`` marks the gap); ``####`` starts the general
feedback, ``#`` an answer's feedback, ``%50%`` a weight; ``[html]``/``[moodle]``/``[plain]``/
``[markdown]`` before a text give its format. The type follows from the answer block as Moodle
decides it: ``>`` ordering, nothing essay, ``#`` numerical, ``~`` multiple choice, ``=`` with
``->`` matching, ``T``/``TRUE``/``F``/``FALSE`` true/false, anything else short answer.

Where Moodle says nothing and goes on (a lower-case ``{true}`` read as a short answer, a second
answer block left in the text), a warning says what Moodle makes of it. Positions are kept, so
every problem names its line and column.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from builder.problems import Problems
from builder.qbank.text import LOOKS_LIKE_HTML, MarkdownMissing, to_plain
from builder.questions.moodle import (
    WARNING,
    Answer,
    Category,
    MoodleQuestion,
    Note,
    Where,
    decimal_text,
    number,
    ordering_grading,
    ordering_select,
    percent,
)

ESCAPABLE = "\\:#={}~n"
MASK = "\0"  #: stands for an escaped character in the text searched for GIFT's marks
FORMATS = ("moodle", "html", "plain", "markdown")
#: Moodle's answer weight (giftanswerweightregex), at the start of an answer.
WEIGHT = re.compile(r"%(-*)([0-9]{1,2})\.?([0-9]*)%")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
#: The ordering question type's GIFT answer block (qtype_ordering::import_from_gift), tokens in upper case.
ORDERING = re.compile(
    r"\s*>\s*(\d+)\s*(ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)?\s*(HORIZONTAL|HORI|H|1|VERTICAL|VERT|V|0)?\s*"
    r"(ALL_OR_NOTHING|ABSOLUTE_POSITION|ABSOLUTE|ABS|RELATIVE_NEXT_EXCLUDE_LAST|RELATIVE_NEXT_INCLUDE_LAST|"
    r"RELATIVE_ONE_PREVIOUS_AND_NEXT|RELATIVE_ALL_PREVIOUS_AND_NEXT|RELATIVE_TO_CORRECT|RELATIVE|REL|"
    r"LONGEST_ORDERED_SUBSET|LONGEST_CONTIGUOUS_SUBSET)?\s*(SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?\s*"
    r"(none|123|abc|ABCD|iii|IIII)?\s*(.*?)\s*\Z",
    re.S,
)
IDNUMBER = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
EXTRAS = "coursepack:"
#: What Moodle's model holds and GIFT cannot say, carried in the coursepack: comment (besides the weight):
#: (comment key, MoodleQuestion field, the qtypes it belongs to).
GIFT_EXTRAS = (("shuffle", "shuffle", ("multichoice",)), ("case_sensitive", "usecase", ("shortanswer",)))
BLANK = "_____"  #: what Moodle puts where a missing word's answer block was
Item = Union[MoodleQuestion, Category]  #: what a bank reader reads


# ============================================================================ reading
def read(text: str, file: str, problems: Problems, most: int) -> List[Union[MoodleQuestion, Category]]:
    """The categories and questions of GIFT *text*, in order, read up to one question past *most*."""
    return read_up_to((_Question(block, file, problems).read() for block in _blocks(text)), most)


def read_up_to(items: Iterable[Optional[Item]], most: int) -> List[Item]:
    """The categories and questions of *items* (None: one refused and reported), up to one question past
    *most*: the caller reports the limit, and reading stops there (*items* is lazy)."""
    out: List[Item] = []
    questions = 0
    for item in items:
        if item is None:
            continue
        out.append(item)
        questions += not isinstance(item, Category)
        if questions > most:
            break
    return out


class _Block:
    """Lines between blank lines: the trimmed content lines with their positions, and the comments."""

    def __init__(self):
        self.lines: List[Tuple[int, int, str]] = []  # (line number, indent, trimmed text)
        self.comments: List[Tuple[int, int, str]] = []


def _blocks(text: str) -> List[_Block]:
    blocks: List[_Block] = []
    block = _Block()
    for lineno, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if block.lines or block.comments:
                blocks.append(block)
                block = _Block()
            continue
        indent = len(line) - len(line.lstrip())
        (block.comments if stripped.startswith("//") else block.lines).append((lineno, indent, stripped))
    if block.lines or block.comments:
        blocks.append(block)
    return [b for b in blocks if b.lines]


def masked(raw: str) -> str:
    """*raw* with each escape replaced by two MASK characters (same length, so positions hold)."""
    out = []
    i, n = 0, len(raw)
    while i < n:
        if raw[i] == "\\" and i + 1 < n and raw[i + 1] in ESCAPABLE:
            out.append(MASK * 2)
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def unescape(raw: str) -> str:
    out = []
    i, n = 0, len(raw)
    while i < n:
        if raw[i] == "\\" and i + 1 < n and raw[i + 1] in ESCAPABLE:
            out.append("\n" if raw[i + 1] == "n" else raw[i + 1])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


class _Question:
    """One block read as Moodle's readquestion reads it."""

    def __init__(self, block: _Block, file: str, problems: Problems):
        self.block = block
        self.file = file
        self.problems = problems
        self.raw = "\n".join(text for _, _, text in block.lines)
        self.mask = masked(self.raw)
        self.starts = []
        at = 0
        for _, _, text in block.lines:
            self.starts.append(at)
            at += len(text) + 1
        self.notes: List[Note] = []
        self.failed = False
        self.text_at = 0  #: where the question text starts
        self.extras_at = Where(file)  #: where the coursepack: comment is

    # ------------------------------------------------------------------ positions and problems
    def where(self, offset: int = 0) -> Where:
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        lineno, indent, _ = self.block.lines[i]
        return Where(self.file, lineno, offset - self.starts[i] + indent + 1)

    def error(self, offset: int, message: str, hint: str = "") -> None:
        at = self.where(offset)
        self.problems.add(self.file, message, at.line, at.col, hint=hint or None)
        self.failed = True

    def warn(self, offset: int, message: str, hint: str = "") -> None:
        self.notes.append(Note(WARNING, message, self.where(offset), hint or None))

    # ------------------------------------------------------------------ the question
    def read(self) -> Union[MoodleQuestion, Category, None]:
        idnumber, extras = self.comments()
        raw, mask = self.raw, self.mask
        if mask.startswith("$CATEGORY:"):
            return None if self.failed else Category(unescape(raw[10:]).strip(), self.where(0), extras)
        pos, name = 0, ""
        if mask.startswith("::"):
            end = mask.find("::", 2)
            if end < 0:
                self.warn(0, "the name has no closing '::', so Moodle reads it as part of the question text")
                pos = 2
            else:
                name = " ".join(unescape(raw[2:end]).split())
                pos = end + 2
        while pos < len(mask) and mask[pos].isspace():
            pos += 1
        self.text_at = pos
        start, finish = mask.find("{", pos), mask.find("}", pos)
        if start < 0 and finish < 0:
            return self.question("description", name, idnumber, extras, raw[pos:], "", pos, None)
        if finish < 0:
            self.error(start, "a '{' without the '}' that closes the answers", hint="write '\\{' for a brace in text")
            return None
        if start < 0 or finish < start:
            self.error(finish, "a '}' without the '{' that opens the answers", hint="write '\\}' for a brace in text")
            return None
        if mask.find("{", finish) >= 0:
            self.warn(
                mask.find("{", finish),
                "a second answer block: Moodle reads only the first and keeps this one as text",
                hint="a GIFT question has one answer block; write '\\{' and '\\}' for braces in text",
            )
        ends = mask.rstrip().endswith("}") and mask.rstrip().rfind("}") == finish
        text = raw[pos:start] + ("" if ends else BLANK) + raw[finish + 1 :]
        answers_at = start + 1
        answers, answers_mask = raw[answers_at:finish], mask[answers_at:finish]
        general = ""
        split = answers_mask.rfind("####")
        if split >= 0:
            general = answers[split + 4 :]
            answers, answers_mask = answers[:split], answers_mask[:split]
        return self.question(
            self.kind(answers_mask, answers_at),
            name,
            idnumber,
            extras,
            text,
            general,
            answers_at,
            (answers, answers_mask),
        )

    def comments(self) -> Tuple[str, Optional[Dict[str, Any]]]:
        """The idnumber (``// [id:…]``) and the ``// coursepack: {…}`` settings of the block."""
        idnumber, extras = "", None
        for lineno, indent, text in self.block.comments:
            body = text[2:].strip()
            if not idnumber:
                found = IDNUMBER.search(body)
                if found:
                    idnumber = found.group(1).replace("\\]", "]").strip()
            if body.startswith(EXTRAS):
                self.extras_at = Where(self.file, lineno, indent + 1)
                extras = read_extras(body[len(EXTRAS) :], Where(self.file, lineno, indent + 1), self.problems)
                if extras is None:
                    self.failed = True
        return idnumber, extras

    def kind(self, mask: str, at: int) -> str:
        """Moodle's qtype for this answer block, with a warning for a true/false answer in lower case."""
        qtype = answer_kind(mask)
        check = _true_false_check(mask)
        if qtype == "shortanswer" and check.upper() in TRUE_FALSE:
            self.warn(
                at + mask.find(check),
                f"'{{{check}}}' is a short-answer question with the answer '{check}' in Moodle",
                hint="a true/false question is written {T}, {TRUE}, {F} or {FALSE}, in capitals",
            )
        return qtype

    def question(self, qtype, name, idnumber, extras, text, general, at, answers) -> Optional[MoodleQuestion]:
        fmt, body = text_format(text.strip(), "moodle")
        plain_text = self.plain(body, fmt, self.text_at)
        gfmt, gbody = text_format(general.strip(), fmt)
        feedback = self.plain(gbody, gfmt, at)
        fields: Optional[Dict[str, Any]] = {}
        if qtype not in ("description", "essay"):
            fields = getattr(self, qtype)(answers[0], answers[1], at, fmt)
        extras = dict(extras or {})
        mark = extras.pop("weight", 1.0)
        if isinstance(mark, bool) or not isinstance(mark, (int, float)):
            where = self.extras_at
            self.problems.add(self.file, f"the weight {json.dumps(mark)} is not a number", where.line, where.col)
            self.failed = True
        if self.failed or fields is None:
            return None
        for key, field, qtypes in GIFT_EXTRAS:
            if key in extras and qtype in qtypes:
                fields[field] = extras.pop(key) is True
        return MoodleQuestion(
            qtype,
            name,
            plain_text,
            self.where(0),
            generalfeedback=feedback,
            defaultmark=float(mark),
            penalty=1.0 if qtype == "truefalse" else None,
            idnumber=idnumber,
            extras=extras or None,
            notes=tuple(dict.fromkeys(self.notes)),
            **fields,
        )

    def plain(self, raw: str, fmt: str, at: int) -> str:
        try:
            text, notes, _ = to_plain(unescape(raw), fmt)  # GIFT embeds no files: an image is only named
        except MarkdownMissing:
            if not self.failed:  # once per question: its answers and feedback follow the text's format
                self.error(
                    at,
                    "this text is in Markdown ([markdown]), and reading Markdown needs the markdown package",
                    hint="install it (pip install 'coursepack[markdown]'), or write the text as [plain] or [html]",
                )
            return raw
        self.notes.extend(notes)
        return text

    # ------------------------------------------------------------------ answer blocks, by type
    def pieces(self, raw: str, mask: str, at: int, marks: str, keep: str = "") -> List[Tuple[str, str, int]]:
        """The answers of a block split at *marks* (those in *keep* start the next answer), trimmed, with offsets."""
        cuts = [i for i, c in enumerate(mask) if c in marks]
        bounds = [0] + cuts
        out = []
        for n, begin in enumerate(bounds):
            end = cuts[n] if n < len(cuts) else len(mask)
            if n > 0 and mask[begin] not in keep:
                begin += 1
            piece = mask[begin:end]
            lead = len(piece) - len(piece.lstrip())
            out.append((raw[begin + lead : end].strip(), piece.strip(), at + begin + lead))
        if out and not out[0][1]:
            out.pop(0)
        return out

    def weight(self, raw: str, mask: str, offset: int, default: float) -> Tuple[float, str, str]:
        """The answer's weight (Moodle's %…%), and the answer without it."""
        found = WEIGHT.match(mask)
        if not found:
            return default, raw, mask
        minus = found.group(1)
        if len(minus) > 1:
            self.error(offset, f"'{mask[: found.end()]}' is not a weight", hint="write a weight as %50% or %-50%")
        value = float(mask[1 : found.end() - 1].lstrip("-")) / 100
        return (-value if minus else value), raw[found.end() :], mask[found.end() :]

    def answer_and_feedback(self, raw: str, mask: str, offset: int, fmt: str) -> Tuple[str, str]:
        cut = mask.find("#")
        text, feedback = (raw, "") if cut < 0 else (raw[:cut], raw[cut + 1 :])
        afmt, abody = text_format(text.strip(), fmt)
        ffmt, fbody = text_format(feedback.strip(), fmt)
        return self.plain(abody, afmt, offset), self.plain(fbody, ffmt, offset)

    def multichoice(self, raw, mask, at, fmt):
        parts = self.pieces(raw, mask, at, "~=", keep="=")
        if len(parts) < 2:
            self.error(
                at,
                "a multiple-choice question needs at least 2 answers",
                hint="write each answer after '=' (right) or '~'",
            )
            return None
        answers = []
        for praw, pmask, offset in parts:
            if pmask.startswith("="):
                weight, praw, pmask = 1.0, praw[1:], pmask[1:]
            else:
                weight, praw, pmask = self.weight(praw, pmask, offset, 0.0)
            text, feedback = self.answer_and_feedback(praw, pmask, offset, fmt)
            if not text:
                self.error(offset, "an empty answer", hint="write the answer's text, or remove the '~' or '='")
            answers.append(Answer(text, weight, feedback))
        return {"answers": tuple(answers), "single": "=" in mask}

    def match(self, raw, mask, at, fmt):
        parts = self.pieces(raw, mask, at, "=")
        if len(parts) < 2:
            self.error(at, "a matching question needs at least 2 pairs", hint="write each pair as '=item -> match'")
            return None
        pairs = []
        for praw, pmask, offset in parts:
            arrow = pmask.find("->")
            if arrow < 0:
                self.error(offset, "a matching pair without '->'", hint="write each pair as '=item -> match'")
                continue
            sfmt, sbody = text_format(praw[:arrow].strip(), fmt)
            pairs.append((self.plain(sbody, sfmt, offset), self.plain(praw[arrow + 2 :], "plain", offset)))
        return {"subquestions": tuple(pairs)}

    def truefalse(self, raw, mask, at, fmt):
        cuts = [i for i, c in enumerate(mask) if c == "#"][:2]
        bounds = [0] + [c + 1 for c in cuts] + [len(raw) + 1]
        bits = [raw[bounds[i] : bounds[i + 1] - 1] for i in range(len(bounds) - 1)]
        answer = bits[0].strip()
        feedback = []
        for bit in bits[1:]:
            bfmt, body = text_format(bit.strip(), fmt)
            feedback.append(self.plain(body, bfmt, at))
        feedback += ["", ""]
        right, wrong = feedback[1], feedback[0]  # '{T#feedback for a wrong answer#feedback for a right one}'
        correct = TRUE_FALSE[answer]
        return {
            "correct": correct,
            "feedbacktrue": right if correct else wrong,
            "feedbackfalse": wrong if correct else right,
        }

    def shortanswer(self, raw, mask, at, fmt):
        parts = self.pieces(raw, mask, at, "=")
        if not parts:
            self.error(at, "a short-answer question needs an answer", hint="write each accepted answer after '='")
            return None
        answers = []
        for praw, pmask, offset in parts:
            weight, praw, pmask = self.weight(praw, pmask, offset, 1.0)
            text, feedback = self.answer_and_feedback(praw, pmask, offset, fmt)
            if not text:
                self.error(offset, "an empty answer", hint="write the answer's text, or remove the '='")
            answers.append(Answer(text, weight, feedback))
        return {"answers": tuple(answers)}

    def numerical(self, raw, mask, at, fmt):
        lead = len(mask) - len(mask.lstrip())
        raw, mask, at = raw[lead + 1 :], mask[lead + 1 :], at + lead + 1
        other = mask.find("~")
        wrong = None
        if other >= 0:
            _, wrong_feedback = self.answer_and_feedback(raw[other + 1 :], mask[other + 1 :], at + other, fmt)
            wrong = Answer("*", 0.0, wrong_feedback)
            raw, mask = raw[:other], mask[:other]
        parts = self.pieces(raw, mask, at, "=")
        if not parts:
            self.error(at, "a numerical question needs an answer after '#'", hint="write it as {#3.14} or {#3.14:0.01}")
            return None
        answers = []
        for praw, pmask, offset in parts:
            weight, praw, pmask = self.weight(praw, pmask, offset, 1.0)
            cut = pmask.find("#")
            value, feedback = (praw, "") if cut < 0 else (praw[:cut], praw[cut + 1 :])
            ffmt, fbody = text_format(feedback.strip(), fmt)
            answer = self.number_answer(unescape(value).strip(), offset)
            if answer is not None:
                answers.append(answer._replace(fraction=weight, feedback=self.plain(fbody, ffmt, offset)))
        if wrong is not None:
            answers.append(wrong)
        return {"answers": tuple(answers)}

    def number_answer(self, value: str, offset: int) -> Optional[Answer]:
        """``3.14``, ``3.14:0.01`` or ``1..5`` as Moodle's answer and tolerance."""
        if value == "*":
            return Answer("*")
        span = value.find("..")
        if span > 0:
            low, high = number(value[:span]), number(value[span + 2 :])
            if low is None or high is None or low > high:
                self.error(offset, f"'{value}' is not a range", hint="write a range as {#1..5}, the lowest first")
                return None
            middle = (low + high) / 2
            return Answer(
                decimal_text(middle),
                tolerance=decimal_text(high - middle),
                span=(decimal_text(low), decimal_text(high)),
            )
        cut = value.find(":")
        answer, tolerance = (value, "0") if cut <= 0 else (value[:cut], value[cut + 1 :])
        a, t = number(answer), number(tolerance)
        if a is None or t is None:
            self.error(offset, f"'{value}' is not a number", hint="write it as {#3.14}, {#3.14:0.01} or {#1..5}")
            return None
        return Answer(decimal_text(a), tolerance=decimal_text(abs(t)))

    def ordering(self, raw, mask, at, fmt):
        found = ORDERING.match(mask)
        count, select, grading = found.group(1), found.group(2) or "", found.group(4) or ""
        start = found.start(7)
        items = []
        for line in raw[start : found.end(7)].split("\n"):
            line = line.strip()
            if line:
                items.append(self.plain(line, "moodle", at + start))
        n = int(count)
        return {
            "answers": tuple(Answer(item, 1.0) for item in items),
            "grading": ordering_grading(grading),
            "select": ordering_select(select),
            "selectcount": n if 2 <= n <= len(items) else min(6, len(items)),
        }


def answer_kind(mask: str) -> str:
    """Moodle's qtype for an answer block (its text with escapes masked), decided as Moodle's GIFT importer does."""
    body = mask.strip()
    if ORDERING.match(mask):
        return "ordering"
    if not body:
        return "essay"
    if body[0] == "#":
        return "numerical"
    if "~" in body:
        return "multichoice"
    if "=" in body and "->" in body:
        return "match"
    return "truefalse" if _true_false_check(mask) in TRUE_FALSE else "shortanswer"


def _true_false_check(mask: str) -> str:
    body = mask.strip()
    return body[: body.index("#")].strip() if body.find("#") > 0 else body


def text_format(raw: str, default: str) -> Tuple[str, str]:
    """The ``[format]`` a text starts with (or *default*) and the text without it, as Moodle reads it."""
    if raw.startswith("["):
        end = raw.find("]")
        if end > 0 and raw[1:end] in FORMATS:
            return raw[1:end], raw[end + 1 :]
    return default, raw


def read_extras(text: str, where: Where, problems: Problems) -> Optional[Dict[str, Any]]:
    """The ``coursepack: {…}`` settings of a question or category (a JSON object), or None after a problem."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        problems.add(
            where.file,
            f"the coursepack: comment is not valid JSON ({exc.args[0].split(':')[0]})",
            where.line,
            where.col,
            hint='write it as coursepack: {"weight": 2}, or remove the comment',
        )
        return None
    if not isinstance(value, dict):
        problems.add(
            where.file,
            "the coursepack: comment must hold a JSON object",
            where.line,
            where.col,
            hint='write it as coursepack: {"weight": 2}',
        )
        return None
    return value


# ============================================================================ writing
def write(items: Sequence[Union[MoodleQuestion, Category]], header: str) -> str:
    """GIFT text for *items* (categories and questions), blocks separated by blank lines."""
    blocks = ["\n".join("// " + line for line in header.splitlines())]
    for item in items:
        blocks.append(_category(item) if isinstance(item, Category) else _question(item))
    return "\n\n".join(blocks) + "\n"


def escape(text: str) -> str:
    out = text.replace("\\", "\\\\").replace("\r", "")
    for c in ":#={}~":
        out = out.replace(c, "\\" + c)
    return out.replace("\n", "\\n")


def _extras_line(extras: Optional[Dict[str, Any]]) -> List[str]:
    return [f"// {EXTRAS} " + json.dumps(extras, ensure_ascii=False, sort_keys=True)] if extras else []


def _category(item: Category) -> str:
    return "\n".join(_extras_line(item.extras) + [f"$CATEGORY: {item.path}"])


def _question(q: MoodleQuestion) -> str:
    """One question as Moodle's GIFT exporter writes it, with what GIFT cannot say in the comment."""
    extras = dict(q.extras or {})
    if q.defaultmark != 1:
        extras["weight"] = int(q.defaultmark) if float(q.defaultmark).is_integer() else q.defaultmark
    for key, field, qtypes in GIFT_EXTRAS:
        if q.qtype in qtypes and getattr(q, field):
            extras[key] = True
    texts = [q.text, q.generalfeedback] + [t for a in q.answers for t in (a.text, a.feedback)]
    texts += [t for pair in q.subquestions for t in pair]
    fmt = "[plain]" if any(LOOKS_LIKE_HTML.search(t) for t in texts) else ""
    lines = [f"// [id:{q.idnumber}]"] if q.idnumber else []
    lines += _extras_line(extras)
    head = f"::{escape(q.name)}::{fmt}{escape(q.text)}"
    general = f"\t####{escape(q.generalfeedback)}" if q.generalfeedback else ""
    body = _answers(q)
    if q.qtype == "truefalse":
        return "\n".join(lines + [head + "{" + body + (general.strip() if general else "") + "}"])
    return "\n".join(lines + [head + "{" + body] + ([general] if general else []) + ["}"])


def _answer_text(text: str, weighted: bool) -> str:
    """An answer's text, so that Moodle reads neither a weight (unless one was written) nor a format at its start."""
    out = escape(text)
    if not weighted and WEIGHT.match(out):
        out = "%0%" + out
    if text_format(out, "")[0]:
        out = "[plain]" + out
    return out


def _answers(q: MoodleQuestion) -> str:
    if q.qtype == "truefalse":
        return "TRUE" if q.correct else "FALSE"
    lines = []
    if q.qtype == "multichoice":
        for a in q.answers:
            mark = "=" if q.single and a.fraction == 1 else "~" if a.fraction == 0 else f"~%{percent(a.fraction)}%"
            text = _answer_text(a.text, weighted=mark != "~")
            lines.append(f"\t{mark}{text}" + (f"#{escape(a.feedback)}" if a.feedback else ""))
    elif q.qtype == "shortanswer":
        for a in q.answers:
            text = _answer_text(a.text, weighted=True)
            lines.append(f"\t=%{percent(a.fraction)}%{text}" + (f"#{escape(a.feedback)}" if a.feedback else ""))
    elif q.qtype == "numerical":
        for a in q.answers:
            value = f"{a.span[0]}..{a.span[1]}" if a.span else f"{a.text}:{a.tolerance}"
            lines.append(f"\t=%{percent(a.fraction)}%{value}" + (f"#{escape(a.feedback)}" if a.feedback else ""))
        return "#\n" + "\n".join(lines)
    elif q.qtype == "match":
        for item, answer in q.subquestions:
            lines.append(f"\t={_answer_text(item, weighted=True)} -> {escape(answer)}")
    elif q.qtype == "ordering":
        head = f">{q.selectcount} {q.select} VERTICAL {q.grading} SHOW none"
        return "\n".join([head] + [f"\t{a.text}" for a in q.answers])
    return "\n" + "\n".join(lines)


def unwritable(q: MoodleQuestion) -> Optional[str]:
    """Why GIFT cannot hold *q* so that Moodle's importer reads it back, or None when it can."""
    if q.qtype == "match" and any("->" in item for item, _ in q.subquestions):
        return "a matching item holds '->', which GIFT reads as the arrow between item and answer"
    if q.qtype == "ordering" and not all(_ordering_line(a.text) for a in q.answers):
        return "an ordering item holds '}', '####', a line break or an escape, which Moodle's GIFT ordering cannot read"
    return None


def _ordering_line(text: str) -> bool:
    """Moodle's ordering importer reads its items as written (no escapes), one per line."""
    return (
        "}" not in text
        and "####" not in text
        and "\n" not in text
        and not text.startswith("//")
        and (masked(text) == text)
    )
