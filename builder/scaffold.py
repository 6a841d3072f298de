"""``coursepack new NAME``: write a starter course that builds, previews and validates as is.

The starter has a commented ``course.yaml``, one lesson, one true-false question and a
``media/`` folder with a picture the lesson shows. Nothing is overwritten: the target folder
must not exist (or be empty). Files are written into a temporary folder beside the target and
moved into place at the end, so an interrupted run leaves no half-written course.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Dict, Optional

from builder import formats
from builder.console import command_line
from builder.problems import CoursepackError, display_path


class ScaffoldError(CoursepackError):
    """The starter cannot be written where the author asked (exit code 2: bad input)."""

    exit_code = 2

    def __init__(self, message: str, hint: Optional[str] = None):
        super().__init__(message + (f"\n    hint: {hint}" if hint else ""))


COURSE_YAML = """\
# {title}: the outline and settings of this course.
# Every key is described in coursepack's README ("Course source format").
#
#   coursepack preview {folder}    live preview with a test LMS and a data inspector
#   coursepack validate {folder}   every check of the build, plus warnings (lint)
#   coursepack build {folder}      writes dist/{id}-<version>-{format}.zip

# A stable identifier: lowercase letters, digits and '-'. The LMS keeps learner records under
# it, so keep it when you publish a new version of the course.
id: {id}
title: {title_yaml}    # at most 200 characters
version: 0.1.0        # semantic version; it is part of the zip's name
language: en          # the player's own words (buttons, notices): en or es
description: >-
  One or two sentences that tell the learner what the course covers.
# duration_minutes: 30     # optional: estimated time to finish

# Tracking: what the LMS records. See "Status and mastery score" in the README.
pass_mark: 75                       # percent of the quiz a learner needs to pass
status_rule: passed/incomplete      # lesson_status on a pass / after a failed attempt
mastery_score_in_manifest: false    # false: the course decides pass or fail itself (recommended)
completion: both                    # finished when: lessons | quiz | both

# The lessons, in order. Each file is an HTML fragment (what goes inside <body>).
# Group lessons with 'modules:' instead once the course grows.
lessons:
  - id: welcome
    title: "Welcome"
    file: lessons/01-welcome.html

quiz: quiz.yaml

# Warnings from 'coursepack validate' (see "Lint warnings" in the README).
lint:
  media_budget_kb: 10000   # warn about a packaged file larger than this (kB)
  ignore: []               # warning codes to silence, e.g. [file-unused]

# Optional blocks: remove the '# ' in front of one to turn it on (see the README).
#
# Continuing education: shown to the learner, and a printable certificate once the course is
# passed (turn the certificate off with 'certificate: false').
# ce:
#   credit_hours: 1
#   provider: "Name of the CE provider"
#   approval: "Insert the approval statement of the accrediting board here"
#
# The look of the player ("Theming and template overrides"); colours are checked for contrast.
# theme:
#   colors: {{accent: "#7b2d8e"}}   # the default is "#245b8f"
#   fonts: {{body: "Georgia, serif"}}
#
# Scores and completions to a Learning Record Store as well ("xAPI reporting").
# xapi:
#   base_iri: https://ce.example.org/xapi    # an address you control; never change it
#   lms_homepage: https://lms.example.org
"""

QUIZ_YAML = """\
# The quiz. Each question is sent to the LMS as an interaction; its id is the interaction id.
title: "Check your understanding"
attempts: 3            # 0 means unlimited
questions:
  - id: lessons_are_fragments    # lowercase letters, digits and '_', starting with a letter
    type: true-false
    text: "A lesson file holds only what goes inside <body>, without <html> or <head>."
    answer: true
    explanation: "The player page supplies the rest and shows the lesson title as its heading."
"""

LESSON_HTML = """\
<p>Welcome to <strong>{title_html}</strong>. This is the first lesson: replace this text with your own.</p>

<figure>
  <img src="../media/welcome.svg" alt="A page with a heading, a picture and text, standing for a lesson.">
  <figcaption>Pictures, audio and video go in the media folder.</figcaption>
</figure>

<h3>Writing lessons</h3>
<p>A lesson is an HTML fragment. The player shows the lesson title as the heading, so use
<code>&lt;h3&gt;</code> for sections and <code>&lt;h4&gt;</code> inside them.</p>
<ul>
  <li>Point to files relative to this lesson, for example <code>../media/welcome.svg</code>.</li>
  <li>Links to other sites open in a new window, so the course keeps running.</li>
  <li>Add a lesson: write a new file in <code>lessons/</code> and list it in <code>course.yaml</code>.</li>
</ul>

<h3>Trying it out</h3>
<p>Run <code>coursepack preview</code> on this folder: the course opens beside a test LMS that shows
every call it makes. Save a file and the preview rebuilds and reloads by itself.</p>
"""

WELCOME_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200" role="img">
  <rect x="0.5" y="0.5" width="319" height="199" rx="12" fill="#f4f6fb" stroke="#9aa7c7"/>
  <rect x="24" y="24" width="180" height="18" rx="4" fill="#3b4f8a"/>
  <rect x="24" y="60" width="120" height="92" rx="6" fill="#c9d4f0"/>
  <circle cx="62" cy="92" r="14" fill="#ffffff"/>
  <path d="M32 146 L70 112 L96 134 L112 120 L138 146 Z" fill="#7d92cc"/>
  <rect x="160" y="64" width="136" height="10" rx="3" fill="#9aa7c7"/>
  <rect x="160" y="84" width="120" height="10" rx="3" fill="#9aa7c7"/>
  <rect x="160" y="104" width="130" height="10" rx="3" fill="#9aa7c7"/>
  <rect x="160" y="124" width="96" height="10" rx="3" fill="#9aa7c7"/>
  <rect x="24" y="168" width="272" height="10" rx="3" fill="#c9d4f0"/>
</svg>
"""

MAX_ID = 64


def course_id(name: str) -> str:
    """A valid course id from a folder name: ``My Course 2`` -> ``my-course-2``, ``Éthique`` -> ``ethique``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")  # É -> E
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = ("course-" + slug).strip("-")
    return slug[:MAX_ID].rstrip("-")


def course_title(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "New Course"


def starter_files(folder: str, title: str, cid: str) -> Dict[str, str]:
    """The starter course: relative path -> text."""
    # only when a starter is written
    from html import escape

    return {
        "course.yaml": COURSE_YAML.format(
            title=title,
            title_yaml=json.dumps(title, ensure_ascii=False),
            id=cid,
            folder=folder,
            format=formats.DEFAULT,
        ),
        "quiz.yaml": QUIZ_YAML,
        "lessons/01-welcome.html": LESSON_HTML.format(title_html=escape(title)),
        "media/welcome.svg": WELCOME_SVG,
    }


def create(target: Path, title: Optional[str] = None) -> Dict[str, str]:
    """Write the starter course into the new folder *target*; return the files written.

    :raises ScaffoldError: when *target* exists and is not an empty folder, or the title is unusable.
    """
    target = Path(target)
    shown = display_path(target)
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise ScaffoldError(
            f"'{shown}' already exists; coursepack new never overwrites anything",
            hint="choose a new folder name, or move the existing folder away first",
        )
    name = target.resolve().name
    title = (title or course_title(name)).strip()
    if not title or len(title) > 200:
        raise ScaffoldError(
            f"the title must be 1 to 200 characters long, not {len(title)}", hint="give a shorter --title"
        )
    files = starter_files(shown, title, course_id(name))

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())
        if target.exists():
            target.rmdir()  # empty, checked above; rename needs the name free on every platform
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return files


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def new_command(target: Path, title: Optional[str]) -> None:
    """The body of ``coursepack new``: write the starter, then say what to do next."""
    # the CLI's echo, only for the command
    import click

    files = create(target, title)
    shown = display_path(target)
    click.echo(f"created {shown}/ ({', '.join(sorted(files))})", err=True)
    click.echo(f"next: {command_line('coursepack', 'preview', shown)}", err=True)
