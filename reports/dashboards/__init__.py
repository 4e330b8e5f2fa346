"""The staff dashboards: what each shows, who may see it, and how its content is built.

A `Dashboard` names the frames it reads, its headline metrics and a function that turns frames
into `Section`s (a title, the definition of what is counted, a table and, usually, a chart). The
table is the accessible alternative to the chart and exactly what the CSV and XLSX downloads
contain: its columns carry the labels shown, its cells the values shown.

`build()` is the whole pipeline for one dashboard: frames (selectors, one query each) ->
aggregations -> tables and charts. Views cache its result (`reports.caching`).

One module per dashboard (`network`, `pipeline`, `roundtables`, `capacity`, `quality`, `operations`,
`grants`), their shared shapes and helpers in `base`, the list and `build()` in `registry`; the
public names are re-exported here.
"""

from reports.dashboards.base import (
    Col,
    Dashboard,
    DashboardData,
    Headline,
    Section,
    SectionBuilder,
    table,
)
from reports.dashboards.capacity import (
    capacity_sections,
)
from reports.dashboards.grants import (
    grant_indicator_rows,
    grant_sections,
)
from reports.dashboards.network import (
    network_sections,
)
from reports.dashboards.operations import (
    operations_sections,
)
from reports.dashboards.pipeline import (
    pipeline_sections,
)
from reports.dashboards.quality import (
    quality_sections,
)
from reports.dashboards.registry import (
    BY_SLUG,
    DASHBOARDS,
    build,
    get,
    headlines,
)
from reports.dashboards.roundtables import (
    roundtable_sections,
)

__all__ = [
    "BY_SLUG",
    "DASHBOARDS",
    "Col",
    "Dashboard",
    "DashboardData",
    "Headline",
    "Section",
    "SectionBuilder",
    "build",
    "capacity_sections",
    "get",
    "grant_indicator_rows",
    "grant_sections",
    "headlines",
    "network_sections",
    "operations_sections",
    "pipeline_sections",
    "quality_sections",
    "roundtable_sections",
    "table",
]
