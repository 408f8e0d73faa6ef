"""The registry benchmark over HTTP: gunicorn loaded by wrk, URL by URL
(see bench/registry.py)."""

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import ROOT, free_port  # bench/common.py

WRK_SCRIPT = """
-- Count answers that are not 2xx in every thread; print one JSON line at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "rps": %.2f, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"non2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration,
    summary.requests / summary.duration * 1e6,
    latency:percentile(50.0), latency:percentile(95.0),
    latency:percentile(99.0), latency.max,
    bad, e.connect, e.read, e.write, e.timeout))
end
"""


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start_gunicorn(port: int, workers: int, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "otop.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--chdir={ROOT}",
        "--log-level=warning",
    ]
    log = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603 - our own command line
        command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start:\n{log_path.read_text()[-3000:]}")
        try:
            if get(port, "/bench/bare/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    sys.exit(f"gunicorn did not answer in 60 s:\n{log_path.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wrk(port: int, path: str, lua: Path, connections: int, seconds: int) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout=30s",  # slow answers count in the latencies, not as errors
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}{path}",
    ]
    done = subprocess.run(  # noqa: S603 - our own command line
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    sys.exit(f"wrk gave no figures for {path}:\n{done.stdout}\n{done.stderr}")


def load_test(urls: dict[str, str], args) -> tuple[dict, list[str]]:
    """Each URL under wrk against one gunicorn, in turn, ``--rounds`` times
    (the round with the median req/s is kept); ``None`` for a URL that 404s.

    Every worker keeps its own facet cache, so the warm-up also fills them:
    the figures are for a warm cache (the in-process section prices a cold one).
    """
    workspace = Path(tempfile.mkdtemp(prefix="otop-bench-registry-"))
    lua = workspace / "report.lua"
    lua.write_text(WRK_SCRIPT)
    log_path = workspace / "gunicorn.log"
    port = free_port()
    server = start_gunicorn(port, args.workers, log_path)
    runs, failures = defaultdict(list), []
    try:
        print(
            f"\n== over HTTP: gunicorn {args.workers} sync workers on "
            f"127.0.0.1:{port}, wrk -t2 -c{args.connections} -d{args.duration}s "
            f"per URL after a {args.warmup}s warm-up, {args.rounds} round(s); "
            f"load average before: {os.getloadavg()[0]:.1f} =="
        )
        serving = {}
        for label, path in urls.items():
            status, body = get(port, path)
            if status == 404 and label.startswith("/api/"):
                print(f"  {label}: 404, not built yet: marked missing")
            elif status != 200:
                failures.append(f"{label} answered {status}: {body[:300]!r}")
                print(f"  FAILED {failures[-1]}")
            else:
                serving[label] = path
        for round_ in range(args.rounds):
            for label, path in serving.items():
                checked = []
                if round_ == 0:
                    checked.append(wrk(port, path, lua, args.connections, args.warmup))
                figures = wrk(port, path, lua, args.connections, args.duration)
                checked.append(figures)
                problem = _load_problem(checked)
                if problem:
                    failures.append(f"{label}: {problem}")
                    print(f"  FAILED {failures[-1]}")
                runs[label].append(figures)
                ms = figures["p95_us"] / 1000
                print(
                    f"  {label:<34} {figures['requests']:>7,} requests, "
                    f"{figures['rps']:>8.1f} req/s, p95 {ms:6.1f} ms",
                    flush=True,
                )
    finally:
        stop(server)
    server_errors = [
        line for line in log_path.read_text().splitlines() if "Traceback" in line
    ]
    if server_errors:
        failures.append(f"gunicorn logged {len(server_errors)} tracebacks: {log_path}")
    results = {}
    for label in urls:
        ranked = sorted(runs.get(label, []), key=lambda f: f["rps"])
        results[label] = ranked[len(ranked) // 2] if ranked else None
        if ranked:
            results[label]["range"] = f"{ranked[0]['rps']:.0f}-{ranked[-1]['rps']:.0f}"
    return results, failures


def _load_problem(runs: list[dict]) -> str:
    kinds = ("non2xx", "connect", "read", "write", "timeout")
    counts = {kind: sum(run[kind] for run in runs) for kind in kinds}
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
