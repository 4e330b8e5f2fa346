"""The donor report as a PDF, rendered from its frozen data (`reports.donor.report_data.DonorReportData`).

`build_donor_report(data) -> bytes` is pure: it reads only its argument and the fonts shipped in
`reports/fonts/` (no queries, no clock), so the same data gives the same file, byte for byte:
reportlab's invariant mode (no time stamps, a document id derived from the content), the creation
date taken from `data.generated_on`, no random names. Headings and fixed texts are translated into
`data.language`; everything else comes translated in the data.

Layout, like an EU periodic technical report: a cover (the donor's acknowledgement: for the EU its
emblem, drawn as a vector, with "Funded by the European Union" and the disclaimer; for another donor
its logo and acknowledgement; then donor, programme, grant agreement number, beneficiary, period,
version, "data as of" and, for a period not ended, an "Interim report" mark), the contents with page
numbers (two passes, `multiBuild`), then: publishable summary; objectives and work packages (per work
package the activities planned against implemented in the period, the work done, deviations and
corrective measures); indicators (table, explanations for those behind or at risk, chart, definitions);
ethical issues; dissemination and communication; deliverables and milestones; risks; budget (the
period's planned, actual and variance with justifications, then the cumulative position since the
start, each with a chart beside its table); conclusions and recommendations; declaration and contact;
annexes (roundtables and trainings in the period, candidate hotlines by stage on its last day). Every
page after the cover carries the grant number in its header and, in its footer, the donor's
acknowledgement (for the EU the emblem and the funding statement) and "Page X of Y". Every fixed text,
label and date is in the report's language (`data.language`: en, fr or es).

Text in every script is drawn with DejaVu Sans, embedded as a subset; Arabic runs are shaped
(`arabic_reshaper`) and put in visual order (`python-bidi`) before reportlab draws them.

Modules: `layout` (fonts, styles, the document and its building blocks), `charts`, `cover` (the
cover and the contents), `sections` (the story and the builder).

Bump `GENERATOR_VERSION` (`layout`) whenever a change here (layout, fonts, wording, reportlab) changes the
bytes rendered from the same data: a stored report records the version that rendered it.
"""

from reports.donor.pdf.charts import (
    BarChart,
    budget_chart,
    indicator_chart,
)
from reports.donor.pdf.cover import Story, contents, cover
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
    amount,
    breakdown_lines,
    canvas_class,
    count,
    day,
    eu_emblem,
    hidden_text,
    keep_together,
    markup,
    moment,
    money,
    number,
    percent,
    register_fonts,
    shaped,
    span,
    table,
    wp_label,
)
from reports.donor.pdf.sections import (
    Sections,
    build_donor_report,
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
    "BarChart",
    "Blocks",
    "Heading",
    "ReportDocument",
    "Sections",
    "Story",
    "Styles",
    "amount",
    "breakdown_lines",
    "budget_chart",
    "build_donor_report",
    "canvas_class",
    "contents",
    "count",
    "cover",
    "day",
    "donor_report_story",
    "eu_emblem",
    "hidden_text",
    "indicator_chart",
    "keep_together",
    "markup",
    "moment",
    "money",
    "number",
    "percent",
    "register_fonts",
    "render_story",
    "shaped",
    "span",
    "table",
    "wp_label",
]
