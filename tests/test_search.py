"""Contact search: safe MATCH expressions, what is found, and an index that stays right."""

import re
import unicodedata

import pytest
from sqlalchemy import text

from postapp.services import contacts, search
from postapp.services.contacts import OrganisationData, PersonData
from postapp.services.search import MAX_TERM_LEN, MAX_TERMS, match_expression
from postapp.store import search_index

TERM = re.compile(r'^"\w+"\*$')


def terms(expression: str) -> list[str]:
    parts = expression.split(" ")
    assert all(TERM.match(p) for p in parts), expression
    return [p[1:-2] for p in parts]


# --- match_expression --------------------------------------------------------------------------------

def test_words_become_quoted_prefix_terms():
    assert match_expression("jan de") == '"jan"* "de"*'
    assert match_expression("  Nguyễn   Thị ") == '"Nguyễn"* "Thị"*'


@pytest.mark.parametrize(("query", "expected"), [
    ('O"Brien', ["O", "Brien"]),
    ('"jan" "de', ["jan", "de"]),
    ("jan* de**", ["jan", "de"]),
    ("(jan OR piet)", ["jan", "OR", "piet"]),
    ("a AND b NOT c", ["a", "AND", "b", "NOT", "c"]),
    ("NEAR(jan piet, 2)", ["NEAR", "jan", "piet", "2"]),
    ("name:jan ^start col:{x}", ["name", "jan", "start", "col", "x"]),
    ("jan - piet + kees", ["jan", "piet", "kees"]),
])
def test_operators_and_quotes_cannot_reach_fts(query, expected):
    assert terms(match_expression(query)) == expected


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', "*", "()", '"*"()^:-+{}', "\t\n"])
def test_nothing_searchable_gives_none(query):
    assert match_expression(query) is None


def test_a_megabyte_of_input_is_bounded():
    one_word = match_expression("x" * 1_000_000)
    assert terms(one_word) == ["x" * MAX_TERM_LEN]
    many_words = match_expression("ab " * 350_000)
    assert terms(many_words) == ["ab"] * MAX_TERMS
    mixed = match_expression(("y" * 100 + " ") * 10_000)
    assert terms(mixed) == ["y" * MAX_TERM_LEN] * MAX_TERMS
    assert len(mixed) <= MAX_TERMS * (MAX_TERM_LEN + 4)


@pytest.mark.parametrize("query", [
    'O"Brien', "(jan OR piet)", "NEAR(jan piet, 2)", "a AND b NOT c", "name:jan", "x" * 1_000_000,
    "!!!", "*", '"unterminated', "jan*", "-piet", "Đ", "日本語",
])
def test_any_input_is_safe_to_search(store, query):
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Jan O'Brien"))
        rows = search.person_rows(s, query)
        assert search.count_persons(s, query) == len(rows)
        search.organisation_rows(s, query)
        search.count_organisations(s, query)


def test_punctuation_only_query_finds_nothing(store):
    with store.session() as s:
        contacts.create_person(s, PersonData(name="Lan"))
        assert search.person_rows(s, "!!!") == []
        assert search.count_persons(s, "!!!") == 0
        assert len(search.person_rows(s, "   ")) == 1  # blank: the unfiltered list


# --- what is found -----------------------------------------------------------------------------------

@pytest.fixture
def people(store):
    with store.session() as s:
        delta = contacts.create_organisation(s, OrganisationData(
            name="Delta Textiles B.V.", sector="Textiles and clothing", website="https://delta.example.nl"))
        polder = contacts.create_organisation(s, OrganisationData(name="Polder Agri", kind="ngo"))
        ids = {
            "hoa": contacts.create_person(s, PersonData(
                name="Nguyễn Thị Hoa", email="hoa.nguyen@example.vn", organisation_id=delta.id,
                tags=["living wage", "gender"])).id,
            "jan": contacts.create_person(s, PersonData(
                name="Jan de Vries", email="j.devries@rvo.example.org", organisation_id=polder.id,
                tags=["gender"])).id,
            "lan": contacts.create_person(s, PersonData(name="Trần Lan", organisation_id=delta.id)).id,
            "dang": contacts.create_person(s, PersonData(name="Đặng Văn Minh", email="minh@example.vn")).id,
        }
    return {"delta": delta.id, "polder": polder.id, **ids}


def found(store, query: str) -> set:
    with store.session() as s:
        rows = search.person_rows(s, query)
        assert search.count_persons(s, query) == len(rows)
        return {r.id for r in rows}


@pytest.mark.parametrize(("query", "who"), [
    ("nguy", {"hoa"}),  # name prefix
    ("vries", {"jan"}),  # a later word of the name
    ("JAN DE", {"jan"}),  # case, several prefixes
    ("devries", {"jan"}),  # e-mail
    ("rvo.example", {"jan"}),
    ("delta", {"hoa", "lan"}),  # organisation name
    ("textil", {"hoa", "lan"}),
    ("polder agri", {"jan"}),
    ("wage", {"hoa"}),  # tag
    ("gender", {"hoa", "jan"}),
    ("gender delta", {"hoa"}),  # all terms must match, across fields
    ("lan", {"lan"}),  # "living wage" does not start with "lan"
    ("xyz", set()),
])
def test_prefix_search_over_name_email_organisation_and_tags(store, people, query, who):
    assert found(store, query) == {people[w] for w in who}


@pytest.mark.parametrize("query", ["nguyen", "NGUYEN", "Nguyễn", "nguyên", "thi hoa", "tran lan"])
def test_search_ignores_diacritics(store, people, query):
    assert found(store, query) & {people["hoa"], people["lan"]}
    assert people["jan"] not in found(store, query)


@pytest.mark.parametrize("query", ["dang", "Dang Van Minh", "Đặng", "đang"])
def test_vietnamese_d_with_stroke_is_found_without_it(store, people, query):
    # Vietnamese names are commonly typed (and written in passports) without diacritics: Đặng -> Dang.
    assert found(store, query) == {people["dang"]}


@pytest.mark.parametrize("query", ["Đặng", "Đặng Văn Minh", "Nguyễn Thị"])
def test_decomposed_input_is_found_like_composed(store, people, query):
    # Some keyboards and pasted text give letters and their accents as separate code points (NFD).
    decomposed = unicodedata.normalize("NFD", query)
    assert decomposed != query
    assert match_expression(decomposed) == match_expression(query)
    assert found(store, decomposed) == found(store, query) != set()


def test_organisation_search_finds_organisations_only(store, people):
    with store.session() as s:
        assert [r.id for r in search.organisation_rows(s, "delta")] == [people["delta"]]
        assert [r.id for r in search.organisation_rows(s, "clothing")] == [people["delta"]]  # sector
        assert search.count_organisations(s, "delta") == 1
        assert search.organisation_rows(s, "hoa") == []


def test_renaming_an_organisation_updates_its_persons_hits(store, people):
    with store.session() as s:
        data = contacts.organisation_data(contacts.get_organisation(s, people["delta"]))
        data.name = "Mekong Garments JSC"
        contacts.update_organisation(s, people["delta"], data)
    assert found(store, "delta") == set()
    assert found(store, "mekong") == {people["hoa"], people["lan"]}
    with store.session() as s:
        assert [r.organisation for r in search.person_rows(s, "mekong")] == ["Mekong Garments JSC"] * 2
        assert [r.name for r in search.organisation_rows(s, "mekong")] == ["Mekong Garments JSC"]


def test_moving_a_person_to_another_organisation_updates_hits(store, people):
    with store.session() as s:
        data = contacts.person_data(contacts.get_person(s, people["lan"]))
        data.organisation_id = people["polder"]
        contacts.update_person(s, people["lan"], data)
    assert found(store, "delta") == {people["hoa"]}
    assert found(store, "polder") == {people["jan"], people["lan"]}


def test_deleting_an_organisation_updates_hits(store, people):
    with store.session() as s:
        contacts.delete_organisation(s, people["delta"])
    assert found(store, "delta") == set()
    assert found(store, "nguyen") == {people["hoa"]}


def test_removing_a_tag_updates_hits(store, people):
    with store.session() as s:
        data = contacts.person_data(contacts.get_person(s, people["hoa"]))
        data.tags = ["gender"]
        contacts.update_person(s, people["hoa"], data)
    assert found(store, "wage") == set()
    assert found(store, "gender") == {people["hoa"], people["jan"]}
    with store.session() as s:
        data = contacts.person_data(contacts.get_person(s, people["jan"]))
        data.tags = []
        contacts.update_person(s, people["jan"], data)
    assert found(store, "gender") == {people["hoa"]}


def test_renaming_a_person_updates_hits(store, people):
    with store.session() as s:
        data = contacts.person_data(contacts.get_person(s, people["jan"]))
        data.name, data.email = "Johannes de Vries", "jdv@example.nl"
        contacts.update_person(s, people["jan"], data)
    assert found(store, "jan") == set()
    assert found(store, "johannes") == {people["jan"]}
    assert found(store, "rvo") == set()


def test_soft_deleted_persons_vanish(store, people):
    with store.session() as s:
        contacts.delete_person(s, people["hoa"])
    assert found(store, "nguyen") == set()
    assert found(store, "delta") == {people["lan"]}
    assert found(store, "gender") == {people["jan"]}


# --- counting and paging -----------------------------------------------------------------------------

def nocase(name: str) -> str:
    """SQLite's NOCASE: ASCII letters folded, everything else compared by code point."""
    return name.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))


@pytest.fixture
def crowd(store):
    names = ["anna", "Bram", "bram", "Éva", "Zoë", "Ölaf", "Đặng", "Chi", "chi", "Anna", "Dũng", "eva"]
    with store.session() as s:
        org = contacts.create_organisation(s, OrganisationData(name="Pager Co"))
        for i in range(36):
            contacts.create_person(s, PersonData(name=f"{names[i % len(names)]} {i:02d}",
                                                 organisation_id=org.id if i % 3 else None))
        gone = contacts.create_person(s, PersonData(name="Aaron Deleted", organisation_id=org.id))
        contacts.delete_person(s, gone.id)


@pytest.mark.parametrize("query", ["", "pager", "bram", "chi", "nothing"])
def test_count_equals_all_pages_and_pages_are_disjoint_and_sorted(store, crowd, query):
    with store.session() as s:
        total = search.count_persons(s, query)
        pages = [search.person_rows(s, query, offset=o, limit=5) for o in range(0, total + 10, 5)]
        everything = search.person_rows(s, query, limit=1000)
    rows = [r for page in pages for r in page]
    assert all(len(page) <= 5 for page in pages)
    assert len(rows) == total == len(everything)
    assert len({r.id for r in rows}) == total  # disjoint
    assert rows == everything
    assert [nocase(r.name) for r in rows] == sorted(nocase(r.name) for r in rows)
    assert "Aaron Deleted" not in {r.name for r in rows}
    expected = {"": 36, "pager": 24, "bram": 6, "chi": 6, "nothing": 0}[query]
    assert total == expected


# --- the trigger-maintained index equals a rebuilt one -----------------------------------------------

def tag_words(tags: str | None) -> tuple[str, ...]:
    """The tags column as a sorted bag of words: ``group_concat`` gives no order."""
    return tuple(sorted((tags or "").split()))


def snapshot(session) -> tuple[list[tuple], list[tuple]]:
    """The index keyed by contact (rowids are renumbered by a rebuild)."""
    refs = dict(session.execute(text("SELECT rowid, ref FROM contact_index")).all())
    fts = session.execute(text(
        "SELECT rowid, name, email, organisation, tags FROM contact_fts ORDER BY rowid"))
    index = session.execute(text("SELECT kind, ref, sort_key FROM contact_index"))
    return sorted((refs[r[0]], *r[1:4], tag_words(r[4])) for r in fts), sorted(tuple(r) for r in index)


def test_rebuild_gives_the_trigger_maintained_index(store, people):
    with store.session() as s:
        # A history of edits through the services.
        contacts.delete_person(s, people["lan"])
        data = contacts.person_data(contacts.get_person(s, people["hoa"]))
        data.tags, data.name = ["gender", "NCP", "press"], "Nguyễn Thị Hoà"
        contacts.update_person(s, people["hoa"], data)
        org = contacts.organisation_data(contacts.get_organisation(s, people["polder"]))
        org.name, org.sector, org.kind = "Polder Agri Foundation", "Agriculture", "business_association"
        contacts.update_organisation(s, people["polder"], org)
        other = contacts.create_organisation(s, OrganisationData(name="Short-lived"))
        contacts.create_person(s, PersonData(name="Moved", organisation_id=other.id, tags=["press"]))
        contacts.delete_organisation(s, other.id)
    with store.session() as s:
        fts_before, index_before = snapshot(s)
        assert len(fts_before) == 2 + 4  # organisations (one deleted) and persons (one deleted)
        search_index.rebuild(s.connection())
        fts_after, index_after = snapshot(s)
    assert fts_after == fts_before
    assert index_after == index_before
