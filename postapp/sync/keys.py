"""Key pairs of a post or of headquarters: an Ed25519 key to sign and an X25519 key to encrypt (PyNaCl).

Private keys are two files of 32 raw bytes (``sign.key``: the Ed25519 seed, ``box.key``: the X25519
private key) in a folder only the user can read (mode 0700, files 0600, where the OS has modes). A
post keeps them in ``user_data_dir()/keys``; headquarters in its own data folder.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from postapp.errors import PostAppError
from postapp.i18n import _

SIGN_FILE = "sign.key"
BOX_FILE = "box.key"
KEY_BYTES = 32
HAS_MODES = os.name != "nt"


@dataclass(frozen=True)
class PublicKeys:
    """The public halves: 32 raw bytes each."""

    sign: bytes
    box: bytes

    def to_json(self) -> dict[str, str]:
        return {"sign": base64.b64encode(self.sign).decode("ascii"),
                "box": base64.b64encode(self.box).decode("ascii")}

    @classmethod
    def from_json(cls, value: Any) -> PublicKeys:
        """Raises ``PostAppError`` when ``value`` is not ``{"sign": base64, "box": base64}`` of 32 bytes each."""
        try:
            if not isinstance(value, dict) or set(value) != {"sign", "box"}:
                raise ValueError
            sign = base64.b64decode(value["sign"], validate=True)
            box = base64.b64decode(value["box"], validate=True)
        except (ValueError, TypeError, binascii.Error):
            raise PostAppError(_("The public keys are damaged.")) from None
        if len(sign) != KEY_BYTES or len(box) != KEY_BYTES:
            raise PostAppError(_("The public keys are damaged."))
        return cls(sign, box)

    def fingerprint(self) -> str:
        """A short text to compare by telephone: the first 80 bits of SHA-256 over both keys."""
        digest = hashlib.sha256(self.sign + self.box).hexdigest()[:20]
        return " ".join(digest[i:i + 4] for i in range(0, 20, 4))


@dataclass(frozen=True)
class KeyPair:
    sign: SigningKey
    box: PrivateKey

    def public(self) -> PublicKeys:
        return PublicKeys(bytes(self.sign.verify_key), bytes(self.box.public_key))


def generate() -> KeyPair:
    return KeyPair(SigningKey.generate(), PrivateKey.generate())


def _write_private(path: Path, data: bytes) -> None:
    """Writes a key file atomically, readable by its owner only from the first byte on."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if HAS_MODES:
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save(pair: KeyPair, folder: Path) -> None:
    """Writes both private keys into ``folder`` (created with mode 0700), replacing keys already there."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if HAS_MODES:
            os.chmod(folder, 0o700)
        _write_private(folder / SIGN_FILE, bytes(pair.sign))
        _write_private(folder / BOX_FILE, bytes(pair.box))
    except OSError as exc:
        raise PostAppError(_("The keys could not be saved in {folder}: {problem}").format(
            folder=folder, problem=exc.strerror or exc)) from exc


def exists(folder: Path) -> bool:
    return (folder / SIGN_FILE).exists() or (folder / BOX_FILE).exists()


def load(folder: Path) -> KeyPair:
    try:
        sign = (folder / SIGN_FILE).read_bytes()
        box = (folder / BOX_FILE).read_bytes()
    except FileNotFoundError:
        raise PostAppError(_("There are no sync keys in {folder}; enrol with headquarters first.").format(
            folder=folder)) from None
    except OSError as exc:
        raise PostAppError(_("The sync keys in {folder} cannot be read: {problem}").format(
            folder=folder, problem=exc.strerror or exc)) from exc
    if len(sign) != KEY_BYTES or len(box) != KEY_BYTES:
        raise PostAppError(_("The sync keys in {folder} are damaged.").format(folder=folder))
    return KeyPair(SigningKey(sign), PrivateKey(box))


def load_or_generate(folder: Path) -> KeyPair:
    """The keys in ``folder``; a new pair, saved there, when there are none yet."""
    if exists(folder):
        return load(folder)
    pair = generate()
    save(pair, folder)
    return pair


def post_keys_dir() -> Path:
    """Where a post keeps its keys: ``user_data_dir()/keys``."""
    from postapp.paths import user_data_dir

    return user_data_dir() / "keys"
