"""The donor report PDF's layout: the generator version, fonts and text shaping, styles, number, amount,
count and date formatting in the report's language, the EU emblem, the document (contents, header and
footer with the donor's acknowledgement and "Page X of Y") and the building blocks (tables, headings,
the narrative's rich text) the sections are made of."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from django.utils import dateformat, formats, translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Polygon, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from reports.donor import narrative
from reports.donor import report_data as rd
from reports.donor.report_data import DonorReportData
from reports.metrics import format_number, hidden_count_text

GENERATOR_VERSION = "donor-report-3"

FONT_DIR = Path(__file__).resolve().parents[2] / "fonts"
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
INTERIM_COLOUR = colors.HexColor("#b35c00")
EU_BLUE = colors.HexColor("#003399")
EU_YELLOW = colors.HexColor("#FFCC00")


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
        # A narrow table's column titles.
        self.tiny_bold = ParagraphStyle("tiny_bold", parent=self.small_bold, fontSize=7, leading=8.5)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=MUTED)
        # A note above a table.
        self.note = ParagraphStyle("note", parent=self.muted, spaceAfter=3)
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
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=6,
            spaceAfter=4,
            keepWithNext=1,
        )
        self.muted_body = ParagraphStyle("muted_body", parent=base, textColor=MUTED)
        self.h3 = ParagraphStyle(
            "h3",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=9.5,
            leading=12.5,
            spaceBefore=5,
            spaceAfter=2,
            keepWithNext=1,
        )
        self.bullet = ParagraphStyle(
            "bullet", parent=base, leftIndent=14, bulletIndent=4, spaceAfter=1, bulletFontName=FONT
        )
        self.footnote = ParagraphStyle("footnote", parent=self.small, fontSize=7.5, leading=9.5, textColor=MUTED)
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


def amount(value: float | None, currency: str) -> str:
    """An amount with its currency ("1,234.56 EUR"; grouped and with the decimal mark of the language)."""
    if value is None:
        return "—"
    return f"{money(value)}\u00a0{currency}".strip()


def percent(value: float | None) -> str:
    return "—" if value is None else f"{number(value, 1)} %"


def signed_money(value: float | None) -> str:
    """A difference of amounts with its sign ("+1,200", "−350.50", "0"); "—" for none."""
    if value is None:
        return "—"
    if round(value, 2) == 0:
        return money(0)
    return ("+" if value > 0 else "−") + money(abs(value))


def signed_percent(value: float | None) -> str:
    """A share with its sign ("+12.5 %", "−3 %"); "—" for none."""
    if value is None:
        return "—"
    if round(value, 1) == 0:
        return percent(0)
    return ("+" if value > 0 else "−") + percent(abs(value))


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


def _long_date_format() -> str:
    # Spanish writes "30 de junio de 2026"; English and French "30 June 2026", "30 juin 2026".
    return r"j \d\e F \d\e Y" if translation.get_language() == "es" else "j F Y"


def day(value: str | None) -> str:
    """An ISO date ("2026-06-30") written out in the active language: "30 June 2026", "30 juin 2026",
    "30 de junio de 2026"; "—" for none. Anything that is not an ISO date is returned as it is."""
    if not value:
        return "—"
    try:
        parsed = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return dateformat.format(parsed, _long_date_format())


def span(start: str | None, end: str | None) -> str:
    """Two days as a span ("1 January 2026 – 30 June 2026")."""
    return f"{day(start)} – {day(end)}"


def moment(value: str | None) -> str:
    """An ISO date and time in UTC ("2026-07-01T09:30") as "1 July 2026, 09:30 UTC"; "—" for none."""
    if not value:
        return "—"
    time = value[11:16]
    return f"{day(value[:10])}, {time} UTC" if len(time) == 5 else day(value[:10])


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text` cut at a word boundary, with an ellipsis, so that it is at most `width` points wide."""
    text = " ".join(text.split())
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        cut = text.rfind(" ")
        text = text[:cut] if cut > len(text) // 2 else text[:-1]
    return text.rstrip(" ,;:.-–") + "…"


# -- The EU emblem --------------------------------------------------------------------------------
def star_points(cx: float, cy: float, radius: float) -> list[float]:
    """A regular upright five-pointed star centred on (cx, cy), its points on a circle of `radius`."""
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points: list[float] = []
    for index in range(10):
        angle = math.radians(90 + 36 * index)
        r = radius if index % 2 == 0 else inner
        points += [round(cx + r * math.cos(angle), 3), round(cy + r * math.sin(angle), 3)]
    return points


def eu_emblem(height: float) -> Drawing:
    """The European flag as a vector drawing, `height` points high: a blue rectangle of proportions
    2:3, and twelve upright gold stars on a circle whose radius is a third of the height, each star's
    radius an eighteenth of the height, at the hours of a clock face."""
    width = height * 3 / 2
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # the renderer's starting font (else Helvetica joins the PDF's fonts)
    drawing.add(Rect(0, 0, width, height, fillColor=EU_BLUE, strokeColor=None))
    cx, cy = width / 2, height / 2
    for hour in range(12):
        angle = math.radians(90 - 30 * hour)
        x, y = cx + height / 3 * math.cos(angle), cy + height / 3 * math.sin(angle)
        drawing.add(Polygon(star_points(x, y, height / 18), fillColor=EU_YELLOW, strokeColor=None))
    return drawing


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
        frame = Frame(MARGIN, MARGIN + 6 * mm, WIDTH, BODY_HEIGHT, id="body")
        cover = Frame(MARGIN, MARGIN, WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="cover")
        self.addPageTemplates([PageTemplate(id="cover", frames=[cover]), PageTemplate(id="body", frames=[frame])])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, level=flowable.toc_level)
            self.notify("TOCEntry", (flowable.toc_level, flowable.toc_text, self.page, flowable.toc_key))


FOOTER_EMBLEM_HEIGHT = 4 * mm
BODY_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - 12 * mm


class KeepTogetherOrRunOn(KeepTogether):
    """Flowables kept on one page when they fit on the rest of this one, or when little of it is left
    (they then start the next page); with more than `room` points free they start here and run on to
    the next page, so that no page is left mostly empty."""

    def __init__(self, flowables: Sequence[Flowable], room: float) -> None:
        super().__init__(list(flowables))
        self.room = room

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (avail_width, avail_height):
            self.wrap(avail_width, avail_height)
        if self.room < avail_height < self._H:
            return list(self._content)
        return super().split(avail_width, avail_height)


def keep_together(flowables: Sequence[Flowable]) -> KeepTogether:
    """`flowables` (a table with its heading and chart) on one page, unless more than 40 % of the page
    is free: they then start there and run on."""
    # A group inside a group is opened: reportlab sizes a group as infinitely tall until it is split,
    # which would push the outer one to the next page whatever room is left.
    flat: list[Flowable] = []
    for flowable in flowables:
        flat += list(flowable._content) if isinstance(flowable, KeepTogether) else [flowable]
    return KeepTogetherOrRunOn(flat, room=0.4 * BODY_HEIGHT)


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
            baseline = MARGIN - 5 * mm
            footer = shaped(f"{data.grant_code} · {_('version')} {data.version}")
            self.drawString(MARGIN, baseline, footer)
            page = _("Page %(page)s of %(pages)s") % {"page": self._pageNumber, "pages": total}
            self.drawRightString(PAGE_WIDTH - MARGIN, baseline, page)
            # The donor's acknowledgement between the two, as much of it as the line has room for.
            left = MARGIN + stringWidth(footer, FONT, 7.5) + 6 * mm
            room = PAGE_WIDTH - MARGIN - stringWidth(page, FONT, 7.5) - 6 * mm - left
            if data.profile == rd.PROFILE_EU:
                emblem = eu_emblem(FOOTER_EMBLEM_HEIGHT)
                statement = fit(shaped(data.funding_statement), FONT_BOLD, 7.5, room - emblem.width - 2 * mm)
                used = emblem.width + 2 * mm + stringWidth(statement, FONT_BOLD, 7.5)
                x = left + (room - used) / 2
                renderPDF.draw(emblem, self, x, baseline - 1.2 * mm)
                self.setFont(FONT_BOLD, 7.5)
                self.setFillColor(INK)
                self.drawString(x + emblem.width + 2 * mm, baseline, statement)
            elif data.acknowledgement:
                text = fit(shaped(data.acknowledgement), FONT, 7.5, room)
                self.drawCentredString(left + room / 2, baseline, text)
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

    def head(self, *texts: str, style: ParagraphStyle | None = None) -> list[Paragraph]:
        return [Paragraph(markup(text), style or self.s.small_bold) for text in texts]

    def paragraphs(self, text: str, style: ParagraphStyle | None = None) -> list[Paragraph]:
        blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
        return [self.p(block, style) for block in blocks]

    def rich(self, html: str) -> list[Paragraph]:
        """The narrative's limited rich text (`reports.donor.narrative`) as paragraphs and list items:
        bullets for an unordered list, "1." for an ordered one."""
        result: list[Paragraph] = []
        for block in narrative.blocks(html):
            if block.kind == "p":
                result.append(Paragraph(block.html, self.s.body))
            else:
                bullet = "•" if block.kind == "ul" else f"{block.number}."
                result.append(Paragraph(block.html, self.s.bullet, bulletText=bullet))
        return result

    def not_provided(self) -> Paragraph:
        return self.p(_("Not provided."), self.s.muted_body)

    def text_or_missing(self, text: str) -> list[Paragraph]:
        """Plain narrative text as paragraphs, or a muted "Not provided." when there is none."""
        return self.paragraphs(text) or [self.not_provided()]


def wp_label(number_: int | None) -> str:
    """A work package's short name in the report's language ("WP1", "LT1", "PT1"); "—" for none."""
    return f"{_('WP')}{number_}" if number_ is not None else "—"


def indicator_headers() -> list[str]:
    """The indicator table's column titles after the indicator itself, in the active language: the PDF's
    table and the donor area's download share them."""
    return [
        _("Scope"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("In the period"),
        _("Achieved"),
        _("Progress from baseline to target"),
        _("Status"),
    ]


@dataclass(frozen=True)
class IndicatorCells:
    """An indicator's values as the PDF's indicator table and the donor area's download print them."""

    baseline: str
    target: str
    in_period: str
    achieved: str
    progress: str


def indicator_cells(line: rd.IndicatorLine, threshold: int) -> IndicatorCells:
    """The texts of an indicator's figures for donors: small counts of people hidden ("fewer than 5",
    "suppressed"), "—" for nothing measured or no figure of the period alone."""
    shown = rd.shown_indicator(line, threshold)
    if line.in_period is None:
        in_period = "—"
    elif line.counts_people and 0 < line.in_period < threshold:
        in_period = hidden_text(rd.SMALL, threshold)
    else:
        in_period = number(line.in_period, 2)
    return IndicatorCells(
        baseline=hidden_text(shown.baseline_hidden, threshold) if shown.baseline_hidden else number(shown.baseline, 2),
        target=number(line.target, 2),
        in_period=in_period,
        achieved=hidden_text(shown.achieved_hidden, threshold) if shown.achieved_hidden else number(shown.achieved, 2),
        progress=hidden_text(shown.progress_hidden, threshold) if shown.progress_hidden else percent(shown.progress),
    )
