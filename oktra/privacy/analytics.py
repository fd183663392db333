"""First-party audience measurement (Reflex-free), only while analytics consent stands.

A page view keeps the path, the language, the IP truncated to its network (/24 or /48) and two
HMACs under the day's random salt: of the browser's visitor id and of the tab's Reflex token.
The salt of a past day is deleted, so nobody (OKTRA included) can link two days or recompute a
hash from an id; events themselves are deleted after 13 months by the retention job (their
rule is declared next to the model).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from oktra.core.clock import as_utc, to_morocco
from oktra.privacy.consent import ANALYTICS, allows
from oktra.privacy.models import AnalyticsEvent, AnalyticsSalt

PATH_LENGTH = 200
IPV4_PREFIX = 24
IPV6_PREFIX = 48
REPEAT_WINDOW = timedelta(seconds=2)


def analytics_day(*, now: datetime) -> date:
    """The day a salt covers: the calendar day in Morocco."""
    return to_morocco(now).date()


def day_salt(*, session: Session, day: date) -> str:
    """The salt of this day, created on first use (once, even when two workers race)."""
    row = session.exec(select(AnalyticsSalt).where(AnalyticsSalt.day == day)).first()
    if row is not None:
        return row.salt
    try:
        with session.begin_nested():
            row = AnalyticsSalt(day=day, salt=secrets.token_hex(32))
            session.add(row)
    except IntegrityError:
        row = session.exec(select(AnalyticsSalt).where(AnalyticsSalt.day == day)).one()
    return row.salt


def salted_hash(*, value: str, salt: str) -> str:
    """HMAC-SHA256 of a value under a day's salt."""
    return hmac.new(salt.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def ip_prefix(*, ip: str) -> str:
    """The network an address belongs to: IPv4 to /24 (x.y.z.0), IPv6 to /48; "" if invalid."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def clean_path(*, path: str) -> str:
    """The page's path without query string or fragment, trimmed to the column's length."""
    bare = (path or "/").split("?", 1)[0].split("#", 1)[0]
    if len(bare) > 1:
        bare = bare.rstrip("/")
    return bare[:PATH_LENGTH] or "/"


def record_page_view(
    *,
    session: Session,
    visitor_id: str,
    client_token: str,
    path: str,
    lang: str,
    ip: str,
    now: datetime,
    user_id: int | None = None,
) -> AnalyticsEvent | None:
    """Store one page view if analytics consent stands for this browser; None otherwise (and
    for the same page again within two seconds: a double mount, not a visit)."""
    if not visitor_id or not allows(
        session=session, visitor_id=visitor_id, purpose=ANALYTICS, user_id=user_id
    ):
        return None
    salt = day_salt(session=session, day=analytics_day(now=now))
    session_hash = salted_hash(value=client_token or visitor_id, salt=salt)
    path = clean_path(path=path)
    previous = session.exec(
        select(AnalyticsEvent)
        .where(AnalyticsEvent.session_hash == session_hash)
        .order_by(AnalyticsEvent.id.desc())
    ).first()
    if (
        previous is not None
        and previous.path == path
        and now - as_utc(previous.created_at) < REPEAT_WINDOW
    ):
        return None
    event = AnalyticsEvent(
        visitor_hash=salted_hash(value=visitor_id, salt=salt),
        session_hash=session_hash,
        path=path,
        language=(lang or "")[:2],
        ip_prefix=ip_prefix(ip=ip),
        created_at=now,
    )
    session.add(event)
    session.flush()
    return event


def rotate_salts(*, session: Session, now: datetime) -> dict[str, int]:
    """Delete the salts of past days (a daily job)."""
    today = analytics_day(now=now)
    salts = session.execute(delete(AnalyticsSalt).where(AnalyticsSalt.day < today))
    return {"salts_deleted": salts.rowcount or 0}
