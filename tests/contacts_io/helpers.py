"""Small contact files written by the tests, beside the fixture exports in ``fixtures/``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

FIXTURES = Path(__file__).with_name("fixtures")


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def many_rows(path: Path, count: int, start: int = 0) -> Path:
    """An Outlook-shaped file of ``count`` distinct persons at 50 companies."""
    header = ["First Name", "Last Name", "E-mail Address", "Business Phone", "Company", "Job Title", "Categories"]
    rows = [[f"Given{i}", f"Family{i}", f"person{i}@example.org", f"+31 20 {i:07d}", f"Company {i % 50}",
             "Manager", "IMVO;Bulk"] for i in range(start, start + count)]
    return write_csv(path, header, rows)
