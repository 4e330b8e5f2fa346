from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.roles import Role, register_role_permissions
        from cms import caching, selectors, site_address
        from core import dataversion

        caching.connect_signals()
        # Public pages that show registry data are keyed by this topic's version only.
        dataversion.track(selectors.REGISTRY_TOPIC, selectors.REGISTRY_MODELS)
        # The default Site's hostname and port follow WAGTAILADMIN_BASE_URL after every migrate.
        post_migrate.connect(site_address.apply_after_migrate, sender=self, dispatch_uid="cms.site_address")
        editorial = [
            "cms.add_partnerorganisation",
            "cms.change_partnerorganisation",
            "simple_translation.submit_translation",
        ]
        # Pages, images and documents: Wagtail's own page and collection permissions, kept by the
        # Editor and Moderator groups (accounts/migrations/0002_roles.py).
        # The international reporting routes the directory names for uncovered countries: kept by
        # network staff (they know the network) and editors.
        routes = ["cms.add_reportingroute", "cms.change_reportingroute", "cms.delete_reportingroute"]
        register_role_permissions(
            {
                Role.EDITOR: [*editorial, *routes],
                Role.MODERATOR: [*editorial, "cms.delete_partnerorganisation", *routes],
                Role.NETWORK_STAFF: routes,
            }
        )
