"""The shared cache's Redis backend: Django's, with one Redis client per connection pool.

Django's backend builds a new `redis.Redis` object for every cache operation; building one costs
more than a round trip to Redis on loopback (redis-py fills hundreds of response callbacks), and a
cached public page takes three operations. A `redis.Redis` object is safe to share between threads
(each command borrows a connection from the pool), so each pool gets one, built on first use.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
