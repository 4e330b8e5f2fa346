from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts.roles import sync_role_permissions

        # After every migrate: role groups exist and hold the permissions apps declared.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
