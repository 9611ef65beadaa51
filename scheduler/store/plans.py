"""Plan versions.  A re-plan is a new version; a published plan is never
overwritten (these functions refuse, and on PostgreSQL a trigger refuses
any UPDATE or DELETE of a published row as well)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.store.db import utcnow
from scheduler.store.errors import PlanPublished, StoreError
from scheduler.store.models import Plan


def get_plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise StoreError(f"没有编号为 {plan_id} 的安排 (no such plan)")
    return plan


def add_version(session: Session, round_id: int, content_hash: str, *, created_by: str) -> Plan:
    """A new version (1, 2, …) of the round's plan; ``UNIQUE(round_id, version)``
    makes a concurrent writer of the same version fail rather than overwrite."""
    latest = session.scalar(select(func.max(Plan.version)).where(Plan.round_id == round_id)) or 0
    plan = Plan(round_id=round_id, version=latest + 1, content_hash=content_hash, created_by=created_by)
    session.add(plan)
    session.flush()
    return plan


def _refuse_if_published(plan: Plan) -> None:
    if plan.published_at is not None:
        raise PlanPublished(
            f"第 {plan.version} 版安排已于 {plan.published_at:%Y-%m-%d %H:%M} UTC 公布，不能修改 (published plan is frozen)",
            ["如需调整，请新建一个版本 (re-plan as a new version)"],
        )


def replace_content(session: Session, plan_id: int, content_hash: str) -> Plan:
    """Change a draft plan's content (a manual change before publishing)."""
    plan = get_plan(session, plan_id)
    _refuse_if_published(plan)
    plan.content_hash = content_hash
    session.flush()
    return plan


def publish(session: Session, plan_id: int, *, at: dt.datetime | None = None) -> Plan:
    plan = get_plan(session, plan_id)
    _refuse_if_published(plan)
    plan.published_at = at or utcnow()
    session.flush()
    return plan
