"""Billing's HTTP routes (mounted with api_transformer): CMI's server-to-server callback
(plain-text answer), the browser's return from CMI, and the invoice PDFs of their owner."""

from __future__ import annotations

import logging
from urllib.parse import quote

from sqlalchemy.exc import OperationalError
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from oktra.accounts.models import User
from oktra.accounts.routes import frontend_url
from oktra.accounts.sessions import session_for_token, token_from_cookie_header
from oktra.billing.callbacks import FAILURE, handle_callback
from oktra.billing.checkout import invoice_pdf, owned_order, proforma_pdf
from oktra.billing.models import BillingOrder, Invoice
from oktra.billing.payments import OrderError
from oktra.core.clock import utc_now
from oktra.core.http import FORM, URLENCODED, accepts
from oktra.db import session_scope
from oktra.i18n import DEFAULT_LANGUAGE
from oktra.settings import get_settings

logger = logging.getLogger(__name__)

MAX_FIELDS = 200
ATTEMPTS = 5
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


async def _form(request: Request) -> dict[str, str]:
    posted = await request.form(max_fields=MAX_FIELDS)
    return {name: value for name, value in posted.items() if isinstance(value, str)}


@accepts(URLENCODED)
async def cmi_callback(request: Request) -> PlainTextResponse:
    """Verify and apply one callback; a database busy past a few tries answers FAILURE, which
    CMI retries later (the application is idempotent, so a retry is safe)."""
    form = await _form(request)
    store_key = get_settings().cmi_store_key.get_secret_value()
    for _attempt in range(ATTEMPTS):
        try:
            with session_scope() as session:
                outcome = handle_callback(
                    session=session, form=form, store_key=store_key, now=utc_now()
                )
            return PlainTextResponse(outcome.answer)
        except OperationalError:
            logger.warning("cmi callback for order %r: database busy, retrying", form.get("oid"))
    return PlainTextResponse(FAILURE)


@accepts(*FORM)
async def cmi_return(request: Request) -> Response:
    """The browser back from CMI (okUrl or failUrl): only the order id is read, and the page
    shows the order as the callback left it; nothing here changes an order."""
    form = await _form(request) if request.method == "POST" else dict(request.query_params)
    oid = str(form.get("oid", ""))[:40]
    with session_scope() as session:
        order = session.exec(select(BillingOrder).where(BillingOrder.oid == oid)).first()
        lang = order.language if order else DEFAULT_LANGUAGE
    target = f"/{lang}/billing/order?oid={quote(oid)}" if order else f"/{lang}/billing"
    return RedirectResponse(f"{frontend_url()}{target}", status_code=303)


def _signed_in_user(request: Request, session) -> User | None:
    signed_in = session_for_token(
        session=session,
        token=token_from_cookie_header(request.headers.get("cookie", "")),
        now=utc_now(),
    )
    return session.get(User, signed_in.user_id) if signed_in else None


def _pdf(content: bytes, filename: str) -> Response:
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type="application/pdf", headers=headers)


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)


async def download_invoice(request: Request) -> Response:
    """An invoice PDF for its signed-in owner; 404 to anyone else."""
    number = request.path_params["number"]
    with session_scope() as session:
        user = _signed_in_user(request, session)
        invoice = session.exec(select(Invoice).where(Invoice.number == number)).first()
        if user is None or invoice is None or invoice.user_id != user.id:
            return _not_found()
        content = invoice_pdf(session=session, invoice=invoice, settings=get_settings())
    return _pdf(content, f"{number}.pdf")


async def download_proforma(request: Request) -> Response:
    """The proforma of the owner's pending bank-transfer order; 404 to anyone else."""
    oid = request.path_params["oid"]
    with session_scope() as session:
        user = _signed_in_user(request, session)
        order = owned_order(session=session, user_id=user.id, oid=oid) if user else None
        if order is None:
            return _not_found()
        try:
            content = proforma_pdf(order=order, user=user, settings=get_settings())
        except OrderError:
            return _not_found()
    return _pdf(content, f"proforma-{oid}.pdf")


ROUTES = [
    Route("/billing/cmi/callback", cmi_callback, methods=["POST"]),
    Route("/billing/cmi/ok", cmi_return, methods=["GET", "POST"]),
    Route("/billing/cmi/fail", cmi_return, methods=["GET", "POST"]),
    Route("/billing/invoices/{number}", download_invoice, methods=["GET"]),
    Route("/billing/proforma/{oid}", download_proforma, methods=["GET"]),
]
