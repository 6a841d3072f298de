"""The zips as readers see them: Python's zipfile and Info-ZIP read every entry with its CRC, files
are deflated by libdeflate (whole) or zlib (streamed, above WHOLE_MAX), the bytes never depend on the
number of jobs, and the deflated data is no larger than Info-ZIP's on the same files."""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import deflate
import pytest

from builder import zipwriter
from builder.cli import main

REPO = Path(__file__).resolve().parents[2]
INFO_ZIP_STORES = ".mp4:.mp3:.jpg:.png:.webm"
WORDS = "compassion session client attention breath kindness evidence therapy practice module".split()


def info_zip(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"Info-ZIP {tool} is needed: bash scripts/test.sh installs it (apt-get install zip unzip)"
    return path


def text(size: int, seed: int) -> bytes:
    """Text that compresses like real captions and data files."""
    rng = random.Random(seed)
    lines, total = [], 0
    while total < size:
        line = f"{len(lines)}: {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}\n"
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()[:size]


MEDIA = {
    "media/big.json": text(3 << 20, 1),  # above the WHOLE_MAX these tests set: a zlib stream of 3 chunks
    "media/chart.svg": text(700_000, 2),
    "media/notes.vtt": text(90_000, 3),
    "media/empty.json": b"",
    "media/clip.mp4": random.Random(4).randbytes(2 << 20),  # stored
}
LINKS = "".join(f'<p><a href="../{name}">{name}</a></p>\n' for name in MEDIA)


@pytest.fixture
def course(make_course):
    return make_course({"lessons/two.html": LINKS, **MEDIA})


@pytest.fixture
def small_wholes(monkeypatch):
    """Files above 1 MiB are streamed through zlib, and jobs > 1 always deflate on threads."""
    monkeypatch.setattr(zipwriter, "WHOLE_MAX", 1 << 20)
    monkeypatch.setattr(zipwriter, "THREADS_FROM", 0)


def build(runner, course: Path, out: Path, jobs: str) -> Path:
    result = runner.invoke(main, ["build", str(course), "-o", str(out), "--jobs", jobs])
    assert result.exit_code == 0, result.output
    (package,) = out.glob("*.zip")
    return package


def raw_data(package: Path, info: zipfile.ZipInfo) -> bytes:
    """The entry's bytes as stored in the zip (compressed), from its local header."""
    with open(package, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        return fh.read(info.compress_size)


def zlib_stream(data: bytes) -> bytes:
    """What the zip writer promises for a streamed file: 1 MiB chunks, each with the previous 32 KiB as dictionary."""
    out, chunk = [], 1 << 20
    starts = list(range(0, len(data), chunk)) or [0]
    for start in starts:
        last = start == starts[-1]
        previous = data[max(0, start - (32 << 10)) : start]
        comp = zlib.compressobj(
            6, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, **({"zdict": previous} if start else {})
        )
        out.append(
            comp.compress(data[start : start + chunk]) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
        )
    return b"".join(out)


def test_zipfile_and_info_zip_read_every_entry_with_the_right_crc(runner, course, tmp_path, small_wholes):
    package = build(runner, course, tmp_path / "out", "2")
    with zipfile.ZipFile(package) as zf:
        infos = zf.infolist()
        for info in infos:
            data = zf.read(info)  # zipfile checks the CRC as it reads
            assert zlib.crc32(data) == info.CRC, info.filename
            assert len(data) == info.file_size, info.filename
            if info.filename in MEDIA:
                assert data == MEDIA[info.filename], info.filename
        assert set(MEDIA) <= {info.filename for info in infos}
    tested = subprocess.run([info_zip("unzip"), "-t", str(package)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "No errors detected" in tested.stdout
    assert sum(line.rstrip().endswith("OK") for line in tested.stdout.splitlines()) == len(infos)


def test_files_up_to_whole_max_are_libdeflate_at_their_kinds_level_and_larger_ones_zlib_streams(
    runner, course, tmp_path, small_wholes
):
    package = build(runner, course, tmp_path / "out", "2")
    levels = {"index.html": 7, "media/chart.svg": 6, "media/empty.json": 7}  # the page and .json: 7
    assert all(zipwriter.level_of(name) == level for name, level in levels.items())
    with zipfile.ZipFile(package) as zf:
        methods = {}
        for info in zf.infolist():
            raw, data = raw_data(package, info), zf.read(info)
            if info.compress_type == zipfile.ZIP_STORED:
                methods[info.filename] = "stored"
                assert raw == data
            elif len(data) <= 1 << 20:
                methods[info.filename] = "libdeflate"
                level = zipwriter.level_of(info.filename)
                assert raw == bytes(deflate.deflate_compress(data, level)), info.filename
            else:
                methods[info.filename] = "zlib"
                assert raw == zlib_stream(data), info.filename
    assert methods["media/big.json"] == "zlib"
    assert methods["media/clip.mp4"] == "stored"
    assert methods["media/chart.svg"] == methods["media/empty.json"] == methods["index.html"] == "libdeflate"


def test_the_bytes_are_the_same_for_any_number_of_jobs_and_every_run(runner, course, tmp_path, small_wholes):
    first = build(runner, course, tmp_path / "j1", "1").read_bytes()  # deflated on the spot, no threads
    for run, jobs in enumerate(("2", "3", "2")):
        assert build(runner, course, tmp_path / f"run{run}", jobs).read_bytes() == first, jobs


def test_deflated_data_is_no_larger_than_info_zips_on_the_same_files(runner, tmp_path):
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    course = generator.generate("small", tmp_path / "small", seed=11)
    ours = build(runner, course, tmp_path / "out", "2")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(ours) as zf:
        zf.extractall(unpacked)
        names = zf.namelist()
    theirs = tmp_path / "info-zip.zip"
    subprocess.run(
        [info_zip("zip"), "-X", "-D", "-q", "-n", INFO_ZIP_STORES, str(theirs), *names], cwd=unpacked, check=True
    )
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        deflated = [i.filename for i in a.infolist() if i.compress_type == zipfile.ZIP_DEFLATED]
        # every kind of text a package holds: the descriptor, the page, the runtime, the course's text media
        kinds = {Path(n).suffix for n in deflated}
        assert kinds >= {".xml", ".html", ".js", ".css", ".json", ".vtt"}, kinds
        assert all(b.getinfo(n).compress_type == zipfile.ZIP_DEFLATED for n in deflated)
        ours_deflated = sum(a.getinfo(n).compress_size for n in deflated)
        theirs_deflated = sum(b.getinfo(n).compress_size for n in deflated)
    assert ours_deflated <= theirs_deflated
    assert ours.stat().st_size <= theirs.stat().st_size


LINUX_WHEEL = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the Linux wheels of deflate export libdeflate's functions"
)


def test_threads_compress_through_ctypes_with_the_bindings_bytes(tmp_path):
    unlocked = zipwriter._libdeflate_unlocked()
    if sys.platform.startswith("linux"):
        assert unlocked is not zipwriter._libdeflate  # not the fallback
    for data in (b"", b"a", text(300_000, 5), os.urandom(100_000)):
        for level in (6, 7):
            assert bytes(unlocked(data, level)) == bytes(zipwriter._libdeflate(data, level))
    for name, level in (("notes.json", 7), ("notes.vtt", 6)):
        (tmp_path / name).write_bytes(text(200_000, 6))
        entry = zipwriter.Entry(name, source=tmp_path / name)
        crc, size, data = zipwriter._whole(entry, unlocked)
        assert (crc, size) == (zlib.crc32(text(200_000, 6)), 200_000)
        assert bytes(data) == bytes(deflate.deflate_compress(text(200_000, 6), level))


@LINUX_WHEEL
def test_other_threads_run_while_libdeflate_compresses():
    """With no forced thread switches, the main thread can run during a compression only if it released the GIL."""
    data = text(24 << 20, 7)
    started, during = threading.Event(), []
    ended = []

    def compress():
        started.set()
        zipwriter._libdeflate_unlocked()(data, zipwriter.LEVEL)
        ended.append(time.perf_counter())

    interval = sys.getswitchinterval()
    sys.setswitchinterval(100)
    try:
        worker = threading.Thread(target=compress)
        worker.start()
        started.wait()
        during.append(time.perf_counter())  # runs as soon as the worker lets go of the GIL
        worker.join()
    finally:
        sys.setswitchinterval(interval)
    assert during[0] < ended[0]


def test_whole_files_wait_for_the_budget_unless_nothing_is_held(monkeypatch, tmp_path):
    monkeypatch.setattr(zipwriter, "THREADS_FROM", 0)
    entries = []
    for name in ("a.bin", "b.bin", "c.bin"):  # deflated whole, but incompressible: output as big as input
        (tmp_path / name).write_bytes(os.urandom(3 << 20))
        entries.append(zipwriter.Entry(name, source=tmp_path / name))
    budget = 4 << 20
    with zipwriter.Deflater(entries, jobs=2, budget=budget) as ahead:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not ahead._queues["a.bin"]:
            time.sleep(0.01)
        time.sleep(0.3)  # nobody takes: b.bin must not join a.bin (3 + 3 MiB > 4 MiB)
        assert ahead._queues["a.bin"] and not ahead._queues["b.bin"]
        assert 3 << 20 <= ahead._held <= (3 << 20) * 1.01
        for entry in entries:
            assert len(b"".join(ahead.take(entry))) >= 3 << 20  # the writer drains it, in order
            assert ahead.sums[entry.name] == (zlib.crc32((tmp_path / entry.name).read_bytes()), 3 << 20)


def test_the_floor_benchmark_does_the_zip_writers_deflate_work(runner, tmp_path):
    """bench/floor.py times the least work a package needs: the same deflated bytes, and the stored files."""
    spec = importlib.util.spec_from_file_location("bench_floor", REPO / "bench" / "floor.py")
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    package = build(runner, generator.generate("small", tmp_path / "small", seed=11), tmp_path / "out", "2")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(unpacked)
        infos = zf.infolist()
    floor.floor_once(sorted(p for p in unpacked.rglob("*") if p.is_file()), tmp_path / "floor.out", 2)
    assert (tmp_path / "floor.out").stat().st_size == sum(i.compress_size for i in infos)
