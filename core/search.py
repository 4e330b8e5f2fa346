"""One admin search across what a user may see.

Each app declares the kinds of record it offers to the search in its `wagtail_hooks.py`, with the
`register_admin_search_kinds` hook (a function returning a list of `SearchKind`s); core imports no
app. A kind says who may search it (`is_shown`), which rows it searches (`visible`: the model's
`objects.visible_to(user)`, the same rule as the kind's own list, so a search never shows a row the
list would not), the fields a query is matched against, how a row is shown and where it leads.

Matching: every word of the query must be found in one of the kind's `fields` (case-insensitive
"contains", on any database); on PostgreSQL a row also matches when its `text_fields` match the
query as full text (`websearch` syntax: "quoted phrases", -excluded words), ranked first.

Cost: each kind runs one query for at most `limit + 1` rows (the extra row says "more"), so a search
runs a number of queries fixed by the kinds, never by the rows found; a kind with more rows than
shown links to its own list, filtered by the same words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from wagtail import hooks

HOOK = "register_admin_search_kinds"
PER_KIND = 10
MAX_QUERY = 200
MAX_WORDS = 8
# Control characters (PostgreSQL refuses NUL in a query).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str) -> str:
    """What a user typed, as every kind can take it: no control characters, runs of spaces shrunk,
    at most MAX_QUERY characters. Empty when nothing is left."""
    return " ".join(_CONTROL.sub(" ", raw or "")[:MAX_QUERY].split())


def query_words(query: str) -> list[str]:
    words = [word.strip('"') for word in query.split()]
    return [word for word in words if word and word != "-"][:MAX_WORDS]


@dataclass(frozen=True)
class SearchHit:
    """One row found: its title, a short line saying what it is, and its page."""

    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchGroup:
    """The rows one kind found (at most its limit); `more_url` lists them all when there are more."""

    key: str
    label: str
    hits: tuple[SearchHit, ...]
    more_url: str = ""
    has_more: bool = False


@dataclass(frozen=True)
class SearchKind:
    """A kind of record the admin search offers.

    `visible(user)` is the QuerySet the kind's own list starts from (`visible_to(user)`, with the
    relations `hit` reads selected); `permission` (or `is_shown`) says who may search the kind at
    all; `hit(row)` shows a row; `list_url`, the kind's list, is where "more" leads (with `?q=`).
    A kind whose records another engine searches (the CMS's pages, Wagtail's search backend) gives
    `find(user, query, limit)` instead: its hits and whether there are more.
    """

    key: str
    label: str | Promise
    visible: Callable[[Any], QuerySet]
    fields: Sequence[str]
    hit: Callable[[Any], SearchHit]
    text_fields: Sequence[str] = ()
    permission: str = ""
    is_shown: Callable[[Any], bool] | None = None
    list_url: Callable[[], str] | None = None
    ordering: Sequence[str] = ()
    order: int = 100
    find: Callable[[Any, str, int], tuple[list[SearchHit], bool]] | None = field(default=None, compare=False)

    def shown_to(self, user: Any) -> bool:
        if self.permission and not user.has_perm(self.permission):
            return False
        return self.is_shown(user) if self.is_shown else True

    def search(self, user: Any, query: str, *, limit: int = PER_KIND) -> SearchGroup:
        if self.find is not None:
            hits, more = self.find(user, query, limit)
        else:
            rows = list(
                matching(
                    self.visible(user), query, fields=self.fields, text_fields=self.text_fields, ordering=self.ordering
                )[: limit + 1]
            )
            hits, more = [self.hit(row) for row in rows[:limit]], len(rows) > limit
        more_url = f"{self.list_url()}?{urlencode({'q': query})}" if more and self.list_url else ""
        return SearchGroup(self.key, str(self.label), tuple(hits), more_url, more)


def _words_match(words: list[str], fields: Sequence[str]) -> Q:
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def matching(
    queryset: QuerySet,
    query: str,
    *,
    fields: Sequence[str],
    text_fields: Sequence[str] = (),
    ordering: Sequence[str] = (),
) -> QuerySet:
    """The rows of `queryset` matching `query`: every word in one of `fields` (and, on SQLite, of
    `text_fields`); on PostgreSQL, or the `text_fields` as full text, best ranked first."""
    words = query_words(query)
    if not words:
        return queryset.none()
    if text_fields and connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*text_fields, config="simple")
        search = SearchQuery(query, search_type="websearch", config="simple")
        # A row matches its full text when the whole query does (`@@`): a rank above 0 only says that
        # some word matched.
        queryset = queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, search)).filter(
            _words_match(words, fields) | Q(search_vector=search)
        )
        return queryset.order_by("-search_rank", *(ordering or queryset.model._meta.ordering or ["pk"]))
    queryset = queryset.filter(_words_match(words, [*fields, *text_fields]))
    return queryset.order_by(*ordering) if ordering else queryset


def registered_kinds() -> list[SearchKind]:
    kinds: list[SearchKind] = []
    for register in hooks.get_hooks(HOOK):
        kinds.extend(register())
    return sorted(kinds, key=lambda kind: (kind.order, kind.key))


def kinds_for(user: Any) -> list[SearchKind]:
    return [kind for kind in registered_kinds() if kind.shown_to(user)]


def search(*, user: Any, query: str, limit: int = PER_KIND) -> list[SearchGroup]:
    """What `user` may see that matches `query`, by kind (only kinds with rows found)."""
    query = clean_query(query)
    if not query_words(query):
        return []
    groups = [kind.search(user, query, limit=limit) for kind in kinds_for(user)]
    return [group for group in groups if group.hits]
