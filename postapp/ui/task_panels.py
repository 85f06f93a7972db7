"""The records a core task keeps besides its activities (events, support cases, the agenda log,
knowledge notes), shown as tabs beside the activities in that task's workspace.

Each panel is a ``QWidget`` with ``attach_store(store)``, ``set_post_code(code)`` and a ``changed``
signal; it is imported only when its workspace is first visited, so start-up pays nothing for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtWidgets import QWidget

from postapp.coretasks import CoreTask
from postapp.i18n import N_


class PanelSpec(NamedTuple):
    module: str  # e.g. "postapp.ui.events_panel"
    factory: str  # a class (or function) in it taking no arguments
    label: str  # the tab's title, marked with N_ and translated when shown
    object_name: str


# Order is the order of the tabs, before the Activities tab. Each team member adds the panel of the
# records they built here (one line per panel).
PANELS: dict[CoreTask, list[PanelSpec]] = {
    CoreTask.EXPERTISE: [
        PanelSpec("postapp.ui.expertise_panel", "KnowledgeNotesPanel", N_("Kno&wledge notes"), "notesPanel"),
        PanelSpec("postapp.ui.risk_profile_panel", "RiskProfilePanel", N_("Risk &profile"), "riskProfilePanel"),
        PanelSpec("postapp.ui.stakeholders_panel", "StakeholdersPanel", N_("Sta&keholders"), "stakeholdersPanel"),
    ],
    CoreTask.AWARENESS: [
        PanelSpec("postapp.ui.events_panel", "awareness_events_panel", N_("&Events"), "eventsPanel"),
    ],
    CoreTask.SUPPORT: [
        PanelSpec("postapp.ui.cases_panel", "CasesPanel", N_("Support &cases"), "casesPanel"),
    ],
    CoreTask.CONDITIONS: [],
    CoreTask.AGENDA: [
        PanelSpec("postapp.ui.events_panel", "agenda_events_panel", N_("&Events"), "eventsPanel"),
        PanelSpec("postapp.ui.agenda_panel", "AgendaPanel", N_("Agenda &log"), "agendaPanel"),
    ],
}


def build_panels(task: CoreTask) -> list[tuple[str, QWidget]]:
    """The panels of ``task`` as (untranslated label, widget)."""
    built = []
    for spec in PANELS[task]:
        factory: Callable[[], QWidget] = getattr(importlib.import_module(spec.module), spec.factory)
        widget = factory()
        widget.setObjectName(spec.object_name)
        built.append((spec.label, widget))
    return built
