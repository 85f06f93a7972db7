"""Turns a ``PackContent`` into an A4 PDF: cover, table of contents, the body with a running header (the
post and the classification chosen, and SYNTHETIC DATA where that applies) and "page x of y" footers.

The file is written beside the target under a temporary name and renamed into place at the very end,
so a failure, a cancel or an interruption never leaves a half-written pack under the chosen name.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents  # type: ignore[import-untyped]

from postapp.errors import PostAppError
from postapp.i18n import _, format_date
from postapp.reports.fonts import BOLD, REGULAR, clip, markup, register_fonts, safe
from postapp.reports.options import PackContent, ReportOptions, in_language
from postapp.reports.style import (
    CONTENT_WIDTH,
    H1,
    H2,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    facts,
    gap,
    styles,
)

Progress = Callable[[int], bool]  # pages laid out so far -> False to cancel
COVER_TITLE_CHARS = 240


def _numbered_canvas(footer: Callable[[int, int], str], title: str) -> type:
    """A canvas that holds each page back until the end, when the total is known, and then stamps
    "page x of y" on every page after the cover (the classic two-pass-free NumberedCanvas pattern)."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                number = self._pageNumber
                if number > 1:
                    self.saveState()
                    self.setStrokeColor(RULE)
                    self.setLineWidth(0.5)
                    self.line(MARGIN_X, MARGIN_BOTTOM - 8, PAGE_WIDTH - MARGIN_X, MARGIN_BOTTOM - 8)
                    self.setFillColor(MUTED)
                    self.setFont(REGULAR, 8)
                    self.drawString(MARGIN_X, MARGIN_BOTTOM - 20, title)
                    self.drawRightString(PAGE_WIDTH - MARGIN_X, MARGIN_BOTTOM - 20, footer(number, total))
                    self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


class PackDocTemplate(BaseDocTemplate):  # type: ignore[misc]
    """Cover page, then body pages with the running header; headings feed the contents and the outline."""

    def __init__(self, filename: str, *, post: str, classification: str, synthetic: str,
                 progress: Progress | None, **kwargs: Any) -> None:
        super().__init__(filename, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                         topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, initialFontName=REGULAR, **kwargs)
        self._post, self._classification, self._synthetic = post, classification, synthetic
        self._progress = progress
        self._heading_seq = 0
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("cover", [frame], onPage=self._cover_page),
                               PageTemplate("body", [frame], onPage=self._body_page)])

    def _cover_page(self, canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(INK)
        canvas.rect(0, PAGE_HEIGHT - 10, PAGE_WIDTH, 10, stroke=0, fill=1)
        canvas.setFont(BOLD, 10)  # the classification at the top and the foot of the cover, as on a marked paper
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - MARGIN_TOP + 10, self._classification)
        canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN_BOTTOM - 20, self._classification)
        canvas.restoreState()

    def _body_page(self, canvas: Any, _doc: Any) -> None:
        top = PAGE_HEIGHT - MARGIN_TOP + 14
        canvas.saveState()
        canvas.setFillColor(INK)
        canvas.setFont(REGULAR, 8)
        canvas.drawString(MARGIN_X, top, self._post)
        canvas.setFont(BOLD, 8)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top, self._classification)
        if self._synthetic:  # white on black, so it cannot be missed on any page or photocopy
            canvas.setFont(BOLD, 9)
            half = canvas.stringWidth(self._synthetic, BOLD, 9) / 2 + 6
            canvas.rect(PAGE_WIDTH / 2 - half, top - 3.5, 2 * half, 13, stroke=0, fill=1)
            canvas.setFillColor(colors.white)
            canvas.drawCentredString(PAGE_WIDTH / 2, top, self._synthetic)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, top - 5, PAGE_WIDTH - MARGIN_X, top - 5)
        canvas.restoreState()

    def beforeDocument(self) -> None:
        self._heading_seq = 0

    def afterFlowable(self, flowable: Any) -> None:
        style = getattr(flowable, "style", None)
        name = getattr(style, "name", "")
        if name not in (H1, H2):
            return
        level = 0 if name == H1 else 1
        text = flowable.getPlainText()
        self._heading_seq += 1
        key = f"h{self._heading_seq}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=True)
        self.notify("TOCEntry", (level, markup(text), self.page, key))

    def afterPage(self) -> None:
        if self._progress is not None and not self._progress(self.page):
            raise PostAppError(_("Making the pack was cancelled; no file was written."))


def _cover(content: PackContent, options: ReportOptions, classification: str) -> list[Any]:
    s = styles()
    details = [(_("Post"), content.post_name or options.post_name)]
    if content.period:
        details.append((_("Period"), content.period))
    details += [(_("Made on"), format_date(options.day, "long")), (_("Classification"), classification)]
    title = clip(content.title, COVER_TITLE_CHARS)  # a 500-character name is printed in full inside
    story: list[Any] = [gap(90), Paragraph(markup(title), s.title if len(title) <= 70 else s.long_title),
                        Paragraph(markup(content.subtitle), s.subtitle), facts(details)]
    if content.synthetic_notice:
        story.append(Paragraph(markup(content.synthetic_notice), s.banner))
    story += [gap(30), Paragraph(markup(_("Made with PostApp IMVO from the post's own records. Check the figures "
                                          "before sharing the pack outside the post.")), s.note)]
    return story


def _contents() -> list[Any]:
    s = styles()
    toc = TableOfContents(levelStyles=[s.toc1, s.toc2], dotsMinLevel=0, tableStyle=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [Paragraph(markup(_("Contents")), s.toc_title), toc]


def build_story(content: PackContent, options: ReportOptions, classification: str) -> list[Any]:
    """Cover, contents and body in one list, as ``write_pdf`` lays them out."""
    body = content.story or [Paragraph(markup(_("No section was chosen.")), styles().nothing)]
    return [*_cover(content, options, classification), NextPageTemplate("body"), PageBreak(),
            *_contents(), PageBreak(), *body]


def write_pdf(content: PackContent, options: ReportOptions, path: Path | str,
              progress: Progress | None = None) -> Path:
    """Writes the pack to ``path`` (a .pdf), replacing an older file only once the new one is complete."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        raise PostAppError(_("Choose a file name ending in .pdf."))
    with in_language(options.language):
        register_fonts()
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise PostAppError(_("Could not write {path}: the folder {folder} does not exist.").format(
                path=target, folder=folder))
        # Not mkstemp: its 0600 would stay on the pack; 0666 lets the user's umask decide, as for any file.
        temp = folder / f".postapp-{uuid.uuid4().hex}.pdf.part"
        try:
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except OSError as exc:
            raise PostAppError(_("Could not write {path}: {problem}").format(
                path=target, problem=exc.strerror or exc)) from exc
        try:
            classification = safe(options.classification_line())
            synthetic = _("SYNTHETIC DATA") if content.synthetic_notice else ""
            post = content.post_name or options.post_name
            room = 36 if synthetic else 60  # header: post on the left, classification on the right
            doc = PackDocTemplate(str(temp), post=safe(clip(post, room)), classification=clip(classification, room),
                                  synthetic=synthetic, progress=progress, title=safe(content.title),
                                  author=safe(post), subject=safe(content.subtitle), creator="PostApp IMVO")
            footer = _("Page {page} of {pages}")
            canvas = _numbered_canvas(lambda page, pages: footer.format(page=page, pages=pages),
                                      safe(clip(content.title, 80)))
            doc.multiBuild(build_story(content, options, classification), canvasmaker=canvas)
            os.replace(temp, target)
        except OSError as exc:
            raise PostAppError(_("Could not write {path}: {problem}").format(
                path=target, problem=exc.strerror or exc)) from exc
        finally:
            temp.unlink(missing_ok=True)
    return target
