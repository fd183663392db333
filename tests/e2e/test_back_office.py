"""The back office in Chromium: a support agent finds a customer, is asked for a reason before
the account opens, and the administrator then sees that read in the audit trail; a scripted
burst of failed sign-ins raises one anomaly, listed once on the administrator's page however
often detection runs."""

from __future__ import annotations

import asyncio
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pyotp
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from oktra.accounts import service as accounts
from oktra.accounts.limits import LimitExceededError
from oktra.accounts.models import User
from oktra.accounts.sessions import ClientInfo
from oktra.accounts.validation import ValidationFailedError
from oktra.admin import anomalies, staff_auth
from oktra.admin.models import StaffMember
from oktra.admin.security import subject_hash
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import t
from tests.e2e.conftest import new_page

STAFF_PASSWORD = "registre des marchés 2026 Tanger-Med"
BURST_IP = "196.200.7.7"


def _staff(role: str) -> tuple[str, str]:
    """A new staff member of the role: (email, TOTP secret)."""
    email = f"{role}.{uuid.uuid4().hex[:6]}@oktra.ma"
    with session_scope() as session:
        staff_auth.create_staff(
            session=session,
            email=email,
            full_name=f"{role.title()} E2E",
            role=role,
            password=STAFF_PASSWORD,
        )
        member = session.exec(select(StaffMember).where(StaffMember.email == email)).one()
        return email, staff_auth.totp_secret_of(member)


def _customer() -> tuple[int, str]:
    email = f"nour.{uuid.uuid4().hex[:8]}@oued-btp.ma"
    with session_scope() as session:
        user = User(
            email=email,
            full_name="Nour Alaoui",
            company_name="Oued BTP SARL",
            email_verified_at=utc_now(),
        )
        session.add(user)
        session.flush()
        return user.id, email


def _staff_sign_in(page: Page, email: str, secret: str, landing: str) -> None:
    page.goto("/staff/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/users"))
    page.goto(landing)
    expect(page.get_by_role("navigation", name="Back office")).to_be_visible()


def test_support_opens_a_user_with_a_reason_and_the_admin_sees_it_in_the_audit_trail(
    browser: Browser, app_harness
):
    user_id, email = _customer()
    support_email, support_secret = _staff("support")
    admin_email, admin_secret = _staff("admin")

    support = new_page(browser, app_harness)
    _staff_sign_in(support, support_email, support_secret, "/staff/users")
    support.get_by_label("Email, company or user id").fill(email.split("@")[0])
    support.get_by_role("button", name="Search").click()
    masked = f"{email[:2]}•••@oued-btp.ma"
    expect(support.get_by_role("cell", name=masked)).to_be_visible()
    expect(support.get_by_text(email)).to_have_count(0)
    support.get_by_role("button", name=f"Open user {user_id}").click()
    reason = support.get_by_label("Why do you need this user's data?")
    expect(reason).to_be_visible()
    support.locator("#confirm-open").click()
    expect(support.locator("#user-record")).to_have_count(0)
    reason.fill("Ticket #8812: the customer asks why no alert arrived")
    support.locator("#confirm-open").click()
    expect(support.locator("#user-record")).to_contain_text(email)
    expect(support.locator("#user-status")).to_have_text("active")

    admin = new_page(browser, app_harness)
    _staff_sign_in(admin, admin_email, admin_secret, "/staff/audit")
    admin.get_by_label("User (email or id)").fill(email)
    admin.get_by_role("button", name="Filter").click()
    events = admin.locator("#audit-events tbody tr")
    expect(events).to_have_count(3)
    expect(events.first).to_contain_text(support_email)
    expect(events.first).to_contain_text("Ticket #8812")
    with admin.expect_download() as downloaded:
        admin.locator("#audit-csv").click()
    text = downloaded.value.path().read_text(encoding="utf-8")
    assert text.count("Ticket #8812") == 3 and support_email in text
    assert support.watch.console_errors == [] and admin.watch.console_errors == []
    support.context.close()
    admin.context.close()


def _failed_sign_ins(email: str, count: int) -> None:
    """The scripted burst: wrong passwords through the sign-in service the page calls (the
    app's own limiter answers the later ones with a refusal, recorded the same way)."""
    client = ClientInfo(ip=BURST_IP, user_agent="burst-script/1.0")

    async def burst() -> None:
        for _ in range(count):
            try:
                await accounts.sign_in(email=email, password="wrong guess", client=client)
            except (ValidationFailedError, LimitExceededError):
                continue

    # Playwright's sync API keeps an event loop on this thread: the script runs on its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, burst()).result()


def test_a_burst_of_failed_sign_ins_is_one_anomaly_listed_once(browser: Browser, app_harness):
    _user_id, email = _customer()
    admin_email, admin_secret = _staff("admin")
    _failed_sign_ins(email, 12)
    with session_scope() as session:
        assert anomalies.detect(session=session, now=utc_now())["opened"] == 1
    _failed_sign_ins(email, 3)
    with session_scope() as session:
        assert anomalies.detect(session=session, now=utc_now())["opened"] == 0

    admin = new_page(browser, app_harness)
    _staff_sign_in(admin, admin_email, admin_secret, "/staff/anomalies")
    # The page shows a shortened keyed hash of the account, never the address.
    rows = admin.locator("tbody tr").filter(has_text=subject_hash(email)[:12])
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Many failed sign-ins on one account")
    expect(rows.first).to_contain_text("15")
    expect(rows.first.get_by_text("open", exact=True)).to_be_visible()
    expect(admin.get_by_text(email)).to_have_count(0)
    assert admin.watch.console_errors == []
    admin.context.close()


def test_the_back_office_speaks_french_and_arabic(browser: Browser, app_harness):
    email, secret = _staff("dpo")
    page = new_page(browser, app_harness)
    page.goto("/fr/staff/signin")
    page.get_by_label(t("fr", "Email")).fill(email)
    page.get_by_label(t("fr", "Password")).fill(STAFF_PASSWORD)
    page.get_by_label(t("fr", "Authenticator code")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=t("fr", "Sign in")).click()
    expect(page).to_have_url(re.compile(r"/fr/staff/users"))
    menu = page.get_by_role("navigation", name=t("fr", "Back office"))
    expect(menu.get_by_role("link", name=t("fr", "Audit trail"))).to_be_visible()
    menu.get_by_role("link", name=t("fr", "Audit trail")).click()
    expect(page).to_have_url(re.compile(r"/fr/staff/audit"))
    page.get_by_role("link", name="العربية").click()
    expect(page).to_have_url(re.compile(r"/ar/staff/audit"))
    expect(page.locator("[dir=rtl][lang=ar]").first).to_be_visible()
    expect(page.get_by_role("navigation", name=t("ar", "Back office"))).to_be_visible()
    assert page.watch.console_errors == []
    page.context.close()
