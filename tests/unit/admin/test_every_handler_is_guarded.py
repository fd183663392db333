"""Every event handler of every back-office page, called by a signed-in customer (with the
customer cookie, or the customer's token put in the staff cookie), by a disabled
administrator, and by every staff role the matrix excludes, with the client-side variables
forged as a browser could (`setvar`): it is refused, the database is left exactly as it was,
and nothing personal reaches the state sent to the browser.

A new handler fails `test_every_handler_is_listed` until it is added to HANDLERS."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select as sa_select

import oktra.admin
from oktra.accounts.models import User
from oktra.admin import audit, communications, users
from oktra.admin.anomaly_models import Anomaly
from oktra.admin.models import StaffMember
from oktra.admin.roles import Action, Role, may_act
from oktra.admin.state import DENIED, StaffSignInState, StaffState
from oktra.billing import payments
from oktra.billing.models import TRANSFER
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.models import METADATA
from oktra.privacy import requests
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token
from tests.unit.admin.conftest import staff_state, staff_token

for _module in pkgutil.iter_modules(oktra.admin.__path__):
    if _module.name.endswith("state"):
        importlib.import_module(f"oktra.admin.{_module.name}")

MARKERS = (
    "marker.person@secret-company.ma",
    "Marker Person",
    "Secret Company",
    "suspended.person@secret-company.ma",
    "nadia.requester@example.ma",
    "Nadia Requester",
    "marker reason",
)
# Session bookkeeping a request may touch (last seen); everything else must stay identical.
BOOKKEEPING = {"staff_session", "auth_session", "security_event"}


@dataclass(frozen=True)
class Seeded:
    """Ids of the data every call could reach."""

    user: int
    suspended: int
    request: int
    oid: str
    anomaly: int


@dataclass(frozen=True)
class Call:
    """What a handler needs: the actions that allow it (None: it reads and changes nothing),
    its arguments, and the client-side variables a forged browser would set first."""

    actions: tuple[Action, ...] | None
    args: Callable[[Seeded], tuple] = lambda _s: ()
    forged: Callable[[Seeded], dict] = field(default=lambda _s: {})


def _user(s: Seeded) -> dict:
    return {"user_id": s.user, "chosen_id": s.user}


SERVICE_UPDATE = {
    "kind": "service_update",
    **{f"subject_{lang}": "Maintenance" for lang in ("fr", "ar", "en")},
    **{f"body_{lang}": "Sunday night" for lang in ("fr", "ar", "en")},
}
DPO_FORM = {
    "channel": "email",
    "language": "fr",
    "right": "access",
    "name": "Nadia Requester",
    "email": "nadia.requester@example.ma",
    "message": "",
    "received_on": "",
}
BILLING = (Action.CONFIRM_BANK_TRANSFERS,)
DPO = (Action.MANAGE_DPO_REQUESTS,)
ANOMALIES = (Action.MANAGE_ANOMALIES,)
AUDIT = (Action.READ_AUDIT_TRAIL,)

HANDLERS: dict[tuple[str, str], Call] = {
    ("StaffUsersState", "open_page"): Call(users.PAGE_ACTIONS),
    ("StaffUsersState", "search"): Call(
        (Action.FIND_USERS,), lambda s: ({"query": "secret-company"},)
    ),
    ("StaffUsersState", "choose"): Call((Action.READ_USER,), lambda s: (str(s.user),)),
    ("StaffUsersState", "open_user"): Call(
        (Action.READ_USER,), lambda s: ({"reason": "checking"},), _user
    ),
    ("StaffUsersState", "suspend"): Call(
        (Action.DISABLE_USER,), lambda s: ({"reason": "fraud"},), _user
    ),
    ("StaffUsersState", "lift"): Call(
        (Action.DISABLE_USER,),
        lambda s: ({"reason": "cleared"},),
        lambda s: {"user_id": s.suspended},
    ),
    ("StaffUsersState", "cancel"): Call(None),
    ("StaffStatisticsState", "open_page"): Call((Action.READ_STATISTICS,)),
    ("StaffOperationsState", "open_page"): Call((Action.READ_OPERATIONS,)),
    ("StaffAuditState", "open_page"): Call(AUDIT),
    ("StaffAuditState", "apply"): Call(
        AUDIT, lambda s: ({"user": "marker.person@secret-company.ma"},)
    ),
    ("StaffAuditState", "export_csv"): Call(AUDIT),
    ("StaffAnomaliesState", "open_page"): Call(ANOMALIES),
    ("StaffAnomaliesState", "filter_by"): Call(ANOMALIES, lambda s: ("open",)),
    ("StaffAnomaliesState", "acknowledge"): Call(
        ANOMALIES, lambda s: ({"anomaly_id": str(s.anomaly), "note": "seen"},)
    ),
    ("StaffBillingState", "open_page"): Call(BILLING),
    ("StaffBillingState", "filter_status"): Call(BILLING, lambda s: ("pending",)),
    ("StaffBillingState", "filter_provider"): Call(BILLING, lambda s: (TRANSFER,)),
    ("StaffBillingState", "choose"): Call(BILLING, lambda s: (s.oid,)),
    ("StaffBillingState", "confirm"): Call(
        BILLING,
        lambda s: ({"reference": "VIR-2026-0042", "received_on": "2026-11-20"},),
        lambda s: {"selected": {"oid": s.oid, "confirmable": "true"}},
    ),
    ("StaffBillingState", "cancel"): Call(None),
    ("StaffDpoState", "open_page"): Call(DPO),
    ("StaffDpoState", "filter_by"): Call(DPO, lambda s: ("",)),
    ("StaffDpoState", "open_request"): Call(DPO, lambda s: (str(s.request),)),
    ("StaffDpoState", "add_note"): Call(
        DPO, lambda s: ({"note": "called back"},), lambda s: {"detail": {"id": str(s.request)}}
    ),
    ("StaffDpoState", "change_status"): Call(
        DPO,
        lambda s: ({"status": "in_progress", "answer": "on it"},),
        lambda s: {"detail": {"id": str(s.request)}},
    ),
    ("StaffDpoState", "register"): Call(DPO, lambda s: (DPO_FORM,)),
    ("StaffPolicyState", "open_page"): Call(tuple(communications.PAGE_ACTIONS)),
    ("StaffPolicyState", "publish"): Call(
        (Action.PUBLISH_POLICY,), lambda s: ({"document": "privacy", "substantial": "on"},)
    ),
    ("StaffPolicyState", "prepare"): Call(
        (Action.SEND_SERVICE_UPDATE,), lambda s: (SERVICE_UPDATE,)
    ),
    ("StaffPolicyState", "confirm"): Call((Action.SEND_SERVICE_UPDATE,)),
    ("StaffPolicyState", "cancel"): Call(None),
}
# Handlers every state has or that are not back-office actions.
EXEMPT = {
    "setvar": "sets one client variable; the forged variables below go through it",
    "submit": "StaffSignInState.submit is the sign-in itself",
}


def _states() -> dict[str, type[StaffState]]:
    found, todo = {}, list(StaffState.__subclasses__())
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    found.pop(StaffSignInState.__name__)
    return found


def test_every_handler_is_listed():
    listed = {
        (name, handler)
        for name, cls in _states().items()
        for handler in cls.event_handlers
        if handler not in EXEMPT
    }
    assert listed == set(HANDLERS)


def _seed() -> Seeded:
    now = utc_now()
    with session_scope() as session:
        user = User(
            email="marker.person@secret-company.ma",
            full_name="Marker Person",
            company_name="Secret Company SARL",
            email_verified_at=now,
        )
        suspended = User(
            email="suspended.person@secret-company.ma",
            full_name="Marker Person",
            disabled_at=now,
        )
        session.add_all([user, suspended])
        session.flush()
        order = payments.create_order(
            session=session,
            user=user,
            plan_code="business",
            billing_period="yearly",
            now=now,
            provider=TRANSFER,
        )
        request = requests.create_request(
            session=session,
            values={k: DPO_FORM[k] for k in ("right", "message", "name", "email")},
            lang="fr",
            received_at=now - timedelta(days=1),
        )
        requests.mark_verified(session=session, request=request, now=now, note="test")
        anomaly = Anomaly(rule="bulk_exports", subject="", events=20)
        session.add(anomaly)
        session.flush()
        writer = StaffMember(
            email="writer@oktra.ma",
            full_name="Writer",
            role="dpo",
            password_hash="x",
            totp_secret="x",
        )
        session.add(writer)
        session.flush()
        audit.record(
            session=session,
            staff=writer,
            action="read_user",
            reason="marker reason",
            now=now,
            user_id=user.id,
            subject=user.email,
        )
        return Seeded(user.id, suspended.id, request.id, order.oid, anomaly.id)


def _snapshot() -> dict[str, list]:
    with session_scope() as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(
                    sa_select(table).order_by(*table.primary_key.columns)
                ).all()
            ]
            for table in METADATA.sorted_tables
            if table.name not in BOOKKEEPING
        }


def _principals() -> list[tuple[str, str, str | None]]:
    """(label, cookie, role or None for a customer or a disabled member)."""
    token = signed_in_token(create_account("karim@atlas.ma"))
    principals = [
        ("customer", f"oktra_session={token}", None),
        ("customer token as staff cookie", f"oktra_staff={token}", None),
    ]
    disabled_id, disabled_token = staff_token("admin", "gone@oktra.ma")
    with session_scope() as session:
        member = session.get(StaffMember, disabled_id)
        member.active, member.disabled_at = False, utc_now()
    principals.append(("disabled admin", f"oktra_staff={disabled_token}", None))
    for role in Role:
        _staff_id, staff_cookie = staff_token(role.value)
        principals.append((role.value, f"oktra_staff={staff_cookie}", role.value))
    return principals


def _visible(state) -> str:
    return json.dumps(
        {name: getattr(state, name) for name in state.base_vars}, default=str, ensure_ascii=False
    )


@pytest.mark.parametrize(("state_name", "handler"), sorted(HANDLERS))
def test_the_handler_refuses_customers_disabled_staff_and_excluded_roles(
    engine, monkeypatch, state_name, handler
):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    call = HANDLERS[(state_name, handler)]
    state_class = _states()[state_name]
    page_call = HANDLERS[(state_name, "open_page")]
    actions = call.actions or page_call.actions
    seeded = _seed()
    refused = [
        (label, cookie)
        for label, cookie, role in _principals()
        if role is None or not any(may_act(Role(role), action) for action in actions)
    ]
    assert len(refused) >= 3
    for label, cookie in refused:
        state = staff_state(state_class, cookie=cookie)
        run_handler(state_class.open_page, state)
        for name, value in {"denied": False, "staff_role": "admin", **call.forged(seeded)}.items():
            setattr(state, name, value)
        if state_name == "StaffPolicyState":
            state._pending = {
                "kind": "service_update",
                "subject": {"fr": "x", "ar": "x", "en": "x"},
                "body": {"fr": "x", "ar": "x", "en": "x"},
            }
        before = _snapshot()
        run_handler(getattr(state_class, handler), state, *call.args(seeded))
        assert _snapshot() == before, f"{label}: {state_name}.{handler} changed the database"
        shown = _visible(state)
        leaked = [marker for marker in MARKERS if marker in shown]
        assert leaked == [], f"{label}: {state_name}.{handler} showed {leaked}"
        if call.actions is not None:
            assert state.denied or getattr(state, "error", "") == DENIED, (
                f"{label}: {state_name}.{handler} was not refused"
            )
