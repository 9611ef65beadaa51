"""A crash, end to end with real processes, on SQLite and (in CI) PostgreSQL:
``onevisit serve`` is SIGKILLed while it solves; its worker must not outlive
it; after a restart the job is INTERRUPTED with nothing kept, the database
and the audit log are intact and the round solves again.  Then one audit
entry is altered behind the service's back and ``onevisit audit verify``
names it."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from processes import gone
from service_rounds import drawn_round, solved_round
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from scheduler.jobs.state import INTERRUPTED_REASON
from scheduler.store.models import AuditEntry, Job, Plan

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # seconds for the service to answer /api/health
WORKER_GRACE = 10.0  # seconds a worker may outlive its killed service
SOLVER_PHASES = {"construct", "local_search", "cp_sat", "repair"}
TOKEN_LINE = re.compile(r"^\s+(ov_\S+)\s*$")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(db_url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
            "ONEVISIT_DATA_DIR": str(data_dir), "ONEVISIT_DATABASE_URL": db_url}


def onevisit(*args: str) -> list[str]:
    """The command line of ``onevisit …`` run from this checkout."""
    return [sys.executable, "-m", "scheduler", *args]


@dataclass
class Server:
    """``onevisit serve`` in a subprocess; its output collected by a thread."""

    process: subprocess.Popen[str]
    url: str
    output: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def token(self, timeout: float = START_TIMEOUT) -> str:
        """The first planner's token, printed once on the first start."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.output):
                if found := TOKEN_LINE.match(line):
                    return found.group(1)
            assert self.process.poll() is None, self.log()
            time.sleep(0.05)
        raise AssertionError(f"no token printed within {timeout} s\n{self.log()}")

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                if httpx2.get(f"{self.url}/api/health", timeout=2.0).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the service did not answer within {timeout} s\n{self.log()}")

    def log(self) -> str:
        return "".join(self.output[-40:])

    def stop(self) -> None:
        """SIGTERM (uvicorn shuts down cleanly), SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)



@contextlib.contextmanager
def serving(db_url: str, data_dir: Path) -> Iterator[Server]:
    """Start ``onevisit serve`` on a free port; always killed on the way out."""
    port = free_port()
    process = subprocess.Popen(onevisit("serve", "--port", str(port)), env=environment(db_url, data_dir), cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    server = Server(process, f"http://127.0.0.1:{port}")
    reader = threading.Thread(target=server.read, daemon=True)
    reader.start()
    try:
        yield server
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        reader.join(10)


def children(pid: int) -> list[int]:
    """The processes whose parent is *pid* (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def solve_worker(server_pid: int) -> int:
    """The server's solve worker (a spawned multiprocessing child, not the
    resource tracker)."""
    workers = [pid for pid in children(server_pid) if "spawn_main" in cmdline(pid)]
    assert len(workers) == 1, [cmdline(pid) for pid in children(server_pid)]
    return workers[0]


def wait_gone(pid: int, timeout: float) -> float | None:
    """Seconds until *pid* is gone, or None if it is still there after *timeout*."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if gone(pid):
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def wait_solving(client: httpx2.Client, headers: dict[str, str], job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll until the job is RUNNING in a solver phase (past loading and the officer draw)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        assert status["status"] in {"SCHEDULED", "RUNNING"}, status
        if status["status"] == "RUNNING" and status["phase"] in SOLVER_PHASES:
            return status
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not reach a solver phase within {timeout} s")


def run_cli(*args: str, db_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(onevisit(*args), env=environment(db_url, data_dir), cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)


def sqlite_checks(db_url: str) -> tuple[list[Any], list[Any]]:
    """``PRAGMA foreign_key_check`` and ``PRAGMA integrity_check`` of the file."""
    database = make_url(db_url).database
    assert database is not None
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute("PRAGMA foreign_key_check").fetchall(), conn.execute("PRAGMA integrity_check").fetchall()


def tamper(db_url: str, seq: int) -> None:
    """Change one audit entry's details, as someone with database access
    might.  On PostgreSQL the append-only triggers refuse it first; a DBA
    then disables them for the update."""
    engine = create_engine(db_url)
    changed = update(AuditEntry).where(AuditEntry.seq == seq).values(details={"status": "COMPLETED", "error": None})
    try:
        if engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match=r"audit log is append-only"), engine.begin() as conn:
                conn.execute(changed)
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
                assert conn.execute(changed).rowcount == 1
                conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        else:
            with engine.begin() as conn:
                assert conn.execute(changed).rowcount == 1
    finally:
        engine.dispose()


def test_a_killed_service_interrupts_its_solve_and_a_tampered_audit_log_is_named(db_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    timings: dict[str, float] = {}
    clock = time.monotonic()
    with serving(db_url, data_dir) as first:
        headers = {"Authorization": f"Bearer {first.token()}"}
        first.wait_ready()
        timings["first start"] = time.monotonic() - clock
        with httpx2.Client(base_url=first.url, timeout=60.0) as client:
            clock = time.monotonic()
            round_id = drawn_round(client, headers)
            timings["upload, create, draw"] = time.monotonic() - clock
            clock = time.monotonic()
            started = client.post(f"/api/rounds/{round_id}/solve", headers=headers)
            assert started.status_code == 202, started.text
            job_id = started.json()["job_id"]
            solving = wait_solving(client, headers, job_id)
            timings[f"solve to {solving['phase']}"] = time.monotonic() - clock
            worker = solve_worker(first.pid)
        os.kill(first.pid, signal.SIGKILL)
        first.process.wait(10)
        lived = wait_gone(worker, WORKER_GRACE)
        if lived is None:
            os.kill(worker, signal.SIGKILL)  # never leave a solve running behind the suite
        assert lived is not None, f"the solve worker outlived its service by {WORKER_GRACE} s (phase {solving['phase']})"
        timings["worker gone after the kill"] = lived

    clock = time.monotonic()
    with serving(db_url, data_dir) as second:
        second.wait_ready()
        timings["restart"] = time.monotonic() - clock
        with httpx2.Client(base_url=second.url, timeout=60.0) as client:
            status = client.get(f"/api/jobs/{job_id}", headers=headers).json()
            assert status.get("status") == "INTERRUPTED", status
            assert status["error"] == INTERRUPTED_REASON and CHINESE.search(status["error"])
            assert client.get(f"/api/jobs/{job_id}/plan", headers=headers).status_code == 404
            assert client.get(f"/api/rounds/{round_id}/plans", headers=headers).json() == []
            engine = create_engine(db_url)
            try:
                with engine.connect() as conn:
                    assert conn.execute(select(Job.result_plan_id).where(Job.id == job_id)).scalar_one() is None
                    assert conn.execute(select(Plan.id).where(Plan.round_id == round_id)).all() == []
                    assert conn.execute(select(Job.id).where(Job.status.in_(["SCHEDULED", "RUNNING"]))).all() == []
                    failed = conn.execute(select(AuditEntry.seq).where(AuditEntry.subject == f"job:{job_id}",
                                                                       AuditEntry.action == "solve.fail")).scalar_one()
            finally:
                engine.dispose()
            verified = run_cli("audit", "verify", "--database", db_url, db_url=db_url, data_dir=data_dir)
            assert verified.returncode == 0, verified.stdout + verified.stderr
            if db_url.startswith("sqlite"):
                assert sqlite_checks(db_url) == ([], [("ok",)])
            again = time.monotonic()
            assert solved_round(client, headers, round_id) == 1
            timings["solve after the restart"] = time.monotonic() - again
            assert client.get(f"/api/jobs/{job_id}", headers=headers).json()["status"] == "INTERRUPTED"  # as it ended
        second.stop()

    tamper(db_url, failed)
    broken = run_cli("audit", "verify", "--database", db_url, db_url=db_url, data_dir=data_dir)
    assert broken.returncode != 0, broken.stdout
    assert f"seq {failed})" in broken.stdout and "内容哈希不符" in broken.stdout, broken.stdout
    print(f"\ncrash test timings ({make_url(db_url).get_backend_name()}): "
          + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items()))
