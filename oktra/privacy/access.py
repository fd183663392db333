"""The right of access (Reflex-free): every datum OKTRA holds on a user, read from the registry.

Nothing here names a table or a column by hand: the tables, their columns, purposes and
retention come from the personal-data registry, so a newly registered table shows at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Table, func, select
from sqlmodel import Session

from oktra.accounts.models import User
from oktra.core.errors import NotFoundError
from oktra.i18n import N_, format_date, format_datetime, normalize_language, t
from oktra.models import METADATA
from oktra.privacy.policy import CATEGORY_LABELS
from oktra.privacy.registry import PersonalData, declarations_by_category

# Rows shown per table on the page; the export holds them all.
ROW_LIMIT = 50
# Read in pages of this many rows, so a heavy user's ledger never sits whole in memory twice.
FETCH_ROWS = 5000

COLUMN_LABELS = {
    "acknowledged_at": N_("Acknowledged on"),
    "action": N_("Action"),
    "address": N_("Address"),
    "amount": N_("Amount incl. VAT (MAD)"),
    "answer": N_("Answer"),
    "billing_period": N_("Billing period"),
    "by_email": N_("By email"),
    "category": N_("Data category"),
    "channel": N_("Channel"),
    "closed_at": N_("Closed on"),
    "disabled_at": N_("Suspended on"),
    "company_name": N_("Company"),
    "created_at": N_("Created on"),
    "criteria": N_("Criteria"),
    "customer_company": N_("Invoiced company"),
    "customer_ice": N_("Invoiced ICE"),
    "customer_name": N_("Invoiced name"),
    "detail": N_("Detail"),
    "due_at": N_("Due on"),
    "email": N_("Email"),
    "email_verified_at": N_("Email confirmed on"),
    "ends_at": N_("Ends on"),
    "event": N_("Event"),
    "expires_at": N_("Expires on"),
    "finished_at": N_("Finished on"),
    "frequency": N_("Frequency"),
    "full_name": N_("Full name"),
    "granted": N_("Granted"),
    "in_app": N_("In the app"),
    "issued_at": N_("Issued on"),
    "kind": N_("Type"),
    "language": N_("Language"),
    "last_seen_at": N_("Last used on"),
    "matched_at": N_("Matched on"),
    "message": N_("Message"),
    "name": N_("Name"),
    "number": N_("Number"),
    "oid": N_("Order"),
    "paid_at": N_("Paid on"),
    "pause_reason": N_("Reason for the pause"),
    "paused_at": N_("Paused on"),
    "period_end": N_("Period ends on"),
    "period_start": N_("Period starts on"),
    "phone": N_("Phone"),
    "plan_code": N_("Plan"),
    "policy_version": N_("Policy version"),
    "policy_version_id": N_("Policy version"),
    "provider": N_("Payment method"),
    "purpose": N_("Purpose"),
    "read_at": N_("Read on"),
    "reason": N_("Reason"),
    "received_at": N_("Received on"),
    "reference": N_("Reference"),
    "regions": N_("Regions"),
    "revoked_at": N_("Ended on"),
    "right": N_("Right"),
    "saved_search_id": N_("Alert"),
    "sectors": N_("Sectors"),
    "sent_at": N_("Sent on"),
    "staff_role": N_("Team role"),
    "starts_at": N_("Starts on"),
    "status": N_("Status"),
    "subject": N_("Subject"),
    "tender_id": N_("Tender"),
    "terms_version": N_("Terms version"),
    "to_address": N_("Recipient"),
    "updated_at": N_("Updated on"),
    "user_agent": N_("Browser"),
    "wording": N_("Wording shown"),
}
YES, NO = N_("Yes"), N_("No")


def column_label(name: str, lang: str) -> str:
    """A column's label in the language (its name, spaced, when none is written yet)."""
    label = COLUMN_LABELS.get(name)
    return t(lang, label) if label else name.replace("_", " ").capitalize()


def table_of(declaration: PersonalData) -> Table:
    """The table a declaration describes."""
    return METADATA.tables[declaration.table]


def is_tabular(declaration: PersonalData) -> bool:
    """Whether every exported column is a plain value (a CSV file can hold it)."""
    table = table_of(declaration)
    return not any(isinstance(table.c[name].type, JSON) for name in declaration.export_columns)


def user_row_count(*, session: Session, declaration: PersonalData, user_id: int) -> int:
    """How many rows of a registered table are linked to the user."""
    table = table_of(declaration)
    query = select(func.count()).select_from(table)
    return session.execute(query.where(table.c[declaration.user_link] == user_id)).scalar_one()


def user_rows(
    *,
    session: Session,
    declaration: PersonalData,
    user_id: int,
    limit: int | None = None,
    newest_first: bool = False,
) -> Iterator[tuple]:
    """The user's rows of a registered table: its export columns, in order of insertion."""
    table = table_of(declaration)
    key = table.c.id.desc() if newest_first else table.c.id
    query = (
        select(*(table.c[name] for name in declaration.export_columns))
        .where(table.c[declaration.user_link] == user_id)
        .order_by(key)
    )
    if limit is not None:
        query = query.limit(limit)
    result = session.execute(query.execution_options(yield_per=FETCH_ROWS))
    for partition in result.partitions():
        yield from partition


def shown_value(value: object, lang: str) -> str:
    """A stored value as a person reads it, in the language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t(lang, YES if value else NO)
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def data_overview(*, session: Session, user_id: int, lang: str) -> list[dict]:
    """Every datum OKTRA holds on the user, by category then table, in the user's language."""
    if session.get(User, user_id) is None:
        raise NotFoundError(f"no user {user_id}")
    lang = normalize_language(lang)
    overview = []
    for category, declarations in declarations_by_category().items():
        tables = []
        for declaration in declarations:
            labels = [column_label(name, lang) for name in declaration.export_columns]
            rows = [
                [
                    (label, shown_value(value, lang))
                    for label, value in zip(labels, row, strict=True)
                ]
                for row in user_rows(
                    session=session,
                    declaration=declaration,
                    user_id=user_id,
                    limit=ROW_LIMIT,
                    newest_first=True,
                )
            ]
            count = user_row_count(session=session, declaration=declaration, user_id=user_id)
            tables.append(
                {
                    "table": declaration.table,
                    "purpose": t(lang, declaration.purpose),
                    "retention": t(lang, declaration.retention),
                    "count": count,
                    "rows": rows,
                    "more": max(count - len(rows), 0),
                }
            )
        overview.append(
            {
                "category": category.value,
                "title": t(lang, CATEGORY_LABELS[category]),
                "tables": tables,
            }
        )
    return overview
