"""Course releases as the server side knows them: what a built package (or its course folder) says.

The relay checks statements against them and the completions report prints their details. A
release is one course at one version, read from either input, which give the same thing:

* a built package (SCORM or Tin Can zip): the runtime configuration in ``index.html``
  (``<script id="course-config">``, docs/architecture.md section 3) and, for the report, the CE
  provider and approval statement printed on its certificate view;
* a course folder: the same configuration made by :func:`builder.page.runtime_config.runtime_config`
  from the loaded course, and the provider and approval from ``course.yaml`` ``ce:``.

The answer keys stay sealed in the configuration; the relay unseals one on the server when it
checks an answer (:mod:`builder.xapi.relay.answers`). Nothing here is ever served.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from builder.problems import InvalidCourse
from builder.xapi.embed import UsageError

MAX_INDEX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Release:
    """One course at one version: its runtime configuration and the CE details printed on its certificate."""

    config: Dict[str, Any] = field(repr=False)  #: the whole runtime configuration (answer keys sealed)
    where: str  #: the folder or package it was read from, for messages
    provider: str = ""
    approval: str = ""

    @property
    def xapi(self) -> Optional[Dict[str, Any]]:
        xapi = self.config.get("xapi")
        return xapi if isinstance(xapi, dict) else None

    @property
    def course_id(self) -> str:
        return str(self.config["course"]["id"])

    @property
    def course_iri(self) -> str:
        return self.xapi["course"]["id"]

    @property
    def version(self) -> str:
        return str(self.config["course"]["version"])

    @property
    def title(self) -> str:
        return str(self.config["course"].get("title", ""))

    @property
    def language(self) -> str:
        return str(self.config["course"].get("language", ""))

    @property
    def pass_mark(self) -> float:
        return float(self.config.get("passMark", 0))

    @property
    def quiz(self) -> Optional[Dict[str, Any]]:
        return self.config.get("quiz")

    @property
    def certificate(self) -> bool:
        return bool(self.config.get("certificate"))

    @property
    def credit_hours(self):
        return self.xapi.get("creditHours") if self.xapi else None


# ---------------------------------------------------------------------- packages
class _PackagePage(HTMLParser):
    """From ``index.html``: the runtime configuration's text, the certificate's provider and approval.

    The provider is the ``<dd>`` of the wide fact in ``dl.certificate-facts`` and the approval
    statement ``p.certificate-approval`` (templates/certificate.html); a course that overrides
    that template may print them elsewhere, and then they are simply not found.
    """

    def __init__(self) -> None:
        super().__init__()
        self.config: Optional[str] = None
        self.provider = ""
        self.approval = ""
        self._into: Optional[str] = None
        self._wide = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "script" and a.get("id") == "course-config" and self.config is None:
            self._into, self.config = "config", ""
        elif tag == "div" and "wide" in classes:
            self._wide = True
        elif tag == "dd" and self._wide and not self.provider:
            self._into = "provider"
        elif tag == "p" and "certificate-approval" in classes and not self.approval:
            self._into = "approval"

    def handle_endtag(self, tag):
        if tag in ("script", "dd", "p"):
            self._into = None
        if tag == "div":
            self._wide = False

    def handle_data(self, data):
        if self._into:
            setattr(self, self._into, getattr(self, self._into) + data)


def _index_of(zf: zipfile.ZipFile, where) -> str:
    """The page of an open package, within the size a package's page can have."""
    try:
        info = zf.getinfo("index.html")
    except KeyError:
        raise UsageError(f"{where}: not a coursepack package (no index.html)") from None
    if info.file_size > MAX_INDEX_BYTES:
        raise UsageError(f"{where}: index.html is too large for a coursepack package")
    return zf.read(info).decode("utf-8")


def release_from_zip(path: Path, zf: Optional[zipfile.ZipFile] = None) -> Release:
    """The release a built package holds (*zf*: the package already open, so it is not opened again).

    :raises UsageError: the file is not a coursepack package.
    """
    try:
        if zf is not None:
            text = _index_of(zf, path)
        else:
            with zipfile.ZipFile(path) as opened:
                text = _index_of(opened, path)
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a readable zip file"
        raise UsageError(f"{path}: {reason}") from None
    page = _PackagePage()
    page.feed(text)
    try:
        config = json.loads(page.config or "")
    except ValueError:
        config = None
    if not isinstance(config, dict) or not isinstance(config.get("course"), dict):
        raise UsageError(f"{path}: index.html has no coursepack runtime configuration")
    return Release(config, str(path), " ".join(page.provider.split()), " ".join(page.approval.split()))


def release_from_source(folder: Path) -> Release:
    """The release a course folder builds into (its runtime configuration, without building it)."""
    # the loaders load only when a folder is given (start-up of the report and the relay)
    from builder.page.runtime_config import runtime_config
    from builder.sources.course import load_course

    try:
        course, _ = load_course(folder)
    except InvalidCourse as exc:
        raise UsageError(
            f"{folder}: the course folder has {len(exc.problems)} problem(s); run 'coursepack validate {folder}'"
        ) from None
    ce = course.ce
    return Release(runtime_config(course), str(folder), ce.provider if ce else "", ce.approval if ce else "")


def _inputs(path: Path, option: str) -> Iterable[Tuple[Path, bool]]:
    """``(course folder or zip, named explicitly)`` for one path given to *option*."""
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise UsageError(f"{option} {path}: give a course folder, a built package (.zip), or a folder holding them")
        yield path, True
    elif (path / "course.yaml").is_file():
        yield path, True
    elif path.is_dir():
        found = False
        for child in sorted(path.iterdir()):
            if (child.is_dir() and (child / "course.yaml").is_file()) or (
                child.is_file() and child.suffix.lower() == ".zip"
            ):
                found = True
                yield child, False
        if not found:
            raise UsageError(f"{option} {path}: holds no course folder (with course.yaml) and no .zip")
    else:
        raise UsageError(f"{option} {path}: no such file or folder")


def load_releases(paths: Iterable[Path], option: str = "--courses", warn=None) -> List[Release]:
    """The releases with xAPI reporting in course folders, packages, or folders holding them.

    A path named explicitly must have xAPI reporting; inside a folder such as ``dist/`` the others
    are skipped with a warning.

    :raises UsageError: a path that cannot be read.
    """
    out: List[Release] = []
    for given in paths:
        for item, explicit in _inputs(Path(given), option):
            release = release_from_zip(item) if item.is_file() else release_from_source(item)
            if release.xapi is None:
                message = (
                    f"{item}: the course has no xAPI reporting (no 'xapi:' block in course.yaml"
                    f"{' when it was built' if item.is_file() else ''})"
                )
                if explicit:
                    raise UsageError(message)
                if warn:
                    warn(f"warning: {message}; skipped")
                continue
            out.append(release)
    return out
