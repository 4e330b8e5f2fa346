"""Versions that cached entries put in their keys, so an entry goes stale without being deleted.

A counter lives in the shared cache (a bump in one process is seen by every other at once): `read`
starts it at 1 on first use, `bump` moves it on, so every entry stored under the old value is never
read again. `code_fingerprint` digests files' paths, sizes and modification times: keyed by it, a
deployment never serves entries built by the old code. Data versions (`core.dataversion`), the public
site's version (`cms.caching`) and the admin sidebar's (`core.admin_sidebar`) are such counters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.cache import cache


def read(key: str) -> int:
    """The counter's value (1 until it is first bumped)."""
    found = cache.get(key)
    if found is None:
        cache.add(key, 1, timeout=None)
        found = cache.get(key, 1)
    return int(found)


def bump(key: str) -> None:
    """Move the counter on: entries keyed by its old value are stale."""
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def files_under(base: Path, folders: Iterable[str], suffixes: set[str]) -> Iterator[Path]:
    """The files below `base`'s `folders` whose name ends in one of `suffixes`, folder by folder, each
    folder's in sorted order."""
    for folder in folders:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in suffixes and path.is_file():
                yield path


def code_fingerprint(paths: Iterable[Path], *, base: Path, salt: str = "") -> str:
    """A short digest of these files' paths (relative to `base`), sizes and modification times, in the
    order given, after `salt` (a version of something the code depends on)."""
    digest = hashlib.sha256(salt.encode())
    for path in paths:
        stat = path.stat()
        digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]
