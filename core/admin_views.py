"""Wagtail admin screens whose rules are the toolkit's: the site history, under the audit trail's
reading rule (`core.audit.log_entries_visible_to`) instead of Wagtail's per-content-type one.

config/urls.py mounts these before Wagtail's admin URLs, at the same paths and names' URLs, so
every link Wagtail builds to its site history reaches this one.
"""

from __future__ import annotations

from django.db.models import IntegerField, QuerySet, Value
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from core.audit import log_entries_visible_to
from core.spreadsheets import FormulaSafeExportMixin


class SiteHistoryView(FormulaSafeExportMixin, LogEntriesView):
    """Wagtail's site history, listing only the entries whose records the user may see. Page
    entries keep Wagtail's page permissions; every other entry follows `log_entries_visible_to`."""

    def get_filtered_queryset(self) -> QuerySet:
        # As Wagtail's own, with each log model's entries narrowed first (see its docstring for why
        # the union of `values()` querysets).
        queryset = None
        self.log_models = list(log_action_registry.get_log_entry_models())
        for index, log_model in enumerate(self.log_models):
            entries = log_model.objects.viewable_by_user(self.request.user)
            if issubclass(log_model, ModelLogEntry):
                entries = log_entries_visible_to(entries, self.request.user)
            sub_queryset = entries.values("pk", "timestamp").annotate(
                log_model_index=Value(index, output_field=IntegerField())
            )
            sub_queryset = self.filter_queryset(sub_queryset).order_by()
            queryset = sub_queryset if queryset is None else queryset.union(sub_queryset, all=True)
        return queryset.order_by("-timestamp")
