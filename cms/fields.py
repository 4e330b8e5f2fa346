"""Model fields of the public site's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models


class ChoiceListField(models.JSONField):
    """Several codes from a fixed list, stored as a JSON list (the same on SQLite and PostgreSQL).

    For display only: a value that pages must be filtered by in SQL belongs in a many-to-many.
    """

    def __init__(self, *args: Any, item_choices: list[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        self.item_choices = list(item_choices or [])
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = [(code, str(label)) for code, label in self.item_choices]
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            label=self.verbose_name.capitalize() if self.verbose_name else None,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        allowed = {code for code, _label in self.item_choices}
        unknown = [item for item in value or [] if item not in allowed]
        if unknown:
            from django.core.exceptions import ValidationError

            raise ValidationError(f"Unknown choice(s): {', '.join(map(str, unknown))}.")

    def labels(self, value: list[str]) -> list[str]:
        names = dict(self.item_choices)
        return [str(names.get(code, code)) for code in value or []]
