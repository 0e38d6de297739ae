"""Console users: creation, deactivation, password hashing (scrypt), login with rate limiting.

Shared by the CLI (`python -m bot staff add`) and the console; nothing here knows about Flask.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot.core.db import utcnow
from bot.core.models import LoginAttempt, StaffUser
from bot.staff import audit

ROLES = ("staff", "manager", "admin")  # each role can do what the ones before it can
# scrypt, a memory-hard KDF in the standard library: about 50 ms and 16 MiB per hash here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 12
# More than this many failures for one email or one address in the window locks login for it.
# Password guessing is slowed per account, not stopped: after ACCOUNT_FREE_FAILURES wrong
# passwords in the window, each try waits twice as long as the last (1 s, 2 s, 4 s … at most
# the window), so a guesser gets about a dozen tries in 15 minutes and the owner, once the
# right password is typed, is in. One address is locked only after ADDRESS_MAX_FAILURES,
# enough for a whole office behind one proxy to mistype; a device that logged in before
# (signed cookie) is slowed by neither.
ACCOUNT_FREE_FAILURES = 3
ADDRESS_MAX_FAILURES = 50
FAILURE_WINDOW = dt.timedelta(minutes=15)


# What can stop a change to a user, by code; the console words each code in its own languages
# (users.error.<code>), the CLI prints these.
PROBLEMS = {
    "role": f"role must be one of {', '.join(ROLES)}",
    "email": "{email!r} is not an email address",
    "password": f"the password needs at least {MIN_PASSWORD} characters",
    "exists": "{email} already exists",
    "yourself": "nobody can deactivate themselves",
    "current": "the current password is not right",
    "confirm": "the new password and its confirmation differ",
    "same": "the new password is the current one",
    "unknown": "no console user has the email {email!r}",
}


class StaffError(ValueError):
    """A user cannot be created or changed. `problems` maps each form field at fault to a
    code of PROBLEMS; the message is those problems in English."""

    def __init__(self, problems: dict[str, str], email: str = ""):
        words = (PROBLEMS[code].format(email=email) for code in problems.values())
        super().__init__("; ".join(words))
        self.problems = problems


class LoginLocked(Exception):
    """Too many failed logins; `retry_after` says when to try again."""

    def __init__(self, retry_after: dt.timedelta):
        super().__init__(f"locked for {retry_after}")
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    """A salted scrypt hash, with its parameters, so they can be raised later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    encoded = [base64.b64encode(part).decode() for part in (salt, digest)]
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encoded[0]}${encoded[1]}"


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a stored hash in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


def role_allows(role: str, needed: str) -> bool:
    """Whether `role` may do what `needed` may."""
    return ROLES.index(role) >= ROLES.index(needed)


MAX_EMAIL = 254  # RFC 5321's limit, and the column's


def plausible_email(email: str) -> bool:
    """What an e-mail column can hold: an @, at most 254 characters, nothing unprintable
    (PostgreSQL refuses NUL, and a control character is never part of an address)."""
    return "@" in email and len(email) <= MAX_EMAIL and email.isprintable()


def create_user(db: Session, email: str, password: str, role: str, actor: str) -> StaffUser:
    """Add a console user (audited); StaffError names every field at fault at once."""
    email = email.strip().lower()
    problems = {}
    if role not in ROLES:
        problems["role"] = "role"
    if not plausible_email(email):
        problems["email"] = "email"
    elif db.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        problems["email"] = "exists"
    if len(password) < MIN_PASSWORD:
        problems["password"] = "password"
    if problems:
        raise StaffError(problems, email)
    user = StaffUser(email=email, password_hash=hash_password(password), role=role)
    db.add(user)
    db.flush()
    audit.record(db, actor, "staff.create", f"staff:{user.id}", email=email, role=role)
    return user


def set_active(db: Session, user: StaffUser, active: bool, actor: StaffUser) -> bool:
    """Deactivate (or reactivate) a user, audited; False when it already was. Nobody is ever
    deleted, so the audit log keeps naming real people; nobody can lock themselves out."""
    if user.id == actor.id:
        raise StaffError({"active": "yourself"}, user.email)
    if user.active == active:
        return False
    user.active = active
    user.session_version += 1  # no cookie from before survives a deactivation
    action = "staff.activate" if active else "staff.deactivate"
    audit.record(db, actor.email, action, f"staff:{user.id}", email=user.email)
    return True


def change_password(
    db: Session,
    user: StaffUser,
    current: str,
    new: str,
    confirm: str,
    ip: str,
    now: dt.datetime | None = None,
) -> None:
    """A user's own change of password (audited): the current one proves it is them, the new
    one is typed twice. Every cookie of theirs from before stops working (session version),
    so a browser left logged in elsewhere is out too. StaffError names each field at fault.

    A wrong current password counts as a failed login of the account, and the account's
    backoff applies here too (LoginLocked): a browser left logged in is no way to guess the
    password at leisure."""
    now = now or utcnow()
    wait = _account_wait(db, user.email, now)
    if wait:
        raise LoginLocked(wait)
    problems = {}
    if not verify_password(current, user.password_hash):
        problems["current"] = "current"
        db.add(LoginAttempt(email=user.email, ip=ip, succeeded=False, at=now))
    if len(new) < MIN_PASSWORD:
        problems["password"] = "password"
    elif new == current:
        problems["password"] = "same"
    if new != confirm:
        problems["confirm"] = "confirm"
    if problems:
        raise StaffError(problems, user.email)
    _set_password(db, user, new, user.email, "staff.password")


def reset_password(db: Session, email: str, new: str, actor: str) -> StaffUser:
    """A new password for someone who forgot theirs, set by an administrator (`python -m bot
    staff password`), audited; their old cookies stop working as after their own change."""
    user = db.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        raise StaffError({"email": "unknown"}, email)
    if len(new) < MIN_PASSWORD:
        raise StaffError({"password": "password"}, email)
    _set_password(db, user, new, actor, "staff.password_reset")
    return user


def _set_password(db: Session, user: StaffUser, new: str, actor: str, action: str) -> None:
    user.password_hash = hash_password(new)
    user.session_version += 1  # every copy of an old cookie is out
    audit.record(db, actor, action, f"staff:{user.id}", email=user.email)


@dataclass(frozen=True)
class LoginResult:
    """The user who logged in, or None for a wrong email or password."""

    user: StaffUser | None


def log_in(
    db: Session,
    email: str,
    password: str,
    ip: str,
    now: dt.datetime | None = None,
    device_user: int | None = None,
):
    """Check credentials, unless this address has failed far too often or this account must
    wait out its backoff. `device_user`: whose login this device's signed cookie remembers."""
    now = now or utcnow()
    email = email.strip().lower()
    if not plausible_email(email):
        # No account has such an address; keep none of it, and still count the failure
        # against the address it came from.
        email = ""
    since = now - FAILURE_WINDOW
    # The account's row is locked while its password is checked, so simultaneous guesses
    # are checked one after another, each seeing the failures before it. A write that changes
    # nothing takes the lock on both databases: the row's on PostgreSQL, the database's write
    # lock on SQLite (where SELECT … FOR UPDATE is silently a plain read).
    account = (StaffUser.email == email, StaffUser.active)
    db.execute(
        update(StaffUser)
        .where(*account)
        .values(email=StaffUser.email)
        .execution_options(synchronize_session=False)
    )
    user = db.scalar(select(StaffUser).where(*account))
    known_device = user is not None and device_user == user.id
    if not known_device:
        by_address, first = db.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                LoginAttempt.succeeded.is_(False), LoginAttempt.at > since, LoginAttempt.ip == ip
            )
        ).one()
        if by_address >= ADDRESS_MAX_FAILURES:
            raise LoginLocked(first + FAILURE_WINDOW - now)
    if user is not None and not known_device:
        wait = _account_wait(db, email, now)
        if wait:
            raise LoginLocked(wait)
    # Hash even for an unknown email, so timing does not tell which emails exist.
    ok = verify_password(password, user.password_hash if user else hash_password("x" * 12))
    db.add(LoginAttempt(email=email, ip=ip, succeeded=ok and user is not None, at=now))
    if ok and user is not None:
        user.last_login_at = now
        audit.record(db, user.email, "staff.login", f"staff:{user.id}")
        return LoginResult(user)
    return LoginResult(None)


def _account_wait(db: Session, email: str, now: dt.datetime) -> dt.timedelta | None:
    """How long the account must still wait before its password is checked again (its
    failures in the window, backoff), or None."""
    failures, last = db.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > now - FAILURE_WINDOW,
            LoginAttempt.email == email,
        )
    ).one()
    wait = backoff(failures)
    return last + wait - now if wait and last + wait > now else None


def backoff(failures: int) -> dt.timedelta:
    """How long an account waits after its last failure: nothing for the first few, then
    doubling from one second, never more than the window."""
    if failures < ACCOUNT_FREE_FAILURES:
        return dt.timedelta(0)
    seconds = 2 ** min(failures - ACCOUNT_FREE_FAILURES, 20)
    return min(dt.timedelta(seconds=seconds), FAILURE_WINDOW)


def forget_old_attempts(db: Session, now: dt.datetime) -> int:
    """Login attempts are only needed for the lockout window (the retention job calls this)."""
    return cast(
        CursorResult, db.execute(delete(LoginAttempt).where(LoginAttempt.at < now - FAILURE_WINDOW))
    ).rowcount
