"""The five core tasks of a post, the spine of the app (``shared/DESIGN.md``, "The domain")."""

import enum

from postapp.i18n import N_


class CoreTask(enum.StrEnum):
    EXPERTISE = "expertise"
    AWARENESS = "awareness"
    SUPPORT = "support"
    CONDITIONS = "conditions"
    AGENDA = "agenda"

    @property
    def number(self) -> int:
        return list(CoreTask).index(self) + 1

    @property
    def label(self) -> str:
        """Untranslated label; show it through ``_()``."""
        return _LABELS[self]


_LABELS = {
    CoreTask.EXPERTISE: N_("Build expertise"),
    CoreTask.AWARENESS: N_("Create awareness"),
    CoreTask.SUPPORT: N_("Support Dutch companies"),
    CoreTask.CONDITIONS: N_("Apply IMVO conditions"),
    CoreTask.AGENDA: N_("Put IMVO on the agenda"),
}
