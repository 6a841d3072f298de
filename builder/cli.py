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
from typing import Optional

import click

from builder import __version__, formats
from builder.console import Console
from builder.presets import PRESETS
from builder.problems import CoursepackError, InvalidCourse, Problems, display_path
from builder.xapi import options as xapi_options

SCHEMAS_ENV = "COURSEPACK_SCORM12_SCHEMAS"
HELP_OUT = "Folder for the packages (created if needed)."
HELP_SCHEMAS = (
    f"Folder with the official XSDs of the format's descriptor (SCORM 1.2: adlcp_rootv1p2.xsd …; SCORM 2004: "
    f"imscp_v1p1.xsd, imsss_v1p0.xsd …; cmi5: CourseStructure.xsd), or a folder holding scorm12/, scorm2004/ and "
    f"cmi5/ (a copy of the official schemas), to validate against. Default: ${SCHEMAS_ENV}, else only "
    f"coursepack's own checks run."
)
HELP_LMS = "The LMS the package is for: its preset supplies the defaults course.yaml leaves out (in place of 'lms:')."
HELP_FORMAT = (
    "Output formats, comma-separated (default: the course's 'tracking: format' or its LMS preset's, else {default}; "
    "with --previous, the format of the package it replaces): {choices}."
)


class _FormatOption(click.Option):
    """``--format``: its help lists the formats registered when the help is shown."""

    def get_help_record(self, ctx):
        self.help = HELP_FORMAT.format(default=formats.DEFAULT, choices=", ".join(formats.names()))
        return super().get_help_record(ctx)


def parse_formats(ctx, param, value: Optional[str]):
    """``--format`` callback: registered format names, comma-separated, each once (None: not given)."""
    if value is None:
        return None
    try:
        return formats.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def parse_one_format(ctx, param, value: str) -> str:
    """``preview --format``: one registered format (one package runs in the test LMS at a time)."""
    names = parse_formats(ctx, param, value)
    if len(names) != 1:
        raise click.BadParameter(f"preview one format at a time, not {len(names)} ({', '.join(names)})")
    return names[0]


def _schemas(value):
    value = value or os.environ.get(SCHEMAS_ENV)
    return Path(value) if value else None


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def _run(fn, console: Optional[Console] = None):
    """Run a command body, turning our errors into messages and exit codes, never tracebacks."""
    console = console or Console()
    try:
        return fn()
    except InvalidCourse:
        raise
    except CoursepackError as exc:
        console.error(str(exc))
        sys.exit(exc.exit_code)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        console.error(f"{exc.strerror or exc}{where}")
        sys.exit(1)
    except Exception as exc:  # an internal defect: one line, the traceback on request
        if os.environ.get("COURSEPACK_DEBUG"):
            raise
        console.error(f"internal error: {type(exc).__name__}: {exc}")
        click.echo(
            console.paint("\n    hint: re-run with COURSEPACK_DEBUG=1 for the traceback, and report it")[1:],
            err=True,
            color=console.colour,
        )
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
LAZY_COMMANDS = {
    "xapi": "builder.xapi.cli:xapi",
    "relay": "builder.xapi.relay.cli:relay",
    "import-questions": "builder.qbank.cli:import_questions",
    "export-questions": "builder.qbank.cli:export_questions",
}


@click.group(cls=LazyGroup, lazy_commands=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="coursepack")
def main():
    """Compile a course (outline, lesson HTML, quiz) into packages that LMSs track."""


def _course_folders(given, what: str):
    """The folders given, or the current folder when it holds a course.yaml (as MkDocs does)."""
    if given:
        return tuple(given)
    if Path("course.yaml").is_file():
        return (Path("."),)
    ctx = click.get_current_context()
    param = next(p for p in ctx.command.params if isinstance(p, click.Argument))
    hint = f"'{param.name.upper()}{'...' if param.nargs == -1 else ''}'"
    raise click.MissingParameter(
        f"The current folder has no course.yaml: give {what}.", ctx=ctx, param=param, param_hint=hint
    )


QUIET_HELP = "-q: no progress or summary lines (warnings stay); -qq: errors only."
STRICT_HELP = "Treat warnings (lint findings) as errors: exit 2, and build writes nothing."


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
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
@click.option("-q", "--quiet", count=True, help=QUIET_HELP)
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary (with sha256) on stdout.")
@click.option("--format", "format_names", cls=_FormatOption, default=None, callback=parse_formats)
@click.option(
    "--debug",
    is_flag=True,
    help="Package the player's scripts and stylesheet readable, one file each (default: minified, one script).",
)
@click.option("--xapi-relay", metavar="URL", help=xapi_options.HELP_RELAY)
@click.option("--xapi-embed-endpoint", metavar="URL", help=xapi_options.HELP_EMBED)
@click.option(
    "--xapi-key-env", metavar="NAME", default=xapi_options.KEY_ENV, show_default=True, help=xapi_options.HELP_KEY_ENV
)
@click.option(
    "--previous",
    metavar="OLD.zip",
    type=click.Path(path_type=Path),
    help="The package (or course folder) this version replaces: the new package reads its learners' progress, and "
    "a change that would lose progress stops the build (see 'coursepack diff').",
)
@click.option("--lms", type=click.Choice(sorted(PRESETS)), help=HELP_LMS)
def build(
    sources,
    out_dir,
    schemas,
    jobs,
    quiet,
    strict,
    as_json,
    format_names,
    debug,
    xapi_relay,
    xapi_embed_endpoint,
    xapi_key_env,
    previous,
    lms,
):
    """Build each course folder in SOURCES (default: the current folder) into a package per format."""
    # loaded when this command runs (start-up of the others)
    from builder.pipeline import build as run_build

    sources = _course_folders(sources, "the course folders to build")
    if previous is not None and len(sources) != 1:
        raise click.BadParameter("give one course folder to build with --previous", param_hint="'--previous'")
    console = Console(quiet)
    if out_dir.exists() and not out_dir.is_dir():
        raise click.BadParameter(f"'{out_dir}' is a file; give a folder for the packages", param_hint="'-o' / '--out'")
    progress = _Progress() if not quiet and sys.stderr.isatty() else None
    try:
        result = _run(
            lambda: run_build(
                sources,
                out_dir,
                format_names,
                _schemas(schemas),
                jobs=jobs,
                progress=progress,
                digest=as_json,
                xapi_embed=xapi_options.build_embed(xapi_embed_endpoint, xapi_key_env, xapi_relay),
                strict=strict,
                debug=debug,
                previous=previous,
                lms=lms,
            ),
            console,
        )
    except InvalidCourse as exc:
        problems = Problems(exc.problems)
        if as_json:
            click.echo(json.dumps({"ok": False, "problems": [p.as_dict() for p in problems]}, indent=2))
        console.problems(problems)
        errors = len(problems.errors)
        note = " (--strict: warnings count as errors)" if strict else ""
        console.error(f"{errors} problem{'s' if errors != 1 else ''} found{note}; nothing was written")
        sys.exit(2)
    if progress:
        progress.clear()
    console.problems(result.warnings, always=[xapi_options.EMBED_WARNING])  # a baked-in key is always said
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
    for p in result.packages:
        budget = f" of {p.suspend_limit}" if p.suspend_limit is not None else ""
        console.line(
            f"built {display_path(p.path)} ({p.format}, {len(p.entries)} files, {_size(p.size)}; "
            f"runtime {_size(p.runtime_gzip_bytes)} gzipped; "
            f"suspend_data at most {p.suspend_worst_case}{budget} characters)"
        )
    n = len(result.packages)
    warn = len(result.warnings)
    console.line(
        f"{n} package{'s' if n != 1 else ''} built in {result.seconds:.2f} s"
        f"{f' ({warn} warning' + ('s' if warn != 1 else '') + ')' if warn else ''}"
    )


@main.command()
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--schemas", type=click.Path(path_type=Path), help=HELP_SCHEMAS)
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON on stdout.")
@click.option("--strict", is_flag=True, help="Treat warnings (lint findings) as errors: exit 2 if there are any.")
@click.option("-q", "--quiet", count=True, help=QUIET_HELP)
@click.option(
    "--format",
    "format_names",
    default=None,
    callback=parse_formats,
    help=f"For a course folder: the formats to check it for (default: its 'tracking: format' or its LMS preset's, "
    f"else {formats.DEFAULT}). A zip's format is recognised from its descriptor.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="dist",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The output folder your builds use: left out of the checks when it lies inside a course folder.",
)
@click.option("--lms", type=click.Choice(sorted(PRESETS)), help=HELP_LMS)
def validate(targets, schemas, as_json, strict, quiet, format_names, out_dir, lms):
    """Check course folders or built zips (default: the current folder) without writing anything.

    A course folder also gets the lint checks (warnings with a code, e.g. [img-alt]).
    """
    targets = _course_folders(targets, "course folders or zips to validate")
    schemas_dir = _schemas(schemas)
    console = Console(quiet)
    everything = Problems()
    failed = 0
    for target in targets:
        problems, summary, seconds = _validate_one(target, schemas_dir, format_names, out_dir, console, lms)
        if strict:
            # loaded when this command runs (start-up of the others)
            from builder.lint import as_errors

            problems = Problems(as_errors(problems))
        everything.extend(problems)
        console.problems(problems)
        if problems.errors:
            failed += 1
            n = len(problems.errors)
            note = " (--strict: warnings count as errors)" if strict else ""
            console.error(f"{display_path(target)}: {n} problem{'s' if n != 1 else ''} found{note}")
        else:
            console.line(f"ok: {display_path(target)} ({summary}) in {seconds:.2f} s")
    if as_json:
        click.echo(json.dumps({"ok": not failed, "problems": [p.as_dict() for p in everything]}, indent=2))
    if failed:
        sys.exit(2)


def _validate_one(target: Path, schemas_dir, format_names, out_dir: Path, console, lms=None):
    """Every problem of one course folder or zip, a summary of what was checked, and the seconds it took."""
    problems = Problems()
    notes = []
    started = time.perf_counter()

    def check():
        if target.is_dir():
            # loaded when this command runs (start-up of the others)
            from builder.pipeline import prepare

            try:
                result = prepare([target], out_dir, format_names, schemas_dir, lms=lms)
            except InvalidCourse as exc:
                problems.extend(exc.problems)
                return None
            problems.extend(result.warnings)
            notes.extend(dict.fromkeys(formats.get(p.format).schema_note(schemas_dir) for p in result.packages))
            return f"{len(result.packages[0].entries)} files would be packaged"
        found = formats.check_zip(target, problems, schemas_dir)
        if found is None:
            return None
        fmt, count = found
        notes.append(fmt.schema_note(schemas_dir))
        return f"{fmt.title}, {count} files"

    summary = _run(check, console)
    return problems, "; ".join([summary or ""] + notes), time.perf_counter() - started


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON on stdout.")
@click.option("-q", "--quiet", count=True, help=QUIET_HELP)
def diff(old, new, as_json, quiet):
    """Whether NEW can replace OLD under learners part-way through (each a built .zip or a course folder).

    Exit 0 when it can, 1 when a change loses or misreads learners' progress, 2 on bad input.
    """
    # loaded when this command runs (start-up of the others)
    from builder.upgrade.check import diff as run_diff
    from builder.upgrade.findings import summary, verdict

    console = Console(quiet)
    try:
        result = _run(lambda: run_diff(old, new), console)
    except InvalidCourse as exc:
        console.problems(Problems(exc.problems))
        console.error("the course folder has problems; fix them (see 'coursepack validate') and compare again")
        sys.exit(2)
    code = verdict(result.findings)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "old": {"path": result.old.where, "version": result.old.record["course"]["version"]},
                    "new": {"path": result.new.where, "version": result.new.record["course"]["version"]},
                    "formats": result.formats,
                    "safe": code == 0,
                    "findings": [f.as_dict() for f in result.findings],
                },
                indent=2,
            )
        )
    else:
        a, b = result.old.record["course"], result.new.record["course"]
        console.line(f"{a['id']} {a['version']} -> {b['id']} {b['version']} ({', '.join(result.formats)})")
        if result.new.folder:
            console.line(f"  ({result.new.where} is read as built with --previous {result.old.where})")
        for f in result.findings:
            if f.level != "safe" or quiet < 1:
                hint = f"\n    hint: {f.avoid}" if f.avoid else ""
                click.echo(console.paint(f"{f.level}: {f.subject}: {f.effect} [{f.code}]{hint}"), color=console.colour)
        click.echo(summary(result.findings))
    sys.exit(code)


@main.command()
@click.argument("name", type=click.Path(path_type=Path))
@click.option("--title", help="The course title (default: from the folder name).")
def new(name, title):
    """Create a starter course in the new folder NAME.

    The course builds, previews and validates as is. NAME must not exist (or be an empty folder).
    """
    # loaded when this command runs (start-up of the others)
    from builder.scaffold import new_command

    _run(lambda: new_command(name, title))


@main.command()
@click.argument("source", required=False, type=click.Path(path_type=Path))
@click.option(
    "-p",
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port on 127.0.0.1 (default: the first free one from 8000; 0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@click.option(
    "--format",
    "format_name",
    default=formats.DEFAULT,
    callback=parse_one_format,
    help=f"The package to preview, in the test LMS of its standard (default: {formats.DEFAULT}); a cmi5 package "
    "is launched by the preview's cmi5 LMS.",
)
def preview(source, port, open_browser, format_name):
    """Serve SOURCE (default: the current folder) in a test LMS with a data inspector.

    Rebuilds when a file changes and reloads the page; a change that does not build shows its
    errors while the last good build stays up. Listens on 127.0.0.1 only.
    """
    # loaded when this command runs (start-up of the others)
    from builder.preview.server import run_preview

    (source,) = _course_folders((source,) if source else (), "the course folder to preview")
    _run(lambda: run_preview(source, port, open_browser, format_name))


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
    # loaded when this command runs (start-up of the others)
    from builder.certificate import normalize_code, parse_date, verification_code

    course_id = course
    folder = Path(course)
    if folder.is_dir() and not (folder / "course.yaml").is_file():
        raise click.BadParameter(f"the folder '{course}' has no course.yaml", param_hint="--course")
    if folder.is_dir():
        # loaded when this command runs (start-up of the others)
        from builder.sources.course import course_identity

        try:
            course_id, stored_version = course_identity(folder)
        except InvalidCourse as exc:
            Console().problems(exc.problems)
            raise click.BadParameter(
                f"'{course}' is a folder, but its course.yaml does not give the course id and version",
                param_hint="--course",
            ) from None
        version = version or stored_version
    elif os.sep in course or course.startswith(".") or (os.altsep and os.altsep in course):
        raise click.BadParameter(f"the course folder '{course}' does not exist", param_hint="--course")
    if not version:
        raise click.BadParameter(
            f"there is no folder '{course}' here, so it is taken as a course id, and a course id needs "
            "--version (the course version printed on the certificate); or give the course folder",
            param_hint="--course",
        )
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
