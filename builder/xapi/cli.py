"""``coursepack xapi …`` (ping, completions); the xAPI options of ``build`` are in :mod:`.options`.

``builder/cli.py`` registers the group and loads this module only when an ``xapi`` command runs.
Exit codes follow the rest of the tool: 0 success, 1 the LRS could not be reached or refused,
2 invalid input (options, environment, files). Credentials are read from the environment or a
file (:mod:`builder.xapi.lrs`) and never shown.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Tuple

import click

from builder.problems import CoursepackError, InvalidCourse
from builder.xapi.embed import UsageError

BASE_IRI_ENV = "COURSEPACK_XAPI_BASE_IRI"
HELP_CREDENTIALS = (
    "A JSON file with the LRS 'endpoint', 'key' and 'secret' (default: $COURSEPACK_LRS_CREDENTIALS, "
    "else $COURSEPACK_LRS_KEY / $COURSEPACK_LRS_SECRET / $COURSEPACK_LRS_ENDPOINT)."
)


def _fail(exc: CoursepackError):
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _credentials(endpoint, credentials):
    # loaded when this command runs (start-up of the others)
    from builder.xapi.lrs import load_credentials

    return load_credentials(endpoint, credentials, warn=lambda message: click.echo(message, err=True))


def _since(value: Optional[str]) -> Optional[str]:
    """``--since``: a date (midnight UTC) or a date-time; returned as RFC 3339 UTC."""
    if not value:
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        else:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date (2026-01-31) or a date and time (2026-01-31T08:00:00Z)", param_hint="'--since'"
        ) from None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _course_iri(course: str, base_iri: Optional[str]) -> Tuple[str, str]:
    """(course IRI, base IRI) from ``--course``: an IRI, a course folder, or an id with a base IRI."""
    # loaded when this command runs (start-up of the others)
    from builder.xapi.vocab import base_of_course_iri, course_iri

    if "://" in course:
        split = base_of_course_iri(course)
        if split is None:
            raise UsageError(
                f"--course {course}: not a coursepack course IRI (<base>/course/<id>); give the "
                f"course id with --base-iri, or the course folder"
            )
        return course.rstrip("/"), split[0]
    folder = Path(course)
    if (folder / "course.yaml").is_file():
        # loaded when this command runs (start-up of the others)
        from builder.sources.course import load_course

        try:
            loaded, _ = load_course(folder)
        except InvalidCourse as exc:
            raise UsageError(
                f"--course {course}: the course folder has {len(exc.problems)} problem(s); "
                f"run 'coursepack validate {course}'"
            ) from None
        if loaded.xapi is None:
            raise UsageError(f"--course {course}: course.yaml has no 'xapi:' block, so the course has no IRI")
        return course_iri(loaded.xapi.base_iri, loaded.id), loaded.xapi.base_iri
    base = (base_iri or os.environ.get(BASE_IRI_ENV) or "").rstrip("/")
    if not base:
        raise UsageError(
            f"--course {course}: a course id needs the course's base IRI: give --base-iri or set "
            f"${BASE_IRI_ENV} (or give the course IRI, or the course folder)"
        )
    # loaded when this command runs (start-up of the others)
    from builder.sources.xapi import url_problem

    problem = url_problem(base, allow_query=False)
    if problem:
        raise UsageError(f"--base-iri {problem}")
    return course_iri(base, course), base


@click.group("xapi")
def xapi():
    """Talk to a Learning Record Store: check access, report CE completions."""


@xapi.command()
@click.option("--endpoint", metavar="URL", help="The LRS's xAPI endpoint (default from the credentials).")
@click.option("--credentials", type=click.Path(path_type=Path), help=HELP_CREDENTIALS)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=600),
    default=15.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
def ping(endpoint, credentials, timeout):
    """Check that the LRS answers and accepts the credentials."""
    # loaded when this command runs (start-up of the others)
    from builder.xapi.lrs import LRSClient

    try:
        creds = _credentials(endpoint, credentials)
        client = LRSClient(creds, timeout=timeout)
        about = client.about()
        readable = client.can_read()
    except CoursepackError as exc:
        _fail(exc)
    versions = (about or {}).get("version") or []
    said = f"xAPI {', '.join(map(str, versions))}" if versions else "no /about document"
    access = (
        "credentials accepted; statements readable"
        if readable
        else "credentials accepted; this key cannot read statements (right for a package's write-only key; "
        "'completions' needs read access)"
    )
    click.echo(f"ok: {creds.endpoint} answers ({said}); {access}")


@xapi.command()
@click.option(
    "--course",
    "course",
    required=True,
    metavar="ID",
    help="The course: its IRI, its folder, or its id (with --base-iri or $COURSEPACK_XAPI_BASE_IRI).",
)
@click.option("--base-iri", metavar="IRI", help="The course's xapi.base_iri, when --course is an id.")
@click.option(
    "--release",
    "releases",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="A release of the course: its folder, a built package (.zip), or a folder holding them (dist/), "
    "for the title, provider and approval statement of rows of that version; repeatable.",
)
@click.option("--since", metavar="DATE", help="Only completions from this date (or date and time, UTC) on.")
@click.option(
    "--state",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Incremental: report only completions not reported by the last run with this file, and update it.",
)
@click.option(
    "--columns",
    multiple=True,
    metavar="LIST",
    help="The columns, in order, each 'name' or 'name=Header' (comma-separated or repeated). Default: all.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here (default: stdout)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default=None,
    help="csv or json (default: from the output file's extension, else csv).",
)
@click.option("--endpoint", metavar="URL", help="The LRS's xAPI endpoint (default from the credentials).")
@click.option("--credentials", type=click.Path(path_type=Path), help=HELP_CREDENTIALS)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=600),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
def completions(course, base_iri, releases, since, state, columns, output, fmt, endpoint, credentials, timeout):
    """List each learner's first completion of each course release, for a CE board.

    One row per learner and course version: learner id and name, course id, title, version,
    provider, approval statement, CE credit hours, the date printed on the certificate and the UTC
    time, score, verification code, registration and duration (docs/ce-report.md).
    """
    # loaded when this command runs (start-up of the others)
    from builder.xapi import report
    from builder.xapi.completions import Cursor, collect
    from builder.xapi.lrs import LRSClient
    from builder.xapi.releases import load_releases, release_from_source

    since_value = _since(since)
    fmt = fmt or ("json" if output and output.suffix.lower() == ".json" else "csv")
    try:
        chosen = report.parse_columns(columns)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--columns'") from None
    try:
        iri, base = _course_iri(course, base_iri)
        known = load_releases(releases, "--release")
        if (Path(course) / "course.yaml").is_file():
            known.append(release_from_source(Path(course)))
        cursor = Cursor.load(state, iri) if state else None
        client = LRSClient(_credentials(endpoint, credentials), timeout=timeout)
        found = report.Report(iri, base, known)
        collect(client, found, since_value, cursor)
    except CoursepackError as exc:
        _fail(exc)
    rows = found.rows()
    text = report.to_json(rows, chosen) if fmt == "json" else report.to_csv(rows, chosen)
    try:
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            tmp = output.with_name(output.name + ".tmp")
            tmp.write_text(text, encoding="utf-8", newline="")
            os.replace(tmp, output)
        else:
            click.echo(text, nl=False)
        if cursor is not None:
            cursor.save(state)  # only once the rows are out: a failed run reports them again
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename}: {exc.strerror}", err=True)
        sys.exit(1)
    if output:
        click.echo(f"{len(rows)} completion{'s' if len(rows) != 1 else ''} of {iri} written to {output}", err=True)
