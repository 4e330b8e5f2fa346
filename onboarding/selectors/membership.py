"""Reads of the member cycle: a renewal pack's parts and status (from the records that do them), the
staff board of renewals and quality-assurance reviews for a year, a member's own cycle for the portal,
and whether a review earns its certificate.

A pack's four parts: the Code of Practice re-declared (recorded on the pack), the annual profile for
the pack's year (a `HotlineAnnualProfile` exists), the statistics return for the past year (a
`HotlineStatistics` return overlapping it: `HotlineStatistics.covering_year`, the rule the
member portal's "returns due" uses) and the contacts and point of contact confirmed (recorded on the
pack). Every function reads many packs in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Contact, Hotline, HotlineAnnualProfile, HotlineStatistics
from onboarding.models import (
    Assessment,
    CorrectiveAction,
    JointVisit,
    QaCertificate,
    QaSchedule,
    RenewalPack,
    RenewalStatus,
    SelfAssessment,
    SuspensionProposal,
    qa_schedules,
    renewal_status,
    renewal_year_to_open,
)
from onboarding.selectors.selfassessment import latest_self_assessments, member_self_assessments

CODE = "code_of_practice"
PROFILE = "annual_profile"
STATISTICS = "statistics"
CONTACTS = "contacts"
PARTS = (CODE, PROFILE, STATISTICS, CONTACTS)


@dataclass(frozen=True)
class RenewalPart:
    key: str
    label: str
    done: bool
    portal_url: str  # where the member does it (a URL name taking the hotline's pk, or the pack's)
    url_arg: str  # "hotline" or "pack"


@dataclass(frozen=True)
class RenewalOverview:
    pack: RenewalPack
    parts: tuple[RenewalPart, ...]
    status: str
    proposal: SuspensionProposal | None = None

    @property
    def missing(self) -> list[RenewalPart]:
        return [part for part in self.parts if not part.done]

    @property
    def done_count(self) -> int:
        return sum(part.done for part in self.parts)

    @property
    def status_label(self) -> str:
        return str(RenewalStatus(self.status).label)


def _parts(pack: RenewalPack, *, has_profile: bool, has_statistics: bool) -> tuple[RenewalPart, ...]:
    return (
        RenewalPart(
            CODE,
            _("Code of Practice re-declared for %(year)s") % {"year": pack.year},
            pack.code_declared_at is not None,
            "portal:membership_declare",
            "pack",
        ),
        RenewalPart(
            PROFILE,
            _("Annual capacity profile for %(year)s") % {"year": pack.year},
            has_profile,
            "portal:network_annual_profile_add",
            "hotline",
        ),
        RenewalPart(
            STATISTICS,
            _("Statistics return for %(year)s") % {"year": pack.year - 1},
            has_statistics,
            "portal:network_statistics_add",
            "hotline",
        ),
        RenewalPart(
            CONTACTS,
            _("Contacts and point of contact confirmed"),
            pack.contacts_confirmed_at is not None,
            "portal:membership_contacts",
            "pack",
        ),
    )


def renewal_overviews(packs: QuerySet[RenewalPack] | list[RenewalPack], *, today: date) -> list[RenewalOverview]:
    """Each pack with its parts (read from the records) and status on `today`, in three queries."""
    packs = list(packs)
    if not packs:
        return []
    hotline_ids = {pack.hotline_id for pack in packs}
    years = {pack.year for pack in packs}
    profiles = set(
        HotlineAnnualProfile.objects.filter(hotline_id__in=hotline_ids, year__in=years).values_list(
            "hotline_id", "year"
        )
    )
    covering = Q()
    for year in years:
        covering |= HotlineStatistics.covering_year(year - 1)
    returns = list(
        HotlineStatistics.objects.filter(covering, hotline_id__in=hotline_ids).values_list(
            "hotline_id", "period_start", "period_end"
        )
    )
    with_statistics = {
        (hotline_id, year)
        for hotline_id, start, end in returns
        for year in years
        if start <= date(year - 1, 12, 31) and end >= date(year - 1, 1, 1)
    }
    proposals = {
        p.pack_id: p for p in SuspensionProposal.objects.filter(pack__in=[pack.pk for pack in packs]).order_by("pk")
    }
    overviews = []
    for pack in packs:
        parts = _parts(
            pack,
            has_profile=(pack.hotline_id, pack.year) in profiles,
            has_statistics=(pack.hotline_id, pack.year) in with_statistics,
        )
        status = renewal_status(
            parts_done=sum(part.done for part in parts),
            parts=len(parts),
            due_on=pack.due_on,
            grace_until=pack.grace_until,
            today=today,
        )
        overviews.append(RenewalOverview(pack, parts, status, proposals.get(pack.pk)))
    return overviews


def lapsed_packs(*, today: date) -> list[RenewalOverview]:
    """Packs past their grace on `today`, still incomplete, of hotlines that are still members."""
    packs = (
        RenewalPack.objects.past_grace(today)
        .filter(hotline__stage__in=Hotline.MEMBER_STAGES)
        .select_related("hotline__lead_staff")
        .order_by("due_on", "pk")
    )
    return [o for o in renewal_overviews(packs, today=today) if o.status == RenewalStatus.LAPSED]


# -- The staff board -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MemberCycleRow:
    hotline: Hotline
    renewal: RenewalOverview | None  # None: no pack opened for the year
    qa: QaSchedule
    certificate: QaCertificate | None  # valid today
    qa_planned: bool
    self_assessment: SelfAssessment | None = None  # the latest asked


@dataclass(frozen=True)
class MemberCycleBoard:
    year: int
    rows: list[MemberCycleRow]
    counts: dict[str, int]
    unopened: int
    proposals: list[SuspensionProposal]
    joint_visits: list[JointVisit] = field(default_factory=list)


def valid_certificates(hotline_ids: Any, *, on: date) -> dict[int, QaCertificate]:
    """The latest certificate valid on `on` per hotline."""
    found: dict[int, QaCertificate] = {}
    for certificate in QaCertificate.objects.valid_on(on).filter(hotline_id__in=hotline_ids).order_by("valid_from"):
        found[certificate.hotline_id] = certificate
    return found


def renewal_year_in_progress(*, today: date) -> int:
    """The renewal year members and staff work on, on `today`: the latest year whose packs were opened,
    up to the one that opens next (`renewal_year_to_open`; in December that is already next year's, due
    in March); the year to open when none was opened yet."""
    upcoming = renewal_year_to_open(today)
    latest = RenewalPack.objects.filter(year__lte=upcoming).order_by("-year").values_list("year", flat=True).first()
    return latest or upcoming


def member_cycle_board(*, user: Any, year: int, today: date) -> MemberCycleBoard:
    """Every member with its renewal pack for `year` and status, its quality-assurance schedule and
    valid certificate; open suspension proposals; joint visits to come. A fixed number of queries."""
    members = list(Hotline.objects.visible_to(user).members().select_related("country").order_by("brand_name", "pk"))
    ids = [hotline.pk for hotline in members]
    packs = RenewalPack.objects.visible_to(user).filter(hotline_id__in=ids, year=year).select_related("hotline")
    renewals = {overview.pack.hotline_id: overview for overview in renewal_overviews(packs, today=today)}
    schedules = qa_schedules(Hotline.objects.filter(pk__in=ids), on=today)
    certificates = valid_certificates(ids, on=today)
    planned = set(
        Assessment.objects.filter(
            hotline_id__in=ids,
            kind=Assessment.Kind.QA_REVIEW,
            status__in=[Assessment.Status.PLANNED, Assessment.Status.IN_PROGRESS],
        ).values_list("hotline_id", flat=True)
    )
    self_assessments = latest_self_assessments(ids)
    rows = [
        MemberCycleRow(
            hotline,
            renewals.get(hotline.pk),
            schedules.get(hotline.pk, QaSchedule(None, None)),
            certificates.get(hotline.pk),
            hotline.pk in planned,
            self_assessments.get(hotline.pk),
        )
        for hotline in members
    ]
    counts = dict.fromkeys(RenewalStatus.values, 0)
    for overview in renewals.values():
        counts[overview.status] += 1
    proposals = list(
        SuspensionProposal.objects.visible_to(user).open().select_related("hotline", "pack").order_by("proposed_on")
    )
    visits = list(
        JointVisit.objects.visible_to(user)
        .filter(ends_on__gte=today)
        .annotate(review_count=Count("assessments"))
        .order_by("starts_on")
    )
    return MemberCycleBoard(
        year=year,
        rows=rows,
        counts=counts,
        unopened=sum(1 for row in rows if row.renewal is None),
        proposals=proposals,
        joint_visits=visits,
    )


# -- A member's own cycle (portal) -------------------------------------------------------------------
@dataclass(frozen=True)
class MemberCycle:
    hotline: Hotline
    current: RenewalOverview | None
    earlier: list[RenewalOverview]
    qa: QaSchedule
    certificate: QaCertificate | None
    certificates: list[QaCertificate]
    contacts: list[Contact]
    self_assessments: list[SelfAssessment] = field(default_factory=list)


def portal_members(*, user: Any) -> QuerySet[Hotline]:
    """The member hotlines a portal user's organisation hosts."""
    return Hotline.objects.visible_to(user).members().select_related("country", "host_organisation")


def member_cycle(*, user: Any, hotline: Hotline, today: date) -> MemberCycle:
    """The member's renewal packs (the latest first), review schedule and certificates, and the
    contacts it confirms: all read through `visible_to(user)`."""
    packs = RenewalPack.objects.visible_to(user).filter(hotline=hotline).order_by("-year")
    overviews = renewal_overviews(packs, today=today)
    certificates = list(QaCertificate.objects.visible_to(user).filter(hotline=hotline).order_by("-valid_from"))
    valid = next((c for c in certificates if c.is_valid_on(today)), None)
    contacts = list(
        Contact.objects.visible_to(user)
        .not_erased()
        .filter(organisation_id=hotline.host_organisation_id)
        .order_by("name", "pk")
    )
    return MemberCycle(
        hotline=hotline,
        current=overviews[0] if overviews else None,
        earlier=overviews[1:],
        qa=qa_schedules(Hotline.objects.filter(pk=hotline.pk), on=today).get(hotline.pk, QaSchedule(None, None)),
        certificate=valid,
        certificates=certificates,
        contacts=contacts,
        self_assessments=member_self_assessments(user=user, hotline_id=hotline.pk),
    )


# -- Certificates --------------------------------------------------------------------------------------
def certificate_refusal(*, assessment: Assessment, open_actions: int, has_certificate: bool) -> str | None:
    """Why a review does not earn its certificate (None: it does): a completed quality-assurance
    review that passed, or passed with actions that are all verified; one certificate per review."""
    if assessment.kind != Assessment.Kind.QA_REVIEW:
        return _("Only a quality-assurance review earns a certificate.")
    if has_certificate:
        return _("This review's certificate is already issued.")
    if assessment.status != Assessment.Status.COMPLETED:
        return _("The review's report is not completed yet.")
    if assessment.recommendation == Assessment.Recommendation.PASSED:
        return None
    if assessment.recommendation == Assessment.Recommendation.PASSED_WITH_ACTIONS:
        if open_actions:
            return _("The review passed once its corrective actions are closed: %(count)s still open.") % {
                "count": open_actions
            }
        return None
    return _("The review was not passed.")


def certificate_refusal_for(assessment: Assessment) -> str | None:
    """`certificate_refusal` with the review's open corrective actions and certificate read."""
    return certificate_refusal(
        assessment=assessment,
        open_actions=CorrectiveAction.objects.filter(assessment=assessment).open().count(),
        has_certificate=QaCertificate.objects.filter(assessment=assessment).exists(),
    )


def hotline_certificate(*, user: Any, hotline: Hotline, on: date | None = None) -> QaCertificate | None:
    """The hotline's certificate valid on `on` (today by default), as `user` may see it."""
    day = on or timezone.localdate()
    return QaCertificate.objects.visible_to(user).valid_on(day).filter(hotline=hotline).order_by("-valid_from").first()
