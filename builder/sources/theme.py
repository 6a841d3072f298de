"""The course's look: the ``theme:`` block, the ``certificate`` switch and the ``templates/`` folder.

Called by :mod:`builder.sources.course` (which owns reading course sources) with its ``Reader``, so
every problem is located like the rest of ``course.yaml``. Nothing here renders: the values end
up in :class:`builder.model.Theme` and are used by ``templates/base.html`` and
:mod:`builder.page.render`.

Colours are checked for WCAG 2.1 AA contrast against every colour they meet in
``templates/static/player.css`` (:data:`CONTRAST_PAIRS`), so a theme cannot make the player
inaccessible by accident.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from builder.model import Asset, Theme
from builder.problems import Problems, did_you_mean, did_you_mean_file
from builder.resources import default_runtime_scripts
from builder.sources.fileguard import Refused, resolve, stat_regular

THEME_KEYS = ("colors", "fonts", "logo", "logo_alt")
#: author key -> the CSS custom property of templates/static/player.css it sets
COLOR_KEYS = {
    "accent": "accent",  # links, buttons, the progress bar, the current lesson
    "text": "ink",  # body text
    "muted": "muted",  # secondary text: kickers, hints, the footer
    "background": "page",  # behind the cards
    "surface": "card",  # the lesson card, the header, buttons
    "focus": "focus",  # the keyboard focus outline
}
FONT_KEYS = ("body", "headings")
#: The default theme (the :root block of templates/static/player.css).
DEFAULT_COLORS = {
    "ink": "#1f2933",
    "muted": "#52606d",
    "page": "#f4f6f8",
    "card": "#ffffff",
    "accent": "#245b8f",
    "accent-dark": "#17406a",
    "accent-soft": "#e5eef7",
    "good": "#1d6b40",
    "bad": "#a3322b",
    "warn-text": "#7a4d0b",
    "focus": "#c2410c",
    "white": "#ffffff",
}
#: (text or control colour, background colour, the ratio WCAG 2.1 AA asks for, what it is).
CONTRAST_PAIRS = (
    ("ink", "card", 4.5, "text on the lesson card"),
    ("ink", "page", 4.5, "text on the page background"),
    ("ink", "accent-soft", 4.5, "text in notices and on the current lesson"),
    ("muted", "card", 4.5, "secondary text on the lesson card"),
    ("muted", "page", 4.5, "secondary text on the page background"),
    ("accent", "card", 4.5, "links and button labels on the lesson card"),
    ("accent", "accent-soft", 4.5, "button labels when the pointer is over them"),
    ("white", "accent", 4.5, "the label of a main button (white on the accent colour)"),
    ("white", "accent-dark", 4.5, "the label of a main button under the pointer"),
    ("good", "card", 4.5, "\u201ccorrect\u201d on the lesson card"),
    ("good", "page", 4.5, "\u201ccorrect\u201d in the feedback list"),
    ("bad", "card", 4.5, "\u201cincorrect\u201d and error messages on the lesson card"),
    ("bad", "page", 4.5, "\u201cincorrect\u201d in the feedback list"),
    ("warn-text", "page", 4.5, "\u201cpartly correct\u201d in the feedback list"),
    ("focus", "card", 3.0, "the focus outline on the lesson card"),
    ("focus", "page", 3.0, "the focus outline on the page background"),
)
HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FONT_LIST = re.compile(r"^[A-Za-z0-9 ,'\"._-]{1,200}$")
LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
TEMPLATES_FOLDER = "templates"
IGNORED_FILES = re.compile(r"^(\.|~|#)|(~|\.swp|\.bak|\.orig)$|^(Thumbs\.db|desktop\.ini)$")


# ----------------------------------------------------------------------------- colours
def normalize_color(value: str) -> str:
    """``#ABC`` -> ``#aabbcc``."""
    value = value.lower()
    return "#" + "".join(c * 2 for c in value[1:]) if len(value) == 4 else value


def _channels(color: str) -> Tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _luminance(color: str) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(a: str, b: str, share_of_b: float) -> str:
    """``a`` mixed with ``share_of_b`` of ``b`` (channel by channel, rounded)."""
    out = [round(x + (y - x) * share_of_b) for x, y in zip(_channels(a), _channels(b))]
    return "#" + "".join(f"{c:02x}" for c in out)


def derive_colors(chosen: Dict[str, str]) -> Dict[str, str]:
    """The full palette: the defaults, the author's colours, and what derives from them."""
    palette = dict(DEFAULT_COLORS)
    palette.update(chosen)
    if "accent" in chosen:
        palette["accent-dark"] = mix(palette["accent"], "#000000", 0.3)
    if "accent" in chosen or "card" in chosen:
        palette["accent-soft"] = mix(palette["accent"], palette["card"], 0.88)
    return palette


def _fix_hint(fg: str, bg: str, needed: float, key_is_fg: bool) -> str:
    """A nearby colour that passes: the author's colour darkened or lightened step by step."""
    own, other = (fg, bg) if key_is_fg else (bg, fg)
    target = "#000000" if _luminance(other) > 0.18 else "#ffffff"
    for step in range(1, 21):
        candidate = mix(own, target, step / 20)
        pair = (candidate, other) if key_is_fg else (other, candidate)
        if contrast(*pair) >= needed:
            return f"try '{candidate}', or pick a colour further from {other}"
    return f"pick a colour further from {other}"


def _culprit(fg: str, bg: str, where: Dict[str, Tuple]) -> str:
    """Which of the author's colours a failing pair is reported on."""
    derived_from = {"accent-dark": ("accent",), "accent-soft": ("accent", "card")}
    for name in (fg, bg):
        if name in where:
            return name
    for name in (fg, bg):
        for origin in derived_from.get(name, ()):
            if origin in where:
                return origin
    return next(k for k in ("card", "page", "ink", "accent", "muted", "focus") if k in where)


# ----------------------------------------------------------------------------- theme
def read_theme(r, m: dict, files) -> Tuple[Optional[Theme], List[Asset]]:
    """The ``theme:`` block of course.yaml: (the theme or None, the logo asset if any)."""
    if "theme" not in m:
        return None, []
    t = r.mapping(m["theme"], ("theme",), THEME_KEYS)
    if t is None:
        return None, []
    chosen: Dict[str, str] = {}
    where: Dict[str, Tuple] = {}
    if "colors" in t:
        c = r.mapping(t["colors"], ("theme", "colors"), tuple(COLOR_KEYS))
        for key in COLOR_KEYS if c else ():
            if key not in c:
                continue
            path = ("theme", "colors", key)
            value = c[key]
            if not isinstance(value, str) or not HEX_COLOR.match(value.strip()):
                r.error(
                    path,
                    f"'{value}' is not a colour" if isinstance(value, str) else "expected a colour in quotes",
                    hint='write a hex colour in quotes, e.g. "#245b8f" (or the short form "#258")',
                )
                continue
            chosen[COLOR_KEYS[key]] = normalize_color(value.strip())
            where[COLOR_KEYS[key]] = path
    palette = derive_colors(chosen)
    reported = set()
    for fg, bg, needed, what in CONTRAST_PAIRS:
        ratio = contrast(palette[fg], palette[bg])
        if ratio >= needed - 1e-9:
            continue
        culprit = _culprit(fg, bg, where)
        if culprit in reported:
            continue
        reported.add(culprit)
        own = culprit in (fg, bg)
        author_key = next(k for k, v in COLOR_KEYS.items() if v == culprit)
        r.error(
            where[culprit],
            f"{what}: {palette[fg]} on {palette[bg]} has a contrast of {ratio:.2f}:1; WCAG 2.1 AA needs {needed:g}:1",
            hint=_fix_hint(palette[fg], palette[bg], needed, culprit == fg)
            if own
            else f"the other colour of this pair derives from '{author_key}': change '{author_key}'",
        )

    fonts = {}
    if "fonts" in t:
        f = r.mapping(t["fonts"], ("theme", "fonts"), FONT_KEYS)
        for key in FONT_KEYS if f else ():
            if key not in f:
                continue
            value = f[key]
            if not isinstance(value, str) or not FONT_LIST.match(value.strip()):
                r.error(
                    ("theme", "fonts", key),
                    "expected a CSS font list such as \"Georgia, 'Times New Roman', serif\"",
                    hint="letters, digits, spaces, commas, quotes, '.', '-' and '_' only; end with a generic "
                    "family (serif, sans-serif, system-ui)",
                )
                continue
            fonts[key] = " ".join(value.split())

    logo = None
    assets: List[Asset] = []
    if "logo" in t:
        rel = r.text(t, ("theme",), "logo")
        if rel:
            logo, asset = _logo(r, rel, files)
            if asset:
                assets.append(asset)
    logo_alt = r.text(t, ("theme",), "logo_alt", required=False, max_len=200) or ""
    if logo_alt and "logo" not in t:
        r.error(
            ("theme", "logo_alt"), "there is no logo to describe", key=True, hint="add 'logo: …', or remove 'logo_alt'"
        )
    colors = tuple((name, palette[name]) for name in sorted(palette) if palette[name] != DEFAULT_COLORS.get(name))
    return Theme(
        colors=colors,
        font_body=fonts.get("body", ""),
        font_headings=fonts.get("headings", ""),
        logo=logo,
        logo_alt=logo_alt,
    ), assets


def _logo(r, rel: str, files) -> Tuple[Optional[str], Optional[Asset]]:
    """The logo's package path and asset; *files* is the course's :class:`builder.sources.files.SourceFiles`."""
    path = ("theme", "logo")
    posix = rel.replace("\\", "/")
    if "\\" in rel:
        r.error(path, f"'{rel}' uses backslashes", hint="use forward slashes: " + posix)
        return None, None
    candidate = files.inside(posix)
    if candidate is None:
        r.error(
            path,
            f"'{rel}' is outside the course folder",
            hint="copy the logo into the course folder (for example into media/) and name that copy",
        )
        return None, None
    try:
        stat_regular(candidate, "media_file_mb")
    except Refused as exc:
        missing = exc.message == "does not exist"
        r.error(
            path,
            f"'{rel}' {exc.message}",
            hint=(did_you_mean_file(candidate) or "the path is relative to the course folder") if missing else exc.hint,
        )
        return None, None
    if candidate.suffix.lower() not in LOGO_TYPES:
        r.error(path, f"'{rel}' is not an image a browser shows", hint="use " + ", ".join(LOGO_TYPES))
        return None, None
    norm = os.path.normpath(posix).replace(os.sep, "/")
    if norm.split("/")[0] == TEMPLATES_FOLDER:
        r.error(
            path,
            f"'{rel}' is inside the templates/ folder",
            hint="keep the logo with the other media, e.g. media/logo.svg; templates/ holds template overrides",
        )
        return None, None
    source = files.real_path(posix)
    return norm, Asset(norm, source, source.stat().st_size)


# ----------------------------------------------------------------------------- certificate
def read_certificate(r, m: dict, has_ce: bool) -> bool:
    """``certificate: true|false``; the default is on for a course with a ``ce:`` block."""
    value = r.boolean(m, (), "certificate", required=False, default=None)
    return has_ce if value is None else value


# ----------------------------------------------------------------------------- templates/
def _one_edit(a: str, b: str) -> bool:
    """Whether *a* and *b* are equal or differ by one inserted, deleted or replaced character."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def read_template_overrides(
    root: Path, shown_root: str, defaults: Path, problems: Problems
) -> Tuple[Optional[Path], Tuple[str, ...]]:
    """The course's ``templates/`` folder: (the folder or None, its files as posix paths).

    Allowed: ``*.html`` at the top (a file named like a default template replaces it; another
    name is a new template that an override can include), any file in ``static/`` (replaces the
    default of the same name or is added to ``assets/``) and ``runtime/<name>.js`` replacing a
    default runtime file. Anything else is an error, so a misspelt override is never ignored.
    """
    folder = root / TEMPLATES_FOLDER
    if not folder.is_dir():
        return None, ()
    default_html = sorted(p.name for p in defaults.glob("*.html"))
    default_runtime = sorted(default_runtime_scripts())
    files: List[str] = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not IGNORED_FILES.search(d))
        base = Path(current).relative_to(folder).as_posix()
        for name in sorted(names):
            if IGNORED_FILES.search(name):
                continue
            rel = name if base == "." else f"{base}/{name}"
            shown = f"{shown_root}/{TEMPLATES_FOLDER}/{rel}"
            full = Path(current) / name
            try:
                resolve(full).relative_to(root.resolve())
            except ValueError:
                problems.add(
                    shown,
                    "is a link to a file outside the course folder",
                    hint="replace the symbolic link with a copy of the file",
                )
                continue
            top = rel.split("/")[0]
            if "/" not in rel:
                if not name.endswith(".html"):
                    problems.add(
                        shown,
                        "is not a template: only .html files go directly in templates/",
                        hint="put CSS, fonts and images in templates/static/",
                    )
                    continue
                typo = next((d for d in default_html if name != d and _one_edit(name.lower(), d)), None)
                if typo:  # a misspelt override would be silently ignored: refuse it
                    problems.add(
                        shown,
                        f"does not replace any template; did you mean '{typo}'?",
                        hint="an override has the exact name of a template: " + ", ".join(default_html),
                    )
                    continue
            elif top == "static" and rel.count("/") == 1:
                pass
            elif top == "runtime" and rel.count("/") == 1:
                if name not in default_runtime:
                    problems.add(
                        shown,
                        "does not replace a runtime file",
                        hint=(did_you_mean(name, default_runtime) or "runtime files: " + ", ".join(default_runtime))
                        + "; put new scripts in templates/static/",
                    )
                    continue
            elif top == "locales":
                problems.add(
                    shown,
                    "the message catalogue cannot be replaced per course",
                    hint="learner-facing strings come from coursepack's templates/locales/; "
                    "change wording in a template override instead",
                )
                continue
            else:
                problems.add(
                    shown,
                    "is not a template, a static file or a runtime file",
                    hint="templates/ holds *.html, static/* and runtime/*.js",
                )
                continue
            try:
                stat_regular(full, "template_file_mb" if "/" not in rel else "media_file_mb")
            except Refused as exc:
                problems.add(shown, exc.message, hint=exc.hint)
                continue
            files.append(rel)
    return folder.resolve(), tuple(files)
