"""The web application's database tables (SQLAlchemy 2 ORM).

The schema is created and changed only by the Alembic migrations in ``hushall/web/migrations``; a test checks
that the migrations and these classes agree.

Timestamps are stored in UTC. Stored data versions and decided plan variants are never changed, only added to;
everything a user changes leaves a row in ``audit_log``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES: tuple[str, ...] = ("läsare", "planerare", "administratör")
JOB_STATES: tuple[str, ...] = ("queued", "running", "done", "failed", "interrupted")
JOB_KINDS: tuple[str, ...] = ("optimise", "upload")
VARIANT_STATES: tuple[str, ...] = ("utkast", "beslutad")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)


class Session(Base):
    """A signed-in browser (``kind='cookie'``, CSRF token required) or an API client (``kind='bearer'``)."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="cookie")
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"), Index("ix_login_attempts_ip_at",
                                                                                         "ip", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean)


class DataVersion(Base):
    """One uploaded, fully validated data set. Never changed after it is stored."""

    __tablename__ = "data_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("data_versions.id"), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255))
    file_kind: Mapped[str] = mapped_column(String(10))  # xlsx | csv | example
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_blob: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    municipality: Mapped[str] = mapped_column(String(200))
    base_year: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    tables: Mapped[list[DataTable]] = relationship(back_populates="version", order_by="DataTable.position",
                                                   cascade="all, delete-orphan")
    creator: Mapped[User | None] = relationship()


class DataTable(Base):
    """One table of a data version in canonical form: Swedish headers and plain cell values."""

    __tablename__ = "data_tables"
    __table_args__ = (UniqueConstraint("data_version_id", "table_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_version_id: Mapped[int] = mapped_column(ForeignKey("data_versions.id", ondelete="CASCADE"), index=True)
    table_key: Mapped[str] = mapped_column(String(40))
    sheet: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    columns: Mapped[list[str]] = mapped_column(JSON)
    rows: Mapped[list[list[Any]]] = mapped_column(JSON)
    n_rows: Mapped[int] = mapped_column(Integer)

    version: Mapped[DataVersion] = relationship(back_populates="tables")


class PlanVariant(Base):
    """A plan variant: settings for the optimiser on one data version.

    Drafts (``utkast``) may be edited in place, guarded by ``row_version`` (optimistic locking). A decided
    variant (``beslutad``) is immutable; editing it creates a new variant in the same ``family_id`` with the
    next ``version_no``. It is decided with a current result (``decided_job_id``), and its documents are kept
    as first produced (``frozen_pdf``, ``frozen_xlsx``).

    ``party`` makes it an alternative budget of a party group: a läsare may create and edit their own such
    proposals on the officials' data (never the data itself, nor another's variant, nor decide).
    """

    __tablename__ = "plan_variants"
    __table_args__ = (UniqueConstraint("family_id", "version_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(Integer, index=True)
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_variants.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    data_version_id: Mapped[int] = mapped_column(ForeignKey("data_versions.id"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="utkast")
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: the party group (partigrupp) whose proposal this is; "" for the officials' variants (migration 0003)
    party: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: the optimisation a decided variant was decided with; its result is the variant's forever
    decided_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", name="fk_plan_variants_decided_job_id", use_alter=True), nullable=True)
    #: the decided variant's plan document and workbook as first produced, and their SHA-256 ({"pdf", "xlsx"})
    frozen_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    frozen_xlsx: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    frozen_sha256: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)

    data_version: Mapped[DataVersion] = relationship()
    creator: Mapped[User | None] = relationship(foreign_keys=[created_by])
    decider: Mapped[User | None] = relationship(foreign_keys=[decided_by])


class DataUpload(Base):
    """An uploaded file waiting to be read and validated by a worker (``kind='upload'`` job).

    It names the version it builds on (``base_version_id``; none for the first). Only when the whole file has
    validated does it become the next version (``base + 1``, a unique number: of two uploads on the same base
    one is stored and the other refused as a conflict). The file is dropped once the upload has ended, except
    when it was interrupted — then it can be run again.
    """

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_kind: Mapped[str] = mapped_column(String(10))  # xlsx | csv
    filenames: Mapped[list[str]] = mapped_column(JSON)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("data_versions.id"), nullable=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("data_versions.id"), nullable=True)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    base_version: Mapped[DataVersion | None] = relationship(foreign_keys=[base_version_id])
    version: Mapped[DataVersion | None] = relationship(foreign_keys=[version_id])
    creator: Mapped[User | None] = relationship()


class Job(Base):
    """A background job run by a worker process — an optimisation of a plan variant (``kind='optimise'``) or
    the reading of an upload (``kind='upload'``); its state lives here, not in memory."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="optimise")
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("plan_variants.id"), index=True, nullable=True)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"), index=True, nullable=True)
    variant_row_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    #: Deferred: a plan result is ~176 kB of JSON, loaded only where it is read (pages listing jobs need the status)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, deferred=True)
    runner_id: Mapped[str] = mapped_column(String(64), default="")
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    variant: Mapped[PlanVariant | None] = relationship(foreign_keys=[variant_id])
    upload: Mapped[DataUpload | None] = relationship()
    creator: Mapped[User | None] = relationship()


class AuditEntry(Base):
    """Who changed what, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
