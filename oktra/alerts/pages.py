"""Alerts pages: the user's alerts with their matches, and the alert form."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.interests import REGIONS, SECTORS
from oktra.alerts.models import FREQUENCY_LABELS
from oktra.alerts.state import CATEGORIES, AlertFormState, AlertsState
from oktra.i18n import t
from oktra.tenders.models import CATEGORY_LABELS
from oktra.ui.forms import choice_boxes
from oktra.ui.layout import href, notice, page_frame

A = AlertsState
F = AlertFormState


def _delete_button(lang: str, alert) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(t(lang, "Delete"), color_scheme="red", variant="soft", size="1")
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(lang, "Delete this alert?")),
            rx.alert_dialog.description(
                t(lang, "Its matches are deleted with it. This cannot be undone.")
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t(lang, "Keep it"), variant="soft")),
                rx.alert_dialog.action(
                    rx.button(
                        t(lang, "Delete"),
                        color_scheme="red",
                        on_click=A.delete(alert["id"]),
                        class_name="confirm-delete",
                    )
                ),
                gap="0.75rem",
                justify="end",
                margin_top="1rem",
            ),
        ),
    )


def _feed(lang: str, alert) -> rx.Component:
    return rx.flex(
        rx.cond(
            alert["feed"] == "yes",
            rx.fragment(
                rx.badge(t(lang, "Atom feed on"), variant="soft"),
                rx.button(
                    t(lang, "New feed address"),
                    on_click=A.new_feed(alert["id"]),
                    variant="ghost",
                    size="1",
                ),
                rx.button(
                    t(lang, "Turn the feed off"),
                    on_click=A.revoke_feed(alert["id"]),
                    variant="ghost",
                    size="1",
                ),
            ),
            rx.button(
                t(lang, "Get a private Atom feed"),
                on_click=A.new_feed(alert["id"]),
                variant="ghost",
                size="1",
                class_name="new-feed",
            ),
        ),
        rx.cond(
            A.feed_alert == alert["id"],
            rx.box(
                rx.text(
                    t(lang, "Your private feed address (shown once; keep it secret):"), size="1"
                ),
                rx.link(
                    A.feed_url, href=A.feed_url, id="feed-url", size="1", word_break="break_all"
                ),
                width="100%",
            ),
        ),
        gap="0.5rem",
        wrap="wrap",
        align="center",
        margin_top="0.5rem",
    )


def _alert_card(lang: str, alert) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading(alert["name"], as_="h2", size="4"),
            rx.cond(
                alert["unread"] != "",
                rx.badge(
                    alert["unread"], " ", t(lang, "new"), color_scheme="green", class_name="unread"
                ),
            ),
            rx.cond(
                alert["paused"] == "yes",
                rx.badge(t(lang, "Paused"), color_scheme="gray", class_name="paused"),
            ),
            gap="0.5rem",
            align="center",
            wrap="wrap",
        ),
        rx.text(alert["summary"], size="2", margin_top="0.25rem"),
        rx.cond(
            alert["paused_note"] != "",
            rx.text(alert["paused_note"], size="1", color_scheme="gray", class_name="paused-note"),
        ),
        rx.text(alert["frequency"], " · ", alert["channels"], size="1", color_scheme="gray"),
        rx.flex(
            rx.link(
                t(lang, "Matches") + " (",
                alert["total"],
                ")",
                href=href(lang, "alerts?alert=") + alert["id"],
                size="2",
                class_name="show-matches",
            ),
            rx.link(t(lang, "Edit"), href=href(lang, "alerts/edit?id=") + alert["id"], size="2"),
            rx.link(t(lang, "Open in search"), href=alert["search_href"], size="2"),
            rx.cond(
                alert["paused"] == "yes",
                rx.button(
                    t(lang, "Resume"),
                    on_click=A.pause(alert["id"], False),
                    size="1",
                    variant="soft",
                ),
                rx.button(
                    t(lang, "Pause"), on_click=A.pause(alert["id"], True), size="1", variant="soft"
                ),
            ),
            _delete_button(lang, alert),
            gap="0.75rem",
            wrap="wrap",
            align="center",
            margin_top="0.5rem",
        ),
        _feed(lang, alert),
        class_name="alert-card",
        data_alert=alert["id"],
    )


def _match_card(lang: str, match) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.cond(match["unread"] == "yes", rx.badge(t(lang, "New"), color_scheme="green")),
            rx.badge(match["status"], variant="soft"),
            rx.cond(match["countdown"] != "", rx.badge(match["countdown"], variant="outline")),
            gap="0.5rem",
            wrap="wrap",
        ),
        rx.heading(
            rx.link(match["title"], href=href(lang, "tenders/") + match["id"]),
            as_="h3",
            size="3",
            margin_top="0.4rem",
        ),
        rx.text(match["buyer"], " · ", match["place"], size="2", color_scheme="gray"),
        rx.flex(
            rx.cond(
                match["unread"] == "yes",
                rx.button(
                    t(lang, "Mark as read"),
                    on_click=A.mark_read(match["match_id"]),
                    size="1",
                    variant="ghost",
                ),
            ),
            rx.cond(
                match["followed"] == "yes",
                rx.button(
                    t(lang, "Following ✓"),
                    on_click=A.follow(match["id"], False),
                    size="1",
                    variant="soft",
                ),
                rx.button(
                    t(lang, "Follow"),
                    on_click=A.follow(match["id"], True),
                    size="1",
                    variant="outline",
                ),
            ),
            gap="0.75rem",
            margin_top="0.5rem",
        ),
        class_name="match-card",
    )


def alerts_page(lang: str) -> rx.Component:
    """The user's alerts, and the matches of the chosen one."""
    return page_frame(
        lang,
        rx.flex(
            rx.heading(t(lang, "My alerts"), as_="h1", size="7"),
            rx.link(
                rx.button(t(lang, "New alert")), href=href(lang, "alerts/edit"), id="new-alert"
            ),
            justify="between",
            align="center",
            wrap="wrap",
            gap="1rem",
        ),
        rx.cond(A.notice != "", notice("info", A.notice, margin_top="1rem", id="alerts-notice")),
        rx.cond(
            A.suppressed != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("mail-warning")),
                rx.callout.text(A.suppressed),
                rx.flex(
                    rx.link(t(lang, "My account"), href=href(lang, "account"), size="2"),
                    rx.button(
                        t(lang, "Send me emails again"),
                        on_click=A.email_again,
                        size="1",
                        id="email-again",
                    ),
                    gap="1rem",
                    align="center",
                ),
                color_scheme="orange",
                margin_top="1rem",
                id="suppressed",
            ),
        ),
        rx.cond(
            A.objected,
            notice(
                "bell-off",
                t(lang, "Alert emails are off: you objected to personalized alerts."),
                " ",
                rx.link(t(lang, "Change this in My data"), href=href(lang, "my-data#objection")),
                color_scheme="orange",
                margin_top="1rem",
                id="alerts-objected",
            ),
        ),
        rx.cond(
            A.loaded & (A.alerts.length() == 0),
            notice(
                "bell",
                t(lang, "No alert yet."),
                " ",
                rx.link(t(lang, "Search tenders"), href=href(lang, "tenders")),
                " ",
                t(lang, "and save the search as an alert, or create one from your interests."),
                margin_top="1rem",
                id="no-alerts",
            ),
        ),
        rx.flex(
            rx.foreach(A.alerts, lambda alert: _alert_card(lang, alert)),
            direction="column",
            gap="1rem",
            margin_top="1.5rem",
            id="alerts",
        ),
        rx.cond(
            A.selected != "",
            rx.el.section(
                rx.flex(
                    rx.heading(t(lang, "Matches") + ": ", A.selected_name, as_="h2", size="5"),
                    rx.button(
                        t(lang, "Mark all as read"),
                        on_click=A.mark_read(""),
                        variant="soft",
                        size="2",
                        id="mark-all-read",
                    ),
                    justify="between",
                    align="center",
                    wrap="wrap",
                    gap="0.5rem",
                ),
                rx.cond(
                    A.matches.length() == 0,
                    rx.text(
                        t(
                            lang,
                            "No match yet: new tenders are matched as soon as they are imported.",
                        ),
                        color_scheme="gray",
                        size="2",
                    ),
                ),
                rx.flex(
                    rx.foreach(A.matches, lambda match: _match_card(lang, match)),
                    direction="column",
                    gap="0.75rem",
                    margin_top="1rem",
                    id="matches",
                ),
                margin_top="2rem",
            ),
        ),
    )


def _ticks(lang: str, legend: str, prefix: str, options, chosen, labels=None) -> rx.Component:
    translated = [(code, t(lang, (labels or {}).get(code, label))) for code, label in options]
    return choice_boxes(legend, prefix, translated, chosen)


def _field(label: str, name: str, value, kind: str = "text", **props) -> rx.Component:
    return rx.flex(
        rx.el.label(label, html_for=f"alert-{name}", style={"font_weight": "500"}),
        rx.input(name=name, id=f"alert-{name}", type=kind, default_value=value, **props),
        direction="column",
        gap="0.3rem",
    )


def alert_form_page(lang: str) -> rx.Component:
    """Create or edit an alert: name, words, interests, amounts, frequency and channels."""
    return page_frame(
        lang,
        rx.heading(
            rx.cond(F.alert_id != "", t(lang, "Edit the alert"), t(lang, "New alert")),
            as_="h1",
            size="7",
            margin_bottom="1rem",
        ),
        rx.card(
            rx.form(
                rx.flex(
                    _field(t(lang, "Name"), "name", F.name, max_length=120, required=True),
                    _field(t(lang, "Words"), "text", F.text, max_length=500),
                    _ticks(lang, t(lang, "Sectors"), "sector", SECTORS, F.sectors),
                    _ticks(lang, t(lang, "Regions"), "region", REGIONS, F.regions),
                    _ticks(
                        lang,
                        t(lang, "Category"),
                        "category",
                        CATEGORIES,
                        F.categories,
                        CATEGORY_LABELS,
                    ),
                    rx.grid(
                        _field(
                            t(lang, "Minimum estimate (MAD)"),
                            "budget_min",
                            F.budget_min,
                            "number",
                            min="0",
                        ),
                        _field(
                            t(lang, "Maximum estimate (MAD)"),
                            "budget_max",
                            F.budget_max,
                            "number",
                            min="0",
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        gap="0.75rem",
                    ),
                    _field(
                        t(lang, "Closing within (days)"),
                        "deadline_days",
                        F.deadline_days,
                        "number",
                        min="0",
                    ),
                    rx.el.label(
                        rx.checkbox(name="reserved", default_checked=F.reserved),
                        t(lang, "Reserved for small businesses (TPE/PME)"),
                        style={"display": "flex", "gap": "0.5rem"},
                    ),
                    rx.cond(
                        F.kept != "",
                        rx.text(t(lang, "Also kept from the search") + ": ", F.kept, size="2"),
                    ),
                    rx.el.fieldset(
                        rx.el.legend(t(lang, "How often"), style={"font_weight": "500"}),
                        rx.radio_group.root(
                            *[
                                rx.radio_group.item(
                                    t(lang, label), value=code, id=f"frequency-{code}"
                                )
                                for code, label in FREQUENCY_LABELS.items()
                            ],
                            name="frequency",
                            default_value=F.frequency,
                            direction="row",
                            spacing="4",
                        ),
                        style={"border": "none", "padding": "0"},
                    ),
                    rx.el.fieldset(
                        rx.el.legend(t(lang, "Where"), style={"font_weight": "500"}),
                        rx.el.label(
                            rx.checkbox(name="by_email", default_checked=F.by_email),
                            t(lang, "By email"),
                            style={"display": "flex", "gap": "0.5rem"},
                        ),
                        rx.el.label(
                            rx.checkbox(name="in_app", default_checked=F.in_app),
                            t(lang, "In the app"),
                            style={"display": "flex", "gap": "0.5rem"},
                        ),
                        style={"border": "none", "padding": "0"},
                    ),
                    rx.cond(
                        F.error != "",
                        rx.text(F.error, color_scheme="red", role="alert", id="alert-error"),
                    ),
                    rx.flex(
                        rx.button(t(lang, "Save the alert"), type="submit", id="save-alert"),
                        rx.link(t(lang, "Cancel"), href=href(lang, "alerts")),
                        gap="1rem",
                        align="center",
                    ),
                    direction="column",
                    gap="1rem",
                ),
                on_submit=F.save,
                key=F.form_key,
                id="alert-form",
            ),
            width="100%",
            max_width="44rem",
        ),
    )
