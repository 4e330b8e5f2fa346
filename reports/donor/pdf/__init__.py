"""The donor report as a PDF, rendered from its frozen data (`reports.donor.report_data.DonorReportData`).

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

Modules: `layout` (fonts, styles, the document and its building blocks), `charts`, `sections` (the
story and the builder).

Bump `GENERATOR_VERSION` (`layout`) whenever a change here (layout, fonts, wording, reportlab) changes the
bytes rendered from the same data: a stored report records the version that rendered it.
"""

from reports.donor.pdf.charts import (
    bar_chart,
    budget_chart,
    indicator_chart,
)
from reports.donor.pdf.layout import (
    ACHIEVED_COLOUR,
    FONT,
    FONT_BOLD,
    FONT_DIR,
    GENERATOR_VERSION,
    HEAD,
    INK,
    MARGIN,
    MUTED,
    RULE,
    STATUS_COLOURS,
    TARGET_COLOUR,
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
from reports.donor.pdf.sections import (
    Sections,
    Story,
    build_donor_report,
    contents,
    cover,
    donor_report_story,
    render_story,
)

__all__ = [
    "ACHIEVED_COLOUR",
    "FONT",
    "FONT_BOLD",
    "FONT_DIR",
    "GENERATOR_VERSION",
    "HEAD",
    "INK",
    "MARGIN",
    "MUTED",
    "RULE",
    "STATUS_COLOURS",
    "TARGET_COLOUR",
    "WIDTH",
    "Blocks",
    "Heading",
    "ReportDocument",
    "Sections",
    "Story",
    "Styles",
    "bar_chart",
    "breakdown_lines",
    "budget_chart",
    "build_donor_report",
    "canvas_class",
    "contents",
    "count",
    "cover",
    "day",
    "donor_report_story",
    "hidden_text",
    "indicator_chart",
    "markup",
    "money",
    "number",
    "percent",
    "register_fonts",
    "render_story",
    "shaped",
    "table",
    "wp_label",
]
