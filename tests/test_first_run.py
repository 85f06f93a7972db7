"""The first run's core: choices checked before anything is written, applied in order, and
``first_run_done`` only after everything succeeded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

import postapp.paths
from postapp import demo
from postapp.domain import Person
from postapp.errors import ValidationError
from postapp.i18n import set_language
from postapp.services import first_run
from postapp.services.first_run import Choices, FirstRunError
from postapp.store import open_store
from postapp.survey.models import SurveyResponse
from postapp.sync import keys
from postapp.sync.enrolment import state, write_enrolment

HQ_ID = "hq-nl"


@dataclass
class FakePrefs:
    language: str = "nl"
    post_code: str = "HAN"
    post_name: str = "Ambassade Hanoi"
    country: str = "VN"
    user_name: str = "login"
    data_file: str = ""
    first_run_done: bool = False
    synced: int = 0

    def sync(self) -> None:
        self.synced += 1


UNTOUCHED = FakePrefs()


def enrolment_file(folder: Path) -> Path:
    """An enrolment file as headquarters makes it, for post HAN."""
    path = folder / "enrol-HAN.json"
    write_enrolment(path, hq_id=HQ_ID, server_url="https://hq.example.org", hq=keys.generate(), post_code="HAN",
                    post_name="Hanoi", country="VN")
    return path


@pytest.fixture
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-data"
    folder.mkdir()
    monkeypatch.setattr(postapp.paths, "user_data_dir", lambda: folder)
    return folder


def choices(**changes: object) -> Choices:
    base: dict[str, object] = {"language": "en", "post_code": "nbo", "post_name": "Embassy in Nairobi",
                               "country": "ke", "user_name": "Anouk de Vries"}
    base.update(changes)
    return Choices(**base)  # type: ignore[arg-type]


def persons(path: Path) -> int:
    store = open_store(path)
    try:
        with store.read() as session:
            return int(session.scalar(select(func.count()).select_from(Person)) or 0)
    finally:
        store.close()


def test_choices_are_applied_with_demo_data_in_a_chosen_folder(tmp_path: Path, user_data: Path) -> None:
    prefs = FakePrefs()
    folder = tmp_path / "my data"
    steps: list[str] = []

    def progress(step: str, done: int, total: int) -> bool:
        steps.append(step)
        return True

    outcome = first_run.apply(choices(demo=True, data_folder=folder), prefs, keys_folder=tmp_path / "keys",
                              progress=progress)
    assert outcome.data_file == folder / "postapp.sqlite3" and outcome.data_file.exists()
    assert outcome.demo_added
    assert (prefs.language, prefs.post_code, prefs.post_name, prefs.country, prefs.user_name) == (
        "en", "NBO", "Embassy in Nairobi", "KE", "Anouk de Vries")
    assert prefs.data_file == str(folder / "postapp.sqlite3")
    assert prefs.first_run_done and prefs.synced == 1
    assert persons(outcome.data_file) == first_run.DEMO_PERSONS
    store = open_store(outcome.data_file)
    try:
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(SurveyResponse)) == first_run.DEMO_SURVEY_POSTS
    finally:
        store.close()
    assert "Creating demo data…" in steps
    assert any("Created the data file" in line for line in outcome.done)
    assert not (user_data / "postapp.sqlite3").exists()  # the default place was not used


def test_the_default_place_leaves_the_data_file_preference_empty(tmp_path: Path, user_data: Path) -> None:
    prefs = FakePrefs(data_file="/somewhere/old.sqlite3")
    outcome = first_run.apply(choices(), prefs, keys_folder=tmp_path / "keys")
    assert outcome.data_file == user_data / "postapp.sqlite3" and outcome.data_file.exists()
    assert prefs.data_file == "" and prefs.first_run_done
    assert persons(outcome.data_file) == 0 and not outcome.demo_added


def test_a_folder_that_cannot_be_written_is_refused_before_anything_is_written(tmp_path: Path,
                                                                               user_data: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    prefs = FakePrefs()
    with pytest.raises(ValidationError) as raised:
        first_run.apply(choices(demo=True, data_folder=blocker / "data"), prefs, keys_folder=tmp_path / "keys")
    assert "cannot write in" in raised.value.errors["data_folder"]
    assert prefs == UNTOUCHED
    with pytest.raises(ValidationError) as raised:
        first_run.check_writable(blocker)
    assert "is a file, not a folder" in raised.value.errors["data_folder"]
    assert not list(user_data.iterdir())


def test_a_broken_enrolment_file_is_refused_and_nothing_else_is_applied(tmp_path: Path, user_data: Path) -> None:
    broken = enrolment_file(tmp_path)
    document = json.loads(broken.read_text("utf-8"))
    document["post"]["code"] = "XYZ"  # the signature no longer matches
    broken.write_text(json.dumps(document), "utf-8")
    prefs = FakePrefs()
    folder = tmp_path / "data"
    with pytest.raises(ValidationError) as raised:
        first_run.apply(choices(demo=True, enrolment_file=broken, data_folder=folder), prefs,
                        keys_folder=tmp_path / "keys")
    assert "signature" in raised.value.errors["enrolment_file"]
    assert set(raised.value.errors) == {"enrolment_file"}
    assert prefs == UNTOUCHED
    assert not (folder / "postapp.sqlite3").exists() and not (tmp_path / "keys").exists()
    junk = tmp_path / "junk.json"
    junk.write_text("{not json", "utf-8")
    with pytest.raises(ValidationError) as raised:
        first_run.read_enrolment_file(junk)
    assert "is not a valid enrolment file" in raised.value.errors["enrolment_file"]


def test_an_enrolment_names_the_post(tmp_path: Path, user_data: Path) -> None:
    prefs = FakePrefs()
    outcome = first_run.apply(choices(enrolment_file=enrolment_file(tmp_path), data_folder=tmp_path / "data"),
                              prefs, keys_folder=tmp_path / "keys")
    assert outcome.enrolled_post == "HAN"
    assert (prefs.post_code, prefs.post_name, prefs.country) == ("HAN", "Hanoi", "VN")  # the file's, not typed
    assert (tmp_path / "keys").is_dir()
    store = open_store(outcome.data_file)
    try:
        with store.read() as session:
            found = state(session)
            assert found is not None and (found.hq_id, found.post_code) == (HQ_ID, "HAN")
    finally:
        store.close()


def test_demo_data_goes_only_into_an_empty_store(tmp_path: Path, user_data: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    store = open_store(folder / "postapp.sqlite3")
    with store.session() as session:
        demo.fill(session, 3)
    store.close()
    before = persons(folder / "postapp.sqlite3")
    prefs = FakePrefs()
    outcome = first_run.apply(choices(demo=True, data_folder=folder), prefs, keys_folder=tmp_path / "keys")
    assert not outcome.demo_added and prefs.first_run_done
    assert persons(outcome.data_file) == before
    assert any("Opened the existing data file" in line for line in outcome.done)
    assert any("no demo data was added" in line for line in outcome.done)


def test_a_failure_after_the_store_was_made_keeps_it_empty_and_the_first_run_open(
        tmp_path: Path, user_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import postapp.sync.enrolment

    def failing_enrol(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(postapp.sync.enrolment, "enrol", failing_enrol)
    prefs = FakePrefs()
    folder = tmp_path / "data"
    with pytest.raises(FirstRunError) as raised:
        first_run.apply(choices(demo=True, enrolment_file=enrolment_file(tmp_path), data_folder=folder), prefs,
                        keys_folder=tmp_path / "keys")
    assert "Nothing of the demo data or the enrolment was kept" in str(raised.value)
    # The file it had just made goes too: left behind, it would make the next start skip the wizard.
    assert raised.value.done == ["The new data file was removed again."]
    assert prefs == UNTOUCHED
    assert not (folder / "postapp.sqlite3").exists()


def test_a_failure_keeps_a_data_file_that_was_there_before_as_it_was(
        tmp_path: Path, user_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import postapp.sync.enrolment
    from postapp.store import open_store

    folder = tmp_path / "data"
    folder.mkdir()
    open_store(folder / "postapp.sqlite3").close()

    def failing_enrol(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(postapp.sync.enrolment, "enrol", failing_enrol)
    with pytest.raises(FirstRunError) as raised:
        first_run.apply(choices(demo=True, enrolment_file=enrolment_file(tmp_path), data_folder=folder),
                        FakePrefs(), keys_folder=tmp_path / "keys")
    assert "Opened the existing data file" in raised.value.done[0]
    assert persons(folder / "postapp.sqlite3") == 0  # the demo went with the failed enrolment


def test_cancelling_the_demo_leaves_the_store_empty(tmp_path: Path, user_data: Path) -> None:
    prefs = FakePrefs()
    folder = tmp_path / "data"
    with pytest.raises(FirstRunError, match="cancelled"):
        first_run.apply(choices(demo=True, data_folder=folder), prefs, keys_folder=tmp_path / "keys",
                        progress=lambda step, done, total: done == 0)
    assert prefs == UNTOUCHED and not (folder / "postapp.sqlite3").exists()


def test_the_post_is_checked_field_by_field() -> None:
    with pytest.raises(ValidationError) as raised:
        first_run.check_post("", " ", "")
    assert set(raised.value.errors) == {"post_code", "post_name", "country"}
    with pytest.raises(ValidationError) as raised:
        first_run.check_post("HAN OI", "Embassy", "VNM")
    assert set(raised.value.errors) == {"post_code", "country"}
    first_run.check_post("han", "Embassy in Hanoi", "vn")


def test_synced_and_network_folders_get_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OneDrive", r"C:\Users\anouk\OneDrive - Ministerie van BZ")
    assert "synced" in first_run.synced_folder_warning(Path(r"C:\Users\anouk\OneDrive - Ministerie van BZ\PostApp"))
    assert "synced" in first_run.synced_folder_warning(Path("/home/anouk/Dropbox/postapp"))
    assert "network" in first_run.synced_folder_warning(Path(r"\\fileserver\share\postapp"))
    assert first_run.synced_folder_warning(Path("/home/anouk/Documents/PostApp")) == ""


def test_the_language_offered_first_follows_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("POSTAPP_LANG", "LANGUAGE", "LC_ALL", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert first_run.system_language("fr_FR") == "fr"
    assert first_run.system_language("de_DE") == "en"
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert first_run.system_language("fr_FR") == "es"


def test_countries_are_named_in_the_chosen_language() -> None:
    dutch = dict(first_run.countries("nl"))
    assert dutch["DE"] == "Duitsland" and dutch["VN"] == "Vietnam"
    assert "001" not in dutch and "ZZ" not in dutch
    names = [name for _code, name in first_run.countries("fr")]
    assert names.index("Égypte") < names.index("Espagne")  # accents do not send Égypte to the end


def test_starting_with_the_defaults_marks_the_first_run_done() -> None:
    prefs = FakePrefs(data_file="/old.sqlite3")
    first_run.apply_defaults(prefs, "fr")
    assert (prefs.language, prefs.data_file, prefs.first_run_done) == ("fr", "", True)


def test_messages_follow_the_language(tmp_path: Path) -> None:
    set_language("nl")
    with pytest.raises(ValidationError) as raised:
        first_run.check_post("", "x", "VN")
    assert raised.value.errors["post_code"]  # translated or not yet: never empty
