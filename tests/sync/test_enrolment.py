"""Enrolment: HQ's signed file taken in once; tampering refused; a second HQ only on request."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from postapp.errors import PostAppError
from postapp.store import Store
from postapp.sync import keys
from postapp.sync.enrolment import enrol, read_enrolment, state
from postapp.sync.errors import EnrolmentError
from postapp.sync.models import SyncBundle, SyncOutboxBundle, SyncState
from postapp.sync.post_side import next_bundle
from tests.sync.helpers import HQ_ID, SECRET, enrolment_file, hq_pair, open_at_hq, other_pair


def rewrite(path: Path, change: dict[str, object]) -> Path:
    document = json.loads(path.read_text("utf-8"))
    document.update(change)
    path.write_text(json.dumps(document), "utf-8")
    return path


def test_enrol_stores_hq_and_makes_the_posts_keys(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    with store.session() as session:
        result = enrol(session, enrolment_file(tmp_path), folder)
        assert isinstance(result, SyncState)
    with store.read() as session:
        found = state(session)
        assert found is not None
        assert (found.hq_id, found.post_code, found.post_name, found.country) == (HQ_ID, "HAN", "Hanoi", "VN")
        assert found.server_url == "https://hq.example.org"
        assert (found.hq_sign_key, found.hq_box_key) == (hq_pair().public().sign, hq_pair().public().box)
        assert (found.next_seq, found.last_applied_hq_seq) == (1, 0)
    pair = keys.load(folder)
    if keys.HAS_MODES:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    # enrolling again with the same file keeps the keys
    with store.session() as session:
        enrol(session, enrolment_file(tmp_path), folder)
    assert keys.load(folder).public() == pair.public()


@pytest.mark.parametrize("change", [
    {"hq_id": "hq-evil"}, {"server_url": "https://evil.example.org"}, {"post": {"code": "XXX", "name": "Hanoi",
                                                                               "country": "VN"}},
    {"hq_keys": other_pair().public().to_json()}, {"issued_at": "2030-01-01T00:00:00+00:00"},
    {"enrolment_secret": "one-chosen-by-someone-else"}])
def test_a_changed_enrolment_file_is_refused(store: Store, tmp_path: Path, change: dict[str, object]) -> None:
    path = rewrite(enrolment_file(tmp_path), change)
    with store.session() as session, pytest.raises(EnrolmentError, match=r"signature .* does not match"):
        enrol(session, path, tmp_path / "keys")
    with store.read() as session:
        assert state(session) is None
    assert not (tmp_path / "keys").exists()


def test_a_forged_or_damaged_signature_is_refused(tmp_path: Path) -> None:
    path = enrolment_file(tmp_path)
    document = json.loads(path.read_text("utf-8"))
    body = {k: v for k, v in document.items() if k != "signature"}
    from postapp.sync.canonical import canonical_json

    forged = base64.b64encode(other_pair().sign.sign(canonical_json(body)).signature).decode()
    with pytest.raises(EnrolmentError, match="does not match"):
        read_enrolment(rewrite(path, {"signature": forged}))
    for bad in ("", "not base64!", base64.b64encode(b"short").decode(), None):
        with pytest.raises(EnrolmentError):
            read_enrolment(rewrite(path, {"signature": bad}))
    text = enrolment_file(tmp_path).read_bytes()
    for cut in range(0, len(text), 7):
        path.write_bytes(text[:cut])
        with pytest.raises(EnrolmentError):
            read_enrolment(path)


def test_not_an_enrolment_file(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    for content in (b"\xff\xfe", b"[]", b'{"format": "something else"}', b"{" * 50_000):
        path.write_bytes(content)
        with pytest.raises(EnrolmentError, match="not a valid enrolment file"):
            read_enrolment(path)
    path.write_text('{"format": "postapp-enrolment/2"}')
    with pytest.raises(EnrolmentError, match="update PostApp"):
        read_enrolment(path)
    with pytest.raises(PostAppError, match="Could not read"):
        read_enrolment(tmp_path / "missing.json")


def test_a_second_hq_is_refused_unless_replaced(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    with store.session() as session:
        enrol(session, enrolment_file(tmp_path), folder)
        assert next_bundle(session, keys.load(folder)) is not None  # activity counts
    other = enrolment_file(tmp_path, hq=other_pair(), hq_id="hq-other")
    with store.session() as session, pytest.raises(EnrolmentError, match="already enrolled with headquarters hq-nl"):
        enrol(session, other, folder)
    same_id_other_keys = enrolment_file(tmp_path, hq=other_pair())
    with store.session() as session, pytest.raises(EnrolmentError, match="other keys or another post code"):
        enrol(session, same_id_other_keys, folder)
    with store.session() as session, pytest.raises(EnrolmentError, match="other keys or another post code"):
        enrol(session, enrolment_file(tmp_path, post_code="NAI"), folder)
    with store.read() as session:
        assert state(session).hq_id == HQ_ID  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(SyncBundle)) == 1
    with store.session() as session:
        replaced = enrol(session, other, folder, replace=True)
        assert (replaced.hq_id, replaced.next_seq, replaced.last_applied_hq_seq) == ("hq-other", 1, 0)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncBundle)) == 0
        assert session.scalar(select(func.count()).select_from(SyncOutboxBundle)) == 0


def test_same_hq_again_updates_the_address_and_keeps_the_numbering(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    with store.session() as session:
        enrol(session, enrolment_file(tmp_path), folder)
        next_bundle(session, keys.load(folder))
    with store.session() as session:
        again = enrol(session, enrolment_file(tmp_path, server_url="https://new.example.org"), folder)
        assert again.server_url == "https://new.example.org"
        assert again.next_seq == 2


def test_the_secret_is_kept_and_travels_inside_every_bundle(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    with store.session() as session:
        assert enrol(session, enrolment_file(tmp_path), folder).enrolment_secret == SECRET
        made = next_bundle(session, keys.load(folder))
    assert made is not None and SECRET.encode() not in made[1]  # encrypted: only HQ can read it
    assert open_at_hq(made[1], keys.load(folder).public()).payload["enrolment_secret"] == SECRET
    assert json.loads(enrolment_file(tmp_path).read_text("utf-8"))["enrolment_secret"] == SECRET


def test_a_new_enrolment_file_from_the_same_hq_starts_afresh(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    with store.session() as session:
        enrol(session, enrolment_file(tmp_path), folder)
        next_bundle(session, keys.load(folder))
    pair = keys.load(folder)
    with store.session() as session:  # HQ re-enrolled the post (a new secret); it counts from 1 again too
        again = enrol(session, enrolment_file(tmp_path, secret="another-secret-from-a-new-file"), folder)
        assert (again.enrolment_secret, again.next_seq, again.last_applied_hq_seq) == (
            "another-secret-from-a-new-file", 1, 0)
        assert session.scalar(select(func.count()).select_from(SyncBundle)) == 0
        made = next_bundle(session, pair)
    assert made is not None and made[0] == 1
    assert open_at_hq(made[1], pair.public()).payload["enrolment_secret"] == "another-secret-from-a-new-file"
    assert keys.load(folder).public() == pair.public()


def test_damaged_own_keys_stop_enrolment(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "sign.key").write_bytes(b"x")
    with store.session() as session, pytest.raises(PostAppError, match="damaged"):
        enrol(session, enrolment_file(tmp_path), folder)
    with store.read() as session:
        assert state(session) is None
    assert os.listdir(folder) == ["sign.key"]
