"""Key pairs: saved readable by the owner only, loaded back, damage refused with a message."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from postapp.errors import PostAppError
from postapp.sync import keys
from postapp.sync.keys import PublicKeys

modes = pytest.mark.skipif(not keys.HAS_MODES, reason="no file modes on this OS")


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    pair = keys.generate()
    keys.save(pair, tmp_path / "keys")
    loaded = keys.load(tmp_path / "keys")
    assert loaded.public() == pair.public()
    assert bytes(loaded.sign) == bytes(pair.sign) and bytes(loaded.box) == bytes(pair.box)
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == ["box.key", "sign.key"]


@modes
def test_key_files_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        keys.save(keys.generate(), tmp_path / "deep" / "keys")
    finally:
        os.umask(old)
    folder = tmp_path / "deep" / "keys"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("sign.key", "box.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600


def test_load_or_generate_keeps_existing_keys(tmp_path: Path) -> None:
    first = keys.load_or_generate(tmp_path / "k")
    again = keys.load_or_generate(tmp_path / "k")
    assert first.public() == again.public()


def test_missing_and_damaged_keys_are_messages(tmp_path: Path) -> None:
    with pytest.raises(PostAppError, match="no sync keys"):
        keys.load(tmp_path / "none")
    keys.save(keys.generate(), tmp_path / "k")
    (tmp_path / "k" / "sign.key").write_bytes(b"short")
    with pytest.raises(PostAppError, match="damaged"):
        keys.load(tmp_path / "k")


def test_public_keys_as_json() -> None:
    public = keys.generate().public()
    assert len(public.sign) == 32 and len(public.box) == 32
    assert PublicKeys.from_json(public.to_json()) == public
    assert len(public.fingerprint()) == 24
    for bad in (None, [], {"sign": "AAAA"}, {"sign": "!!", "box": "!!"},
                {"sign": public.to_json()["sign"], "box": "AAAA"}, {**public.to_json(), "extra": "x"},
                {"sign": 1, "box": 2}):
        with pytest.raises(PostAppError, match="public keys are damaged"):
            PublicKeys.from_json(bad)
