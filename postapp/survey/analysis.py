"""The analysis of the usability study, reproducible on any set of responses.

The study asked posts to rate the guidelines for clarity, workability and user-friendliness on a
five-point scale; a rating of 4 or 5 counts as "yes". The responses are read once, in any
database the models run on (a post's SQLite, HQ's PostgreSQL), and counted in Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from postapp.coretasks import CoreTask
from postapp.errors import PostAppError
from postapp.i18n import N_, _
from postapp.survey.form import Form
from postapp.survey.models import InterviewNote, InterviewStatus, ResponseStatus, SurveyResponse

MEASURES = ("clarity", "workability", "usability")
MEASURE_LABELS = {"clarity": N_("Clear"), "workability": N_("Workable"), "usability": N_("User-friendly")}
TASKS = tuple(task.value for task in CoreTask)
POSITIVE_FROM = 4
OVERALL = tuple(f"overall_{m}" for m in MEASURES)
REGION, ACTIVITY, ACTIONS, ACTIONS_WHICH, SUPPORT = (
    "region", "business_activity", "extra_actions", "actions_which", "support_wished")
OPEN_QUESTIONS = ("remarks", "actions_other", "support_other")
NO_ACTIONS = "none"


def rating_name(measure: str, task: str) -> str:
    return f"{measure}_{task}"


RATINGS = OVERALL + tuple(rating_name(m, t) for t in TASKS for m in MEASURES)
REQUIRED = (*RATINGS, REGION, ACTIVITY, ACTIONS, ACTIONS_WHICH, SUPPORT)


@dataclass(frozen=True)
class Share:
    positive: int
    total: int

    @property
    def share(self) -> float | None:
        return self.positive / self.total if self.total else None


@dataclass(frozen=True)
class Breakdown:
    """One group of respondents (a region, a level of Dutch business activity)."""

    value: str
    label: str
    respondents: int
    all_three: Share
    extra_actions: Share


@dataclass(frozen=True)
class Count:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class OpenAnswer:
    question: str
    post_code: str
    text: str


@dataclass
class StudyAnalysis:
    form_id: str
    respondents: int
    synthetic: int  # how many of the records counted (responses and interview notes) are synthetic
    synthetic_responses: int = 0
    measures: dict[str, Share] = field(default_factory=dict)
    all_three: Share = Share(0, 0)
    per_task: dict[tuple[str, str], Share] = field(default_factory=dict)  # (task, measure)
    per_task_all_three: dict[str, Share] = field(default_factory=dict)
    by_region: list[Breakdown] = field(default_factory=list)
    by_activity: list[Breakdown] = field(default_factory=list)
    extra_actions: Share = Share(0, 0)
    action_status: list[Count] = field(default_factory=list)
    actions_taken: list[Count] = field(default_factory=list)
    support_wished: list[Count] = field(default_factory=list)
    support_respondents: int = 0
    open_answers: list[OpenAnswer] = field(default_factory=list)
    interviews: int = 0
    interview_themes: list[Count] = field(default_factory=list)
    interview_quotes: list[OpenAnswer] = field(default_factory=list)

    @property
    def is_synthetic(self) -> bool:
        return self.synthetic > 0


def check_form(form: Form) -> None:
    """Refuses a questionnaire that lacks the study's questions, naming the first one missing."""
    names = {q.name for q in form.questions()}
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise PostAppError(_("Questionnaire {form} cannot be analysed as the usability study: it has no question "
                             "{name}.").format(form=form.form_id, name=missing[0]))


def selection(form_id: str, *, post_codes: Sequence[str] | None = None,
              synthetic: bool | None = None) -> Select[Any]:
    """The responses the analysis counts: submitted, not deleted, of this questionnaire (any version)."""
    query = select(SurveyResponse.post_code, SurveyResponse.synthetic, SurveyResponse.answers).where(
        SurveyResponse.form_id == form_id, SurveyResponse.status == ResponseStatus.SUBMITTED,
        SurveyResponse.deleted_at.is_(None))
    if post_codes is not None:
        query = query.where(SurveyResponse.post_code.in_(list(post_codes)))
    if synthetic is not None:
        query = query.where(SurveyResponse.synthetic.is_(synthetic))
    return query.order_by(SurveyResponse.post_code, SurveyResponse.submitted_at)


def _positive_values(form: Form) -> frozenset[object]:
    """The rating answers that count as "yes": the options of the scale worth 4 or more."""
    values: set[object] = set()
    for name in RATINGS:
        question = form.question(name)
        for choice in form.choices.get(question.list_name or "", ()):
            try:
                if float(choice.name) >= POSITIVE_FROM:
                    values.add(choice.name)
            except ValueError:
                continue
    return frozenset(values)


def analyse(session: Session, form: Form, *, post_codes: Sequence[str] | None = None,
            synthetic: bool | None = None, language: str = "") -> StudyAnalysis:
    """The study's findings over the submitted responses to ``form.form_id``; ``form`` (usually the
    latest version) gives the labels. Optionally only some posts, or only real or synthetic data.

    One pass over the responses reduces each to a key: which ratings it has and which are 4 or 5 (two
    bit masks), its region, business activity and extra-actions answer. Responses with the same key are
    counted together, and every share is then computed from those few thousand keys."""
    check_form(form)
    positive_values = _positive_values(form)
    bits = [(name, 1 << i) for i, name in enumerate(RATINGS)]
    keys: Counter[tuple[int, int, object, object, object]] = Counter()
    options: dict[str, Counter[str]] = {ACTIONS_WHICH: Counter(), SUPPORT: Counter()}
    support_respondents = respondents = synthetic_count = 0
    open_answers: list[OpenAnswer] = []
    # Core rows rather than ORM rows: a third of the time for ten thousand responses.
    for post_code, is_synthetic, answers in session.connection().execute(
            selection(form.form_id, post_codes=post_codes, synthetic=synthetic)):
        respondents += 1
        synthetic_count += bool(is_synthetic)
        get = answers.get
        answered = positive = 0
        for name, bit in bits:
            value = get(name)
            if value is not None:
                answered |= bit
                if value in positive_values:
                    positive |= bit
        keys[(answered, positive, get(REGION), get(ACTIVITY), get(ACTIONS))] += 1
        for name in (ACTIONS_WHICH, SUPPORT):
            chosen = get(name)
            if chosen and isinstance(chosen, list):  # a list: guards against an older version's text answer
                options[name].update(str(option) for option in chosen)
                support_respondents += name == SUPPORT
        for name in OPEN_QUESTIONS:
            text = get(name)
            if text:
                open_answers.append(OpenAnswer(name, post_code, str(text)))

    result = StudyAnalysis(form_id=form.form_id, respondents=respondents, synthetic=synthetic_count,
                           synthetic_responses=synthetic_count, support_respondents=support_respondents)
    result.open_answers = sorted(open_answers, key=lambda a: OPEN_QUESTIONS.index(a.question))
    _shares(form, result, keys, language)
    status_counts: Counter[str] = Counter()
    for (_a, _p, _region, _activity, actions), n in keys.items():
        if actions is not None:
            status_counts[str(actions)] += n
    result.action_status = _counts(form, ACTIONS, list(status_counts.items()), language, ranked=False)
    result.actions_taken = _counts(form, ACTIONS_WHICH, list(options[ACTIONS_WHICH].items()), language, ranked=True)
    result.support_wished = _counts(form, SUPPORT, list(options[SUPPORT].items()), language, ranked=True)
    _interviews(session, result, post_codes, synthetic, language)
    return result


def _shares(form: Form, result: StudyAnalysis, keys: Counter[tuple[int, int, object, object, object]],
            language: str) -> None:
    index = {name: i for i, name in enumerate(RATINGS)}
    sets = {"overall": OVERALL, **{task: tuple(rating_name(m, task) for m in MEASURES) for task in TASKS}}
    masks = {key: sum(1 << index[name] for name in names) for key, names in sets.items()}
    per_name = {name: [0, 0] for name in RATINGS}
    per_set = {key: [0, 0] for key in sets}
    groups: dict[str, dict[object, list[int]]] = {REGION: {}, ACTIVITY: {}}
    for (answered, positive, region, activity, actions), n in keys.items():
        for name, i in index.items():
            if answered >> i & 1:
                counts = per_name[name]
                counts[0] += n
                counts[1] += n * (positive >> i & 1)
        for key, mask in masks.items():
            if answered & mask == mask:
                per_set[key][0] += n
                per_set[key][1] += n * (positive & mask == mask)
        overall = masks["overall"]
        for question, value in ((REGION, region), (ACTIVITY, activity)):
            row = groups[question].setdefault(value, [0, 0, 0, 0, 0])
            row[0] += n
            if answered & overall == overall:
                row[1] += n
                row[2] += n * (positive & overall == overall)
            if actions is not None:
                row[3] += n
                row[4] += n * (actions != NO_ACTIONS)
    for measure in MEASURES:
        total, yes = per_name[f"overall_{measure}"]
        result.measures[measure] = Share(yes, total)
        for task in TASKS:
            total, yes = per_name[rating_name(measure, task)]
            result.per_task[(task, measure)] = Share(yes, total)
    result.all_three = Share(per_set["overall"][1], per_set["overall"][0])
    result.per_task_all_three = {task: Share(per_set[task][1], per_set[task][0]) for task in TASKS}
    acted = [0, 0]
    for row in groups[REGION].values():
        acted[0] += row[3]
        acted[1] += row[4]
    result.extra_actions = Share(acted[1], acted[0])
    for question, target in ((REGION, result.by_region), (ACTIVITY, result.by_activity)):
        order = _choice_order(form, question)
        for value, row in sorted(groups[question].items(), key=lambda item: order.get(str(item[0]), len(order))):
            key = "" if value is None else str(value)
            target.append(Breakdown(key, _choice_label(form, question, key, language), row[0],
                                    Share(row[2], row[1]), Share(row[4], row[3])))


def _interviews(session: Session, result: StudyAnalysis, post_codes: Sequence[str] | None,
                synthetic: bool | None, language: str) -> None:
    query = select(InterviewNote).where(InterviewNote.status == InterviewStatus.FINAL,
                                        InterviewNote.deleted_at.is_(None))
    if post_codes is not None:
        query = query.where(InterviewNote.post_code.in_(list(post_codes)))
    if synthetic is not None:
        query = query.where(InterviewNote.synthetic.is_(synthetic))
    themes: dict[str, int] = {}
    for note in session.scalars(query.order_by(InterviewNote.held_on)):
        result.interviews += 1
        result.synthetic += int(note.synthetic)
        for theme in dict.fromkeys(note.themes):
            themes[theme] = themes.get(theme, 0) + 1
        result.interview_quotes += [OpenAnswer(str(q.get("theme", "")), note.post_code, str(q.get("text", "")))
                                    for q in note.quotes if q.get("text")]
    from postapp.survey.interviews import theme_title

    result.interview_themes = [Count(code, theme_title(code, language), n)
                               for code, n in sorted(themes.items(), key=lambda item: (-item[1], item[0]))]


def _choice_order(form: Form, question_name: str) -> dict[str, int]:
    question = form.question(question_name)
    return {c.name: i for i, c in enumerate(form.choices.get(question.list_name or "", ()))}


def _choice_label(form: Form, question_name: str, value: str, language: str) -> str:
    if not value:
        return _("Not answered")
    list_name = form.question(question_name).list_name or ""
    return form.choice_label(list_name, value, language)


def _counts(form: Form, question_name: str, rows: list[tuple[str, int]], language: str, *,
            ranked: bool) -> list[Count]:
    order = _choice_order(form, question_name)
    counts = [Count(value, _choice_label(form, question_name, value, language), n) for value, n in rows]
    if ranked:
        return sorted(counts, key=lambda c: (-c.count, order.get(c.value, len(order))))
    return sorted(counts, key=lambda c: order.get(c.value, len(order)))
