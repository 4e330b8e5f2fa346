"""Where a missing condition is put right, for staff: each unmet gate's message with a link to the
admin screen where it is recorded. `onboarding.gates.FIXED_AT` says which screen for each gate; this
module is the one place that turns it into an address for one candidate (templates never build these
links). A link is offered only when the user may use the screen.

Queries: none, except one for a gate that names a checklist item and one for the roundtable gate,
each only while that gate is unmet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from network.models import Hotline
from onboarding import gates, workflow
from onboarding.gates import FixedAt, GateCheck
from onboarding.models import ChecklistItem, Roundtable


@dataclass(frozen=True)
class MissingLine:
    """One thing missing before a step: what (the gate's message) and where it is put right."""

    message: str
    url: str = ""
    link_label: str = ""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FixLink:
    url: str
    label: str


def missing_lines(
    *, transition: workflow.Transition, facts: gates.GateFacts, hotline: Hotline, user: Any, back: str = ""
) -> list[MissingLine]:
    """The unmet gates of `transition` for `hotline`, each with the link where `user` puts it right.
    `back` is where the screen returns after saving (usually the candidate page)."""
    lines = []
    for gate, message in workflow.unmet_gate_checks(transition, facts):
        link = fix_link(gate=gate, hotline=hotline, user=user, back=back)
        lines.append(MissingLine(message, link.url, link.label) if link else MissingLine(message))
    return lines


def fix_link(*, gate: GateCheck, hotline: Hotline, user: Any, back: str = "") -> FixLink | None:
    """The screen where what `gate` misses is recorded for `hotline`, or None when `user` may not use it."""
    permission, build = _SCREENS[gates.fixed_at(gate)]
    if not user.has_perm(permission):
        return None
    return build(gate, hotline, user, back)


def _with_query(url: str, **params: Any) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{url}?{query}" if query else url


def _host_organisation(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    return FixLink(reverse("onboarding_admin:candidate_edit", args=[hotline.pk]), _("Record the host organisation"))


def _interactions(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    url = _with_query(reverse("onboarding_interactions:add"), hotline=hotline.pk, next=back)
    return FixLink(url, _("Log an interaction"))


def _country_assessment(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    url = _with_query(reverse("onboarding_assessments:add"), country=hotline.country_id, next=back)
    return FixLink(url, _("Assess the country"))


def _checklist_item(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    item = (
        ChecklistItem.objects.visible_to(user)
        .filter(checklist__hotline=hotline, template_item__gate_fact=gates.GATE_CHECKLIST_FACT[gates.gate_name(gate)])
        .only("pk")
        .first()
    )
    if item is None:
        return _checklist(gate, hotline, user, back)
    return FixLink(reverse("onboarding_admin:review_item", args=[item.pk]), _("Open the checklist item"))


def _checklist(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    return FixLink(
        reverse("onboarding_admin:dossier", args=[hotline.pk]) + "#checklist-heading", _("Open the checklist")
    )


def _roundtable(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    latest = (
        Roundtable.objects.visible_to(user).filter(hotline=hotline).order_by("-starts_at", "-pk").only("pk").first()
    )
    if latest is not None:
        return FixLink(
            reverse("onboarding_admin:roundtable", args=[latest.pk]), _("Record who attended the roundtable")
        )
    url = _with_query(reverse("onboarding_roundtables:add"), country=hotline.country_id, hotline=hotline.pk, next=back)
    return FixLink(url, _("Plan a roundtable"))


def _agreement(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    url = _with_query(reverse("onboarding_agreements:add"), country=hotline.country_id, hotline=hotline.pk, next=back)
    return FixLink(url, _("Record the agreement"))


def _training(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    return FixLink(reverse("network_hotline:inspect", args=[hotline.pk]), _("See its analysts' training"))


def _reviewers(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    url = reverse("onboarding_admin:dossier", args=[hotline.pk]) + "#reviewers-heading"
    return FixLink(url, _("The dossier's reviewers"))


def _assessment(gate: GateCheck, hotline: Hotline, user: Any, back: str) -> FixLink:
    url = reverse("onboarding_admin:dossier", args=[hotline.pk]) + "#assessments-heading"
    return FixLink(url, _("The dossier's assessments"))


# Each screen: the permission it needs and its address for a candidate.
_SCREENS: dict[FixedAt, tuple[str, Callable[[GateCheck, Hotline, Any, str], FixLink]]] = {
    FixedAt.HOST_ORGANISATION: ("onboarding.change_candidateprofile", _host_organisation),
    FixedAt.INTERACTIONS: ("onboarding.add_interaction", _interactions),
    FixedAt.COUNTRY_ASSESSMENT: ("onboarding.add_countryassessment", _country_assessment),
    FixedAt.CHECKLIST_ITEM: ("onboarding.view_checklistitem", _checklist_item),
    FixedAt.CHECKLIST: ("onboarding.view_checklistitem", _checklist),
    FixedAt.ROUNDTABLE: ("onboarding.view_roundtable", _roundtable),
    FixedAt.AGREEMENT: ("onboarding.add_agreement", _agreement),
    FixedAt.TRAINING: ("network.view_hotline", _training),
    FixedAt.REVIEWERS: ("onboarding.view_reviewerassignment", _reviewers),
    FixedAt.ASSESSMENT: ("onboarding.view_assessment", _assessment),
}
