"""The private Atom feed of an alert (RFC 4287), served at /alerts/feed/{token}.

Built with the standard library's ElementTree, which escapes every text; the token is the only
credential, so an unknown or revoked one answers 404 like a missing page.
"""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from oktra.alerts.models import AlertMatch, SavedSearch
from oktra.core.clock import utc_now
from oktra.tenders.models import Buyer, Tender

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def atom_feed(
    alert: SavedSearch,
    matches: list[tuple[AlertMatch, Tender, Buyer]],
    *,
    base_url: str,
    lang: str,
) -> bytes:
    """An alert's latest matches as an Atom document."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base_url}/alerts/{alert.id}"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"OKTRA · {alert.name}"
    newest = max((match.matched_at for match, _t, _b in matches), default=alert.updated_at)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest or utc_now())
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "OKTRA"
    ET.SubElement(
        feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base_url}/{lang}/alerts"}
    )
    for match, tender, buyer in matches:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = f"{base_url}/{lang}/tenders/{tender.id}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}title").text = tender.title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(match.matched_at)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        deadline = tender.deadline_at.isoformat(timespec="minutes") if tender.deadline_at else ""
        summary = " · ".join(part for part in (buyer.name, tender.reference, deadline) if part)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
