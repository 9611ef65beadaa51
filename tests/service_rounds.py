"""Driving a round over HTTP, as a planning office would: upload the
sample county's rosters, create the round from its round file, draw with the
demo's beacon and reveals.  Shared by the service's tests and benchmarks."""

from __future__ import annotations

import itertools
import time
import tomllib
from pathlib import Path
from typing import Any, Protocol

from scheduler.app.demo import BEACON, REVEALS
from scheduler.sample import sample_dir
from scheduler.store import accounts
from scheduler.store.db import unit_of_work

AGENCY = "市场监管"  # the sample round's lead agency, as a planner's account may spell it
ROUND_FILE = "round.toml"
TIMEOUT = 180.0


class Client(Protocol):
    def post(self, url: str, **kwargs: Any) -> Any: ...
    def get(self, url: str, **kwargs: Any) -> Any: ...


def token_for(engine: Any, name: str, role: str, **scope: str) -> dict[str, str]:
    with unit_of_work(engine) as session:
        user = accounts.add_user(session, name=name, role=role, **scope)
        return {"Authorization": f"Bearer {accounts.create_token(session, user).token}"}


def roster_files(folder: Path | None = None) -> list[tuple[str, tuple[str, bytes]]]:
    """The sample's rosters as multipart ``files`` (the round file apart)."""
    base = folder or sample_dir()
    return [("files", (p.name, p.read_bytes())) for p in sorted(base.iterdir())
            if p.is_file() and p.suffix in {".csv", ".xlsx"}]


def round_text(folder: Path | None = None) -> str:
    return ((folder or sample_dir()) / ROUND_FILE).read_text(encoding="utf-8")


_ROUNDS = itertools.count(1)


def unique_round_text(folder: Path | None = None) -> str:
    """The sample's round file under a name and code no other round has
    (an office cannot have two rounds of the same name or code)."""
    n = next(_ROUNDS)
    doc = round_text(folder)
    name = tomllib.loads(doc)["name"]
    code = tomllib.loads(doc).get("code", "")
    doc = doc.replace(f'name = "{name}"', f'name = "{name}（第 {n} 轮）"', 1)
    return doc.replace(f'code = "{code}"', f'code = "{code}-{n}"', 1) if code else doc


def upload(client: Client, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post("/api/snapshots", files=roster_files(), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def create(client: Client, headers: dict[str, str], snapshot_id: int, text: str | None = None) -> dict[str, Any]:
    response = client.post("/api/rounds", json={"snapshot_id": snapshot_id, "round_file": text or unique_round_text()},
                           headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def announce(client: Client, headers: dict[str, str], round_id: int) -> dict[str, Any]:
    """Publish the round's commitments (required before a draw with commitments)."""
    response = client.post(f"/api/rounds/{round_id}/announce", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def draw(client: Client, headers: dict[str, str], round_id: int) -> dict[str, Any]:
    """Announce the sample round's commitments, then draw with the demo's beacon and reveals."""
    announce(client, headers, round_id)
    response = client.post(f"/api/rounds/{round_id}/draw", headers=headers,
                           json={"beacon": BEACON, "reveals": dict(REVEALS)})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def drawn_round(client: Client, headers: dict[str, str]) -> int:
    """A new round of the sample county, drawn; its id."""
    round_id = int(create(client, headers, upload(client, headers)["id"])["id"])
    draw(client, headers, round_id)
    return round_id


def wait_for(client: Client, headers: dict[str, str], job_id: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """Poll the job until it ends; its last status."""
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        if status["status"] not in {"SCHEDULED", "RUNNING"} or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


def solved_round(client: Client, headers: dict[str, str], round_id: int) -> int:
    """Solve *round_id* and wait: the new plan version."""
    job = client.post(f"/api/rounds/{round_id}/solve", headers=headers)
    assert job.status_code == 202, job.text
    status = wait_for(client, headers, job.json()["job_id"])
    assert status["status"] == "COMPLETED", status
    plans = client.get(f"/api/rounds/{round_id}/plans", headers=headers).json()
    return int(plans[-1]["version"])
