"""Form pieces shared by every page: labelled fields with their error beside them."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var


def field_error(errors: Var, name: str) -> rx.Component:
    """The message for one field, announced to screen readers."""
    return rx.cond(
        errors.contains(name),
        rx.text(errors[name], color_scheme="red", size="2", id=f"{name}-error", role="alert"),
    )


def text_field(
    label: str,
    name: str,
    errors: Var,
    *,
    kind: str = "text",
    autocomplete: str = "off",
    required: bool = False,
    hint: str = "",
    default_value: Var | str = "",
    dir_: str | None = None,
) -> rx.Component:
    """A labelled input with an optional hint and its error."""
    props = {"dir": dir_} if dir_ else {}
    return rx.box(
        rx.el.label(label, html_for=name, style={"font_weight": "500", "font_size": "0.9rem"}),
        rx.input(
            name=name,
            id=name,
            type=kind,
            auto_complete=autocomplete,
            required=required,
            default_value=default_value,
            aria_describedby=f"{name}-error",
            max_length=1000,
            size="3",
            **props,
        ),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        field_error(errors, name),
        display="flex",
        flex_direction="column",
        gap="0.3rem",
        width="100%",
    )


def checkbox_field(
    label: rx.Component | str, name: str, errors: Var, **props: object
) -> rx.Component:
    """A checkbox with its label (unticked unless said otherwise) and its error."""
    return rx.box(
        rx.el.label(
            rx.checkbox(name=name, id=name, **props),
            label,
            html_for=name,
            style={"display": "flex", "gap": "0.5rem", "align_items": "flex-start"},
        ),
        field_error(errors, name),
    )


def form_card(*children: rx.Component, **props: object) -> rx.Component:
    """A narrow card holding a form, full width on phones."""
    return rx.card(
        rx.flex(*children, direction="column", gap="1rem"),
        width="100%",
        max_width="34rem",
        **props,
    )


def stacked_form(*children: rx.Component, **props: object) -> rx.Component:
    """A form whose fields stand in one column; `on_submit`, `id` and the rest pass through."""
    props.setdefault("reset_on_submit", False)
    return rx.form(rx.flex(*children, direction="column", gap="1rem"), **props)


def ticked(form: dict, prefix: str, options) -> list[str]:
    """The codes of the ticked boxes of `choice_boxes`, named prefix_<position> (Reflex rewrites
    '-' in names)."""
    return [
        code
        for position, (code, _label) in enumerate(options)
        if form.get(f"{prefix}_{position}") in (True, "on", "true")
    ]


def choice_boxes(
    legend: str, prefix: str, options, chosen: Var, *, error: rx.Component | None = None
) -> rx.Component:
    """A fieldset of checkboxes, two columns from small screens; `options` are (code, label)
    with labels already translated."""
    return rx.el.fieldset(
        rx.el.legend(legend, style={"font_weight": "500", "margin_bottom": "0.5rem"}),
        rx.grid(
            *[
                rx.el.label(
                    rx.checkbox(
                        name=f"{prefix}_{position}",
                        id=f"{prefix}_{code}",
                        default_checked=chosen.contains(code),
                    ),
                    rx.text(label, as_="span", size="2"),
                    html_for=f"{prefix}_{code}",
                    style={"display": "flex", "gap": "0.5rem", "align_items": "center"},
                )
                for position, (code, label) in enumerate(options)
            ],
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="0.4rem",
        ),
        error or rx.fragment(),
        style={"border": "none", "padding": "0", "margin": "0"},
    )
