"""Compression spread over cores gives the same zip as one job; big files round-trip."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

from builder import zipwriter
from builder.cli import main

#: Both ways of deflating: whole files (libdeflate) and, with WHOLE_MAX lowered, zlib streams of 1 MiB chunks.
WAYS = pytest.mark.parametrize("whole_max", [zipwriter.WHOLE_MAX, 1 << 20], ids=["whole", "streamed"])

REPO = Path(__file__).resolve().parents[2]


def load_generator():
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_small_synthetic_course_is_identical_with_one_and_two_jobs(runner, tmp_path):
    course = load_generator().generate("small", tmp_path / "small", seed=7)
    zips = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = runner.invoke(main, ["build", str(course), "-o", str(out), "--jobs", jobs])
        assert result.exit_code == 0, result.stderr
        zips.append((out / "bench-small-1.0.0-scorm12.zip").read_bytes())
    assert zips[0] == zips[1]
    with zipfile.ZipFile(tmp_path / "out1" / "bench-small-1.0.0-scorm12.zip") as zf:
        assert zf.testzip() is None
        for info in zf.infolist():
            if info.filename.startswith("media/"):
                assert zf.read(info) == (course / info.filename).read_bytes()
                stored = info.filename.endswith((".mp4", ".mp3", ".jpg"))
                assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)


@WAYS
def test_multi_chunk_text_files_round_trip(runner, make_course, tmp_path, monkeypatch, whole_max):
    monkeypatch.setattr(zipwriter, "WHOLE_MAX", whole_max)
    big = "".join(f"line {i}: {'abcdefghij' * (i % 7)}\n" for i in range(200_000))  # about 8 MB, 8 chunks
    course = make_course({"lessons/two.html": '<p><a href="../media/big.json">data</a></p>\n', "media/big.json": big})
    outs = []
    for jobs in ("1", "3"):
        out = tmp_path / f"o{jobs}"
        assert runner.invoke(main, ["build", str(course), "-o", str(out), "-j", jobs]).exit_code == 0
        outs.append(out / "tiny-1.0.0-scorm12.zip")
    assert outs[0].read_bytes() == outs[1].read_bytes()
    with zipfile.ZipFile(outs[0]) as zf:
        assert zf.read("media/big.json").decode() == big
        assert zf.getinfo("media/big.json").compress_size < len(big) / 3


def _text(n_lines: int, salt: str) -> bytes:
    return "".join(f"{salt} {i}: {'lorem ipsum ' * (i % 5)}\n" for i in range(n_lines)).encode()


def _entries(folder: Path):
    """Text files of several chunks between stored 'media', in zip order."""
    import os

    from builder.zipwriter import Entry

    files = {
        "a.json": _text(120_000, "a"),
        "b.mp4": os.urandom(3 << 20),
        "c.svg": _text(90_000, "c"),
        "d.vtt": b"",
        "e.jpg": os.urandom(1 << 20),
        "f.css": _text(150_000, "f"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files, [Entry(name, source=folder / name) for name in sorted(files)]


@WAYS
def test_deflating_ahead_within_a_tiny_budget_gives_the_same_zip(monkeypatch, tmp_path, whole_max):
    monkeypatch.setattr(zipwriter, "WHOLE_MAX", whole_max)
    files, entries = _entries(tmp_path)
    zipwriter.write_zip(entries, tmp_path / "one.zip", jobs=1)
    monkeypatch.setattr(zipwriter, "THREADS_FROM", 0)
    monkeypatch.setattr(zipwriter, "AHEAD_PER_JOB", 64 << 10)  # the reader waits on the budget all the time
    with zipwriter.Deflater([e for e in entries if e.name in ("a.json", "f.css")], jobs=2) as ahead:
        assert ahead.threaded
        zipwriter.write_zip(entries, tmp_path / "two.zip", jobs=2, ahead=ahead)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "two.zip") as zf:
        assert zf.testzip() is None
        assert {name: zf.read(name) for name in zf.namelist()} == files


def test_memory_held_ahead_of_the_writer_stays_within_the_budget(monkeypatch, tmp_path):
    """Streamed files (whole ones: test_zip_output.py) are held a chunk at a time."""
    import os
    import time

    monkeypatch.setattr(zipwriter, "WHOLE_MAX", 1 << 20)
    entries = []
    for name in ("a.bin", "b.bin", "c.bin"):  # deflated, but incompressible: output as big as input
        (tmp_path / name).write_bytes(os.urandom(3 << 20))
        entries.append(zipwriter.Entry(name, source=tmp_path / name))
    monkeypatch.setattr(zipwriter, "THREADS_FROM", 0)
    budget = 2 << 20
    with zipwriter.Deflater(entries, jobs=2, budget=budget) as ahead:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and ahead._held < budget:  # nobody takes: the reader must stop
            time.sleep(0.01)
        time.sleep(0.3)
        assert budget <= ahead._held <= (budget + zipwriter.CHUNK) * 1.01
        assert sum(len(q) for q in ahead._queues.values()) <= 3  # 3 MiB of 1 MiB chunks, not all 9
        for entry in entries:
            assert len(b"".join(ahead.take(entry))) >= 3 << 20  # the writer drains it, in order
            assert ahead.sums[entry.name][1] == 3 << 20


@WAYS
def test_a_file_that_vanishes_fails_the_zip_without_leftovers_or_threads(monkeypatch, tmp_path, whole_max):
    import threading

    monkeypatch.setattr(zipwriter, "WHOLE_MAX", whole_max)
    _, entries = _entries(tmp_path)
    monkeypatch.setattr(zipwriter, "THREADS_FROM", 0)
    (tmp_path / "c.svg").unlink()
    before = threading.active_count()
    out = tmp_path / "out"
    out.mkdir()
    try:
        zipwriter.write_zip(entries, out / "x.zip", jobs=2)
    except FileNotFoundError:
        pass
    else:
        raise AssertionError("a missing file must fail the zip")
    assert list(out.iterdir()) == []
    assert threading.active_count() == before
