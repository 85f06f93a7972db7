"""The Survey workspace driven through real widgets: answering the study questionnaire with its skip
logic, constraints and required answers, resuming a draft after a crash, closing with text that cannot
be read, what a screen reader is told, the analysis of a synthetic round with its export (computed only
when needed), and an interview note from draft to final, with changes not lost on closing."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import openpyxl
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from postapp.i18n import format_percent
from postapp.store import Store
from postapp.survey import analysis, demo, responses
from postapp.survey.form import AnswerValue
from postapp.survey.models import InterviewNote, InterviewStatus, OutboxEntry, ResponseStatus, SurveyResponse
from postapp.ui.main_window import SURVEY, WORKSPACES, MainWindow
from postapp.ui.survey_analysis import AnalysisView
from postapp.ui.survey_answering import AnswerDialog
from postapp.ui.survey_interviews import InterviewDialog, InterviewsPanel
from postapp.ui.survey_workspace import SurveyWorkspace

from .helpers import open_window

RATINGS = {"expertise": "4", "awareness": "5", "support": "4", "conditions": "3", "agenda": "2"}
COMPLETE: dict[str, AnswerValue] = {
    "region": "africa", "business_activity": "low", "role": "economic_officer", "extra_actions": "none",
    **{f"overall_{m}": "4" for m in ("clarity", "workability", "usability")},
    **{f"{m}_{t}": r for t, r in RATINGS.items() for m in ("clarity", "workability", "usability")},
}


def survey(qtbot: QtBot, db: Path) -> tuple[MainWindow, SurveyWorkspace]:
    """Opens the window and goes to the Survey workspace with its menu action (Ctrl+7)."""
    window = open_window(qtbot, db)
    action = window.go_actions[WORKSPACES.index(SURVEY)]
    assert action.shortcut().toString() == "Ctrl+7"
    assert window.nav.item(WORKSPACES.index(SURVEY)).text() == "Survey"
    action.trigger()
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, SurveyWorkspace)
    assert workspace.objectName() == "workspace_survey"
    return window, workspace


def new_response(qtbot: QtBot, workspace: SurveyWorkspace) -> AnswerDialog:
    panel = workspace.questionnaire
    assert panel.new_button.isEnabled()
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dialog = dialog_of(workspace)
    assert "Study of the IMVO guidelines" in panel.form_title.text()
    assert "Version 2026.1" in panel.form_title.text()
    assert panel.drafts.count() == 1  # the new response is a draft of this post at once
    return dialog


def dialog_of(workspace: SurveyWorkspace) -> AnswerDialog:
    dialogs = [d for d in workspace.findChildren(AnswerDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def click(qtbot: QtBot, dialog: QWidget, name: str) -> None:
    button = dialog.findChild(QAbstractButton, name)
    assert button is not None, name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def title(dialog: AnswerDialog) -> str:
    return dialog.findChild(QLabel, "pageTitle").text()


def error(dialog: AnswerDialog, name: str) -> str:
    label = dialog.findChild(QLabel, f"error_{name}")
    return label.text() if label.isVisible() else ""


def shown(dialog: AnswerDialog, name: str, kind: type[QWidget] = QWidget) -> bool:
    widget = dialog.findChild(kind, f"q_{name}")
    assert widget is not None, name
    return widget.isVisible()


def type_into(qtbot: QtBot, dialog: AnswerDialog, name: str, text: str) -> None:
    field = dialog.findChild(QLineEdit, f"q_{name}")
    field.clear()
    qtbot.keyClicks(field, text)


def stored(window: MainWindow) -> tuple[SurveyResponse, dict[str, object]]:
    assert window.store is not None
    with window.store.read() as session:
        response = session.scalars(select(SurveyResponse).where(SurveyResponse.synthetic.is_(False))).one()
        return response, dict(responses.answers_of(session, response))


def draft_with(store: Store, answers: dict[str, AnswerValue], page: int = 1) -> uuid.UUID:
    """A draft of post HAN holding ``answers``, left on ``page``: as an earlier session saved it."""
    with store.session() as session:
        record = responses.latest_form(session, responses.ensure_study_form(session).form_id)
        response_id = responses.start_response(session, record, post_code="HAN", language="en").id
        responses.save_answers(session, response_id, dict(answers), page=page)
    return response_id


def message_box(parent: QWidget, name: str) -> QMessageBox:
    boxes = [b for b in parent.findChildren(QMessageBox, name) if b.isVisible()]
    assert len(boxes) == 1, name
    return boxes[0]


def answer_profile(qtbot: QtBot, dialog: AnswerDialog) -> None:
    """Intro, then the profile page with its required answers, skip logic and constraint."""
    assert title(dialog) == "Introduction"
    assert "about 15 minutes" in dialog.findChild(QLabel, "q_intro_note").text()
    assert not dialog.findChild(QPushButton, "backButton").isEnabled()
    click(qtbot, dialog, "nextButton")
    assert title(dialog) == "Profile of the post"

    click(qtbot, dialog, "nextButton")  # nothing answered: blocked, with the message at each field
    assert title(dialog) == "Profile of the post"
    assert error(dialog, "region") == "An answer is required."
    assert error(dialog, "business_activity") == "An answer is required."

    click(qtbot, dialog, "q_region_asia_oceania")
    assert error(dialog, "region") == ""  # the message follows the answer
    click(qtbot, dialog, "q_business_activity_high")
    # "q_role_other" names both the option "other" of question role and the question role_other.
    assert not shown(dialog, "role_other", QLineEdit)
    click(qtbot, dialog, "q_role_other")
    assert shown(dialog, "role_other", QLineEdit)  # skip logic: "other" asks which role
    click(qtbot, dialog, "nextButton")
    assert error(dialog, "role_other") == "An answer is required."
    type_into(qtbot, dialog, "role_other", "IMVO coordinator")

    type_into(qtbot, dialog, "imvo_fte", "99")
    click(qtbot, dialog, "nextButton")
    assert error(dialog, "imvo_fte") == "Enter a number from 0 to 50."
    assert title(dialog) == "Profile of the post"
    type_into(qtbot, dialog, "imvo_fte", "a lot")
    click(qtbot, dialog, "nextButton")
    assert error(dialog, "imvo_fte") == "Not a number."
    assert title(dialog) == "Profile of the post"
    type_into(qtbot, dialog, "imvo_fte", "1.5")
    click(qtbot, dialog, "nextButton")
    assert title(dialog) == "Build expertise"


def test_answering_the_study_form_through_the_widgets(qtbot: QtBot, demo_db: Path) -> None:
    window, workspace = survey(qtbot, demo_db)
    dialog = new_response(qtbot, workspace)
    answer_profile(qtbot, dialog)

    click(qtbot, dialog, "nextButton")  # a page of required ratings, none given
    assert error(dialog, "clarity_expertise") == "An answer is required."
    assert title(dialog) == "Build expertise"
    for task, rating in RATINGS.items():
        for measure in ("clarity", "workability", "usability"):
            click(qtbot, dialog, f"q_{measure}_{task}_{rating}")
        click(qtbot, dialog, "nextButton")
    assert title(dialog) == "Overall"
    for measure in ("clarity", "workability", "usability"):
        click(qtbot, dialog, f"q_overall_{measure}_4")
    click(qtbot, dialog, "nextButton")

    assert title(dialog) == "Extra actions"
    assert shown(dialog, "actions_which")  # nothing chosen yet: the question is not hidden in advance
    click(qtbot, dialog, "q_extra_actions_taken")
    click(qtbot, dialog, "q_actions_which_imvo_sessions")
    assert not shown(dialog, "actions_other")
    click(qtbot, dialog, "q_actions_which_other")
    assert shown(dialog, "actions_other")
    click(qtbot, dialog, "nextButton")
    assert error(dialog, "actions_other") == "An answer is required."
    type_into(qtbot, dialog, "actions_other", "Webinar with the chamber of commerce")
    click(qtbot, dialog, "q_extra_actions_none")
    assert not shown(dialog, "actions_which") and not shown(dialog, "actions_other")
    assert error(dialog, "actions_other") == ""
    click(qtbot, dialog, "q_extra_actions_taken")  # changed mind again: the earlier choices are still there
    assert shown(dialog, "actions_which") and shown(dialog, "actions_other")
    assert dialog.findChild(QAbstractButton, "q_actions_which_other").isChecked()
    click(qtbot, dialog, "nextButton")

    assert title(dialog) == "Support"
    click(qtbot, dialog, "q_support_wished_templates")
    click(qtbot, dialog, "nextButton")
    assert title(dialog) == "Remarks"
    assert not dialog.findChild(QPushButton, "nextButton").isVisible()
    qtbot.keyClicks(dialog.findChild(QPlainTextEdit, "q_remarks"), "Clear, but short of time.")
    click(qtbot, dialog, "submitButton")

    assert not dialog.isVisible()
    box = workspace.findChild(QMessageBox, "submittedMessage")
    assert box is not None and "queued for headquarters" in box.text()
    box.close()
    response, answers = stored(window)
    assert response.status is ResponseStatus.SUBMITTED and response.post_code == "HAN"
    expected: dict[str, object] = {
        "region": "asia_oceania", "business_activity": "high", "role": "other", "role_other": "IMVO coordinator",
        "imvo_fte": 1.5, "extra_actions": "taken", "actions_which": ("imvo_sessions", "other"),
        "actions_other": "Webinar with the chamber of commerce", "support_wished": ("templates",),
        "remarks": "Clear, but short of time.",
        **{f"overall_{m}": "4" for m in ("clarity", "workability", "usability")},
        **{f"{m}_{t}": r for t, r in RATINGS.items() for m in ("clarity", "workability", "usability")},
    }
    assert answers == expected
    with window.store.read() as session:  # type: ignore[union-attr]
        queued = session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == response.id)).one()
        assert queued.record_type == responses.RESPONSE_RECORD
    assert workspace.questionnaire.drafts.count() == 0
    assert "1 response submitted" in workspace.questionnaire.submitted_count.text()


def test_a_hidden_answer_does_not_block_and_is_not_kept(qtbot: QtBot, demo_db: Path) -> None:
    window, workspace = survey(qtbot, demo_db)
    dialog = new_response(qtbot, workspace)
    answer_profile(qtbot, dialog)
    for task, rating in RATINGS.items():
        for measure in ("clarity", "workability", "usability"):
            click(qtbot, dialog, f"q_{measure}_{task}_{rating}")
        click(qtbot, dialog, "nextButton")
    for measure in ("clarity", "workability", "usability"):
        click(qtbot, dialog, f"q_overall_{measure}_5")
    click(qtbot, dialog, "nextButton")
    click(qtbot, dialog, "q_extra_actions_planned")
    click(qtbot, dialog, "q_actions_which_staff_training")
    click(qtbot, dialog, "q_actions_which_other")
    type_into(qtbot, dialog, "actions_other", "Peer visits")
    click(qtbot, dialog, "q_extra_actions_none")
    # Hiding cascades: actions_other hangs on an answer to a question that is now hidden.
    assert not shown(dialog, "actions_which") and not shown(dialog, "actions_other")
    click(qtbot, dialog, "nextButton")  # the hidden required questions do not block
    assert title(dialog) == "Support"
    click(qtbot, dialog, "nextButton")
    click(qtbot, dialog, "submitButton")
    response, answers = stored(window)
    assert response.status is ResponseStatus.SUBMITTED
    assert answers["extra_actions"] == "none"
    assert "actions_which" not in answers and "actions_other" not in answers  # hidden: not kept, as in ODK


def test_a_draft_resumes_on_its_page_with_every_answer_after_a_crash(qtbot: QtBot, demo_db: Path) -> None:
    window, workspace = survey(qtbot, demo_db)
    dialog = new_response(qtbot, workspace)
    click(qtbot, dialog, "nextButton")
    click(qtbot, dialog, "q_region_africa")
    click(qtbot, dialog, "q_business_activity_low")
    click(qtbot, dialog, "q_role_economic_officer")
    type_into(qtbot, dialog, "imvo_fte", "0.5")
    # Typing alone is saved once it pauses, without leaving the field.
    qtbot.waitUntil(lambda: stored(window)[1].get("imvo_fte") == 0.5, timeout=3000)
    click(qtbot, dialog, "nextButton")
    click(qtbot, dialog, "q_clarity_expertise_3")
    click(qtbot, dialog, "q_workability_expertise_4")
    assert title(dialog) == "Build expertise"

    # The crash: the dialog disappears without closing (no close event, no last save), then the app.
    shiboken6.delete(dialog)
    window.close()
    window, workspace = survey(qtbot, demo_db)
    panel = workspace.questionnaire
    assert panel.drafts.count() == 1
    assert "page 3 of 11" in panel.drafts.item(0).text()
    panel.drafts.setCurrentRow(0)
    qtbot.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    dialog = dialog_of(workspace)
    assert title(dialog) == "Build expertise"
    assert dialog.findChild(QAbstractButton, "q_clarity_expertise_3").isChecked()
    assert dialog.findChild(QAbstractButton, "q_workability_expertise_4").isChecked()
    assert not any(dialog.findChild(QAbstractButton, f"q_usability_expertise_{n}").isChecked() for n in "12345")
    click(qtbot, dialog, "backButton")
    assert title(dialog) == "Profile of the post"
    assert dialog.findChild(QAbstractButton, "q_region_africa").isChecked()
    assert dialog.findChild(QAbstractButton, "q_role_economic_officer").isChecked()
    assert dialog.findChild(QLineEdit, "q_imvo_fte").text() == "0.5"
    assert not shown(dialog, "role_other", QLineEdit)
    # Going back is remembered too.
    dialog.close()
    with window.store.read() as session:  # type: ignore[union-attr]
        assert session.scalars(select(SurveyResponse.page)).one() == 1


def test_text_that_cannot_be_read_is_not_lost_unseen_on_closing(qtbot: QtBot, demo_db: Path) -> None:
    window, workspace = survey(qtbot, demo_db)
    dialog = new_response(qtbot, workspace)
    click(qtbot, dialog, "nextButton")
    click(qtbot, dialog, "q_region_africa")
    type_into(qtbot, dialog, "imvo_fte", "1,5x")
    click(qtbot, dialog, "backButton")  # going back is allowed; the text is not saved
    assert title(dialog) == "Introduction"
    label = dialog.form.label(dialog.form.question("imvo_fte"), "en")

    click(qtbot, dialog, "closeButton")
    box = message_box(dialog, "unreadableOnClose")
    assert label in box.text()
    keep = box.findChild(QPushButton, "keepEditing")
    assert box.defaultButton() is keep
    keep.click()
    # Still open, back on the question's page, the keyboard in the field, the text as typed.
    assert dialog.isVisible()
    assert title(dialog) == "Profile of the post"
    field = dialog.findChild(QLineEdit, "q_imvo_fte")
    assert dialog.focusWidget() is field and field.text() == "1,5x"
    assert error(dialog, "imvo_fte") == "Not a number."

    qtbot.keyClick(field, Qt.Key.Key_Escape)  # Esc asks too
    box = message_box(dialog, "unreadableOnClose")
    box.findChild(QPushButton, "closeWithoutAnswers").click()
    assert not dialog.isVisible()
    response, answers = stored(window)
    assert response.status is ResponseStatus.DRAFT  # the draft is kept, without the unreadable answer
    assert answers == {"region": "africa"}


def test_a_readable_answer_closes_without_asking(qtbot: QtBot, demo_db: Path) -> None:
    window, workspace = survey(qtbot, demo_db)
    dialog = new_response(qtbot, workspace)
    click(qtbot, dialog, "nextButton")
    type_into(qtbot, dialog, "imvo_fte", "1,5x")
    type_into(qtbot, dialog, "imvo_fte", "2.5")  # corrected before closing: saved, nothing to ask
    dialog.close()
    assert not dialog.isVisible()
    assert not dialog.findChildren(QMessageBox, "unreadableOnClose")
    assert stored(window)[1] == {"imvo_fte": 2.5}


def test_a_screen_reader_hears_required_and_the_message_at_the_input(qtbot: QtBot, demo_db: Path) -> None:
    _window, workspace = survey(qtbot, demo_db)
    dialog = new_response(qtbot, workspace)
    click(qtbot, dialog, "nextButton")
    region = dialog.form.label(dialog.form.question("region"), "en")
    assert dialog.findChild(QWidget, "q_region").accessibleName() == f"{region} (required)"
    assert dialog.findChild(QAbstractButton, "q_region_africa").accessibleDescription() == f"{region} (required)"
    field = dialog.findChild(QLineEdit, "q_imvo_fte")
    fte = dialog.form.label(dialog.form.question("imvo_fte"), "en")
    assert field.accessibleName() == fte  # not required
    hint = "An estimate is enough; count part-time work as part of an FTE."
    assert field.accessibleDescription() == hint

    type_into(qtbot, dialog, "imvo_fte", "99")
    click(qtbot, dialog, "nextButton")
    assert field.accessibleDescription().startswith("Enter a number from 0 to 50.")
    assert "An answer is required." in dialog.findChild(QAbstractButton, "q_region_africa").accessibleDescription()
    type_into(qtbot, dialog, "imvo_fte", "1.5")
    field.editingFinished.emit()  # leaving the field
    assert error(dialog, "imvo_fte") == ""
    assert field.accessibleDescription() == hint  # the message is gone; the hint stays
    click(qtbot, dialog, "q_region_africa")
    assert dialog.findChild(QAbstractButton, "q_region_africa").accessibleDescription() == f"{region} (required)"


@pytest.mark.parametrize(("language", "shown_as"), [("nl", "0,12345"), ("en", "0.12345")])
def test_a_decimal_answer_resumes_with_every_digit(qtbot: QtBot, demo_db: Path, language: str,
                                                   shown_as: str) -> None:
    window = open_window(qtbot, demo_db, language)
    assert window.store is not None
    response_id = draft_with(window.store, {"region": "africa", "imvo_fte": 0.12345})
    dialog = AnswerDialog(window.store, response_id, window)
    dialog.open()
    field = dialog.findChild(QLineEdit, "q_imvo_fte")
    assert field.text() == shown_as
    field.editingFinished.emit()  # read back as it is shown: the same number, nothing rounded away
    dialog.close()
    assert stored(window)[1]["imvo_fte"] == 0.12345


def test_discarding_a_draft(qtbot: QtBot, demo_db: Path) -> None:
    window, workspace = survey(qtbot, demo_db)
    dialog = new_response(qtbot, workspace)
    dialog.close()
    panel = workspace.questionnaire
    panel.drafts.setCurrentRow(0)
    qtbot.mouseClick(panel.discard_button, Qt.MouseButton.LeftButton)
    box = panel.findChild(QMessageBox, "confirmDiscard")
    box.button(QMessageBox.StandardButton.Yes).click()
    assert panel.drafts.count() == 0
    assert not panel.continue_button.isEnabled()
    with window.store.read() as session:  # type: ignore[union-attr]
        assert responses.open_drafts(session) == []


def test_the_analysis_of_a_synthetic_round(qtbot: QtBot, demo_db: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, demo_db)
    assert window.store is not None
    with window.store.session() as session:
        demo.generate_round(session, 140)
    with window.store.read() as session:
        form = responses.form_of(responses.latest_form(session, responses.STUDY_FORM_ID))
        expected = analysis.analyse(session, form, language="en")
    window.go_actions[WORKSPACES.index(SURVEY)].trigger()
    workspace = window.stack.currentWidget()
    assert isinstance(workspace, SurveyWorkspace)
    workspace.tabs.setCurrentIndex(1)
    view = workspace.findChild(AnalysisView)
    assert view is not None and view.isVisible()

    notice = view.findChild(QLabel, "syntheticNotice")
    assert notice.isVisible() and notice.text().startswith("SYNTHETIC DATA")
    assert view.findChild(QLabel, "headlineRespondents").text() == "Responses analysed: 140"
    figures = {"clarity": expected.measures["clarity"], "workability": expected.measures["workability"],
               "usability": expected.measures["usability"], "all_three": expected.all_three,
               "extra_actions": expected.extra_actions}
    for name, share in figures.items():
        assert share.total > 0
        assert view.findChild(QLabel, f"headline_{name}").text() == format_percent(share.share)
    assert view.task_chart.bars[0].value.startswith(format_percent(expected.per_task_all_three["expertise"].share))
    assert [b.label.split(" (n = ")[0] for b in view.activity_chart.bars] == ["Low", "Medium", "High"]
    assert len(expected.by_region) > 1
    region_bars = {b.label: b for b in view.findChild(QWidget, "chartRegion").bars}  # type: ignore[attr-defined]
    for row in expected.by_region:
        label = f"{row.label} (n = {row.respondents})"
        assert label in region_bars
        assert region_bars[label].value.startswith(format_percent(row.all_three.share))
    actions = view.findChild(QWidget, "chartActions")
    assert [b.label for b in actions.bars] == [c.label for c in expected.actions_taken] != []  # type: ignore[attr-defined]
    assert actions.bars[0].value.startswith(str(expected.actions_taken[0].count))  # type: ignore[attr-defined]
    quotes = view.findChild(QTableWidget, "interviewQuotes")
    assert quotes.isVisible() and quotes.rowCount() == len(expected.interview_quotes) > 0
    first = expected.interview_quotes[0]
    assert [quotes.item(0, c).text() for c in (1, 2)] == [first.post_code, first.text]
    assert quotes.item(0, 0).text() not in ("", first.question)  # the theme's title, not its code
    assert view.support_chart.bars[0].label == expected.support_wished[0].label
    table = view.findChild(QTableWidget, "taskTable")
    assert table.item(4, 4).text() == format_percent(expected.per_task_all_three["agenda"].share)
    assert view.open_answers.rowCount() == len(expected.open_answers) > 0
    assert view.task_chart.sizeHint().height() > 5 * view.fontMetrics().height()

    target = tmp_path / "a.xlsx"
    assert view.export_to(target)
    sheet = openpyxl.load_workbook(target).active
    assert str(sheet["A1"].value).startswith("SYNTHETIC DATA")
    assert view.export_to(tmp_path / "a.csv")
    assert "SYNTHETIC DATA" in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    assert not view.export_to(tmp_path / "a.txt")
    box = view.findChild(QMessageBox, "errorMessage")
    assert box is not None and ".csv or .xlsx" in box.text()
    box.close()


def test_the_analysis_is_computed_only_when_needed(qtbot: QtBot, demo_db: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window, workspace = survey(qtbot, demo_db)
    calls: list[int] = []
    original = analysis.analyse

    def counted(*args: object, **kwargs: object) -> analysis.StudyAnalysis:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "analyse", counted)
    assert window.store is not None
    with window.store.session() as session:
        responses.ensure_study_form(session)  # a data file with the questionnaire: there is something to analyse
    workspace.tabs.setCurrentIndex(1)
    assert len(calls) == 1  # the first visit
    for index in (0, 2, 1, 0, 1):
        workspace.tabs.setCurrentIndex(index)
    assert len(calls) == 1  # visiting again does not compute again
    view = workspace.findChild(AnalysisView)
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert len(calls) == 2

    # A response submitted: computed again on the next visit, once.
    draft_with(window.store, COMPLETE, page=10)
    workspace.tabs.setCurrentIndex(0)
    panel = workspace.questionnaire
    panel.drafts.setCurrentRow(0)
    qtbot.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    click(qtbot, dialog_of(workspace), "submitButton")
    assert stored(window)[0].status is ResponseStatus.SUBMITTED
    message_box(workspace, "submittedMessage").close()
    assert len(calls) == 2
    workspace.tabs.setCurrentIndex(1)
    assert len(calls) == 3
    assert view.findChild(QLabel, "headlineRespondents").text() == "Responses analysed: 1"
    workspace.tabs.setCurrentIndex(0)
    workspace.tabs.setCurrentIndex(1)
    assert len(calls) == 3


def test_an_interview_note_from_draft_to_final(qtbot: QtBot, demo_db: Path) -> None:
    window, workspace = survey(qtbot, demo_db)
    workspace.tabs.setCurrentIndex(2)
    panel = workspace.findChild(InterviewsPanel)
    assert panel is not None and panel.table.rowCount() == 0
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dialog = panel.findChild(InterviewDialog)
    assert dialog is not None and dialog.isVisible()
    assert "least clear" in dialog.guide_view.toPlainText()  # the guide's questions beside the form
    assert "least clear" in dialog.theme_boxes["clarity"].toolTip()

    dialog.held_on.setDate(dt.date(2026, 3, 12))
    qtbot.keyClicks(dialog.role, "Deputy head of post")
    dialog.region.setCurrentIndex(dialog.region.findData("africa"))
    assert dialog.region.currentText() == "Africa (south of the Sahara)"
    dialog.activity.setCurrentIndex(dialog.activity.findData("medium"))
    qtbot.mouseClick(dialog.final_button, Qt.MouseButton.LeftButton)  # no theme yet
    assert "at least one theme" in dialog.errors.message("themes")
    assert panel.table.rowCount() == 0

    dialog.theme_boxes["clarity"].setChecked(True)
    dialog.theme_boxes["support_needs"].setChecked(True)
    qtbot.mouseClick(dialog.add_quote_button, Qt.MouseButton.LeftButton)
    dialog.quotes.item(0, 1).setText("The toolkit is clear, but we lack the time.")
    dialog.quotes.cellWidget(0, 0).setCurrentIndex(1)  # the first theme: clarity
    dialog.follow_ups.setPlainText("Send the templates\n\nCall back in May")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Draft" in dialog.state.text()
    assert panel.table.rowCount() == 1 and panel.table.item(0, 4).text() == "Draft"

    qtbot.mouseClick(dialog.final_button, Qt.MouseButton.LeftButton)
    assert "Final" in dialog.state.text()
    assert not dialog.save_button.isEnabled() and not dialog.role.isEnabled() and dialog.notes.isReadOnly()
    assert panel.table.rowCount() == 1
    assert [panel.table.item(0, c).text() for c in (1, 2, 3, 4)] == [
        "Deputy head of post", "HAN", "Clarity, Support needs", "Final"]
    with window.store.read() as session:  # type: ignore[union-attr]
        note = session.scalars(select(InterviewNote)).one()
        assert note.status is InterviewStatus.FINAL and note.held_on == dt.date(2026, 3, 12)
        assert (note.region, note.business_activity) == ("africa", "medium")
        assert note.quotes == [{"theme": "clarity", "text": "The toolkit is clear, but we lack the time."}]
        assert note.follow_ups == ["Send the templates", "Call back in May"]
        assert session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == note.id)).one()
    dialog.close()
    panel.open_note(0)  # reopened, a final note stays read-only
    reopened = next(d for d in panel.findChildren(InterviewDialog) if d.isVisible())
    assert reopened.role.text() == "Deputy head of post" and not reopened.final_button.isEnabled()


def test_closing_an_interview_note_with_changes_asks_first(qtbot: QtBot, demo_db: Path) -> None:
    window, workspace = survey(qtbot, demo_db)
    workspace.tabs.setCurrentIndex(2)
    panel = workspace.findChild(InterviewsPanel)
    assert panel is not None
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in panel.findChildren(InterviewDialog) if d.isVisible())
    qtbot.keyClicks(dialog.role, "Trade officer")

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    box = message_box(dialog, "unsavedInterview")
    box.findChild(QPushButton, "keepEditing").click()
    assert dialog.isVisible() and dialog.role.text() == "Trade officer"

    qtbot.keyClick(dialog.role, Qt.Key.Key_Escape)  # Esc asks too
    message_box(dialog, "unsavedInterview").findChild(QPushButton, "discardChanges").click()
    assert not dialog.isVisible()
    with window.store.read() as session:  # type: ignore[union-attr]
        assert session.scalars(select(InterviewNote)).all() == []

    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in panel.findChildren(InterviewDialog) if d.isVisible())
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)  # nothing changed: nothing to ask
    assert not dialog.isVisible() and not dialog.findChildren(QMessageBox, "unsavedInterview")

    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in panel.findChildren(InterviewDialog) if d.isVisible())
    qtbot.keyClicks(dialog.role, "Trade officer")
    dialog.theme_boxes["clarity"].setChecked(True)
    dialog.close()
    message_box(dialog, "unsavedInterview").findChild(QPushButton, "saveChanges").click()
    assert not dialog.isVisible()
    assert panel.table.rowCount() == 1 and panel.table.item(0, 4).text() == "Draft"
    with window.store.read() as session:  # type: ignore[union-attr]
        note = session.scalars(select(InterviewNote)).one()
        assert note.status is InterviewStatus.DRAFT and note.interviewee_role == "Trade officer"

    panel.open_note(0)  # reopened and closed unchanged: loading the note is no change
    dialog = next(d for d in panel.findChildren(InterviewDialog) if d.isVisible())
    assert dialog.role.text() == "Trade officer" and not dialog.dirty
    dialog.close()
    assert not dialog.isVisible() and not dialog.findChildren(QMessageBox, "unsavedInterview")
