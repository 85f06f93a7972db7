"""The Survey workspace: the study questionnaire with the post's drafts, the analysis of the
submitted responses, and the interview notes held beside the questionnaire."""

from __future__ import annotations

import html
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from postapp.errors import NotFoundError
from postapp.i18n import _, format_datetime, format_number, language, ngettext
from postapp.survey import responses
from postapp.survey.form import Form
from postapp.survey.models import ResponseStatus, SurveyResponse
from postapp.ui.messages import guarded
from postapp.ui.naming import named

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.ui.settings import Preferences
    from postapp.ui.survey_analysis import AnalysisView
    from postapp.ui.survey_interviews import InterviewsPanel


def shipped_form() -> Form:
    """The study questionnaire as shipped, for showing its title before it is first used."""
    from postapp.survey.xlsform import load_form

    return load_form(responses.STUDY_FORM_FILE.read_bytes())


class QuestionnairePanel(QWidget):
    """The study form's title and version, the post's open drafts and how many it submitted.
    ``submitted`` is emitted when a response of the post was submitted."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.post_code = ""
        self.form_title = named(QLabel(), "formTitle")
        self.form_title.setTextFormat(Qt.TextFormat.RichText)
        self.form_title.setWordWrap(True)
        self.submitted_count = named(QLabel(), "submittedCount")
        self.submitted_count.setWordWrap(True)
        drafts_label = QLabel(_("Open &drafts of this post"))
        self.drafts = named(QListWidget(), "drafts")
        self.drafts.setAccessibleName(_("Open drafts of this post"))
        drafts_label.setBuddy(self.drafts)
        self.drafts.itemActivated.connect(lambda _item: self.continue_draft())
        self.drafts.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.new_button = named(QPushButton(_("&New response")), "newResponse")
        self.continue_button = named(QPushButton(_("&Continue")), "continueDraft")
        self.discard_button = named(QPushButton(_("Di&scard draft")), "discardDraft")
        self.new_button.clicked.connect(self.new_response)
        self.continue_button.clicked.connect(self.continue_draft)
        self.discard_button.clicked.connect(self.confirm_discard)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch()
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.discard_button)
        explanation = QLabel(_("Answer the questionnaire for your post. Every answer is saved as you go, so a "
                               "response can be continued later. Once submitted, it is locked and queued for "
                               "headquarters."))
        explanation.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_title)
        layout.addWidget(explanation)
        layout.addWidget(self.submitted_count)
        layout.addSpacing(8)
        layout.addWidget(drafts_label)
        layout.addWidget(self.drafts, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    def refresh(self) -> None:
        store = self.store
        self.drafts.clear()
        if store is None:
            self.form_title.setText("")
            self.submitted_count.setText(_("No data file open"))
            self._update_buttons()
            return

        def read() -> tuple[Form, list[tuple[uuid.UUID, str]], int]:
            with store.read() as session:
                try:
                    form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
                except NotFoundError:
                    form = shipped_form()
                pages = len(form.pages())
                drafts = []
                for draft in responses.open_drafts(session, responses.STUDY_FORM_ID):
                    if draft.post_code != self.post_code:
                        continue
                    text = _("Started {started}, last saved {saved}, page {page} of {pages} (version {version})")
                    text = text.format(
                        started=format_datetime(draft.started_at, "short"),
                        saved=format_datetime(draft.updated_at, "short"), page=min(draft.page, pages - 1) + 1,
                        pages=pages, version=draft.form_version)
                    drafts.append((draft.id, text))
                submitted = session.scalar(select(func.count()).select_from(SurveyResponse).where(
                    SurveyResponse.form_id == responses.STUDY_FORM_ID,
                    SurveyResponse.status == ResponseStatus.SUBMITTED, SurveyResponse.post_code == self.post_code,
                    SurveyResponse.deleted_at.is_(None))) or 0
                return form, drafts, int(submitted)

        found = guarded(self, read)
        if found is None:
            self._update_buttons()
            return
        form, drafts, submitted = found
        e = html.escape
        version = _("Version {version}").format(version=form.version)
        self.form_title.setText(f"<h2>{e(form.title(language()))}</h2><p>{e(version)}</p>")
        self.submitted_count.setText(ngettext("{count} response submitted by this post ({post}).",
                                              "{count} responses submitted by this post ({post}).",
                                              submitted).format(count=format_number(submitted), post=self.post_code))
        for draft_id, text in drafts:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, str(draft_id))
            self.drafts.addItem(item)
        if drafts:
            self.drafts.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_store = self.store is not None
        chosen = self.selected_draft() is not None
        self.new_button.setEnabled(has_store)
        self.continue_button.setEnabled(has_store and chosen)
        self.discard_button.setEnabled(has_store and chosen)

    def selected_draft(self) -> uuid.UUID | None:
        item = self.drafts.currentItem()
        if item is None:
            return None
        return uuid.UUID(str(item.data(Qt.ItemDataRole.UserRole)))

    def new_response(self) -> None:
        store = self.store
        if store is None:
            return

        def start() -> uuid.UUID:
            with store.session() as session:
                record = responses.ensure_study_form(session)
                record = responses.latest_form(session, record.form_id)
                return responses.start_response(session, record, post_code=self.post_code, language=language()).id

        response_id = guarded(self, start)
        if response_id is not None:
            self.refresh()
            self.open_response(response_id)

    def continue_draft(self) -> None:
        draft = self.selected_draft()
        if draft is not None:
            self.open_response(draft)

    def open_response(self, response_id: uuid.UUID) -> None:
        if self.store is None:
            return
        from postapp.ui.survey_answering import AnswerDialog

        dialog = AnswerDialog(self.store, response_id, self)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.submitted.connect(self.submitted)
        dialog.open()

    def confirm_discard(self) -> None:
        draft = self.selected_draft()
        if draft is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Discard draft"),
                          _("Discard this draft response? Its answers are removed."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmDiscard")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self.discard(draft))
        box.open()

    def discard(self, draft: uuid.UUID) -> None:
        store = self.store
        if store is None:
            return

        def remove() -> None:
            with store.session() as session:
                responses.discard_draft(session, draft)

        guarded(self, remove)
        self.refresh()


class SurveyWorkspace(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.prefs: Preferences | None = None
        self.setObjectName("workspace_survey")
        self.setAccessibleName(_("Survey"))
        heading = html.escape(_("Survey"))
        title = QLabel(f"<h1>{heading}</h1>")
        self.tabs = named(QTabWidget(), "surveyTabs")
        self.questionnaire = QuestionnairePanel()
        self.questionnaire.setObjectName("questionnairePanel")
        self.analysis: AnalysisView | None = None
        self.interviews: InterviewsPanel | None = None
        self.tabs.addTab(self.questionnaire, _("&Questionnaire"))
        self.tabs.addTab(QWidget(), _("&Analysis"))  # built on first visit
        self.tabs.addTab(QWidget(), _("&Interviews"))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.questionnaire.submitted.connect(self._data_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

    def attach_store(self, store: Store | None, prefs: Preferences) -> None:
        self.store, self.prefs = store, prefs
        self.questionnaire.store = store
        self.questionnaire.post_code = prefs.post_code
        self.questionnaire.refresh()
        if self.analysis is not None:
            self.analysis.attach_store(store)
        if self.interviews is not None:
            self.interviews.attach_store(store, prefs)

    def set_post_code(self, post_code: str) -> None:
        self.questionnaire.post_code = post_code
        self.questionnaire.refresh()

    def analysis_view(self) -> AnalysisView:
        if self.analysis is None:
            from postapp.ui.survey_analysis import AnalysisView

            self.analysis = AnalysisView()
            self._replace_tab(1, self.analysis, _("&Analysis"))
            self.analysis.attach_store(self.store)
        return self.analysis

    def interviews_panel(self) -> InterviewsPanel:
        if self.interviews is None:
            from postapp.ui.survey_interviews import InterviewsPanel

            self.interviews = InterviewsPanel()
            self.interviews.changed.connect(self._data_changed)
            self._replace_tab(2, self.interviews, _("&Interviews"))
            if self.prefs is not None:
                self.interviews.attach_store(self.store, self.prefs)
        return self.interviews

    def _replace_tab(self, index: int, widget: QWidget, label: str) -> None:
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, label)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()

    def _data_changed(self) -> None:
        """A response was submitted or a note saved: the analysis is computed again when next shown."""
        if self.analysis is not None:
            self.analysis.mark_stale()

    def _tab_shown(self, index: int) -> None:
        if index == 0:
            self.questionnaire.refresh()
        elif index == 1:
            # Computed on the first visit, then only when the data changed (or on Refresh): at ten
            # thousand responses it takes a noticeable moment, not worth repeating on every visit.
            view = self.analysis
            if view is None:
                self.analysis_view()
            else:
                view.refresh_if_stale()
        elif index == 2:
            panel = self.interviews
            if panel is None:
                self.interviews_panel()
            else:
                panel.refresh()
