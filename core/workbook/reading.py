"""Reading a workbook: its sheets and columns checked against the declarations, every row parsed."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError

from core.spreadsheets import formula_unguarded
from core.workbook.cells import parse_cell
from core.workbook.registry import registry
from core.workbook.results import CellError, ImportResult
from core.workbook.sheets import Sheet


def read_workbook(data: bytes | io.BufferedIOBase, result: ImportResult) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Every row of every known sheet, parsed; problems of shape and cells go to `result.errors`."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        result.errors.append(CellError("(file)", 0, "", f"Not a readable XLSX workbook ({type(exc).__name__})."))
        return {}
    except Exception as exc:  # zipfile.BadZipFile and friends
        result.errors.append(CellError("(file)", 0, "", f"Not a readable XLSX workbook ({type(exc).__name__})."))
        return {}
    known = {s.name: s for s in registry().sheets()}
    for title in book.sheetnames:
        if title not in known:
            result.errors.append(CellError(title, 0, "", f"Unknown sheet; expected sheets are: {', '.join(known)}."))
    parsed: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for sheet in known.values():
        if sheet.name in book.sheetnames:
            parsed[sheet.name] = _parse_sheet(book[sheet.name], sheet, result)
    book.close()
    return parsed


def _parse_sheet(ws: Any, sheet: Sheet, result: ImportResult) -> list[tuple[int, dict[str, Any]]]:
    rows = ws.iter_rows(values_only=True)
    header_row = next(rows, None)
    headers = [str(h).strip() if h is not None else "" for h in (header_row or [])]
    while headers and headers[-1] == "":
        headers.pop()
    expected = {c.header: c for c in sheet.columns}
    for index, header in enumerate(headers):
        if header not in expected:
            result.errors.append(CellError(sheet.name, 1, header or f"#{index + 1}", "Unknown column."))
    missing = [c.header for c in sheet.columns if c.required and c.header not in headers]
    missing += [h for h in sheet.key_headers if h not in headers and h not in missing]
    for header in missing:
        result.errors.append(CellError(sheet.name, 1, header, "This column is missing."))
    if any(e.sheet == sheet.name for e in result.errors):
        return []
    model = getattr(sheet, "model", None)
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple, int] = {}
    for row_number, raw_row in enumerate(rows, start=2):
        cells = list(raw_row or [])[: len(headers)]
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        values: dict[str, Any] = {}
        for header, raw in zip(headers, cells + [None] * (len(headers) - len(cells)), strict=True):
            column = expected[header]
            try:
                values[header] = parse_cell(formula_unguarded(raw), column, model)
            except ValidationError as exc:
                result.errors.append(CellError(sheet.name, row_number, header, " ".join(exc.messages)))
        key = sheet.key_of(values)
        if all(part not in (None, "") for part in key):
            if key in seen:
                result.errors.append(
                    CellError(
                        sheet.name,
                        row_number,
                        sheet.key_headers[0],
                        f"Duplicate of row {seen[key]}.",
                    )
                )
            seen[key] = row_number
        parsed.append((row_number, values))
    return parsed
