#!/usr/bin/env python3
"""Connection-flood benchmark: does a flood from one address hurt another address's sessions?

Loopback only, bounded and self-stopping. Against a running miragepot on 127.0.0.1:

  1. quiet: a client from 127.0.0.2 logs in and runs `echo` commands over one connection,
     recording each command's latency, for --duration seconds;
  2. flood: the same, while separate processes open TCP connections from 127.0.0.3 at
     --rate connections a second (connect, then close), for the same duration.

It prints one JSON object: the latency percentiles of both phases, the p99 ratio (issue 5
asks for <= 2), the flood rate achieved, and the server's CPU and RSS (with --pid).

    ../shared/bench/.venv/bin/python scripts/bench/flood.py --port 2222 --pid PID

Needs asyncssh (the shared bench venv has it). Every loop is bounded in time.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import sys
import time

try:
    import asyncssh
except ImportError:  # pragma: no cover
    sys.exit("asyncssh missing: ../shared/bench/.venv/bin/pip install asyncssh")

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / CLK_TCK


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pct(values, q):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


async def measure(a, src: str) -> list[float]:
    """Command latencies (ms) of one logged-in connection from `src`."""
    lat = []
    async with asyncssh.connect(
        "127.0.0.1",
        a.port,
        username="root",
        password="x",
        known_hosts=None,
        local_addr=(src, 0),
        connect_timeout=10,
    ) as conn:
        deadline = time.monotonic() + a.duration
        n = 0
        while time.monotonic() < deadline:
            t = time.monotonic()
            r = await asyncio.wait_for(conn.run(f"echo {n}", check=False), 10)
            lat.append((time.monotonic() - t) * 1000)
            if r.stdout != f"{n}\n":
                raise SystemExit(f"wrong answer: {r.stdout!r}")
            n += 1
            await asyncio.sleep(a.gap)
    return lat


def flood_proc(port: int, rate: float, duration: float, src: str, out) -> None:
    """Opens connections from `src` at `rate`/s for `duration` s; reports the count."""
    opened = failed = 0
    start = time.monotonic()
    end = start + duration
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = int((now - start) * rate) - opened - failed
        for _ in range(max(0, min(due, 200))):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            try:
                s.bind((src, 0))
                s.settimeout(1)
                s.connect(("127.0.0.1", port))
                opened += 1
            except OSError:
                failed += 1
            finally:
                s.close()
        time.sleep(0.001)
    out.put((opened, failed, time.monotonic() - start))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=2222)
    p.add_argument("--pid", type=int, help="server pid, for CPU and RSS")
    p.add_argument("--rate", type=float, default=2000.0, help="flood connections per second")
    p.add_argument("--procs", type=int, default=2, help="flood processes")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    p.add_argument("--gap", type=float, default=0.02, help="pause between measured commands")
    a = p.parse_args()
    a.duration = min(a.duration, 120.0)
    rec = {"rate_asked": a.rate, "duration_s": a.duration}
    if a.pid:
        rec["rss_kib_start"] = rss_kib(a.pid)
    quiet = asyncio.run(measure(a, "127.0.0.2"))
    q = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=flood_proc, args=(a.port, a.rate / a.procs, a.duration + 1, "127.0.0.3", q)
        )
        for _ in range(a.procs)
    ]
    cpu0 = cpu_seconds(a.pid) if a.pid else None
    for pr in procs:
        pr.start()
    time.sleep(0.5)
    flooded = asyncio.run(measure(a, "127.0.0.2"))
    results = [q.get(timeout=a.duration + 30) for _ in procs]
    for pr in procs:
        pr.join(timeout=10)
    opened = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    secs = max(r[2] for r in results)
    for name, lat in (("quiet", quiet), ("flood", flooded)):
        rec[name] = {
            "commands": len(lat),
            "p50_ms": round(pct(lat, 50), 2),
            "p99_ms": round(pct(lat, 99), 2),
            "mean_ms": round(statistics.mean(lat), 2),
        }
    rec["p99_ratio"] = round(rec["flood"]["p99_ms"] / rec["quiet"]["p99_ms"], 2)
    rec["flood_connections"] = opened
    rec["flood_failed_connects"] = failed
    rec["flood_rate_achieved"] = round(opened / secs, 1)
    if a.pid:
        rec["server_cpu_s_during_flood"] = round(cpu_seconds(a.pid) - cpu0, 2)
        time.sleep(2)
        rec["rss_kib_end"] = rss_kib(a.pid)
    print(json.dumps(rec, indent=1))


if __name__ == "__main__":
    main()
