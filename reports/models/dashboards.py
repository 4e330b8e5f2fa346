"""`Dashboard` holds no rows: it carries the permission to see each dashboard, which `apps.py`
grants to roles and staff can adjust in the admin's group settings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """Permissions to see the staff dashboards (no table)."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")
        permissions = [
            ("view_network_dashboard", "Can see the network overview dashboard"),
            ("view_pipeline_dashboard", "Can see the pipeline dashboard"),
            ("view_roundtables_dashboard", "Can see the roundtables and stakeholder coverage dashboard"),
            ("view_capacity_dashboard", "Can see the capacity and training dashboard"),
            ("view_quality_dashboard", "Can see the quality dashboard"),
            ("view_operations_dashboard", "Can see the operations dashboard"),
            ("view_grants_dashboard", "Can see the grant progress dashboard"),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
