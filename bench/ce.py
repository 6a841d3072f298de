"""Benchmark the CE completions report and the relay against one real Ralph loaded with synthetic learners.

    python bench/ce.py [--learners 10000] [--requests 40] [--concurrency 4] [--keep DIR]

1. Makes every learner's session of the sample course as its package sends it
   (tests/xapi/relay_statements.py): start, every lesson, every question answered right, a failed
   attempt for one learner in four, passed, completed (with the certificate code), terminated:
   20 or 21 statements per learner, timestamps spread over the past six days.
2. Starts Ralph (``.venv-ralph``, as the tests do; its file-system backend, the only one this
   machine can run) answering up to 1,000 statements per page, and stores them all in batches of
   5,000 (the load time is printed).
3. Runs ``coursepack xapi completions`` as a process under ``/usr/bin/time``: wall time, CPU time
   and peak memory of the full report (one row per learner, checked), then of an incremental run
   with nothing new (``--state``).
4. Starts ``coursepack relay`` in front of the same Ralph (with ``--history``, the default, and
   with ``--no-history``), and one in front of a stand-in LRS that answers at once (the relay's
   own cost), and posts ``--requests`` batches of 25 new statements (50 times as many to the
   stand-in) from ``--concurrency`` client threads to each: statements/s, p50 and p95, and the
   CPU seconds Ralph spent. ``--relay-only`` skips step 3; ``--keep DIR --reuse`` skips step 2 with
   the statements a previous run left in DIR.

Everything runs on 127.0.0.1 and stops by itself; the data goes to a temporary folder (or
``--keep DIR``), never into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

from e2e.ralph_lrs import Ralph  # noqa: E402
from e2e.relay_proc import RelayProcess  # noqa: E402
from relay import StandInLRS, make_batches, percentile, post_all  # noqa: E402
from xapi.relay_statements import Session  # noqa: E402

from builder.certificate import verification_code  # noqa: E402
from builder.xapi.releases import release_from_source  # noqa: E402

XAPI_BLOCK = "\nxapi:\n  base_iri: https://ce.example.org/xapi\n  lms_homepage: https://lms.example.org\n"
LOAD_BATCH = 5000
PAGE_SIZE = 1000


def learner_statements(config: dict, n: int, start: datetime) -> list:
    """Learner *n*'s session, its statements a few seconds apart from *start*."""
    s = Session(config["xapi"], f"bench-{n:05d}", config=config)
    trail = s.trail()
    body, scored = trail[:-3], trail[-3]
    day = start.date().isoformat()
    code = verification_code(config["course"]["id"], config["course"]["version"], f"bench-{n:05d}", day)
    tail = [scored, s.completed(code=code, date=day), s.terminated()]
    statements = body + ([s.scored(50, False)] if n % 4 == 0 else []) + tail
    for i, statement in enumerate(statements):
        moment = start + timedelta(seconds=5 * i)
        statement["timestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return statements


def cpu_of(pid: int) -> float:
    """CPU seconds a process has used (user and system, with its waited-for children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def timed(argv: list, env: dict, lrs_pid: int) -> dict:
    """Run *argv* under GNU time: wall and CPU seconds, peak RSS in MiB, stdout and stderr."""
    lrs_before = cpu_of(lrs_pid)
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True, env=env, cwd=REPO)
    lrs_cpu = cpu_of(lrs_pid) - lrs_before
    if proc.returncode != 0:
        raise SystemExit(f"{argv[3:5]} exited {proc.returncode}:\n{proc.stderr[-3000:]}")

    def field(name: str) -> str:
        return re.search(rf"{re.escape(name)}: (.+)", proc.stderr).group(1).strip()

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
    seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(wall)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return {
        "wall": seconds,
        "cpu": cpu,
        "rss": int(field("Maximum resident set size (kbytes)")) / 1024,
        "lrs_cpu": lrs_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=12, help="relay requests per target (default 12)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="keep the data (Ralph's file, reports) in this folder")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: use the statements a previous run left there (no load)"
    )
    parser.add_argument("--relay-only", action="store_true", help="skip the report (step 3)")
    args = parser.parse_args()
    if not (1 <= args.learners <= 50_000 and 1 <= args.requests <= 2000 and 1 <= args.concurrency <= 32):
        raise SystemExit("keep --learners <= 50000, --requests <= 2000, --concurrency <= 32")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so that Ralph and the relays stop too
    work = args.keep or Path(tempfile.mkdtemp(prefix="coursepack-bench-ce-"))
    work.mkdir(parents=True, exist_ok=True)
    course = work / "self-compassion"
    shutil.rmtree(course, ignore_errors=True)
    shutil.copytree(REPO / "course_src" / "self-compassion", course)
    with open(course / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(XAPI_BLOCK)
    config = release_from_source(course).config
    stored = work / "ralph" / "statements" / "fs_lrs.jsonl"
    reuse = args.reuse and args.keep and stored.exists() and stored.stat().st_size > 0
    (work / "ralph" / "auth.json").unlink(missing_ok=True)  # a new user and password every run
    ralph = Ralph(work / "ralph", cors_origins=[], page_size=PAGE_SIZE)
    stand_in = StandInLRS()
    # Ralph's file backend reads its whole file for each request: give it time (the default is 10 s)
    slow = ("--rate", "0", "--lrs-timeout", "300")
    relays = {
        "through the relay to the loaded Ralph": RelayProcess(
            work / "relay", ralph.endpoint, ralph.username, ralph.password, [course], *slow
        ),
        "the same, --no-history": RelayProcess(
            work / "relay-nh", ralph.endpoint, ralph.username, ralph.password, [course], *slow, "--no-history"
        ),
        "relay, stand-in LRS": RelayProcess(
            work / "relay-fast", stand_in.endpoint, "bench", "bench", [course], "--rate", "0"
        ),
    }
    out = {}
    try:
        ralph.start()
        # ---------------------------------------------------------------- load
        first = datetime.now(timezone.utc) - timedelta(days=6)
        step = timedelta(days=6) / args.learners
        started, total, batch = time.perf_counter(), 0, []
        for n in range(args.learners):
            if reuse:
                break
            batch += learner_statements(config, n, first + n * step)
            if len(batch) >= LOAD_BATCH or n == args.learners - 1:
                ralph.post(batch)
                total += len(batch)
                batch = []
        if reuse:
            with open(stored, "rb") as fh:
                total = sum(1 for _ in fh)
        out["load"] = (total, None if reuse else time.perf_counter() - started, stored.stat().st_size)
        print(f"{'reused' if reuse else 'loaded'} {total:,} statements of {args.learners:,} learners", flush=True)
        # ---------------------------------------------------------------- report
        creds = work / "lrs.json"
        creds.write_text(json.dumps({"endpoint": ralph.endpoint, "key": ralph.username, "secret": ralph.password}))
        creds.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEPACK_LRS")}
        report = [sys.executable, "-m", "builder", "xapi", "completions", "--course", str(course)]
        report += ["--credentials", str(creds), "--timeout", "600", "-o", str(work / "report.csv")]
        state = work / "state.json"
        state.unlink(missing_ok=True)
        if not args.relay_only:
            full = timed(report + ["--state", str(state)], env, ralph.proc.pid)
            rows = (work / "report.csv").read_bytes().count(b"\r\n") - 1  # RFC 4180 line ends
            if rows != args.learners:
                raise SystemExit(f"the report has {rows} rows, not {args.learners}")
            again = timed(report + ["--state", str(state)], env, ralph.proc.pid)
            out["report"] = (full, again, rows)
            for label, r in (("report", full), ("incremental report", again)):
                print(
                    f"{label}: {r['wall']:.1f} s, CPU {r['cpu']:.1f} s (Ralph {r['lrs_cpu']:.1f} s), {r['rss']:.0f} MiB"
                )
        # ---------------------------------------------------------------- relay
        plain = {"Content-Type": "text/plain;charset=UTF-8"}
        for name, proc in relays.items():
            proc.start()
            fast = name.startswith("relay, stand-in")
            requests = args.requests * 50 if fast else args.requests  # the stand-in answers at once
            post_all(proc.port, "/xapi/statements", plain, make_batches(config, 2, 25), 1, 600)  # warm-up
            lrs_before = cpu_of(ralph.proc.pid)
            wall, latencies = post_all(
                proc.port, "/xapi/statements", plain, make_batches(config, requests, 25), args.concurrency, 600
            )
            out[name] = (wall, latencies, requests, None if fast else cpu_of(ralph.proc.pid) - lrs_before)
            print(f"{name}: {requests * 25 / wall:,.1f} statements/s", flush=True)
            proc.stop()
    finally:
        for proc in relays.values():
            proc.stop()
        ralph.stop()
        stand_in.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    total, seconds, size = out["load"]
    print(f"\n{args.learners:,} learners, {total:,} statements ({size / 2**20:.0f} MiB in Ralph's file), loopback\n")
    print("| step | wall s | CPU s, coursepack | CPU s, Ralph | peak RSS MiB, coursepack |")
    print("| --- | ---: | ---: | ---: | ---: |")
    if seconds is not None:
        print(f"| load Ralph ({LOAD_BATCH:,} per request) | {seconds:.0f} | | | |")
    if "report" in out:
        full, again, rows = out["report"]
        for label, r in (
            (f"report, {rows:,} rows (first run, --state)", full),
            ("report, incremental, nothing new", again),
        ):
            print(f"| {label} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['lrs_cpu']:.1f} | {r['rss']:.0f} |")
    print(f"\nbatches of 25 statements, {args.concurrency} client threads\n")
    print("| target | requests | statements/s | p50 ms | p95 ms | CPU s, Ralph |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in relays:
        wall, lat, requests, lrs_cpu = out[name]
        ralph_cpu = "" if lrs_cpu is None else f"{lrs_cpu:.1f}"
        print(
            f"| {name} | {requests} | {requests * 25 / wall:,.1f} | {statistics.median(lat) * 1000:.0f} | "
            f"{percentile(lat, 0.95) * 1000:.0f} | {ralph_cpu} |"
        )


if __name__ == "__main__":
    main()
