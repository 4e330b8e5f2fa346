"""What an import found or would do: errors by sheet, row and column; changes row by row (the preview).

`ImportResult` goes to JSON and back, so a background run can hand it to the page that shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}, row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class FieldChange:
    """One column of one row: what the database holds now and what the workbook would write."""

    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    row: int
    key: str
    status: str  # NEW or CHANGED (unchanged rows are only counted)
    fields: tuple[FieldChange, ...] = ()


NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class SheetChanges:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[RowChange] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import found (errors) or would do / did (changes per sheet, row by row).

    `invitations_needed` lists the accounts an import created (or would create): they have no
    password and stay inactive until they accept an invitation.
    """

    errors: list[CellError] = field(default_factory=list)
    changes: dict[str, SheetChanges] = field(default_factory=dict)
    written: bool = False
    invitations_needed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "errors": [[e.sheet, e.row, e.column, e.message] for e in self.errors],
            "changes": {
                name: {
                    "created": c.created,
                    "updated": c.updated,
                    "unchanged": c.unchanged,
                    "rows": [[r.row, r.key, r.status, [[f.column, f.old, f.new] for f in r.fields]] for r in c.rows],
                }
                for name, c in self.changes.items()
            },
            "written": self.written,
            "invitations_needed": list(self.invitations_needed),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportResult:
        return cls(
            errors=[CellError(*error) for error in data.get("errors", [])],
            changes={
                name: SheetChanges(
                    created=c["created"],
                    updated=c["updated"],
                    unchanged=c["unchanged"],
                    rows=[
                        RowChange(row, key, status, tuple(FieldChange(*f) for f in fields))
                        for row, key, status, fields in c.get("rows", [])
                    ],
                )
                for name, c in data.get("changes", {}).items()
            },
            written=data.get("written", False),
            invitations_needed=list(data.get("invitations_needed", [])),
        )
