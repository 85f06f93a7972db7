"""A 40-page country briefing with five charts from a 2,000-person demo store: ``packs.make_pack`` (queries,
translated labels, safe text, cover, contents, running header, "page x of y", write beside the target and
rename) vs plain ReportLab building the same document in the same run: the same Paragraphs, Tables and bar
charts built directly from figures gathered beforehand (no queries), the same contents (multiBuild), header
and numbered footer, written straight to the file. Targets: ours under 2 s and at most 1.5x plain."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from common import CACHE, demo_store, interleaved, report

PERSONS = 2000
ROWS = int(os.environ.get("POSTAPP_BENCH_REPORT_ROWS", "660"))  # stakeholders listed: about 40 pages
REPEAT = 5


def raw_build(data: Any, path: Path, post: str) -> int:
    """The briefing in plain ReportLab from already gathered figures; returns the number of pages."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (
        BaseDocTemplate,
        CondPageBreak,
        Frame,
        KeepTogether,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )
    from reportlab.platypus.tableofcontents import TableOfContents

    from postapp.coretasks import CoreTask
    from postapp.domain import ActivityKind, OrganisationKind

    font, bold = "DejaVuSans", "DejaVuSans-Bold"
    width, height = A4
    margin = 20 * mm
    inner = width - 2 * margin
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=12.4, spaceAfter=6)
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11)
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=16, leading=20, spaceBefore=16, spaceAfter=8, keepWithNext=1)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=10, spaceAfter=5, keepWithNext=1)
    grays = [colors.Color(g, g, g) for g in (0.15, 0.55, 0.85)]

    def table(header: list[str], rows: list[list[str]], widths: list[float], wrap: set[int]) -> Table:
        cells: list[list[Any]] = [[Paragraph(f"<b>{escape(h)}</b>", cell) for h in header]]
        for row in rows:
            cells.append([Paragraph(escape(v).replace("\n", "<br/>"), cell)
                          if i in wrap and ("\n" in v or stringWidth(v, font, 8.5) > widths[i] - 6) else v
                          for i, v in enumerate(row)])
        return Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT", style=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("LEADING", (0, 0), (-1, -1), 11),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, colors.Color(0.955, 0.955, 0.955)])]))

    def hbars(labels: list[str], series: list[list[float]], names: list[str]) -> Drawing:
        n = len(series)
        plot = len(labels) * (n * (9 if n == 1 else 8.5) + 7)
        drawing = Drawing(inner, plot + 22 + (20 if n > 1 else 0))
        drawing.initialFontName = font
        chart = HorizontalBarChart()
        chart.x, chart.y, chart.width, chart.height = 110, 16 + (20 if n > 1 else 0), inner - 152, plot
        chart.data = [list(reversed(s)) for s in reversed(series)]
        chart.categoryAxis.categoryNames = list(reversed(labels))
        chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
        chart.valueAxis.valueMin = 0
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName, chart.barLabels.boxAnchor, chart.barLabels.nudge = font, "w", 3
        for i in range(n):
            chart.bars[n - 1 - i].fillColor = grays[i]
        drawing.add(chart)
        if n > 1:
            legend = Legend()
            legend.x, legend.y, legend.fontName = 110, 8, font
            legend.colorNamePairs = list(zip(grays, names, strict=False))
            drawing.add(legend)
        return drawing

    def vbars(labels: list[str], values: list[float]) -> Drawing:
        drawing = Drawing(inner, 198)
        drawing.initialFontName = font
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 28, 34, inner - 36, 150
        chart.data = [values]
        chart.categoryAxis.categoryNames = labels
        chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
        chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 45, "ne"
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName, chart.barLabels.boxAnchor, chart.barLabels.nudge = font, "s", 3
        chart.bars[0].fillColor = grays[0]
        drawing.add(chart)
        return drawing

    def chapter(text: str) -> list[Any]:
        return [CondPageBreak(height / 4), Paragraph(escape(text), h1)]

    toc = TableOfContents(levelStyles=[ParagraphStyle("t1", fontName=bold, fontSize=10.5, leading=15),
                                       ParagraphStyle("t2", fontName=font, fontSize=9.5, leading=13, leftIndent=14)])
    story: list[Any] = [Spacer(1, 90), Paragraph("Country briefing: Viet Nam", h1),
                        Paragraph("IMVO risks, the post's work and its stakeholders", body),
                        table(["Post", post], [["Period", f"{data.start} – {data.end}"]], [136, inner - 136], set()),
                        NextPageTemplate("body"), PageBreak(), Paragraph("Contents", h1), toc, PageBreak()]
    headings = list(data.headings)
    story += chapter("Risk profile of Viet Nam")
    risk_rows, levels = [], Counter[tuple[str, str]]()
    for row in data.risks:
        line = [row.sector]
        for key in headings:
            risks = [r for r in row.risks if data.theme_heading.get(r.theme) == key]
            line.append("\n".join(f"{data.theme_labels[r.theme]}: {r.level}" for r in risks) or "–")
            levels.update((r.level, key) for r in risks)
        risk_rows.append(line)
    story += [table(["Sector", *(data.headings[k] for k in headings)], risk_rows, [102, 98, 98, 86, 98],
                    {0, 1, 2, 3, 4}), Paragraph("Risks per heading, all sectors", h2),
              hbars([data.headings[k] for k in headings], [[float(levels[(lv, k)]) for k in headings]
                                                            for lv in ("high", "medium")], ["high", "medium"]),
              Paragraph("High risks: what to ask", h2),
              table(["Sector", "Theme", "Risk and advice", "Source"],
                    [[row.sector, data.theme_labels[r.theme], f"{r.text['en']}\nAdvice: {r.advice['en']}",
                      f"{r.source} ({r.year})"] for row in data.risks for r in row.risks if r.level == "high"],
                    [70, 70, 240, 102], {0, 1, 2, 3})]
    per_task = Counter[Any]()
    per_kind = Counter[Any]()
    for (task, kind), n in data.task_kind.items():
        per_task[task] += n
        per_kind[kind] += n
    total = sum(per_task.values())
    kinds = [k for k in ActivityKind if per_kind[k]]
    story += [*chapter("The post's work per core task"), Paragraph(f"{total} activities recorded.", body),
              table(["Core task", "Activities", "Share"],
                    [[f"{t.number}. {t.label}", str(per_task[t]), f"{per_task[t] / total:.0%}"] for t in CoreTask],
                    [300, 90, 90], {0}),
              Paragraph("Activities per core task", h2),
              hbars([t.label for t in CoreTask], [[float(per_task[t]) for t in CoreTask]], ["Activities"]),
              Paragraph("Activities per kind and core task", h2),
              table(["Kind", *(str(t.number) for t in CoreTask), "Total"],
                    [[k.label, *(str(data.task_kind[(t, k)]) for t in CoreTask), str(per_kind[k])] for k in kinds],
                    [152, 55, 55, 55, 55, 55, 55], {0}),
              Paragraph("Core tasks: " + "; ".join(f"{t.number} {t.label}" for t in CoreTask), body),
              Paragraph("Activities per kind", h2),
              hbars([k.label for k in kinds], [[float(per_kind[k]) for k in kinds]], ["Activities"]),
              Paragraph("Activities per month", h2),
              vbars([m.strftime("%b %y") for m, _n in data.months], [float(n) for _m, n in data.months])]
    story += [*chapter("Coming events and trainings"),
              table(["Date", "Activity", "Kind", "Core task", "Organisations"],
                    [[str(e.date), e.title, e.kind.label, e.task.label, e.organisations] for e in data.upcoming],
                    [80, 150, 64, 85, 103], {0, 1, 2, 3, 4})]
    org_kinds = [k for k in OrganisationKind if data.organisation_kinds[k]]
    story += [*chapter("Key stakeholders"), Paragraph("Organisations", h2),
              hbars([k.label for k in org_kinds], [[float(data.organisation_kinds[k]) for k in org_kinds]],
                    ["Organisations"]),
              table(["Organisation", "Kind", "Sector", "Activities"],
                    [[o.name, o.kind.label, o.sector, str(o.activities)] for o in data.organisations],
                    [210, 104, 104, 64], {0, 1, 2}),
              Paragraph("People", h2), Paragraph(f"{data.left_out_sensitive} sensitive contacts left out.", body),
              table(["Name", "Organisation", "Role", "Activities"],
                    [[p.name, p.organisation, p.role, str(p.activities)] for p in data.persons],
                    [138, 186, 94, 64], {0, 1, 2})]
    story += chapter("Good examples")
    current = None
    for example in data.examples:
        if example.task is not current:
            current = example.task
            story.append(Paragraph(f"{example.task.number}. {example.task.label}", h2))
        story.append(KeepTogether([Paragraph(f"<b>{escape(example.title)}</b>", body),
                                   Paragraph(escape(example.text), body), Paragraph(escape(example.post), body)]))

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self.pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self.pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self.setFont(font, 8)
                    self.drawRightString(width - margin, margin - 20, f"Page {self._pageNumber} of {len(self.pages)}")
                Canvas.showPage(self)
            Canvas.save(self)

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:
            style = getattr(flowable, "style", None)
            if style is h1 or style is h2:
                self.notify("TOCEntry", (0 if style is h1 else 1, flowable.getPlainText(), self.page))

    def header(canvas: Any, _doc: Any) -> None:
        canvas.setFont(font, 8)
        canvas.drawString(margin, height - 24 * mm + 14, post)
        canvas.drawRightString(width - margin, height - 24 * mm + 14, "Internal use")

    frame = Frame(margin, margin, inner, height - 44 * mm, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)
    doc = Doc(str(path), pagesize=A4, initialFontName=font)
    doc.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("body", [frame], onPage=header)])
    doc.multiBuild(story, canvasmaker=NumberedCanvas)
    return doc.page


def main() -> list[dict[str, object]]:
    from pypdf import PdfReader

    from postapp.i18n import set_language
    from postapp.reports import country
    from postapp.reports.fonts import register_fonts
    from postapp.reports.options import ReportOptions, post_defaults
    from postapp.reports.packs import make_pack
    from postapp.store import open_store

    set_language("en")
    register_fonts()
    store = open_store(demo_store(PERSONS))
    today = dt.date.today()
    options = ReportOptions(language="en", date_from=today - dt.timedelta(days=729), date_to=today, max_rows=ROWS)
    ours_pdf, raw_pdf = CACHE / "bench-country-ours.pdf", CACHE / "bench-country-raw.pdf"
    with store.read() as session:
        data = country.gather(session, post_defaults(session, options))  # the raw side gets its figures for free

    def ours() -> None:
        with store.read() as session:
            make_pack("country", session, options, ours_pdf)

    ours_ms, raw_ms = interleaved(ours, lambda: raw_build(data, raw_pdf, "Post HAN"), REPEAT)
    store.close()
    pages = len(PdfReader(str(ours_pdf)).pages), len(PdfReader(str(raw_pdf)).pages)
    print(f"country briefing: {pages[0]} pages (plain ReportLab: {pages[1]}), "
          f"{len(data.persons)} people and {len(data.organisations)} organisations listed, 5 charts")
    return [report("country briefing, 40 pages, 5 charts", ours_ms, raw_ms,
                   target="<= 1.5x, < 2000 ms")]


if __name__ == "__main__":
    main()
