"""publications and visits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

A round's announcement time (its commitments published before the draw).
A publication: the plan version a round published, with the audit log's
head at that moment (the checkpoint printed in the public notices).  The
visits of each plan version, and their team members, as rows (the plan's
bytes stay a blob; these rows are its queryable copy).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_head", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_publications_round_id_rounds"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_publications_plan_id_plans"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_publications_plan_id")),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("township", sa.String(length=255), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_visits_plan_id_plans"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint("plan_id", "visit_id", name=op.f("uq_visits_plan_id_visit_id")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_plan_id_township"), ["plan_id", "township"], unique=False)
    op.create_table(
        "visit_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_row_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["visit_row_id"], ["visits.id"], name=op.f("fk_visit_members_visit_row_id_visits"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_members")),
        sa.UniqueConstraint("visit_row_id", "inspector_id", name=op.f("uq_visit_members_visit_row_id_inspector_id")),
    )
    with op.batch_alter_table("visit_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_members_inspector_id"), ["inspector_id"], unique=False)


def downgrade() -> None:
    op.drop_table("visit_members")
    op.drop_table("visits")
    op.drop_table("publications")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("announced_at")
