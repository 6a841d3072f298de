"""Benchmark the xAPI relay against posting straight to the LRS (Ralph), on loopback, in one run.

    python bench/relay.py [--requests 120] [--batch 25] [--concurrency 4] [--rounds 3]

Starts Ralph (``.venv-ralph``, as the tests do: ``bash scripts/test.sh`` installs it) and
``coursepack relay`` on 127.0.0.1 ports, then posts batches of statements made like a package's
(each with new ids, so the LRS stores every one) from ``--concurrency`` client threads, each on
one kept-alive connection:

* ``direct``: to Ralph's ``/xAPI/statements`` with the key (what a package with a baked-in key does);
* ``relay``: to the relay as ``text/plain`` without credentials (what a package with ``relay_url``
  does); the relay checks every statement and forwards the batch to the same Ralph;
* ``relay, stand-in LRS``: to a second relay whose "LRS" answers 200 at once, which shows what the
  relay itself costs without Ralph's storage time.

The direct and relay runs alternate in ``--rounds`` rounds (Ralph's file backend slows down as
its file grows; alternating gives both the same conditions). Every answer must be 200; the
numbers are only compared within one run (the machine is shared). Everything stops by itself:
at most ``--rounds * --requests`` requests per target.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from e2e.ralph_lrs import Ralph  # noqa: E402
from e2e.relay_proc import RelayProcess  # noqa: E402
from xapi.relay_statements import Session  # noqa: E402

from builder.xapi.releases import release_from_source  # noqa: E402

XAPI_BLOCK = "\nxapi:\n  base_iri: https://ce.example.org/xapi\n  lms_homepage: https://lms.example.org\n"


def make_batches(config: dict, count: int, size: int) -> list[bytes]:
    """*count* bodies of *size* statements each: learners' sessions one after the other (new learner, new ids)."""
    out = []
    pool: list[dict] = []
    n = 0
    while len(out) < count:
        batch = []
        while len(batch) < size:
            if not pool:  # one session per learner: a registration is never completed twice
                n += 1
                pool = Session(config["xapi"], f"bench-learner-{n}", config=config).trail()
            batch.append(pool.pop(0))
        out.append(json.dumps(batch).encode())
    return out


class StandInLRS:
    """An "LRS" that answers at once: 200 to a POST, an empty page to a query (to measure the relay alone)."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                # headers and body go out in two writes: without this, Nagle's algorithm and the
                # client's delayed ACK add 40 ms to every answer
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                self._answer(b"[]")

            def do_GET(self):  # noqa: N802 - the relay's history query: nothing stored
                self._answer(b'{"statements":[]}')

            def _answer(self, body: bytes):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}/xAPI/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def post_all(
    port: int, path: str, headers: dict, bodies: list[bytes], concurrency: int, timeout: float = 60
) -> tuple[float, list[float]]:
    """Post every body (``concurrency`` threads, one connection each); return (wall seconds, latencies)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(enumerate(bodies))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            while True:
                with lock:
                    if not queue or errors:
                        return
                    _, body = queue.pop()
                started = time.perf_counter()
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    response = conn.getresponse()
                    answer = response.read()
                except OSError as exc:  # a timeout included: the run fails, it is not counted as done
                    with lock:
                        errors.append(f"{type(exc).__name__} after {time.perf_counter() - started:.0f} s")
                    return
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    if response.status != 200:
                        errors.append(f"{response.status} {answer[:200]!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"a request to port {port}{path} failed: {errors[0]}")
    return wall, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=120, help="requests per target per round (default 120)")
    parser.add_argument("--batch", type=int, default=25, help="statements per request (default 25, as packages send)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    args = parser.parse_args()
    if not (
        1 <= args.requests <= 5000 and 1 <= args.batch <= 100 and 1 <= args.concurrency <= 64 and 1 <= args.rounds <= 20
    ):
        raise SystemExit("keep --requests <= 5000, --batch <= 100, --concurrency <= 64, --rounds <= 20")

    work = Path(tempfile.mkdtemp(prefix="coursepack-bench-relay-"))
    course = work / "self-compassion"
    shutil.copytree(REPO / "course_src" / "self-compassion", course)
    with open(course / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(XAPI_BLOCK)
    config = release_from_source(course).config
    ralph = Ralph(work / "ralph", cors_origins=[])
    stand_in = StandInLRS()
    relay = RelayProcess(work / "relay", ralph.endpoint, ralph.username, ralph.password, [course], "--rate", "0")
    fast = RelayProcess(work / "relay-fast", stand_in.endpoint, "bench", "bench", [course], "--rate", "0")
    results: dict[str, dict] = {}
    try:
        ralph.start()
        relay.start()
        fast.start()
        auth = {
            "Authorization": ralph.auth_value,
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }
        plain = {"Content-Type": "text/plain;charset=UTF-8"}
        targets = {
            "direct to Ralph": (ralph.port, "/xAPI/statements", auth),
            "through the relay to Ralph": (relay.port, "/xapi/statements", plain),
            "relay, stand-in LRS (200 at once)": (fast.port, "/xapi/statements", plain),
        }
        # warm-up: connections, imports, Ralph's first write
        for port, path, headers in targets.values():
            post_all(port, path, headers, make_batches(config, 4, args.batch), 1)
        for name in targets:
            results[name] = {"wall": 0.0, "latencies": []}
        for round_no in range(args.rounds):
            order = list(targets) if round_no % 2 == 0 else [list(targets)[1], list(targets)[0], list(targets)[2]]
            for name in order:
                port, path, headers = targets[name]
                wall, latencies = post_all(
                    port, path, headers, make_batches(config, args.requests, args.batch), args.concurrency
                )
                results[name]["wall"] += wall
                results[name]["latencies"] += latencies
    finally:
        fast.stop()
        relay.stop()
        ralph.stop()
        stand_in.close()
        shutil.rmtree(work, ignore_errors=True)

    total = args.rounds * args.requests
    print(
        f"{total} requests of {args.batch} statements per target, {args.concurrency} client threads, "
        f"{args.rounds} alternating rounds, loopback\n"
    )
    print("| target | statements/s | requests/s | p50 ms | p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        lat = r["latencies"]
        print(
            f"| {name} | {total * args.batch / r['wall']:,.0f} | {total / r['wall']:,.1f} | "
            f"{statistics.median(lat) * 1000:.1f} | {percentile(lat, 0.95) * 1000:.1f} |"
        )


if __name__ == "__main__":
    main()
