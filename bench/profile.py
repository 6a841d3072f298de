"""Where a build's time goes: each stage's share of a one-job build of a generated course.

    python bench/profile.py medium large [--rounds 3] [--work DIR]

The build runs with one job, so every stage runs on the main thread one after the other; each is
measured in CPU time of that thread (``time.thread_time``), so the stages add up to the build's
work (what the cores have to do, whatever their number) and other processes on a busy machine
disturb the figures little. Each round runs in a fresh interpreter; the table shows the median of
each stage.
Stages: importing coursepack, loading the sources, lint, rendering the page, planning and checking
the package (manifest, schema checks), and in the zip writer: reading the files it deflates,
copying the stored ones (read and write), CRC-32, libdeflate, zlib (files above ``WHOLE_MAX``) and
the rest (headers, writing the deflated data). The last column is the process's peak RSS at the
end of each stage.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STAGES = ("imports", "load", "lint", "render", "plan", "read", "copy stored", "crc", "libdeflate", "zlib", "zip rest")


def _peak_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def profile_one(course: Path, out: Path) -> dict:
    """Build *course* with one job in this process, timing each stage (run in a fresh interpreter)."""
    spent = dict.fromkeys(STAGES, 0.0)
    peak = {}
    started = time.thread_time()
    sys.path.insert(0, str(REPO))
    import builder.lint
    import builder.pipeline
    import builder.sources.course
    from builder import zipwriter

    spent["imports"] = time.thread_time() - started
    peak["imports"] = _peak_mb()

    def timed(stage, fn):
        def wrapper(*args, **kwargs):
            t = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += time.thread_time() - t
                peak[stage] = _peak_mb()

        return wrapper

    builder.sources.course.load_course = timed("load", builder.sources.course.load_course)
    builder.lint.lint_course = timed("lint", builder.lint.lint_course)
    builder.pipeline.render_player = timed("render", builder.pipeline.render_player)
    builder.pipeline.runtime_config = timed("render", builder.pipeline.runtime_config)
    for packager in builder.pipeline.PACKAGERS.values():
        for method in ("check", "plan", "verify"):
            if hasattr(packager, method):  # a class (some formats are registered as factories)
                setattr(packager, method, timed("plan", getattr(packager, method)))
    zipwriter.crc32 = timed("crc", zipwriter.crc32)
    zipwriter._libdeflate = timed("libdeflate", zipwriter._libdeflate)
    zipwriter._deflate_chunk = timed("zlib", zipwriter._deflate_chunk)
    zipwriter._read_whole = timed("read", zipwriter._read_whole)
    copy_stored = zipwriter._copy_stored

    def timed_copy_stored(*args):  # reading and writing stored files, outside their CRC
        before = spent["crc"]
        t = time.thread_time()
        try:
            return copy_stored(*args)
        finally:
            spent["copy stored"] += time.thread_time() - t - (spent["crc"] - before)
            peak["copy stored"] = _peak_mb()

    zipwriter._copy_stored = timed_copy_stored
    chunks = zipwriter.Entry.chunks

    def timed_chunks(self):  # reading files above WHOLE_MAX, streamed through zlib
        pieces = chunks(self)
        while True:
            t = time.thread_time()
            piece = next(pieces, None)
            spent["read"] += time.thread_time() - t
            if piece is None:
                return
            yield piece

    zipwriter.Entry.chunks = timed_chunks
    write_zip = builder.pipeline.write_zip
    zip_spent = []

    def timed_write_zip(*args, **kwargs):
        t = time.thread_time()
        try:
            return write_zip(*args, **kwargs)
        finally:
            zip_spent.append(time.thread_time() - t)

    builder.pipeline.write_zip = timed_write_zip
    builder.pipeline.build([course], out, jobs=1)
    inner = sum(spent[stage] for stage in ("read", "copy stored", "crc", "libdeflate", "zlib"))
    spent["zip rest"] = sum(zip_spent) - inner
    peak["zip rest"] = _peak_mb()
    return {"total": time.thread_time() - started, "spent": spent, "peak": peak}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", choices=["small", "medium", "large"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, help="keep generated courses here (reused between runs)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: profile this course once
    args = parser.parse_args(argv)
    if args.one:
        with tempfile.TemporaryDirectory() as out:
            print(json.dumps(profile_one(args.one, Path(out))))
        return
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    work = args.work or Path(tempfile.mkdtemp(prefix="coursepack-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    try:
        for size in args.sizes:
            course = work / f"course-{size}"
            if not (course / "course.yaml").exists():
                generate(size, course)
            runs = []
            for _ in range(args.rounds):
                cmd = [sys.executable, __file__, size, "--one", str(course)]
                runs.append(json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True).stdout))
            total = statistics.median(r["total"] for r in runs)
            print(f"\n{size}: one job, median of {args.rounds} rounds, {total:.2f} s of CPU in all")
            print("| stage | CPU time | share | peak RSS after it |")
            print("|---|---|---|---|")
            for stage in STAGES:
                t = statistics.median(r["spent"][stage] for r in runs)
                peak = max(r["peak"].get(stage, 0.0) for r in runs)
                shown = f"{peak:.0f} MB" if peak else "-"
                print(f"| {stage} | {t:.3f} s | {t / total * 100:.1f} % | {shown} |")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
