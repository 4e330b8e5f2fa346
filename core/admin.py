"""Base classes of the admin's model screens, shared by every app's viewsets.

A `ScopedViewSet` lists, inspects, edits, deletes and shows the history of one model, always
starting from `Model.objects.visible_to(user)`: an object the user may not see answers 404 on
every screen. Its history lists the fields each entry changed (`core.history.describe_changes`),
its spreadsheet exports pass the formula guard (`core.spreadsheets`) and give an empty cell for a
missing optional relation, and a delete that other rows protect says which rows, instead of failing.
Create, edit and delete are audited by the actions of `core.history`, which each app registers for
its models in its `wagtail_hooks`.
"""

from __future__ import annotations

import inspect
from functools import partialmethod
from typing import Any

from django.contrib import messages
from django.db.models import Model, ProtectedError, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.coreutils import multigetattr

from core.audit import VisibleHistoryMixin
from core.history import describe_changes
from core.spreadsheets import FormulaSafeExportMixin


class TitledPageMixin:
    """Breadcrumbs that end with the page's own title (Wagtail shows only "Home" otherwise)."""

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


class OptionalRelationExportMixin:
    """Spreadsheet exports through an optional relation ("country.code" of a row without a country)
    give an empty cell, not an error. A choice's label ("get_status_display") is looked up in the
    field's choices, read once per export: Django's own method reads every label of the field again for
    each row (in the active language), which made it most of a large export's time."""

    list_export: list[str]

    @cached_property
    def _choice_labels(self) -> dict[tuple[type, str], Any]:
        return {}

    def to_row_dict(self, item: Any) -> dict[str, Any]:
        return {field: optional_path_value(item, field, self._choice_labels) for field in self.list_export}


def optional_path_value(item: Any, path: str, labels: dict[tuple[type, str], Any] | None = None) -> Any:
    """The value at `path` ("hotline.country.code", "get_stage_display"): None when a relation on the
    way is empty. `labels`: choice labels already read, by model and field (filled as they are read)."""
    *relations, attribute = path.split(".")
    owner = item
    for relation in relations:
        owner = multigetattr(owner, relation)
        if owner is None:
            return None
    if labels is not None:
        found = _choice_label(owner, attribute, labels)
        if found is not _NOT_A_CHOICE:
            return found
    return multigetattr(owner, attribute)


_NOT_A_CHOICE = object()


def _choice_label(owner: Any, attribute: str, labels: dict[tuple[type, str], Any]) -> Any:
    """What `owner.get_<field>_display()` returns, from `labels`; `_NOT_A_CHOICE` for any other
    attribute (and for a display method a model writes itself)."""
    key = (type(owner), attribute)
    if key not in labels:
        method = inspect.getattr_static(type(owner), attribute, None)
        if isinstance(method, partialmethod) and method.func is Model._get_FIELD_display:
            field = method.keywords["field"]
            labels[key] = (field.attname, {value: force_str(label) for value, label in field.flatchoices})
        else:
            labels[key] = None
    if labels[key] is None:
        return _NOT_A_CHOICE
    attname, choices = labels[key]
    value = getattr(owner, attname)
    try:
        return force_str(choices.get(value, value), strings_only=True)
    except TypeError:  # an unhashable value: as Django does, through the field's own method
        return getattr(owner, attribute)()


class ScopedExportMixin(FormulaSafeExportMixin, OptionalRelationExportMixin):
    """Every admin spreadsheet export: guarded cells, empty cells through missing relations."""


class ScopedIndexView(ScopedExportMixin, IndexView):
    viewset: ScopedViewSet | None = None

    def get_base_queryset(self) -> QuerySet:
        queryset = self.model._default_manager.visible_to(self.request.user)
        return self.viewset.list_queryset(queryset) if self.viewset else queryset

    def _get_title_column(self, field_name: str, column_class: Any = TitleColumn, **kwargs: Any) -> Any:
        """With the viewset's `title_opens_inspect`, a row's title opens the record's page (inspect view,
        where editing is a button) instead of its form."""
        if not (self.viewset and self.viewset.title_opens_inspect):
            return super()._get_title_column(field_name, column_class, **kwargs)

        def get_url(instance: Any) -> str | None:
            return self.get_inspect_url(instance) or self.get_edit_url(instance)

        column_class = self._get_title_column_class(column_class)
        return self._get_custom_column(field_name, column_class, get_url=get_url, **kwargs)


class ScopedObjectMixin:
    """Edit and delete find the object among those visible to the user (SingleObjectMixin)."""

    def get_queryset(self) -> QuerySet:
        return self.model._default_manager.visible_to(self.request.user)


class ScopedEditView(ScopedObjectMixin, EditView):
    viewset = None


class ScopedDeleteView(ScopedObjectMixin, DeleteView):
    viewset = None

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ProtectedError as exc:
            protected = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
            messages.error(
                self.request,
                _("%(object)s cannot be deleted while %(what)s refer to it.")
                % {"object": self.object, "what": ", ".join(protected)},
            )
            return HttpResponseRedirect(self.request.path)


class ChangesColumn(Column):
    cell_template_name = "core/admin/changes_cell.html"

    def get_value(self, instance: Any) -> list:
        return getattr(instance, "change_lines", [])


class ScopedHistoryView(VisibleHistoryMixin, HistoryView):
    """Wagtail's history, with the fields each entry changed (old → new); readers may see it too, but
    only the entries whose record they may see (`core.audit.log_entries_visible_to`)."""

    viewset = None
    any_permission_required = ["add", "change", "delete", "view"]

    def get_base_object_queryset(self) -> QuerySet:
        return self.model._default_manager.visible_to(self.request.user)

    @cached_property
    def columns(self) -> list:
        columns = list(super().columns)
        columns.insert(1, ChangesColumn("changes", label=gettext_lazy("Changes")))
        return columns

    def get_table(self, object_list: Any, **kwargs: Any) -> Any:
        describe_changes(object_list)
        return super().get_table(object_list, **kwargs)


class ScopedInspectView(InspectView):
    viewset = None

    def get_object(self, queryset: Any = None) -> Any:
        return get_object_or_404(self.model._default_manager.visible_to(self.request.user), pk=self.pk)

    @cached_property
    def header_buttons(self) -> list:
        """Editing is a visible button on the record's page (not hidden in the "more" menu)."""
        edit_url = self.get_edit_url()
        return [HeaderButton(_("Edit"), url=edit_url, icon_name="edit", priority=10)] if edit_url else []

    @cached_property
    def header_more_buttons(self) -> list:
        edit_url = self.get_edit_url()
        buttons = [button for button in super().header_more_buttons if not edit_url or button.url != edit_url]
        if self.viewset is not None:
            history = reverse(self.viewset.get_url_name("history"), args=(self.object.pk,))
            buttons.append(Button(_("History"), url=history, icon_name="history", priority=30))
        return buttons


class ScopedViewSet(ModelViewSet):
    """A model's admin screens scoped by `visible_to(user)`; `list_queryset` adds the listing's joins
    and annotations."""

    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    inspect_view_class = ScopedInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    list_select_related: tuple[str, ...] = ()
    # A row's title opens the record's page (inspect view) instead of its edit form.
    title_opens_inspect = False

    def list_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related(*self.list_select_related) if self.list_select_related else queryset

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_common_view_kwargs(viewset=self, **kwargs)
