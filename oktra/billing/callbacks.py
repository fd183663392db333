"""CMI's server-to-server callback (Reflex-free): verified, matched, applied once, logged.

The answer follows CMI's notes: `ACTION=POSTAUTH` captures an approved payment, `APPROVED`
acknowledges a decline, `FAILURE` refuses (bad hash, unknown order, other amount or currency,
a decline arriving after the approval). A callback already applied gets the first answer
again and changes nothing. What is logged (a `gateway_callback` row and one log line) holds
the order id, the outcome and the gateway's return code: never a card field, never a secret.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from oktra.billing.models import DECLINED, PAID, GatewayCallback
from oktra.billing.payments import apply_payment, order_by_oid
from oktra.integrations.cmi import format_amount, verify_callback

logger = logging.getLogger(__name__)

CAPTURE, ACKNOWLEDGED, FAILURE = "ACTION=POSTAUTH", "APPROVED", "FAILURE"
APPROVED_CODE = "00"


@dataclass(frozen=True)
class CallbackOutcome:
    """What a callback did, and the body to answer CMI with."""

    outcome: str
    answer: str


def _outcome(session: Session, form: Mapping[str, str], store_key: str, now: datetime):
    if not verify_callback(form, store_key):
        return CallbackOutcome("bad_hash", FAILURE)
    order = order_by_oid(session=session, oid=form.get("oid", ""))
    if order is None:
        return CallbackOutcome("unknown_order", FAILURE)
    if form.get("amount") != format_amount(order.amount) or form.get("currency") != (
        order.currency
    ):
        return CallbackOutcome("amount_mismatch", FAILURE)
    if form.get("ProcReturnCode") == APPROVED_CODE and form.get("Response") == "Approved":
        applied = apply_payment(
            session=session, order=order, now=now, transaction_id=form.get("TransId") or None
        )
        return CallbackOutcome("approved" if applied else "approved_again", CAPTURE)
    if order.status == PAID:
        return CallbackOutcome("declined_after_approval", FAILURE)
    order.status = DECLINED
    order.failure = (form.get("ErrMsg") or form.get("Response") or "")[:200]
    return CallbackOutcome("declined", ACKNOWLEDGED)


def handle_callback(
    *, session: Session, form: Mapping[str, str], store_key: str, now: datetime
) -> CallbackOutcome:
    """Apply one callback and log it, in the caller's transaction; the answer for CMI."""
    outcome = _outcome(session, form, store_key, now)
    oid = str(form.get("oid", ""))[:40]
    session.add(
        GatewayCallback(
            oid=oid,
            received_at=now,
            outcome=outcome.outcome,
            proc_return_code=str(form.get("ProcReturnCode", ""))[:10],
            answer=outcome.answer,
        )
    )
    session.flush()
    logger.info("cmi callback for order %r: %s, answered %s", oid, outcome.outcome, outcome.answer)
    return outcome
