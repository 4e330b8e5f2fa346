"""The assessment report as a PDF, built from a frozen snapshot of the assessment.

`build_assessment_report(data) -> bytes` is pure: it reads only its argument (no queries, no
clock), so the same data gives the same file, byte for byte (reportlab's invariant mode). The
snapshot is made by `onboarding.selectors.assessment_report_data`; the view checks access first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


@dataclass(frozen=True)
class ReviewerLine:
    name: str
    declared_on: date | None


@dataclass(frozen=True)
class FindingLine:
    area: str
    rating: str
    text: str


@dataclass(frozen=True)
class ActionLine:
    title: str
    area: str
    owner: str
    due_on: date
    status: str


@dataclass(frozen=True)
class DecisionLine:
    body: str
    decided_on: date
    minutes_reference: str
    vote: str
    outcome: str


@dataclass(frozen=True)
class AssessmentReportData:
    reference: str
    hotline: str
    country: str
    host_organisation: str
    kind: str
    mode: str
    status: str
    starts_on: date
    ends_on: date | None
    recommendation: str
    summary: str
    completed_on: date | None
    completed_by: str
    generated_on: date
    reviewers: tuple[ReviewerLine, ...] = ()
    findings: tuple[FindingLine, ...] = ()
    corrective_actions: tuple[ActionLine, ...] = ()
    decision: DecisionLine | None = None
    not_final: bool = field(default=False)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(rows: list[list[object]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def build_assessment_report(data: AssessmentReportData) -> bytes:
    """The report: cover facts, reviewers, findings per area, corrective actions, recommendation, decision."""
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9.5, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5)
    heading = styles["Heading2"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Assessment report %(reference)s") % {"reference": data.reference},
        author=_("Onboarding and accreditation"),
        subject=data.hotline,
        invariant=1,
    )
    width = A4[0] - 36 * mm
    story: list[object] = [
        _p(_("Assessment report"), styles["Title"]),
        _p(f"{data.hotline} ({data.country})", styles["Heading3"]),
    ]
    if data.not_final:
        story.append(_p(_("Draft: the report is not completed yet."), body))
    period = data.starts_on.isoformat() + (f" – {data.ends_on.isoformat()}" if data.ends_on else "")
    facts = [
        [_p(_("Reference"), body), _p(data.reference, body)],
        [_p(_("Host organisation"), body), _p(data.host_organisation, body)],
        [_p(_("Kind"), body), _p(data.kind, body)],
        [_p(_("Mode"), body), _p(data.mode, body)],
        [_p(_("Dates"), body), _p(period, body)],
        [_p(_("Status"), body), _p(data.status, body)],
    ]
    if data.completed_on:
        facts.append(
            [_p(_("Completed"), body), _p(f"{data.completed_on.isoformat()}, {data.completed_by}".strip(", "), body)]
        )
    table = Table(facts, colWidths=[45 * mm, width - 45 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 4 * mm), table]

    story.append(_p(_("Reviewers"), heading))
    if data.reviewers:
        for reviewer in data.reviewers:
            declared = (
                _("no conflict of interest declared on %(date)s") % {"date": reviewer.declared_on.isoformat()}
                if reviewer.declared_on
                else _("declaration awaited")
            )
            story.append(_p(f"{reviewer.name}: {declared}", body))
    else:
        story.append(_p(_("No reviewer assigned."), body))

    story.append(_p(_("Findings by area"), heading))
    if data.findings:
        rows: list[list[object]] = [[_p(_("Area"), small), _p(_("Rating"), small), _p(_("Finding"), small)]]
        rows += [[_p(f.area, small), _p(f.rating, small), _p(f.text, small)] for f in data.findings]
        story.append(_table(rows, [45 * mm, 35 * mm, width - 80 * mm]))
    else:
        story.append(_p(_("No findings recorded."), body))

    story.append(_p(_("Corrective actions"), heading))
    if data.corrective_actions:
        rows = [[_p(h, small) for h in (_("Action"), _("Area"), _("Owner"), _("Due"), _("Status"))]]
        rows += [
            [
                _p(a.title, small),
                _p(a.area, small),
                _p(a.owner, small),
                _p(a.due_on.isoformat(), small),
                _p(a.status, small),
            ]
            for a in data.corrective_actions
        ]
        story.append(_table(rows, [width - 125 * mm, 35 * mm, 35 * mm, 22 * mm, 33 * mm]))
    else:
        story.append(_p(_("None."), body))

    story.append(_p(_("Recommendation"), heading))
    story.append(_p(data.recommendation or _("Not given yet."), body))
    if data.summary:
        story += [Spacer(1, 2 * mm), _p(data.summary, body)]

    if data.decision is not None:
        d = data.decision
        story.append(_p(_("Membership decision"), heading))
        story.append(
            _p(f"{d.outcome}: {d.body}, {d.decided_on.isoformat()} ({_('minutes')} {d.minutes_reference}).", body)
        )
        story.append(_p(d.vote, body))

    story += [Spacer(1, 6 * mm), _p(_("Generated on %(date)s.") % {"date": data.generated_on.isoformat()}, small)]
    doc.build(story)
    return buffer.getvalue()
