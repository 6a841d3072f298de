"""matching: each source (ids ``1``, ``2`` …) is matched with one target (ids ``a``, ``b`` …)."""

from __future__ import annotations

from typing import Dict, List, Tuple

from builder.problems import kind_of
from builder.questions.base import (
    CHOICE_IDS,
    LIST_2004,
    MAX_OPTION_TEXT,
    MAX_OPTIONS,
    PAIR_2004,
    POINT_IDS,
    QuestionType,
    config_options,
    ids_of,
    numbered,
    one_of,
    option_text,
    positional,
    take,
)

PAIR_KEYS = ("source", "target")


class Matching(QuestionType):
    """Targets are listed in a fixed scramble (``Question.targets``), so neither ids nor order give the pairs away."""

    name = "matching"
    interaction = "matching"
    keys = ("pairs", "distractors", "shuffle", "partial_credit")
    required = "pairs"
    required_hint = "list the pairs under 'pairs:', each with 'source:' and 'target:'"
    shuffles = True
    partial = True
    option_list = "targets"

    def read(self, reader, q, path):
        r = reader.r
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
                text = option_text(pm[key])
                if text is None or not text or len(text) > MAX_OPTION_TEXT:
                    problem = (
                        f"expected text, found {kind_of(pm[key])}"
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
            sources[texts[0]] = reader.line(p + ("source",))
            pairs.append((texts[0], texts[1]))
        distractors: List[str] = []
        if "distractors" in q:
            listed = reader.texts(q, path, "distractors", "distractor", 1)
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
        if not ok or not reader.count_ok(path, "pairs", len(pairs), "pair", 2):
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

    def key(self, question):
        """The target id of each source, in order."""
        targets = question.targets
        return "".join(CHOICE_IDS[targets.index(target)] for _, target in question.pairs)

    def suspend_length(self, question):
        return len(question.pairs)

    def config(self, question, strings):
        return {
            "sources": config_options(numbered(question.sources, POINT_IDS)),
            "targets": config_options(numbered(question.targets)),
        }

    def xapi_components(self, question, strings):
        return {"source": numbered(question.sources, POINT_IDS), "target": numbered(question.targets)}

    # An answer is one target id (or '-') per source; the response lists the matched pairs ("1.a,2.c").
    def response(self, q, value):
        return ",".join(f"{source['id']}.{value[i]}" for i, source in enumerate(q["sources"]) if value[i] != "-")

    def patterns(self, q, key):
        return [",".join(f"{source['id']}.{key[i]}" for i, source in enumerate(q["sources"]))]

    def response_2004(self, q, value):
        return LIST_2004.join(
            f"{source['id']}{PAIR_2004}{value[i]}" for i, source in enumerate(q["sources"]) if value[i] != "-"
        )

    def patterns_2004(self, q, key):
        return [LIST_2004.join(f"{source['id']}{PAIR_2004}{key[i]}" for i, source in enumerate(q["sources"]))]

    xapi_as_2004 = True

    def answer_from_xapi(self, q, response):
        """One target id per source, ``-`` for a source the response leaves out."""
        chosen = dict(pair.split(PAIR_2004, 1) for pair in response.split(LIST_2004) if PAIR_2004 in pair)
        return "".join(chosen.get(source["id"], "-") for source in q["sources"])

    def credit(self, q, value, key):
        return positional(value, key, q["partial"])

    def encode(self, q, value):
        return value or "-" * len(q["sources"])

    def decode(self, q, units, at):
        n = len(q["sources"])
        stored = take(units, at, n)
        targets = ids_of(q["targets"])
        for c in stored:
            one_of(q, c, targets)
        return (stored if stored.strip("-") else None), at + n

    # ------------------------------------------------------------------ Moodle: match
    # Moodle's matching question always gives partial credit (the share of items matched) and always
    # shuffles the answers; an item without text is an extra answer (a distractor).
    moodle_qtype = "match"

    def from_moodle(self, mq, extras, note):
        # Moodle's model is for import/export-questions only: a build never loads it
        from builder.questions.moodle import Unsupported, quoted

        pairs, distractors = [], []
        for item, answer in mq.subquestions:
            if item and answer:
                pairs.append({"source": item, "target": answer})
            elif answer:
                distractors.append(answer)
            elif item:
                note(f"the item {quoted(item)} has no answer in the bank: left out", "warning")
        if len(pairs) < 2:
            raise Unsupported(f"a matching question needs 2 items with answers, and this one has {len(pairs)}")
        targets = {pair["target"] for pair in pairs}
        distractors = [d for d in dict.fromkeys(distractors) if d not in targets]  # Moodle lists an answer once
        out: Dict[str, object] = {"pairs": pairs}
        if distractors:
            out["distractors"] = distractors
        out["shuffle"] = extras.pop("shuffle", True)
        out["partial_credit"] = extras.pop("partial_credit", True)
        return out

    def to_moodle(self, question, note):
        extras: Dict[str, object] = {}
        if not question.partial_credit:
            extras["partial_credit"] = False
            note("Moodle always gives partial credit for a matching question (the share of items matched)", "warning")
        if not question.shuffle:
            extras["shuffle"] = False
        if len(question.pairs) + len(question.distractors) < 3:
            note("Moodle's editing form asks for at least 3 answers: add a distractor", "warning")
        subquestions = tuple(question.pairs) + tuple(("", d) for d in question.distractors)
        return {"subquestions": subquestions, "shuffle": False, "extras": extras}


TYPE = Matching()
