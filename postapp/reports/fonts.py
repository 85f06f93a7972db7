"""The packs' one typeface, DejaVu Sans (``resources/fonts``), embedded in every PDF, and the helpers that
make any user text safe to print in it.

ReportLab's built-in fonts know Latin-1 only; DejaVu covers Vietnamese, Cyrillic, Greek and Arabic letters.
ReportLab does not shape Arabic or reorder right-to-left text, so Arabic prints as separate letters from left
to right: readable to check a name against a list, not typeset Arabic. A character the font lacks (most emoji)
prints as a visible placeholder rather than as an empty box or a crash.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from postapp.errors import PostAppError
from postapp.i18n import _
from postapp.paths import resources_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"  # for the app's own short texts only: it lacks the Arabic letters
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}
PLACEHOLDER = "□"
# Invisible in unshaped text whatever the font: zero-width (non-)joiners and spaces, variation selectors.
_INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10)])
_registered: dict[str, Path] = {}


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def register_fonts() -> None:
    """Makes the fonts known to ReportLab; a missing or damaged file is a clear error, before any output."""
    from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped]
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
    from reportlab.pdfbase.ttfonts import TTFError, TTFont  # type: ignore[import-untyped]

    folder = fonts_dir()
    for name, file_name in FILES.items():
        path = folder / file_name
        if not path.is_file():
            raise PostAppError(_("The font file {name} is missing from {folder}; the pack cannot be printed. "
                                 "Reinstall PostApp to restore it.").format(name=file_name, folder=folder))
        if _registered.get(name) == path:
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except (OSError, TTFError) as exc:
            raise PostAppError(_("The font file {name} cannot be read ({problem}); the pack cannot be printed. "
                                 "Reinstall PostApp to restore it.").format(name=file_name, problem=exc)) from exc
        _registered[name] = path
    # <b> and <i> in a paragraph pick the family's faces; there is no bold oblique, bold stands in.
    for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, face)
    covered.cache_clear()


@cache
def covered() -> frozenset[int]:
    """The code points both the regular and the bold face can print (user text may appear in either)."""
    from reportlab.pdfbase import pdfmetrics

    faces = [pdfmetrics.getFont(name).face for name in (REGULAR, BOLD)]
    return frozenset(faces[0].charWidths).intersection(faces[1].charWidths)


def safe(text: object) -> str:
    """``text`` with every character the font cannot print replaced by ``PLACEHOLDER``; control characters
    become spaces and invisible joiners and variation selectors are dropped."""
    value = "" if text is None else str(text)
    if value.isascii() and value.isprintable():
        return value
    value = unicodedata.normalize("NFC", value)
    chars = covered()
    out = []
    for ch in value:
        code = ord(ch)
        if code in _INVISIBLE:
            continue
        if code in chars or ch in "\n\t\r":
            out.append(ch)
        else:
            category = unicodedata.category(ch)
            if category == "Cc":
                out.append(" ")
            elif category not in ("Cf", "Mn", "Me"):  # format characters and marks the font lacks: dropped
                out.append(PLACEHOLDER)
    return "".join(out)


def markup(text: object) -> str:
    """User text ready for a ReportLab ``Paragraph``: printable, ``<``/``&``/``>`` escaped, line breaks kept."""
    value = escape(safe(text))
    if "\n" in value or "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>")
    return value


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when cut (chart labels, long notes in tables)."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
