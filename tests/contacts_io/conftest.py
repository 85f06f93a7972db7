"""A second store, for round trips from one data file to another."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from postapp.store import Store, open_store


@pytest.fixture
def store_factory(tmp_path: Path) -> Iterator[Callable[[str], Store]]:
    opened: list[Store] = []

    def make(name: str) -> Store:
        opened.append(open_store(tmp_path / name))
        return opened[-1]

    yield make
    for store in opened:
        store.close()
