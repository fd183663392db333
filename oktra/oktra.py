"""The Reflex app: pages in every language, HTTP routes, and the scheduler's lifespan task."""

from __future__ import annotations

import reflex as rx

from oktra.accounts import pages as account_pages
from oktra.accounts import profile_pages
from oktra.accounts.profile_state import AccountState
from oktra.accounts.state import AuthState, PasswordResetState, VerifyState
from oktra.admin import pages as staff_pages
from oktra.admin.anomaly_pages import staff_anomalies
from oktra.admin.anomaly_state import StaffAnomaliesState
from oktra.admin.audit_pages import staff_audit
from oktra.admin.audit_state import StaffAuditState
from oktra.admin.billing_pages import staff_billing
from oktra.admin.billing_state import StaffBillingState
from oktra.admin.dpo_pages import staff_requests
from oktra.admin.dpo_state import StaffDpoState
from oktra.admin.navigation import staff_href
from oktra.admin.operations_pages import staff_operations
from oktra.admin.operations_state import StaffOperationsState
from oktra.admin.policy_pages import staff_policy
from oktra.admin.policy_state import StaffPolicyState
from oktra.admin.statistics_pages import staff_statistics
from oktra.admin.statistics_state import StaffStatisticsState
from oktra.admin.users_pages import staff_users
from oktra.admin.users_state import StaffUsersState
from oktra.alerts import pages as alert_pages
from oktra.alerts.state import AlertFormState, AlertsState
from oktra.alerts.unsubscribe_page import unsubscribe_page
from oktra.alerts.unsubscribe_state import UnsubscribeState
from oktra.api import build_api
from oktra.billing import pages as billing_pages
from oktra.billing.state import BillingOrderState, BillingState
from oktra.i18n import LANGUAGES, N_, t
from oktra.lifespan import frozen_startup_heap, scheduler_lifespan
from oktra.logging_setup import configure_logging
from oktra.notifications.pages import mailbox
from oktra.notifications.state import MailboxState
from oktra.privacy import pages as privacy_pages
from oktra.privacy import version_pages
from oktra.privacy.banners import with_banners
from oktra.privacy.erased_pages import my_data_erased
from oktra.privacy.legal_state import LegalState
from oktra.privacy.mydata_pages import my_data
from oktra.privacy.mydata_state import MyDataState
from oktra.privacy.request_pages import requests_page, verify_page
from oktra.privacy.request_state import DpoRequestState, DpoVerifyState
from oktra.public import pages as public_pages
from oktra.settings import get_settings
from oktra.socket_owners import use_liveness_token_manager
from oktra.tenders import pages as tender_pages
from oktra.tenders import search_pages
from oktra.tenders.state import TenderDetailState, TenderSearchState
from oktra.ui.state import LanguageState
from oktra.ui.theme import STYLE

configure_logging()

# (slug, page builder, title message, on_load); every page exists once per language.
PAGES = (
    ("", public_pages.home, N_("OKTRA: Moroccan public tender alerts"), None),
    ("contact", public_pages.contact, N_("Contact us"), None),
    ("privacy", privacy_pages.privacy, N_("Privacy policy"), LegalState.open_page),
    (
        "privacy/versions",
        version_pages.privacy_versions,
        N_("Privacy policy"),
        LegalState.open_versions,
    ),
    ("cookies", privacy_pages.cookies, N_("Cookie policy"), None),
    ("terms", privacy_pages.terms, N_("Terms of use"), LegalState.open_page),
    ("terms/versions", version_pages.terms_versions, N_("Terms of use"), LegalState.open_versions),
    ("signup", account_pages.signup, N_("Create your account"), None),
    ("signin", account_pages.signin, N_("Sign in"), None),
    ("forgot", account_pages.forgot, N_("Forgot your password?"), None),
    ("reset", account_pages.reset, N_("Choose a new password"), PasswordResetState.load_session),
    ("verify", account_pages.verify, N_("Email confirmation"), VerifyState.verify),
    ("account", profile_pages.account, N_("My account"), AccountState.open_page),
    ("tenders", search_pages.tender_search, N_("Search tenders"), TenderSearchState.load),
    ("tenders/[tender_id]", tender_pages.tender_detail, N_("Tender"), TenderDetailState.load),
    ("alerts", alert_pages.alerts_page, N_("My alerts"), AlertsState.open_page),
    ("alerts/edit", alert_pages.alert_form_page, N_("Alert"), AlertFormState.open_page),
    ("unsubscribe", unsubscribe_page, N_("Email preferences"), UnsubscribeState.open_page),
    ("billing", billing_pages.billing_page, N_("Plan and billing"), BillingState.open_page),
    ("billing/order", billing_pages.order_page, N_("Your order"), BillingOrderState.open_page),
    ("my-data", my_data, N_("My data"), MyDataState.open_page),
    ("my-data/erased", my_data_erased, N_("My data"), MyDataState.open_receipt),
    (
        "requests",
        requests_page,
        N_("Requests to our data protection officer"),
        DpoRequestState.open_page,
    ),
    (
        "requests/verify",
        verify_page,
        N_("Your request to our data protection officer"),
        DpoVerifyState.verify,
    ),
)


def entry() -> rx.Component:
    """The bare address: sends the visitor to their language."""
    return rx.center(rx.spinner(size="3"), height="100vh", aria_busy="true")


app = rx.App(style=STYLE, api_transformer=build_api())
app.register_lifespan_task(scheduler_lifespan)
app.register_lifespan_task(frozen_startup_heap)
use_liveness_token_manager(app)
app.add_page(entry, route="/", title="OKTRA", on_load=LanguageState.enter)
for lang in LANGUAGES:
    for slug, builder, title, on_load in PAGES:
        route = f"/{lang}/{slug}" if slug else f"/{lang}"
        app.add_page(
            with_banners(builder, lang, route),
            route=route,
            title=t(lang, title) if slug == "" else f"{t(lang, title)} · OKTRA",
            description=t(lang, PAGES[0][2]),
            on_load=on_load or AuthState.load_session,
        )
STAFF_PAGES = (
    ("signin", staff_pages.staff_signin, N_("Staff sign-in"), None),
    ("users", staff_users, N_("Users"), StaffUsersState),
    ("statistics", staff_statistics, N_("Statistics"), StaffStatisticsState),
    ("operations", staff_operations, N_("Operations"), StaffOperationsState),
    ("audit", staff_audit, N_("Audit trail"), StaffAuditState),
    ("policy", staff_policy, N_("Legal texts and announcements"), StaffPolicyState),
    ("requests", staff_requests, N_("Requests to the DPO"), StaffDpoState),
    ("billing", staff_billing, N_("Orders and bank transfers"), StaffBillingState),
    ("anomalies", staff_anomalies, N_("Anomalies"), StaffAnomaliesState),
)
# The back office in the product's three languages: /staff/… in English (the team's default),
# /fr/staff/… and /ar/staff/….
for lang in LANGUAGES:
    for slug, builder, title, state in STAFF_PAGES:
        app.add_page(
            builder(lang),
            route=staff_href(lang, slug),
            title=f"{t(lang, title)} · OKTRA",
            on_load=state.open_page if state else None,
        )
if get_settings().env != "production":
    app.add_page(mailbox, route="/dev/mailbox", title="Mailbox · OKTRA", on_load=MailboxState.load)
