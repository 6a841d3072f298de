"""Theming from course.yaml and per-course template overrides: what they produce, and every
class of bad value with its location."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from builder.cli import main
from builder.sources.theme import CONTRAST_PAIRS, contrast, derive_colors

REPO = Path(__file__).resolve().parents[2]

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><rect width="80" height="40"/></svg>\n'


def with_theme(make_course, theme: str, files=None, name="course"):
    base = make_course(name=name)
    text = (base / "course.yaml").read_text() + theme
    return make_course({"course.yaml": text, **(files or {})}, name=name)


def build(runner, course, tmp_path, *args):
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(course), "-o", str(out), *args])
    return result, out


def page(out) -> str:
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        return zf.read("index.html").decode("utf-8")


def names(out) -> list:
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        return zf.namelist()


def assert_invalid(result, *expected):
    assert result.exit_code == 2, result.output
    for line in expected:
        assert line in result.stderr, f"missing {line!r} in:\n{result.stderr}"
    assert "Traceback" not in result.stderr


# ============================================================================ the default theme
def test_the_default_palette_passes_every_contrast_check():
    palette = derive_colors({})
    for fg, bg, needed, what in CONTRAST_PAIRS:
        assert contrast(palette[fg], palette[bg]) >= needed, what


def test_the_default_palette_is_the_stylesheet_root():
    from builder.resources import templates_dir
    from builder.sources.theme import DEFAULT_COLORS

    css = (templates_dir() / "static" / "player.css").read_text()
    root = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    for name, value in DEFAULT_COLORS.items():
        if name != "white":
            assert f"--{name}: {value};" in root, name


def test_no_theme_adds_no_style(runner, make_course, tmp_path):
    result, out = build(runner, make_course(), tmp_path)
    assert result.exit_code == 0, result.output
    assert "<style>" not in page(out)


# ============================================================================ a theme
def test_colours_fonts_and_logo(runner, make_course, tmp_path):
    course = with_theme(
        make_course,
        """\
theme:
  colors:
    accent: "#7B2D8E"
    background: "#faf7f2"
    focus: "#b40"
  fonts:
    body: "Georgia, 'Times New Roman', serif"
    headings: "Verdana,   sans-serif"
  logo: media/logo.svg
  logo_alt: "Example CE Provider"
""",
        {"media/logo.svg": LOGO},
    )
    result, out = build(runner, course, tmp_path)
    assert result.exit_code == 0, result.output
    html = page(out)
    style = html[html.index("<style>") : html.index("</style>")]
    assert "--accent: #7b2d8e;" in style and "--page: #faf7f2;" in style and "--focus: #bb4400;" in style
    assert "--accent-dark:" in style and "--accent-soft:" in style  # derived from the accent
    assert "body { font-family: Georgia, 'Times New Roman', serif; }" in style
    assert "font-family: Verdana, sans-serif;" in style
    assert '<img class="logo" src="media/logo.svg" alt="Example CE Provider">' in html
    assert "media/logo.svg" in names(out)


@pytest.mark.parametrize(
    "theme,expected",
    [
        (
            'theme:\n  colors:\n    accent: "#12345"\n',
            [
                "course.yaml:17:13: error: theme.colors.accent: '#12345' is not a colour",
                "hint: write a hex colour in quotes",
            ],
        ),
        (
            "theme:\n  colors:\n    accent: #245b8f\n",
            ["course.yaml:17:12: error: theme.colors.accent: expected a colour in quotes"],
        ),
        (
            'theme:\n  colors:\n    accent: "#8fb3d9"\n',
            [
                "course.yaml:17:13: error: theme.colors.accent: links and button labels on the lesson card: #8fb3d9 on "
                "#ffffff has a contrast of 2.",
                "WCAG 2.1 AA needs 4.5:1",
                "hint: try '#",
            ],
        ),
        (
            'theme:\n  colors:\n    surface: "#333333"\n',
            ["course.yaml:17:14: error: theme.colors.surface: text on the lesson card: #1f2933 on #333333"],
        ),
        (
            'theme:\n  colors:\n    text: "#999999"\n',
            ["theme.colors.text: text on the lesson card: #999999 on #ffffff"],
        ),
        (
            'theme:\n  colours:\n    accent: "#245b8f"\n',
            ["course.yaml:16:3: error: theme.colours: unknown key 'colours'", "hint: did you mean 'colors'?"],
        ),
        (
            'theme:\n  fonts:\n    body: "Comic Sans; } body { display: none"\n',
            ["course.yaml:17:11: error: theme.fonts.body: expected a CSS font list"],
        ),
        (
            "theme:\n  logo: media/missing.svg\n",
            ["course.yaml:16:9: error: theme.logo: 'media/missing.svg' does not exist"],
        ),
        ("theme:\n  logo: ../outside.svg\n", ["theme.logo: '../outside.svg' is outside the course folder"]),
        ("theme:\n  logo: lessons/one.html\n", ["theme.logo: 'lessons/one.html' is not an image a browser shows"]),
        ("theme:\n  logo_alt: Provider\n", ["theme.logo_alt: there is no logo to describe"]),
    ],
)
def test_bad_theme_values_are_located(runner, make_course, tmp_path, theme, expected):
    (tmp_path / "outside.svg").write_text(LOGO)
    result, out = build(runner, with_theme(make_course, theme), tmp_path)
    assert_invalid(result, *expected)
    assert not out.exists() or not list(out.iterdir())


# ============================================================================ template overrides
def test_a_course_template_replaces_the_default_and_can_include_its_own(runner, make_course, tmp_path):
    course = make_course(
        {
            "templates/quiz.html": '<section class="view quiz" data-view="quiz" hidden><h2 tabindex="-1">'
            '{{ quiz.title }}</h2>{% include "note.html" %}</section>\n',
            "templates/note.html": '<p class="note">{{ t.quiz_nav }} – {{ course.title }}</p>\n',
        }
    )
    result, out = build(runner, course, tmp_path)
    assert result.exit_code == 0, result.output
    html = page(out)
    assert '<p class="note">Quiz – Tiny course</p>' in html
    assert "data-quiz-form" not in html
    assert "templates/note.html" not in names(out)  # templates are rendered, not packaged


def test_static_and_runtime_files_replace_the_defaults_or_are_added(runner, make_course, tmp_path):
    course = make_course(
        {
            "templates/static/player.css": "body { color: #000; }\n",
            "templates/static/brand.woff2": b"wOF2 not really",
            "templates/runtime/quiz.js": "/* the course's own quiz engine */\nwindow.ownQuiz = 1;\n",
        }
    )
    result, out = build(runner, course, tmp_path, "--debug")  # the files as they are
    assert result.exit_code == 0, result.output
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        assert zf.read("assets/player.css") == b"body { color: #000; }\n"
        assert zf.read("assets/quiz.js") == b"/* the course's own quiz engine */\nwindow.ownQuiz = 1;\n"
        assert zf.read("assets/brand.woff2") == b"wOF2 not really"
        assert "assets/certificate.js" not in zf.namelist()  # no certificate in this course
    result, out = build(runner, course, tmp_path)  # minified, the scripts in one file
    assert result.exit_code == 0, result.output
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        bundle = zf.read("assets/runtime.min.js")
        assert zf.read("assets/player.css") == b"body{color:#000}"
        assert zf.read("assets/brand.woff2") == b"wOF2 not really"
    assert b"\n/* quiz.js */\nwindow.ownQuiz=1;\n/* true_false.js */\n" in bundle  # its questions' type comes next
    assert b"/* certificate.js */" not in bundle


def test_validate_strict_counts_overrides_as_used(runner, make_course):
    course = make_course({"templates/static/extra.css": ".x { color: red; }\n"})
    result = runner.invoke(main, ["validate", "--strict", str(course)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "files,expected",
    [
        (
            {"templates/playr.html": "x"},
            ["course/templates/playr.html: error: does not replace any template; did you mean 'player.html'?"],
        ),
        (
            {"templates/runtime/extra.js": "x"},
            [
                "course/templates/runtime/extra.js: error: does not replace a runtime file",
                "put new scripts in templates/static/",
            ],
        ),
        (
            {"templates/locales/en.json": "{}"},
            ["course/templates/locales/en.json: error: the message catalogue cannot be replaced per course"],
        ),
        ({"templates/player.css": "x"}, ["course/templates/player.css: error: is not a template: only .html files"]),
        (
            {"templates/static/fonts/a.woff2": "x"},
            ["course/templates/static/fonts/a.woff2: error: is not a template, a static file or a runtime file"],
        ),
    ],
)
def test_bad_override_files_are_named(runner, make_course, tmp_path, files, expected):
    result, _ = build(runner, make_course(files), tmp_path)
    assert_invalid(result, *expected)


def test_a_broken_override_is_reported_at_its_line(runner, make_course, tmp_path):
    result, _ = build(runner, make_course({"templates/quiz.html": "<p>\n{% if quiz %}\n</p>\n"}), tmp_path)
    assert_invalid(
        result, "course/templates/quiz.html:2: error: this template cannot be rendered: Unexpected end of template"
    )
    result, _ = build(
        runner, make_course({"templates/quiz.html": "<p>\n{{ no_such_name }}\n</p>\n"}, name="c2"), tmp_path
    )
    assert_invalid(
        result, "c2/templates/quiz.html:2: error: this template cannot be rendered: 'no_such_name' is undefined"
    )


def test_an_overridden_page_that_drops_a_runtime_script_is_refused(runner, make_course, tmp_path):
    base = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
    loop = '{% for script in scripts %}<script src="assets/{{ script }}"></script>\n{% endfor %}'
    assert loop in base
    # a copy from an older release names each script; this one lost nav.js
    tags = "".join(
        f'<script src="assets/{name}"></script>\n'
        for name in ("scorm12.js", "quiz.js", "session.js", "suspend.js", "tracking.js", "quizview.js", "certview.js")
    )
    old_style = base.replace(loop, tags + '<script src="assets/player.js"></script>\n')
    result, _ = build(runner, make_course({"templates/base.html": old_style}), tmp_path)
    assert_invalid(
        result,
        "course/templates/base.html: error: the page does not load assets/runtime.min.js",
        "hint: keep the script loop of the default templates/base.html ({% for script in scripts %})",
    )
    result, _ = build(runner, make_course({"templates/base.html": old_style}, name="c1"), tmp_path, "--debug")
    assert_invalid(result, "c1/templates/base.html: error: the page does not load assets/true_false.js, assets/nav.js")

    reordered = base.replace(loop, loop.replace("in scripts", "in scripts|reverse"))
    result, _ = build(runner, make_course({"templates/base.html": reordered}, name="c2"), tmp_path, "--debug")
    assert_invalid(
        result,
        "c2/templates/base.html: error: assets/player.js must be the last script the page loads, not assets/scorm12.js",
    )
    after = base.replace(loop, loop + '<script src="assets/brand.js"></script>\n')
    files = {"templates/base.html": after, "templates/static/brand.js": "window.brand = 1;\n"}
    result, _ = build(runner, make_course(files, name="c4"), tmp_path)
    assert_invalid(
        result, "c4/templates/base.html: error: assets/runtime.min.js must be the last script the page loads"
    )

    result, out = build(
        runner, make_course({"templates/base.html": base.replace("<body>", '<body class="x">')}, name="c3"), tmp_path
    )
    assert result.exit_code == 0, result.output  # an override that keeps the scripts builds


# ============================================================================ the cover and the signature
CE_WITH_SIGNATURE = """\
ce:
  credit_hours: 1.5
  provider: Example CE Provider
  verify_url: https://ce.example.org/verify
  signature:
    name: Dr. Ana Ruiz
    title: Program director
    image: media/signature.svg
"""


def test_the_cover_and_the_signature_are_shown_and_packaged(runner, make_course, tmp_path):
    course = with_theme(
        make_course,
        'cover:\n  image: media/cover.svg\n  alt: "A lighthouse at dusk"\n' + CE_WITH_SIGNATURE,
        {"media/cover.svg": LOGO, "media/signature.svg": LOGO},
    )
    result, out = build(runner, course, tmp_path)
    assert result.exit_code == 0, result.output
    html = page(out)
    assert '<img class="start-cover" src="media/cover.svg" alt="A lighthouse at dusk">' in html
    assert '<img class="signature-image" src="media/signature.svg" alt="">' in html
    assert '<p class="signature-name">Dr. Ana Ruiz</p>' in html
    assert '<p class="signature-title">Program director</p>' in html
    assert "Example CE Provider confirms certificates from their code at https://ce.example.org/verify" in html
    assert {"media/cover.svg", "media/signature.svg"} <= set(names(out))


def test_a_decorative_cover_has_an_empty_alt(runner, make_course, tmp_path):
    course = with_theme(make_course, 'cover:\n  image: media/cover.svg\n  alt: ""\n', {"media/cover.svg": LOGO})
    result, out = build(runner, course, tmp_path)
    assert result.exit_code == 0, result.output
    assert '<img class="start-cover" src="media/cover.svg" alt="">' in page(out)


def test_bad_covers_signatures_and_verify_urls_are_reported_together(runner, make_course, tmp_path):
    course = with_theme(
        make_course,
        "cover:\n  image: media/missing.png\n"
        "ce:\n  credit_hours: 1\n  provider: P\n  verify_url: ce.example.org/verify\n"
        "  signature:\n    title: Director\n    image: lessons/one.html\n",
    )
    result, out = build(runner, course, tmp_path)
    assert_invalid(
        result,
        "course.yaml:16:3: error: cover: 'alt' is missing",
        "hint: add 'alt: …' here",
        "course.yaml:16:10: error: cover.image: 'media/missing.png' does not exist",
        "course.yaml:20:15: error: ce.verify_url: 'ce.example.org/verify' must be an absolute http:// or https://",
        "course.yaml:22:5: error: ce.signature: 'name' is missing",
        "course.yaml:23:12: error: ce.signature.image: 'lessons/one.html' is not an image a browser shows",
        "error: 5 problems found; nothing was written",
    )
    assert not out.exists() or not list(out.iterdir())


def test_a_cover_written_as_a_path_asks_for_its_text_alternative(runner, make_course, tmp_path):
    course = with_theme(make_course, "cover: media/cover.svg\n", {"media/cover.svg": LOGO})
    result, out = build(runner, course, tmp_path)
    assert_invalid(
        result,
        "course.yaml:15:8: error: cover: the cover needs its picture and a text alternative",
        'hint: write "cover:" with "image: media/cover.svg" and "alt: …" indented under it',
    )
