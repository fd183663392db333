"""The legal texts, statistics and anomalies pages in French: the builders take the language,
the states answer in the language of the page that sent the event (/fr/staff/…)."""

from __future__ import annotations

import pytest

from oktra.admin.anomaly_models import Anomaly
from oktra.admin.anomaly_pages import staff_anomalies
from oktra.admin.anomaly_state import StaffAnomaliesState
from oktra.admin.policy_pages import staff_policy
from oktra.admin.policy_state import StaffPolicyState
from oktra.admin.state import DENIED
from oktra.admin.statistics_pages import staff_statistics
from oktra.admin.statistics_state import StaffStatisticsState
from oktra.db import session_scope
from oktra.i18n import t
from tests.unit.accounts.conftest import run_handler
from tests.unit.admin.conftest import staff_state, staff_token

UPDATE = {
    "kind": "service_update",
    **{f"subject_{lang}": "Maintenance" for lang in ("en", "fr", "ar")},
    **{f"body_{lang}": "Dimanche 02:00-04:00." for lang in ("en", "fr", "ar")},
}


@pytest.mark.parametrize(
    ("builder", "french"),
    [
        (staff_policy, "Annonces"),
        (staff_policy, "Envoyer"),
        (staff_statistics, "Pages vues et visiteurs par jour"),
        (staff_anomalies, "Aucun incident."),
    ],
)
def test_the_french_page_is_written_in_french(builder, french):
    assert french in str(builder("fr"))
    assert french not in str(builder("en"))


def test_the_french_policy_page_refuses_and_validates_in_french(engine):
    _id, token = staff_token("support")
    state = staff_state(StaffPolicyState, cookie=f"oktra_staff={token}", path="/fr/staff/policy")
    run_handler(StaffPolicyState.open_page, state)
    run_handler(StaffPolicyState.prepare, state, UPDATE)
    assert state.error == t("fr", DENIED) != DENIED
    _id, token = staff_token("admin")
    state = staff_state(StaffPolicyState, cookie=f"oktra_staff={token}", path="/fr/staff/policy")
    run_handler(StaffPolicyState.open_page, state)
    run_handler(StaffPolicyState.prepare, state, {**UPDATE, "body_ar": " "})
    assert state.error == ("un objet et un message sont requis en anglais, en français et en arabe")
    run_handler(StaffPolicyState.prepare, state, UPDATE)
    assert state.confirm_text == (
        "Envoyer la mise à jour du service « Maintenance » à 0 utilisateur(s) ?"
    )


def test_the_french_anomalies_page_answers_in_french(engine):
    with session_scope() as session:
        incident = Anomaly(rule="signin_failures_account", subject="ab" * 32, events=12)
        session.add(incident)
        session.flush()
        anomaly_id = incident.id
    _id, token = staff_token("admin")
    path = "/fr/staff/anomalies"
    state = staff_state(StaffAnomaliesState, cookie=f"oktra_staff={token}", path=path)
    run_handler(StaffAnomaliesState.open_page, state)
    run_handler(StaffAnomaliesState.acknowledge, state, {"anomaly_id": "x", "note": "Vu."})
    assert state.error == "Cette anomalie n'existe pas."
    run_handler(StaffAnomaliesState.acknowledge, state, {"anomaly_id": str(anomaly_id), "note": ""})
    assert state.error.startswith("Saisissez une note de 1 à 1000 caractères")
    run_handler(
        StaffAnomaliesState.acknowledge, state, {"anomaly_id": str(anomaly_id), "note": "Vu."}
    )
    assert state.message == f"Anomalie n° {anomaly_id} prise en compte."
    _id, token = staff_token("support", "support@oktra.ma")
    state = staff_state(StaffAnomaliesState, cookie=f"oktra_staff={token}", path=path)
    run_handler(
        StaffAnomaliesState.acknowledge, state, {"anomaly_id": str(anomaly_id), "note": "Vu."}
    )
    assert state.error == t("fr", DENIED) != DENIED


def test_the_french_statistics_page_sends_a_stranger_to_the_french_sign_in(engine):
    for path, signin in (
        ("/fr/staff/statistics", "/fr/staff/signin"),
        ("/staff/statistics", "/staff/signin"),
    ):
        state = staff_state(StaffStatisticsState, cookie="oktra_session=not-staff", path=path)
        redirect = run_handler(StaffStatisticsState.open_page, state)
        assert redirect is not None and signin in str(redirect)
        assert "/fr/staff/signin" not in str(redirect) or path.startswith("/fr")
