"""The DPO requests and billing pages of the back office in French: refusals, validation and
outcome messages in the page's language; the messages of the services are really theirs."""

from __future__ import annotations

import inspect

import pytest

from oktra.admin import billing, dpo, dpo_state
from oktra.admin import billing_state as billing_state_module
from oktra.admin.billing_pages import staff_billing
from oktra.admin.billing_state import StaffBillingState
from oktra.admin.dpo_pages import staff_requests
from oktra.admin.dpo_state import StaffDpoState
from oktra.admin.state import DENIED
from oktra.core.clock import to_morocco, utc_now
from oktra.db import session_scope
from oktra.i18n import t
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token
from tests.unit.admin.conftest import staff_state, staff_token
from tests.unit.admin.test_billing_admin import new_order
from tests.unit.admin.test_dpo_state import POSTED


@pytest.mark.parametrize(("module", "service"), [(dpo_state, dpo), (billing_state_module, billing)])
def test_the_service_messages_marked_for_translation_are_the_services_own(module, service):
    source = inspect.getsource(service)
    for message in module.SERVICE_MESSAGES:
        assert f'"{message}"' in source


@pytest.mark.parametrize("builder", [staff_requests, staff_billing])
def test_the_pages_build_in_each_language(builder):
    for lang in ("fr", "en", "ar"):
        assert builder(lang) is not None


def test_a_french_requests_page_refuses_and_checks_in_french(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    token = signed_in_token(create_account("karim@atlas.ma"))
    state = staff_state(StaffDpoState, cookie=f"oktra_staff={token}", path="/fr/staff/requests")
    redirect = run_handler(StaffDpoState.open_page, state)
    assert "/fr/staff/signin" in str(redirect)
    run_handler(StaffDpoState.open_request, state, "1")
    assert state.error == t("fr", DENIED) != DENIED

    _staff_id, token = staff_token("dpo")
    state = staff_state(StaffDpoState, cookie=f"oktra_staff={token}", path="/fr/staff/requests")
    run_handler(StaffDpoState.open_page, state)
    run_handler(StaffDpoState.open_request, state, "999999")
    assert state.error == "Demande introuvable."
    form = {**POSTED, "channel": "fax", "right": "", "received_on": "2999-01-01"}
    run_handler(StaffDpoState.register, state, form)
    assert state.errors["channel"] == "Choisissez e-mail ou courrier."
    assert state.errors["received_on"] == "La date de réception est dans le futur."
    assert state.errors["right"] == t("fr", "Choose what your request is about.")
    run_handler(StaffDpoState.register, state, POSTED)
    assert state.errors == {} and state.message.endswith("le demandeur est prévenu par e-mail.")
    assert state.detail["status"] == "reçue" and state.detail["user"] == "pas de compte"
    run_handler(StaffDpoState.add_note, state, {"note": ""})
    assert state.error == "Rédigez une note de 1 à 1 000 caractères."


def test_an_english_requests_page_keeps_its_english_messages(engine):
    _staff_id, token = staff_token("dpo")
    state = staff_state(StaffDpoState, cookie=f"oktra_staff={token}", path="/staff/requests")
    run_handler(StaffDpoState.open_request, state, "999999")
    assert state.error == "No such request."
    run_handler(StaffDpoState.register, state, {**POSTED, "channel": "fax"})
    assert state.errors == {"channel": "Choose email or post."}


def _today() -> str:
    return to_morocco(utc_now()).date().isoformat()


def test_a_french_billing_page_refuses_and_checks_in_french(engine):
    with session_scope() as session:
        oid = new_order(session, now=utc_now()).oid
    _staff_id, token = staff_token("technical")
    state = staff_state(StaffBillingState, cookie=f"oktra_staff={token}", path="/fr/staff/billing")
    run_handler(StaffBillingState.choose, state, oid)
    assert state.error == t("fr", DENIED) != DENIED

    _staff_id, token = staff_token("support")
    state = staff_state(StaffBillingState, cookie=f"oktra_staff={token}", path="/fr/staff/billing")
    run_handler(StaffBillingState.open_page, state)
    assert state.rows[0]["provider"] == "virement bancaire"
    run_handler(StaffBillingState.choose, state, "NO-SUCH-ORDER")
    assert state.error == "Cette commande n'est pas un virement bancaire en attente."
    run_handler(StaffBillingState.choose, state, oid)
    run_handler(StaffBillingState.confirm, state, {"reference": "", "received_on": _today()})
    assert state.error == (
        "Indiquez la référence du virement donnée par la banque (64 caractères au maximum)."
    )
    run_handler(StaffBillingState.confirm, state, {"reference": "VIR-9", "received_on": _today()})
    assert state.error == "" and state.message.startswith(f"La commande {oid} est payée (")
