"""The Redis cache backend reuses one client per connection pool and still reads and writes."""

from __future__ import annotations

import socket

import pytest

from core.cache import RedisCache


def _redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def test_one_client_per_connection_pool():
    backend = RedisCache("redis://127.0.0.1:6379/0", {})
    client = backend._cache
    first = client.get_client("a")
    assert client.get_client("b") is first
    assert client.get_client("c", write=True) is first  # one server: reads and writes share the pool
    assert first.connection_pool is client._get_connection_pool(write=False)


def test_several_servers_keep_a_client_each():
    backend = RedisCache("redis://127.0.0.1:6379/0,redis://127.0.0.1:6380/0", {})
    client = backend._cache
    writer = client.get_client(write=True)
    assert client.get_client(write=True) is writer
    assert writer.connection_pool.connection_kwargs["port"] == 6379


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_reads_and_writes_through_the_shared_client():
    backend = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": "hotline-test-core-cache"})
    try:
        backend.set("greeting", {"text": "hello"}, 30)
        assert backend.get("greeting") == {"text": "hello"}
        assert backend.get_many(["greeting", "missing"]) == {"greeting": {"text": "hello"}}
        backend.set("counter", 1, 30)
        assert backend.incr("counter") == 2
    finally:
        backend.delete_many(["greeting", "counter"])
