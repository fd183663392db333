"""/{lang}/requests (a right or a question to the DPO) and /{lang}/requests/verify."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import N_, t
from oktra.privacy.request_state import DpoRequestState, DpoVerifyState
from oktra.privacy.requests import RIGHTS
from oktra.settings import get_settings
from oktra.ui.forms import field_error, form_card, stacked_form, text_field
from oktra.ui.layout import href, notice, page_frame

S = DpoRequestState
V = DpoVerifyState
CNDP_URL = "https://www.cndp.ma"
LABEL_STYLE = {"font_weight": "500", "font_size": "0.9rem"}


def _labelled(label: str, name: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.box(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        control,
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        field_error(S.errors, name),
        display="flex",
        flex_direction="column",
        gap="0.3rem",
        width="100%",
    )


def cndp_notice(lang: str) -> rx.Component:
    """The complaint route of policy section 9: the CNDP, www.cndp.ma."""
    return notice(
        "landmark",
        t(
            lang,
            "If you are not satisfied with our answer, you may file a complaint with the CNDP "
            "(National Commission for the Control of Personal Data Protection):",
        ),
        " ",
        rx.link("www.cndp.ma", href=CNDP_URL, is_external=True, dir="ltr"),
        color_scheme="gray",
        margin_top="1.5rem",
        id="cndp-complaint",
    )


def _delays(lang: str) -> str:
    settings = get_settings()
    return t(
        lang,
        "We answer within %(days)s days of receiving your request (%(rectification)s days for a "
        "rectification).",
    ) % {"days": settings.dpo_due_days, "rectification": settings.dpo_rectification_due_days}


def _form(lang: str) -> rx.Component:
    return form_card(
        stacked_form(
            _labelled(
                t(lang, "Your request is about"),
                "right",
                rx.el.select(
                    *[rx.el.option(t(lang, label), value=code) for code, label in RIGHTS.items()],
                    name="right",
                    id="right",
                    style={"padding": "0.5rem", "border_radius": "6px", "width": "100%"},
                ),
            ),
            text_field(
                t(lang, "Full name"),
                "full_name",
                S.errors,
                autocomplete="name",
                required=True,
                default_value=S.full_name,
            ),
            _labelled(
                t(lang, "Email address"),
                "email",
                rx.input(
                    name="email",
                    id="email",
                    type="email",
                    auto_complete="email",
                    default_value=S.email,
                    read_only=S.signed_in,
                    required=True,
                    dir="ltr",
                    size="3",
                    max_length=254,
                ),
                hint=t(lang, "We answer at this address, once you confirm it is yours."),
            ),
            _labelled(
                t(lang, "Your message"),
                "message",
                rx.text_area(
                    name="message",
                    id="message",
                    rows="6",
                    max_length=5000,
                    aria_describedby="message-error",
                ),
                hint=t(
                    lang,
                    "Say what to correct, what you object to or what you ask. Give no password "
                    "or card number.",
                ),
            ),
            field_error(S.errors, "form"),
            rx.button(t(lang, "Send my request"), type="submit", size="3", width="100%"),
            on_submit=S.submit,
            key=S.form_key,
            id="dpo-request-form",
        )
    )


def _mine_row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["reference"], dir="ltr"),
        rx.table.cell(item["right"]),
        rx.table.cell(item["status"]),
        rx.table.cell(item["received"]),
        rx.table.cell(item["due"]),
    )


def _mine(lang: str) -> rx.Component:
    headers = (N_("Reference"), N_("Request"), N_("Status"), N_("Received on"), N_("Answer due by"))
    return rx.cond(
        S.mine.length() > 0,
        rx.box(
            rx.heading(t(lang, "Your requests"), as_="h2", size="5", margin_bottom="0.75rem"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(t(lang, h)) for h in headers])
                ),
                rx.table.body(rx.foreach(S.mine, _mine_row)),
                variant="surface",
            ),
            margin_top="2rem",
            overflow_x="auto",
            id="my-requests",
        ),
    )


def requests_page(lang: str) -> rx.Component:
    """Exercise a right or ask the DPO a question; a tracked request with a reference."""
    return page_frame(
        lang,
        rx.heading(t(lang, "Requests to our data protection officer"), as_="h1", size="7"),
        rx.text(
            t(
                lang,
                "Exercise your rights over your personal data (access, rectification, objection, "
                "deletion, portability) or ask a question. You receive a reference and an email "
                "at every step.",
            ),
            " ",
            _delays(lang),
            color_scheme="gray",
            margin_y="1rem",
        ),
        rx.cond(
            S.outcome != "",
            notice("mail_check", S.outcome, color_scheme="green", id="request-outcome"),
            _form(lang),
        ),
        _mine(lang),
        rx.text(
            rx.link(t(lang, "Privacy policy"), href=href(lang, "privacy")),
            margin_top="1.5rem",
        ),
        cndp_notice(lang),
    )


def _detail(label: str, value: rx.Var) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def verify_page(lang: str) -> rx.Component:
    """Confirms the request the link names and shows where it stands."""
    return page_frame(
        lang,
        rx.heading(t(lang, "Your request to our data protection officer"), as_="h1", size="7"),
        rx.cond(
            ~V.checked,
            rx.spinner(size="3", margin_top="1rem"),
            rx.cond(
                V.problem != "",
                notice("triangle-alert", V.problem, margin_top="1rem", id="request-problem"),
                rx.box(
                    rx.cond(
                        V.outcome != "",
                        notice("check", V.outcome, color_scheme="green", id="request-confirmed"),
                    ),
                    rx.data_list.root(
                        _detail(t(lang, "Reference"), V.request["reference"]),
                        _detail(t(lang, "Request"), V.request["right"]),
                        _detail(t(lang, "Status"), V.request["status"]),
                        _detail(t(lang, "Received on"), V.request["received"]),
                        _detail(t(lang, "Answer due by"), V.request["due"]),
                        margin_top="1.5rem",
                    ),
                    rx.cond(
                        V.request["answer"] != "",
                        rx.card(
                            rx.text(V.request["answer"], white_space="pre-wrap"),
                            margin_top="1rem",
                        ),
                    ),
                ),
            ),
        ),
        rx.text(rx.link(t(lang, "Send another request"), href=href(lang, "requests"))),
        cndp_notice(lang),
    )
