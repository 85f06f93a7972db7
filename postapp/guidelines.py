"""The post guidelines per core task, read from ``resources/guidelines/<task>.json``.

The content is data, not code, so headquarters can later send updated files through sync; the app
only shows it. Each text is held in Dutch and English and picked for the chosen language.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

from postapp.coretasks import CoreTask
from postapp.errors import PostAppError
from postapp.i18n import _
from postapp.paths import resources_dir

Localised = dict[str, str]


def pick(text: Localised, language: str) -> str:
    """The text in ``language``, else English, else Dutch: an untranslated entry still shows."""
    return text.get(language) or text.get("en") or text.get("nl") or ""


class Tool(NamedTuple):
    kind: str  # "checklist" or "template"
    title: Localised
    items: dict[str, list[str]]

    def items_in(self, language: str) -> list[str]:
        return self.items.get(language) or self.items.get("en") or self.items.get("nl") or []


class Example(NamedTuple):
    title: Localised
    text: Localised
    post: str


class Guideline(NamedTuple):
    task: CoreTask
    title: Localised
    purpose: Localised
    tools: tuple[Tool, ...]
    examples: tuple[Example, ...]
    source: str


def guidelines_dir() -> Path:
    return resources_dir() / "guidelines"


def parse(raw: dict[str, object], origin: str) -> Guideline:
    try:
        tools = tuple(Tool(str(t["kind"]), dict(t["title"]), {k: list(v) for k, v in dict(t["items"]).items()})
                      for t in raw["tools"])  # type: ignore[attr-defined]
        examples = tuple(Example(dict(e["title"]), dict(e["text"]), str(e.get("post", "")))
                         for e in raw["examples"])  # type: ignore[attr-defined]
        return Guideline(CoreTask(str(raw["task"])), dict(raw["title"]),  # type: ignore[call-overload]
                         dict(raw["purpose"]), tools, examples,  # type: ignore[call-overload]
                         str(raw.get("source", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise PostAppError(_("The guideline file {name} is damaged ({problem}).").format(
            name=origin, problem=exc)) from exc


def hq_guidelines_dir() -> Path:
    """Guideline content sent by HQ through sync; it takes the place of the shipped file of that task."""
    from postapp.paths import user_data_dir

    return user_data_dir() / "hq" / "guidelines"


@cache
def load(task: CoreTask, folder: Path | None = None) -> Guideline:
    if folder is None:
        from_hq = hq_guidelines_dir() / f"{task.value}.json"
        folder = from_hq.parent if from_hq.is_file() else guidelines_dir()
    path = folder / f"{task.value}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PostAppError(_("The guideline file {name} cannot be read ({problem}).").format(
            name=path.name, problem=exc)) from exc
    return parse(raw, path.name)
