"""POST /notifications/ses: SES bounce, complaint and send events, delivered by Amazon SNS.

Every message's signature is verified against the certificate SNS names (fetched over HTTPS
from an amazonaws.com host only); only the topics of OKTRA_SES_SNS_TOPIC_ARNS are accepted, since
anyone can sign messages from a topic of their own. A forged or foreign message changes nothing.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from oktra.core.clock import utc_now
from oktra.core.http import SNS_MESSAGE, accepts
from oktra.db import session_scope
from oktra.integrations import sns
from oktra.notifications.suppression import apply_ses_event
from oktra.settings import get_settings

logger = logging.getLogger(__name__)

# The certificate fetcher (module attribute: the tests put their own certificate here).
fetch_certificate = sns.CertificateCache()


def allowed_topics() -> set[str]:
    """The SNS topics whose messages are accepted."""
    return {arn.strip() for arn in get_settings().ses_sns_topic_arns.split(",") if arn.strip()}


def receive(body: bytes) -> tuple[int, str]:
    """Verify and apply one SNS message; (HTTP status, short answer)."""
    try:
        message = sns.verify_message(body, fetch_certificate=fetch_certificate, now=utc_now())
    except sns.SnsError as exc:
        logger.warning("SNS message refused: %s", exc)
        return 400, "refused"
    if message.topic_arn not in allowed_topics():
        logger.warning("SNS message from a topic not configured refused")
        return 403, "unknown topic"
    if message.type == "SubscriptionConfirmation":
        try:
            sns.confirm_subscription(message)
        except sns.SnsError as exc:
            logger.warning("SNS subscription not confirmed: %s", exc)
            return 502, "not confirmed"
        logger.info("SNS subscription confirmed for the configured topic")
        return 200, "confirmed"
    if message.type != "Notification":
        return 200, "ignored"
    try:
        event = sns.ses_event(message)
    except sns.SnsError as exc:
        logger.warning("SES event unreadable: %s", exc)
        return 400, "unreadable"
    with session_scope() as session:
        counts = apply_ses_event(session=session, event=event, now=utc_now())
    logger.info("SES %s event applied: %s", event.kind, counts)
    return 200, "ok"


@accepts(*SNS_MESSAGE)
async def ses_notifications(request: Request) -> PlainTextResponse:
    """Receive one SNS message (verification fetches a certificate: off the event loop)."""
    body = await request.body()
    status, answer = await run_in_threadpool(receive, body)
    return PlainTextResponse(answer, status_code=status)


ROUTES = [Route("/notifications/ses", ses_notifications, methods=["POST"])]
