"""Unsubscribing from product news (RFC 8058): a signed link that withdraws the consent at once.

The token is signed with the secret key (itsdangerous, its own salt) and names only the user;
it cannot be forged or reused for anything else. A withdrawal is a new consent record, and the
news still waiting in the outbox for this user is cancelled.
"""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.notifications.models import EmailMessage
from oktra.privacy.inactivity import record_activity
from oktra.privacy.models import ConsentRecord
from oktra.privacy.service import PRODUCT_NEWS, record_consent
from oktra.settings import get_settings

PURPOSE = "oktra.product-news-unsubscribe"
MAX_AGE_SECONDS = 400 * 24 * 3600
NEWS_KIND = "product_news"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt=PURPOSE)


def news_token(user_id: int) -> str:
    """The signed token of a user's unsubscribe link."""
    return _serializer().dumps([user_id])


def read_news_token(token: str) -> int | None:
    """The user a valid token names, or None."""
    if not isinstance(token, str) or not token or len(token) > 300:
        return None
    try:
        (user_id,) = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except (BadSignature, SignatureExpired, TypeError, ValueError):
        return None
    return user_id if isinstance(user_id, int) else None


def unsubscribe_url(user_id: int) -> str:
    """The address of the one-click POST and of the visible link (a GET shows a confirmation)."""
    return f"{get_settings().public_api_url}/privacy/news/unsubscribe/{news_token(user_id)}"


def list_unsubscribe_headers(user_id: int) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers for one product news email."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def withdraw_news(
    *, session: Session, user_id: int, now: datetime, ip_hash: str = "", user_agent: str = ""
) -> bool:
    """Withdraw the product news consent (a new record, unless the latest is already a
    withdrawal) and cancel the news not sent yet; False when there was nothing to stop."""
    user = session.get(User, user_id)
    if user is None:
        return False
    record_activity(session=session, user_id=user_id, now=now)
    cancelled = session.execute(
        update(EmailMessage)
        .where(
            EmailMessage.user_id == user_id,
            EmailMessage.kind == NEWS_KIND,
            EmailMessage.status == "pending",
        )
        .values(status="cancelled", last_error="product news consent withdrawn")
    ).rowcount
    latest = session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id, ConsentRecord.purpose == PRODUCT_NEWS)
        .order_by(ConsentRecord.id.desc())
    ).first()
    if latest is None or not latest.granted:
        return bool(cancelled)
    record_consent(
        session=session,
        user_id=user_id,
        purpose=PRODUCT_NEWS,
        granted=False,
        lang=user.language,
        ip_hash=ip_hash,
        user_agent=user_agent,
    )
    return True
