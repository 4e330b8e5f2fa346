"""Routing a public request to its page in two queries, whatever its depth.

Wagtail routes level by level: at each page, the child with the next slug (one query), then that
child's specific page (another), which routes the rest. `route_below` reads the pages along the
whole path in one query instead (each level's child by slug, as Wagtail finds it) and only the last
one's specific page. It walks the way Wagtail would: a page on the way whose type routes differently
(a routable page, say) is handed the rest of the path, as Wagtail hands it; a missing slug is a 404;
only the last page must be live (the before-serve hooks then check view restrictions, as for any
page).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from wagtail.models import Page


def route_below(root: Any, request: HttpRequest, path_components: list[str], *, default_route: Any) -> Any:
    """What `root.route(request, path_components)` gives (a non-empty path), where every page on the
    way whose type's `route` is `default_route` is walked without loading its specific page."""
    steplen = root.steplen
    candidates = Page.objects.filter(
        slug__in=set(path_components),
        depth__gt=root.depth,
        depth__lte=root.depth + len(path_components),
        path__startswith=root.path,
    ).order_by()
    by_parent_and_slug = {(page.path[:-steplen], page.slug): page for page in candidates}
    current = root
    for index, slug in enumerate(path_components):
        child = by_parent_and_slug.get((current.path, slug))
        if child is None:
            raise Http404
        child._cached_parent_obj = current
        remaining = path_components[index + 1 :]
        if remaining and getattr(child.specific_class, "route", None) is default_route:
            current = child
            continue
        specific = child.specific
        specific._cached_parent_obj = current
        return specific.route(request, remaining)
    raise Http404  # pragma: no cover - the loop returns at the last component
