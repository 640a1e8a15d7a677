"""Uploads read in the background: the ``uploads`` table; a job is an optimisation or an upload.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_kind", sa.String(10), nullable=False),
        sa.Column("filenames", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("base_version_id", sa.Integer(), sa.ForeignKey("data_versions.id"), nullable=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("data_versions.id"), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("jobs") as batch:
        batch.alter_column("variant_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("upload_id", sa.Integer(), sa.ForeignKey("uploads.id", name="fk_jobs_upload_id"),
                                   nullable=True))
        batch.create_index("ix_jobs_upload_id", ["upload_id"])


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_upload_id")
        batch.drop_column("upload_id")
        batch.alter_column("variant_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("uploads")
