"""Lesson HTML: check an author's fragment and rewrite it for the player page.

Lessons are HTML fragments in the course folder. All lessons end up inside one page
(``index.html`` at the package root), so every relative reference is re-based from the lesson
file to the package root, and every referenced file becomes an asset of the package. References
that do not exist, that leave the course folder (also through a symbolic link) or that an LMS
cannot serve are reported with the line they are on.
"""

from __future__ import annotations

import html
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set
from urllib.parse import quote, unquote, urlsplit

import lxml.html
from lxml import etree

from builder.problems import Problems

#: Attributes that hold a URL, per element. ``srcset`` is a list of URLs.
URL_ATTRIBUTES = ("src", "href", "poster", "data", "srcset")
EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel", "ftp")
MEDIA_TAGS = ("img", "video", "audio", "iframe", "object", "embed", "svg", "picture")
OPENS_NEW_WINDOW = ("a", "area")


@dataclass
class LessonResult:
    html: str
    assets: Set[str] = field(default_factory=set)
    lesson_links: Dict[str, str] = field(default_factory=dict)


def decode_utf8(data: bytes, file: str, problems: Problems) -> Optional[str]:
    """Decode *data* as UTF-8; report the first bad byte with its line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        problems.add(file, f"this file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
                     line, col, hint="save the file as UTF-8 in your editor")
        return None
    return text.lstrip("\ufeff")


def youtube_watch_url(src: str) -> str:
    """Turn an embed URL into the page a learner can open instead (YouTube, Vimeo)."""
    parts = urlsplit(src)
    host = parts.netloc.lower()
    if "youtube" in host and parts.path.startswith("/embed/"):
        return "https://www.youtube.com/watch?v=" + parts.path[len("/embed/"):].split("/")[0]
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return "https://vimeo.com/" + parts.path[len("/video/"):].split("/")[0]
    return src


def process_lesson(text: str, file: str, lesson_path: str, root: Path, lesson_files: Dict[str, str],
                   strings: Dict[str, str], problems: Problems) -> LessonResult:
    """Check one lesson fragment and return its HTML with package-relative references.

    :param text: the lesson file's text.
    :param file: the lesson file as shown in messages.
    :param lesson_path: the lesson file relative to the course folder (posix).
    :param root: the course folder.
    :param lesson_files: lesson file path (posix, relative to the course folder) -> lesson id,
        so links between lessons become in-player navigation.
    :param strings: the learner-facing strings of the course language.
    """
    result = LessonResult(html="")
    if not text.strip():
        problems.add(file, "this lesson is empty", 1, 1, hint="write the lesson's content, or remove the lesson from course.yaml")
        return result
    try:
        wrapper = lxml.html.fragment_fromstring(text, create_parent="div")
    except etree.ParserError as exc:  # pragma: no cover - lxml rarely refuses a fragment
        problems.add(file, f"this HTML cannot be read: {exc}", 1, 1)
        return result

    for el in wrapper.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in ("html", "head", "body"):
            problems.add(file, f"a lesson is a fragment: remove the <{tag}> element", el.sourceline,
                         hint="keep only what would go inside <body>")
        for attr in URL_ATTRIBUTES:
            value = el.get(attr)
            if value is None:
                continue
            if attr == "srcset":
                candidates = [part.strip().split(" ", 1) for part in value.split(",") if part.strip()]
                rewritten = []
                for candidate in candidates:
                    url = _rewrite(candidate[0], el, attr, file, lesson_path, root, lesson_files, result, problems)
                    rewritten.append(" ".join([url] + candidate[1:]))
                el.set(attr, ", ".join(rewritten))
            else:
                el.set(attr, _rewrite(value, el, attr, file, lesson_path, root, lesson_files, result, problems))
        if tag in OPENS_NEW_WINDOW and el.get("href") and not el.get("href").startswith("#"):
            # A link followed inside the SCO frame would unload the course and end the LMS session.
            el.set("target", "_blank")
            el.set("rel", "noopener noreferrer")
        if tag in ("img", "iframe") and not el.get("loading"):
            el.set("loading", "lazy")
        if tag == "iframe":
            _add_embed_fallback(el, file, strings, problems)

    has_media = any(isinstance(el.tag, str) and el.tag.lower() in MEDIA_TAGS for el in wrapper.iter())
    if not wrapper.text_content().strip() and not has_media:
        problems.add(file, "this lesson has no text or media", 1, 1,
                     hint="write the lesson's content, or remove the lesson from course.yaml")

    parts = [html.escape(wrapper.text or "", quote=False)]
    parts.extend(lxml.html.tostring(child, encoding="unicode") for child in wrapper)
    result.html = "".join(parts).strip()
    return result


def _rewrite(value, el, attr, file, lesson_path, root, lesson_files, result, problems) -> str:
    """Return the package-relative form of one URL, recording assets and problems."""
    url = value.strip()
    if not url or url.startswith("#"):
        return value
    parts = urlsplit(url)
    if parts.scheme:
        if parts.scheme.lower() == "javascript":
            problems.add(file, f"<{el.tag} {attr}=\"{value}\"> runs script from a link", el.sourceline,
                         hint="use a normal link; the player handles navigation")
        return value
    if parts.netloc:  # protocol-relative //host/path
        return value
    if url.startswith("/"):
        problems.add(file, f"'{value}' starts with '/', which points outside the package once an LMS serves it",
                     el.sourceline, hint="use a path relative to this lesson file, e.g. '../media/picture.png'")
        return value
    path = unquote(parts.path)
    if "\\" in path:
        problems.add(file, f"'{value}' uses backslashes", el.sourceline,
                     hint="use forward slashes: " + path.replace("\\", "/"))
        return value
    lesson_dir = posixpath.dirname(lesson_path)
    rel = posixpath.normpath(posixpath.join(lesson_dir, path))
    if rel == ".." or rel.startswith("../"):
        problems.add(file, f"'{value}' points outside the course folder", el.sourceline,
                     hint="copy the file into the course folder (for example into media/) and link to that copy")
        return value
    full = root / rel
    if not full.exists():
        hint = _suggest(full)
        problems.add(file, f"'{value}' does not exist (looked for {rel} in the course folder)", el.sourceline,
                     hint=hint or "check the file name and that the path is relative to this lesson file")
        return value
    real = full.resolve()
    try:
        real.relative_to(root.resolve())
    except ValueError:
        problems.add(file, f"'{value}' is a link to a file outside the course folder", el.sourceline,
                     hint="replace the symbolic link with a copy of the file")
        return value
    if full.is_dir():
        problems.add(file, f"'{value}' is a folder, not a file", el.sourceline, hint="link to a file inside it")
        return value
    if rel in lesson_files:
        target = lesson_files[rel]
        el.set("data-goto-lesson", target)
        result.lesson_links[rel] = target
        return "#lesson-" + target
    if rel != rel.encode("ascii", "ignore").decode() or " " in rel:
        problems.add(file, f"'{rel}' has spaces or non-ASCII characters in its name; some LMSs reject such files",
                     el.sourceline, level="warning", code="asset-name",
                     hint="rename it using letters, digits, '-' and '_' only")
    result.assets.add(rel)
    suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
    return quote(rel) + suffix


def _suggest(full: Path) -> Optional[str]:
    from builder.problems import did_you_mean

    parent = full.parent
    if not parent.is_dir():
        return None
    return did_you_mean(full.name, sorted(p.name for p in parent.iterdir()))


def _add_embed_fallback(el, file, strings, problems) -> None:
    src = el.get("src", "")
    if not urlsplit(src).scheme:
        return
    title = (el.get("title") or "").strip()
    if not title:
        problems.add(file, "this embedded frame has no title", el.sourceline,
                     hint='add title="…" describing it (screen readers read it, and the player shows it as a text link for learners whose LMS blocks the embed)')
        return
    fallback = lxml.html.Element("p", {"class": "embed-fallback"})
    link = lxml.html.Element("a", {"href": youtube_watch_url(src), "target": "_blank", "rel": "noopener noreferrer"})
    link.text = strings["embed_fallback"].replace("{title}", title)
    fallback.append(link)
    fallback.tail = el.tail
    el.tail = None
    el.addnext(fallback)
