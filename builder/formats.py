"""Output formats: one registered class per kind of package, in the spirit of Sphinx's builders.

A format declares everything that differs between packages: its ``--format`` name, the file it
writes first (the descriptor an LMS reads: ``imsmanifest.xml``, ``tincan.xml``), the runtime
adapter the player page loads, the most characters of progress data its LMS API stores, its
checks on a course, and how ``coursepack validate`` checks a zip of it. The pipeline, the CLI
and the preview ask the registry and never branch on a format's name.

Adding a format is a folder with a :class:`Format` subclass (plus its runtime adapter under
``templates/runtime/``) and one line in :data:`BUILTIN`; a plugin or a test calls
:func:`register` instead.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ClassVar, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Type, Union

from builder.problems import Problems, display_path
from builder.questions import TYPES
from builder.resources import adapter_scripts, templates_dir, type_scripts

if TYPE_CHECKING:
    from builder.model import Course
    from builder.zipwriter import Entry

#: The formats coursepack ships, by ``--format`` name: the class, imported when first used so that
#: a SCORM-only build never loads the xAPI modules (start-up time, bench/run.py startup).
BUILTIN: Dict[str, str] = {
    "scorm12": "builder.scorm.scorm12:Scorm12Format",
    "scorm2004": "builder.scorm.scorm2004:Scorm2004Format",
    "xapi": "builder.xapi.tincan:TinCanFormat",
    "cmi5": "builder.xapi.cmi5:Cmi5Format",
}
DEFAULT = "scorm12"

_registry: Dict[str, Union[str, Type["Format"]]] = dict(BUILTIN)


class Format:
    """What a kind of package is. Subclasses set the class attributes and write the descriptor."""

    #: the ``--format`` value, also the end of the package's file name
    name: ClassVar[str] = ""
    #: what the package is, for people ("SCORM 1.2 package")
    title: ClassVar[str] = ""
    #: the package's first entry, the file an LMS reads to import it
    descriptor: ClassVar[str] = ""
    #: the player page that every format's package launches
    launch_file: ClassVar[str] = "index.html"
    #: the runtime script through which the player talks to the LMS: for a built-in format a file of
    #: ``templates/runtime/adapters/``, copied to ``assets/<adapter>``
    adapter: ClassVar[str] = ""
    #: the most characters of progress data (suspend data) the LMS API stores; None: no limit checked
    suspend_limit: ClassVar[Optional[int]] = None
    #: what the limit is called in messages ("cmi.suspend_data")
    suspend_name: ClassVar[str] = "suspend data"
    #: the preview's test LMS (``builder/preview/static/<file>``) that the adapter talks to; by
    #: default the SCORM 1.2 one, which ``scorm12.js`` finds as ``window.API``
    preview_lms: ClassVar[str] = "lms.js"
    #: whether its runtime honours course.yaml's ``tracking:`` options (commit on exit, interactions, launch,
    #: score fields): the SCORM formats; the page of any other gets ``tracking`` null (the defaults)
    reads_tracking: ClassVar[bool] = False

    def filename(self, course: "Course") -> str:
        return f"{course.id}-{course.version}-{self.name}.zip"

    def status_words(self, course: "Course") -> Dict[str, str]:
        """The runtime configuration's ``status``: what the adapter reports on a pass and on a failure."""
        return {"pass": course.status_on_pass, "fail": course.status_on_fail}

    # ------------------------------------------------------------------ checks on the course
    def check(self, course: "Course", problems: Problems, shown: str) -> None:
        """The format's own rules on a course (by default: its adapter exists, its progress data fits the API)."""
        if self.adapter not in {p.name for p in runtime_files(course, self.adapter)}:
            # A package without its adapter would play but never track: refuse it.
            problems.add(
                shown,
                f"'--format {self.name}' cannot build yet: this coursepack has no runtime adapter for the "
                f"{self.title} (templates/runtime/adapters/{self.adapter}), so the package could not report to the LMS",
                hint="choose another --format for now: " + ", ".join(n for n in names() if n != self.name),
            )
        if self.suspend_limit is None:
            return
        # the engine's twin loads only when a course is checked (start-up)
        from builder.suspend import worst_case_length

        worst = worst_case_length(course)
        if worst > self.suspend_limit:
            problems.add(
                shown,
                f"this course's progress data can reach {worst} characters, more than the "
                f"{self.suspend_limit} {self.title.replace(' package', '')} allows in {self.suspend_name}",
                hint="split the course into several packages, or use fewer lessons or questions",
            )

    # ------------------------------------------------------------------ the package
    def identifiers(self, course: "Course") -> Dict[str, str]:
        """What an LMS keys learner records on, by name (the release record's ``identifiers``): a new
        version must keep them all to replace this one."""
        return {"launch": self.launch_file}

    def describe(self, course: "Course", files: Sequence[str]) -> bytes:
        """The descriptor's bytes, given the names of every other file of the package."""
        raise NotImplementedError

    def plan(self, course: "Course", page_html: str, debug: bool = False) -> List["Entry"]:
        """The package's entries: the descriptor first, then every other file sorted by name.

        :param debug: the runtime's readable files instead of its minified bundle (``build --debug``).
        """
        # the zip writer and the release record load only for a build (start-up of the other commands)
        from builder.record import make_record, record_bytes
        from builder.zipwriter import Entry

        record = record_bytes(make_record(course, self.name, self.identifiers(course)))
        files = package_files(course, self.launch_file, page_html, self.adapter, record, debug)
        return [Entry(self.descriptor, data=self.describe(course, [e.name for e in files]))] + files

    def verify(self, entries: List["Entry"], problems: Problems, schemas: Optional[Path] = None) -> None:
        """Prove, before writing, that the descriptor and the file list agree (and, given schemas, its validity)."""
        names = [e.name for e in entries]
        if len(set(names)) != len(names):
            problems.add(self.descriptor, "two files would have the same name in the package")
        if not entries or entries[0].name != self.descriptor:
            problems.add(self.descriptor, "must be the package's first entry")
            return
        self.check_descriptor(entries[0].data, set(names), problems, self.descriptor, schemas)

    def check_descriptor(
        self, data: bytes, names: Set[str], problems: Problems, shown: str, schemas: Optional[Path] = None
    ) -> None:
        """Every rule of the descriptor that a schema cannot check, against the zip's file names."""
        raise NotImplementedError

    # ------------------------------------------------------------------ built zips
    def claims(self, names: Set[str], read: Callable[[str], bytes]) -> bool:
        """Whether a zip with these entries is a package of this format (``validate`` asks each format)."""
        return self.descriptor in names

    def schema_note(self, schemas: Optional[Path]) -> str:
        """What ``validate`` says about schema validation of this format's descriptor."""
        return "no schema for its descriptor"


# ---------------------------------------------------------------------- the registry
def register(cls: Type[Format]) -> Type[Format]:
    """Add a format (usable as a class decorator); its ``name`` becomes a ``--format`` value."""
    if not cls.name or not cls.descriptor or not cls.adapter:
        raise ValueError(f"{cls.__name__} must set name, descriptor and adapter")
    _registry[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove a format added with :func:`register` (a built-in comes back as it was)."""
    if name in BUILTIN:
        _registry[name] = BUILTIN[name]
    else:
        _registry.pop(name, None)


def names() -> Tuple[str, ...]:
    """Every ``--format`` value, the default first."""
    return (DEFAULT,) + tuple(sorted(n for n in _registry if n != DEFAULT))


def get(name: str) -> Format:
    """A new instance of the format called *name* (KeyError if there is none)."""
    entry = _registry[name]
    if isinstance(entry, str):
        module, attribute = entry.split(":")
        entry = _registry[name] = getattr(importlib.import_module(module), attribute)
    return entry()


def adapters() -> Set[str]:
    """Every runtime adapter script, so that a package carries only its own.

    The built-in formats' adapters are the files of ``templates/runtime/adapters/`` (listed, so no
    format module is imported for it: start-up time); a format added with :func:`register`
    contributes its own.
    """
    return set(adapter_scripts()) | {entry.adapter for entry in _registry.values() if not isinstance(entry, str)}


def parse(value: str) -> Tuple[str, ...]:
    """``scorm12``, ``xapi``, ``scorm12,xapi``…: the names in order, each once.

    :raises ValueError: naming the first unknown format and the known ones.
    """
    given = [part.strip() for part in (value or "").split(",") if part.strip()]
    known = names()
    if not given:
        raise ValueError(f"give at least one format: {', '.join(known)}")
    unknown = [n for n in given if n not in known]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; use one or more of {', '.join(known)}, comma-separated")
    return tuple(dict.fromkeys(given))


# ---------------------------------------------------------------------- what every package carries
#: Runtime files a package carries only when its course turns the feature on (``runtime_files(course)``).
OPTIONAL_RUNTIME = {
    "xapi.js": lambda course: course.xapi is not None,
    "certificate.js": lambda course: course.certificate,
}

#: Where the format's adapter goes in :data:`SCRIPT_ORDER`.
ADAPTER_SLOT = "<adapter>"
#: Where the question types' scripts go in :data:`SCRIPT_ORDER`: those of the types the course uses
#: (``Quiz.types``), in the registry's order, each adding itself to quiz.js's engine.
TYPES_SLOT = "<question types>"
#: The order the page loads the runtime scripts in (docs/architecture.md, section 1.1): reporters
#: first (they listen before the player starts), then the adapter, the modules and the player's
#: parts, and player.js last, which wires them and starts. Every script of ``templates/runtime/`` is
#: listed (tests/unit/test_minify.py).
SCRIPT_ORDER = (
    "xapi.js",
    ADAPTER_SLOT,
    "quiz.js",
    TYPES_SLOT,
    "certificate.js",
    "session.js",
    "suspend.js",
    "tracking.js",
    "nav.js",
    "quizview.js",
    "certview.js",
    "player.js",
)
#: The one script a package's page loads, unless built with ``--debug``: the scripts of
#: :data:`SCRIPT_ORDER` minified and joined in that order (builder/minify.py).
BUNDLE = "runtime.min.js"


def runtime_files(course: Optional[Course] = None, adapter: Optional[str] = None) -> List[Path]:
    """The runtime's files a package carries in its ``assets/`` folder, sorted by name.

    With ``build --debug`` they are copied as they are; otherwise :func:`package_files` joins the
    scripts into one minified bundle and minifies the stylesheets.

    Optional files (:data:`OPTIONAL_RUNTIME`) are included only for a *course* that uses them, of the
    question types' scripts only those of the types the course's page renders (without a *course*:
    all), and of the formats' runtime adapters only *adapter*, the package's own (builder/formats.py).
    A course's own ``templates/static/*`` and ``templates/runtime/*`` replace the default file
    of the same name (``assets/`` is flat) or are added to it.
    """
    root = templates_dir()
    by_name = {p.name: p for folder in ("static", "runtime") for p in (root / folder).iterdir() if p.is_file()}
    by_name.update(adapter_scripts())
    by_name.update(type_scripts())
    if course is not None and course.templates_dir is not None:
        for rel in course.template_files:
            if rel.startswith(("static/", "runtime/")):
                by_name[rel.split("/", 1)[1]] = course.templates_dir / rel
    unused = adapters() - {adapter}
    if course is not None:
        unused |= set(type_scripts()) - set(_type_scripts(course))
    files = [
        p
        for name, p in by_name.items()
        if name not in unused
        and (name not in OPTIONAL_RUNTIME or (course is not None and OPTIONAL_RUNTIME[name](course)))
    ]
    return sorted(files, key=lambda p: p.name)


def _type_scripts(course: Optional[Course]) -> List[str]:
    """The question types' script names in load order: the *course*'s types (without a course: every type's)."""
    if course is None:
        names: Iterable[str] = TYPES
    else:
        names = course.quiz.types if course.quiz is not None else ()
    return [script for script in map(TYPES.script, names) if script is not None]


def runtime_scripts(files: Sequence[Path], adapter: str) -> List[Path]:
    """Of a package's runtime *files*, the scripts of :data:`SCRIPT_ORDER`, in the order the page loads them."""
    by_name = {p.name: p for p in files}
    slots = {ADAPTER_SLOT: [adapter], TYPES_SLOT: _type_scripts(None)}
    order = [script for name in SCRIPT_ORDER for script in slots.get(name, [name])]
    return [by_name[name] for name in order if name in by_name]


def page_scripts(course: Course, adapter: str, debug: bool = False) -> List[str]:
    """The runtime scripts the page loads from ``assets/``, in order: the bundle, or with *debug* each script."""
    if not debug:
        return [BUNDLE]
    return [p.name for p in runtime_scripts(runtime_files(course, adapter), adapter)]


def package_files(
    course: Course, launch_file: str, page_html: str, adapter: str, record: bytes, debug: bool = False
) -> List["Entry"]:
    """What every package carries, sorted by name: the page, the release record, the runtime files and the course's
    assets.

    The runtime scripts go into one minified :data:`BUNDLE` and stylesheets are minified, coursepack's own
    without the sections the course does not use (builder/styles.py), unless *debug* asks for the readable
    files as they are (builder/minify.py).
    """
    # the zip writer, the release record and the minifiers load only for a build (start-up of the other commands)
    from builder.minify import bundle_scripts, minify_css
    from builder.record import RECORD_NAME
    from builder.styles import for_course
    from builder.zipwriter import Entry

    runtime = runtime_files(course, adapter)
    files = [Entry(launch_file, data=page_html.encode("utf-8")), Entry(RECORD_NAME, data=record)]
    if debug:
        files += [Entry(f"assets/{p.name}", source=p) for p in runtime]
    else:
        scripts = runtime_scripts(runtime, adapter)
        files.append(Entry(f"assets/{BUNDLE}", data=bundle_scripts(scripts)))
        own_css = templates_dir() / "static" / "player.css"
        for p in runtime:
            if p in scripts:
                continue
            data = None
            if p.suffix == ".css":
                css = p.read_text(encoding="utf-8")
                data = minify_css((for_course(css, course) if p == own_css else css).encode("utf-8"))
            files.append(Entry(f"assets/{p.name}", data=data, source=None if data is not None else p))
    files += [Entry(asset.path, source=asset.source) for asset in course.assets]
    files.sort(key=lambda e: e.name)
    return files


# ---------------------------------------------------------------------- validate a zip
def check_zip(path: Path, problems: Problems, schemas: Optional[Path] = None) -> Optional[Tuple[Format, int]]:
    """Check the package at *path*: the layout an LMS needs, then its format's own rules.

    :return: the format that claims the zip and its number of entries, or None when the zip
        cannot be read or no format claims it (the reason is in *problems*).
    """
    # only `validate` of a zip reads one (start-up of a build)
    import zipfile

    shown = display_path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        problems.add(shown, f"cannot be opened as a zip: {exc}")
        return None
    with zf:
        entries = [info.filename for info in zf.infolist()]
        for entry in entries:
            if entry.startswith("/") or ".." in entry.split("/") or "\\" in entry:
                problems.add(shown, f"entry '{entry}' would be unpacked outside the package folder")
        present = set(entries)
        fmt = next((f for f in map(get, names()) if f.claims(present, zf.read)), None)
        if fmt is None:
            _no_descriptor(shown, entries, problems)
            return None
        data = zf.read(fmt.descriptor)
    fmt.check_descriptor(data, present, problems, f"{shown}!{fmt.descriptor}", schemas)
    return fmt, len(entries)


def _no_descriptor(shown: str, entries: Iterable[str], problems: Problems) -> None:
    """No format claims the zip: name the descriptors looked for (the default format's first)."""
    formats = [get(name) for name in names()]
    descriptors = list(dict.fromkeys(f.descriptor for f in formats))
    nested = [e for e in entries if "/" in e and e.rsplit("/", 1)[1] in descriptors]
    others = f" (nor {', '.join(descriptors[1:])})" if len(descriptors) > 1 else ""
    if nested:
        hint = f"it is at '{nested[0]}'; zip the folder's contents, not the folder"
    else:
        hint = "a package needs its descriptor at the root of the zip: " + "; ".join(
            f"{f.descriptor} for a {f.title}" for f in formats
        )
    problems.add(shown, f"has no {descriptors[0]} at its root{others}", hint=hint)
