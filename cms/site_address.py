"""The public site's own address comes from configuration, never from the database's first guess.

Wagtail builds absolute links (sitemap, feeds, language links, canonical tags, links in emails)
from the default `Site`'s hostname and port. Wagtail's first migration creates it as
`localhost:80`, which does not resolve where `make run` serves (http://127.0.0.1:8000) nor behind
a proxy. `WAGTAILADMIN_BASE_URL` (environment variable of the same name) is the one setting for the
public address: after every `migrate`, and when the demo site is built, the default Site's
hostname and port are set from it (443 for https, 80 for http, unless the URL names a port).
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings


def configured_address() -> tuple[str, int]:
    """(hostname, port) of WAGTAILADMIN_BASE_URL."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return (parts.hostname or "localhost"), port


def apply_site_address() -> Any:
    """Give the default Site the configured hostname and port; returns it (None when there is none)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    hostname, port = configured_address()
    if (site.hostname, site.port) == (hostname, port):
        return site
    if Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        return site  # another Site answers at that address already: leave the choice to staff
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    return site


def apply_after_migrate(sender: Any, **kwargs: Any) -> None:
    from django.db import DatabaseError

    # A partial migrate (e.g. `migrate wagtailcore 0001`) may not have the table yet.
    with contextlib.suppress(DatabaseError):
        apply_site_address()
