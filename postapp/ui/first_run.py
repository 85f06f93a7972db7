"""The first-run wizard: language, the post, headquarters' enrolment, demo data and where the data lives,
then a summary whose Finish applies it all (``postapp.services.first_run``).

Every page after the first builds its texts in ``initializePage``, so choosing a language on page 1 shows
the rest in that language. Everything asked here can be changed later in Preferences.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from postapp.errors import ValidationError
from postapp.i18n import LANGUAGES, _, set_language
from postapp.services import first_run
from postapp.ui.forms import ERROR_STYLE, FieldErrors
from postapp.ui.naming import named
from postapp.ui.settings import Preferences

if TYPE_CHECKING:
    from postapp.sync.enrolment import Enrolment

FINISHED, DEFAULTS, QUIT = "finished", "defaults", "quit"


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # paths and names the user typed: never HTML
    if name:
        label.setObjectName(name)
    return label


def _row(layout: QFormLayout, errors: FieldErrors, field: str, widget: QWidget) -> QLabel:
    """A form row with its message line; returns the row's label, whose text ``retranslate`` sets."""
    errors.add_row(layout, field, "", widget)
    item = layout.itemAt(layout.rowCount() - 1, QFormLayout.ItemRole.LabelRole)
    label = item.widget() if item is not None else None
    assert isinstance(label, QLabel)
    return label


def _set_label(label: QLabel, widget: QWidget, text: str) -> None:
    label.setText(text)
    widget.setAccessibleName(text.replace("&", ""))


class Page(QWizardPage):
    """A page whose texts are made in the current language each time it is shown."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)

    def wizard_(self) -> FirstRunWizard:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return wizard

    def retranslate(self) -> None:
        raise NotImplementedError

    def set_titles(self, title: str, subtitle: str) -> None:
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.setAccessibleName(title)

    def initializePage(self) -> None:
        self.retranslate()


class WelcomePage(Page):
    def __init__(self, language: str) -> None:
        super().__init__("welcomePage")
        self.text = _label(name="welcomeText")
        self.language = named(QComboBox(), "language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)  # each language in its own words: no translation
        self.language.setCurrentIndex(max(self.language.findData(language), 0))
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)
        form = QFormLayout()
        form.addRow(self.language_label, self.language)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addStretch(1)
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.retranslate()

    def code(self) -> str:
        return str(self.language.currentData())

    def _language_chosen(self) -> None:
        set_language(self.code())
        self.retranslate()
        wizard = self.wizard()
        if isinstance(wizard, FirstRunWizard):
            wizard.retranslate()

    def retranslate(self) -> None:
        self.set_titles(_("Welcome to PostApp IMVO"), _("A few questions before you start; about two minutes."))
        self.text.setText(_("PostApp keeps the post's IMVO work (contacts, activities, the five core tasks and "
                            "the survey) on this laptop, also offline. Choose your language; you can change "
                            "it and every other answer later under File › Preferences."))
        _set_label(self.language_label, self.language, _("&Language"))


class PostPage(Page):
    def __init__(self, prefs: Preferences) -> None:
        super().__init__("postPage")
        self.errors = FieldErrors()
        self.post_code = named(QLineEdit(), "postCode")
        self.post_code.setMaxLength(16)
        self.post_name = named(QLineEdit(), "postName")
        self.country = named(QComboBox(), "country")
        self.country.setEditable(False)
        self.user_name = named(QLineEdit(prefs.user_name), "userName")
        self.intro = _label()
        form = QFormLayout()
        self.widgets: dict[str, QWidget] = {"post_code": self.post_code, "post_name": self.post_name,
                                            "country": self.country, "user_name": self.user_name}
        self.labels = {field: _row(form, self.errors, field, widget) for field, widget in self.widgets.items()}
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addStretch(1)
        self._country_language = ""

    def retranslate(self) -> None:
        self.set_titles(_("Your post"), _("The embassy or consulate you work for."))
        self.intro.setText(_("An enrolment file from headquarters (next page) fills these in for you."))
        for field, text in (("post_code", _("Post &code")), ("post_name", _("Post &name")),
                            ("country", _("Co&untry")), ("user_name", _("&Your name"))):
            _set_label(self.labels[field], self.widgets[field], text)
        self.post_code.setPlaceholderText(_("e.g. HAN"))
        self.post_name.setPlaceholderText(_("e.g. Embassy in Hanoi"))
        self.user_name.setToolTip(_("Recorded with your decisions and in the audit log"))
        self.country.setPlaceholderText(_("Choose the country…"))
        self._fill_countries()

    def _fill_countries(self) -> None:
        from postapp.i18n import language

        if self._country_language == language():
            return
        chosen = self.country.currentData()
        self.country.clear()
        for code, name in first_run.countries(language()):
            self.country.addItem(f"{name} ({code})", code)
        self.country.setCurrentIndex(self.country.findData(chosen) if chosen else -1)
        self._country_language = language()

    def country_code(self) -> str:
        data = self.country.currentData()
        return str(data) if data else ""

    def validatePage(self) -> bool:
        self.errors.clear()
        try:
            first_run.check_post(self.post_code.text(), self.post_name.text(), self.country_code())
        except ValidationError as exc:
            self.errors.show(exc)
            field = next(iter(exc.errors))
            self.widgets.get(field, self.post_code).setFocus()
            return False
        return True


class HeadquartersPage(Page):
    def __init__(self) -> None:
        super().__init__("headquartersPage")
        self.errors = FieldErrors()
        self.intro = _label()
        self.skip = named(QRadioButton(), "skipEnrolment")
        self.skip.setChecked(True)
        self.use_file = named(QRadioButton(), "importEnrolment")
        group = QButtonGroup(self)
        group.addButton(self.skip)
        group.addButton(self.use_file)
        self.path = named(QLineEdit(), "enrolmentFile")
        self.browse = named(QPushButton(), "enrolmentBrowse")
        self.browse.clicked.connect(self._choose)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path, 1)
        row_layout.addWidget(self.browse)
        form = QFormLayout()
        self.path_label = _row(form, self.errors, "enrolment_file", row)
        self.path_label.setBuddy(self.path)
        self.found = _label(name="enrolmentFound")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.skip)
        layout.addWidget(self.use_file)
        layout.addLayout(form)
        layout.addWidget(self.found)
        layout.addStretch(1)
        self.enrolment: Enrolment | None = None
        self.use_file.toggled.connect(self._enable)
        self.path.textEdited.connect(lambda _text: self.use_file.setChecked(True))
        self._enable()

    def retranslate(self) -> None:
        self.set_titles(_("Headquarters"), _("Sync with headquarters needs an enrolment file made for this post."))
        self.intro.setText(_("Headquarters sends each post an enrolment file (ending in .json). If you have it, "
                             "take it in now; otherwise skip: you can enrol later with File › Enrol with "
                             "headquarters…"))
        self.skip.setText(_("&Skip for now"))
        self.use_file.setText(_("&Import an enrolment file"))
        _set_label(self.path_label, self.path, _("Enrolment &file"))
        self.browse.setText(_("&Browse…"))
        self.browse.setAccessibleName(_("Choose the enrolment file"))

    def _enable(self) -> None:
        # The field stays usable: typing in it or browsing chooses "import" (fewer steps by keyboard).
        if not self.use_file.isChecked():
            self.errors.clear()

    def _choose(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Choose the enrolment file"), self.path.text(),
                                                      _("Enrolment file (*.json);;All files (*)"))
        if chosen:
            self.path.setText(chosen)
            self.use_file.setChecked(True)

    def enrolment_file(self) -> Path | None:
        return Path(self.path.text().strip()).expanduser() if self.use_file.isChecked() else None

    def validatePage(self) -> bool:
        self.errors.clear()
        self.found.clear()
        self.enrolment = None
        path = self.enrolment_file()
        if path is None:
            return True
        try:
            if not self.path.text().strip():
                raise ValidationError({"enrolment_file": _("Choose the enrolment file, or choose Skip for now.")})
            self.enrolment = first_run.read_enrolment_file(path)
        except ValidationError as exc:
            message = exc.errors.get("enrolment_file", str(exc))
            self.errors.show(ValidationError({"enrolment_file": message + " " + _(
                "Choose another file, or Skip for now (Alt+S).")}))
            self.path.setFocus()
            return False
        return True


class StartPage(Page):
    def __init__(self) -> None:
        super().__init__("startPage")
        self.empty = named(QRadioButton(), "startEmpty")
        self.empty.setChecked(True)
        self.demo = named(QRadioButton(), "startDemo")
        group = QButtonGroup(self)
        group.addButton(self.empty)
        group.addButton(self.demo)
        self.demo_note = _label(name="demoNote")
        self.demo_note.setIndent(24)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.demo)
        layout.addWidget(self.demo_note)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.set_titles(_("How to start"), _("Start with your own work, or look around in a demo post first."))
        self.empty.setText(_("Start &empty"))
        self.demo.setText(_("Start with &demo data"))
        self.demo_note.setText(_("The demo is a made-up Dutch embassy in Vietnam (Hanoi): about 2,000 contacts, "
                                 "their organisations, activities and a survey round, all invented. Use it to "
                                 "try PostApp, not for real work: demo data and real data do not belong in one "
                                 "data file."))


class DataPage(Page):
    def __init__(self) -> None:
        super().__init__("dataPage")
        self.errors = FieldErrors()
        self.intro = _label()
        self.default = named(QRadioButton(), "defaultFolder")
        self.default.setChecked(True)
        self.default_path = _label(name="defaultPath")
        self.default_path.setIndent(24)
        self.default_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chosen = named(QRadioButton(), "chosenFolder")
        group = QButtonGroup(self)
        group.addButton(self.default)
        group.addButton(self.chosen)
        self.folder = named(QLineEdit(), "dataFolder")
        self.browse = named(QPushButton(), "dataFolderBrowse")
        self.browse.clicked.connect(self._choose)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.folder, 1)
        row_layout.addWidget(self.browse)
        form = QFormLayout()
        self.folder_label = _row(form, self.errors, "data_folder", row)
        self.folder_label.setBuddy(self.folder)
        self.warning = _label(name="folderWarning")
        self.warning.setStyleSheet(ERROR_STYLE)
        self.existing = _label(name="existingDataFile")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.default)
        layout.addWidget(self.default_path)
        layout.addWidget(self.chosen)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.existing)
        layout.addStretch(1)
        self.chosen.toggled.connect(self._changed)
        self.folder.textChanged.connect(self._changed)
        self.folder.textEdited.connect(lambda _text: self.chosen.setChecked(True))

    def retranslate(self) -> None:
        self.set_titles(_("Where your data lives"), _("One data file holds all of the post's data in PostApp."))
        self.intro.setText(_("Keep it on this laptop: PostApp makes its own backups next to it. Synced folders "
                             "(OneDrive, Dropbox) and network drives are not suitable for a data file."))
        self.default.setText(_("The &default place"))
        self.default_path.setText(str(first_run.default_data_file()))
        self.chosen.setText(_("A &folder I choose"))
        _set_label(self.folder_label, self.folder, _("F&older"))
        self.browse.setText(_("&Browse…"))
        self.browse.setAccessibleName(_("Choose the folder for the data file"))
        self._changed()

    def data_folder(self) -> Path | None:
        text = self.folder.text().strip()
        return Path(text).expanduser() if self.chosen.isChecked() and text else None

    def _changed(self) -> None:
        on = self.chosen.isChecked()  # the field stays usable: typing in it chooses it
        folder = self.data_folder()
        warning = first_run.synced_folder_warning(folder) if folder is not None else ""
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.warning.setAccessibleDescription(warning)
        target = first_run.data_file_in(folder) if on and folder is not None else (
            None if on else first_run.default_data_file())
        exists = target is not None and target.exists()
        self.existing.setText(_("A PostApp data file is already there; it will be opened, not replaced.")
                              if exists else "")
        self.existing.setVisible(exists)

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the folder for the data file"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)
            self.chosen.setChecked(True)

    def validatePage(self) -> bool:
        self.errors.clear()
        try:
            if self.chosen.isChecked() and not self.folder.text().strip():
                raise ValidationError({"data_folder": _("Choose a folder, or the default place.")})
            first_run.check_writable(first_run.data_file_in(self.data_folder()).parent)
        except ValidationError as exc:
            self.errors.show(exc)
            self.folder.setFocus() if self.chosen.isChecked() else self.default.setFocus()
            return False
        return True


class SummaryPage(Page):
    def __init__(self) -> None:
        super().__init__("summaryPage")
        self.summary = _label(name="summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                             | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = _label(name="finishError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.note = _label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.note)

    def retranslate(self) -> None:
        self.set_titles(_("Ready to start"), _("Check your answers; Finish sets PostApp up like this."))
        self.note.setText(_("Everything here can be changed later under File › Preferences."))
        self.summary.setText(self.wizard_().summary_text())
        self.show_error("")

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setAccessibleDescription(message)
        self.error.setVisible(bool(message))

    def validatePage(self) -> bool:
        return self.wizard_().apply()


class FirstRunWizard(QWizard):
    """The wizard; ``outcome`` tells ``run_first_run`` what to do next (start, start with the defaults, or
    quit)."""

    def __init__(self, prefs: Preferences, *, language: str | None = None, first_time: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.first_run = first_time
        self.outcome = ""
        self.result_: first_run.Outcome | None = None
        self.setObjectName("firstRunWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same on Windows and macOS, titles on top
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setMinimumSize(640, 480)
        chosen = language or first_run.system_language(QLocale.system().name())
        set_language(chosen)
        self.welcome = WelcomePage(chosen)
        self.post = PostPage(prefs)
        self.headquarters = HeadquartersPage()
        self.start = StartPage()
        self.data = DataPage()
        self.summary = SummaryPage()
        for page in (self.welcome, self.post, self.headquarters, self.start, self.data, self.summary):
            self.addPage(page)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("PostApp IMVO — first start"))
        self.setAccessibleName(_("PostApp IMVO — first start"))
        for button, text in ((QWizard.WizardButton.BackButton, _("< &Back")),
                             (QWizard.WizardButton.NextButton, _("&Next >")),
                             (QWizard.WizardButton.FinishButton, _("&Finish")),
                             (QWizard.WizardButton.CancelButton, _("Cancel"))):
            self.setButtonText(button, text)

    def choices(self) -> first_run.Choices:
        return first_run.Choices(
            language=self.welcome.code(), post_code=self.post.post_code.text(), post_name=self.post.post_name.text(),
            country=self.post.country_code(), user_name=self.post.user_name.text(),
            enrolment_file=self.headquarters.enrolment_file(), demo=self.start.demo.isChecked(),
            data_folder=self.data.data_folder())

    def summary_text(self) -> str:
        c = self.choices()
        country = self.post.country.currentText()
        lines = [_("Language: {language}").format(language=LANGUAGES[c.language]),
                 _("Post: {code}, {name}, {country}").format(code=c.post_code.strip().upper(),
                                                            name=c.post_name.strip(), country=country)]
        if c.user_name.strip():
            lines.append(_("Your name: {name}").format(name=c.user_name.strip()))
        enrolment = self.headquarters.enrolment
        if c.enrolment_file is not None and enrolment is not None:
            lines.append(_("Headquarters: enrol with {hq} as post {post} ({file}). The file's post code, name and "
                           "country are used.").format(hq=enrolment.hq_id, post=enrolment.post_code,
                                                       file=c.enrolment_file.name))
        else:
            lines.append(_("Headquarters: not now (File › Enrol with headquarters… later)"))
        lines.append(_("Start: with the demo post (Hanoi, Vietnam; invented data)") if c.demo
                     else _("Start: empty"))
        target = first_run.data_file_in(c.data_folder)
        lines.append(_("Data file: {path}").format(path=target))
        if target.exists():
            lines.append(_("That data file exists already: it is opened, not replaced; demo data is only added "
                           "to an empty one."))
        return "\n".join(lines)

    def apply(self) -> bool:
        """Finish: applies the choices with a progress window; a failure is shown on the summary page and
        the wizard stays open."""
        progress = named(QProgressDialog(self), "firstRunProgress")
        progress.setWindowTitle(_("PostApp IMVO"))
        progress.setCancelButtonText(_("Cancel"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)

        def report(step: str, done: int, total: int) -> bool:
            progress.setLabelText(step)
            progress.setRange(0, total)
            progress.setValue(done)
            QApplication.processEvents()
            return not progress.wasCanceled()

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            progress.show()
            self.result_ = first_run.apply(self.choices(), self.prefs, progress=report)
        except first_run.FirstRunError as exc:
            self.summary.show_error(str(exc))
            return False
        except Exception as exc:
            from postapp.ui.messages import user_message

            self.summary.show_error(user_message(exc, _("PostApp could not be set up ({kind}). Nothing was "
                                                         "changed; the details are in the log.")))
            return False
        finally:
            QApplication.restoreOverrideCursor()
            progress.close()
            progress.deleteLater()
        self.outcome = FINISHED
        return True

    def reject(self) -> None:
        """Cancel (or Esc, or closing the window): on the first run, quit or start with the defaults."""
        if not self.first_run:
            super().reject()
            return
        answer = self.ask_on_cancel()
        if answer == QUIT:
            self.outcome = QUIT
        elif answer == DEFAULTS:
            first_run.apply_defaults(self.prefs, self.welcome.code())
            self.outcome = DEFAULTS
        else:
            return
        super().reject()

    def ask_on_cancel(self) -> str:
        box = named(QMessageBox(QMessageBox.Icon.Question, _("PostApp IMVO"),
                                _("PostApp is not set up yet. Start with the default settings (you can change "
                                  "them under File › Preferences), or quit and answer the questions next time?"),
                                QMessageBox.StandardButton.NoButton, self), "firstRunCancel")
        defaults = named(box.addButton(_("Start with the &defaults"), QMessageBox.ButtonRole.AcceptRole),
                         "cancelStartWithDefaults")
        quit_ = named(box.addButton(_("&Quit PostApp"), QMessageBox.ButtonRole.DestructiveRole), "cancelQuit")
        back = named(box.addButton(_("&Back to the questions"), QMessageBox.ButtonRole.RejectRole), "cancelBack")
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        clicked = box.clickedButton()
        return DEFAULTS if clicked is defaults else QUIT if clicked is quit_ else ""


def run_first_run(prefs: Preferences, language: str | None = None) -> bool:
    """Shows the wizard (modal) before the main window; False when the user chose to quit."""
    wizard = FirstRunWizard(prefs, language=language)
    wizard.exec()
    return wizard.outcome in (FINISHED, DEFAULTS)
