"""The donor report PDF's layout: the generator version, fonts and text shaping, styles, number and
count formatting, the document (contents, header and footer with "Page X of Y") and the building
blocks (tables, headings) the sections are made of."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from django.utils import formats
from django.utils.translation import gettext as _
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
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from reports.donor import report_data as rd
from reports.donor.report_data import DonorReportData
from reports.metrics import format_number, hidden_count_text

GENERATOR_VERSION = "donor-report-2"

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
