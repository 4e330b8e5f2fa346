"""The network workbook: one XLSX file, one sheet per entity, natural keys instead of database ids.

Apps declare their sheets in `<app>/workbook.py` as `SHEETS = [ModelSheet(...), ...]`; the
registry finds them in the installed apps and orders them by `order`. A sheet's columns map to
model fields; references to other entities are written as the referenced sheet's natural key (an
organisation's name, a country's code), many-to-many references as keys separated by "; ".
Choices appear as their stable keys (`full_member`).

Import is all or nothing (`importer`). Every row of every sheet is parsed, compared with the row of
the same natural key in the database (new, changed field by field, or unchanged) and validated with
the model's rules (fields, `clean()`, check and unique constraints) in memory; if any row is wrong
nothing is written and the report names sheet, row, column and problem. A dry run stops there:
that is the preview. Otherwise the new and changed rows, their history entries and the accounts
they need are written with bulk operations in one short transaction. Rows whose key exists are
updated, others created; nothing is deleted. Lifecycle fields are not the workbook's to change:
see `network/workbook.py`.

Modules: `sheets` (columns, sheets, the import's context), `cells` (one cell read or written),
`registry` (discovery), `reading`, `importer`, `export`, `results` (errors and changes), `docs`
(docs/data-format.md).
"""

from core.workbook.cells import SEPARATOR, cell_value, parse_cell
from core.workbook.docs import workbook_markdown
from core.workbook.export import export_workbook
from core.workbook.importer import import_workbook
from core.workbook.reading import read_workbook
from core.workbook.registry import Registry, registry
from core.workbook.results import (
    CHANGED,
    NEW,
    UNCHANGED,
    CellError,
    FieldChange,
    ImportResult,
    RowChange,
    SheetChanges,
)
from core.workbook.sheets import AuditedModelSheet, Column, ImportContext, ModelSheet, Sheet

__all__ = [
    "CHANGED",
    "NEW",
    "SEPARATOR",
    "UNCHANGED",
    "AuditedModelSheet",
    "CellError",
    "Column",
    "FieldChange",
    "ImportContext",
    "ImportResult",
    "ModelSheet",
    "Registry",
    "RowChange",
    "Sheet",
    "SheetChanges",
    "cell_value",
    "export_workbook",
    "import_workbook",
    "parse_cell",
    "read_workbook",
    "registry",
    "workbook_markdown",
]
