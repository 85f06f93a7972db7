"""The post guidelines shipped in resources/guidelines: complete in both languages, and damage is reported."""

import json
import shutil
from pathlib import Path

import pytest

from postapp import guidelines
from postapp.domain import CoreTask
from postapp.errors import PostAppError


@pytest.fixture(autouse=True)
def fresh_cache():
    guidelines.load.cache_clear()
    yield
    guidelines.load.cache_clear()


@pytest.mark.parametrize("task", list(CoreTask))
def test_every_task_has_complete_guidelines(task):
    g = guidelines.load(task)
    assert g.task is task
    for text in (g.title, g.purpose):
        assert text["nl"].strip() and text["en"].strip()
        assert text["nl"] != text["en"]
    assert len(g.tools) >= 2
    for tool in g.tools:
        assert tool.kind in {"checklist", "template"}
        assert tool.title["nl"].strip() and tool.title["en"].strip()
        assert tool.items["nl"] and all(item.strip() for item in tool.items["nl"])
        assert len(tool.items["nl"]) == len(tool.items["en"])
        assert all(item.strip() for item in tool.items["en"])
        assert tool.items_in("en") == tool.items["en"]
        assert tool.items_in("nl") == tool.items["nl"]
    assert len(g.examples) >= 2
    for example in g.examples:
        assert example.title["nl"].strip() and example.title["en"].strip()
        assert example.text["nl"].strip() and example.text["en"].strip()


def test_all_five_files_exist_and_are_the_only_ones():
    files = sorted(p.stem for p in guidelines.guidelines_dir().glob("*.json"))
    assert files == sorted(t.value for t in CoreTask)


def test_pick_falls_back_to_english_then_dutch():
    assert guidelines.pick({"nl": "Hallo", "en": "Hello"}, "nl") == "Hallo"
    assert guidelines.pick({"nl": "Hallo", "en": "Hello"}, "fr") == "Hello"
    assert guidelines.pick({"nl": "Hallo"}, "en") == "Hallo"
    assert guidelines.pick({}, "en") == ""


def copy_of_guidelines(tmp_path: Path) -> Path:
    folder = tmp_path / "guidelines"
    shutil.copytree(guidelines.guidelines_dir(), folder)
    return folder


def test_a_copied_folder_loads(tmp_path):
    folder = copy_of_guidelines(tmp_path)
    assert guidelines.load(CoreTask.SUPPORT, folder) == guidelines.load(CoreTask.SUPPORT)


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],  # cut off half-way
    lambda text: "",  # empty
    lambda text: text.replace('"tools"', '"t00ls"'),  # a required key renamed
    lambda text: json.dumps([1, 2, 3]),  # valid JSON, wrong shape
    lambda text: json.dumps({**json.loads(text), "task": "sixth"}),  # unknown task
    lambda text: json.dumps({**json.loads(text), "tools": [{"kind": "checklist"}]}),
])
def test_a_damaged_file_raises_postapp_error(tmp_path, damage):
    folder = copy_of_guidelines(tmp_path)
    path = folder / "awareness.json"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PostAppError) as info:
        guidelines.load(CoreTask.AWARENESS, folder)
    assert "awareness.json" in str(info.value)
    # The other tasks in the same folder are unaffected.
    assert guidelines.load(CoreTask.AGENDA, folder).task is CoreTask.AGENDA


def test_a_missing_file_raises_postapp_error(tmp_path):
    with pytest.raises(PostAppError) as info:
        guidelines.load(CoreTask.EXPERTISE, tmp_path)
    assert "expertise.json" in str(info.value)


def test_guideline_content_from_hq_takes_the_place_of_the_shipped_file(tmp_path, monkeypatch):
    from postapp.conditions import risk_data

    monkeypatch.setattr("postapp.paths.user_data_dir", lambda: tmp_path)
    shipped = guidelines.guidelines_dir() / "expertise.json"
    raw = json.loads(shipped.read_text(encoding="utf-8"))
    raw["title"] = {"nl": "Nieuw van het departement", "en": "New from headquarters"}
    target = tmp_path / "hq" / "guidelines" / "expertise.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(raw), encoding="utf-8")
    guidelines.load.cache_clear()
    risk_data.load.cache_clear()
    try:
        assert guidelines.load(CoreTask.EXPERTISE).title["en"] == "New from headquarters"
        shipped_awareness = guidelines.load(CoreTask.AWARENESS, guidelines.guidelines_dir())
        assert guidelines.load(CoreTask.AWARENESS).title == shipped_awareness.title
        assert risk_data.load() == risk_data.load(risk_data.risk_file())  # no HQ risk file: the shipped one
    finally:
        guidelines.load.cache_clear()
        risk_data.load.cache_clear()
