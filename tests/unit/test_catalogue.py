"""The message catalogue (templates/locales/*.json): every language complete, every string the
player uses present, and a Spanish build with no English left in it."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from builder.cli import main
from builder.resources import available_languages, templates_dir

REPO = Path(__file__).resolve().parents[2]
SPANISH_COURSE = REPO / "tests" / "e2e" / "courses" / "curso-es"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: English words that no Spanish page of the player should contain (as whole words).
ENGLISH_WORDS = {
    "the",
    "your",
    "you",
    "and",
    "of",
    "to",
    "this",
    "is",
    "are",
    "not",
    "quiz",
    "question",
    "questions",
    "answer",
    "answers",
    "score",
    "lesson",
    "lessons",
    "next",
    "previous",
    "course",
    "certificate",
    "print",
    "back",
    "check",
    "true",
    "false",
    "correct",
    "incorrect",
    "passed",
    "skip",
    "progress",
    "viewed",
    "contents",
    "transcript",
    "attempts",
    "retake",
    "send",
    "evaluation",
    "rate",
    "agree",
    "disagree",
    "choose",
    "match",
    "move",
    "up",
    "down",
    "provider",
    "credit",
    "hours",
    "date",
    "completion",
    "verification",
    "code",
    "version",
    "please",
    "results",
    "welcome",
}


def catalogue(lang: str) -> dict:
    return json.loads((templates_dir() / "locales" / f"{lang}.json").read_text(encoding="utf-8"))


def test_every_language_has_every_key_with_the_same_placeholders():
    english = catalogue("en")
    assert set(available_languages()) >= {"en", "es"}
    for lang in available_languages():
        strings = catalogue(lang)
        assert set(strings) == set(english), (lang, sorted(set(strings) ^ set(english)))
        for key, value in strings.items():
            assert isinstance(value, str) and value.strip(), (lang, key)
            assert set(PLACEHOLDER.findall(value)) == set(PLACEHOLDER.findall(english[key])), (lang, key)


def test_spanish_is_translated():
    english, spanish = catalogue("en"), catalogue("es")
    same = sorted(k for k in english if english[k] == spanish[k] and re.search(r"[A-Za-z]{3}", english[k]))
    assert same == [], f"Spanish strings still in English: {same}"


def js_keys() -> set:
    """Catalogue keys the runtime asks for: every snake_case string literal of the player's scripts."""
    keys = set()
    for name in (
        "player.js",
        "suspend.js",
        "tracking.js",
        "nav.js",
        "quizview.js",
        "certview.js",
        "quiz.js",
        "certificate.js",
        "adapters/cmi5.js",  # names the notice the player shows when a cmi5 launch fails
        *(f"types/{p.name}" for p in (templates_dir() / "runtime" / "types").glob("*.js")),  # the renderers
    ):
        source = (templates_dir() / "runtime" / name).read_text(encoding="utf-8")
        keys |= set(re.findall(r"'([a-z]+(?:_[a-z0-9]+)+)'", source))
        keys |= set(re.findall(r"\btext\(\s*'([a-z]+)'", source))
    return keys


def template_keys() -> set:
    keys = set()
    for path in templates_dir().glob("*.html"):
        keys |= set(re.findall(r"\bt\.(\w+)", path.read_text(encoding="utf-8")))
    for path in (REPO / "builder").rglob("*.py"):
        keys |= set(re.findall(r"strings\[\"(\w+)\"\]", path.read_text(encoding="utf-8")))
    return keys


def test_every_string_the_player_uses_is_in_the_catalogue():
    english = catalogue("en")
    used = js_keys() | template_keys()
    assert used - set(english) == set(), "used but missing from the catalogue"
    # and the catalogue holds nothing unused (a key no code asks for is a string nobody sees)
    dynamic = {f"likert_{i}" for i in range(1, 6)} | {
        "correct",
        "incorrect",
        "recorded",
        "true",
        "false",
        "visited",
        "previous",
        "next",
        "unanswered",
        "transcript",
    }
    assert set(english) - used - dynamic == set(), "in the catalogue but never used"


class _Text(HTMLParser):
    """Text and learner-facing attributes of a page, outside scripts and lesson/quiz content."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder", "aria-valuetext", "content") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def test_a_spanish_build_has_no_english(runner, tmp_path):
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(SPANISH_COURSE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        page = zf.read("index.html").decode("utf-8")
    config = json.loads(re.search(r'<script type="application/json" id="course-config">(.*?)</script>', page, re.S)[1])
    assert config["strings"] == catalogue("es")
    parser = _Text()
    parser.feed(page)
    text = "\n".join(parser.parts + [v for v in config["strings"].values()])
    english = catalogue("en")
    for key, value in english.items():
        if value == catalogue("es")[key]:
            continue
        for fragment in PLACEHOLDER.split(value)[::2]:
            if len(fragment.split()) >= 2:
                assert fragment.strip() not in text, f"English from {key!r} in the Spanish page: {fragment!r}"
    words = set(re.findall(r"[A-Za-z]+", PLACEHOLDER.sub(" ", text).lower()))
    assert words & ENGLISH_WORDS == set(), "English words in the Spanish page"
    assert '<html lang="es">' in page
    assert "1,5 horas de crédito" in page  # numbers written the Spanish way
