"""The staff permission matrix: which role reads which data category and may take which action."""

from __future__ import annotations

from enum import StrEnum

from oktra.privacy.registry import Category


class Role(StrEnum):
    """The internal team of policy section 5, plus the DPO and the administrators."""

    SUPPORT = "support"
    TECHNICAL = "technical"
    DEVELOPMENT = "development"
    DPO = "dpo"
    ADMIN = "admin"


class Action(StrEnum):
    """What a staff member may ask of the back office; one service function each."""

    FIND_USERS = "find_users"
    READ_USER = "read_user"
    READ_CONSENT_HISTORY = "read_consent_history"
    READ_SECURITY_EVENTS = "read_security_events"
    READ_STATISTICS = "read_statistics"
    LIST_STAFF = "list_staff"
    DISABLE_STAFF = "disable_staff"
    PUBLISH_POLICY = "publish_policy"
    SEND_SERVICE_UPDATE = "send_service_update"
    SEND_PRODUCT_NEWS = "send_product_news"
    MANAGE_DPO_REQUESTS = "manage_dpo_requests"
    CONFIRM_BANK_TRANSFERS = "confirm_bank_transfers"
    MANAGE_ANOMALIES = "manage_anomalies"
    DISABLE_USER = "disable_user"
    READ_AUDIT_TRAIL = "read_audit_trail"
    READ_OPERATIONS = "read_operations"


class PermissionDeniedError(PermissionError):
    """The acting staff member's role does not allow this (or the member is disabled)."""


# Least privilege: each role reads only the categories its job needs.
READS: dict[Role, frozenset[Category]] = {
    Role.SUPPORT: frozenset({Category.ACCOUNT, Category.ALERT, Category.SUPPORT}),
    Role.TECHNICAL: frozenset({Category.SECURITY, Category.BROWSING}),
    Role.DEVELOPMENT: frozenset(),
    Role.DPO: frozenset(Category),
    Role.ADMIN: frozenset({Category.SECURITY}),
}

ACTIONS: dict[Role, frozenset[Action]] = {
    Role.SUPPORT: frozenset(
        {
            Action.FIND_USERS,
            Action.READ_USER,
            Action.READ_STATISTICS,
            Action.CONFIRM_BANK_TRANSFERS,
            Action.DISABLE_USER,
        }
    ),
    Role.TECHNICAL: frozenset(
        {
            Action.READ_USER,
            Action.READ_SECURITY_EVENTS,
            Action.READ_STATISTICS,
            Action.READ_OPERATIONS,
        }
    ),
    Role.DEVELOPMENT: frozenset({Action.READ_STATISTICS, Action.READ_OPERATIONS}),
    Role.DPO: frozenset(
        {
            Action.FIND_USERS,
            Action.READ_USER,
            Action.READ_CONSENT_HISTORY,
            Action.READ_STATISTICS,
            Action.PUBLISH_POLICY,
            Action.MANAGE_DPO_REQUESTS,
            Action.READ_AUDIT_TRAIL,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Action.FIND_USERS,
            Action.READ_USER,
            Action.READ_SECURITY_EVENTS,
            Action.READ_STATISTICS,
            Action.LIST_STAFF,
            Action.DISABLE_STAFF,
            Action.PUBLISH_POLICY,
            Action.SEND_SERVICE_UPDATE,
            Action.SEND_PRODUCT_NEWS,
            Action.CONFIRM_BANK_TRANSFERS,
            Action.MANAGE_ANOMALIES,
            Action.DISABLE_USER,
            Action.READ_AUDIT_TRAIL,
            Action.READ_OPERATIONS,
        }
    ),
}

ACTION_NOTES: dict[Action, str] = {
    Action.FIND_USERS: (
        "part of an email or company name, or an id; shows ids, masked emails and statuses only"
    ),
    Action.READ_USER: "the role's categories only; a reason; one audit event per category",
    Action.READ_CONSENT_HISTORY: "consent proofs of one user; a reason; audited",
    Action.READ_SECURITY_EVENTS: "security events, all or one user's; a reason; audited",
    Action.READ_STATISTICS: "counts only, no personal data",
    Action.LIST_STAFF: "the staff accounts and their roles",
    Action.DISABLE_STAFF: "ends the member's sessions; audited",
    Action.PUBLISH_POLICY: "makes the shipped policy or terms the version in force; audited",
    Action.SEND_SERVICE_UPDATE: "emails every active user (no consent needed); audited",
    Action.SEND_PRODUCT_NEWS: "emails the users who consent to product news; audited",
    Action.MANAGE_DPO_REQUESTS: "opening a request is audited; each step emails the requester",
    Action.CONFIRM_BANK_TRANSFERS: (
        "lists the transfers to confirm (audited); confirming a pending transfer starts its "
        "period once; audited"
    ),
    Action.MANAGE_ANOMALIES: (
        "the incidents the detection rules raised (hashes, counts, no personal data); "
        "acknowledging one with a note is audited"
    ),
    Action.DISABLE_USER: (
        "suspends a customer account (sessions ended, sign-in and emails stopped) or lifts the "
        "suspension; a reason; audited"
    ),
    Action.READ_AUDIT_TRAIL: (
        "the audit trail filtered by staff, user, action and date, and its CSV export; each "
        "read and export is itself audited"
    ),
    Action.READ_OPERATIONS: (
        "tenders and imports, scheduled job runs, the email outbox and suppressions: counts, "
        "outcomes and errors, no addresses or names"
    ),
}

MATRIX_START = "<!-- matrix:start (generated by oktra.admin.roles.render_matrix) -->"
MATRIX_END = "<!-- matrix:end -->"


def may_read(role: Role, category: Category) -> bool:
    """Whether the role may read personal data of this category."""
    return category in READS[role]


def may_act(role: Role, action: Action) -> bool:
    """Whether the role may take this action."""
    return action in ACTIONS[role]


def render_matrix() -> str:
    """The two Markdown tables of docs/staff-roles.md, generated from READS and ACTIONS."""
    roles = list(Role)
    header = "| | " + " | ".join(role.value for role in roles) + " |"
    rule = "| --- |" + " :---: |" * len(roles)
    reads = [
        f"| {category.value} | "
        + " | ".join("read" if may_read(role, category) else "–" for role in roles)
        + " |"
        for category in Category
    ]
    acts = [
        f"| `{action.value}` | "
        + " | ".join("yes" if may_act(role, action) else "–" for role in roles)
        + f" | {ACTION_NOTES[action]} |"
        for action in Action
    ]
    return "\n".join(
        [
            "Personal-data categories each role may read:",
            "",
            header.replace("| |", "| category |", 1),
            rule,
            *reads,
            "",
            "Actions each role may take:",
            "",
            header.replace("| |", "| action |", 1) + " notes |",
            rule + " --- |",
            *acts,
        ]
    )


def with_matrix(document: str) -> str:
    """The document with the text between the matrix markers replaced by render_matrix()."""
    before, _, rest = document.partition(MATRIX_START)
    _, _, after = rest.partition(MATRIX_END)
    return f"{before}{MATRIX_START}\n{render_matrix()}\n{MATRIX_END}{after}"
