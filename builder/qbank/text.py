"""Bank texts in Moodle's text formats, turned into the plain text quiz.yaml holds.

Moodle stores each text with a format: ``moodle`` (auto-format: HTML allowed, line breaks kept),
``html``, ``plain`` and ``markdown`` (GIFT's ``[format]`` names; Moodle XML says ``moodle_auto_format``,
``plain_text`` …). coursepack's questions are plain text, so HTML is read for its text: tags go,
entities are decoded, whitespace runs become one space, and what cannot be kept is said (an image,
a link's address, the shape of a list or table). Images that the bank embeds (``@@PLUGINFILE@@``)
come back as :class:`Medium` for the importer to write into the course's media folder.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple
from urllib.parse import unquote

from builder.questions.moodle import NOTE, WARNING, Medium, Note

PLUGINFILE = "@@PLUGINFILE@@"
#: Moodle XML format names -> GIFT's (the names this module works with).
XML_FORMATS = {
    "moodle_auto_format": "moodle",
    "html": "html",
    "plain_text": "plain",
    "markdown": "markdown",
    "wiki_like": "wiki",
}
#: Text that Moodle's auto-format would show as HTML: a tag or an entity.
LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z/!]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
UNSEEN = frozenset(("script", "style", "head", "title", "template"))


class MarkdownMissing(Exception):
    """A ``markdown`` text, and the markdown package (extra ``markdown``) is not installed."""


def to_plain(text: str, fmt: str, files: Optional[Dict[str, bytes]] = None) -> Tuple[str, List[Note], List[Medium]]:
    """*text* in format *fmt* as plain text, with what was adapted and the embedded images it shows.

    :param files: the bank's embedded files by path (``/name.png``), for ``@@PLUGINFILE@@`` images.
    :raises MarkdownMissing: for a markdown text when the markdown package is missing.
    """
    if fmt == "plain":
        return text.strip(), [], []
    if fmt == "wiki":
        return text.strip(), [Note(NOTE, "the text was in Moodle's old wiki format and is kept as written")], []
    if fmt == "markdown":
        try:
            import markdown  # only for a markdown text: an optional package (extra 'markdown')
        except ImportError:
            raise MarkdownMissing() from None
        text = markdown.markdown(text)
    elif fmt == "moodle" and not LOOKS_LIKE_HTML.search(text):
        return text.strip(), [], []
    reader = _HtmlText(files or {})
    reader.feed(text)
    reader.close()
    return " ".join("".join(reader.parts).split()), reader.notes, reader.media


class _HtmlText(HTMLParser):
    """The text of an HTML fragment, and notes on what it leaves out."""

    def __init__(self, files: Dict[str, bytes]):
        super().__init__(convert_charrefs=True)
        self.files = files
        self.parts: List[str] = []
        self.notes: List[Note] = []
        self.media: List[Medium] = []
        self.unseen = 0
        self.links: List[Tuple[str, int]] = []  # (href, where its text starts)
        self.flattened = set()

    def note(self, level: str, message: str) -> None:
        if Note(level, message) not in self.notes:
            self.notes.append(Note(level, message))

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag in UNSEEN:
            self.unseen += 1
        elif tag in BLOCKS:
            self.parts.append(" ")
            if tag in ("ul", "ol", "table"):
                self.flattened.add("a list" if tag != "table" else "a table")
        if tag == "img":
            self.image(a.get("src", "").strip(), a.get("alt", "").strip())
        elif tag == "a" and a.get("href"):
            self.links.append((a["href"].strip(), len(self.parts)))

    def handle_endtag(self, tag):
        if tag in UNSEEN:
            self.unseen = max(0, self.unseen - 1)
        elif tag in BLOCKS:
            self.parts.append(" ")
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = " ".join("".join(self.parts[start:]).split())
            if href != shown and not href.startswith("#"):
                self.note(NOTE, f"the link to {href} is kept as its text only")

    def handle_data(self, data):
        if not self.unseen:
            self.parts.append(data)

    def close(self):
        super().close()
        for shape in sorted(self.flattened):
            self.note(NOTE, f"{shape} was written out as one line of text")

    def image(self, src: str, alt: str) -> None:
        if src.startswith(PLUGINFILE):
            path = unquote(src[len(PLUGINFILE) :].split("?")[0])
            data = self.files.get(path if path.startswith("/") else "/" + path)
            if data is None:
                self.note(
                    WARNING, f"the image {path.lstrip('/')} is missing from the bank, and quiz questions show text only"
                )
            else:
                self.media.append(Medium(path.rsplit("/", 1)[-1], data, alt))
            return
        shown = src if not src.startswith("data:") else "embedded in the text (a data: address)"
        self.note(WARNING, f"the image {shown} is not shown: quiz questions are text only")
