from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import admin_sidebar, dataversion

        dataversion.connect_signals()
        admin_sidebar.connect_signals()
        _admin_date_fields()


def _admin_date_fields() -> None:
    """Every date and date-time field of the Wagtail admin's generated forms reads dates without
    guessing (`core.forms`) and keeps Wagtail's chooser, writing ISO; every foreign key's choices
    read what their labels show in one query."""
    from django.db import models
    from wagtail.admin.forms import models as wagtail_forms  # registers Wagtail's defaults first

    from core.forms import AdminDateInput, AdminDateTimeInput, DateField, DateTimeField, RelatedLabelsChoiceField

    wagtail_forms.register_form_field_override(
        models.DateField, override={"form_class": DateField, "widget": AdminDateInput}
    )
    wagtail_forms.register_form_field_override(
        models.DateTimeField, override={"form_class": DateTimeField, "widget": AdminDateTimeInput}
    )
    # Any other foreign key (a more specific model's chooser wins): labels read in the choices' query.
    wagtail_forms.register_form_field_override(
        models.ForeignKey, to=models.Model, override={"form_class": RelatedLabelsChoiceField}
    )
