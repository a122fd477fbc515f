"""toolkit work: checklist ticks, work records, reminders

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checklist_ticks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_checklist_ticks_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_ticks")),
        sa.UniqueConstraint(
            "person_id", "step_id", "item_id", name=op.f("uq_checklist_ticks_person_id")
        ),
    )
    op.create_table(
        "toolkit_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_toolkit_reminders_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_reminders")),
        sa.UniqueConstraint("person_id", name=op.f("uq_toolkit_reminders_person_id")),
    )
    with op.batch_alter_table("toolkit_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_toolkit_reminders_next_due_at"), ["next_due_at"], unique=False
        )

    op.create_table(
        "work_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_work_records_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_records")),
    )
    with op.batch_alter_table("work_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_work_records_person_section", ["person_id", "section_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("work_records", schema=None) as batch_op:
        batch_op.drop_index("ix_work_records_person_section")

    op.drop_table("work_records")
    with op.batch_alter_table("toolkit_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_toolkit_reminders_next_due_at"))

    op.drop_table("toolkit_reminders")
    op.drop_table("checklist_ticks")
