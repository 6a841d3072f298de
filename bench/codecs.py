"""The measurements behind the zip writer's choices: libdeflate's level, and which CRC-32.

    python bench/codecs.py medium large [--work DIR]

For each size: generate the course (as bench/run.py does), build it, and take exactly the files the
package holds. On the files the package deflates: Info-ZIP's default (``zip -X -D``, level 6), zlib
level 6 and libdeflate levels 1 to 9, each file compressed whole on one core: total output and CPU
time. The level the zip writer should use is the fastest whose total is no larger than Info-ZIP's.
On the files the package stores: zlib's CRC-32 against libdeflate's, in GB/s. CPU time (not wall
time) is measured, so a busy machine disturbs the figures less.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import deflate

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from generate import generate  # noqa: E402

LEVELS = range(1, 10)


def cpu(fn, *args):
    """(result, CPU seconds of this thread)."""
    t = time.thread_time()
    result = fn(*args)
    return result, time.thread_time() - t


def zlib6(data: bytes) -> bytes:
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


def measure(size: str, work: Path) -> None:
    course = work / f"course-{size}"
    if not (course / "course.yaml").exists():
        generate(size, course)
    out, unpacked = work / f"codecs-out-{size}", work / f"codecs-unpacked-{size}"
    for folder in (out, unpacked):
        shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "builder", "build", str(course), "-o", str(out), "-q"], cwd=REPO, check=True)
    (package,) = out.glob("*.zip")
    with zipfile.ZipFile(package) as zf:
        zf.extractall(unpacked)
        infos = zf.infolist()
    deflated = [i.filename for i in infos if i.compress_type == zipfile.ZIP_DEFLATED]
    stored = [i.filename for i in infos if i.compress_type == zipfile.ZIP_STORED]

    info_zip = work / f"codecs-infozip-{size}.zip"
    info_zip.unlink(missing_ok=True)
    subprocess.run(["zip", "-X", "-D", "-q", str(info_zip), *deflated], cwd=unpacked, check=True)
    with zipfile.ZipFile(info_zip) as zf:
        info_zip_total = sum(zf.getinfo(name).compress_size for name in deflated)

    totals = {"zlib 6": [0, 0.0]} | {f"libdeflate {level}": [0, 0.0] for level in LEVELS}
    text = 0
    for name in deflated:  # one file in memory at a time
        data = (unpacked / name).read_bytes()
        text += len(data)
        for label, fn in [("zlib 6", zlib6)] + [
            (f"libdeflate {lv}", lambda d, lv=lv: deflate.deflate_compress(d, lv)) for lv in LEVELS
        ]:
            result, spent = cpu(fn, data)
            totals[label][0] += len(result)
            totals[label][1] += spent
    print(f"\n{size}: {len(deflated)} deflated files, {text / 1e6:.1f} MB; Info-ZIP's total {info_zip_total:,} bytes")
    print("| deflate | output | vs Info-ZIP | CPU time | speed |")
    print("|---|---|---|---|---|")
    chosen = None
    for label, (total, spent) in totals.items():
        if chosen is None and label.startswith("libdeflate") and total <= info_zip_total:
            chosen = label
        print(
            f"| {label} | {total:,} B | {total / info_zip_total:.4f} | {spent:.2f} s | {text / 1e6 / spent:.0f} MB/s |"
        )
    print(f"fastest libdeflate level no larger than Info-ZIP: {chosen}")

    crcs = {"zlib.crc32": [0, 0.0], "deflate.crc32 (libdeflate)": [0, 0.0]}
    for name in stored:
        data = (unpacked / name).read_bytes()
        for label, fn in (("zlib.crc32", zlib.crc32), ("deflate.crc32 (libdeflate)", deflate.crc32)):
            value, spent = cpu(fn, data)
            assert value == zlib.crc32(data)
            crcs[label][0] += len(data)
            crcs[label][1] += spent
    print(f"\nCRC-32 of the {len(stored)} stored files ({crcs['zlib.crc32'][0] / 1e6:.0f} MB):")
    for label, (n, spent) in crcs.items():
        print(f"| {label} | {spent:.3f} s | {n / 1e9 / spent:.1f} GB/s |")
    for path in (out, unpacked, info_zip):
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", choices=["small", "medium", "large"])
    parser.add_argument("--work", type=Path, help="keep generated courses here (reused between runs)")
    args = parser.parse_args(argv)
    if shutil.which("zip") is None:
        raise SystemExit("Info-ZIP is needed: apt-get install zip")
    work = args.work or Path(tempfile.mkdtemp(prefix="coursepack-codecs-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes:
            measure(size, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
