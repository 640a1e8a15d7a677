"""Operations on plan variants and their results, shared by the pages and the JSON API.

Optimistic locking: every change names the ``row_version`` the user saw. If someone else has changed the
variant since, :class:`VariantConflict` is raised and nothing is written. The check and the write are one
statement (``UPDATE … WHERE row_version = :seen``), so it holds for parallel requests too; the data model a
change is checked against is built (or taken from the cache) before the writing transaction starts, so that
transaction stays short. A decided variant is immutable:
"editing" it creates the next version in its family.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session as DbSession

from hushall.errors import HushallError, PlanError
from hushall.model import MunicipalityData
from hushall.study.study import PlanStudy, restore_study
from hushall.web.db import advisory_lock
from hushall.web.deps import state
from hushall.web.models import DataVersion, Job, PlanVariant, User, utcnow
from hushall.web.planning import (
    apply_variant,
    clean_settings,
    default_settings,
    is_study,
    plan_view,
    stored_schedule,
)
from hushall.web.security import audit
from hushall.web.views import FinanceView, finance_view, stored_renewal_plan


class VariantConflict(HushallError):
    code = "E_CONFLICT"

    def __init__(self) -> None:
        super().__init__("Någon annan har ändrat planvarianten medan du redigerade. Dina ändringar har inte "
                         "sparats; ladda om och gör om dem.")


class NoCurrentResult(PlanError):
    """A variant cannot be decided without a result for its current settings."""

    code = "E_NO_RESULT"

    def __init__(self) -> None:
        super().__init__("Planvarianten kan inte beslutas utan ett resultat för de nuvarande inställningarna. "
                         "Kör optimeringen, vänta tills den är klar och besluta sedan.")


def list_variants(db: DbSession) -> list[PlanVariant]:
    return list(db.scalars(select(PlanVariant).order_by(PlanVariant.family_id, PlanVariant.version_no.desc())))


def variant_or_404(db: DbSession, variant_id: int) -> PlanVariant:
    variant = db.get(PlanVariant, variant_id)
    if variant is None:
        raise HTTPException(404, "Planvarianten finns inte.")
    return variant


def _model(request: Request, version: DataVersion) -> MunicipalityData:
    from hushall.web.routes.common import model_of

    return model_of(request, version)


def prepare_model(request: Request, variant_id: int | None = None) -> None:
    """Build (or find in the cache) the data model a change of variant ``variant_id`` — or a new variant on the
    newest version — is checked against, so that the writing transaction that follows stays short."""
    from hushall.web.store import latest_version

    with state(request).factory() as db:
        variant = db.get(PlanVariant, variant_id) if variant_id is not None else None
        version = variant.data_version if variant is not None else latest_version(db)
        if version is not None:
            _model(request, version)


#: Longest party group name kept (the column's width).
PARTY_MAX = 120


def clean_party(raw: str) -> str:
    r"""A party group's name as typed, made safe to store and show: control characters and surrounding space
    dropped, runs of space made one, at most :data:`PARTY_MAX` characters. (HTML is escaped where it is shown,
    and the workbook writes text cells, never formulas.)

    Examples
    --------
    >>> clean_party("  Gröna\x00 <b>gruppen</b>\n ")
    'Gröna <b>gruppen</b>'
    """
    text = "".join(ch if ch.isprintable() else " " for ch in str(raw))
    return " ".join(text.split())[:PARTY_MAX]


def may_edit(user: User, variant: PlanVariant | None = None) -> bool:
    """Whether ``user`` may edit ``variant`` (or, with ``None``, create one): a planner or an administrator any
    variant; a läsare (a politician) only their own party proposals."""
    if user.role in ("planerare", "administratör"):
        return True
    return user.role == "läsare" and (variant is None or (variant.created_by == user.id and bool(variant.party)))


def require_edit(user: User, variant: PlanVariant | None = None) -> None:
    """Refuse (403) an edit :func:`may_edit` does not allow."""
    if not may_edit(user, variant):
        raise HTTPException(403, "Du kan bara ändra dina egna förslag. Tjänstepersonernas varianter och andra "
                                 "gruppers förslag ändras av dem som gjort dem.")


def _party_for(actor: User, party: str) -> str:
    party = clean_party(party)
    if actor.role == "läsare" and not party:
        raise PlanError("Ange vilken partigrupp förslaget kommer från (fältet Partigrupp).")
    return party


def create_variant(request: Request, db: DbSession, actor: User, name: str, description: str,
                   data_version: DataVersion, raw_settings: dict[str, Any] | None, party: str = "") -> PlanVariant:
    """A new draft on ``data_version``; with ``party`` a party group's alternative budget. The data version is
    only read: a variant holds its own settings (targets, weights, must-do projects, reinvestment) and is applied
    to a copy of the data (:func:`hushall.web.planning.apply_variant`)."""
    require_edit(actor)
    party = _party_for(actor, party)
    data = _model(request, data_version)
    settings = clean_settings(raw_settings or {}, data) if raw_settings else default_settings(data)
    name = name.strip()
    if not name:
        raise PlanError("Ge planvarianten ett namn.")
    variant = PlanVariant(family_id=0, version_no=1, name=name[:200], description=description.strip()[:4000],
                          data_version_id=data_version.id, settings=settings, status="utkast", row_version=1,
                          party=party, created_by=actor.id, created_at=utcnow(), updated_at=utcnow())
    db.add(variant)
    db.flush()
    variant.family_id = variant.id
    audit(db, actor, "variant.create", "plan_variant", variant.id,
          {"name": variant.name, "data_version": data_version.number, "settings": settings, "party": party})
    return variant


def update_variant(request: Request, db: DbSession, actor: User, variant: PlanVariant, row_version: int,
                   name: str, description: str, raw_settings: dict[str, Any], party: str | None = None) -> PlanVariant:
    """Save changes; a decided variant gets a new version instead. Raises :class:`VariantConflict`; 403 when
    :func:`may_edit` says no. ``party`` ``None`` keeps the variant's party group."""
    require_edit(actor, variant)
    party = variant.party if party is None else _party_for(actor, party)
    data = _model(request, variant.data_version)
    settings = clean_settings(raw_settings, data)
    name = (name.strip() or variant.name)[:200]
    description = description.strip()[:4000]
    if variant.status == "beslutad":
        if row_version != variant.row_version:
            raise VariantConflict()
        # two edits of one decided variant at once each get their own next version number
        advisory_lock(db, f"variant-family:{variant.family_id}")
        newest = db.scalar(select(func.max(PlanVariant.version_no)).where(PlanVariant.family_id == variant.family_id))
        successor = PlanVariant(family_id=variant.family_id, version_no=int(newest or 0) + 1, parent_id=variant.id,
                                name=name, description=description, data_version_id=variant.data_version_id,
                                settings=settings, status="utkast", row_version=1, party=party, created_by=actor.id,
                                created_at=utcnow(), updated_at=utcnow())
        db.add(successor)
        db.flush()
        audit(db, actor, "variant.new_version", "plan_variant", successor.id,
              {"from": variant.id, "version_no": successor.version_no, "settings": settings})
        return successor
    changed = db.execute(
        update(PlanVariant).where(PlanVariant.id == variant.id, PlanVariant.row_version == row_version,
                                  PlanVariant.status == "utkast")
        .values(name=name, description=description, settings=settings, party=party,
                row_version=row_version + 1, updated_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if changed != 1:
        raise VariantConflict()
    audit(db, actor, "variant.update", "plan_variant", variant.id,
          {"row_version": row_version + 1, "settings": settings, "name": name, "party": party})
    db.expire(variant)
    return variant


def decide_variant(db: DbSession, actor: User, variant: PlanVariant, row_version: int) -> PlanVariant:
    """Mark a draft decided, frozen with its current result (:func:`current_result`): the job is pinned in
    ``decided_job_id`` and its plan is the variant's from then on. Without a result for the current settings
    nothing changes and :class:`NoCurrentResult` says what to do."""
    if variant.status == "beslutad":
        raise PlanError("Planvarianten är redan beslutad.")
    if row_version != variant.row_version:
        raise VariantConflict()
    job = current_result(db, variant)
    if job is None:
        raise NoCurrentResult()
    changed = db.execute(
        update(PlanVariant).where(PlanVariant.id == variant.id, PlanVariant.row_version == row_version,
                                  PlanVariant.status == "utkast")
        .values(status="beslutad", decided_by=actor.id, decided_at=utcnow(), row_version=row_version + 1,
                decided_job_id=job.id)
    ).rowcount  # type: ignore[attr-defined]
    if changed != 1:
        raise VariantConflict()
    audit(db, actor, "variant.decide", "plan_variant", variant.id, {"row_version": row_version + 1,
                                                                    "job": job.id})
    db.expire(variant)
    return variant


def latest_job(db: DbSession, variant: PlanVariant) -> Job | None:
    return db.scalar(select(Job).where(Job.variant_id == variant.id, Job.kind == "optimise")
                     .order_by(Job.id.desc()).limit(1))


def current_result(db: DbSession, variant: PlanVariant) -> Job | None:
    """The newest finished optimisation of the variant as it is now (same ``row_version`` of its settings).

    Deciding a variant bumps its row version without changing its settings, so results of the decided
    settings count too.
    """
    job_id = current_result_id(db, variant)
    return None if job_id is None else db.get(Job, job_id)


def current_result_id(db: DbSession, variant: PlanVariant) -> int | None:
    """The id of :func:`current_result`'s job, without loading any result (a decided variant's: the job it was
    decided with)."""
    if variant.decided_job_id is not None:
        return int(variant.decided_job_id)
    rows = db.execute(select(Job.id, Job.variant_row_version).where(Job.variant_id == variant.id,
                                                                    Job.status == "done", Job.kind == "optimise")
                      .order_by(Job.id.desc())).all()
    for job_id, row_version in rows:
        if row_version == variant.row_version or (
                variant.status == "beslutad" and row_version == variant.row_version - 1):
            return int(job_id)
    return None


def schedule_of(result: dict[str, Any] | None) -> Any:
    """Project id → start year of a stored plan result, a plan study or a result of version 0."""
    return stored_schedule(result)


def plan_result(request: Request, job: Job | None, variant: PlanVariant) -> dict[str, Any] | None:
    """What the pages and the API show of a job's stored plan result (the keys of
    :data:`hushall.web.planning.RESULT_KEYS`): a plan study rendered by :func:`hushall.web.planning.plan_view`
    with the variant's data (once per finished job and variant version: the stored result, ``Job.result`` is
    deferred, is read and decoded only then); a result of version 0 as it was stored."""
    if job is None:
        return None

    def make() -> dict[str, Any] | None:
        stored = job.result
        if not stored or not is_study(stored):
            return stored
        data = apply_variant(_model(request, variant.data_version), variant.settings)
        return plan_view(PlanStudy.from_json(stored), data)

    if job.status != "done":  # not final yet: nothing kept
        return make()
    return state(request).views.get_or_make(("plan-view", job.id, variant.id, variant.row_version), make)


def plan_study(request: Request, job: Job | None, variant: PlanVariant) -> tuple[PlanStudy | None, MunicipalityData]:
    """A job's stored plan result of any version as a plan study with its forecast, needs and Monte Carlo
    analysis recomputed (:func:`hushall.study.restore_study`: the same draws and seed as stored), and the
    variant's data; ``None`` without a result."""
    data = apply_variant(_model(request, variant.data_version), variant.settings)
    stored = job.result if job is not None else None
    if not stored:
        return None, data
    return restore_study(data, PlanStudy.from_json(stored)), data


def plan_finance(request: Request, db: DbSession, variant: PlanVariant | None,
                 data_version: DataVersion) -> tuple[FinanceView, MunicipalityData]:
    """The financial plan of a variant's result (or the baseline without projects)."""
    if variant is None:
        data = _model(request, data_version)
        from hushall.web.routes.common import view_of

        return view_of(request, data_version).baseline, data
    job = current_result(db, variant)
    key = ("finance", variant.id, variant.row_version, job.id if job else None)

    def make() -> tuple[FinanceView, MunicipalityData]:
        data = apply_variant(_model(request, variant.data_version), variant.settings)
        try:
            result = job.result if job else None
            return finance_view(data, schedule_of(result), (result or {}).get("risk"),
                                stored_renewal_plan(data, result)), data
        except HushallError as exc:
            return FinanceView(False, str(exc)), data

    return state(request).views.get_or_make(key, make)


def pdf_module() -> ModuleType:
    """:mod:`hushall.reports.document`, imported on first use (fpdf2 and the charts load slowly)."""
    return importlib.import_module("hushall.reports.document")


#: Kinds of document a decided variant keeps as first produced: column suffix → what it is.
FROZEN_KINDS = ("pdf", "xlsx")


def frozen_document(request: Request, actor: User, variant_id: int, kind: str, make: Any) -> bytes:
    """The plan document (``kind='pdf'``) or workbook (``'xlsx'``) of a decided variant, the same bytes forever:
    produced by ``make()`` at the first request after the decision, stored with its SHA-256 and served from the
    store from then on (a later data upload, a new program version or a new optimisation of the family changes
    nothing)."""
    import hashlib

    from hushall.web.db import transaction

    assert kind in FROZEN_KINDS
    factory = state(request).factory
    with factory() as db:
        stored = db.scalar(select(getattr(PlanVariant, f"frozen_{kind}")).where(PlanVariant.id == variant_id))
    if stored is not None:
        return bytes(stored)
    content = bytes(make())
    with transaction(factory) as db:
        advisory_lock(db, f"variant-frozen:{variant_id}")
        variant = db.get(PlanVariant, variant_id)
        assert variant is not None and variant.status == "beslutad"
        kept = getattr(variant, f"frozen_{kind}")
        if kept is not None:  # someone else stored it first: theirs is the one
            return bytes(kept)
        digest = hashlib.sha256(content).hexdigest()
        setattr(variant, f"frozen_{kind}", content)
        variant.frozen_sha256 = {**(variant.frozen_sha256 or {}), kind: digest}
        audit(db, actor, "variant.freeze", "plan_variant", variant_id, {"document": kind, "sha256": digest})
    return content
