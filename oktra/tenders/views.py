"""Tenders as a page shows them: labels translated, times on Casablanca time, amounts in MAD,
and every field the source lacked marked as demo-generated."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

from oktra.i18n import N_, format_datetime, format_money, t
from oktra.tenders.gazetteer import REGION_LABELS, load_gazetteer
from oktra.tenders.models import (
    CATEGORY_LABELS,
    CHANGE_LABELS,
    DEMO_GENERATED_LABEL,
    STATUS_LABELS,
    Buyer,
    Status,
    Tender,
    TenderChange,
)
from oktra.tenders.sectors import LABELS as SECTOR_LABELS

FIELD_LABELS = {
    "reference": N_("Reference"),
    "buyer": N_("Buyer"),
    "category": N_("Category"),
    "procedure": N_("Procedure"),
    "sectors": N_("Sectors"),
    "region": N_("Region"),
    "place_of_execution": N_("Place of execution"),
    "estimate": N_("Estimate"),
    "guarantee": N_("Provisional guarantee"),
    "reserved_sme": N_("Reserved for small businesses"),
    "qualifications": N_("Qualifications"),
    "published_at": N_("Published"),
    "deadline_at": N_("Submission deadline"),
    "site_visit_at": N_("Site visit"),
    "meeting_at": N_("Meeting"),
    "lots": N_("Lots"),
    "documents_url": N_("Tender documents"),
    "status": N_("Status"),
    "award": N_("Award"),
}


def _when(value: datetime | None, lang: str) -> str:
    return format_datetime(value, lang, "medium") if value else ""


def _money(value: Decimal | None, lang: str) -> str:
    return format_money(value, lang) if value is not None else ""


def _place(tender: Tender, lang: str) -> str:
    region = t(lang, REGION_LABELS.get(tender.region, "")) if tender.region else ""
    provinces = load_gazetteer().provinces
    province = provinces[tender.province][2].split("|")[0] if tender.province in provinces else ""
    return " · ".join(part for part in (province, region) if part)


def tender_summary(tender: Tender, buyer: Buyer, lang: str) -> dict[str, str]:
    """The few fields a list of tenders shows."""
    return {
        "id": str(tender.id),
        "title": tender.title,
        "buyer": buyer.name,
        "place": _place(tender, lang),
        "deadline": _when(tender.deadline_at, lang),
        "estimate": _money(tender.estimate, lang),
        "status": t(lang, STATUS_LABELS.get(tender.status, tender.status)),
        "demo": "yes" if tender.generated_fields else "",
    }


def tender_fields(tender: Tender, buyer: Buyer, lang: str) -> list[dict[str, str]]:
    """Every field of a tender as label/value rows, each saying whether it is demo-generated."""
    yes_no = {True: t(lang, "Yes"), False: t(lang, "No"), None: ""}
    values = {
        "reference": tender.reference,
        "buyer": buyer.name,
        "category": t(lang, CATEGORY_LABELS.get(tender.category, "")) if tender.category else "",
        "procedure": tender.procedure or "",
        "sectors": ", ".join(
            t(lang, SECTOR_LABELS[code]) for code in tender.sectors if code in SECTOR_LABELS
        ),
        "region": _place(tender, lang),
        "place_of_execution": tender.place_of_execution or "",
        "estimate": _money(tender.estimate, lang),
        "guarantee": _money(tender.guarantee, lang),
        "reserved_sme": yes_no[tender.reserved_sme],
        "qualifications": tender.qualifications or "",
        "published_at": _when(tender.published_at, lang),
        "deadline_at": _when(tender.deadline_at, lang),
        "site_visit_at": _when(tender.site_visit_at, lang),
        "meeting_at": _when(tender.meeting_at, lang),
        "lots": ", ".join(
            str(lot.get("title", lot)) if isinstance(lot, dict) else str(lot) for lot in tender.lots
        ),
        "documents_url": tender.documents_url or "",
        "status": t(lang, STATUS_LABELS.get(tender.status, tender.status)),
        "award": " · ".join(
            part for part in (tender.award_company or "", _money(tender.award_amount, lang)) if part
        ),
    }
    generated = set(tender.generated_fields)
    return [
        {
            "key": key,
            "label": t(lang, FIELD_LABELS[key]),
            "value": value,
            "demo": t(lang, DEMO_GENERATED_LABEL) if key in generated else "",
        }
        for key, value in values.items()
        if value
    ]


SOURCE_LABELS = {
    "pmmp": N_("Moroccan public procurement portal (marchespublics.gov.ma)"),
    "ocds": N_("Open Contracting (OCDS) publication"),
    "demo": N_("Demonstration notice derived from the procurement portal"),
}


def source_label(tender: Tender, lang: str) -> str:
    """Where a notice comes from, and its identifier there."""
    name = t(lang, SOURCE_LABELS.get(tender.source, tender.source))
    return f"{name} · {tender.source_id}"


def award_rows(rows: list[tuple[Tender, Buyer]], lang: str) -> list[dict[str, str]]:
    """Past awards: who won, for how much, when."""
    return [
        {
            "id": str(tender.id),
            "title": tender.title,
            "buyer": buyer.name,
            "company": tender.award_company or "",
            "amount": _money(tender.award_amount, lang) or t(lang, "Amount not published"),
            "published": _when(tender.published_at, lang),
        }
        for tender, buyer in rows
    ]


def history_rows(changes: list[TenderChange], lang: str) -> list[dict[str, str]]:
    """A tender's history, oldest first."""
    return [
        {
            "when": _when(change.changed_at, lang),
            "what": t(lang, CHANGE_LABELS.get(change.kind, change.kind)),
            "fields": ", ".join(sorted(change.changes)),
        }
        for change in changes
    ]


def latest_open(*, session: Session, limit: int = 30) -> list[tuple[Tender, Buyer]]:
    """The open tenders with the nearest deadlines first."""
    rows = session.execute(
        select(Tender, Buyer)
        .join(Buyer, Buyer.id == Tender.buyer_id)
        .where(Tender.status == Status.OPEN)
        .order_by(Tender.deadline_at.is_(None), Tender.deadline_at, Tender.id)
        .limit(limit)
    ).all()
    return [(tender, buyer) for tender, buyer in rows]


def tender_with_buyer(*, session: Session, tender_id: int) -> tuple[Tender, Buyer] | None:
    """One tender and its buyer, if it exists."""
    row = session.execute(
        select(Tender, Buyer).join(Buyer, Buyer.id == Tender.buyer_id).where(Tender.id == tender_id)
    ).first()
    return (row[0], row[1]) if row else None
