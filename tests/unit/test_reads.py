"""A build reads each file of the course folder from disk once, however many steps need it."""

from __future__ import annotations

import builtins
import collections
import io
import os
from pathlib import Path

from builder import zipwriter
from builder.cli import main

LESSON = """\
<h3>Listen</h3>
<p>See the <a href="../media/handout.html">handout</a> and the <img src="../media/chart.svg" alt="A chart">.</p>
<link rel="stylesheet" href="../media/extra.css">
<script src="../media/widget.js"></script>
<audio src="../media/talk.mp3" title="The talk" data-transcript="../media/talk.txt"></audio>
<video src="../media/clip.mp4" title="The clip"><track kind="captions" src="../media/clip.vtt" srclang="en"></video>
"""


def test_every_course_file_is_read_at_most_once(runner, make_course, tmp_path, monkeypatch):
    course = make_course(
        {
            "lessons/one.html": LESSON,
            "media/handout.html": '<p>Print <img src="chart.svg" alt="The chart"></p>',
            "media/chart.svg": "<svg xmlns='http://www.w3.org/2000/svg'>" + "<g/>" * 400_000 + "</svg>",  # 1.6 MB
            "media/extra.css": "p { color: #222; }\n",
            "media/widget.js": "console.log('hello');\n",
            "media/talk.mp3": os.urandom(2 << 20),
            "media/talk.txt": "Speaker: hello.\n",
            "media/clip.mp4": os.urandom(1 << 20),
            "media/clip.vtt": "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
        }
    )
    root = os.path.realpath(course)
    reads = collections.Counter()
    real_open = io.open

    def counting_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, Path)) and "r" in mode and "+" not in mode:
            path = os.path.realpath(file)
            if path.startswith(root + os.sep):
                reads[os.path.relpath(path, root)] += 1
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(zipwriter, "THREADS_FROM", 0)  # deflate on threads, ahead of the writer, even here
    monkeypatch.setattr(io, "open", counting_open)
    monkeypatch.setattr(builtins, "open", counting_open)
    for jobs in ("1", "2"):
        reads.clear()
        result = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / f"out{jobs}"), "--jobs", jobs])
        assert result.exit_code == 0, result.output
        assert {name for name, n in reads.items() if n > 1} == set(), reads
        assert {
            "course.yaml",
            "quiz.yaml",
            "lessons/one.html",
            "media/talk.txt",
            "media/extra.css",
            "media/widget.js",
            "media/handout.html",
            "media/chart.svg",
            "media/clip.mp4",
        } <= set(reads)
