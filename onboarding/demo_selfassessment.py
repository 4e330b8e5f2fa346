"""Demo data of the members' self-assessments (called once from `onboarding.demo.seed`, after the member
cycle): the two members of the planned joint visit are asked for their self-assessment before their
reviews (`services.self_assessment_request`); the first has answered every question, cited its documents
and submitted it five days ago, the second has not started.

Dates are relative to the day the demo is seeded, so each state holds whenever it is seeded.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from accounts.access import has_role
from accounts.roles import Role
from core.seeding import DemoContext
from onboarding import services
from onboarding.models import Assessment, EvidenceDocument, SelfAssessment, SelfAssessmentAnswer

ANSWERS = {
    "QA1.1": "The hotline reports to the host organisation's board every quarter; the director signs off the "
    "annual plan. No change of governance since the last review; the organisation chart is attached.",
    "QA1.2": "We apply every part of the Code of Practice. Content assessment follows the network's "
    "classification; the only gap, a written complaints procedure for reporters, is due by June.",
    "QA1.3": "Both corrective actions of the last review are closed: the welfare policy was revised with the "
    "psychologist and access to report records is now logged and reviewed monthly.",
    "QA2.1": "Analysts work at most four hours a day on content, with breaks every hour, a monthly session with "
    "a psychologist (mandatory) and free counselling at any time. Attendance is recorded.",
    "QA2.2": "AN-01 and AN-02 hold the core and content-assessment certificates (valid until next year); AN-03 "
    "completes content assessment this spring and works under supervision until then.",
    "QA2.3": "Three analysts (2.4 FTE). The deputy manager covers absences; a partner hotline takes urgent "
    "reports during the summer closure under the network's cover arrangement.",
    "QA3.1": "The procedures manual (version 4) is attached: it adds a second check before forwarding and "
    "shorter deadlines for live content since the last review.",
    "QA3.2": "Reports on national hosting go to the police's online child protection unit through the "
    "secure channel agreed in the MoU (attached); outcomes are shared quarterly.",
    "QA3.3": "Hosting providers are notified within a day; 91% of content was removed within three days last "
    "year. Two providers needed repeated notices; the regulator was informed.",
    "QA4.1": "Legal basis: a task in the public interest under national law. Report data is kept 12 months, "
    "then deleted; only analysts and the manager have access. The record of processing is attached.",
    "QA4.2": "Separate network and workstations in a locked room, two-factor sign-in, access logs reviewed "
    "monthly. No security incident in the period.",
}


def seed_self_assessments(ctx: DemoContext, staff: Any) -> None:
    reviews = list(
        Assessment.objects.filter(
            kind=Assessment.Kind.QA_REVIEW, status=Assessment.Status.PLANNED, joint_visit__isnull=False
        )
        .select_related("hotline__host_organisation")
        .order_by("starts_on", "pk")[:2]
    )
    if len(reviews) < 2 or not has_role(staff, Role.NETWORK_STAFF):
        ctx.log("self-assessments: none (no planned joint visit, or no network staff member to ask)")
        return
    now = timezone.now()
    asked_at = now - timedelta(days=20)
    submitted, waiting = (
        services.self_assessment_request(hotline=review.hotline, review=review, acting_user=staff, now=asked_at)
        for review in reviews
    )
    _answer_and_submit(submitted, staff, submitted_at=now - timedelta(days=5))
    ctx.log(
        f"self-assessments: {submitted.hotline.brand_name} submitted before its review, "
        f"{waiting.hotline.brand_name} asked and not started"
    )


def _answer_and_submit(item: SelfAssessment, staff: Any, *, submitted_at: Any) -> None:
    """Answers written as the member would, its documents in its dossier, submitted (as the demo has no
    portal user for this member, written directly; the services' rules hold: every question answered,
    evidence where asked)."""
    from core.uploads import KINDS, store_bytes
    from onboarding.demo import _demo_pdf

    hotline = item.hotline
    answers = list(SelfAssessmentAnswer.objects.filter(self_assessment=item).select_related("template_item"))
    for answer in answers:
        answer.answer = ANSWERS.get(answer.code, "Described in the attached document.")
        answer.updated_at = submitted_at - timedelta(days=2)
    SelfAssessmentAnswer.objects.bulk_update(answers, ["answer", "updated_at"])
    day = timezone.localdate(submitted_at)
    for answer in answers:
        if not answer.template_item.evidence_required:
            continue
        data = _demo_pdf(answer.template_item.title, f"{hotline.brand_name}, {hotline.host_organisation.name}", day)
        document = EvidenceDocument.objects.create(
            hotline=hotline,
            stored_name=store_bytes(data, folder=f"onboarding/evidence/{hotline.pk}", extension="pdf"),
            original_name=f"{answer.code}-{slugify(answer.template_item.title)[:60]}.pdf",
            content_type=KINDS["pdf"].content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_at=submitted_at - timedelta(days=3),
            description="Self-assessment evidence",
        )
        answer.documents.add(document)
    SelfAssessment.objects.filter(pk=item.pk).update(status=SelfAssessment.Status.SUBMITTED, submitted_at=submitted_at)
