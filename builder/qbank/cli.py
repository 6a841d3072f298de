"""``coursepack import-questions`` and ``coursepack export-questions`` (loaded only when one of them runs)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click

from builder.cli import QUIET_HELP, _course_folders, _run
from builder.console import Console
from builder.problems import InvalidCourse, Problems, display_path

STRICT = "Treat warnings (a changed scoring, a question left out) as errors: exit 2, and nothing is written."


def _refused(console: Console, problems, strict: bool) -> None:
    problems = Problems(problems)
    console.problems(problems)
    n = len(problems.errors)
    note = " (--strict: warnings count as errors)" if strict else ""
    console.error(f"{n} problem{'s' if n != 1 else ''} found{note}; nothing was written")
    sys.exit(2)


def _strict(problems) -> Problems:
    from builder.lint import as_errors  # only with --strict

    return Problems(as_errors(problems))


def _write(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a new temporary file in the same folder, renamed at the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:  # created, never opened through an existing file or link
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


@click.command("import-questions")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    default="quiz.yaml",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The quiz file to write; images go into the media folder beside it.",
)
@click.option("--merge", is_flag=True, help="Add the questions to the quiz file OUT instead of writing a new one.")
@click.option(
    "--skip-unsupported",
    is_flag=True,
    help="Leave out, with a warning, the questions coursepack cannot hold (Cloze, drag and drop …) instead of failing.",
)
@click.option("--strict", is_flag=True, help=STRICT)
@click.option("-q", "--quiet", count=True, help=QUIET_HELP)
def import_questions(files, out, merge, skip_unsupported, strict, quiet):
    """Import the questions of GIFT (.gift, .txt) and Moodle XML (.xml) files into quiz.yaml.

    Comments in the file say where a question was adapted; a warning names every question whose
    scoring changes. With --merge, questions already in OUT are left out and the rest added after
    its questions (categories go to the pools of the same name). Nothing is written on an error.
    """
    from builder.qbank.importer import import_banks  # not for --help: lxml and the type definitions are slow to load

    console = Console(quiet)
    try:
        result = _run(lambda: import_banks(files, out, merge, skip_unsupported), console)
    except InvalidCourse as exc:
        _refused(console, _strict(exc.problems) if strict else exc.problems, strict)
    if strict and result.warnings:
        _refused(console, _strict(result.warnings), strict)
    console.problems(result.warnings)
    for line in result.known:
        console.line(line)

    def write():
        for path, data in result.media:
            _write(path, data)
        _write(out, result.text.encode("utf-8"))

    if result.imported:  # --merge with every question there already: the file stays as it is
        _run(write, console)
    parts = [f"{result.skipped} left out"] if result.skipped else []
    parts += [f"{len(result.known)} already there"] if result.known else []
    parts += [f"{len(result.media)} image{'s' if len(result.media) != 1 else ''} written"] if result.media else []
    extra = f" ({', '.join(parts)})" if parts else ""
    verb = "added" if merge else "imported"
    n = result.imported
    console.line(f"{verb} {n} question{'s' if n != 1 else ''} {'to' if merge else 'into'} {display_path(out)}{extra}")


@click.command("export-questions")
@click.argument("course", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["moodle-xml", "gift"]),
    default=None,
    help="moodle-xml (default, or from -o's extension) or gift.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="The file to write (default: <course id>-questions.xml or .txt here; '-' for stdout).",
)
@click.option("--strict", is_flag=True, help=STRICT)
@click.option("-q", "--quiet", count=True, help=QUIET_HELP)
def export_questions(course, fmt, out, strict, quiet):
    """Write the quiz of COURSE (default: the current folder) as a question bank Moodle imports.

    A pool becomes a category; what Moodle cannot hold travels in 'coursepack:' comments, so
    import-questions reads the same questions back. A warning names each question Moodle would
    score differently, or cannot hold (it is left out).
    """
    from builder.qbank.exporter import FORMATS, export  # not for --help: the course reader is slow to load

    (course,) = _course_folders((course,) if course else (), "the course folder to export")
    if fmt is None:
        by_extension = {".xml": "moodle-xml", ".txt": "gift", ".gift": "gift"}
        fmt = (
            by_extension.get(out.suffix.lower(), "moodle-xml") if out is not None and str(out) != "-" else "moodle-xml"
        )
    console = Console(quiet)
    try:
        result = _run(lambda: export(course, fmt), console)
    except InvalidCourse as exc:
        _refused(console, exc.problems, strict)
    if strict and result.warnings:
        _refused(console, _strict(result.warnings), strict)
    console.problems(result.warnings)
    if out is not None and str(out) == "-":
        click.echo(result.data, nl=False)
        return
    target = out or Path(f"{result.course_id}-questions{FORMATS[fmt]}")
    _run(lambda: _write(target, result.data), console)
    left = f"; {result.left_out} left out" if result.left_out else ""
    console.line(f"exported {result.count} question{'s' if result.count != 1 else ''} to {display_path(target)}{left}")
