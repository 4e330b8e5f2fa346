from django.apps import AppConfig

# Donors, grants and what a grant plans: managed in the "Grants" admin menu.
GRANT_MODELS = (
    "donor",
    "grant",
    "workpackage",
    "activity",
    "deliverable",
    "milestone",
    "indicator",
    "risk",
    "budgetline",
    "budgetperiodamount",
)


def _grant_perms(*actions: str) -> list[str]:
    return [f"reports.{action}_{model}" for model in GRANT_MODELS for action in actions]


def _dashboards(*slugs: str) -> list[str]:
    return [f"reports.view_{slug}_dashboard" for slug in slugs]


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from accounts.roles import Role, register_role_permissions
        from reports import metrics, selectors

        # Metrics computed on their own read the selectors' frames, given here: the registry never
        # imports the selectors (which read the models, whose validation reads the registry).
        metrics.use_frames(load=selectors.Frames, empty=selectors.empty_frame)

        register_role_permissions(
            {
                # Network staff run the network: every dashboard; they read the grants (no changes).
                Role.NETWORK_STAFF: [
                    *_dashboards("network", "pipeline", "roundtables", "capacity", "quality", "operations", "grants"),
                    *_grant_perms("view"),
                    "reports.view_donorreport",
                ],
                # Grants managers report to donors: the network, roundtables, statistics and grants; they
                # manage donors and grants.
                Role.GRANTS: [
                    *_dashboards("network", "roundtables", "operations", "grants"),
                    *_grant_perms("add", "change", "delete", "view"),
                    # Donor reports: prepared, reviewed and published through the lifecycle services
                    # (never deleted: published versions are kept for the record).
                    "reports.add_donorreport",
                    "reports.change_donorreport",
                    "reports.view_donorreport",
                ],
                # Capacity-building staff: analysts, training and certificates.
                Role.CAPACITY: _dashboards("network", "capacity"),
                # Accreditation reviewers see the dossiers assigned to them (the review queue), not the
                # network-wide quality figures.
                Role.REVIEWER: _dashboards("network"),
            }
        )
