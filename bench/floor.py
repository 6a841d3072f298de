"""The floor of a build's time on this machine: deflating and storing a package's files and nothing else.

    python bench/floor.py PACKAGE.zip [--rounds 5] [--jobs 2]

Unpacks PACKAGE (a built package: the files Info-ZIP is given in bench/run.py) and alternates, in
pairs, Info-ZIP's ``zip -r -X -D -q -n …`` of the unpacked files with the least work any zip writer
must do to give the same package at coursepack's levels: read every file, CRC-32 it, deflate the
compressible ones whole with libdeflate at ``zipwriter.level_of`` on ``--jobs`` threads (through
the same GIL-free call as the zip writer) and write the output to a file. No Python start-up, no
course reading, lint, page or manifest, no zip headers: a build can only take longer. The median
ratio of the pairs' wall times is the best ratio to Info-ZIP that coursepack's deflate settings
allow here (docs/build-speed.md, "The floor").
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from builder.zipwriter import STORED_SUFFIXES, _libdeflate_unlocked, crc32, level_of  # noqa: E402

ZIP_ARGS = ["zip", "-r", "-X", "-D", "-q", "-n", ".mp4:.mp3:.jpg:.png:.webm"]


def cpu(who=resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def floor_once(files, out_path: Path, jobs: int):
    """(wall, CPU) seconds to read, CRC and deflate (or copy) every file into *out_path*."""
    compress = _libdeflate_unlocked()

    def deflated(path: Path):
        data = path.read_bytes()
        return crc32(data), bytes(compress(data, level_of(path.name)))

    started, cpu_before = time.perf_counter(), cpu()
    to_deflate = [p for p in files if p.suffix.lower() not in STORED_SUFFIXES]
    stored = [p for p in files if p.suffix.lower() in STORED_SUFFIXES]
    with open(out_path, "wb") as out, ThreadPoolExecutor(jobs) as pool:
        results = pool.map(deflated, to_deflate)
        for path in stored:  # the main thread copies while the workers deflate
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    crc32(chunk)
                    out.write(chunk)
        for _, data in results:
            out.write(data)
    return time.perf_counter() - started, cpu() - cpu_before


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        unpacked = Path(tmp) / "unpacked"
        with zipfile.ZipFile(args.package) as zf:
            zf.extractall(unpacked)
        files = sorted(p for p in unpacked.rglob("*") if p.is_file())
        print(f"load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        ours, theirs = [], []
        for _ in range(args.rounds):
            ours.append(floor_once(files, Path(tmp) / "floor.out", args.jobs))
            zip_out = Path(tmp) / "infozip.zip"
            zip_out.unlink(missing_ok=True)
            started, cpu_before = time.perf_counter(), cpu(resource.RUSAGE_CHILDREN)
            subprocess.run(ZIP_ARGS + [str(zip_out), "."], cwd=unpacked, check=True)
            theirs.append((time.perf_counter() - started, cpu(resource.RUSAGE_CHILDREN) - cpu_before))
        walls = sorted(a[0] / b[0] for a, b in zip(ours, theirs))
        cpus = sorted(a[1] / b[1] for a, b in zip(ours, theirs))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        wall_ours, cpu_ours = (statistics.median(a[i] for a in ours) for i in (0, 1))
        wall_theirs, cpu_theirs = (statistics.median(b[i] for b in theirs) for i in (0, 1))
        print(
            f"{args.package.name}, {args.jobs} jobs: floor {wall_ours:.2f} s (CPU {cpu_ours:.2f} s), "
            f"Info-ZIP {wall_theirs:.2f} s (CPU {cpu_theirs:.2f} s); wall ratio {statistics.median(walls):.2f} "
            f"({walls[0]:.2f}-{walls[-1]:.2f}), CPU ratio {statistics.median(cpus):.2f}; "
            f"on {args.jobs} idle cores at best {statistics.median(cpus) / args.jobs:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
