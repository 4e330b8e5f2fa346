from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import PORTAL_ROLE_TARGETS, PortalRole, Role


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validators_help_texts()),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ; type the same password twice."))
        elif first:
            candidate = User(
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(first, user=candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def _target_field(model_label: str) -> forms.ModelChoiceField | None:
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return None
    return forms.ModelChoiceField(
        queryset=model.objects.all(), required=False, label=model._meta.verbose_name.capitalize()
    )


class InvitationCreateForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.invitation_choices())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One chooser per affiliation target that exists (organisation, donor).
        self.target_fields: dict[str, str] = {}
        for role, label in PORTAL_ROLE_TARGETS.items():
            field = _target_field(label)
            if field is not None:
                name = label.split(".")[1].lower()
                field.help_text = _("Required for the role “%(role)s”.") % {"role": Role(role).value}
                self.fields[name] = field
                self.target_fields[str(role)] = name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        role = data.get("role")
        data["target"] = None
        for field_role, name in self.target_fields.items():
            value = data.get(name)
            if role == field_role:
                if value is None:
                    self.add_error(name, _("Choose who this person will belong to."))
                data["target"] = value
            elif value is not None:
                self.add_error(name, _("Leave this empty for the chosen role."))
        if role in (str(Role.HOTLINE_USER), str(Role.DONOR_USER)) and role not in self.target_fields:
            self.add_error("role", _("This role cannot be used yet: its organisations or donors do not exist."))
        return data


class ColleagueInviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))
    role = forms.ChoiceField(
        label=_("Portal role"),
        choices=PortalRole.choices,
        initial=PortalRole.CONTRIBUTOR,
        help_text=_("Manager: also invites colleagues and sets roles. Contributor: edits and submits. Viewer: reads."),
    )


class ColleagueRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Portal role"), choices=PortalRole.choices)
