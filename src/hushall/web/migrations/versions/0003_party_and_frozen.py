"""Alternative budgets and frozen decisions: a plan variant's party group, the result it was decided with and the
documents of that decision.

``party`` names the party group (partigrupp) whose proposal the variant is; empty for the officials'
variants. ``decided_job_id`` pins the optimisation a decided variant was decided with, so its result never
depends on which jobs run later. ``frozen_pdf``/``frozen_xlsx`` hold the plan document and workbook of a decided
variant as first produced, with their SHA-256 in ``frozen_sha256`` ({"pdf": …, "xlsx": …}).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_variants") as batch:
        batch.add_column(sa.Column("party", sa.String(120), nullable=False, server_default=""))
        batch.add_column(sa.Column("decided_job_id", sa.Integer(),
                                   sa.ForeignKey("jobs.id", name="fk_plan_variants_decided_job_id"), nullable=True))
        batch.add_column(sa.Column("frozen_pdf", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("frozen_xlsx", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("frozen_sha256", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_variants") as batch:
        batch.drop_column("frozen_sha256")
        batch.drop_column("frozen_xlsx")
        batch.drop_column("frozen_pdf")
        batch.drop_column("decided_job_id")
        batch.drop_column("party")
