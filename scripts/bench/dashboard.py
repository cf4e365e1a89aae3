#!/usr/bin/env python3
"""Dashboard benchmark: page latency over a million events, and whether dashboard load slows
the honeypot's sessions.

End to end, loopback only, bounded and self-stopping. Uses the miragepot binary itself:

  0. setup: unless --data-dir already holds a store, `miragepot gen-events --events N
     --days D` fills a fresh one (sessions over the last D days, 7 by default), then
     `miragepot user add bench` makes an analyst, and `miragepot serve` starts on free loopback ports (SSH + dashboard).
  1. pages: logs in over HTTP and requests each dashboard page in PAGES --requests times,
     one after another on one keep-alive connection (after two warm-up requests), timing
     each answer to its last byte. Prints p50/p95/max per page and whether p95 <= 200 ms.
  2. sessions: a victim SSH client from 127.0.0.2 runs `echo N` back to back for --duration
     seconds and records each command's latency, first with the dashboard idle (quiet), then
     while --http-clients processes request dashboard pages in a loop (loaded). Prints the
     victim's p50/p99 per phase, the p99 ratio loaded/quiet, the pages served during the
     loaded phase, and the server's CPU seconds and RSS.

It prints one JSON object (and the page table on stderr).

    cargo build --release -p miragepot
    ../shared/bench/.venv/bin/python scripts/bench/dashboard.py target/release/miragepot \\
        --data-dir /var/tmp/mp-1m --events 1000000

Reusing --data-dir skips the generation next time (the store is not changed by the pages,
only sessions from phase 2 are added). Needs asyncssh (the shared bench venv has it).
"""

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

try:
    import asyncssh
except ImportError:  # pragma: no cover
    sys.exit("asyncssh missing: ../shared/bench/.venv/bin/pip install asyncssh")

from flood import cpu_seconds, measure, pct, rss_kib  # noqa: E402

VICTIM_SRC = "127.0.0.2"
PASSWORD = "bench-password-0123456789"
TARGET_MS = 200.0

# (name, path): what an analyst opens. The sessions list and analytics are the pages the issue
# names; the rest are measured for the record.
PAGES = [
    ("sessions", "/sessions"),
    ("sessions 24h", "/sessions?range=24h"),
    ("sessions page 40", "/sessions?page=40"),
    ("sessions user=root", "/sessions?user=root"),
    ("sessions pass=123456", "/sessions?pass=123456"),
    ("sessions cmd=wget", "/sessions?cmd=wget"),
    ("sessions ip=/8", "/sessions?ip=45.0.0.0%2F8"),
    ("sessions technique", "/sessions?technique=T1098"),
    ("sessions stage+risk", "/sessions?stage=persistence&risk=high"),
    ("sessions download+token", "/sessions?download=yes&token=yes"),
    ("sessions hassh", "/sessions?hassh=4e066189c3bbeec38c99b1855113733a"),
    ("api sessions", "/api/sessions?range=7d"),
    ("analytics 24h", "/analytics?range=24h"),
    ("analytics 7d", "/analytics?range=7d"),
    ("analytics 30d", "/analytics?range=30d"),
    ("analytics all", "/analytics?range=all"),
    ("api analytics", "/api/analytics?range=7d"),
    ("overview", "/"),
]
# What the load processes of phase 2 cycle through.
LOAD_PAGES = ["/", "/sessions", "/sessions?cmd=wget", "/analytics?range=7d", "/api/overview"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env, stdin=None, timeout=3600):
    return subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout)


class Client:
    """One logged-in keep-alive HTTP connection to the dashboard."""

    def __init__(self, port: int, user: str, password: str):
        self.port = port
        self.cookies = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        status, body = self.get("/login")
        m = re.search(r'name="csrf" value="([^"]+)"', body)
        if not m:
            raise SystemExit(f"no CSRF field on /login ({status})")
        form = urllib.parse.urlencode(
            {"username": user, "password": password, "csrf": m.group(1), "next": "/"}
        )
        status, _ = self.request("POST", "/login", form, {"content-type": "application/x-www-form-urlencoded"})
        if status != 303:
            raise SystemExit(f"login failed: HTTP {status}")

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        for v in r.headers.get_all("set-cookie") or []:
            k, _, rest = v.partition("=")
            self.cookies[k.strip()] = rest.split(";", 1)[0]
        return r.status, data

    def get(self, path):
        return self.request("GET", path)

    def timed(self, path) -> float:
        t = time.perf_counter()
        status, _ = self.get(path)
        ms = (time.perf_counter() - t) * 1000
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
        return ms


def load_proc(port: int, duration: float, out) -> None:
    """Requests LOAD_PAGES in a loop for `duration` seconds; reports the count."""
    c = Client(port, "bench", PASSWORD)
    n = 0
    end = time.monotonic() + duration
    while time.monotonic() < end:
        c.timed(LOAD_PAGES[n % len(LOAD_PAGES)])
        n += 1
    out.put(n)


def victim(port: int, duration: float, gap: float) -> list:
    """Command latencies (ms) of one logged-in SSH connection (flood.py's measure)."""
    return asyncio.run(measure(argparse.Namespace(port=port, duration=duration, gap=gap), VICTIM_SRC))


def summary(lat: list) -> dict:
    return {
        "commands": len(lat),
        "p50_ms": round(pct(lat, 50), 2),
        "p99_ms": round(pct(lat, 99), 2),
        "max_ms": round(max(lat), 2),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binary")
    p.add_argument("--data-dir", help="reused when it holds a store (default: a temp dir)")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--days", type=int, default=7,
                   help="days the generated sessions span (over 7, the 24h and 7d windows are "
                        "part of the data, as on a sensor that has run for a while)")
    p.add_argument("--requests", type=int, default=40, help="timed requests per page")
    p.add_argument("--duration", type=float, default=20.0, help="seconds per session phase")
    p.add_argument("--http-clients", type=int, default=2, help="dashboard load processes")
    p.add_argument("--gap", type=float, default=0.02, help="pause between victim commands")
    p.add_argument("--skip-pages", action="store_true")
    a = p.parse_args()
    a.duration = min(a.duration, 300.0)
    a.requests = max(2, min(a.requests, 1000))

    tmp = None
    data = a.data_dir
    if not data:
        tmp = tempfile.mkdtemp(prefix="mp-dash-")
        data = tmp
    os.makedirs(data, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIRAGEPOT_")}
    env.update({"MIRAGEPOT_SENSOR_DATA_DIR": data, "MIRAGEPOT_LOG_LEVEL": "warn"})
    rec = {"events_asked": a.events}
    if not os.path.exists(os.path.join(data, "miragepot.db")):
        t = time.monotonic()
        r = run([a.binary, "gen-events", "--events", str(a.events), "--days", str(a.days)], env)
        if r.returncode != 0:
            raise SystemExit(f"gen-events failed: {r.stderr}")
        rec["generate_s"] = round(time.monotonic() - t, 1)
        rec["generate"] = r.stdout.strip()
    run([a.binary, "user", "remove", "bench"], env)
    r = run([a.binary, "user", "add", "bench", "--password-stdin"], env, stdin=PASSWORD + "\n")
    if r.returncode != 0:
        raise SystemExit(f"user add failed: {r.stderr}")
    rec["db_mib"] = round(os.path.getsize(os.path.join(data, "miragepot.db")) / 2**20, 1)

    ssh_port, web_port = free_port(), free_port()
    env.update({
        "MIRAGEPOT_SSH_LISTEN": f"127.0.0.1:{ssh_port}",
        "MIRAGEPOT_WEB_LISTEN": f"127.0.0.1:{web_port}",
        "MIRAGEPOT_WEB_ENABLED": "true",
    })
    server = subprocess.Popen([a.binary, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", web_port), 1).close()
                socket.create_connection(("127.0.0.1", ssh_port), 1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
        pid = server.pid

        if not a.skip_pages:
            c = Client(web_port, "bench", PASSWORD)
            pages = {}
            for name, path in PAGES:
                for _ in range(2):
                    c.timed(path)
                lat = [c.timed(path) for _ in range(a.requests)]
                pages[name] = {
                    "p50_ms": round(pct(lat, 50), 1),
                    "p95_ms": round(pct(lat, 95), 1),
                    "max_ms": round(max(lat), 1),
                }
                print(f"{name:26} p50 {pages[name]['p50_ms']:8.1f}  p95 {pages[name]['p95_ms']:8.1f}"
                      f"  max {pages[name]['max_ms']:8.1f} ms", file=sys.stderr)
            rec["pages"] = pages
            named = [v["p95_ms"] for k, v in pages.items() if k.startswith(("sessions", "analytics"))]
            rec["worst_p95_ms_sessions_and_analytics"] = max(named)
            rec["within_200ms"] = max(named) <= TARGET_MS

        cpu0 = cpu_seconds(pid)
        quiet = victim(ssh_port, a.duration, a.gap)
        q = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=load_proc, args=(web_port, a.duration + 2, q))
                 for _ in range(a.http_clients)]
        for pr in procs:
            pr.start()
        time.sleep(1.0)
        loaded = victim(ssh_port, a.duration, a.gap)
        for pr in procs:
            pr.join(a.duration + 120)
        served = sum(q.get(timeout=5) for _ in procs)
        rec["sessions"] = {
            "quiet": summary(quiet),
            "loaded": summary(loaded),
            "p99_ratio_loaded_over_quiet": round(pct(loaded, 99) / pct(quiet, 99), 2),
            "pages_served_while_loaded": served,
            "pages_per_s_while_loaded": round(served / (a.duration + 2), 1),
            "http_clients": a.http_clients,
        }
        rec["server_cpu_s"] = round(cpu_seconds(pid) - cpu0, 2)
        rec["server_rss_mib"] = round(rss_kib(pid) / 1024, 1)
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(rec, indent=1))


if __name__ == "__main__":
    main()
