"""A planner's manual change of a plan: ``plan.json`` edited and uploaded
becomes the round's next plan version once the independent checker finds no
broken hard rule.  Published versions are never touched (a change is always
a new version) and every change is audited (``plan.edit``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from api.auth import PlannerDep
from api.models import PlanVersion
from api.params import RoundId
from api.problems import error_responses
from api.round_service import RoundService
from api.rounds import actor_of, led_round, plan_json, service

MAX_PLAN_BYTES = 50 * 2**20


def make_router() -> APIRouter:
    router = APIRouter(tags=["rounds"])

    @router.post("/api/rounds/{round_id}/plans", status_code=201, response_model=PlanVersion,
                 responses=error_responses(401, 403, 404, 409, 413, 422),
                 openapi_extra={"requestBody": {"required": True, "description": "改过的 plan.json (an edited plan.json)",
                                                "content": {"application/json": {"schema": {"type": "object"}}}}},
                 summary="提交手工调整后的安排，作为新版本 (upload a manually changed plan as a new version)")
    async def upload_plan(round_id: RoundId, who: PlannerDep, request: Request) -> dict[str, Any]:
        body = await request.body()
        rounds = service(request)
        return await run_in_threadpool(_edit, rounds, who, round_id, body)

    def _edit(rounds: RoundService, who: Any, round_id: int, body: bytes) -> dict[str, Any]:
        with rounds.reading() as session:
            led_round(session, who, round_id)
        if len(body) > MAX_PLAN_BYTES:
            raise HTTPException(413, "plan.json 过大 (too large)")
        row = rounds.edit_plan(actor_of(who), round_id, body)
        return plan_json(row)

    return router
