"""`oktra billing status|refund`: ask CMI's back-office API (or the simulator's) about an
order, or refund it. The order must be ours; a refund is recorded on it."""

from __future__ import annotations

import argparse
import logging
import sys
from decimal import Decimal, InvalidOperation

from oktra.core.errors import OktraError

logger = logging.getLogger(__name__)


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _known_order(oid: str):
    from oktra.billing.payments import order_by_oid
    from oktra.db import session_scope

    with session_scope() as session:
        order = order_by_oid(session=session, oid=oid)
        if order is None:
            raise OktraError(f"no order {oid!r} in OKTRA")
        return order.amount


def cmd_billing_status(args: argparse.Namespace) -> int:
    from oktra.integrations.cmi_api import CmiApi
    from oktra.settings import get_settings

    _known_order(args.oid)
    status = CmiApi.from_settings(get_settings()).order_status(args.oid)
    _out(
        f"order {args.oid}: {status.response} ({status.proc_return_code}) status "
        f"{status.status or '-'}, captured {status.captured or 0}, refunded {status.refunded or 0}"
        + (f"; {status.error_message}" if status.error_message else "")
    )
    return 0 if status.approved else 1


def cmd_billing_refund(args: argparse.Namespace) -> int:
    from oktra.billing.payments import record_refund
    from oktra.core.clock import utc_now
    from oktra.db import session_scope
    from oktra.integrations.cmi_api import CmiApi
    from oktra.settings import get_settings

    paid = _known_order(args.oid)
    try:
        amount = Decimal(args.amount) if args.amount else None
    except InvalidOperation as exc:
        raise OktraError(f"not an amount: {args.amount!r}") from exc
    result = CmiApi.from_settings(get_settings()).refund(args.oid, amount)
    if not result.approved:
        _out(f"refund of {args.oid} refused: {result.error_message or result.response}")
        return 1
    with session_scope() as session:
        record_refund(session=session, oid=args.oid, amount=amount or paid, now=utc_now())
    _out(f"refunded {amount or paid} MAD of order {args.oid} ({result.transaction_id})")
    return 0


def register(groups: argparse._SubParsersAction, add) -> None:
    """The `billing` commands of the `oktra` parser."""
    billing = groups.add_parser("billing", help="payments at CMI").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    status = add(billing, "status", "what CMI knows of an order", cmd_billing_status)
    status.add_argument("oid", help="the order id")
    refund = add(billing, "refund", "refund an order at CMI (all, or --amount)", cmd_billing_refund)
    refund.add_argument("oid", help="the order id")
    refund.add_argument("--amount", default=None, help="dirhams to refund, e.g. 100.00")
