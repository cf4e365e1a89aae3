#!/usr/bin/env python3
"""LLM-hang benchmark: do a hung LLM backend's waits hurt other sessions?

End to end, loopback only, bounded and self-stopping. Starts the miragepot binary itself
(temp data dir, `llm.backend = "openai"`) pointed at a fake OpenAI-compatible server in
this script, then runs three phases of --duration seconds each:

  0. quiet (reference, skipped with --no-quiet): the victim alone (below), no LLM clients;
  a. baseline: the fake answers at once (an `lsof -p N` listing naming N). --clients
     connections from 127.0.0.3 keep running `lsof -p N` (installed, not emulated: an LLM
     question) with a fresh N each time, so every one is a cache miss and a backend call;
     meanwhile a victim connection from 127.0.0.2 runs `echo N` back to back and records
     each command's latency;
  b. hung: the same, but the fake accepts each call and never answers until the phase ends
     (the LLM clients' commands wait for the whole deadline, --llm-timeout-ms).

The victim, the LLM clients and the fake run in separate processes/threads, so the victim's
timings do not include the clients' Python work; the victim's five slowest commands are
listed with their start (seconds into the window). The breaker is set out of reach so it does
not hide the hang. It prints one JSON object: the victim's p50/p99/max per phase, the p99
ratio hung/baseline (sessions unaffected: near 1, at most 2) and hung/quiet, the LLM
questions per phase (commands sent and completed by the clients, calls seen by the fake),
and the server's CPU seconds and RSS (from /proc).

On a small machine the baseline is the loaded phase: answered calls come back in
milliseconds, so the clients ask hundreds of questions a second, while hung calls each wait
the deadline. --llm-gap throttles the clients (same gap in both phases).

    cargo build --release -p miragepot
    ../shared/bench/.venv/bin/python scripts/bench/llm_hang.py target/release/miragepot

Needs asyncssh (the shared bench venv has it, or `python3 -m venv V && V/bin/pip install
asyncssh`). Every loop is bounded in time; the server is killed at the end.
"""

import argparse
import asyncio
import http.server
import json
import multiprocessing
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

try:
    import asyncssh
except ImportError:  # pragma: no cover
    sys.exit("asyncssh missing: ../shared/bench/.venv/bin/pip install asyncssh")

# /proc readers and the percentile rule shared with the connection-flood benchmark.
from flood import cpu_seconds, pct, rss_kib  # noqa: E402

VICTIM_SRC = "127.0.0.2"
LLM_SRC = "127.0.0.3"


def summary(lat: list[float]) -> dict:
    if not lat:
        return {"commands": 0}
    return {
        "commands": len(lat),
        "p50_ms": round(pct(lat, 50), 2),
        "p99_ms": round(pct(lat, 99), 2),
        "max_ms": round(max(lat), 2),
        "mean_ms": round(statistics.mean(lat), 2),
    }


# --- the fake OpenAI-compatible server ------------------------------------------------------


class Fake:
    """Switchable fake: `answer` replies at once, `hang` holds each call until `release()`."""

    def __init__(self, hold_limit: float):
        self.mode = "answer"
        self.calls = 0
        self.holds = []  # (seconds held, whether the server closed the call)
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.hold_limit = hold_limit
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send_json(self, obj):
                body = json.dumps(obj).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.send_header("connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def do_GET(self):
                self.send_json({"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self):
                n = min(int(self.headers.get("content-length") or 0), 1 << 20)
                raw = self.rfile.read(n)
                self.close_connection = True
                if not self.path.endswith("/chat/completions"):
                    self.send_error(404)
                    return
                with fake.lock:
                    fake.calls += 1
                    call = fake.calls
                    hang = fake.mode == "hang"
                if hang:
                    # Never answers: the connection is dropped when the phase ends (or when
                    # the server gives up on it).
                    t0 = time.monotonic()
                    end = t0 + fake.hold_limit
                    closed = False
                    while not fake.released.wait(0.02) and time.monotonic() < end:
                        if peer_closed(self.connection):
                            closed = True
                            break
                    with fake.lock:
                        fake.holds.append((time.monotonic() - t0, closed))
                    return
                self.send_json(completion(raw, call))

        class Server(http.server.ThreadingHTTPServer):
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set_mode(self, mode: str):
        with self.lock:
            self.mode = mode
            self.calls = 0
            self.holds = []
        self.released.clear()

    def release(self):
        """Ends the phase: later calls are answered, held ones are dropped unanswered."""
        with self.lock:
            self.mode = "answer"
        self.released.set()

    def stop(self):
        self.release()
        self.server.shutdown()


def peer_closed(sock) -> bool:
    """Whether the other end closed `sock` (nothing more is expected from it)."""
    r, _, _ = select.select([sock], [], [], 0)
    if not r:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def completion(raw: bytes, call: int) -> dict:
    """A chat completion listing the process the last user message asks about."""
    n = str(call)
    try:
        msgs = json.loads(raw).get("messages", [])
        last = next((m["content"] for m in reversed(msgs) if m.get("role") == "user"), "")
        found = re.findall(r"lsof -p (\d+)", last)
        if found:
            n = found[-1]
    except (ValueError, AttributeError, KeyError, TypeError):
        pass
    content = (
        "COMMAND  PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME\n"
        f"bash    {n} root  cwd    DIR    8,1     4096    2 /\n"
        f"bash    {n} root  rtd    DIR    8,1     4096    2 /\n"
        f"bash    {n} root    0u   CHR  136,0      0t0    3 /dev/pts/0\n"
    )
    return {
        "id": f"chatcmpl-{call}",
        "object": "chat.completion",
        "model": "fake",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 40},
    }


# --- clients (each in its own process) -------------------------------------------------------


def connect(port: int, src: str):
    return asyncssh.connect(
        "127.0.0.1",
        port,
        username="root",
        password="x",
        known_hosts=None,
        local_addr=(src, 0),
        connect_timeout=10,
    )


def victim_proc(port: int, duration: float, gap: float, cmd_timeout: float, measuring, out):
    """`echo N` back to back over one connection for `duration` s; sends the latencies (ms)."""

    async def run():
        lat, at, wrong, timeouts = [], [], 0, 0
        async with connect(port, VICTIM_SRC) as conn:
            await conn.run("true", check=False)  # warm-up, not measured
            measuring.set()
            start = time.monotonic()
            deadline = start + duration
            n = 0
            while time.monotonic() < deadline:
                t = time.monotonic()
                at.append(t - start)
                try:
                    r = await asyncio.wait_for(conn.run(f"echo {n}", check=False), cmd_timeout)
                    if r.stdout != f"{n}\n":
                        wrong += 1
                except asyncio.TimeoutError:
                    timeouts += 1
                lat.append((time.monotonic() - t) * 1000)
                n += 1
                if gap:
                    await asyncio.sleep(gap)
        return lat, at, wrong, timeouts

    try:
        out.put(("ok", *asyncio.run(run())))
    except Exception as e:  # reported, never hangs the parent
        out.put(("error", repr(e)))


def llm_proc(port: int, clients: int, base: int, gap: float, cmd_timeout: float, hard_limit: float,
             ready, stop, out):
    """`clients` connections each running `lsof -p N` (fresh N) until `stop`; sends counts."""

    async def client(i: int, conns, stats):
        conn = conns[i]
        k = 0
        end = time.monotonic() + hard_limit
        while not stop.is_set() and time.monotonic() < end:
            n = base + i + k * clients
            k += 1
            stats["sent"] += 1
            t = time.monotonic()
            try:
                await asyncio.wait_for(conn.run(f"lsof -p {n}", check=False), cmd_timeout)
                stats["done"] += 1
                stats["lat"].append((time.monotonic() - t) * 1000)
            except asyncio.TimeoutError:
                stats["timeouts"] += 1
            except (asyncssh.Error, OSError):
                stats["errors"] += 1
                return
            if gap:
                await asyncio.sleep(gap)

    async def run():
        stats = {"sent": 0, "done": 0, "timeouts": 0, "errors": 0, "lat": []}
        conns = await asyncio.gather(*(connect(port, LLM_SRC) for _ in range(clients)))
        ready.set()
        try:
            await asyncio.gather(*(client(i, conns, stats) for i in range(clients)))
        finally:
            for c in conns:
                c.close()
        return stats

    try:
        out.put(("ok", asyncio.run(run())))
    except Exception as e:
        ready.set()
        out.put(("error", repr(e)))


# --- the server and the phases ---------------------------------------------------------------


def start_server(a, fake_port: int, data: str):
    env = dict(os.environ)
    env.pop("MIRAGEPOT_CONFIG", None)
    env.update({
        "MIRAGEPOT_SENSOR_DATA_DIR": data,
        "MIRAGEPOT_SSH_LISTEN": "127.0.0.1:0",
        "MIRAGEPOT_LOG_LEVEL": "warn",
        "MIRAGEPOT_LIMITS_CONNECTIONS_PER_IP_PER_SEC": "0",
        "MIRAGEPOT_LIMITS_MAX_SESSIONS_PER_IP": "10000",
        "MIRAGEPOT_LIMITS_MAX_COMMANDS": "0",
        "MIRAGEPOT_LLM_BACKEND": "openai",
        "MIRAGEPOT_LLM_URL": f"http://127.0.0.1:{fake_port}/v1",
        "MIRAGEPOT_LLM_MODEL": "fake",
        "MIRAGEPOT_LLM_TIMEOUT_MS": str(a.llm_timeout_ms),
        "MIRAGEPOT_LLM_PER_IP_PER_MINUTE": "0",
        "MIRAGEPOT_LLM_BREAKER_FAILURES": "1000000",
        "MIRAGEPOT_DETECT_TARPIT": "false",
        "MIRAGEPOT_SHELL_PACING": "false",
    })
    out = open(os.path.join(data, "server.out"), "w")
    err = open(os.path.join(data, "server.err"), "w")
    proc = subprocess.Popen([a.binary, "serve"], env=env, stdout=out, stderr=err,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with open(os.path.join(data, "server.out")) as f:
            m = re.search(r"SSH listening on 127\.0\.0\.1:(\d+)", f.read())
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    with open(os.path.join(data, "server.err")) as f:
        sys.exit(f"server did not start: {f.read()[-2000:]}")


def phase(a, ctx, fake: Fake, mode: str, port: int, pid: int, base: int) -> dict:
    fake.set_mode(mode)
    ready, stop, measuring = ctx.Event(), ctx.Event(), ctx.Event()
    lq, vq = ctx.Queue(), ctx.Queue()
    cmd_timeout = a.llm_timeout_ms / 1000 + 15
    hard = a.duration + a.warmup + 60
    clients = 0 if mode == "quiet" else a.clients
    llm = ctx.Process(target=llm_proc, args=(port, clients, base, a.llm_gap, cmd_timeout, hard,
                                             ready, stop, lq))
    if clients:
        llm.start()
        ready.wait(30)
        time.sleep(a.warmup)  # the first questions are in flight (held, in `hang`)
    calls_before = fake.calls
    victim = ctx.Process(target=victim_proc, args=(port, a.duration, a.gap, 15.0, measuring, vq))
    victim.start()
    measuring.wait(30)
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    rss0 = rss_kib(pid)
    calls0 = fake.calls
    res = vq.get(timeout=a.duration + 60)
    cpu1, t1 = cpu_seconds(pid), time.monotonic()
    calls1 = fake.calls
    rss1 = rss_kib(pid)
    victim.join(10)
    stop.set()
    fake.release()  # held calls end unanswered; the clients' last commands finish
    lres = None
    if clients:
        try:
            lres = lq.get(timeout=cmd_timeout + 20)
        except Exception as e:
            lres = ("error", repr(e))
        llm.join(10)
    for p in (llm, victim) if clients else (victim,):
        if p.is_alive():
            p.kill()
    if res[0] != "ok":
        sys.exit(f"victim failed in {mode}: {res[1]}")
    _, lat, at, wrong, timeouts = res
    slow = sorted(zip(lat, at), reverse=True)[:5]
    rec = {
        "victim": summary(lat),
        "victim_slowest_ms_at_s": [[round(ms, 1), round(t, 2)] for ms, t in slow],
        "victim_wrong_output": wrong,
        "victim_timeouts": timeouts,
    }
    if lres is None:
        pass
    elif lres[0] == "ok":
        s = lres[1]
        rec["llm_commands_sent"] = s["sent"]
        rec["llm_commands_done"] = s["done"]
        rec["llm_client_timeouts"] = s["timeouts"]
        rec["llm_client_errors"] = s["errors"]
        rec["llm_command_p50_ms"] = round(pct(s["lat"], 50), 1) if s["lat"] else None
    else:
        rec["llm_clients_error"] = lres[1]
    rec["backend_calls_whole_phase"] = fake.calls
    rec["backend_calls_during_victim"] = calls1 - calls0
    rec["backend_calls_before_victim"] = calls_before
    if mode == "quiet":
        rec.pop("backend_calls_before_victim")
    if mode == "hang":
        time.sleep(0.3)  # the released handlers note their end
        with fake.lock:
            holds = list(fake.holds)
        by_server = [h for h, closed in holds if closed]
        rec["backend_calls_given_up_by_server"] = len(by_server)
        rec["backend_calls_given_up_after_s_p50"] = round(pct(by_server, 50), 2) if by_server else None
        rec["backend_calls_cut_at_phase_end"] = len(holds) - len(by_server)
    rec["window_s"] = round(t1 - t0, 2)
    rec["server_cpu_s"] = round(cpu1 - cpu0, 2)
    rec["server_rss_kib_start"] = rss0
    rec["server_rss_kib_end"] = rss1
    return rec


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binary", nargs="?", default="target/release/miragepot")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per phase (victim window)")
    p.add_argument("--clients", type=int, default=8, help="concurrent LLM-asking connections")
    p.add_argument("--gap", type=float, default=0.0, help="pause between victim commands (s)")
    p.add_argument("--llm-gap", type=float, default=0.0, help="pause between an LLM client's commands (s)")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of LLM load before the victim starts")
    p.add_argument("--llm-timeout-ms", type=int, default=10000, help="llm.timeout_ms of the server")
    p.add_argument("--no-quiet", action="store_true", help="skip the reference phase without LLM clients")
    p.add_argument("--keep", action="store_true", help="keep the data dir (its path is printed)")
    a = p.parse_args()
    a.duration = min(a.duration, 120.0)
    a.clients = max(1, min(a.clients, 64))
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"{a.binary}: not executable (cargo build --release -p miragepot)")

    ctx = multiprocessing.get_context("spawn")
    fake = Fake(hold_limit=a.duration + a.warmup + a.llm_timeout_ms / 1000 + 30)
    data = tempfile.mkdtemp(prefix="miragepot-llm-hang-")
    proc, port = start_server(a, fake.port, data)
    rec = {"duration_s": a.duration, "clients": a.clients, "llm_timeout_ms": a.llm_timeout_ms,
           "llm_gap_s": a.llm_gap, "server_rss_kib_idle": rss_kib(proc.pid)}
    try:
        if not a.no_quiet:
            rec["quiet"] = phase(a, ctx, fake, "quiet", port, proc.pid, 0)
            time.sleep(1)
        rec["baseline"] = phase(a, ctx, fake, "answer", port, proc.pid, 1_000_000)
        time.sleep(1)
        rec["hung"] = phase(a, ctx, fake, "hang", port, proc.pid, 2_000_000)
        b, h = rec["baseline"]["victim"], rec["hung"]["victim"]
        rec["p99_ratio_hung_over_baseline"] = round(h["p99_ms"] / b["p99_ms"], 2)
        rec["p50_ratio_hung_over_baseline"] = round(h["p50_ms"] / b["p50_ms"], 2)
        if "quiet" in rec:
            q = rec["quiet"]["victim"]
            rec["p99_ratio_hung_over_quiet"] = round(h["p99_ms"] / q["p99_ms"], 2)
        rec["server_cpu_s_total"] = round(cpu_seconds(proc.pid), 2)
        rec["server_rss_kib_end"] = rss_kib(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        fake.stop()
        with open(os.path.join(data, "server.err")) as f:
            errs = f.read().strip()
        if errs:
            rec["server_stderr_tail"] = errs[-1000:]
        if a.keep:
            rec["data_dir"] = data
        else:
            shutil.rmtree(data, ignore_errors=True)
    print(json.dumps(rec, indent=1))


if __name__ == "__main__":
    main()
