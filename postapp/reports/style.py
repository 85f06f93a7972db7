"""The packs' house style: A4, one typeface, black and grays that survive any office printer, and the
building blocks every pack uses (headings, text, tables that split with their header row, "nothing here").

Every function that takes user text escapes and cleans it (``fonts.markup``); the app's own translated
strings go through the same path, so a translator's ``&`` cannot break a page either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from postapp.i18n import _
from postapp.reports.fonts import BOLD, ITALIC, REGULAR, markup, safe

Flowable = Any  # ReportLab ships no type information

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm  # room for the running header
MARGIN_BOTTOM = 20 * mm  # room for the footer
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

INK = colors.black
MUTED = colors.Color(0.35, 0.35, 0.35)
RULE = colors.Color(0.6, 0.6, 0.6)
HEADER_FILL = colors.Color(0.85, 0.85, 0.85)
ZEBRA = colors.Color(0.955, 0.955, 0.955)
# Fills from dark to light: a series stays apart on a gray printout, and every bar carries its value too.
SERIES_GRAYS = (colors.Color(0.15, 0.15, 0.15), colors.Color(0.55, 0.55, 0.55), colors.Color(0.85, 0.85, 0.85))
LEVEL_FILL = {"high": colors.Color(0.78, 0.78, 0.78), "medium": colors.Color(0.9, 0.9, 0.9), "low": None}

BODY_SIZE = 9.5
CELL_SIZE = 8.5
CELL_PADDING = 3


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    long_title: ParagraphStyle
    subtitle: ParagraphStyle
    cover_line: ParagraphStyle
    banner: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    nothing: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    toc_title: ParagraphStyle
    toc1: ParagraphStyle
    toc2: ParagraphStyle


H1, H2 = "PackHeading1", "PackHeading2"


@cache
def styles() -> Styles:
    """The paragraph styles; call after ``fonts.register_fonts``."""
    def style(name: str, size: float = BODY_SIZE, font: str = REGULAR, **extra: Any) -> ParagraphStyle:
        extra.setdefault("leading", round(size * 1.3, 1))
        extra.setdefault("textColor", INK)
        return ParagraphStyle(name, fontName=font, fontSize=size, **extra)

    return Styles(
        title=style("PackTitle", 26, BOLD, leading=32, spaceAfter=10),
        long_title=style("PackLongTitle", 16, BOLD, leading=20, spaceAfter=10),
        subtitle=style("PackSubtitle", 15, REGULAR, leading=20, spaceAfter=24, textColor=MUTED),
        cover_line=style("PackCoverLine", 11, REGULAR, leading=15),
        banner=style("PackBanner", 14, BOLD, leading=19, alignment=TA_CENTER, borderWidth=2.5, borderColor=INK,
                     borderPadding=10, spaceBefore=18, spaceAfter=18),
        h1=style(H1, 16, BOLD, leading=20, spaceBefore=16, spaceAfter=8, keepWithNext=1),
        h2=style(H2, 12, BOLD, leading=15, spaceBefore=10, spaceAfter=5, keepWithNext=1),
        body=style("PackBody", spaceAfter=6),
        note=style("PackNote", 8.5, REGULAR, textColor=MUTED, spaceAfter=6),
        nothing=style("PackNothing", BODY_SIZE, ITALIC, textColor=MUTED, spaceAfter=8),
        cell=style("PackCell", CELL_SIZE, REGULAR),
        cell_bold=style("PackCellBold", CELL_SIZE, BOLD),
        cell_right=style("PackCellRight", CELL_SIZE, REGULAR, alignment=TA_RIGHT),
        toc_title=style("PackTocTitle", 16, BOLD, leading=20, spaceAfter=12),
        toc1=style("PackToc1", 10.5, BOLD, leading=15, leftIndent=0, firstLineIndent=0, spaceBefore=4),
        toc2=style("PackToc2", 9.5, REGULAR, leading=13, leftIndent=14, firstLineIndent=0),
    )


def heading(text: str, level: int = 1) -> Flowable:
    """A section heading; the document lists level 1 and 2 in the table of contents and the PDF outline."""
    s = styles()
    return Paragraph(markup(text), s.h1 if level == 1 else s.h2)


def chapter(text: str) -> list[Flowable]:
    """A level-1 heading that starts a new page when less than a quarter page is left."""
    return [CondPageBreak(PAGE_HEIGHT / 4), heading(text)]


def para(text: str, *, bold: bool = False) -> Flowable:
    body = markup(text)
    return Paragraph(f"<b>{body}</b>" if bold else body, styles().body)


def rich(markup_text: str) -> Flowable:
    """A paragraph from markup the caller built (every piece of user text in it already through ``markup``)."""
    return Paragraph(markup_text, styles().body)


def note(text: str) -> Flowable:
    return Paragraph(markup(text), styles().note)


def nothing(in_period: bool = True) -> Flowable:
    """What an empty section says instead of vanishing."""
    text = _("Nothing recorded in this period.") if in_period else _("Nothing recorded yet.")
    return Paragraph(markup(text), styles().nothing)


def gap(height: float = 6) -> Flowable:
    return Spacer(1, height)


class Cell:
    """A table cell of user text that wraps; plain ``str`` cells are short values (numbers, dates, codes)."""

    __slots__ = ("bold", "text")

    def __init__(self, text: object, *, bold: bool = False) -> None:
        self.text = "" if text is None else str(text)
        self.bold = bold


def _fits(text: str, width: float, font: str) -> bool:
    return "\n" not in text and stringWidth(text, font, CELL_SIZE) <= width


def table(header: Sequence[str], rows: Sequence[Sequence[str | Cell]], widths: Sequence[float], *,
          numeric: Sequence[int] = (), fills: Sequence[tuple[int, int, Any]] = ()) -> Flowable:
    """A table that splits across pages with its header row repeated on each.

    Text that fits its column stays a plain string (quick to lay out); longer text becomes a wrapping
    paragraph. ``numeric`` columns are right-aligned; ``fills`` are (column, row, colour) backgrounds."""
    s = styles()
    scale = CONTENT_WIDTH / sum(widths) if sum(widths) > CONTENT_WIDTH else 1.0
    widths = [w * scale for w in widths]
    inner = [w - 2 * CELL_PADDING for w in widths]
    head = [Paragraph(f"<b>{markup(h)}</b>", s.cell_right if i in numeric else s.cell) for i, h in enumerate(header)]
    data: list[list[Any]] = [head]
    for row in rows:
        out: list[Any] = []
        for i, value in enumerate(row):
            if isinstance(value, Cell):
                font = BOLD if value.bold else REGULAR
                text = safe(value.text)
                if _fits(text, inner[i], font):
                    out.append(text)
                else:
                    body = markup(value.text)
                    out.append(Paragraph(f"<b>{body}</b>" if value.bold else body, s.cell))
            else:
                out.append(safe(value))
        data.append(out)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), round(CELL_SIZE * 1.3, 1)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ZEBRA]),
    ]
    for column in numeric:
        commands.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    for column, row_index, colour in fills:
        if colour is not None:
            commands.append(("BACKGROUND", (column, row_index + 1), (column, row_index + 1), colour))
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(commands), hAlign="LEFT")


def facts(pairs: Sequence[tuple[str, str]], label_width: float = 48 * mm) -> Flowable:
    """Label–value lines (a profile, the cover's details) as a borderless two-column table."""
    s = styles()
    rows = [[Paragraph(markup(label), s.cell_bold), Paragraph(markup(value) or "–", s.cell)]
            for label, value in pairs]
    return Table(rows, colWidths=[label_width, CONTENT_WIDTH - label_width], hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]))


def together(*flowables: Flowable) -> Flowable:
    return KeepTogether(list(flowables))
