"""GDPR: lawful basis and consent, the retention review, a person's own data, and erasure."""

import datetime as dt
import json
import sqlite3
import uuid

import pytest
from privacy_world import LINK_TABLES, build, consistency, count_rows, found_by_search, references
from sqlalchemy import select, text

from postapp.domain import Activity, ErasureEntry, Event, EventParticipant, Gender, LawfulBasis, Person
from postapp.domain.activities import activity_person
from postapp.errors import NotFoundError, PostAppError, ValidationError
from postapp.services import contacts, privacy
from postapp.services.contacts import PersonData

TODAY = dt.date.today()


# --- lawful basis and consent ------------------------------------------------------------------

def errors_of(store, data: PersonData) -> dict[str, str]:
    with pytest.raises(ValidationError) as info, store.session() as s:
        contacts.create_person(s, data)
    return info.value.errors


def test_consent_needs_a_date_in_the_past_and_nothing_is_stored_otherwise(store):
    assert "date the person gave consent" in errors_of(store, PersonData(name="A", lawful_basis="consent"))[
        "consent_date"]
    future = TODAY + dt.timedelta(days=1)
    assert "future" in errors_of(store, PersonData(name="A", lawful_basis="consent", consent_date=future))[
        "consent_date"]
    assert "not a date" in errors_of(store, PersonData(name="A", lawful_basis="consent", consent_date="gisteren"))[
        "consent_date"]
    assert "lawful_basis" in errors_of(store, PersonData(name="A", lawful_basis="because"))
    assert "gender" in errors_of(store, PersonData(name="A", gender="x"))
    assert count_rows(store, Person) == 0


def test_gender_basis_and_consent_date_are_stored_and_read_back(store):
    with store.session() as s:
        pid = contacts.create_person(s, PersonData(name="Lan", gender="female", lawful_basis="consent",
                                                   consent_date="2025-03-01")).id
    with store.session() as s:
        person = contacts.get_person(s, pid)
        assert (person.gender, person.lawful_basis, person.consent_date) == (
            Gender.FEMALE, LawfulBasis.CONSENT, dt.date(2025, 3, 1))
        data = contacts.person_data(person)
        assert (data.gender, data.lawful_basis, data.consent_date) == ("female", "consent", dt.date(2025, 3, 1))
        data.lawful_basis, data.consent_date = "legitimate_interest", None
        contacts.update_person(s, pid, data)
    with store.read() as s:
        person = contacts.get_person(s, pid)
        assert person.lawful_basis == LawfulBasis.LEGITIMATE_INTEREST and person.consent_date is None


def test_a_rejected_edit_leaves_the_stored_consent_as_it_was(store):
    with store.session() as s:
        pid = contacts.create_person(s, PersonData(name="Lan", lawful_basis="consent", consent_date="2025-03-01")).id
    with pytest.raises(ValidationError), store.session() as s:
        contacts.update_person(s, pid, PersonData(name="Lan", lawful_basis="consent", consent_date=""))
    with store.read() as s:
        assert contacts.get_person(s, pid).consent_date == dt.date(2025, 3, 1)


# --- finding the person a command names --------------------------------------------------------

def test_find_person_by_id_email_or_exact_name(store):
    w = build(store)
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Trần Thị Lan", email="lan2@ngo.example"))
    with store.read() as s:
        assert privacy.find_person(s, str(w.kept)).id == w.kept
        assert privacy.find_person(s, "AN.NGUYEN@delta.example").id == w.kept
        assert privacy.find_person(s, "nguyen van an").id == w.twin  # exact name, any case
        with pytest.raises(privacy.AmbiguousPersonError) as info:
            privacy.find_person(s, "Trần Thị Lan")
        assert {c[2] for c in info.value.candidates} == {"lan@ngo.example", "lan2@ngo.example"}
        with pytest.raises(NotFoundError):
            privacy.find_person(s, "nobody@nowhere.example")
        with pytest.raises(NotFoundError):
            privacy.find_person(s, str(uuid.uuid4()))


# --- retention review --------------------------------------------------------------------------

def _age(store, person_id: uuid.UUID, days: int) -> None:
    """Makes the person's own last change ``days`` ago (as if nobody edited them since)."""
    moment = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).replace(tzinfo=None)
    with store.session() as s:
        s.execute(text("UPDATE person SET updated_at = :t WHERE id = :p"), {"t": moment, "p": person_id.hex})


def test_review_lists_persons_untouched_for_the_chosen_years(store):
    w = build(store)
    with store.session() as s:
        old = contacts.create_person(s, PersonData(name="Old Contact")).id
        old_act = contacts.create_person(s, PersonData(name="Old Activity")).id
        s.add(Activity(core_task="awareness", kind="meeting", title="Long ago", date=TODAY - dt.timedelta(days=1000),
                       post_code="HAN"))
        s.flush()
        act_id = s.scalar(select(Activity.id).where(Activity.title == "Long ago"))
        s.execute(activity_person.insert().values(activity_id=act_id, person_id=old_act))
    for pid in (old, old_act, w.kept, w.twin, w.other):
        _age(store, pid, 1000)
    with store.read() as s:
        due = privacy.review(s, years=2)
        # kept, twin and other were on a recent activity / event / case: touched.
        assert {r.id for r in due} == {old, old_act}
        assert all(r.last_touched <= privacy.cutoff(2) for r in due)
        assert privacy.count_due(s, years=2) == 2
        assert privacy.count_due(s, years=3) == 0  # 1000 days is less than three years
        assert [r.id for r in privacy.review(s, years=2, offset=1, limit=1)] == [due[1].id]
        assert privacy.last_touched(s, w.kept) >= TODAY - dt.timedelta(days=31)
    with pytest.raises(ValidationError), store.read() as s:
        privacy.review(s, years=0)


def test_an_event_or_case_counts_as_a_touch(store):
    w = build(store)
    for pid in (w.kept, w.twin, w.other):
        _age(store, pid, 1500)
    with store.session() as s:  # the shared activity is now old; the twin keeps only its events and cases
        s.execute(text("UPDATE activity SET date = :d"), {"d": (TODAY - dt.timedelta(days=1500)).isoformat()})
        s.execute(text("UPDATE event SET starts_at = :d WHERE id != :e"),
                  {"d": (dt.datetime.now() - dt.timedelta(days=1500)).isoformat(" "), "e": w.twin_event.hex})
        s.execute(text("UPDATE support_case SET opened_on = :d"), {"d": (TODAY - dt.timedelta(days=1500)).isoformat()})
    with store.read() as s:
        assert {r.id for r in privacy.review(s, years=2)} == {w.kept, w.other}  # the twin's event is recent


# --- export of one person ----------------------------------------------------------------------

def test_export_holds_everything_on_the_person(store, tmp_path):
    w = build(store)
    with store.read() as s:
        data = privacy.export_person(s, w.twin)
    assert data["person"]["name"] == "Nguyen Van An" and data["person"]["sensitive"] is True
    assert data["person"]["lawful_basis"] == "consent" and data["person"]["consent_date"]
    assert data["organisation"]["name"] == "Delta Textiles B.V."
    assert sorted(data["tags"]) == ["gender", "textiles"]
    assert {a["title"] for a in data["activities"]} == {"Living wage roundtable", "Phone call with An"}
    assert [f["description"] for a in data["activities"] for f in a["follow_ups"]] == ["Send An the steunpunt leaflet"]
    assert {(e["title"], e["status"]) for e in data["events"]} == {
        ("IMVO awareness session", "attended"), ("Gender roundtable", "registered")}
    assert {c["title"] for c in data["cases"]} == {"Delta asks about due diligence", "Delta supplier audit"}

    folder = tmp_path / "exports"
    folder.mkdir()
    out = privacy.write_export(data, folder / "an.json")
    assert json.loads(out.read_text("utf-8")) == data
    txt = privacy.write_export(data, folder / "an.txt").read_text("utf-8")
    assert "Nguyen Van An" in txt and "Gender roundtable" in txt and "Consent" in txt
    assert sorted(p.name for p in folder.iterdir()) == ["an.json", "an.txt"]  # no temporary files left


def test_export_mentions_follow_ups_naming_the_person(store):
    w = build(store)
    with store.session() as s:
        act = Activity(core_task="support", kind="meeting", title="Sector meeting", date=TODAY, post_code="HAN",
                       notes="Trần Thị Lan asked for the NCP contact")
        s.add(act)
    with store.read() as s:
        data = privacy.export_person(s, w.other)
    assert [m["title"] for m in data["other_records_mentioning"]] == ["Sector meeting"]


def test_a_failed_export_write_keeps_the_file_that_was_there(store, tmp_path):
    w = build(store)
    target = tmp_path / "an.json"
    target.write_text("earlier export", "utf-8")
    with store.read() as s:
        data = privacy.export_person(s, w.kept)
    data["unserialisable"] = object()
    with pytest.raises(TypeError):
        privacy.write_export(data, target)
    assert target.read_text("utf-8") == "earlier export"
    with pytest.raises(PostAppError, match="Could not write"):
        privacy.write_export({"person": {}}, tmp_path / "missing" / "an.json")


# --- erasure -----------------------------------------------------------------------------------

def test_erasure_removes_the_personal_data_and_keeps_an_audit_entry_without_it(store):
    w = build(store)
    name, email, phone = "Nguyễn Văn An", "an.nguyen@delta.example", "+84 24 1111 2222"
    with store.session() as s:  # merge first so the erased person holds both records' data
        from postapp.services import merge

        merge.merge_persons(s, w.kept, w.twin)
    before = references(store, w.kept)
    activities_before = count_rows(store, Activity)
    with store.session() as s:
        result = privacy.erase_person(s, w.kept, reason="Asked by e-mail on 3 March", erased_by="marieke")
    assert result.links_removed == sum(before.values())
    assert references(store, w.kept) == dict.fromkeys(LINK_TABLES, 0)
    assert count_rows(store, Activity) == activities_before  # the activities stay, without the person
    with store.read() as s:
        tomb = s.get(Person, w.kept)
        assert tomb.name == privacy.ERASED_NAME and tomb.deleted_at is not None
        assert (tomb.email, tomb.phone, tomb.role, tomb.notes, tomb.organisation_id, tomb.consent_date) == (
            "", "", "", "", None, None)
        assert tomb.tags == [] and tomb.sensitive is False
        entry = s.scalars(select(ErasureEntry).where(ErasureEntry.record_id == w.kept)).one()
        assert (entry.record_kind, entry.record_id, entry.erased_by) == ("person", w.kept, "marieke")
        # The twin merged into the kept person before is erased with it, in its own entry.
        assert s.scalars(select(ErasureEntry.record_id).where(ErasureEntry.id != entry.id)).all() == [w.twin]
        assert s.get(Person, w.twin).name == privacy.ERASED_NAME
        assert entry.links_removed == result.links_removed
        # The other participant of the shared event is still there.
        assert s.scalars(select(EventParticipant.person_id).where(EventParticipant.event_id == w.event)).all() == [
            w.other]
        assert s.get(Event, w.event) is not None
    con = sqlite3.connect(store.path)
    log = " ".join(str(v) for row in con.execute("SELECT * FROM erasure_log") for v in row)
    con.close()
    for personal in (name, "Nguyen", email, phone):
        assert personal.casefold() not in log.casefold()
    assert found_by_search(store, "nguyen") == set()
    assert found_by_search(store, "an.nguyen") == set()
    assert found_by_search(store, "Lan") == {w.other}
    fk, integrity = consistency(store.path)
    assert fk == [] and integrity == "ok"


def test_erased_text_is_not_left_in_the_data_file(store):
    w = build(store)
    with store.session() as s:
        privacy.erase_person(s, w.kept, reason="request")
    privacy.fold_log(store)  # as the CLI and the window do after the commit
    wal = store.path.with_name(store.path.name + "-wal")
    assert not wal.exists() or b"an.nguyen@delta.example" not in wal.read_bytes()  # before closing
    store.close()
    raw = store.path.read_bytes()
    assert b"an.nguyen@delta.example" not in raw
    assert "Nguyễn Văn An".encode() not in raw


def test_erasure_refuses_a_reason_naming_the_person_and_changes_nothing(store):
    w = build(store)
    before = references(store, w.kept)
    for reason in ("Nguyễn Văn An asked", "request from AN.NGUYEN@delta.example", "nguyen wants out"):
        with pytest.raises(ValidationError) as info, store.session() as s:
            privacy.erase_person(s, w.kept, reason=reason)
        assert "reason" in info.value.errors
    assert references(store, w.kept) == before
    assert count_rows(store, ErasureEntry) == 0
    assert found_by_search(store, "nguyen van an") == {w.kept, w.twin}


def test_erasure_reports_free_text_that_still_names_the_person(store):
    w = build(store)
    with store.session() as s:
        s.add(Activity(core_task="support", kind="meeting", title="Call", date=TODAY, post_code="HAN",
                       notes="Trần Thị Lan will send the audit"))
    with store.session() as s:
        result = privacy.erase_person(s, w.other, reason="left the NGO")
    assert [m.title for m in result.mentions] == ["Call"]
    assert "review" in result.summary()


def test_an_erased_person_cannot_be_erased_or_exported_again(store):
    w = build(store)
    with store.session() as s:
        privacy.erase_person(s, w.other)
    with pytest.raises(NotFoundError), store.session() as s:
        privacy.erase_person(s, w.other)
    with pytest.raises(NotFoundError), store.read() as s:
        privacy.export_person(s, w.other)


def test_a_person_deleted_the_ordinary_way_can_still_be_found_exported_and_erased(store):
    # A soft delete keeps every field: the data is still held, so the data subject's rights still apply.
    w = build(store)
    with store.session() as s:
        person = s.get(Person, w.other)
        name = person.name
        contacts.delete_person(s, w.other)
    with store.read() as s:
        assert privacy.find_person(s, name).id == w.other
        assert privacy.export_person(s, w.other)["person"]["name"] == name
    with store.session() as s:
        privacy.erase_person(s, w.other, reason="Asked in person")
    with store.read() as s:
        erased = s.get(Person, w.other)
        assert erased.name == privacy.ERASED_NAME and not erased.email and not erased.phone
        with pytest.raises(NotFoundError):
            privacy.find_person(s, name)


# --- command line ------------------------------------------------------------------------------

def run_cli(*argv: str) -> int:
    from postapp.cli import main

    return main(list(argv))


def test_cli_export_erase_review_and_duplicates(store, tmp_path, capsys):
    w = build(store)
    db = str(store.path)
    out = tmp_path / "lan.json"
    assert run_cli("--db", db, "gdpr", "export", "lan@ngo.example", "--out", str(out)) == 0
    assert json.loads(out.read_text("utf-8"))["person"]["name"] == "Trần Thị Lan"
    # A sensitive person needs --yes; nothing is written without it.
    sensitive_out = tmp_path / "twin.json"
    assert run_cli("--db", db, "gdpr", "export", str(w.twin), "--out", str(sensitive_out)) == 1
    assert "sensitive" in capsys.readouterr().err and not sensitive_out.exists()
    assert run_cli("--db", db, "gdpr", "export", str(w.twin), "--out", str(sensitive_out), "--yes") == 0

    assert run_cli("--db", db, "duplicates") == 0
    printed = capsys.readouterr().out
    assert "1 likely duplicate pair" in printed and str(w.kept) in printed and str(w.twin) in printed

    assert run_cli("--db", db, "gdpr", "review", "--years", "2") == 0
    assert "0 persons untouched" in capsys.readouterr().out

    assert run_cli("--db", db, "gdpr", "erase", "Trần Thị Lan", "--reason", "left the NGO", "--yes") == 0
    assert "erased" in capsys.readouterr().out
    assert found_by_search(store, "Lan") == set()
    with store.read() as s:
        entry = s.scalars(select(ErasureEntry)).one()
        assert entry.record_id == w.other and entry.reason == "left the NGO" and entry.erased_by


def test_cli_refuses_ambiguous_unknown_and_unconfirmed(store, capsys):
    w = build(store)
    db = str(store.path)
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Trần Thị Lan"))
    assert run_cli("--db", db, "gdpr", "erase", "Trần Thị Lan", "--yes") == 1
    err = capsys.readouterr().err
    assert "2 persons answer" in err and str(w.other) in err and "Nothing was done" in err
    assert run_cli("--db", db, "gdpr", "export", "nobody@nowhere.example") == 1
    assert "No person" in capsys.readouterr().err
    # Without --yes and without a terminal to ask on, nothing is erased.
    assert run_cli("--db", db, "gdpr", "erase", "lan@ngo.example") == 1
    assert "--yes" in capsys.readouterr().err
    assert run_cli("--db", db, "gdpr", "erase", "lan@ngo.example", "--reason", "Trần Thị Lan asked", "--yes") == 1
    assert "reason" in capsys.readouterr().err
    assert count_rows(store, ErasureEntry) == 0
    assert w.other in found_by_search(store, "Lan")
    with pytest.raises(SystemExit):
        run_cli("--db", db, "gdpr", "review", "--years", "0")
