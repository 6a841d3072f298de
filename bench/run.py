"""Benchmark coursepack against Info-ZIP on exactly the files a package holds, in one run.

    python bench/run.py medium large [--rounds 5] [--jobs N] [--work DIR]
    python bench/run.py startup

For each size: generate the course (deterministic, into a temporary folder unless --work is
given), build it once and unpack the package, so that Info-ZIP gets exactly the files the package
holds. Then alternate ``coursepack build`` of the course and ``zip -r -X -D -q -n
.mp4:.mp3:.jpg:.png:.webm`` of the unpacked package (Info-ZIP's default level), in pairs, and print
the median of the pairs' time ratios (with their range), the median times, the median ratio of
CPU time (user + system, every thread: what a busy machine disturbs least), the peak RSS of each
process (GNU time) and the output sizes. ``startup`` compares building the sample course with the
bare ``python -c 'import lxml.etree, jinja2, click, yaml'``. Times are only compared within one run
(the machine is shared).
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
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from generate import generate  # noqa: E402

GNU_TIME = "/usr/bin/time"
ZIP_ARGS = ["zip", "-r", "-X", "-D", "-q", "-n", ".mp4:.mp3:.jpg:.png:.webm"]
IMPORTS = "import lxml.etree, jinja2, click, yaml"  #: coursepack's own dependencies, imported bare


#: Measure as users run it: with compiled bytecode (__pycache__), which PYTHONDONTWRITEBYTECODE
#: would otherwise prevent for the checkout while the baseline's libraries have theirs.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(cmd, cwd=None):
    """Run *cmd*; return (wall seconds, peak RSS in MB, CPU seconds: user + system, all threads).

    The peak RSS comes from GNU time (Debian package ``time``): a child forked straight from this
    Python process would inherit this process's high-water mark, which Linux keeps across exec.
    """
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        proc = subprocess.run(
            [GNU_TIME, "-f", "%M %U %S", "-o", report.name, *map(str, cmd)],
            cwd=cwd,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{proc.stderr.decode()}")
        rss, user, system = report.read().split()[-3:]
        return wall, int(rss) / 1024, float(user) + float(system)


def bench_size(size, rounds, jobs, work):
    course = work / f"course-{size}"
    if not (course / "course.yaml").exists():
        t = time.perf_counter()
        generate(size, course)
        print(f"generated {size} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    out = work / f"out-{size}"
    zip_out = work / f"infozip-{size}.zip"
    cmd = [sys.executable, "-m", "builder", "build", str(course), "-o", str(out), "-q"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    shutil.rmtree(out, ignore_errors=True)
    measure(cmd, cwd=REPO)  # also a warm-up: the course's files are in the page cache for both
    (package,) = out.glob("*.zip")
    unpacked = work / f"unpacked-{size}"
    shutil.rmtree(unpacked, ignore_errors=True)
    with zipfile.ZipFile(package) as zf:
        zf.extractall(unpacked)
        names = sorted(zf.namelist())
    ours, theirs = [], []
    for _ in range(rounds):
        shutil.rmtree(out, ignore_errors=True)
        ours.append(measure(cmd, cwd=REPO))
        zip_out.unlink(missing_ok=True)
        theirs.append(measure(ZIP_ARGS + [str(zip_out), "."], cwd=unpacked))
    with zipfile.ZipFile(zip_out) as zf:
        assert sorted(zf.namelist()) == names, "Info-ZIP did not get exactly the package's files"
    shutil.rmtree(unpacked, ignore_errors=True)
    ratios = [o[0] / t[0] for o, t in zip(ours, theirs)]
    return {
        "size": size,
        "coursepack_s": statistics.median(o[0] for o in ours),
        "infozip_s": statistics.median(t[0] for t in theirs),
        "ratio": statistics.median(ratios),
        "ratio_range": (min(ratios), max(ratios)),
        "cpu_ratio": statistics.median(o[2] / t[2] for o, t in zip(ours, theirs)),
        "coursepack_rss_mb": max(o[1] for o in ours),
        "infozip_rss_mb": max(t[1] for t in theirs),
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
            imports.append(measure([sys.executable, "-c", IMPORTS])[0])
    b, i = statistics.median(build), statistics.median(imports)
    ratios = sorted(x / y for x, y in zip(build, imports))
    print(
        f"| sample build | {b:.3f} s | `python -c '{IMPORTS}'` | {i:.3f} s | ratio {b / i:.2f} "
        f"(pairs {ratios[0]:.2f}-{ratios[-1]:.2f}; target <= 1.3) |"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", choices=["small", "medium", "large", "startup"])
    parser.add_argument("--rounds", type=int, default=5, help="alternating pairs (at least 5)")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--work", type=Path, help="keep generated courses here (reused between runs)")
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error("--rounds: at least 5 pairs, for a median that one slow round cannot move")
    if shutil.which("zip") is None and any(s != "startup" for s in args.sizes):
        raise SystemExit("Info-ZIP is needed: apt-get install zip")
    if not os.path.exists(GNU_TIME):
        raise SystemExit("GNU time is needed for peak memory: apt-get install time")
    work = args.work or Path(tempfile.mkdtemp(prefix="coursepack-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    rows = []
    try:
        for size in args.sizes:
            if size == "startup":
                bench_startup(args.rounds)
                continue
            rows.append(bench_size(size, args.rounds, args.jobs, work))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if rows:
        print(
            "| course | coursepack | Info-ZIP | time ratio, median of pairs (range) | CPU time ratio | "
            "coursepack peak RSS | Info-ZIP peak RSS | coursepack zip | Info-ZIP zip | size ratio |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            low, high = r["ratio_range"]
            print(
                f"| {r['size']} | {r['coursepack_s']:.2f} s | {r['infozip_s']:.2f} s | "
                f"{r['ratio']:.2f} ({low:.2f}-{high:.2f}) | {r['cpu_ratio']:.2f} | {r['coursepack_rss_mb']:.0f} MB | "
                f"{r['infozip_rss_mb']:.0f} MB | {r['coursepack_bytes'] / 1e6:.1f} MB | "
                f"{r['infozip_bytes'] / 1e6:.1f} MB | {r['coursepack_bytes'] / r['infozip_bytes']:.4f} |"
            )


if __name__ == "__main__":
    main()
