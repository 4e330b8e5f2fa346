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


# -- The database cache (used without Redis) ---------------------------------------------------------
@pytest.fixture
def table_cache(db, settings):
    from django.core.cache import caches
    from django.core.management import call_command

    settings.CACHES = {
        **settings.CACHES,
        "table": {
            "BACKEND": "core.cache.DatabaseCache",
            "LOCATION": "core_cache_test",
            "OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2},
        },
    }
    call_command("createcachetable", "core_cache_test", verbosity=0)
    return caches["table"]


def _rows(table: str = "core_cache_test") -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(table)} ORDER BY cache_key")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_the_database_cache_writes_an_entry_with_one_statement(table_cache):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        table_cache.set("dashboard", {"rows": [1, 2]}, 60)
        table_cache.set("dashboard", {"rows": [3]}, 60)
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2 and all(sql.startswith("INSERT INTO") for sql in statements)
    assert table_cache.get("dashboard") == {"rows": [3]}
    assert len(_rows()) == 1


def test_the_database_cache_keeps_djangos_meaning(table_cache):
    table_cache.set("forever", "kept", None)
    table_cache.set("gone", "soon", 0)
    assert table_cache.get("forever") == "kept"
    assert table_cache.get("gone") is None
    assert table_cache.get_many(["forever", "missing"]) == {"forever": "kept"}
    assert table_cache.add("forever", "other") is False  # add and touch: Django's own path
    assert table_cache.add("new", "added", 60) is True
    assert table_cache.touch("new", 120) is True
    table_cache.delete("new")
    assert table_cache.get("new") is None


def test_the_database_cache_culls_above_its_maximum(table_cache):
    for index in range(12):
        table_cache.set(f"k{index:02d}", index, 60)
        assert len(_rows()) <= 6  # MAX_ENTRIES 5: culled as soon as a write makes more
    assert table_cache.get("k11") == 11  # the newest entry stays
