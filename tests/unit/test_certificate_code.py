"""The certificate's verification code (builder/certificate.py) and `coursepack verify-code`.

tests/e2e/test_certificate.py proves that the player computes the same codes in the browser."""

from __future__ import annotations

import hashlib

import pytest

from builder.certificate import ALPHABET, codes_match, normalize_code, verification_code
from builder.cli import main


def reference(course_id, version, learner, date) -> str:
    """The documented algorithm, written out bit by bit."""
    digest = hashlib.sha256(f"coursepack-certificate-1\n{course_id}\n{version}\n{learner}\n{date}".encode()).digest()
    bits = "".join(f"{byte:08b}" for byte in digest)[:60]
    digits = "".join(ALPHABET[int(bits[i : i + 5], 2)] for i in range(0, 60, 5))
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


@pytest.mark.parametrize(
    "args",
    [
        ("self-compassion", "1.0.0", "jdoe", "2025-03-07"),
        ("quiz-showcase", "2.0.0-beta.1", "ünïcødé-学习者", "2024-02-29"),
        ("c", "0.0.1", "", "1999-12-31"),
    ],
)
def test_the_code_follows_the_documented_algorithm(args):
    code = verification_code(*args)
    assert code == reference(*args)
    assert len(code) == 14 and code[4] == code[9] == "-"
    assert set(code.replace("-", "")) <= set(ALPHABET) and not set(code) & set("ILOU")


def test_every_input_changes_the_code():
    base = ("self-compassion", "1.0.0", "jdoe", "2025-03-07")
    variants = [
        ("self-compassion2", "1.0.0", "jdoe", "2025-03-07"),
        ("self-compassion", "1.0.1", "jdoe", "2025-03-07"),
        ("self-compassion", "1.0.0", "jdoe2", "2025-03-07"),
        ("self-compassion", "1.0.0", "jdoe", "2025-03-08"),
        ("self-compassion\n1.0.0", "", "jdoe", "2025-03-07"),
    ]
    codes = {verification_code(*base)} | {verification_code(*v) for v in variants}
    assert len(codes) == len(variants) + 1


def test_typed_codes_are_read_forgivingly():
    code = verification_code("self-compassion", "1.0.0", "jdoe", "2025-03-07")
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalize_code(typed) == code
    assert codes_match(typed, "self-compassion", "1.0.0", "jdoe", "2025-03-07")
    assert not codes_match(typed, "self-compassion", "1.0.0", "jdoe", "2025-03-08")


@pytest.mark.parametrize("date", ["2025-3-7", "07/03/2025", "2025-02-30", ""])
def test_dates_must_be_real_iso_dates(date):
    with pytest.raises(ValueError):
        verification_code("c", "1.0.0", "l", date)


def test_the_command(runner, tmp_path):
    code = verification_code("self-compassion", "1.0.0", "jdoe", "2025-03-07")
    args = [
        "verify-code",
        "--course",
        "self-compassion",
        "--version",
        "1.0.0",
        "--learner",
        "jdoe",
        "--date",
        "2025-03-07",
    ]
    result = runner.invoke(main, args)
    assert (result.exit_code, result.output) == (0, code + "\n")
    result = runner.invoke(main, args + ["--code", code.lower().replace("-", "")])
    assert (result.exit_code, result.output) == (0, f"match: {code}\n")
    result = runner.invoke(main, args + ["--code", "AAAA-BBBB-CCCC"])
    assert result.exit_code == 1 and result.output.startswith(f"no match: these details give {code}")
    # A course folder gives the id and, unless --version says otherwise, the version.
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "course.yaml").write_text("id: self-compassion\nversion: 1.0.0\n")
    result = runner.invoke(main, ["verify-code", "--course", str(folder), "--learner", "jdoe", "--date", "2025-03-07"])
    assert (result.exit_code, result.output) == (0, code + "\n")
    result = runner.invoke(
        main, ["verify-code", "--course", "x", "--version", "1", "--learner", "l", "--date", "2025-13-01"]
    )
    assert result.exit_code == 2 and "is not a date" in result.output
    result = runner.invoke(main, ["verify-code", "--course", "x", "--learner", "l", "--date", "2025-01-01"])
    assert result.exit_code == 2 and "--version" in result.output
