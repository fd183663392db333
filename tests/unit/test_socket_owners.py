"""A tab whose worker was killed keeps its token, and so its state, on the worker it reconnects
to; a tab whose worker lives is still a duplicate (oktra/socket_owners.py).

Real Redis; the "other worker" is a second token manager in this process whose beat names a
child process, killed to play the worker's death. bench/load/run.py --kill shows the same
through the real server.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
import uuid
from types import SimpleNamespace

import psutil
import pytest
from redis import asyncio as aredis
from reflex.utils.token_manager import LocalTokenManager, RedisTokenManager, SocketRecord

from oktra.ops import liveness
from oktra.socket_owners import LivenessTokenManager, use_liveness_token_manager
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.usefixtures("redis_url")


def _run(scenario):
    async def with_client():
        client = aredis.Redis.from_url(REDIS_URL)
        try:
            return await scenario(client)
        finally:
            await client.aclose()

    return asyncio.run(with_client())


async def _owner(client, manager, token: str) -> str:
    record = await client.get(manager._get_redis_key(token))
    return pickle.loads(record).instance_id


def test_a_tab_of_a_killed_worker_keeps_its_token_on_the_worker_it_reconnects_to():
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])

    async def scenario(client):
        dying = LivenessTokenManager(
            aredis.Redis.from_url(REDIS_URL), process=psutil.Process(worker.pid)
        )
        other = LivenessTokenManager(client)
        token = str(uuid.uuid4())
        assert await dying.link_token_to_sid(token, "sid-on-dying-worker") is None
        worker.kill()
        worker.wait()
        # The dead worker's tasks end with it; its record stays in Redis.
        await dying.close()
        assert await other.link_token_to_sid(token, "sid-after-reconnect") is None
        assert await _owner(client, other, token) == other.instance_id
        await other.close()

    try:
        _run(scenario)
    finally:
        worker.kill()
        worker.wait()


def test_a_second_tab_with_the_token_of_a_live_workers_tab_gets_a_new_token():
    async def scenario(client):
        first, second = LivenessTokenManager(client), LivenessTokenManager(client)
        token = str(uuid.uuid4())
        assert await first.link_token_to_sid(token, "sid-first-tab") is None
        new_token = await second.link_token_to_sid(token, "sid-copied-tab")
        assert new_token is not None and new_token != token
        assert await _owner(client, first, token) == first.instance_id
        await first.close()
        await second.close()

    _run(scenario)


def test_a_worker_on_another_host_keeps_its_tabs_until_its_beat_expires():
    async def scenario(client):
        here = LivenessTokenManager(client)
        token, remote_instance = str(uuid.uuid4()), str(uuid.uuid4())
        remote = liveness.WorkerIdentity(host="another-host.invalid", pid=1, started=0.0)
        await client.set(liveness.beat_key(remote_instance), remote.encode(), ex=10)
        record = pickle.dumps(SocketRecord(instance_id=remote_instance, sid="remote-sid"))
        await client.set(here._get_redis_key(token), record, ex=60)
        assert await here.link_token_to_sid(token, "sid-here") is not None
        await client.delete(liveness.beat_key(remote_instance))
        assert await here.link_token_to_sid(token, "sid-here-again") is None
        await here.close()

    _run(scenario)


def test_a_linking_worker_beats_with_its_own_process_and_a_time_to_live():
    async def scenario(client):
        manager = LivenessTokenManager(client)
        await manager.link_token_to_sid(str(uuid.uuid4()), "sid")
        key = liveness.beat_key(manager.instance_id)
        identity = liveness.WorkerIdentity.decode(await client.get(key))
        assert identity is not None and identity.pid == os.getpid()
        assert 0 < await client.ttl(key) <= liveness.TTL_SECONDS
        await manager.close()

    _run(scenario)


def test_the_app_swaps_reflexs_redis_token_manager_and_leaves_the_local_one():
    redis_backed = SimpleNamespace(event_namespace=SimpleNamespace(_token_manager=None))
    redis_backed.event_namespace._token_manager = RedisTokenManager(
        aredis.Redis.from_url(REDIS_URL)
    )
    use_liveness_token_manager(redis_backed)
    assert isinstance(redis_backed.event_namespace._token_manager, LivenessTokenManager)
    local = SimpleNamespace(event_namespace=SimpleNamespace(_token_manager=LocalTokenManager()))
    use_liveness_token_manager(local)
    assert type(local.event_namespace._token_manager) is LocalTokenManager
