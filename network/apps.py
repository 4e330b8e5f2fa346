from django.apps import AppConfig


def _perms(model: str, *actions: str) -> list[str]:
    return [f"network.{action}_{model}" for action in actions]


CRUD = ("add", "change", "delete", "view")


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        from accounts.roles import Role, register_role_permissions

        registry_view = [*_perms("country", "view"), *_perms("organisation", "view"), *_perms("hotline", "view")]
        capacity_view = [
            *_perms("analyst", "view"),
            *_perms("trainingcourse", "view"),
            *_perms("trainingevent", "view"),
            *_perms("trainingparticipation", "view"),
            *_perms("hotlineannualprofile", "view"),
            *_perms("hotlinestatistics", "view"),
        ]
        register_role_permissions(
            {
                # The registry: organisations, people, hotlines; validates statistics returns. Hotlines are
                # never deleted here: a hotline that stops leaves through the lifecycle (withdrawn, ceased).
                Role.NETWORK_STAFF: [
                    *_perms("country", "change", "view"),
                    *_perms("organisation", *CRUD),
                    *_perms("contact", *CRUD),
                    "network.erase_contact",
                    *_perms("hotline", "add", "change", "view"),
                    *_perms("hotlinestatistics", *CRUD),
                    *capacity_view,
                ],
                # Capacity building: analysts, courses, events, participation, annual capacity profiles.
                Role.CAPACITY: [
                    *registry_view,
                    *_perms("analyst", *CRUD),
                    *_perms("trainingcourse", *CRUD),
                    *_perms("trainingevent", *CRUD),
                    *_perms("trainingparticipation", *CRUD),
                    *_perms("hotlineannualprofile", *CRUD),
                    *_perms("hotlinestatistics", "view"),
                ],
                Role.REVIEWER: [*registry_view, *capacity_view],
                Role.GRANTS: [*registry_view, *capacity_view],
                Role.EDITOR: registry_view,
            }
        )
