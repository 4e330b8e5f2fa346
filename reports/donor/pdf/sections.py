"""The donor report PDF's sections, from the cover to the annexes, and the builder that renders them
(`build_donor_report`: two passes for the contents' page numbers)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from reports.donor import report_data as rd
from reports.donor.pdf.charts import budget_chart, indicator_chart
from reports.donor.pdf.layout import (
    FONT,
    GENERATOR_VERSION,
    MARGIN,
    MUTED,
    RULE,
    STATUS_COLOURS,
    WIDTH,
    Blocks,
    Heading,
    ReportDocument,
    Styles,
    breakdown_lines,
    canvas_class,
    count,
    day,
    hidden_text,
    markup,
    money,
    number,
    percent,
    register_fonts,
    shaped,
    table,
    wp_label,
)
from reports.donor.report_data import DonorReportData
from reports.metrics import INDICATOR_METHOD

# -- Sections ---------------------------------------------------------------------------------------
Story = list[Flowable]


def cover(data: DonorReportData, b: Blocks) -> Story:
    s = b.s
    facts = [
        (_("Donor"), data.donor_name),
        (_("Programme"), data.programme or "—"),
        (_("Call identifier"), data.call_identifier or "—"),
        (_("Grant agreement number"), data.agreement_number or "—"),
        (_("Grant"), f"{data.grant_code} · {data.grant_kind_text}"),
        (_("Beneficiary"), data.beneficiary),
        (_("Reporting period"), f"{data.period_start} – {data.period_end}"),
        (_("Grant duration"), f"{data.grant_starts_on} – {data.grant_ends_on}"),
        (_("Version"), str(data.version)),
        (_("Generated on"), data.generated_on),
    ]
    rows = [[b.p(label, s.small_bold), b.p(value)] for label, value in facts]
    return [
        Spacer(1, 35 * mm),
        b.p(_("Periodic technical report"), s.subtitle),
        b.p(data.grant_title, s.title),
        b.p(data.donor_name, s.subtitle),
        Spacer(1, 14 * mm),
        table(rows, [55 * mm, WIDTH - 55 * mm], header=False, extra=[("GRID", (0, 0), (-1, -1), 0.3, RULE)]),
        NextPageTemplate("body"),
        PageBreak(),
    ]


def contents(b: Blocks) -> Story:
    toc = TableOfContents()
    toc.levelStyles = b.s.toc
    toc.dotsMinLevel = 0
    toc.tableStyle = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return [b.p(_("Contents"), b.s.h1), toc, PageBreak()]


class Sections:
    def __init__(self, data: DonorReportData, b: Blocks) -> None:
        self.data = data
        self.b = b
        self.s = b.s
        self._keys = 0

    def h1(self, text: str) -> Heading:
        self._keys += 1
        return Heading(text, self.s.h1, 0, f"s{self._keys}")

    def h2(self, text: str) -> Heading:
        self._keys += 1
        return Heading(text, self.s.h2, 1, f"s{self._keys}")

    def summary(self) -> Story:
        d, b = self.data, self.b
        story: Story = [self.h1(_("1. Publishable summary"))]
        story += b.paragraphs(d.summary) or [b.p(_("No summary was written for this report."), self.s.muted)]
        achieved = sum(1 for line in d.indicators if line.status in (rd.ACHIEVED, rd.ON_TRACK))
        story.append(
            b.p(
                _(
                    "In the period %(start)s – %(end)s, %(good)s of %(total)s indicators were achieved or on "
                    "track; %(spent)s of the planned budget was spent (%(actual)s of %(planned)s %(currency)s)."
                )
                % {
                    "start": d.period_start,
                    "end": d.period_end,
                    "good": achieved,
                    "total": len(d.indicators),
                    "spent": percent(d.budget_execution),
                    "actual": money(d.budget_actual),
                    "planned": money(d.budget_planned),
                    "currency": d.currency,
                }
            )
        )
        return story

    def objectives(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(40 * mm), self.h1(_("2. Objectives and work packages"))]
        story += b.paragraphs(d.objectives) or [b.p(_("No objectives recorded."), self.s.muted)]
        if d.countries:
            story.append(b.p(_("Countries in scope: %(countries)s.") % {"countries": ", ".join(d.countries)}))
        for wp in d.work_packages:
            dates = f"{day(wp.starts_on)} – {day(wp.ends_on)}"
            lead = _("lead: %(lead)s") % {"lead": wp.lead} if wp.lead else ""
            block: Story = [
                self.h2(f"WP{wp.number}. {wp.title}"),
                b.p(", ".join(part for part in (dates, lead) if part), self.s.muted),
            ]
            block += b.paragraphs(wp.objectives)
            story.append(KeepTogether(block))
        return story

    def indicators(self) -> Story:
        d, b = self.data, self.b
        threshold = d.small_count_threshold
        story: Story = [CondPageBreak(60 * mm), self.h1(_("3. Indicators"))]
        if not d.indicators:
            return [*story, b.p(_("No indicators recorded."), self.s.muted)]
        rows: list[list[Any]] = [
            b.head(
                _("Indicator"),
                _("Scope"),
                _("Unit"),
                _("Baseline"),
                _("Target"),
                _("Achieved"),
                _("Progress from baseline to target"),
                _("Status"),
            )
        ]
        extra = []
        for index, line in enumerate(d.indicators, start=1):
            shown = rd.shown_indicator(line, threshold)
            rows.append(
                [
                    b.cell(f"{line.code} {line.title}"),
                    b.cell(line.scope_text),
                    b.cell(line.unit),
                    b.cell(
                        hidden_text(shown.baseline_hidden, threshold)
                        if shown.baseline_hidden
                        else number(shown.baseline, 2)
                    ),
                    b.cell(number(line.target, 2)),
                    b.cell(
                        hidden_text(shown.achieved_hidden, threshold)
                        if shown.achieved_hidden
                        else number(shown.achieved, 2)
                    ),
                    b.cell(
                        hidden_text(shown.progress_hidden, threshold)
                        if shown.progress_hidden
                        else percent(shown.progress)
                    ),
                    Paragraph(
                        markup(line.status_text), ParagraphStyle("st", parent=self.s.small_bold, textColor=colors.white)
                    ),
                ]
            )
            extra.append(("BACKGROUND", (7, index), (7, index), STATUS_COLOURS.get(line.status, MUTED)))
        widths = [42 * mm, 24 * mm, 21 * mm, 17 * mm, 15 * mm, 17 * mm, 19 * mm]
        story.append(table(rows, [*widths, WIDTH - sum(widths)], extra=extra))
        story.append(b.p(str(INDICATOR_METHOD), self.s.muted))
        if any(line.counts_people for line in d.indicators):
            story.append(
                b.p(
                    _(
                        "Indicators that count people show values from 1 to %(below)s as “fewer than %(threshold)s”; "
                        "their progress is then “suppressed”, as it would give the value away."
                    )
                    % {"below": threshold - 1, "threshold": threshold},
                    self.s.muted,
                )
            )
        chart = indicator_chart(d)
        if chart is not None:
            story += [Spacer(1, 4 * mm), chart]
        story.append(self.h2(_("Definitions and sources")))
        for line in d.indicators:
            source = _("Computed from the network's records") if line.source == "metric" else _("Manual value")
            story.append(b.p(f"{line.code} {line.title}", self.s.small_bold))
            story.append(b.p(f"{source}: {line.definition}", self.s.small))
            baseline = _("Baseline on %(day)s, on %(scope)s.") % {
                "day": day(line.baseline_on),
                "scope": line.scope_text.lower() if line.scope_text else "—",
            }
            if line.baseline_note:
                baseline += " " + _("Not the measured value: %(why)s") % {"why": line.baseline_note}
            story.append(b.p(baseline, self.s.small))
        return story

    def activities(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(50 * mm), self.h1(_("4. Activities: planned and implemented"))]
        if not d.activities:
            return [*story, b.p(_("No activities recorded."), self.s.muted)]
        rows: list[list[Any]] = [
            b.head(_("Activity"), _("WP"), _("Kind"), _("Planned"), _("Implemented"), _("Status"), _("Events"))
        ]
        for line in d.activities:
            events = []
            if line.roundtables:
                events.append(_("%(n)s roundtables") % {"n": line.roundtables})
            if line.training_events:
                events.append(_("%(n)s trainings") % {"n": line.training_events})
            if line.other_events:
                events.append(_("%(n)s other") % {"n": line.other_events})
            rows.append(
                [
                    b.cell(line.title),
                    b.cell(wp_label(line.work_package)),
                    b.cell(line.kind_text),
                    b.cell(f"{line.planned_start} – {day(line.planned_end)}"),
                    b.cell(f"{day(line.actual_start)} – {day(line.actual_end)}" if line.actual_start else "—"),
                    b.cell(line.status_text),
                    b.cell(", ".join(events) or "—"),
                ]
            )
        story.append(table(rows, [46 * mm, 11 * mm, 24 * mm, 24 * mm, 24 * mm, 22 * mm, WIDTH - 151 * mm]))
        return story

    def deliverables(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(50 * mm), self.h1(_("5. Deliverables and milestones"))]
        story.append(self.h2(_("Deliverables")))
        if d.deliverables:
            rows: list[list[Any]] = [
                b.head(_("Code"), _("Deliverable"), _("WP"), _("Due"), _("Submitted"), _("Status"), _("Dissemination"))
            ]
            rows += [
                [
                    b.cell(item.code),
                    b.cell(item.title),
                    b.cell(wp_label(item.work_package)),
                    b.cell(item.due_on),
                    b.cell(day(item.submitted_on)),
                    b.cell(item.status_text),
                    b.cell(item.dissemination_text),
                ]
                for item in d.deliverables
            ]
            story.append(table(rows, [14 * mm, WIDTH - 123 * mm, 11 * mm, 20 * mm, 20 * mm, 20 * mm, 38 * mm]))
        else:
            story.append(b.p(_("No deliverables recorded."), self.s.muted))
        story.append(self.h2(_("Milestones")))
        if d.milestones:
            rows = [b.head(_("Code"), _("Milestone"), _("WP"), _("Due"), _("Achieved"), _("Means of verification"))]
            rows += [
                [
                    b.cell(item.code),
                    b.cell(item.title),
                    b.cell(wp_label(item.work_package)),
                    b.cell(item.due_on),
                    b.cell(day(item.achieved_on)),
                    b.cell(item.verification or "—"),
                ]
                for item in d.milestones
            ]
            story.append(table(rows, [14 * mm, WIDTH - 120 * mm, 11 * mm, 20 * mm, 20 * mm, 55 * mm]))
        else:
            story.append(b.p(_("No milestones recorded."), self.s.muted))
        return story

    def risks(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(50 * mm), self.h1(_("6. Risks and mitigation"))]
        if not d.risks:
            return [*story, b.p(_("No risks recorded."), self.s.muted)]
        rows: list[list[Any]] = [b.head(_("Risk"), _("WP"), _("Likelihood"), _("Impact"), _("Mitigation"), _("Status"))]
        rows += [
            [
                b.cell(risk.description),
                b.cell(wp_label(risk.work_package)),
                b.cell(risk.likelihood_text),
                b.cell(risk.impact_text),
                b.cell(risk.mitigation or "—"),
                b.cell(risk.status_text),
            ]
            for risk in d.risks
        ]
        story.append(table(rows, [52 * mm, 11 * mm, 21 * mm, 18 * mm, WIDTH - 124 * mm, 22 * mm]))
        return story

    def budget(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(60 * mm), self.h1(_("7. Budget execution"))]
        story.append(
            b.p(
                _("Grant amount: %(amount)s %(currency)s; the donor funds %(rate)s of eligible costs.")
                % {"amount": money(d.amount), "currency": d.currency, "rate": percent(d.cofunding_rate)}
            )
        )
        if not d.budget_lines:
            return [*story, b.p(_("No budget lines recorded."), self.s.muted)]
        rows: list[list[Any]] = [b.head(_("Category"), _("Description"), _("Planned"), _("Actual"), _("Execution"))]
        rows += [
            [
                b.cell(line.category_text),
                b.cell(line.description or "—"),
                b.cell(money(line.planned)),
                b.cell(money(line.actual)),
                b.cell(percent(line.execution)),
            ]
            for line in d.budget_lines
        ]
        rows.append(
            [
                b.head(_("Total"))[0],
                b.cell(""),
                b.head(money(d.budget_planned))[0],
                b.head(money(d.budget_actual))[0],
                b.head(percent(d.budget_execution))[0],
            ]
        )
        story.append(table(rows, [40 * mm, WIDTH - 126 * mm, 30 * mm, 30 * mm, 26 * mm]))
        chart = budget_chart(d)
        if chart is not None:
            story += [Spacer(1, 4 * mm), chart]
        return story

    def annexes(self) -> Story:
        d, b = self.data, self.b
        threshold = d.small_count_threshold
        story: Story = [PageBreak(), self.h1(_("Annexes"))]
        story.append(
            b.p(
                _(
                    "Counts of people from 1 to %(below)s are shown as “fewer than %(threshold)s”, so that no small "
                    "group can be singled out; a count hidden only so that such a count cannot be worked out from a "
                    "total is shown as “suppressed”. Counts of organisations, countries and events are never hidden."
                )
                % {"below": threshold - 1, "threshold": threshold},
                self.s.muted,
            )
        )
        story.append(self.h2(_("A. Roundtables held in the period")))
        if d.roundtables:
            rows: list[list[Any]] = [
                b.head(
                    _("Date"),
                    _("Roundtable"),
                    _("Country"),
                    _("Organisations invited, by sector"),
                    _("Organisations invited"),
                    _("Organisations attending"),
                )
            ]
            for line in d.roundtables:
                sectors = "\n".join(
                    f"{cell.label}: {count(cell.count, threshold)}" for cell in line.participants_by_sector
                )
                rows.append(
                    [
                        b.cell(line.date),
                        b.cell(f"{line.code} {line.title}"),
                        b.cell(line.country),
                        b.cell(sectors or "—"),
                        b.cell(count(line.invited, threshold)),
                        b.cell(count(line.attended, threshold)),
                    ]
                )
            story.append(table(rows, [19 * mm, 45 * mm, 25 * mm, WIDTH - 133 * mm, 22 * mm, 22 * mm]))
        else:
            story.append(b.p(_("No roundtables held in the period."), self.s.muted))

        story.append(self.h2(_("B. Trainings in the period")))
        if d.trainings:
            rows = [
                b.head(_("Dates"), _("Training"), _("Place"), _("By participant type"), _("By country"), _("Trained"))
            ]
            for line in d.trainings:
                place = _("online") if line.online else (line.country or "—")
                rows.append(
                    [
                        b.cell(f"{line.starts_on} – {line.ends_on}"),
                        b.cell(f"{line.code} {line.title} ({line.course_kind_text})"),
                        b.cell(place),
                        b.cell(breakdown_lines(line.by_participant_type, threshold, _("participant types")) or "—"),
                        b.cell(breakdown_lines(line.by_country, threshold, _("countries")) or "—"),
                        b.cell(count(line.people_trained, threshold, line.people_trained_hidden)),
                    ]
                )
            story.append(table(rows, [24 * mm, 40 * mm, 20 * mm, WIDTH - 146 * mm, 42 * mm, 20 * mm]))
        else:
            story.append(b.p(_("No trainings in the period."), self.s.muted))

        story.append(self.h2(_("C. Candidate hotlines by stage")))
        story.append(
            b.p(
                _(
                    "Prospective hotlines in the grant's countries on %(date)s, the period's last day, by their "
                    "stage that day. Names are given only where the host organisation consented."
                )
                % {"date": d.period_end},
                self.s.muted,
            )
        )
        if d.candidates_by_stage:
            rows = [b.head(_("Stage"), _("Candidates"), _("Named with consent"))]
            rows += [
                [b.cell(line.stage_text), b.cell(count(line.count, threshold)), b.cell("\n".join(line.names) or "—")]
                for line in d.candidates_by_stage
            ]
            story.append(table(rows, [50 * mm, 30 * mm, WIDTH - 80 * mm]))
        else:
            story.append(b.p(_("No candidate hotlines in the grant's countries."), self.s.muted))
        return story


SECTION_BUILDERS: tuple[Callable[[Sections], Story], ...] = (
    Sections.summary,
    Sections.objectives,
    Sections.indicators,
    Sections.activities,
    Sections.deliverables,
    Sections.risks,
    Sections.budget,
    Sections.annexes,
)


def donor_report_story(data: DonorReportData, styles: Styles) -> Story:
    """The report's flowables, in order (cover, contents, sections)."""
    blocks = Blocks(styles)
    sections = Sections(data, blocks)
    story = cover(data, blocks) + contents(blocks)
    for build in SECTION_BUILDERS:
        story += build(sections)
    return story


def render_story(data: DonorReportData, story: Story, styles: Styles) -> bytes:
    """Lay out `story` as the report document (two passes for the contents) and return the PDF."""
    buffer = io.BytesIO()
    title = _("%(grant)s report %(start)s – %(end)s, version %(version)s") % {
        "grant": data.grant_code,
        "start": data.period_start,
        "end": data.period_end,
        "version": data.version,
    }
    header = shaped(f"{data.agreement_number or data.grant_code} · {data.grant_title}")
    if len(header) > 110:
        header = header[:107] + "…"
    doc = ReportDocument(
        buffer,
        data,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=data.beneficiary,
        subject=_("Periodic technical report to %(donor)s") % {"donor": data.donor_name},
        keywords=[data.grant_code, data.agreement_number, data.programme],
        creator=f"hotline network toolkit ({GENERATOR_VERSION})",
        producer=f"hotline network toolkit ({GENERATOR_VERSION})",
        lang=data.language,
        initialFontName=FONT,
        invariant=1,
    )
    doc.multiBuild(story, canvasmaker=canvas_class(data, header, styles))
    return buffer.getvalue()


def build_donor_report(data: DonorReportData) -> bytes:
    """The report's PDF. Pure: the same data gives the same bytes."""
    register_fonts()
    with translation.override(data.language):
        styles = Styles()
        return render_story(data, donor_report_story(data, styles), styles)
