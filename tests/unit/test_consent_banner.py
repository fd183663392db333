"""The cookie banner as compiled: three equally prominent answers, a labelled region, RTL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import reflex as rx

from oktra.i18n import LANGUAGES, direction
from oktra.privacy.consent_pages import banner
from oktra.ui.layout import footer

ANSWERS = ("consent-accept", "consent-reject", "consent-choose", "consent-save")


def _walk(component: rx.Component) -> Iterator[rx.Component]:
    yield component
    for child in getattr(component, "children", None) or []:
        yield from _walk(child)


def _by_id(component: rx.Component) -> dict[str, rx.Component]:
    return {str(c.id).strip('"'): c for c in _walk(component) if getattr(c, "id", None)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_accept_reject_and_choose_look_exactly_alike(lang):
    found = _by_id(banner(lang))
    looks = {
        (str(found[name].size), str(found[name].variant), str(found[name].color_scheme))
        for name in ANSWERS
    }
    assert len(looks) == 1
    styles = {str(found[name].style) for name in ANSWERS}
    assert len(styles) == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_banner_is_a_labelled_region_in_the_page_direction(lang):
    props = banner(lang).render()["props"]
    assert 'role:"region"' in props
    assert any(prop.startswith('"aria-label":') for prop in props)
    assert f'dir:"{direction(lang)}"' in props
    assert f'lang:"{lang}"' in props
    assert any('["position"] : "fixed"' in prop for prop in props)


def test_every_category_has_a_switch_and_essential_cannot_be_turned_off():
    found = _by_id(banner("fr"))
    essential = found["consent-switch-essential"]
    assert str(essential.disabled) == "true"
    for category in ("analytics", "functional"):
        assert str(found[f"consent-switch-{category}"].disabled) != "true"


def test_the_footer_has_a_cookie_settings_control():
    assert "cookie-settings" in _by_id(footer("fr"))
