"""Shared fixtures for the Qt-free tests: a real SQLite store on disk, and English messages."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from postapp.i18n import set_language
from postapp.store import Store, open_store


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "post.sqlite3")
    try:
        yield opened
    finally:
        opened.close()
