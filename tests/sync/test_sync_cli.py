"""``postapp sync`` as a user runs it: enrol, status, export to a sync file, import HQ's file."""

from __future__ import annotations

import io
import stat
import uuid
import zipfile
from pathlib import Path

from postapp.store import open_store
from postapp.sync import bundle as fmt
from postapp.sync import container, keys
from tests.survey.study import complete_answers, submit_response
from tests.sync.helpers import enrolment_file, example_record, open_at_hq, other_pair, to_post
from tests.test_cli import assert_one_line_error, run


def post_keys(tmp_path: Path) -> Path:
    found = list((tmp_path / "xdg-data").glob("*/keys"))
    assert len(found) == 1, found
    return found[0]


def add_response(db: Path) -> None:
    store = open_store(db)
    try:
        with store.session() as session:
            submit_response(session, complete_answers())
    finally:
        store.close()


def test_enrol_export_import_status(tmp_path: Path) -> None:
    db = str(tmp_path / "post.sqlite3")
    status = run("--db", db, "sync", "status", tmp_path=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "Not enrolled" in status.stdout

    enrolled = run("--db", db, "sync", "enrol", str(enrolment_file(tmp_path)), tmp_path=tmp_path)
    assert enrolled.returncode == 0, enrolled.stderr
    assert "Enrolled as post HAN with headquarters hq-nl" in enrolled.stdout
    folder = post_keys(tmp_path)
    pair = keys.load(folder)
    assert pair.public().fingerprint() in enrolled.stdout
    if keys.HAS_MODES:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}

    add_response(tmp_path / "post.sqlite3")
    out = tmp_path / "to-hq.pab"
    exported = run("--db", db, "sync", "export", "--out", str(out), tmp_path=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "Wrote bundles 1 to 1 (" in exported.stdout
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        assert archive.namelist() == ["bundle-1.pab"]
    first = container.read_file(out)
    opened = open_at_hq(first[0], pair.public())
    assert [r.type for r in opened.records].count("survey_response") == 1

    # not acknowledged yet: a second export carries the same bundle, byte for byte
    again = run("--db", db, "sync", "export", "--out", str(tmp_path / "again.pab"), tmp_path=tmp_path)
    assert again.returncode == 0, again.stderr
    assert container.read_file(tmp_path / "again.pab") == first
    status = run("--db", db, "sync", "status", tmp_path=tmp_path)
    assert "not yet acknowledged by headquarters: 1 (" in status.stdout
    assert "Last acknowledgement from headquarters: never" in status.stdout

    from_hq = tmp_path / "from-hq.pab"
    from_hq.write_bytes(to_post([example_record(str(uuid.uuid4()))], 1, pair.public(), acks=(1,)))
    imported = run("--db", db, "sync", "import", str(from_hq), tmp_path=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "Applied bundle 1 from headquarters. Records: 1; our bundles acknowledged: 1." in imported.stdout
    twice = run("--db", db, "sync", "import", str(from_hq), tmp_path=tmp_path)
    assert twice.returncode == 0 and "applied before; nothing changed" in twice.stdout
    status = run("--db", db, "sync", "status", tmp_path=tmp_path)
    assert "not yet acknowledged by headquarters: 0 (" in status.stdout and "never" not in status.stdout
    assert "Last bundle applied from headquarters: 1." in status.stdout
    nothing = run("--db", db, "sync", "export", "--out", str(tmp_path / "none.pab"), tmp_path=tmp_path)
    assert nothing.returncode == 0 and "Nothing to send" in nothing.stdout
    assert not (tmp_path / "none.pab").exists()

    # a zip of HQ bundles 2 and 3, stored out of order, is applied in order
    zipped = tmp_path / "two.pab"
    container.write_file(zipped, [to_post([example_record(str(uuid.uuid4()))], seq, pair.public()) for seq in (3, 2)])
    both = run("--db", db, "sync", "import", str(zipped), tmp_path=tmp_path)
    assert both.returncode == 0, both.stderr
    assert both.stdout.index("bundle 2") < both.stdout.index("bundle 3")


def test_errors_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "post.sqlite3")
    out = tmp_path / "x.pab"
    line = assert_one_line_error(run("--db", db, "sync", "export", "--out", str(out), tmp_path=tmp_path))
    assert "enrol" in line
    assert run("--db", db, "sync", "enrol", str(enrolment_file(tmp_path)), tmp_path=tmp_path).returncode == 0
    pair = keys.load(post_keys(tmp_path))

    other = enrolment_file(tmp_path, hq=other_pair(), hq_id="hq-other")
    line = assert_one_line_error(run("--db", db, "sync", "enrol", str(other), tmp_path=tmp_path))
    assert "already enrolled with headquarters hq-nl" in line and "--replace" in line

    good = to_post([example_record(str(uuid.uuid4()))], 1, pair.public())
    for name, content, message in (
            ("cut.pab", good[:-10], "damaged or incomplete"),
            ("flip.pab", good[:50] + bytes([good[50] ^ 4]) + good[51:], "damaged"),
            ("other.pab", to_post([], 1, pair.public(), hq=other_pair(), hq_id="hq-be"),
             "meant for headquarters hq-be"),
            ("text.pab", b"hello", "not a PostApp sync file"),
            ("own.pab", fmt.seal(fmt.make_payload([]), direction=fmt.TO_HQ, hq_id="hq-nl", post_code="HAN", seq=1,
                                 sender=pair, recipient=other_pair().public()), "made by a post for headquarters")):
        path = tmp_path / name
        path.write_bytes(content)
        line = assert_one_line_error(run("--db", db, "sync", "import", str(path), tmp_path=tmp_path))
        assert message in line, line
    line = assert_one_line_error(run("--db", db, "sync", "import", str(tmp_path / "missing.pab"), tmp_path=tmp_path))
    assert "Could not read" in line
    usage = run("--db", db, "sync", "export", "--out", str(tmp_path / "x.zip"), tmp_path=tmp_path)
    assert usage.returncode == 2 and ".pab" in usage.stderr


def test_help_lists_sync(tmp_path: Path) -> None:
    result = run("sync", "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert all(word in result.stdout for word in ("enrol", "export", "import", "status"))


