"""The sign-in, users, audit trail and operations pages in French and Arabic: the builders take
the language, the states answer in the language of the page that sent the event (/fr/staff/…),
and the English pages (/staff/…) stay English."""

from __future__ import annotations

import json

import pytest

from oktra.admin.audit_pages import staff_audit
from oktra.admin.audit_state import StaffAuditState
from oktra.admin.operations_pages import staff_operations
from oktra.admin.operations_state import StaffOperationsState
from oktra.admin.pages import staff_signin
from oktra.admin.state import DENIED, SIGNIN_FAILED, StaffSignInState
from oktra.admin.users_pages import staff_users
from oktra.admin.users_state import REASON_NEEDED, StaffUsersState
from oktra.db import session_scope
from oktra.i18n import t
from tests.unit.accounts.conftest import run_handler
from tests.unit.admin.conftest import add_user, staff_state, staff_token

U = StaffUsersState
A = StaffAuditState


@pytest.mark.parametrize(
    ("builder", "french"),
    [
        (staff_signin, "Code de l'application d'authentification"),
        (staff_users, "Pourquoi avez-vous besoin des données de cet utilisateur ?"),
        (staff_audit, "Aucun événement ne correspond à ces filtres."),
        (staff_operations, "Tâches planifiées (dernière exécution de chacune)"),
    ],
)
def test_the_french_page_is_written_in_french(builder, french):
    written = json.dumps(french)[1:-1]  # as the compiled page writes it (\u00e9 for é)
    assert written in str(builder("fr"))
    assert written not in str(builder("en"))


def test_the_sign_in_page_carries_its_language_and_direction():
    assert 'dir:"rtl",lang:"ar"' in str(staff_signin("ar"))
    assert 'dir:"ltr",lang:"fr"' in str(staff_signin("fr"))
    assert "Authenticator code" in str(staff_signin("en"))


def test_a_failed_sign_in_on_the_french_page_is_told_in_french(engine):
    state = staff_state(StaffSignInState, cookie="", path="/fr/staff/signin")
    form = {"email": "nobody@oktra.ma", "password": "wrong password", "code": "123456"}
    run_handler(StaffSignInState.submit, state, form)
    assert state.error == "E-mail, mot de passe ou code incorrect." == t("fr", SIGNIN_FAILED)
    state = staff_state(StaffSignInState, cookie="", path="/staff/signin")
    run_handler(StaffSignInState.submit, state, form)
    assert state.error == SIGNIN_FAILED


def test_the_french_users_page_refuses_and_validates_in_french(engine):
    with session_scope() as session:
        user_id = add_user(session).id
    _id, token = staff_token("technical")
    state = staff_state(U, cookie=f"oktra_staff={token}", path="/fr/staff/users")
    run_handler(U.open_page, state)
    run_handler(U.search, state, {"query": "atlas"})
    assert state.error == "Votre rôle ne vous permet pas cette action." == t("fr", DENIED)
    _id, token = staff_token("support")
    state = staff_state(U, cookie=f"oktra_staff={token}", path="/fr/staff/users")
    run_handler(U.open_page, state)
    assert {"label": "Comptes", "value": "1"} in state.counts
    run_handler(U.choose, state, str(user_id))
    run_handler(U.open_user, state, {"reason": " "})
    assert state.error == "Indiquez pourquoi vous en avez besoin (500 caractères au maximum)."
    assert state.error == t("fr", REASON_NEEDED) != REASON_NEEDED
    run_handler(U.open_user, state, {"reason": "ticket 88"})
    assert [s["category"] for s in state.sections] == ["account", "alert", "support"]
    assert state.sections[0]["label"] == "Données de compte"
    run_handler(U.suspend, state, {"reason": "fraude signalée"})
    assert state.message.startswith("Compte suspendu : ")


def test_the_french_audit_page_refuses_and_validates_in_french(engine):
    _id, token = staff_token("support")
    state = staff_state(A, cookie=f"oktra_staff={token}", path="/fr/staff/audit")
    run_handler(A.open_page, state)
    run_handler(A.apply, state, {"user": "1"})
    assert state.error == t("fr", DENIED) != DENIED
    _id, token = staff_token("admin")
    state = staff_state(A, cookie=f"oktra_staff={token}", path="/fr/staff/audit")
    run_handler(A.open_page, state)
    run_handler(A.apply, state, {"since": "2026-13-01"})
    assert state.error == "Les dates s'écrivent AAAA-MM-JJ."
    run_handler(A.apply, state, {"user": "salma"})
    assert state.error == "Indiquez l'e-mail exact ou l'identifiant de l'utilisateur."
    state = staff_state(A, cookie=f"oktra_staff={token}", path="/staff/audit")
    run_handler(A.open_page, state)
    run_handler(A.apply, state, {"user": "salma"})
    assert state.error == "Give the user's exact email or id."


def test_the_french_operations_page_refuses_and_sends_strangers_to_the_french_sign_in(engine):
    for path, signin in (
        ("/fr/staff/operations", "/fr/staff/signin"),
        ("/staff/operations", "/staff/signin"),
    ):
        state = staff_state(StaffOperationsState, cookie="oktra_session=x", path=path)
        redirect = run_handler(StaffOperationsState.open_page, state)
        assert redirect is not None and signin in str(redirect)
        assert "/fr/staff/signin" not in str(redirect) or path.startswith("/fr")
    _id, token = staff_token("support")
    path = "/fr/staff/operations"
    state = staff_state(StaffOperationsState, cookie=f"oktra_staff={token}", path=path)
    assert run_handler(StaffOperationsState.open_page, state) is None
    assert state.denied and state.tenders == []
