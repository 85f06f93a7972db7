"""The four packs by name, and making one in a single call (what the CLI and the window use)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from postapp.reports import company, country, event, study
from postapp.reports.document import Progress, write_pdf
from postapp.reports.options import PackContent, ReportOptions, in_language

Builder = Callable[[Session, ReportOptions], PackContent]

PACKS: dict[str, Builder] = {
    "country": country.build_country,
    "company": company.build_company,
    "event": event.build_event,
    "study": study.build_study,
}
SECTIONS: dict[str, tuple[str, ...]] = {
    "country": country.SECTIONS,
    "company": company.SECTIONS,
    "event": event.SECTIONS,
    "study": study.SECTIONS,
}


def make_pack(kind: str, session: Session, options: ReportOptions, path: Path | str,
              progress: Progress | None = None) -> Path:
    """Gathers the pack's data from ``session`` and writes the PDF to ``path`` (complete or not at all)."""
    with in_language(options.language):  # one switch for gathering and writing
        content = PACKS[kind](session, options)
        return write_pdf(content, options, path, progress)
