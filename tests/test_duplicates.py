"""The duplicate scan: blocking and scoring, on small stores on disk and on hand-made rows."""

import uuid

import pytest
from privacy_world import build

from postapp.services import contacts, duplicates
from postapp.services.contacts import OrganisationData, PersonData
from postapp.services.duplicates import Reason, name_key, name_similarity


def rows(*people: tuple[str, str, str | None]) -> list[tuple[str, str, str, str | None]]:
    """Rows as ``fetch`` returns them, from (name, e-mail, organisation ref)."""
    return [(uuid.uuid4().hex, name, email, org) for name, email, org in people]


def pairs_of(result) -> set[frozenset[str]]:
    return {frozenset((p.left.name, p.right.name)) for p in result.pairs}


def test_folding_and_word_order():
    assert name_key("Nguyễn Văn  An") == name_key("an NGUYEN van") == "an nguyen van"
    assert name_key("Đặng Thị Hoa") == "dang hoa thi"
    assert name_similarity(name_key("Jan Jansen"), name_key("Jan Janssen")) >= 90
    assert name_similarity(name_key("Nguyễn An"), name_key("Nguyễn Văn An")) == 92  # a left-out middle name
    # Same family and middle names, another given name: not the same person.
    assert name_similarity(name_key("Lê Minh An"), name_key("Lê Minh Hạnh")) < 70
    assert name_similarity(name_key("An"), name_key("Nguyễn Văn An")) == 0


def test_scores_and_reasons():
    result = duplicates.scan_rows(rows(
        ("Nguyễn Văn An", "an@delta.example", "org1"),
        ("Nguyen Van An", "", "org1"),  # folded name, same organisation
        ("Pieter de Vries", "p.devries@firm.example", None),
        ("Vries, Pieter de", "p.devries@firm.example", None),  # same address, another word order
        ("Sanne Bakker", "sanne.bakker@firm.example", None),
        ("Sanne Bakkker", "sanne.bakker@gmail.com", None),  # typo, same e-mail name at another domain
        ("Lê Minh An", "", "org2"),
        ("Lê Minh Hạnh", "", "org2"),  # same organisation, another person
        ("Joost Smit", "joost@a.example", "org3"),
        ("Joost Smit", "j.smit@b.example", "org4"),  # same name, nothing else shared: two people
    ))
    assert pairs_of(result) == {frozenset(("Nguyễn Văn An", "Nguyen Van An")),
                                frozenset(("Pieter de Vries", "Vries, Pieter de")),
                                frozenset(("Sanne Bakker", "Sanne Bakkker"))}
    by_name = {p.left.name: p for p in result.pairs} | {p.right.name: p for p in result.pairs}
    assert by_name["Nguyen Van An"].reasons == Reason.SAME_NAME | Reason.SAME_ORGANISATION
    assert Reason.SAME_EMAIL in by_name["Pieter de Vries"].reasons and by_name["Pieter de Vries"].score >= 95
    assert Reason.SAME_LOCAL_PART in by_name["Sanne Bakker"].reasons
    assert "same e-mail name at another domain" in by_name["Sanne Bakker"].reason_labels()
    assert result.pairs[0].score >= result.pairs[-1].score


def test_common_names_need_more_than_the_name_but_rare_ones_do_not():
    common = [("Nguyễn Văn An", "", None)] * 3
    assert duplicates.scan_rows(rows(*common)).pairs == []
    rare = duplicates.scan_rows(rows(("Žofia Qorvanová", "", None), ("Zofia Qorvanova", "", None)))
    assert len(rare.pairs) == 1 and rare.pairs[0].score == 90
    # A lower threshold lets the common ones through (the name blocks then hold everyone).
    assert len(duplicates.scan_rows(rows(*common), min_score=75).pairs) == 3


def test_a_shared_office_address_is_not_evidence():
    office = [(f"Person {word}", "info@ministry.example", None) for word in ("Alpha", "Bravo", "Charlie", "Delta")]
    assert duplicates.scan_rows(rows(*office)).pairs == []


def test_huge_blocks_are_split_and_reported(monkeypatch):
    monkeypatch.setattr(duplicates, "MAX_BLOCK", 10)
    people = [(f"Staff {chr(65 + i // 26)}{chr(65 + i % 26)}xq", "", "big") for i in range(40)]
    people.append(("Staff ZZxq", "", "big"))
    people.append(("Staff ZZxqq", "", "big"))
    result = duplicates.scan_rows(rows(*people))
    assert any(b.kind == duplicates.BlockKind.ORGANISATION and b.size == 42 for b in result.split_blocks)
    assert frozenset(("Staff ZZxq", "Staff ZZxqq")) in pairs_of(result)  # neighbours by name still compared
    assert result.comparisons < 42 * 41 // 2 * 2


def test_ignored_pairs_max_pairs_progress_and_cancel():
    people = rows(("Jan Jansen", "", "o"), ("Jan Janssen", "", "o"), ("Eva Visser", "e@x.example", None),
                  ("Eva Vissser", "e@x.example", None))
    assert len(duplicates.scan_rows(people).pairs) == 2
    ignored = [frozenset((uuid.UUID(people[0][0]), uuid.UUID(people[1][0])))]
    assert pairs_of(duplicates.scan_rows(people, ignored=ignored)) == {frozenset(("Eva Visser", "Eva Vissser"))}
    capped = duplicates.scan_rows(people, max_pairs=1)
    assert len(capped.pairs) == 1 and capped.truncated == 1
    seen: list[tuple[int, int]] = []
    duplicates.scan_rows(people, progress=lambda done, total: seen.append((done, total)) or True)
    assert seen and seen[-1][0] == seen[-1][1]
    with pytest.raises(duplicates.ScanCancelled):
        duplicates.scan_rows(people, progress=lambda done, total: False)


def test_scan_over_a_store(store):
    w = build(store)
    with store.session() as s:
        contacts.delete_person(s, w.other)
        org = contacts.create_organisation(s, OrganisationData(name="Gone B.V."))
        contacts.create_person(s, PersonData(name="Trần Thị Lan", organisation_id=org.id))
    with store.read() as s:
        result = duplicates.scan(s)
    assert len(result.pairs) == 1
    pair = result.pairs[0]
    assert {pair.left.id, pair.right.id} == {w.kept, w.twin}  # the deleted "Lan" is not compared
    assert pair.left.organisation == pair.right.organisation == "Delta Textiles B.V."
    assert duplicates.groups(result.pairs) == [sorted([w.kept, w.twin])]
