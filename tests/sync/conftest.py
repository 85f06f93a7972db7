"""An enrolled post: its store, its key pair (in a temporary folder) and HQ's keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from postapp.store import Store, open_store
from postapp.sync import keys
from postapp.sync.enrolment import enrol
from postapp.sync.keys import KeyPair
from tests.sync.helpers import enrolment_file


@dataclass
class Post:
    store: Store
    keys: KeyPair
    keys_folder: Path
    overrides: Path


@pytest.fixture
def post(tmp_path: Path) -> Iterator[Post]:
    store = open_store(tmp_path / "post.sqlite3")
    folder = tmp_path / "keys"
    try:
        with store.session() as session:
            enrol(session, enrolment_file(tmp_path), folder)
        yield Post(store, keys.load(folder), folder, tmp_path / "hq-overrides")
    finally:
        store.close()
