"""The HQ server over real HTTP (uvicorn on 127.0.0.1) with a real PostgreSQL behind it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from postapp.hq import ingest as ingest_module
from postapp.hq.models import HQNonce, HQPost, HQUpload
from postapp.hq.outgoing import approve_example, publish_form
from postapp.hq.posts import revoke_post
from postapp.hq.store import HQStore
from postapp.survey import responses
from postapp.survey.models import StoredForm
from postapp.sync.keys import KeyPair, generate
from tests.hq.helpers import CHUNK, MAX_CHUNK, BarePost, LivePost, LiveServer, PostClient, counts, response_record
from tests.survey.study import study_form_variant


@pytest.fixture
def client(server: LiveServer, post: LivePost) -> Iterator[PostClient]:
    http = PostClient(server.url, post.code, post.keys)
    try:
        yield http
    finally:
        http.close()


def big_bundle(post: LivePost, responses_count: int = 100) -> bytes:
    post.submit(responses_count, seed=3, fast=True)
    data = post.next_bundle()
    assert len(data) > 2 * CHUNK, len(data)  # several chunks
    return data


def test_push_in_chunks_is_taken_in_once(client: PostClient, post: LivePost, hq_store: HQStore) -> None:
    post.submit(30)
    post.interview()
    data = post.next_bundle()

    answer = client.push(1, data)

    assert answer == {"status": "accepted", "ack": 1, "received": len(data)}
    assert client.state(1) == {"received": len(data), "size": len(data), "status": "accepted", "ack": 1}
    assert counts(hq_store) == (30, 1, 1)
    again = client.put(1, data, 0)  # the answer was lost: the post sends the first chunk again
    assert again.status_code == 200 and again.json()["status"] == "accepted"
    assert counts(hq_store) == (30, 1, 1)


def test_a_cut_upload_resumes_from_where_hq_is(client: PostClient, post: LivePost, hq_store: HQStore) -> None:
    data = big_bundle(post)
    half = len(data) // 2
    client.push(1, data, stop_at=half)
    state = client.state(1)
    assert state["status"] == "partial" and state["size"] == len(data)
    assert half <= state["received"] < len(data) and state["received"] % CHUNK == 0
    assert counts(hq_store) == (0, 0, 0)

    answer = client.push(1, data)

    assert answer["status"] == "accepted"
    assert counts(hq_store) == (100, 0, 1)


def test_a_wrong_offset_is_a_conflict(client: PostClient, post: LivePost) -> None:
    data = big_bundle(post)
    assert client.put(1, data, 0).json() == {"received": CHUNK}
    behind = client.put(1, data, 0)  # the same chunk again
    ahead = client.put(1, data, 2 * CHUNK)
    for response in (behind, ahead):
        assert response.status_code == 409, response.text
        assert response.json().get("received") == CHUNK, response.text
        assert response.json()["received"] == CHUNK and "continue from there" in response.json()["error"]
    assert client.state(1)["received"] == CHUNK


def test_bundles_are_taken_in_order(client: PostClient, post: LivePost) -> None:
    response = client.request("PUT", "/v1/uploads/2?offset=0&size=10", b"0123456789")
    assert response.status_code == 409 and "expects bundle 1" in response.json()["error"]


def test_sizes_are_bounded(client: PostClient) -> None:
    too_big_chunk = client.request("PUT", f"/v1/uploads/1?offset=0&size={MAX_CHUNK + 1}", b"x" * (MAX_CHUNK + 1))
    too_big_bundle = client.request("PUT", f"/v1/uploads/1?offset=0&size={64 * 1024 * 1024 + 1}", b"x")
    assert too_big_chunk.status_code == 413 and too_big_bundle.status_code == 413
    assert "error" in too_big_chunk.json()
    bad_number = client.request("PUT", "/v1/uploads/1?offset=-1&size=3", b"abc")
    assert bad_number.status_code == 400


def test_a_damaged_bundle_is_refused_and_can_be_sent_again(client: PostClient, post: LivePost,
                                                           hq_store: HQStore) -> None:
    post.submit(3)
    data = post.next_bundle()
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 1
    response = client.put(1, bytes(damaged), 0)
    assert response.status_code == 422 and "signature does not match" in response.json()["error"]
    assert client.state(1) == {"received": 0, "size": None, "status": "partial"}
    assert client.push(1, data)["status"] == "accepted"
    assert counts(hq_store) == (3, 0, 1)


def test_authentication(server: LiveServer, client: PostClient, post: LivePost, hq_store: HQStore) -> None:
    assert client.request("GET", "/v1/uploads/1").status_code == 200  # before its first bundle: let through
    client.push(1, post.next_bundle())  # pins the post's keys

    forged = client.request("GET", "/v1/uploads/1", keys=generate())
    assert forged.status_code == 401 and "signature does not match" in forged.json()["error"]
    other_path = client.request("GET", "/v1/uploads/1", sign_path="/v1/uploads/2")
    assert other_path.status_code == 401
    nonce = secrets.token_hex(16)
    assert client.request("GET", "/v1/uploads/1", nonce=nonce).status_code == 200
    replay = client.request("GET", "/v1/uploads/1", nonce=nonce)
    assert replay.status_code == 409 and "sent before" in replay.json()["error"]
    unknown = client.request("GET", "/v1/uploads/1", code="NOBODY")
    assert unknown.status_code == 403 and "not registered" in unknown.json()["error"]
    bare = httpx.get(f"{server.url}/v1/uploads/1")
    assert bare.status_code == 401 and bare.json() == {"error": "The request is not signed by a post."}
    bad_nonce = client.request("GET", "/v1/uploads/1", nonce="not-hex")
    assert bad_nonce.status_code == 401
    with hq_store.session() as session:
        revoke_post(session, post.code)
    revoked = client.request("GET", "/v1/uploads/1")
    assert revoked.status_code == 403 and "revoked" in revoked.json()["error"]
    with hq_store.read() as session:
        assert len(session.scalars(select(HQNonce)).all()) == 4  # only requests that passed the checks


def test_server_killed_mid_ingest_keeps_nothing_and_the_retry_succeeds(
        client: PostClient, post: LivePost, hq_store: HQStore, monkeypatch: pytest.MonkeyPatch) -> None:
    data = big_bundle(post)
    real = ingest_module.receive_responses

    def die(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("killed")

    monkeypatch.setattr(ingest_module, "receive_responses", die)
    last = (len(data) - 1) // CHUNK * CHUNK
    client.push(1, data, stop_at=last)
    failed = client.put(1, data, last)
    assert failed.status_code == 500 and "unexpected error" in failed.json()["error"]
    assert counts(hq_store) == (0, 0, 0)
    assert client.state(1)["received"] == last  # the last chunk went with the failed transaction
    monkeypatch.setattr(ingest_module, "receive_responses", real)

    assert client.push(1, data)["status"] == "accepted"
    assert counts(hq_store) == (100, 0, 1)
    with hq_store.read() as session:
        assert session.scalars(select(HQUpload)).all() == []  # nothing of the upload is kept once applied


def test_a_published_form_and_an_approved_example_reach_the_post(client: PostClient, post: LivePost,
                                                                 hq_store: HQStore, hq_keys: KeyPair) -> None:
    assert client.pull(0).status_code == 204  # HQ cannot encrypt for the post before its first bundle
    example_id = post.propose_example()
    client.push(1, post.next_bundle())
    with hq_store.session() as session:
        publish_form(session, study_form_variant(version="2099.1"))
        approve_example(session, example_id)

    pulled = client.pull(0)
    assert pulled.status_code == 200 and pulled.headers["content-type"] == "application/octet-stream"
    applied = post.apply(pulled.content)

    assert applied.applied == {"survey_form": 1, "good_example": 1}
    assert applied.acknowledged == (1,)  # HQ's bundle confirms the post's bundle 1
    with post.store.read() as session:
        assert responses.find_form(session, responses.STUDY_FORM_ID, "2099.1") is not None
    assert client.pull(0).content == pulled.content  # the same bytes until the post confirms
    assert client.pull(1).status_code == 204
    with hq_store.read() as session:
        hq_post = session.get(HQPost, post.code)
        assert hq_post is not None and hq_post.out_acked == 1 and hq_post.out_seq == 1
        assert session.scalars(select(StoredForm.version).where(StoredForm.version == "2099.1")).one()


def test_bare_post_first_sync_over_http(server: LiveServer, hq_store: HQStore, hq_keys: KeyPair) -> None:
    bare = BarePost("FIRST").register(hq_store)
    http = PostClient(server.url, bare.code, bare.keys)
    try:
        data = bare.bundle([response_record("FIRST")], hq_keys=hq_keys)
        assert http.push(1, data)["ack"] == 1
        assert http.push(1, data)["status"] == "accepted"
    finally:
        http.close()
    assert counts(hq_store) == (1, 0, 1)


def test_a_stranger_cannot_send_a_first_bundle_for_a_registered_post(server: LiveServer, hq_store: HQStore,
                                                                    hq_keys: KeyPair) -> None:
    enrolled = BarePost("TAKE").register(hq_store)
    stranger = BarePost("TAKE")
    http = PostClient(server.url, stranger.code, stranger.keys)
    try:
        for secret in (None, "guessed"):
            data = stranger.bundle([response_record("TAKE")], hq_keys=hq_keys, seq=1, secret=secret)
            assert len(data) <= MAX_CHUNK
            response = http.put(1, data, 0, MAX_CHUNK)
            assert response.status_code == 422, response.text
            assert "does not come from the laptop enrolled for post TAKE" in response.json()["error"]
            assert http.state(1) == {"received": 0, "size": None, "status": "partial"}  # its chunks were dropped
    finally:
        http.close()
    assert counts(hq_store) == (0, 0, 0)
    with hq_store.read() as session:
        hq_post = session.get(HQPost, "TAKE")
        assert hq_post is not None and hq_post.sign_key is None and hq_post.last_seq == 0
    http = PostClient(server.url, enrolled.code, enrolled.keys)
    try:
        assert http.push(1, enrolled.bundle([response_record("TAKE")], hq_keys=hq_keys))["ack"] == 1
    finally:
        http.close()
    assert counts(hq_store) == (1, 0, 1)


def test_unknown_addresses_answer_json(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/nothing")
    assert response.status_code == 404 and "error" in response.json()
    response = httpx.post(f"{server.url}/v1/pull")
    assert response.status_code == 405 and "error" in response.json()
