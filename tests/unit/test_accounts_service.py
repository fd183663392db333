"""Account services of the foundation: bcrypt hashing and idempotent creation."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oktra.accounts.models import User
from oktra.accounts.passwords import PasswordTooLongError, hash_password, verify_password
from oktra.accounts.provisioning import ensure_user
from oktra.accounts.service import get_user_by_email

FAST = 4  # bcrypt's minimum cost keeps these tests quick; production uses 12


def test_passwords_are_stored_as_bcrypt_hashes():
    hashed = hash_password("correct horse battery", rounds=FAST)
    assert hashed.startswith("$2b$04$")
    assert verify_password("correct horse battery", hashed)
    assert not verify_password("correct horse batterz", hashed)


def test_a_password_over_72_bytes_is_refused_not_truncated():
    with pytest.raises(PasswordTooLongError):
        hash_password("é" * 37, rounds=FAST)
    assert not verify_password("a" * 73, hash_password("a" * 72, rounds=FAST))


def test_ensure_user_creates_once_and_finds_by_email_case_insensitively(session):
    user, created = ensure_user(
        session=session, email="Salma@Example.MA", full_name="Salma", password=None
    )
    again, created_again = ensure_user(
        session=session, email="salma@example.ma", full_name="Other", password=None
    )
    assert (created, created_again) == (True, False)
    assert again.id == user.id
    assert get_user_by_email(session=session, email="SALMA@example.ma").id == user.id
    assert len(session.exec(select(User)).all()) == 1
