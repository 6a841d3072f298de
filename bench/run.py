"""Benchmark coursepack against Info-ZIP on the same generated course, in one run.

    python bench/run.py medium large [--rounds 3] [--jobs N] [--work DIR]
    python bench/run.py startup

For each size: generate the course (deterministic, into a temporary folder unless --work is
given), then alternate ``coursepack build`` and ``zip -r -X -q -n .mp4:.mp3:.jpg:.png:.webm`` of
the same folder, several rounds each, and print the median wall time, the ratio, the peak RSS of
each process and the output sizes. ``startup`` compares building the sample course with the bare
``python -c 'import lxml.etree, jinja2, click'``. Times are only compared within one run (the
machine is shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from generate import generate  # noqa: E402

GNU_TIME = "/usr/bin/time"
ZIP_ARGS = ["zip", "-r", "-X", "-q", "-n", ".mp4:.mp3:.jpg:.png:.webm"]


#: Measure as users run it: with compiled bytecode (__pycache__), which PYTHONDONTWRITEBYTECODE
#: would otherwise prevent for the checkout while the baseline's libraries have theirs.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(cmd, cwd=None):
    """Run *cmd*; return (wall seconds, peak RSS in MB).

    The peak RSS comes from GNU time (Debian package ``time``): a child forked straight from this
    Python process would inherit this process's high-water mark, which Linux keeps across exec.
    """
    with tempfile.NamedTemporaryFile("r") as rss:
        started = time.perf_counter()
        proc = subprocess.run(
            [GNU_TIME, "-f", "%M", "-o", rss.name, *map(str, cmd)],
            cwd=cwd,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{proc.stderr.decode()}")
        return wall, int(rss.read().split()[-1]) / 1024


def bench_size(size, rounds, jobs, work):
    course = work / f"course-{size}"
    if not (course / "course.yaml").exists():
        t = time.perf_counter()
        generate(size, course)
        print(f"generated {size} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    out = work / f"out-{size}"
    zip_out = work / f"infozip-{size}.zip"
    ours, theirs = [], []
    cmd = [sys.executable, "-m", "builder", "build", str(course), "-o", str(out), "-q"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    for _ in range(rounds):
        shutil.rmtree(out, ignore_errors=True)
        ours.append(measure(cmd, cwd=REPO))
        zip_out.unlink(missing_ok=True)
        theirs.append(measure(ZIP_ARGS + [str(zip_out), "."], cwd=course))
    (package,) = out.glob("*.zip")
    ours_t = statistics.median(t for t, _ in ours)
    theirs_t = statistics.median(t for t, _ in theirs)
    return {
        "size": size,
        "coursepack_s": ours_t,
        "infozip_s": theirs_t,
        "ratio": ours_t / theirs_t,
        "coursepack_rss_mb": max(m for _, m in ours),
        "infozip_rss_mb": max(m for _, m in theirs),
        "coursepack_bytes": package.stat().st_size,
        "infozip_bytes": zip_out.stat().st_size,
    }


def bench_startup(rounds):
    sample = REPO / "course_src" / "self-compassion"
    with tempfile.TemporaryDirectory() as tmp:
        measure([sys.executable, "-m", "builder", "build", str(sample), "-o", tmp, "-q"], cwd=REPO)  # warm-up
        build, imports = [], []
        for _ in range(rounds):  # alternate, so both see the same machine load
            build.append(measure([sys.executable, "-m", "builder", "build", str(sample), "-o", tmp, "-q"], cwd=REPO)[0])
            imports.append(measure([sys.executable, "-c", "import lxml.etree, jinja2, click"])[0])
    b, i = statistics.median(build), statistics.median(imports)
    print(f"| sample build | {b:.3f} s | bare imports | {i:.3f} s | ratio {b / i:.2f} (target <= 1.5) |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", choices=["small", "medium", "large", "startup"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--work", type=Path, help="keep generated courses here (reused between runs)")
    args = parser.parse_args(argv)
    if shutil.which("zip") is None and any(s != "startup" for s in args.sizes):
        raise SystemExit("Info-ZIP is needed: apt-get install zip")
    if not os.path.exists(GNU_TIME):
        raise SystemExit("GNU time is needed for peak memory: apt-get install time")
    work = args.work or Path(tempfile.mkdtemp(prefix="coursepack-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for size in args.sizes:
            if size == "startup":
                bench_startup(max(args.rounds, 5))
                continue
            rows.append(bench_size(size, args.rounds, args.jobs, work))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if rows:
        print(
            "| course | coursepack | Info-ZIP -n | ratio (target <= 0.6) | coursepack peak RSS | "
            "Info-ZIP peak RSS | coursepack zip | Info-ZIP zip | size difference |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            diff = (r["coursepack_bytes"] / r["infozip_bytes"] - 1) * 100
            print(
                f"| {r['size']} | {r['coursepack_s']:.2f} s | {r['infozip_s']:.2f} s | {r['ratio']:.2f} | "
                f"{r['coursepack_rss_mb']:.0f} MB | {r['infozip_rss_mb']:.0f} MB | "
                f"{r['coursepack_bytes'] / 1e6:.1f} MB | {r['infozip_bytes'] / 1e6:.1f} MB | {diff:+.2f} % |"
            )


if __name__ == "__main__":
    main()
