"""``postapp-hq`` end to end: set up, register a post, the file road both ways, serve, one-line errors."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from postapp.hq.cli import main
from postapp.hq.pgtest import TempPostgres, free_port
from postapp.store import open_store
from postapp.survey import responses
from postapp.sync import container, keys
from postapp.sync.enrolment import enrol, read_enrolment
from postapp.sync.post_side import apply_incoming, next_bundle
from tests.hq.helpers import PostClient
from tests.survey.study import study_form_variant

_names = itertools.count(1)


@pytest.fixture
def db_url(pg: TempPostgres) -> Iterator[str]:
    name = f"cli_{next(_names)}"
    url = pg.create_database(name)
    yield url
    pg.drop_database(name)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_file_road_both_ways(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hq_keys = tmp_path / "hq-keys"
    base = ["--db", db_url, "--keys", str(hq_keys)]
    code, out, _err = run(capsys, "init", *base, "--hq-id", "cli-hq", "--server-url", "https://hq.example")
    assert code == 0 and "cli-hq is ready" in out
    assert oct((hq_keys / "sign.key").stat().st_mode & 0o777) == "0o600"
    assert run(capsys, "init", *base, "--hq-id", "cli-hq")[0] == 0  # again: harmless
    code, _out, err = run(capsys, "init", *base, "--hq-id", "other-hq")
    assert code == 1 and err.count("\n") == 1 and "set up as cli-hq" in err

    enrolment = tmp_path / "han.json"
    code, out, _err = run(capsys, "register-post", "HAN", "--name", "Hanoi", "--country", "vn", "--out",
                          str(enrolment), *base)
    assert code == 0 and "HAN is registered" in out
    assert read_enrolment(enrolment).server_url == "https://hq.example"

    post_store = open_store(tmp_path / "post.sqlite3")
    post_keys = tmp_path / "post-keys"
    try:
        with post_store.session() as session:
            assert enrol(session, enrolment, post_keys).country == "VN"
            record = responses.ensure_study_form(session)
            from tests.survey.study import complete_answers, submit_response

            submit_response(session, complete_answers(), post_code="HAN")
            made = next_bundle(session, keys.load(post_keys))
        assert made is not None and record is not None
        sync_file = tmp_path / "from-han.pab"
        container.write_file(sync_file, [made[1]])

        code, out, _err = run(capsys, "import", str(sync_file), *base)
        assert code == 0 and "taken in: 1 responses" in out
        code, out, _err = run(capsys, "import", str(sync_file), *base)
        assert code == 0 and "received before" in out
        code, out, _err = run(capsys, "posts", *base)
        assert code == 0 and "HAN\tHanoi\tVN" in out and "\t1\t1\t0\t" in out

        back = tmp_path / "to-han.pab"
        code, out, _err = run(capsys, "export", "--post", "HAN", "--out", str(back), *base)
        assert code == 0 and "1 bundles" in out  # nothing to send but the acknowledgement
        with post_store.session() as session:
            (data,) = container.read_file(back)
            result = apply_incoming(session, data, keys.load(post_keys), overrides=tmp_path / "hq")
            assert result.applied == {} and result.acknowledged == (1,)

        form = tmp_path / "form.xlsx"
        form.write_bytes(study_form_variant(version="2099.1"))
        assert run(capsys, "publish-form", str(form), *base)[0] == 0
        code, out, _err = run(capsys, "export", "--post", "HAN", "--out", str(back), *base)
        assert code == 0 and "2 bundles" in out  # the post has not confirmed the first one yet
        with post_store.session() as session:
            first, second = (apply_incoming(session, data, keys.load(post_keys), overrides=tmp_path / "hq")
                             for data in container.read_file(back))
            assert first.already_applied and second.applied == {"survey_form": 1}
            assert responses.find_form(session, responses.STUDY_FORM_ID, "2099.1") is not None

        assert run(capsys, "revoke-post", "HAN", *base)[0] == 0
        with post_store.session() as session:
            submit_response(session, complete_answers(), post_code="HAN")
            made = next_bundle(session, keys.load(post_keys))
        assert made is not None
        container.write_file(sync_file, [made[1]])
        code, _out, err = run(capsys, "import", str(sync_file), *base)
        assert code == 1 and err.count("\n") == 1 and "revoked" in err
    finally:
        post_store.close()


def test_one_line_errors(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    junk = tmp_path / "junk.pab"
    junk.write_bytes(b"this is no bundle")
    base = ["--db", db_url, "--keys", str(tmp_path / "keys")]
    assert run(capsys, "init", *base, "--hq-id", "cli-hq")[0] == 0
    code, _out, err = run(capsys, "import", str(junk), *base)
    assert code == 1 and err.count("\n") == 1 and "not a PostApp sync file" in err
    code, _out, err = run(capsys, "export", "--post", "NOPE", "--out", str(tmp_path / "x"), *base)
    assert code == 1 and err.count("\n") == 1 and "NOPE is not registered" in err
    code, _out, err = run(capsys, "register-post", "bad code", "--name", "X", "--out", str(tmp_path / "e"), *base)
    assert code == 1 and "post code" in err
    monkeypatch.delenv("POSTAPP_HQ_DB", raising=False)
    code, _out, err = run(capsys, "posts")
    assert code == 1 and "--db URL" in err
    with pytest.raises(SystemExit) as usage:
        main(["no-such-command"])
    assert usage.value.code == 2 and capsys.readouterr().err.count("\n") == 1


def test_serve_answers_signed_requests(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", db_url, "--keys", str(tmp_path / "keys")]
    assert run(capsys, "init", *base, "--hq-id", "cli-hq")[0] == 0
    assert run(capsys, "register-post", "HAN", "--name", "Hanoi", "--out", str(tmp_path / "e.json"), *base)[0] == 0
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "postapp.hq.cli", "serve", *base, "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    client = PostClient(f"http://127.0.0.1:{port}", "HAN", keys.generate())
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = client.request("GET", "/v1/pull?after=0")
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr
                time.sleep(0.1)
        assert response.status_code == 204
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)
