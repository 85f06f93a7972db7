"""The HQ server over real HTTP (uvicorn on 127.0.0.1) with a real PostgreSQL behind it."""

from __future__ import annotations

import logging
import secrets
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from postapp.hq import ingest as ingest_module
from postapp.hq.auth import sign_headers
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
        assert response.json()["code"] == "offset_mismatch"
    assert client.state(1)["received"] == CHUNK


def test_each_upload_conflict_has_its_code(client: PostClient, post: LivePost) -> None:
    data = big_bundle(post)
    first = client.put(1, data, 1000)  # nothing here yet: HQ has 0 bytes
    assert first.status_code == 409 and first.json()["code"] == "offset_mismatch" and first.json()["received"] == 0
    assert client.put(1, data, 0).status_code == 200
    resealed = client.request("PUT", f"/v1/uploads/1?offset={CHUNK}&size={len(data) + 5}", data[CHUNK:2 * CHUNK])
    assert resealed.status_code == 409, resealed.text
    assert resealed.json()["code"] == "size_changed" and resealed.json()["received"] == CHUNK
    other_size = client.request("PUT", f"/v1/uploads/1?offset={CHUNK}&size={CHUNK + 10}", b"")
    assert other_size.status_code == 409 and other_size.json()["code"] == "size_changed"
    past_end = client.request("PUT", f"/v1/uploads/1?offset=0&size={CHUNK}", data[:CHUNK] + b"x")
    assert past_end.status_code == 409 and past_end.json()["code"] == "chunk_mismatch", past_end.text
    empty = client.request("PUT", "/v1/uploads/1?offset=0&size=0", b"")
    assert empty.status_code == 409 and empty.json()["code"] == "chunk_mismatch" and "received" not in empty.json()
    later = client.request("PUT", "/v1/uploads/3?offset=0&size=10", b"0123456789")
    assert later.status_code == 409 and later.json()["code"] == "out_of_order"


def test_bundles_are_taken_in_order(client: PostClient, post: LivePost) -> None:
    response = client.request("PUT", "/v1/uploads/2?offset=0&size=10", b"0123456789")
    assert response.status_code == 409 and "expects bundle 1" in response.json()["error"]
    assert response.json()["code"] == "out_of_order" and "received" not in response.json()


def test_sizes_are_bounded(client: PostClient) -> None:
    too_big_chunk = client.request("PUT", f"/v1/uploads/1?offset=0&size={MAX_CHUNK + 1}", b"x" * (MAX_CHUNK + 1))
    too_big_bundle = client.request("PUT", f"/v1/uploads/1?offset=0&size={64 * 1024 * 1024 + 1}", b"x")
    assert too_big_chunk.status_code == 413 and too_big_bundle.status_code == 413
    assert "error" in too_big_chunk.json()
    assert too_big_chunk.json()["code"] == too_big_bundle.json()["code"] == "too_large"
    bad_number = client.request("PUT", "/v1/uploads/1?offset=-1&size=3", b"abc")
    assert bad_number.status_code == 400 and bad_number.json()["code"] == "bad_request"


def test_a_damaged_bundle_is_refused_and_can_be_sent_again(client: PostClient, post: LivePost,
                                                           hq_store: HQStore) -> None:
    post.submit(3)
    data = post.next_bundle()
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 1
    response = client.put(1, bytes(damaged), 0)
    assert response.status_code == 422 and "signature does not match" in response.json()["error"]
    assert response.json()["code"] == "bundle_refused"
    assert client.state(1) == {"received": 0, "size": None, "status": "partial"}
    assert client.push(1, data)["status"] == "accepted"
    assert counts(hq_store) == (3, 0, 1)


def test_authentication(server: LiveServer, client: PostClient, post: LivePost, hq_store: HQStore) -> None:
    assert client.request("GET", "/v1/uploads/1").status_code == 200  # before its first bundle: let through
    client.push(1, post.next_bundle())  # pins the post's keys

    forged = client.request("GET", "/v1/uploads/1", keys=generate())
    assert forged.status_code == 401 and "signature does not match" in forged.json()["error"]
    assert forged.json()["code"] == "unauthenticated"
    other_path = client.request("GET", "/v1/uploads/1", sign_path="/v1/uploads/2")
    assert other_path.status_code == 401
    nonce = secrets.token_hex(16)
    assert client.request("GET", "/v1/uploads/1", nonce=nonce).status_code == 200
    replay = client.request("GET", "/v1/uploads/1", nonce=nonce)
    assert replay.status_code == 409 and "sent before" in replay.json()["error"]
    assert replay.json()["code"] == "replay"
    unknown = client.request("GET", "/v1/uploads/1", code="NOBODY")
    assert unknown.status_code == 403 and "not registered" in unknown.json()["error"]
    assert unknown.json()["code"] == "unknown_post"
    bare = httpx.get(f"{server.url}/v1/uploads/1")
    assert bare.status_code == 401
    assert bare.json() == {"error": "The request is not signed by a post.", "code": "unauthenticated"}
    bad_nonce = client.request("GET", "/v1/uploads/1", nonce="not-hex")
    assert bad_nonce.status_code == 401
    with hq_store.session() as session:
        revoke_post(session, post.code)
    revoked = client.request("GET", "/v1/uploads/1")
    assert revoked.status_code == 403 and "revoked" in revoked.json()["error"]
    assert revoked.json()["code"] == "revoked"
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
    assert failed.json()["code"] == "internal_error"
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
    assert response.status_code == 404 and "error" in response.json() and response.json()["code"] == "not_found"
    response = httpx.post(f"{server.url}/v1/pull")
    assert response.status_code == 405 and "error" in response.json()
    assert response.json()["code"] == "method_not_allowed"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_upload_cut_off_midway_is_one_line_in_the_log(server: LiveServer, client: PostClient, post: LivePost,
                                                          hq_store: HQStore) -> None:
    data = big_bundle(post)
    chunk = data[:CHUNK * 4]
    path = f"/v1/uploads/1?offset=0&size={len(data)}"
    headers = sign_headers(post.keys.sign, "PUT", path, chunk, post.code, secrets.token_hex(16))
    seen = _Records()
    loggers = [logging.getLogger(name) for name in ("postapp.hq", "uvicorn", "uvicorn.error", "uvicorn.asgi")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(seen)
        logger.setLevel(logging.INFO)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            sock.sendall(f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(chunk)}\r\n{head}"
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + chunk[:CHUNK])
            time.sleep(0.2)  # the server is reading the body when the line drops
        deadline = time.monotonic() + 10
        while not any("broke off" in r.getMessage() for r in seen.records) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # anything logged after the line, such as a traceback, arrives too
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(seen)
            logger.setLevel(level)
    cut = [r for r in seen.records if "broke off" in r.getMessage()]
    assert len(cut) == 1 and cut[0].levelno == logging.INFO and post.code in cut[0].getMessage()
    assert [r for r in seen.records if r.exc_info or r.levelno >= logging.ERROR] == [], seen.records
    assert client.state(1) == {"received": 0, "size": None, "status": "partial"}  # nothing of it was kept
    assert client.push(1, data)["status"] == "accepted"
    assert counts(hq_store) == (100, 0, 1)
