"""The first-run wizard driven like a user: keys and clicks through every page, Finish, and what it left
behind (preferences in QSettings, the data file with demo data); languages, bad files, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QPushButton, QWidget, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

import postapp.paths
from postapp.domain import Person
from postapp.store import open_store
from postapp.sync import keys
from postapp.sync.enrolment import write_enrolment
from postapp.ui.first_run import DEFAULTS, FINISHED, QUIT, FirstRunWizard
from postapp.ui.settings import Preferences


@pytest.fixture
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-data"
    folder.mkdir()
    monkeypatch.setattr(postapp.paths, "user_data_dir", lambda: folder)
    return folder


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def prefs(ini: Path) -> Preferences:
    return Preferences(QSettings(str(ini), QSettings.Format.IniFormat))


OPEN: list[FirstRunWizard] = []


@pytest.fixture(autouse=True)
def no_question_at_teardown(qtbot: QtBot) -> Iterator[None]:
    """pytest-qt closes leftover windows after the test; a wizard still open would ask (modally) whether
    to quit, so it is told it is no first run any more."""
    yield
    for wizard in OPEN:
        wizard.first_run = False
        wizard.close()
        wizard.deleteLater()
    OPEN.clear()


def open_wizard(qtbot: QtBot, prefs: Preferences, language: str = "en") -> FirstRunWizard:
    wizard = FirstRunWizard(prefs, language=language)
    OPEN.append(wizard)  # not qtbot.addWidget: closed above, before pytest-qt's own clean-up
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()  # keys reach only the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard, timeout=5000)
    return wizard


def next_page(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def error_text(wizard: FirstRunWizard, field: str) -> str:
    label = wizard.currentPage().findChild(QLabel, f"error_{field}")
    assert label is not None
    return label.text() if label.isVisible() else ""


def fill_post(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    page = wizard.currentPage()
    qtbot.keyClicks(page.findChild(QLineEdit, "postCode"), "nbo")
    qtbot.keyClicks(page.findChild(QLineEdit, "postName"), "Embassy in Nairobi")
    country = wizard.post.country
    country.setFocus()
    qtbot.keyClicks(country, "Kenya")  # type-ahead, as a keyboard user picks from the list
    assert wizard.post.country_code() == "KE"


def test_walk_through_every_page_and_finish_with_demo_data(qtbot: QtBot, prefs: Preferences, ini: Path,
                                                          user_data: Path, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, prefs)
    assert wizard.currentPage().objectName() == "welcomePage"
    assert wizard.currentPage().accessibleName() == "Welcome to PostApp IMVO"
    qtbot.keyClick(wizard, Qt.Key.Key_Return)  # Next is the default button: Enter goes on
    assert wizard.currentPage().objectName() == "postPage"

    next_page(qtbot, wizard)  # nothing filled in: the page stays and says why, at the fields
    assert wizard.currentPage().objectName() == "postPage"
    assert "post's code" in error_text(wizard, "post_code")
    assert "country" in error_text(wizard, "country")
    fill_post(qtbot, wizard)
    user = wizard.post.user_name
    user.selectAll()
    qtbot.keyClicks(user, "Anouk de Vries")
    next_page(qtbot, wizard)

    assert wizard.currentPage().objectName() == "headquartersPage"
    assert wizard.headquarters.skip.isChecked()  # skip is the default
    next_page(qtbot, wizard)

    assert wizard.currentPage().objectName() == "startPage"
    assert "Vietnam" in wizard.start.demo_note.text()
    wizard.start.empty.setFocus()
    qtbot.keyClick(wizard.start.empty, Qt.Key.Key_Down)  # the arrow keys move through a group of choices
    assert wizard.start.demo.isChecked()
    next_page(qtbot, wizard)

    assert wizard.currentPage().objectName() == "dataPage"
    assert wizard.data.default_path.text() == str(user_data / "postapp.sqlite3")
    folder = tmp_path / "PostApp data"
    qtbot.keyClicks(wizard.data.folder, str(folder))  # typing there chooses "a folder I choose"
    assert wizard.data.chosen.isChecked()
    assert not wizard.data.warning.isVisible()
    next_page(qtbot, wizard)

    assert wizard.currentPage().objectName() == "summaryPage"
    summary = wizard.summary.summary.text()
    assert "NBO, Embassy in Nairobi, Kenya (KE)" in summary and str(folder / "postapp.sqlite3") in summary
    assert "demo post" in summary
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=60_000)
    assert wizard.outcome == FINISHED

    stored = QSettings(str(ini), QSettings.Format.IniFormat)
    assert stored.value("post/code") == "NBO" and stored.value("post/country") == "KE"
    assert stored.value("post/name") == "Embassy in Nairobi" and stored.value("user/name") == "Anouk de Vries"
    assert stored.value("language") == "en"
    assert stored.value("data/file") == str(folder / "postapp.sqlite3")
    assert Preferences(stored).first_run_done
    store = open_store(folder / "postapp.sqlite3")
    try:
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(Person)) == 2000
    finally:
        store.close()


def test_choosing_dutch_on_page_one_speaks_dutch_on_the_next(qtbot: QtBot, prefs: Preferences,
                                                             user_data: Path) -> None:
    wizard = open_wizard(qtbot, prefs, "en")
    combo = wizard.welcome.language
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Up)  # English → Nederlands, the one above it
    assert wizard.welcome.code() == "nl"
    assert wizard.welcome.language_label.text() == "&Taal"  # page 1 itself follows at once
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert wizard.post.labels["post_code"].text() == "&Code van de post"
    assert wizard.post.labels["country"].text() == "&Land"
    assert wizard.post.post_code.accessibleName() == "Code van de post"
    assert wizard.post.country.findData("DE") >= 0
    assert wizard.post.country.itemText(wizard.post.country.findData("DE")) == "Duitsland (DE)"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    combo.setCurrentIndex(combo.findData("fr"))
    next_page(qtbot, wizard)
    assert wizard.post.country.itemText(wizard.post.country.findData("DE")) == "Allemagne (DE)"


def test_a_wrong_enrolment_file_is_shown_at_the_field_and_skip_still_works(
        qtbot: QtBot, prefs: Preferences, user_data: Path, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, prefs)
    next_page(qtbot, wizard)
    fill_post(qtbot, wizard)
    next_page(qtbot, wizard)
    junk = tmp_path / "enrol.json"
    junk.write_text('{"format": "something else"}', "utf-8")
    qtbot.keyClicks(wizard.headquarters.path, str(junk))  # typing a path chooses "import"
    assert wizard.headquarters.use_file.isChecked()
    next_page(qtbot, wizard)
    assert wizard.currentPage().objectName() == "headquartersPage"
    message = error_text(wizard, "enrolment_file")
    assert "enrol.json is not a valid enrolment file" in message and "Skip for now" in message
    wizard.headquarters.skip.setFocus()
    qtbot.keyClick(wizard.headquarters.skip, Qt.Key.Key_Space)
    assert wizard.headquarters.skip.isChecked() and error_text(wizard, "enrolment_file") == ""
    next_page(qtbot, wizard)
    assert wizard.currentPage().objectName() == "startPage"


def test_a_good_enrolment_file_names_the_post_in_the_summary(qtbot: QtBot, prefs: Preferences, ini: Path,
                                                             user_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "enrol-HAN.json"
    write_enrolment(path, hq_id="hq-nl", server_url="", hq=keys.generate(), post_code="HAN",
                    post_name="Embassy in Hanoi", country="VN")
    wizard = open_wizard(qtbot, prefs)
    next_page(qtbot, wizard)
    fill_post(qtbot, wizard)
    next_page(qtbot, wizard)
    wizard.headquarters.use_file.setChecked(True)
    wizard.headquarters.path.setText(str(path))
    for _page in range(3):
        next_page(qtbot, wizard)
    assert wizard.currentPage().objectName() == "summaryPage"
    assert "enrol with hq-nl as post HAN" in wizard.summary.summary.text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.outcome == FINISHED, timeout=30_000)
    stored = QSettings(str(ini), QSettings.Format.IniFormat)
    assert stored.value("post/code") == "HAN" and stored.value("data/file") == ""
    assert (user_data / "postapp.sqlite3").exists() and (user_data / "keys").is_dir()


def test_a_folder_that_cannot_be_written_is_refused_on_its_page(qtbot: QtBot, prefs: Preferences,
                                                                user_data: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    wizard = open_wizard(qtbot, prefs)
    next_page(qtbot, wizard)
    fill_post(qtbot, wizard)
    for _page in range(3):
        next_page(qtbot, wizard)
    assert wizard.currentPage().objectName() == "dataPage"
    qtbot.keyClicks(wizard.data.folder, str(blocker / "data"))
    next_page(qtbot, wizard)
    assert wizard.currentPage().objectName() == "dataPage"
    assert "cannot write in" in error_text(wizard, "data_folder")
    wizard.data.folder.setText(str(tmp_path / "OneDrive - Ministerie" / "PostApp"))
    assert wizard.data.warning.isVisible() and "synced" in wizard.data.warning.text()


def test_a_failure_on_finish_keeps_the_wizard_open_and_says_what_was_done(
        qtbot: QtBot, prefs: Preferences, user_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import postapp.demo

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(postapp.demo, "fill", full_disk)
    wizard = open_wizard(qtbot, prefs)
    next_page(qtbot, wizard)
    fill_post(qtbot, wizard)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    wizard.start.demo.setChecked(True)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.isVisible() and wizard.currentPage().objectName() == "summaryPage"
    error = wizard.summary.error
    assert error.isVisible() and "The new data file was removed again" in error.text()
    assert "Nothing of the demo data or the enrolment was kept" in error.text()
    assert not prefs.first_run_done and wizard.outcome == ""


CANCEL_BUTTONS = {"Back to the questions": "cancelBack", "Quit PostApp": "cancelQuit",
                  "Start with the defaults": "cancelStartWithDefaults"}


def answer_cancel(qtbot: QtBot, button_text: str, tries: int = 500) -> None:
    """Clicks the button (found by name: its text is in the wizard's language) once the question shows;
    gives up after ``tries`` × 20 ms so a missing question fails the test instead of hanging it."""
    def click(left: int) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.objectName() == "firstRunCancel" and widget.isVisible():
                button = widget.findChild(QPushButton, CANCEL_BUTTONS[button_text])
                assert button is not None
                button.click()
                return
        if left:
            QTimer.singleShot(20, lambda: click(left - 1))
        else:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QMessageBox) and widget.isVisible():
                    widget.reject()  # unblock the test; its assertions then fail

    QTimer.singleShot(20, lambda: click(tries))


def test_cancel_asks_to_quit_or_start_with_the_defaults(qtbot: QtBot, prefs: Preferences,
                                                        user_data: Path) -> None:
    wizard = open_wizard(qtbot, prefs, "fr")
    answer_cancel(qtbot, "Back to the questions")
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.isVisible() and wizard.outcome == ""
    answer_cancel(qtbot, "Quit PostApp")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    assert wizard.outcome == QUIT and not wizard.isVisible() and not prefs.first_run_done

    wizard = open_wizard(qtbot, prefs, "fr")
    answer_cancel(qtbot, "Start with the defaults")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    assert wizard.outcome == DEFAULTS and prefs.first_run_done and prefs.language == "fr"


def test_the_wizard_comes_only_on_a_first_run_without_db(prefs: Preferences, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from postapp import paths
    from postapp.ui.app import chosen_data_file, needs_first_run

    default = tmp_path / "default" / "postapp.sqlite3"
    monkeypatch.setattr(paths, "default_db_path", lambda: default)
    assert needs_first_run(None, prefs)
    default.parent.mkdir()
    default.write_bytes(b"")  # a data file already there: an update, or `make run`
    assert not needs_first_run(None, prefs)
    default.unlink()
    assert not needs_first_run(tmp_path / "given.sqlite3", prefs)
    assert chosen_data_file(None, prefs) is None
    prefs.data_file = str(tmp_path / "mine.sqlite3")
    assert chosen_data_file(None, prefs) == tmp_path / "mine.sqlite3"
    assert chosen_data_file(tmp_path / "given.sqlite3", prefs) == tmp_path / "given.sqlite3"
    assert needs_first_run(None, prefs)  # the chosen file does not exist yet
    prefs.data_file = ""
    prefs.first_run_done = True
    assert not needs_first_run(None, prefs)


def test_the_data_file_can_be_changed_in_preferences(qtbot: QtBot, prefs: Preferences, user_data: Path,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from postapp.ui.preferences import PreferencesDialog

    chosen = tmp_path / "elsewhere" / "post.sqlite3"
    chosen.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(chosen), "")))
    dialog = PreferencesDialog(prefs)
    qtbot.addWidget(dialog)
    assert str(user_data / "postapp.sqlite3") in dialog.data_file.placeholderText()
    qtbot.mouseClick(dialog.data_file_browse, Qt.MouseButton.LeftButton)
    assert dialog.data_file.text() == str(chosen)
    dialog.accept()
    assert prefs.data_file == str(chosen)


def test_every_page_is_named_and_usable_by_keyboard(qtbot: QtBot, prefs: Preferences, user_data: Path) -> None:
    from .test_accessibility import CONTROLS, assert_keyboard_ready

    wizard = open_wizard(qtbot, prefs)
    pages = []
    while True:
        page = wizard.currentPage()
        pages.append(page.objectName())
        assert page.accessibleName() and page.title() == page.accessibleName()
        focusable = [w for w in page.findChildren(QWidget) if w.isVisible() and w.isEnabled()
                     and w.focusPolicy() & Qt.FocusPolicy.TabFocus and isinstance(w, CONTROLS)]
        start = focusable[0] if focusable else wizard.button(QWizard.WizardButton.FinishButton)
        assert_keyboard_ready(wizard, start, page.objectName())
        if page is wizard.post:
            fill_post(qtbot, wizard)
        if page is wizard.summary:
            break
        next_page(qtbot, wizard)
    assert pages == ["welcomePage", "postPage", "headquartersPage", "startPage", "dataPage", "summaryPage"]
