"""Admin forms that other apps may add fields to, without the form's app importing them.

An app registers a provider with the `register_contributed_form_fields` Wagtail hook: a function of
(model, instance) returning `ContributedField`s for the models it knows (an empty sequence for the
others). A form built on `ContributedFieldsMixin` adds those fields when it is made and, once its own
row is saved, hands each field's cleaned value to the field's `save` (the provider's service, which
checks, writes and audits). Forms laid out with panels show them with `ContributedFieldsPanel`; forms
without panels show every field anyway.

This keeps the dependency direction (reports -> onboarding -> network -> core): reports lets staff link
a roundtable or a training event to the grant activities that funded it from the event's own form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList, Panel

CONTRIBUTED_FIELDS_HOOK = "register_contributed_form_fields"


@dataclass(frozen=True)
class ContributedField:
    """A field another app adds to a model's admin form, with its initial value and how it is saved:
    `save(instance, value, user)` runs after the form's own row is saved, in the same transaction."""

    name: str
    field: forms.Field
    initial: Any
    save: Callable[[models.Model, Any, Any], None]


def contributed_fields(model: type[models.Model], instance: models.Model | None) -> list[ContributedField]:
    fields: list[ContributedField] = []
    for provider in hooks.get_hooks(CONTRIBUTED_FIELDS_HOOK):
        fields.extend(provider(model, instance) or ())
    return fields


class ContributedFieldsMixin:
    """For a ModelForm: adds the fields registered for its model (`contributed_fields`) and saves them
    after its row. The acting user is the form's `for_user` (Wagtail's admin forms receive it)."""

    contributed: Sequence[ContributedField]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        self.contributed = contributed_fields(form._meta.model, form.instance)
        for item in self.contributed:
            form.fields[item.name] = item.field
            if item.name not in form.initial:
                form.initial[item.name] = item.initial

    @property
    def contributed_field_names(self) -> list[str]:
        return [item.name for item in self.contributed]

    def _save_m2m(self) -> None:
        form: Any = self
        super()._save_m2m()
        user = getattr(form, "for_user", None)
        for item in self.contributed:
            item.save(form.instance, form.cleaned_data.get(item.name), user)


class ContributedFieldsPanel(Panel):
    """Shows the fields other apps contributed to the form (nothing when there are none)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "core/panels/contributed_fields.html"

        def is_shown(self) -> bool:
            return bool(self.field_names)

        @property
        def field_names(self) -> list[str]:
            return list(getattr(self.form, "contributed_field_names", []))

        def get_context_data(self, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
            context = super().get_context_data(parent_context)
            context["fields"] = [self.form[name] for name in self.field_names]
            return context


class ContributedFieldsObjectList(ObjectList):
    """A panel layout with a `ContributedFieldsPanel` inside: the contributed fields are shown there,
    never again among the fields Wagtail renders for the form's "missing" fields."""

    class BoundPanel(ObjectList.BoundPanel):
        def render_missing_fields(self) -> SafeString:
            rendered = set(self.panel.get_form_options().get("fields", []))
            rendered |= set(getattr(self.form, "contributed_field_names", []))
            return mark_safe(  # noqa: S308 (form fields render their own escaped HTML)
                "".join(str(self.form[name]) for name in self.form.fields if name not in rendered)
            )


class ContributedFieldsForm(ContributedFieldsMixin, WagtailAdminModelForm):
    """The admin's model form with contributed fields (the base of `modelform_factory` or of a panel
    layout's form)."""
