"""Passwords: bcrypt cost 12 in a worker thread, one check even for an unknown email."""

from __future__ import annotations

import asyncio
import threading

import bcrypt
import pytest

from oktra.accounts import passwords
from oktra.accounts.passwords import (
    LocalPasswordProvider,
    PasswordTooLongError,
    hash_password,
    verify_password,
)
from oktra.accounts.validation import PASSWORD_LONG, password_problem


def test_production_cost_is_twelve(monkeypatch):
    monkeypatch.setattr(passwords, "BCRYPT_ROUNDS", 12)
    assert hash_password("a long enough pass phrase").startswith("$2b$12$")


def test_bcrypt_runs_in_a_worker_thread_never_on_the_event_loop(monkeypatch):
    threads: list[threading.Thread] = []
    real_hashpw, real_checkpw = bcrypt.hashpw, bcrypt.checkpw

    def spy_hashpw(*args):
        threads.append(threading.current_thread())
        return real_hashpw(*args)

    def spy_checkpw(*args):
        threads.append(threading.current_thread())
        return real_checkpw(*args)

    monkeypatch.setattr(bcrypt, "hashpw", spy_hashpw)
    monkeypatch.setattr(bcrypt, "checkpw", spy_checkpw)

    async def scenario() -> threading.Thread:
        provider = LocalPasswordProvider()
        await provider.new_credentials(email="a@b.ma", password="pass phrase 1234")
        await provider.check(email="a@b.ma", user=None, password="pass phrase 1234")
        return threading.current_thread()

    loop_thread = asyncio.run(scenario())
    assert threads, "bcrypt was not called"
    assert all(thread is not loop_thread for thread in threads)


def test_an_unknown_email_costs_the_same_one_bcrypt_check(monkeypatch):
    calls: list[str] = []
    real_checkpw = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda *a: calls.append("check") or real_checkpw(*a))
    assert (
        asyncio.run(
            LocalPasswordProvider().check(email="x@y.ma", user=None, password="whatever 123")
        )
        is False
    )
    assert calls == ["check"]


def test_a_password_over_72_bytes_is_refused_with_a_clear_message_never_truncated():
    arabic = "كلمة" * 10
    assert len(arabic.encode()) > 72
    assert password_problem(arabic, []) == PASSWORD_LONG
    with pytest.raises(PasswordTooLongError):
        hash_password(arabic)
    assert not verify_password("a" * 73, hash_password("a" * 72))


@pytest.mark.parametrize("weak", ["password123", "azertyuiop", "1234567890", "motdepasse2024"])
def test_common_passwords_are_refused(weak):
    assert password_problem(weak, []) is not None


def test_a_password_made_of_the_users_own_name_is_refused():
    assert password_problem("salmabennani", ["salma@atlas.ma", "Salma Bennani"]) is not None
