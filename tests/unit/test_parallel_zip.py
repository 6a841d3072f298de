"""Compression spread over cores gives the same zip as one job; big files round-trip."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

from builder.cli import main

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


def test_multi_chunk_text_files_round_trip(runner, make_course, tmp_path):
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
