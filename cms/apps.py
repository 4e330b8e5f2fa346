from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from accounts.roles import Role, register_role_permissions
        from cms import caching

        caching.connect_signals()
        editorial = [
            "cms.add_partnerorganisation",
            "cms.change_partnerorganisation",
            "simple_translation.submit_translation",
        ]
        # Pages, images and documents: Wagtail's own page and collection permissions, kept by the
        # Editor and Moderator groups (accounts/migrations/0002_roles.py).
        register_role_permissions(
            {
                Role.EDITOR: editorial,
                Role.MODERATOR: [*editorial, "cms.delete_partnerorganisation"],
            }
        )
