"""Rectification (policy section 9): the profile, edited by its owner."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session

from oktra.accounts.interests import REGION_CODES, SECTOR_CODES
from oktra.accounts.models import User
from oktra.accounts.passwords import AccountExistsError
from oktra.accounts.service import (
    EMAIL_TAKEN,
    email_user,
    get_user_by_email,
    provider,
    send_verification,
)
from oktra.accounts.validation import ValidationFailedError, check_profile
from oktra.core.clock import utc_now
from oktra.db import session_scope


def update_profile(
    *, session: Session, user_id: int, form: Mapping[str, object], now: datetime
) -> User:
    """Rectify account fields; a new email is unverified and the old address is told."""
    values = check_profile(form, sectors=SECTOR_CODES, regions=REGION_CODES)
    user = session.get(User, user_id)
    new_email = values.pop("email")
    email_changed = new_email != user.email
    if email_changed:
        if get_user_by_email(session=session, email=new_email) is not None:
            raise ValidationFailedError({"email": EMAIL_TAKEN})
        email_user(
            session=session,
            user=user,
            kind="email_changed",
            key=f"email-changed:{user.id}:{now.timestamp():.6f}",
            new_email=new_email,
        )
        user.email = new_email
        user.email_verified_at = None
    for key, value in values.items():
        setattr(user, key, value)
    user.updated_at = now
    session.flush()
    return user


async def save_profile(*, user_id: int, form: Mapping[str, object]) -> User:
    """Rectify the profile; a new address also moves the provider's account."""
    values = check_profile(form, sectors=SECTOR_CODES, regions=REGION_CODES)
    with session_scope() as session:
        user = session.get(User, user_id)
        if values["email"] != user.email:
            if get_user_by_email(session=session, email=values["email"]) is not None:
                raise ValidationFailedError({"email": EMAIL_TAKEN})
            try:
                await provider().change_email(user=user, email=values["email"])
            except AccountExistsError:
                raise ValidationFailedError({"email": EMAIL_TAKEN}) from None
        email_changed = values["email"] != user.email
        now = utc_now()
        updated = update_profile(session=session, user_id=user_id, form=form, now=now)
        if email_changed:
            await send_verification(session=session, user=updated, now=now)
        return updated
