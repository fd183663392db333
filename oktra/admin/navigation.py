"""The back office's pages and which action opens each: the menu shows a staff member only the
pages their role may use (the pages themselves still check on the server)."""

from __future__ import annotations

from oktra.admin.communications import PAGE_ACTIONS
from oktra.admin.roles import Action, Role, may_act
from oktra.admin.users import PAGE_ACTIONS as USERS_PAGE_ACTIONS
from oktra.i18n import N_

# The team's default language: /staff/… pages are English; /fr/staff/… and /ar/staff/… too.
STAFF_LANGUAGE = "en"

STAFF_PAGES: tuple[tuple[str, str, tuple[Action, ...]], ...] = (
    ("/staff/users", N_("Users"), USERS_PAGE_ACTIONS),
    ("/staff/statistics", N_("Statistics"), (Action.READ_STATISTICS,)),
    ("/staff/operations", N_("Operations"), (Action.READ_OPERATIONS,)),
    ("/staff/audit", N_("Audit trail"), (Action.READ_AUDIT_TRAIL,)),
    ("/staff/anomalies", N_("Anomalies"), (Action.MANAGE_ANOMALIES,)),
    ("/staff/requests", N_("DPO requests"), (Action.MANAGE_DPO_REQUESTS,)),
    ("/staff/policy", N_("Legal texts"), tuple(PAGE_ACTIONS)),
    ("/staff/billing", N_("Bank transfers"), (Action.CONFIRM_BANK_TRANSFERS,)),
)


def pages_for(role: str) -> list[dict[str, str]]:
    """The menu of a role: the pages one of whose actions the role may take."""
    if role not in {r.value for r in Role}:
        return []
    return [
        {"href": href, "label": label}
        for href, label, actions in STAFF_PAGES
        if any(may_act(Role(role), action) for action in actions)
    ]


def staff_href(lang: str, slug: str) -> str:
    """The address of a back-office page in a language (English has no prefix)."""
    prefix = "" if lang == STAFF_LANGUAGE else f"/{lang}"
    return f"{prefix}/staff/{slug}"
