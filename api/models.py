"""What the service's JSON answers look like, for the OpenAPI contract
(docs/openapi.json) and /docs.

The handlers build plain dicts; these models describe them, and FastAPI
checks every answer against its model (a mismatch is a bug in the service,
found by tests/api/test_schema.py).  Times are ISO 8601 strings in UTC
(``2026-10-01T08:00:00.000000Z``), dates ``YYYY-MM-DD``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.problems import ProblemModel


class Health(BaseModel):
    status: str
    version: str


class Me(BaseModel):
    role: str = Field(description="planner / inspector / township / public")
    authenticated: bool
    user_id: int | None
    name: str | None
    agency: str | None
    inspector_id: str | None
    township: str | None


class ValidationResult(BaseModel):
    """The result of ``onevisit validate --json``."""

    ok: bool
    problems: list[ProblemModel]
    summary: dict[str, Any] | None


# --- snapshots and rounds ----------------------------------------------------------


class SnapshotFile(BaseModel):
    name: str
    sha256: str
    size: int


class Snapshot(BaseModel):
    id: int
    content_hash: str
    files: list[SnapshotFile]
    summary: dict[str, Any] | None


class SnapshotRef(BaseModel):
    id: int
    content_hash: str | None


class DrawRef(BaseModel):
    manifest_sha256: str
    created_at: str | None


class PlanVersion(BaseModel):
    version: int
    sha256: str
    created_at: str | None
    created_by: str
    published_at: str | None


class RoundOut(BaseModel):
    id: int
    name: str
    code: str
    lead_agency: str
    agencies: list[str]
    state: str = Field(description="created / announced / drawn / planned / published")
    snapshot: SnapshotRef
    round_file_sha256: str | None
    created_at: str | None
    announced_at: str | None
    published_at: str | None
    draw: DrawRef | None
    plans: list[PlanVersion]
    active_job: str | None = Field(description="正在运行的求解作业 (the running solve), planners only")


class Commitment(BaseModel):
    party: str = Field(description="承诺方 (party)")
    sha256: str = Field(description="SHA-256(秘密值) (the commitment)")


class Window(BaseModel):
    start: str
    end: str


class Announcement(BaseModel):
    """What anyone may read of a round before its draw: nothing about enterprises."""

    round_id: int
    name: str
    code: str
    lead_agency: str
    agencies: list[str]
    window: Window
    beacon_description: str
    commitments: list[Commitment]
    snapshot_content_hash: str | None = Field(description="名录快照的哈希 (the frozen rosters' hash)")
    round_file_sha256: str | None
    round_file: str | None = Field(description="抽查轮次配置 round.toml 全文")
    announced_at: str | None


class DrawFile(BaseModel):
    name: str
    sha256: str
    public: bool


class DrawOut(BaseModel):
    manifest_sha256: str
    selected: int = Field(description="抽中的企业数 (enterprises drawn)")
    files: list[DrawFile]


# --- plans -----------------------------------------------------------------------------


class ViolationOut(BaseModel):
    rule: int
    visit_id: str | None
    inspector_id: str | None
    date: str | None
    message: str


class CheckReport(BaseModel):
    ok: bool
    violations: list[ViolationOut]


class PlanDetail(PlanVersion):
    plan: dict[str, Any] = Field(description="plan.json (docs/plan-format.md)")
    statistics: dict[str, Any] | None
    check: CheckReport


class AuditRef(BaseModel):
    seq: int
    entry_hash: str


class Published(BaseModel):
    round_id: int
    version: int
    plan_sha256: str
    published_at: str | None
    audit: AuditRef


# --- results -------------------------------------------------------------------------------


class Recorded(BaseModel):
    recorded: int
    enterprises: int


class ResultOut(BaseModel):
    uscc: str
    name: str | None
    item: str
    values: list[str]
    date: str
    note: str


class Results(BaseModel):
    version: int
    results: list[ResultOut]


# --- schedules ---------------------------------------------------------------------------------


class TeamMemberOut(BaseModel):
    inspector_id: str
    name: str
    agency: str
    role: str


class VisitOut(BaseModel):
    """A visit as the viewer may see it; before it is revealed the
    enterprise (visit_id, uscc, name) is null and items are empty."""

    revealed: bool
    date: str
    township: str
    agencies: list[str]
    team: list[TeamMemberOut]
    visit_id: str | None
    uscc: str | None
    name: str | None
    items: list[str]
    revision: int


class InspectorSchedule(BaseModel):
    round_id: int
    version: int
    inspector_id: str | None
    reveal_workdays: int
    visits: list[VisitOut]


class TownshipVisits(BaseModel):
    round_id: int
    version: int
    township: str | None
    visits: list[VisitOut]


# --- jobs ----------------------------------------------------------------------------------------


class Progress(BaseModel):
    placed: int
    visits: int
    share: float | None = Field(description="已安排的比例 0..1 (share placed)")


class JobStatusOut(BaseModel):
    job_id: str
    round_id: int
    kind: str
    status: str = Field(description="SCHEDULED / RUNNING / COMPLETED / FAILED / CANCELLED / INTERRUPTED")
    times: dict[str, str] = Field(description="每个状态开始的时间 (when each status began)")
    phase: str | None
    progress: Progress
    best_objective: float | None
    bound: float | None
    message: str
    error: str | None



# --- files -------------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_TYPES = (XLSX, "text/csv", "application/json", "text/calendar", "text/plain", "application/octet-stream")


def file_responses(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a download: the file, as one of *media_types*
    (the default: every type the service's files have)."""
    return {200: {"description": "文件 (the file)", "content": {t: {"schema": _file_schema(t)} for t in media_types or FILE_TYPES}}}


def _file_schema(media_type: str) -> dict[str, str]:
    return {"type": "object"} if media_type == "application/json" else {"type": "string", "format": "binary"}
