"""The donor report PDF's sections, from the cover to the annexes, and the builder that renders them
(`build_donor_report`: two passes for the contents' page numbers)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    ActionFlowable,
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
)

from reports.donor import report_data as rd
from reports.donor.pdf.charts import budget_chart, indicator_chart
from reports.donor.pdf.cover import Story, contents, cover
from reports.donor.pdf.layout import (
    FONT,
    GENERATOR_VERSION,
    MARGIN,
    MUTED,
    STATUS_COLOURS,
    WIDTH,
    Blocks,
    Heading,
    ReportDocument,
    Styles,
    amount,
    breakdown_lines,
    canvas_class,
    count,
    day,
    fit,
    indicator_cells,
    indicator_headers,
    keep_together,
    markup,
    money,
    percent,
    register_fonts,
    shaped,
    signed_money,
    signed_percent,
    span,
    table,
    wp_label,
)
from reports.donor.report_data import DonorReportData
from reports.metrics import INDICATOR_METHOD


# -- Sections ---------------------------------------------------------------------------------------
class Sections:
    def __init__(self, data: DonorReportData, b: Blocks) -> None:
        self.data = data
        self.b = b
        self.s = b.s
        self._keys = 0
        self._number = 0

    def h1(self, text: str, *, numbered: bool = True) -> Heading:
        self._keys += 1
        if numbered:
            self._number += 1
            text = f"{self._number}. {text}"
        return Heading(text, self.s.h1, 0, f"s{self._keys}")

    def h2(self, text: str) -> Heading:
        self._keys += 1
        return Heading(text, self.s.h2, 1, f"s{self._keys}")

    def h3(self, text: str) -> Paragraph:
        return self.b.p(text, self.s.h3)

    def period(self) -> str:
        return span(self.data.period_start, self.data.period_end)

    # 1. Publishable summary ------------------------------------------------------------------------
    def summary(self) -> Story:
        d, b = self.data, self.b
        story: Story = [self.h1(_("Publishable summary"))]
        story += b.paragraphs(d.summary) or [b.not_provided()]
        good = sum(1 for line in d.indicators if line.status in (rd.ACHIEVED, rd.ON_TRACK))
        sentences = [
            _("In the period %(period)s, %(good)s of %(total)s indicators were achieved or on track.")
            % {"period": self.period(), "good": good, "total": len(d.indicators)}
        ]
        if d.budget_period_planned is not None or d.budget_period_actual is not None:
            sentences.append(
                _("%(actual)s were spent in the period against %(planned)s planned for it (variance %(variance)s).")
                % {
                    "actual": amount(d.budget_period_actual, d.currency),
                    "planned": amount(d.budget_period_planned, d.currency),
                    "variance": signed_percent(d.budget_period_variance_share),
                }
            )
        else:
            sentences.append(_("No budget amounts were entered for the period."))
        sentences.append(
            _("Cumulative since start: %(actual)s of the grant's %(planned)s were spent (%(execution)s).")
            % {
                "actual": amount(d.budget_actual, d.currency),
                "planned": amount(d.budget_planned, d.currency),
                "execution": percent(d.budget_execution),
            }
        )
        story.append(b.p(" ".join(sentences)))
        return story

    # 2. Objectives and work packages ---------------------------------------------------------------
    def objectives(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(40 * mm), self.h1(_("Objectives and work packages"))]
        story += b.paragraphs(d.objectives) or [b.p(_("No objectives recorded."), self.s.muted)]
        if d.countries:
            story.append(b.p(_("Countries in scope: %(countries)s.") % {"countries": ", ".join(d.countries)}))
        narratives = {line.number: line for line in d.work_package_narratives}
        numbers = {wp.number for wp in d.work_packages}
        for wp in d.work_packages:
            lead = _("lead: %(lead)s") % {"lead": wp.lead} if wp.lead else ""
            block: Story = [
                self.h2(f"{wp_label(wp.number)}. {wp.title}"),
                b.p(", ".join(part for part in (span(wp.starts_on, wp.ends_on), lead) if part), self.s.muted),
            ]
            block += b.paragraphs(wp.objectives)
            activities = [line for line in d.activities if line.work_package == wp.number]
            block += [self.h3(_("Activities planned and implemented in the period")), *self.activity_table(activities)]
            story.append(keep_together(block))
            story += self.work_package_narrative(narratives.get(wp.number))
        others = [line for line in d.activities if line.work_package not in numbers]
        if others:
            story += [
                CondPageBreak(30 * mm),
                self.h2(_("Activities outside the work packages")),
                *self.activity_table(others),
            ]
        return story

    def work_package_narrative(self, line: rd.WorkPackageNarrativeLine | None) -> Story:
        b = self.b
        work_done = b.rich(line.work_done) if line else []
        story: Story = [
            KeepTogether([self.h3(_("Work done in the period")), *(work_done[:1] or [b.not_provided()])]),
            *work_done[1:],
        ]
        for title, text in (
            (_("Deviations from the plan and their justification"), line.deviations if line else ""),
            (_("Corrective measures"), line.corrective_measures if line else ""),
        ):
            story.append(KeepTogether([self.h3(title), *b.text_or_missing(text)]))
        return story

    def activity_table(self, activities: Sequence[rd.ActivityLine]) -> Story:
        b = self.b
        if not activities:
            return [b.p(_("No activities planned or carried out in the period."), self.s.muted)]
        rows: list[list[Any]] = [
            b.head(_("Activity"), _("Kind"), _("Planned"), _("Implemented"), _("Status"), _("Events in the period"))
        ]
        for line in activities:
            events = []
            if line.roundtables or line.roundtables_cumulative:
                events.append(
                    ngettext(
                        "%(n)s roundtable (%(total)s cumulative since start)",
                        "%(n)s roundtables (%(total)s cumulative since start)",
                        line.roundtables,
                    )
                    % {"n": line.roundtables, "total": line.roundtables_cumulative}
                )
            if line.training_events or line.training_events_cumulative:
                events.append(
                    ngettext(
                        "%(n)s training (%(total)s cumulative since start)",
                        "%(n)s trainings (%(total)s cumulative since start)",
                        line.training_events,
                    )
                    % {"n": line.training_events, "total": line.training_events_cumulative}
                )
            if line.other_events:
                events.append(_("%(n)s other") % {"n": line.other_events})
            rows.append(
                [
                    b.cell(line.title),
                    b.cell(line.kind_text),
                    b.cell(span(line.planned_start, line.planned_end)),
                    b.cell(span(line.actual_start, line.actual_end) if line.actual_start else "—"),
                    b.cell(line.status_text),
                    b.cell("\n".join(events) or "—"),
                ]
            )
        return [table(rows, [44 * mm, 22 * mm, 27 * mm, 27 * mm, 20 * mm, WIDTH - 140 * mm])]

    # 3. Indicators ---------------------------------------------------------------------------------
    def indicators(self) -> Story:
        d, b = self.data, self.b
        threshold = d.small_count_threshold
        story: Story = [CondPageBreak(60 * mm), self.h1(_("Indicators"))]
        if not d.indicators:
            return [*story, b.p(_("No indicators recorded."), self.s.muted)]
        rows: list[list[Any]] = [b.head(_("Indicator"), *indicator_headers(), style=self.s.tiny_bold)]
        extra = []
        for index, line in enumerate(d.indicators, start=1):
            cells = indicator_cells(line, threshold)
            achieved_cell: Any = b.cell(cells.achieved)
            if line.in_period is not None:
                achieved_cell = [b.cell(cells.achieved), b.p(_("cumulative since start"), self.s.muted)]
            rows.append(
                [
                    b.cell(f"{line.code} {line.title}"),
                    b.cell(line.scope_text),
                    b.cell(line.unit),
                    b.cell(cells.baseline),
                    b.cell(cells.target),
                    b.cell(cells.in_period),
                    achieved_cell,
                    b.cell(cells.progress),
                    Paragraph(
                        markup(line.status_text), ParagraphStyle("st", parent=self.s.small_bold, textColor=colors.white)
                    ),
                ]
            )
            extra.append(("BACKGROUND", (8, index), (8, index), STATUS_COLOURS.get(line.status, MUTED)))
        widths = [31 * mm, 18 * mm, 20 * mm, 18 * mm, 13 * mm, 15 * mm, 19 * mm, 19 * mm]
        story.append(table(rows, [*widths, WIDTH - sum(widths)], extra=extra))
        notes = [str(INDICATOR_METHOD)]
        if any(line.in_period is not None for line in d.indicators):
            notes.append(
                _(
                    "In the period: the events of the reporting period alone, for indicators that count events; "
                    "their achieved value is then cumulative since start."
                )
            )
        if any(line.counts_people for line in d.indicators):
            notes.append(
                _(
                    "Indicators that count people show values from 1 to %(below)s as “fewer than %(threshold)s”; "
                    "their progress is then “suppressed”, as it would give the value away."
                )
                % {"below": threshold - 1, "threshold": threshold}
            )
        story += [Spacer(1, 2 * mm), *(b.p(note, self.s.muted) for note in notes)]
        story += self.explanations()
        chart = indicator_chart(d)
        if chart is not None:
            story += [Spacer(1, 4 * mm), chart]
        heading: Story = [self.h2(_("Definitions and sources"))]
        for line in d.indicators:
            source = _("Computed from the network's records") if line.source == "metric" else _("Manual value")
            baseline = _("Baseline on %(day)s, on %(scope)s.") % {
                "day": day(line.baseline_on),
                "scope": line.scope_text.lower() if line.scope_text else "—",
            }
            if line.baseline_note:
                baseline += " " + _("Not the measured value: %(why)s") % {"why": line.baseline_note}
            # The heading stays with the first definition.
            story.append(
                KeepTogether(
                    [
                        *heading,
                        b.p(f"{line.code} {line.title}", self.s.small_bold),
                        b.p(f"{source}: {line.definition}", self.s.small),
                        b.p(baseline, self.s.small),
                    ]
                )
            )
            heading = []
        return story

    def explanations(self) -> Story:
        d, b = self.data, self.b
        lines = [line for line in d.indicators if line.status in rd.NEEDS_EXPLANATION]
        if not lines:
            return []
        story: Story = [self.h2(_("Indicators behind or at risk: explanations"))]
        for line in lines:
            text = b.paragraphs(line.explanation) or [b.p(_("No explanation given."), self.s.muted_body)]
            story.append(KeepTogether([b.p(f"{line.code} {line.title} — {line.status_text}", self.s.h3), *text]))
        return story

    # 4-5. Ethics, dissemination --------------------------------------------------------------------
    def ethics(self) -> Story:
        return [
            CondPageBreak(30 * mm),
            self.h1(_("Ethical issues")),
            *self.b.text_or_missing(self.data.ethics),
        ]

    def dissemination(self) -> Story:
        return [
            CondPageBreak(30 * mm),
            self.h1(_("Dissemination and communication")),
            *self.b.text_or_missing(self.data.dissemination),
        ]

    # 6. Deliverables and milestones ----------------------------------------------------------------
    def deliverables(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(50 * mm), self.h1(_("Deliverables and milestones"))]
        story.append(
            b.p(
                _("Deliverables and milestones due or completed in the period, as they stood on %(day)s.")
                % {"day": day(d.period_end)},
                self.s.note,
            )
        )
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
                    b.cell(day(item.due_on)),
                    b.cell(day(item.submitted_on)),
                    b.cell(item.status_text),
                    b.cell(item.dissemination_text),
                ]
                for item in d.deliverables
            ]
            story.append(table(rows, [14 * mm, WIDTH - 129 * mm, 11 * mm, 24 * mm, 24 * mm, 22 * mm, 34 * mm]))
        else:
            story.append(b.p(_("No deliverables due or submitted in the period."), self.s.muted))
        story.append(self.h2(_("Milestones")))
        if d.milestones:
            rows = [
                b.head(
                    _("Code"), _("Milestone"), _("WP"), _("Due"), _("Achieved"), _("Status"), _("Means of verification")
                )
            ]
            rows += [
                [
                    b.cell(item.code),
                    b.cell(item.title),
                    b.cell(wp_label(item.work_package)),
                    b.cell(day(item.due_on)),
                    b.cell(day(item.achieved_on)),
                    b.cell(item.status_text or "—"),
                    b.cell(item.verification or "—"),
                ]
                for item in d.milestones
            ]
            story.append(table(rows, [14 * mm, WIDTH - 137 * mm, 11 * mm, 24 * mm, 24 * mm, 22 * mm, 42 * mm]))
        else:
            story.append(b.p(_("No milestones due or achieved in the period."), self.s.muted))
        return story

    # 7. Risks --------------------------------------------------------------------------------------
    def risks(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(50 * mm), self.h1(_("Risks and mitigation"))]
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
        story.append(table(rows, [50 * mm, 11 * mm, 24 * mm, 18 * mm, WIDTH - 125 * mm, 22 * mm]))
        return story

    # 8. Budget -------------------------------------------------------------------------------------
    def budget(self) -> Story:
        d, b = self.data, self.b
        story: Story = [CondPageBreak(60 * mm), self.h1(_("Budget"))]
        story.append(
            b.p(
                _("Grant amount: %(amount)s; the donor funds %(rate)s of eligible costs.")
                % {"amount": amount(d.amount, d.currency), "rate": percent(d.cofunding_rate)}
            )
        )
        if not d.budget_lines:
            return [*story, b.p(_("No budget lines recorded."), self.s.muted)]
        period_entered = any(
            line.period_planned is not None or line.period_actual is not None for line in d.budget_lines
        )
        # Each table sits with its heading, its note and its chart: they move to the next page together.
        period: Story = [self.h2(_("The period %(period)s") % {"period": self.period()}), *self.period_budget()]
        cumulative: Story = [self.h2(_("Cumulative position since the grant's start")), *self.cumulative_budget()]
        chart = budget_chart(d, period=period_entered)
        if chart is not None:
            (period if period_entered else cumulative).extend([Spacer(1, 3 * mm), chart])
        # The section's heading stays with the first table.
        return [story[0], keep_together([*story[1:], *period]), keep_together(cumulative)]

    def period_budget(self) -> Story:
        d, b = self.data, self.b
        not_entered = _("not entered")
        threshold = d.budget_variance_threshold
        rows: list[list[Any]] = [
            b.head(
                _("Category"),
                _("Description"),
                _("Planned in the period"),
                _("Actual in the period"),
                _("Variance"),
                _("Variance %"),
            )
        ]
        extra: list[tuple[Any, ...]] = []
        for line in d.budget_lines:
            over = line.period_variance_share is not None and abs(line.period_variance_share) > threshold
            rows.append(
                [
                    b.cell(line.category_text),
                    b.cell(line.description or "—"),
                    b.cell(money(line.period_planned) if line.period_planned is not None else not_entered),
                    b.cell(money(line.period_actual) if line.period_actual is not None else not_entered),
                    b.cell(signed_money(line.period_variance)),
                    b.head(signed_percent(line.period_variance_share))[0]
                    if over
                    else b.cell(signed_percent(line.period_variance_share)),
                ]
            )
            if line.variance_justification or over:
                text = (
                    _("Justification: %(text)s") % {"text": line.variance_justification}
                    if line.variance_justification
                    else _("No justification given.")
                )
                style = self.s.small if line.variance_justification else self.s.muted
                rows.append([b.p(text, style), "", "", "", "", ""])
                row = len(rows) - 1
                extra += [("SPAN", (0, row), (-1, row)), ("LEFTPADDING", (0, row), (-1, row), 12)]
        variance = (
            d.budget_period_actual - d.budget_period_planned
            if d.budget_period_actual is not None and d.budget_period_planned is not None
            else None
        )
        rows.append(
            [
                b.head(_("Total"))[0],
                b.cell(""),
                b.head(money(d.budget_period_planned) if d.budget_period_planned is not None else not_entered)[0],
                b.head(money(d.budget_period_actual) if d.budget_period_actual is not None else not_entered)[0],
                b.head(signed_money(variance))[0],
                b.head(signed_percent(d.budget_period_variance_share))[0],
            ]
        )
        return [
            b.p(
                _(
                    "Amounts in %(currency)s. Variance: actual minus planned for the period; a variance above "
                    "%(threshold)s %% of the planned amount is justified below its line."
                )
                % {"currency": d.currency, "threshold": threshold},
                self.s.note,
            ),
            table(rows, [34 * mm, WIDTH - 136 * mm, 27 * mm, 27 * mm, 27 * mm, 21 * mm], extra=extra),
        ]

    def cumulative_budget(self) -> Story:
        d, b = self.data, self.b
        rows: list[list[Any]] = [
            b.head(
                _("Category"),
                _("Description"),
                _("Planned for the grant"),
                _("Spent since the start"),
                _("Execution"),
            )
        ]
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
        return [
            b.p(
                _(
                    "Amounts in %(currency)s, cumulative since start: from %(start)s to %(end)s. Execution: spent "
                    "since the start as a share of the grant's planned amount."
                )
                % {"currency": d.currency, "start": day(d.grant_starts_on), "end": day(d.period_end)},
                self.s.note,
            ),
            table(rows, [34 * mm, WIDTH - 121 * mm, 32 * mm, 32 * mm, 23 * mm]),
        ]

    # 9-10. Conclusions, declaration ----------------------------------------------------------------
    def conclusions(self) -> Story:
        return [
            CondPageBreak(30 * mm),
            self.h1(_("Conclusions and recommendations")),
            *self.b.text_or_missing(self.data.conclusions),
        ]

    def declaration(self) -> Story:
        d, b = self.data, self.b
        block: Story = [
            self.h1(_("Declaration and contact")),
            b.p(
                _(
                    "The beneficiary declares that the information in this report is, to the best of its "
                    "knowledge, complete, reliable and true."
                )
            ),
            b.p(_("Contact: %(contact)s") % {"contact": d.report_contact or "—"}),
        ]
        if d.profile == rd.PROFILE_EU and d.disclaimer:
            block += [Spacer(1, 3 * mm), b.p(d.disclaimer, self.s.footnote)]
        return [CondPageBreak(45 * mm), KeepTogether(block)]

    # Annexes ---------------------------------------------------------------------------------------
    def annexes(self) -> Story:
        d, b = self.data, self.b
        threshold = d.small_count_threshold
        story: Story = [PageBreak(), self.h1(_("Annexes"), numbered=False)]
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
        story.append(self.h2(_("A. Roundtables held in the period %(period)s") % {"period": self.period()}))
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
                        b.cell(day(line.date)),
                        b.cell(f"{line.code} {line.title}"),
                        b.cell(line.country),
                        b.cell(sectors or "—"),
                        b.cell(count(line.invited, threshold)),
                        b.cell(count(line.attended, threshold)),
                    ]
                )
            story.append(table(rows, [22 * mm, 45 * mm, 24 * mm, WIDTH - 135 * mm, 22 * mm, 22 * mm]))
        else:
            story.append(b.p(_("No roundtables held in the period."), self.s.muted))

        story.append(self.h2(_("B. Trainings in the period %(period)s") % {"period": self.period()}))
        if d.trainings:
            rows = [
                b.head(_("Dates"), _("Training"), _("Place"), _("By participant type"), _("By country"), _("Trained"))
            ]
            for line in d.trainings:
                place = _("online") if line.online else (line.country or "—")
                rows.append(
                    [
                        b.cell(span(line.starts_on, line.ends_on)),
                        b.cell(f"{line.code} {line.title} ({line.course_kind_text})"),
                        b.cell(place),
                        b.cell(breakdown_lines(line.by_participant_type, threshold, _("participant types")) or "—"),
                        b.cell(breakdown_lines(line.by_country, threshold, _("countries")) or "—"),
                        b.cell(count(line.people_trained, threshold, line.people_trained_hidden)),
                    ]
                )
            story.append(table(rows, [26 * mm, 40 * mm, 20 * mm, WIDTH - 146 * mm, 40 * mm, 20 * mm]))
        else:
            story.append(b.p(_("No trainings in the period."), self.s.muted))

        story.append(self.h2(_("C. Candidate hotlines by stage on %(day)s") % {"day": day(d.period_end)}))
        story.append(
            b.p(
                _(
                    "Prospective hotlines in the grant's countries on %(date)s, the period's last day, by their "
                    "stage that day. Names are given only where the host organisation consented."
                )
                % {"date": day(d.period_end)},
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
    Sections.ethics,
    Sections.dissemination,
    Sections.deliverables,
    Sections.risks,
    Sections.budget,
    Sections.conclusions,
    Sections.declaration,
    Sections.annexes,
)


def donor_report_story(data: DonorReportData, styles: Styles) -> Story:
    """The report's flowables, in order (cover, contents, sections)."""
    blocks = Blocks(styles)
    sections = Sections(data, blocks)
    story = cover(data, blocks) + contents(blocks)
    for build in SECTION_BUILDERS:
        story += build(sections)
    return headings_kept_with_next(story)


def _is_heading(flowable: Flowable) -> bool:
    return isinstance(flowable, Heading) or (
        isinstance(flowable, Paragraph) and getattr(flowable.style, "name", "") == "h3"
    )


def headings_kept_with_next(story: Story) -> Story:
    """`story` with every heading (and a run of headings) kept with the flowable after it
    (`keep_together`), so that no heading ends a page alone."""
    result: Story = []
    index = 0
    while index < len(story):
        end = index
        while end < len(story) and _is_heading(story[end]):
            end += 1
        if end > index and end < len(story) and not isinstance(story[end], ActionFlowable | PageBreak | CondPageBreak):
            result.append(keep_together(story[index : end + 1]))
            index = end + 1
        else:
            result.append(story[index])
            index += 1
    return result


def render_story(data: DonorReportData, story: Story, styles: Styles) -> bytes:
    """Lay out `story` as the report document (two passes for the contents) and return the PDF."""
    buffer = io.BytesIO()
    title = _("%(grant)s report %(start)s – %(end)s, version %(version)s") % {
        "grant": data.grant_code,
        "start": data.period_start,
        "end": data.period_end,
        "version": data.version,
    }
    header = f"{data.agreement_number or data.grant_code} · {data.grant_title}"
    if data.interim:
        # Every page of a report on a period not yet ended says so, not only its cover.
        header = f"{_('Interim report')} · {header}"
    header = fit(shaped(header), FONT, 7.5, WIDTH)
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
