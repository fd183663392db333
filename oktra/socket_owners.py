"""Reflex's Redis token manager, taught that a dead worker's tabs are free (oktra/ops/liveness.py).

Reflex keeps, per tab token, which worker instance holds its websocket. A tab that reconnects
after its worker was killed finds that record still there, is taken for a duplicate of a live
tab, and gets a new token: a new, empty state, as if the user had opened a new tab. Here a
worker beats in Redis while it runs, and before linking a tab, a record owned by a worker that
is gone is deleted (only if it is still that record), so the tab keeps its token and its state.
Reflex has no setting for this; the manager is swapped on the app's event namespace
(`use_liveness_token_manager`), and tests/unit/test_socket_owners.py holds it to Reflex's code.
"""

from __future__ import annotations

import asyncio
import logging
import pickle

import psutil
from redis.exceptions import RedisError
from reflex.app import App
from reflex.utils.tasks import ensure_task
from reflex.utils.token_manager import RedisTokenManager

from oktra.ops import liveness

logger = logging.getLogger(__name__)

# Delete the key only if it still holds the value read (another worker may have linked the
# tab meanwhile).
_DELETE_IF_UNCHANGED = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class LivenessTokenManager(RedisTokenManager):
    """A RedisTokenManager whose workers beat, and that frees the tabs of a dead worker."""

    def __init__(self, redis, process: psutil.Process | None = None) -> None:
        super().__init__(redis)
        self._identity = liveness.WorkerIdentity.of(process or psutil.Process())
        self._beat_for: str | None = None
        self._heartbeat_task: asyncio.Task | None = None

    def _reset_instance_id(self) -> None:
        """A new identity after the fork of a worker: its pid too."""
        super()._reset_instance_id()
        if hasattr(self, "_identity") and self._identity.pid != psutil.Process().pid:
            self._identity = liveness.WorkerIdentity.of(psutil.Process())

    async def _beat(self) -> None:
        await self.redis.set(
            liveness.beat_key(self.instance_id), self._identity.encode(), ex=liveness.TTL_SECONDS
        )
        self._beat_for = self.instance_id

    async def _beat_forever(self) -> None:
        while True:
            await self._beat()
            await asyncio.sleep(liveness.BEAT_SECONDS)

    async def _ensure_beating(self) -> None:
        if self._beat_for != self.instance_id:
            await self._beat()
        ensure_task(
            owner=self,
            task_attribute="_heartbeat_task",
            coro_function=self._beat_forever,
            suppress_exceptions=[Exception],
        )

    async def _free_if_owner_gone(self, token: str) -> bool:
        """Delete the tab's record when the worker that owns it is gone; whether it was."""
        key = self._get_redis_key(token)
        record = await self.redis.get(key)
        if record is None:
            return False
        # Reflex's own record format, written by Reflex's workers in this deployment's Redis.
        owner = pickle.loads(record).instance_id  # noqa: S301
        if owner == self.instance_id:
            return False
        beat = await self.redis.get(liveness.beat_key(owner))
        if not liveness.is_gone(beat, host=self._identity.host):
            return False
        freed = bool(await self.redis.eval(_DELETE_IF_UNCHANGED, 1, key, record))
        if freed:
            self.token_to_socket.pop(token, None)
            logger.info("a tab of a stopped worker reconnected here and keeps its state")
        return freed

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        """Link as Reflex does, after freeing the token from a dead worker."""
        try:
            await self._ensure_beating()
            await self._free_if_owner_gone(token)
        except RedisError:
            logger.exception("could not check the worker that held this tab")
        return await super().link_token_to_sid(token, sid)

    async def close(self) -> None:
        """Stop beating, then close as Reflex does."""
        if self._heartbeat_task is not None and not self._heartbeat_task.done():
            self._heartbeat_task.cancel()
        self._heartbeat_task = None
        await super().close()


def use_liveness_token_manager(app: App) -> None:
    """Swap Reflex's Redis token manager for the liveness one (nothing to do without Redis)."""
    namespace = app.event_namespace
    if namespace is None:
        return
    current = namespace._token_manager
    if isinstance(current, RedisTokenManager) and not isinstance(current, LivenessTokenManager):
        namespace._token_manager = LivenessTokenManager(current.redis)
