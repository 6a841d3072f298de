"""Question bank files (GIFT, Moodle XML) to quiz.yaml questions: ``coursepack import-questions``.

Each file is read into Moodle's question model (gift.py, moodlexml.py); each question becomes a
quiz.yaml question through its type definition (``from_moodle`` in builder/questions/), with a
comment wherever something had to be adapted and a warning wherever the scoring changes. The
questions get ids (from Moodle's idnumber, else the name, else the text), categories become pools,
and the result is checked by the quiz reader itself (builder/sources/quiz.py), its problems reported at
the bank's line. With ``--merge`` the questions are added to an existing quiz.yaml (questions
already there are left out; nothing else in the file changes). Images embedded in the bank are
written into the course's media folder. Nothing is written when there is any error.
"""

from __future__ import annotations

import os
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from builder.model import Question
from builder.problems import InvalidCourse, Problem, Problems, display_path
from builder.qbank import gift, moodlexml, yamlout
from builder.qbank.media import plan_media
from builder.questions import TYPES
from builder.questions.moodle import (
    DEFAULT_COMBINED,
    NOTE,
    SKIPPED,
    WARNING,
    Category,
    Medium,
    MoodleQuestion,
    Note,
    Unsupported,
    Where,
    category_name,
    quoted,
)
from builder.sources import limits, yamldoc
from builder.sources.course import load_quiz_file
from builder.sources.fileguard import Refused, read_regular
from builder.sources.lessons import decode_utf8
from builder.sources.quiz import QUESTION_ID, read_quiz

READERS = {".gift": "gift", ".txt": "gift", ".xml": "xml"}
#: Why Moodle's other question types cannot be imported, and what to do instead.
UNSUPPORTED = {
    "multianswer": "a Cloze question has several gaps in one text, and a coursepack question has one answer",
    "cloze": "a Cloze question has several gaps in one text, and a coursepack question has one answer",
    "ddwtos": "drag-and-drop into text has several gaps in one text, and a coursepack question has one answer",
    "gapselect": "select-missing-words has several gaps in one text, and a coursepack question has one answer",
    "random": "a random question is a quiz slot, not a question: use a pool with 'draw' in quiz.yaml",
    "randomsamatch": "a random short-answer matching question is drawn from other questions when the quiz runs",
}
UNSUPPORTED_HINT = "rewrite it as one of the supported types, or leave it out with --skip-unsupported"


class Imported(NamedTuple):
    """One question ready for quiz.yaml: its mapping (the id is set later), where it came from, its comments."""

    mapping: Dict[str, Any]
    where: Where
    comments: List[str]
    category: str
    label: str  #: how messages name it: its name, or the start of its text
    base_id: str
    media: Tuple[Medium, ...] = ()


class Result(NamedTuple):
    text: str  #: the quiz.yaml to write
    media: List[Tuple[Path, bytes]]  #: files to write (new only)
    warnings: List[Problem]
    imported: int
    skipped: int
    known: List[str]  #: questions left out because quiz.yaml has them already


# ============================================================================ reading the banks
def read_banks(paths: Sequence[Path], problems: Problems):
    """Every category and question of the bank files, as (category path, MoodleQuestion) in order."""
    out: List[Tuple[str, MoodleQuestion]] = []
    categories: Dict[str, Optional[Dict[str, Any]]] = {}
    most = limits.value("questions")
    for path in paths:
        shown = display_path(path)
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            problems.add(
                shown,
                f"'{path.suffix or path.name}' is not a question bank format coursepack reads",
                hint="give GIFT files (.gift or .txt) or Moodle XML files (.xml)",
            )
            continue
        try:
            data = read_regular(path, "bank_file_mb")
        except Refused as exc:
            problems.add(shown, exc.message, hint=exc.hint)
            continue
        left = most - len(out)  # a reader stops one question past the limit: a huge bank is not read to its end
        if reader == "gift":
            text = decode_utf8(data, shown, problems)
            items = gift.read(text, shown, problems, left) if text is not None else []
        else:
            items = moodlexml.read(data, shown, problems, left)
        category = ""
        for item in items:
            if isinstance(item, Category):
                category = item.path
                if item.extras or category not in categories:
                    categories[category] = item.extras
                continue
            out.append((category, item))
        if len(out) > most:
            problems.add(
                shown,
                f"the banks hold more than {most} questions, the most a quiz may have",
                hint="import fewer questions at a time; " + limits.how_to_raise("questions"),
            )
            return [], {}
    return out, categories


def convert(category: str, mq: MoodleQuestion, problems: Problems, skip_unsupported: bool) -> Optional[Imported]:
    """The quiz.yaml question for *mq*, or None when it is skipped or refused (reported in *problems*)."""
    label = f"question '{mq.name}'" if mq.name else f"the question {quoted(mq.text)}"
    where = mq.where

    def report(level: str, message: str, hint: str = "", at: Optional[Where] = None) -> None:
        at = at or where
        problems.add(at.file, f"{label}: {message}", at.line, at.col, hint=hint or None, level=level)

    if mq.qtype in SKIPPED:
        report(WARNING, f"left out: {SKIPPED[mq.qtype]}")
        return None
    kind = next((k for k in TYPES.values() if k.reads_moodle(mq)), None)
    notes: List[Note] = list(mq.notes)

    def note(message: str, level: str = NOTE) -> None:
        notes.append(Note(level, message))

    extras = dict(mq.extras or {})
    try:
        if kind is None:
            raise Unsupported(
                UNSUPPORTED.get(mq.qtype, f"Moodle's '{mq.qtype}' questions have no coursepack equivalent")
            )
        fields = kind.from_moodle(mq, extras, note)
    except Unsupported as exc:
        if skip_unsupported:
            report(WARNING, f"left out: {exc.message}")
        else:
            report("error", f"cannot be imported: {exc.message}", exc.hint or UNSUPPORTED_HINT)
        return None
    for key in extras:
        note(f"the coursepack: comment's '{key}' does not apply to a {kind.name} question: ignored", WARNING)
    mapping: Dict[str, Any] = {"id": "", "type": kind.name, "text": mq.text}
    weight = _weight(mq.defaultmark, note)
    if weight is not None:
        mapping["weight"] = weight
    mapping.update(fields)
    if mq.generalfeedback:
        mapping["explanation"] = mq.generalfeedback
    _common_notes(mq, note)
    notes = list(dict.fromkeys(notes))
    for n in notes:
        if n.level == WARNING:
            report(WARNING, n.message, n.hint or "", n.where)
    comments = [f"from {where.file}:{where.line}" + (f" ({mq.name})" if mq.name else "")]
    comments += [("adapted: " if n.level == WARNING else "note: ") + n.message for n in notes]
    return Imported(mapping, where, comments, category, label, base_id(mq), mq.media)


def _weight(mark: float, note) -> Optional[Decimal]:
    """coursepack's weight for Moodle's default mark (None: the default, 1)."""
    if mark == 1:
        return None
    if mark <= 0:
        note("it is worth no marks in Moodle; a scored coursepack question needs a weight, so it counts 1", WARNING)
        return None
    weight = Decimal(repr(float(mark)))
    rounded = weight.quantize(Decimal("0.01"))
    if rounded != weight:
        note(f"its mark {weight} is rounded to {rounded}: a weight has at most 2 decimals", WARNING)
    return rounded.normalize() if rounded else Decimal(1)


def _common_notes(mq: MoodleQuestion, note) -> None:
    for label, text, default in zip(("a right", "a partly right", "a wrong"), mq.combined, DEFAULT_COMBINED):
        if text and text != default:
            note(f"Moodle's feedback for {label} answer: {quoted(text, 200)}")
    if mq.hints:
        note(f"{mq.hints} hint{'s' if mq.hints != 1 else ''} for further tries left out (an attempt has one try)")
    if mq.penalty not in (None, 0, 1) and abs(mq.penalty - 0.3333333) > 0.005:
        note(f"Moodle's penalty per extra try ({mq.penalty}) does not apply: an attempt has one try")


# ============================================================================ ids
def slug(text: str, limit: int = 32, words: int = 32) -> str:
    """*text* as a question id: lowercase ASCII words joined by '_', starting with a letter, at most *limit*."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    out = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text)[:words]:
        candidate = f"{out}_{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    if out and not out[0].isalpha():
        out = ("q_" + out)[:limit].rstrip("_")
    return out


def base_id(mq: MoodleQuestion) -> str:
    """The id a question asks for: its idnumber when it is one, else its name, else its first words."""
    if QUESTION_ID.match(mq.idnumber):
        return mq.idnumber
    return slug(mq.idnumber) or slug(mq.name) or slug(mq.text, words=5) or "question"


def unique(base: str, taken: set) -> str:
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = base[: 32 - len(suffix)].rstrip("_") + suffix
        if candidate not in taken:
            return candidate
        n += 1


# ============================================================================ the whole import
def import_banks(paths: Sequence[Path], out: Path, merge: bool, skip_unsupported: bool) -> Result:
    """What importing *paths* into the quiz file *out* writes.

    :raises InvalidCourse: with every problem, when there is any error (nothing is to be written).
    """
    problems = Problems()
    existing = _existing(out, merge, problems)
    read, categories = read_banks(paths, problems)
    questions = [q for q in (convert(c, mq, problems, skip_unsupported) for c, mq in read) if q is not None]
    skipped = len(read) - len(questions)
    if problems.errors:
        raise InvalidCourse(problems)
    if not questions:
        problems.add(
            ", ".join(display_path(p) for p in paths), "no question to import", hint="give files with questions"
        )
        raise InvalidCourse(problems)
    course = out.parent
    media, media_notes = plan_media([q.media for q in questions], course, problems)
    for n, messages in media_notes.items():
        q = questions[n]
        questions[n] = q._replace(comments=q.comments + ["adapted: " + message for message in messages])
        for message in messages:
            problems.add(q.where.file, f"{q.label}: {message}", q.where.line, q.where.col, level=WARNING)
    shuffle_default = bool(existing[1].data.get("shuffle_choices", False)) if existing else False
    taken = {q.id for q in existing[2].questions} | _evaluation_ids(existing[2]) if existing else set()
    questions = _with_ids(questions, taken)
    checked = _check(questions, shuffle_default, problems)
    if problems.errors or checked is None:
        raise InvalidCourse(problems)
    known: List[str] = []
    if existing:
        text, known = _merged(out, existing, questions, checked, categories, shuffle_default, paths, problems)
    else:
        text = _fresh(questions, categories, paths, shuffle_default).text
    if problems.errors:
        raise InvalidCourse(problems)
    return Result(text, media, problems.warnings, len(questions) - len(known), skipped, known)


def _existing(out: Path, merge: bool, problems: Problems):
    """(text, document, quiz) of the quiz file to merge into; None for a new file."""
    shown = display_path(out)
    if not merge:
        if os.path.lexists(out):
            problems.add(shown, "already exists", hint="add the questions to it with --merge, or give another -o")
        return None
    if not os.path.lexists(out):
        return None
    try:
        return load_quiz_file(out, shown)
    except InvalidCourse as exc:
        problems.extend(exc.problems)
        problems.add(shown, "has problems of its own, so nothing can be added to it", hint="fix them first")
        return None


def _evaluation_ids(quiz) -> set:
    ev = quiz.evaluation
    return ({item.id for item in ev.items} | ({ev.comment_id} if ev.comment_id else set())) if ev else set()


def _with_ids(questions: List[Imported], taken: set) -> List[Imported]:
    out = []
    for q in questions:
        qid = unique(q.base_id, taken)
        taken.add(qid)
        comments = q.comments
        if qid != q.base_id:
            comments = comments + [f"note: the id '{q.base_id}' is taken, so this question is '{qid}'"]
        out.append(q._replace(mapping={**q.mapping, "id": qid}, comments=comments))
    return out


def _mapping(q: Imported, shuffle_default: bool) -> Dict[str, Any]:
    """The question as written: keys at their default left out."""
    m = dict(q.mapping)
    if m.get("shuffle") == shuffle_default:
        del m["shuffle"]
    if m.get("partial_credit") is False:
        del m["partial_credit"]
    return m


def _fresh(questions: List[Imported], categories, paths, shuffle_default: bool) -> yamlout.Written:
    groups: Dict[str, List[Tuple[int, Dict[str, Any], List[str]]]] = {}
    for n, q in enumerate(questions):
        groups.setdefault(q.category, []).append((n, _mapping(q, shuffle_default), q.comments))
    names = [category_name(c) for c in groups]
    if len(groups) == 1 and not categories.get(next(iter(groups))):  # one category, without a pool's settings
        pools = [(None, next(iter(groups.values())))]
        title = names[0] or _title(paths[0])
    else:
        pools, ids = [], set()
        for (path, members), name in zip(groups.items(), names):
            keys: Dict[str, Any] = {"id": unique(slug(name) or "pool", ids)}
            ids.add(keys["id"])
            keys.update(_pool_keys(categories.get(path), len(members)))
            pools.append((keys, members))
        parents = {category_name(path.rstrip("/").rsplit("/", 1)[0]) for path in groups if "/" in path}
        title = parents.pop() if len(parents) == 1 and "" not in parents else _title(paths[0])
    header = [
        "Imported by coursepack import-questions from " + ", ".join(p.name for p in paths) + ".",
        "'adapted:' comments say where a question differs from the bank; 'note:' comments keep what coursepack",
        "does not show. Read them, then remove them. The quiz settings (attempts, feedback ...) are the defaults.",
    ]
    return yamlout.new_quiz(header, title, pools)


def _pool_keys(extras: Optional[Dict[str, Any]], count: int) -> Dict[str, Any]:
    """A pool's draw and shuffle from its category's coursepack: comment."""
    keys = {}
    for key in ("draw", "shuffle"):
        if extras and key in extras:
            keys[key] = extras[key]
    if isinstance(keys.get("draw"), int) and keys["draw"] > count:
        del keys["draw"]  # some of its questions were left out
    return keys


def _title(path: Path) -> str:
    words = " ".join(re.split(r"[-_\s]+", path.stem)).strip()
    return words[:1].upper() + words[1:] if words else "Imported questions"


def _check(questions: List[Imported], shuffle_default: bool, problems: Problems) -> Optional[List[Question]]:
    """The questions as the quiz reader reads them; its problems reported at the bank's lines."""
    listed = [(n, _mapping(q, shuffle_default), []) for n, q in enumerate(questions)]
    written = yamlout.new_quiz([], "check", [(None, listed)], {"shuffle_choices": shuffle_default})
    found = Problems()
    doc = yamldoc.load(written.text, "quiz.yaml", found)
    quiz = read_quiz(doc, found) if doc is not None else None
    for problem in found:
        index = written.question_at(problem.line)
        if index is None:
            problems.add(questions[0].where.file, problem.message, hint=problem.hint, level=problem.level)
            continue
        q = questions[index]
        message = re.sub(r"^questions\[\d+\]\.?", "", problem.message).lstrip(": ")
        message = re.sub(r" \(also at line \d+\)", "", message)  # a line of the text checked, not of the bank
        problems.add(q.where.file, f"{q.label}: {message}", q.where.line, q.where.col, problem.hint, problem.level)
    return list(quiz.questions) if quiz is not None else None


def _comparable(q: Question) -> Question:
    return q._replace(id="", number=0)


def _merged(out, existing, questions, checked, categories, shuffle_default, paths, problems):
    """The existing file with the new questions added; questions it already holds are left out."""
    text, doc, quiz = existing
    have = {_comparable(q): q.id for q in quiz.questions}
    known, new = [], []
    for q, record in zip(questions, checked):
        same = have.get(_comparable(record))
        if same is not None:
            known.append(f"{q.where.file}:{q.where.line}: {q.label} is in {display_path(out)} already, as '{same}'")
        else:
            new.append(q)
    if not new:
        return text, known
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    source = "imported by coursepack import-questions from " + ", ".join(p.name for p in paths)
    try:
        lines = _add(lines, doc, new, categories, shuffle_default, source, paths)
    except yamlout.CannotInsert:
        problems.add(
            display_path(out),
            "its question list is written in flow style ([ … ]), so questions cannot be added to it",
            hint="write the list as lines starting with '- ', or import into a new file",
        )
        return text, known
    merged = "\n".join(lines) + "\n"
    _verify(merged, quiz, out, problems)
    return merged, known


def _add(lines, doc, new, categories, shuffle_default, source, paths):
    """The lines with *new* added: to 'questions', or to the pools of their categories (new pools at the end)."""
    data = doc.data
    if "questions" in data:
        return _append(lines, doc, ("questions",), len(data["questions"]), new, shuffle_default, source)
    pools = {pool.get("id"): i for i, pool in enumerate(data["pools"]) if isinstance(pool, dict)}
    groups: Dict[str, List[Imported]] = {}
    for q in new:
        name = slug(category_name(q.category)) if q.category else slug(paths[0].stem)
        groups.setdefault(name or "imported", []).append(q)
    additions = []
    for name, members in groups.items():
        if name in pools:
            i = pools[name]
            additions.append((("pools", i, "questions"), len(data["pools"][i]["questions"]), members, None))
        else:
            keys = {"id": name}
            keys.update(_pool_keys(next((categories.get(q.category) for q in members), None), len(members)))
            additions.append((("pools",), len(data["pools"]), members, keys))
    # From the bottom of the file up, so that the lines still to change keep their numbers.
    for path, count, members, keys in sorted(additions, key=lambda a: -doc.pos(a[0] + (a[1] - 1,))[0]):
        lines = _append(lines, doc, path, count, members, shuffle_default, source, keys)
    return lines


def _append(lines, doc, path, count, members, shuffle_default, source, pool=None):
    end, dash = yamlout.list_end(lines, doc.pos(path + (count - 1,))[0])
    indent = " " * dash
    block = [f"{indent}# {source}"]
    if pool is not None:
        block += yamlout.pool_head(pool, indent)
        indent = " " * (dash + 4)
    for n, q in enumerate(members):
        block += ([""] if n else []) + yamlout.question_lines(_mapping(q, shuffle_default), q.comments, indent)
    return yamlout.insert(lines, end, block)


def _verify(text: str, before, out: Path, problems: Problems) -> None:
    """The merged file reads as a quiz, and every question that was there reads as before."""
    found = Problems()
    doc = yamldoc.load(text, display_path(out), found)
    quiz = read_quiz(doc, found) if doc is not None else None
    if quiz is None:
        problems.extend(p for p in found if p.level == "error")
        return
    after = {q.id: _comparable(q) for q in quiz.questions}
    if any(after.get(q.id) != _comparable(q) for q in before.questions):
        problems.add(display_path(out), "the questions could not be added without changing the ones there")
