"""Polling from a background event: read again every few seconds while work goes on
elsewhere (an export being built, a payment waiting for the bank)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def poll(state, step: Callable[[], bool], *, rounds: int, seconds: float) -> None:
    """Call `step` under the state's lock every `seconds`, while it returns True, the tab is
    signed in and `rounds` are left; one poller per tab (the state's `polling` flag)."""
    async with state:
        if state.polling:
            return
        state.polling = True
    try:
        for _ in range(rounds):
            await asyncio.sleep(seconds)
            async with state:
                if state._user_id is None or not step():
                    return
    finally:
        async with state:
            state.polling = False
