"""Video and audio in lessons: captions (WebVTT tracks) and transcripts, checked with located
errors, and the transcript shown under the player in a disclosure."""

from __future__ import annotations

import zipfile

import pytest

from builder.cli import main

VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n"
MEDIA = {
    "media/talk.mp4": b"\x00\x00\x00\x18ftypmp42",
    "media/talk.vtt": VTT,
    "media/talk.mp3": b"ID3",
    "media/talk.txt": "Speaker: Welcome <everyone>.\nSecond line.\n\nA new paragraph.\n",
    "media/talk.html": '<p>With a <a href="../lessons/two.html">link</a> and '
    '<img src="still.png" alt="A still">.</p>\n',
    "media/still.png": b"\x89PNG\r\n\x1a\n",
}


def build(runner, make_course, tmp_path, lesson: str):
    course = make_course({"lessons/one.html": lesson, **MEDIA})
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(course), "-o", str(out)])
    return result, out


def contents(out):
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        return zf.read("index.html").decode("utf-8"), zf.namelist()


def test_a_captioned_video_and_an_audio_with_a_transcript(runner, make_course, tmp_path):
    result, out = build(
        runner,
        make_course,
        tmp_path,
        """\
<p>Watch, then listen.</p>
<video src="../media/talk.mp4" title="The welcome talk">
  <track kind="captions" src="../media/talk.vtt" srclang="en" label="English">
</video>
<audio src="../media/talk.mp3" title="The welcome talk" data-transcript="../media/talk.txt"></audio>
""",
    )
    assert result.exit_code == 0, result.output
    html, packaged = contents(out)
    assert '<video src="media/talk.mp4" title="The welcome talk" controls="">' in html
    assert 'src="media/talk.vtt" srclang="en"' in html
    assert (
        '<details class="transcript"><summary>Transcript: The welcome talk</summary><div class="transcript-body">'
        "<p>Speaker: Welcome &lt;everyone&gt;.<br>Second line.</p><p>A new paragraph.</p>"
    ) in html
    assert (
        '<a href="media/talk.txt" target="_blank" rel="noopener noreferrer">Open the transcript on its own</a>' in html
    )
    assert "data-transcript" not in html
    assert {"media/talk.mp4", "media/talk.vtt", "media/talk.mp3", "media/talk.txt"} <= set(packaged)


def test_an_html_transcript_is_checked_and_rewritten_like_a_lesson(runner, make_course, tmp_path):
    result, out = build(
        runner, make_course, tmp_path, '<audio src="../media/talk.mp3" data-transcript="../media/talk.html"></audio>\n'
    )
    assert result.exit_code == 0, result.output
    html, packaged = contents(out)
    assert "<summary>Transcript</summary>" in html
    assert '<a href="#lesson-two" data-goto-lesson="two">link</a>' in html
    assert 'src="media/still.png"' in html and "media/still.png" in packaged


@pytest.mark.parametrize(
    "lesson,expected",
    [
        (
            '<p>x</p>\n<video src="../media/talk.mp4"></video>\n',
            [
                "lessons/one.html:2: warning: this video has no captions [media-access]",
                'hint: add <track kind="captions"',
            ],
        ),
        (
            '<p>x</p>\n<video src="https://example.org/v.mp4"><track kind="descriptions" src="../media/talk.vtt" '
            'srclang="en"></video>\n',
            ["lessons/one.html:2: warning: this video has no captions [media-access]"],
        ),
        (
            '<p>x</p>\n<video src="../media/talk.mp4" muted></video>\n',
            ["lessons/one.html:2: warning: this silent video has no transcript [media-access]"],
        ),
        (
            '<p>x</p>\n\n<audio src="../media/talk.mp3"></audio>\n',
            [
                "lessons/one.html:3: warning: this audio has no transcript [media-access]",
                'hint: add data-transcript="../media/….txt"',
            ],
        ),
        (
            '<audio src="../media/talk.mp3" data-transcript="../media/talk.txt" autoplay></audio>\n',
            ["lessons/one.html:1: warning: <audio> starts by itself (autoplay) [media-access]"],
        ),
    ],
)
def test_media_without_captions_or_transcript_is_a_warning(runner, make_course, tmp_path, lesson, expected):
    result, out = build(runner, make_course, tmp_path, lesson)
    assert result.exit_code == 0, result.output
    for line in expected:
        assert line in result.stderr, f"missing {line!r} in:\n{result.stderr}"
    strict = runner.invoke(main, ["validate", "--strict", str(tmp_path / "course")])
    assert strict.exit_code == 2 and "media-access" in strict.stderr
    silenced = (tmp_path / "course" / "course.yaml").read_text() + "lint:\n  ignore: [media-access, file-unused]\n"
    (tmp_path / "course" / "course.yaml").write_text(silenced)
    assert runner.invoke(main, ["validate", "--strict", str(tmp_path / "course")]).exit_code == 0


@pytest.mark.parametrize(
    "lesson,expected",
    [
        (
            '<p>x</p>\n<video src="../media/talk.mp4">\n'
            '<track kind="captions" src="../media/talk.txt" srclang="en">\n</video>\n',
            ["lessons/one.html:3: error: 'media/talk.txt' is not a WebVTT (.vtt) file"],
        ),
        (
            '<p>x</p>\n<video src="../media/talk.mp4">\n<track kind="captions" src="../media/talk.vtt">\n</video>\n',
            ["lessons/one.html:3: error: this captions <track> has no srclang"],
        ),
        (
            '<p>x</p>\n<video src="../media/talk.mp4">\n'
            '<track kind="captions" src="../media/missing.vtt" srclang="en">\n'
            "</video>\n",
            ["lessons/one.html:3: error: '../media/missing.vtt' does not exist"],
        ),
        (
            '<p>x</p>\n<video src="../media/talk.mp4">\n<track kind="captions" srclang="en">\n</video>\n',
            ["lessons/one.html:3: error: this <track> has no src"],
        ),
        (
            '<audio src="../media/talk.mp3" data-transcript="../media/talks.txt"></audio>\n',
            ["lessons/one.html:1: error: '../media/talks.txt' does not exist", "hint: did you mean 'talk.txt'?"],
        ),
        (
            '<audio src="../media/talk.mp3" data-transcript="../media/talk.vtt"></audio>\n',
            ["lessons/one.html:1: error: the transcript '../media/talk.vtt' is not a .txt or .html file"],
        ),
        (
            '<audio src="../media/talk.mp3" data-transcript="https://example.org/t.txt"></audio>\n',
            ["error: the transcript 'https://example.org/t.txt' is not in the course folder"],
        ),
        (
            '<audio src="../media/talk.mp3" data-transcript="../../outside.txt"></audio>\n',
            ["error: '../../outside.txt' points outside the course folder"],
        ),
    ],
)
def test_wrong_captions_or_transcripts_are_errors(runner, make_course, tmp_path, lesson, expected):
    result, out = build(runner, make_course, tmp_path, lesson)
    assert result.exit_code == 2, result.output
    for line in expected:
        assert line in result.stderr, f"missing {line!r} in:\n{result.stderr}"
    assert not out.exists() or not list(out.iterdir())
