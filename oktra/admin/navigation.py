"""The back office's pages and which action opens each: the menu shows a staff member only the
pages their role may use (the pages themselves still check on the server)."""

from __future__ import annotations

from oktra.admin.communications import PAGE_ACTIONS
from oktra.admin.roles import Action, Role, may_act
from oktra.admin.users import PAGE_ACTIONS as USERS_PAGE_ACTIONS

STAFF_PAGES: tuple[tuple[str, str, tuple[Action, ...]], ...] = (
    ("/staff/users", "Users", USERS_PAGE_ACTIONS),
    ("/staff/statistics", "Statistics", (Action.READ_STATISTICS,)),
    ("/staff/operations", "Operations", (Action.READ_OPERATIONS,)),
    ("/staff/audit", "Audit trail", (Action.READ_AUDIT_TRAIL,)),
    ("/staff/anomalies", "Anomalies", (Action.MANAGE_ANOMALIES,)),
    ("/staff/requests", "DPO requests", (Action.MANAGE_DPO_REQUESTS,)),
    ("/staff/policy", "Legal texts", tuple(PAGE_ACTIONS)),
    ("/staff/billing", "Bank transfers", (Action.CONFIRM_BANK_TRANSFERS,)),
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
