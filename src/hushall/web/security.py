"""Accounts, sessions, CSRF protection, roles, login rate limiting and the audit log.

* Passwords are hashed with Argon2id (``argon2-cffi``); there is no default password anywhere.
* A session is a random token; the database keeps only its SHA-256, so a stolen database holds no live token.
  Browsers carry it in an HttpOnly, SameSite=Lax cookie; API clients send it as ``Authorization: Bearer``.
* Every state-changing request from a browser must carry the session's CSRF token (form field ``csrf_token``
  or header ``X-CSRF-Token``). Before login the token is a double-submit cookie.
* Failed logins are counted per client address and user name together, and per client address, in a sliding
  window; past the limit the password is not even checked. The attacker's address is locked, not the account:
  its owner still logs in from elsewhere. The count and the attempt are recorded in one short transaction
  *before* the (slow) password check, so parallel guesses cannot all slip under the limit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from hushall.errors import HushallError
from hushall.web.db import advisory_lock, transaction
from hushall.web.models import ROLES, AuditEntry, LoginAttempt, Session, User, utcnow

ROLE_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES, start=1)}
MIN_PASSWORD_LENGTH = 10
SESSION_COOKIE = "hushall_session"
PRE_CSRF_COOKIE = "hushall_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()


class AccountError(HushallError):
    """A user account operation that cannot be done (unknown role, weak password, name taken …)."""

    code = "E_ACCOUNT"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so that timing does not reveal user names.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")


def generate_password() -> str:
    """A random password for ``serve --demo`` (printed once, never stored in clear)."""
    return secrets.token_urlsafe(12)


def has_role(user: User | None, role: str) -> bool:
    return user is not None and user.active and ROLE_RANK.get(user.role, 0) >= ROLE_RANK[role]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- users -------------------------------------------------------------------------------------------------


def add_user(db: DbSession, username: str, password: str, role: str, display_name: str = "",
             actor: User | None = None) -> User:
    username = username.strip()
    if role not in ROLE_RANK:
        raise AccountError(f"Okänd roll {role!r}. Roller: {', '.join(ROLES)}.")
    if not username or len(username) > 80 or any(ch.isspace() for ch in username):
        raise AccountError("Användarnamnet ska vara 1–80 tecken utan blanksteg.")
    check_password_strength(password)
    if db.scalar(select(User).where(func.lower(User.username) == username.lower())) is not None:
        raise AccountError(f"Användaren {username} finns redan.")
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password), active=True, row_version=1)
    db.add(user)
    db.flush()
    audit(db, actor, "user.add", "user", user.id, {"username": username, "role": role})
    return user


def set_password(db: DbSession, user: User, password: str, actor: User | None = None) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.row_version += 1
    db.execute(delete(Session).where(Session.user_id == user.id))
    audit(db, actor, "user.password", "user", user.id, {"username": user.username})


def find_user(db: DbSession, username: str) -> User | None:
    return db.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


# --- sessions ----------------------------------------------------------------------------------------------


def create_session(db: DbSession, user: User, kind: str, hours: float) -> tuple[str, Session]:
    """Open a session; return the token (given to the client once) and the stored row."""
    token = secrets.token_urlsafe(32)
    row = Session(token_hash=token_hash(token), user_id=user.id, kind=kind, csrf_token=secrets.token_urlsafe(32),
                  created_at=utcnow(), expires_at=utcnow() + timedelta(hours=hours))
    db.add(row)
    db.flush()
    return token, row


def lookup_session(db: DbSession, token: str | None, kind: str) -> Session | None:
    if not token:
        return None
    row = db.scalar(select(Session).where(Session.token_hash == token_hash(token), Session.kind == kind))
    if row is None or as_utc(row.expires_at) < utcnow() or not row.user.active:
        return None
    return row


def end_session(db: DbSession, token: str | None) -> None:
    if token:
        db.execute(delete(Session).where(Session.token_hash == token_hash(token)))


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


# --- login rate limit --------------------------------------------------------------------------------------


def login_blocked(db: DbSession, username: str, ip: str, max_failures: int, window_seconds: int) -> bool:
    """True when this client address has too many failed logins for this user name, or for all names, in the
    window. Failures from other addresses do not count: they would let anyone lock a known user out."""
    since = utcnow() - timedelta(seconds=window_seconds)
    name = username.strip().lower()[:80]
    failed = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.ip == ip[:64], LoginAttempt.at >= since, LoginAttempt.success.is_(False))
    by_pair = db.scalar(failed.where(LoginAttempt.username == name))
    by_ip = db.scalar(failed)
    # An address may try a few more names than one name may be tried (an office behind one NAT address).
    return (by_pair or 0) >= max_failures or (by_ip or 0) >= 4 * max_failures


def record_login(db: DbSession, username: str, ip: str, success: bool) -> LoginAttempt:
    attempt = LoginAttempt(username=username.strip().lower()[:80], ip=ip[:64], at=utcnow(), success=success)
    db.add(attempt)
    db.flush()
    return attempt


def authenticate(db: DbSession, username: str, password: str) -> User | None:
    user = find_user(db, username) if username else None
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None


@dataclass
class LoginOutcome:
    """What a login attempt came to: a session (``token`` is given to the client once), refused, or blocked."""

    user: User | None = None
    token: str = ""
    session: Session | None = None
    blocked: bool = False


def log_in(factory: sessionmaker[DbSession], username: str, password: str, ip: str, kind: str, *,
           max_failures: int, window_seconds: int, hours: float) -> LoginOutcome:
    """Check a login under the rate limit and open a session of ``kind`` (``cookie`` or ``bearer``).

    1. One short write transaction (serialised per client address): refuse if the address is over the limit,
       else record this attempt as *failed* — it counts against the limit from this moment on.
    2. Verify the password outside any transaction (Argon2 takes a while; no lock is held meanwhile).
    3. On success mark the attempt successful and open the session.
    """
    with transaction(factory) as db:
        advisory_lock(db, f"login:{ip[:64]}")
        if login_blocked(db, username, ip, max_failures, window_seconds):
            return LoginOutcome(blocked=True)
        attempt_id = record_login(db, username, ip, success=False).id
        user = find_user(db, username) if username else None
        user_id, password_hash = (user.id, user.password_hash) if user is not None and user.active else (None, None)
    if not verify_password(password_hash or _DUMMY_HASH, password) or user_id is None:
        return LoginOutcome()
    with transaction(factory) as db:
        found = db.get(User, user_id)
        if found is None or not found.active:
            return LoginOutcome()
        db.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(success=True))
        token, row = create_session(db, found, kind, hours)
        audit(db, found, "session.login" if kind == "cookie" else "session.login_api", "user", found.id, {"ip": ip})
    return LoginOutcome(user=found, token=token, session=row)


# --- audit -------------------------------------------------------------------------------------------------


def audit(db: DbSession, actor: User | None, action: str, object_type: str = "", object_id: Any = "",
          detail: dict[str, Any] | None = None) -> None:
    """Record a change in the same transaction as the change itself."""
    db.add(AuditEntry(at=utcnow(), user_id=actor.id if actor else None,
                      username=actor.username if actor else "(kommandoraden)", action=action,
                      object_type=object_type, object_id=str(object_id), detail=detail or {}))
