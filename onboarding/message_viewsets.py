"""The admin's "Message templates" (Onboarding menu): network staff edit the texts of the emails sent
from records, per purpose, in English, French and Spanish. The purposes are fixed: nobody adds or
deletes a template (each is shipped, and made again from the shipped texts if missing)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from onboarding.models import MessageTemplate
from onboarding.viewsets import OnboardingViewSet, date_column


class FixedPurposesPermissionPolicy(ModelPermissionPolicy):
    """One template per purpose, shipped: staff edit them; nobody adds or deletes one."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in ("add", "delete") and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Any) -> QuerySet:
        return super().users_with_any_permission([a for a in actions if a not in ("add", "delete")] or ["none"])


register_permission_policy(MessageTemplate, FixedPurposesPermissionPolicy(MessageTemplate), exact_class=True)


class MessageTemplateForm(WagtailAdminModelForm):
    """Each text field says which placeholders its purpose offers; `MessageTemplate.clean` names any other."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = ", ".join(f"{{{name}}} ({label})" for name, label in self.instance.placeholders.items())
        for name, field in self.fields.items():
            if name.startswith(("subject_", "body_")) and offered:
                field.help_text = _("Placeholders: %(offered)s. Write {{ or }} for a brace.") % {"offered": offered}


def _language_panel(code: str, label: Any) -> MultiFieldPanel:
    return MultiFieldPanel([FieldPanel(f"subject_{code}"), FieldPanel(f"body_{code}")], heading=label)


class MessageTemplateViewSet(OnboardingViewSet):
    model = MessageTemplate
    icon = "mail"
    name = "onboarding_message_templates"
    url_prefix = "onboarding/message-templates"
    menu_label = gettext_lazy("Message templates")
    list_display = [
        Column("purpose", accessor="get_purpose_display", label=gettext_lazy("Purpose")),
        "subject_en",
        date_column("updated_at", gettext_lazy("Updated")),
    ]
    search_fields = ["subject_en", "body_en", "subject_fr", "body_fr", "subject_es", "body_es"]
    ordering = "purpose"
    edit_handler = ObjectList(
        [
            _language_panel("en", gettext_lazy("English")),
            _language_panel("fr", gettext_lazy("French")),
            _language_panel("es", gettext_lazy("Spanish")),
        ],
        base_form_class=MessageTemplateForm,
    )
