"""Hold the bound of docs/limits.md: the worst sources of the hostile corpus, timed and measured.

    python bench/hostile.py [CASE ...] [--work DIR]

Each case writes a course (into a temporary folder unless --work is given) at or past a limit of
builder/sources/limits.py, runs ``coursepack build`` on it once and prints the source's size, the exit
code, the wall time, the processor time and the peak RSS of the build (GNU time: processor time
includes the template renderer it starts, peak RSS is the larger of the two). The bound it checks:
a source under 100 MB builds or is refused within 20 s and 500 MB. On a shared machine wall time
says more about the neighbours than about coursepack, so the check uses processor time, which on
an idle machine the wall time does not exceed (a build runs one thread, plus deflate threads that
shorten it). It needs Debian's ``time`` package. Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from run import ENV, GNU_TIME  # noqa: E402

BOUND_SECONDS = 20
BOUND_MB = 500
HEAD = "id: worst\ntitle: Worst case\nversion: 1.0.0\nlanguage: en\nmastery_score_in_manifest: false\npass_mark: 50\n"


def lessons_block(n: int) -> str:
    return "lessons:\n" + "".join(
        f"  - id: l{i:04d}\n    title: Lesson {i}\n    file: lessons/l{i:04d}.html\n" for i in range(n)
    )


def write(root: Path, files) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def small_course(root: Path, extra: str = "", files=None) -> Path:
    return write(
        root, {"course.yaml": HEAD + lessons_block(1) + extra, "lessons/l0000.html": "<p>Text.</p>\n", **(files or {})}
    )


def alias_bomb(root: Path) -> Path:
    bomb = "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
        for p, n in zip([None, *"abcdefgh"], "abcdefghi")
    )
    return small_course(root, bomb)


def yaml_values(root: Path) -> Path:
    """A quiz file just under its 4 MB size limit, all values: the value limit refuses it."""
    return small_course(root, "quiz: quiz.yaml\n", {"quiz.yaml": "title: Q\nquestions: [" + "1," * 1_990_000 + "1]\n"})


def yaml_deep(root: Path) -> Path:
    return small_course(root, "x:\n" + "".join("  " * i + f"- k{i}:\n" for i in range(1, 900)))


def quiz_text() -> str:
    """5000 questions (the limit) in one pool that draws 50."""
    parts = ["title: Big\npools:\n  - id: all\n    draw: 50\n    questions:\n"]
    for i in range(5000):
        parts.append(
            f"      - id: q{i:04d}\n        type: single-choice\n        text: Question {i}, which one?\n"
            f"        choices:\n          - text: The first\n            correct: true\n          - Second\n"
            f"          - Third\n        explanation: Because {i}.\n"
        )
    return "".join(parts)


def quiz_max(root: Path) -> Path:
    return small_course(root, "quiz: quiz.yaml\n", {"quiz.yaml": quiz_text()})


def lesson_html(rng: random.Random, size: int) -> str:
    out, total = [], 0
    while total < size:
        words = " ".join(rng.choice(("care", "breath", "clinic", "kind", "study", "notice")) for _ in range(40))
        piece = (
            f"<h3>Part</h3>\n<p>{words} <em>{words[:30]}</em> <a href='#top'>top</a></p>\n<ul><li>{words}</li></ul>\n"
        )
        out.append(piece)
        total += len(piece)
    return "".join(out)[:size]


def lessons_max(root: Path) -> Path:
    """2000 lessons (the limit) of 15.5 kB: 31 MB of HTML, under the 32 MB total."""
    rng = random.Random(1)
    files = {"course.yaml": HEAD + lessons_block(2000)}
    text = lesson_html(rng, 15_500 - 10)
    for i in range(2000):
        files[f"lessons/l{i:04d}.html"] = text + f"<p>{i:05d}</p>"
    return write(root, files)


def lesson_nesting(root: Path) -> Path:
    """A 2 MB lesson (the limit) of 100 000 nested elements, then 40 000 with attributes: refused (too deep)."""
    body = "<div>" * 100_000 + "x" + "</div>" * 100_000 + "<p>" + '<b class="a" title="t">y</b>' * 40_000 + "</p>"
    return small_course(root, files={"lessons/l0000.html": body[:1_999_000]})


def media_100mb(root: Path) -> Path:
    rng = random.Random(2)
    links = "".join(f'<p><a href="../media/m{i}.mp4">m{i}</a></p>\n' for i in range(10))
    files = {f"media/m{i}.mp4": rng.randbytes(10_000_000) for i in range(10)}
    files["lessons/l0000.html"] = links
    return write(root, {"course.yaml": HEAD + lessons_block(1), **files})


def everything(root: Path) -> Path:
    """2000 lessons, 5000 questions and 60 MB of media at once: the largest source under 100 MB."""
    lessons_max(root)
    rng = random.Random(3)
    files = {"quiz.yaml": quiz_text()}
    files.update({f"media/m{i}.mp4": rng.randbytes(10_000_000) for i in range(6)})
    links = "".join(f'<p><a href="../media/m{i}.mp4">m{i}</a></p>\n' for i in range(6))
    files["lessons/l0000.html"] = (root / "lessons/l0000.html").read_text() + links
    write(root, files)
    (root / "course.yaml").write_text(HEAD + "quiz: quiz.yaml\n" + lessons_block(2000), encoding="utf-8")
    return root


def template_loop(root: Path) -> Path:
    loop = "<p>\n{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}\n"
    return small_course(root, files={"templates/player.html": loop})


def template_memory(root: Path) -> Path:
    grow = "{% set ns = namespace(x='ab') %}\n{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}\n"
    return small_course(root, files={"templates/player.html": grow})


def media_fifo(root: Path) -> Path:
    small_course(root, files={"lessons/l0000.html": '<p><img alt="x" src="../media/pipe.png"></p>\n'})
    (root / "media").mkdir()
    os.mkfifo(root / "media/pipe.png")
    return root


#: name -> (writer, the exit code it should end with)
CASES = {
    "alias-bomb": (alias_bomb, 2),
    "yaml-values": (yaml_values, 2),
    "yaml-deep": (yaml_deep, 2),
    "quiz-max": (quiz_max, 0),
    "lessons-max": (lessons_max, 0),
    "lesson-nesting": (lesson_nesting, 2),
    "media-100mb": (media_100mb, 0),
    "everything": (everything, 0),
    "template-loop": (template_loop, 2),
    "template-memory": (template_memory, 2),
    "media-fifo": (media_fifo, 2),
}


def source_mb(root: Path) -> float:
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total / 1e6


def measure(course: Path, out: Path):
    """(exit code, wall seconds, processor seconds, peak RSS in MB, stderr) of one ``coursepack build``."""
    import subprocess

    build = [sys.executable, "-m", "builder", "build", str(course), "-o", str(out), "-q"]
    with tempfile.NamedTemporaryFile("r") as usage:
        started = time.perf_counter()
        proc = subprocess.run(
            [GNU_TIME, "-f", "%U %S %M", "-o", usage.name, *build],
            cwd=REPO,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=300,
        )
        wall = time.perf_counter() - started
        user, system, peak = usage.read().split()[-3:]
    return proc.returncode, wall, float(user) + float(system), int(peak) / 1024, proc.stderr.decode("utf-8", "replace")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help="any of: " + ", ".join(CASES) + " (default: all)")
    parser.add_argument("--work", type=Path, help="folder for the generated courses (default: a temporary one)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.cases if name not in CASES]
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}")
    work = Path(args.work or tempfile.mkdtemp(prefix="coursepack-hostile-"))
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| case | source | exit (expected) | wall | processor | peak RSS | within 20 s and 500 MB |")
    print("|---|---|---|---|---|---|---|")
    failed = 0
    try:
        for name in args.cases or list(CASES):
            writer, expected = CASES[name]
            root = work / name
            shutil.rmtree(root, ignore_errors=True)
            course = writer(root)
            code, wall, cpu, rss, stderr = measure(course, work / f"{name}-out")
            ok = code == expected and cpu <= BOUND_SECONDS and rss <= BOUND_MB
            failed += not ok
            print(
                f"| {name} | {source_mb(course):.1f} MB | {code} ({expected}) | {wall:.2f} s | {cpu:.2f} s "
                f"| {rss:.0f} MB | {'yes' if ok else 'NO'} |",
                flush=True,
            )
            if code != expected:
                print(stderr[-1500:], file=sys.stderr)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
