from django.apps import AppConfig


def _dashboards(*slugs: str) -> list[str]:
    return [f"reports.view_{slug}_dashboard" for slug in slugs]


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from accounts.roles import Role, register_role_permissions

        register_role_permissions(
            {
                # Network staff run the network: every dashboard.
                Role.NETWORK_STAFF: _dashboards(
                    "network", "pipeline", "roundtables", "capacity", "quality", "operations", "grants"
                ),
                # Grants managers report to donors: the network, roundtables, statistics and grants.
                Role.GRANTS: _dashboards("network", "roundtables", "operations", "grants"),
                # Capacity-building staff: analysts, training and certificates.
                Role.CAPACITY: _dashboards("network", "capacity"),
                # Accreditation reviewers see the dossiers assigned to them (the review queue), not the
                # network-wide quality figures.
                Role.REVIEWER: _dashboards("network"),
            }
        )
