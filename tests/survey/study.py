"""Helpers for tests on the shipped study questionnaire: complete answers and variants of the file."""

from __future__ import annotations

import io
import uuid
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from postapp.coretasks import CoreTask
from postapp.survey import responses
from postapp.survey.form import AnswerValue

MEASURES = ("clarity", "workability", "usability")


def complete_answers(*, overall: tuple[int, int, int] = (4, 4, 4), tasks: int | tuple[int, int, int] = 4,
                     **overrides: Any) -> dict[str, AnswerValue | None]:
    """A response that passes every rule of the study form; overrides replace single answers."""
    task_scores = (tasks, tasks, tasks) if isinstance(tasks, int) else tasks
    answers: dict[str, AnswerValue | None] = {
        "region": "africa", "business_activity": "medium", "role": "economic_officer", "extra_actions": "none"}
    for measure, score in zip(MEASURES, overall, strict=True):
        answers[f"overall_{measure}"] = str(score)
    for task in CoreTask:
        for measure, score in zip(MEASURES, task_scores, strict=True):
            answers[f"{measure}_{task.value}"] = str(score)
    answers.update(overrides)
    return answers


def submit_response(session: Session, answers: dict[str, AnswerValue | None], *, post_code: str = "HAN",
                    submit: bool = True) -> uuid.UUID:
    record = responses.ensure_study_form(session)
    response = responses.start_response(session, record, post_code=post_code, language="en")
    responses.save_answers(session, response.id, answers)
    if submit:
        responses.submit(session, response.id, "en")
    return response.id


def study_form_variant(*, version: str | None = None, relabel: str | None = None) -> bytes:
    """The shipped study form with another version and/or the first question relabelled."""
    workbook = load_workbook(io.BytesIO(responses.STUDY_FORM_FILE.read_bytes()))
    if version is not None:
        settings = workbook["settings"]
        header = [cell.value for cell in settings[1]]
        settings.cell(row=2, column=header.index("version") + 1, value=version)
    if relabel is not None:
        survey = workbook["survey"]
        header = [cell.value for cell in survey[1]]
        column = header.index("label::English (en)") + 1
        for row in range(2, survey.max_row + 1):
            if survey.cell(row=row, column=header.index("name") + 1).value == "region":
                survey.cell(row=row, column=column, value=relabel)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
