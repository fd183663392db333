"""Public pages: home and contact."""

from __future__ import annotations

import reflex as rx

from oktra.billing.plans import PLANS, Plan, with_vat
from oktra.i18n import N_, format_money, t
from oktra.settings import get_settings
from oktra.ui.layout import href, notice, page_frame
from oktra.ui.theme import ACCENT

STEPS = (
    (
        N_("Describe what you sell"),
        N_("Keywords, sectors, regions and budget: your criteria, saved as alerts."),
    ),
    (
        N_("We read every new notice"),
        N_(
            "Each morning OKTRA reads the tenders published on the Moroccan public procurement "
            "portal and sorts them by region, sector and deadline."
        ),
    ),
    (
        N_("Receive what matches"),
        N_("Instantly, daily or weekly, by email: only the tenders that match, never noise."),
    ),
)


def hero(lang: str) -> rx.Component:
    """What OKTRA does, and the two ways forward."""
    return rx.box(
        rx.heading(
            t(lang, "Never miss a Moroccan public tender again."),
            as_="h1",
            size="8",
            id="hero-title",
        ),
        rx.text(
            t(
                lang,
                "OKTRA watches the Moroccan public procurement portal and emails you the new "
                "tenders that match your trade, your regions and your budget.",
            ),
            size="5",
            color_scheme="gray",
            margin_top="1rem",
        ),
        rx.flex(
            rx.link(
                rx.button(t(lang, "Create my free account"), size="3"),
                href=href(lang, "signup"),
            ),
            rx.link(
                rx.button(t(lang, "See the plans"), size="3", variant="outline"),
                href="#plans",
            ),
            gap="1rem",
            wrap="wrap",
            margin_top="2rem",
        ),
        padding_y="3rem",
        max_width="46rem",
    )


def steps(lang: str) -> rx.Component:
    """How it works, in three steps."""
    return rx.el.section(
        rx.heading(t(lang, "How it works"), as_="h2", size="6"),
        rx.grid(
            *[
                rx.card(
                    rx.text(str(number), size="7", weight="bold", color=rx.color(ACCENT, 9)),
                    rx.heading(t(lang, title), as_="h3", size="4", margin_top="0.5rem"),
                    rx.text(t(lang, body), color_scheme="gray", margin_top="0.5rem"),
                )
                for number, (title, body) in enumerate(STEPS, start=1)
            ],
            columns=rx.breakpoints(initial="1", md="3"),
            gap="1rem",
            margin_top="1.25rem",
        ),
        aria_labelledby="how",
    )


def plan_card(lang: str, plan: Plan) -> rx.Component:
    """One plan: monthly price before and after VAT, and what it gives."""
    if plan.monthly_price:
        price = t(lang, "{amount} excl. VAT / month").format(
            amount=format_money(plan.monthly_price, lang)
        )
        detail = t(lang, "{amount} incl. VAT (20%)").format(
            amount=format_money(with_vat(plan.monthly_price), lang)
        )
    else:
        price = t(lang, "Free, forever")
        detail = t(lang, "No card needed")
    return rx.card(
        rx.heading(t(lang, plan.name), as_="h3", size="5"),
        rx.text(price, size="4", weight="bold", margin_top="0.5rem"),
        rx.text(detail, size="2", color_scheme="gray"),
        rx.text(t(lang, plan.pitch), margin_top="0.75rem"),
        id=f"plan-{plan.code}",
    )


def plans_teaser(lang: str) -> rx.Component:
    """The three plans, priced in dirhams."""
    return rx.el.section(
        rx.heading(t(lang, "Plans"), as_="h2", size="6"),
        rx.grid(
            *[plan_card(lang, plan) for plan in PLANS],
            columns=rx.breakpoints(initial="1", md="3"),
            gap="1rem",
            margin_top="1.25rem",
        ),
        id="plans",
        margin_top="3rem",
    )


def trust(lang: str) -> rx.Component:
    """The privacy promise, with the way to read it whole."""
    statement = t(
        lang,
        "Your personal data is processed under Moroccan Law 09-08, as our privacy "
        "policy sets out, promise by promise.",
    )
    return notice(
        "shield_check",
        f"{statement} ",
        rx.link(t(lang, "Read our privacy policy"), href=href(lang, "privacy")),
        margin_top="3rem",
    )


def home(lang: str) -> rx.Component:
    """The home page in one language."""
    return page_frame(lang, hero(lang), steps(lang), plans_teaser(lang), trust(lang))


def contact(lang: str) -> rx.Component:
    """How to reach the team and the data protection officer."""
    settings = get_settings()
    rows = [
        (t(lang, "General enquiries"), settings.contact_email, f"mailto:{settings.contact_email}"),
        (t(lang, "Data protection officer"), settings.dpo_email, f"mailto:{settings.dpo_email}"),
    ]
    if settings.phone:
        rows.append((t(lang, "Phone"), settings.phone, f"tel:{settings.phone.replace(' ', '')}"))
    return page_frame(
        lang,
        rx.heading(t(lang, "Contact us"), as_="h1", size="8"),
        rx.text(
            t(lang, "Write to us: a member of the team reads every message."),
            color_scheme="gray",
            margin_top="0.75rem",
        ),
        rx.data_list.root(
            *[
                rx.data_list.item(
                    rx.data_list.label(label), rx.data_list.value(rx.link(value, href=url))
                )
                for label, value, url in rows
            ],
            margin_top="2rem",
        ),
        rx.text(
            t(
                lang,
                "You may also file a complaint with the CNDP (National Commission for the "
                "Control of Personal Data Protection): www.cndp.ma",
            ),
            margin_top="2rem",
            size="2",
        ),
    )
