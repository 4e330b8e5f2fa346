"""The shared cache's backends: Django's, made cheaper per operation.

`DatabaseCache` (used without Redis) writes an entry with one statement instead of five.

`RedisCache`: Django's, with one Redis client per connection pool.

Django's backend builds a new `redis.Redis` object for every cache operation; building one costs
more than a round trip to Redis on loopback (redis-py fills hundreds of response callbacks), and a
cached public page takes three operations. A `redis.Redis` object is safe to share between threads
(each command borrows a connection from the pool), so each pool gets one, built on first use.
"""

from __future__ import annotations

import base64
import contextlib
import pickle
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


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


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache, where `set` is one upsert statement that also returns the number of
    entries (culled, as Django does, once above MAX_ENTRIES).

    Django's `set` counts the entries, then in a transaction selects the key and updates or inserts:
    five statements on SQLite (with BEGIN and COMMIT), three on PostgreSQL, for every entry written
    (a dashboard or a public page built afresh). `add` and `touch` keep Django's path.
    """

    UPSERT_VENDORS = ("sqlite", "postgresql")

    def _base_set(self, mode: str, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if mode != "set" or connection.vendor not in self.UPSERT_VENDORS:
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table, key_column, value_column, expires_column = (
            quote(name) for name in (self._table, "cache_key", "value", "expires")
        )
        sql = (
            f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = EXCLUDED.{value_column}, "
            f"{expires_column} = EXCLUDED.{expires_column} RETURNING (SELECT COUNT(*) FROM {table})"
        )
        try:
            # Inside a transaction (a savepoint), a failed write does not break the caller's transaction.
            scope = transaction.atomic(using=db) if connection.in_atomic_block else contextlib.nullcontext()
            with scope, connection.cursor() as cursor:
                cursor.execute(sql, [key, encoded, expires])
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
        except DatabaseError:
            # As Django's backend: a write that fails (a concurrent one) is not an error for the caller.
            return False
        return True
