"""Benchmark: inspectors read their schedules while a full-size re-plan runs.

    python benchmarks/bench_service_load.py [--size sample|full] [--clients 50] [--seconds 30]
                                            [--database postgresql+psycopg://…] [--json PATH]

Builds a county in a temporary data dir (``full``: the full-size county of
bench_schedule.py, 200,000 enterprises and 800 inspectors; ``sample``: the
bundled sample county), starts the real service (uvicorn serving
``api.app:app``) as a separate process on a free loopback port, and as a
planner over HTTP uploads the rosters, creates the round, draws it, solves
version 1 and publishes it.  It then creates one inspector user (with a
token) per client among the inspectors with visits in the plan, starts a
second solve of the round (a re-plan) and, while that job is RUNNING, lets
every client GET ``/api/rounds/{id}/my-schedule`` with its own token, over
and over, for ``--seconds`` or until the solve ends.

Prints the requests, errors (non-200 or no answer), throughput, latency
percentiles and the solve's status at the start and end of the window, and
writes them as JSON with ``--json``.  Exits 1 when a request failed or the
solve was not running when the window opened.

With ``--database`` (a PostgreSQL URL) the service uses a fresh schema in
that database, dropped afterwards; otherwise a SQLite file in the data dir.
``--threadpool N`` serves through benchmarks/serve_threads.py, which sets
anyio's worker-thread limit (default 40) to N, to measure that limit.
Only loopback addresses are used; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# isort: off
from common import ROOT, rss_mib  # first: puts the repository and data/ on the import path
import generate_county
# isort: on

import httpx2
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.auth import first_start
from scheduler.app.demo import BEACON, REVEALS
from scheduler.sample import sample_dir
from scheduler.store import accounts
from scheduler.store.db import make_engine, unit_of_work

HOST = "127.0.0.1"
ROUND_FILE = "round.toml"
PLAN_TIMEOUT = 900.0  # seconds for a full-size solve (load, CP-SAT, repair) on a busy machine
REQUEST_TIMEOUT = 60.0
START_TIMEOUT = 60.0
STATUS_POLL = 0.25
LEAD_AGENCY = "SCJG"
SEED = "bench"
RATIO_COLUMNS = slice(4, 8)  # A/B/C/D类抽查比例 in the generator's items.csv
# The generator's ratios draw ~2,750 visits with FULL_ROUND; x1.8 gives ~5,000,
# the size bench_schedule.py solves.
RATIO_SCALE = 1.8

# The full-size county's round: no commitments, so that a plain seed draws it.
FULL_ROUND = generate_county.round_toml("负载测试 (load test)")


# --- the county ------------------------------------------------------------------


@dataclass(frozen=True)
class County:
    folder: Path
    draw: dict[str, Any]  # the body of POST /draw


def build_county(size: str, folder: Path, ratio_scale: float = 1.0) -> County:
    """The rosters and round file of the *size* county in *folder*; the full
    county's sampling ratios multiplied by *ratio_scale* (at most 100 %)."""
    folder.mkdir(parents=True)
    if size == "sample":
        for path in sample_dir().iterdir():
            if path.is_file() and path.suffix in {".csv", ".xlsx", ".toml"}:
                (folder / path.name).write_bytes(path.read_bytes())
        return County(folder, {"beacon": BEACON, "reveals": dict(REVEALS)})
    generate_county.generate(folder, enterprises=200_000, townships=20, inspectors=800, agencies=10, excel=False)
    scale_ratios(folder / "items.csv", ratio_scale)
    (folder / ROUND_FILE).write_text(FULL_ROUND, encoding="utf-8")
    return County(folder, {"seed": SEED})


def scale_ratios(path: Path, factor: float) -> None:
    """Multiply the four credit-class ratio columns of an items CSV by *factor*."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    for row in rows[1:]:
        row[RATIO_COLUMNS] = [f"{min(1.0, float(r) * factor):.4f}" for r in row[RATIO_COLUMNS]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def roster_files(folder: Path) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix in {".csv", ".xlsx"}]


# --- the database and the server ------------------------------------------------------


@contextlib.contextmanager
def database(postgres: str | None, folder: Path) -> Iterator[str]:
    """The service's database URL: a SQLite file in *folder*, or a fresh
    schema in the *postgres* database (dropped afterwards)."""
    if postgres is None:
        yield f"sqlite:///{folder / 'onevisit.db'}"
        return
    schema = f"onevisit_load_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield make_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_command(port: int, threadpool: int | None) -> list[str]:
    if threadpool is None:
        return [sys.executable, "-m", "uvicorn", "api.app:app", "--host", HOST, "--port", str(port),
                "--log-level", "warning"]
    script = Path(__file__).with_name("serve_threads.py")
    return [sys.executable, str(script), "--port", str(port), "--threads", str(threadpool)]


@contextlib.contextmanager
def running_server(url: str, data: Path, log: Path, threadpool: int | None) -> Iterator[str]:
    """The service in its own process; its base URL once it answers."""
    port = free_port()
    env = {**os.environ, "ONEVISIT_DATABASE_URL": url, "ONEVISIT_DATA_DIR": str(data),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    base = f"http://{HOST}:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(server_command(port, threadpool), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_up(base, process)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with status {process.returncode}")
        with contextlib.suppress(httpx2.TransportError):
            if httpx2.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("the service did not answer /api/health in time")


# --- the planner over HTTP ---------------------------------------------------------------


def expect(response: Any, status: int) -> Any:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:2000]}")
    return response.json()


def wait_for_job(client: httpx2.Client, headers: dict[str, str], job_id: str, until: Callable[[str], bool],
                 timeout: float = PLAN_TIMEOUT) -> str:
    """Poll the job until *until* its status (or the timeout); the last status."""
    deadline = time.monotonic() + timeout
    while True:
        status: str = expect(client.get(f"/api/jobs/{job_id}", headers=headers), 200)["status"]
        if until(status) or time.monotonic() > deadline:
            return status
        time.sleep(STATUS_POLL)


def over(status: str) -> bool:
    return status not in {"SCHEDULED", "RUNNING"}


def solve(client: httpx2.Client, headers: dict[str, str], round_id: int) -> str:
    """Start a solve of the round: its job id."""
    job_id: str = expect(client.post(f"/api/rounds/{round_id}/solve", headers=headers), 202)["job_id"]
    return job_id


def publish_first_plan(client: httpx2.Client, headers: dict[str, str], county: County, timings: dict[str, float]) -> int:
    """Upload, create, announce, draw, solve and publish version 1: the round's id."""
    def step(name: str, action: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        result = action()
        timings[name] = round(time.perf_counter() - t0, 2)
        return result

    snapshot = step("upload", lambda: expect(client.post("/api/snapshots", files=roster_files(county.folder), headers=headers), 201))
    round_file = (county.folder / ROUND_FILE).read_text(encoding="utf-8")
    created = step("create", lambda: expect(client.post("/api/rounds", headers=headers,
                                                        json={"snapshot_id": snapshot["id"], "round_file": round_file}), 201))
    round_id = int(created["id"])
    step("announce", lambda: expect(client.post(f"/api/rounds/{round_id}/announce", headers=headers), 200))
    step("draw", lambda: expect(client.post(f"/api/rounds/{round_id}/draw", headers=headers, json=county.draw), 201))
    job_id = solve(client, headers, round_id)
    final = step("solve", lambda: wait_for_job(client, headers, job_id, over))
    if final != "COMPLETED":
        raise RuntimeError(f"the first solve ended {final}")
    step("publish", lambda: expect(client.post(f"/api/rounds/{round_id}/publish", headers=headers, json={}), 200))
    return round_id


def busiest_inspectors(plan: dict[str, Any], count: int) -> list[str]:
    """The *count* inspectors with the most visits in the plan."""
    visits: dict[str, int] = {}
    for visit in plan["visits"]:
        for member in visit["team"]:
            visits[member["inspector_id"]] = visits.get(member["inspector_id"], 0) + 1
    ranked = sorted(visits, key=lambda i: (-visits[i], i))
    if len(ranked) < count:
        raise RuntimeError(f"the plan has only {len(ranked)} inspectors with visits, {count} clients asked for")
    return ranked[:count]


def inspector_tokens(url: str, inspector_ids: Sequence[str]) -> list[str]:
    """One inspector user with a token per id, through the store API."""
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            users = [accounts.add_user(session, name=f"load-{i}", role="inspector", inspector_id=i)
                     for i in inspector_ids]
            return [accounts.create_token(session, user).token for user in users]
    finally:
        engine.dispose()


# --- the load --------------------------------------------------------------------------


@dataclass
class Sample:
    start: float  # seconds since the window opened
    latency: float  # seconds
    status: int  # 0: no answer (an exception)
    error: str = ""


@dataclass
class JobWatch:
    """The re-plan's status, polled in a thread while the clients run."""

    client: httpx2.Client
    headers: dict[str, str]
    job_id: str
    last: str = "?"
    ended: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def poll(self) -> str:
        self.last = str(self.client.get(f"/api/jobs/{self.job_id}", headers=self.headers).json()["status"])
        if over(self.last):
            self.ended.set()
        return self.last

    def run(self) -> None:
        while not self.stop.wait(STATUS_POLL):
            with contextlib.suppress(httpx2.TransportError):
                self.poll()


def client_loop(base: str, path: str, token: str, opened: float, deadline: float, done: threading.Event,
                out: list[Sample]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx2.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
        while time.perf_counter() < deadline and not done.is_set():
            t0 = time.perf_counter()
            try:
                response = client.get(path, headers=headers)
                sample = Sample(t0 - opened, time.perf_counter() - t0, response.status_code,
                                "" if response.status_code == 200 else response.text[:200])
                if response.status_code == 200:
                    response.json()  # a whole, parseable schedule
            except Exception as exc:  # every failure is a sample, never a crash
                sample = Sample(t0 - opened, time.perf_counter() - t0, 0, f"{type(exc).__name__}: {exc}"[:200])
            out.append(sample)


def run_load(base: str, path: str, tokens: Sequence[str], seconds: float, watch: JobWatch) -> tuple[list[Sample], float]:
    """Every client GETs *path* until the window closes or the solve ends;
    the samples and the window's length in seconds."""
    samples: list[list[Sample]] = [[] for _ in tokens]
    opened = time.perf_counter()
    deadline = opened + seconds
    threads = [threading.Thread(target=client_loop, args=(base, path, t, opened, deadline, watch.ended, out), daemon=True)
               for t, out in zip(tokens, samples, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 30)
    window = time.perf_counter() - opened
    return [s for out in samples for s in out], window


# --- figures ---------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of sorted *values*."""
    if not values:
        return float("nan")
    rank = max(1, min(len(values), round(share * len(values) + 0.5)))
    return values[rank - 1]


def figures(samples: Sequence[Sample], window: float) -> dict[str, Any]:
    latencies = sorted(s.latency * 1000 for s in samples)
    errors = [s for s in samples if s.status != 200]
    return {
        "requests": len(samples), "errors": len(errors), "window_s": round(window, 2),
        "throughput_rps": round(len(samples) / window, 1) if window > 0 else 0.0,
        "latency_ms": {"p50": round(percentile(latencies, 0.50), 1), "p95": round(percentile(latencies, 0.95), 1),
                       "p99": round(percentile(latencies, 0.99), 1), "max": round(latencies[-1], 1) if latencies else None,
                       "mean": round(statistics.fmean(latencies), 1) if latencies else None},
        "error_kinds": sorted({f"{s.status} {s.error}" for s in errors})[:10],
    }


def print_figures(result: dict[str, Any]) -> None:
    f, lat = result["figures"], result["figures"]["latency_ms"]
    print(f"load: {result['clients']} clients, {f['window_s']} s window "
          f"(solve {result['solve_status_at_start']} at start, {result['solve_status_at_end']} at end)")
    print(f"  requests {f['requests']:,}; errors {f['errors']}; throughput {f['throughput_rps']:,.1f} req/s")
    print(f"  latency ms: p50 {lat['p50']}, p95 {lat['p95']}, p99 {lat['p99']}, max {lat['max']} (mean {lat['mean']})")
    for kind in f["error_kinds"]:
        print(f"  error: {kind}")


# --- the whole run ---------------------------------------------------------------------


def measure(base: str, url: str, county: County, args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Everything over HTTP once the service is up; fills *result*."""
    planner = first_start(url, LEAD_AGENCY)
    assert planner is not None  # a fresh database
    headers = {"Authorization": f"Bearer {planner.token}"}
    with httpx2.Client(base_url=base, timeout=REQUEST_TIMEOUT * 5) as client:
        round_id = publish_first_plan(client, headers, county, result["setup_s"])
        plan = expect(client.get(f"/api/rounds/{round_id}/plans/1/plan.json", headers=headers), 200)
        result["plan_visits"] = len(plan["visits"])
        tokens = inspector_tokens(url, busiest_inspectors(plan, args.clients))
        path = f"/api/rounds/{round_id}/my-schedule"
        t0 = time.perf_counter()
        expect(client.get(path, headers={"Authorization": f"Bearer {tokens[0]}"}), 200)
        result["first_request_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        watch = JobWatch(client, headers, solve(client, headers, round_id))
        result["solve_status_at_start"] = wait_for_job(client, headers, watch.job_id, lambda s: s != "SCHEDULED", START_TIMEOUT)
        poller = threading.Thread(target=watch.run, daemon=True)
        poller.start()
        samples, window = run_load(base, path, tokens, args.seconds, watch)
        watch.stop.set()
        poller.join()
        result["solve_status_at_end"] = watch.poll()
        result["figures"] = figures(samples, window)
        if not over(result["solve_status_at_end"]):
            expect(client.delete(f"/api/jobs/{watch.job_id}", headers=headers), 202)  # the re-plan is not needed


def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"size": args.size, "clients": args.clients, "seconds": args.seconds,
                              "backend": "postgresql" if args.database else "sqlite", "threadpool": args.threadpool,
                              "setup_s": {}, "solve_status_at_start": None, "solve_status_at_end": None}
    with tempfile.TemporaryDirectory(prefix="onevisit-load-") as tmp:
        t0 = time.perf_counter()
        county = build_county(args.size, Path(tmp) / "county", args.ratio_scale)
        result["setup_s"]["county"] = round(time.perf_counter() - t0, 2)
        log = Path(tmp) / "server.log"
        with database(args.database, Path(tmp)) as url, running_server(url, Path(tmp) / "data", log, args.threadpool) as base:
            try:
                measure(base, url, county, args, result)
            finally:
                result["server_log_tail"] = log.read_text(encoding="utf-8", errors="replace")[-4000:]
    return result


def failures(result: dict[str, Any]) -> list[str]:
    found = []
    if result["figures"]["errors"]:
        found.append(f"{result['figures']['errors']} requests failed")
    if result["solve_status_at_start"] != "RUNNING":
        found.append(f"the solve was {result['solve_status_at_start']}, not RUNNING, when the window opened")
    return found


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["sample", "full"], default="full")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--ratio-scale", type=float, default=RATIO_SCALE,
                        help="full county: multiply the sampling ratios (default: ~5,000 visits, as bench_schedule.py)")
    parser.add_argument("--seconds", type=float, default=30.0, help="the load window (ends earlier if the solve ends)")
    parser.add_argument("--database", metavar="URL", help="a PostgreSQL URL (a fresh schema is used); default SQLite")
    parser.add_argument("--threadpool", type=int, metavar="N", help="anyio's worker-thread limit in the service (default 40)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    result = run(args)
    setup = ", ".join(f"{k} {v} s" for k, v in result["setup_s"].items())
    print(f"{args.size} county, {result['backend']}: {result['plan_visits']:,} visits in plan v1; set-up {setup}")
    print(f"  first my-schedule request {result['first_request_ms']} ms")
    print_figures(result)
    print(f"peak RSS (benchmark process) {rss_mib():,.0f} MiB")
    if args.json:
        args.json.write_text(json.dumps({k: v for k, v in result.items() if k != "server_log_tail"}, ensure_ascii=False, indent=2),
                             encoding="utf-8")
    problems = failures(result)
    for problem in problems:
        print(f"FAILED: {problem}")
    if problems:
        print(result["server_log_tail"])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
