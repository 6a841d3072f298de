"""Lesson HTML: check an author's fragment and rewrite it for the player page.

Lessons are HTML fragments in the course folder. All lessons end up inside one page
(``index.html`` at the package root), so every relative reference is re-based from the lesson
file to the package root, and every referenced file becomes an asset of the package. References
that do not exist, that leave the course folder (also through a symbolic link) or that an LMS
cannot serve are reported with the line they are on.

Fragments are read and written with :mod:`lxml.etree`'s HTML parser and serialiser, the way
``lxml.html`` does it, without the cost of importing ``lxml.html``.
"""

from __future__ import annotations

import posixpath
import re
from typing import Dict, Optional, Set
from urllib.parse import quote, unquote, urlsplit

from lxml import etree

from builder.problems import Problems, did_you_mean_file
from builder.sources.fileguard import Refused, stat_regular
from builder.sources.files import SourceFiles

#: Attributes that hold a URL, per element. ``srcset`` is a list of URLs.
URL_ATTRIBUTES = ("src", "href", "poster", "data", "srcset")
#: Other attributes that hold a URL a browser follows: checked against the scheme policy only.
OTHER_URL_ATTRIBUTES = ("action", "formaction", "xlink:href", "background", "cite", "longdesc", "ping")
#: Schemes a lesson may point to: other sites, and mail and phone links (docs/limits.md, "Lesson HTML").
EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel")
#: Where a ``data:`` URL is allowed: images and media shown in place (no document, no script).
DATA_URL_PLACES = {"img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("poster",), "style": ("url()",)}
#: ``url(…)`` and ``@import`` in CSS: group 2 or 4 is the address.
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)|@import\s+(["'])([^"']+)\3""", re.I)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.S)
#: What browsers ignore in a URL: C0 controls and spaces around it, tabs and line breaks inside.
_URL_IGNORED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]")
_WHOLE_DOCUMENT = re.compile(r"<(html|head|body|!doctype)\b", re.I)
MEDIA_TAGS = ("img", "video", "audio", "iframe", "object", "embed", "svg", "picture")
OPENS_NEW_WINDOW = ("a", "area")

#: lxml's HTML parser with its default options, as ``lxml.html`` uses it; also makes new elements.
HTML_PARSER = etree.HTMLParser()


class LessonResult:
    """A checked lesson: its HTML, the course files it uses, its links to other lessons."""

    def __init__(self, html: str):
        self.html = html
        self.assets: Set[str] = set()
        self.lesson_links: Dict[str, str] = {}  #: lesson file (posix, in the course folder) -> lesson id


def parse_fragment(text: str):
    """The lesson fragment *text* as the children of a new ``<div>``, with source lines.

    A fragment is parsed inside ``<html><body>``; whitespace before the first element is dropped.
    This is what ``lxml.html.fragment_fromstring(text, create_parent="div")`` gives, without
    importing lxml.html. (A whole document is refused before: :func:`process_lesson`.)

    :raises etree.ParserError: when the parser finds no document at all.
    """
    document = etree.fromstring(f"<html><body>{text}</body></html>", HTML_PARSER)
    if document is None:
        raise etree.ParserError("the file holds no HTML")
    wrapper = HTML_PARSER.makeelement("div")
    body = document.find("body")
    if body is not None:
        if body.text and body.text.strip():
            wrapper.text = body.text
        wrapper.extend(body)
    return wrapper


def to_html(el) -> str:
    """*el* and its tail as HTML: ``lxml.html.tostring(el, encoding="unicode")``."""
    text = etree.tostring(el, method="html", encoding="unicode")
    if '<meta http-equiv="Content-Type"' in text:  # lxml.html.tostring drops these
        text = re.sub(r'<meta http-equiv="Content-Type"[^>]*>', "", text)
    return text


def _escape(text: str) -> str:
    """``html.escape(text, quote=False)``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def decode_utf8(data: bytes, file: str, problems: Problems) -> Optional[str]:
    """Decode *data* as UTF-8; report the first bad byte with its line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        problems.add(
            file,
            f"this file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
            line,
            col,
            hint="save the file as UTF-8 in your editor",
        )
        return None
    return text.lstrip("\ufeff")


def youtube_watch_url(src: str) -> str:
    """Turn an embed URL into the page a learner can open instead (YouTube, Vimeo)."""
    parts = urlsplit(src)
    host = parts.netloc.lower()
    if "youtube" in host and parts.path.startswith("/embed/"):
        return "https://www.youtube.com/watch?v=" + parts.path[len("/embed/") :].split("/")[0]
    if host == "player.vimeo.com" and parts.path.startswith("/video/"):
        return "https://vimeo.com/" + parts.path[len("/video/") :].split("/")[0]
    return src


def process_lesson(
    text: str,
    file: str,
    lesson_path: str,
    files: SourceFiles,
    lesson_files: Dict[str, str],
    strings: Dict[str, str],
    problems: Problems,
) -> LessonResult:
    """Check one lesson fragment and return its HTML with package-relative references.

    :param text: the lesson file's text.
    :param file: the lesson file as shown in messages.
    :param lesson_path: the lesson file relative to the course folder (posix).
    :param files: the course folder's :class:`builder.sources.files.SourceFiles` (transcripts are read through it).
    :param lesson_files: lesson file path (posix, relative to the course folder) -> lesson id,
        so links between lessons become in-player navigation.
    :param strings: the learner-facing strings of the course language.
    """
    result = LessonResult(html="")
    if not text.strip():
        problems.add(
            file, "this lesson is empty", 1, 1, hint="write the lesson's content, or remove the lesson from course.yaml"
        )
        return result
    whole = _WHOLE_DOCUMENT.search(text)
    if whole:
        problems.add(
            file,
            f"a lesson is a fragment, but this file is a whole HTML document (<{whole.group(1).lower()}>)",
            text.count("\n", 0, whole.start()) + 1,
            hint="keep only what goes inside <body>: the player page has its own <html>, <head> and title, and "
            "everything in a lesson's <head> would be lost",
        )
        return result
    try:
        wrapper = parse_fragment(text)
    except etree.ParserError as exc:  # pragma: no cover - lxml rarely refuses a fragment
        problems.add(file, f"this HTML cannot be read: {exc}", 1, 1)
        return result
    too_deep = next((e for e in HTML_PARSER.error_log if "Excessive depth" in e.message), None)
    if too_deep is not None:  # libxml2 stops there and drops the rest of the lesson
        problems.add(
            file,
            "elements are nested more than 256 levels deep, so the rest of the lesson would be lost",
            too_deep.line,
            hint="close the elements you open: a missing </div> or </span> nests everything after it",
        )
        return result

    for el in wrapper.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        _check_page_wide(el, tag, file, problems)
        for attr in OTHER_URL_ATTRIBUTES:
            if el.get(attr) is not None:
                _scheme_allowed(el.get(attr), tag, attr, el.sourceline, file, problems)
        if tag == "style" and el.text:
            _check_css(el.text, el, file, lesson_path, problems)
        if el.get("style"):
            _check_css(el.get("style"), el, file, lesson_path, problems)
        for attr in URL_ATTRIBUTES:
            value = el.get(attr)
            if value is None:
                continue
            if attr == "srcset":
                candidates = [part.strip().split(" ", 1) for part in value.split(",") if part.strip()]
                rewritten = []
                for candidate in candidates:
                    url = _rewrite(candidate[0], el, attr, file, lesson_path, files, lesson_files, result, problems)
                    rewritten.append(" ".join([url] + candidate[1:]))
                el.set(attr, ", ".join(rewritten))
            else:
                el.set(attr, _rewrite(value, el, attr, file, lesson_path, files, lesson_files, result, problems))
        if tag in OPENS_NEW_WINDOW and el.get("href") and not el.get("href").startswith("#"):
            # A link followed inside the SCO frame would unload the course and end the LMS session.
            el.set("target", "_blank")
            el.set("rel", "noopener noreferrer")
        if tag in ("img", "iframe") and not el.get("loading"):
            el.set("loading", "lazy")
        if tag == "iframe":
            _add_embed_fallback(el, file, strings, problems)

    _check_media(wrapper, file, lesson_path, files, lesson_files, strings, result, problems)

    has_media = any(isinstance(el.tag, str) and el.tag.lower() in MEDIA_TAGS for el in wrapper.iter())
    if not wrapper.xpath("string()", smart_strings=False).strip() and not has_media:
        problems.add(
            file,
            "this lesson has no text or media",
            1,
            1,
            hint="write the lesson's content, or remove the lesson from course.yaml",
        )

    parts = [_escape(wrapper.text or "")]
    parts.extend(to_html(child) for child in wrapper)
    result.html = "".join(parts).strip()
    return result


def _check_page_wide(el, tag: str, file: str, problems: Problems) -> None:
    """Elements that act on the whole player page (every lesson shares it): refused."""
    if tag == "base":
        problems.add(
            file,
            "<base> changes the address every link, image and script of the player page is read from",
            el.sourceline,
            hint="remove it: all lessons share one page; write addresses relative to the lesson file",
        )
    elif tag == "meta" and el.get("http-equiv") is not None:
        problems.add(
            file,
            f'<meta http-equiv="{el.get("http-equiv")}"> acts on the whole player page (a refresh navigates the '
            "course away and ends the LMS session)",
            el.sourceline,
            hint="remove it; to send learners elsewhere, write a link (links open in a new window)",
        )


def _clean_url(value: str) -> str:
    """*value* as a browser reads it: without surrounding control characters and spaces, inner tabs and breaks."""
    return _URL_IGNORED.sub("", value)


def _scheme_allowed(value: str, tag: str, attr: str, line, file: str, problems: Problems) -> bool:
    """Whether the URL *value* (in *attr* of a *tag* element on *line*) has no scheme or an allowed one
    (docs/limits.md, "Lesson HTML"); report it if not."""
    url = _clean_url(value)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        problems.add(file, f"'{_clip(value)}' is not a valid address", line, hint="correct or remove it")
        return False
    if not scheme or scheme in EXTERNAL_SCHEMES:
        return True
    if scheme == "data" and attr in DATA_URL_PLACES.get(tag, ()):
        return True
    if scheme == "javascript":
        problems.add(
            file,
            f'<{tag} {attr}="{_clip(value)}"> runs script from a link',
            line,
            hint="use a normal link; the player handles navigation",
        )
    elif scheme == "file":
        problems.add(
            file,
            f"'{_clip(value)}' is a file on the author's computer, which no learner can open",
            line,
            hint="copy the file into the course folder (for example into media/) and link to it relatively",
        )
    elif scheme == "data":
        problems.add(
            file,
            f"a data: address in <{tag} {attr}> is refused: only images and media may be written inline",
            line,
            hint="put the content in a file in the course folder and link to it",
        )
    else:
        problems.add(
            file,
            f"'{_clip(value)}' uses the {scheme}: scheme; lessons may link to http(s), mailto and tel addresses only",
            line,
            hint="link to a web address, or copy the file into the course folder",
        )
    return False


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _local_path_problem(url: str, lesson_path: str):
    """For a URL without scheme: (problem, hint) when it starts with '/', has backslashes or leaves the
    course folder, else None."""
    if url.startswith("/"):
        return (
            "starts with '/', which points outside the package once an LMS serves it",
            "use a path relative to this lesson file, e.g. '../media/picture.png'",
        )
    path = unquote(urlsplit(url).path)
    if "\\" in path:
        return "uses backslashes", "use forward slashes: " + path.replace("\\", "/")
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(lesson_path), path))
    if rel == ".." or rel.startswith("../"):
        return (
            "points outside the course folder",
            "copy the file into the course folder (for example into media/) and link to that copy",
        )
    return None


def _check_css(css: str, el, file: str, lesson_path: str, problems: Problems) -> None:
    """``url(…)`` and ``@import`` in a ``<style>`` element or ``style`` attribute: the rules of attributes."""
    for match in CSS_URL.finditer(css):
        raw = match.group(2) if match.group(2) is not None else match.group(4) or ""
        url = _clean_url(_CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), raw))
        if not url or url.startswith("#"):
            continue
        line = (el.sourceline or 1) + css.count("\n", 0, match.start())
        if not _scheme_allowed(url, "style", "url()", line, file, problems):
            continue
        if urlsplit(url).scheme or url.startswith("//"):
            continue
        problem = _local_path_problem(url, lesson_path)
        if problem:
            problems.add(file, f"url({_clip(raw)}) {problem[0]}", line, hint=problem[1])


def _rewrite(value, el, attr, file, lesson_path, files, lesson_files, result, problems) -> str:
    """Return the package-relative form of one URL, recording assets and problems."""
    url = value.strip()
    if not url or url.startswith("#"):
        return value
    if not _scheme_allowed(value, el.tag.lower(), attr, el.sourceline, file, problems):
        return value
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:  # another site (also protocol-relative //host/path)
        return value
    path = unquote(parts.path)
    problem = _local_path_problem(url, lesson_path)
    if problem:
        problems.add(file, f"'{value}' {problem[0]}", el.sourceline, hint=problem[1])
        return value
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(lesson_path), path))
    full = files.root / rel
    if not full.exists() and not full.is_symlink():
        hint = _from_lesson_hint(path, posixpath.dirname(lesson_path), files) or did_you_mean_file(full)
        problems.add(
            file,
            f"'{value}' does not exist (looked for {rel} in the course folder)",
            el.sourceline,
            hint=hint or "check the file name and that the path is relative to this lesson file",
        )
        return value
    real = files.real_path(rel)
    try:
        real.relative_to(files.real_root)
    except ValueError:
        problems.add(
            file,
            f"'{value}' is a link to a file outside the course folder",
            el.sourceline,
            hint="replace the symbolic link with a copy of the file",
        )
        return value
    if full.is_dir():
        problems.add(file, f"'{value}' is a folder, not a file", el.sourceline, hint="link to a file inside it")
        return value
    try:
        stat_regular(full, "media_file_mb")
    except Refused as exc:
        problems.add(file, f"'{value}' {exc.message}", el.sourceline, hint=exc.hint)
        return value
    if rel in lesson_files:
        target = lesson_files[rel]
        el.set("data-goto-lesson", target)
        result.lesson_links[rel] = target
        return "#lesson-" + target
    if rel != rel.encode("ascii", "ignore").decode() or " " in rel:
        problems.add(
            file,
            f"'{rel}' has spaces or non-ASCII characters in its name; some LMSs reject such files",
            el.sourceline,
            level="warning",
            code="asset-name",
            hint="rename it using letters, digits, '-' and '_' only",
        )
    result.assets.add(rel)
    suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
    return quote(rel) + suffix


def _from_lesson_hint(path: str, lesson_dir: str, files) -> Optional[str]:
    """When *path* names a course file relative to the course folder, the path the lesson must write."""
    if not lesson_dir or not (files.root / path).is_file():
        return None
    fixed = posixpath.relpath(posixpath.normpath(path), lesson_dir)
    return f"paths are relative to the lesson file: write '{fixed}' (the file is {posixpath.normpath(path)})"


def _add_embed_fallback(el, file, strings, problems) -> None:
    src = el.get("src", "")
    if not urlsplit(src).scheme:
        return
    title = (el.get("title") or "").strip()
    if not title:
        problems.add(
            file,
            "this embedded frame has no title",
            el.sourceline,
            hint='add title="…" describing it (screen readers read it, and the player shows it as a text link '
            "for learners whose LMS blocks the embed)",
        )
        return
    fallback = HTML_PARSER.makeelement("p", {"class": "embed-fallback"})
    link = HTML_PARSER.makeelement(
        "a", {"href": youtube_watch_url(src), "target": "_blank", "rel": "noopener noreferrer"}
    )
    link.text = strings["embed_fallback"].replace("{title}", title)
    fallback.append(link)
    fallback.tail = el.tail
    el.tail = None
    el.addnext(fallback)


#: <track kind="…"> values that put text on the screen while a video plays.
CAPTION_KINDS = ("captions", "subtitles")
TRANSCRIPT_TYPES = (".txt", ".html", ".htm")


def _check_media(wrapper, file, lesson_path, files, lesson_files, strings, result, problems) -> None:
    """Captions and transcripts for ``<video>`` and ``<audio>`` (README, "Video and audio").

    A video with sound should have a captions track (WebVTT); a silent (``muted``) video or an
    audio a transcript (``data-transcript="../media/x.txt"``), which the player shows in a
    disclosure under the player: without, a ``media-access`` warning (``validate --strict`` fails).
    A track or transcript that is given must be right: errors. Every media element gets controls.
    """
    for el in list(wrapper.iter("video", "audio")):
        tag = el.tag
        if el.get("autoplay") is not None:
            problems.add(
                file,
                f"<{tag}> starts by itself (autoplay)",
                el.sourceline,
                level="warning",
                code="media-access",
                hint="remove autoplay and let the learner start it; sound that plays by itself drowns a screen reader",
            )
        if el.get("controls") is None:
            el.set("controls", "")
        captions = False
        for track in el.iter("track"):
            kind = (track.get("kind") or "subtitles").lower()
            src = track.get("src") or ""
            if not src:
                problems.add(
                    file,
                    "this <track> has no src",
                    track.sourceline,
                    hint="point it at a WebVTT file: "
                    '<track kind="captions" src="../media/talk.vtt" srclang="en" label="English">',
                )
                continue
            if not urlsplit(src).path.lower().endswith(".vtt"):
                problems.add(
                    file,
                    f"'{src}' is not a WebVTT (.vtt) file",
                    track.sourceline,
                    hint="browsers show captions from WebVTT files only; convert it (e.g. from .srt) to .vtt",
                )
                continue
            if kind in CAPTION_KINDS:
                if not track.get("srclang"):
                    problems.add(
                        file,
                        "this captions <track> has no srclang",
                        track.sourceline,
                        hint='give the language of the captions, e.g. srclang="en"',
                    )
                    continue
                captions = True
        transcript = el.get("data-transcript")
        if transcript is not None:
            _add_transcript(el, transcript.strip(), file, lesson_path, files, lesson_files, strings, result, problems)
        silent = tag == "video" and el.get("muted") is not None
        if tag == "video" and not silent and not captions:
            problems.add(
                file,
                "this video has no captions",
                el.sourceline,
                level="warning",
                code="media-access",
                hint='add <track kind="captions" src="../media/….vtt" srclang="en" label="English"> inside '
                "<video>; for a video without sound, add muted and a data-transcript that describes it",
            )
        elif (tag == "audio" or silent) and transcript is None and not captions:
            what = "this audio" if tag == "audio" else "this silent video"
            problems.add(
                file,
                f"{what} has no transcript",
                el.sourceline,
                level="warning",
                code="media-access",
                hint=f'add data-transcript="../media/….txt" to <{tag}>: a text file (or an HTML fragment) '
                "that the player shows under it",
            )


def _add_transcript(el, value, file, lesson_path, files, lesson_files, strings, result, problems) -> None:
    """Insert the transcript named by ``data-transcript`` after *el*, in a ``<details>``."""
    if not value:
        problems.add(file, "data-transcript is empty", el.sourceline, hint="name a .txt or .html file, or remove it")
        return
    if urlsplit(value).scheme or value.startswith("//"):
        problems.add(
            file,
            f"the transcript '{value}' is not in the course folder",
            el.sourceline,
            hint="copy the transcript into the course folder (e.g. media/) so it travels with the package",
        )
        return
    before = set(result.assets)
    url = _rewrite(value, el, "data-transcript", file, lesson_path, files, lesson_files, result, problems)
    added = set(result.assets) - before
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(lesson_path), unquote(urlsplit(value).path)))
    if url.startswith("#lesson-"):
        problems.add(file, f"the transcript '{value}' is a lesson", el.sourceline, hint="name a .txt or .html file")
        return
    if rel not in result.assets:  # _rewrite reported why (missing, outside the course folder …)
        return
    if posixpath.splitext(rel)[1].lower() not in TRANSCRIPT_TYPES:
        problems.add(
            file,
            f"the transcript '{value}' is not a .txt or .html file",
            el.sourceline,
            hint="write the transcript as plain text (.txt) or as an HTML fragment (.html)",
        )
        result.assets -= added
        return
    shown_root = file[: -len(lesson_path)].rstrip("/") if file.endswith(lesson_path) else posixpath.dirname(file)
    shown = f"{shown_root}/{rel}" if shown_root else rel
    try:
        data = files.read_bytes(rel, "lesson_file_mb")
    except Refused as exc:
        problems.add(shown, exc.message, hint=exc.hint)
        return
    text = decode_utf8(data, shown, problems)
    if text is None:
        return
    body = HTML_PARSER.makeelement("div", {"class": "transcript-body"})
    if rel.lower().endswith(".txt"):
        for block in (b.strip() for b in text.replace("\r\n", "\n").split("\n\n")):
            if not block:
                continue
            para = HTML_PARSER.makeelement("p")
            lines = block.split("\n")
            para.text = lines[0]
            for line in lines[1:]:
                br = HTML_PARSER.makeelement("br")
                br.tail = line
                para.append(br)
            body.append(para)
    else:  # an HTML fragment, checked and rewritten like a lesson (its references are relative to it)
        inner = process_lesson(text, shown, rel, files, lesson_files, strings, problems)
        result.assets |= inner.assets
        if inner.html:
            for child in parse_fragment(inner.html):
                body.append(child)
    title = (el.get("title") or el.get("aria-label") or "").strip()
    details = HTML_PARSER.makeelement("details", {"class": "transcript"})
    summary = HTML_PARSER.makeelement("summary")
    summary.text = strings["transcript_named"].replace("{title}", title) if title else strings["transcript"]
    details.append(summary)
    details.append(body)
    link_para = HTML_PARSER.makeelement("p", {"class": "transcript-file"})
    link = HTML_PARSER.makeelement("a", {"href": url, "target": "_blank", "rel": "noopener noreferrer"})
    link.text = strings["transcript_file"]
    link_para.append(link)
    body.append(link_para)
    details.tail = el.tail
    el.tail = None
    el.addnext(details)
    del el.attrib["data-transcript"]  # shown under the player; the file is also in the package
