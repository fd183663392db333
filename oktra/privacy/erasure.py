"""The right to erasure (Reflex-free): every registered table handled as its declaration says.

Order of `erase_account`, so that a failure anywhere leaves no half-written state:
1. all the database work, in the caller's one transaction, flushed but not committed (sessions
   revoked, outbox cancelled, rows deleted, anonymized or put on hold, the receipt queued, the
   tombstone written);
2. then the one external call: the Firebase user deleted (a user already gone there is fine);
   if it fails, the transaction is rolled back: nothing changed anywhere, the erasure can be
   asked again;
3. then the commit. Should the commit fail after Firebase deleted its user, OKTRA's rows are
   untouched and the account can no longer sign in; asking again completes the erasure (the
   Firebase call then finds no user, which is fine).
Export files are unlinked only after the commit (a crash in between leaves a file no export
names: `purge_exports` deletes it the next day).

What remains is named only by keyed hashes (HMAC-SHA256 with the secret key): audit and
security events keep `subject_hash`, the keyed hash of the address (filled in where empty);
consent proofs lose their user link and keep their keyed visitor and IP hashes, and the
tombstone lists their ids; the tombstone keeps the keyed hashes of the user id and of the
address, so that an erasure can be applied again after a backup is restored.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import JSON, Boolean, Integer, String, Text, case, delete, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from oktra.accounts.models import AuthSession, User
from oktra.accounts.passwords import provider_for
from oktra.accounts.sessions import revoke_all_sessions
from oktra.admin.security import subject_hash as email_hash
from oktra.core.clock import MOROCCO
from oktra.core.errors import NotFoundError, OktraError
from oktra.core.security import keyed_hash
from oktra.i18n import N_, format_date, normalize_language, t
from oktra.models import METADATA
from oktra.notifications.models import EmailMessage
from oktra.notifications.service import enqueue_email
from oktra.privacy.access import table_of
from oktra.privacy.registry import REGISTRY, USER_TABLE, Erasure, PersonalData
from oktra.privacy.rights_models import DataExport, ErasureTombstone
from oktra.settings import get_settings

RECEIPT_KIND = "deletion_receipt"
ERASED_NAME = "Erased account"
ERASED_DOMAIN = "@invalid"
SETTLED = ("sent", "failed", "uncertain", "cancelled", "suppressed")
# Rows are the user's also when only their address names them (an email sent before the
# account existed, a suppression recorded by address, a request sent from the public form).
ADDRESS_COLUMNS = {
    "email_message": "to_address",
    "email_suppression": "address",
    "dpo_request": "requester_email",
}
REAPPLIED = "reapplied after a backup restore"
ERASED_LABEL = N_("%(purpose)s: anonymized, nothing left that names you")
KEPT_LABEL = N_("%(purpose)s: %(retention)s; kept without your name, email or phone")


class ErasureError(OktraError):
    """The sign-in provider could not delete the account: nothing was erased, try again."""


@dataclass(frozen=True)
class Receipt:
    """What the user is told: the erasure's reference, when, and what happened per table."""

    reference: str
    erased_at: datetime
    summary: dict[str, dict[str, int]]


def user_subject_hash(user_id: int) -> str:
    """The keyed hash naming a user id in a tombstone."""
    return keyed_hash(f"user:{user_id}", get_settings().secret_key.get_secret_value())


def is_erased(user: User) -> bool:
    """Whether the account row is already an erased placeholder."""
    return user.email.startswith("erased-") and user.email.endswith(ERASED_DOMAIN)


def erasure_plan(*, session: Session, user_id: int, lang: str) -> dict[str, list[str]]:
    """What erasing this account deletes or anonymizes, and what is kept and why."""
    if session.get(User, user_id) is None:
        raise NotFoundError(f"no user {user_id}")
    lang = normalize_language(lang)
    erased, kept = [], []
    for declaration in sorted(REGISTRY.values(), key=lambda d: (d.category, d.table)):
        purpose = t(lang, declaration.purpose)
        if declaration.erasure == Erasure.DELETE:
            erased.append(purpose)
        elif declaration.erasure == Erasure.ANONYMIZE:
            erased.append(t(lang, ERASED_LABEL) % {"purpose": purpose})
        else:
            retention = t(lang, declaration.retention)
            kept.append(t(lang, KEPT_LABEL) % {"purpose": purpose, "retention": retention})
    return {"erased": erased, "kept": kept}


def _neutral(column) -> object:
    """The value an anonymized column takes: nothing, or an empty value where one is required."""
    if column.nullable:
        return None
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, String | Text):
        return ""
    raise ValueError(f"no neutral value for {column.table.name}.{column.name}")


def _rows_of(declaration: PersonalData, user_id: int, address: str) -> ColumnElement[bool]:
    table = table_of(declaration)
    condition = table.c[declaration.user_link] == user_id
    column = ADDRESS_COLUMNS.get(declaration.table)
    if column is not None:
        condition = or_(condition, func.lower(table.c[column]) == address)
    return condition


def _apply(
    session: Session, declaration: PersonalData, user_id: int, address: str, subject: str
) -> tuple[dict[str, int], list[int]]:
    """Erase one table's rows of the user; returns the counts and the ids kept on hold."""
    table = table_of(declaration)
    rows = _rows_of(declaration, user_id, address)
    if declaration.erasure == Erasure.DELETE:
        return {"deleted": session.execute(delete(table).where(rows)).rowcount or 0}, []
    link = table.c[declaration.user_link]
    values = {name: _neutral(table.c[name]) for name in declaration.anonymize_columns}
    if link.nullable:
        values[link.name] = None
    if "subject_hash" in table.c:
        hashed = table.c.subject_hash
        values["subject_hash"] = case((hashed == "", subject), else_=hashed)
    held: list[int] = []
    if declaration.erasure == Erasure.LEGAL_HOLD:
        held = list(session.execute(select(table.c.id).where(rows).order_by(table.c.id)).scalars())
    # Core statements: the append-only guards of consent and audit rows watch ORM changes,
    # and removing the user link is the erasure the registry declares, not a change of proof.
    count = session.execute(update(table).where(rows).values(values)).rowcount if values else 0
    key = "anonymized" if declaration.erasure == Erasure.ANONYMIZE else "held"
    return {key: count or len(held)}, held


def _dependents_first() -> list[PersonalData]:
    """The declarations, a table referring to another before it (deletes respect the keys)."""
    order = {table.name: index for index, table in enumerate(METADATA.sorted_tables)}
    return sorted(REGISTRY.values(), key=lambda d: -order[d.table])


def _delete_at_provider(user: User) -> None:
    """Delete the user at the sign-in provider (Firebase); nothing for local accounts."""
    work = provider_for(get_settings()).delete_account(user=user)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(work)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work).result()


def _queue_receipt(session: Session, *, address: str, lang: str, reference: str, now: datetime):
    plan_kept = [
        t(lang, KEPT_LABEL) % {"purpose": t(lang, d.purpose), "retention": t(lang, d.retention)}
        for d in sorted(REGISTRY.values(), key=lambda d: (d.category, d.table))
        if d.erasure == Erasure.LEGAL_HOLD
    ]
    enqueue_email(
        session=session,
        kind=RECEIPT_KIND,
        to_address=address,
        lang=lang,
        context={
            "reference": reference,
            "erased_at": format_date(now.astimezone(MOROCCO).date(), lang),
            "kept": plan_kept,
        },
        idempotency_key=f"{RECEIPT_KIND}:{reference}",
        user_id=None,
    )


def _erase_rows(
    session: Session, user_id: int, address: str, hashed_address: str, now: datetime
) -> tuple[dict[str, dict[str, int]], dict[str, list[int]]]:
    """Every registered table but the account itself: counts per table, ids held."""
    summary: dict[str, dict[str, int]] = {}
    held: dict[str, list[int]] = {}
    revoked = revoke_all_sessions(session=session, user_id=user_id, now=now)
    session.flush()
    cancelled = session.execute(
        update(EmailMessage)
        .where(_rows_of(REGISTRY["email_message"], user_id, address))
        .where(EmailMessage.status == "pending")
        .values(status="cancelled")
    ).rowcount
    for declaration in _dependents_first():
        if declaration.table != USER_TABLE:
            summary[declaration.table], ids = _apply(
                session, declaration, user_id, address, hashed_address
            )
            if ids:
                held[declaration.table] = ids
    summary[AuthSession.__tablename__]["revoked"] = revoked
    summary[EmailMessage.__tablename__]["cancelled"] = cancelled or 0
    session.expire_all()
    return summary, held


def erase_account(
    *, session: Session, user_id: int, now: datetime, reason: str, notify: bool = True
) -> Receipt:
    """Erase the account as the registry declares, then commit; the receipt names it."""
    user = session.get(User, user_id)
    if user is None or is_erased(user):
        raise NotFoundError(f"no account {user_id} to erase")
    address, lang = user.email.strip().lower(), normalize_language(user.language)
    subject, hashed_address = user_subject_hash(user_id), email_hash(user.email)
    at_provider = User(id=user.id, email=user.email, full_name="", external_id=user.external_id)
    tombstone = session.execute(
        select(ErasureTombstone).where(ErasureTombstone.subject_hash == subject)
    ).scalar_one_or_none()
    reference = tombstone.reference if tombstone else f"ER-{now:%Y%m%d}-{secrets.token_hex(5)}"
    files = [
        p
        for p in session.execute(
            select(DataExport.path).where(DataExport.user_id == user_id)
        ).scalars()
        if p
    ]

    summary, held = _erase_rows(session, user_id, address, hashed_address, now)
    user = session.get(User, user_id)
    for name in REGISTRY[USER_TABLE].anonymize_columns:
        setattr(user, name, _neutral(User.__table__.c[name]))
    user.email, user.full_name = f"erased-{reference.lower()}{ERASED_DOMAIN}", ERASED_NAME
    user.external_id, user.closed_at, user.updated_at = None, now, now
    summary[USER_TABLE] = {"anonymized": 1}
    if notify:
        _queue_receipt(session, address=address, lang=lang, reference=reference, now=now)
    record = {"reason": reason[:200], "tables": summary, "held": held}
    if tombstone is None:
        tombstone = ErasureTombstone(
            subject_hash=subject, email_hash=hashed_address, reference=reference, erased_at=now
        )
        session.add(tombstone)
    else:
        record["reapplied_at"] = now.isoformat()
    tombstone.summary = record
    session.flush()

    try:
        _delete_at_provider(at_provider)
    except Exception as exc:
        session.rollback()
        raise ErasureError("the sign-in provider could not delete the account") from exc
    session.commit()
    for path in files:
        Path(path).unlink(missing_ok=True)
    return Receipt(reference=reference, erased_at=now, summary=summary)


def purge_sent_receipts(*, session: Session, now: datetime) -> dict[str, int]:
    """Delete deletion receipts once settled: the last trace of the erased address goes."""
    result = session.execute(
        delete(EmailMessage).where(
            EmailMessage.kind == RECEIPT_KIND, EmailMessage.status.in_(SETTLED)
        )
    )
    return {"deleted": result.rowcount or 0}


def reapply_tombstones(*, session: Session, now: datetime) -> int:
    """Erase again every account a restored backup brought back (matched by keyed hashes)."""
    tombstones = session.execute(select(ErasureTombstone)).scalars().all()
    by_subject = {tomb.subject_hash: tomb.erased_at for tomb in tombstones}
    by_address: dict[str, list[datetime]] = {}
    for tomb in tombstones:
        by_address.setdefault(tomb.email_hash, []).append(tomb.erased_at)
    accounts = session.execute(
        select(User.id, User.email, User.created_at).where(
            ~(User.email.startswith("erased-") & User.email.endswith(ERASED_DOMAIN))
        )
    ).all()
    erased = 0
    for user_id, address, created_at in accounts:
        # An account opened after the erasure (the same address signing up again, or an id
        # given anew after a restore) is someone's new account, not the erased one.
        times = by_address.get(email_hash(address), [])
        if user_subject_hash(user_id) in by_subject:
            times = [*times, by_subject[user_subject_hash(user_id)]]
        if not any(created_at <= erased_at for erased_at in times):
            continue
        erase_account(session=session, user_id=user_id, now=now, reason=REAPPLIED, notify=False)
        erased += 1
    return erased
