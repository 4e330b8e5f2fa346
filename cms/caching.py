"""Public pages served from the shared cache.

A page's cached HTML is keyed by the code version (templates, translations and Python of this
deployment), the site version (bumped when any page is published, unpublished, moved or deleted,
and when snippets, documents, images, sites or locales change), the versions of the data topics the
page declares it reads (`cache_reads`; `core.dataversion`: the directory, facts, map and home read
"registry", bumped only by writes to the models those pages show, declared in `REGISTRY_MODELS`),
and the request: the Wagtail site it matches (never the raw Host header or its port), the language,
the path and the page's own query parameters (others are ignored). So a suspended hotline leaves
the directory with the next request, in every web process, while a reviewer's work on a dossier
leaves every public page cached. Entries also expire after `PAGE_CACHE_SECONDS`, for anything
time-based (a campaign that ends today).

Never cached: pages with a view restriction (password, sign-in or groups) on themselves or an
ancestor, signed-in users, previews, anything but GET/HEAD, requests carrying messages, and any
response whose rendering touched the CSRF token or set a cookie. A restricted page is never stored,
so it has no route record either and the middleware below can never serve it.

A cached page is served before Wagtail routes the request (`PageCacheMiddleware`): storing a page
also records which page its site, language and path lead to, with the site version (which every
change to the page tree, sites or view restrictions bumps) it was recorded under; a record of an
older version is ignored. A hit runs no database query and one cache read where this process
served the same host, language and path before (the versions, the sites and the page's entry named
with the versions the process read last, `_Recent`), else three (then the record, then the page).
The sites are kept as the tuples matching needs, with the Site objects pickled beside them, unpickled
only for a request that routes; a page that misses is routed from the site's localized, specific
root page kept under the site version (`route_with_kept_root`). The page is stored gzip-compressed only,
served as stored to clients that accept gzip and decompressed for the others; each web process keeps
the pages it last decompressed (`PLAIN_BODIES_BYTES`), so a client without gzip asking again for a
large page ("where to report") does not have it decompressed again.
"""

from __future__ import annotations

import gzip
import hashlib
import pickle
import threading
from collections import OrderedDict
from functools import cache as once
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_string

from core import cacheversion, dataversion

SITE_VERSION_KEY = "cms:site-version"
_ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")
PAGE_CACHE_SECONDS = 600
# How many bytes of decompressed pages a web process keeps for clients that do not accept gzip.
PLAIN_BODIES_BYTES = 16 * 1024 * 1024


# Where the code that renders public pages lives (templates, translations, Python).
_CODE_FOLDERS = ("cms", "core", "accounts", "network", "onboarding", "reports", "locale")
_CODE_SUFFIXES = {".py", ".html", ".txt", ".mo"}


@once
def code_version() -> str:
    """A fingerprint of this process's code: a deployment never serves pages cached by the old one."""
    base = Path(settings.BASE_DIR)
    return cacheversion.code_fingerprint(cacheversion.files_under(base, _CODE_FOLDERS, _CODE_SUFFIXES), base=base)


def site_version() -> int:
    return cacheversion.read(SITE_VERSION_KEY)


def request_site_version(request: HttpRequest) -> int:
    """The site version as this request read it with the others (`_versions`: once per request),
    so every fragment of one page is keyed by the same version as the page."""
    return _request_versions(request)[0]


def request_data_version(request: HttpRequest, topic: str) -> int:
    """A data topic's version as this request read it with the others (`_versions`: once per request)."""
    return _request_versions(request)[1][topic]


def _sites_key() -> str:
    """Where the sites are cached: under the code's version too, since what is kept there (Site
    objects with their root page, and whether any page has a view restriction) is the code's choice."""
    return f"cms:sites:{code_version()}"


def _versions(request: HttpRequest, *also: str) -> tuple[int, tuple[int, ...], dict[str, Any]]:
    """The site version and every data topic's version, read once per request in one cache round
    trip together with the sites and the entries named in `also`."""
    topic_names = dataversion.topics()
    sites_key = _sites_key()
    found = cache.get_many([SITE_VERSION_KEY, sites_key, *(dataversion.topic_key(t) for t in topic_names), *also])
    versions = getattr(request, "_cms_cache_versions", None)
    if versions is None:
        site = found.get(SITE_VERSION_KEY)
        site = int(site) if site is not None else site_version()
        data = dict(zip(topic_names, dataversion.versions(found, topic_names), strict=True))
        _recent.data = data
        versions = (site, data, _matched_site(request, site, found.get(sites_key)))
        request._cms_cache_versions = versions
    return versions[0], tuple(versions[1].values()), found


def _request_versions(request: HttpRequest) -> tuple[int, dict[str, int], int | None]:
    if getattr(request, "_cms_cache_versions", None) is None:
        _versions(request)
    return request._cms_cache_versions


def _matched_site(request: HttpRequest, version: int, cached: Any) -> int | None:
    """The id of the Wagtail site that serves this request, found as Wagtail finds it (hostname,
    then port, then the default site) from the sites cached under the site version, so neither
    the port a client sends nor an unknown host name makes a new cache entry. The matched site
    (with its root page) is handed to Wagtail for the request (`request._wagtail_site`, where
    `Site.find_for_request` keeps it), so routing the page does not look the site up again; it is
    unpickled only if something uses it (a page served from the cache does not)."""
    if cached is None or len(cached) != 4 or cached[0] != version:
        from wagtail.models import PageViewRestriction, Site

        sites = tuple(Site.objects.select_related("root_page").order_by("pk"))
        matching = tuple((site.pk, site.hostname, str(site.port), site.is_default_site) for site in sites)
        cached = (version, matching, PageViewRestriction.objects.exists(), pickle.dumps(sites))
        cache.set(_sites_key(), cached, None)
    _version, matching, restrictions_exist, pickled = cached
    request._cms_view_restrictions_exist = restrictions_exist
    hostname = split_domain_port(request._get_raw_host())[0]
    port = str(request.get_port())
    named = [site for site in matching if site[1] == hostname]
    matched = (
        next((site for site in named if site[2] == port), None)
        or next((site for site in named if site[3]), None)
        or (named[0] if len(named) == 1 else None)
        or next((site for site in matching if site[3]), None)
    )
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = (
            None if matched is None else SimpleLazyObject(partial(_site_object, pickled, matched[0]))
        )
    return matched[0] if matched is not None else None


def _site_object(pickled: bytes, pk: int) -> Any:
    """The site `pk` with its root page, as cached with the sites (a fresh object for each request)."""
    return next(site for site in pickle.loads(pickled) if site.pk == pk)  # noqa: S301 (stored by _matched_site)


class _Recent:
    """What this process read last, to name the entries a cached page's request will want before it
    reads the versions: the data versions, and which route each request identity (host as sent,
    language, path) led to, with the site it matched. A guess only names an entry to read in the same
    round trip as the versions; it is used only if the key the versions give is the same, so a wrong
    or stale guess costs a cache read, never a wrong page. At most `ROUTES` identities are kept."""

    ROUTES = 2048

    def __init__(self) -> None:
        self.data: dict[str, int] | None = None
        self.routes: OrderedDict[tuple[str, str, str], tuple[int | None, tuple[Any, ...]]] = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def identity(request: HttpRequest) -> tuple[str, str, str]:
        return (request._get_raw_host(), translation.get_language() or "", request.path)

    def route(self, request: HttpRequest) -> tuple[int | None, tuple[Any, ...]] | None:
        identity = self.identity(request)
        with self.lock:
            found = self.routes.get(identity)
            if found is not None:
                self.routes.move_to_end(identity)  # least recently used is dropped first
            return found

    def remember(self, request: HttpRequest, matched: int | None, route: tuple[Any, ...]) -> None:
        identity = self.identity(request)
        with self.lock:
            self.routes[identity] = (matched, route)
            self.routes.move_to_end(identity)
            while len(self.routes) > self.ROUTES:
                self.routes.popitem(last=False)


_recent = _Recent()


def bump_site_version() -> None:
    """Mark every cached page stale, now and again after the surrounding commit."""
    _bump_now()
    transaction.on_commit(_bump_now)


def _bump_now() -> None:
    cacheversion.bump(SITE_VERSION_KEY)


def _has_pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def is_cacheable_request(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and not getattr(request, "is_preview", False)
        and not (user is not None and user.is_authenticated)
        and not _has_pending_messages(request)
    )


def _lookup_allowed(request: HttpRequest) -> bool:
    """False only for the load benchmark's deliberate misses (`BENCH_PAGE_CACHE_MISS`)."""
    return not (settings.BENCH_PAGE_CACHE_MISS and request.headers.get("X-Bench-Cache") == "miss")


def route_cache_key(request: HttpRequest) -> str:
    """Where the page that serves this site, language and path is recorded: the site version it
    was recorded under, the page's id, the query parameters it reads and the data it reads."""
    return _route_key(_request_versions(request)[2], request)


def _route_key(matched: int | None, request: HttpRequest) -> str:
    raw = "|".join([str(matched), translation.get_language() or "", request.path])
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"cms:route:{code_version()}:{digest}"


def _cached_response(request: HttpRequest, cached: dict[str, Any]) -> HttpResponse:
    """The stored page, as stored (compressed once) when the client accepts gzip, else decompressed.
    Only the compressed body is stored: a hit reads a tenth of the bytes (a twentieth and more for
    "where to report"), and nearly every client accepts gzip."""
    compressed = cached["gzip"]
    if accepts_gzip(request):
        response = HttpResponse(compressed, content_type=cached["content_type"], status=cached["status"])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(
            _plain_bodies.get(compressed), content_type=cached["content_type"], status=cached["status"]
        )
    patch_vary_headers(response, ("Accept-Encoding",))
    response["X-Page-Cache"] = "hit"
    return response


class _PlainBodies:
    """The pages this process last decompressed, by a digest of their compressed bytes (so a page
    stored again with other content is never answered with the old one), the least recently used
    dropped beyond `PLAIN_BODIES_BYTES`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.bodies: OrderedDict[bytes, bytes] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, compressed: bytes) -> bytes:
        digest = hashlib.blake2b(compressed, digest_size=16).digest()
        with self.lock:
            body = self.bodies.get(digest)
            if body is not None:
                self.bodies.move_to_end(digest)
                return body
        body = gzip.decompress(compressed)
        if len(body) > self.limit:
            return body
        with self.lock:
            if digest not in self.bodies:
                self.bodies[digest] = body
                self.size += len(body)
            while self.size > self.limit:
                _digest, dropped = self.bodies.popitem(last=False)
                self.size -= len(dropped)
        return body


_plain_bodies = _PlainBodies(PLAIN_BODIES_BYTES)


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def cached_page_response(request: HttpRequest) -> HttpResponse | None:
    """The cached page for this request when the request allows it and both entries are there.

    Where this process served the same host, language and path before, the page's entry (named with
    the versions it read last) is read in the same round trip as the versions: a hit then takes one
    cache read. Otherwise the route is read with the versions, then the page."""
    if not is_cacheable_request(request) or not _lookup_allowed(request):
        return None
    recent, guess = _recent.route(request), None
    if recent is not None and _recent.data is not None:
        _matched, (site_then, page_id, query_params, reads) = recent
        guess = _page_key(request, page_id, query_params, reads, site_then, _recent.data, _matched)
    site, _data, found = _versions(request, guess) if guess else _versions(request)
    matched = _request_versions(request)[2]
    remembered = recent is not None and recent[0] == matched and recent[1][0] == site
    route = recent[1] if remembered else cache.get(_route_key(matched, request))
    # A route recorded under an older site version may lead elsewhere now (pages moved, unpublished).
    if route is None or route[0] != site:
        return None
    if not remembered:
        _recent.remember(request, matched, route)
    _site, page_id, query_params, reads = route
    page_key = page_cache_key(request, page_id, tuple(query_params), tuple(reads))
    cached = found.get(page_key) if page_key == guess else cache.get(page_key)
    return None if cached is None else _cached_response(request, cached)


class PageCacheMiddleware:
    """Serve cached public pages without routing them through the page tree (no queries on a hit).

    Runs as the view is about to be called, so every middleware still applies to the response."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != "wagtail_serve":
            return None
        response = cached_page_response(request)
        _request_versions(request)  # matches the site for Wagtail's routing too (`_matched_site`)
        if response is None:
            # Wagtail's pattern passes the path positionally (`wagtail.urls`).
            route_with_kept_root(request, view_args[0] if view_args else view_kwargs.get("path", ""))
        return response


def route_with_kept_root(request: HttpRequest, path: str) -> None:
    """Route the request as Wagtail's `Page.route_for_request` does (the matched site's root page,
    localized to the active language, specific, routes the path), from the localized specific root
    kept in the shared cache under the site version (which publishing, moving or deleting a page and
    changing a locale or site bump): a page that is not cached routes without reading the active
    locale, the root's translation and the root's specific page again. Wagtail's view then serves the
    route found (`request._wagtail_route_for_request`)."""
    from django.http import Http404

    site, _data, matched = _request_versions(request)
    if matched is None or hasattr(request, "_wagtail_route_for_request"):
        return
    key = f"cms:root:{code_version()}:{matched}:{translation.get_language() or ''}"
    kept = cache.get(key)
    if kept is not None and kept[0] == site:
        root = pickle.loads(kept[1])  # noqa: S301 (stored below)
    else:
        root = request._wagtail_site.root_page.localized.specific
        cache.set(key, (site, pickle.dumps(root)), None)
    components = [component for component in path.split("/") if component]
    try:
        request._wagtail_route_for_request = root.route(request, components)
    except Http404:
        request._wagtail_route_for_request = None


def page_cache_key(
    request: HttpRequest, page_id: int | str, query_params: tuple[str, ...], reads: tuple[str, ...] = ()
) -> str:
    """The page's entry: the code and site versions, the versions of the data topics the page reads
    (none for an article), the matched site, language, path and the page's own query parameters."""
    site, data, matched = _request_versions(request)
    return _page_key(request, page_id, query_params, reads, site, data, matched)


def _page_key(
    request: HttpRequest,
    page_id: int | str,
    query_params: tuple[str, ...],
    reads: tuple[str, ...],
    site: int,
    data: dict[str, int],
    matched: int | None,
) -> str:
    params = sorted((name, value) for name in query_params for value in request.GET.getlist(name) if value)
    raw = "|".join([str(matched), translation.get_language() or "", request.path, repr(params)])
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    data_part = ".".join(f"{name}{data.get(name, 0)}" for name in reads)
    return f"cms:page:{code_version()}:{site}:{data_part}:{page_id}:{digest}"


def serve_cached(
    request: HttpRequest,
    *,
    entry: int | str,
    query_params: tuple[str, ...],
    reads: tuple[str, ...],
    render: Any,
    route: tuple[Any, ...] | None = None,
) -> HttpResponse:
    """The cached response for this request, or `render()`'s, stored when it is public (a 200 that
    set no cookie, touched no CSRF token and carries no message). `route` also records which entry
    this site, language and path lead to, so the middleware can serve it before routing."""
    key = page_cache_key(request, entry, query_params, reads)
    cached = cache.get(key) if _lookup_allowed(request) else None
    if cached is not None:
        return _cached_response(request, cached)
    response = render()
    if hasattr(response, "render"):
        response.render()
    if (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not _has_pending_messages(request)
    ):
        entries: dict[str, Any] = {
            key: {
                # A public page carries no secret: compressing it once cannot leak one.
                "gzip": compress_string(response.content),
                "content_type": response["Content-Type"],
                "status": 200,
            }
        }
        if route is not None:
            site, _data, matched = _request_versions(request)
            recorded = (site, *route)
            entries[_route_key(matched, request)] = recorded
            _recent.remember(request, matched, recorded)
        cache.set_many(entries, PAGE_CACHE_SECONDS)
        # The first visitor gets what the next ones will: the copy compressed once, not compressed again.
        response = _cached_response(request, entries[key])
        response["X-Page-Cache"] = "miss"
    return response


class CachedPageMixin:
    """Serve a page from the shared cache when the request allows it (see the module docstring)."""

    # The GET parameters the page reads (filters, pagination); others never change the response.
    cache_query_params: tuple[str, ...] = ()
    # The data topics (`core.dataversion`) the page shows besides its own content and the site's:
    # a write to their models makes a new entry; other writes leave the page cached.
    cache_reads: tuple[str, ...] = ()

    def get_cache_reads(self) -> tuple[str, ...]:
        return self.cache_reads

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_cacheable_request(request) or self.is_restricted():
            return super().serve(request, *args, **kwargs)
        request.is_preview = False
        reads = self.get_cache_reads()
        return serve_cached(
            request,
            entry=self.pk,
            query_params=self.cache_query_params,
            reads=reads,
            render=lambda: super(CachedPageMixin, self).serve(request, *args, **kwargs),
            route=(self.pk, self.cache_query_params, reads),
        )

    def is_restricted(self) -> bool:
        """A view restriction (password, sign-in, groups) on this page or above it: Wagtail checks it
        before serving, so a stored copy would reach visitors who never passed the check."""
        return bool(self.get_view_restrictions())

    def known_unrestricted(self, request: HttpRequest) -> None:
        """Where no page of any site has a view restriction (as recorded with the sites under the site
        version, which every change to a restriction bumps), this page has none: Wagtail's check and
        `is_restricted` then read no rows (they would read the page's ancestors, then the restrictions)."""
        _request_versions(request)
        if getattr(request, "_cms_view_restrictions_exist", True) is False:
            from wagtail.models import PageViewRestriction

            self.__dict__["_view_restrictions"] = PageViewRestriction.objects.none()

    def get_view_restrictions(self) -> Any:
        """The restrictions on this page and above it, read once per page instance (the page's
        ancestors, then their restrictions): Wagtail checks them before serving, then `is_restricted`
        reads the same rows. The queryset is returned evaluated, so iterating it again runs no query."""
        restrictions = self.__dict__.get("_view_restrictions")
        if restrictions is None:
            restrictions = self.__dict__["_view_restrictions"] = super().get_view_restrictions()
            len(restrictions)
        return restrictions


def _on_change(**kwargs: Any) -> None:
    bump_site_version()


def _on_model_change(sender: Any, **kwargs: Any) -> None:
    # Historical models (data migrations, "__fake__") run before the cache table exists.
    if sender._meta.label in WATCHED_MODELS and sender.__module__ != "__fake__":
        bump_site_version()


# Models whose changes can alter any rendered public page (besides page publishing).
WATCHED_MODELS = frozenset(
    {
        "wagtailcore.Site",
        "wagtailcore.Locale",
        # A restriction added to a page: its cached copy must not be served past the check.
        "wagtailcore.PageViewRestriction",
        "wagtaildocs.Document",
        "wagtailimages.Image",
        "cms.PartnerOrganisation",
        "cms.ReportingRoute",
    }
)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    page_published.connect(_on_change, dispatch_uid="cms.caching.published")
    page_unpublished.connect(_on_change, dispatch_uid="cms.caching.unpublished")
    post_page_move.connect(_on_change, dispatch_uid="cms.caching.moved")
    page_slug_changed.connect(_on_change, dispatch_uid="cms.caching.slug")
    post_save.connect(_on_model_change, dispatch_uid="cms.caching.saved")
    post_delete.connect(_on_model_change, dispatch_uid="cms.caching.deleted")
    post_delete.connect(_on_page_deleted, dispatch_uid="cms.caching.page_deleted")


def _on_page_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.live:
        bump_site_version()
