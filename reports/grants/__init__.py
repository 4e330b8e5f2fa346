"""Donors and grants: the grant reads (coverage, options, unlinked events), the services, and the
"Grants" admin menu's viewsets and views."""
