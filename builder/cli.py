"""The ``coursepack`` command line: thin commands over :mod:`builder.pipeline`.

Exit codes: 0 success, 1 the build failed (disk, permissions, an internal error), 2 invalid
input (course sources, a package, or the command line itself). Diagnostics go to stderr as
``path:line:col: error: message`` lines, every problem at once.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

import click

from builder import __version__
from builder.problems import CoursepackError, InvalidCourse, Problems, display_path
from builder.xapi import options as xapi_options

SCHEMAS_ENV = "COURSEPACK_SCORM12_SCHEMAS"
HELP_OUT = "Folder for the packages (created if needed)."
HELP_SCHEMAS = (
    f"Folder with the official SCORM 1.2 XSDs (adlcp_rootv1p2.xsd …) to validate the manifest "
    f"against. Default: ${SCHEMAS_ENV}, else only coursepack's own checks run."
)


def _schemas(value):
    value = value or os.environ.get(SCHEMAS_ENV)
    return Path(value) if value else None


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def _report_problems(problems, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"ok": False, "problems": [p.as_dict() for p in problems]}, indent=2))
    for problem in sorted(problems, key=lambda p: (p.file, p.line or 0, p.col or 0)):
        click.echo(problem.format(), err=True)


def _run(fn):
    """Run a command body, turning our errors into messages and exit codes, never tracebacks."""
    try:
        return fn()
    except InvalidCourse:
        raise
    except CoursepackError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{where}", err=True)
        sys.exit(1)
    except Exception as exc:  # an internal defect: one line, the traceback on request
        if os.environ.get("COURSEPACK_DEBUG"):
            raise
        click.echo(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("    hint: re-run with COURSEPACK_DEBUG=1 for the traceback, and report it", err=True)
        sys.exit(1)


class _Progress:
    """One self-overwriting status line on a terminal: files and bytes written so far."""

    def __init__(self):
        self.last = 0.0
        self.shown = False

    def __call__(self, package, files, done):
        now = time.monotonic()
        if now - self.last < 0.2 and files != len(package.entries):
            return
        self.last = now
        self.shown = True
        click.echo(
            f"\r\033[K{package.path.name}: {files}/{len(package.entries)} files, {_size(done)}", err=True, nl=False
        )

    def clear(self):
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)


class LazyGroup(click.Group):
    """A command group that imports some of its commands only when one is used (or listed by --help).

    :param lazy_commands: command name -> ``"module:attribute"`` of the command object.
    """

    def __init__(self, *args, lazy_commands=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx, name):
        if name in self.lazy_commands and name not in self.commands:
            module, attribute = self.lazy_commands[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in self.lazy_commands:
            for name in self.lazy_commands:  # an unknown name: Click's "did you mean" looks at self.commands
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


#: Commands whose modules a build does not need: imported when one runs, so start-up stays short.
LAZY_COMMANDS = {"xapi": "builder.xapi.cli:xapi", "relay": "builder.xapi.relay.cli:relay"}


@click.group(cls=LazyGroup, lazy_commands=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="coursepack")
def main():
    """Compile a course (outline, lesson HTML, quiz) into packages that LMSs track."""


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o", "--out", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path), help=HELP_OUT
)
@click.option("--schemas", type=click.Path(path_type=Path), help=HELP_SCHEMAS)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Threads that compress (default: all cores). The zip is identical whatever the number.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (with sha256) on stdout.")
@click.option(
    "--format",
    "formats",
    default="scorm12",
    show_default=True,
    callback=xapi_options.parse_formats,
    help=xapi_options.HELP_FORMAT,
)
@click.option("--xapi-relay", metavar="URL", help=xapi_options.HELP_RELAY)
@click.option("--xapi-embed-endpoint", metavar="URL", help=xapi_options.HELP_EMBED)
@click.option(
    "--xapi-key-env", metavar="NAME", default=xapi_options.KEY_ENV, show_default=True, help=xapi_options.HELP_KEY_ENV
)
def build(sources, out_dir, schemas, jobs, quiet, as_json, formats, xapi_relay, xapi_embed_endpoint, xapi_key_env):
    """Build each course folder in SOURCES into a package per format (default: a SCORM 1.2 zip)."""
    from builder.pipeline import build as run_build
    from builder.suspend import SCORM12_LIMIT  # start-up: like the pipeline, loaded by a build only

    progress = _Progress() if not quiet and sys.stderr.isatty() else None
    try:
        result = _run(
            lambda: run_build(
                sources,
                out_dir,
                formats,
                _schemas(schemas),
                jobs=jobs,
                progress=progress,
                digest=as_json,
                xapi_embed=xapi_options.build_embed(xapi_embed_endpoint, xapi_key_env, xapi_relay),
            )
        )
    except InvalidCourse as exc:
        problems = Problems(exc.problems)
        _report_problems(problems, as_json)
        errors = len(problems.errors)
        click.echo(f"error: {errors} problem{'s' if errors != 1 else ''} found; nothing was written", err=True)
        sys.exit(2)
    if progress:
        progress.clear()
    for warning in result.warnings:
        if not quiet or warning.code == xapi_options.EMBED_WARNING:  # a baked-in key is always said
            click.echo(warning.format(), err=True)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": True,
                    "seconds": round(result.seconds, 3),
                    "packages": [
                        {
                            "course": p.course.id,
                            "version": p.course.version,
                            "format": p.format,
                            "path": display_path(p.path),
                            "size": p.size,
                            "files": len(p.entries),
                            "sha256": p.sha256,
                            "runtime_gzip_bytes": p.runtime_gzip_bytes,
                            "suspend_data_worst_case": p.suspend_worst_case,
                        }
                        for p in result.packages
                    ],
                    "warnings": [w.as_dict() for w in result.warnings],
                },
                indent=2,
            )
        )
    if not quiet:
        for p in result.packages:
            click.echo(
                f"built {display_path(p.path)} ({p.format}, {len(p.entries)} files, {_size(p.size)}; "
                f"runtime {_size(p.runtime_gzip_bytes)} gzipped; "
                f"suspend_data at most {p.suspend_worst_case} of {SCORM12_LIMIT} characters)",
                err=True,
            )
        n = len(result.packages)
        warn = len(result.warnings)
        click.echo(
            f"{n} package{'s' if n != 1 else ''} built in {result.seconds:.2f} s"
            f"{f' ({warn} warning' + ('s' if warn != 1 else '') + ')' if warn else ''}",
            err=True,
        )


@main.command()
@click.argument("target", type=click.Path(path_type=Path, exists=True))
@click.option("--schemas", type=click.Path(path_type=Path), help=HELP_SCHEMAS)
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON on stdout.")
@click.option("--strict", is_flag=True, help="Treat warnings (lint findings) as errors: exit 2 if there are any.")
def validate(target, schemas, as_json, strict):
    """Check a course folder or a built zip without writing anything.

    A course folder also gets the lint checks (warnings with a code, e.g. [img-alt]).
    """
    schemas_dir = _schemas(schemas)
    problems = Problems()
    started = time.perf_counter()

    def check():
        if target.is_dir():
            from builder.pipeline import prepare

            try:
                result = prepare([target], Path(".coursepack-validate"), ("scorm12",), schemas_dir)
            except InvalidCourse as exc:
                problems.extend(exc.problems)
                return None
            problems.extend(result.warnings)
            return f"{len(result.packages[0].entries)} files would be packaged"
        from builder.scorm.checkzip import check_zip

        count = check_zip(target, problems, schemas_dir)
        return f"{count} files" if count is not None else None

    summary = _run(check)
    if strict:
        from builder.lint import as_errors

        problems = Problems(as_errors(problems))
    if problems:
        _report_problems(problems, as_json and bool(problems.errors))  # one JSON document either way
    if problems.errors:
        n = len(problems.errors)
        note = " (--strict: warnings count as errors)" if strict else ""
        click.echo(f"error: {display_path(target)}: {n} problem{'s' if n != 1 else ''} found{note}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps({"ok": True, "problems": [p.as_dict() for p in problems]}, indent=2))
    schema_note = (
        "manifest valid against the SCORM 1.2 schemas" if schemas_dir else "schemas not checked (use --schemas)"
    )
    click.echo(
        f"ok: {display_path(target)} ({summary}; {schema_note}) in {time.perf_counter() - started:.2f} s", err=True
    )


@main.command()
@click.argument("name", type=click.Path(path_type=Path))
@click.option("--title", help="The course title (default: from the folder name).")
def new(name, title):
    """Create a starter course in the new folder NAME.

    The course builds, previews and validates as is. NAME must not exist (or be an empty folder).
    """
    from builder.scaffold import new_command

    _run(lambda: new_command(name, title))


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-p",
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port on 127.0.0.1 (default: the first free one from 8000; 0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
def preview(source, port, open_browser):
    """Serve SOURCE in a test LMS with a data inspector.

    Rebuilds when a file changes and reloads the page; a change that does not build shows its
    errors while the last good build stays up. Listens on 127.0.0.1 only.
    """
    from builder.preview.server import run_preview

    _run(lambda: run_preview(source, port, open_browser))


@main.command("verify-code")
@click.option(
    "--course",
    "course",
    required=True,
    metavar="ID_OR_FOLDER",
    help="The course id (course.yaml 'id'), or the course folder.",
)
@click.option(
    "--version",
    "version",
    metavar="VERSION",
    help="The course version printed on the certificate (default with a folder: its version).",
)
@click.option(
    "--learner", required=True, help="The learner's id in the LMS (cmi.core.student_id; Moodle: the username)."
)
@click.option(
    "--date", "date", required=True, metavar="YYYY-MM-DD", help="The completion date printed on the certificate."
)
@click.option(
    "--code", "typed", metavar="CODE", help="The code on the certificate: check it (exit 0 if it matches, 1 if not)."
)
def verify_code(course, version, learner, date, typed):
    """Compute the verification code of a certificate, or check one.

    The code derives from the course id, the version, the learner id and the date (README,
    "The certificate"); a certificate whose printed details do not give its code was altered.
    """
    from builder.certificate import normalize_code, parse_date, verification_code

    course_id = course
    folder = Path(course)
    if (folder / "course.yaml").is_file():
        import yaml

        data = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8")) or {}
        course_id = str(data.get("id", ""))
        version = version or (str(data["version"]) if data.get("version") is not None else None)
    if not version:
        raise click.BadParameter("give the course version printed on the certificate", param_hint="--version")
    try:
        parse_date(date)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from None
    code = verification_code(course_id, version, learner, date)
    if typed is None:
        click.echo(code)
        return
    if normalize_code(typed) == code:
        click.echo(f"match: {code}")
        return
    click.echo(f"no match: these details give {code}, the certificate says {normalize_code(typed) or '(nothing)'}")
    sys.exit(1)
