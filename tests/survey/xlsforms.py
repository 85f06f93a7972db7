"""Writes XLSForm workbooks from Python lists, so tests can build valid and broken forms in tmp_path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

Rows = Sequence[Sequence[object]]

SETTINGS: Rows = [["form_id", "version"], ["usability", "1"]]


def write_xlsform(path: Path, survey: Rows | None, choices: Rows | None = None, settings: Rows | None = SETTINGS,
                  **other_sheets: Rows) -> Path:
    """A workbook at ``path`` with one sheet per non-None argument, each row as given (first row: headings).
    An empty row in a list stays an empty spreadsheet row, so row numbers match the lists."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    sheets = {"survey": survey, "choices": choices, "settings": settings, **other_sheets}
    for title, rows in sheets.items():
        if rows is None:
            continue
        sheet = workbook.create_sheet(title)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is not None and value != "":
                    sheet.cell(row=number, column=column, value=value)
    workbook.save(path)
    return path
