"""A candidate's arrival and profile: the registry entry, its host organisation, the candidate profile, the
first stage-history row and, when a checklist template is published, its dossier's checklist.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import dataversion
from core.audit import audit, audit_bulk
from core.history import changed_fields
from network.models import Country, Hotline, Organisation
from onboarding.models import (
    CandidateProfile,
    ChecklistTemplate,
    StageChange,
)
from onboarding.selectors.lifecycle import lead_staff_choices
from onboarding.services.checklists import checklist_create
from onboarding.services.common import Stage, _require_network_staff


def candidate_create(
    *,
    brand_name: str,
    country: Country,
    host_organisation: Organisation | None = None,
    new_host_name: str = "",
    new_host_type: str = Organisation.Type.NGO,
    identified_on: date,
    source: str,
    lead_staff: User | None,
    notes: str = "",
    acting_user: User,
) -> Hotline:
    """Start tracking a prospective hotline: the registry entry in "identified", its profile and first history row.

    The host is an organisation of the registry, or a new one created here (`new_host_name`).
    """
    _require_network_staff(acting_user, _("Only network staff can add candidates."))
    if (host_organisation is None) == (not new_host_name.strip()):
        raise ValidationError(_("Give the host organisation: an existing one or the name of a new one."))
    now = timezone.now()
    with transaction.atomic():
        if host_organisation is None:
            host_organisation = Organisation(name=new_host_name.strip(), type=new_host_type, country=country)
            host_organisation.full_clean()
            host_organisation.save()
            audit(host_organisation, "onboarding.host_create", user=acting_user, data={"name": host_organisation.name})
        hotline = Hotline(
            brand_name=brand_name.strip(),
            country=country,
            host_organisation=host_organisation,
            lead_staff=lead_staff,
            stage=Stage.IDENTIFIED,
            stage_entered_at=now,
        )
        hotline.full_clean()
        hotline.save()
        hotline.countries_served.add(country)
        profile = CandidateProfile(hotline=hotline, identified_on=identified_on, source=source, notes=notes)
        profile.full_clean()
        profile.save()
        StageChange.objects.create(
            hotline=hotline,
            transition="",
            from_stage="",
            to_stage=Stage.IDENTIFIED,
            reason=_("Candidate identified."),
            changed_by=acting_user,
            changed_at=now,
        )
        audit(
            hotline,
            "onboarding.candidate_create",
            user=acting_user,
            data={"brand_name": hotline.brand_name, "country": country.pk, "host": host_organisation.name},
        )
        if ChecklistTemplate.objects.onboarding().published().exists():
            checklist_create(hotline=hotline, acting_user=acting_user, now=now)
    return hotline


def candidate_profile_save(
    *, profile: CandidateProfile, lead_staff: User | None, acting_user: User
) -> CandidateProfile:
    """Save a candidate's profile (and its lead staff member on the registry entry)."""
    _require_network_staff(acting_user, _("Only network staff can edit candidates."))
    with transaction.atomic():
        profile.full_clean()
        profile.save()
        hotline = profile.hotline
        if hotline.lead_staff_id != (lead_staff.pk if lead_staff else None):
            hotline.lead_staff = lead_staff
            hotline.save(update_fields=["lead_staff", "updated_at"])
        audit(
            hotline,
            "onboarding.candidate_update",
            user=acting_user,
            data={
                "host_confirmed_on": profile.host_confirmed_on.isoformat() if profile.host_confirmed_on else None,
                "lead_staff": lead_staff.email if lead_staff else None,
            },
        )
    return profile


def candidates_reassign_lead(*, hotlines: list[Hotline], lead_staff: User | None, acting_user: User) -> list[Hotline]:
    """Give every chosen candidate `lead_staff` as its lead (None: nobody yet); all or none, one audit
    entry per candidate whose lead changes. The lead must be someone who may lead a candidate."""
    _require_network_staff(acting_user, _("Only network staff can reassign candidates."))
    if not hotlines:
        raise ValidationError(_("Tick at least one candidate."))
    if lead_staff is not None and not lead_staff_choices().filter(pk=lead_staff.pk).exists():
        raise ValidationError(
            _("%(person)s is not network staff and cannot lead a candidate.") % {"person": lead_staff}
        )
    with transaction.atomic():
        locked = list(
            Hotline.objects.select_for_update(of=("self",))
            .filter(pk__in=[h.pk for h in hotlines])
            .select_related("lead_staff")
            .order_by("pk")
        )
        changed = [h for h in locked if h.lead_staff_id != (lead_staff.pk if lead_staff else None)]
        entries = []
        for hotline in changed:
            before = {"lead_staff": hotline.lead_staff_id}
            hotline.lead_staff = lead_staff
            entries.append(
                (
                    hotline,
                    "onboarding.lead_reassign",
                    {"changed": changed_fields(before, {"lead_staff": hotline.lead_staff_id})},
                    hotline.brand_name,
                )
            )
        now = timezone.now()
        Hotline.objects.filter(pk__in=[h.pk for h in changed]).update(lead_staff=lead_staff, updated_at=now)
        dataversion.bump(Hotline)  # an update sends no signals
        audit_bulk(entries, user=acting_user)
    return changed
