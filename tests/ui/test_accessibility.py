"""Keyboard and accessibility with real widgets: every workspace reached by its shortcut, every visible
control named for a screen reader, Tab going round each workspace and dialog without getting stuck; the
user guide on F1; and the light/dark appearance."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSlider,
    QTableView,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from postapp import paths
from postapp.coretasks import CoreTask
from postapp.i18n import set_language
from postapp.ui import appearance
from postapp.ui.main_window import WORKSPACES, MainWindow
from postapp.ui.settings import Preferences

from .helpers import open_window

CONTROLS = (QLineEdit, QComboBox, QAbstractButton, QAbstractItemView, QAbstractSpinBox, QTextEdit,
            QPlainTextEdit, QSlider)
TAB_LIMIT = 120  # presses of Tab before a cycle counts as stuck


def accessible_name(widget: QWidget) -> str:
    """What a screen reader announces: the accessible name, else a buddy label's or the button's text."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    parent = widget.parentWidget()
    where = f"{type(parent).__name__}#{parent.objectName()}" if parent is not None else "no parent"
    return f"{type(widget).__name__}#{widget.objectName()} in {where}"


def unnamed_controls(root: QWidget) -> list[str]:
    """The visible controls under ``root`` that Tab can reach and a screen reader could not name
    (no accessible name, no buddy label, no text; a name without a letter, like "…", counts as none)."""
    offenders = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or isinstance(widget, QHeaderView) or not widget.isVisible():
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue  # the editor inside a combo or spin box: the box carries the name
        if not any(c.isalpha() for c in accessible_name(widget)):
            offenders.append(describe(widget))
    return offenders


def tab_cycle(start: QWidget, limit: int = TAB_LIMIT) -> tuple[bool, list[QWidget]]:
    """Presses Tab from ``start`` until focus comes back to it; returns whether it did and the widgets
    visited. Focus that stays on one widget (a table moving between cells, a text field taking the Tab)
    never comes back."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    visited: list[QWidget] = []
    for _press in range(limit):
        focused = QApplication.focusWidget()
        assert focused is not None
        from PySide6.QtTest import QTest

        QTest.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not None
        if now is start:
            return bool(visited), visited  # back after a round, or never left: a trap
        visited.append(now)
    return False, visited


def assert_keyboard_ready(root: QWidget, start: QWidget, where: str, minimum: int = 2) -> None:
    offenders = unnamed_controls(root)
    assert not offenders, f"{where}: controls without an accessible name: {offenders}"
    back, visited = tab_cycle(start)
    stuck = [describe(w) for w in visited[-5:]]
    assert back, f"{where}: Tab did not come back to {describe(start)}; stuck at {stuck}"
    distinct = {id(w) for w in visited}
    assert len(distinct) >= minimum, f"{where}: Tab visited only {[describe(w) for w in visited]}"


def each_tab(root: QWidget) -> Iterator[str]:
    """Shows each tab of each tab widget under ``root`` in turn, yielding its title."""
    yield ""
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield tabs.tabText(index).replace("&", "")


def activated(qtbot: QtBot, window: MainWindow) -> MainWindow:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window


# The audit itself: it must catch what it is meant to catch.


def test_the_audit_finds_an_unnamed_field_and_a_table_that_traps_tab(qtbot: QtBot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    form = QFormLayout()
    labelled, bare, named_field = QLineEdit(), QLineEdit(), QLineEdit()
    bare.setObjectName("bare")
    named_field.setAccessibleName("Post code")
    form.addRow("&Name", labelled)  # the form's label is the buddy
    layout.addLayout(form)
    layout.addWidget(bare)
    layout.addWidget(named_field)
    icon_only = QToolButton()
    icon_only.setObjectName("iconOnly")
    icon_only.setText("…")
    layout.addWidget(icon_only)
    table = QTableView()
    from PySide6.QtGui import QStandardItemModel

    model = QStandardItemModel(50, 4, table)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # a list, as the app's tables
    layout.addWidget(table)
    root.show()
    qtbot.waitExposed(root)
    root.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is root, timeout=5000)
    offenders = unnamed_controls(root)
    assert any("#bare" in o for o in offenders)
    assert any("#iconOnly" in o for o in offenders)
    assert len(offenders) == 3  # bare, iconOnly and the table
    back, _visited = tab_cycle(table, limit=30)
    assert not back  # Tab walks the cells: a keyboard trap
    table.setTabKeyNavigation(False)
    assert tab_cycle(table)[0]


# The window.


def test_go_actions_have_their_shortcuts_and_the_help_menu_has_the_guide(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    assert [a.shortcut().toString() for a in window.go_actions] == [f"Ctrl+{row}" for row in range(len(WORKSPACES))]
    expected = {"actionSearch": "Ctrl+F", "actionPreferences": "Ctrl+,", "actionQuit": "Ctrl+Q",
                "actionBriefingPack": "Ctrl+P", "actionUserGuide": "F1", "actionSyncNow": "Ctrl+Shift+S"}
    from PySide6.QtGui import QAction

    found = {a.objectName(): a.shortcut().toString() for a in window.findChildren(QAction) if a.objectName()}
    for name, shortcut in expected.items():
        assert found.get(name) == shortcut, name
    shortcuts = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts)), "two actions share a shortcut"


def test_every_workspace_is_reached_by_its_shortcut_named_and_tab_goes_round(qtbot: QtBot, demo_db: Path) -> None:
    window = activated(qtbot, open_window(qtbot, demo_db))
    assert window.store is not None
    for row, key in reversed(list(enumerate(WORKSPACES))):  # from the last: Ctrl+0 (Home) is shown first
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + row), Qt.KeyboardModifier.ControlModifier)  # type: ignore[no-untyped-call]
        assert window.nav.currentRow() == row, f"Ctrl+{row} did not go to {key}"
        workspace = window.stack.currentWidget()
        assert workspace is window.workspace(key)
        for tab in each_tab(workspace):
            qtbot.wait(30)  # lazily filled tabs lay out
            assert_keyboard_ready(window, window.nav, f"{key} {tab}".strip(), minimum=3)


def dialogs(window: MainWindow) -> dict[str, Callable[[], QDialog]]:
    """The main dialogs that are cheap to open, each built as the window builds it."""
    store = window.store
    assert store is not None

    def preferences() -> QDialog:
        from postapp.ui.preferences import PreferencesDialog

        return PreferencesDialog(window.prefs, window)

    def activity() -> QDialog:
        from postapp.ui.activity_dialog import ActivityDialog

        return ActivityDialog(store, CoreTask.EXPERTISE, window, "HAN")

    def event() -> QDialog:
        from postapp.ui.event_dialog import EventDialog

        return EventDialog(store, CoreTask.AWARENESS, None, window, "HAN")

    def case() -> QDialog:
        from postapp.ui.case_dialog import CaseDialog

        return CaseDialog(store, window.prefs, "HAN", None, window)

    def import_contacts() -> QDialog:
        from postapp.ui.import_dialog import ImportDialog

        return ImportDialog(store, "HAN", window)

    def briefing_pack() -> QDialog:
        from postapp.ui.report_dialog import ReportDialog

        return ReportDialog(store, window.prefs, window)

    def agenda() -> QDialog:
        from postapp.ui.agenda_dialog import AgendaDialog

        return AgendaDialog(store, "HAN", None, window)

    return {"preferences": preferences, "activity": activity, "event": event, "case": case,
            "import": import_contacts, "briefing pack": briefing_pack, "agenda": agenda}


def test_main_dialogs_are_named_and_tab_goes_round(qtbot: QtBot, demo_db: Path) -> None:
    window = open_window(qtbot, demo_db)
    for name, build in dialogs(window).items():
        dialog = build()
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)  # noqa: B023
        for tab in each_tab(dialog):
            focusable = [w for w in dialog.findChildren(QWidget)
                         if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                         and isinstance(w, CONTROLS)]
            assert focusable, name
            assert_keyboard_ready(dialog, focusable[0], f"{name} dialog {tab}".strip())
        dialog.reject()


# The user guide (F1).


def _viewer(window: QWidget) -> QWidget:
    from postapp.ui.guide_viewer import GuideViewer

    viewer = window.findChild(GuideViewer, "guideViewer")
    assert viewer is not None and viewer.isVisible()
    return viewer


def test_f1_opens_the_guide_in_the_users_language(qtbot: QtBot, demo_db: Path) -> None:
    window = activated(qtbot, open_window(qtbot, demo_db, "nl"))
    qtbot.keyClick(window, Qt.Key.Key_F1)  # type: ignore[no-untyped-call]
    viewer = _viewer(window)
    source = Path(viewer.browser.source().toLocalFile())  # type: ignore[attr-defined]
    assert source.name == "user-guide.nl.md" and source.is_file()
    text = viewer.browser.toPlainText()  # type: ignore[attr-defined]
    assert "Sneltoetsen" in text and "# " not in text.splitlines()[0]  # rendered, not shown as Markdown
    # the screenshots resolve against the guide's folder
    html = viewer.browser.toHtml()  # type: ignore[attr-defined]
    image = next(part for part in html.split('"') if part.endswith(".png"))
    assert (source.parent / image).is_file()
    set_language("fr")  # no French guide: the English one
    assert window.open_user_guide()
    viewer = _viewer(window)
    assert Path(viewer.browser.source().toLocalFile()).name == "user-guide.en.md"  # type: ignore[attr-defined]
    viewer.close()


def test_a_missing_guide_gives_a_clear_message(qtbot: QtBot, demo_db: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)  # a bundle without docs/guide
    window = open_window(qtbot, demo_db)
    assert not window.open_user_guide()
    assert window.findChild(QWidget, "guideViewer") is None
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorMessage") is not None, timeout=5000)
    box = window.findChild(QMessageBox, "errorMessage")
    assert box is not None
    assert "user guide was not found" in box.text()
    assert str(tmp_path / "docs" / "guide" / "user-guide.en.md") in box.text()
    box.close()


def test_guide_path_in_a_checkout_and_in_a_frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = paths.guide_path("nl")
    assert checkout == Path(paths.__file__).resolve().parent.parent / "docs" / "guide" / "user-guide.nl.md"
    assert paths.guide_path("es").name == "user-guide.en.md"
    bundle = tmp_path / "bundle"
    (bundle / "docs" / "guide").mkdir(parents=True)
    (bundle / "docs" / "guide" / "user-guide.nl.md").write_text("# Gids", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.guide_path("nl") == bundle / "docs" / "guide" / "user-guide.nl.md"
    assert paths.guide_path("en") == bundle / "docs" / "guide" / "user-guide.en.md"  # missing: the caller says so


# Light and dark.


@pytest.fixture
def restore_appearance() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style, palette = app.style().name(), QPalette(app.palette())
    yield app
    from PySide6.QtWidgets import QStyleFactory

    app.setStyle(QStyleFactory.create(style))
    app.setPalette(palette)


def test_dark_appearance_gives_readable_text_and_our_colours_follow(restore_appearance: QApplication) -> None:
    app = restore_appearance
    assert not appearance.is_dark()
    light_error = appearance.error_style()
    assert appearance.apply_appearance(app, appearance.DARK)
    assert appearance.is_dark()
    assert app.style().name().lower() == "fusion"
    palette = app.palette()

    def contrast(a: QPalette.ColorRole, b: QPalette.ColorRole) -> float:
        def luminance(role: QPalette.ColorRole) -> float:
            c = palette.color(role)
            channels = [v / 255 for v in (c.red(), c.green(), c.blue())]
            lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
            return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    role = QPalette.ColorRole
    for text, background in ((role.WindowText, role.Window), (role.Text, role.Base), (role.ButtonText, role.Button),
                             (role.HighlightedText, role.Highlight), (role.Text, role.AlternateBase)):
        assert contrast(text, background) >= 4.5, (text, background)
    assert appearance.error_style() != light_error
    assert not appearance.apply_appearance(app, appearance.SYSTEM)  # offscreen: the system is light
    assert not appearance.is_dark()
    assert appearance.error_style() == light_error


def test_appearance_preference_round_trip_and_in_the_dialog(qtbot: QtBot, tmp_path: Path,
                                                             restore_appearance: QApplication) -> None:
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    prefs = Preferences(settings)
    assert prefs.appearance == "system"
    prefs.appearance = "nonsense"
    assert prefs.appearance == "system"
    settings.setValue("appearance", "purple")  # a hand-edited value
    assert prefs.appearance == "system"
    from postapp.ui.preferences import PreferencesDialog

    dialog = PreferencesDialog(prefs)
    qtbot.addWidget(dialog)
    combo = dialog.findChild(QComboBox, "appearance")
    assert combo is not None and combo.accessibleName() == "Appearance"
    combo.setCurrentIndex(combo.findData("dark"))
    dialog.accept()
    assert Preferences(settings).appearance == "dark"
    assert appearance.is_dark()  # applied at once
