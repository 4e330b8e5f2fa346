"""The donor report as a PDF, rendered from its frozen data (`reports.report_data.DonorReportData`).

`build_donor_report(data) -> bytes` is pure: it reads only its argument and the fonts shipped in
`reports/fonts/` (no queries, no clock), so the same data gives the same file, byte for byte:
reportlab's invariant mode (no time stamps, a document id derived from the content), the creation
date taken from `data.generated_on`, no random names. Headings and fixed texts are translated into
`data.language`; everything else comes translated in the data.

Layout, like an EU periodic technical report: a cover (donor, programme, grant agreement number,
beneficiary, period, version), the contents with page numbers (two passes, `multiBuild`), the
publishable summary, objectives and work packages, indicators (table with status colour and text,
and a bar chart of achieved against target), activities planned against implemented, deliverables
and milestones, risks, budget execution (table and chart), annexes (roundtables, trainings,
candidate hotlines by stage). Every page after the cover carries the grant number in its header and
"Page X of Y" in its footer.

Text in every script is drawn with DejaVu Sans, embedded as a subset; Arabic runs are shaped
(`arabic_reshaper`) and put in visual order (`python-bidi`) before reportlab draws them.

Bump `GENERATOR_VERSION` whenever a change here (layout, fonts, wording, reportlab) changes the
bytes rendered from the same data: a stored report records the version that rendered it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from reports import report_data as rd
from reports.metrics import INDICATOR_METHOD, format_number, hidden_count_text
from reports.report_data import DonorReportData

GENERATOR_VERSION = "donor-report-2"

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#9aa5b1")
HEAD = colors.HexColor("#e8ecf2")
STATUS_COLOURS = {
    rd.ACHIEVED: colors.HexColor("#1b7f3b"),
    rd.ON_TRACK: colors.HexColor("#2f9e44"),
    rd.AT_RISK: colors.HexColor("#e8a317"),
    rd.BEHIND: colors.HexColor("#c92a2a"),
}
TARGET_COLOUR = colors.HexColor("#9aa5b1")
ACHIEVED_COLOUR = colors.HexColor("#1c5d99")


# -- Fonts and text ------------------------------------------------------------------------------
def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def shaped(text: str) -> str:
    """`text` ready to draw: Arabic letters joined and right-to-left runs in visual order, line by line."""
    if not _ARABIC.search(text):
        return text
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


def markup(text: str) -> str:
    """Plain text as paragraph markup: shaped, escaped, line breaks kept."""
    return escape(shaped(text)).replace("\n", "<br/>")


class Styles:
    def __init__(self) -> None:
        base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, spaceAfter=3)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10, spaceAfter=0)
        self.small_bold = ParagraphStyle("small_bold", parent=self.small, fontName=FONT_BOLD)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=MUTED)
        self.title = ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=27, spaceAfter=10, alignment=TA_CENTER
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=base, fontSize=13, leading=17, spaceAfter=6, alignment=TA_CENTER, textColor=MUTED
        )
        self.h1 = ParagraphStyle(
            "h1", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceBefore=8, spaceAfter=6
        )
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=4
        )
        self.toc = [
            ParagraphStyle("toc1", parent=base, fontSize=10, leading=14, leftIndent=0, firstLineIndent=0),
            ParagraphStyle("toc2", parent=base, fontSize=9, leading=12, leftIndent=12, firstLineIndent=0),
        ]


number = format_number


def money(value: float | None) -> str:
    """An amount: whole amounts without decimals, others with two (cents)."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return formats.number_format(int(value), 0, force_grouping=True)
    return formats.number_format(round(float(value), 2), 2, force_grouping=True)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{number(value, 1)} %"


def hidden_text(reason: str, threshold: int) -> str:
    """Why a count is not shown: a small count of people, or one hidden only to protect another."""
    return hidden_count_text(reason or rd.SMALL, threshold)


def count(value: int | None, threshold: int, hidden: str = rd.SMALL) -> str:
    """A count as printed; a hidden one (None) says why (`hidden_text`)."""
    if value is None:
        return hidden_text(hidden or rd.SMALL, threshold)
    return formats.number_format(value, 0, force_grouping=True)


def breakdown_lines(cells: Sequence[rd.Count], threshold: int, noun: str) -> str:
    """A breakdown as lines "label: count". Cells hidden as small counts are gathered in one closing
    line ("3 countries with fewer than 5 participants each"), so a row never lists many of them."""
    shown = [f"{cell.label}: {count(cell.count, threshold, cell.hidden)}" for cell in cells if cell.hidden != rd.SMALL]
    small = [cell for cell in cells if cell.hidden == rd.SMALL]
    if len(small) == 1:
        shown.append(f"{small[0].label}: {count(None, threshold)}")
    elif small:
        shown.append(
            _("%(n)s %(noun)s with fewer than %(threshold)s participants each")
            % {"n": len(small), "noun": noun, "threshold": threshold}
        )
    return "\n".join(shown)


def day(value: str | None) -> str:
    return value or "—"


# -- Document: headings in the contents, header and footer with "Page X of Y" ---------------------
class Heading(Paragraph):
    """A section heading that is listed in the contents (level 0 or 1)."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str) -> None:
        super().__init__(markup(text), style)
        self.toc_level = level
        self.toc_key = key
        self.toc_text = shaped(text)


class ReportDocument(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, data: DonorReportData, **kwargs: Any) -> None:
        super().__init__(buffer, **kwargs)
        frame = Frame(MARGIN, MARGIN + 6 * mm, WIDTH, PAGE_HEIGHT - 2 * MARGIN - 12 * mm, id="body")
        cover = Frame(MARGIN, MARGIN, WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="cover")
        self.addPageTemplates([PageTemplate(id="cover", frames=[cover]), PageTemplate(id="body", frames=[frame])])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, level=flowable.toc_level)
            self.notify("TOCEntry", (flowable.toc_level, flowable.toc_text, self.page, flowable.toc_key))


def canvas_class(data: DonorReportData, header: str, styles: Styles) -> type[Canvas]:
    """A canvas that holds its pages until the end, to print "Page X of Y" on each, and dates the
    document from the report data."""
    stamp = "D:" + data.generated_on.replace("-", "") + "000000+00'00'"

    class ReportCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_parts: stamp)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            top = PAGE_HEIGHT - MARGIN + 2 * mm
            self.drawString(MARGIN, top, header)
            self.line(MARGIN, top - 1.5 * mm, PAGE_WIDTH - MARGIN, top - 1.5 * mm)
            self.line(MARGIN, MARGIN - 1 * mm, PAGE_WIDTH - MARGIN, MARGIN - 1 * mm)
            footer = shaped(f"{data.grant_code} · {_('version')} {data.version}")
            self.drawString(MARGIN, MARGIN - 5 * mm, footer)
            page = _("Page %(page)s of %(pages)s") % {"page": self._pageNumber, "pages": total}
            self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 5 * mm, page)
            self.restoreState()

    return ReportCanvas


# -- Building blocks ------------------------------------------------------------------------------
def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    extra: Iterable[tuple[Any, ...]] = (),
    header: bool = True,
) -> Table:
    result = Table(list(rows), colWidths=list(widths), repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD))
    result.setStyle(TableStyle([*style, *extra]))
    return result


class Blocks:
    """Paragraph makers bound to the styles."""

    def __init__(self, styles: Styles) -> None:
        self.s = styles

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(markup(text), style or self.s.body)

    def cell(self, text: str) -> Paragraph:
        return Paragraph(markup(text), self.s.small)

    def head(self, *texts: str) -> list[Paragraph]:
        return [Paragraph(markup(text), self.s.small_bold) for text in texts]

    def paragraphs(self, text: str, style: ParagraphStyle | None = None) -> list[Paragraph]:
        blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
        return [self.p(block, style) for block in blocks]


def wp_label(number_: int | None) -> str:
    return f"WP{number_}" if number_ is not None else "—"


# -- Charts ---------------------------------------------------------------------------------------
def bar_chart(
    labels: Sequence[str],
    series: Sequence[Sequence[float]],
    names: Sequence[str],
    colours: Sequence[colors.Color],
    *,
    caption: str,
    value_format: str = "%.0f",
) -> Drawing:
    """Horizontal grouped bars (one group per label), a legend and a caption, in DejaVu Sans."""
    bar_room = 7 * len(series) + 6
    height = max(60.0, bar_room * len(labels)) + 40
    drawing = Drawing(WIDTH, height)
    drawing.initialFontName = FONT  # the renderer's starting font (else Helvetica joins the PDF's fonts)
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 26
    chart.width, chart.height = WIDTH - 130, height - 40
    chart.data = [list(values) for values in series]
    chart.categoryAxis.categoryNames = [shaped(label) for label in labels]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.reverseDirection = 1
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_format
    chart.barSpacing = 1
    chart.groupSpacing = 5
    for index, colour in enumerate(colours):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.fontName = FONT
    legend.fontSize = 7
    legend.x, legend.y = 110, 10
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.dx = legend.dy = 6
    legend.colorNamePairs = [(colour, shaped(name)) for colour, name in zip(colours, names, strict=True)]
    drawing.add(legend)
    drawing.add(String(0, height - 10, shaped(caption), fontName=FONT, fontSize=8, fillColor=MUTED))
    return drawing


def indicator_chart(data: DonorReportData) -> Drawing | None:
    """Each indicator's progress from its baseline to its target (100 % = target reached), for the
    indicators whose progress is measured and shown."""
    lines = [
        line
        for line in data.indicators
        if line.progress is not None and not rd.shown_indicator(line, data.small_count_threshold).progress_hidden
    ]
    if not lines:
        return None
    labels = [line.code for line in lines]
    progress = [min(max(line.progress or 0.0, 0.0), 200.0) for line in lines]
    return bar_chart(
        labels,
        [[100.0] * len(lines), progress],
        [_("Target (100 %)"), _("Progress from baseline to target")],
        [TARGET_COLOUR, ACHIEVED_COLOUR],
        caption=_("Progress from each indicator's baseline to its target, per cent of the way"),
    )


def budget_chart(data: DonorReportData) -> Drawing | None:
    totals: dict[str, list[float]] = {}
    for line in data.budget_lines:
        planned_actual = totals.setdefault(line.category_text, [0.0, 0.0])
        planned_actual[0] += line.planned
        planned_actual[1] += line.actual
    if not totals:
        return None
    labels = list(totals)
    return bar_chart(
        labels,
        [[totals[label][0] for label in labels], [totals[label][1] for label in labels]],
        [_("Planned"), _("Actual")],
        [TARGET_COLOUR, ACHIEVED_COLOUR],
        caption=_("Budget by category (%(currency)s)") % {"currency": data.currency},
    )


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
