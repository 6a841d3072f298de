"""Read a course folder (``course.yaml``, lessons, ``quiz.yaml``) into the course model.

This is the only module that reads course sources. Every problem is collected with its file,
line and column; :func:`load_course` raises :class:`InvalidCourse` once, after reading
everything it can, so an author sees all problems in one run.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from builder import formats
from builder.model import (
    COMPLETION_RULES,
    DEFAULT_MEDIA_BUDGET_KB,
    DEFAULT_STATUS_RULE,
    LINT_CODES,
    STATUS_RULES,
    TRACKING_CHOICES,
    Asset,
    Author,
    CECredit,
    Course,
    Lesson,
    LintSettings,
    Module,
    Quiz,
    Tracking,
)
from builder.presets import DEFAULT_PRESET, PRESETS, LmsPreset
from builder.problems import InvalidCourse, Problems, did_you_mean, did_you_mean_file, display_path
from builder.resources import available_languages, load_strings, templates_dir
from builder.sources import limits, yamldoc
from builder.sources.fileguard import Refused, read_regular, stat_regular
from builder.sources.files import SourceFiles
from builder.sources.lessons import decode_utf8, process_lesson
from builder.sources.quiz import read_quiz
from builder.sources.reader import Reader
from builder.sources.theme import read_certificate, read_cover, read_signature, read_template_overrides, read_theme
from builder.sources.xapi import read_xapi, url_problem

COURSE_FILE = "course.yaml"

COURSE_ID = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
LESSON_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$")

COURSE_KEYS = (
    "id",
    "title",
    "version",
    "language",
    "description",
    "authors",
    "duration_minutes",
    "ce",
    "pass_mark",
    "status_rule",
    "mastery_score_in_manifest",
    "completion",
    "lms",
    "tracking",
    "lessons",
    "modules",
    "quiz",
    "lint",  # 'lint' (media budget, silenced warning codes): read_lint below, used by builder/lint.py
    "xapi",  # 'xapi' (xAPI reporting) is read by builder/sources/xapi.py
    "theme",
    "certificate",
    "cover",
)  # 'theme', 'certificate' and 'cover' are read by builder/sources/theme.py
CE_KEYS = ("credit_hours", "provider", "approval", "signature", "verify_url")


def _read_text(path: Path, shown: str, problems: Problems, limit: str) -> Optional[str]:
    """The text of a course file within size limit *limit* (:mod:`builder.sources.limits`), or None after a problem."""
    try:
        data = read_regular(path, limit)
    except Refused as exc:
        problems.add(shown, exc.message, hint=exc.hint)
        return None
    return decode_utf8(data, shown, problems)


def load_course(src: Path, files: Optional[SourceFiles] = None, lms: Optional[str] = None) -> Tuple[Course, List]:
    """Read and check the course in folder *src*; return the course and its warnings.

    :param files: filled with what was read, for lint and the packagers.
    :param lms: an LMS preset that replaces course.yaml's ``lms:`` (``--lms``; a name of
        :data:`builder.presets.PRESETS`).
    :raises InvalidCourse: with every problem found, when any is an error.
    """
    problems = Problems()
    course = _load(Path(src), problems, files if files is not None else SourceFiles(src), lms)
    if problems.errors or course is None:
        raise InvalidCourse(problems)
    return course, problems.warnings


def _load(src: Path, problems: Problems, files: SourceFiles, lms_override: Optional[str]) -> Optional[Course]:
    shown_root = display_path(src)
    course_file = src / COURSE_FILE
    shown = f"{shown_root}/{COURSE_FILE}"
    if not src.is_dir():
        problems.add(shown_root, "is not a folder", hint="give the course folder, the one that holds course.yaml")
        return None
    if not course_file.exists() and not course_file.is_symlink():
        problems.add(
            shown, "is missing", hint="every course folder needs a course.yaml; 'coursepack new NAME' writes a starter"
        )
        return None
    text = _read_text(course_file, shown, problems, "course_file_mb")
    if text is None:
        return None
    doc = files.course_doc = yamldoc.load(text, shown, problems)
    if doc is None:
        return None
    r = Reader(doc, problems)
    m = r.mapping(doc.data, (), COURSE_KEYS, required=("id", "title", "version", "language"))
    if m is None:
        return None

    course_id = r.text(
        m,
        (),
        "id",
        pattern=COURSE_ID,
        pattern_hint="use lowercase letters, digits and '-', starting with a letter (at most 64)",
    )
    title = r.text(m, (), "title", max_len=200)
    version = r.text(m, (), "version", pattern=SEMVER, pattern_hint="use a semantic version such as 1.0.0")
    language = r.text(m, (), "language", pattern=LANGUAGE, pattern_hint="use a language code such as en or es")
    strings = None
    if language:
        base = language.split("-")[0]
        if base not in available_languages():
            r.error(
                ("language",),
                f"there are no player strings for '{language}'",
                hint="available: " + ", ".join(available_languages()),
            )
        else:
            strings = load_strings(base)
    description = r.text(m, (), "description", required=False, max_len=4000) or ""
    lms = lms_override or r.choice(m, (), "lms", tuple(PRESETS), None)
    preset = PRESETS.get(lms or "")
    if "mastery_score_in_manifest" not in m and preset is None:
        r.error(
            (),
            "'mastery_score_in_manifest' is missing",
            hint="add 'mastery_score_in_manifest: false' (recommended; see the README, 'Status and mastery score'), "
            "or name your LMS with 'lms:' (docs/lms-guide.md, 'LMS presets')",
        )
    mastery = r.boolean(m, (), "mastery_score_in_manifest", required=False)
    if mastery is None and preset is not None and "mastery_score_in_manifest" not in m:
        mastery = preset.mastery_score_in_manifest and "quiz" in m  # a mastery score needs a quiz to score against
    tracking = read_tracking(r, m, preset)
    duration = r.number(m, (), "duration_minutes", required=False, minimum=1, integer=True)
    status_rule = r.choice(
        m, (), "status_rule", tuple(STATUS_RULES), preset.status_rule if preset else DEFAULT_STATUS_RULE
    )

    authors = []
    if "authors" in m:
        items = r.sequence(m, (), "authors")
        for i, item in enumerate(items or []):
            path = ("authors", i)
            a = r.mapping(item, path, ("name", "role"), required=("name",))
            if a is None:
                continue
            name = r.text(a, path, "name", max_len=200)
            role = r.choice(a, path, "role", ("author", "presenter"), "author")
            if name and role:
                authors.append(Author(name, role))

    ce = None
    look_assets = []  # the theme's logo, the cover, the signature
    if "ce" in m:
        c = r.mapping(m["ce"], ("ce",), CE_KEYS, required=("credit_hours", "provider"))
        if c is not None:
            hours = r.number(c, ("ce",), "credit_hours", minimum=0, maximum=1000)
            provider = r.text(c, ("ce",), "provider", max_len=300)
            approval = r.text(c, ("ce",), "approval", required=False, max_len=2000) or ""
            signature, signature_assets = read_signature(r, c, files)
            look_assets += signature_assets
            verify_url = r.text(c, ("ce",), "verify_url", required=False, max_len=300) or ""
            problem = url_problem(verify_url, allow_query=True) if verify_url else None
            if problem:
                r.error(
                    ("ce", "verify_url"),
                    f"'{verify_url}' {problem}",
                    hint="the provider's page where a certificate is checked, e.g. https://ce.example.org/verify",
                )
            if hours is not None and provider and not problem:
                ce = CECredit(float(hours), provider, approval, signature, verify_url)
    xapi = read_xapi(r, m)
    lint = read_lint(r, m)
    theme, theme_assets = read_theme(r, m, files)
    look_assets += theme_assets
    cover, cover_assets = read_cover(r, m, files)
    look_assets += cover_assets
    certificate = read_certificate(r, m, ce is not None or "ce" in m)

    # Lessons, possibly grouped in modules.
    modules = []
    if "lessons" in m and "modules" in m:
        r.error(
            ("modules",),
            "give either 'lessons' or 'modules', not both",
            key=True,
            hint="put every lesson inside a module, or remove 'modules'",
        )
    elif "modules" in m:
        for i, item in enumerate(r.sequence(m, (), "modules") or []):
            path = ("modules", i)
            mm = r.mapping(item, path, ("id", "title", "lessons"), required=("id", "title", "lessons"))
            if mm is None:
                continue
            mid = r.text(
                mm,
                path,
                "id",
                pattern=LESSON_ID,
                pattern_hint="use lowercase letters, digits, '-' and '_' (at most 64)",
            )
            mtitle = r.text(mm, path, "title", max_len=200)
            entries = r.sequence(mm, path, "lessons", required=False) or []
            modules.append((mid, mtitle, [(path + ("lessons", j), e) for j, e in enumerate(entries)], path))
    elif "lessons" in m:
        entries = r.sequence(m, (), "lessons") or []
        modules.append((None, None, [(("lessons", j), e) for j, e in enumerate(entries)], ()))
    else:
        r.error((), "the course has no lessons", hint="add a 'lessons:' list (or 'modules:' with lessons inside)")

    root = src
    lesson_count = sum(len(entries) for _, _, entries, _ in modules)
    if lesson_count > limits.value("lessons"):
        r.error(
            ("modules",) if "modules" in m else ("lessons",),
            f"the course has {lesson_count} lessons; at most {limits.shown('lessons')} are allowed",
            key=True,
            hint="split it into several courses; " + limits.how_to_raise("lessons"),
        )
        return None  # reading that many lessons is the work the limit bounds
    ids_seen: Dict[str, Tuple] = {}
    lesson_specs = []  # (path, id, title, rel, module_id)
    lesson_bytes = 0
    for mid, _title, entries, mpath in modules:
        if mid:
            if mid in ids_seen:
                r.error(
                    mpath + ("id",),
                    f"the id '{mid}' is used twice (also at line {doc.pos(ids_seen[mid])[0]})",
                    hint="give every module and lesson its own id",
                )
            else:
                ids_seen[mid] = mpath + ("id",)
        for path, entry in entries:
            e = r.mapping(entry, path, ("id", "title", "file"), required=("id", "title", "file"))
            if e is None:
                continue
            lid = r.text(
                e, path, "id", pattern=LESSON_ID, pattern_hint="use lowercase letters, digits, '-' and '_' (at most 64)"
            )
            ltitle = r.text(e, path, "title", max_len=200)
            rel = r.text(e, path, "file")
            if lid:
                if lid in ids_seen:
                    r.error(
                        path + ("id",),
                        f"the id '{lid}' is used twice (also at line {doc.pos(ids_seen[lid])[0]})",
                        hint="give every module and lesson its own id",
                    )
                else:
                    ids_seen[lid] = path + ("id",)
            if rel:
                rel = rel.replace("\\", "/")
                target = files.inside(rel)
                if target is None:
                    r.error(
                        path + ("file",),
                        f"'{rel}' is outside the course folder",
                        hint="keep lesson files inside the course folder, e.g. lessons/intro.html",
                    )
                    rel = None
                elif (refused := _refused(target, "lesson_file_mb")) is not None:
                    close = did_you_mean_file(target) if refused.message == "does not exist" else None
                    hint = (
                        close.replace("'", "'" + posixpath.dirname(rel) + "/", 1)
                        if close and posixpath.dirname(rel)
                        else close
                    )
                    r.error(
                        path + ("file",),
                        f"'{rel}' {refused.message}",
                        hint=hint or refused.hint or "check the path; it is relative to the course folder",
                    )
                    rel = None
                elif target.suffix.lower() not in (".html", ".htm"):
                    r.error(
                        path + ("file",),
                        f"'{rel}' is not an .html file",
                        hint="lessons are HTML fragments in .html files",
                    )
                    rel = None
                else:
                    rel = posixpath.normpath(Path(rel).as_posix())
                    lesson_bytes += target.stat().st_size
                    if lesson_bytes > limits.size_bytes("lessons_total_mb"):
                        r.error(
                            path + ("file",),
                            f"with '{rel}' the lessons come to {lesson_bytes:,} bytes; "
                            f"{limits.at_most('lessons_total_mb')}",
                            hint="split the course, or move large content into media files; "
                            + limits.how_to_raise("lessons_total_mb"),
                        )
                        return None
            lesson_specs.append((path, lid, ltitle, rel, mid))

    # Lesson bodies: check and rewrite them once every lesson file is known.
    lesson_files = {rel: lid for (_, lid, _, rel, _) in lesson_specs if rel and lid}
    assets: Dict[str, Asset] = {}
    built_lessons: Dict[Tuple, Lesson] = {}
    asset_bytes = 0
    number = 0
    for path, lid, ltitle, rel, mid in lesson_specs:
        number += 1
        if not (lid and ltitle and rel and strings):
            continue
        shown_lesson = f"{shown_root}/{rel}"
        body = _read_text(root / rel, shown_lesson, problems, "lesson_file_mb")
        if body is None:
            continue
        files.lessons[rel] = body
        result = process_lesson(body, shown_lesson, rel, files, lesson_files, strings, problems)
        for asset_rel in sorted(result.assets):
            if asset_rel not in assets:
                source = files.real_path(asset_rel)
                assets[asset_rel] = Asset(asset_rel, source, source.stat().st_size)  # a regular file (lessons.py)
                asset_bytes += assets[asset_rel].size
                if asset_bytes > limits.size_bytes("media_total_mb"):
                    problems.add(
                        shown_lesson,
                        f"with '{asset_rel}' the files lessons point to come to {asset_bytes:,} bytes; "
                        f"{limits.at_most('media_total_mb')}",
                        hint="host large media elsewhere and embed it; " + limits.how_to_raise("media_total_mb"),
                    )
                    return None
        built_lessons[path] = Lesson(lid, ltitle, rel, number, result.html, mid)

    built_modules = tuple(
        Module(mid, mtitle, tuple(built_lessons[p] for p, _ in entries if p in built_lessons))
        for mid, mtitle, entries, _ in modules
    )

    quiz = None
    if "quiz" in m:
        quiz_rel = r.text(m, (), "quiz")
        if quiz_rel:
            target = files.inside(quiz_rel)
            if target is None:
                r.error(
                    ("quiz",),
                    f"'{quiz_rel}' is outside the course folder",
                    hint="keep quiz.yaml inside the course folder",
                )
            elif (refused := _refused(target, "quiz_file_mb")) is not None:
                hint = did_you_mean_file(target) if refused.message == "does not exist" else refused.hint
                r.error(("quiz",), f"'{quiz_rel}' {refused.message}", hint=hint)
            else:
                files.quiz_file = posixpath.normpath(Path(quiz_rel).as_posix())
                quiz = _load_quiz(target, f"{shown_root}/{Path(quiz_rel).as_posix()}", problems, files)

    completion_default = "both" if "quiz" in m else "lessons"
    completion = r.choice(m, (), "completion", COMPLETION_RULES, completion_default)
    if completion in ("quiz", "both") and "quiz" not in m:
        r.error(
            ("completion",),
            f"'{completion}' needs a quiz, but the course has none",
            hint="add 'quiz: quiz.yaml', or set 'completion: lessons'",
        )
    if completion == "lessons" and quiz is not None and quiz.evaluation is not None and quiz.evaluation.required:
        r.error(
            ("completion",),
            "'lessons' cannot wait for the required course evaluation in the quiz",
            hint="set 'completion: both' (or 'quiz'), or make the evaluation optional with 'required: false'",
        )
    pass_mark = r.number(m, (), "pass_mark", required=False, minimum=0, maximum=100)
    if "quiz" in m and "pass_mark" not in m:
        r.error(
            (),
            "'pass_mark' is missing; a course with a quiz needs one",
            hint="add 'pass_mark: 75' (the percentage a learner needs to pass)",
        )
    if mastery and "quiz" not in m:
        r.error(
            ("mastery_score_in_manifest",),
            "a mastery score needs a quiz to score against",
            hint="set it to false, or add a quiz",
        )

    for asset in look_assets:
        assets.setdefault(asset.path, asset)
    overrides_dir, override_files = read_template_overrides(root, shown_root, templates_dir(), problems)

    if problems.errors:
        return None
    return Course(
        id=course_id,
        title=title,
        version=version,
        language=language,
        description=description,
        authors=tuple(authors),
        duration_minutes=duration,
        ce=ce,
        pass_mark=float(pass_mark) if pass_mark is not None else 0.0,
        status_rule=status_rule,
        mastery_score_in_manifest=bool(mastery),
        lms=lms or DEFAULT_PRESET,
        tracking=tracking,
        completion=completion,
        modules=built_modules,
        quiz=quiz,
        assets=tuple(assets[k] for k in sorted(assets)),
        source_dir=src.resolve(),
        xapi=xapi,
        theme=theme,
        lint=lint,
        certificate=certificate,
        templates_dir=overrides_dir,
        template_files=override_files,
        cover=cover,
    )


def _refused(path: Path, limit: str) -> Optional[Refused]:
    """Why the course file at *path* is not read (missing, not a regular file, over *limit*), or None."""
    try:
        stat_regular(path, limit)
    except Refused as exc:
        return exc
    return None


def _load_quiz(path: Path, shown: str, problems: Problems, files: SourceFiles) -> Optional[Quiz]:
    """Read the quiz file; builder/sources/quiz.py checks it and builds the quiz model."""
    text = _read_text(path, shown, problems, "quiz_file_mb")
    if text is None:
        return None
    doc = files.quiz_doc = yamldoc.load(text, shown, problems)
    if doc is None:
        return None
    return read_quiz(doc, problems)


def load_quiz_file(path: Path, shown: str) -> Tuple[str, yamldoc.Document, Quiz]:
    """A quiz file on its own, for ``coursepack import-questions --merge``: its text, document and quiz.

    :raises InvalidCourse: with its problems, when it cannot be read or is not a valid quiz.
    """
    problems = Problems()
    text = _read_text(path, shown, problems, "quiz_file_mb")
    doc = yamldoc.load(text, shown, problems) if text is not None else None
    quiz = read_quiz(doc, problems) if doc is not None else None
    if quiz is None or problems.errors:
        raise InvalidCourse(problems)
    return text, doc, quiz


def read_tracking(r: Reader, m: dict, preset: Optional[LmsPreset]) -> Tracking:
    """course.yaml's ``tracking:`` block; a key it leaves out comes from the LMS preset, else the default."""
    path = ("tracking",)
    block = (r.mapping(m["tracking"], path, Tracking._fields) if "tracking" in m else None) or {}
    given = {**(preset.tracking if preset else {}), **block}
    values = {"format": r.choice(given, path, "format", formats.names(), formats.DEFAULT)}
    values["commit_on_exit"] = r.boolean(given, path, "commit_on_exit", required=False)
    for key, choices in TRACKING_CHOICES.items():
        values[key] = r.choice(given, path, key, choices, None)
    return Tracking(**{k: v for k, v in values.items() if v is not None})  # the model's default for the rest


LINT_KEYS = ("media_budget_kb", "ignore")


def read_lint(r: Reader, m: dict) -> LintSettings:
    """course.yaml's ``lint:`` block: the media budget and the warning codes this course silences."""
    if "lint" not in m:
        return LintSettings()
    block = r.mapping(m["lint"], ("lint",), LINT_KEYS)
    if block is None:
        return LintSettings()
    budget = r.number(block, ("lint",), "media_budget_kb", required=False, minimum=0, exclusive_minimum=True)
    ignore = []
    if "ignore" in block:
        codes = block["ignore"]
        if not isinstance(codes, list):
            r.error(("lint", "ignore"), "expected a list of warning codes", hint="write e.g. ignore: [file-unused]")
        else:
            for i, code in enumerate(codes):
                if code not in LINT_CODES:
                    hint = did_you_mean(str(code), LINT_CODES) or "known codes: " + ", ".join(LINT_CODES)
                    r.error(("lint", "ignore", i), f"'{code}' is not a warning code", hint=hint)
                else:
                    ignore.append(code)
    return LintSettings(budget if budget is not None else DEFAULT_MEDIA_BUDGET_KB, tuple(ignore))


def course_identity(src: Path) -> Tuple[str, str]:
    """The id and version of the course in folder *src*, read without loading the rest of the course.

    For commands that only need to name a course (``verify-code``): an old course folder that no
    longer builds still names itself.

    :raises InvalidCourse: when the folder or its course.yaml cannot give them.
    """
    problems = Problems()
    shown = f"{display_path(src)}/{COURSE_FILE}"
    text = _read_text(Path(src) / COURSE_FILE, shown, problems, "course_file_mb")
    doc = yamldoc.load(text, shown, problems) if text is not None else None
    identity = ("", "")
    if doc is not None:
        r = Reader(doc, problems)
        m = doc.data if isinstance(doc.data, dict) else None
        if m is None:
            r.error((), "expected the course's keys (id, title, version …)", hint="write them as 'key: value' lines")
        else:
            identity = (
                r.text(m, (), "id", pattern=COURSE_ID, pattern_hint="use the id course.yaml is built with"),
                r.text(m, (), "version", pattern=SEMVER, pattern_hint="use a semantic version such as 1.0.0"),
            )
    if problems.errors or not all(identity):
        raise InvalidCourse(problems)
    return identity
