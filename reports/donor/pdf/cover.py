"""The donor report PDF's first pages: the cover (the donor profile's emblem and statement or logo and
acknowledgement, the interim mark, the report's facts, the disclaimer) and the contents."""

from __future__ import annotations

import base64
import io

from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    Image,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from reports.donor import report_data as rd
from reports.donor.pdf.layout import (
    FONT,
    INTERIM_COLOUR,
    RULE,
    WIDTH,
    Blocks,
    day,
    eu_emblem,
    moment,
    span,
    table,
)
from reports.donor.report_data import DonorReportData

Story = list[Flowable]

COVER_EMBLEM_HEIGHT = 16 * mm
LOGO_MAX_WIDTH = 50 * mm
LOGO_MAX_HEIGHT = 22 * mm


def logo(data: DonorReportData) -> Image | None:
    """The donor's logo from the data (a PNG, base64), at most 50 x 22 mm, its proportions kept."""
    if not data.logo_png:
        return None
    try:
        raw = base64.b64decode(data.logo_png, validate=True)
        reader = ImageReader(io.BytesIO(raw))
        width, height = reader.getSize()
    except (ValueError, OSError):
        return None
    ratio = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height)
    return Image(io.BytesIO(raw), width=width * ratio, height=height * ratio, hAlign="CENTER")


def funding_block(data: DonorReportData, b: Blocks) -> Story:
    """The cover's acknowledgement of the donor: for the EU its emblem with "Funded by the European
    Union" beside it; for another donor its logo and acknowledgement. Never the EU's for another donor."""
    s = b.s
    if data.profile == rd.PROFILE_EU:
        statement = b.p(data.funding_statement, ParagraphStyle("statement", parent=s.h2, spaceBefore=0))
        emblem = eu_emblem(COVER_EMBLEM_HEIGHT)
        block = Table(
            [[emblem, statement]],
            colWidths=[emblem.width + 4 * mm, 80 * mm],
            hAlign="CENTER",
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
        return [block]
    story: Story = []
    image = logo(data)
    if image is not None:
        story.append(image)
    if data.acknowledgement:
        story += [Spacer(1, 3 * mm), b.p(data.acknowledgement, ParagraphStyle("ack", parent=s.body, alignment=1))]
    return story


def interim_mark(data: DonorReportData, b: Blocks) -> Table:
    style = ParagraphStyle("interim", parent=b.s.h2, textColor=INTERIM_COLOUR, alignment=1, spaceBefore=0)
    rows = [
        [b.p(_("Interim report"), style)],
        [
            b.p(
                _("The reporting period had not ended when the data was read (data as of %(moment)s).")
                % {"moment": moment(data.data_as_of)},
                ParagraphStyle("interim_note", parent=b.s.small, alignment=1),
            )
        ],
    ]
    return Table(
        rows,
        colWidths=[120 * mm],
        hAlign="CENTER",
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BOX", (0, 0), (-1, -1), 1.2, INTERIM_COLOUR),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
            ]
        ),
    )


def cover(data: DonorReportData, b: Blocks) -> Story:
    s = b.s
    facts = [
        (_("Donor"), data.donor_name),
        (_("Programme"), data.programme or "—"),
        (_("Call identifier"), data.call_identifier or "—"),
        (_("Grant agreement number"), data.agreement_number or "—"),
        (_("Grant"), f"{data.grant_code} · {data.grant_kind_text}"),
        (_("Beneficiary"), data.beneficiary),
        (_("Reporting period"), span(data.period_start, data.period_end)),
        (_("Grant duration"), span(data.grant_starts_on, data.grant_ends_on)),
        (_("Version"), str(data.version)),
        (_("Data as of"), moment(data.data_as_of)),
        (_("Generated on"), day(data.generated_on)),
    ]
    rows = [[b.p(label, s.small_bold), b.p(value)] for label, value in facts]
    story: Story = [Spacer(1, 12 * mm), *funding_block(data, b), Spacer(1, 14 * mm)]
    story += [
        b.p(_("Periodic technical report"), s.subtitle),
        b.p(data.grant_title, s.title),
        b.p(data.donor_name, s.subtitle),
    ]
    if data.interim:
        story += [Spacer(1, 4 * mm), interim_mark(data, b)]
    story += [
        Spacer(1, 10 * mm),
        table(rows, [55 * mm, WIDTH - 55 * mm], header=False, extra=[("GRID", (0, 0), (-1, -1), 0.3, RULE)]),
    ]
    if data.profile == rd.PROFILE_EU and data.disclaimer:
        story += [Spacer(1, 10 * mm), b.p(data.disclaimer, s.footnote)]
    story += [NextPageTemplate("body"), PageBreak()]
    return story


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
