"""The bundle format: a round trip, and every defect a BundleError with a clear message, never another error."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest

from postapp.sync import bundle as fmt
from postapp.sync import container, keys
from postapp.sync.bundle import Record
from postapp.sync.canonical import canonical_json
from postapp.sync.errors import BundleError
from tests.sync.helpers import HQ_ID, hq_pair, other_pair

POST_PAIR = keys.generate()


def small_bundle(**kwargs: object) -> bytes:
    options: dict[str, object] = {"direction": fmt.TO_HQ, "hq_id": HQ_ID, "post_code": "HAN", "seq": 3,
                                  "sender": POST_PAIR, "recipient": hq_pair().public()}
    options.update(kwargs)
    payload = fmt.make_payload([Record(fmt.ACTIVITY_COUNTS, "HAN:2026-10",
                                       {"month": "2026-10", "counts": {"awareness": 2, "support": 1}})], [1])
    return fmt.seal(payload, **options)  # type: ignore[arg-type]


def open_small(data: bytes) -> fmt.Bundle:
    return fmt.open_bundle(data, recipient=hq_pair(), sender=POST_PAIR.public(), hq_id=HQ_ID)


def resign(header: dict[str, object], body: bytes, signer: keys.KeyPair = POST_PAIR) -> bytes:
    """A bundle with a hand-made header, correctly signed: only the header's content is wrong."""
    header_bytes = canonical_json(header)
    signed = fmt.MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes + body
    return signed + signer.sign.sign(signed).signature


def parts(data: bytes) -> tuple[dict[str, object], bytes]:
    (hlen,) = struct.unpack(">I", data[4:8])
    return json.loads(data[8:8 + hlen]), data[8 + hlen:-64]


def test_round_trip_keeps_header_and_payload() -> None:
    data = small_bundle()
    assert data[:4] == b"PAB1"
    opened = open_small(data)
    assert opened.header.seq == 3 and opened.header.direction == "to_hq" and opened.header.post_code == "HAN"
    assert opened.header.sender_keys == POST_PAIR.public()
    assert opened.records == [Record("activity_counts", "HAN:2026-10",
                                     {"month": "2026-10", "counts": {"awareness": 2, "support": 1}})]
    assert opened.acks == [1]
    assert fmt.read_header(data) == opened.header
    header, _body = parts(data)
    assert canonical_json(header) == data[8:8 + struct.unpack(">I", data[4:8])[0]]  # the header is canonical


def test_the_body_is_not_readable_without_hqs_key() -> None:
    data = small_bundle()
    assert b"awareness" not in data and b"2026-10" not in data
    with pytest.raises(BundleError, match="encrypted for another recipient"):
        fmt.open_bundle(data, recipient=other_pair(), sender=POST_PAIR.public(), hq_id=HQ_ID)


def test_every_cut_point_is_a_bundle_error() -> None:
    data = small_bundle()
    assert len(data) < 600
    for cut in range(len(data)):
        with pytest.raises(BundleError) as caught:
            open_small(data[:cut])
        assert str(caught.value)
        if cut < 8 + 40:
            with pytest.raises(BundleError):
                fmt.read_header(data[:cut])
    open_small(data)


def test_every_single_bit_flip_is_a_bundle_error() -> None:
    data = small_bundle()
    for index in range(len(data)):
        for bit in range(8):
            damaged = bytearray(data)
            damaged[index] ^= 1 << bit
            with pytest.raises(BundleError):
                open_small(bytes(damaged))


def test_truncated_and_damaged_say_so() -> None:
    data = small_bundle()
    with pytest.raises(BundleError, match="truncated"):
        open_small(data[:20])
    with pytest.raises(BundleError, match="damaged or incomplete"):
        open_small(data[:-1])
    flipped = bytearray(data)
    flipped[-100] ^= 0x10
    with pytest.raises(BundleError, match="damaged"):
        open_small(bytes(flipped))


def test_a_bundle_for_another_hq_is_refused() -> None:
    data = small_bundle(hq_id="hq-be")
    with pytest.raises(BundleError, match="meant for headquarters hq-be, not for hq-nl"):
        open_small(data)
    # sealed for another HQ's keys and signed by a post this HQ does not know
    stranger = keys.generate()
    foreign = small_bundle(hq_id="hq-be", sender=stranger, recipient=other_pair().public())
    with pytest.raises(BundleError, match="meant for headquarters hq-be"):
        open_small(foreign)


def test_wrong_sender_keys_are_refused() -> None:
    impostor = keys.generate()
    data = small_bundle(sender=impostor)
    with pytest.raises(BundleError, match="not signed with the known keys of post HAN"):
        open_small(data)
    # the header claims the right keys, but another key signed it
    header, body = parts(small_bundle())
    with pytest.raises(BundleError, match="damaged"):
        open_small(resign(header, body, signer=impostor))
    # expected keys sign, but the header names others
    header["sender_keys"] = impostor.public().to_json()
    with pytest.raises(BundleError, match="not signed with the known keys of post HAN"):
        open_small(resign(header, body))


@pytest.mark.parametrize("change", [{"format": 2}, {"compression": "zstd"}, {"format": "1"}, {"format": True}])
def test_unsupported_format_or_compression(change: dict[str, object]) -> None:
    header, body = parts(small_bundle())
    header.update(change)
    with pytest.raises(BundleError, match=r"cannot read; update PostApp"):
        open_small(resign(header, body))


def test_a_newer_magic_and_other_files_are_refused() -> None:
    data = small_bundle()
    with pytest.raises(BundleError, match="format 2, which this version of PostApp cannot read"):
        open_small(b"PAB2" + data[4:])
    for junk in (b"", b"P", b"%PDF-1.7 not a bundle", b"PK\x03\x04....", bytes(200)):
        with pytest.raises(BundleError):
            open_small(junk)
    with pytest.raises(BundleError, match="not a PostApp sync bundle"):
        open_small(b"%PDF-1.7" + bytes(300))


@pytest.mark.parametrize("bad", [
    {"direction": "sideways"}, {"seq": 0}, {"seq": -1}, {"seq": "3"}, {"seq": True}, {"hq_id": 5},
    {"sender_keys": {"sign": "AAAA", "box": "AAAA"}}, {"created_at": None}])
def test_a_signed_header_with_bad_fields_is_damaged(bad: dict[str, object]) -> None:
    header, body = parts(small_bundle())
    header.update(bad)
    with pytest.raises(BundleError, match="header of the bundle is damaged"):
        open_small(resign(header, body))


def test_header_that_is_not_json_or_too_long() -> None:
    data = small_bundle()
    with pytest.raises(BundleError, match="header"):
        fmt.read_header(fmt.MAGIC + struct.pack(">I", 10) + b"not json!!" + bytes(200))
    with pytest.raises(BundleError, match="header"):
        fmt.read_header(fmt.MAGIC + struct.pack(">I", 2**31) + data[8:])


@pytest.mark.parametrize("payload", [
    b"[]", b'{"records": {}, "acks": []}', b'{"records": [], "acks": [true]}', b'{"records": [], "acks": [-1]}',
    b'{"records": [{"type": "x", "id": 1, "data": {}}], "acks": []}', b'{"records": [], "acks": [NaN]}',
    b'{"records": [{"type": "x", "id": "1", "data": []}], "acks": []}', b"\xff\xfe", b"[" * 100_000])
def test_a_payload_of_the_wrong_form_is_refused(payload: bytes) -> None:
    from nacl.public import Box, PublicKey

    header, _body = parts(small_bundle())
    body = bytes(Box(POST_PAIR.box, PublicKey(hq_pair().public().box)).encrypt(fmt.compress(payload)))
    with pytest.raises(BundleError, match="expected form"):
        open_small(resign(header, body))


def test_a_body_that_does_not_unpack_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from nacl.public import Box, PublicKey

    header, _body = parts(small_bundle())
    box = Box(POST_PAIR.box, PublicKey(hq_pair().public().box))
    for inner in (b"not xz at all", fmt.compress(b'{"records":[],"acks":[]}')[:-3],
                  fmt.compress(b'{"records":[],"acks":[]}') + b"tail"):
        with pytest.raises(BundleError, match="contents of the bundle are damaged"):
            open_small(resign(header, bytes(box.encrypt(inner))))
    monkeypatch.setattr(fmt, "MAX_PAYLOAD_BYTES", 1000)
    bomb = fmt.compress(b'{"records":[],"acks":[],"pad":"' + b" " * 100_000 + b'"}')
    assert len(bomb) < 1000
    with pytest.raises(BundleError, match="unpacks to more than"):
        open_small(resign(header, bytes(box.encrypt(bomb))))


def test_seal_refuses_programming_errors() -> None:
    with pytest.raises(ValueError):
        small_bundle(direction="up")
    with pytest.raises(ValueError):
        small_bundle(seq=0)
    with pytest.raises(ValueError):
        fmt.seal({"records": "x"}, direction=fmt.TO_HQ, hq_id=HQ_ID, post_code="HAN", seq=1, sender=POST_PAIR,
                 recipient=hq_pair().public())


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_sync_file_holds_bundles_in_sequence_order() -> None:
    bundles = [small_bundle(seq=seq) for seq in (3, 1, 2)]
    packed = container.pack(bundles)
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        assert sorted(archive.namelist()) == ["bundle-1.pab", "bundle-2.pab", "bundle-3.pab"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    assert [fmt.read_header(b).seq for b in container.unpack(packed)] == [1, 2, 3]
    assert container.unpack(bundles[0]) == [bundles[0]]  # a bare bundle is a sync file too


def test_every_cut_point_of_a_sync_file_is_a_bundle_error() -> None:
    packed = container.pack([small_bundle(seq=1)])
    for cut in range(len(packed)):
        with pytest.raises(BundleError):
            for data in container.unpack(packed[:cut]):
                open_small(data)


def test_sync_files_that_are_not_sync_files() -> None:
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w"):
        pass
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    cases = ((b"hello", "not a PostApp sync file"), (b"PK\x03\x04garbage", "damaged"),
             (empty.getvalue(), "not a PostApp sync file"), (other.getvalue(), "not a PostApp sync bundle"))
    for data, message in cases:
        with pytest.raises(BundleError, match=message):
            container.unpack(data)
