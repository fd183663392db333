"""Per-language routes (chosen) against text held in state: build cost and first-paint text.

Variant A compiles each public page once per language with its text written in (what OKTRA does).
Variant B compiles one page whose every text is a state var, resolved after the websocket connects.
Run: .venv/bin/python bench/i18n_routes.py
"""

from __future__ import annotations

import statistics
import time

import reflex as rx
from reflex.compiler.compiler import compile_page

from oktra.i18n import LANGUAGES, catalog, t
from oktra.oktra import PAGES

REPEATS = 5
FRENCH_PROBE = "Ne manquez plus aucun appel"
MESSAGES = [str(message.id) for message in catalog("fr") if message.id]


class BenchText(rx.State):
    """Variant B: the text of the page in the visitor's language, sent over the websocket."""

    texts: dict[str, str] = {}  # noqa: RUF012 - a Reflex state var


def state_held_page() -> rx.Component:
    """Every message of the catalog as a state-held text."""
    return rx.box(*[rx.text(BenchText.texts[str(index)]) for index in range(len(MESSAGES))])


def literal_page(lang: str) -> rx.Component:
    """Every message of the catalog written into the page."""
    return rx.box(*[rx.text(t(lang, message)) for message in MESSAGES])


def timed(build) -> tuple[float, int, str]:
    """Median seconds to build and compile, the code size, and the code."""
    durations, code = [], ""
    for _ in range(REPEATS):
        start = time.perf_counter()
        code = build()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations), len(code.encode()), code


def main() -> None:
    """Print both variants' figures and their ratio."""
    a_time, a_size, _ = timed(
        lambda: "".join(compile_page(f"/{lang}", literal_page(lang))[1] for lang in LANGUAGES)
    )
    b_time, b_size, b_code = timed(lambda: compile_page("/text", state_held_page())[1])
    real_start = time.perf_counter()
    home_code = ""
    for lang in LANGUAGES:
        for slug, builder, _title in PAGES:
            code = compile_page(f"/{lang}/{slug}", builder(lang))[1]
            if lang == "fr" and slug == "":
                home_code = code
    real_time = time.perf_counter() - real_start
    print(f"messages per page                 : {len(MESSAGES)}")
    print(f"A per-language routes (3 routes)  : {a_time * 1000:7.1f} ms, {a_size / 1024:6.1f} KiB")
    print(f"B state-held text (1 route)       : {b_time * 1000:7.1f} ms, {b_size / 1024:6.1f} KiB")
    print(f"ratio A/B compile time            : {a_time / b_time:7.2f}")
    print(f"ratio A/B code size               : {a_size / b_size:7.2f}")
    print(f"all {len(PAGES) * len(LANGUAGES)} real routes compiled in      : {real_time:7.2f} s")
    print(f"A: French text in the page code   : {FRENCH_PROBE in home_code}")
    print(f"B: French text in the page code   : {FRENCH_PROBE in b_code}")


if __name__ == "__main__":
    main()
