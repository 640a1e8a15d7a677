"""Administration: user accounts and the audit log (administrators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from hushall.web.db import transaction
from hushall.web.deps import admin, database, identify, state
from hushall.web.models import ROLES, AuditEntry, Session, User
from hushall.web.rendering import page
from hushall.web.security import AccountError, add_user, audit, set_password

router = APIRouter(dependencies=[Depends(identify)], include_in_schema=False)


def users(db: DbSession) -> list[User]:
    return list(db.scalars(select(User).order_by(User.username)))


@router.get("/admin/anvandare")
def users_page(request: Request, user: User = admin, db: DbSession = database) -> Response:
    return page(request, "users.html", {"active": "admin", "users": users(db), "roles": ROLES, "error": None})


@router.post("/admin/anvandare")
def add_user_route(request: Request, username: Annotated[str, Form(max_length=80)],
                   password: Annotated[str, Form(max_length=1000)], role: Annotated[str, Form()],
                   display_name: Annotated[str, Form(max_length=200)] = "", user: User = admin) -> Response:
    try:
        with transaction(state(request).factory) as db:
            add_user(db, username, password, role, display_name, actor=user)
    except AccountError as exc:
        with state(request).factory() as db:
            return page(request, "users.html", {"active": "admin", "users": users(db), "roles": ROLES,
                                                "error": str(exc)}, status_code=422)
    return RedirectResponse("/admin/anvandare", status_code=303)


@router.post("/admin/anvandare/{user_id}")
def update_user_route(request: Request, user_id: int, role: Annotated[str, Form()] = "",
                      active: Annotated[str, Form()] = "", password: Annotated[str, Form(max_length=1000)] = "",
                      user: User = admin) -> Response:
    try:
        with transaction(state(request).factory) as db:
            target = db.get(User, user_id)
            if target is None:
                raise HTTPException(404, "Användaren finns inte.")
            if role:
                if role not in ROLES:
                    raise AccountError(f"Okänd roll {role!r}.")
                if target.id == user.id and role != target.role:
                    raise AccountError("Du kan inte ändra din egen roll.")
                if role != target.role:
                    audit(db, user, "user.role", "user", target.id, {"from": target.role, "to": role})
                    target.role = role
            want_active = active == "1"
            if active and want_active != target.active:
                if target.id == user.id:
                    raise AccountError("Du kan inte stänga av ditt eget konto.")
                target.active = want_active
                if not want_active:
                    db.execute(delete(Session).where(Session.user_id == target.id))
                audit(db, user, "user.active", "user", target.id, {"active": want_active})
            if password:
                set_password(db, target, password, actor=user)
            target.row_version += 1
    except AccountError as exc:
        with state(request).factory() as db:
            return page(request, "users.html", {"active": "admin", "users": users(db), "roles": ROLES,
                                                "error": str(exc)}, status_code=422)
    return RedirectResponse("/admin/anvandare", status_code=303)


@router.get("/admin/logg")
def audit_page(request: Request, user: User = admin, db: DbSession = database,
               sida: Annotated[int, Query(ge=1)] = 1) -> Response:
    size = 100
    entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).offset((sida - 1) * size).limit(size)))
    return page(request, "audit.html", {"active": "admin", "entries": entries, "page_no": sida,
                                        "has_more": len(entries) == size})
