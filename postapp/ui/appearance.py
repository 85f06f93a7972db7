"""Light or dark: the user's choice (follow the system, light, dark) applied to the whole application,
and the few colours of our own that must stay readable on either background.

Qt's native styles on Windows draw light whatever the system says, so a dark window is Fusion with a
dark palette of our own; a light one asked for on a dark system is Fusion with its standard palette.
Widgets that colour text themselves ask ``is_dark()`` (or use ``error_style``/``muted_style``) so a
red warning or a grey hint never ends up dark grey on dark grey.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from postapp.i18n import N_

SYSTEM, LIGHT, DARK = "system", "light", "dark"
APPEARANCES: dict[str, str] = {SYSTEM: N_("Follow the system"), LIGHT: N_("Light"), DARK: N_("Dark")}

_ERROR = {False: "#b00020", True: "#ff8a80"}
_MUTED = {False: "#555555", True: "#b4b4b4"}
_native_style: str | None = None  # the platform's style, restored when leaving dark
_replaced = False  # whether the style and palette are ours (dark, or light on a dark system)
_choice: Callable[[], str] | None = None  # the user's choice, asked when the system scheme changes


def system_is_dark() -> bool:
    """The system's colour scheme (Qt ≥ 6.5 knows it; older or unknown counts as light)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    """A dark palette with contrast at least 4.5:1 for text (WCAG AA) on every background role."""
    p = QPalette()
    window, base, text = QColor("#2b2b2b"), QColor("#1e1e1e"), QColor("#ececec")
    disabled = QColor("#8a8a8a")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#262626"),
        QPalette.ColorRole.ToolTipBase: QColor("#3a3a3a"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#9a9a9a"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#363636"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6e6e"),
        QPalette.ColorRole.Light: QColor("#4a4a4a"),
        QPalette.ColorRole.Midlight: QColor("#3e3e3e"),
        QPalette.ColorRole.Mid: QColor("#323232"),
        QPalette.ColorRole.Dark: QColor("#181818"),
        QPalette.ColorRole.Shadow: QColor("#0a0a0a"),
        QPalette.ColorRole.Highlight: QColor("#2f65ca"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#7cb4ff"),
        QPalette.ColorRole.LinkVisited: QColor("#c39bff"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, window)
    return p


def wants_dark(choice: str) -> bool:
    if choice == DARK:
        return True
    if choice == LIGHT:
        return False
    return system_is_dark()


def apply_appearance(app: QApplication, choice: str) -> bool:
    """Applies ``choice`` (``system``, ``light`` or ``dark``; anything else counts as ``system``) and
    returns whether the application is now dark. Following a light system leaves the native style."""
    dark = wants_dark(choice)
    hints = QGuiApplication.styleHints()
    set_scheme = getattr(hints, "setColorScheme", None)  # Qt ≥ 6.8: native dialogs follow too
    if set_scheme is not None:
        set_scheme({DARK: Qt.ColorScheme.Dark, LIGHT: Qt.ColorScheme.Light}.get(choice, Qt.ColorScheme.Unknown))
    global _native_style, _replaced
    if _native_style is None:
        _native_style = app.style().name()
    if dark:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
        _replaced = True
    elif choice == LIGHT and system_is_dark():
        fusion = QStyleFactory.create("Fusion")
        app.setStyle(fusion)
        app.setPalette(fusion.standardPalette())
        _replaced = True
    elif _replaced:  # back from our own: the style and palette the platform gave us
        native = QStyleFactory.create(_native_style)
        app.setStyle(native)
        app.setPalette(native.standardPalette())
        _replaced = False
    return dark


def follow_system(app: QApplication, choice: Callable[[], str]) -> None:
    """Re-applies the appearance when the system switches between light and dark (Qt ≥ 6.5), as long
    as the user's choice (asked each time) is to follow the system."""
    global _choice
    first = _choice is None
    _choice = choice  # the newest window's preferences; connected once per application
    changed = getattr(QGuiApplication.styleHints(), "colorSchemeChanged", None)
    if first and changed is not None:
        changed.connect(lambda _scheme: _choice is not None and _choice() == SYSTEM
                        and apply_appearance(app, SYSTEM))


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether text is drawn light on dark, however that came about (our palette or the system's)."""
    if palette is None:
        palette = QApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def error_colour() -> QColor:
    return QColor(_ERROR[is_dark()])


def error_style() -> str:
    """A style sheet for error text: dark red on light, light red on dark (both at least 4.5:1)."""
    return f"color: {_ERROR[is_dark()]};"


def muted_style() -> str:
    """A style sheet for hints and secondary text, readable on either background."""
    return f"color: {_MUTED[is_dark()]};"
